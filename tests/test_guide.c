/* The SimPy guide examples as procsim experiments: each one, run in-process with its
 * trace captured, must print exactly what SimPy 3.0.11 printed (the stored NN_name.out
 * files in the shared reference folder), and must end at the time SimPy's env.now has
 * after env.run(). Trace tests skip when the reference folder is absent; the end-time
 * tests need nothing outside the repository. */
#include <setjmp.h>
#include <stdarg.h>
#include <stddef.h>
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>

#include <cmocka.h>

#include "registry.h"
#include "sim.h"

typedef struct {
    const char *name;      /* experiment name */
    const char *reference; /* file in PROCSIM_SHARED_DIR/reference/seed */
    double end_time;       /* env.now after the SimPy script's env.run() */
} guide_case;

/* End times measured by appending print(env.now) to each SimPy script. */
static const guide_case cases[] = {
    {"basic_signal", "01_basic_signal.out", 8},
    {"multiple_waiters", "02_multiple_waiters.out", 7},
    {"barrier", "03_barrier.out", 7},
    {"sequential", "04_sequential.out", 12},
    {"parallel", "05_parallel.out", 5},
    {"first_to_complete", "06_first_to_complete.out", 7},
    {"basic_interrupt", "07_basic_interrupt.out", 10},   /* the cut-short timeout fires */
    {"resumable_interrupt", "08_resumable_interrupt.out", 10},
    {"interrupt_cause", "09_interrupt_cause.out", 19},   /* likewise, after the emergency */
    {"preemptive_resource", "10_preemptive_resource.out", 5},
    {"producer_consumer", "11_producer_consumer.out", 20}, /* run(until=20) stops at 20 */
    {"handshake", "12_handshake.out", 3},                /* deadlock: the queue empties */
};
#define N_CASES (sizeof cases / sizeof cases[0])

/* Read a whole file into a NUL-terminated buffer; NULL if it cannot be opened. */
static char *read_file(const char *path, size_t *len)
{
    FILE *f = fopen(path, "rb");
    if (!f)
        return NULL;
    size_t cap = 4096, n = 0;
    char *buf = malloc(cap);
    assert_non_null(buf);
    size_t got;
    while ((got = fread(buf + n, 1, cap - n - 1, f)) > 0) {
        n += got;
        if (cap - n - 1 == 0) {
            cap *= 2;
            buf = realloc(buf, cap);
            assert_non_null(buf);
        }
    }
    fclose(f);
    buf[n] = '\0';
    *len = n;
    return buf;
}

/* Run one replication of `e` in a fresh environment; its trace (if `trace` is set) goes
 * to a memory buffer returned in *trace (caller frees). Returns the replicate status. */
static sim_status run_guide(const exp_experiment *e, char **trace, double *end_time)
{
    char *buf = NULL;
    size_t len = 0;
    FILE *out = NULL;
    if (trace) {
        out = open_memstream(&buf, &len);
        assert_non_null(out);
    }
    sim_config cfg = {.stack_size = 0, .start_time = 0, .seed = 1, .trace = out};
    sim_env *env = sim_env_new(&cfg);
    assert_non_null(env);
    sim_status st = e->replicate(env, NULL, end_time);
    if (st != SIM_OK)
        print_error("%s: %s (%s)\n", e->name, sim_strerror(st), sim_env_error_message(env));
    sim_env_free(env);
    if (out) {
        assert_int_equal(fclose(out), 0);
        *trace = buf;
    }
    return st;
}

static const exp_experiment *find_guide(const guide_case *c)
{
    const exp_experiment *e = exp_find(c->name);
    if (!e)
        fail_msg("experiment '%s' is not registered in experiments/list.h", c->name);
    assert_int_equal(e->n_params, 0);
    assert_int_equal(e->n_metrics, 1);
    assert_string_equal(e->metrics[0].name, "end_time");
    return e;
}

static void trace_matches_simpy(void **state)
{
    const guide_case *c = *state;
    const exp_experiment *e = find_guide(c);

    char path[4096];
    snprintf(path, sizeof path, "%s/reference/seed/%s", PROCSIM_SHARED_DIR, c->reference);
    size_t ref_len;
    char *ref = read_file(path, &ref_len);
    if (!ref) {
        print_message("SKIP: reference trace %s not found\n", path);
        skip();
    }

    char *trace = NULL;
    double end_time = -1;
    assert_int_equal(run_guide(e, &trace, &end_time), SIM_OK);
    /* Whole-text comparison: cmocka prints both on a mismatch. */
    assert_string_equal(trace, ref);
    free(trace);
    free(ref);
}

static void ends_at_simpy_time(void **state)
{
    const guide_case *c = *state;
    const exp_experiment *e = find_guide(c);

    double end_time = -1;
    assert_int_equal(run_guide(e, NULL, &end_time), SIM_OK);
    if (end_time != c->end_time) /* both are small whole numbers: exact */
        fail_msg("%s ended at %.17g, SimPy at %.17g", c->name, end_time, c->end_time);
}

int main(void)
{
    char names[2 * N_CASES][64];
    struct CMUnitTest tests[2 * N_CASES];
    size_t n = 0;
    for (size_t i = 0; i < N_CASES; i++) {
        snprintf(names[n], sizeof names[n], "%s_trace_matches_simpy", cases[i].name);
        tests[n] = (struct CMUnitTest){names[n], trace_matches_simpy, NULL, NULL,
                                       (void *)&cases[i]};
        n++;
        snprintf(names[n], sizeof names[n], "%s_ends_at_simpy_time", cases[i].name);
        tests[n] = (struct CMUnitTest){names[n], ends_at_simpy_time, NULL, NULL,
                                       (void *)&cases[i]};
        n++;
    }
    return _cmocka_run_group_tests("guide", tests, n, NULL, NULL);
}
