/* SPDX-License-Identifier: GPL-2.0-or-later */
/*
 * Processors, the default processor set and priorities (see
 * processor.h).
 *
 * The objects are static: one per possible CPU and the one set, made
 * at build time, never freed, so their ports (made once by
 * processor_setup()) live forever and conversions take no references.
 * Creating sets and assigning threads, tasks or processors to them
 * answer KERN_FAILURE, and starting, stopping or controlling a
 * processor on request too: that is what GNU Mach answers as Debian
 * builds it (one CPU configured, hence no MACH_HOST: one set; see
 * doc/interface.md). The set's maximum priority and enabled policies are
 * kept (atomics: one word each, read without a lock); priorities and
 * policies live in struct task and struct thread under the task lock,
 * as the other per-thread Mach state does (kern/thread_control.c).
 */
#include <stdbool.h>
#include <stddef.h>
#include <stdint.h>

#include <include/mach/host_info.h>
#include <include/mach/kern_return.h>
#include <include/mach/policy.h>
#include <include/mach/processor_info.h>
#include <include/mach/thread_info.h>
#include <ipc/ipc_port.h>
#include <ipc/ipc_right.h>
#include <kern/account.h>
#include <kern/clock.h>
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
#include "mach_host_ext_S.h"

static struct processor processor_all[CONFIG_NCPUS];
static struct processor_set processor_set_default_set = {
    .max_priority = PROCESSOR_SET_MAX_PRIORITY,
    .policies = POLICY_TIMESHARE,
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
 * (ports that live forever), stored in *slot. KERN_RESOURCE_SHORTAGE
 * when memory is out (no right made).
 */
static kern_return_t
processor_reply_ports(struct ipc_port **ports, unsigned int n, void *slot)
{
    kern_return_t kr = mig_reply_ool(ports, n * sizeof(ports[0]), slot);

    for (unsigned int i = 0; kr == KERN_SUCCESS && i < n; i++) {
        ipc_right_make(ports[i], MACH_MSG_TYPE_PORT_SEND);
    }
    return kr;
}

/* What processor_set_tasks and _threads collect: send rights to kernel ports. */
struct processor_collect {
    struct ipc_port **ports;
    unsigned int room, n;
    bool threads;                   /* the threads' ports, not the tasks' */
    bool full;
};

/* One more right for port, made under its task's lock (which keeps it), if there is room. */
static void
processor_collect_port(struct processor_collect *c, struct ipc_port *port)
{
    if (port == NULL || c->full) {
        return;
    }
    if (c->n == c->room) {
        c->full = true;
        return;
    }
    ipc_right_make(port, MACH_MSG_TYPE_PORT_SEND);
    c->ports[c->n++] = port;
}

static void
processor_collect_task(struct task *task, void *arg)
{
    struct processor_collect *c = arg;
    struct thread *t;

    spinlock_lock(&task->lock);
    if (task->active && !c->threads) {
        processor_collect_port(c, task->sself);
    } else if (task->active) {
        list_foreach_entry(&task->threads, t, task_node) {
            processor_collect_port(c, t->sself);
        }
    }
    spinlock_unlock(&task->lock);
}

/* processor_set_tasks and _threads: every task's or thread's port, out of line. */
static kern_return_t
processor_set_ports(struct processor_set *set, bool threads, void *slot, natural_t *countp)
{
    struct processor_collect c = { .room = task_count() + 8, .threads = threads };
    kern_return_t kr;

    if (set == NULL) {
        return KERN_INVALID_ARGUMENT;
    }
    for (;;) {
        c.ports = kmem_alloc(c.room * sizeof(c.ports[0]));
        if (c.ports == NULL) {
            return KERN_RESOURCE_SHORTAGE;
        }
        c.n = 0;
        c.full = false;
        task_foreach(processor_collect_task, &c);
        if (!c.full) {
            break;
        }
        for (unsigned int i = 0; i < c.n; i++) {
            ipc_right_release_send(c.ports[i], MACH_MSG_TYPE_PORT_SEND);
        }
        kmem_free(c.ports, c.room * sizeof(c.ports[0]));
        c.room *= 2;
    }
    kr = mig_reply_ool(c.ports, c.n * sizeof(c.ports[0]), slot);
    if (kr != KERN_SUCCESS) {
        for (unsigned int i = 0; i < c.n; i++) {
            ipc_right_release_send(c.ports[i], MACH_MSG_TYPE_PORT_SEND);
        }
    } else {
        *countp = c.n;
    }
    kmem_free(c.ports, c.room * sizeof(c.ports[0]));
    return kr;
}

kern_return_t
processor_set_tasks(processor_set_t processor_set, task_array_t *task_list,
                    mach_msg_type_number_t *task_listCnt)
{
    return processor_set_ports(processor_set, false, task_list, task_listCnt);
}

kern_return_t
processor_set_threads(processor_set_t processor_set, thread_array_t *thread_list,
                      mach_msg_type_number_t *thread_listCnt)
{
    return processor_set_ports(processor_set, true, thread_list, thread_listCnt);
}

static bool
processor_priority_valid(int priority)
{
    return priority >= 0 && priority < PROCESSOR_NR_PRIORITIES;
}

/* The ports of the online processors, out of line, in CPU order. */
static kern_return_t
processor_reply_all(void *slot, natural_t *countp)
{
    struct ipc_port *ports[CONFIG_NCPUS];
    unsigned int n = smp_nr_cpus();
    kern_return_t kr;

    for (unsigned int i = 0; i < n; i++) {
        ports[i] = processor_all[i].port;
    }
    kr = processor_reply_ports(ports, n, slot);
    if (kr == KERN_SUCCESS) {
        *countp = n;
    }
    return kr;
}

kern_return_t
host_processors(struct host *host_priv, struct processor ***processor_list,
                natural_t *processor_listCnt)
{
    if (host_priv == NULL) {
        return KERN_INVALID_ARGUMENT;
    }
    return processor_reply_all(processor_list, processor_listCnt);
}

kern_return_t
processor_set_processors(struct processor_set *set, struct processor ***processor_list,
                         natural_t *processor_listCnt)
{
    /* One set holds every CPU: host_processors' answer, through its control port. */
    if (set == NULL) {
        return KERN_INVALID_ARGUMENT;
    }
    return processor_reply_all(processor_list, processor_listCnt);
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

/* The *_get_assignment routines: object's set is the default one (NULL: none). */
static kern_return_t
processor_assignment(const void *object, struct processor_set **assigned_set)
{
    if (object == NULL) {
        return KERN_INVALID_ARGUMENT;
    }
    *assigned_set = &processor_set_default_set;
    return KERN_SUCCESS;
}

kern_return_t
processor_get_assignment(struct processor *processor, struct processor_set **assigned_set)
{
    return processor_assignment(processor, assigned_set);
}

kern_return_t
thread_get_assignment(struct thread *thread, struct processor_set **assigned_set)
{
    return processor_assignment(thread, assigned_set);
}

kern_return_t
task_get_assignment(struct task *task, struct processor_set **assigned_set)
{
    return processor_assignment(task, assigned_set);
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
        integer_t avenrun[3], mach_factor[3];

        /* The one set's load is the host's, over the shortest window. */
        account_load_get(avenrun, mach_factor);
        struct processor_set_basic_info info = {
            .processor_count = (integer_t)smp_nr_cpus(),
            .task_count = (integer_t)task_count(),
            .thread_count = (integer_t)thread_count(),
            .load_average = avenrun[0],
            .mach_factor = mach_factor[0],
        };

        if (*info_outCnt < PROCESSOR_SET_BASIC_INFO_COUNT) {
            return KERN_FAILURE;
        }
        memcpy(info_out, &info, sizeof(info));
        *info_outCnt = PROCESSOR_SET_BASIC_INFO_COUNT;
    } else if (flavor == PROCESSOR_SET_SCHED_INFO) {
        struct processor_set_sched_info info = {
            .policies = __atomic_load_n(&set_name->policies, __ATOMIC_RELAXED),
            .max_priority = __atomic_load_n(&set_name->max_priority, __ATOMIC_RELAXED),
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

    if (thread == NULL || !processor_priority_valid(priority)
        || (task = task_thread_lock(thread)) == NULL) {
        return KERN_INVALID_ARGUMENT;
    }
    kr = processor_thread_priority_locked(thread, priority, set_max);
    spinlock_unlock(&task->lock);
    return kr;
}

kern_return_t
thread_max_priority(struct thread *thread, struct processor_set *set, int max_priority)
{
    struct task *task;

    if (thread == NULL || set == NULL || !processor_priority_valid(max_priority)
        || (task = task_thread_lock(thread)) == NULL) {
        return KERN_INVALID_ARGUMENT;
    }
    thread->max_priority = max_priority;
    if (thread->priority < max_priority) {
        thread->priority = max_priority;
    }
    spinlock_unlock(&task->lock);
    return KERN_SUCCESS;
}

/*
 * thread_depress_abort (mach_host.defs 2632): mach depresses no
 * priority (swtch_pri and thread_switch's SWITCH_OPTION_DEPRESS only
 * yield), so there is never a depression to end: success for a thread.
 */
kern_return_t
thread_depress_abort(struct thread *thread)
{
    return thread == NULL ? KERN_INVALID_ARGUMENT : KERN_SUCCESS;
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
processor_task_max_priority(struct host *host, bool host_priv, struct task *task,
                            int max_priority, bool set_priority, bool change_threads)
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

int
processor_thread_max_priority(int task_max)
{
    int set_max = __atomic_load_n(&processor_set_default_set.max_priority, __ATOMIC_RELAXED);

    return task_max > set_max ? task_max : set_max;
}

kern_return_t
processor_start(struct processor *processor)
{
    return processor == NULL ? KERN_INVALID_ARGUMENT : KERN_FAILURE;
}

kern_return_t
processor_exit(struct processor *processor)
{
    return processor == NULL ? KERN_INVALID_ARGUMENT : KERN_FAILURE;
}

kern_return_t
processor_control(struct processor *processor, integer_t *processor_cmd,
                  natural_t processor_cmdCnt)
{
    (void)processor_cmd;
    (void)processor_cmdCnt;
    return processor == NULL ? KERN_INVALID_ARGUMENT : KERN_FAILURE;
}

kern_return_t
processor_set_create(struct host *host, struct processor_set **new_set,
                     struct processor_set **new_name)
{
    (void)host;
    (void)new_set;
    (void)new_name;
    return KERN_FAILURE;
}

kern_return_t
processor_set_destroy(struct processor_set *set)
{
    (void)set;
    return KERN_FAILURE;
}

kern_return_t
processor_assign(struct processor *processor, struct processor_set *new_set, boolean_t wait)
{
    (void)processor;
    (void)new_set;
    (void)wait;
    return KERN_FAILURE;
}

kern_return_t
thread_assign(struct thread *thread, struct processor_set *new_set)
{
    (void)thread;
    (void)new_set;
    return KERN_FAILURE;
}

kern_return_t
thread_assign_default(struct thread *thread)
{
    return thread_assign(thread, &processor_set_default_set);
}

kern_return_t
task_assign(struct task *task, struct processor_set *new_set, boolean_t assign_threads)
{
    (void)task;
    (void)new_set;
    (void)assign_threads;
    return KERN_FAILURE;
}

kern_return_t
task_assign_default(struct task *task, boolean_t assign_threads)
{
    return task_assign(task, &processor_set_default_set, assign_threads);
}

/* What a change to the set does to each thread (processor_set_threads_change()). */
struct processor_change {
    int max_priority;               /* >= 0: lower thread maxima above it to it */
    int policy;                     /* > 0: threads with it go back to timesharing */
};

static void
processor_change_task(struct task *task, void *arg)
{
    const struct processor_change *c = arg;
    struct thread *t;

    spinlock_lock(&task->lock);
    list_foreach_entry(&task->threads, t, task_node) {
        if (c->max_priority >= 0 && t->max_priority < c->max_priority) {
            t->max_priority = c->max_priority;
            if (t->priority < c->max_priority) {
                t->priority = c->max_priority;
            }
        }
        if (c->policy > 0 && t->policy == c->policy) {
            t->policy = POLICY_TIMESHARE;
        }
    }
    spinlock_unlock(&task->lock);
}

kern_return_t
processor_set_max_priority(struct processor_set *processor_set, int max_priority,
                           boolean_t change_threads)
{
    if (processor_set == NULL || !processor_priority_valid(max_priority)) {
        return KERN_INVALID_ARGUMENT;
    }
    __atomic_store_n(&processor_set->max_priority, max_priority, __ATOMIC_RELAXED);
    if (change_threads) {
        struct processor_change c = { .max_priority = max_priority, .policy = 0 };

        task_foreach(processor_change_task, &c);
    }
    return KERN_SUCCESS;
}

kern_return_t
processor_set_policy_enable(struct processor_set *processor_set, int policy)
{
    if (processor_set == NULL || invalid_policy(policy)) {
        return KERN_INVALID_ARGUMENT;
    }
    __atomic_fetch_or(&processor_set->policies, policy, __ATOMIC_RELAXED);
    return KERN_SUCCESS;
}

kern_return_t
processor_set_policy_disable(struct processor_set *processor_set, int policy,
                             boolean_t change_threads)
{
    int old;

    if (processor_set == NULL || policy == POLICY_TIMESHARE || invalid_policy(policy)) {
        return KERN_INVALID_ARGUMENT;
    }
    old = __atomic_fetch_and(&processor_set->policies, ~policy, __ATOMIC_RELAXED);
    if ((old & policy) != 0 && change_threads) {
        struct processor_change c = { .max_priority = -1, .policy = policy };

        task_foreach(processor_change_task, &c);
    }
    return KERN_SUCCESS;
}

/* A POLICY_FIXEDPRI quantum of ms milliseconds in ticks, rounded up (0 for ms <= 0). */
static unsigned int
processor_quantum_ticks(int ms)
{
    const int64_t tick_us = 1000000 / CLOCK_HZ;
    int64_t us = (int64_t)ms * 1000;

    if (us <= 0) {
        return 0;
    }
    return (unsigned int)((us + tick_us - 1) / tick_us);
}

kern_return_t
thread_policy(struct thread *thread, int policy, int data)
{
    struct task *task;
    kern_return_t kr = KERN_SUCCESS;

    if (thread == NULL || invalid_policy(policy) || (task = task_thread_lock(thread)) == NULL) {
        return KERN_INVALID_ARGUMENT;
    }
    if (policy != thread->policy
        && (__atomic_load_n(&processor_set_default_set.policies, __ATOMIC_RELAXED) & policy)
           == 0) {
        kr = KERN_FAILURE;
    } else {
        thread->policy = policy;
        if (policy == POLICY_FIXEDPRI) {
            thread->sched_data = processor_quantum_ticks(data);
        }
    }
    spinlock_unlock(&task->lock);
    return kr;
}

kern_return_t
thread_wire(struct host *host_priv, struct thread *thread, boolean_t wired)
{
    if (host_priv == NULL || thread == NULL || thread != thread_self()) {
        return KERN_INVALID_ARGUMENT;
    }
    __atomic_store_n(&thread->vm_privileged, wired != 0, __ATOMIC_RELAXED);
    return KERN_SUCCESS;
}
