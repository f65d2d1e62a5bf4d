/* SPDX-License-Identifier: GPL-2.0-or-later */
/*
 * test=task_bench (manual): instruction counts of tasks and their traps,
 * for QEMU with -icount shift=0,sleep=off, where rdtsc counts guest
 * instructions (tools/bench-kernel task_bench mach 256M).
 *
 *   create+terminate      task_create_named() + task_terminate() of an empty
 *                         task (space, map with its pmap, kernel port)
 *   ... with a thread     the same with the caller entering and leaving
 *                         it (thread port, pmap switches)
 *   mach_task_self        the trap's C function from a task thread: the
 *                         special port, the reverse lookup and one more
 *                         uref (the trap entry and exit are not counted),
 *                         + syscall_mach_port_deallocate() of the uref
 *
 * (The vm_* traps copy their address words through copyin/copyout,
 * whose fallback on this branch is a byte loop over the probes: not
 * measured until the machine layer's copies are in.)
 *
 * Every figure is the best of TASK_BENCH_RUNS runs, per operation.
 */
#include <stdint.h>

#include <i386/cpu.h>
#include <include/mach/kern_return.h>
#include <kern/printf.h>
#include <kern/ktest.h>
#include <kern/mach_trap.h>
#include <kern/task.h>

#define TASK_BENCH_RUNS         3
#define TASK_BENCH_TASKS        200
#define TASK_BENCH_CALLS        20000

static unsigned int
task_bench_best(uint64_t best, unsigned int ops)
{
    return (unsigned int)((best + ops / 2) / ops);
}

static void
task_bench_create(bool with_thread)
{
    uint64_t best = UINT64_MAX;
    unsigned int failures = 0;

    for (unsigned int run = 0; run < TASK_BENCH_RUNS; run++) {
        uint64_t start = cpu_rdtsc(), t;

        for (unsigned int i = 0; i < TASK_BENCH_TASKS; i++) {
            struct task *task;

            if (task_create_named(NULL, false, "bench", &task) != KERN_SUCCESS) {
                failures++;
                continue;
            }
            if (with_thread) {
                failures += task_thread_enter(task) != KERN_SUCCESS;
                task_thread_leave();
            }
            failures += task_terminate(task) != KERN_SUCCESS;
        }
        t = cpu_rdtsc() - start;
        best = (t < best) ? t : best;
    }
    ktest_assert_msg(failures == 0, "%u failures", failures);
    printf("bench: task create+terminate%s: %u instructions\n",
           with_thread ? " with a thread entering and leaving" : "",
           task_bench_best(best, TASK_BENCH_TASKS));
}

static void
task_bench_traps(void)
{
    uint64_t best_self = UINT64_MAX;
    mach_port_name_t self;
    unsigned int failures = 0;
    struct task *task;

    if (task_create_named(NULL, false, "bench", &task) != KERN_SUCCESS
        || task_thread_enter(task) != KERN_SUCCESS) {
        ktest_fail_at(__FILE__, __LINE__, "no task");
        return;
    }
    self = mach_task_self();
    for (unsigned int run = 0; run < TASK_BENCH_RUNS; run++) {
        uint64_t start = cpu_rdtsc(), t;

        for (unsigned int i = 0; i < TASK_BENCH_CALLS; i++) {
            failures += mach_task_self() != self;
            failures += syscall_mach_port_deallocate(self, self) != KERN_SUCCESS;
        }
        t = cpu_rdtsc() - start;
        best_self = (t < best_self) ? t : best_self;
    }
    ktest_assert_msg(failures == 0, "%u failures", failures);
    printf("bench: mach_task_self + syscall_mach_port_deallocate: %u instructions\n",
           task_bench_best(best_self, TASK_BENCH_CALLS));
    task_thread_leave();
    task_terminate(task);
}

static void
task_bench_fn(void)
{
    task_bench_create(false);
    task_bench_create(true);
    task_bench_traps();
}

KTEST_DEFINE(task_bench, task_bench_fn, KTEST_MANUAL);
