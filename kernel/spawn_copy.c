/* sim_spawn_copy: start a process on its own copy of an argument, so a loop can spawn
 * customers from one stack variable (SimPy passes arguments by value).
 *
 * The copy is a heap node on a list of its environment: the process frees it when its
 * function returns, and sim_env_free frees what is left (processes still waiting, or
 * never started), so nothing leaks whichever way the run ends.                     */
#include "simi.h"

#include <stdlib.h>
#include <string.h>

struct simi_arg_copy {
    simi_arg_copy *prev, *next; /* in env->arg_copies */
    sim_env *env;
    sim_proc_fn fn;
    max_align_t data[]; /* the copy, aligned for any type */
};

static void unlink_copy(simi_arg_copy *c)
{
    if (c->prev)
        c->prev->next = c->next;
    else
        c->env->arg_copies = c->next;
    if (c->next)
        c->next->prev = c->prev;
}

static void *run_on_copy(sim_proc *self, void *arg)
{
    simi_arg_copy *c = arg;
    void *value = c->fn(self, c->data);
    unlink_copy(c);
    free(c);
    return value;
}

sim_status sim_spawn_copy(sim_env *env, const char *name, sim_proc_fn fn, const void *arg,
                          size_t size)
{
    if (!env)
        return SIM_EINVAL;
    if (!fn || (!arg && size > 0) || size > SIZE_MAX / 2)
        return simi_misuse(env, SIM_EINVAL, "sim_spawn_copy: NULL function, or NULL argument");
    simi_arg_copy *c = malloc(sizeof *c + size);
    if (!c)
        return simi_misuse(env, SIM_ENOMEM, "sim_spawn_copy: out of memory");
    if (size)
        memcpy(c->data, arg, size);
    c->env = env;
    c->fn = fn;
    c->prev = NULL;
    c->next = env->arg_copies;
    if (c->next)
        c->next->prev = c;
    env->arg_copies = c;
    sim_status st = sim_spawn(env, name, run_on_copy, c);
    if (st != SIM_OK) {
        unlink_copy(c);
        free(c);
    }
    return st;
}

void simi_arg_copies_free(sim_env *env)
{
    while (env->arg_copies) {
        simi_arg_copy *c = env->arg_copies;
        env->arg_copies = c->next;
        free(c);
    }
}
