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
 * execute access (NX is enforced, MACH-ABI.md 8). As in GNU Mach, the
 * #GP of an `int $0x80` in a task with a system-call emulation table is a
 * system call (kern/task_emulation.h), and a system call whose number
 * the table holds goes to the task's handler instead of the trap table.
 *
 * Faults of the exit itself: the exit pops the user's %gs, %fs, %es and
 * %ds and irets to its CS:EIP and SS:ESP in kernel mode, so a selector
 * that no longer loads (a TLS slot emptied under the thread) or a frame
 * iret refuses faults in the kernel, at a known instruction, with the
 * stack pointer at a known word of the user frame. The CPU pushes the
 * nested frame right below that word, over the part of the user frame
 * already popped, but everything popped is then in the registers, which
 * the nested entry saved: trap_user_exit_fault() copies those back into
 * the user frame and raises the exception as if the user had faulted,
 * which is what GNU Mach does too. Handled this way rather than by
 * checking selectors before every exit: the exit stays as short as it
 * is, and every source of a bad value (TLS slots now, thread_set_state
 * later) is covered at once.
 *
 * Debug registers: a user thread's breakpoints (i386_DEBUG_STATE) stay
 * loaded while the kernel runs for it, and a data breakpoint on a user
 * address also fires when the kernel itself touches it (copyin,
 * copyout). Such a hit is a trap after the access, in kernel mode:
 * trap_user_kernel_watch() clears DR6 and the kernel goes on; the
 * thread is not told (it did not make the access; GNU Mach has no such
 * case and would stop in its kernel debugger). Its own accesses raise
 * EXC_BREAKPOINT / EXC_I386_SGL with DR6 kept for thread_get_state.
 *
 * The way back to user mode (from an exception, a system call or an
 * interrupt) first handles the thread's ASTs (thread_ast_check(): its
 * task was terminated or suspended), then checks for a pending
 * reschedule with interrupts off, so a wakeup cannot slip between the check and the
 * iret; and it asserts that no spinlock or preemption-disabled section
 * leaks into user mode.
 */
#include <stdbool.h>
#include <stddef.h>
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
#include <kern/macros.h>
#include <kern/panic.h>
#include <kern/percpu.h>
#include <kern/syscall.h>
#include <kern/task.h>
#include <kern/task_emulation.h>
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
    if (kr == KERN_ABORTED) {
        return;         /* a wait for a pager interrupted: the ASTs, then the fault again */
    }
    if (kr != KERN_SUCCESS) {
        exception_user(EXC_BAD_ACCESS, kr, (int)addr);
    }
}

/*
 * The #GP of an `int $0x80` in a task with an emulation table: as GNU
 * Mach, a system call (the table first, then the trap table), returning
 * past the instruction. Reads the instruction from user memory:
 * interrupts enabled.
 */
static bool
trap_user_int80(struct trap_frame *f)
{
    uint8_t insn[2];

    if (!task_emulation_present(thread_self()->task)
        || copyin((const void *)(uintptr_t)f->eip, insn, sizeof(insn)) != 0
        || insn[0] != 0xcd || insn[1] != 0x80) {
        return false;
    }
    f->eip += sizeof(insn);
    return true;
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
        pcb_debug_trap();           /* DR6 for thread_get_state, as GNU Mach */
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
        cpu_intr_enable();
        if (trap_user_int80(f)) {
            trap_syscall(f);            /* returns through trap_user_return() */
            return true;
        }
        exception_user(EXC_BAD_INSTRUCTION, EXC_I386_GPFLT, err);
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

/*
 * A system call the task emulates (task_set_emulation): as GNU Mach, the
 * flags and the return address are pushed on the user stack (flags at
 * the new top) and the thread resumes at the handler, %eax still the
 * call's number. A stack that cannot take them: EXC_BAD_ACCESS. Returns
 * whether the call was the task's to handle.
 */
static bool
trap_syscall_emulated(struct trap_frame *f)
{
    uint32_t frame[2] = { f->eflags, f->eip };
    uintptr_t pc;

    if (!task_emulation_lookup(thread_self()->task, (int32_t)f->eax, &pc)) {
        return false;
    }
    if (f->esp < sizeof(frame)) {
        exception_user(EXC_BAD_ACCESS, KERN_INVALID_ADDRESS, (int)f->esp);
    } else if (copyout(frame, (void *)(f->esp - sizeof(frame)), sizeof(frame)) != 0) {
        exception_user(EXC_BAD_ACCESS, copy_fault_code(), (int)copy_fault_addr());
    } else {
        f->esp -= sizeof(frame);
        f->eip = (uint32_t)pc;
    }
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
    if (trap_syscall_emulated(f)) {
        /* The task's emulation table sent it to a user handler (kern/task_emulation.h). */
    } else if (e == NULL) {
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

extern char trap_exit_gs[], trap_exit_fs[], trap_exit_es[], trap_exit_ds[],
            trap_exit_iret[];

bool
trap_user_exit_fault(struct trap_frame *f)
{
    /* The exit's faulting instructions, and the frame word ESP is at there. */
    static const struct {
        const char *eip;
        size_t word;
        unsigned int popped;            /* segment registers already loaded */
    } points[] = {
        { trap_exit_gs, offsetof(struct trap_frame, gs), 0 },
        { trap_exit_fs, offsetof(struct trap_frame, fs), 1 },
        { trap_exit_es, offsetof(struct trap_frame, es), 2 },
        { trap_exit_ds, offsetof(struct trap_frame, ds), 3 },
        { trap_exit_iret, offsetof(struct trap_frame, eip), 4 },
    };
    struct thread *t = thread_self();
    struct trap_frame nested, *uf;
    unsigned int i;

    if ((f->cs & 3) != 0 || t == NULL
        || (f->vector != TRAP_INVALID_TSS && f->vector != TRAP_SEGMENT_NP
            && f->vector != TRAP_STACK_FAULT && f->vector != TRAP_GENERAL_PROTECTION)) {
        return false;
    }
    for (i = 0; i < ARRAY_SIZE(points); i++) {
        if (f->eip == (uintptr_t)points[i].eip) {
            break;
        }
    }
    uf = pcb_user_frame(t);
    /* A trap without a privilege change pushes no ESP: the fault's ESP is where it would be. */
    if (i == ARRAY_SIZE(points) || (uintptr_t)&f->esp != (uintptr_t)uf + points[i].word
        || (uf->cs & 3) != 3) {
        return false;
    }

    /* The nested frame overlaps the popped part of uf: read it whole first. */
    nested = *f;
    uf->edi = nested.edi;
    uf->esi = nested.esi;
    uf->ebp = nested.ebp;
    uf->esp_pushal = nested.esp_pushal;
    uf->ebx = nested.ebx;
    uf->edx = nested.edx;
    uf->ecx = nested.ecx;
    uf->eax = nested.eax;
    if (points[i].popped > 0) {
        uf->gs = nested.gs;
    }
    if (points[i].popped > 1) {
        uf->fs = nested.fs;
    }
    if (points[i].popped > 2) {
        uf->es = nested.es;
    }
    if (points[i].popped > 3) {
        uf->ds = nested.ds;
    }
    uf->vector = nested.vector;
    uf->error = nested.error;

    /* Below uf, this stack holds nothing but the C frames from here on. */
    trap_user(uf);
    trap_return_to(uf);
}

bool
trap_user_kernel_watch(struct trap_frame *f)
{
    struct thread *t = thread_self();

    if ((f->cs & 3) != 0 || t == NULL || !(t->pcb.debug[7] & PCB_DR7_ENABLE)
        || !(cpu_get_dr6() & 0xf)) {
        return false;
    }
    cpu_set_dr6(0);
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
