/* Monitors of resources, stores and containers: the calls every kind shares. */
#include "simi.h"
#include "simi_monitor.h"

#include <stdlib.h>

sim_monitor *simi_mon_new(sim_env *env, double capacity, double level, double queue,
                          double putq)
{
    sim_monitor *m = calloc(1, sizeof *m);
    if (!m) {
        simi_misuse(env, SIM_ENOMEM, "out of memory creating a monitor");
        return NULL;
    }
    m->env = env;
    m->capacity = capacity;
    m->start = m->last = sim_now(env);
    m->freeze = INFINITY;
    simi_mon_set(m, level, queue, putq);
    return m;
}

void sim_monitor_reset(sim_monitor *m)
{
    if (!m)
        return;
    double now = sim_now(m->env);
    m->start = m->last = fmin(now, m->freeze);
    for (int i = 0; i < 3; i++) {
        m->area[i] = m->area_c[i] = 0;
        m->max[i] = now <= m->freeze ? m->value[i] : 0;
    }
    m->served = 0;
    m->wait_sum = m->wait_max = 0;
}

sim_status sim_monitor_freeze(sim_monitor *m, double at)
{
    if (!m)
        return SIM_EINVAL;
    if (!(at >= sim_now(m->env)))
        return simi_misuse(m->env, SIM_EINVAL, "sim_monitor_freeze: time %g is before now (%g)",
                           at, sim_now(m->env));
    simi_mon_advance(m);
    m->freeze = at;
    return SIM_OK;
}

sim_status sim_monitor_read(const sim_monitor *m, sim_monitor_report *out)
{
    if (!m || !out)
        return SIM_EINVAL;
    /* Integrate the current values up to now (or the freeze) without touching m. */
    double end = fmin(sim_now(m->env), m->freeze);
    double span = end - m->start, tail = end > m->last ? end - m->last : 0.0;
    double mean[3];
    for (int i = 0; i < 3; i++)
        mean[i] = span > 0 ? ((m->area[i] + (tail > 0 ? m->value[i] * tail : 0.0)) + m->area_c[i]) / span
                           : m->value[i];
    *out = (sim_monitor_report){
        .start = m->start,
        .end = end,
        .level_mean = mean[0],
        .level_max = m->max[0],
        .utilisation = isfinite(m->capacity) && m->capacity > 0 ? mean[0] / m->capacity : NAN,
        .queue_mean = mean[1],
        .queue_max = m->max[1],
        .put_queue_mean = mean[2],
        .put_queue_max = m->max[2],
        .served = m->served,
        .wait_mean = m->served ? m->wait_sum / (double)m->served : NAN,
        .wait_max = m->served ? m->wait_max : NAN,
    };
    return SIM_OK;
}
