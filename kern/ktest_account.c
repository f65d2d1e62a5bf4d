/* SPDX-License-Identifier: GPL-2.0-or-later */
/*
 * Memory accounting around rounds of in-kernel tests.
 *
 * Design: the counts are only comparable at rest, so a snapshot first
 * removes every cache of free memory whose content depends on which CPU
 * did what: deferred frees are waited for, then each CPU empties its own
 * kmem magazines (only a CPU may touch its pools), kmem_purge() returns
 * depots and every empty slab, and the CPU drains its vm_page pools last,
 * since the purge frees pages into them. The order of those steps on
 * different CPUs does not matter: each CPU frees what it empties and
 * drains only after its own purge. What is left is memory really in use,
 * so equal counts before and after a round mean the round gave back
 * everything it took. The free block counts per order are compared too:
 * the buddy layout of a given set of free pages is unique, so a page
 * kept, even one with the same total, shows up.
 */
#include <stdbool.h>
#include <stddef.h>

#include <kern/kmem.h>
#include <kern/ktest.h>
#include <kern/ktest_account.h>
#include <kern/panic.h>
#include <kern/qsbr.h>
#include <kern/thread.h>
#include <machine/smp.h>
#include <vm/vm_page.h>

static void
ktest_account_settle_cpu(void *arg)
{
    (void)arg;
    kmem_purge();
    vm_page_pool_drain();
}

static void
ktest_account_cache(const struct kmem_cache_stats *stats, void *arg)
{
    struct ktest_account *account = arg;
    struct ktest_account_cache *c;

    if (account->nr_caches == KTEST_ACCOUNT_CACHES) {
        account->caches_overflow = true;
        return;
    }
    c = &account->caches[account->nr_caches++];
    c->name = stats->name;
    c->nr_slabs = stats->nr_slabs;
    c->nr_allocated = stats->nr_allocated;
    c->depot_nr_full = stats->depot_nr_full;
    c->depot_nr_empty = stats->depot_nr_empty;
}

void
ktest_account_take(struct ktest_account *account, unsigned int want_threads)
{
    struct vm_page_seg_stats stats;

    if (want_threads != 0) {
        ktest_wait_threads(want_threads);
    }
    qsbr_drain();
    smp_call_all(ktest_account_settle_cpu, NULL);

    account->nr_threads = thread_count();
    for (unsigned int seg = 0; seg < VM_PAGE_NR_SEGS; seg++) {
        if (vm_page_seg_stats_get(seg, &stats) != 0) {
            stats.name = "?";
            stats.nr_free = 0;
            for (unsigned int order = 0; order < VM_PAGE_NR_ORDERS; order++) {
                stats.nr_blocks[order] = 0;
            }
        }
        account->seg_names[seg] = stats.name;
        account->seg_free[seg] = stats.nr_free;
        for (unsigned int order = 0; order < VM_PAGE_NR_ORDERS; order++) {
            account->seg_blocks[seg][order] = stats.nr_blocks[order];
        }
    }
    account->nr_caches = 0;
    account->caches_overflow = false;
    account->blocks_unknown = false;
    kmem_cache_stats_walk(ktest_account_cache, account);
}

void
ktest_account_free_add(struct ktest_account *account, unsigned int seg, unsigned long pages)
{
    assert(seg < VM_PAGE_NR_SEGS);
    if (pages != 0) {
        account->seg_free[seg] += pages;
        account->blocks_unknown = true;
    }
}

static bool
ktest_account_cache_equal(const struct ktest_account_cache *b,
                          const struct ktest_account_cache *a, const char *what)
{
    if (b->nr_slabs == a->nr_slabs && b->nr_allocated == a->nr_allocated
        && b->depot_nr_full == a->depot_nr_full && b->depot_nr_empty == a->depot_nr_empty) {
        return true;
    }
    ktest_diag("%s: cache %s: %lu slabs, %lu objects, depot %lu full + %lu empty magazines; "
               "before: %lu, %lu, %lu + %lu", what, a->name, a->nr_slabs, a->nr_allocated,
               a->depot_nr_full, a->depot_nr_empty, b->nr_slabs, b->nr_allocated,
               b->depot_nr_full, b->depot_nr_empty);
    return false;
}

bool
ktest_account_equal(const struct ktest_account *before,
                    const struct ktest_account *after, const char *what)
{
    static const struct ktest_account_cache none;
    bool equal = true;

    if (before->nr_threads != after->nr_threads) {
        ktest_diag("%s: %u threads, %u before", what, after->nr_threads, before->nr_threads);
        equal = false;
    }
    for (unsigned int seg = 0; seg < VM_PAGE_NR_SEGS; seg++) {
        if (before->seg_free[seg] != after->seg_free[seg]) {
            ktest_diag("%s: segment %s: %lu free pages, %lu before", what, after->seg_names[seg],
                       after->seg_free[seg], before->seg_free[seg]);
            equal = false;
        }
        for (unsigned int order = 0; order < VM_PAGE_NR_ORDERS; order++) {
            if (before->blocks_unknown || after->blocks_unknown) {
                break;
            }
            if (before->seg_blocks[seg][order] != after->seg_blocks[seg][order]) {
                ktest_diag("%s: segment %s: %lu free blocks of order %u, %lu before", what,
                           after->seg_names[seg], after->seg_blocks[seg][order], order,
                           before->seg_blocks[seg][order]);
                equal = false;
            }
        }
    }
    if (before->caches_overflow || after->caches_overflow) {
        ktest_diag("%s: more than %d caches, not all compared", what, KTEST_ACCOUNT_CACHES);
        equal = false;
    }
    /* Caches are never destroyed: the lists match up to after's new ones. */
    for (unsigned int i = 0; i < after->nr_caches; i++) {
        const struct ktest_account_cache *b = (i < before->nr_caches) ? &before->caches[i]
                                                                       : &none;

        if (!ktest_account_cache_equal(b, &after->caches[i], what)) {
            equal = false;
        }
    }
    if (after->nr_caches < before->nr_caches) {
        ktest_diag("%s: %u caches, %u before", what, after->nr_caches, before->nr_caches);
        equal = false;
    }
    return equal;
}
