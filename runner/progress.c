/* The progress line on stderr: done/total, rate and time left, redrawn in place at
 * most ten times a second and cleared at the end. The CLI enables it only when stderr
 * is a terminal and --quiet was not given. */
#include "runner_int.h"

void runner_progress_init(runner_progress *pr, FILE *f)
{
    pr->f = f;
    pr->start = runneri_monotonic();
    pr->last = -1.0;
    pr->shown = 0;
}

static void fmt_eta(char *buf, size_t len, double s)
{
    if (s < 0 || s != s || s > 1e8)
        snprintf(buf, len, "?");
    else if (s < 60)
        snprintf(buf, len, "%.0fs", s);
    else if (s < 3600)
        snprintf(buf, len, "%dm%02ds", (int)(s / 60), (int)s % 60);
    else
        snprintf(buf, len, "%dh%02dm", (int)(s / 3600), (int)(s / 60) % 60);
}

void runner_progress_update(runner_progress *pr, size_t done, size_t total)
{
    if (pr->f == NULL)
        return;
    double now = runneri_monotonic();
    if (pr->last >= 0 && now - pr->last < 0.1)
        return;
    pr->last = now;
    double elapsed = now - pr->start;
    double rate = elapsed > 0 ? (double)done / elapsed : 0.0;
    char eta[32];
    fmt_eta(eta, sizeof eta, rate > 0 && total >= done ? (double)(total - done) / rate : -1.0);
    runneri_clocale l;
    runneri_clocale_enter(&l);
    fprintf(pr->f, "\r[run] %zu/%zu reps  %.0f reps/s  ETA %s\033[K", done, total, rate, eta);
    runneri_clocale_leave(&l);
    fflush(pr->f);
    pr->shown = 1;
}

void runner_progress_clear(runner_progress *pr)
{
    if (pr->f && pr->shown) {
        fputs("\r\033[K", pr->f);
        fflush(pr->f);
    }
    pr->shown = 0;
}
