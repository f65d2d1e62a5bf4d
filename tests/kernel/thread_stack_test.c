/* SPDX-License-Identifier: GPL-2.0-or-later */
/*
 * Kernel stack guard pages.
 *
 * test=thread_stack: a thread finds its stack mapped and writable and the
 * page right below it unmapped (a probe read faults). After many threads
 * have run and exited, the reaper has given back every stack: the kernel
 * map holds as many bytes as before, and the thread count is back.
 *
 * test=selftest_stack_overflow (manual, must fail): a thread recurses
 * until it runs off its stack. The boot matrix expects the double-fault
 * task to name the thread and end the test as a failure, instead of a
 * silent reset or a corrupted neighbour.
 */
#include <stdbool.h>
#include <stdint.h>

#include <i386/param.h>
#include <i386/probe.h>
#include <kern/ktest.h>
#include <kern/spinlock.h>
#include <kern/thread.h>
#include <vm/vm_kmem.h>
#include <vm/vm_map.h>

#define THREAD_STACK_TEST_THREADS  64

static struct spinlock thread_stack_test_lock = SPINLOCK_INITIALIZER;
static struct waitq thread_stack_test_wq;
static unsigned int thread_stack_test_done, thread_stack_test_bad;

/* Check the calling thread's own stack and guard page; count failures. */
static void
thread_stack_test_probe(void *arg)
{
    const struct thread *self = thread_self();
    char *stack = self->stack;
    uint32_t value;
    bool ok;

    (void)arg;
    ok = probe_write32(stack, 0x5a5a5a5a) == 0
         && probe_read32(stack + KERNEL_STACK_SIZE - 4, &value) == 0
         && probe_read32(stack - 4, &value) != 0
         && probe_read32(stack - PAGE_SIZE, &value) != 0
         && thread_stack_guard_contains(self, (uintptr_t)stack - 1)
         && !thread_stack_guard_contains(self, (uintptr_t)stack);
    spinlock_lock(&thread_stack_test_lock);
    thread_stack_test_bad += ok ? 0 : 1;
    thread_stack_test_done++;
    waitq_wakeup_all(&thread_stack_test_wq);
    spinlock_unlock(&thread_stack_test_lock);
}

static uintptr_t
thread_stack_test_mapped(void)
{
    struct vm_map_stats stats;

    vm_map_lock(vm_kmem_map());
    vm_map_stats_get(vm_kmem_map(), &stats);
    vm_map_unlock(vm_kmem_map());
    return stats.mapped;
}

static void
thread_stack_test_fn(void)
{
    unsigned int threads_before = thread_count();
    uintptr_t mapped_before = thread_stack_test_mapped();

    waitq_init(&thread_stack_test_wq);
    thread_stack_test_done = 0;
    thread_stack_test_bad = 0;
    for (unsigned int i = 0; i < THREAD_STACK_TEST_THREADS; i++) {
        ktest_assert_msg(thread_create_kernel("stack", thread_stack_test_probe, NULL,
                                       THREAD_ANY_CPU) != NULL,
                         "thread %u not created", i);
    }
    spinlock_lock(&thread_stack_test_lock);
    while (thread_stack_test_done < THREAD_STACK_TEST_THREADS) {
        waitq_sleep(&thread_stack_test_wq, &thread_stack_test_lock);
    }
    spinlock_unlock(&thread_stack_test_lock);
    ktest_assert_msg(thread_stack_test_bad == 0,
                     "%u of %u threads saw a bad stack or guard page",
                     thread_stack_test_bad, THREAD_STACK_TEST_THREADS);

    ktest_assert_msg(ktest_wait_threads(threads_before), "%u threads left, want %u",
                     thread_count(), threads_before);
    ktest_assert_msg(thread_stack_test_mapped() == mapped_before,
                     "kernel map holds 0x%lx bytes, 0x%lx before the threads",
                     (unsigned long)thread_stack_test_mapped(),
                     (unsigned long)mapped_before);
}

KTEST_DEFINE(thread_stack, thread_stack_test_fn, 0);

static volatile unsigned int thread_stack_test_depth_limit = ~0u;

/* Recurse with a frame of about 256 bytes until the stack runs out. */
static unsigned int __attribute__((noinline))
thread_stack_test_recurse(unsigned int depth)
{
    volatile char frame[256];

    frame[0] = (char)depth;
    if (depth == thread_stack_test_depth_limit) {
        return frame[0];
    }
    return thread_stack_test_recurse(depth + 1) + frame[0];
}

static void
thread_stack_test_overflow(void *arg)
{
    (void)arg;
    thread_stack_test_recurse(0);
}

static void
thread_stack_test_overflow_fn(void)
{
    KTEST_ASSERT(thread_create_kernel("overflow", thread_stack_test_overflow, NULL,
                               THREAD_ANY_CPU) != NULL);
    thread_delay(200);
    ktest_assert_msg(false, "the overflowing thread was not stopped");
}

KTEST_DEFINE(selftest_stack_overflow, thread_stack_test_overflow_fn, KTEST_MANUAL);
