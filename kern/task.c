/* SPDX-License-Identifier: GPL-2.0-or-later */
/*
 * Tasks (see kern/task.h).
 *
 * Rationale. A task is little more than the owner of an IPC space and a
 * user map: both already lock themselves, so the task lock only guards
 * what is the task's own (threads, counts, special ports). Its death is
 * in two steps, as in GNU Mach. The contents (rights, ports, memory) go
 * as soon as the task is terminated and its threads have left, because
 * others count on that: a peer's send right turns into a dead name at
 * once, out-of-memory recovery needs the pages back at once. The
 * structure, with its inactive space and empty map, goes with the last
 * reference, because others may still hold one: a trap that translated
 * a task port a moment ago, and every thread until it is freed, so that
 * code holding a thread (an RPC on its port) may follow thread->task and
 * lock the task without racing with its free. Termination kills the
 * kernel port first, after which no new reference can be made; the
 * teardown runs once, by whoever sees the task inactive with no thread
 * (task_terminate() or the last thread to leave), under no lock.
 *
 * Threads are stopped the Mach way, with an AST checked on the way back
 * to user mode rather than by reaching into another CPU's registers: a
 * thread can only be stopped cleanly where it holds no kernel lock, and
 * the return to user mode is exactly such a place. An IPI makes a
 * thread running in user mode pass there at once; an interruptible
 * sleep (kern/thread.h) ends early so that a blocked thread gets there
 * too. Sleeps that are not interruptible (a mutex, a page fault) end on
 * their own, after which the thread meets its AST.
 *
 * The kernel holds its send rights (special and registered ports) as
 * bare port references: there are no no-senders notifications yet,
 * which are the only thing a send-right count would add.
 */
#include <stdbool.h>
#include <stddef.h>
#include <stdint.h>

#include <include/mach/kern_return.h>
#include <include/mach/policy.h>
#include <ipc/ipc_port.h>
#include <ipc/ipc_space.h>
#include <kern/account.h>
#include <kern/clock.h>
#include <kern/exception.h>
#include <kern/gnumach.h>
#include <kern/kmem.h>
#include <kern/list.h>
#include <kern/macros.h>
#include <kern/mutex.h>
#include <kern/panic.h>
#include <kern/printf.h>
#include <kern/processor.h>
#include <kern/rdxtree.h>
#include <kern/shell.h>
#include <kern/spinlock.h>
#include <kern/string.h>
#include <kern/task.h>
#include <kern/task_emulation.h>
#include <kern/thread.h>
#include <vm/vm_fault.h>
#include <vm/vm_map.h>
#include <vm/vm_page.h>
#include <vm/vm_user.h>

#include "mach_S.h"

static struct kmem_cache task_cache;
static struct spinlock task_list_lock = SPINLOCK_INITIALIZER;
static struct list task_list = LIST_INITIALIZER(task_list);
static unsigned int task_nr;

/* How long a fault out of memory waits for terminated tasks' pages (vm_fault_user()). */
#define TASK_OOM_DYING_TICKS    100

/* One out-of-memory stop at a time (taken with trylock only: see vm_fault_user()). */
static struct mutex task_oom_lock;

void
task_setup(void)
{
    /* Lines of its own, as spaces: its lock and event counts are written on every RPC. */
    if (kmem_cache_init(&task_cache, "task", sizeof(struct task), CPU_CACHE_LINE, NULL,
                        0) != 0) {
        panic("task: cannot create the task cache");
    }
    mutex_init(&task_oom_lock);
}

void
task_ref(struct task *task)
{
    __atomic_fetch_add(&task->refs, 1, __ATOMIC_RELAXED);
}

static void
task_ref_obj(void *obj)
{
    task_ref(obj);
}

/* Drop the reference held in *portp, if any, and clear it. */
static void
task_port_release(struct ipc_port **portp)
{
    if (*portp != NULL) {
        ipc_port_unref(*portp);
        *portp = NULL;
    }
}

/* port with one more reference, or NULL. */
static struct ipc_port *
task_port_copy(struct ipc_port *port)
{
    if (port != NULL) {
        ipc_port_ref(port);
    }
    return port;
}

/* Release the special and registered ports the task holds. No lock held. */
static void
task_ports_release(struct task *task)
{
    struct ipc_port *ports[3 + TASK_PORT_REGISTER_MAX];

    spinlock_lock(&task->lock);
    ports[0] = task->sself;
    ports[1] = task->exception;
    ports[2] = task->bootstrap;
    task->sself = task->exception = task->bootstrap = NULL;
    for (unsigned int i = 0; i < TASK_PORT_REGISTER_MAX; i++) {
        ports[3 + i] = task->registered[i];
        task->registered[i] = NULL;
    }
    spinlock_unlock(&task->lock);
    for (unsigned int i = 0; i < ARRAY_SIZE(ports); i++) {
        task_port_release(&ports[i]);
    }
}

/*
 * Tear down a terminated task that has no thread left: its ports, every
 * right of its space (which stays, inactive, for those holding the
 * task) and every page of its map (which stays, empty). Called once, by
 * whoever saw the task inactive with no thread, with no lock held; wakes
 * task_terminate() waiting for it.
 */
static void
task_teardown(struct task *task)
{
    assert(!task->active && task->nr_threads == 0 && !task->torn_down);
    task_ports_release(task);
    ipc_space_ref(task->space);         /* the task's, until task_free() */
    ipc_space_destroy(task->space);
    vm_user_map_empty(task->map);
    spinlock_lock(&task->lock);
    task->torn_down = true;
    waitq_wakeup_all(&task->exit_wq);
    spinlock_unlock(&task->lock);
}

/* Free a task that is off the list (or never was on it) and has no thread. */
static void
task_free(struct task *task)
{
    assert(task->nr_threads == 0 && list_empty(&task->threads));
    task_ports_release(task);           /* none left after a teardown */
    if (task->kport != NULL) {
        ipc_port_kobject_destroy(task->kport);
    }
    if (task->space != NULL) {
        if (task->torn_down) {
            ipc_space_unref(task->space);
        } else {
            ipc_space_destroy(task->space);
        }
    }
    if (task->map != NULL) {
        vm_user_map_destroy(task->map);
    }
    pcb_task_free(&task->machine);
    task_emulation_release(task);
    kmem_cache_free(&task_cache, task);
    __atomic_fetch_sub(&task_nr, 1, __ATOMIC_RELAXED);
}

void
task_unref(struct task *task)
{
    if (__atomic_sub_fetch(&task->refs, 1, __ATOMIC_ACQ_REL) != 0) {
        return;
    }
    assert(!task->active);
    spinlock_lock(&task_list_lock);
    list_remove(&task->node);
    spinlock_unlock(&task_list_lock);
    task_free(task);
}

kern_return_t
task_create_named(struct task *parent, bool inherit_memory, const char *name, struct task **taskp)
{
    struct task *task;

    task = kmem_cache_alloc(&task_cache);
    if (task == NULL) {
        return KERN_RESOURCE_SHORTAGE;
    }
    memset(task, 0, sizeof(*task));
    __atomic_fetch_add(&task_nr, 1, __ATOMIC_RELAXED);
    spinlock_init(&task->lock);
    task->refs = 1;
    strlcpy(task->name, name, sizeof(task->name));
    task->created_tick = clock_ticks();
    task->priority = parent != NULL ? parent->priority : PROCESSOR_BASEPRI_USER;
    task->max_priority = parent != NULL ? parent->max_priority : PROCESSOR_SET_MAX_PRIORITY;
    list_init(&task->threads);
    waitq_init_intr(&task->suspend_wq);
    waitq_init_intr(&task->stop_wq);
    waitq_init(&task->exit_wq);
    if (ipc_space_create(&task->space) != KERN_SUCCESS) {
        task->space = NULL;
        task_free(task);
        return KERN_RESOURCE_SHORTAGE;
    }
    if (vm_user_map_create(&task->map) != 0) {
        task->map = NULL;
        task_free(task);
        return KERN_RESOURCE_SHORTAGE;
    }
    /* The child inherits the parent's memory entry by entry (vm_user_map_fork()). */
    if (inherit_memory && parent != NULL && vm_user_map_fork(parent->map, task->map) != 0) {
        task_free(task);
        return KERN_RESOURCE_SHORTAGE;
    }
    if (parent != NULL) {
        vm_user_map_limits_copy(task->map, parent->map);  /* GNU Mach: the parent's limits */
    }
    task->kport = ipc_port_create_kobject(IPC_KOBJECT_TASK, task);
    if (task->kport == NULL) {
        task_free(task);
        return KERN_RESOURCE_SHORTAGE;
    }
    ipc_port_ref(task->kport);
    task->sself = task->kport;

    if (parent != NULL) {
        /* Referenced under the parent's lock, while its references hold them. */
        spinlock_lock(&parent->lock);
        task->exception = task_port_copy(parent->exception);
        task->bootstrap = task_port_copy(parent->bootstrap);
        for (unsigned int i = 0; i < TASK_PORT_REGISTER_MAX; i++) {
            task->registered[i] = task_port_copy(parent->registered[i]);
        }
        spinlock_unlock(&parent->lock);
    }
    task_emulation_inherit(task, parent);   /* GNU Mach: the parent's table, shared */

    task->active = true;
    spinlock_lock(&task_list_lock);
    list_insert_tail(&task_list, &task->node);
    spinlock_unlock(&task_list_lock);
    gnumach_task_created(parent, task);
    *taskp = task;
    return KERN_SUCCESS;
}

kern_return_t
task_terminate(struct task *task)
{
    struct thread *t;
    struct ipc_port *kport;
    bool empty;

    if (task == NULL) {
        return KERN_INVALID_ARGUMENT;
    }
    spinlock_lock(&task->lock);
    if (!task->active) {
        spinlock_unlock(&task->lock);
        return KERN_FAILURE;
    }
    task->active = false;
    kport = task->kport;
    task->kport = NULL;
    list_foreach_entry(&task->threads, t, task_node) {
        thread_ast_post(t, THREAD_AST_TERMINATE);
    }
    waitq_wakeup_all(&task->stop_wq);
    empty = (task->nr_threads == 0);    /* else the last thread out tears down */
    spinlock_unlock(&task->lock);

    if (__atomic_load_n(&task->essential, __ATOMIC_RELAXED)) {
        /* task_set_essential: GNU Mach's debugger would take over; mach says so and goes on. */
        printf("task '%s' is essential and ends: the system may not work without it\n",
               task->name);
    }

    /* No new reference from now on: the port no longer leads here. */
    ipc_port_kobject_destroy(kport);

    if (empty) {
        task_teardown(task);
    } else if (task_self() != task) {
        spinlock_lock(&task->lock);
        while (!task->torn_down) {
            waitq_sleep(&task->exit_wq, &task->lock);
        }
        spinlock_unlock(&task->lock);
    }
    task_unref(task);
    return KERN_SUCCESS;
}

kern_return_t
task_suspend(struct task *task)
{
    struct thread *t;

    if (task == NULL) {
        return KERN_INVALID_ARGUMENT;
    }
    spinlock_lock(&task->lock);
    if (!task->active) {
        spinlock_unlock(&task->lock);
        return KERN_FAILURE;
    }
    if (task->suspend_count++ == 0) {
        unsigned int self = (task_self() == task) ? 1 : 0;

        list_foreach_entry(&task->threads, t, task_node) {
            if (t != thread_self()) {
                thread_ast_post(t, THREAD_AST_SUSPEND);
            }
        }
        while (task->active && task->suspend_count > 0
               && task->nr_stopped + self < task->nr_threads) {
            if (waitq_sleep_intr(&task->stop_wq, &task->lock) == THREAD_INTERRUPTED) {
                break;
            }
        }
        if (self) {
            /* The caller stops on its way back to user mode. */
            thread_ast_post(thread_self(), THREAD_AST_SUSPEND);
        }
    }
    spinlock_unlock(&task->lock);
    return KERN_SUCCESS;
}

kern_return_t
task_resume(struct task *task)
{
    kern_return_t kr = KERN_SUCCESS;

    if (task == NULL) {
        return KERN_INVALID_ARGUMENT;
    }
    spinlock_lock(&task->lock);
    if (!task->active || task->suspend_count == 0) {
        kr = KERN_FAILURE;
    } else if (--task->suspend_count == 0) {
        waitq_wakeup_all(&task->suspend_wq);
        waitq_wakeup_all(&task->stop_wq);
    }
    spinlock_unlock(&task->lock);
    return kr;
}

unsigned int
task_suspend_count(struct task *task)
{
    return __atomic_load_n(&task->suspend_count, __ATOMIC_RELAXED);
}

/* The slot of special port which, or NULL for an unknown which. Task locked. */
static struct ipc_port **
task_special_slot(struct task *task, int which)
{
    switch (which) {
    case TASK_KERNEL_PORT:
        return &task->sself;
    case TASK_EXCEPTION_PORT:
        return &task->exception;
    case TASK_BOOTSTRAP_PORT:
        return &task->bootstrap;
    default:
        return NULL;
    }
}

/*
 * The slot of special port which in an active task, for the get and set
 * calls. Task locked. KERN_INVALID_ARGUMENT for an unknown which,
 * KERN_FAILURE for a terminated task.
 */
static kern_return_t
task_special_slot_locked(struct task *task, int which, struct ipc_port ***slotp)
{
    *slotp = task_special_slot(task, which);
    if (*slotp == NULL) {
        return KERN_INVALID_ARGUMENT;
    }
    return task->active ? KERN_SUCCESS : KERN_FAILURE;
}

kern_return_t
task_special_port_get(struct task *task, int which, struct ipc_port **portp)
{
    struct ipc_port **slot;
    kern_return_t kr;

    spinlock_lock(&task->lock);
    kr = task_special_slot_locked(task, which, &slot);
    if (kr == KERN_SUCCESS) {
        *portp = *slot;
        if (*portp != NULL) {
            ipc_port_ref(*portp);
        }
    }
    spinlock_unlock(&task->lock);
    return kr;
}

kern_return_t
task_special_port_set(struct task *task, int which, struct ipc_port *port)
{
    struct ipc_port **slot, *old = NULL;
    kern_return_t kr;

    spinlock_lock(&task->lock);
    kr = task_special_slot_locked(task, which, &slot);
    if (kr == KERN_SUCCESS) {
        old = *slot;
        *slot = port;
    }
    spinlock_unlock(&task->lock);
    if (old != NULL) {
        ipc_port_unref(old);
    }
    return kr;
}

struct task *
task_from_port(struct ipc_port *port)
{
    return ipc_port_kobject(port, IPC_KOBJECT_TASK, task_ref_obj);
}

/* ipc_port_kobject()'s reference taker for threads. */
static void
task_thread_ref(void *thread)
{
    thread_ref(thread);
}

struct thread *
task_thread_from_port(struct ipc_port *port)
{
    return ipc_port_kobject(port, IPC_KOBJECT_THREAD, task_thread_ref);
}

kern_return_t
task_thread_enter(struct task *task)
{
    struct thread *self = thread_self();
    struct ipc_port *kport;

    assert(self->task == NULL && self->kport == NULL);
    kport = ipc_port_create_kobject(IPC_KOBJECT_THREAD, self);
    if (kport == NULL) {
        return KERN_RESOURCE_SHORTAGE;
    }
    spinlock_lock(&task->lock);
    if (!task->active) {
        spinlock_unlock(&task->lock);
        ipc_port_kobject_destroy(kport);
        return KERN_FAILURE;
    }
    task_ref(task);                     /* held until the thread is freed */
    self->kport = kport;
    self->priority = task->priority;
    self->max_priority = processor_thread_max_priority(task->max_priority);
    self->policy = POLICY_TIMESHARE;
    self->sched_data = 0;
    ipc_port_ref(kport);
    self->sself = kport;
    __atomic_store_n(&self->task, task, __ATOMIC_RELEASE);
    self->in_task = true;
    list_insert_tail(&task->threads, &self->task_node);
    task->nr_threads++;
    if (task->suspend_count > 0) {
        __atomic_fetch_or(&self->ast, THREAD_AST_SUSPEND, __ATOMIC_RELAXED);
    }
    spinlock_unlock(&task->lock);
    thread_pmap_set(vm_user_map_pmap(task->map));
    return KERN_SUCCESS;
}

void
task_thread_exit(void)
{
    struct thread *self = thread_self();
    struct task *task = self->task;
    struct ipc_port *kport = self->kport, *sself, *exception;
    uint64_t user, system;
    bool teardown;

    assert(task != NULL && self->in_task && kport != NULL);
    thread_pmap_set(NULL);
    self->kport = NULL;
    ipc_port_kobject_destroy(kport);
    spinlock_lock(&task->lock);
    sself = self->sself;
    exception = self->exception;
    self->sself = self->exception = NULL;
    list_remove(&self->task_node);
    account_ticks(&self->account, &user, &system);
    task->dead_user_ticks += user;      /* its times stay in the task (task_info) */
    task->dead_system_ticks += system;
    self->in_task = false;
    teardown = (--task->nr_threads == 0 && !task->active);
    waitq_wakeup_all(&task->stop_wq);   /* one less thread to stop */
    spinlock_unlock(&task->lock);
    thread_ast_clear(THREAD_AST_TERMINATE | THREAD_AST_SUSPEND);
    task_port_release(&sself);
    task_port_release(&exception);
    if (teardown) {
        task_teardown(task);
    }
}

void
task_thread_leave(void)
{
    struct thread *self = thread_self();
    struct task *task = self->task;

    task_thread_exit();
    /* Its port is dead: no new reference; those taken through it end soon. */
    while (__atomic_load_n(&self->refs, __ATOMIC_ACQUIRE) > 1) {
        thread_yield();
    }
    __atomic_store_n(&self->task, NULL, __ATOMIC_RELEASE);
    task_unref(task);
}

struct task *
task_thread_lock(struct thread *thread)
{
    struct task *task = __atomic_load_n(&thread->task, __ATOMIC_ACQUIRE);

    if (task == NULL) {
        return NULL;
    }
    spinlock_lock(&task->lock);
    if (!thread->in_task) {
        spinlock_unlock(&task->lock);
        return NULL;
    }
    return task;
}

/*
 * Stop the calling thread while its task or the thread itself
 * (thread_suspend(), kern/thread_control.h) is suspended, and the task
 * not terminated.
 */
static void
task_ast_suspend(struct task *task)
{
    struct thread *self = thread_self();

    spinlock_lock(&task->lock);
    task->nr_stopped++;
    self->stopped = true;
    waitq_wakeup_all(&task->stop_wq);
    while ((task->suspend_count > 0 || self->suspend_count > 0) && task->active) {
        if (waitq_sleep_intr(&task->suspend_wq, &task->lock) != THREAD_INTERRUPTED) {
            continue;
        }
        if (__atomic_load_n(&self->ast, __ATOMIC_ACQUIRE) & ~THREAD_AST_SUSPEND) {
            break;                  /* another AST: handle it first */
        }
        /* Another suspension while stopped: stay stopped, without a gap. */
        thread_ast_clear(THREAD_AST_SUSPEND);
    }
    self->stopped = false;
    task->nr_stopped--;
    spinlock_unlock(&task->lock);
}

void
thread_ast_check(void)
{
    struct thread *self = thread_self();
    unsigned int ast;

    while ((ast = __atomic_load_n(&self->ast, __ATOMIC_ACQUIRE)) != 0) {
        if (!self->in_task) {
            thread_ast_clear(ast);  /* left its task meanwhile: nothing to do */
        } else if (ast & THREAD_AST_TERMINATE) {
            thread_exit();          /* leaves the task first */
        } else {
            thread_ast_clear(THREAD_AST_SUSPEND);
            task_ast_suspend(self->task);
        }
    }
}

_Static_assert(EXCEPTION_ACCESS_READ == VM_MAP_PROT_READ
               && EXCEPTION_ACCESS_WRITE == VM_MAP_PROT_WRITE
               && EXCEPTION_ACCESS_EXECUTE == VM_MAP_PROT_EXECUTE,
               "fault access bits are VM protections");

/*
 * The task to stop when memory runs out: the active task with the most
 * resident pages (its end gives back the most), or self when no other
 * has more. Returns it with a reference when it is not self. *dyingp
 * tells whether a terminated task still holds pages (its teardown is
 * under way: they are coming back).
 */
static struct task *
task_oom_victim(struct task *self, bool *dyingp)
{
    unsigned long best = vm_user_map_resident(self->map), resident;
    struct task *task, *victim = self;

    *dyingp = false;
    spinlock_lock(&task_list_lock);
    list_foreach_entry(&task_list, task, node) {
        if (task == self) {
            continue;
        }
        resident = vm_user_map_resident(task->map);
        spinlock_lock(&task->lock);
        if (task->active && resident > best) {
            best = resident;
            victim = task;
        } else if (!task->active && !task->torn_down && resident > 0) {
            *dyingp = true;
        }
        spinlock_unlock(&task->lock);
    }
    if (victim != self) {
        task_ref(victim);       /* on the list: still referenced */
    }
    spinlock_unlock(&task_list_lock);
    return victim;
}

/*
 * The machine layer's user page fault hook (kern/exception.h): the
 * calling thread's task map resolves it.
 *
 * Out of memory (after vm_fault reclaimed what it could), the policy is
 * to stop the task holding the most resident pages, with one console
 * line: the task that eats memory without bound is the largest one by
 * the time memory runs out, and its end gives back the most. When that
 * is another task, it is terminated (its memory comes back when our
 * reference goes) and the fault is tried again; when it is this task or
 * memory is still short, this task is stopped. Its thread ends on its
 * way back to user mode (its AST), or at once for a fault in user mode,
 * whose exception finds the task terminating.
 *
 * Stops are serialized by a lock taken with trylock only: a thread that
 * waited for it could belong to the task being stopped, whose
 * termination would wait for it in turn. A fault that finds a stop in
 * progress waits a tick (the memory may be coming back) and retries a
 * few times before it stops its own task; so does one that finds a
 * terminated task whose teardown has not yet given its pages back (a
 * task that stopped itself tears down when its thread leaves, a moment
 * later), for up to TASK_OOM_DYING_TICKS.
 */
kern_return_t
vm_fault_user(uintptr_t addr, unsigned int access)
{
    struct task *task = task_self(), *victim;
    unsigned int dying_ticks = 0;
    bool dying;
    int error;

    if (task == NULL) {
        return KERN_INVALID_ADDRESS;    /* a hand-built user thread: no map */
    }
    error = vm_fault(task->map, addr, access);
    for (unsigned int tries = 0; error == ERROR_NOMEM && tries < 8;) {
        if (!mutex_trylock(&task_oom_lock)) {
            thread_delay(1);
            error = vm_fault(task->map, addr, access);
            tries++;
            continue;
        }
        victim = task_oom_victim(task, &dying);
        if (victim == task && dying && task->active && dying_ticks < TASK_OOM_DYING_TICKS) {
            mutex_unlock(&task_oom_lock);
            thread_delay(1);            /* a teardown is giving pages back */
            dying_ticks++;
            error = vm_fault(task->map, addr, access);
            continue;
        }
        tries++;
        if (victim != task) {
            printf("task '%s' stopped: out of memory (the largest: %lu KiB resident; "
                   "fault by task '%s' at 0x%08lx)\n", victim->name,
                   vm_user_map_resident(victim->map) * (PAGE_SIZE / 1024), task->name,
                   (unsigned long)addr);
            task_terminate(victim);
            task_unref(victim);
            error = vm_fault(task->map, addr, access);
        }
        mutex_unlock(&task_oom_lock);
        if (victim == task) {
            break;
        }
    }
    if (error == ERROR_NOMEM) {
        printf("task '%s' stopped: out of memory (thread '%s', fault at 0x%08lx)\n",
               task->name, thread_self()->name, (unsigned long)addr);
        task_terminate(task);
    }
    return vm_user_kern_return(error);
}

unsigned int
task_count(void)
{
    return __atomic_load_n(&task_nr, __ATOMIC_RELAXED);
}

void
task_foreach(void (*fn)(struct task *task, void *arg), void *arg)
{
    struct task *task;

    spinlock_lock(&task_list_lock);
    list_foreach_entry(&task_list, task, node) {
        fn(task, arg);
    }
    spinlock_unlock(&task_list_lock);
}

void
task_info_threads(void)
{
    struct task *task;
    struct thread *t;

    spinlock_lock(&task_list_lock);
    list_foreach_entry(&task_list, task, node) {
        spinlock_lock(&task->lock);
        printf("task %s:", task->name);
        list_foreach_entry(&task->threads, t, task_node) {
            printf(" %s", t->name);
        }
        printf("\n");
        spinlock_unlock(&task->lock);
    }
    spinlock_unlock(&task_list_lock);
}

static void
task_shell_tasks(int argc, char **argv)
{
    struct task *task;
    unsigned int n = 0;

    (void)argc;
    (void)argv;
    printf("name                             threads suspend   memory KiB  names\n");
    spinlock_lock(&task_list_lock);
    list_foreach_entry(&task_list, task, node) {
        unsigned long names;

        /* On the list: the space and map are alive (freed after removal). */
        ipc_space_lock(task->space);
        names = rdxtree_nr_values(&task->space->names);
        ipc_space_unlock(task->space);
        printf("%-32s %7u %7u %12lu %6lu%s\n", task->name, task->nr_threads,
               task->suspend_count, vm_user_map_resident(task->map) * (PAGE_SIZE / 1024),
               names, task->active ? "" : " (terminating)");
        n++;
    }
    spinlock_unlock(&task_list_lock);
    printf("%u tasks\n", n);
}

/*
 * Take a reference to task, found on the list, unless its last one is
 * already gone (it is then about to leave the list and be freed).
 * Task list locked.
 */
static bool
task_ref_live(struct task *task)
{
    unsigned int refs = __atomic_load_n(&task->refs, __ATOMIC_RELAXED);

    do {
        if (refs == 0) {
            return false;
        }
    } while (!__atomic_compare_exchange_n(&task->refs, &refs, refs + 1, false,
                                          __ATOMIC_RELAXED, __ATOMIC_RELAXED));
    return true;
}

/* The task named name, with a reference, or NULL (a message printed for cmd). */
static struct task *
task_shell_find(const char *cmd, const char *name)
{
    struct task *task, *found = NULL;

    spinlock_lock(&task_list_lock);
    list_foreach_entry(&task_list, task, node) {
        if (strcmp(task->name, name) == 0 && task_ref_live(task)) {
            found = task;
            break;
        }
    }
    spinlock_unlock(&task_list_lock);
    if (found == NULL) {
        printf("%s: no task '%s'\n", cmd, name);
    }
    return found;
}

static void
task_shell_vm_info(int argc, char **argv)
{
    struct task *task;

    if (argc != 2) {
        printf("usage: vm_info TASK\n");
        return;
    }
    task = task_shell_find("vm_info", argv[1]);
    if (task != NULL) {
        vm_user_map_report(task->map);
        task_unref(task);
    }
}

static void
task_shell_print(const char *line)
{
    printf("%s\n", line);
}

static void
task_shell_ipc_info(int argc, char **argv)
{
    struct task *task;

    if (argc == 1) {
        ipc_info(task_shell_print);
        return;
    }
    if (argc != 2) {
        printf("usage: ipc_info [TASK]\n");
        return;
    }
    task = task_shell_find("ipc_info", argv[1]);
    if (task != NULL) {
        ipc_space_report(task->space, task_shell_print);
        task_unref(task);
    }
}

SHELL_CMD_DEFINE(ipc_info, "[TASK]",
                 "IPC spaces and memory; with TASK its names, rights and queues",
                 task_shell_ipc_info);

SHELL_CMD_DEFINE(vm_info, "TASK", "a task's map: entries, objects, resident pages",
                 task_shell_vm_info);

SHELL_CMD_DEFINE(tasks, "", "tasks: name, threads, suspend count, resident memory, port names",
                 task_shell_tasks);
