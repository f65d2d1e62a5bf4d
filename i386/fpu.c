/* SPDX-License-Identifier: GPL-2.0-or-later */
/*
 * FPU state of user threads.
 *
 * Policy: lazy restore, eager save. A thread's FPU/SSE registers are in
 * the CPU only while it runs: the switch away from a thread whose state
 * is live saves it (FXSAVE, or FNSAVE on a CPU without FXSR) into its
 * pcb and sets CR0.TS; the thread's next FPU instruction traps (#NM),
 * and the handler clears TS and loads the state back, or a clean
 * initial state (FCW 0x37f, MXCSR 0x1f80, every register zero) on first
 * use, so nothing leaks from the previous user of the FPU.
 *
 * Why not fully lazy (leave the state in the CPU until another thread
 * wants the FPU): a thread that migrates would then find its state in
 * another CPU's registers, and fetching it needs an IPI, a per-thread
 * owner CPU and races with that CPU's own switches. Saving on the way
 * out makes migration free of all that: the state is always either in
 * the CPU the thread runs on or in its pcb. Why not fully eager (restore
 * at every switch in): kernel threads and most user threads never touch
 * the FPU, and would pay 512-byte saves and loads on every switch; here
 * a thread that does not use the FPU costs one test of fpu_live per
 * switch. The kernel itself never uses the FPU (-mno-80387 -mno-sse),
 * so #NM in kernel mode is a bug and stays fatal.
 *
 * Invariant, per CPU: CR0.TS is clear exactly when the running thread's
 * pcb has fpu_live, so the switch never needs to read CR0.
 */
#include <stdbool.h>
#include <stdint.h>

#include <i386/cpu.h>
#include <i386/cpu_info.h>
#include <i386/fpu.h>
#include <i386/pcb.h>
#include <kern/macros.h>
#include <kern/panic.h>

#define FPU_CR0_MP              0x00000002
#define FPU_CR0_EM              0x00000004
#define FPU_CR0_TS              0x00000008
#define FPU_CR0_NE              0x00000020
#define FPU_CR4_OSFXSR          0x00000200
#define FPU_CR4_OSXMMEXCPT      0x00000400
#define FPU_FEATURE_FXSR        (1u << 24)
#define FPU_FEATURE_SSE         (1u << 25)

#define FPU_FCW_INIT            0x037f      /* every exception masked, extended precision */
#define FPU_MXCSR_INIT          0x1f80      /* every exception masked */

#define FPU_MXCSR_MASK_DEFAULT  0x0000ffbf  /* when FXSAVE stores a mask of 0 */

static bool fpu_fxsr, fpu_sse;
static uint32_t fpu_mxcsr_valid;

/* The clean state new threads start with (FXSAVE layout). */
static uint8_t fpu_init_area[PCB_FPU_AREA_SIZE] __attribute__((aligned(16)));

/*
 * The MXCSR mask FXSAVE reports (bytes 28..31 of its image), the same on
 * every CPU of the machine: read once, on the boot CPU, with a scratch
 * FXSAVE while no thread owns the FPU.
 */
static void
fpu_mxcsr_probe(void)
{
    static uint8_t area[PCB_FPU_AREA_SIZE] __attribute__((aligned(16)));
    uint32_t cr0 = cpu_get_cr0();

    cpu_set_cr0(cr0 & ~FPU_CR0_TS);
    __asm__ volatile("fxsave %0" : "=m"(area));
    cpu_set_cr0(cr0);
    fpu_mxcsr_valid = *(uint32_t *)&area[28];
    if (fpu_mxcsr_valid == 0) {
        fpu_mxcsr_valid = FPU_MXCSR_MASK_DEFAULT;
    }
}

void
fpu_setup(void)
{
    uint32_t features = cpu_info_features();

    fpu_fxsr = (features & FPU_FEATURE_FXSR) != 0;
    fpu_sse = fpu_fxsr && (features & FPU_FEATURE_SSE) != 0;
    if (fpu_fxsr) {
        uint32_t cr4 = cpu_get_cr4() | FPU_CR4_OSFXSR;

        cpu_set_cr4(fpu_sse ? cr4 | FPU_CR4_OSXMMEXCPT : cr4);
        *(uint16_t *)&fpu_init_area[0] = FPU_FCW_INIT;
        *(uint32_t *)&fpu_init_area[24] = FPU_MXCSR_INIT;
    }
    cpu_set_cr0((cpu_get_cr0() & ~FPU_CR0_EM) | FPU_CR0_MP | FPU_CR0_NE | FPU_CR0_TS);
    if (fpu_sse && fpu_mxcsr_valid == 0) {
        fpu_mxcsr_probe();                  /* EM clear by now */
    }
}

bool
fpu_has_fxsr(void)
{
    return fpu_fxsr;
}

static inline void
fpu_clts(void)
{
    __asm__ volatile("clts" : : : "memory");
}

void
fpu_switch_out(struct pcb *pcb)
{
    if (likely(!pcb->fpu_live)) {
        return;
    }
    if (fpu_fxsr) {
        __asm__ volatile("fxsave %0" : "=m"(pcb->fpu));
    } else {
        __asm__ volatile("fnsave %0; fwait" : "=m"(pcb->fpu));
    }
    pcb->fpu_live = false;
    cpu_set_cr0(cpu_get_cr0() | FPU_CR0_TS);
}

void
fpu_trap_unavailable(struct pcb *pcb)
{
    assert(!pcb->fpu_live);
    fpu_clts();
    if (fpu_fxsr) {
        __asm__ volatile("fxrstor %0"
                         : : "m"(*(pcb->fpu_valid ? pcb->fpu : fpu_init_area)));
    } else if (pcb->fpu_valid) {
        __asm__ volatile("frstor %0" : : "m"(pcb->fpu));
    } else {
        __asm__ volatile("fninit");
    }
    pcb->fpu_valid = true;
    pcb->fpu_live = true;
}

void
fpu_state_save(struct pcb *pcb)
{
    uint32_t flags = cpu_intr_save();

    fpu_switch_out(pcb);
    cpu_intr_restore(flags);
}

uint32_t
fpu_mxcsr_mask(void)
{
    return fpu_mxcsr_valid;
}

uint32_t
fpu_status(void)
{
    uint16_t sw;

    __asm__ volatile("fnstsw %0" : "=m"(sw));
    return sw;
}

uint32_t
fpu_mxcsr(void)
{
    uint32_t mxcsr = 0;

    if (fpu_sse) {
        __asm__ volatile("stmxcsr %0" : "=m"(mxcsr));
    }
    return mxcsr;
}
