/* SPDX-License-Identifier: GPL-2.0-or-later */
/*
 * Tasks, kernel-object ports and the task/port traps (kern/task.c,
 * kern/host.c, kern/mach_trap.c), in the kernel. Test threads act as
 * threads of a task (task_thread_enter()): they run on its pmap, call
 * the trap functions directly and reach its memory through
 * copyin/copyout. User mode is not needed for any of it.
 *
 *  test=task             create, special ports and their inheritance,
 *                        suspend counts, kernel-object ports (task, host,
 *                        host-priv, device master), terminate; every
 *                        page, task, port and kmem object back
 *  test=task_traps       the *_self traps (names 3, 4, 5 after the boot
 *                        script's 1 and 2, reused with one more uref
 *                        each call), mach_reply_port, and every syscall_*
 *                        function's success and error paths, OUT values
 *                        written only on success, bad pointers undone
 *  test=task_cycles      1000 tasks created, used through the traps and
 *                        terminated: pages and kmem counts back exactly
 *  test=task_stop        threads of one task spinning on other CPUs and
 *                        sleeping interruptibly: suspend stops them
 *                        (task_suspend returns once all have stopped;
 *                        counts), resume restarts them, terminate ends
 *                        them all and frees everything; a thread
 *                        suspending its own task stops on its way out;
 *                        a task whose last thread left lives until
 *                        terminated; a thread terminating its own task
 *                        ends in thread_ast_check()
 */
#include <stdbool.h>
#include <stddef.h>
#include <stdint.h>

#include <i386/smp.h>
#include <include/mach/kern_return.h>
#include <include/mach/port.h>
#include <ipc/ipc_port.h>
#include <ipc/ipc_right.h>
#include <ipc/ipc_space.h>
#include <kern/copy.h>
#include <kern/host.h>
#include <kern/kmem.h>
#include <kern/ktest.h>
#include <kern/mach_trap.h>
#include <kern/qsbr.h>
#include <kern/spinlock.h>
#include <kern/string.h>
#include <kern/task.h>
#include <kern/thread.h>
#include <vm/vm_map.h>
#include <vm/vm_object.h>
#include <vm/vm_page.h>
#include <vm/vm_user.h>

/* ---------------------------------------------------------------- accounting */

static const char *const task_test_caches[] = {
    "task", "ipc_space", "ipc_entry", "ipc_port", "ipc_pset", "vm_user_map",
    "vm_object", "vm_map_entry", "rdxtree_node",
};

#define TASK_TEST_NR_CACHES     (sizeof(task_test_caches) / sizeof(task_test_caches[0]))

struct task_test_snap {
    unsigned long free[VM_PAGE_NR_SEGS];
    unsigned long in_use[TASK_TEST_NR_CACHES];
    unsigned int tasks;
    unsigned long objects;
    unsigned long ports;
};

static unsigned long task_test_parsed;

/*
 * kmem_info() line of one cache: "name objsize slab objs inuse ...";
 * the fifth field is the count of objects in use.
 */
static void
task_test_kmem_line(const char *line)
{
    unsigned int field = 0;
    const char *p = line;

    if (strncmp(line, "cache ", 6) == 0) {
        return;                     /* the header */
    }
    while (*p != '\0' && field < 4) {
        while (*p != ' ' && *p != '\0') {
            p++;
        }
        while (*p == ' ') {
            p++;
        }
        field++;
    }
    task_test_parsed = 0;
    while (*p >= '0' && *p <= '9') {
        task_test_parsed = task_test_parsed * 10 + (unsigned long)(*p++ - '0');
    }
}

static void
task_test_purge(void *arg)
{
    (void)arg;
    kmem_purge();
}

static void
task_test_snap_take(struct task_test_snap *snap)
{
    struct vm_page_seg_stats stats;
    struct ipc_port_stats ports;

    qsbr_drain();
    smp_call_all(task_test_purge, NULL);
    for (unsigned int seg = 0; seg < VM_PAGE_NR_SEGS; seg++) {
        snap->free[seg] = (vm_page_seg_stats_get(seg, &stats) == 0) ? stats.nr_free : 0;
    }
    for (unsigned int i = 0; i < TASK_TEST_NR_CACHES; i++) {
        task_test_parsed = ~0ul;
        kmem_info(task_test_kmem_line, task_test_caches[i]);
        snap->in_use[i] = task_test_parsed;
    }
    snap->tasks = task_count();
    snap->objects = vm_object_count();
    ipc_port_stats_get(&ports);
    snap->ports = ports.nr_ports;
}

/* Check that everything counted in before is back. */
static void
task_test_snap_check(const char *what, const struct task_test_snap *before)
{
    struct task_test_snap after;

    task_test_snap_take(&after);
    for (unsigned int seg = 0; seg < VM_PAGE_NR_SEGS; seg++) {
        ktest_assert_msg(after.free[seg] == before->free[seg],
                         "%s: segment %u has %lu free pages, %lu before", what, seg,
                         after.free[seg], before->free[seg]);
    }
    for (unsigned int i = 0; i < TASK_TEST_NR_CACHES; i++) {
        ktest_assert_msg(after.in_use[i] == before->in_use[i],
                         "%s: kmem cache %s has %lu objects in use, %lu before", what,
                         task_test_caches[i], after.in_use[i], before->in_use[i]);
    }
    ktest_assert_msg(after.tasks == before->tasks, "%s: %u tasks, %u before", what,
                     after.tasks, before->tasks);
    ktest_assert_msg(after.objects == before->objects, "%s: %lu VM objects, %lu before",
                     what, after.objects, before->objects);
    ktest_assert_msg(after.ports == before->ports, "%s: %lu ports, %lu before", what,
                     after.ports, before->ports);
}

/* ---------------------------------------------------------------- helpers */

#define TASK_TEST_SCRATCH       0x10000000u     /* a user page for IN/OUT words */
#define TASK_TEST_RDONLY        0x11000000u     /* a read-only user page */

static uint32_t *const task_test_word = (uint32_t *)TASK_TEST_SCRATCH;

/* Write a user word (the test's side of an IN argument). */
static void
task_test_put(void *uaddr, uint32_t value)
{
    KTEST_ASSERT(copyout(&value, uaddr, sizeof(value)) == 0);
}

/* Read a user word (an OUT value); ~0 when it cannot be read. */
static uint32_t
task_test_get(const void *uaddr)
{
    uint32_t value = ~0u;

    KTEST_ASSERT(copyin(uaddr, &value, sizeof(value)) == 0);
    return value;
}

static mach_port_type_t
task_test_type(struct task *task, mach_port_name_t name)
{
    mach_port_type_t type = 0;

    return ipc_right_type(task->space, name, &type) == KERN_SUCCESS ? type : 0;
}

static mach_port_urefs_t
task_test_urefs(struct task *task, mach_port_name_t name)
{
    mach_port_urefs_t refs = 0;

    ipc_right_get_refs(task->space, name, MACH_PORT_RIGHT_SEND, &refs);
    return refs;
}

/* The port name names in task, without keeping a reference (or NULL). */
static struct ipc_port *
task_test_port(struct task *task, mach_port_name_t name)
{
    struct ipc_port *port;

    if (ipc_right_port(task->space, name, &port) != KERN_SUCCESS) {
        return NULL;
    }
    ipc_port_unref(port);           /* the test's own right keeps it */
    return port;
}

static unsigned long
task_test_nr_entries(struct task *task)
{
    struct vm_map_stats stats;

    vm_user_map_lock(task->map);
    vm_map_stats_get(&task->map->map, &stats);
    vm_user_map_unlock(task->map);
    return stats.nr_entries;
}

/*
 * A task as the boot script leaves it: host-priv at name 1, the device
 * master at 2; scratch memory at TASK_TEST_SCRATCH (read-write) and
 * TASK_TEST_RDONLY (read only).
 */
static struct task *
task_test_boot_task(const char *name)
{
    struct task *task;
    uintptr_t addr;

    if (task_create_named(NULL, false, name, &task) != KERN_SUCCESS) {
        return NULL;
    }
    KTEST_ASSERT(ipc_right_insert(task->space, 1, host_priv_port(), MACH_PORT_RIGHT_SEND)
                 == KERN_SUCCESS);
    KTEST_ASSERT(ipc_right_insert(task->space, 2, host_device_master_port(),
                                  MACH_PORT_RIGHT_SEND) == KERN_SUCCESS);
    addr = TASK_TEST_SCRATCH;
    KTEST_ASSERT(vm_user_allocate(task->map, &addr, PAGE_SIZE, false) == KERN_SUCCESS);
    addr = TASK_TEST_RDONLY;
    KTEST_ASSERT(vm_user_allocate(task->map, &addr, PAGE_SIZE, false) == KERN_SUCCESS);
    KTEST_ASSERT(vm_user_protect(task->map, addr, PAGE_SIZE, false, VM_MAP_PROT_READ)
                 == KERN_SUCCESS);
    return task;
}

/* ---------------------------------------------------------------- test=task */

static void
task_test_special_ports(struct task *task)
{
    struct ipc_port *port = NULL;
    struct task *child;

    KTEST_ASSERT(task_special_port_get(task, TASK_KERNEL_PORT, &port) == KERN_SUCCESS
                 && port == task->kport);
    if (port != NULL) {
        ipc_port_unref(port);
    }
    port = host_port();
    KTEST_ASSERT(task_special_port_get(task, TASK_BOOTSTRAP_PORT, &port) == KERN_SUCCESS
                 && port == NULL);
    port = host_port();
    KTEST_ASSERT(task_special_port_get(task, TASK_EXCEPTION_PORT, &port) == KERN_SUCCESS
                 && port == NULL);
    KTEST_ASSERT(task_special_port_get(task, 2, &port) == KERN_INVALID_ARGUMENT);
    KTEST_ASSERT(task_special_port_get(task, 5, &port) == KERN_INVALID_ARGUMENT);

    /* Set: the task takes the caller's reference. */
    ipc_port_ref(host_port());
    KTEST_ASSERT(task_special_port_set(task, TASK_BOOTSTRAP_PORT, host_port())
                 == KERN_SUCCESS);
    ipc_port_ref(host_priv_port());
    KTEST_ASSERT(task_special_port_set(task, TASK_EXCEPTION_PORT, host_priv_port())
                 == KERN_SUCCESS);
    KTEST_ASSERT(task_special_port_set(task, 0, NULL) == KERN_INVALID_ARGUMENT);
    KTEST_ASSERT(task_special_port_get(task, TASK_BOOTSTRAP_PORT, &port) == KERN_SUCCESS
                 && port == host_port());
    if (port != NULL) {
        ipc_port_unref(port);
    }

    /* A child inherits exception and bootstrap ports (not the kernel port). */
    KTEST_ASSERT(task_create_named(task, false, "task_child", &child) == KERN_SUCCESS);
    KTEST_ASSERT(strcmp(child->name, "task_child") == 0);
    KTEST_ASSERT(child->bootstrap == host_port() && child->exception == host_priv_port());
    KTEST_ASSERT(child->sself == child->kport && child->kport != task->kport);
    KTEST_ASSERT(task_terminate(child) == KERN_SUCCESS);

    /* Clearing drops the task's reference. */
    KTEST_ASSERT(task_special_port_set(task, TASK_BOOTSTRAP_PORT, NULL) == KERN_SUCCESS);
    KTEST_ASSERT(task_special_port_get(task, TASK_BOOTSTRAP_PORT, &port) == KERN_SUCCESS
                 && port == NULL);
}

static void
task_test_kobjects(struct task *task)
{
    struct task *found;

    found = task_from_port(task->kport);
    KTEST_ASSERT(found == task);
    if (found != NULL) {
        task_unref(found);
    }
    KTEST_ASSERT(task_from_port(host_port()) == NULL);
    KTEST_ASSERT(task_thread_from_port(task->kport) == NULL);
    KTEST_ASSERT(ipc_port_kobject(host_port(), IPC_KOBJECT_HOST, NULL) != NULL);
    KTEST_ASSERT(ipc_port_kobject(host_port(), IPC_KOBJECT_HOST_PRIV, NULL) == NULL);
    KTEST_ASSERT(ipc_port_kobject(host_priv_port(), IPC_KOBJECT_HOST_PRIV, NULL) != NULL);
    KTEST_ASSERT(ipc_port_kobject(host_device_master_port(), IPC_KOBJECT_DEVICE_MASTER,
                                  NULL) != NULL);
    KTEST_ASSERT(host_port() != host_priv_port()
                 && host_priv_port() != host_device_master_port());
}

static void
task_test_fn(void)
{
    struct task_test_snap before;
    struct task *task, *task2;
    struct ipc_port *kport;

    task_test_snap_take(&before);
    /* No parent: inherit_memory has nothing to inherit, an empty map. */
    KTEST_ASSERT(task_create_named(NULL, true, "task_test", &task) == KERN_SUCCESS);
    if (task != NULL) {
        vm_user_map_lock(task->map);
        KTEST_ASSERT(vm_map_first(&task->map->map) == NULL);
        vm_user_map_unlock(task->map);
        KTEST_ASSERT(task_terminate(task) == KERN_SUCCESS);
    }
    KTEST_ASSERT(task_create_named(NULL, false, "a task name longer than thirty-one characters",
                             &task) == KERN_SUCCESS);
    if (task == NULL) {
        return;
    }
    KTEST_ASSERT(task_count() == before.tasks + 1);
    KTEST_ASSERT(strlen(task->name) == TASK_NAME_SIZE - 1);
    KTEST_ASSERT(task->nr_threads == 0 && task_suspend_count(task) == 0 && task->active);
    KTEST_ASSERT(rdxtree_nr_values(&task->space->names) == 0);

    task_test_special_ports(task);
    task_test_kobjects(task);

    /* Suspend counts. */
    KTEST_ASSERT(task_resume(task) == KERN_FAILURE);
    KTEST_ASSERT(task_suspend(task) == KERN_SUCCESS && task_suspend(task) == KERN_SUCCESS);
    KTEST_ASSERT(task_suspend_count(task) == 2);
    KTEST_ASSERT(task_resume(task) == KERN_SUCCESS && task_suspend_count(task) == 1);
    KTEST_ASSERT(task_resume(task) == KERN_SUCCESS && task_suspend_count(task) == 0);
    KTEST_ASSERT(task_resume(task) == KERN_FAILURE);

    /* Terminate while someone else holds a reference: calls fail, memory stays. */
    task_ref(task);
    kport = task->kport;
    ipc_port_ref(kport);
    KTEST_ASSERT(task_terminate(task) == KERN_SUCCESS);
    KTEST_ASSERT(!task->active && task->kport == NULL);
    KTEST_ASSERT(task_from_port(kport) == NULL);           /* the port is dead */
    KTEST_ASSERT(task_terminate(task) == KERN_FAILURE);
    KTEST_ASSERT(task_suspend(task) == KERN_FAILURE && task_resume(task) == KERN_FAILURE);
    KTEST_ASSERT(task_special_port_set(task, TASK_BOOTSTRAP_PORT, NULL) == KERN_FAILURE);
    KTEST_ASSERT(task_count() == before.tasks + 1);
    ipc_port_unref(kport);
    task_unref(task);                                       /* the last: freed */
    KTEST_ASSERT(task_count() == before.tasks);

    /* A task with memory, ports and names. */
    task2 = task_test_boot_task("task_test2");
    KTEST_ASSERT(task2 != NULL);
    if (task2 != NULL) {
        KTEST_ASSERT(task_test_type(task2, 1) == MACH_PORT_TYPE_SEND
                     && task_test_port(task2, 1) == host_priv_port());
        KTEST_ASSERT(task_test_port(task2, 2) == host_device_master_port());
        KTEST_ASSERT(task_terminate(task2) == KERN_SUCCESS);
    }
    task_test_snap_check("task", &before);
}

/* ---------------------------------------------------------------- test=task_traps */

/* The traps without a task: what a kernel thread gets. */
static void
task_test_traps_no_task(void)
{
    KTEST_ASSERT(task_self() == NULL);
    KTEST_ASSERT(mach_task_self() == MACH_PORT_NULL);
    KTEST_ASSERT(mach_thread_self() == MACH_PORT_NULL);
    KTEST_ASSERT(mach_host_self() == MACH_PORT_NULL);
    KTEST_ASSERT(mach_reply_port() == MACH_PORT_NULL);
    KTEST_ASSERT(syscall_vm_allocate(1, task_test_word, PAGE_SIZE, true)
                 == MACH_SEND_INTERRUPTED);
    KTEST_ASSERT(syscall_task_terminate(1) == MACH_SEND_INTERRUPTED);
    KTEST_ASSERT(syscall_thread_depress_abort(1) == MACH_SEND_INTERRUPTED);
}

/* Names of the test task after task_test_traps_self(). */
#define TT_SELF         3
#define TT_THREAD       4
#define TT_HOST         5
#define TT_REPLY        6

static void
task_test_traps_self(struct task *task)
{
    KTEST_ASSERT(mach_task_self() == TT_SELF);
    KTEST_ASSERT(mach_task_self() == TT_SELF);
    KTEST_ASSERT(task_test_urefs(task, TT_SELF) == 2);
    KTEST_ASSERT(task_test_port(task, TT_SELF) == task->kport);
    KTEST_ASSERT(mach_thread_self() == TT_THREAD);
    KTEST_ASSERT(mach_thread_self() == TT_THREAD && task_test_urefs(task, TT_THREAD) == 2);
    KTEST_ASSERT(task_test_port(task, TT_THREAD) == thread_self()->kport);
    KTEST_ASSERT(mach_host_self() == TT_HOST && mach_host_self() == TT_HOST);
    KTEST_ASSERT(task_test_port(task, TT_HOST) == host_port());
    KTEST_ASSERT(mach_reply_port() == TT_REPLY);
    KTEST_ASSERT(task_test_type(task, TT_REPLY) == MACH_PORT_TYPE_RECEIVE);
    KTEST_ASSERT(mach_reply_port() == TT_REPLY + 1);
    KTEST_ASSERT(ipc_right_destroy(task->space, TT_REPLY + 1) == KERN_SUCCESS);
    ktest_assert_msg(task_test_urefs(task, TT_SELF) == 2 && task_test_urefs(task, TT_HOST) == 2,
                     "urefs %u %u", task_test_urefs(task, TT_SELF),
                     task_test_urefs(task, TT_HOST));
}

static void
task_test_traps_vm(struct task *task)
{
    void *ro = (void *)TASK_TEST_RDONLY;
    unsigned long entries = task_test_nr_entries(task), more;

    /* Fixed, anywhere, size 0. */
    task_test_put(task_test_word, 0x20000000);
    KTEST_ASSERT(syscall_vm_allocate(TT_SELF, task_test_word, 0x3000, false) == KERN_SUCCESS);
    KTEST_ASSERT(task_test_get(task_test_word) == 0x20000000);
    KTEST_ASSERT(task_test_get((void *)0x20002ffc) == 0);  /* zero-filled, mapped */
    task_test_put(task_test_word, 0x5000);
    KTEST_ASSERT(syscall_vm_allocate(TT_SELF, task_test_word, PAGE_SIZE, true) == KERN_SUCCESS);
    KTEST_ASSERT(task_test_get(task_test_word) == 0);      /* lowest free: address 0 */
    task_test_put(task_test_word, 0x1234);
    KTEST_ASSERT(syscall_vm_allocate(TT_SELF, task_test_word, 0, true) == KERN_SUCCESS);
    KTEST_ASSERT(task_test_get(task_test_word) == 0);

    /* Errors leave the OUT word alone. */
    task_test_put(task_test_word, 0x20001000);
    KTEST_ASSERT(syscall_vm_allocate(TT_SELF, task_test_word, PAGE_SIZE, false)
                 == KERN_NO_SPACE);
    KTEST_ASSERT(task_test_get(task_test_word) == 0x20001000);
    task_test_put(task_test_word, 0xBFFFF000u);
    KTEST_ASSERT(syscall_vm_allocate(TT_SELF, task_test_word, 0x2000, false)
                 == KERN_INVALID_ADDRESS);
    KTEST_ASSERT(task_test_get(task_test_word) == 0xBFFFF000u);

    /* Bad pointers: in the kernel, unmapped, read-only (undone). */
    KTEST_ASSERT(syscall_vm_allocate(TT_SELF, (void *)0xC0001000u, PAGE_SIZE, true)
                 == KERN_INVALID_ADDRESS);
    KTEST_ASSERT(syscall_vm_allocate(TT_SELF, (void *)0x30000000u, PAGE_SIZE, true)
                 == KERN_INVALID_ADDRESS);
    more = task_test_nr_entries(task);
    KTEST_ASSERT(more == entries + 2);
    KTEST_ASSERT(syscall_vm_allocate(TT_SELF, ro, PAGE_SIZE, true) == KERN_INVALID_ADDRESS);
    ktest_assert_msg(task_test_nr_entries(task) == more, "%lu entries, %lu before",
                     task_test_nr_entries(task), more);

    /* Names that are no task. */
    KTEST_ASSERT(syscall_vm_allocate(TT_HOST, task_test_word, PAGE_SIZE, true)
                 == MACH_SEND_INTERRUPTED);
    KTEST_ASSERT(syscall_vm_allocate(TT_THREAD, task_test_word, PAGE_SIZE, true)
                 == MACH_SEND_INTERRUPTED);
    KTEST_ASSERT(syscall_vm_allocate(TT_REPLY, task_test_word, PAGE_SIZE, true)
                 == MACH_SEND_INTERRUPTED);
    KTEST_ASSERT(syscall_vm_allocate(999, task_test_word, PAGE_SIZE, true)
                 == MACH_SEND_INTERRUPTED);
    KTEST_ASSERT(syscall_vm_allocate(MACH_PORT_NULL, task_test_word, PAGE_SIZE, true)
                 == MACH_SEND_INTERRUPTED);

    /* vm_map of anonymous memory: page 0 is taken, so 64 KiB alignment gives 0x10000. */
    task_test_put(task_test_word, 0);
    KTEST_ASSERT(syscall_vm_map(TT_SELF, task_test_word, PAGE_SIZE, 0xFFFF, true,
                                MACH_PORT_NULL, 0, false, 3, 7, 1) == KERN_SUCCESS);
    KTEST_ASSERT(task_test_get(task_test_word) == 0x10000);
    task_test_put(task_test_word, 0x40000000);
    KTEST_ASSERT(syscall_vm_map(TT_SELF, task_test_word, PAGE_SIZE, 0, false,
                                MACH_PORT_NULL, 0, true, 1, 1, 2) == KERN_SUCCESS);
    KTEST_ASSERT(task_test_get(task_test_word) == 0x40000000);
    KTEST_ASSERT(syscall_vm_map(TT_SELF, task_test_word, 0, 0, true, MACH_PORT_NULL, 0,
                                false, 3, 7, 1) == KERN_INVALID_ARGUMENT);
    KTEST_ASSERT(syscall_vm_map(TT_SELF, task_test_word, PAGE_SIZE, 0, true, MACH_PORT_NULL,
                                0, false, 8, 7, 1) == KERN_INVALID_ARGUMENT);
    KTEST_ASSERT(syscall_vm_map(TT_SELF, task_test_word, PAGE_SIZE, 0, true, TT_HOST, 0,
                                false, 3, 7, 1) == KERN_INVALID_ARGUMENT);
    KTEST_ASSERT(syscall_vm_map(TT_SELF, task_test_word, PAGE_SIZE, 0, true, 999, 0,
                                false, 3, 7, 1) == KERN_INVALID_NAME);
    KTEST_ASSERT(syscall_vm_map(TT_SELF, task_test_word, PAGE_SIZE, 0, true, TT_REPLY, 0,
                                false, 3, 7, 1) == KERN_INVALID_RIGHT);
    KTEST_ASSERT(syscall_vm_map(TT_SELF, ro, PAGE_SIZE, 0, true, MACH_PORT_NULL, 0, false,
                                3, 7, 1) == KERN_INVALID_ADDRESS);
    KTEST_ASSERT(syscall_vm_map(TT_HOST, task_test_word, PAGE_SIZE, 0, true, MACH_PORT_NULL,
                                0, false, 3, 7, 1) == MACH_SEND_INTERRUPTED);
    KTEST_ASSERT(task_test_get(task_test_word) == 0x40000000);
    KTEST_ASSERT(task_test_nr_entries(task) == more + 2);

    /* vm_deallocate: holes are no error. */
    KTEST_ASSERT(syscall_vm_deallocate(TT_SELF, 0x20000000, 0x3000) == KERN_SUCCESS);
    KTEST_ASSERT(syscall_vm_deallocate(TT_SELF, 0, PAGE_SIZE) == KERN_SUCCESS);
    KTEST_ASSERT(syscall_vm_deallocate(TT_SELF, 0x50000000, 0x10000) == KERN_SUCCESS);
    KTEST_ASSERT(syscall_vm_deallocate(TT_HOST, 0, PAGE_SIZE) == MACH_SEND_INTERRUPTED);
    KTEST_ASSERT(syscall_vm_deallocate(TT_SELF, 0x10000, PAGE_SIZE) == KERN_SUCCESS);
    KTEST_ASSERT(syscall_vm_deallocate(TT_SELF, 0x40000000, PAGE_SIZE) == KERN_SUCCESS);
    ktest_assert_msg(task_test_nr_entries(task) == entries, "%lu entries, %lu at first",
                     task_test_nr_entries(task), entries);
}

/* The port rights traps. Returns the name of a receive right made here. */
static mach_port_name_t
task_test_traps_ports(struct task *task)
{
    mach_port_name_t name;

    task_test_put(task_test_word, 0);
    KTEST_ASSERT(syscall_mach_port_allocate(TT_SELF, MACH_PORT_RIGHT_RECEIVE, task_test_word)
                 == KERN_SUCCESS);
    name = task_test_get(task_test_word);
    KTEST_ASSERT(name == TT_REPLY + 1);
    KTEST_ASSERT(task_test_type(task, name) == MACH_PORT_TYPE_RECEIVE);
    KTEST_ASSERT(syscall_mach_port_allocate(TT_SELF, MACH_PORT_RIGHT_SEND, task_test_word)
                 == KERN_INVALID_VALUE);
    KTEST_ASSERT(syscall_mach_port_allocate(TT_SELF, 7, task_test_word) == KERN_INVALID_VALUE);
    KTEST_ASSERT(task_test_get(task_test_word) == name);
    /* A bad OUT pointer: the name is released again. */
    KTEST_ASSERT(syscall_mach_port_allocate(TT_SELF, MACH_PORT_RIGHT_DEAD_NAME,
                                            (void *)TASK_TEST_RDONLY) == KERN_INVALID_ADDRESS);
    KTEST_ASSERT(task_test_type(task, name + 1) == 0);
    KTEST_ASSERT(syscall_mach_port_allocate(TT_HOST, MACH_PORT_RIGHT_RECEIVE, task_test_word)
                 == MACH_SEND_INTERRUPTED);

    /* allocate_name. */
    KTEST_ASSERT(syscall_mach_port_allocate_name(TT_SELF, MACH_PORT_RIGHT_PORT_SET, 100)
                 == KERN_SUCCESS);
    KTEST_ASSERT(task_test_type(task, 100) == MACH_PORT_TYPE_PORT_SET);
    KTEST_ASSERT(syscall_mach_port_allocate_name(TT_SELF, MACH_PORT_RIGHT_RECEIVE, 100)
                 == KERN_NAME_EXISTS);
    KTEST_ASSERT(syscall_mach_port_allocate_name(TT_SELF, MACH_PORT_RIGHT_RECEIVE,
                                                 MACH_PORT_NULL) == KERN_INVALID_VALUE);
    KTEST_ASSERT(syscall_mach_port_allocate_name(TT_SELF, 9, 101) == KERN_INVALID_VALUE);
    KTEST_ASSERT(syscall_mach_port_allocate_name(TT_REPLY, MACH_PORT_RIGHT_RECEIVE, 101)
                 == MACH_SEND_INTERRUPTED);

    /* deallocate: one uref of a send right. */
    KTEST_ASSERT(syscall_mach_port_deallocate(TT_SELF, TT_HOST) == KERN_SUCCESS);
    KTEST_ASSERT(task_test_urefs(task, TT_HOST) == 1);
    KTEST_ASSERT(syscall_mach_port_deallocate(TT_SELF, 999) == KERN_INVALID_NAME);
    KTEST_ASSERT(syscall_mach_port_deallocate(TT_SELF, name) == KERN_INVALID_RIGHT);
    KTEST_ASSERT(syscall_mach_port_deallocate(TT_SELF, 100) == KERN_INVALID_RIGHT);
    KTEST_ASSERT(syscall_mach_port_deallocate(999, TT_HOST) == MACH_SEND_INTERRUPTED);
    KTEST_ASSERT(task_test_urefs(task, TT_HOST) == 1);
    return name;
}

/* A child made with syscall_task_create, and rights put into it. */
static void
task_test_traps_child(struct task *task, mach_port_name_t recv)
{
    unsigned int tasks = task_count();
    mach_port_name_t child_name;
    struct task *child;
    struct ipc_port *port;

    KTEST_ASSERT(syscall_task_create(TT_SELF, false, (void *)TASK_TEST_RDONLY)
                 == KERN_INVALID_ADDRESS);
    KTEST_ASSERT(task_count() == tasks);
    KTEST_ASSERT(syscall_task_create(TT_HOST, false, task_test_word) == MACH_SEND_INTERRUPTED);
    task_test_put(task_test_word, 0);
    KTEST_ASSERT(syscall_task_create(TT_SELF, false, task_test_word) == KERN_SUCCESS);
    child_name = task_test_get(task_test_word);
    KTEST_ASSERT(task_count() == tasks + 1);
    KTEST_ASSERT(task_test_type(task, child_name) == MACH_PORT_TYPE_SEND);
    port = task_test_port(task, child_name);
    child = (port != NULL) ? task_from_port(port) : NULL;
    KTEST_ASSERT(child != NULL && child != task);
    if (child == NULL) {
        return;
    }
    KTEST_ASSERT(strcmp(child->name, task->name) == 0 && child->nr_threads == 0);

    /* insert_right: make, copy, move; each disposition's checks. */
    KTEST_ASSERT(syscall_mach_port_insert_right(child_name, 50, recv,
                                                MACH_MSG_TYPE_MAKE_SEND) == KERN_SUCCESS);
    KTEST_ASSERT(task_test_type(child, 50) == MACH_PORT_TYPE_SEND
                 && task_test_port(child, 50) == task_test_port(task, recv));
    KTEST_ASSERT(syscall_mach_port_insert_right(child_name, 51, TT_HOST,
                                                MACH_MSG_TYPE_COPY_SEND) == KERN_SUCCESS);
    KTEST_ASSERT(task_test_port(child, 51) == host_port() && task_test_urefs(task, TT_HOST) == 1);
    KTEST_ASSERT(syscall_mach_port_insert_right(child_name, 51, TT_HOST,
                                                MACH_MSG_TYPE_MOVE_SEND) == KERN_SUCCESS);
    KTEST_ASSERT(task_test_type(task, TT_HOST) == 0 && task_test_urefs(child, 51) == 2);
    KTEST_ASSERT(syscall_mach_port_insert_right(TT_SELF, 60, recv,
                                                MACH_MSG_TYPE_MAKE_SEND_ONCE) == KERN_SUCCESS);
    KTEST_ASSERT(task_test_type(task, 60) == MACH_PORT_TYPE_SEND_ONCE);
    KTEST_ASSERT(syscall_mach_port_insert_right(child_name, 52, 60,
                                                MACH_MSG_TYPE_MOVE_SEND_ONCE) == KERN_SUCCESS);
    KTEST_ASSERT(task_test_type(task, 60) == 0
                 && task_test_type(child, 52) == MACH_PORT_TYPE_SEND_ONCE);
    KTEST_ASSERT(syscall_mach_port_insert_right(child_name, 53, recv, 15)
                 == KERN_INVALID_VALUE);
    KTEST_ASSERT(syscall_mach_port_insert_right(child_name, 53, recv, 22)
                 == KERN_INVALID_VALUE);
    KTEST_ASSERT(syscall_mach_port_insert_right(child_name, 53, MACH_PORT_NULL,
                                                MACH_MSG_TYPE_COPY_SEND) == KERN_INVALID_VALUE);
    KTEST_ASSERT(syscall_mach_port_insert_right(child_name, 53, recv,
                                                MACH_MSG_TYPE_MOVE_RECEIVE)
                 == KERN_INVALID_RIGHT);
    KTEST_ASSERT(syscall_mach_port_insert_right(child_name, 53, recv,
                                                MACH_MSG_TYPE_COPY_SEND) == KERN_INVALID_RIGHT);
    KTEST_ASSERT(syscall_mach_port_insert_right(child_name, 53, 999,
                                                MACH_MSG_TYPE_COPY_SEND) == KERN_INVALID_NAME);
    KTEST_ASSERT(syscall_mach_port_insert_right(child_name, 50, TT_SELF,
                                                MACH_MSG_TYPE_COPY_SEND) == KERN_NAME_EXISTS);
    KTEST_ASSERT(syscall_mach_port_insert_right(child_name, 54, recv,
                                                MACH_MSG_TYPE_MAKE_SEND) == KERN_RIGHT_EXISTS);
    KTEST_ASSERT(syscall_mach_port_insert_right(child_name, MACH_PORT_DEAD, TT_SELF,
                                                MACH_MSG_TYPE_COPY_SEND) == KERN_INVALID_VALUE);
    KTEST_ASSERT(syscall_mach_port_insert_right(recv, 53, TT_SELF, MACH_MSG_TYPE_COPY_SEND)
                 == MACH_SEND_INTERRUPTED);
    KTEST_ASSERT(task_test_type(child, 53) == 0 && task_test_type(child, 54) == 0);

    /* set_special_port: a copied send right; NULL clears; errors. */
    KTEST_ASSERT(syscall_task_set_special_port(child_name, TASK_BOOTSTRAP_PORT, TT_SELF)
                 == KERN_SUCCESS);
    KTEST_ASSERT(child->bootstrap == task->kport && task_test_urefs(task, TT_SELF) == 2);
    KTEST_ASSERT(syscall_task_set_special_port(child_name, TASK_BOOTSTRAP_PORT,
                                               MACH_PORT_NULL) == KERN_SUCCESS);
    KTEST_ASSERT(child->bootstrap == NULL);
    KTEST_ASSERT(syscall_task_set_special_port(child_name, 2, TT_SELF)
                 == KERN_INVALID_ARGUMENT);
    KTEST_ASSERT(syscall_task_set_special_port(child_name, TASK_EXCEPTION_PORT, 999)
                 == KERN_INVALID_NAME);
    KTEST_ASSERT(syscall_task_set_special_port(child_name, TASK_EXCEPTION_PORT, recv)
                 == KERN_INVALID_RIGHT);
    KTEST_ASSERT(syscall_task_set_special_port(TT_THREAD, TASK_EXCEPTION_PORT, TT_SELF)
                 == MACH_SEND_INTERRUPTED);
    KTEST_ASSERT(child->exception == NULL);

    /* suspend, then terminate through the name; the name turns dead. */
    KTEST_ASSERT(syscall_task_suspend(child_name) == KERN_SUCCESS
                 && task_suspend_count(child) == 1);
    KTEST_ASSERT(syscall_task_suspend(TT_REPLY) == MACH_SEND_INTERRUPTED);
    task_unref(child);
    KTEST_ASSERT(syscall_task_terminate(child_name) == KERN_SUCCESS);
    KTEST_ASSERT(task_count() == tasks);
    KTEST_ASSERT(task_test_type(task, child_name) == MACH_PORT_TYPE_DEAD_NAME);
    KTEST_ASSERT(syscall_task_terminate(child_name) == MACH_SEND_INTERRUPTED);
    KTEST_ASSERT(syscall_task_suspend(child_name) == MACH_SEND_INTERRUPTED);
    KTEST_ASSERT(syscall_mach_port_deallocate(TT_SELF, child_name) == KERN_SUCCESS);

    /* depress_abort wants a thread. */
    KTEST_ASSERT(syscall_thread_depress_abort(TT_THREAD) == KERN_SUCCESS);
    KTEST_ASSERT(syscall_thread_depress_abort(TT_SELF) == MACH_SEND_INTERRUPTED);
    KTEST_ASSERT(syscall_thread_depress_abort(999) == MACH_SEND_INTERRUPTED);
}

static void
task_test_traps_fn(void)
{
    struct task_test_snap before;
    struct ipc_port *thread_port;
    mach_port_name_t recv;
    struct task *task;

    task_test_snap_take(&before);
    task_test_traps_no_task();
    task = task_test_boot_task("task_traps");
    KTEST_ASSERT(task != NULL);
    if (task == NULL) {
        return;
    }
    KTEST_ASSERT(task_thread_enter(task) == KERN_SUCCESS);
    KTEST_ASSERT(task_self() == task && task->nr_threads == 1);
    task_test_traps_self(task);
    task_test_traps_vm(task);
    recv = task_test_traps_ports(task);
    task_test_traps_child(task, recv);

    /* Leaving kills the thread port: its name in the space turns dead. */
    thread_port = task_test_port(task, TT_THREAD);
    KTEST_ASSERT(thread_port != NULL);
    task_thread_leave();
    KTEST_ASSERT(task_self() == NULL && task->nr_threads == 0 && task->active);
    KTEST_ASSERT(task_test_type(task, TT_THREAD) == MACH_PORT_TYPE_DEAD_NAME);
    KTEST_ASSERT(task_terminate(task) == KERN_SUCCESS);
    task_test_snap_check("task_traps", &before);
}

/* ---------------------------------------------------------------- test=task_cycles */

#define TASK_TEST_CYCLES        1000

static void
task_test_cycles_fn(void)
{
    struct task_test_snap before;
    unsigned int failures = 0;

    task_test_snap_take(&before);
    for (unsigned int i = 0; i < TASK_TEST_CYCLES; i++) {
        mach_port_name_t self, reply;
        unsigned int step;
        struct task *task;
        uint32_t addr;

        task = task_test_boot_task("task_cycle");
        if (task == NULL || task_thread_enter(task) != KERN_SUCCESS) {
            failures++;
            if (task != NULL) {
                task_terminate(task);
            }
            continue;
        }
        self = mach_task_self();
        reply = mach_reply_port();
        addr = 0;
        step = (self != 3 || reply != 4) ? 1
               : copyout(&addr, task_test_word, sizeof(addr)) != 0 ? 2
               : syscall_vm_allocate(self, task_test_word, 16 * PAGE_SIZE, true)
                 != KERN_SUCCESS ? 3
               : copyin(task_test_word, &addr, sizeof(addr)) != 0 ? 4
               : copyout(&i, (void *)(uintptr_t)(addr + 5 * PAGE_SIZE), sizeof(i)) != 0 ? 5
               : syscall_mach_port_insert_right(self, reply, reply, MACH_MSG_TYPE_MAKE_SEND)
                 != KERN_SUCCESS ? 6
               : vm_user_map_resident(task->map) != 2 ? 7 : 0;
        if (step != 0) {
            if (failures++ == 0) {
                ktest_diag("task_cycles: cycle %u failed at step %u", i, step);
            }
        }
        task_thread_leave();
        if (task_terminate(task) != KERN_SUCCESS) {
            failures++;
        }
    }
    ktest_assert_msg(failures == 0, "%u of %u cycles failed", failures, TASK_TEST_CYCLES);
    task_test_snap_check("task_cycles", &before);
}

/* ---------------------------------------------------------------- test=task_stop */

#define TASK_STOP_SPINNERS      2
#define TASK_STOP_SLEEPERS      2
#define TASK_STOP_THREADS       (TASK_STOP_SPINNERS + TASK_STOP_SLEEPERS)

static struct task *task_stop_task;
static struct spinlock task_stop_lock = SPINLOCK_INITIALIZER;
static struct waitq task_stop_wq;               /* the sleepers' queue (interruptible) */
static volatile unsigned long task_stop_counts[TASK_STOP_THREADS];
static volatile unsigned int task_stop_entered, task_stop_returned;
static volatile uint32_t task_stop_cpus;

/*
 * A thread of the task: a spinner counts and checks its ASTs in a loop
 * (as a user thread passes its return path at every interrupt); a
 * sleeper sleeps interruptibly, and after every wakeup counts and
 * checks its ASTs.
 */
static void
task_stop_thread(void *arg)
{
    uintptr_t i = (uintptr_t)arg;

    if (task_thread_enter(task_stop_task) != KERN_SUCCESS) {
        return;
    }
    __atomic_fetch_add(&task_stop_entered, 1, __ATOMIC_RELAXED);
    for (;;) {
        if (i < TASK_STOP_SPINNERS) {
            __atomic_fetch_or(&task_stop_cpus, 1u << cpu_id(), __ATOMIC_RELAXED);
            task_stop_counts[i]++;
        } else {
            spinlock_lock(&task_stop_lock);
            waitq_sleep_intr(&task_stop_wq, &task_stop_lock);
            spinlock_unlock(&task_stop_lock);
            task_stop_counts[i]++;
        }
        thread_ast_check();
    }
}

/* Whether every counter stays still over a few ticks (the threads are stopped). */
static bool
task_stop_still(void)
{
    unsigned long seen[TASK_STOP_THREADS];

    for (unsigned int i = 0; i < TASK_STOP_THREADS; i++) {
        seen[i] = task_stop_counts[i];
    }
    spinlock_lock(&task_stop_lock);
    waitq_wakeup_all(&task_stop_wq);
    spinlock_unlock(&task_stop_lock);
    thread_delay(5);
    for (unsigned int i = 0; i < TASK_STOP_THREADS; i++) {
        if (seen[i] != task_stop_counts[i]) {
            return false;
        }
    }
    return true;
}

/* A thread that suspends its own task through the trap, then goes on once resumed. */
static void
task_stop_self_suspend(void *arg)
{
    struct task *task = arg;

    if (task_thread_enter(task) != KERN_SUCCESS) {
        return;
    }
    if (syscall_task_suspend(mach_task_self()) == KERN_SUCCESS) {
        __atomic_fetch_add(&task_stop_returned, 1, __ATOMIC_RELAXED);
        thread_ast_check();         /* stops here until resumed */
        __atomic_fetch_add(&task_stop_returned, 1, __ATOMIC_RELAXED);
    }
    task_thread_leave();
}

/* A thread that terminates its own task through the trap. */
static void
task_stop_self_terminate(void *arg)
{
    struct task *task = arg;

    if (task_thread_enter(task) != KERN_SUCCESS) {
        return;
    }
    if (syscall_task_terminate(mach_task_self()) == KERN_SUCCESS) {
        thread_ast_check();         /* ends the thread */
    }
    __atomic_fetch_add(&task_stop_returned, 1, __ATOMIC_RELAXED);
    task_thread_leave();
}

static void
task_stop_fn(void)
{
    unsigned int threads_before = thread_count();
    struct task_test_snap before;
    bool still;
    struct task *task;

    task_test_snap_take(&before);
    waitq_init_intr(&task_stop_wq);
    task_stop_entered = task_stop_cpus = task_stop_returned = 0;
    for (unsigned int i = 0; i < TASK_STOP_THREADS; i++) {
        task_stop_counts[i] = 0;
    }
    KTEST_ASSERT(task_create_named(NULL, false, "task_stop", &task_stop_task) == KERN_SUCCESS);
    if (task_stop_task == NULL) {
        return;
    }
    for (uintptr_t i = 0; i < TASK_STOP_THREADS; i++) {
        /* Spinners on the other CPUs when there are any. */
        unsigned int cpu = (i < TASK_STOP_SPINNERS && smp_nr_cpus() > 1)
                           ? 1 + i % (smp_nr_cpus() - 1) : THREAD_ANY_CPU;

        KTEST_ASSERT(thread_create_kernel("task_stop", task_stop_thread, (void *)i, cpu) != NULL);
    }
    for (unsigned int i = 0; i < 200 && task_stop_entered < TASK_STOP_THREADS; i++) {
        thread_delay(1);
    }
    KTEST_ASSERT(task_stop_entered == TASK_STOP_THREADS);
    KTEST_ASSERT(task_stop_task->nr_threads == TASK_STOP_THREADS);
    KTEST_ASSERT(!task_stop_still());

    /*
     * Suspend twice, resume once: still stopped; resume again: running.
     * task_suspend returns once every thread has stopped.
     */
    KTEST_ASSERT(task_suspend(task_stop_task) == KERN_SUCCESS);
    KTEST_ASSERT(task_stop_task->nr_stopped == TASK_STOP_THREADS);
    KTEST_ASSERT(task_suspend(task_stop_task) == KERN_SUCCESS);
    KTEST_ASSERT(task_stop_still());
    KTEST_ASSERT(task_resume(task_stop_task) == KERN_SUCCESS);
    KTEST_ASSERT(task_stop_still());
    KTEST_ASSERT(task_resume(task_stop_task) == KERN_SUCCESS);
    thread_delay(2);
    KTEST_ASSERT(!task_stop_still());
    ktest_diag("task_stop: spinners ran on CPU mask 0x%x", task_stop_cpus);

    /* Terminate: spinners (other CPUs), sleepers, all gone on return. */
    KTEST_ASSERT(task_terminate(task_stop_task) == KERN_SUCCESS);
    ktest_assert_msg(ktest_wait_threads(threads_before), "%u threads, %u before",
                     thread_count(), threads_before);
    task_test_snap_check("task_stop terminate", &before);

    /* Suspended, then terminated: the stopped threads end too. */
    KTEST_ASSERT(task_create_named(NULL, false, "task_stop", &task_stop_task) == KERN_SUCCESS);
    task_stop_entered = 0;
    for (uintptr_t i = 0; i < TASK_STOP_THREADS; i++) {
        KTEST_ASSERT(thread_create_kernel("task_stop", task_stop_thread, (void *)i, THREAD_ANY_CPU)
                     != NULL);
    }
    for (unsigned int i = 0; i < 200 && task_stop_entered < TASK_STOP_THREADS; i++) {
        thread_delay(1);
    }
    KTEST_ASSERT(task_suspend(task_stop_task) == KERN_SUCCESS);
    still = task_stop_still();
    KTEST_ASSERT(still && task_stop_task->nr_stopped == TASK_STOP_THREADS);
    KTEST_ASSERT(task_terminate(task_stop_task) == KERN_SUCCESS);
    ktest_assert_msg(ktest_wait_threads(threads_before), "%u threads, %u before",
                     thread_count(), threads_before);
    task_test_snap_check("task_stop suspended", &before);

    /* A thread suspending its own task returns from the call, then stops. */
    KTEST_ASSERT(task_create_named(NULL, false, "task_self_susp", &task) == KERN_SUCCESS);
    task_stop_returned = 0;
    KTEST_ASSERT(thread_create_kernel("task_self_susp", task_stop_self_suspend, task,
                               THREAD_ANY_CPU) != NULL);
    for (unsigned int i = 0; i < 200 && task->nr_stopped == 0; i++) {
        thread_delay(1);
    }
    KTEST_ASSERT(task->nr_stopped == 1 && task_suspend_count(task) == 1);
    thread_delay(2);
    KTEST_ASSERT(task_stop_returned == 1);
    KTEST_ASSERT(task_resume(task) == KERN_SUCCESS);
    for (unsigned int i = 0; i < 200 && task_stop_returned < 2; i++) {
        thread_delay(1);
    }
    KTEST_ASSERT(task_stop_returned == 2);
    KTEST_ASSERT(ktest_wait_threads(threads_before) && task->nr_threads == 0);
    KTEST_ASSERT(task_terminate(task) == KERN_SUCCESS);
    task_stop_returned = 0;

    /* A thread terminating its own task does not come back. */
    KTEST_ASSERT(task_create_named(NULL, false, "task_self_term", &task) == KERN_SUCCESS);
    task_ref(task);
    KTEST_ASSERT(thread_create_kernel("task_self_term", task_stop_self_terminate, task,
                               THREAD_ANY_CPU) != NULL);
    for (unsigned int i = 0; i < 200 && task->active; i++) {
        thread_delay(1);
    }
    KTEST_ASSERT(!task->active);
    task_unref(task);               /* the last reference once its thread left */
    ktest_assert_msg(ktest_wait_threads(threads_before), "%u threads, %u before",
                     thread_count(), threads_before);
    KTEST_ASSERT(task_stop_returned == 0);
    task_test_snap_check("task_stop self", &before);
}

KTEST_DEFINE(task, task_test_fn, 0);
KTEST_DEFINE(task_traps, task_test_traps_fn, 0);
KTEST_DEFINE(task_cycles, task_test_cycles_fn, 0);
KTEST_DEFINE(task_stop, task_stop_fn, 0);
