/* SPDX-License-Identifier: GPL-2.0-or-later */
/*
 * gsync (kern/gsync.c) in the kernel. The test thread joins a task
 * (task_thread_enter()) to write its memory with copyout; the waiters
 * are kernel threads outside any task calling gsync_wait() on the
 * task's words (the remote case; the caller's own task takes the same
 * path). Waits that must time out or find a wrong value are made by the
 * test thread itself.
 *
 *  test=gsync   every error (no task, unaligned, unmapped, read-only
 *               with MUTATE, wrong values, QUAD words, nobody to wake or
 *               requeue); timeouts (0 ms at once, 30 ms after at least 3
 *               ticks, a timed waiter woken first); wake one in FIFO
 *               order and broadcast; requeue of one, with wake_one, and
 *               broadcast; thread_interrupt() → KERN_INTERRUPTED;
 *               MUTATE writing with and without waiters and into a
 *               copy-on-write child only; SHARED keys meeting across a
 *               parent and a child sharing memory while private keys do
 *               not. Threads, tasks and memory back after each round.
 *  test=gsync_bench (manual)  instructions of a handoff between two
 *               kernel threads on one CPU (tools/bench-kernel under
 *               -icount): A sets the word to 1 and wakes B (MUTATE),
 *               then waits while it is 1; B waits while it is 0, then
 *               sets it to 0 and wakes A. Per round trip: two wakes, two
 *               waits, two switches; best of 3 runs.
 */
#include <stdbool.h>
#include <stddef.h>
#include <stdint.h>

#include <i386/cpu.h>
#include <include/mach/kern_return.h>
#include <kern/clock.h>
#include <kern/copy.h>
#include <kern/gsync.h>
#include <kern/ktest.h>
#include <kern/printf.h>
#include <kern/task.h>
#include <kern/thread.h>
#include <machine/param.h>
#include <vm/vm_map.h>
#include <vm/vm_user.h>

#define GT_BASE         0x10000u        /* RW, inherited SHARE */
#define GT_RDONLY       0x11000u        /* read-only */
#define GT_COPY         0x12000u        /* RW, inherited COPY (last page) */
#define GT_UNMAPPED     0x20000u
#define GT_SRC          GT_BASE
#define GT_DST          (GT_BASE + 8)
#define GT_WAITERS      3
#define GT_POLL_TICKS   (2 * CLOCK_HZ)

struct gt_waiter {
    struct task *task;
    uintptr_t addr;
    uint32_t val;
    int flags;
    uint32_t msec;
    struct thread *thread;
    volatile bool done;
    volatile kern_return_t kr;
};

static void
gt_waiter_fn(void *arg)
{
    struct gt_waiter *w = arg;

    w->kr = gsync_wait(w->task, w->addr, w->val, 0, w->msec, w->flags);
    __atomic_store_n(&w->done, true, __ATOMIC_RELEASE);
}

/* Poll cond(arg) for up to GT_POLL_TICKS, yielding. */
static bool
gt_poll(bool (*cond)(void *arg), void *arg)
{
    uint64_t end = clock_ticks() + GT_POLL_TICKS;

    while (!cond(arg)) {
        if (clock_ticks() > end) {
            return false;
        }
        thread_yield();
    }
    return true;
}

struct gt_count {
    struct task *task;
    uintptr_t addr;
    int flags;
    unsigned int want;
};

static bool
gt_count_reached(void *arg)
{
    struct gt_count *c = arg;

    return gsync_waiters(c->task, c->addr, c->flags) == c->want;
}

/* Wait until exactly want threads sleep on addr. */
static bool
gt_queued(struct task *task, uintptr_t addr, int flags, unsigned int want)
{
    struct gt_count c = { task, addr, flags, want };

    return gt_poll(gt_count_reached, &c);
}

static bool
gt_done(void *arg)
{
    return __atomic_load_n(&((struct gt_waiter *)arg)->done, __ATOMIC_ACQUIRE);
}

/* Start a waiter and wait until it sleeps as the n-th one on its word. */
static bool
gt_start(struct gt_waiter *w, struct task *task, uintptr_t addr, uint32_t val, int flags,
         uint32_t msec, unsigned int n)
{
    *w = (struct gt_waiter){ .task = task, .addr = addr, .val = val, .flags = flags,
                             .msec = msec };
    w->thread = thread_create_kernel("gsync_waiter", gt_waiter_fn, w, THREAD_ANY_CPU);
    if (w->thread == NULL) {
        ktest_fail_at(__FILE__, __LINE__, "no thread");
        w->done = true;
        w->kr = KERN_RESOURCE_SHORTAGE;
        return false;
    }
    return gt_queued(task, addr, flags & GSYNC_SHARED, n);
}

/* Wait for a waiter's end; its result, or KERN_FAILURE if it hangs. */
static kern_return_t
gt_finish(struct gt_waiter *w)
{
    return gt_poll(gt_done, w) ? w->kr : KERN_FAILURE;
}

static unsigned int
gt_nr_done(struct gt_waiter *ws, unsigned int n)
{
    unsigned int done = 0;

    for (unsigned int i = 0; i < n; i++) {
        done += gt_done(&ws[i]);
    }
    return done;
}

static uint32_t
gt_read(uintptr_t addr)
{
    uint32_t val = 0xdeadbeef;

    KTEST_ASSERT(copyin((const void *)addr, &val, sizeof(val)) == 0);
    return val;
}

static void
gt_write(uintptr_t addr, uint32_t val)
{
    KTEST_ASSERT(copyout(&val, (void *)addr, sizeof(val)) == 0);
}

static void
gt_errors(struct task *task)
{
    KTEST_ASSERT(gsync_wait(NULL, GT_BASE, 7, 0, 0, 0) == KERN_INVALID_TASK);
    KTEST_ASSERT(gsync_wake(NULL, GT_BASE, 0, 0) == KERN_INVALID_TASK);
    KTEST_ASSERT(gsync_requeue(NULL, GT_SRC, GT_DST, false, 0) == KERN_INVALID_TASK);

    KTEST_ASSERT(gsync_wait(task, GT_BASE + 2, 7, 0, 0, 0) == KERN_INVALID_ADDRESS);
    KTEST_ASSERT(gsync_wake(task, GT_BASE + 1, 0, 0) == KERN_INVALID_ADDRESS);
    KTEST_ASSERT(gsync_requeue(task, GT_SRC + 2, GT_DST, false, 0) == KERN_INVALID_ADDRESS);
    KTEST_ASSERT(gsync_requeue(task, GT_SRC, GT_DST + 3, false, 0) == KERN_INVALID_ADDRESS);

    KTEST_ASSERT(gsync_wait(task, GT_UNMAPPED, 0, 0, 0, 0) == KERN_INVALID_ADDRESS);
    KTEST_ASSERT(gsync_wait(task, GT_UNMAPPED, 0, 0, 0, GSYNC_SHARED) == KERN_INVALID_ADDRESS);
    KTEST_ASSERT(gsync_wait(task, 0xC0000000u, 0, 0, 0, 0) == KERN_INVALID_ADDRESS);
    KTEST_ASSERT(gsync_wait(task, 0xFFFFFFFCu, 0, 0, 0, 0) == KERN_INVALID_ADDRESS);
    KTEST_ASSERT(gsync_wake(task, GT_UNMAPPED, 0, 0) == KERN_INVALID_ADDRESS);
    KTEST_ASSERT(gsync_wake(task, GT_UNMAPPED, 0, GSYNC_MUTATE) == KERN_INVALID_ADDRESS);
    KTEST_ASSERT(gsync_requeue(task, GT_UNMAPPED, GT_DST, false, 0) == KERN_INVALID_ADDRESS);
    KTEST_ASSERT(gsync_requeue(task, GT_SRC, GT_UNMAPPED, true, 0) == KERN_INVALID_ADDRESS);
    /* QUAD: the second word lies past the mapping's end. */
    KTEST_ASSERT(gsync_wait(task, GT_COPY + PAGE_SIZE - 4, 0, 0, 0, GSYNC_QUAD)
                 == KERN_INVALID_ADDRESS);

    /* Read-only: waits and plain wakes work, MUTATE does not and writes nothing. */
    KTEST_ASSERT(gsync_wait(task, GT_RDONLY, 1, 0, 0, 0) == KERN_INVALID_ARGUMENT);
    KTEST_ASSERT(gsync_wait(task, GT_RDONLY, 0, 0, 0, GSYNC_TIMED) == KERN_TIMEDOUT);
    KTEST_ASSERT(gsync_wake(task, GT_RDONLY, 5, 0) == KERN_INVALID_ARGUMENT);
    KTEST_ASSERT(gsync_wake(task, GT_RDONLY, 5, GSYNC_MUTATE) == KERN_INVALID_ADDRESS);
    KTEST_ASSERT(gt_read(GT_RDONLY) == 0);

    /* Values: at once, nothing queued. */
    gt_write(GT_BASE, 7);
    gt_write(GT_BASE + 4, 8);
    KTEST_ASSERT(gsync_wait(task, GT_BASE, 6, 0, 0, 0) == KERN_INVALID_ARGUMENT);
    KTEST_ASSERT(gsync_wait(task, GT_BASE, 6, 8, 0, GSYNC_QUAD) == KERN_INVALID_ARGUMENT);
    KTEST_ASSERT(gsync_wait(task, GT_BASE, 7, 9, 0, GSYNC_QUAD) == KERN_INVALID_ARGUMENT);
    KTEST_ASSERT(gsync_wait(task, GT_BASE, 7, 8, 0, GSYNC_QUAD | GSYNC_TIMED) == KERN_TIMEDOUT);
    KTEST_ASSERT(gsync_wait(task, GT_BASE, 7, 9, 0, GSYNC_TIMED) == KERN_TIMEDOUT);
    KTEST_ASSERT(gsync_waiters(task, GT_BASE, 0) == 0);

    /* Nobody to wake or move. */
    KTEST_ASSERT(gsync_wake(task, GT_BASE, 0, 0) == KERN_INVALID_ARGUMENT);
    KTEST_ASSERT(gsync_wake(task, GT_BASE, 0, GSYNC_BROADCAST) == KERN_INVALID_ARGUMENT);
    KTEST_ASSERT(gsync_requeue(task, GT_SRC, GT_DST, true, GSYNC_BROADCAST)
                 == KERN_INVALID_ARGUMENT);
}

static void
gt_timeouts(struct task *task)
{
    struct gt_waiter w;
    uint64_t start;

    start = clock_ticks();
    KTEST_ASSERT(gsync_wait(task, GT_BASE, 7, 0, 30, GSYNC_TIMED) == KERN_TIMEDOUT);
    ktest_assert_msg(clock_ticks() - start >= 3, "timed out after %u ticks",
                     (unsigned int)(clock_ticks() - start));
    KTEST_ASSERT(gsync_waiters(task, GT_BASE, 0) == 0);

    /* Woken long before its time. */
    if (gt_start(&w, task, GT_BASE, 7, GSYNC_TIMED, 60000, 1)) {
        KTEST_ASSERT(gsync_wake(task, GT_BASE, 0, 0) == KERN_SUCCESS);
    }
    KTEST_ASSERT(gt_finish(&w) == KERN_SUCCESS);

    /* A sleeping waiter times out by itself. */
    start = clock_ticks();
    gt_start(&w, task, GT_BASE, 7, GSYNC_TIMED, 20, 1);
    KTEST_ASSERT(gt_finish(&w) == KERN_TIMEDOUT);
    KTEST_ASSERT(clock_ticks() - start >= 2);
    KTEST_ASSERT(gsync_waiters(task, GT_BASE, 0) == 0);
}

static void
gt_wake(struct task *task)
{
    struct gt_waiter ws[GT_WAITERS];

    for (unsigned int i = 0; i < GT_WAITERS; i++) {
        KTEST_ASSERT(gt_start(&ws[i], task, GT_BASE, 7, 0, 0, i + 1));
    }
    KTEST_ASSERT(gsync_wake(task, GT_BASE, 0, 0) == KERN_SUCCESS);
    KTEST_ASSERT(gt_finish(&ws[0]) == KERN_SUCCESS);
    KTEST_ASSERT(gsync_waiters(task, GT_BASE, 0) == GT_WAITERS - 1);
    KTEST_ASSERT(gt_nr_done(ws, GT_WAITERS) == 1);
    KTEST_ASSERT(gsync_wake(task, GT_BASE, 0, GSYNC_BROADCAST) == KERN_SUCCESS);
    for (unsigned int i = 1; i < GT_WAITERS; i++) {
        KTEST_ASSERT(gt_finish(&ws[i]) == KERN_SUCCESS);
    }
    KTEST_ASSERT(gsync_waiters(task, GT_BASE, 0) == 0);
}

static void
gt_requeue(struct task *task)
{
    struct gt_waiter ws[GT_WAITERS];

    gt_write(GT_DST, 0);
    for (unsigned int i = 0; i < GT_WAITERS; i++) {
        KTEST_ASSERT(gt_start(&ws[i], task, GT_SRC, 7, 0, 0, i + 1));
    }
    /* One moved: the oldest. */
    KTEST_ASSERT(gsync_requeue(task, GT_SRC, GT_DST, false, 0) == KERN_SUCCESS);
    KTEST_ASSERT(gsync_waiters(task, GT_SRC, 0) == 2 && gsync_waiters(task, GT_DST, 0) == 1);
    /* wake_one wakes the next one and moves the last. */
    KTEST_ASSERT(gsync_requeue(task, GT_SRC, GT_DST, true, 0) == KERN_SUCCESS);
    KTEST_ASSERT(gt_finish(&ws[1]) == KERN_SUCCESS);
    KTEST_ASSERT(gsync_waiters(task, GT_SRC, 0) == 0 && gsync_waiters(task, GT_DST, 0) == 2);
    KTEST_ASSERT(gt_nr_done(ws, GT_WAITERS) == 1);
    /* Back with BROADCAST, then the waker of src finds both in FIFO order. */
    KTEST_ASSERT(gsync_requeue(task, GT_DST, GT_SRC, false, GSYNC_BROADCAST) == KERN_SUCCESS);
    KTEST_ASSERT(gsync_waiters(task, GT_SRC, 0) == 2 && gsync_waiters(task, GT_DST, 0) == 0);
    KTEST_ASSERT(gsync_wake(task, GT_DST, 0, 0) == KERN_INVALID_ARGUMENT);
    KTEST_ASSERT(gsync_wake(task, GT_SRC, 0, 0) == KERN_SUCCESS);
    KTEST_ASSERT(gt_finish(&ws[0]) == KERN_SUCCESS);
    KTEST_ASSERT(gsync_wake(task, GT_SRC, 0, 0) == KERN_SUCCESS);
    KTEST_ASSERT(gt_finish(&ws[2]) == KERN_SUCCESS);
    KTEST_ASSERT(gsync_waiters(task, GT_SRC, 0) == 0);
}

static void
gt_interrupt(struct task *task)
{
    struct gt_waiter w;

    if (gt_start(&w, task, GT_BASE, 7, 0, 0, 1)) {
        /* Queued, but maybe not yet asleep: interrupt until it returns. */
        for (unsigned int i = 0; i < 1000 && !gt_done(&w); i++) {
            thread_interrupt(w.thread);
            thread_yield();
        }
    }
    KTEST_ASSERT(gt_finish(&w) == KERN_INTERRUPTED);
    KTEST_ASSERT(gsync_waiters(task, GT_BASE, 0) == 0);
}

static void
gt_mutate(struct task *task, struct task *child)
{
    struct gt_waiter w;

    /* Without a waiter: written, KERN_INVALID_ARGUMENT. */
    KTEST_ASSERT(gsync_wake(task, GT_COPY, 42, GSYNC_MUTATE) == KERN_INVALID_ARGUMENT);
    KTEST_ASSERT(gt_read(GT_COPY) == 42);
    /* With one: written, then woken. */
    if (gt_start(&w, task, GT_COPY, 42, 0, 0, 1)) {
        KTEST_ASSERT(gsync_wake(task, GT_COPY, 43, GSYNC_MUTATE) == KERN_SUCCESS);
    }
    KTEST_ASSERT(gt_finish(&w) == KERN_SUCCESS);
    KTEST_ASSERT(gt_read(GT_COPY) == 43);
    /* The child's copy-on-write copy (made before) changes alone. */
    KTEST_ASSERT(gsync_wait(child, GT_COPY, 0x5a5a, 0, 0, GSYNC_TIMED) == KERN_TIMEDOUT);
    KTEST_ASSERT(gsync_wake(child, GT_COPY, 99, GSYNC_MUTATE) == KERN_INVALID_ARGUMENT);
    KTEST_ASSERT(gsync_wait(child, GT_COPY, 99, 0, 0, GSYNC_TIMED) == KERN_TIMEDOUT);
    KTEST_ASSERT(gt_read(GT_COPY) == 43);
}

static void
gt_shared(struct task *task, struct task *child)
{
    struct gt_waiter w;

    /* The child sleeps on the shared word with a shared key. */
    if (gt_start(&w, child, GT_BASE, 7, GSYNC_SHARED, 0, 1)) {
        KTEST_ASSERT(gsync_waiters(task, GT_BASE, GSYNC_SHARED) == 1);
        KTEST_ASSERT(gsync_waiters(task, GT_BASE, 0) == 0);
        KTEST_ASSERT(gsync_wake(task, GT_BASE, 0, 0) == KERN_INVALID_ARGUMENT);
        KTEST_ASSERT(gsync_wake(child, GT_BASE, 0, 0) == KERN_INVALID_ARGUMENT);
        KTEST_ASSERT(gsync_wake(task, GT_BASE, 0, GSYNC_SHARED) == KERN_SUCCESS);
    }
    KTEST_ASSERT(gt_finish(&w) == KERN_SUCCESS);

    /* A private key of the child does not meet the parent's. */
    if (gt_start(&w, child, GT_BASE, 7, 0, 0, 1)) {
        KTEST_ASSERT(gsync_waiters(task, GT_BASE, 0) == 0);
        KTEST_ASSERT(gsync_wake(task, GT_BASE, 0, GSYNC_SHARED) == KERN_INVALID_ARGUMENT);
        KTEST_ASSERT(gsync_wake(child, GT_BASE, 0, 0) == KERN_SUCCESS);
    }
    KTEST_ASSERT(gt_finish(&w) == KERN_SUCCESS);

    /* A MUTATE through the parent is seen by the child's wait. */
    KTEST_ASSERT(gsync_wake(task, GT_BASE + 12, 0x77, GSYNC_MUTATE | GSYNC_SHARED)
                 == KERN_INVALID_ARGUMENT);
    KTEST_ASSERT(gsync_wait(child, GT_BASE + 12, 0x77, 0, 0, GSYNC_TIMED | GSYNC_SHARED)
                 == KERN_TIMEDOUT);
}

static void
gsync_test_fn(void)
{
    unsigned int threads_before = thread_count();
    struct task *task, *child;
    uintptr_t addr = GT_BASE;

    if (task_create_named(NULL, false, "gsync_test", &task) != KERN_SUCCESS) {
        ktest_fail_at(__FILE__, __LINE__, "no task");
        return;
    }
    KTEST_ASSERT(vm_user_allocate(task->map, &addr, 3 * PAGE_SIZE, false) == KERN_SUCCESS);
    KTEST_ASSERT(vm_user_protect(task->map, GT_RDONLY, PAGE_SIZE, false, VM_MAP_PROT_READ)
                 == KERN_SUCCESS);
    KTEST_ASSERT(vm_user_inherit(task->map, GT_BASE, PAGE_SIZE, VM_MAP_INHERIT_SHARE)
                 == KERN_SUCCESS);
    KTEST_ASSERT(task_thread_enter(task) == KERN_SUCCESS);

    gt_errors(task);
    gt_timeouts(task);
    gt_wake(task);
    gt_requeue(task);
    gt_interrupt(task);

    gt_write(GT_COPY, 0x5a5a);
    if (task_create_named(task, true, "gsync_child", &child) == KERN_SUCCESS) {
        gt_mutate(task, child);
        gt_shared(task, child);
        KTEST_ASSERT(task_terminate(child) == KERN_SUCCESS);
    } else {
        ktest_fail_at(__FILE__, __LINE__, "no child task");
    }

    task_thread_leave();
    KTEST_ASSERT(task_terminate(task) == KERN_SUCCESS);
    ktest_assert_msg(ktest_wait_threads(threads_before), "%u threads, %u before",
                     thread_count(), threads_before);
}

KTEST_DEFINE(gsync, gsync_test_fn, 0);

#define GT_BENCH_RUNS           3
#define GT_BENCH_ROUNDS         2000

struct gt_bench {
    struct task *task;
    volatile bool stop;
    volatile bool done;
    unsigned int failures;
};

/* B: wait while the word is 0, hand it back as 0, until told to stop. */
static void
gt_bench_partner(void *arg)
{
    struct gt_bench *b = arg;

    for (;;) {
        kern_return_t kr = gsync_wait(b->task, GT_BASE, 0, 0, 0, 0);

        b->failures += (kr != KERN_SUCCESS && kr != KERN_INVALID_ARGUMENT);
        if (b->stop) {
            break;
        }
        gsync_wake(b->task, GT_BASE, 0, GSYNC_MUTATE);
    }
    __atomic_store_n(&b->done, true, __ATOMIC_RELEASE);
}

static bool
gt_bench_done(void *arg)
{
    return __atomic_load_n(&((struct gt_bench *)arg)->done, __ATOMIC_ACQUIRE);
}

static void
gsync_bench_fn(void)
{
    struct gt_bench b = { 0 };
    uint64_t best = UINT64_MAX;
    uintptr_t addr = GT_BASE;
    unsigned int cpu = cpu_id();

    if (task_create_named(NULL, false, "gsync_bench", &b.task) != KERN_SUCCESS) {
        ktest_fail_at(__FILE__, __LINE__, "no task");
        return;
    }
    KTEST_ASSERT(vm_user_allocate(b.task->map, &addr, PAGE_SIZE, false) == KERN_SUCCESS);
    if (thread_create_kernel("gsync_bench", gt_bench_partner, &b, cpu) == NULL) {
        ktest_fail_at(__FILE__, __LINE__, "no thread");
        task_terminate(b.task);
        return;
    }
    KTEST_ASSERT(gt_queued(b.task, GT_BASE, 0, 1));
    for (unsigned int run = 0; run < GT_BENCH_RUNS; run++) {
        uint64_t start = cpu_rdtsc(), t;

        for (unsigned int i = 0; i < GT_BENCH_ROUNDS; i++) {
            gsync_wake(b.task, GT_BASE, 1, GSYNC_MUTATE);
            kern_return_t kr = gsync_wait(b.task, GT_BASE, 1, 0, 0, 0);

            b.failures += (kr != KERN_SUCCESS && kr != KERN_INVALID_ARGUMENT);
        }
        t = cpu_rdtsc() - start;
        best = (t < best) ? t : best;
    }
    b.stop = true;
    gsync_wake(b.task, GT_BASE, 1, GSYNC_MUTATE);
    KTEST_ASSERT(gt_poll(gt_bench_done, &b));
    ktest_assert_msg(b.failures == 0, "%u failures", b.failures);
    printf("bench: gsync handoff (wake+wait each way, two threads, one CPU): "
           "%u instructions per round trip\n",
           (unsigned int)((best + GT_BENCH_ROUNDS / 2) / GT_BENCH_ROUNDS));
    KTEST_ASSERT(task_terminate(b.task) == KERN_SUCCESS);
}

KTEST_DEFINE(gsync_bench, gsync_bench_fn, KTEST_MANUAL);
