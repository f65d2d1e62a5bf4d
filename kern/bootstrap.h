/* SPDX-License-Identifier: GPL-2.0-or-later */
/*
 * The first user tasks, from the boot loader's modules (kern/bootstrap.c,
 * doc/user.md "Bootstrap").
 */
#ifndef KERN_BOOTSTRAP_H
#define KERN_BOOTSTRAP_H

#include <stdbool.h>
#include <stddef.h>
#include <stdint.h>

/* What giving one module's memory back did (bootstrap_release_get()). */
struct bootstrap_release {
    unsigned int index;             /* the module's number */
    uintptr_t start;                /* its bytes, in the direct map (no longer readable) */
    size_t size;
    unsigned long pages;            /* pages freed */
    unsigned long free_before;      /* free pages of vm_page, all segments */
    unsigned long free_after;
};

/*
 * Run every module string as a line of the boot script: create, load
 * and start the tasks, then resume those the script resumes. Each
 * module that was loaded as a task (or failed to load) is then given
 * back to vm_page, with a console line saying how many pages that
 * freed and the free page count before and after. Errors
 * (a malformed line, an image that is not a static ELF32 i386
 * executable, no memory) are console lines naming the module; the
 * other modules go on. Once, from startup(), in thread context, after
 * tasks and the host ports are set up.
 */
void bootstrap_run(void);

/*
 * With `user-test` on the command line (doc/testing.md): wait until
 * every task has ended (polling each tick), then print "user-test: all
 * tasks ended". Without it, return at once. Thread context.
 */
void bootstrap_user_test_wait(void);

/*
 * The i-th module release of bootstrap_run(), in release order, in
 * *release: returns false past the last one. After bootstrap_run().
 */
bool bootstrap_release_get(unsigned int i, struct bootstrap_release *release);

/*
 * Add the pages bootstrap_run() gave back to vm_page to pages[seg], per
 * segment (VM_PAGE_NR_SEGS entries): memory accounting across the boot
 * tasks (kern/ktest.h) expects exactly that many more free pages.
 */
void bootstrap_released_pages(unsigned long *pages);

#endif /* KERN_BOOTSTRAP_H */
