/* SPDX-License-Identifier: GPL-2.0-or-later */
/*
 * User traps (see trap_user.h).
 *
 * Every CPU exception of a user thread becomes one call of the
 * machine-independent exception_user() with GNU Mach's exception, code
 * and subcode (MACH-ABI.md 5.3), except the two kinds the kernel handles
 * by itself: #NM (the thread's first FPU instruction since it was
 * switched in, i386/fpu.c) and page faults vm_fault_user() resolves.
 * Handlers run with interrupts enabled, since resolving a fault may
 * sleep and exception_user() may end the thread; the cr2 of a page fault
 * is read before that. Choices where GNU Mach says nothing: an SSE
 * floating-point error (#XM) is EXC_ARITHMETIC / EXC_I386_EXTERR with
 * MXCSR as subcode; an instruction fetch asks vm_fault_user() for
 * execute access (NX is enforced, MACH-ABI.md 8).
 *
 * The way back to user mode (from an exception, a system call or an
 * interrupt) first handles the thread's ASTs (thread_ast_check(): its
 * task was terminated or suspended), then checks for a pending
 * reschedule with interrupts off, so a wakeup cannot slip between the check and the
 * iret; and it asserts that no spinlock or preemption-disabled section
 * leaks into user mode.
 */
#include <stdbool.h>
#include <stdint.h>

#include <i386/cpu.h>
#include <i386/fpu.h>
#include <i386/param.h>
#include <i386/pcb.h>
#include <i386/probe.h>
#include <i386/trap.h>
#include <i386/trap_user.h>
#include <include/mach/exception.h>
#include <include/mach/kern_return.h>
#include <kern/copy.h>
#include <kern/exception.h>
#include <kern/panic.h>
#include <kern/percpu.h>
#include <kern/syscall.h>
#include <kern/task.h>
#include <kern/thread.h>

#define TRAP_EFLAGS_TF          0x00000100

/*
 * The last step before iret to user mode: the thread's ASTs (its task
 * terminated or suspended: kern/task.h), then the reschedule check.
 * Interrupts off on return.
 */
static void
trap_user_return(void)
{
    cpu_intr_enable();
    thread_ast_check();
    cpu_intr_disable();
    thread_intr_exit();
    assert(percpu_self()->preempt_count == 0);
}

static void
trap_user_raise(int exc, int code, int subcode)
{
    cpu_intr_enable();
    exception_user(exc, code, subcode);
}

static unsigned int
trap_user_fault_access(uint32_t error)
{
    unsigned int access = EXCEPTION_ACCESS_READ;

    if (error & PROBE_FAULT_WRITE) {
        access |= EXCEPTION_ACCESS_WRITE;
    }
    if (error & PROBE_FAULT_FETCH) {
        access |= EXCEPTION_ACCESS_EXECUTE;
    }
    return access;
}

static void
trap_user_page_fault(struct trap_frame *f)
{
    uintptr_t addr = cpu_get_cr2();
    kern_return_t kr;

    if (addr >= KERNBASE) {
        trap_user_raise(EXC_BAD_ACCESS, EXC_I386_PGFLT, (int)addr);
        return;
    }
    cpu_intr_enable();
    kr = vm_fault_user(addr, trap_user_fault_access(f->error));
    if (kr != KERN_SUCCESS) {
        exception_user(EXC_BAD_ACCESS, kr, (int)addr);
    }
}

bool
trap_user(struct trap_frame *f)
{
    int err = (int)(f->error & 0xffff);

    switch (f->vector) {
    case TRAP_NMI:
    case TRAP_DOUBLE_FAULT:
    case TRAP_MACHINE_CHECK:
        return false;
    case TRAP_DIVIDE:
        trap_user_raise(EXC_ARITHMETIC, EXC_I386_DIV, 0);
        break;
    case TRAP_DEBUG:
        trap_user_raise(EXC_BREAKPOINT, EXC_I386_SGL, 0);
        break;
    case TRAP_BREAKPOINT:
        trap_user_raise(EXC_BREAKPOINT, EXC_I386_BPT, 0);
        break;
    case TRAP_OVERFLOW:
        trap_user_raise(EXC_ARITHMETIC, EXC_I386_INTO, 0);
        break;
    case TRAP_BOUND:
        trap_user_raise(EXC_SOFTWARE, EXC_I386_BOUND, 0);
        break;
    case TRAP_NO_FPU:
        fpu_trap_unavailable(&thread_self()->pcb);
        break;
    case TRAP_INVALID_TSS:
        trap_user_raise(EXC_BAD_INSTRUCTION, EXC_I386_INVTSSFLT, err);
        break;
    case TRAP_SEGMENT_NP:
        trap_user_raise(EXC_BAD_INSTRUCTION, EXC_I386_SEGNPFLT, err);
        break;
    case TRAP_STACK_FAULT:
        trap_user_raise(EXC_BAD_INSTRUCTION, EXC_I386_STKFLT, err);
        break;
    case TRAP_GENERAL_PROTECTION:
        trap_user_raise(EXC_BAD_INSTRUCTION, EXC_I386_GPFLT, err);
        break;
    case TRAP_PAGE_FAULT:
        trap_user_page_fault(f);
        break;
    case TRAP_FPU_ERROR:
        trap_user_raise(EXC_ARITHMETIC, EXC_I386_EXTERR, (int)fpu_status());
        break;
    case TRAP_SIMD:
        trap_user_raise(EXC_ARITHMETIC, EXC_I386_EXTERR, (int)fpu_mxcsr());
        break;
    default:                        /* #UD and the reserved vectors */
        trap_user_raise(EXC_BAD_INSTRUCTION, EXC_I386_INVOP, 0);
        break;
    }
    trap_user_return();
    return true;
}

void
trap_syscall(struct trap_frame *f)
{
    const struct syscall_entry *e = syscall_lookup(f->eax);
    struct pcb *pcb = &thread_self()->pcb;
    uint32_t args[SYSCALL_MAX_ARGS];

    if (pcb->syscall_step) {
        pcb->syscall_step = false;
        f->eflags |= TRAP_EFLAGS_TF;
    }
    if (e == NULL) {
        exception_user(EXC_BAD_INSTRUCTION, EXC_I386_INVOP, 0);
    } else if (e->nargs != 0 && f->esp > UINTPTR_MAX - 4) {
        exception_user(EXC_BAD_ACCESS, KERN_INVALID_ADDRESS, (int)f->esp);
    } else if (e->nargs != 0
               && copyin((const void *)(f->esp + 4), args, e->nargs * 4) != 0) {
        exception_user(EXC_BAD_ACCESS, copy_fault_code(), (int)copy_fault_addr());
    } else {
        f->eax = e->fn(args);
    }
    trap_user_return();
}

void
trap_user_resume(struct trap_frame *f)
{
    trap_user_return();
    trap_return_to(f);
}

void
trap_user_intr_exit(const struct trap_frame *f)
{
    if ((f->cs & 3) != 3 || __atomic_load_n(&thread_self()->ast, __ATOMIC_ACQUIRE) == 0) {
        return;
    }
    cpu_intr_enable();
    thread_ast_check();
    cpu_intr_disable();
}

bool
trap_user_copy_fault(struct trap_frame *f)
{
    struct thread *t = thread_self();
    uintptr_t addr = cpu_get_cr2();
    kern_return_t kr;

    if (t == NULL || t->pcb.recover == 0 || addr >= KERNBASE) {
        return false;
    }
    if (f->eflags & CPU_EFLAGS_IF) {
        cpu_intr_enable();
    }
    kr = vm_fault_user(addr, trap_user_fault_access(f->error));
    cpu_intr_disable();
    if (kr != KERN_SUCCESS) {
        t->pcb.fault_addr = addr;
        t->pcb.fault_code = kr;
        f->eip = t->pcb.recover;
        t->pcb.recover = 0;
    }
    return true;
}

bool
trap_user_syscall_step(struct trap_frame *f)
{
    if (f->eip != (uintptr_t)trap_syscall_entry) {
        return false;
    }
    f->eflags &= ~TRAP_EFLAGS_TF;
    thread_self()->pcb.syscall_step = true;
    return true;
}
