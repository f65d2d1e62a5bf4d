/* SPDX-License-Identifier: GPL-2.0-or-later */
/*
 * Host test of kern/kmem.c over the page backend of kmem_host.c, with
 * threads standing in for CPUs.
 *
 * Slab geometry for every size and alignment; kmem_alloc() size classes
 * and page blocks; random allocation and free sequences checking every
 * object's contents (which also proves that no two live objects overlap);
 * constructors and alignment; the magazine layer's transitions (a single
 * alloc/free never empties a slab, depot exchanges, partial slabs first,
 * colouring, off-slab descriptors); every kind of verify-mode error,
 * through the report hook and through the default panic; reaping, which
 * must give every page back; exhaustion of a limited backend; and a
 * multi-threaded run where objects are freed by other threads. Every
 * part ends with kmem_purge() and checks that the backend has no page in
 * use any more. Built twice: as is, and with CONFIG_DEBUG (every cache
 * in verify mode).
 */
#include <inttypes.h>
#include <pthread.h>
#include <setjmp.h>
#include <stdarg.h>
#include <stdbool.h>
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <time.h>

#include <kern/kmem.h>
#include <kern/macros.h>
#include <machine/param.h>

#include "tests/unit/host_util.h"
#include "tests/unit/kmem_host.h"
#include "tests/kmem_pattern.h"
#include "tests/unit/tap.h"

#define ARENA_PAGES             32768   /* 128 MiB */

#ifdef CONFIG_DEBUG
#define VERIFY_ALL              1
#else
#define VERIFY_ALL              0
#endif

__thread unsigned int percpu_host_cpu;

/* ---------------------------------------------------------------- panic */

static jmp_buf panic_jmp;
static bool panic_expected;
static char panic_msg[512];

void
panic(const char *fmt, ...)
{
    va_list ap;

    va_start(ap, fmt);
    vsnprintf(panic_msg, sizeof(panic_msg), fmt, ap);
    va_end(ap);
    if (panic_expected) {
        panic_expected = false;
        longjmp(panic_jmp, 1);
    }
    fprintf(stderr, "panic: %s\n", panic_msg);
    abort();
}

/* ---------------------------------------------------------------- helpers */

static uint64_t rng_state = 0x9e3779b97f4a7c15ULL;

static uint64_t
rng(void)
{
    return host_xorshift64(&rng_state);
}

static struct kmem_cache_stats
stats_of(struct kmem_cache *cache)
{
    struct kmem_cache_stats st;

    kmem_cache_stats_get(cache, &st);
    return st;
}

/* A cache that lives forever (caches are never destroyed). */
static struct kmem_cache *
cache_new(void)
{
    struct kmem_cache *cache = aligned_alloc(CPU_CACHE_LINE, sizeof(*cache));

    if (cache == NULL) {
        abort();
    }
    return cache;
}

/* Everything freed: kmem_purge() must leave the backend with no page. */
static void
check_all_returned(const char *part)
{
    kmem_purge();
    tap_check(kmem_host_pages_used() == 0, "%s: every page back after kmem_purge (%lu in use)",
              part, kmem_host_pages_used());
}

/* ---------------------------------------------------------------- verify hook */

#define MAX_ERRORS              16

struct recorded_error {
    enum kmem_error_kind kind;
    char cache[KMEM_NAME_SIZE];
    char owner[KMEM_NAME_SIZE];
    const void *buf;
    const void *addr;
};

static struct recorded_error errors[MAX_ERRORS];
static unsigned int nr_errors;

static void
error_record(const struct kmem_error *error)
{
    unsigned int i = __atomic_fetch_add(&nr_errors, 1, __ATOMIC_RELAXED);

    if (i < MAX_ERRORS) {
        errors[i].kind = error->kind;
        snprintf(errors[i].cache, sizeof(errors[i].cache), "%s", error->cache);
        snprintf(errors[i].owner, sizeof(errors[i].owner), "%s",
                 (error->owner != NULL) ? error->owner : "");
        errors[i].buf = error->buf;
        errors[i].addr = error->addr;
    }
}

/* Exactly one error since the last reset, of this kind, buffer and address. */
static void
expect_one_error(const char *what, enum kmem_error_kind kind, const char *cache,
                 const void *buf, const void *addr, const char *owner)
{
    const struct recorded_error *e = &errors[0];

    tap_check(nr_errors == 1 && e->kind == kind && strcmp(e->cache, cache) == 0
              && e->buf == buf && e->addr == addr
              && strcmp(e->owner, (owner != NULL) ? owner : "") == 0,
              "verify: %s reported as '%s' in %s (got %u errors, first '%s' in %s, "
              "buf %s, addr %+td, owner '%s')", what, kmem_error_kind_name(kind), cache,
              nr_errors, nr_errors ? kmem_error_kind_name(e->kind) : "-",
              nr_errors ? e->cache : "-", (nr_errors && e->buf == buf) ? "ok" : "wrong",
              nr_errors ? (const char *)e->addr - (const char *)buf : 0,
              nr_errors ? e->owner : "-");
    nr_errors = 0;
}

/* ---------------------------------------------------------------- layout */

static void
test_layout(void)
{
    static const size_t aligns[] = { 0, 16, 64, 512, 4096 };
    unsigned int nr = 0, bad_init = 0, bad_fit = 0, bad_waste = 0, bad_count = 0;
    size_t worst_waste_size = 0;
    unsigned int worst_waste_pm = 0;
    struct kmem_cache bad;

    for (size_t size = 1; size <= 65536; size += (size < 512) ? 1 : (size < 8192) ? 37 : 1531) {
        for (unsigned int a = 0; a < ARRAY_SIZE(aligns); a++) {
            struct kmem_cache *cache = cache_new();
            struct kmem_cache_stats st;
            size_t align = aligns[a], waste;

            if (kmem_cache_init(cache, "layout", size, align, NULL, KMEM_CACHE_NOCPUPOOL) != 0) {
                bad_init++;
                continue;
            }
            st = stats_of(cache);
            nr++;
            if (st.buf_size < size || st.buf_size % st.align != 0
                || st.align < MAX(align, (size_t)KMEM_ALIGN_MIN)
                || st.bufs_per_slab == 0 || st.slab_size > 32 * PAGE_SIZE
                || st.bufs_per_slab * st.buf_size > st.slab_size) {
                bad_fit++;
            }
            /* Waste: bytes of a slab outside buffers (descriptor included). */
            waste = st.slab_size - st.bufs_per_slab * st.buf_size;
            if (!st.offslab && waste < 6 * sizeof(void *)) {
                bad_fit++;          /* no room for the descriptor */
            }
            if (st.buf_size <= 8192 && waste * 8 > st.slab_size) {
                bad_waste++;
            }
            if (waste * 1000 / st.slab_size > worst_waste_pm) {
                worst_waste_pm = (unsigned int)(waste * 1000 / st.slab_size);
                worst_waste_size = size;
            }
            if (st.bufs_per_slab < 4 && st.slab_size < 8 * PAGE_SIZE) {
                bad_count++;
            }
        }
    }
    tap_diag("layout: %u caches, worst waste %u.%u%% (size %zu)", nr,
             worst_waste_pm / 10, worst_waste_pm % 10, worst_waste_size);
    tap_check(bad_init == 0, "layout: every valid size and alignment accepted (%u refused)",
              bad_init);
    tap_check(bad_fit == 0, "layout: buffers fit, aligned, in slabs of at most 128 KiB (%u bad)",
              bad_fit);
    tap_check(bad_waste == 0, "layout: waste at most 1/8 of a slab up to 8 KiB buffers (%u bad)",
              bad_waste);
    tap_check(bad_count == 0, "layout: at least 4 objects per slab below 32 KiB slabs (%u bad)",
              bad_count);

    tap_check(kmem_cache_init(&bad, "bad", 0, 0, NULL, 0) == ERROR_INVAL, "init: size 0 refused");
    tap_check(kmem_cache_init(&bad, "bad", 65537, 0, NULL, 0) == ERROR_INVAL,
              "init: size above 64 KiB refused");
    tap_check(kmem_cache_init(&bad, "bad", 64, 24, NULL, 0) == ERROR_INVAL,
              "init: alignment not a power of two refused");
    tap_check(kmem_cache_init(&bad, "bad", 64, 2 * PAGE_SIZE, NULL, 0) == ERROR_INVAL,
              "init: alignment above a page refused");
    tap_check(kmem_cache_init(&bad, "bad", 64, 0, NULL, 0x80) == ERROR_INVAL, "init: unknown flag refused");

    {
        struct kmem_cache *cache = cache_new();
        struct kmem_cache_stats st;

        kmem_cache_init(cache, "a_name_longer_than_thirty_one_characters", 64, 0, NULL, 0);
        st = stats_of(cache);
        tap_check(strcmp(st.name, "a_name_longer_than_thirty_one_c") == 0,
                  "init: long name truncated to %d characters", KMEM_NAME_SIZE - 1);
        tap_check(st.verify == VERIFY_ALL && st.mag_size == (VERIFY_ALL ? 0 : 254),
                  "init: verify %s, magazines of %u for 64-byte objects",
                  VERIFY_ALL ? "on (CONFIG_DEBUG)" : "off", st.mag_size);
    }
}

/* ---------------------------------------------------------------- kmem_alloc */

/* Objects in use per kmem_alloc size class, indexed by class size / 8. */
static unsigned long class_in_use[KMEM_ALLOC_MAX / KMEM_ALIGN_MIN + 1];

static void
class_in_use_record(const struct kmem_cache_stats *st, void *arg)
{
    long sign = *(const long *)arg;
    size_t size;

    if (sscanf(st->name, "kmem_alloc_%zu", &size) == 1 && size <= KMEM_ALLOC_MAX
        && size % KMEM_ALIGN_MIN == 0) {
        class_in_use[size / KMEM_ALIGN_MIN] += (unsigned long)sign * st->nr_in_use;
    }
}

static void
test_alloc_sizes(void)
{
    static void *ptrs[KMEM_ALLOC_MAX + 1];
    static const size_t large[] = { 8193, 12288, 16385, 100000, 1 << 20, 4 << 20 };
    unsigned int bad_class = 0, bad_frag = 0, bad_align = 0, bad_alloc = 0, bad_data = 0;
    size_t prev = 0;

    long sign = -1;
    unsigned int bad_cache = 0;

    kmem_cache_stats_walk(class_in_use_record, &sign);
    for (size_t size = 1; size <= KMEM_ALLOC_MAX; size++) {
        size_t c = kmem_alloc_size(size);

        if (c < size || c % KMEM_ALIGN_MIN != 0 || c < prev || c > KMEM_ALLOC_MAX) {
            bad_class++;
        }
        if (size >= 49 && (c - size) * 8 > c) {
            bad_frag++;
        }
        prev = c;
        ptrs[size] = kmem_alloc(size);
        if (ptrs[size] == NULL) {
            bad_alloc++;
            continue;
        }
        if ((uintptr_t)ptrs[size] % KMEM_ALIGN_MIN != 0) {
            bad_align++;
        }
        kmem_pattern_fill(ptrs[size], c, size);
    }
    /*
     * kmem_alloc() finds its cache through a table, kmem_alloc_size()
     * through the formula: each class's cache must hold exactly the
     * sizes the formula gives it.
     */
    sign = 1;
    kmem_cache_stats_walk(class_in_use_record, &sign);
    for (size_t size = 1; size <= KMEM_ALLOC_MAX; size++) {
        class_in_use[kmem_alloc_size(size) / KMEM_ALIGN_MIN]--;
    }
    for (size_t i = 0; i < ARRAY_SIZE(class_in_use); i++) {
        bad_cache += (class_in_use[i] != 0);
    }
    tap_check(bad_cache == 0, "kmem_alloc: each size in the cache of its class (%u bad classes)",
              bad_cache);
    for (size_t size = 1; size <= KMEM_ALLOC_MAX; size++) {
        if (ptrs[size] != NULL) {
            if (!kmem_pattern_intact(ptrs[size], kmem_alloc_size(size), size)) {
                bad_data++;
            }
            kmem_free(ptrs[size], size);
        }
    }
    tap_check(bad_class == 0, "kmem_alloc: classes cover, grow, end at %d (%u bad)",
              KMEM_ALLOC_MAX, bad_class);
    tap_check(bad_frag == 0, "kmem_alloc: internal fragmentation <= 12.5%% from 49 bytes (%u bad)",
              bad_frag);
    tap_check(bad_alloc == 0 && bad_align == 0,
              "kmem_alloc: every size 1..8192 allocated, aligned");
    tap_check(bad_data == 0, "kmem_alloc: whole classes usable, no overlap (%u bad)", bad_data);
    tap_check(kmem_alloc_size(1) == 8 && kmem_alloc_size(64) == 64 && kmem_alloc_size(65) == 72
              && kmem_alloc_size(129) == 144 && kmem_alloc_size(8000) == 8192,
              "kmem_alloc: class sizes 8, 64, 72, 144, 8192");

    for (unsigned int i = 0; i < ARRAY_SIZE(large); i++) {
        size_t c = kmem_alloc_size(large[i]);
        char *p = kmem_alloc(large[i]);

        tap_check(p != NULL && P2ALIGNED((uintptr_t)p, PAGE_SIZE) && c >= large[i]
                  && (c & (c - 1)) == 0 && c < 2 * P2ROUND(large[i], PAGE_SIZE),
                  "kmem_alloc: %zu bytes as a page block of %zu", large[i], c);
        if (p != NULL) {
            memset(p, 0x5a, c);
            kmem_free(p, large[i]);
        }
    }
    tap_check(kmem_alloc(0) == NULL && kmem_alloc_size(0) == 0, "kmem_alloc: size 0 gives NULL");
    tap_check(kmem_alloc((4 << 20) + 1) == NULL && kmem_alloc_size((4 << 20) + 1) == 0,
              "kmem_alloc: above 4 MiB gives NULL");
    kmem_free(NULL, 100);

    {
        static const size_t zsizes[] = { 1, 100, 4000, 8192, 20000 };
        bool ok = true;

        for (unsigned int i = 0; i < ARRAY_SIZE(zsizes); i++) {
            unsigned char *p = kmem_alloc(zsizes[i]);

            memset(p, 0xff, zsizes[i]);
            kmem_free(p, zsizes[i]);
            p = kmem_zalloc(zsizes[i]);
            for (size_t j = 0; p != NULL && j < zsizes[i]; j++) {
                ok = ok && p[j] == 0;
            }
            ok = ok && p != NULL;
            kmem_free(p, zsizes[i]);
        }
        tap_check(ok, "kmem_zalloc: memory zeroed (reused buffers too)");
    }
    check_all_returned("kmem_alloc");
}

/* ---------------------------------------------------------------- random */

#define RANDOM_SLOTS            4096
#define RANDOM_OPS              240000

struct live {
    void *obj;
    size_t size;            /* bytes checked */
    size_t alloc_size;      /* kmem_alloc size, 0 for cache objects */
    unsigned int cache;
    uint64_t id;
};

static void
test_random(void)
{
    static struct kmem_cache caches[3];
    static const size_t sizes[3] = { 24, 100, 700 };
    static const size_t aligns[3] = { 0, 32, 128 };
    static struct live live[RANDOM_SLOTS];
    unsigned int bad_data = 0, bad_align = 0, failed = 0, nr_live = 0, max_live = 0;
    uint64_t next_id = 1;

    for (unsigned int i = 0; i < 3; i++) {
        kmem_cache_init(&caches[i], "random", sizes[i], aligns[i], NULL, 0);
    }
    for (unsigned int op = 0; op < RANDOM_OPS; op++) {
        struct live *l = &live[rng() % RANDOM_SLOTS];
        /* Phases fill up, drain and churn, so that slabs fill and empty. */
        static const unsigned int alloc_percent[3] = { 75, 20, 50 };
        bool alloc = rng() % 100 < alloc_percent[(op / 30000) % 3];

        if (l->obj != NULL) {
            if (!kmem_pattern_intact(l->obj, l->size, l->id)) {
                bad_data++;
            }
            if (l->alloc_size != 0) {
                kmem_free(l->obj, l->alloc_size);
            } else {
                kmem_cache_free(&caches[l->cache], l->obj);
            }
            l->obj = NULL;
            nr_live--;
        }
        if (alloc) {
            unsigned int kind = rng() % 4;

            if (kind < 3) {
                l->obj = kmem_cache_alloc(&caches[kind]);
                l->cache = kind;
                l->size = sizes[kind];
                l->alloc_size = 0;
                if (l->obj != NULL && (uintptr_t)l->obj % MAX(aligns[kind], (size_t)8) != 0) {
                    bad_align++;
                }
            } else {
                l->alloc_size = 1 + rng() % ((rng() % 8 == 0) ? 20000 : 600);
                l->size = l->alloc_size;
                l->obj = kmem_alloc(l->alloc_size);
            }
            if (l->obj == NULL) {
                failed++;
                continue;
            }
            l->id = next_id++;
            kmem_pattern_fill(l->obj, l->size, l->id);
            nr_live++;
            max_live = MAX(max_live, nr_live);
        }
    }
    for (unsigned int i = 0; i < RANDOM_SLOTS; i++) {
        struct live *l = &live[i];

        if (l->obj == NULL) {
            continue;
        }
        if (!kmem_pattern_intact(l->obj, l->size, l->id)) {
            bad_data++;
        }
        if (l->alloc_size != 0) {
            kmem_free(l->obj, l->alloc_size);
        } else {
            kmem_cache_free(&caches[l->cache], l->obj);
        }
        l->obj = NULL;
    }
    tap_diag("random: %" PRIu64 " allocations, at most %u live", next_id - 1, max_live);
    tap_check(failed == 0, "random: no allocation failed");
    tap_check(bad_data == 0, "random: every object kept its contents (%u bad)", bad_data);
    tap_check(bad_align == 0, "random: every object aligned");
    for (unsigned int i = 0; i < 3; i++) {
        struct kmem_cache_stats st = stats_of(&caches[i]);

        tap_check(st.nr_in_use == 0 && st.nr_allocated == st.nr_cached,
                  "random: cache %u has nothing in use (%lu)", i, st.nr_in_use);
    }
    check_all_returned("random");
}

/* ---------------------------------------------------------------- ctor, alignment */

#define CTOR_MAGIC              0x5eed5eedU

struct ctor_obj {
    uint32_t magic;
    uint32_t user;
    char pad[52];
};

static unsigned long ctor_calls;

static void
ctor_obj_ctor(void *obj)
{
    struct ctor_obj *o = obj;

    o->magic = CTOR_MAGIC;
    o->user = 0;
    ctor_calls++;
}

static void
test_ctor_align(void)
{
    static struct kmem_cache ctor_cache;
    static const size_t aligns[] = { 16, 64, 512, 4096 };
    static const size_t sizes[] = { 1, 24, 100, 3000 };
    struct ctor_obj *objs[300];
    bool constructed = true, aligned = true, distinct = true;
    unsigned long calls;

    kmem_cache_init(&ctor_cache, "ctor", sizeof(struct ctor_obj), 0, ctor_obj_ctor, 0);
    for (unsigned int i = 0; i < ARRAY_SIZE(objs); i++) {
        objs[i] = kmem_cache_alloc(&ctor_cache);
        constructed = constructed && objs[i]->magic == CTOR_MAGIC && objs[i]->user == 0;
        objs[i]->user = i + 1;
    }
    tap_check(constructed && ctor_calls == ARRAY_SIZE(objs),
              "ctor: each fresh object constructed once (%lu calls)", ctor_calls);
    for (unsigned int i = 0; i < ARRAY_SIZE(objs); i++) {
        objs[i]->user = 0;              /* back to the constructed state */
        kmem_cache_free(&ctor_cache, objs[i]);
    }
    calls = ctor_calls;
    for (unsigned int i = 0; i < ARRAY_SIZE(objs); i++) {
        objs[i] = kmem_cache_alloc(&ctor_cache);
        constructed = constructed && objs[i]->magic == CTOR_MAGIC && objs[i]->user == 0;
    }
    tap_check(constructed, "ctor: reused objects are in the constructed state");
    if (!VERIFY_ALL) {
        tap_check(ctor_calls == calls, "ctor: objects from magazines not constructed again");
    } else {
        tap_check(ctor_calls == calls + ARRAY_SIZE(objs),
                  "ctor: verify mode constructs every object leaving a slab");
    }
    for (unsigned int i = 0; i < ARRAY_SIZE(objs); i++) {
        kmem_cache_free(&ctor_cache, objs[i]);
    }
    kmem_purge();
    calls = ctor_calls;
    objs[0] = kmem_cache_alloc(&ctor_cache);
    tap_check(objs[0]->magic == CTOR_MAGIC && ctor_calls == calls + 1,
              "ctor: objects constructed again after reaping");
    kmem_cache_free(&ctor_cache, objs[0]);

    for (unsigned int a = 0; a < ARRAY_SIZE(aligns); a++) {
        for (unsigned int s = 0; s < ARRAY_SIZE(sizes); s++) {
            struct kmem_cache *cache = cache_new();
            void *ptrs[200];

            kmem_cache_init(cache, "align", sizes[s], aligns[a], NULL, 0);
            for (unsigned int i = 0; i < ARRAY_SIZE(ptrs); i++) {
                ptrs[i] = kmem_cache_alloc(cache);
                aligned = aligned && ptrs[i] != NULL
                          && (uintptr_t)ptrs[i] % aligns[a] == 0;
                kmem_pattern_fill(ptrs[i], sizes[s], i * 7 + 1);
            }
            for (unsigned int i = 0; i < ARRAY_SIZE(ptrs); i++) {
                distinct = distinct && kmem_pattern_intact(ptrs[i], sizes[s], i * 7 + 1);
                kmem_cache_free(cache, ptrs[i]);
            }
        }
    }
    tap_check(aligned, "align: objects aligned to 16, 64, 512, 4096 bytes");
    tap_check(distinct, "align: aligned objects do not overlap");

    /* Objects that fill whole lines never straddle two; others keep the minimum. */
    if (!VERIFY_ALL) {
        static const size_t line_sizes[] = { CPU_CACHE_LINE, 3 * CPU_CACHE_LINE,
                                             CPU_CACHE_LINE - 8 };
        bool lines_ok = true;

        for (unsigned int s = 0; s < ARRAY_SIZE(line_sizes); s++) {
            struct kmem_cache *cache = cache_new();
            bool whole = line_sizes[s] % CPU_CACHE_LINE == 0;
            void *ptrs[100];

            kmem_cache_init(cache, "lines", line_sizes[s], 0, NULL, 0);
            lines_ok = lines_ok && stats_of(cache).align == (whole ? CPU_CACHE_LINE : KMEM_ALIGN_MIN);
            for (unsigned int i = 0; i < ARRAY_SIZE(ptrs); i++) {
                ptrs[i] = kmem_cache_alloc(cache);
                lines_ok = lines_ok && ptrs[i] != NULL
                           && (!whole || (uintptr_t)ptrs[i] % CPU_CACHE_LINE == 0);
            }
            for (unsigned int i = 0; i < ARRAY_SIZE(ptrs); i++) {
                kmem_cache_free(cache, ptrs[i]);
            }
        }
        tap_check(lines_ok, "align: objects of whole cache lines are line-aligned with no "
                  "padding, a 56-byte object keeps 8");
    }
    check_all_returned("ctor/align");
}

/* ---------------------------------------------------------------- magazines */

static void
test_magazines(void)
{
    static struct kmem_cache cache, slab_only;
    unsigned long pages;
    struct kmem_cache_stats st;
    /* 64-byte objects: magazines of 254 rounds, 4 spares of each kind. */
    enum { MAG = 254, SPARES = KMEM_CPU_SPARE_BYTES / (MAG * 64) };
    static void *objs[(2 + SPARES + 3) * MAG];
    void *p;
    bool no_growth = true;
    unsigned long trips;

    if (VERIFY_ALL) {
        kmem_cache_init(&cache, "mag", 64, 0, NULL, 0);
        st = stats_of(&cache);
        tap_check(st.mag_size == 0 && st.verify, "magazines: none in verify mode (CONFIG_DEBUG)");
        return;
    }

    kmem_cache_init(&cache, "mag", 64, 0, NULL, 0);
    p = kmem_cache_alloc(&cache);
    st = stats_of(&cache);
    tap_check(st.nr_slabs == 1 && st.nr_allocated == 1 && st.nr_in_use == 1,
              "magazines: first allocation creates a slab");
    tap_check(st.mag_size == MAG && st.spares_max == SPARES,
              "magazines: %u rounds, %u spare magazines per CPU (64 KiB of 64-byte objects)",
              st.mag_size, st.spares_max);
    kmem_cache_free(&cache, p);
    st = stats_of(&cache);
    tap_check(st.nr_free_slabs == 0 && st.nr_allocated == 1 && st.nr_cached == 1
              && st.nr_in_use == 0,
              "magazines: a single free lands in a magazine, the slab does not empty");
    pages = kmem_host_pages_used();
    for (unsigned int i = 0; i < 1000; i++) {
        p = kmem_cache_alloc(&cache);
        kmem_cache_free(&cache, p);
        st = stats_of(&cache);
        no_growth = no_growth && st.nr_free_slabs == 0 && st.nr_slabs == 1;
    }
    tap_check(no_growth && kmem_host_pages_used() == pages,
              "magazines: 1000 alloc/free pairs never empty the slab nor take pages");

    for (unsigned int i = 0; i < ARRAY_SIZE(objs); i++) {
        objs[i] = kmem_cache_alloc(&cache);
    }
    for (unsigned int i = 0; i < ARRAY_SIZE(objs); i++) {
        kmem_cache_free(&cache, objs[i]);
    }
    st = stats_of(&cache);
    tap_check(st.mag_size == MAG && st.depot_nr_full == 3 && st.nr_cached == ARRAY_SIZE(objs)
              && st.nr_free_slabs == 0,
              "magazines: %u magazines of frees: 2 per CPU and %u spares, 3 full in the "
              "depot (%lu), slabs untouched", 2 + SPARES + 3, SPARES, st.depot_nr_full);
    pages = kmem_host_pages_used();
    for (unsigned int i = 0; i < ARRAY_SIZE(objs); i++) {
        objs[i] = kmem_cache_alloc(&cache);
    }
    st = stats_of(&cache);
    tap_check(st.depot_nr_full == 0 && st.depot_nr_empty >= 3 && kmem_host_pages_used() == pages,
              "magazines: allocations drain the depot (full %lu, empty %lu), no new slab",
              st.depot_nr_full, st.depot_nr_empty);
    for (unsigned int i = 0; i < ARRAY_SIZE(objs); i++) {
        kmem_cache_free(&cache, objs[i]);
    }

    /* Batches of the CPU's own magazines, spares included: no depot trip. */
    trips = stats_of(&cache).depot_nr_trips;
    for (unsigned int r = 0; r < 10; r++) {
        for (unsigned int i = 0; i < (2 + SPARES) * MAG; i++) {
            objs[i] = kmem_cache_alloc(&cache);
        }
        for (unsigned int i = 0; i < (2 + SPARES) * MAG; i++) {
            kmem_cache_free(&cache, objs[i]);
        }
    }
    st = stats_of(&cache);
    tap_check(st.depot_nr_trips == trips && st.depot_nr_full == 3
              && st.nr_cached == ARRAY_SIZE(objs) && kmem_host_pages_used() == pages,
              "magazines: 10 rounds of %u allocations then frees take no depot trip (%lu)",
              (2 + SPARES) * MAG, st.depot_nr_trips - trips);

    /* Another CPU sees the depot, not this CPU's magazines. */
    percpu_host_set_cpu(1);
    p = kmem_cache_alloc(&cache);
    st = stats_of(&cache);
    tap_check(p != NULL && st.depot_nr_full == 2 && kmem_host_pages_used() == pages,
              "magazines: another CPU takes a full magazine from the depot");
    kmem_cache_free(&cache, p);
    kmem_purge();
    percpu_host_set_cpu(0);

    kmem_cache_init(&slab_only, "slab_only", 64, 0, NULL, KMEM_CACHE_NOCPUPOOL);
    p = kmem_cache_alloc(&slab_only);
    pages = kmem_host_pages_used();
    kmem_cache_free(&slab_only, p);
    st = stats_of(&slab_only);
    tap_check(st.mag_size == 0 && st.nr_free_slabs == 1 && st.nr_slabs == 1
              && kmem_host_pages_used() == pages,
              "nocpupool: an emptied slab stays in the cache until reaped");
    check_all_returned("magazines");
}

/*
 * The magazines of two CPUs never share a page, even when the CPUs
 * allocate them in turns: a CPU's prefetcher, walking its magazine,
 * would otherwise take the other CPU's lines away.
 */
static unsigned int
cpu_magazine_pages(const struct kmem_cpu_pool *pool, uintptr_t *pages, unsigned int max)
{
    const struct kmem_magazine *lists[] = { pool->spare_full, pool->spare_empty };
    unsigned int n = 0;

    if (pool->loaded != NULL && n < max) {
        pages[n++] = (uintptr_t)pool->loaded / PAGE_SIZE;
    }
    if (pool->previous != NULL && n < max) {
        pages[n++] = (uintptr_t)pool->previous / PAGE_SIZE;
    }
    for (unsigned int l = 0; l < ARRAY_SIZE(lists); l++) {
        for (const struct kmem_magazine *mag = lists[l]; mag != NULL && n < max; mag = mag->next) {
            pages[n++] = (uintptr_t)mag / PAGE_SIZE;
        }
    }
    return n;
}

static void
test_mag_pages(void)
{
    static struct kmem_cache cache;
    enum { MAG = 254, ROUNDS = 4 };
    static void *objs[2][ROUNDS * MAG];
    uintptr_t pages[2][16];
    unsigned int n[2], shared = 0;

    if (VERIFY_ALL) {
        return;
    }
    kmem_cache_init(&cache, "mag_pages", 64, 0, NULL, 0);
    /* Both CPUs allocate, then free a magazine's worth each in turn. */
    for (unsigned int cpu = 0; cpu < 2; cpu++) {
        percpu_host_set_cpu(cpu);
        for (unsigned int i = 0; i < ROUNDS * MAG; i++) {
            objs[cpu][i] = kmem_cache_alloc(&cache);
        }
    }
    for (unsigned int r = 0; r < ROUNDS; r++) {
        for (unsigned int cpu = 0; cpu < 2; cpu++) {
            percpu_host_set_cpu(cpu);
            for (unsigned int i = 0; i < MAG; i++) {
                kmem_cache_free(&cache, objs[cpu][r * MAG + i]);
            }
        }
    }
    for (unsigned int cpu = 0; cpu < 2; cpu++) {
        n[cpu] = cpu_magazine_pages(&cache.cpu_pools[cpu], pages[cpu], ARRAY_SIZE(pages[cpu]));
    }
    for (unsigned int i = 0; i < n[0]; i++) {
        for (unsigned int j = 0; j < n[1]; j++) {
            shared += pages[0][i] == pages[1][j];
        }
    }
    tap_check(n[0] >= ROUNDS && n[1] >= ROUNDS && shared == 0,
              "magazines: two CPUs making magazines in turns get them on pages of their "
              "own (%u and %u magazines, %u on a page of the other CPU's)", n[0], n[1], shared);
    for (unsigned int cpu = 0; cpu < 2; cpu++) {
        percpu_host_set_cpu(cpu);
        kmem_purge();
    }
    percpu_host_set_cpu(0);
    check_all_returned("magazine pages");
}

/* ---------------------------------------------------------------- slab policies */

static void
test_slab_policies(void)
{
    static struct kmem_cache partial, colour, offslab;
    struct kmem_cache_stats st;
    void *objs[3 * 64], *p;
    static void *colour_objs[12][64];
    unsigned int b, nr_colours = 0, bad_colour = 0;
    uintptr_t colours[12];

    kmem_cache_init(&partial, "partial", 256, 0, NULL, KMEM_CACHE_NOCPUPOOL);
    st = stats_of(&partial);
    b = st.bufs_per_slab;
    tap_check(b >= 4 && 3 * b <= ARRAY_SIZE(objs), "partial: %u objects per slab", b);
    for (unsigned int i = 0; i < 3 * b; i++) {
        objs[i] = kmem_cache_alloc(&partial);
    }
    kmem_cache_free(&partial, objs[0]);                 /* slab 0: partial */
    for (unsigned int i = b; i < 2 * b; i++) {
        kmem_cache_free(&partial, objs[i]);             /* slab 1: free */
    }
    p = kmem_cache_alloc(&partial);
    tap_check(p == objs[0], "partial: a partial slab is preferred to a free one");
    objs[0] = p;
    st = stats_of(&partial);
    tap_check(st.nr_slabs == 3 && st.nr_free_slabs == 1, "partial: 3 slabs, 1 free");
    for (unsigned int i = 0; i < 3 * b; i++) {
        if (i < b || i >= 2 * b) {
            kmem_cache_free(&partial, objs[i]);
        }
    }

    kmem_cache_init(&colour, "colour", 200, 0, NULL, KMEM_CACHE_NOCPUPOOL);
    st = stats_of(&colour);
    for (unsigned int s = 0; s < ARRAY_SIZE(colours); s++) {
        for (unsigned int i = 0; i < st.bufs_per_slab; i++) {
            colour_objs[s][i] = kmem_cache_alloc(&colour);
        }
        colours[s] = (uintptr_t)colour_objs[s][0] % st.slab_size;
        if (colours[s] % st.align != 0
            || colours[s] + st.bufs_per_slab * st.buf_size > st.slab_size) {
            bad_colour++;
        }
        if (s == 0 || colours[s] > colours[s - 1]) {
            nr_colours++;
        }
    }
    tap_check(bad_colour == 0 && nr_colours >= 3 && colours[0] == 0,
              "colour: successive slabs start at offsets 0, %zu, %zu... (%u colours)",
              (size_t)colours[1], (size_t)colours[2], nr_colours);
    for (unsigned int s = 0; s < ARRAY_SIZE(colours); s++) {
        for (unsigned int i = 0; i < st.bufs_per_slab; i++) {
            kmem_cache_free(&colour, colour_objs[s][i]);
        }
    }

    kmem_cache_init(&offslab, "offslab", 1024, 0, NULL, KMEM_CACHE_NOCPUPOOL);
    st = stats_of(&offslab);
    tap_check(VERIFY_ALL || (st.offslab && st.bufs_per_slab == 4 && st.slab_size == PAGE_SIZE),
              "offslab: 1024-byte objects, 4 per page, descriptor off the slab");
    for (unsigned int i = 0; i < 40; i++) {
        objs[i] = kmem_cache_alloc(&offslab);
        kmem_pattern_fill(objs[i], 1024, i + 1);
    }
    {
        bool ok = true;

        for (unsigned int i = 0; i < 40; i++) {
            ok = ok && kmem_pattern_intact(objs[i], 1024, i + 1);
            kmem_cache_free(&offslab, objs[i]);
        }
        tap_check(ok, "offslab: objects fill the whole pages");
    }
    check_all_returned("slab policies");
}

/* ---------------------------------------------------------------- verify mode */

static void
test_verify(void)
{
    static struct kmem_cache va, vb, vctor;
    static char not_kmem[64] __aligned(16);
    kmem_error_fn old;
    unsigned char saved[26];
    uint32_t *w;
    char *p, *q;
    bool pattern = true;

    old = kmem_error_hook_set(error_record);
    tap_check(old == NULL, "verify: default hook is NULL (panic)");
    kmem_cache_init(&va, "verify_a", 30, 0, NULL, KMEM_CACHE_VERIFY);
    kmem_cache_init(&vb, "verify_b", 30, 0, NULL, KMEM_CACHE_VERIFY);
    tap_check(stats_of(&va).verify && stats_of(&va).mag_size == 0,
              "verify: per-cache flag, no magazines");

    p = kmem_cache_alloc(&va);
    w = (uint32_t *)p;
    for (unsigned int i = 0; i < 30 / 4; i++) {
        pattern = pattern && w[i] == 0xbaddcafeU;
    }
    tap_check(pattern && (unsigned char)p[28] == 0xfe && (unsigned char)p[29] == 0xca,
              "verify: new objects hold the uninitialized pattern");
    kmem_cache_free(&va, p);
    pattern = true;
    for (unsigned int i = 0; i < 30 / 4; i++) {
        pattern = pattern && w[i] == 0xdeadbeefU;
    }
    tap_check(pattern && nr_errors == 0, "verify: freed objects hold the free pattern");

    /* Double free. */
    kmem_cache_free(&va, p);
    expect_one_error("double free", KMEM_ERR_DOUBLE_FREE, "verify_a", p, p, NULL);

    /* Write after free, caught when the buffer is handed out again. */
    p[5] = 0x42;
    q = kmem_cache_alloc(&va);
    tap_check(q == p, "verify: the same buffer comes back");
    expect_one_error("write after free", KMEM_ERR_MODIFIED, "verify_a", p, p + 5, NULL);

    /* Invalid frees: inside an object, outside kmem, another cache's buffer. */
    kmem_cache_free(&va, p + 8);
    expect_one_error("free of an interior pointer", KMEM_ERR_INVALID_FREE, "verify_a",
                     p + 8, p + 8, NULL);
    kmem_cache_free(&va, not_kmem);
    expect_one_error("free of memory outside kmem", KMEM_ERR_INVALID_FREE, "verify_a",
                     not_kmem, not_kmem, NULL);
    q = kmem_cache_alloc(&vb);
    kmem_cache_free(&va, q);
    expect_one_error("free to the wrong cache", KMEM_ERR_INVALID_FREE, "verify_a",
                     q, q, "verify_b");
    kmem_cache_free(&vb, q);
    tap_check(nr_errors == 0, "verify: the right free still works");

    /* Overflow into the redzone: reported, then the free goes through. */
    p[30] = 0;
    kmem_cache_free(&va, p);
    expect_one_error("one-byte overflow", KMEM_ERR_REDZONE, "verify_a", p, p + 30, NULL);
    tap_check(stats_of(&va).nr_allocated == 0, "verify: the overflowed buffer was freed");

    /*
     * A wild write over the buffer tag. Layout of a 30-byte object in
     * verify mode on the host: redzone 30..39, tag (link, state) 40..55.
     */
    p = kmem_cache_alloc(&va);
    memcpy(saved, p + 30, sizeof(saved));
    memset(p + 30, 0x55, sizeof(saved));
    kmem_cache_free(&va, p);
    expect_one_error("overwritten buffer tag", KMEM_ERR_BUFTAG, "verify_a", p, p + 40, NULL);
    tap_check(stats_of(&va).nr_allocated == 1, "verify: a free with a bad tag is ignored");
    memcpy(p + 30, saved, sizeof(saved));
    kmem_cache_free(&va, p);
    tap_check(nr_errors == 0 && stats_of(&va).nr_allocated == 0,
              "verify: the repaired buffer frees cleanly");

    /* Write after free, caught when the slab is reaped. */
    p = kmem_cache_alloc(&vb);
    kmem_cache_free(&vb, p);
    p[29] = 0;
    kmem_purge();
    expect_one_error("write after free found by reaping", KMEM_ERR_MODIFIED, "verify_b",
                     p, p + 29, NULL);

    /* No false positives: random use of a verify cache with a constructor. */
    {
        void *live[64] = { NULL };

        kmem_cache_init(&vctor, "verify_ctor", sizeof(struct ctor_obj), 0, ctor_obj_ctor,
                        KMEM_CACHE_VERIFY);
        for (unsigned int i = 0; i < 20000; i++) {
            unsigned int s = rng() % 64;

            if (live[s] != NULL) {
                kmem_cache_free(&vctor, live[s]);
                live[s] = NULL;
            } else {
                struct ctor_obj *o = kmem_cache_alloc(&vctor);

                if (o->magic != CTOR_MAGIC) {
                    nr_errors++;
                }
                live[s] = o;
            }
        }
        for (unsigned int s = 0; s < 64; s++) {
            if (live[s] != NULL) {
                kmem_cache_free(&vctor, live[s]);
            }
        }
        tap_check(nr_errors == 0, "verify: correct use reports nothing");
    }

#ifdef CONFIG_DEBUG
    /* Global verify mode: kmem_alloc classes and page blocks too. */
    p = kmem_alloc(60);
    kmem_free(p, 100);
    expect_one_error("kmem_free with the size of another class", KMEM_ERR_INVALID_FREE,
                     "kmem_alloc_104", p, p, "kmem_alloc_64");
    kmem_free(p, 60);
    kmem_free(p, 60);
    expect_one_error("kmem_free twice", KMEM_ERR_DOUBLE_FREE, "kmem_alloc_64", p, p, NULL);
    p = kmem_alloc(20000);
    kmem_free(p + PAGE_SIZE, 20000);
    expect_one_error("kmem_free inside a page block", KMEM_ERR_INVALID_FREE,
                     "kmem_alloc_large", p + PAGE_SIZE, p + PAGE_SIZE, NULL);
    kmem_free(p, 20000);
    kmem_free(p, 20000);
    expect_one_error("kmem_free of a page block twice", KMEM_ERR_INVALID_FREE,
                     "kmem_alloc_large", p, p, NULL);
    q = kmem_alloc(64);
    kmem_free(q, 20000);
    expect_one_error("kmem_free of a small buffer as a page block", KMEM_ERR_INVALID_FREE,
                     "kmem_alloc_large", q, q, "kmem_alloc_64");
    kmem_free(q, 64);
#endif

    kmem_error_hook_set(NULL);

    /* The default report panics, naming the kind, the cache and the buffer. */
    p = kmem_cache_alloc(&va);
    kmem_cache_free(&va, p);
    panic_expected = true;
    if (setjmp(panic_jmp) == 0) {
        kmem_cache_free(&va, p);
        panic_expected = false;
        tap_check(false, "verify: default report panics");
    } else {
        char expect[128];

        snprintf(expect, sizeof(expect), "kmem: double free in cache verify_a: buffer %p",
                 (void *)p);
        tap_check(strstr(panic_msg, expect) != NULL, "verify: default report panics: \"%s\"",
                  panic_msg);
    }
    check_all_returned("verify");
}

/* ---------------------------------------------------------------- reaping */

static void
test_reap(void)
{
    static struct kmem_cache cache;
    static void *objs[20000];
    struct kmem_cache_stats st;
    unsigned long before, freed;

    kmem_cache_init(&cache, "reap", 128, 0, NULL, 0);
    for (unsigned int i = 0; i < ARRAY_SIZE(objs); i++) {
        objs[i] = kmem_cache_alloc(&cache);
    }
    st = stats_of(&cache);
    tap_check(st.nr_slabs >= ARRAY_SIZE(objs) / st.bufs_per_slab,
              "reap: %lu slabs for %zu objects", st.nr_slabs, ARRAY_SIZE(objs));
    for (unsigned int i = 0; i < ARRAY_SIZE(objs); i++) {
        kmem_cache_free(&cache, objs[i]);
    }
    before = kmem_host_pages_used();
    freed = kmem_gc();
    st = stats_of(&cache);
    tap_check(before - kmem_host_pages_used() == freed && freed > 0,
              "reap: kmem_gc returns the number of pages freed (%lu)", freed);
    tap_check(st.depot_nr_full == 0 && st.depot_nr_empty == 0, "reap: kmem_gc flushes the depot");
    tap_check(st.nr_free_slabs == 1, "reap: kmem_gc keeps one empty slab (%lu free of %lu)",
              st.nr_free_slabs, st.nr_slabs);
    tap_check(st.nr_cached == st.nr_allocated
              && st.nr_cached <= (2UL + st.spares_max) * st.mag_size,
              "reap: only this CPU's magazines keep objects (%lu)", st.nr_cached);
    freed = kmem_gc();
    tap_check(freed == 0, "reap: a second kmem_gc finds nothing");
    freed = kmem_purge();
    st = stats_of(&cache);
    tap_check(st.nr_slabs == 0 && st.nr_allocated == 0 && freed > 0,
              "reap: kmem_purge empties the cache");
    check_all_returned("reap");
}

/* ---------------------------------------------------------------- exhaustion */

static void
test_exhaust(void)
{
    static struct kmem_cache cache;
    const unsigned long limit = 4096;   /* 16 MiB */
    struct kmem_cache_stats st;
    unsigned long count = 0;
    void *chain = NULL, *p;

    kmem_cache_init(&cache, "exhaust", 64, 0, NULL, 0);
    st = stats_of(&cache);
    kmem_host_limit_set(limit);
    while ((p = kmem_cache_alloc(&cache)) != NULL) {
        *(void **)p = chain;
        chain = p;
        count++;
    }
    tap_check(kmem_cache_alloc(&cache) == NULL && kmem_alloc(100) == NULL,
              "exhaust: allocations keep returning NULL, no panic");
    tap_check(kmem_alloc(1 << 20) == NULL, "exhaust: page blocks fail too");
    tap_diag("exhaust: %lu objects of %zu bytes (buffers of %zu) in %lu pages: %lu.%lu%%", count,
             st.obj_size, st.buf_size, limit,
             count * st.buf_size * 100 / (limit * PAGE_SIZE),
             count * st.buf_size * 1000 / (limit * PAGE_SIZE) % 10);
    tap_check(count * st.buf_size * 100 >= 95 * limit * PAGE_SIZE,
              "exhaust: at least 95%% of the memory as objects (buffers in verify mode)");
    while (chain != NULL) {
        p = chain;
        chain = *(void **)p;
        kmem_cache_free(&cache, p);
    }
    p = kmem_cache_alloc(&cache);
    tap_check(p != NULL, "exhaust: allocation works again after the frees");
    kmem_cache_free(&cache, p);
    st = stats_of(&cache);
    tap_check(st.nr_in_use == 0, "exhaust: nothing in use");
    kmem_host_limit_set(~0UL);
    check_all_returned("exhaust");
}

/*
 * Exhaustion repeated: every kmem_alloc() size class runs out of a small
 * page budget, frees everything, and must find the same number of
 * objects and every page back, round after round.
 */
#define EXHAUST_ROUNDS          5
#define EXHAUST_CLASS_PAGES     256     /* 1 MiB */

static void
test_exhaust_repeat(void)
{
    unsigned int bad_count = 0, bad_pages = 0, bad_stats = 0, classes = 0;

    kmem_purge();
    kmem_host_limit_set(EXHAUST_CLASS_PAGES);
    for (size_t size = 8; size <= KMEM_ALLOC_MAX; size = kmem_alloc_size(size + 1)) {
        unsigned long first = 0;

        classes++;
        for (unsigned int round = 0; round < EXHAUST_ROUNDS; round++) {
            unsigned long count = 0;
            void *chain = NULL, *p;

            while ((p = kmem_alloc(size)) != NULL) {
                *(void **)p = chain;
                chain = p;
                count++;
            }
            while (chain != NULL) {
                p = chain;
                chain = *(void **)p;
                kmem_free(p, size);
            }
            kmem_purge();
            if (round == 0) {
                first = count;
            } else if (count != first) {
                bad_count++;
                tap_diag("exhaust_repeat: size %zu round %u: %lu objects, %lu in round 0",
                         size, round, count, first);
            }
            if (kmem_host_pages_used() != 0) {
                bad_pages++;
                tap_diag("exhaust_repeat: size %zu round %u: %lu pages still used",
                         size, round, kmem_host_pages_used());
            }
            if (count == 0) {
                bad_stats++;
            }
        }
    }
    kmem_host_limit_set(~0UL);
    tap_check(classes == 64 && bad_stats == 0,
              "exhaust_repeat: %u size classes each allocate objects", classes);
    tap_check(bad_count == 0, "exhaust_repeat: %d rounds per class find the same number "
              "of objects (%u differ)", EXHAUST_ROUNDS, bad_count);
    tap_check(bad_pages == 0, "exhaust_repeat: every page back after every round (%u not)",
              bad_pages);
}

/* ---------------------------------------------------------------- threads */

#define NR_THREADS              4
/* Verify mode has no magazines: every operation takes the cache lock. */
#define THREAD_OPS              (VERIFY_ALL ? 15000 : 60000)
#define THREAD_SLOTS            256
#define MAILBOX_SIZE            1024

struct tobj {
    void *obj;
    size_t size;
    size_t alloc_size;
    unsigned int cache;
    uint64_t id;
};

struct mailbox {
    pthread_mutex_t lock;
    unsigned int nr;
    struct tobj items[MAILBOX_SIZE];
};

static struct kmem_cache thread_caches[3];
static const size_t thread_sizes[3] = { 32, 256, 2000 };
static struct mailbox mailboxes[NR_THREADS];
static pthread_barrier_t thread_barrier;
static unsigned int thread_bad_data, thread_failed;
static unsigned long thread_remote_frees;

static void
tobj_free(struct tobj *t)
{
    if (!kmem_pattern_intact(t->obj, t->size, t->id)) {
        __atomic_fetch_add(&thread_bad_data, 1, __ATOMIC_RELAXED);
    }
    if (t->alloc_size != 0) {
        kmem_free(t->obj, t->alloc_size);
    } else {
        kmem_cache_free(&thread_caches[t->cache], t->obj);
    }
    t->obj = NULL;
}

static void
mailbox_drain(unsigned int self)
{
    struct mailbox *mb = &mailboxes[self];

    pthread_mutex_lock(&mb->lock);
    while (mb->nr != 0) {
        tobj_free(&mb->items[--mb->nr]);
        __atomic_fetch_add(&thread_remote_frees, 1, __ATOMIC_RELAXED);
    }
    pthread_mutex_unlock(&mb->lock);
}

static void *
thread_main(void *arg)
{
    unsigned int self = (unsigned int)(uintptr_t)arg;
    struct tobj slots[THREAD_SLOTS] = { { NULL, 0, 0, 0, 0 } };
    uint64_t seed = 0x1234567ULL * (self + 1), next_id = (uint64_t)self << 40;

    percpu_host_set_cpu(self + 1);      /* CPU 0 is the main thread's */
    for (unsigned int op = 0; op < THREAD_OPS; op++) {
        struct tobj *t;

        seed ^= seed << 13;
        seed ^= seed >> 7;
        seed ^= seed << 17;
        t = &slots[seed % THREAD_SLOTS];
        if (op % 64 == 0) {
            mailbox_drain(self);
        }
        if (t->obj != NULL) {
            unsigned int to = (unsigned int)(seed >> 20) % NR_THREADS;
            struct mailbox *mb = &mailboxes[to];

            /* Half the frees happen on another CPU. */
            if (to != self && (seed >> 30) % 2 == 0) {
                pthread_mutex_lock(&mb->lock);
                if (mb->nr < MAILBOX_SIZE) {
                    mb->items[mb->nr++] = *t;
                    t->obj = NULL;
                }
                pthread_mutex_unlock(&mb->lock);
            }
            if (t->obj != NULL) {
                tobj_free(t);
            }
        } else {
            unsigned int kind = (unsigned int)(seed >> 40) % 4;

            if (kind < 3) {
                t->obj = kmem_cache_alloc(&thread_caches[kind]);
                t->cache = kind;
                t->size = thread_sizes[kind];
                t->alloc_size = 0;
            } else {
                t->alloc_size = 1 + (seed >> 44) % 3000;
                t->size = t->alloc_size;
                t->obj = kmem_alloc(t->alloc_size);
            }
            if (t->obj == NULL) {
                __atomic_fetch_add(&thread_failed, 1, __ATOMIC_RELAXED);
                continue;
            }
            t->id = ++next_id;
            kmem_pattern_fill(t->obj, t->size, t->id);
        }
    }
    for (unsigned int i = 0; i < THREAD_SLOTS; i++) {
        if (slots[i].obj != NULL) {
            tobj_free(&slots[i]);
        }
    }
    pthread_barrier_wait(&thread_barrier);      /* nobody sends any more */
    mailbox_drain(self);
    kmem_purge();                               /* this CPU's magazines */
    return NULL;
}

static void
test_threads(void)
{
    pthread_t threads[NR_THREADS];

    for (unsigned int i = 0; i < 3; i++) {
        kmem_cache_init(&thread_caches[i], "threads", thread_sizes[i], 0, NULL, 0);
    }
    for (unsigned int i = 0; i < NR_THREADS; i++) {
        pthread_mutex_init(&mailboxes[i].lock, NULL);
    }
    pthread_barrier_init(&thread_barrier, NULL, NR_THREADS);
    for (unsigned int i = 0; i < NR_THREADS; i++) {
        pthread_create(&threads[i], NULL, thread_main, (void *)(uintptr_t)i);
    }
    for (unsigned int i = 0; i < NR_THREADS; i++) {
        pthread_join(threads[i], NULL);
    }
    pthread_barrier_destroy(&thread_barrier);
    tap_diag("threads: %d threads, %lu frees on another CPU", NR_THREADS, thread_remote_frees);
    tap_check(thread_remote_frees > 1000, "threads: objects freed on other CPUs");
    tap_check(thread_failed == 0, "threads: no allocation failed");
    tap_check(thread_bad_data == 0, "threads: every object kept its contents (%u bad)",
              thread_bad_data);
    for (unsigned int i = 0; i < 3; i++) {
        struct kmem_cache_stats st = stats_of(&thread_caches[i]);

        tap_check(st.nr_allocated == 0, "threads: cache %u empty after each CPU purged (%lu left)",
                  i, st.nr_allocated);
    }
    check_all_returned("threads");
}

/* ---------------------------------------------------------------- reports */

static char report_lines[8][160];
static unsigned int nr_report_lines;

static void
report_print(const char *line)
{
    if (nr_report_lines < ARRAY_SIZE(report_lines)) {
        snprintf(report_lines[nr_report_lines], sizeof(report_lines[0]), "%s", line);
    }
    nr_report_lines++;
}

static void
test_report(void)
{
    static struct kmem_cache cache;
    char name[32];
    size_t obj_size, slab_size;
    unsigned int per_slab, mag;
    unsigned long in_use, total, slabs, free_slabs;
    unsigned int caches = 0;
    void *objs[10];
    int n;

    kmem_cache_init(&cache, "report_me", 100, 0, NULL, KMEM_CACHE_NOCPUPOOL);
    for (unsigned int i = 0; i < 10; i++) {
        objs[i] = kmem_cache_alloc(&cache);
    }

    nr_report_lines = 0;
    kmem_report(report_print);
    tap_check(nr_report_lines == 1
              && sscanf(report_lines[0], "kmem: %u caches,", &caches) == 1 && caches > 70
              && strstr(report_lines[0], "KiB in slabs") != NULL,
              "report: one line \"%s\"", report_lines[0]);

    nr_report_lines = 0;
    tap_check(kmem_info(report_print, "report_me") == 0 && nr_report_lines == 2,
              "kmem_info: header and one line for a named cache");
    tap_diag("%s", report_lines[0]);
    tap_diag("%s", report_lines[1]);
    n = sscanf(report_lines[1], "%31s %zu %zu %u %lu %lu %lu %lu %u", name, &obj_size,
               &slab_size, &per_slab, &in_use, &total, &slabs, &free_slabs, &mag);
    tap_check(n == 9 && strcmp(name, "report_me") == 0 && obj_size == 100
              && slab_size == PAGE_SIZE && in_use == 10 && slabs == 1 && free_slabs == 0
              && total == per_slab && mag == 0 && strchr(report_lines[1], '%') != NULL,
              "kmem_info: sizes, counts and efficiency of the cache");
    nr_report_lines = 0;
    tap_check(kmem_info(report_print, "no_such_cache") == ERROR_NOENT && nr_report_lines == 1,
              "kmem_info: unknown cache name gives -1");
    nr_report_lines = 0;
    kmem_info(report_print, NULL);
    tap_check(nr_report_lines == 1 + caches, "kmem_info: one line per cache (%u)", nr_report_lines);

    for (unsigned int i = 0; i < 10; i++) {
        kmem_cache_free(&cache, objs[i]);
    }
    check_all_returned("report");
}

/* ---------------------------------------------------------------- second init */

static unsigned int
cache_count(void)
{
    nr_report_lines = 0;
    kmem_info(report_print, NULL);
    return nr_report_lines - 1;
}

/*
 * kmem_cache_init() on a live cache is refused and leaves it intact: a
 * second init used to put the cache on the list twice, and the next
 * kmem_gc() walked a cycle forever.
 */
static void
test_reinit(void)
{
    static struct kmem_cache cache, last;
    struct kmem_cache_stats st;
    unsigned int before;
    kmem_error_fn old;
    void *p, *q;

    kmem_cache_init(&cache, "reinit", 64, 0, NULL, 0);
    kmem_cache_init(&last, "reinit_last", 32, 0, NULL, 0);
    p = kmem_cache_alloc(&cache);
    q = kmem_cache_alloc(&last);
    before = cache_count();
    nr_errors = 0;
    old = kmem_error_hook_set(error_record);
    tap_check(kmem_cache_init(&cache, "reinit", 128, 0, NULL, 0) == ERROR_EXIST
              && kmem_cache_init(&last, "reinit_last", 32, 0, NULL, 0) == ERROR_EXIST,
              "reinit: second init of a live cache refused (in the middle and last on the list)");
    kmem_error_hook_set(old);
    if (VERIFY_ALL) {
        tap_check(nr_errors == 2 && errors[0].kind == KMEM_ERR_REINIT
                  && errors[0].buf == &cache && strcmp(errors[0].cache, "reinit") == 0
                  && errors[1].buf == &last,
                  "reinit: reported as '%s' with CONFIG_DEBUG (%u reports)",
                  kmem_error_kind_name(KMEM_ERR_REINIT), nr_errors);
    } else {
        tap_check(nr_errors == 0, "reinit: refused silently without CONFIG_DEBUG");
    }
    st = stats_of(&cache);
    tap_check(st.obj_size == 64 && st.nr_allocated == 1 && st.nr_slabs == 1,
              "reinit: the cache keeps its size, slab and object");
    tap_check(cache_count() == before, "reinit: the cache list is intact (%u caches)", before);
    kmem_cache_free(&cache, p);
    kmem_cache_free(&last, q);
    kmem_gc();
    check_all_returned("reinit");
}

/* ---------------------------------------------------------------- magazine growth */

#define GROW_BATCH              256     /* over two magazines of 62 or 126 */
#define GROW_OBJ_SIZE           256     /* magazines of 62 rounds, may grow to 254 */

static struct kmem_cache grow_cache;
static unsigned int grow_stop, grow_bad;

/* Monotonic clock, in seconds. */
static double
host_now(void)
{
    struct timespec ts;

    clock_gettime(CLOCK_MONOTONIC, &ts);
    return (double)ts.tv_sec + ts.tv_nsec * 1e-9;
}

/* Batches through the depot (on CPU 1) until grow_stop, checking contents. */
static void *
grow_worker(void *arg)
{
    static void *objs[GROW_BATCH];
    uint64_t id = 0;

    (void)arg;
    percpu_host_set_cpu(1);
    while (!__atomic_load_n(&grow_stop, __ATOMIC_ACQUIRE)) {
        for (unsigned int i = 0; i < GROW_BATCH; i++) {
            objs[i] = kmem_cache_alloc(&grow_cache);
            kmem_pattern_fill(objs[i], GROW_OBJ_SIZE, id + i);
        }
        for (unsigned int i = 0; i < GROW_BATCH; i++) {
            if (!kmem_pattern_intact(objs[i], GROW_OBJ_SIZE, id + i)) {
                grow_bad++;
            }
            kmem_cache_free(&grow_cache, objs[i]);
        }
        id += GROW_BATCH;
    }
    return NULL;
}

/*
 * Bonwick's rule: a cache whose depot lock is found busy grows its
 * magazines (62 to 126 rounds for 256-byte objects), one whose lock never
 * is keeps them. The contention is made on purpose: this thread holds
 * the depot lock most of the time while a worker goes through the depot.
 */
static void
test_mag_growth(void)
{
    struct kmem_cache_stats st;
    unsigned long pages = kmem_host_pages_used();
    pthread_t worker;
    double start;

    kmem_cache_init(&grow_cache, "grow_256", GROW_OBJ_SIZE, 0, NULL, 0);
    if (VERIFY_ALL) {
        tap_check(stats_of(&grow_cache).mag_size == 0, "grow: no magazines in verify mode");
        return;
    }

    /* Alone: trips to the depot, never a busy lock, no growth. */
    percpu_host_set_cpu(0);
    for (unsigned int round = 0; round < 64; round++) {
        static void *objs[GROW_BATCH];

        for (unsigned int i = 0; i < GROW_BATCH; i++) {
            objs[i] = kmem_cache_alloc(&grow_cache);
        }
        for (unsigned int i = 0; i < GROW_BATCH; i++) {
            kmem_cache_free(&grow_cache, objs[i]);
        }
    }
    st = stats_of(&grow_cache);
    tap_check(st.mag_size == 62 && st.depot_nr_trips >= 256 && st.depot_nr_contended == 0,
              "grow: uncontended, magazines stay at 62 (%u, %lu trips, %lu busy)",
              st.mag_size, st.depot_nr_trips, st.depot_nr_contended);

    /*
     * Contended: hold the lock for ~20 us at a time, for up to 10 s,
     * taking it again at once: a waiting worker is served first (ticket
     * order), and its next trip finds the lock held again.
     */
    __atomic_store_n(&grow_stop, 0, __ATOMIC_RELEASE);
    pthread_create(&worker, NULL, grow_worker, NULL);
    start = host_now();
    for (unsigned long i = 0; host_now() - start < 10.0; i++) {
        double t;

        if (i % 64 == 0 && __atomic_load_n(&grow_cache.mag_size, __ATOMIC_RELAXED) != 62) {
            break;
        }
        spinlock_lock(&grow_cache.depot_lock);
        t = host_now();
        while (host_now() - t < 20e-6) {
            continue;
        }
        spinlock_unlock(&grow_cache.depot_lock);
    }
    __atomic_store_n(&grow_stop, 1, __ATOMIC_RELEASE);
    pthread_join(worker, NULL);
    st = stats_of(&grow_cache);
    tap_check(st.mag_size == 126 && st.depot_nr_contended * 8 >= 256,
              "grow: contended, magazines grow to 126 (%u, %lu trips, %lu busy)",
              st.mag_size, st.depot_nr_trips, st.depot_nr_contended);
    tap_check(grow_bad == 0 && st.nr_in_use == 0,
              "grow: objects intact across sizes, none in use (%u bad, %lu in use)",
              grow_bad, st.nr_in_use);
    kmem_purge();
    percpu_host_set_cpu(1);
    kmem_purge();
    percpu_host_set_cpu(0);
    tap_check(kmem_host_pages_used() <= pages,
              "grow: magazines of both sizes and their objects come back (%lu pages, %lu before)",
              kmem_host_pages_used(), pages);
}

/*
 * The other growth rule: one CPU whose batches do not fit in its
 * magazines (2 + 4 of 62 rounds hold 372 objects of 256 bytes, a batch
 * is 1000) trades with the depot on nearly every exchange; its trips are
 * overflows, and the magazines grow with no contention at all, up to the
 * largest size whose objects fit in KMEM_MAG_BYTES_MAX (254 rounds of
 * 256 bytes), after which fewer trips are left.
 */
static void
test_mag_overflow(void)
{
    static struct kmem_cache cache;
    static void *objs[1000];
    struct kmem_cache_stats st;
    unsigned long pages = kmem_host_pages_used(), trips_first, trips_last;
    unsigned int rounds = 0, bad = 0;

    kmem_cache_init(&cache, "overflow_256", 256, 0, NULL, 0);
    if (VERIFY_ALL) {
        tap_check(stats_of(&cache).mag_size == 0, "overflow: no magazines in verify mode");
        return;
    }
    percpu_host_set_cpu(0);
    trips_first = 0;
    trips_last = 0;
    for (; rounds < 400; rounds++) {
        unsigned long trips = stats_of(&cache).depot_nr_trips;

        for (unsigned int i = 0; i < ARRAY_SIZE(objs); i++) {
            objs[i] = kmem_cache_alloc(&cache);
            kmem_pattern_fill(objs[i], 256, rounds * 1000 + i);
        }
        for (unsigned int i = 0; i < ARRAY_SIZE(objs); i++) {
            bad += !kmem_pattern_intact(objs[i], 256, rounds * 1000 + i);
            kmem_cache_free(&cache, objs[i]);
        }
        trips = stats_of(&cache).depot_nr_trips - trips;
        if (rounds == 1) {
            trips_first = trips;
        }
        trips_last = trips;
        if (rounds > 1 && stats_of(&cache).mag_size == 254) {
            break;
        }
    }
    st = stats_of(&cache);
    tap_check(st.mag_size == 254 && st.depot_nr_contended == 0 && bad == 0,
              "overflow: batches beyond the magazines grow them, uncontended, to %u rounds "
              "(%u batches, %lu busy, %u bad)", st.mag_size, rounds, st.depot_nr_contended, bad);
    tap_check(trips_last < trips_first,
              "overflow: depot trips per batch of 1000 from %lu at 62 rounds to %lu at 254",
              trips_first, trips_last);
    kmem_purge();
    tap_check(kmem_host_pages_used() <= pages,
              "overflow: every page back after kmem_purge (%lu, %lu before)",
              kmem_host_pages_used(), pages);
}

int
main(void)
{
    kmem_host_setup(ARENA_PAGES);
    kmem_setup();
    tap_check(kmem_host_pages_used() == 0, "setup: kmem_setup allocates nothing");

    test_layout();
    test_alloc_sizes();
    test_random();
    test_ctor_align();
    test_magazines();
    test_slab_policies();
    test_verify();
    test_reap();
    test_exhaust();
    test_exhaust_repeat();
    test_threads();
    test_mag_growth();
    test_mag_overflow();
    test_mag_pages();
    test_report();
    test_reinit();
    return tap_done();
}
