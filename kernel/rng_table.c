/* Table-driven laws of sim_rng.h: the empirical continuous CDF and Walker's alias
 * tables. Both are built once, then every draw is one double and O(1).             */
#include "sim_rng.h"

#include <math.h>
#include <stdlib.h>
#include <string.h>

struct sim_empirical {
    size_t n;
    double x[]; /* the data, sorted ascending */
};

struct sim_discrete {
    size_t n;
    double *value; /* NULL: entry i's value is i */
    double *prob;  /* chance that column i answers i rather than alias[i] */
    size_t *alias;
};

static int cmp_double(const void *a, const void *b)
{
    double x = *(const double *)a, y = *(const double *)b;
    return (x > y) - (x < y);
}

sim_empirical *sim_empirical_new(const double *data, size_t n)
{
    if (!data || n < 2 || n > (SIZE_MAX - sizeof(sim_empirical)) / sizeof(double))
        return NULL;
    for (size_t i = 0; i < n; i++)
        if (!isfinite(data[i]))
            return NULL;
    sim_empirical *emp = malloc(sizeof *emp + n * sizeof(double));
    if (!emp)
        return NULL;
    emp->n = n;
    memcpy(emp->x, data, n * sizeof(double));
    qsort(emp->x, n, sizeof(double), cmp_double);
    return emp;
}

void sim_empirical_free(sim_empirical *emp)
{
    free(emp);
}

double sim_rng_empirical(sim_rng *rng, const sim_empirical *emp)
{
    if (!rng || !emp)
        return NAN;
    /* F is linear between (x_(i), i/(n-1)) and (x_(i+1), (i+1)/(n-1)): invert it. */
    double pos = sim_rng_double(rng) * (double)(emp->n - 1);
    size_t i = (size_t)pos;
    if (i > emp->n - 2)
        i = emp->n - 2; /* u * (n-1) may round up to n-1 */
    double f = pos - (double)i;
    return emp->x[i] + f * (emp->x[i + 1] - emp->x[i]);
}

void sim_discrete_free(sim_discrete *d)
{
    if (!d)
        return;
    free(d->value);
    free(d->prob);
    free(d->alias);
    free(d);
}

/* Vose's construction: scale weights to mean 1, then repeatedly let a column below 1
 * borrow the rest of its height from one above 1. Rounding can leave columns in either
 * list at the end: they stand for themselves, except a weight-0 column, which must
 * never answer itself and is pointed at a positive one.                             */
static void alias_build(sim_discrete *d, const double *weights, double total, size_t *work)
{
    size_t n = d->n, n_small = 0, n_large = 0, some_positive = 0;
    size_t *small = work, *large = work + n;
    for (size_t i = 0; i < n; i++) {
        d->prob[i] = weights[i] * (double)n / total;
        d->alias[i] = i;
        if (weights[i] > 0.0)
            some_positive = i;
        if (d->prob[i] < 1.0)
            small[n_small++] = i;
        else
            large[n_large++] = i;
    }
    while (n_small > 0 && n_large > 0) {
        size_t s = small[--n_small], l = large[n_large - 1];
        d->alias[s] = l;
        d->prob[l] -= 1.0 - d->prob[s];
        if (d->prob[l] < 1.0) {
            n_large--;
            small[n_small++] = l;
        }
    }
    while (n_large > 0)
        d->prob[large[--n_large]] = 1.0;
    while (n_small > 0) {
        size_t s = small[--n_small];
        if (weights[s] > 0.0) {
            d->prob[s] = 1.0;
        } else {
            d->prob[s] = 0.0;
            d->alias[s] = some_positive;
        }
    }
}

sim_discrete *sim_discrete_new(const double *values, const double *weights, size_t n)
{
    if (!weights || n == 0 || n >= (UINT64_C(1) << 32))
        return NULL;
    double total = 0.0;
    for (size_t i = 0; i < n; i++) {
        if (!(weights[i] >= 0.0) || isinf(weights[i]))
            return NULL;
        if (values && !isfinite(values[i]))
            return NULL;
        total += weights[i];
    }
    if (!(total > 0.0) || isinf(total))
        return NULL;
    sim_discrete *d = calloc(1, sizeof *d);
    size_t *work = malloc(2 * n * sizeof *work);
    if (!d || !work) {
        free(d);
        free(work);
        return NULL;
    }
    d->n = n;
    d->prob = malloc(n * sizeof *d->prob);
    d->alias = malloc(n * sizeof *d->alias);
    if (values && (d->value = malloc(n * sizeof *d->value)) != NULL)
        memcpy(d->value, values, n * sizeof *d->value);
    if (!d->prob || !d->alias || (values && !d->value)) {
        free(work);
        sim_discrete_free(d);
        return NULL;
    }
    alias_build(d, weights, total, work);
    free(work);
    return d;
}

size_t sim_rng_discrete_index(sim_rng *rng, const sim_discrete *d)
{
    if (!rng || !d)
        return SIM_RNG_NO_CHOICE;
    /* One double gives both the column (high part) and the coin (the fraction): with
     * n < 2^32 the fraction keeps at least 21 random bits.                           */
    double pos = sim_rng_double(rng) * (double)d->n;
    size_t i = (size_t)pos;
    if (i >= d->n)
        i = d->n - 1;
    return (pos - (double)i) < d->prob[i] ? i : d->alias[i];
}

double sim_rng_discrete(sim_rng *rng, const sim_discrete *d)
{
    size_t i = sim_rng_discrete_index(rng, d);
    if (i == SIM_RNG_NO_CHOICE)
        return NAN;
    return d->value ? d->value[i] : (double)i;
}
