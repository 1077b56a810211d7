/* The coroutine switch: Boost.Context fcontext, pooled guard-paged stacks, overflow
 * reports, and the annotations AddressSanitizer, ThreadSanitizer and valgrind need.
 *
 * The scheduler side (sim_run on the caller's stack) jumps into the first process; a
 * process that waits or finishes runs the event loop and jumps straight to the next one,
 * or back to the scheduler side when the run returns (switch.h). Each jump hands over the
 * context that jumped, and the arriving side stores it.
 *
 * Stacks come from slabs, one mapping each; each stack has a PROT_NONE guard page below it.
 * A fault in the running process's guard page lands in a SIGSEGV handler on an alternate
 * signal stack, which names the process and returns sim_run with SIM_EOVERFLOW.
 * Linux limits a process to vm.max_map_count mappings (65530 by default) and each guard
 * splits a slab into two more, so guards per stack stop at a budget. Past it, slabs are
 * larger and only their lowest stack has a guard page: an overflow on any other stack runs
 * down through its neighbours of the same slab (same environment, which the overflow makes
 * unusable anyway) into that guard, and the handler recognises a fault anywhere between
 * the running stack and the guard below it. Those stacks also carry a canary, checked
 * every time the process leaves its stack, for overflows too short to reach the guard.
 * Packed slabs (SIM_STACKS_PACKED) are laid out that way from the start, in a 2 MiB-aligned
 * region offered to transparent huge pages: the TLB then covers the stack tops of tens of
 * thousands of processes. Each stack has its process just below it (slot: a spare line,
 * the sim_proc, the stack), so a process's guard word, the last word of its switch line,
 * is what an overflow of its stack writes first, and the check reads no line of its own.
 * A packed slot is reused once its process has finished and its last reference is gone.  */
#include <errno.h>
#include <pthread.h>
#include <stdatomic.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/mman.h>
#include <unistd.h>

#include "simi.h"

#include "switch.h"
#if defined(__has_include)
#if __has_include(<valgrind/valgrind.h>)
#include <valgrind/valgrind.h>
#define PROCSIM_VALGRIND 1
#endif
#endif

#define STACKS_PER_SLAB 16            /* while stacks get a guard page each */
#define STACKS_PER_SHARED_SLAB 256    /* past the guard budget: one guard per slab */
#define HUGE_PAGE (2u << 20)           /* packed slabs: x86-64's transparent huge page */
/* Below each packed stack: a spare line, then the process, so that its sleep timeout
 * and switch line share an aligned pair of lines (the adjacent-line prefetcher fetches
 * both). */
#define PACKED_RECORD (64 + sizeof(sim_proc))
_Static_assert(PACKED_RECORD % 128 == 0, "packed slots keep 128-byte alignment");
#define PACKED_MIN_STACKS 64           /* packed slabs: at least this many stacks */
#define ALT_STACK_SIZE (64 * 1024)

typedef struct slab {
    struct slab *next;
    void *map;
    size_t map_size;
    size_t usable; /* bytes per stack: slabs are reused only for the same size */
    int packed;    /* and the same layout */
    char *start;   /* packed: the first slot */
    size_t stride; /* packed: bytes from slot to slot */
    size_t n;      /* stacks in this slab */
    simi_stack stacks[];
} slab;

static size_t page_size(void)
{
    long p = sysconf(_SC_PAGESIZE);
    return p > 0 ? (size_t)p : 4096;
}

/* ---- stacks ------------------------------------------------------------------------ */

/* Guard pages left to hand out in this OS process. Every guard costs two mappings and
 * Linux allows vm.max_map_count of them per process (malloc, libraries and threads
 * need some too), so guards stop at a quarter of the limit and later stacks use the
 * canary. This counts an OS-wide resource, it holds no simulation state. */
static atomic_long guards_left;
static pthread_once_t guards_once = PTHREAD_ONCE_INIT;

static void init_guard_budget(void)
{
    long max_maps = 65530;
    FILE *f = fopen("/proc/sys/vm/max_map_count", "r");
    if (f) {
        if (fscanf(f, "%ld", &max_maps) != 1)
            max_maps = 65530;
        fclose(f);
    }
    atomic_store(&guards_left, max_maps / 4);
}

static int take_guard(void)
{
    pthread_once(&guards_once, init_guard_budget);
    if (atomic_fetch_sub(&guards_left, 1) > 0)
        return 1;
    atomic_fetch_add(&guards_left, 1);
    return 0;
}

/* A caller-owned cache of slabs, so that replication after replication in one worker
 * thread reuses the same mappings instead of paying mmap, mprotect and munmap (which
 * also serialise on the process's memory lock) every time. One environment at a time. */
struct sim_stack_cache {
    slab *slabs;
    void *alt_stack_mem;
};

sim_stack_cache *sim_stack_cache_new(void) { return calloc(1, sizeof(sim_stack_cache)); }

static void unmap_slab(slab *s)
{
    for (size_t i = 0; i < s->n; i++) {
        if (s->stacks[i].guarded == SIMI_GUARD_BUDGET)
            atomic_fetch_add(&guards_left, 1);
#ifdef PROCSIM_VALGRIND
        VALGRIND_STACK_DEREGISTER(s->stacks[i].valgrind_id);
#endif
    }
    munmap(s->map, s->map_size);
    free(s);
}

void sim_stack_cache_free(sim_stack_cache *cache)
{
    if (!cache)
        return;
    while (cache->slabs) {
        slab *s = cache->slabs;
        cache->slabs = s->next;
        unmap_slab(s);
    }
    free(cache->alt_stack_mem);
    free(cache);
}

static slab *take_cached_slab(sim_env *env, size_t usable)
{
    if (!env->stack_cache)
        return NULL;
    for (slab **link = &env->stack_cache->slabs; *link; link = &(*link)->next) {
        slab *s = *link;
        if (s->usable == usable && s->packed == env->stacks_packed) {
            *link = s->next;
            return s;
        }
    }
    return NULL;
}

/* The rest of a stack's description, once its guard is settled: where it lies, the
 * nearest protected page below it, its top's colour, and valgrind told of it. */
static void describe_stack(simi_stack *st, char *base, size_t usable, char *floor,
                           size_t color)
{
    st->base = base;
    st->size = usable;
    st->floor = floor;
    st->color = color;
    st->valgrind_id = 0;
#ifdef PROCSIM_VALGRIND
    st->valgrind_id = VALGRIND_STACK_REGISTER(base, base + usable);
#endif
}

/* A slab of stacks, each above its guard page (protected or not). Its lowest guard is
 * always protected, budget or not, so that every stack has a protected page somewhere below
 * it within the slab; without that guard the slab is refused (NULL, errno ENOMEM). */
static slab *map_slab(sim_env *env, size_t usable)
{
    size_t page = page_size();
    size_t stride = usable + page;
    int first_guarded = take_guard();
    size_t n = first_guarded ? STACKS_PER_SLAB : STACKS_PER_SHARED_SLAB;
    slab *s = malloc(sizeof *s + n * sizeof s->stacks[0]);
    if (!s)
        goto fail;
    s->usable = usable;
    s->packed = 0;
    s->n = n;
    s->map_size = stride * n;
    s->map = mmap(NULL, s->map_size, PROT_READ | PROT_WRITE,
                  MAP_PRIVATE | MAP_ANONYMOUS | MAP_NORESERVE, -1, 0);
    if (s->map == MAP_FAILED)
        goto fail;
    if (mprotect(s->map, page, PROT_NONE) != 0) {
        munmap(s->map, s->map_size);
        goto fail;
    }
    char *floor = s->map; /* the nearest protected guard page at or below stack i */
    for (size_t i = 0; i < n; i++) {
        simi_stack *st = &s->stacks[i];
        char *guard = (char *)s->map + i * stride;
        if (i == 0)
            st->guarded = first_guarded ? SIMI_GUARD_BUDGET : SIMI_GUARD_SLAB;
        else
            st->guarded = take_guard() ? SIMI_GUARD_BUDGET : SIMI_GUARD_NONE;
        if (i > 0 && st->guarded && mprotect(guard, page, PROT_NONE) != 0) {
            atomic_fetch_add(&guards_left, 1);
            st->guarded = SIMI_GUARD_NONE;
        }
        if (st->guarded)
            floor = guard;
        /* Stack tops all at the same page offset would fight over one L1 cache set
         * (their hot lines alias every 4 KiB); a colour of k cache lines spreads them. */
        describe_stack(st, guard + page, usable, floor, (env->stacks_made++ * 17 % 64) * 64);
    }
    return s;
fail:
    if (first_guarded)
        atomic_fetch_add(&guards_left, 1);
    free(s);
    errno = ENOMEM;
    return NULL;
}

/* A packed slab: n slots (PACKED_RECORD, then the stack) filling a whole number of huge
 * pages, on a huge-page boundary, with one protected guard page just below. madvise may
 * fail (no THP in this kernel): the layout is the same, on small pages. */
static size_t packed_region(size_t stride)
{
    return (PACKED_MIN_STACKS * stride + HUGE_PAGE - 1) / HUGE_PAGE * HUGE_PAGE;
}

static slab *map_packed_slab(size_t usable)
{
    size_t page = page_size();
    size_t stride = usable + PACKED_RECORD;
    size_t region = packed_region(stride);
    size_t n = region / stride;
    slab *s = malloc(sizeof *s + n * sizeof s->stacks[0]);
    if (!s)
        goto fail;
    /* Room to align: map more, then give back what lies outside [guard, region end). */
    size_t span = page + region + HUGE_PAGE;
    char *map = mmap(NULL, span, PROT_READ | PROT_WRITE,
                     MAP_PRIVATE | MAP_ANONYMOUS | MAP_NORESERVE, -1, 0);
    if (map == MAP_FAILED)
        goto fail;
    char *start = (char *)(((uintptr_t)map + page + HUGE_PAGE - 1) & ~(uintptr_t)(HUGE_PAGE - 1));
    char *guard = start - page, *end = start + region;
    if (guard > map)
        munmap(map, (size_t)(guard - map));
    if (map + span > end)
        munmap(end, (size_t)(map + span - end));
    s->map = guard;
    s->map_size = page + region;
    if (mprotect(guard, page, PROT_NONE) != 0) {
        munmap(s->map, s->map_size);
        goto fail;
    }
#ifdef MADV_HUGEPAGE
    (void)madvise(start, region, MADV_HUGEPAGE);
#endif
    s->usable = usable;
    s->packed = 1;
    s->start = start;
    s->stride = stride;
    s->n = n;
    for (size_t i = 0; i < n; i++) {
        simi_stack *st = &s->stacks[i];
        st->guarded = i == 0 ? SIMI_GUARD_SLAB : SIMI_GUARD_NONE;
        /* The records between stacks colour their tops. */
        describe_stack(st, start + i * stride + PACKED_RECORD, usable, guard, 0);
    }
    return s;
fail:
    free(s);
    errno = ENOMEM;
    return NULL;
}

/* Usable bytes per stack: GUARDED rounds up to pages, plus one to colour the stack tops
 * (see simi_coro_start); PACKED to pairs of cache lines, at least a page. */
static size_t stack_usable(const sim_env *env)
{
    size_t page = page_size();
    if (env->stacks_packed) {
        size_t usable = (env->stack_size + 127) / 128 * 128;
        return usable < page ? page : usable;
    }
    return (env->stack_size + page - 1) / page * page + page;
}

static __attribute__((noinline, cold)) int grow_stack_pool(sim_env *env)
{
    size_t usable = stack_usable(env);
    slab *s = take_cached_slab(env, usable);
    if (!s && !(s = env->stacks_packed ? map_packed_slab(usable) : map_slab(env, usable)))
        return -1;
    for (size_t i = 0; i < s->n; i++) {
        simi_stack *st = &s->stacks[i];
        st->next_free = env->free_stacks;
        env->free_stacks = st;
    }
    s->next = env->stack_maps;
    env->stack_maps = s;
    return 0;
}

void simi_coro_free_all(sim_env *env)
{
    slab *s = env->stack_maps;
    while (s) {
        slab *next = s->next;
#ifdef PROCSIM_ASAN
        /* Processes that never finished leave poisoned frames on their stacks; the next
         * user of this memory must not inherit them. */
        ASAN_UNPOISON_MEMORY_REGION(s->map, s->map_size);
#endif
        if (env->stack_cache) {
            s->next = env->stack_cache->slabs;
            env->stack_cache->slabs = s;
        } else {
            unmap_slab(s);
        }
        s = next;
    }
    env->stack_maps = NULL;
    env->free_stacks = NULL;
    if (!env->stack_cache)
        free(env->alt_stack_mem);
    env->alt_stack_mem = NULL;
}

/* ---- switching ----------------------------------------------------------------------- */

static void proc_entry(simi_transfer t);

/* The memory budget counts each stack at its whole mapped size (what it may come to
 * hold, so the budget does not depend on which pages a run touched), once per stack at
 * the peak of live processes: not per slab, whose size depends on the guard budget that
 * all threads share, which would make a budget failure depend on -j. */
static __attribute__((noinline, cold)) int charge_new_stack(sim_env *env)
{
    size_t usable = stack_usable(env);
    size_t mapped = usable + page_size();
    if (env->stacks_packed) { /* its share of its slab, the slab's guard page included */
        size_t stride = usable + PACKED_RECORD, region = packed_region(stride);
        mapped = (page_size() + region + region / stride - 1) / (region / stride);
    }
    if (simi_mem_charge(env, mapped + sizeof(simi_stack)) != 0)
        return -1;
    env->stacks_charged++;
    return 0;
}

static inline int charge_stack(sim_env *env)
{
    return env->stacks_live < env->stacks_charged ? 0 : charge_new_stack(env);
}

/* A free stack, charged to the budget (NULL: out of memory, or over budget). */
static simi_stack *take_stack(sim_env *env)
{
    if (charge_stack(env) != 0)
        return NULL;
    if (!env->free_stacks && grow_stack_pool(env) != 0)
        return NULL;
    simi_stack *st = env->free_stacks;
    env->free_stacks = st->next_free;
    env->stacks_live++;
    return st;
}

static sim_proc *packed_proc_of(simi_stack *st)
{
    return (sim_proc *)(void *)(st->base - sizeof(sim_proc));
}

sim_proc *simi_coro_packed_proc(sim_env *env)
{
    simi_stack *st = take_stack(env);
    if (!st)
        return NULL;
    sim_proc *p = packed_proc_of(st);
    p->stack = st;
    return p;
}

int simi_coro_start(sim_env *env, sim_proc *p)
{
    if (!p->stack && !(p->stack = take_stack(env)))
        return -1;
    simi_stack *st = p->stack;
    p->guard = SIMI_CANARY;
    p->sp_limit = NULL;
    if (env->stacks_packed) {
        p->guard = SIMI_CANARY_PACKED;
        p->sp_limit = st->base + SIMI_LOOP_ROOM;
        memcpy(st->owner, p->name, sizeof st->owner);
    } else if (!st->guarded) {
        *(uint64_t *)st->base = SIMI_CANARY;
        p->guard = (uint64_t)(uintptr_t)st->base; /* in the switch line: no p->stack miss */
    }
    unsigned fp = simi_fp_raise_flags(); /* the new context copies them (switch.h) */
    p->ctx = make_fcontext(st->base + st->size - st->color, st->size - st->color, proc_entry);
    simi_fp_restore_flags(fp);
    p->asan_fake_stack = NULL;
#ifdef PROCSIM_TSAN
    p->tsan_fiber = __tsan_create_fiber(0);
#endif
    return 0;
}

void simi_coro_release(sim_env *env, sim_proc *p)
{
    simi_stack *st = p->stack;
    if (!st)
        return;
#ifdef PROCSIM_TSAN
    if (p->tsan_fiber)
        __tsan_destroy_fiber(p->tsan_fiber);
    p->tsan_fiber = NULL;
#endif
    st->next_free = env->free_stacks;
    env->free_stacks = st;
    p->stack = NULL;
    env->stacks_live--;
}

/* The stack of a packed process found from the slabs' own records (malloc'ed, out of an
 * overflow's reach) rather than from p, which the overflow may have written over. */
static simi_stack *packed_stack_of(const sim_env *env, const sim_proc *p)
{
    for (const slab *s = env->stack_maps; s; s = s->next) {
        const char *a = (const char *)p;
        if (a < s->start || a >= s->start + s->n * s->stride)
            continue;
        simi_stack *st = (simi_stack *)&s->stacks[(size_t)(a - s->start) / s->stride];
        return packed_proc_of(st) == p ? st : NULL;
    }
    return NULL;
}

void simi_report_overflow(sim_env *env, sim_proc *p)
{
    simi_break(env, SIM_EOVERFLOW);
    const char *name = p->name;
    if (env->stacks_packed) {
        simi_stack *st = packed_stack_of(env, p);
        name = st ? st->owner : "?";
    }
    snprintf(env->message, sizeof env->message,
             "stack overflow in process '%.*s' (stack size %zu bytes); raise "
             "sim_config.stack_size (a model run by procsim: its experiment's .stack_size)",
             (int)sizeof p->name, name, env->stack_size);
}

/* The environment whose sim_run is executing on this thread (see below). */
static _Thread_local sim_env *running_env;

/* simi_check_guard found a guard word that is neither canary, or a packed stack's wait
 * too near its bottom. The environment comes from the thread, not from p, which an
 * overflow on a packed stack may have written over. */
void simi_guard_check_slow(const sim_proc *p)
{
    sim_env *env = running_env;
    if (!env)
        abort(); /* processes run only inside sim_run */
    if (!env->stacks_packed && *(const uint64_t *)(uintptr_t)p->guard == SIMI_CANARY)
        return; /* past the guard budget: its canary is intact */
    simi_report_overflow(env, (sim_proc *)p);
    siglongjmp(env->overflow_jmp, 1);
}

/* After the last switch away from p, which finished: recycle the stack (a packed one
 * holds its process, so it waits for the last reference, simi_proc_destroy), drop its
 * running ref. Runs on the stack of whoever p handed over to. */
void simi_coro_after_switch(sim_env *env, sim_proc *p)
{
    if (!env->stacks_packed)
        simi_coro_release(env, p);
    simi_event_release(&p->ev);
}

/* A process's first arrival: run it, then hand over for the last time (whoever arrives
 * next releases this stack, see simi_coro_after_switch). The jumper set env->active. */
static void proc_entry(simi_transfer t)
{
    sim_env *env = simi_jump_env(t.data);
    sim_proc *p = env->active;
    simi_arrived(env, p, t);
    simi_proc_finish_entry(p); /* checks p's guard when its function returns */
    env->active = NULL;
    simi_switch(env, p, simi_next(env), 1);
    abort(); /* a finished process is never resumed */
}

/* ---- stack overflow ------------------------------------------------------------------ */

/* running_env (above): thread-local, so kernels in other threads never see it; it is what
 * lets the signal handler find the faulting process without any process-wide registry.
 * A run inside a process of another environment's run restores the outer one at its end. */
static struct sigaction previous_segv, previous_bus;

/* A fault below the running stack, down to the first protected guard page under it: its
 * own guard, or for a stack without one, the neighbours it ran through and the slab's. */
static int below_stack(const sim_env *env, const sim_proc *p, const char *addr)
{
    if (!p)
        return 0;
    const simi_stack *st = env->stacks_packed ? packed_stack_of(env, p) : p->stack;
    return st && addr >= st->floor && addr < st->base;
}

static void chain(int sig, siginfo_t *info, void *uctx)
{
    struct sigaction *prev = sig == SIGBUS ? &previous_bus : &previous_segv;
    if (prev->sa_flags & SA_SIGINFO) {
        prev->sa_sigaction(sig, info, uctx);
        return;
    }
    if (prev->sa_handler == SIG_IGN)
        return;
    if (prev->sa_handler != SIG_DFL) {
        prev->sa_handler(sig);
        return;
    }
    /* Default action: restore it and let the fault happen again. */
    signal(sig, SIG_DFL);
}

static void on_fault(int sig, siginfo_t *info, void *uctx)
{
    sim_env *env = running_env;
    if (env && below_stack(env, env->on_stack, info->si_addr)) {
        simi_report_overflow(env, env->on_stack);
        static const char prefix[] = "procsim: ";
        ssize_t ignored = write(2, prefix, sizeof prefix - 1);
        ignored = write(2, env->message, strlen(env->message));
        ignored = write(2, "\n", 1);
        (void)ignored;
        siglongjmp(env->overflow_jmp, 1);
    }
    chain(sig, info, uctx);
}

static pthread_mutex_t handler_lock = PTHREAD_MUTEX_INITIALIZER;

/* Installs on_fault unless it is already the handler; keeps the handler it replaces to
 * chain to. Checked at every run because a program (or a test) may reset SIGSEGV. */
static void ensure_handler(int sig, struct sigaction *previous)
{
    struct sigaction cur;
    if (sigaction(sig, NULL, &cur) == 0 && (cur.sa_flags & SA_SIGINFO) &&
        cur.sa_sigaction == on_fault)
        return;
    pthread_mutex_lock(&handler_lock);
    struct sigaction sa, old;
    memset(&sa, 0, sizeof sa);
    sa.sa_sigaction = on_fault;
    sa.sa_flags = SA_SIGINFO | SA_ONSTACK | SA_NODEFER;
    sigemptyset(&sa.sa_mask);
    if (sigaction(sig, &sa, &old) == 0 && !((old.sa_flags & SA_SIGINFO) && old.sa_sigaction == on_fault))
        *previous = old;
    pthread_mutex_unlock(&handler_lock);
}

/* Called at the start of sim_run when the environment has processes: the handler runs on
 * an alternate stack (the faulting stack has no room left), set per thread for the run. */
int simi_coro_enter_run(sim_env *env)
{
    ensure_handler(SIGSEGV, &previous_segv);
    ensure_handler(SIGBUS, &previous_bus);
    if (!env->alt_stack_mem) {
        sim_stack_cache *cache = env->stack_cache;
        if (cache && !cache->alt_stack_mem)
            cache->alt_stack_mem = malloc(ALT_STACK_SIZE);
        env->alt_stack_mem = cache ? cache->alt_stack_mem : malloc(ALT_STACK_SIZE);
        if (!env->alt_stack_mem)
            return -1;
    }
    env->alt_stack.ss_sp = env->alt_stack_mem;
    env->alt_stack.ss_size = ALT_STACK_SIZE;
    env->alt_stack.ss_flags = 0;
    if (sigaltstack(&env->alt_stack, &env->old_alt_stack) != 0)
        return -1;
    env->outer_running = running_env;
    running_env = env;
#ifdef PROCSIM_TSAN
    env->tsan_sched_fiber = __tsan_get_current_fiber();
#endif
    return 0;
}

void simi_coro_leave_run(sim_env *env)
{
    running_env = env->outer_running;
    if (env->old_alt_stack.ss_flags & SS_DISABLE) {
        stack_t off = {.ss_flags = SS_DISABLE};
        sigaltstack(&off, NULL);
    } else {
        sigaltstack(&env->old_alt_stack, NULL);
    }
}
