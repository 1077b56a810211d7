/* procsim merge: per-replication CSV shards (say, --rep R on several machines) into one
 * file, sorted by (point, rep), equal byte for byte to the file one run would write.
 *
 * A shard is trusted for nothing: its provenance line (csv.c) must equal the first
 * shard's, so shards of another experiment with the same columns, another seed or crn
 * setting, or another version are refused; every record is read as strict RFC 4180
 * (csvread.c) and must have the header's field count, canonical point and rep numbers,
 * the seed the provenance gives that (point, rep), and numbers elsewhere; rows of one
 * point must carry the same parameter values in every shard; a (point, rep) present
 * twice is refused rather than silently kept or dropped. Records are copied byte for
 * byte. Every refusal names the file and the line.                                    */
#include <errno.h>
#include <math.h>
#include <stdlib.h>
#include <string.h>

#include "csvread.h"
#include "merge_int.h"

typedef struct {
    size_t point, rep;
    size_t start, len;       /* the record in its shard, without the line end */
    size_t par_off, par_len; /* its parameter cells, commas included */
    size_t shard, line;
} record;

typedef struct {
    uint64_t seed;
    int crn;
    size_t params;
    size_t shard, shards;     /* shard=I/N (--shard); shards 0 when the line has none */
    size_t cut_off, cut_len;  /* " shard=I/N" in the line (cut_len 0: none) */
    size_t exp_off, exp_len;  /* the experiment's name as written (%XX escapes) */
} provenance;

struct runneri_merged {
    const runneri_shard *shards;
    const char *prov, *header; /* the first shard's */
    size_t prov_len, header_len;
    provenance *provs;         /* each input's */
    record *recs;
    size_t n, cap;
};

static const char prov_tag[] = "# procsim ";

/* The next space-separated word of [*s, end), or 0 when none is left. */
static size_t word(const char **s, const char *end, const char **w)
{
    while (*s < end && **s == ' ')
        (*s)++;
    *w = *s;
    while (*s < end && **s != ' ')
        (*s)++;
    return (size_t)(*s - *w);
}

/* Canonical decimal (no sign, no leading zero) of [s, s+len) into *out. */
static int decimal(const char *s, size_t len, uint64_t max, uint64_t *out)
{
    uint64_t v = 0;
    if (len == 0 || (len > 1 && s[0] == '0'))
        return -1;
    for (size_t i = 0; i < len; i++) {
        if (s[i] < '0' || s[i] > '9')
            return -1;
        unsigned d = (unsigned)(s[i] - '0');
        if (v > (max - d) / 10)
            return -1;
        v = v * 10 + d;
    }
    *out = v;
    return 0;
}

/* "# procsim VERSION key=value..." with seed, crn and params among the keys. */
static const char *read_provenance(const char *s, size_t len, provenance *p)
{
    const size_t tag = sizeof prov_tag - 1;
    if (len < tag || memcmp(s, prov_tag, tag) != 0)
        return "no provenance line (# procsim VERSION experiment=... seed=... crn=... "
               "params=...): merge takes the per-replication files procsim run writes";
    /* procsim writes printable words and spaces: a stray CR (or any control byte) would
     * come out of merge one CR shorter, and a merged file must merge to itself. */
    for (size_t i = 0; i < len; i++)
        if ((unsigned char)s[i] < 0x20 || s[i] == 0x7f)
            return "the provenance line has a control character";
    const char *c = s + tag, *end = s + len, *w;
    int have = 0;
    if (word(&c, end, &w) == 0)
        return "the provenance line names no version";
    for (size_t n; (n = word(&c, end, &w)) != 0;) {
        const char *eq = memchr(w, '=', n);
        if (eq == NULL)
            return "the provenance line has a word that is not key=value";
        size_t k = (size_t)(eq - w), vl = n - k - 1;
        uint64_t v;
        if (k == 4 && memcmp(w, "seed", 4) == 0 && decimal(eq + 1, vl, UINT64_MAX, &v) == 0) {
            p->seed = v;
            have |= 1;
        } else if (k == 3 && memcmp(w, "crn", 3) == 0 && vl == 1 &&
                   (eq[1] == '0' || eq[1] == '1')) {
            p->crn = eq[1] == '1';
            have |= 2;
        } else if (k == 6 && memcmp(w, "params", 6) == 0 &&
                   decimal(eq + 1, vl, SIZE_MAX, &v) == 0) {
            p->params = (size_t)v;
            have |= 4;
        } else if (k == 10 && memcmp(w, "experiment", 10) == 0 && vl > 0) {
            p->exp_off = (size_t)(eq + 1 - s);
            p->exp_len = vl;
            have |= 8;
        } else if (k == 5 && memcmp(w, "shard", 5) == 0) {
            const char *sl = memchr(eq + 1, '/', vl);
            uint64_t si, sn;
            if (sl == NULL || p->cut_len ||
                decimal(eq + 1, (size_t)(sl - eq - 1), SIZE_MAX, &si) != 0 ||
                decimal(sl + 1, (size_t)(w + n - sl - 1), SIZE_MAX, &sn) != 0 || sn < 2 ||
                si >= sn)
                return "the provenance line has a shard word that is not shard=I/N with "
                       "0 <= I < N, N > 1";
            p->shard = (size_t)si;
            p->shards = (size_t)sn;
            p->cut_off = (size_t)(w - 1 - s); /* the space before it too */
            p->cut_len = n + 1;
        }
    }
    return have == 15 ? NULL
                      : "the provenance line lacks a valid experiment, seed, crn or params";
}

/* word(), skipping the shard word: shards of one run differ only there. */
static size_t run_word(const char **s, const char *end, const char **w)
{
    size_t n;
    while ((n = word(s, end, w)) > 6 && memcmp(*w, "shard=", 6) == 0)
        ;
    return n;
}

/* Equal provenance lines but for their shard words. */
static int same_run(const char *a, size_t al, const provenance *pa, const char *b, size_t bl,
                    const provenance *pb)
{
    size_t ah = pa->cut_len ? pa->cut_off : al, bh = pb->cut_len ? pb->cut_off : bl;
    size_t at = al - ah - pa->cut_len, bt = bl - bh - pb->cut_len;
    return ah == bh && at == bt && memcmp(a, b, ah) == 0 &&
           memcmp(a + al - at, b + bl - bt, at) == 0;
}

/* Both provenance lines differ: name the first word where they do. */
static int different_runs(const runneri_merged *m, size_t k, const char *s, size_t len,
                          runner_err *err)
{
    const char *a = m->prov, *ae = a + m->prov_len, *b = s, *be = s + len, *wa, *wb;
    size_t na, nb;
    do {
        na = run_word(&a, ae, &wa);
        nb = run_word(&b, be, &wb);
    } while (na == nb && na != 0 && memcmp(wa, wb, na) == 0);
    return runneri_fail(err, "'%s' and '%s' come from different runs ('%.*s' and '%.*s' in "
                             "their first lines): merge only joins shards of one run",
                        m->shards[0].name, m->shards[k].name, (int)(na > 200 ? 200 : na), wa,
                        (int)(nb > 200 ? 200 : nb), wb);
}

/* A cell procsim writes for a number: empty (NaN), inf, -inf or a finite decimal. */
static int is_number(const char *s, const runneri_csv_field *f)
{
    char buf[64], *end;
    if (f->quoted || f->len >= sizeof buf)
        return 0;
    if (f->len == 0)
        return 1;
    memcpy(buf, s + f->off, f->len);
    buf[f->len] = '\0';
    if (strcmp(buf, "inf") == 0 || strcmp(buf, "-inf") == 0)
        return 1;
    if (strspn(buf, "+-.0123456789eE") != f->len)
        return 0;
    double v = strtod(buf, &end);
    return *end == '\0' && isfinite(v);
}

static int grow(runneri_merged *m)
{
    if (m->n < m->cap)
        return 0;
    size_t c = m->cap ? m->cap * 2 : 1024;
    record *r = c <= SIZE_MAX / sizeof *r ? realloc(m->recs, c * sizeof *r) : NULL;
    if (r == NULL)
        return -1;
    m->recs = r;
    m->cap = c;
    return 0;
}

/* One row: its fields against the header and the provenance, then stored. */
static int add_row(runneri_merged *m, size_t k, const provenance *p,
                   const runneri_csv_field *f, size_t nf, size_t hn, size_t start, size_t end,
                   size_t line, runner_err *err)
{
    const runneri_shard *sh = &m->shards[k];
    const char *s = sh->data;
    uint64_t point, rep, seed;
    if (nf != hn)
        return runneri_fail(err, "'%s' line %zu: %zu fields where the header has %zu",
                            sh->name, line, nf, hn);
    if (f[0].quoted || decimal(s + f[0].off, f[0].len, SIZE_MAX, &point) != 0 ||
        f[1].quoted || decimal(s + f[1].off, f[1].len, SIZE_MAX, &rep) != 0 ||
        f[2].quoted || decimal(s + f[2].off, f[2].len, UINT64_MAX, &seed) != 0)
        return runneri_fail(err, "'%s' line %zu: expected point, rep and seed numbers",
                            sh->name, line);
    if (p->shards > 1 && runner_shard_of((size_t)point, (size_t)rep, p->shards) != p->shard)
        return runneri_fail(err, "'%s' line %zu: point %zu rep %zu belongs to shard %zu/%zu, "
                                 "not to this file's shard %zu/%zu",
                            sh->name, line, (size_t)point, (size_t)rep,
                            runner_shard_of((size_t)point, (size_t)rep, p->shards), p->shards,
                            p->shard, p->shards);
    if (seed != runner_seed(p->seed, (size_t)point, (size_t)rep, p->crn))
        return runneri_fail(err, "'%s' line %zu: %llu is not the seed of point %zu rep %zu "
                                 "in a run with seed=%llu crn=%d",
                            sh->name, line, (unsigned long long)seed, (size_t)point,
                            (size_t)rep, (unsigned long long)p->seed, p->crn);
    for (size_t i = 3; i < nf; i++)
        if (!is_number(s, &f[i]))
            return runneri_fail(err, "'%s' line %zu: field %zu is not a number", sh->name,
                                line, i + 1);
    if (grow(m) != 0)
        return runneri_fail(err, "out of memory");
    record *r = &m->recs[m->n++];
    r->point = (size_t)point;
    r->rep = (size_t)rep;
    r->start = start;
    r->len = end - start;
    /* the header has at least 3 + params fields (check_header) */
    r->par_off = p->params ? f[3].off : start;
    r->par_len = p->params ? f[2 + p->params].off + f[2 + p->params].len - f[3].off : 0;
    r->shard = k;
    r->line = line;
    return 0;
}

/* The header: point,rep,seed, then at least the parameter columns, none unnamed. */
static int check_header(const runneri_shard *sh, const runneri_csv_field *f, size_t hn,
                        const provenance *p, runner_err *err)
{
    static const char *const lead[] = {"point", "rep", "seed"};
    for (size_t i = 0; i < 3; i++)
        if (i >= hn || f[i].quoted || f[i].len != strlen(lead[i]) ||
            memcmp(sh->data + f[i].off, lead[i], f[i].len) != 0)
            return runneri_fail(err, "'%s' is not a per-replication CSV (its header does not "
                                     "start with point,rep,seed)",
                                sh->name);
    if (hn - 3 < p->params)
        return runneri_fail(err, "'%s' line 2: the header has %zu columns, fewer than "
                                 "point,rep,seed and %zu parameters",
                            sh->name, hn, p->params);
    for (size_t i = 3; i < hn; i++)
        if (f[i].len == 0)
            return runneri_fail(err, "'%s' line 2: column %zu has no name", sh->name, i + 1);
    return 0;
}

/* Everything about shard k; fields is scratch room the caller frees. */
static int read_shard(runneri_merged *m, size_t k, runneri_csv_field **fields, size_t *cap,
                      runner_err *err)
{
    const runneri_shard *sh = &m->shards[k];
    const char *nl = sh->len ? memchr(sh->data, '\n', sh->len) : NULL;
    if (sh->len == 0)
        return runneri_fail(err, "'%s' is empty", sh->name);
    if (nl == NULL)
        return runneri_fail(err, "'%s' has no header line", sh->name);
    size_t pl = (size_t)(nl - sh->data);
    if (memchr(sh->data, '\0', pl))
        return runneri_fail(err, "'%s' line 1: a NUL byte", sh->name);
    if (pl > 0 && sh->data[pl - 1] == '\r')
        pl--;
    provenance p = {0, 0, 0, 0, 0, 0, 0, 0, 0};
    const char *why = read_provenance(sh->data, pl, &p);
    if (why)
        return runneri_fail(err, "'%s' line 1: %s", sh->name, why);
    if (k == 0) {
        m->prov = sh->data;
        m->prov_len = pl;
    } else if (!same_run(m->prov, m->prov_len, &m->provs[0], sh->data, pl, &p)) {
        return different_runs(m, k, sh->data, pl, err);
    }
    m->provs[k] = p;
    /* Shards of one split, each once: two files of one shard would be one run twice. */
    for (size_t j = 0; j < k && p.shards; j++) {
        const provenance *q = &m->provs[j];
        if (q->shards && q->shards != p.shards)
            return runneri_fail(err, "'%s' is shard %zu/%zu and '%s' shard %zu/%zu: shards "
                                     "of different splits",
                                m->shards[j].name, q->shard, q->shards, sh->name, p.shard,
                                p.shards);
        if (q->shards && q->shard == p.shard)
            return runneri_fail(err, "'%s' and '%s' are both shard %zu/%zu", m->shards[j].name,
                                sh->name, p.shard, p.shards);
    }
    runneri_csv_in in;
    runneri_csv_init(&in, sh->data, sh->len, 2);
    in.pos = (size_t)(nl - sh->data) + 1;
    size_t hn, start, end, line, at = in.pos;
    int rc = runneri_csv_next(&in, NULL, 0, &hn, &start, &end, &line, &why);
    if (rc == 0)
        return runneri_fail(err, "'%s' has no header line", sh->name);
    if (rc < 0)
        return runneri_fail(err, "'%s' line %zu: %s", sh->name, line, why);
    if (hn + 1 > *cap) {
        runneri_csv_field *g = NULL;
        if (hn < SIZE_MAX / sizeof *g - 1)
            g = realloc(*fields, (hn + 1) * sizeof *g);
        if (g == NULL)
            return runneri_fail(err, "out of memory");
        *fields = g;
        *cap = hn + 1;
    }
    in.pos = at;
    in.line = 2;
    runneri_csv_next(&in, *fields, *cap, &hn, &start, &end, &line, &why);
    if (check_header(sh, *fields, hn, &p, err) != 0)
        return -1;
    if (k == 0) {
        m->header = sh->data + start;
        m->header_len = end - start;
    } else if (end - start != m->header_len ||
               memcmp(sh->data + start, m->header, m->header_len) != 0) {
        return runneri_fail(err, "'%s' and '%s' have different headers", m->shards[0].name,
                            sh->name);
    }
    size_t nf;
    while ((rc = runneri_csv_next(&in, *fields, *cap, &nf, &start, &end, &line, &why)) > 0) {
        if (end == start)
            continue; /* a blank line */
        if (add_row(m, k, &p, *fields, nf, hn, start, end, line, err) != 0)
            return -1;
    }
    return rc < 0 ? runneri_fail(err, "'%s' line %zu: %s", sh->name, line, why) : 0;
}

static int by_point_rep(const void *a, const void *b)
{
    const record *x = a, *y = b;
    if (x->point != y->point)
        return x->point < y->point ? -1 : 1;
    if (x->rep != y->rep)
        return x->rep < y->rep ? -1 : 1;
    if (x->shard != y->shard)
        return x->shard < y->shard ? -1 : 1;
    return x->line < y->line ? -1 : x->line > y->line;
}

/* Sorted rows: no (point, rep) twice, one set of parameter values per point. */
static int check_rows(const runneri_merged *m, runner_err *err)
{
    for (size_t i = 1; i < m->n; i++) {
        const record *a = &m->recs[i - 1], *b = &m->recs[i];
        const char *an = m->shards[a->shard].name, *bn = m->shards[b->shard].name;
        if (a->point != b->point)
            continue;
        if (a->rep == b->rep)
            return runneri_fail(err, "point %zu rep %zu appears twice ('%s' line %zu and "
                                     "'%s' line %zu)",
                                a->point, a->rep, an, a->line, bn, b->line);
        if (a->par_len != b->par_len ||
            memcmp(m->shards[a->shard].data + a->par_off, m->shards[b->shard].data + b->par_off,
                   a->par_len) != 0)
            return runneri_fail(err, "point %zu has other parameter values in '%s' line %zu "
                                     "than in '%s' line %zu",
                                a->point, bn, b->line, an, a->line);
    }
    return 0;
}

runneri_merged *runneri_merge_parse(const runneri_shard *shards, size_t n, runner_err *err)
{
    runneri_merged *m = calloc(1, sizeof *m);
    runneri_csv_field *fields = NULL;
    size_t cap = 0;
    if (m == NULL) {
        runneri_fail(err, "out of memory");
        return NULL;
    }
    m->shards = shards;
    m->provs = calloc(n ? n : 1, sizeof *m->provs);
    if (m->provs == NULL) {
        free(m);
        runneri_fail(err, "out of memory");
        return NULL;
    }
    runneri_clocale l;
    runneri_clocale_enter(&l); /* is_number's strtod reads '.' */
    int rc = n == 0 ? runneri_fail(err, "merge needs at least one input file") : 0;
    for (size_t k = 0; k < n && rc == 0; k++)
        rc = read_shard(m, k, &fields, &cap, err);
    runneri_clocale_leave(&l);
    free(fields);
    if (rc == 0 && m->n > 1) /* qsort wants a non-null base even for no rows */
        qsort(m->recs, m->n, sizeof *m->recs, by_point_rep);
    if (rc == 0)
        rc = check_rows(m, err);
    if (rc != 0) {
        runneri_merge_free(m);
        return NULL;
    }
    return m;
}

int runneri_merge_write(const runneri_merged *m, FILE *f)
{
    /* Without the shard word: all shards merged are the whole run, byte for byte. */
    const provenance *p = &m->provs[0];
    size_t head = p->cut_len ? p->cut_off : m->prov_len;
    fwrite(m->prov, 1, head, f);
    fwrite(m->prov + head + p->cut_len, 1, m->prov_len - head - p->cut_len, f);
    fputc('\n', f);
    fwrite(m->header, 1, m->header_len, f);
    fputc('\n', f);
    for (size_t i = 0; i < m->n; i++) {
        fwrite(m->shards[m->recs[i].shard].data + m->recs[i].start, 1, m->recs[i].len, f);
        fputc('\n', f);
    }
    return ferror(f) ? -1 : 0;
}

void runneri_merge_free(runneri_merged *m)
{
    if (m) {
        free(m->recs);
        free(m->provs);
        free(m);
    }
}

/* The whole file into b (the caller frees b->data). */
static int slurp(const char *path, runneri_shard *b, runner_err *err)
{
    FILE *f = fopen(path, "rb");
    if (f == NULL)
        return runneri_fail(err, "cannot read '%s': %s", path, strerror(errno));
    char *data;
    size_t len;
    int rc = runneri_read_all(f, &data, &len);
    fclose(f);
    if (rc == -1)
        return runneri_fail(err, "out of memory reading '%s'", path);
    if (rc != 0)
        return runneri_fail(err, "cannot read '%s'", path);
    b->name = path;
    b->data = data;
    b->len = len;
    return 0;
}

runneri_merged *runneri_merge_files(const char *const *inputs, size_t n_inputs,
                                    runneri_shard **shards_out, runner_err *err)
{
    *shards_out = NULL;
    if (n_inputs == 0) {
        runneri_fail(err, "merge needs at least one input file");
        return NULL;
    }
    runneri_shard *shards = calloc(n_inputs, sizeof *shards);
    if (shards == NULL) {
        runneri_fail(err, "out of memory");
        return NULL;
    }
    int rc = 0;
    for (size_t k = 0; k < n_inputs && rc == 0; k++)
        rc = slurp(inputs[k], &shards[k], err);
    runneri_merged *m = rc == 0 ? runneri_merge_parse(shards, n_inputs, err) : NULL;
    if (m == NULL) {
        runneri_merge_unload(NULL, shards, n_inputs);
        return NULL;
    }
    *shards_out = shards;
    return m;
}

void runneri_merge_unload(runneri_merged *m, runneri_shard *shards, size_t n_inputs)
{
    runneri_merge_free(m);
    for (size_t k = 0; shards && k < n_inputs; k++)
        free((char *)shards[k].data);
    free(shards);
}

int runner_merge(const char *const *inputs, size_t n_inputs, const char *output,
                 runner_err *err)
{
    runneri_shard *shards;
    runneri_merged *m = runneri_merge_files(inputs, n_inputs, &shards, err);
    runner_outfile *of = m ? runner_outfile_open(output, err) : NULL;
    int rc;
    if (of == NULL) {
        rc = -1;
    } else if (runneri_merge_write(m, runner_outfile_stream(of)) != 0) {
        runner_outfile_abort(of);
        rc = runneri_fail(err, "cannot write '%s'", output);
    } else {
        rc = runner_outfile_commit(of, err);
    }
    runneri_merge_unload(m, shards, n_inputs);
    return rc;
}

void runneri_merge_run(const runneri_merged *m, uint64_t *seed, int *crn, const char **exp,
                       size_t *exp_len, const char **header, size_t *header_len)
{
    *seed = m->provs[0].seed;
    *crn = m->provs[0].crn;
    *exp = m->prov + m->provs[0].exp_off;
    *exp_len = m->provs[0].exp_len;
    *header = m->header;
    *header_len = m->header_len;
}

size_t runneri_merge_rows(const runneri_merged *m) { return m->n; }

const char *runneri_merge_row(const runneri_merged *m, size_t i, size_t *len, size_t *point,
                              size_t *rep)
{
    const record *r = &m->recs[i];
    *len = r->len;
    *point = r->point;
    *rep = r->rep;
    return m->shards[r->shard].data + r->start;
}
