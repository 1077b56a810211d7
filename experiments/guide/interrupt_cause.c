/* Guide example 09, interrupt cause: the cause of an interruption decides what the
 * interrupted process does next.
 *
 * The machine operates in 5-unit cycles. A "maintenance" interruption costs it 2 units
 * and then it carries on; an "emergency" interruption stops it. The causes are strings,
 * compared by content as Python compares them. The timeout cut short by the emergency
 * still fires at 19, so the run ends there.
 *
 * The maintenance wait sits outside the Python try block, so an interruption there
 * would kill the process; here any unexpected status makes the process fail with it,
 * which stops the run the same way.                                                    */
#include <string.h>

#include "experiments.h"

static void *machine(sim_proc *self, void *arg)
{
    const char *name = arg;
    sim_env *env = sim_proc_env(self);

    for (;;) {
        sim_trace(env, "%s: Operating at %s\n", name, sim_fmt_time(sim_now(env)).s);
        sim_status st = sim_sleep(self, 5);
        if (st == SIM_OK)
            continue;
        if (st != SIM_INTERRUPTED)
            return sim_exit_fail(self, (int)st);

        const char *cause = sim_interrupt_cause(self);
        if (cause && strcmp(cause, "maintenance") == 0) {
            sim_trace(env, "%s: Maintenance required at %s\n", name,
                      sim_fmt_time(sim_now(env)).s);
            if ((st = sim_sleep(self, 2)) != SIM_OK)
                return sim_exit_fail(self, (int)st);
            sim_trace(env, "%s: Maintenance complete at %s\n", name,
                      sim_fmt_time(sim_now(env)).s);
        } else if (cause && strcmp(cause, "emergency") == 0) {
            sim_trace(env, "%s: Emergency stop at %s\n", name, sim_fmt_time(sim_now(env)).s);
            break;
        }
    }
    return NULL;
}

static void *maintenance_scheduler(sim_proc *self, void *arg)
{
    sim_proc *machine_proc = arg; /* borrowed: replicate() holds the handle */
    sim_status st;

    if ((st = sim_sleep(self, 7)) != SIM_OK)
        return sim_exit_fail(self, (int)st);
    if ((st = sim_interrupt(machine_proc, (void *)"maintenance")) != SIM_OK)
        return sim_exit_fail(self, (int)st);
    if ((st = sim_sleep(self, 10)) != SIM_OK)
        return sim_exit_fail(self, (int)st);
    if ((st = sim_interrupt(machine_proc, (void *)"emergency")) != SIM_OK)
        return sim_exit_fail(self, (int)st);
    return NULL;
}

static sim_status interrupt_cause_replicate(sim_env *env, const double *params,
                                            double *metrics)
{
    (void)params;
    /* The scheduler needs the machine's handle, so keep it until the run is over. */
    sim_proc *machine_proc = sim_process(env, "Machine 1", machine, (void *)"Machine 1");
    if (!machine_proc)
        return SIM_ENOMEM;

    sim_status st = sim_spawn(env, "maintenance scheduler", maintenance_scheduler,
                              machine_proc);
    if (st == SIM_OK)
        st = sim_run(env, -1);

    sim_unref(sim_proc_event(machine_proc));
    metrics[0] = sim_now(env);
    return st;
}

static const exp_metric interrupt_cause_metrics[] = {
    {"end_time", "simulated time when the run ended", 0},
};

const exp_experiment exp_guide_interrupt_cause = {
    .name = "interrupt_cause",
    .help = "guide 09: a machine handles maintenance and emergency interruptions",
    .metrics = interrupt_cause_metrics,
    .n_metrics = 1,
    .replicate = interrupt_cause_replicate,
};
