/* SPDX-License-Identifier: GPL-2.0-or-later */
/*
 * Processors, the default processor set and priorities (see
 * processor.h).
 *
 * The objects are static: one per possible CPU and the one set, made
 * at build time, never freed, so their ports (made once by
 * processor_setup()) live forever and conversions take no references.
 * Assigning threads, tasks or processors to other sets, and creating
 * sets, are not implemented (GNU Mach without MACH_HOST has one set
 * too); doc/interface.md lists those routines. Priorities live in struct task and
 * struct thread under the task lock, as the other per-thread Mach
 * state does (kern/thread_control.c).
 */
#include <stdbool.h>
#include <stddef.h>

#include <include/mach/host_info.h>
#include <include/mach/kern_return.h>
#include <include/mach/processor_info.h>
#include <include/mach/thread_info.h>
#include <ipc/ipc_port.h>
#include <ipc/ipc_right.h>
#include <kern/host.h>
#include <kern/kmem.h>
#include <kern/list.h>
#include <kern/panic.h>
#include <kern/processor.h>
#include <kern/spinlock.h>
#include <kern/string.h>
#include <kern/task.h>
#include <kern/thread.h>
#include <machine/machine.h>
#include <machine/smp.h>
#include <vm/vm_copy.h>

#include "mach_host_S.h"

static struct processor processor_all[CONFIG_NCPUS];
static struct processor_set processor_set_default_set = {
    .max_priority = PROCESSOR_SET_MAX_PRIORITY,
};

void
processor_setup(void)
{
    struct processor_set *set = &processor_set_default_set;

    for (unsigned int i = 0; i < CONFIG_NCPUS; i++) {
        processor_all[i].cpu = i;
        processor_all[i].port = ipc_port_create_kobject(IPC_KOBJECT_PROCESSOR, &processor_all[i]);
        if (processor_all[i].port == NULL) {
            panic("processor: cannot create the ports");
        }
    }
    set->port = ipc_port_create_kobject(IPC_KOBJECT_PSET, set);
    set->name_port = ipc_port_create_kobject(IPC_KOBJECT_PSET_NAME, set);
    if (set->port == NULL || set->name_port == NULL) {
        panic("processor: cannot create the ports");
    }
}

/*
 * A reply's out-of-line port array: a send right for each of ports[0..n)
 * in a new vm_copy, stored in *slot. KERN_RESOURCE_SHORTAGE when memory
 * is out (no right made).
 */
static kern_return_t
processor_reply_ports(struct ipc_port **ports, unsigned int n, void *slot)
{
    struct vm_copy *copy;

    if (vm_copy_create(n * sizeof(ports[0]), &copy) != 0) {
        return KERN_RESOURCE_SHORTAGE;
    }
    for (unsigned int i = 0; i < n; i++) {
        ipc_right_make(ports[i], MACH_MSG_TYPE_PORT_SEND);
    }
    vm_copy_write(copy, 0, ports, n * sizeof(ports[0]));
    *(struct vm_copy **)slot = copy;
    return KERN_SUCCESS;
}

static bool
processor_priority_valid(int priority)
{
    return priority >= 0 && priority < PROCESSOR_NR_PRIORITIES;
}

kern_return_t
host_processors(struct host *host_priv, struct processor ***processor_list,
                natural_t *processor_listCnt)
{
    struct ipc_port *ports[CONFIG_NCPUS];
    unsigned int n = smp_nr_cpus();
    kern_return_t kr;

    if (host_priv == NULL) {
        return KERN_INVALID_ARGUMENT;
    }
    for (unsigned int i = 0; i < n; i++) {
        ports[i] = processor_all[i].port;
    }
    kr = processor_reply_ports(ports, n, processor_list);
    if (kr == KERN_SUCCESS) {
        *processor_listCnt = n;
    }
    return kr;
}

kern_return_t
host_processor_sets(struct host *host, struct processor_set ***processor_sets,
                    natural_t *processor_setsCnt)
{
    kern_return_t kr;

    if (host == NULL) {
        return KERN_INVALID_ARGUMENT;
    }
    kr = processor_reply_ports(&processor_set_default_set.name_port, 1, processor_sets);
    if (kr == KERN_SUCCESS) {
        *processor_setsCnt = 1;
    }
    return kr;
}

kern_return_t
processor_info(struct processor *processor, int flavor, struct host **host,
               integer_t *processor_info_out, natural_t *processor_info_outCnt)
{
    struct processor_basic_info info;

    *host = NULL;
    if (processor == NULL || flavor != PROCESSOR_BASIC_INFO) {
        return KERN_INVALID_ARGUMENT;
    }
    if (*processor_info_outCnt < PROCESSOR_BASIC_INFO_COUNT) {
        return KERN_FAILURE;
    }
    machine_cpu_type(&info.cpu_type, &info.cpu_subtype);
    info.running = processor->cpu < smp_nr_cpus();
    info.slot_num = (integer_t)processor->cpu;
    info.is_master = processor->cpu == 0;
    memcpy(processor_info_out, &info, sizeof(info));
    *processor_info_outCnt = PROCESSOR_BASIC_INFO_COUNT;
    *host = host_port()->kobject;
    return KERN_SUCCESS;
}

kern_return_t
processor_get_assignment(struct processor *processor, struct processor_set **assigned_set)
{
    if (processor == NULL) {
        return KERN_INVALID_ARGUMENT;
    }
    *assigned_set = &processor_set_default_set;
    return KERN_SUCCESS;
}

kern_return_t
thread_get_assignment(struct thread *thread, struct processor_set **assigned_set)
{
    if (thread == NULL) {
        return KERN_INVALID_ARGUMENT;
    }
    *assigned_set = &processor_set_default_set;
    return KERN_SUCCESS;
}

kern_return_t
task_get_assignment(struct task *task, struct processor_set **assigned_set)
{
    if (task == NULL) {
        return KERN_INVALID_ARGUMENT;
    }
    *assigned_set = &processor_set_default_set;
    return KERN_SUCCESS;
}

kern_return_t
processor_set_default(struct host *host, struct processor_set **default_set)
{
    if (host == NULL) {
        return KERN_INVALID_ARGUMENT;
    }
    *default_set = &processor_set_default_set;
    return KERN_SUCCESS;
}

kern_return_t
host_processor_set_priv(struct host *host_priv, struct processor_set *set_name,
                        struct processor_set **set)
{
    if (host_priv == NULL || set_name == NULL) {
        *set = NULL;
        return KERN_INVALID_ARGUMENT;
    }
    *set = set_name;
    return KERN_SUCCESS;
}

kern_return_t
processor_set_info(struct processor_set *set_name, int flavor, struct host **host,
                   integer_t *info_out, natural_t *info_outCnt)
{
    *host = NULL;
    if (set_name == NULL) {
        return KERN_INVALID_ARGUMENT;
    }
    if (flavor == PROCESSOR_SET_BASIC_INFO) {
        struct processor_set_basic_info info = {
            .processor_count = (integer_t)smp_nr_cpus(),
            .task_count = (integer_t)task_count(),
            .thread_count = (integer_t)thread_count(),
        };

        if (*info_outCnt < PROCESSOR_SET_BASIC_INFO_COUNT) {
            return KERN_FAILURE;
        }
        memcpy(info_out, &info, sizeof(info));
        *info_outCnt = PROCESSOR_SET_BASIC_INFO_COUNT;
    } else if (flavor == PROCESSOR_SET_SCHED_INFO) {
        struct processor_set_sched_info info = {
            .policies = POLICY_TIMESHARE,
            .max_priority = set_name->max_priority,
        };

        if (*info_outCnt < PROCESSOR_SET_SCHED_INFO_COUNT) {
            return KERN_FAILURE;
        }
        memcpy(info_out, &info, sizeof(info));
        *info_outCnt = PROCESSOR_SET_SCHED_INFO_COUNT;
    } else {
        return KERN_INVALID_ARGUMENT;
    }
    *host = host_port()->kobject;
    return KERN_SUCCESS;
}

/* thread_priority with the task locked. */
static kern_return_t
processor_thread_priority_locked(struct thread *thread, int priority, boolean_t set_max)
{
    if (priority < thread->max_priority) {
        return KERN_FAILURE;
    }
    thread->priority = priority;
    if (set_max) {
        thread->max_priority = priority;
    }
    return KERN_SUCCESS;
}

kern_return_t
thread_priority(struct thread *thread, int priority, boolean_t set_max)
{
    struct task *task;
    kern_return_t kr;

    if (thread == NULL || (task = thread->task) == NULL || !processor_priority_valid(priority)) {
        return KERN_INVALID_ARGUMENT;
    }
    spinlock_lock(&task->lock);
    kr = processor_thread_priority_locked(thread, priority, set_max);
    spinlock_unlock(&task->lock);
    return kr;
}

kern_return_t
thread_max_priority(struct thread *thread, struct processor_set *set, int max_priority)
{
    struct task *task;

    if (thread == NULL || set == NULL || (task = thread->task) == NULL
        || !processor_priority_valid(max_priority)) {
        return KERN_INVALID_ARGUMENT;
    }
    spinlock_lock(&task->lock);
    thread->max_priority = max_priority;
    if (thread->priority < max_priority) {
        thread->priority = max_priority;
    }
    spinlock_unlock(&task->lock);
    return KERN_SUCCESS;
}

kern_return_t
task_priority(struct task *task, int priority, boolean_t change_threads)
{
    kern_return_t kr = KERN_SUCCESS;
    struct thread *t;

    if (task == NULL || !processor_priority_valid(priority)) {
        return KERN_INVALID_ARGUMENT;
    }
    spinlock_lock(&task->lock);
    task->priority = priority;
    if (change_threads) {
        list_foreach_entry(&task->threads, t, task_node) {
            if (processor_thread_priority_locked(t, priority, false) != KERN_SUCCESS) {
                kr = KERN_FAILURE;
            }
        }
    }
    spinlock_unlock(&task->lock);
    return kr;
}

kern_return_t
task_max_priority(struct host *host, bool host_priv, struct task *task, int max_priority,
                  bool set_priority, bool change_threads)
{
    struct thread *t;

    if (host == NULL || task == NULL || !processor_priority_valid(max_priority)) {
        return KERN_INVALID_ARGUMENT;
    }
    spinlock_lock(&task->lock);
    if (max_priority < task->max_priority && !host_priv) {
        spinlock_unlock(&task->lock);
        return KERN_NO_ACCESS;
    }
    task->max_priority = max_priority;
    if (max_priority > task->priority || set_priority) {
        task->priority = max_priority;
    }
    if (change_threads) {
        list_foreach_entry(&task->threads, t, task_node) {
            t->max_priority = processor_thread_max_priority(max_priority);
            if (t->max_priority > t->priority || set_priority) {
                t->priority = t->max_priority;
            }
        }
    }
    spinlock_unlock(&task->lock);
    return KERN_SUCCESS;
}
