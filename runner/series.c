/* --series: the time-series and record points models emit with sim_series, collected per
 * replication and written as long CSV `point,rep,name,t,value`.
 *
 * Each replication fills its own buffer (its worker is the only writer), kept in the
 * result by (point, rep) like the metrics, and the file is written in (point, rep)
 * order after the run, so its bytes are the same for any -j. Names are copied into a
 * small per-replication table: models use a handful of names, so a linear search with
 * the last name checked first is cheaper than hashing.                            */
#include "result_int.h"
#include "runner_int.h"

#include <stdlib.h>
#include <string.h>

typedef struct {
    size_t name; /* index into the names table */
    double t, value;
} series_row;

struct runneri_series {
    series_row *rows;
    size_t n, cap;
    char **names;
    size_t n_names, names_cap, last;
    int oom; /* a point was lost for lack of memory */
};

runneri_series *runneri_series_new(void)
{
    return calloc(1, sizeof(runneri_series));
}

void runneri_series_free(runneri_series *s)
{
    if (!s)
        return;
    for (size_t i = 0; i < s->n_names; i++)
        free(s->names[i]);
    free(s->names);
    free(s->rows);
    free(s);
}

int runneri_series_failed(const runneri_series *s)
{
    return s && s->oom;
}

size_t runneri_series_len(const runneri_series *s) { return s ? s->n : 0; }

void runneri_series_at(const runneri_series *s, size_t i, const char **name, double *t,
                       double *value)
{
    *name = s->names[s->rows[i].name];
    *t = s->rows[i].t;
    *value = s->rows[i].value;
}

static int intern(runneri_series *s, const char *name, size_t *out)
{
    if (s->n_names && strcmp(s->names[s->last], name) == 0) {
        *out = s->last;
        return 0;
    }
    for (size_t i = 0; i < s->n_names; i++)
        if (strcmp(s->names[i], name) == 0) {
            *out = s->last = i;
            return 0;
        }
    if (s->n_names == s->names_cap) {
        size_t cap = s->names_cap ? 2 * s->names_cap : 8;
        char **grown = realloc(s->names, cap * sizeof *grown);
        if (!grown)
            return -1;
        s->names = grown;
        s->names_cap = cap;
    }
    char *copy = strdup(name);
    if (!copy)
        return -1;
    s->names[s->n_names] = copy;
    *out = s->last = s->n_names++;
    return 0;
}

void runneri_series_collect(void *ctx, const char *name, double t, double value)
{
    runneri_series *s = ctx;
    size_t id;
    if (s->oom || intern(s, name, &id) != 0) {
        s->oom = 1;
        return;
    }
    if (s->n == s->cap) {
        size_t cap = s->cap ? 2 * s->cap : 256;
        series_row *grown = realloc(s->rows, cap * sizeof *grown);
        if (!grown) {
            s->oom = 1;
            return;
        }
        s->rows = grown;
        s->cap = cap;
    }
    s->rows[s->n++] = (series_row){id, t, value};
}

int runner_series_selected(const runner_options *opt, size_t rep)
{
    if (!opt->series)
        return 0;
    if (!opt->series_reps)
        return 1;
    for (size_t i = 0; i < opt->n_series_reps; i++)
        if (opt->series_reps[i] == rep)
            return 1;
    return 0;
}

int runner_csv_write_series(FILE *f, const runner_result *res)
{
    runneri_clocale loc;
    runneri_clocale_enter(&loc);
    int bad = fputs("point,rep,name,t,value\n", f) == EOF;
    char t[RUNNERI_NUM_MAX], v[RUNNERI_NUM_MAX];
    for (size_t p = 0; p < res->n_points && !bad; p++) {
        const runneri_point *pt = &res->pts[p];
        for (size_t i = 0; pt->series && i < pt->end - pt->first && !bad; i++) {
            const runneri_series *s = pt->series[i];
            if (!s || pt->state[i] != RUNNER_REP_OK)
                continue;
            for (size_t r = 0; r < s->n && !bad; r++) {
                fprintf(f, "%zu,%zu,", p, pt->first + i);
                runneri_csv_string(f, s->names[s->rows[r].name]);
                runneri_fmt_double(t, s->rows[r].t);
                runneri_fmt_double(v, s->rows[r].value);
                bad = fprintf(f, ",%s,%s\n", t, v) < 0;
            }
        }
    }
    runneri_clocale_leave(&loc);
    return bad || ferror(f) ? -1 : 0;
}

int runner_parse_rep_list(const char *s, size_t **out, size_t *n)
{
    *out = NULL;
    *n = 0;
    size_t count = 1;
    for (const char *p = s; *p; p++)
        count += *p == ',';
    size_t *reps = malloc(count * sizeof *reps);
    char *copy = strdup(s);
    int bad = !reps || !copy;
    char *save = NULL;
    size_t k = 0;
    for (char *tok = bad ? NULL : strtok_r(copy, ",", &save); tok && !bad;
         tok = strtok_r(NULL, ",", &save))
        bad = runner_parse_size(tok, &reps[k++]) != 0;
    /* strtok_r skips empty fields: "1,,2" and ",1" must be errors, not shorter lists */
    bad = bad || k != count;
    free(copy);
    if (bad) {
        free(reps);
        return -1;
    }
    *out = reps;
    *n = k;
    return 0;
}
