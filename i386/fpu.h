/* SPDX-License-Identifier: GPL-2.0-or-later */
/*
 * Per-thread x87/SSE state: saved eagerly when a thread that used the
 * FPU is switched out, restored lazily on its first FPU instruction
 * after a switch in (#NM, CR0.TS). See fpu.c for why.
 */
#ifndef I386_FPU_H
#define I386_FPU_H

#include <stdbool.h>
#include <stdint.h>

struct pcb;

/*
 * Set up the calling CPU's FPU: native x87 error reporting (CR0.NE),
 * CR0.MP, FXSAVE and SSE exceptions (CR4.OSFXSR, OSXMMEXCPT) when the
 * CPU has them, and CR0.TS set so that the first use traps. Call once
 * per CPU, on the CPU, after cpu_info_report() on the boot CPU.
 */
void fpu_setup(void);

/* True when the state is saved with FXSAVE (else FNSAVE). */
bool fpu_has_fxsr(void);

/*
 * Save pcb's state if it is live in this CPU's FPU and set CR0.TS.
 * Interrupts off (called by the switch away from the thread).
 */
void fpu_switch_out(struct pcb *pcb);

/*
 * The #NM trap of the running thread (from user mode): clear CR0.TS and
 * load its saved state, or a clean initial one on its first use.
 * Interrupts off.
 */
void fpu_trap_unavailable(struct pcb *pcb);

/*
 * Bring the calling thread's FPU state into its pcb: save it if it is
 * live (and set CR0.TS, so that the next FPU use loads it back from the
 * pcb). Afterwards pcb->fpu is the state when pcb->fpu_valid, and may be
 * read or replaced. Any interrupt state; interrupts are restored.
 */
void fpu_state_save(struct pcb *pcb);

/* The MXCSR bits FXRSTOR accepts (the CPU's MXCSR_MASK; 0 without SSE). */
uint32_t fpu_mxcsr_mask(void);

/*
 * The x87 status word (for #MF) and MXCSR (for #XM) of the running
 * thread, whose state is live. Interrupts off.
 */
uint32_t fpu_status(void);
uint32_t fpu_mxcsr(void);

#endif /* I386_FPU_H */
