/* libFuzzer harness: the number parsers and the parameter/sweep parser of the plan.
 *
 * Input: lines "<op><text>", op d/s/u (runner_parse_double/size/u64 on text) or p/w
 * (runner_plan_set/runner_plan_sweep on one plan shared by the input's lines). Besides
 * the sanitizers it checks what callers rely on: a parsed double is finite and prints
 * back to itself, a parsed count prints back to itself, and every point of a plan has
 * values inside each parameter's range, whole where the parameter is whole.        */
#include <math.h>
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "fuzz_model.h"
#include "runner_int.h"

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size);

static void check_plan(const runner_plan *plan)
{
    size_t n = runner_plan_points(plan);
    if (n < 1 || n > RUNNER_MAX_POINTS)
        abort();
    double v[2];
    size_t probe[] = {0, n / 2, n - 1};
    for (size_t i = 0; i < 3; i++) {
        runner_plan_point(plan, probe[i], v);
        for (size_t k = 0; k < 2; k++) {
            const exp_param *p = &fuzz_model_params[k];
            if (!(v[k] >= p->min && v[k] <= p->max) || (p->integer && v[k] != floor(v[k])))
                abort();
        }
    }
}

static void one(runner_plan *plan, char op, const char *text)
{
    runner_err err;
    double d;
    size_t z;
    uint64_t u;
    char buf[RUNNERI_NUM_MAX];
    switch (op) {
    case 'd':
        if (runner_parse_double(text, &d) == 0) {
            if (!isfinite(d))
                abort();
            runneri_clocale l;
            runneri_clocale_enter(&l);
            runneri_fmt_double(buf, d);
            runneri_clocale_leave(&l);
            double back;
            if (runner_parse_double(buf, &back) != 0 || back != d)
                abort();
        }
        break;
    case 's':
        if (runner_parse_size(text, &z) == 0) {
            snprintf(buf, sizeof buf, "%zu", z);
            size_t back;
            if (runner_parse_size(buf, &back) != 0 || back != z)
                abort();
        }
        break;
    case 'u':
        if (runner_parse_u64(text, &u) == 0) {
            snprintf(buf, sizeof buf, "%llu", (unsigned long long)u);
            uint64_t back;
            if (runner_parse_u64(buf, &back) != 0 || back != u)
                abort();
        }
        break;
    case 'p':
        runner_plan_set(plan, text, &err);
        break;
    case 'w':
        runner_plan_sweep(plan, text, &err);
        break;
    default:
        break;
    }
}

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size)
{
    char *text = malloc(size + 1);
    runner_plan *plan = runner_plan_new(&fuzz_model);
    if (text == NULL || plan == NULL) {
        free(text);
        runner_plan_free(plan);
        return 0;
    }
    memcpy(text, data, size);
    text[size] = '\0';
    int lines = 0;
    for (char *line = text, *next; line && lines < 16; line = next, lines++) {
        next = strchr(line, '\n');
        if (next)
            *next++ = '\0';
        if (*line)
            one(plan, line[0], line + 1);
    }
    check_plan(plan);
    runner_plan_free(plan);
    free(text);
    return 0;
}
