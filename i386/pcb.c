/* SPDX-License-Identifier: GPL-2.0-or-later */
/*
 * User-mode machine state of threads (see pcb.h).
 *
 * Keeping the user frame at the top of the kernel stack, where the CPU
 * and the entry code put it anyway, means a trap saves the user state
 * exactly once and the exit restores it from the same place; the cost
 * is PCB_STACK_RESERVE bytes of every kernel stack. The rest of the
 * switch work is small: TSS esp0 and the two TLS descriptors are stored
 * for every thread switched in (four stores in all), and the FPU state
 * is saved only for a thread that used the FPU since it was switched in
 * (i386/fpu.c). The I/O bitmap is copied into the TSS only when the
 * TSS does not hold the incoming task's version of it (i386/io_perm.c);
 * a task without one costs a compare. The debug registers are written
 * only when the incoming thread enables a breakpoint or this CPU still
 * has one enabled from the thread before (five and one register writes;
 * moves to debug registers are slow, serializing instructions), so
 * threads that never use them pay a load and a test.
 */
#include <stdbool.h>
#include <stdint.h>

#include <i386/cpu.h>
#include <i386/fpu.h>
#include <i386/gdt.h>
#include <i386/io_perm.h>
#include <i386/param.h>
#include <i386/pcb.h>
#include <i386/trap.h>
#include <i386/trap_user.h>
#include <kern/kmem.h>
#include <kern/macros.h>
#include <kern/panic.h>
#include <kern/percpu.h>
#include <kern/string.h>
#include <kern/thread.h>

#define PCB_EFLAGS_USER         0x00000202  /* IF and the reserved bit 1 */

struct trap_frame *
pcb_user_frame(const struct thread *t)
{
    assert(t->stack != NULL);
    return (struct trap_frame *)((char *)t->stack + KERNEL_STACK_SIZE) - 1;
}

uintptr_t
pcb_user_pc(const struct thread *t)
{
    return t->pcb.user ? pcb_user_frame(t)->eip : 0;
}

/* This CPU's DR7 enables a breakpoint (a thread using them ran last). */
static bool pcb_debug_live[CONFIG_NCPUS];

void
pcb_debug_load(const struct thread *t)
{
    unsigned int cpu = cpu_id();
    const uint32_t *dr = t->pcb.debug;

    if (dr[7] & PCB_DR7_ENABLE) {
        cpu_set_dr7(0);             /* no half-loaded set may trigger */
        cpu_set_dr0(dr[0]);
        cpu_set_dr1(dr[1]);
        cpu_set_dr2(dr[2]);
        cpu_set_dr3(dr[3]);
        cpu_set_dr7(dr[7]);
        pcb_debug_live[cpu] = true;
    } else if (pcb_debug_live[cpu]) {
        cpu_set_dr7(0);
        pcb_debug_live[cpu] = false;
    }
}

void
pcb_debug_trap(void)
{
    thread_self()->pcb.debug[6] = cpu_get_dr6() & 0x600f;
    cpu_set_dr6(0);
}

void
pcb_switch(struct thread *prev, struct thread *next)
{
    unsigned int cpu = cpu_id();

    fpu_switch_out(&prev->pcb);
    if (next->stack != NULL) {
        gdt_set_kernel_stack(cpu, (uint32_t)(uintptr_t)next->stack + KERNEL_STACK_SIZE);
    }
    gdt_user_tls_load(next->pcb.user_tls);
    gdt_ldt_load(next->pcb.ldt, next->pcb.ldt_entries);
    io_perm_switch(next->task);
    pcb_debug_load(next);
}

void
pcb_task_free(struct pcb_task *pt)
{
    io_perm_task_free(pt);
}

void
pcb_thread_free(struct thread *t)
{
    if (t->pcb.ldt != NULL) {
        kmem_free(t->pcb.ldt, t->pcb.ldt_entries * sizeof(*t->pcb.ldt));
        t->pcb.ldt = NULL;
        t->pcb.ldt_entries = 0;
    }
}

void
pcb_user_start(uintptr_t eip, uintptr_t esp)
{
    struct thread *t = thread_self();
    struct trap_frame *f = pcb_user_frame(t);

    memset(f, 0, sizeof(*f));
    f->eip = eip;
    f->cs = LDT_USER_CS;
    f->eflags = PCB_EFLAGS_USER;
    f->esp = esp;
    f->ss = f->ds = f->es = f->fs = f->gs = LDT_USER_DS;
    cpu_intr_disable();
    /* A fresh FPU state: drop any the thread had (a kernel thread has none). */
    if (t->pcb.fpu_live) {
        fpu_switch_out(&t->pcb);
    }
    t->pcb.fpu_valid = false;
    t->pcb.user = true;
    trap_return_to(f);
}

void
pcb_user_resume(void)
{
    trap_user_resume(pcb_user_state_init(thread_self()));
}

int
pcb_user_tls_set(struct thread *t, unsigned int slot, uint64_t desc)
{
    uint32_t flags;

    if (slot >= GDT_USER_TLS_SLOTS || !gdt_user_desc_valid(desc)) {
        return -1;
    }
    if (!(desc & ((uint64_t)0x80 << 40))) {
        desc = 0;
    }
    flags = cpu_intr_save();
    t->pcb.user_tls[slot] = desc;
    if (t == thread_self()) {
        gdt_user_tls_load(t->pcb.user_tls);
    }
    cpu_intr_restore(flags);
    return 0;
}
