/* SPDX-License-Identifier: GPL-2.0-or-later */
/*
 * host_slab_info (kern/host_debug.c) in the kernel:
 *
 *  test=slab_info  a NULL host; one record per cache, in kmem_info()'s
 *                  order with its name, object size, slab size, objects
 *                  per slab and magazine size; for a cache of the test's
 *                  own (quiet while it runs) also kmem_info()'s total
 *                  objects, slabs and free slabs, and nr_objs = in use
 *                  + cached; the caller's array used when it is big
 *                  enough (exactly the count), a new one otherwise
 */
#include <stdbool.h>
#include <stddef.h>
#include <stdint.h>

#include <include/mach/kern_return.h>
#include <include/mach_debug/slab_info.h>
#include <ipc/ipc_port.h>
#include <kern/host.h>
#include <kern/host_debug.h>
#include <kern/kmem.h>
#include <kern/ktest.h>
#include <kern/string.h>
#include <vm/vm_copy.h>

#define SLAB_TEST_OBJS          5
#define SLAB_TEST_MAX_CACHES    256         /* 177 today: 56 are per-CPU magazine caches */
#define SLAB_TEST_FIELDS        8   /* objsize slab objs inuse total slabs free mag */

/* kmem_info() lines, parsed: the name and the first eight numbers. */
struct slab_test_line {
    char name[CACHE_NAME_MAX_LEN];
    unsigned long field[SLAB_TEST_FIELDS];
    bool verify;                /* the line ends in " verify" */
};

static struct slab_test_line slab_test_lines[SLAB_TEST_MAX_CACHES];
static unsigned int slab_test_nr_lines;
static struct kmem_cache slab_test_cache;
static bool slab_test_cache_ready;

static void
slab_test_print(const char *line)
{
    struct slab_test_line *l;
    const char *p = line;
    size_t n = 0;

    if (strncmp(line, "cache ", 6) == 0 || slab_test_nr_lines == SLAB_TEST_MAX_CACHES) {
        return;
    }
    l = &slab_test_lines[slab_test_nr_lines++];
    memset(l, 0, sizeof(*l));
    while (*p != ' ' && *p != '\0') {
        if (n < sizeof(l->name) - 1) {
            l->name[n++] = *p;
        }
        p++;
    }
    for (unsigned int f = 0; f < SLAB_TEST_FIELDS; f++) {
        while (*p == ' ') {
            p++;
        }
        while (*p >= '0' && *p <= '9') {
            l->field[f] = l->field[f] * 10 + (unsigned long)(*p++ - '0');
        }
    }
    n = strlen(line);
    l->verify = n > 7 && strcmp(line + n - 7, " verify") == 0;
}

static const cache_info_t *
slab_test_find(const cache_info_t *info, natural_t count, const char *name)
{
    for (natural_t i = 0; i < count; i++) {
        if (strcmp(info[i].name, name) == 0) {
            return &info[i];
        }
    }
    return NULL;
}

static void
slab_test_against_kmem_info(const cache_info_t *info, natural_t count)
{
    const struct slab_test_line *mine = NULL;
    const cache_info_t *ci;
    struct kmem_cache_stats stats;

    slab_test_nr_lines = 0;
    KTEST_ASSERT(kmem_info(slab_test_print, NULL) == 0);
    ktest_assert_msg(slab_test_nr_lines == count, "%u kmem_info lines, %u records",
                     slab_test_nr_lines, count);
    for (unsigned int i = 0; i < slab_test_nr_lines && i < count; i++) {
        const struct slab_test_line *l = &slab_test_lines[i];

        ci = &info[i];
        ktest_assert_msg(strcmp(ci->name, l->name) == 0, "record %u: %s, kmem_info %s", i,
                         ci->name, l->name);
        ktest_assert_msg(ci->obj_size == l->field[0] && ci->slab_size == l->field[1]
                         && ci->bufs_per_slab == l->field[2]
                         && ci->cpu_pool_size == l->field[7],
                         "%s: sizes %u %u %u %u", l->name, ci->obj_size, ci->slab_size,
                         ci->bufs_per_slab, ci->cpu_pool_size);
        KTEST_ASSERT(ci->buf_size >= ci->obj_size && ci->align > 0);
        KTEST_ASSERT(((ci->flags & CACHE_FLAGS_NO_CPU_POOL) != 0) == (ci->cpu_pool_size == 0));
        KTEST_ASSERT(((ci->flags & CACHE_FLAGS_VERIFY) != 0) == l->verify);
        KTEST_ASSERT((ci->flags & ~(CACHE_FLAGS_NO_CPU_POOL | CACHE_FLAGS_SLAB_EXTERNAL
                                    | CACHE_FLAGS_VERIFY)) == 0);
        if (strcmp(l->name, "ktest_slab_info") == 0) {
            mine = l;
        }
    }
    ci = slab_test_find(info, count, "ktest_slab_info");
    KTEST_ASSERT(ci != NULL && mine != NULL);
    if (ci == NULL || mine == NULL) {
        return;
    }
    kmem_cache_stats_get(&slab_test_cache, &stats);
    KTEST_ASSERT(ci->obj_size == 200 && ci->align > 0);
    ktest_assert_msg(ci->nr_bufs == mine->field[4] && ci->nr_slabs == mine->field[5]
                     && ci->nr_free_slabs == mine->field[6],
                     "bufs %u slabs %u free %u, kmem_info %lu %lu %lu", ci->nr_bufs,
                     ci->nr_slabs, ci->nr_free_slabs, mine->field[4], mine->field[5],
                     mine->field[6]);
    ktest_assert_msg(mine->field[3] == SLAB_TEST_OBJS && ci->nr_objs == stats.nr_allocated
                     && ci->nr_objs == SLAB_TEST_OBJS + stats.nr_cached,
                     "in use %lu, nr_objs %u, allocated %lu, cached %lu", mine->field[3],
                     ci->nr_objs, stats.nr_allocated, stats.nr_cached);
}

static void
slab_info_test_fn(void)
{
    struct host *host = host_port()->kobject;
    cache_info_t *info = NULL, *given;
    void *objs[SLAB_TEST_OBJS];
    natural_t count = 0, n;
    struct vm_copy *copy;

    if (!slab_test_cache_ready) {
        KTEST_ASSERT(kmem_cache_init(&slab_test_cache, "ktest_slab_info", 200, 0, NULL, 0)
                     == 0);
        slab_test_cache_ready = true;
    }
    for (unsigned int i = 0; i < SLAB_TEST_OBJS; i++) {
        objs[i] = kmem_cache_alloc(&slab_test_cache);
        KTEST_ASSERT(objs[i] != NULL);
    }

    KTEST_ASSERT(host_slab_info(NULL, &info, &count) == KERN_INVALID_HOST
                 && info == NULL && count == 0);

    /* No room: an out-of-line copy, read back into an array here. */
    KTEST_ASSERT(host_slab_info(host, &info, &count) == KERN_SUCCESS && info != NULL
                 && count > 1);
    if (info == NULL) {
        return;
    }
    copy = (struct vm_copy *)info;
    KTEST_ASSERT(vm_copy_size(copy) == count * sizeof(*info));
    info = kmem_alloc(count * sizeof(*info));
    KTEST_ASSERT(info != NULL);
    if (info == NULL) {
        vm_copy_discard(copy);
        return;
    }
    vm_copy_read(copy, 0, info, count * sizeof(*info));
    vm_copy_discard(copy);
    slab_test_against_kmem_info(info, count);
    n = count;

    /* Exactly enough room: the caller's array, filled in place. */
    given = kmem_alloc(n * sizeof(*given));
    KTEST_ASSERT(given != NULL);
    if (given != NULL) {
        cache_info_t *p = given;
        natural_t c = n;

        KTEST_ASSERT(host_slab_info(host, &p, &c) == KERN_SUCCESS && p == given && c == n);
        KTEST_ASSERT(strcmp(p[0].name, info[0].name) == 0
                     && p[n - 1].obj_size == info[n - 1].obj_size);
        /* One too few: a copy of n, the caller's left alone. */
        c = n - 1;
        KTEST_ASSERT(host_slab_info(host, &p, &c) == KERN_SUCCESS && p != given && c == n);
        if (p != given) {
            KTEST_ASSERT(vm_copy_size((struct vm_copy *)p) == n * sizeof(*p));
            vm_copy_discard((struct vm_copy *)p);
        }
        kmem_free(given, n * sizeof(*given));
    }
    kmem_free(info, count * sizeof(*info));
    for (unsigned int i = 0; i < SLAB_TEST_OBJS; i++) {
        kmem_cache_free(&slab_test_cache, objs[i]);
    }
}

KTEST_DEFINE(slab_info, slab_info_test_fn, 0);
