/* The plan: parameter values (defaults, --param, --sweep) as a cartesian grid, and the
 * seed of every (point, rep). Points are not stored: point p is decoded from its index
 * in mixed radix, the last sweep varying fastest. */
#include <errno.h>
#include <math.h>
#include <stdlib.h>
#include <string.h>

#include "runner_int.h"

enum { PARAM_DEFAULT = 0, PARAM_SET, PARAM_SWEPT };

typedef struct {
    size_t param;   /* index in the experiment's params */
    double *values; /* the sweep's values, in order */
    size_t n;
} sweep;

struct runner_plan {
    const exp_experiment *exp;
    double *base;        /* per parameter: default or --param value */
    unsigned char *how;  /* per parameter: PARAM_* */
    sweep *sweeps;       /* in command-line order; the first varies slowest */
    size_t n_sweeps;
    size_t points;       /* product of the sweep sizes */
};

runner_plan *runner_plan_new(const exp_experiment *exp)
{
    if (exp == NULL)
        return NULL;
    runner_plan *plan = calloc(1, sizeof *plan);
    size_t np = exp->n_params ? exp->n_params : 1;
    if (plan == NULL)
        return NULL;
    plan->exp = exp;
    plan->base = calloc(np, sizeof *plan->base);
    plan->how = calloc(np, 1);
    plan->points = 1;
    if (plan->base == NULL || plan->how == NULL) {
        runner_plan_free(plan);
        return NULL;
    }
    for (size_t i = 0; i < exp->n_params; i++)
        plan->base[i] = exp->params[i].def;
    return plan;
}

void runner_plan_free(runner_plan *plan)
{
    if (plan == NULL)
        return;
    for (size_t i = 0; i < plan->n_sweeps; i++)
        free(plan->sweeps[i].values);
    free(plan->sweeps);
    free(plan->base);
    free(plan->how);
    free(plan);
}

const exp_experiment *runner_plan_experiment(const runner_plan *plan) { return plan->exp; }

size_t runner_plan_points(const runner_plan *plan) { return plan->points; }

void runner_plan_point(const runner_plan *plan, size_t p, double *values)
{
    memcpy(values, plan->base, plan->exp->n_params * sizeof *values);
    for (size_t s = plan->n_sweeps; s-- > 0;) {
        const sweep *sw = &plan->sweeps[s];
        values[sw->param] = sw->values[p % sw->n];
        p /= sw->n;
    }
}

uint64_t runner_seed(uint64_t base, size_t point, size_t rep, int crn)
{
    uint64_t seed = sim_rng_mix(base ^ sim_rng_mix((uint64_t)rep + 1));
    if (!crn)
        seed = sim_rng_mix(seed ^ sim_rng_mix((uint64_t)point + 1));
    return seed;
}

/* Split "k=rest" and find parameter k; *rest points into `spec`. */
static int lookup(const runner_plan *plan, const char *spec, const char *opt, size_t *param,
                  const char **rest, runner_err *err)
{
    const exp_experiment *e = plan->exp;
    const char *eq = strchr(spec, '=');
    if (eq == NULL || eq == spec)
        return runneri_fail(err, "%s expects NAME=VALUE, got '%s'", opt, spec);
    size_t len = (size_t)(eq - spec);
    for (size_t i = 0; i < e->n_params; i++) {
        if (strlen(e->params[i].name) == len && strncmp(e->params[i].name, spec, len) == 0) {
            if (plan->how[i] != PARAM_DEFAULT)
                return runneri_fail(err, "parameter '%s' is given more than once",
                                    e->params[i].name);
            *param = i;
            *rest = eq + 1;
            return 0;
        }
    }
    char names[256] = "";
    size_t used = 0;
    for (size_t i = 0; i < e->n_params && used < sizeof names; i++)
        used += (size_t)snprintf(names + used, sizeof names - used, "%s%s", i ? ", " : "",
                                 e->params[i].name);
    if (e->n_params == 0)
        return runneri_fail(err, "unknown parameter '%.*s': experiment %s has no parameters",
                            (int)len, spec, e->name);
    return runneri_fail(err, "unknown parameter '%.*s' for experiment %s (parameters: %s)",
                        (int)len, spec, e->name, names);
}

/* Range and whole-number check; `text` (the value as the user wrote it) may be NULL for
 * computed sweep values, which are then shown formatted. */
static int check_value(const exp_param *p, double v, const char *text, runner_err *err)
{
    if (v >= p->min && v <= p->max && (!p->integer || v == floor(v)))
        return 0;
    char lo[RUNNERI_NUM_MAX], hi[RUNNERI_NUM_MAX], shown[RUNNERI_NUM_MAX];
    runneri_clocale l;
    runneri_clocale_enter(&l);
    runneri_fmt_double(lo, p->min);
    runneri_fmt_double(hi, p->max);
    runneri_fmt_double(shown, v);
    runneri_clocale_leave(&l);
    if (text == NULL)
        text = shown;
    if (p->integer && v != floor(v))
        return runneri_fail(err, "parameter '%s' must be a whole number, got %s", p->name,
                            text);
    return runneri_fail(err, "parameter '%s' = %s is out of range [%s, %s]", p->name, text,
                        lo, hi);
}

static int parse_value(const exp_param *p, const char *text, double *v, runner_err *err)
{
    if (runner_parse_double(text, v) != 0)
        return runneri_fail(err, "parameter '%s': '%s' is not a number", p->name, text);
    return check_value(p, *v, text, err);
}

int runner_plan_set(runner_plan *plan, const char *assignment, runner_err *err)
{
    size_t i = 0; /* set by lookup(); initialised so no compiler doubts it */
    const char *text;
    double v;
    if (lookup(plan, assignment, "--param", &i, &text, err) != 0 ||
        parse_value(&plan->exp->params[i], text, &v, err) != 0)
        return -1;
    plan->base[i] = v;
    plan->how[i] = PARAM_SET;
    return 0;
}

/* Digits after the decimal point of a plain decimal ("0.25" -> 2), or -1 for forms
 * (exponents) the exact grid below does not handle. */
static int decimals(const char *s)
{
    if (strpbrk(s, "eE"))
        return -1;
    const char *dot = strchr(s, '.');
    return dot ? (int)strlen(dot + 1) : 0;
}

/* a:b:step as values a + i*step, i = 0..floor((b-a)/step). When all three are plain
 * decimals with few digits the values are computed as exact integers scaled by a power
 * of ten, so 0.5:0.9:0.1 gives exactly 0.5, 0.6, 0.7, 0.8 and 0.9 (the doubles nearest
 * those decimals) instead of accumulating 0.1's rounding error. */
static int parse_range(const exp_param *p, const char *text, sweep *sw, runner_err *err)
{
    /* The three parts, copied out whole: a number may be written with many digits. */
    size_t text_len = strlen(text);
    char *buf = malloc(3 * (text_len + 1)), *part[3];
    const char *s = text;
    double v[3];
    if (buf == NULL)
        return runneri_fail(err, "out of memory");
    for (int k = 0; k < 3; k++) {
        size_t len = k < 2 ? strcspn(s, ":") : strlen(s);
        part[k] = buf + (size_t)k * (text_len + 1);
        if (k < 2 && s[len] != ':') {
            free(buf);
            return runneri_fail(err, "sweep '%s=%s': expected START:STOP:STEP", p->name, text);
        }
        memcpy(part[k], s, len);
        part[k][len] = '\0';
        if (runner_parse_double(part[k], &v[k]) != 0) {
            runneri_fail(err, "sweep '%s=%s': '%s' is not a number", p->name, text, part[k]);
            free(buf);
            return -1;
        }
        s += len + 1;
    }
    int d = 0;
    for (int k = 0; k < 3 && d >= 0; k++) {
        int dk = decimals(part[k]);
        d = dk < 0 ? -1 : (dk > d ? dk : d);
    }
    free(buf);
    double a = v[0], b = v[1], step = v[2];
    if (step == 0.0)
        return runneri_fail(err, "sweep '%s=%s': the step must not be zero", p->name, text);
    double q = (b - a) / step;
    if (q < -1e-9 || !isfinite(q))
        return runneri_fail(err, "sweep '%s=%s' is empty: the step goes away from the stop",
                            p->name, text);
    if (q + 1.0 > (double)RUNNER_MAX_POINTS)
        return runneri_fail(err, "sweep '%s=%s' has too many values", p->name, text);

    double scale = d >= 0 && d <= 15 ? pow(10.0, d) : 0.0;
    double A = rint(a * scale), B = rint(b * scale), S = rint(step * scale);
    int exact = scale > 0 && fabs(A) < 0x1p52 && fabs(B) < 0x1p52 && fabs(S) < 0x1p52 &&
                S != 0.0;
    double count = exact ? floor((B - A) / S) + 1.0 : floor(q + 1e-9) + 1.0;
    if (count < 1.0)
        return runneri_fail(err, "sweep '%s=%s' is empty: the step goes away from the stop",
                            p->name, text);
    size_t n = (size_t)count;

    sw->values = malloc(n * sizeof *sw->values);
    if (sw->values == NULL)
        return runneri_fail(err, "out of memory");
    sw->n = n;
    for (size_t i = 0; i < n; i++) {
        double x;
        if (exact)
            x = (A + (double)i * S) / scale;
        else {
            x = a + (double)i * step;
            if (i == n - 1 && fabs(x - b) <= 1e-9 * fabs(step))
                x = b; /* land on the stop the user wrote, not next to it */
        }
        if (check_value(p, x, NULL, err) != 0)
            return -1;
        sw->values[i] = x;
    }
    return 0;
}

static int parse_list(const exp_param *p, const char *text, sweep *sw, runner_err *err)
{
    size_t n = 1;
    for (const char *c = text; *c; c++)
        n += *c == ',';
    sw->values = malloc(n * sizeof *sw->values);
    if (sw->values == NULL)
        return runneri_fail(err, "out of memory");
    const char *s = text;
    for (size_t i = 0; i < n; i++) {
        size_t len = strcspn(s, ",");
        if (len == 0)
            return runneri_fail(err, "sweep '%s=%s' has an empty value", p->name, text);
        char *item = strndup(s, len);
        if (item == NULL)
            return runneri_fail(err, "out of memory");
        int rc = parse_value(p, item, &sw->values[i], err);
        free(item);
        if (rc != 0)
            return -1;
        s += len + 1;
    }
    sw->n = n;
    return 0;
}

int runner_plan_sweep(runner_plan *plan, const char *spec, runner_err *err)
{
    size_t i = 0; /* set by lookup(); initialised so no compiler doubts it */
    const char *text;
    if (lookup(plan, spec, "--sweep", &i, &text, err) != 0)
        return -1;
    const exp_param *p = &plan->exp->params[i];
    if (*text == '\0')
        return runneri_fail(err, "sweep '%s=' is empty", p->name);
    sweep sw = {i, NULL, 0};
    int rc = strchr(text, ':') ? parse_range(p, text, &sw, err) : parse_list(p, text, &sw, err);
    if (rc != 0) {
        free(sw.values);
        return -1;
    }
    if (sw.n > RUNNER_MAX_POINTS / plan->points) {
        free(sw.values);
        return runneri_fail(err, "the parameter grid has more than %zu points",
                            (size_t)RUNNER_MAX_POINTS);
    }
    sweep *grown = realloc(plan->sweeps, (plan->n_sweeps + 1) * sizeof *grown);
    if (grown == NULL) {
        free(sw.values);
        return runneri_fail(err, "out of memory");
    }
    plan->sweeps = grown;
    plan->sweeps[plan->n_sweeps++] = sw;
    plan->points *= sw.n;
    plan->how[i] = PARAM_SWEPT;
    return 0;
}

int runner_plan_check(const runner_plan *plan, runner_err *err)
{
    const exp_experiment *e = plan->exp;
    /* The kernel's own rule for stacks: an environment with them, made and dropped. */
    sim_config stacks = {.stack_size = e->stack_size, .stack_layout = e->stack_layout};
    errno = 0;
    sim_env *probe = sim_env_new(&stacks);
    sim_env_free(probe);
    if (!probe && errno == EINVAL)
        return runneri_fail(err,
                            "experiment '%s' declares stacks the kernel refuses (stack_size %zu, "
                            "at most %zu; stack_layout %d, not SIM_STACKS_GUARDED or _PACKED)",
                            e->name, e->stack_size, SIM_MAX_STACK, (int)e->stack_layout);
    if (e->check == NULL)
        return 0;
    double *v = malloc((e->n_params ? e->n_params : 1) * sizeof *v);
    if (v == NULL)
        return runneri_fail(err, "out of memory");
    int rc = 0;
    for (size_t p = 0; p < plan->points && rc == 0; p++) {
        runner_plan_point(plan, p, v);
        const char *rule = e->check(v);
        if (rule == NULL)
            continue;
        char where[400];
        size_t len = (size_t)snprintf(where, sizeof where, "point %zu (", p);
        runneri_clocale l;
        runneri_clocale_enter(&l);
        for (size_t i = 0; i < e->n_params && len < sizeof where; i++) {
            char num[RUNNERI_NUM_MAX];
            runneri_fmt_double(num, v[i]);
            len += (size_t)snprintf(where + len, sizeof where - len, "%s%s=%s", i ? " " : "",
                                    e->params[i].name, num);
        }
        runneri_clocale_leave(&l);
        rc = runneri_fail(err, "%s): %s", where, rule);
    }
    free(v);
    return rc;
}
