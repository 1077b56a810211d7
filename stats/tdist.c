/* tdist.c - Student t and standard normal CDFs and quantiles.
 *
 * The t CDF is the regularized incomplete beta function,
 *     P(T <= -|t|) = I_x(df/2, 1/2) / 2,   x = df / (df + t^2),
 * evaluated by its continued fraction with the modified Lentz method, directly
 * when x is below the fraction's convergence threshold and through
 * I_x(a,b) = 1 - I_{1-x}(b,a) above it, with 1-x computed as t^2/(df+t^2) so
 * that nothing cancels. Everything is carried in logarithms, so the far tails
 * (p = 1e-300, t = 1e299 at df = 1) neither overflow nor underflow. Above
 * df = 1e5 the fraction loses digits and a Cornish-Fisher expansion takes over.
 *
 * The quantile inverts the CDF by Newton's method on u = log|t| against
 * log P: in the tails log P is nearly linear in u (a power law), so Newton
 * converges in a few steps from a normal-based start whatever df is; a bracket
 * on u turns any step that leaves it into bisection, so it cannot diverge.
 *
 * lgamma() is avoided: it writes the global signgam, a data race when kernels
 * run in parallel threads. Only log B(df/2, 1/2) is needed, computed from the
 * ratio Gamma(a+1/2)/Gamma(a) by upward recurrence and Stirling's series, which
 * also avoids the cancellation of two huge lgamma values at large df.
 */
#include "stats.h"

#include <float.h>
#include <math.h>

#define LOG_SQRT_PI 0.57236494292470008707     /* log(sqrt(pi)) */
#define LOG_SQRT_2PI 0.91893853320467274178    /* log(sqrt(2 pi)) */
#define SQRT1_2 0.70710678118654752440         /* 1/sqrt(2) */
#define LN_HALF (-0.69314718055994530942)

/* Stirling's series for log Gamma(z) minus its leading terms; |error| < 1e-16
 * for z >= 20 (the next term is 691/(360360 z^11)). */
static double stirling_tail(double z)
{
    double r = 1.0 / z, r2 = r * r;
    return r * (1.0 / 12 - r2 * (1.0 / 360 - r2 * (1.0 / 1260 - r2 * (1.0 / 1680
             - r2 * (1.0 / 1188)))));
}

/* log Gamma(a + 1/2) - log Gamma(a), a > 0. */
static double log_gamma_ratio_half(double a)
{
    double shift = 0.0;
    /* Gamma(a+1/2)/Gamma(a) = [Gamma(a+3/2)/Gamma(a+1)] * a/(a+1/2). */
    while (a < 20.0) {
        shift -= log1p(0.5 / a);
        a += 1.0;
    }
    /* Stirling for both, with the big terms combined analytically:
     * a log(a+1/2) - (a-1/2) log a - 1/2 = a log1p(1/(2a)) - 1/2 + log(a)/2. */
    return shift + (a * log1p(0.5 / a) - 0.5) + 0.5 * log(a)
           + (stirling_tail(a + 0.5) - stirling_tail(a));
}

/* log B(a, 1/2) = log Gamma(a) + log Gamma(1/2) - log Gamma(a + 1/2). */
static double log_beta_half(double a)
{
    return LOG_SQRT_PI - log_gamma_ratio_half(a);
}

/* The continued fraction of I_x(a,b) without its prefactor x^a (1-x)^b/(a B):
 * 1/(1+ d1/(1+ d2/(1+ ...))), evaluated by modified Lentz. Converges quickly
 * for x < (a+1)/(a+b+2); the number of terms grows like sqrt(a) near that
 * threshold, hence the generous cap. */
static double beta_cf(double x, double a, double b)
{
    const double tiny = 1e-300;
    double f = 1.0, c = 1.0, d = 0.0;
    for (int k = 0; k < 1000000; k++) {
        double num[2];
        double m = (double)(k + 1);
        num[0] = -(a + k) * (a + b + k) * x / ((a + 2.0 * k) * (a + 2.0 * k + 1.0));
        num[1] = m * (b - m) * x / ((a + 2.0 * m - 1.0) * (a + 2.0 * m));
        double change = 1.0;
        for (int j = 0; j < 2; j++) {
            d = 1.0 + num[j] * d;
            if (fabs(d) < tiny)
                d = tiny;
            c = 1.0 + num[j] / c;
            if (fabs(c) < tiny)
                c = tiny;
            d = 1.0 / d;
            change *= c * d;
        }
        f *= change;
        /* Test the pair: at large a the even terms are tiny while the odd ones
         * still move f, so one factor near 1 proves nothing. */
        if (fabs(change - 1.0) < DBL_EPSILON)
            break;
    }
    return 1.0 / f;
}

/* Pieces of the t density that depend on r = |t|/sqrt(df): L = log(1 + r^2),
 * log x and log(1-x) for x = 1/(1+r^2); r^2 itself may overflow. */
typedef struct {
    double r, L, log_x, log_y;
} t_geom;

static t_geom geom(double t, double df)
{
    t_geom g;
    g.r = fabs(t) / sqrt(df);
    g.L = g.r < 1e150 ? log1p(g.r * g.r) : 2.0 * log(g.r);
    g.log_x = -g.L;
    g.log_y = g.r > 0.0 ? 2.0 * log(g.r) - g.L : -INFINITY;
    return g;
}

/* log P(T <= -|t|) for df finite and > 0. */
static double t_lower_log(double t, double df)
{
    double a = 0.5 * df, b = 0.5;
    t_geom g = geom(t, df);
    double log_pre = a * g.log_x + b * g.log_y - log_beta_half(a);
    double x = exp(g.log_x);
    if (x < (a + 1.0) / (a + b + 2.0))
        return LN_HALF + log_pre + log(beta_cf(x, a, b)) - log(a);
    double y = g.r < 1e150 ? g.r * g.r / (1.0 + g.r * g.r) : 1.0;
    return LN_HALF + log1p(-exp(log_pre) * beta_cf(y, b, a) / b);
}

/* log of the t density at t. */
static double t_log_pdf(double t, double df)
{
    t_geom g = geom(t, df);
    return -(0.5 * df + 0.5) * g.L - 0.5 * log(df) - log_beta_half(0.5 * df);
}

/* Beyond this df the continued fraction is ill-conditioned near its switching
 * point (|t| ~ 1.7: errors grow like df * 1e-16) and slow there (~sqrt(df)
 * terms), while the Cornish-Fisher expansion of t in powers of 1/df around the
 * normal quantile z (Abramowitz & Stegun 26.7.5, four terms) is accurate to
 * ~1e-15 in the body and ~1e-12 at z = 38, since the next term is of order
 * z^11/df^5. */
#define LARGE_DF 1e5

/* t = z + g1(z)/df + g2(z)/df^2 + g3(z)/df^3 + g4(z)/df^4, and dt/dz. */
static double cornish_fisher(double z, double df, double *dt_dz)
{
    double z2 = z * z, v = 1.0 / df;
    double g1 = (z2 + 1.0) * z / 4.0;
    double g2 = ((5.0 * z2 + 16.0) * z2 + 3.0) * z / 96.0;
    double g3 = (((3.0 * z2 + 19.0) * z2 + 17.0) * z2 - 15.0) * z / 384.0;
    double g4 = ((((79.0 * z2 + 776.0) * z2 + 1482.0) * z2 - 1920.0) * z2 - 945.0) * z / 92160.0;
    if (dt_dz) {
        double d1 = (3.0 * z2 + 1.0) / 4.0;
        double d2 = ((25.0 * z2 + 48.0) * z2 + 3.0) / 96.0;
        double d3 = (((21.0 * z2 + 95.0) * z2 + 51.0) * z2 - 15.0) / 384.0;
        double d4 = ((((711.0 * z2 + 5432.0) * z2 + 7410.0) * z2 - 5760.0) * z2 - 945.0) / 92160.0;
        *dt_dz = 1.0 + v * (d1 + v * (d2 + v * (d3 + v * d4)));
    }
    return z + v * (g1 + v * (g2 + v * (g3 + v * g4)));
}

/* The z >= 0 that cornish_fisher maps to t >= 0, by Newton from z = t (the
 * map is within a few per cent of the identity where it is used). */
static double cornish_fisher_inverse(double t, double df)
{
    double z = t;
    for (int i = 0; i < 20; i++) {
        double slope;
        double step = (cornish_fisher(z, df, &slope) - t) / slope;
        z -= step;
        if (fabs(step) <= 2.0 * DBL_EPSILON * z)
            break;
    }
    return z;
}

double stats_normal_cdf(double x)
{
    return 0.5 * erfc(-x * SQRT1_2);
}

double stats_t_cdf(double t, double df)
{
    if (isnan(t) || isnan(df) || !(df > 0.0))
        return NAN;
    if (isinf(df))
        return stats_normal_cdf(t);
    if (isinf(t))
        return t < 0.0 ? 0.0 : 1.0;
    double r = fabs(t) / sqrt(df), lower;   /* lower = P(T <= -|t|) */
    if (df > LARGE_DF && r < 0.2)   /* beyond r = 0.2, lower underflows anyway */
        lower = stats_normal_cdf(-cornish_fisher_inverse(fabs(t), df));
    else
        lower = exp(t_lower_log(t, df));
    return t <= 0.0 ? lower : 1.0 - lower;
}

/* Acklam's rational approximation (relative error < 1.2e-9) for p <= 1/2,
 * polished by one Halley step on the exact CDF, which brings it to full double
 * precision. The step is taken in relative terms, (Phi(x)/p - 1) p / phi(x),
 * so that tiny p does not lose digits to subnormal differences. */
static double normal_lower_quantile(double p)
{
    static const double a[] = {-3.969683028665376e+01, 2.209460984245205e+02,
                               -2.759285104469687e+02, 1.383577518672690e+02,
                               -3.066479806614716e+01, 2.506628277459239e+00};
    static const double b[] = {-5.447609879822406e+01, 1.615858368580409e+02,
                               -1.556989798598866e+02, 6.680131188771972e+01,
                               -1.328068155288572e+01};
    static const double c[] = {-7.784894002430293e-03, -3.223964580411365e-01,
                               -2.400758277161838e+00, -2.549732539343734e+00,
                               4.374664141464968e+00, 2.938163982698783e+00};
    static const double d[] = {7.784695709041462e-03, 3.224671290700398e-01,
                               2.445134137142996e+00, 3.754408661907416e+00};
    double x;
    if (p < 0.02425) {
        double q = sqrt(-2.0 * log(p));
        x = (((((c[0] * q + c[1]) * q + c[2]) * q + c[3]) * q + c[4]) * q + c[5])
            / ((((d[0] * q + d[1]) * q + d[2]) * q + d[3]) * q + 1.0);
    } else {
        double q = p - 0.5, r = q * q;
        x = (((((a[0] * r + a[1]) * r + a[2]) * r + a[3]) * r + a[4]) * r + a[5]) * q
            / (((((b[0] * r + b[1]) * r + b[2]) * r + b[3]) * r + b[4]) * r + 1.0);
    }
    double rel = stats_normal_cdf(x) / p - 1.0;
    double u = rel * exp(log(p) + 0.5 * x * x + LOG_SQRT_2PI);
    return x - u / (1.0 + 0.5 * x * u);
}

double stats_normal_quantile(double p)
{
    if (!(p >= 0.0 && p <= 1.0))
        return NAN;
    if (p == 0.0)
        return -INFINITY;
    if (p == 1.0)
        return INFINITY;
    if (p == 0.5)
        return 0.0;
    /* 1 - p is exact for p >= 1/2 (Sterbenz), so the upper half loses nothing. */
    return p < 0.5 ? normal_lower_quantile(p) : -normal_lower_quantile(1.0 - p);
}

/* |t| with P(T <= -|t|) = q, 0 < q < 1/2, df finite. */
static double t_tail_quantile(double q, double df)
{
    double lq = log(q);
    double z = -normal_lower_quantile(q);
    /* Start from the first Cornish-Fisher term; Newton does the rest. */
    double u = log(z) + log1p((z * z + 1.0) / (4.0 * df));
    if (!(u > -700.0))   /* q within an ulp of 1/2: t is tiny but not 0 */
        u = -700.0;
    double lo = -INFINITY, hi = INFINITY, span = 1.0;
    const double u_max = log(DBL_MAX);
    for (int iter = 0; iter < 400; iter++) {
        if (u > u_max)
            return INFINITY;
        double t = exp(u);
        double log_F = t_lower_log(t, df);
        double g = log_F - lq;               /* decreasing in u */
        if (g == 0.0)
            return t;
        if (g > 0.0)
            lo = u;
        else
            hi = u;
        double slope = -exp(t_log_pdf(t, df) + u - log_F);
        double next = u - g / slope;
        if (!(next > lo && next < hi)) {     /* out of bracket, or not finite */
            if (isfinite(lo) && isfinite(hi)) {
                next = 0.5 * (lo + hi);
            } else {
                next = u + (g > 0.0 ? span : -span);
                span *= 2.0;
            }
        }
        double tol = 4.0 * DBL_EPSILON * fmax(1.0, fabs(u));
        if (fabs(next - u) <= tol || hi - lo <= tol)
            return exp(next);
        u = next;
    }
    return exp(u);   /* not reached for finite inputs; the bracket forces progress */
}

double stats_t_quantile(double p, double df)
{
    if (!(p >= 0.0 && p <= 1.0) || isnan(df) || !(df > 0.0))
        return NAN;
    if (p == 0.0)
        return -INFINITY;
    if (p == 1.0)
        return INFINITY;
    if (p == 0.5)
        return 0.0;
    if (isinf(df))
        return stats_normal_quantile(p);
    if (df > LARGE_DF)
        return cornish_fisher(stats_normal_quantile(p), df, NULL);
    return p < 0.5 ? -t_tail_quantile(p, df) : t_tail_quantile(1.0 - p, df);
}
