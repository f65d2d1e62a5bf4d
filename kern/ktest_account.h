/* SPDX-License-Identifier: GPL-2.0-or-later */
/*
 * Memory accounting around rounds of in-kernel tests.
 *
 * A snapshot records, after bringing memory to rest, every segment's
 * free pages and free blocks per order, and every kmem cache's slabs,
 * objects out of the slab layer and depot magazines, and the number of
 * threads. A test that leaks, or keeps state from one run to the next,
 * changes a count: ktest compares the snapshots taken before and after
 * each round of a repeated test (`test=NAME*N`).
 */
#ifndef KERN_KTEST_ACCOUNT_H
#define KERN_KTEST_ACCOUNT_H

#include <stdbool.h>

#include <kern/kmem.h>
#include <vm/vm_page.h>

/* Caches recorded; more is reported as a failure of the snapshot. */
#define KTEST_ACCOUNT_CACHES    192

struct ktest_account_cache {
    const char *name;
    unsigned long nr_slabs;
    unsigned long nr_allocated;
    unsigned long depot_nr_full;
    unsigned long depot_nr_empty;
};

struct ktest_account {
    const char *seg_names[VM_PAGE_NR_SEGS];
    unsigned long seg_free[VM_PAGE_NR_SEGS];
    unsigned long seg_blocks[VM_PAGE_NR_SEGS][VM_PAGE_NR_ORDERS];
    struct ktest_account_cache caches[KTEST_ACCOUNT_CACHES];
    unsigned int nr_caches;
    bool caches_overflow;
    bool blocks_unknown;        /* free pages added by hand: no block layout */
    unsigned int nr_threads;
};

/*
 * Bring memory to rest and record it in *account: wait (up to a second)
 * for dead threads to be reaped down to want_threads (0: do not wait),
 * wait for deferred (QSBR) frees, then on every CPU return its kmem
 * magazines, every depot and every empty slab (kmem_purge()) and its
 * vm_page pools to the free blocks. Thread context, interrupts enabled,
 * other CPUs idle.
 */
void ktest_account_take(struct ktest_account *account, unsigned int want_threads);

/*
 * Expect pages more free pages in segment seg of *account than it
 * recorded (memory the kernel gave back for good meanwhile, such as boot
 * modules): the free blocks per order are then not compared, since
 * their layout cannot be predicted.
 */
void ktest_account_free_add(struct ktest_account *account, unsigned int seg,
                            unsigned long pages);

/*
 * Compare two snapshots; print a TAP diagnostic per difference, prefixed
 * with what. Returns true when every count is equal (a cache that
 * appears only in after must hold nothing).
 */
bool ktest_account_equal(const struct ktest_account *before,
                         const struct ktest_account *after, const char *what);

#endif /* KERN_KTEST_ACCOUNT_H */
