/* The classic models: each is reproducible (same seed, same trace and metrics) and keeps
 * the invariants its story implies. Runs use each experiment's default parameters unless
 * a test changes one. */
#include <math.h>
#include <setjmp.h>
#include <stdarg.h>
#include <stddef.h>
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include <cmocka.h>

#include "registry.h"
#include "sim.h"

#define MAX_PARAMS 16
#define MAX_METRICS 16

typedef struct {
    const exp_experiment *e;
    double params[MAX_PARAMS];
    double m[MAX_METRICS];
    char *trace; /* malloc'ed, or NULL */
} run_result;

static const exp_experiment *find(const char *name)
{
    const exp_experiment *e = exp_find(name);
    if (!e)
        fail_msg("experiment '%s' is not registered in experiments/list.h", name);
    assert_true(e->n_params <= MAX_PARAMS && e->n_metrics <= MAX_METRICS);
    return e;
}

static void set_param(run_result *r, const char *name, double v)
{
    int i = exp_param_index(r->e, name);
    assert_true(i >= 0);
    r->params[i] = v;
}

static run_result defaults(const char *name)
{
    run_result r = {.e = find(name)};
    for (size_t i = 0; i < r.e->n_params; i++)
        r.params[i] = r.e->params[i].def;
    return r;
}

/* One replication with `seed`, its trace captured in r->trace. */
static void run(run_result *r, uint64_t seed)
{
    size_t len = 0;
    FILE *out = open_memstream(&r->trace, &len);
    assert_non_null(out);
    sim_config cfg = {.seed = seed, .trace = out};
    sim_env *env = sim_env_new(&cfg);
    assert_non_null(env);
    sim_status st = r->e->replicate(env, r->params, r->m);
    if (st != SIM_OK)
        fail_msg("%s: %s (%s)", r->e->name, sim_strerror(st), sim_env_error_message(env));
    sim_env_free(env);
    assert_int_equal(fclose(out), 0);
}

static double metric(const run_result *r, const char *name)
{
    int i = exp_metric_index(r->e, name);
    assert_true(i >= 0);
    return r->m[i];
}

static const char *const models[] = {"bank_renege", "carwash", "machine_shop", "gas_station",
                                     "broadcast_pipe"};
#define N_MODELS (sizeof models / sizeof models[0])

static void same_seed_gives_the_same_trace_and_metrics(void **state)
{
    const char *name = *state;
    run_result a = defaults(name), b = defaults(name), c = defaults(name);
    run(&a, 12345);
    run(&b, 12345);
    run(&c, 54321);
    assert_true(strlen(a.trace) > 0);
    assert_string_equal(a.trace, b.trace);
    for (size_t i = 0; i < a.e->n_metrics; i++) /* bit for bit, NaN included */
        assert_memory_equal(&a.m[i], &b.m[i], sizeof a.m[i]);
    assert_string_not_equal(a.trace, c.trace); /* and the seed matters */
    free(a.trace), free(b.trace), free(c.trace);
}

static void bank_renege_every_customer_is_served_or_reneges(void **state)
{
    (void)state;
    for (uint64_t seed = 1; seed <= 20; seed++) {
        run_result r = defaults("bank_renege");
        set_param(&r, "customers", 50);
        run(&r, seed);
        assert_true(metric(&r, "served") + metric(&r, "reneged") == 50);
        assert_true(metric(&r, "served") >= 1); /* the first finds the counter free */
        double f = metric(&r, "renege_fraction");
        assert_true(fabs(f * 50 - metric(&r, "reneged")) < 1e-9);
        free(r.trace);
    }
}

static void bank_renege_without_patience_limit_nobody_reneges(void **state)
{
    (void)state;
    run_result r = defaults("bank_renege");
    set_param(&r, "customers", 30);
    set_param(&r, "min_patience", 1e6);
    set_param(&r, "max_patience", 1e6);
    run(&r, 3);
    assert_true(metric(&r, "reneged") == 0);
    assert_true(metric(&r, "served") == 30);
    free(r.trace);
}

static void carwash_washes_at_most_the_cars_that_arrived(void **state)
{
    (void)state;
    for (uint64_t seed = 1; seed <= 10; seed++) {
        run_result r = defaults("carwash");
        run(&r, seed);
        assert_true(metric(&r, "arrived") >= 4); /* the initial cars */
        assert_true(metric(&r, "washed") <= metric(&r, "arrived"));
        assert_true(metric(&r, "utilization") >= 0 && metric(&r, "utilization") <= 1);
        assert_true(metric(&r, "queue_length") >= 0);
        free(r.trace);
    }
}

static void machine_shop_repairs_preempt_only_other_jobs(void **state)
{
    (void)state;
    run_result r = defaults("machine_shop");
    set_param(&r, "weeks", 1);
    run(&r, 7);
    assert_true(metric(&r, "parts") > 0);
    assert_true(metric(&r, "breakdowns") > 0);
    assert_true(metric(&r, "preemptions") <= metric(&r, "breakdowns"));
    double down = metric(&r, "downtime_fraction");
    assert_true(down > 0 && down < 1);
    free(r.trace);
}

static void machine_shop_without_failures_makes_parts_at_the_mean_rate(void **state)
{
    (void)state;
    run_result r = defaults("machine_shop");
    set_param(&r, "weeks", 1);
    set_param(&r, "mttf", 1e9);
    set_param(&r, "pt_sigma", 0); /* every part takes exactly pt_mean = 10 */
    run(&r, 1);
    /* 10080 minutes / 10 per part: 1007 finished parts per machine (part 1008 would end
     * exactly at the stop, and NORMAL events at the stop time do not run) */
    assert_true(metric(&r, "parts_per_machine") == 1007);
    assert_true(metric(&r, "breakdowns") == 0);
    assert_true(metric(&r, "preemptions") == 0);
    free(r.trace);
}

static void gas_station_never_sells_more_than_it_had(void **state)
{
    (void)state;
    for (uint64_t seed = 1; seed <= 10; seed++) {
        run_result r = defaults("gas_station");
        run(&r, seed);
        double size = r.params[exp_param_index(r.e, "station_size")];
        assert_true(metric(&r, "refueled") <= metric(&r, "arrived"));
        assert_true(metric(&r, "fuel_sold") <= size * (1 + metric(&r, "truck_calls")) + 1e-9);
        assert_true(metric(&r, "mean_level") >= 0 && metric(&r, "mean_level") <= size);
        free(r.trace);
    }
}

static void broadcast_pipe_bounded_stores_never_hold_more_than_capacity(void **state)
{
    (void)state;
    run_result r = defaults("broadcast_pipe");
    set_param(&r, "consumers", 4);
    set_param(&r, "capacity", 2);
    set_param(&r, "read_min", 10); /* consumers slower than the producer */
    set_param(&r, "read_max", 14);
    set_param(&r, "sim_time", 500);
    run(&r, 5);
    assert_true(metric(&r, "max_backlog") <= 2);
    assert_true(metric(&r, "blocked_time") > 0);
    assert_true(metric(&r, "received") <= 4 * metric(&r, "sent"));
    free(r.trace);
}

static void broadcast_pipe_every_consumer_gets_every_message_in_time(void **state)
{
    (void)state;
    run_result r = defaults("broadcast_pipe");
    set_param(&r, "consumers", 3);
    set_param(&r, "read_min", 1); /* faster than the producer: nothing waits */
    set_param(&r, "read_max", 2);
    run(&r, 9);
    assert_true(metric(&r, "received") == 3 * metric(&r, "sent"));
    assert_true(metric(&r, "late_fraction") == 0);
    assert_true(metric(&r, "blocked_time") == 0);
    free(r.trace);
}

int main(void)
{
    char names[N_MODELS][80];
    struct CMUnitTest tests[N_MODELS + 8];
    size_t n = 0;
    for (size_t i = 0; i < N_MODELS; i++) {
        snprintf(names[i], sizeof names[i], "%s_same_seed_gives_the_same_trace_and_metrics",
                 models[i]);
        tests[n++] = (struct CMUnitTest){names[i], same_seed_gives_the_same_trace_and_metrics,
                                         NULL, NULL, (void *)models[i]};
    }
    const struct CMUnitTest rest[] = {
        cmocka_unit_test(bank_renege_every_customer_is_served_or_reneges),
        cmocka_unit_test(bank_renege_without_patience_limit_nobody_reneges),
        cmocka_unit_test(carwash_washes_at_most_the_cars_that_arrived),
        cmocka_unit_test(machine_shop_repairs_preempt_only_other_jobs),
        cmocka_unit_test(machine_shop_without_failures_makes_parts_at_the_mean_rate),
        cmocka_unit_test(gas_station_never_sells_more_than_it_had),
        cmocka_unit_test(broadcast_pipe_bounded_stores_never_hold_more_than_capacity),
        cmocka_unit_test(broadcast_pipe_every_consumer_gets_every_message_in_time),
    };
    for (size_t i = 0; i < sizeof rest / sizeof rest[0]; i++)
        tests[n++] = rest[i];
    return _cmocka_run_group_tests("classic", tests, n, NULL, NULL);
}
