/* Machine shop: machines make parts and break down; one repairman fixes them, and does
 * less important jobs in between.
 *
 * Each machine works on a part (normal processing time). A breaker process per machine
 * interrupts it after an exponential time to failure, unless it is broken already; the
 * machine keeps what is left of the part, asks the repairman for a repair at priority 1
 * and finishes the part once repaired. The repairman is a PreemptiveResource of
 * capacity 1: his other jobs ask at priority 2, so a repair request preempts them. The
 * preempted job is interrupted with a sim_preempted cause and asks again for the rest of
 * its time. Both kinds of interruption are the resumable pattern: an interrupted wait
 * leaves the process free to decide what to wait on next.
 *
 * Streams: 0 processing times, 1 times to failure.                                    */
#include <math.h>
#include <stdio.h>
#include <stdlib.h>

#include "experiments.h"

enum { MACHINES, WEEKS, PT_MEAN, PT_SIGMA, MTTF, REPAIR_TIME, JOB_DURATION };

static const exp_param shop_params[] = {
    [MACHINES] = {"machines", 10, 1, 10000, 1, "machines in the shop"},
    [WEEKS] = {"weeks", 4, 1e-3, 1e4, 0, "simulated weeks (minutes are the time unit)"},
    [PT_MEAN] = {"pt_mean", 10, 1e-6, 1e6, 0, "mean processing time of a part"},
    [PT_SIGMA] = {"pt_sigma", 2, 0, 1e6, 0, "sd of the processing time (normal, cut at 0)"},
    [MTTF] = {"mttf", 300, 1e-6, 1e9, 0, "mean time to failure of a working machine"},
    [REPAIR_TIME] = {"repair_time", 30, 0, 1e6, 0, "time a repair takes"},
    [JOB_DURATION] = {"job_duration", 30, 1e-6, 1e6, 0, "length of the repairman's other jobs"},
};

enum { M_PARTS, M_PARTS_PER_MACHINE, M_BREAKDOWNS, M_DOWNTIME, M_OTHER_JOBS, M_PREEMPTIONS };

static const exp_metric shop_metrics[] = {
    [M_PARTS] = {"parts", "parts made by all machines", 0},
    [M_PARTS_PER_MACHINE] = {"parts_per_machine", "parts / machines", 0},
    [M_BREAKDOWNS] = {"breakdowns", "machine failures", 0},
    [M_DOWNTIME] = {"downtime_fraction", "repaired downtime / (machines x run length)", 1},
    [M_OTHER_JOBS] = {"other_jobs", "other jobs the repairman completed", 0},
    [M_PREEMPTIONS] = {"preemptions", "times a repair took the repairman off another job", 0},
};

typedef struct shop shop;

typedef struct {
    shop *s;
    int id;
    int broken;
    long parts;     /* parts this machine finished */
    sim_proc *proc; /* handle kept for the breaker */
} machine;

struct shop {
    sim_resource *repairman;
    sim_rng *process_times, *failures;
    const double *p;
    long parts, breakdowns, other_jobs, preemptions;
    double downtime;
};

static double part_time(shop *s)
{
    return fmax(0.0, sim_rng_normal(s->process_times, s->p[PT_MEAN], s->p[PT_SIGMA]));
}

/* Broken: wait for the repairman (priority 1, preempting his other jobs), get repaired. */
static sim_status repair(sim_proc *self, machine *m)
{
    shop *s = m->s;
    sim_env *env = sim_proc_env(self);
    double broke = sim_now(env);
    sim_event *req = sim_request_prio(s->repairman, 1, 1);
    if (!req)
        return SIM_ENOMEM;
    sim_status st = sim_wait(self, req, NULL);
    if (st == SIM_OK) {
        sim_trace(env, "%9.2f machine %d: repair starts after waiting %.2f\n", sim_now(env),
                  m->id, sim_now(env) - broke);
        st = sim_sleep(self, s->p[REPAIR_TIME]);
    }
    sim_release(s->repairman, req);
    sim_unref(req);
    if (st == SIM_OK) {
        s->downtime += sim_now(env) - broke;
        sim_trace(env, "%9.2f machine %d: repaired\n", sim_now(env), m->id);
    }
    return st;
}

static void *machine_run(sim_proc *self, void *arg)
{
    machine *m = arg;
    shop *s = m->s;
    sim_env *env = sim_proc_env(self);
    for (;;) {
        double done_in = part_time(s);
        while (done_in > 0) {
            double start = sim_now(env);
            sim_status st = sim_sleep(self, done_in);
            if (st == SIM_OK) {
                done_in = 0;
            } else if (st == SIM_INTERRUPTED) { /* a breakdown: keep the rest of the part */
                done_in -= sim_now(env) - start;
                m->broken = 1;
                s->breakdowns++;
                sim_trace(env, "%9.2f machine %d: breaks down, %.2f left on its part %ld\n",
                          sim_now(env), m->id, done_in, m->parts + 1);
                st = repair(self, m);
                m->broken = 0;
            }
            if (st != SIM_OK)
                return sim_exit_fail(self, (int)st);
        }
        m->parts++;
        s->parts++;
    }
}

static void *breaker(sim_proc *self, void *arg)
{
    machine *m = arg;
    for (;;) {
        sim_status st =
            sim_sleep(self, sim_rng_exponential(m->s->failures, 1.0 / m->s->p[MTTF]));
        if (st == SIM_OK && !m->broken)
            st = sim_interrupt(m->proc, NULL);
        if (st != SIM_OK)
            return sim_exit_fail(self, (int)st);
    }
}

/* The repairman's other jobs: priority 2, so every repair preempts them. */
static void *other_jobs(sim_proc *self, void *arg)
{
    shop *s = arg;
    sim_env *env = sim_proc_env(self);
    for (;;) {
        double done_in = s->p[JOB_DURATION];
        while (done_in > 0) {
            sim_event *req = sim_request_prio(s->repairman, 2, 1);
            if (!req)
                return sim_exit_fail(self, SIM_ENOMEM);
            sim_status st = sim_wait(self, req, NULL);
            double start = sim_now(env);
            if (st == SIM_OK)
                st = sim_sleep(self, done_in);
            if (st == SIM_OK) {
                done_in = 0;
            } else if (st == SIM_INTERRUPTED) {
                const sim_preempted *why = sim_interrupt_cause(self);
                done_in -= sim_now(env) - start;
                s->preemptions++;
                sim_trace(env, "%9.2f repairman: called away from his job by %s (%.2f left)\n",
                          sim_now(env), why && why->by ? sim_proc_name(why->by) : "?", done_in);
                st = SIM_OK;
            }
            sim_release(s->repairman, req);
            sim_unref(req);
            if (st != SIM_OK)
                return sim_exit_fail(self, (int)st);
        }
        s->other_jobs++;
    }
}

static sim_status shop_replicate(sim_env *env, const double *params, double *metrics)
{
    int n = (int)params[MACHINES];
    shop s = {.repairman = sim_preemptive_resource_new(env, 1),
              .process_times = sim_env_rng(env, 0),
              .failures = sim_env_rng(env, 1),
              .p = params};
    machine *machines = calloc((size_t)n, sizeof *machines);
    if (!s.repairman || !machines) {
        sim_resource_free(s.repairman);
        free(machines);
        return SIM_ENOMEM;
    }

    sim_status st = SIM_OK;
    char name[32];
    for (int i = 0; i < n && st == SIM_OK; i++) {
        machines[i] = (machine){.s = &s, .id = i + 1};
        snprintf(name, sizeof name, "machine %d", i + 1);
        machines[i].proc = sim_process(env, name, machine_run, &machines[i]);
        st = machines[i].proc ? sim_spawn(env, "breaker", breaker, &machines[i]) : SIM_ENOMEM;
    }
    if (st == SIM_OK)
        st = sim_spawn(env, "other jobs", other_jobs, &s);
    double length = params[WEEKS] * 7 * 24 * 60;
    if (st == SIM_OK)
        st = sim_run(env, sim_now(env) + length);

    metrics[M_PARTS] = (double)s.parts;
    metrics[M_PARTS_PER_MACHINE] = (double)s.parts / n;
    metrics[M_BREAKDOWNS] = (double)s.breakdowns;
    metrics[M_DOWNTIME] = s.downtime / (n * length);
    metrics[M_OTHER_JOBS] = (double)s.other_jobs;
    metrics[M_PREEMPTIONS] = (double)s.preemptions;
    for (int i = 0; i < n; i++)
        sim_proc_unref(machines[i].proc); /* NULL is fine */
    free(machines);
    sim_resource_free(s.repairman);
    return st;
}

const exp_experiment exp_classic_machine_shop = {
    .name = "machine_shop",
    .help = "machines break down and a repairman preempts his other jobs to fix them",
    .params = shop_params,
    .n_params = sizeof shop_params / sizeof shop_params[0],
    .metrics = shop_metrics,
    .n_metrics = sizeof shop_metrics / sizeof shop_metrics[0],
    .replicate = shop_replicate,
};
