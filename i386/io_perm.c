/* SPDX-License-Identifier: GPL-2.0-or-later */
/*
 * I/O permissions (see io_perm.h), with GNU Mach's interface and errors.
 *
 * Objects. An I/O permission object is a port range [from, to] and the
 * kernel-object port standing for it. i386_io_perm_create arms the
 * port's no-senders request with a send-once right to the port itself,
 * so when the last send right goes (the holder deallocated it, its task
 * died, or the reply carrying it was lost) io_perm_no_senders() kills
 * the port and drops the object: nothing leaks. References: one for the
 * port, one for each MIG conversion in progress. As in GNU Mach, a range
 * touching the PCI configuration ports 0xcf8-0xcff is exclusive: while
 * one such object lives, creating another is KERN_PROTECTION_FAILURE
 * (GNU Mach forgets the claim after any RPC naming the object, which
 * looks unintended; here it lasts as long as the object).
 *
 * Bitmaps. A task's bitmap (8 KiB, one bit per port, bit clear =
 * allowed) is allocated by the first i386_io_perm_modify that enables a
 * range and freed with the task; objects only grant, a task's bitmap
 * keeps what was enabled even after the object is gone (GNU Mach's
 * behaviour). Every change gives the bitmap a new version number from a
 * global counter, so a version names one content of one bitmap for good:
 * each CPU remembers the version its TSS holds (io_perm_cpus[]), and the
 * switch copies only when the incoming task's version differs. Two
 * threads of one task, or a task running alone on a CPU, never copy
 * after the first switch. A copy moves only the bytes up to the task's
 * last allowed port (iopb_size, as GNU Mach tracks it) and sets back to
 * all ones what the TSS's previous bitmap had beyond that (its dirty
 * size): a task allowed ports below 0x400 moves at most 128 bytes, not
 * 8 KiB. A task without a bitmap costs the switch one
 * load and a compare, plus a 2-byte store when the previous task had
 * one (the TSS's iomap_base is set past its limit, gdt_iopb_enable()).
 * Kernel threads leave the TSS alone: they never run at CPL 3.
 *
 * Changes and other CPUs. i386_io_perm_modify updates the bitmap and
 * its version under io_perm_lock, then runs io_perm_reload() on every
 * CPU (smp_call_all(), which waits): a CPU running a thread of the task
 * reloads it at once, so when the call returns no thread of the task
 * anywhere still has the old permissions. The version counter is 32
 * bits: a stale match would need 2^32 changes while a CPU kept one
 * version loaded. The lock is taken with interrupts off everywhere (the
 * switch and the cross-CPU call run with interrupts off).
 */
#include <stdbool.h>
#include <stddef.h>
#include <stdint.h>

#include <i386/cpu.h>
#include <i386/gdt.h>
#include <i386/io_perm.h>
#include <i386/param.h>
#include <i386/pcb.h>
#include <i386/smp.h>
#include <include/mach/kern_return.h>
#include <ipc/ipc_port.h>
#include <ipc/ipc_right.h>
#include <kern/kmem.h>
#include <kern/macros.h>
#include <kern/mig_kernel.h>
#include <kern/panic.h>
#include <kern/percpu.h>
#include <kern/spinlock.h>
#include <kern/string.h>
#include <kern/task.h>
#include <kern/thread.h>

#include "mach_i386_S.h"

#define IO_PERM_PCI_CFG_FIRST   0xcf8
#define IO_PERM_PCI_CFG_LAST    0xcff

struct io_perm {
    unsigned int refs;              /* atomic: the port's, and conversions in progress */
    uint16_t from, to;              /* the ports granted, inclusive */
    struct ipc_port *port;          /* its kernel-object port */
};

/* What a CPU's TSS holds. Touched by that CPU only, interrupts off. */
struct io_perm_cpu {
    unsigned int gen;               /* version of the bitmap in the TSS, 0: none copied */
    unsigned int dirty;             /* bytes of the TSS's bitmap that may not be all ones */
    bool on;                        /* iomap_base points at the bitmap */
} __attribute__((aligned(64)));

static struct io_perm_cpu io_perm_cpus[CONFIG_NCPUS];
static struct spinlock io_perm_lock = SPINLOCK_INITIALIZER;  /* bitmaps, versions, PCI claim */
static unsigned int io_perm_gen_last;       /* under io_perm_lock */
static bool io_perm_pci_taken;              /* under io_perm_lock */
static unsigned int io_perm_nr;             /* atomic: live objects */

static bool
io_perm_has_pci_cfg(uint16_t from, uint16_t to)
{
    return from <= IO_PERM_PCI_CFG_LAST && to >= IO_PERM_PCI_CFG_FIRST;
}

unsigned int
io_perm_count(void)
{
    return __atomic_load_n(&io_perm_nr, __ATOMIC_RELAXED);
}

/* ------------------------------------------------------------ objects */

static void
io_perm_ref(void *obj)
{
    struct io_perm *p = obj;

    __atomic_fetch_add(&p->refs, 1, __ATOMIC_RELAXED);
}

static void
io_perm_unref(struct io_perm *p)
{
    uint32_t flags;

    if (__atomic_sub_fetch(&p->refs, 1, __ATOMIC_ACQ_REL) != 0) {
        return;
    }
    if (io_perm_has_pci_cfg(p->from, p->to)) {
        flags = spinlock_lock_intr_save(&io_perm_lock);
        assert(io_perm_pci_taken);
        io_perm_pci_taken = false;
        spinlock_unlock_intr_restore(&io_perm_lock, flags);
    }
    kmem_free(p, sizeof(*p));
    __atomic_fetch_sub(&io_perm_nr, 1, __ATOMIC_RELAXED);
}

kern_return_t
i386_io_perm_create(ipc_port_t master_port, io_port_t from, io_port_t to, io_perm_t *new)
{
    struct io_perm *p;
    struct ipc_port *port;
    uint32_t flags;
    bool pci = io_perm_has_pci_cfg(from, to);

    if (!IPC_PORT_VALID(master_port)
        || ipc_port_kobject(master_port, IPC_KOBJECT_DEVICE_MASTER, NULL) == NULL) {
        return KERN_INVALID_ARGUMENT;
    }
    /* io_port_t is 16 bits (MIG checks the type): to cannot pass 0xffff. */
    if (from > to) {
        return KERN_INVALID_ARGUMENT;
    }
    p = kmem_alloc(sizeof(*p));
    if (p == NULL) {
        return KERN_RESOURCE_SHORTAGE;
    }
    if (pci) {
        flags = spinlock_lock_intr_save(&io_perm_lock);
        if (io_perm_pci_taken) {
            spinlock_unlock_intr_restore(&io_perm_lock, flags);
            kmem_free(p, sizeof(*p));
            return KERN_PROTECTION_FAILURE;
        }
        io_perm_pci_taken = true;
        spinlock_unlock_intr_restore(&io_perm_lock, flags);
    }
    p->refs = 2;                    /* the port's, and the one *new hands to MIG */
    p->from = from;
    p->to = to;
    __atomic_fetch_add(&io_perm_nr, 1, __ATOMIC_RELAXED);
    port = ipc_port_create_kobject(IPC_KOBJECT_IO_PERM, p);
    if (port == NULL) {
        p->refs = 1;
        io_perm_unref(p);
        return KERN_RESOURCE_SHORTAGE;
    }
    p->port = port;
    /* No-senders request: a send-once right to the port itself. */
    ipc_right_make(port, MACH_MSG_TYPE_PORT_SEND_ONCE);
    spinlock_lock(&port->lock);
    port->nsrequest = port;
    spinlock_unlock(&port->lock);
    *new = p;
    return KERN_SUCCESS;
}

io_perm_t
convert_port_to_io_perm(ipc_port_t port)
{
    return IPC_PORT_VALID(port) ? ipc_port_kobject(port, IPC_KOBJECT_IO_PERM, io_perm_ref)
                                : NULL;
}

ipc_port_t
convert_io_perm_to_port(io_perm_t io_perm)
{
    struct ipc_port *port;

    if (io_perm == NULL) {
        return IP_NULL;
    }
    port = io_perm->port;
    ipc_right_make(port, MACH_MSG_TYPE_PORT_SEND);
    io_perm_unref(io_perm);
    return port;
}

void
io_perm_deallocate(io_perm_t io_perm)
{
    if (io_perm != NULL) {
        io_perm_unref(io_perm);
    }
}

void
io_perm_no_senders(io_perm_t io_perm)
{
    struct ipc_port *port = io_perm->port;

    ipc_right_release_send(port, MACH_MSG_TYPE_PORT_SEND_ONCE);   /* the request's right */
    ipc_port_kobject_destroy(port);
    io_perm_unref(io_perm);
}

/* ------------------------------------------------------------ bitmaps */

/* Copy task's bitmap into this CPU's TSS, unless it holds that version. Interrupts off. */
static void
io_perm_cpu_load(const struct task *task, struct io_perm_cpu *c)
{
    const struct pcb_task *pt = &task->machine;
    uint8_t *tss = gdt_iopb();

    spinlock_lock(&io_perm_lock);
    if (pt->iopb != NULL && pt->iopb_gen != c->gen) {
        memcpy(tss, pt->iopb, pt->iopb_size);
        if (c->dirty > pt->iopb_size) {
            memset(tss + pt->iopb_size, 0xff, c->dirty - pt->iopb_size);
        }
        c->dirty = pt->iopb_size;
        c->gen = pt->iopb_gen;
    }
    spinlock_unlock(&io_perm_lock);
}

void
io_perm_switch(const struct task *task)
{
    struct io_perm_cpu *c;
    unsigned int gen;

    if (task == NULL) {
        return;
    }
    c = &io_perm_cpus[cpu_id()];
    gen = __atomic_load_n(&task->machine.iopb_gen, __ATOMIC_ACQUIRE);
    if (gen == 0) {
        if (c->on) {
            gdt_iopb_enable(false);
            c->on = false;
        }
        return;
    }
    if (gen != c->gen) {
        io_perm_cpu_load(task, c);
    }
    if (!c->on) {
        gdt_iopb_enable(true);
        c->on = true;
    }
}

/* smp_call_all(): a CPU running a thread of task arg takes its new bitmap now. */
static void
io_perm_reload(void *arg)
{
    const struct thread *self = thread_self();

    if (self != NULL && self->task == arg) {
        io_perm_switch(arg);
    }
}

static void
io_perm_bits_set(uint8_t *map, unsigned int from, unsigned int to, bool allow)
{
    for (unsigned int port = from; port <= to; port++) {
        if (allow) {
            map[port >> 3] &= (uint8_t)~(1u << (port & 7));
        } else {
            map[port >> 3] |= (uint8_t)(1u << (port & 7));
        }
    }
}

/*
 * Allow (or forbid) ports [from, to] in task's bitmap, making it first
 * if needed, and give it a new version. No CPU reloads it: the caller
 * does (i386_io_perm_modify()). Returns KERN_SUCCESS or
 * KERN_RESOURCE_SHORTAGE. May allocate: thread context, unless task has
 * a bitmap already or allow is false.
 */
static kern_return_t
io_perm_map_change(struct task *task, unsigned int from, unsigned int to, bool allow)
{
    struct pcb_task *pt = &task->machine;
    uint8_t *fresh = NULL;
    uint32_t flags;

    if (allow && __atomic_load_n(&pt->iopb, __ATOMIC_ACQUIRE) == NULL) {
        fresh = kmem_alloc(GDT_IOPB_BYTES);
        if (fresh == NULL) {
            return KERN_RESOURCE_SHORTAGE;
        }
        memset(fresh, 0xff, GDT_IOPB_BYTES);
    }
    flags = spinlock_lock_intr_save(&io_perm_lock);
    if (pt->iopb == NULL) {
        if (!allow) {
            spinlock_unlock_intr_restore(&io_perm_lock, flags);
            return KERN_SUCCESS;    /* nothing was allowed: nothing to withdraw */
        }
        __atomic_store_n(&pt->iopb, fresh, __ATOMIC_RELEASE);
        fresh = NULL;
    }
    io_perm_bits_set(pt->iopb, from, to, allow);
    if (allow) {
        pt->iopb_size = MAX(pt->iopb_size, (to >> 3) + 1);
    }
    while (pt->iopb_size > 0 && pt->iopb[pt->iopb_size - 1] == 0xff) {
        pt->iopb_size--;
    }
    if (++io_perm_gen_last == 0) {
        io_perm_gen_last = 1;       /* 0 means "no bitmap" */
    }
    __atomic_store_n(&pt->iopb_gen, io_perm_gen_last, __ATOMIC_RELEASE);
    spinlock_unlock_intr_restore(&io_perm_lock, flags);
    if (fresh != NULL) {
        kmem_free(fresh, GDT_IOPB_BYTES);   /* another call made it first */
    }
    return KERN_SUCCESS;
}

/*
 * io_perm_map_change(), then every CPU running a thread of task reloads
 * the bitmap before this returns. Thread context, interrupts enabled.
 */
static kern_return_t
io_perm_task_change(struct task *task, unsigned int from, unsigned int to, bool allow)
{
    kern_return_t kr;

    kr = io_perm_map_change(task, from, to, allow);
    if (kr == KERN_SUCCESS) {
        smp_call_all(io_perm_reload, task);
    }
    return kr;
}

kern_return_t
i386_io_perm_modify(task_t target_task, io_perm_t io_perm, boolean_t enable)
{
    if (target_task == NULL || io_perm == NULL) {
        return KERN_INVALID_ARGUMENT;
    }
    return io_perm_task_change(target_task, io_perm->from, io_perm->to, enable);
}

void
io_perm_map_read(const struct task *task, uint8_t *out, unsigned int count)
{
    uint32_t flags;

    assert(count <= GDT_IOPB_BYTES);
    flags = spinlock_lock_intr_save(&io_perm_lock);
    if (task != NULL && task->machine.iopb != NULL) {
        memcpy(out, task->machine.iopb, count);
    } else {
        memset(out, 0xff, count);
    }
    spinlock_unlock_intr_restore(&io_perm_lock, flags);
}

void
io_perm_task_free(struct pcb_task *pt)
{
    if (pt->iopb != NULL) {
        kmem_free(pt->iopb, GDT_IOPB_BYTES);
        pt->iopb = NULL;
        pt->iopb_gen = 0;
        pt->iopb_size = 0;
    }
}

#ifdef CONFIG_KTEST
#include <kern/clock.h>
#include <kern/ktest.h>

/*
 * The switch logic on this CPU, with two tasks made on the stack (only
 * their machine part is used): a task without a bitmap turns the TSS's
 * bitmap off; one with a bitmap turns it on with its contents; the same
 * version again is not copied (a poisoned byte survives); a kernel
 * thread changes nothing; a new version is copied.
 */
static void
io_perm_switch_test(void)
{
    static struct task a, b;
    struct io_perm_cpu *c;
    uint8_t *tss;
    uint32_t flags;

    memset(&a, 0, sizeof(a));
    memset(&b, 0, sizeof(b));
    KTEST_ASSERT(io_perm_map_change(&b, 0x80, 0x83, true) == KERN_SUCCESS);
    KTEST_ASSERT(b.machine.iopb != NULL && b.machine.iopb_gen != 0);
    KTEST_ASSERT(io_perm_map_change(&a, 0x80, 0x83, false) == KERN_SUCCESS);
    KTEST_ASSERT(a.machine.iopb == NULL && a.machine.iopb_gen == 0);

    flags = cpu_intr_save();                /* stay on this CPU */
    c = &io_perm_cpus[cpu_id()];
    tss = gdt_iopb();
    io_perm_switch(&a);
    KTEST_ASSERT(!c->on);
    io_perm_switch(&b);
    KTEST_ASSERT(c->on && c->gen == b.machine.iopb_gen);
    KTEST_ASSERT(tss[0x80 / 8] == 0xf0 && tss[0] == 0xff && tss[GDT_IOPB_BYTES - 1] == 0xff);
    tss[0] = 0x5a;                          /* a copy would overwrite it */
    io_perm_switch(&a);
    KTEST_ASSERT(!c->on);
    io_perm_switch(&b);
    KTEST_ASSERT(c->on && tss[0] == 0x5a);  /* same version: not copied */
    io_perm_switch(NULL);
    KTEST_ASSERT(c->on);                    /* a kernel thread leaves it */
    KTEST_ASSERT(io_perm_map_change(&b, 0x81, 0x81, false) == KERN_SUCCESS);
    io_perm_switch(&b);
    KTEST_ASSERT(c->gen == b.machine.iopb_gen && tss[0] == 0xff && tss[0x80 / 8] == 0xf2);
    KTEST_ASSERT(b.machine.iopb_size == 0x80 / 8 + 1 && c->dirty == b.machine.iopb_size);

    /* A port far up, then withdrawn: the size grows, then shrinks back, the TSS cleaned. */
    KTEST_ASSERT(io_perm_map_change(&b, 0xfff0, 0xffff, true) == KERN_SUCCESS);
    KTEST_ASSERT(b.machine.iopb_size == GDT_IOPB_BYTES);
    io_perm_switch(&b);
    KTEST_ASSERT(tss[GDT_IOPB_BYTES - 1] == 0 && tss[GDT_IOPB_BYTES - 2] == 0);
    KTEST_ASSERT(io_perm_map_change(&b, 0xfff0, 0xffff, false) == KERN_SUCCESS);
    KTEST_ASSERT(b.machine.iopb_size == 0x80 / 8 + 1);
    io_perm_switch(&b);
    KTEST_ASSERT(tss[GDT_IOPB_BYTES - 1] == 0xff && tss[GDT_IOPB_BYTES - 2] == 0xff
                 && tss[0x80 / 8] == 0xf2 && c->dirty == 0x80 / 8 + 1);
    io_perm_switch(&a);
    KTEST_ASSERT(!c->on);
    cpu_intr_restore(flags);
    io_perm_task_free(&b.machine);
    KTEST_ASSERT(b.machine.iopb == NULL && b.machine.iopb_gen == 0);
}
KTEST_DEFINE(io_perm_switch, io_perm_switch_test, 0);

#define IO_PERM_TEST_TICKS      (30 * CLOCK_HZ)    /* vCPUs may wait long for a host core */

/* A kernel thread on CPU 1 standing for a thread of task (io_perm_reload() looks at ->task). */
struct io_perm_test_remote {
    struct task *task;
    bool ready, done, left;             /* atomic */
    unsigned int gen;                   /* what CPU 1's TSS held, read there */
    uint8_t byte;
};

static void
io_perm_test_remote_fn(void *arg)
{
    struct io_perm_test_remote *r = arg;
    struct thread *self = thread_self();
    uint32_t flags;

    flags = cpu_intr_save();
    self->task = r->task;
    io_perm_switch(r->task);
    cpu_intr_restore(flags);
    __atomic_store_n(&r->ready, true, __ATOMIC_RELEASE);
    while (!__atomic_load_n(&r->done, __ATOMIC_ACQUIRE)) {
        cpu_pause();                    /* interrupts on: the reload comes in */
    }
    flags = cpu_intr_save();
    self->task = NULL;
    cpu_intr_restore(flags);
    __atomic_store_n(&r->left, true, __ATOMIC_RELEASE);
}

/* smp_call() on CPU 1: what its TSS holds now. */
static void
io_perm_test_remote_read(void *arg)
{
    struct io_perm_test_remote *r = arg;

    r->gen = io_perm_cpus[cpu_id()].gen;
    r->byte = gdt_iopb()[0x80 / 8];
}

static bool
io_perm_test_wait(bool *flag)
{
    uint64_t end = clock_ticks() + IO_PERM_TEST_TICKS;

    while (!__atomic_load_n(flag, __ATOMIC_ACQUIRE)) {
        if (clock_ticks() > end) {
            return false;
        }
        thread_yield();
    }
    return true;
}

/*
 * A change reaches a CPU running a thread of the task at once, before
 * the call returns, with no switch there: read on CPU 1 right after
 * (through a cross-CPU call, not a switch). Needs two CPUs; on one it
 * checks nothing more than io_perm_switch.
 */
static void
io_perm_reload_test(void)
{
    static struct task t;
    static struct io_perm_test_remote r;

    if (smp_nr_cpus() < 2) {
        return;
    }
    memset(&t, 0, sizeof(t));
    memset(&r, 0, sizeof(r));
    r.task = &t;
    KTEST_ASSERT(io_perm_map_change(&t, 0x80, 0x80, true) == KERN_SUCCESS);
    KTEST_ASSERT(thread_create_kernel("io_perm_remote", io_perm_test_remote_fn, &r, 1) != NULL);
    KTEST_ASSERT(io_perm_test_wait(&r.ready));
    KTEST_ASSERT(smp_call(1, io_perm_test_remote_read, &r));
    KTEST_ASSERT(r.gen == t.machine.iopb_gen && r.byte == 0xfe);
    KTEST_ASSERT(io_perm_task_change(&t, 0x81, 0x81, true) == KERN_SUCCESS);
    KTEST_ASSERT(smp_call(1, io_perm_test_remote_read, &r));
    KTEST_ASSERT(r.gen == t.machine.iopb_gen && r.byte == 0xfc);
    __atomic_store_n(&r.done, true, __ATOMIC_RELEASE);
    KTEST_ASSERT(io_perm_test_wait(&r.left));
    io_perm_task_free(&t.machine);
}
KTEST_DEFINE(io_perm_reload, io_perm_reload_test, 0);
#endif
