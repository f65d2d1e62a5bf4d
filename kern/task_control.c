/* SPDX-License-Identifier: GPL-2.0-or-later */
/*
 * Information calls on tasks and threads (see task_control.h).
 *
 * Every answer is a snapshot: GNU Mach's counts change while the reply
 * travels too. task_threads allocates outside the task lock (kmem may
 * sleep) and retries when threads joined meanwhile; the array is handed
 * to the caller, as GNU Mach hands its kalloc'ed array to MIG.
 */
#include <stdbool.h>
#include <stddef.h>
#include <stdint.h>

#include <include/mach/kern_return.h>
#include <include/mach/task_info.h>
#include <include/mach/thread_info.h>
#include <ipc/ipc_port.h>
#include <kern/clock.h>
#include <kern/kmem.h>
#include <kern/list.h>
#include <kern/panic.h>
#include <kern/spinlock.h>
#include <kern/string.h>
#include <kern/task.h>
#include <kern/task_control.h>
#include <kern/thread.h>
#include <machine/param.h>
#include <vm/vm_user.h>

#include "mach_S.h"

static void
task_info_basic(struct task *task, struct task_basic_info *info)
{
    memset(info, 0, sizeof(*info));
    info->suspend_count = (integer_t)task_suspend_count(task);
    spinlock_lock(&task->lock);
    info->base_priority = task->priority;
    spinlock_unlock(&task->lock);
    vm_user_map_lock(task->map);
    info->virtual_size = task->map->map.mapped;
    vm_user_map_unlock(task->map);
    info->resident_size = vm_user_map_resident(task->map) * PAGE_SIZE;
}

kern_return_t
task_info(struct task *task, int flavor, integer_t *task_info_out, natural_t *task_info_outCnt)
{
    natural_t n;

    if (task == NULL) {
        return KERN_INVALID_ARGUMENT;
    }
    switch (flavor) {
    case TASK_BASIC_INFO:
        n = TASK_BASIC_INFO_COUNT;
        break;
    case TASK_EVENTS_INFO:
        n = TASK_EVENTS_INFO_COUNT;
        break;
    case TASK_THREAD_TIMES_INFO:
        n = TASK_THREAD_TIMES_INFO_COUNT;
        break;
    default:
        return KERN_INVALID_ARGUMENT;
    }
    if (*task_info_outCnt < n) {
        return KERN_INVALID_ARGUMENT;
    }
    if (flavor == TASK_BASIC_INFO) {
        struct task_basic_info info;

        task_info_basic(task, &info);
        memcpy(task_info_out, &info, sizeof(info));
    } else {
        memset(task_info_out, 0, n * sizeof(*task_info_out));   /* not counted yet */
    }
    *task_info_outCnt = n;
    return KERN_SUCCESS;
}

kern_return_t
task_thread_list(struct task *task, struct thread ***thread_list, natural_t *thread_listCnt)
{
    struct thread **list = NULL, *t;
    unsigned int room = 0, n;

    if (task == NULL) {
        return KERN_INVALID_ARGUMENT;
    }
    for (;;) {
        spinlock_lock(&task->lock);
        if (!task->active) {
            spinlock_unlock(&task->lock);
            kmem_free(list, room * sizeof(*list));
            return KERN_FAILURE;
        }
        n = task->nr_threads;
        if (n <= room) {
            break;
        }
        spinlock_unlock(&task->lock);
        kmem_free(list, room * sizeof(*list));
        room = n;
        list = kmem_alloc(room * sizeof(*list));
        if (list == NULL) {
            return KERN_RESOURCE_SHORTAGE;
        }
    }
    n = 0;
    list_foreach_entry(&task->threads, t, task_node) {
        assert(n < room);
        list[n++] = t;
    }
    spinlock_unlock(&task->lock);
    if (n == 0) {
        kmem_free(list, room * sizeof(*list));
        list = NULL;
    } else if (n < room) {
        /* Fewer threads than room: hand out an array of exactly n. */
        struct thread **exact = kmem_alloc(n * sizeof(*exact));

        if (exact == NULL) {
            kmem_free(list, room * sizeof(*list));
            return KERN_RESOURCE_SHORTAGE;
        }
        memcpy(exact, list, n * sizeof(*exact));
        kmem_free(list, room * sizeof(*list));
        list = exact;
    }
    *thread_list = list;
    *thread_listCnt = n;
    return KERN_SUCCESS;
}

kern_return_t
task_set_name(struct task *task, const char *name)
{
    size_t len = 0;

    if (task == NULL) {
        return KERN_INVALID_ARGUMENT;
    }
    while (len < TASK_NAME_MAX - 1 && name[len] != '\0') {
        len++;
    }
    _Static_assert(TASK_NAME_SIZE >= TASK_NAME_MAX, "task names hold kernel_debug_name_t");
    spinlock_lock(&task->lock);
    memcpy(task->name, name, len);
    task->name[len] = '\0';
    spinlock_unlock(&task->lock);
    return KERN_SUCCESS;
}

kern_return_t
task_registered_set(struct task *target_task, struct ipc_port **init_port_set,
                    natural_t init_port_setCnt)
{
    struct ipc_port *ports[TASK_PORT_REGISTER_MAX];

    if (target_task == NULL || init_port_setCnt > TASK_PORT_REGISTER_MAX) {
        return KERN_INVALID_ARGUMENT;
    }
    for (unsigned int i = 0; i < TASK_PORT_REGISTER_MAX; i++) {
        ports[i] = i < init_port_setCnt ? init_port_set[i] : NULL;
    }
    spinlock_lock(&target_task->lock);
    if (!target_task->active) {
        spinlock_unlock(&target_task->lock);
        return KERN_INVALID_ARGUMENT;
    }
    for (unsigned int i = 0; i < TASK_PORT_REGISTER_MAX; i++) {
        struct ipc_port *old = target_task->registered[i];

        target_task->registered[i] = ports[i];
        ports[i] = old;
    }
    spinlock_unlock(&target_task->lock);
    for (unsigned int i = 0; i < TASK_PORT_REGISTER_MAX; i++) {
        if (ports[i] != NULL) {
            ipc_port_unref(ports[i]);
        }
    }
    return KERN_SUCCESS;
}

kern_return_t
task_registered_get(struct task *target_task, struct ipc_port ***init_port_set,
                  natural_t *init_port_setCnt)
{
    struct ipc_port **list;

    if (target_task == NULL) {
        return KERN_INVALID_ARGUMENT;
    }
    list = kmem_alloc(TASK_PORT_REGISTER_MAX * sizeof(*list));
    if (list == NULL) {
        return KERN_RESOURCE_SHORTAGE;
    }
    spinlock_lock(&target_task->lock);
    if (!target_task->active) {
        spinlock_unlock(&target_task->lock);
        kmem_free(list, TASK_PORT_REGISTER_MAX * sizeof(*list));
        return KERN_INVALID_ARGUMENT;
    }
    for (unsigned int i = 0; i < TASK_PORT_REGISTER_MAX; i++) {
        list[i] = target_task->registered[i];
        if (list[i] != NULL) {
            ipc_port_ref(list[i]);
        }
    }
    spinlock_unlock(&target_task->lock);
    *init_port_set = list;
    *init_port_setCnt = TASK_PORT_REGISTER_MAX;
    return KERN_SUCCESS;
}

kern_return_t
thread_set_name(struct thread *thread, const char *name)
{
    size_t len = 0;

    if (thread == NULL) {
        return KERN_INVALID_ARGUMENT;
    }
    while (len < THREAD_NAME_SIZE - 1 && name[len] != '\0') {
        len++;
    }
    memcpy(thread->name, name, len);
    thread->name[len] = '\0';
    return KERN_SUCCESS;
}

kern_return_t
thread_get_name(struct thread *thread, char name[64])
{
    _Static_assert(THREAD_NAME_SIZE <= TASK_NAME_MAX, "thread names fit kernel_debug_name_t");

    if (thread == NULL) {
        return KERN_INVALID_ARGUMENT;
    }
    memset(name, 0, TASK_NAME_MAX);
    strlcpy(name, thread->name, THREAD_NAME_SIZE);
    return KERN_SUCCESS;
}

static integer_t
thread_info_run_state(const struct thread *t)
{
    const struct task *task = t->task;

    /*
     * A resumed thread clears its stopped flag itself when it next runs:
     * until then it is stopped but no longer held, and reported running
     * (GNU Mach clears TH_SUSP in thread_resume itself).
     */
    if (__atomic_load_n(&t->stopped, __ATOMIC_RELAXED)) {
        if (__atomic_load_n(&t->suspend_count, __ATOMIC_RELAXED) > 0
            || (task != NULL && __atomic_load_n(&task->suspend_count, __ATOMIC_RELAXED) > 0)) {
            return TH_STATE_STOPPED;
        }
        return TH_STATE_RUNNING;
    }
    switch (__atomic_load_n(&t->state, __ATOMIC_RELAXED)) {
    case THREAD_RUNNING:
    case THREAD_READY:
        return TH_STATE_RUNNING;
    case THREAD_SLEEPING:
        return __atomic_load_n(&t->intr_wq, __ATOMIC_RELAXED) != NULL
               ? TH_STATE_WAITING : TH_STATE_UNINTERRUPTIBLE;
    default:
        return TH_STATE_HALTED;
    }
}

kern_return_t
thread_info(struct thread *thread, int flavor, integer_t *thread_info_out,
            natural_t *thread_info_outCnt)
{
    if (thread == NULL) {
        return KERN_INVALID_ARGUMENT;
    }
    if (flavor == THREAD_BASIC_INFO) {
        struct thread_basic_info info;

        if (*thread_info_outCnt < THREAD_BASIC_INFO_COUNT) {
            return KERN_INVALID_ARGUMENT;
        }
        memset(&info, 0, sizeof(info));
        info.base_priority = __atomic_load_n(&thread->priority, __ATOMIC_RELAXED);
        info.cur_priority = info.base_priority;
        info.run_state = thread_info_run_state(thread);
        info.suspend_count = (integer_t)__atomic_load_n(&thread->suspend_count,
                                                        __ATOMIC_RELAXED);
        memcpy(thread_info_out, &info, sizeof(info));
        *thread_info_outCnt = THREAD_BASIC_INFO_COUNT;
        return KERN_SUCCESS;
    }
    if (flavor == THREAD_SCHED_INFO) {
        struct thread_sched_info info;
        unsigned int cpu = __atomic_load_n(&thread->last_cpu, __ATOMIC_RELAXED);

        if (*thread_info_outCnt < THREAD_SCHED_INFO_COUNT) {
            return KERN_INVALID_ARGUMENT;
        }
        /* thread_policy's choice; a fixed-priority quantum in milliseconds. */
        info.policy = __atomic_load_n(&thread->policy, __ATOMIC_RELAXED);
        info.data = info.policy == POLICY_FIXEDPRI
                    ? (integer_t)(__atomic_load_n(&thread->sched_data, __ATOMIC_RELAXED)
                                  * (1000 / CLOCK_HZ))
                    : 0;
        info.base_priority = __atomic_load_n(&thread->priority, __ATOMIC_RELAXED);
        info.max_priority = __atomic_load_n(&thread->max_priority, __ATOMIC_RELAXED);
        info.cur_priority = info.base_priority;
        info.depressed = 0;
        info.depress_priority = -1;
        info.last_processor = cpu == THREAD_ANY_CPU ? 0 : (integer_t)cpu;
        memcpy(thread_info_out, &info, sizeof(info));
        *thread_info_outCnt = THREAD_SCHED_INFO_COUNT;
        return KERN_SUCCESS;
    }
    return KERN_INVALID_ARGUMENT;
}
