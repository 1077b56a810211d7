/* timeavg.c - time-weighted average of a piecewise-constant level.
 *
 * The area under the level is a long sum of small rectangles (one per change,
 * possibly 10^9 of them), so it is summed with Neumaier's compensation: the
 * rounding error of each addition is kept in area_c and added back at the end,
 * making the error independent of the number of changes.
 */
#include "stats.h"

#include <math.h>

static void add_area(stats_timeavg *a, double term)
{
    double s = a->area + term;
    if (fabs(a->area) >= fabs(term))
        a->area_c += (a->area - s) + term;
    else
        a->area_c += (term - s) + a->area;
    a->area = s;
}

static void open_window(stats_timeavg *a, double t)
{
    a->start = t;
    a->last_t = t;
    a->area = 0.0;
    a->area_c = 0.0;
    a->min = a->level;
    a->max = a->level;
}

void stats_timeavg_init(stats_timeavg *a, double t0, double level0)
{
    if (!a)
        return;
    a->level = level0;
    open_window(a, t0);
}

void stats_timeavg_set(stats_timeavg *a, double t, double level)
{
    if (!a)
        return;
    if (!(t >= a->last_t))   /* also catches NaN */
        t = a->last_t;
    if (t > a->last_t)       /* skip zero-width rectangles: inf * 0 would be NaN */
        add_area(a, a->level * (t - a->last_t));
    a->last_t = t;
    a->level = level;
    if (level < a->min)
        a->min = level;
    if (level > a->max)
        a->max = level;
}

void stats_timeavg_reset(stats_timeavg *a, double t)
{
    if (!a)
        return;
    if (!(t >= a->last_t))
        t = a->last_t;
    open_window(a, t);
}

double stats_timeavg_area(const stats_timeavg *a, double t_end)
{
    if (!a || !(t_end >= a->last_t))
        return NAN;
    double tail = t_end > a->last_t ? a->level * (t_end - a->last_t) : 0.0;
    return (a->area + tail) + a->area_c;
}

double stats_timeavg_mean(const stats_timeavg *a, double t_end)
{
    if (!a || !(t_end > a->start))
        return NAN;
    return stats_timeavg_area(a, t_end) / (t_end - a->start);
}
