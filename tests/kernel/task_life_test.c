/* SPDX-License-Identifier: GPL-2.0-or-later */
/*
 * Task and thread lifetime (kern/task.h, "Lifetime"):
 *
 *  test=task_life_race   readers on the other CPUs hammer the threads of
 *                        a task through the routines that follow
 *                        thread->task and lock the task (thread_suspend/
 *                        resume, thread_get_state, thread_info,
 *                        thread_priority, thread_special_port_get and
 *                        a lookup of the port it gives,
 *                        convert_thread_to_port, thread_get_assignment)
 *                        while the task is terminated, then on the dead
 *                        threads; each thread reference must keep the
 *                        task it points to. After termination: the space
 *                        is inactive and empty, the map empty, the task
 *                        still there for the threads holding it; the
 *                        dead threads' routines give GNU Mach's errors;
 *                        everything is freed once the threads are.
 *
 * Rationale. The race it looks for is a reader that read thread->task
 * a moment before the task was freed and then locks it. The widest
 * window is a reader's wait on the task's queue (thread_get_state and
 * thread_suspend wait there for the thread to stop) that termination
 * ends: the reader then locks the task again. The threads of the task
 * check their ASTs every few ticks (stops take a while, so readers do
 * wait) and run on CPU 0, where they leave quickly once terminated;
 * each reader shares its CPU with a hog that runs for LIFE_HOG_TICKS
 * without preemption, so a woken reader often runs again only after
 * the threads left and the terminator let go of the task. The test
 * holds references to the threads only, never to the task: those must
 * keep it. A free of the task under a reader shows in the debug (PAE)
 * build, whose kmem verify mode fills freed objects with a pattern and
 * checks it at the next allocation: on the kernel before this test,
 * "panic: kmem: write after free in cache task" at offset 0 (the task
 * lock), in the next round's task_create, in 6 boots out of 6.
 */
#include <stdbool.h>
#include <stddef.h>
#include <stdint.h>

#include <i386/smp.h>
#include <include/mach/kern_return.h>
#include <include/mach/message.h>
#include <include/mach/machine/thread_status.h>
#include <include/mach/thread_info.h>
#include <ipc/ipc_port.h>
#include <ipc/ipc_right.h>
#include <ipc/ipc_space.h>
#include <kern/clock.h>
#include <kern/ktest.h>
#include <kern/macros.h>
#include <kern/printf.h>
#include <kern/rdxtree.h>
#include <kern/mig_kernel.h>
#include <kern/percpu.h>
#include <kern/processor.h>
#include <kern/spinlock.h>
#include <kern/string.h>
#include <kern/task.h>
#include <kern/thread.h>
#include <kern/thread_control.h>
#include <kern/task_control.h>
#include <kern/thread_state.h>
#include <vm/vm_user.h>

#define LIFE_ROUNDS             12
#define LIFE_MEMBERS            3
#define LIFE_MAX_READERS        LIFE_MEMBERS
#define LIFE_OPS                8
#define LIFE_HOG_TICKS          8       /* longer than the threads take to leave */

static struct task *life_task;
static struct thread *life_members[LIFE_MEMBERS];   /* each with a reference for the test */
static unsigned int life_entered;                   /* atomic */
static unsigned int life_round;                     /* atomic: readers work while odd */
static unsigned int life_quit;                      /* atomic */
static unsigned long life_calls;                    /* atomic */
static unsigned int life_idle;                      /* atomic: readers between rounds */
static unsigned int life_bad;                       /* atomic: impossible results seen */
static unsigned long life_hogged;                   /* atomic: the hogs' loops */

/* A thread of the task: checks its ASTs (stops, ends) as a user thread would. */
static void
life_member(void *arg)
{
    uintptr_t i = (uintptr_t)arg;

    if (task_thread_enter(life_task) != KERN_SUCCESS) {
        return;
    }
    thread_ref(thread_self());          /* the test's */
    __atomic_store_n(&life_members[i], thread_self(), __ATOMIC_RELEASE);
    __atomic_fetch_add(&life_entered, 1, __ATOMIC_RELEASE);
    for (;;) {
        thread_ast_check();             /* ends here once the task is terminated */
        thread_delay(3);                /* ASTs seen every 3 ticks: stops take a while */
    }
}

/*
 * Keeps a reader's CPU busy in stretches of LIFE_HOG_TICKS without
 * preemption (as a long kernel section would), so that a reader woken
 * on it (its wait on the task ended) may run again only after the
 * task's threads have left and the terminator has let go of the task.
 */
static void
life_hog(void *arg)
{
    (void)arg;
    while (!__atomic_load_n(&life_quit, __ATOMIC_ACQUIRE)) {
        uint64_t end = clock_ticks() + LIFE_HOG_TICKS;

        preempt_disable();
        while (clock_ticks() < end) {
            __atomic_fetch_add(&life_hogged, 1, __ATOMIC_RELAXED);
        }
        preempt_enable();
        thread_delay(1);
    }
}

/* Release a send right made by a conversion, if any. */
static void
life_send_release(ipc_port_t port)
{
    if (IP_VALID(port)) {
        ipc_port_release_send(port);
    }
}

/* One reader call on t, chosen by op; counts results no routine can give. */
static void
life_read(struct thread *t, unsigned int op)
{
    uint32_t state[PCB_STATE_MAX_WORDS];
    integer_t info[THREAD_BASIC_INFO_COUNT];
    natural_t count;
    struct processor_set *set;
    ipc_port_t port;
    kern_return_t kr = KERN_SUCCESS;

    switch (op) {
    case 0:
        kr = thread_suspend(t);
        if (kr == KERN_SUCCESS) {
            kr = thread_resume(t);
            /* The task may be terminated in between: then KERN_FAILURE. */
            kr = (kr == KERN_FAILURE) ? KERN_SUCCESS : kr;
        }
        break;
    case 1:
        count = PCB_STATE_MAX_WORDS;
        kr = thread_get_state(t, i386_THREAD_STATE, state, &count);
        break;
    case 2:
        count = THREAD_BASIC_INFO_COUNT;
        kr = thread_info(t, THREAD_BASIC_INFO, info, &count);
        if (kr != KERN_SUCCESS) {
            __atomic_fetch_add(&life_bad, 1, __ATOMIC_RELAXED);
        }
        break;
    case 3:
        kr = thread_priority(t, PROCESSOR_BASEPRI_USER, false);
        break;
    case 4:
        kr = thread_special_port_get(t, THREAD_KERNEL_PORT, &port);
        if (kr == KERN_SUCCESS && port != NULL) {
            /* The port lookup, racing with the thread leaving (its port dies). */
            struct thread *found = task_thread_from_port(port);

            if (found != NULL) {
                if (found != t) {
                    __atomic_fetch_add(&life_bad, 1, __ATOMIC_RELAXED);
                }
                thread_unref(found);
            }
            ipc_port_unref(port);
        }
        break;
    case 5:
        thread_ref(t);                  /* convert_thread_to_port consumes one */
        life_send_release(convert_thread_to_port(t));
        break;
    case 6:
        kr = thread_get_assignment(t, &set);
        break;
    default:
        kr = thread_resume(t);          /* nothing suspended: KERN_FAILURE */
        kr = (kr == KERN_FAILURE) ? KERN_SUCCESS : kr;
        break;
    }
    /* Alive, terminating or dead: these are the only answers. */
    if (kr != KERN_SUCCESS && kr != KERN_FAILURE && kr != KERN_INVALID_ARGUMENT) {
        __atomic_fetch_add(&life_bad, 1, __ATOMIC_RELAXED);
    }
    __atomic_fetch_add(&life_calls, 1, __ATOMIC_RELAXED);
}

/*
 * Reader r works on member r alone (suspensions by two readers would
 * overlap, and a thread kept stopped makes no one wait). Every other
 * call is thread_get_state, whose wait for the thread to stop is the
 * window most likely to span a termination.
 */
static void
life_reader(void *arg)
{
    unsigned int r = (unsigned int)(uintptr_t)arg, k = 0;

    while (!__atomic_load_n(&life_quit, __ATOMIC_ACQUIRE)) {
        if ((__atomic_load_n(&life_round, __ATOMIC_ACQUIRE) & 1) == 0) {
            thread_yield();
            continue;
        }
        __atomic_fetch_sub(&life_idle, 1, __ATOMIC_ACQ_REL);
        while (__atomic_load_n(&life_round, __ATOMIC_ACQUIRE) & 1) {
            life_read(life_members[r], (k & 1) ? (k >> 1) % LIFE_OPS : 1);
            k++;
        }
        __atomic_fetch_add(&life_idle, 1, __ATOMIC_ACQ_REL);
    }
    __atomic_fetch_sub(&life_idle, 1, __ATOMIC_ACQ_REL);
}

/* Wait until the readers made n more calls (or a second passed). */
static void
life_wait_calls(unsigned long n)
{
    unsigned long end = __atomic_load_n(&life_calls, __ATOMIC_ACQUIRE) + n;

    for (unsigned int i = 0; i < 100 && __atomic_load_n(&life_calls, __ATOMIC_ACQUIRE) < end;
         i++) {
        thread_delay(1);
    }
}

/* Wait until nr readers are between rounds. */
static bool
life_wait_idle(unsigned int nr)
{
    for (unsigned int i = 0; i < 200 && __atomic_load_n(&life_idle, __ATOMIC_ACQUIRE) != nr;
         i++) {
        thread_delay(1);
    }
    return __atomic_load_n(&life_idle, __ATOMIC_ACQUIRE) == nr;
}

/* What a dead thread of a terminated task answers, and what its task still has. */
static void
life_check_dead(struct task *task)
{
    uint32_t state[PCB_STATE_MAX_WORDS];
    natural_t count = PCB_STATE_MAX_WORDS;
    ipc_port_t port;

    KTEST_ASSERT(!task->active && task->torn_down && task->nr_threads == 0);
    KTEST_ASSERT(task->kport == NULL && task->sself == NULL);
    KTEST_ASSERT(!task->space->active && rdxtree_nr_values(&task->space->names) == 0);
    KTEST_ASSERT(vm_user_map_resident(task->map) == 0 && task->map->map.mapped == 0);
    for (unsigned int i = 0; i < LIFE_MEMBERS; i++) {
        struct thread *t = life_members[i];

        KTEST_ASSERT(t->task == task && !t->in_task && t->kport == NULL);
        KTEST_ASSERT(thread_suspend(t) == KERN_INVALID_ARGUMENT);
        KTEST_ASSERT(thread_resume(t) == KERN_INVALID_ARGUMENT);
        KTEST_ASSERT(thread_terminate(t) == KERN_INVALID_ARGUMENT);
        KTEST_ASSERT(thread_get_state(t, i386_THREAD_STATE, state, &count)
                     == KERN_INVALID_ARGUMENT);
        KTEST_ASSERT(thread_special_port_get(t, THREAD_KERNEL_PORT, &port) == KERN_FAILURE);
        KTEST_ASSERT(thread_priority(t, PROCESSOR_BASEPRI_USER, false)
                     == KERN_INVALID_ARGUMENT);
        thread_ref(t);
        KTEST_ASSERT(convert_thread_to_port(t) == IP_NULL);
    }
    KTEST_ASSERT(task_terminate(task) == KERN_FAILURE);
}

static void
life_race_fn(void)
{
    unsigned int threads_before = thread_count(), tasks_before = task_count();
    struct ipc_port_stats ports_before, ports_after;
    unsigned int nr_cpus = smp_nr_cpus();
    unsigned int nr_readers = nr_cpus > 1 ? MIN(nr_cpus - 1, LIFE_MAX_READERS) : 1;

    ipc_port_stats_get(&ports_before);
    life_quit = 0;
    life_round = 0;
    life_calls = 0;
    life_bad = 0;
    life_idle = nr_readers;
    for (uintptr_t r = 0; r < nr_readers; r++) {
        unsigned int cpu = nr_cpus > 1 ? 1 + (unsigned int)r : THREAD_ANY_CPU;

        KTEST_ASSERT(thread_create_kernel("life_reader", life_reader, (void *)r, cpu)
                     != NULL);
        if (cpu != THREAD_ANY_CPU) {
            KTEST_ASSERT(thread_create_kernel("life_hog", life_hog, NULL, cpu) != NULL);
        }
    }
    for (unsigned int round = 0; round < LIFE_ROUNDS; round++) {
        struct task *task;

        KTEST_ASSERT(task_create_named(NULL, false, "life", &life_task) == KERN_SUCCESS);
        task = life_task;
        life_entered = 0;
        for (uintptr_t i = 0; i < LIFE_MEMBERS; i++) {
            KTEST_ASSERT(thread_create_kernel("life_member", life_member, (void *)i, 0) != NULL);
        }
        for (unsigned int i = 0; i < 200 && life_entered < LIFE_MEMBERS; i++) {
            thread_delay(1);
        }
        if (__atomic_load_n(&life_entered, __ATOMIC_ACQUIRE) != LIFE_MEMBERS) {
            ktest_fail_at(__FILE__, __LINE__, "round %u: %u threads entered", round,
                          life_entered);
            break;
        }
        __atomic_fetch_add(&life_round, 1, __ATOMIC_RELEASE);  /* readers go */
        thread_delay(LIFE_HOG_TICKS + round % 7);   /* readers in varied places */
        KTEST_ASSERT(task_terminate(task) == KERN_SUCCESS);
        life_wait_calls(2 * LIFE_MEMBERS);  /* on the dead threads */
        __atomic_fetch_add(&life_round, 1, __ATOMIC_RELEASE);  /* readers stop */
        KTEST_ASSERT(life_wait_idle(nr_readers));
        life_check_dead(task);          /* still there: the thread references hold it */
        /* The last thread reference frees the task (its threads held it). */
        for (unsigned int i = 0; i < LIFE_MEMBERS; i++) {
            thread_unref(life_members[i]);
            life_members[i] = NULL;
        }
    }
    __atomic_store_n(&life_quit, 1, __ATOMIC_RELEASE);
    KTEST_ASSERT(life_wait_idle(0));
    ktest_assert_msg(life_bad == 0, "%u impossible results", life_bad);
    ktest_assert_msg(ktest_wait_threads(threads_before), "%u threads, %u before",
                     thread_count(), threads_before);
    ktest_assert_msg(task_count() == tasks_before, "%u tasks, %u before", task_count(),
                     tasks_before);
    ipc_port_stats_get(&ports_after);
    ktest_assert_msg(ports_after.nr_ports == ports_before.nr_ports, "%lu ports, %lu before",
                     ports_after.nr_ports, ports_before.nr_ports);
    printf("task_life_race: %u rounds, %lu reader calls on %u CPUs\n", LIFE_ROUNDS,
           life_calls, nr_cpus);
}

KTEST_DEFINE(task_life_race, life_race_fn, KTEST_MANUAL);   /* its own boot line */
