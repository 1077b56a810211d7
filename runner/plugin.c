/* Plugins: experiments compiled into a shared object with PROCSIM_EXPERIMENTS (procsim.h)
 * and named on the command line as PATH[:NAME], where PATH holds a '/' (./ed.so). The
 * object is opened with RTLD_NOW so an unresolved symbol is reported here rather than
 * mid-run, and its `procsim_plugin` symbol is read only after its ABI version matched.
 * The plugin resolves the kernel, stats and runner against this program, which exports
 * them (the stock procsim links the whole library and exports its symbols). Once found,
 * a plugin's experiment goes down the same path as a built-in one. */
#include <dlfcn.h>
#include <errno.h>
#include <stdlib.h>
#include <string.h>
#include <sys/stat.h>

#include "cli_int.h"
#include "procsim.h"

void runneri_plugin_close(runneri_plugin *pl)
{
    if (pl && pl->handle) {
        dlclose(pl->handle);
        pl->handle = NULL;
    }
}

const exp_experiment *const *runneri_plugin_open(const runneri_cli *c, const char *path,
                                                 size_t *n)
{
    struct stat st;
    if (stat(path, &st) != 0) {
        runneri_cli_usage(c, "cannot open plugin '%s': %s", path, strerror(errno));
        return NULL;
    }
    if (c->plugin->handle) { /* one plugin per invocation */
        runneri_cli_usage(c, "only one plugin per command");
        return NULL;
    }
    void *h = dlopen(path, RTLD_NOW | RTLD_LOCAL);
    if (h == NULL) {
        const char *why = dlerror();
        runneri_cli_usage(c, "'%s' is not a procsim plugin (%s)", path, why ? why : "dlopen");
        return NULL;
    }
    const procsim_plugin_info *info = dlsym(h, "procsim_plugin");
    if (info == NULL) {
        runneri_cli_usage(c,
                          "'%s' is not a procsim plugin: it exports no 'procsim_plugin' "
                          "(a plugin ends with PROCSIM_EXPERIMENTS(&exp_a, ...))",
                          path);
        dlclose(h);
        return NULL;
    }
    if (info->abi != PROCSIM_ABI_VERSION) {
        runneri_cli_usage(c,
                          "'%s' was built for procsim plugin ABI %u, this %s uses ABI %u: "
                          "rebuild it against this procsim's headers",
                          path, info->abi, c->prog, PROCSIM_ABI_VERSION);
        dlclose(h);
        return NULL;
    }
    for (size_t i = 0; i < info->n_experiments; i++) {
        const exp_experiment *e = info->experiments[i];
        if (e == NULL || e->name == NULL || e->replicate == NULL) {
            runneri_cli_usage(c, "'%s': experiment %zu of its table is %s", path, i,
                              e == NULL ? "NULL" : "missing a name or replicate()");
            dlclose(h);
            return NULL;
        }
    }
    c->plugin->handle = h;
    *n = info->n_experiments;
    return info->experiments;
}

/* PATH:NAME splits at the last ':' when what follows holds no '/' and PATH is not itself
 * an existing file (a path may contain ':'). */
const exp_experiment *runneri_plugin_find(const runneri_cli *c, const char *spec)
{
    const char *colon = strrchr(spec, ':');
    struct stat st;
    char *path = NULL;
    const char *name = NULL;
    if (colon && strchr(colon, '/') == NULL && stat(spec, &st) != 0) {
        path = malloc((size_t)(colon - spec) + 1);
        if (path == NULL) {
            runneri_cli_usage(c, "out of memory");
            return NULL;
        }
        memcpy(path, spec, (size_t)(colon - spec));
        path[colon - spec] = '\0';
        name = colon + 1;
    }
    size_t n = 0;
    const exp_experiment *const *exps = runneri_plugin_open(c, path ? path : spec, &n);
    const exp_experiment *found = NULL;
    if (exps && name) {
        for (size_t i = 0; i < n && !found; i++)
            if (strcmp(exps[i]->name, name) == 0)
                found = exps[i];
        if (!found)
            runneri_cli_usage(c, "plugin '%s' has no experiment '%s' (%s list %s shows them)",
                              path, name, c->prog, path);
    } else if (exps && n == 1) {
        found = exps[0];
    } else if (exps) {
        runneri_cli_usage(c, "plugin '%s' holds %zu experiments: name one as %s:NAME (%s list "
                          "%s shows them)",
                          spec, n, spec, c->prog, spec);
    }
    free(path);
    return found;
}
