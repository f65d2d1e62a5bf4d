/* SPDX-License-Identifier: GPL-2.0-or-later */
/*
 * The process control block: what a thread needs to run in user mode.
 *
 * The saved user registers are the struct trap_frame at the very top of
 * the thread's kernel stack (pcb_user_frame()): the CPU switches to that
 * stack (TSS esp0) on every trap from user mode, so the frame the entry
 * code builds there is the user state, with no copy; thread_alloc()
 * keeps the top PCB_STACK_RESERVE bytes free for it. thread_get_state
 * and thread_set_state read and write that frame. The rest of the user
 * state lives in struct pcb, inside struct thread: the two TLS
 * descriptors (GDT slots 0x48 and 0x50), its own LDT if it has one, the
 * FPU/SSE state, and the recovery address of copyin/copyout.
 */
#ifndef I386_PCB_H
#define I386_PCB_H

#include <stdbool.h>
#include <stdint.h>

#include <include/mach/kern_return.h>

#include <i386/gdt.h>
#include <i386/trap.h>

#define PCB_FPU_AREA_SIZE       512         /* FXSAVE image (FNSAVE uses 108) */
#define PCB_STACK_RESERVE       sizeof(struct trap_frame)

struct thread;

#define PCB_DR7_ENABLE          0x000000ff  /* L0-L3, G0-G3 */

/*
 * The machine's part of a task (struct task's member machine): its I/O
 * permission bitmap, made by the first i386_io_perm_modify that enables
 * a port (i386/io_perm.c, which reads and writes it). All zero: none.
 */
struct pcb_task {
    uint8_t *iopb;              /* GDT_IOPB_BYTES, bit clear = allowed; NULL: none */
    unsigned int iopb_gen;      /* version of its contents (atomic); 0 while iopb is NULL */
    unsigned int iopb_size;     /* bytes up to the last allowed port; all ones past it */
};

/* Free what task's pcb_task holds (the task is being freed, no thread of it runs). */
void pcb_task_free(struct pcb_task *pt);

struct pcb {
    uintptr_t recover;          /* where a faulting copyin/copyout resumes, or 0 */
    uintptr_t fault_addr;       /* user address of the last fault a copy recovered from */
    int fault_code;             /* and its kern_return_t (the exception code) */
    bool user;                  /* its frame holds a user state (user mode, or set) */
    bool syscall_step;          /* a user TF was cleared at the gate: give it back */
    bool fpu_valid;             /* fpu[] (or the FPU, when live) holds the state */
    bool fpu_live;              /* the state is in this CPU's FPU (CR0.TS clear) */
    uint64_t user_tls[GDT_USER_TLS_SLOTS];  /* loaded in the GDT at every switch */
    uint64_t *ldt;              /* its own LDT (kmem), NULL: the shared one */
    unsigned int ldt_entries;   /* descriptors in ldt */
    uint32_t debug[8];          /* i386_DEBUG_STATE: DR0-DR3 and DR7 as set (loaded
                                   while it runs when DR7 enables one), DR6 as the
                                   last debug trap left it, DR4/DR5 0 */
    uint32_t v86[2];            /* i386_V86_ASSIST_STATE as set (no v86 mode) */
    uint8_t fpu[PCB_FPU_AREA_SIZE] __attribute__((aligned(16)));
};

/* The saved user registers of t (valid once t entered user mode). */
struct trap_frame *pcb_user_frame(const struct thread *t);

/* The user instruction pointer of t, for messages. */
uintptr_t pcb_user_pc(const struct thread *t);

/*
 * Make next's machine state current on this CPU before the switch to
 * it: TSS esp0 (the top of its kernel stack), its TLS descriptors and
 * LDT, its task's I/O bitmap (io_perm_switch()), its debug registers
 * when it or the thread before uses them, and prev's FPU state saved if
 * it is live. Interrupts off.
 */
void pcb_switch(struct thread *prev, struct thread *next);

/*
 * Load t's debug registers on this CPU (t runs here next, or is the
 * caller): DR0-DR3 and DR7 when its DR7 enables a breakpoint, else DR7
 * cleared if this CPU had one enabled. Interrupts off.
 */
void pcb_debug_load(const struct thread *t);

/*
 * A debug trap (#DB) of the calling thread: record DR6 (the bits GNU
 * Mach keeps, 0x600f) in its i386_DEBUG_STATE and clear DR6.
 */
void pcb_debug_trap(void);

/*
 * Free what t's pcb allocated (its own LDT). t runs nowhere any more
 * (the reaper frees dead threads). Thread context.
 */
void pcb_thread_free(struct thread *t);

/*
 * Start the calling thread in user mode at eip with stack pointer esp,
 * in the address space it has (thread_pmap_set()), with GNU Mach's
 * initial state: CS 0x17, SS/DS/ES/FS/GS 0x1f, EFLAGS IF only, every
 * other register 0, a fresh FPU state. The thread comes back to the
 * kernel only through traps, interrupts and system calls. Thread
 * context (not a boot context), preemption enabled. Does not return.
 */
void pcb_user_start(uintptr_t eip, uintptr_t esp) __attribute__((noreturn));

/*
 * Set TLS slot slot (0 or 1: selectors 0x4b and 0x53) of t to desc
 * (gdt_user_desc_valid(); a descriptor that is not present empties the
 * slot). Takes effect on t's next return to user mode when t is the
 * caller, else on its next switch-in. t is the caller or not running.
 * Returns 0, or -1 for a bad slot or descriptor (nothing changed).
 */
int pcb_user_tls_set(struct thread *t, unsigned int slot, uint64_t desc);

/*
 * t's saved user frame, first set to GNU Mach's initial user state
 * (pcb_user_start()'s, with eip and esp 0) if t never had one. t as for
 * pcb_state_get().
 */
struct trap_frame *pcb_user_state_init(struct thread *t);

/*
 * Thread state (i386/pcb_state.c, MACH-ABI.md 5.2). The largest flavor,
 * in words: callers may pass a longer array, the words past the
 * flavor's count are ignored.
 */
#define PCB_STATE_MAX_WORDS     (4 + PCB_FPU_AREA_SIZE / 4)

/*
 * thread_get_state of one flavor of t's user state into state[*count]:
 * on entry *count is the room in words, on success the words written.
 * A thread that never had a user state gets GNU Mach's initial one
 * (pcb_user_start()). t is the caller, or a thread that does not run
 * until this returns (stopped, or not started). Never sleeps.
 * Returns KERN_SUCCESS, or KERN_INVALID_ARGUMENT for an unknown flavor
 * or too little room (nothing written).
 */
kern_return_t pcb_state_get(struct thread *t, int flavor, uint32_t *state,
                            unsigned int *count);

/*
 * thread_set_state of one flavor from state[count] (words past the
 * flavor's count ignored); t as for pcb_state_get(). Values the CPU
 * would refuse on the way back to user mode are refused here (see
 * pcb_state.c). Returns KERN_SUCCESS, or KERN_INVALID_ARGUMENT for an
 * unknown or get-only flavor, a short count or a bad value (t's state
 * unchanged). Never sleeps.
 */
kern_return_t pcb_state_set(struct thread *t, int flavor, const uint32_t *state,
                            unsigned int count);

/*
 * Whether TLS slot slot of t may hold desc without breaking t's saved
 * user state: false when one of the segment registers of t's frame
 * names the slot and desc could not be loaded into it on the way back
 * to user mode (i386_set_gdt refuses that). t as for pcb_state_get().
 */
bool pcb_user_tls_fits(const struct thread *t, unsigned int slot, uint64_t desc);

/* Bytes of i386_XFLOAT_STATE (its header and the FPU image): i386_get_xstate_size. */
unsigned int pcb_xstate_size(void);

/*
 * Return to user mode through the calling thread's saved frame, as it
 * is now (after a pcb_state_set() of the caller: the trap
 * thread_set_self_state; or the state a new thread was given), with
 * the checks of any return to user mode (ASTs, rescheduling). A thread
 * that never had a user state gets GNU Mach's initial one (zero
 * registers: it faults at address 0). Thread context, interrupts on.
 * Does not return.
 */
void pcb_user_resume(void) __attribute__((noreturn));

#endif /* I386_PCB_H */
