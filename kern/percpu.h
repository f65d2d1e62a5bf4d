/* SPDX-License-Identifier: GPL-2.0-or-later */
/*
 * The current CPU and local interrupt control, for per-CPU data.
 *
 * Each CPU has a struct percpu, padded to a cache line; the machine
 * layer (machine/percpu.h) reaches the running CPU's in one instruction
 * (percpu_read, percpu_inc, percpu_dec), so cpu_id(), percpu_self() and
 * preempt_disable() are one instruction each. Members only the machine
 * layer uses live in its struct percpu_machine, percpu.machine.
 *
 * Code that keeps per-CPU state indexes arrays of CONFIG_NCPUS entries
 * with cpu_id() and disables interrupts (which also prevents preemption)
 * around accesses. Host builds (MACH_HOST) let tests
 * choose the CPU per thread with percpu_host_set_cpu(), so per-CPU code
 * can be exercised with pthreads.
 */
#ifndef KERN_PERCPU_H
#define KERN_PERCPU_H

#include <stdint.h>

#ifndef CONFIG_NCPUS
#define CONFIG_NCPUS 8
#endif

#define CPU_CACHE_LINE          64

#ifdef MACH_HOST

extern __thread unsigned int percpu_host_cpu;

static inline unsigned int cpu_id(void) { return percpu_host_cpu; }
static inline void percpu_host_set_cpu(unsigned int cpu) { percpu_host_cpu = cpu; }
static inline uint32_t cpu_intr_save(void) { return 0; }
static inline void cpu_intr_restore(uint32_t flags) { (void)flags; }
static inline void preempt_disable(void) { }
static inline void preempt_enable(void) { }
static inline void preempt_enable_no_resched(void) { }
static inline int preempt_resched_pending(void) { return 0; }
static inline void preempt_check(void) { }

#else /* MACH_HOST */

#include <stdbool.h>

#include <kern/macros.h>
#include <machine/cpu.h>
#include <machine/percpu.h>

struct thread;

struct percpu {
    struct percpu *self;        /* offset 0 */
    unsigned int id;            /* 0..CONFIG_NCPUS-1 */
    unsigned int preempt_count; /* > 0: no preemption */
    volatile bool need_resched; /* the scheduler wants the CPU back */
    volatile bool online;
    volatile uint64_t ticks;    /* timer interrupts taken by this CPU */
    char *stack;                /* boot/idle stack (KERNEL_STACK_SIZE) */
    struct thread *current;     /* running thread (NULL before threads) */
    struct thread *idle;        /* this CPU's idle thread */
    struct percpu_machine machine;  /* the machine layer's own (machine/percpu.h) */
} __attribute__((aligned(CPU_CACHE_LINE)));

extern struct percpu percpu_table[CONFIG_NCPUS];

/* Number of CPUs online; grows during boot, then stays. */
extern volatile unsigned int percpu_nr_online;

/* The running CPU's data. Stable while interrupts are off. */
static inline struct percpu *
percpu_self(void)
{
    return percpu_read(self);
}

/* Index of the running CPU, 0..CONFIG_NCPUS-1. Stable while interrupts are off. */
static inline unsigned int
cpu_id(void)
{
    return percpu_read(id);
}

/*
 * Disable preemption: the running thread stays on this CPU until the
 * matching preempt_enable(). Nests. One instruction.
 */
static inline void
preempt_disable(void)
{
    percpu_inc(preempt_count);
}

/*
 * Reschedule if the scheduler asked for it while preemption was off and
 * the caller can be preempted now (count 0, interrupts on).
 */
void preempt_check(void);

/* True when the scheduler wants this CPU back. */
static inline int
preempt_resched_pending(void)
{
    return percpu_self()->need_resched;
}

/* Re-enable preemption; may switch threads when the count drops to 0. */
static inline void
preempt_enable(void)
{
    percpu_dec(preempt_count);
    if (unlikely(preempt_resched_pending())) {
        preempt_check();
    }
}

/* Re-enable preemption without rescheduling (e.g. interrupts are off). */
static inline void
preempt_enable_no_resched(void)
{
    percpu_dec(preempt_count);
}

#endif /* MACH_HOST */

#endif /* KERN_PERCPU_H */
