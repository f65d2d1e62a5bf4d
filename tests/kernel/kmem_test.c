/* SPDX-License-Identifier: GPL-2.0-or-later */
/*
 * kmem in the kernel, over the real vm_page.
 *
 *   test=kmem          caches, constructors, alignment, kmem_alloc sizes,
 *                      the vm_page glue (slab lookup through vm_page.priv),
 *                      verify-mode reports, reaping back to vm_page
 *   test=kmem_stress   random sizes and lifetimes on every CPU (a thread
 *                      bound to each), verify-mode caches next to magazine caches,
 *                      a fixed amount of work, no error, every page back
 *   test=kmem_exhaust  objects until NULL over all of DMA + DIRECTMAP,
 *                      at least 95% of it as objects, then every page back
 *   test=kmem_exhaust_classes  (manual; boot lines repeat it, *5) every
 *                      kmem_alloc() size class and a page-block size run
 *                      vm_page dry in turn, with all DMA + DIRECTMAP memory
 *                      but a budget of KMEM_CLASSES_BUDGET_ORDER held, and
 *                      every page must come back after each
 *   test=kmem_bench    (manual) instructions per alloc/free pair for the
 *                      magazine, depot and slab paths; meant for QEMU with
 *                      -icount shift=0,sleep=off, where rdtsc counts
 *                      instructions
 *
 * "Every page back" compares vm_page's free page counts with those taken
 * after a kmem_purge() at the start, once kmem_purge() ran again.
 */
#include <stdbool.h>
#include <stddef.h>
#include <stdint.h>

#include <i386/cpu.h>
#include <i386/param.h>
#include <i386/smp.h>
#include <kern/clock.h>
#include <kern/kmem.h>
#include <kern/ktest.h>
#include <kern/list.h>
#include <kern/macros.h>
#include <kern/percpu.h>
#include <kern/spinlock.h>
#include <kern/string.h>
#include <kern/thread.h>
#include <vm/vm_page.h>

#include <tests/kmem_pattern.h>

/* Free pages of the segments a DIRECTMAP allocation can reach. */
static unsigned long
kmem_test_free_directmap(void)
{
    static const unsigned int segs[] = { VM_PAGE_SEG_DMA, VM_PAGE_SEG_DIRECTMAP };
    struct vm_page_seg_stats stats;
    unsigned long nr = 0;

    for (unsigned int i = 0; i < ARRAY_SIZE(segs); i++) {
        if (vm_page_seg_stats_get(segs[i], &stats) == 0) {
            nr += stats.nr_free;
        }
    }
    return nr;
}

/* Free pages of every segment. */
static unsigned long
kmem_test_free_all(void)
{
    struct vm_page_seg_stats stats;
    unsigned long nr = 0;

    for (unsigned int i = 0; i < VM_PAGE_NR_SEGS; i++) {
        if (vm_page_seg_stats_get(i, &stats) == 0) {
            nr += stats.nr_free;
        }
    }
    return nr;
}

/* Purge, then the free page count to come back to. */
/* Every CPU's magazines back to the slabs, empty slabs back to vm_page. */
static void
kmem_test_purge(void *arg)
{
    (void)arg;
    kmem_purge();
}

static unsigned long
kmem_test_baseline(void)
{
    smp_call_all(kmem_test_purge, NULL);
    return kmem_test_free_all();
}

static void
kmem_test_check_returned(const char *test, unsigned long baseline)
{
    unsigned long now;

    smp_call_all(kmem_test_purge, NULL);
    now = kmem_test_free_all();
    ktest_assert_msg(now == baseline, "%s: %lu free pages after kmem_purge, %lu before",
                     test, now, baseline);
}

static uint32_t
kmem_test_rand(uint32_t *seed)
{
    *seed = *seed * 1103515245 + 12345;
    return *seed >> 8;
}

/* Verify-mode reports, recorded instead of panicking. */
static unsigned int kmem_test_nr_errors;
static struct kmem_error kmem_test_last_error;

static void
kmem_test_error(const struct kmem_error *error)
{
    __atomic_fetch_add(&kmem_test_nr_errors, 1, __ATOMIC_RELAXED);
    kmem_test_last_error = *error;
}

static void
kmem_test_print(const char *line)
{
    ktest_diag("%s", line);
}

/* ---------------------------------------------------------------- test=kmem */

#define KMEM_TEST_MAGIC         0x600dc0deU

struct kmem_test_obj {
    uint32_t magic;
    uint32_t refs;
    char data[56];
};

static struct kmem_cache kmem_test_ctor_cache;
static struct kmem_cache kmem_test_align_cache;
static struct kmem_cache kmem_test_slab_cache;
static struct kmem_cache kmem_test_verify_cache;
static unsigned int kmem_test_ctor_calls;

static void
kmem_test_ctor(void *obj)
{
    struct kmem_test_obj *o = obj;

    o->magic = KMEM_TEST_MAGIC;
    o->refs = 0;
    kmem_test_ctor_calls++;
}

/*
 * Caches are never destroyed and a second kmem_cache_init() of a live
 * cache is refused: the caches of test=kmem are set up by its first run
 * only, so that the test can run again in the same boot.
 */
static void
kmem_test_caches_setup(void)
{
    static bool ready;

    if (ready) {
        return;
    }
    ready = true;
    KTEST_ASSERT(kmem_cache_init(&kmem_test_ctor_cache, "ktest_ctor",
                                 sizeof(struct kmem_test_obj), 0, kmem_test_ctor, 0) == 0);
    KTEST_ASSERT(kmem_cache_init(&kmem_test_align_cache, "ktest_align", 100, 256, NULL, 0) == 0);
    KTEST_ASSERT(kmem_cache_init(&kmem_test_slab_cache, "ktest_slab", 500, 0, NULL,
                                 KMEM_CACHE_NOCPUPOOL) == 0);
    KTEST_ASSERT(kmem_cache_init(&kmem_test_verify_cache, "ktest_verify", 40, 0, NULL,
                                 KMEM_CACHE_VERIFY) == 0);
}

static void
kmem_test_caches(void)
{
    struct kmem_test_obj *objs[200];
    bool ok = true;

    kmem_test_ctor_calls = 0;
    for (unsigned int i = 0; i < ARRAY_SIZE(objs); i++) {
        objs[i] = kmem_cache_alloc(&kmem_test_ctor_cache);
        ok = ok && objs[i] != NULL && objs[i]->magic == KMEM_TEST_MAGIC && objs[i]->refs == 0;
        if (objs[i] != NULL) {
            objs[i]->refs = i;
        }
    }
    ktest_assert_msg(ok && kmem_test_ctor_calls == ARRAY_SIZE(objs),
                     "constructed objects (%u constructor calls)", kmem_test_ctor_calls);
    for (unsigned int i = 0; i < ARRAY_SIZE(objs); i++) {
        ok = ok && objs[i]->refs == i;
        objs[i]->refs = 0;
        kmem_cache_free(&kmem_test_ctor_cache, objs[i]);
    }
    ktest_assert_msg(ok, "objects kept their contents");

    for (unsigned int i = 0; i < ARRAY_SIZE(objs); i++) {
        objs[i] = kmem_cache_alloc(&kmem_test_align_cache);
        ok = ok && objs[i] != NULL && P2ALIGNED((uintptr_t)objs[i], 256);
        kmem_pattern_fill(objs[i], 100, i);
    }
    for (unsigned int i = 0; i < ARRAY_SIZE(objs); i++) {
        ok = ok && kmem_pattern_intact(objs[i], 100, i);
        kmem_cache_free(&kmem_test_align_cache, objs[i]);
    }
    ktest_assert_msg(ok, "256-byte aligned objects, distinct");
}

/* The slab of a buffer is found through vm_page: a slab-only cache empties. */
static void
kmem_test_slab_glue(void)
{
    struct kmem_cache_stats st;
    void *objs[100];
    struct vm_page *page;

    for (unsigned int i = 0; i < ARRAY_SIZE(objs); i++) {
        objs[i] = kmem_cache_alloc(&kmem_test_slab_cache);
        KTEST_ASSERT(objs[i] != NULL);
    }
    page = vm_page_lookup(kvtophys(objs[0]));
    KTEST_ASSERT(page != NULL && page->type == VM_PAGE_KMEM && page->priv != NULL);
    KTEST_ASSERT(page != NULL && page->seg_index <= VM_PAGE_SEG_DIRECTMAP);
    kmem_cache_stats_get(&kmem_test_slab_cache, &st);
    ktest_diag("ktest_slab: %u per %zu-byte slab, %lu slabs%s", st.bufs_per_slab,
               st.slab_size, st.nr_slabs, st.offslab ? ", descriptors off slab" : "");
    for (unsigned int i = 0; i < ARRAY_SIZE(objs); i++) {
        kmem_cache_free(&kmem_test_slab_cache, objs[i]);
    }
    kmem_cache_stats_get(&kmem_test_slab_cache, &st);
    ktest_assert_msg(st.nr_allocated == 0 && st.nr_free_slabs == st.nr_slabs,
                     "every slab free after the frees (%lu of %lu)", st.nr_free_slabs,
                     st.nr_slabs);
}

static void
kmem_test_alloc_sizes(void)
{
    static const size_t large[] = { 8193, 20000, 65536, 1 << 20 };
    bool ok = true;

    for (size_t size = 1; size <= KMEM_ALLOC_MAX; size += 1 + size / 16) {
        void *p = kmem_alloc(size);

        ok = ok && p != NULL && P2ALIGNED((uintptr_t)p, KMEM_ALIGN_MIN);
        if (p != NULL) {
            kmem_pattern_fill(p, kmem_alloc_size(size), size);
            ok = ok && kmem_pattern_intact(p, kmem_alloc_size(size), size);
            kmem_free(p, size);
        }
    }
    ktest_assert_msg(ok, "kmem_alloc of every class");
    for (unsigned int i = 0; i < ARRAY_SIZE(large); i++) {
        char *p = kmem_zalloc(large[i]);

        ktest_assert_msg(p != NULL && P2ALIGNED((uintptr_t)p, PAGE_SIZE)
                         && p[0] == 0 && p[large[i] - 1] == 0,
                         "kmem_zalloc(%zu): zeroed page block", large[i]);
        kmem_free(p, large[i]);
    }
}

static void
kmem_test_verify(void)
{
    static char not_kmem[64];
    kmem_error_fn old;
    char *p, *q;

    old = kmem_error_hook_set(kmem_test_error);

    p = kmem_cache_alloc(&kmem_test_verify_cache);
    kmem_cache_free(&kmem_test_verify_cache, p);
    kmem_cache_free(&kmem_test_verify_cache, p);
    ktest_assert_msg(kmem_test_nr_errors == 1
                     && kmem_test_last_error.kind == KMEM_ERR_DOUBLE_FREE
                     && kmem_test_last_error.buf == p,
                     "double free reported (%u errors)", kmem_test_nr_errors);
    kmem_test_nr_errors = 0;

    p[3] = 1;
    q = kmem_cache_alloc(&kmem_test_verify_cache);
    ktest_assert_msg(kmem_test_nr_errors == 1 && kmem_test_last_error.kind == KMEM_ERR_MODIFIED
                     && kmem_test_last_error.addr == p + 3 && q == p,
                     "write after free reported");
    kmem_test_nr_errors = 0;

    q[40] = 0;
    kmem_cache_free(&kmem_test_verify_cache, q);
    ktest_assert_msg(kmem_test_nr_errors == 1 && kmem_test_last_error.kind == KMEM_ERR_REDZONE
                     && kmem_test_last_error.addr == q + 40, "overflow reported");
    kmem_test_nr_errors = 0;

    /* Invalid frees, found through vm_page: outside kmem, in a page block. */
    kmem_cache_free(&kmem_test_verify_cache, not_kmem);
    p = kmem_alloc(3 * PAGE_SIZE);
    kmem_cache_free(&kmem_test_verify_cache, p);
    kmem_cache_free(&kmem_test_verify_cache, p + 100);
    ktest_assert_msg(kmem_test_nr_errors == 3
                     && kmem_test_last_error.kind == KMEM_ERR_INVALID_FREE,
                     "invalid frees reported (%u of 3)", kmem_test_nr_errors);
    kmem_free(p, 3 * PAGE_SIZE);
    kmem_test_nr_errors = 0;
    kmem_error_hook_set(old);
}

static void
kmem_test_reap(void)
{
    void *objs[300];
    unsigned long before, freed;

    for (unsigned int i = 0; i < ARRAY_SIZE(objs); i++) {
        objs[i] = kmem_alloc(2000);
        KTEST_ASSERT(objs[i] != NULL);
    }
    for (unsigned int i = 0; i < ARRAY_SIZE(objs); i++) {
        kmem_free(objs[i], 2000);
    }
    before = kmem_test_free_all();
    freed = kmem_gc();
    ktest_assert_msg(kmem_test_free_all() - before == freed,
                     "kmem_gc freed %lu pages, vm_page gained %lu", freed,
                     kmem_test_free_all() - before);
}

/*
 * A second kmem_cache_init() of a live cache is refused and leaves the
 * cache list intact (it used to make a cycle that hung the next
 * kmem_gc()); CONFIG_DEBUG reports it.
 */
static void
kmem_test_reinit(void)
{
    struct kmem_cache_stats st;
    kmem_error_fn old;
    void *obj;

    obj = kmem_cache_alloc(&kmem_test_slab_cache);
    kmem_test_nr_errors = 0;
    old = kmem_error_hook_set(kmem_test_error);
    KTEST_ASSERT(kmem_cache_init(&kmem_test_slab_cache, "ktest_slab", 64, 0, NULL, 0) == ERROR_EXIST);
    kmem_error_hook_set(old);
#ifdef CONFIG_DEBUG
    ktest_assert_msg(kmem_test_nr_errors == 1 && kmem_test_last_error.kind == KMEM_ERR_REINIT
                     && kmem_test_last_error.buf == &kmem_test_slab_cache,
                     "second init reported (%u reports)", kmem_test_nr_errors);
#else
    KTEST_ASSERT(kmem_test_nr_errors == 0);
#endif
    kmem_test_nr_errors = 0;
    kmem_cache_stats_get(&kmem_test_slab_cache, &st);
    ktest_assert_msg(st.obj_size == 500 && st.nr_allocated == (obj != NULL),
                     "cache intact after a refused init (size %zu, %lu objects)",
                     st.obj_size, st.nr_allocated);
    if (obj != NULL) {
        kmem_cache_free(&kmem_test_slab_cache, obj);
    }
    kmem_gc();      /* walks the cache list both ways: a cycle would hang */
}

static void
kmem_test_functional(void)
{
    unsigned long baseline = kmem_test_baseline();

    kmem_test_caches_setup();
    kmem_test_caches();
    kmem_test_slab_glue();
    kmem_test_alloc_sizes();
    kmem_test_verify();
    kmem_test_reap();
    kmem_test_reinit();
    kmem_report(kmem_test_print);
    kmem_info(kmem_test_print, "ktest_ctor");
    ktest_assert_msg(kmem_info(kmem_test_print, "no_such_cache") == ERROR_NOENT,
                     "kmem_info of an unknown cache fails");
    kmem_test_check_returned("kmem", baseline);
}

KTEST_DEFINE(kmem, kmem_test_functional, 0);

/* ---------------------------------------------------------------- test=kmem_stress */

#define KMEM_STRESS_SLOTS       512
#ifdef CONFIG_DEBUG
/* Every cache verifies (no magazines): all operations lock, so fewer. */
#define KMEM_STRESS_OPS         15000
#else
#define KMEM_STRESS_OPS         60000
#endif
#define KMEM_STRESS_CACHES      6

struct kmem_stress_slot {
    void *obj;
    uint32_t id;
    uint16_t size;
    uint8_t cache;              /* KMEM_STRESS_CACHES: kmem_alloc */
};

/*
 * Verify-mode caches have no magazines, so every operation takes the
 * cache lock: each CPU gets its own, else the run measures lock hand-offs
 * between vCPUs (slow under TCG when vCPUs outnumber host cores) more than
 * kmem. The magazine caches and kmem_alloc are shared by all CPUs.
 */
#define KMEM_STRESS_VERIFY      4           /* the first specs */
static struct kmem_cache kmem_stress_caches[CONFIG_NCPUS][KMEM_STRESS_CACHES];
static const struct {
    size_t size;
    unsigned int flags;
} kmem_stress_specs[KMEM_STRESS_CACHES] = {
    { 16, KMEM_CACHE_VERIFY },
    { 96, KMEM_CACHE_VERIFY },
    { 600, KMEM_CACHE_VERIFY },
    { 3000, KMEM_CACHE_VERIFY },
    { 32, 0 },
    { 256, 0 },
};

static struct kmem_stress_slot kmem_stress_slots[CONFIG_NCPUS][KMEM_STRESS_SLOTS];
static unsigned int kmem_stress_bad[CONFIG_NCPUS];
static unsigned int kmem_stress_failed[CONFIG_NCPUS];

/* Cache number i of CPU cpu's worker. */
static struct kmem_cache *
kmem_stress_cache(unsigned int i, unsigned int cpu)
{
    return &kmem_stress_caches[i < KMEM_STRESS_VERIFY ? cpu : 0][i];
}

static void
kmem_stress_release(struct kmem_stress_slot *slot, unsigned int cpu)
{
    if (!kmem_pattern_intact(slot->obj, slot->size, slot->id)) {
        kmem_stress_bad[cpu]++;
    }
    if (slot->cache == KMEM_STRESS_CACHES) {
        kmem_free(slot->obj, slot->size);
    } else {
        kmem_cache_free(kmem_stress_cache(slot->cache, cpu), slot->obj);
    }
    slot->obj = NULL;
}

/*
 * One CPU's share of the work: a fixed number of operations on random
 * slots, lifetimes ranging from immediate to the whole run (a slot is
 * kept with a probability that changes by phase), then everything freed
 * and this CPU's magazines purged. Runs on the calling CPU; meant to run
 * on every CPU at once (its own slots, its own seed), the caller then
 * checking the counts once all workers are done.
 */
static void
kmem_stress_worker(unsigned int cpu, uint32_t seed)
{
    struct kmem_stress_slot *slots = kmem_stress_slots[cpu];

    for (unsigned int op = 0; op < KMEM_STRESS_OPS; op++) {
        struct kmem_stress_slot *slot = &slots[kmem_test_rand(&seed) % KMEM_STRESS_SLOTS];
        unsigned int keep = (op / 10000) % 2 ? 30 : 70;

        if (slot->obj != NULL) {
            kmem_stress_release(slot, cpu);
        }
        if (kmem_test_rand(&seed) % 100 >= keep) {
            continue;
        }
        slot->cache = (uint8_t)(kmem_test_rand(&seed) % (KMEM_STRESS_CACHES + 1));
        if (slot->cache == KMEM_STRESS_CACHES) {
            slot->size = (uint16_t)(1 + kmem_test_rand(&seed)
                                        % ((kmem_test_rand(&seed) % 16) ? 512 : 12000));
            slot->obj = kmem_alloc(slot->size);
        } else {
            slot->size = (uint16_t)kmem_stress_specs[slot->cache].size;
            slot->obj = kmem_cache_alloc(kmem_stress_cache(slot->cache, cpu));
        }
        if (slot->obj == NULL) {
            kmem_stress_failed[cpu]++;
            continue;
        }
        slot->id = kmem_test_rand(&seed);
        kmem_pattern_fill(slot->obj, slot->size, slot->id);
    }
    for (unsigned int i = 0; i < KMEM_STRESS_SLOTS; i++) {
        if (slots[i].obj != NULL) {
            kmem_stress_release(&slots[i], cpu);
        }
    }
    kmem_purge();
}

static struct spinlock kmem_stress_lock = SPINLOCK_INITIALIZER;
static struct waitq kmem_stress_wq;
static unsigned int kmem_stress_done;

static void
kmem_stress_thread(void *arg)
{
    unsigned int cpu = (uintptr_t)arg;

    kmem_stress_worker(cpu, 0x5eed + cpu);
    spinlock_lock(&kmem_stress_lock);
    kmem_stress_done++;
    waitq_wakeup_all(&kmem_stress_wq);
    spinlock_unlock(&kmem_stress_lock);
}

static void
kmem_stress_test(void)
{
    unsigned int nr_threads = thread_count();
    unsigned long baseline = kmem_test_baseline();
    unsigned int nr_cpus = 0, bad = 0, failed = 0;
    kmem_error_fn old;

    static bool caches_ready;   /* caches are never destroyed: init once */

    for (unsigned int cpu = 0; cpu < CONFIG_NCPUS && !caches_ready; cpu++) {
        for (unsigned int i = 0; i < KMEM_STRESS_CACHES; i++) {
            if (cpu == 0 || i < KMEM_STRESS_VERIFY) {
                KTEST_ASSERT(kmem_cache_init(kmem_stress_cache(i, cpu), "ktest_stress",
                                             kmem_stress_specs[i].size, 0, NULL,
                                             kmem_stress_specs[i].flags) == 0);
            }
        }
    }
    caches_ready = true;
    kmem_test_nr_errors = 0;
    old = kmem_error_hook_set(kmem_test_error);
    /* One worker thread bound to each CPU, all at once. */
    waitq_init(&kmem_stress_wq);
    kmem_stress_done = 0;
    for (unsigned int cpu = 0; cpu < CONFIG_NCPUS; cpu++) {
        kmem_stress_bad[cpu] = kmem_stress_failed[cpu] = 0;
        if (percpu_table[cpu].online) {
            ktest_assert_msg(thread_create_kernel("kmem_stress", kmem_stress_thread,
                                           (void *)(uintptr_t)cpu, cpu) != NULL,
                             "no worker thread for CPU %u", cpu);
            nr_cpus++;
        }
    }
    spinlock_lock(&kmem_stress_lock);
    while (kmem_stress_done < nr_cpus) {
        waitq_sleep(&kmem_stress_wq, &kmem_stress_lock);
    }
    spinlock_unlock(&kmem_stress_lock);
    ktest_assert_msg(ktest_wait_threads(nr_threads), "%u threads left, want %u",
                     thread_count(), nr_threads);
    kmem_error_hook_set(old);
    for (unsigned int cpu = 0; cpu < CONFIG_NCPUS; cpu++) {
        bad += kmem_stress_bad[cpu];
        failed += kmem_stress_failed[cpu];
    }

    ktest_diag("kmem_stress: %u operations on each of %u CPUs", KMEM_STRESS_OPS, nr_cpus);
    ktest_assert_msg(kmem_test_nr_errors == 0, "%u verify-mode errors, last: %s at %p",
                     kmem_test_nr_errors,
                     kmem_test_nr_errors ? kmem_error_kind_name(kmem_test_last_error.kind) : "-",
                     kmem_test_last_error.addr);
    ktest_assert_msg(bad == 0, "%u objects changed while allocated", bad);
    ktest_assert_msg(failed == 0, "%u allocations failed", failed);
    for (unsigned int i = 0; i < KMEM_STRESS_CACHES * nr_cpus; i++) {
        unsigned int cache = i % KMEM_STRESS_CACHES, cpu = i / KMEM_STRESS_CACHES;
        struct kmem_cache_stats st;

        if (cpu > 0 && cache >= KMEM_STRESS_VERIFY) {
            continue;
        }
        kmem_cache_stats_get(kmem_stress_cache(cache, cpu), &st);
        ktest_assert_msg(st.nr_allocated == 0 && st.nr_slabs == 0,
                         "stress cache %zu: %lu objects, %lu slabs left",
                         st.obj_size, st.nr_allocated, st.nr_slabs);
    }
    kmem_test_check_returned("kmem_stress", baseline);
}

KTEST_DEFINE(kmem_stress, kmem_stress_test, 0);

/* ---------------------------------------------------------------- test=kmem_reclaim */

/*
 * vm_page's low-memory hook runs kmem_gc(): empty slabs cached by a cache
 * go back to vm_page when memory runs short.
 */
static void
kmem_reclaim_test(void)
{
    static struct kmem_cache cache;
    static bool cache_ready;
    static void *objs[256];
    struct kmem_cache_stats before, after;
    struct list pages;
    struct vm_page *page;
    unsigned long nr_pages = 0;

    if (!cache_ready) {
        KTEST_ASSERT(kmem_cache_init(&cache, "ktest_reclaim", 2000, 0, NULL,
                                     KMEM_CACHE_NOCPUPOOL) == 0);
        cache_ready = true;
    }
    for (unsigned int i = 0; i < ARRAY_SIZE(objs); i++) {
        objs[i] = kmem_cache_alloc(&cache);
    }
    for (unsigned int i = 0; i < ARRAY_SIZE(objs); i++) {
        if (objs[i] != NULL) {
            kmem_cache_free(&cache, objs[i]);
        }
    }
    kmem_cache_stats_get(&cache, &before);

    list_init(&pages);
    while ((page = vm_page_alloc(0, VM_PAGE_SEL_DIRECTMAP, VM_PAGE_KERNEL)) != NULL) {
        list_insert_tail(&pages, &page->node);
        nr_pages++;
    }
    kmem_cache_stats_get(&cache, &after);
    while (!list_empty(&pages)) {
        page = list_entry(list_first(&pages), struct vm_page, node);
        list_remove(&page->node);
        vm_page_free(page, 0);
    }
    ktest_diag("kmem_reclaim: %lu empty slabs cached before memory ran out, %lu after "
               "(%lu pages taken)", before.nr_free_slabs, after.nr_free_slabs, nr_pages);
    KTEST_ASSERT(before.nr_free_slabs > 1);
    ktest_assert_msg(after.nr_free_slabs <= 1, "kmem_gc did not run at low memory: "
                     "%lu empty slabs left", after.nr_free_slabs);
}

KTEST_DEFINE(kmem_reclaim, kmem_reclaim_test, 0);

/* ---------------------------------------------------------------- test=kmem_exhaust */

/*
 * 1008 bytes: four objects per page whether verify mode is on (buffers of
 * 1024, descriptors off slab) or off (descriptor in the slab's last 64).
 */
#define KMEM_EXHAUST_SIZE       1008

static struct kmem_cache kmem_exhaust_cache;

static void
kmem_exhaust_test(void)
{
    unsigned long baseline = kmem_test_baseline();
    unsigned long reachable = kmem_test_free_directmap(), count = 0, permille;
    static bool cache_ready;
    void *chain = NULL, *obj;

    if (!cache_ready) {
        KTEST_ASSERT(kmem_cache_init(&kmem_exhaust_cache, "ktest_exhaust", KMEM_EXHAUST_SIZE,
                                     0, NULL, 0) == 0);
        cache_ready = true;
    }
    /*
     * Other CPUs give back the pages in their pools at their next clock
     * tick after an allocation fails (vm_page_pool_drain_all()): once
     * memory is out, wait two ticks and take those too.
     */
    for (unsigned int pass = 0; pass < 2; pass++) {
        uint64_t tick = clock_ticks();

        while (pass == 1 && clock_ticks() < tick + 2) {
            thread_yield();
        }
        while ((obj = kmem_cache_alloc(&kmem_exhaust_cache)) != NULL) {
            *(void **)obj = chain;
            chain = obj;
            count++;
        }
    }
    permille = (unsigned long)((uint64_t)count * KMEM_EXHAUST_SIZE * 1000
                               / ((uint64_t)reachable * PAGE_SIZE));
    ktest_diag("kmem_exhaust: %lu objects of %d bytes in %lu free DMA+DIRECTMAP pages: %lu.%lu%%",
               count, KMEM_EXHAUST_SIZE, reachable, permille / 10, permille % 10);
    ktest_assert_msg(permille >= 950, "only %lu.%lu%% of the memory as objects",
                     permille / 10, permille % 10);
    ktest_assert_msg(kmem_test_free_directmap() < reachable / 100,
                     "%lu DMA+DIRECTMAP pages still free", kmem_test_free_directmap());
    while (chain != NULL) {
        obj = chain;
        chain = *(void **)obj;
        kmem_cache_free(&kmem_exhaust_cache, obj);
    }
    kmem_test_check_returned("kmem_exhaust", baseline);
}

KTEST_DEFINE(kmem_exhaust, kmem_exhaust_test, 0);

/* ---------------------------------------------------------------- test=kmem_exhaust_classes */

/* Memory left to kmem while the rest is held: one block of 1 MiB. */
#define KMEM_CLASSES_BUDGET_ORDER       8

/*
 * Take every DMA + DIRECTMAP page onto held but a budget block of
 * KMEM_CLASSES_BUDGET_ORDER (or the largest smaller one there is), taken
 * first and given back last. Returns the number of pages held.
 */
static unsigned long
kmem_classes_hold(struct list *held)
{
    struct vm_page *page, *budget = NULL;
    unsigned int budget_order;
    unsigned long nr = 0;

    list_init(held);
    for (budget_order = KMEM_CLASSES_BUDGET_ORDER + 1; budget == NULL && budget_order > 0;) {
        budget_order--;
        budget = vm_page_alloc(budget_order, VM_PAGE_SEL_DIRECTMAP, VM_PAGE_KERNEL);
    }
    for (int order = VM_PAGE_ORDER_MAX; order >= 0; order--) {
        while ((page = vm_page_alloc((unsigned int)order, VM_PAGE_SEL_DIRECTMAP,
                                     VM_PAGE_KERNEL)) != NULL) {
            page->priv = (void *)(uintptr_t)order;
            list_insert_tail(held, &page->node);
            nr += 1UL << order;
        }
    }
    if (budget != NULL) {
        vm_page_free(budget, budget_order);
    }
    return nr;
}

static void
kmem_classes_release(struct list *held)
{
    while (!list_empty(held)) {
        struct vm_page *page = list_entry(list_first(held), struct vm_page, node);
        unsigned int order = (unsigned int)(uintptr_t)page->priv;

        list_remove(&page->node);
        page->priv = NULL;
        vm_page_free(page, order);
    }
}

/* Allocate size until NULL, free it all; returns how many fitted. */
static unsigned long
kmem_classes_exhaust(size_t size)
{
    unsigned long count = 0;
    void *chain = NULL, *obj;

    while ((obj = kmem_alloc(size)) != NULL) {
        *(void **)obj = chain;
        chain = obj;
        count++;
    }
    while (chain != NULL) {
        obj = chain;
        chain = *(void **)obj;
        kmem_free(obj, size);
    }
    return count;
}

static void
kmem_exhaust_classes_test(void)
{
    unsigned long held_pages, budget, classes = 0, bad = 0, total = 0;
    struct list held;

    smp_call_all(kmem_test_purge, NULL);
    held_pages = kmem_classes_hold(&held);
    budget = kmem_test_free_directmap();
    ktest_assert_msg(budget > 0, "no memory left for kmem after holding %lu pages", held_pages);
    for (size_t size = 8; size <= KMEM_ALLOC_MAX + PAGE_SIZE;
         size = kmem_alloc_size(size + 1)) {
        unsigned long count = kmem_classes_exhaust(size), now;

        smp_call_all(kmem_test_purge, NULL);
        now = kmem_test_free_directmap();
        classes++;
        total += count;
        if (count == 0 || now != budget) {
            bad++;
            ktest_diag("kmem_exhaust_classes: size %zu: %lu objects, %lu of %lu pages back",
                       size, count, now, budget);
        }
    }
    kmem_classes_release(&held);
    ktest_diag("kmem_exhaust_classes: %lu sizes ran %lu free pages dry (%lu held), %lu objects",
               classes, budget, held_pages, total);
    ktest_assert_msg(classes == 65 && bad == 0, "%lu of %lu sizes failed", bad, classes);
}

KTEST_DEFINE(kmem_exhaust_classes, kmem_exhaust_classes_test, KTEST_MANUAL);

/* ---------------------------------------------------------------- test=kmem_bench */

#define KMEM_BENCH_ITERS        2000
#define KMEM_BENCH_RUNS         5

static struct kmem_cache kmem_bench_cache;
static struct kmem_cache kmem_bench_slab_cache;
static struct kmem_cache kmem_bench_verify_cache;
static void *kmem_bench_objs[4 * 254];      /* 4 magazines of the largest size */

/* Keep the compiler from dropping or merging an allocation. */
#define kmem_bench_use(p)       __asm__ volatile("" : : "r"(p) : "memory")

static uint64_t __attribute__((noinline))
kmem_bench_pairs(struct kmem_cache *cache, unsigned int iters)
{
    uint64_t start = cpu_rdtsc();

    for (unsigned int i = 0; i < iters; i++) {
        void *p = kmem_cache_alloc(cache);

        kmem_bench_use(p);
        kmem_cache_free(cache, p);
    }
    return cpu_rdtsc() - start;
}

/* The common case: a statically declared cache, known at compile time. */
static uint64_t
kmem_bench_hits(unsigned int iters)
{
    uint64_t start = cpu_rdtsc();

    for (unsigned int i = 0; i < iters; i++) {
        void *p = kmem_cache_alloc(&kmem_bench_cache);

        kmem_bench_use(p);
        kmem_cache_free(&kmem_bench_cache, p);
    }
    return cpu_rdtsc() - start;
}

static uint64_t
kmem_bench_loop(unsigned int iters)
{
    uint64_t start = cpu_rdtsc();

    for (unsigned int i = 0; i < iters; i++) {
        kmem_bench_use(i);
    }
    return cpu_rdtsc() - start;
}

static uint64_t
kmem_bench_kmem_alloc(unsigned int iters)
{
    uint64_t start = cpu_rdtsc();

    for (unsigned int i = 0; i < iters; i++) {
        void *p = kmem_alloc(64);

        kmem_bench_use(p);
        kmem_free(p, 64);
    }
    return cpu_rdtsc() - start;
}

/* nr allocations then nr frees, iters times. */
static uint64_t
kmem_bench_batches(struct kmem_cache *cache, unsigned int nr, unsigned int iters)
{
    uint64_t start = cpu_rdtsc();

    for (unsigned int i = 0; i < iters; i++) {
        for (unsigned int j = 0; j < nr; j++) {
            kmem_bench_objs[j] = kmem_cache_alloc(cache);
        }
        for (unsigned int j = 0; j < nr; j++) {
            kmem_cache_free(cache, kmem_bench_objs[j]);
        }
    }
    return cpu_rdtsc() - start;
}

/* Print the cost of one pair, less the bare loop's share (overhead). */
static void
kmem_bench_print(const char *path, uint64_t best, uint64_t pairs, uint64_t overhead)
{
    uint64_t net = (best > overhead) ? best - overhead : 0;

    ktest_diag("bench: kmem %s %u insns/pair", path,
               (unsigned int)((net + pairs / 2) / pairs));
}

static void
kmem_bench_test(void)
{
    uint64_t best_loop = UINT64_MAX, best_hit = UINT64_MAX, best_depot = UINT64_MAX;
    uint64_t best_slab = UINT64_MAX, best_alloc = UINT64_MAX, best_verify = UINT64_MAX;
    static bool caches_ready;
    struct kmem_cache_stats st;
    unsigned int batch;

    if (!caches_ready) {
        KTEST_ASSERT(kmem_cache_init(&kmem_bench_cache, "bench_64", 64, 0, NULL, 0) == 0);
        KTEST_ASSERT(kmem_cache_init(&kmem_bench_slab_cache, "bench_slab_64", 64, 0, NULL,
                                     KMEM_CACHE_NOCPUPOOL) == 0);
        KTEST_ASSERT(kmem_cache_init(&kmem_bench_verify_cache, "bench_verify_64", 64, 0, NULL,
                                     KMEM_CACHE_VERIFY) == 0);
        caches_ready = true;
    }
    kmem_cache_stats_get(&kmem_bench_cache, &st);
    batch = (st.mag_size != 0) ? MIN(4 * st.mag_size, ARRAY_SIZE(kmem_bench_objs))
                               : ARRAY_SIZE(kmem_bench_objs);

    /* Warm up: slabs, magazines and depot in place. */
    kmem_bench_batches(&kmem_bench_cache, batch, 2);
    kmem_bench_pairs(&kmem_bench_slab_cache, 1);
    kmem_bench_pairs(&kmem_bench_verify_cache, 1);
    kmem_bench_kmem_alloc(1);

    for (unsigned int run = 0; run < KMEM_BENCH_RUNS; run++) {
        best_loop = MIN(best_loop, kmem_bench_loop(KMEM_BENCH_ITERS));
        best_hit = MIN(best_hit, kmem_bench_hits(KMEM_BENCH_ITERS));
        best_depot = MIN(best_depot, kmem_bench_batches(&kmem_bench_cache, batch, 8));
        best_slab = MIN(best_slab, kmem_bench_pairs(&kmem_bench_slab_cache, KMEM_BENCH_ITERS));
        best_alloc = MIN(best_alloc, kmem_bench_kmem_alloc(KMEM_BENCH_ITERS));
        best_verify = MIN(best_verify, kmem_bench_pairs(&kmem_bench_verify_cache,
                                                        KMEM_BENCH_ITERS / 10));
    }
    ktest_diag("bench: kmem: 64-byte objects, best of %d runs, loop overhead "
               "(%u insns/iteration) subtracted, magazines of %u",
               KMEM_BENCH_RUNS, (unsigned int)(best_loop / KMEM_BENCH_ITERS), st.mag_size);
    kmem_bench_print("magazine-hit", best_hit, KMEM_BENCH_ITERS, best_loop);
    kmem_bench_print("depot (batches of 4 magazines)", best_depot, 8 * batch,
                     best_loop * 2 * 8 * batch / KMEM_BENCH_ITERS);
    kmem_bench_print("slab", best_slab, KMEM_BENCH_ITERS, best_loop);
    kmem_bench_print("kmem_alloc(64)", best_alloc, KMEM_BENCH_ITERS, best_loop);
    kmem_bench_print("verify", best_verify, KMEM_BENCH_ITERS / 10, best_loop / 10);
}

KTEST_DEFINE(kmem_bench, kmem_bench_test, KTEST_MANUAL);
