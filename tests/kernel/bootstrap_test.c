/* SPDX-License-Identifier: GPL-2.0-or-later */
/*
 * Module memory goes back to vm_page after bootstrap loaded the tasks.
 *
 * Run on a user-test boot line whose modules are boot tasks
 * (test=bootstrap_release): bootstrap_run() gave each module back right
 * after its exec and recorded what happened. For each release, the
 * pages freed must be the pages the module's bytes cover, give or take
 * the first and last page (which another boot range, such as the next
 * module or a string, may share); the free page count must have risen
 * by exactly that many (the release ran with preemption off, on a
 * single CPU nothing else allocates); and every page wholly inside the
 * module must now be managed by vm_page (no longer reserved). The test
 * fails when nothing was released, so it cannot pass on a boot without
 * modules.
 */
#include <stdbool.h>
#include <stddef.h>
#include <stdint.h>

#include <kern/bootstrap.h>
#include <kern/ktest.h>
#include <kern/macros.h>
#include <machine/param.h>
#include <vm/vm_page.h>

static void
bootstrap_test_release_fn(void)
{
    struct bootstrap_release rel;
    unsigned int i;

    for (i = 0; bootstrap_release_get(i, &rel); i++) {
        uintptr_t first = P2ROUND(rel.start, PAGE_SIZE);
        uintptr_t last = P2TRUNC(rel.start + rel.size, PAGE_SIZE);
        unsigned long covered = (P2ROUND(rel.start + rel.size, PAGE_SIZE)
                                 - P2TRUNC(rel.start, PAGE_SIZE)) / PAGE_SIZE;
        unsigned long inside = last > first ? (last - first) / PAGE_SIZE : 0;

        ktest_diag("bootstrap_release: module %u: %zu bytes, %lu pages covered, "
                   "%lu freed, free pages %lu -> %lu", rel.index, rel.size, covered,
                   rel.pages, rel.free_before, rel.free_after);
        ktest_assert_msg(rel.pages >= inside && rel.pages <= covered,
                         "module %u: %lu pages freed, expected %lu to %lu", rel.index,
                         rel.pages, inside, covered);
        ktest_assert_msg(rel.free_after - rel.free_before == rel.pages,
                         "module %u: free pages rose by %lu, %lu freed", rel.index,
                         rel.free_after - rel.free_before, rel.pages);
        for (uintptr_t va = first; va < last; va += PAGE_SIZE) {
            struct vm_page *page = vm_page_lookup(kvtophys((void *)va));

            ktest_assert_msg(page != NULL && page->type != VM_PAGE_RESERVED,
                             "module %u: page 0x%lx still reserved", rel.index,
                             (unsigned long)va);
        }
    }
    ktest_assert_msg(i != 0, "no module was given back (boot with boot tasks)");
}

KTEST_DEFINE(bootstrap_release, bootstrap_test_release_fn, KTEST_MANUAL);
