/* SPDX-License-Identifier: GPL-2.0-or-later */
/*
 * The gnumach.defs routines of kern/gnumach.c that a single-threaded
 * user program cannot drive to success (tests/user/gnurpc.c has the
 * rest):
 *
 *  test=gnumach  thread_terminate_release on a thread of another task
 *                (created, never run): the thread ends, its name is
 *                deallocated, the reply port destroyed and the range
 *                unmapped in that task; a NULL thread or task changes
 *                nothing; the thread is freed afterwards
 */
#include <stdbool.h>
#include <stdint.h>

#include <include/mach/kern_return.h>
#include <include/mach/port.h>
#include <ipc/ipc_right.h>
#include <kern/ktest.h>
#include <kern/mig_kernel.h>
#include <kern/task.h>
#include <kern/thread.h>
#include <kern/thread_control.h>
#include <machine/param.h>
#include <vm/vm_user.h>

#include "gnumach_S.h"

#define GT_SIZE     (2 * PAGE_SIZE)

static void
gnumach_test_fn(void)
{
    struct vm_user_region region;
    struct task *task;
    struct thread *t = NULL;
    mach_port_name_t name, reply;
    mach_port_type_t type;
    uintptr_t addr = 0;
    unsigned int threads_before = thread_count();

    if (task_create_named(NULL, false, "gnumach_test", &task) != KERN_SUCCESS) {
        ktest_fail_at(__FILE__, __LINE__, "no task");
        return;
    }
    KTEST_ASSERT(thread_create(task, &t) == KERN_SUCCESS && t != NULL);
    KTEST_ASSERT(ipc_right_alloc(task->space, MACH_PORT_RIGHT_DEAD_NAME, &name) == KERN_SUCCESS);
    KTEST_ASSERT(ipc_right_alloc(task->space, MACH_PORT_RIGHT_RECEIVE, &reply) == KERN_SUCCESS);
    KTEST_ASSERT(vm_user_allocate(task->map, &addr, GT_SIZE, true) == KERN_SUCCESS);
    if (t == NULL) {
        task_terminate(task);
        return;
    }

    /* A NULL thread or task: an error, nothing released. */
    KTEST_ASSERT(thread_terminate_release(t, NULL, name, reply, addr, GT_SIZE)
                 == KERN_INVALID_ARGUMENT);
    KTEST_ASSERT(thread_terminate_release(NULL, task, name, reply, addr, GT_SIZE)
                 == KERN_INVALID_ARGUMENT);
    KTEST_ASSERT(task->nr_threads == 1);
    KTEST_ASSERT(ipc_right_type(task->space, name, &type) == KERN_SUCCESS
                 && type == MACH_PORT_TYPE_DEAD_NAME);
    KTEST_ASSERT(ipc_right_type(task->space, reply, &type) == KERN_SUCCESS
                 && type == MACH_PORT_TYPE_RECEIVE);
    KTEST_ASSERT(vm_user_region(task->map, addr, &region) == KERN_SUCCESS);

    /* Everything goes, and the thread ends (the call waits for it). */
    KTEST_ASSERT(thread_terminate_release(t, task, name, reply, addr, GT_SIZE) == KERN_SUCCESS);
    KTEST_ASSERT(task->nr_threads == 0);
    KTEST_ASSERT(ipc_right_type(task->space, name, &type) == KERN_INVALID_NAME);
    KTEST_ASSERT(ipc_right_type(task->space, reply, &type) == KERN_INVALID_NAME);
    KTEST_ASSERT(vm_user_region(task->map, addr, &region) == KERN_NO_SPACE);
    thread_unref(t);
    KTEST_ASSERT(task_terminate(task) == KERN_SUCCESS);

    /* The thread is freed by the reaper: gone before the next test counts. */
    ktest_assert_msg(ktest_wait_threads(threads_before), "%u threads, %u before",
                     thread_count(), threads_before);
}

KTEST_DEFINE(gnumach, gnumach_test_fn, 0);
