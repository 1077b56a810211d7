/* Monitors of shared resources (internal; the public calls are in sim_resource.h).
 *
 * A monitor integrates three step functions of time, the level (slots in use, a
 * container's level, a store's items), the get/request queue and the put queue, and
 * tallies the waits of served requests. The owner calls simi_mon_set with the new values
 * at the end of every operation that may change them; values that change and change
 * back within one instant last zero time and do not matter. Off (NULL) it costs the
 * owner one branch per operation.                                                    */
#ifndef PROCSIM_SIMI_MONITOR_H
#define PROCSIM_SIMI_MONITOR_H

#include <math.h>
#include <stdint.h>

#include "sim.h"

struct sim_monitor {
    sim_env *env;
    double capacity;   /* of the owner, for the utilisation */
    double start;      /* window start: creation or the last reset */
    double freeze;     /* window end (INFINITY: none yet) */
    double last;       /* integrated up to here (<= freeze) */
    double value[3];   /* level, queue, put queue: current values */
    double area[3];    /* their integrals over [start, last] */
    double area_c[3];  /* Neumaier compensation of those sums (as stats_timeavg) */
    double max[3];     /* their maxima within the window */
    uint64_t served;   /* waits that ended within the window */
    double wait_sum, wait_max;
};

/* Long runs add millions of small rectangles: Neumaier's compensated sum keeps the
 * error independent of their number, and gives stats_timeavg's results to the bit
 * for the same change points, so models can switch to a monitor unchanged.        */
static inline void simi_mon_add(sim_monitor *m, int i, double term)
{
    double a = m->area[i], s = a + term;
    m->area_c[i] += fabs(a) >= fabs(term) ? (a - s) + term : (term - s) + a;
    m->area[i] = s;
}

static inline void simi_mon_advance(sim_monitor *m)
{
    double t = fmin(sim_now(m->env), m->freeze);
    if (t > m->last) {
        double dt = t - m->last;
        for (int i = 0; i < 3; i++)
            simi_mon_add(m, i, m->value[i] * dt);
        m->last = t;
    }
}

static inline void simi_mon_set(sim_monitor *m, double level, double queue, double putq)
{
    simi_mon_advance(m);
    double v[3] = {level, queue, putq};
    int open = sim_now(m->env) <= m->freeze;
    for (int i = 0; i < 3; i++) {
        m->value[i] = v[i];
        if (open && v[i] > m->max[i])
            m->max[i] = v[i];
    }
}

/* A request waited `wait` and was served now. */
static inline void simi_mon_wait(sim_monitor *m, double wait)
{
    if (sim_now(m->env) > m->freeze)
        return;
    m->served++;
    m->wait_sum += wait;
    if (wait > m->wait_max)
        m->wait_max = wait;
}

/* New monitor of an owner whose values are those given; NULL (and a message) if out of
 * memory. */
sim_monitor *simi_mon_new(sim_env *env, double capacity, double level, double queue,
                          double putq);

#endif
