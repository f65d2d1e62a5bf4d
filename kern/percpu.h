/* SPDX-License-Identifier: GPL-2.0-or-later */
/*
 * The current CPU and local interrupt control, for per-CPU data.
 *
 * Each CPU has a struct percpu, padded to a cache line; %gs points at it
 * (a per-CPU GDT segment), so cpu_id() and percpu_self() are one
 * instruction each. Code that keeps per-CPU state indexes arrays of
 * CONFIG_NCPUS entries with cpu_id() and disables interrupts (which also
 * prevents preemption) around accesses. Host builds (MACH_HOST) let tests
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

#include <i386/cpu.h>
#include <kern/macros.h>

struct thread;

struct percpu {
    struct percpu *self;        /* offset 0: %gs:0 */
    unsigned int id;            /* offset 4: 0..CONFIG_NCPUS-1 */
    unsigned int preempt_count; /* offset 8: > 0: no preemption */
    volatile bool need_resched; /* the scheduler wants the CPU back */
    unsigned int apic_id;
    volatile bool online;
    volatile uint64_t ticks;    /* timer interrupts taken by this CPU */
    char *stack;                /* boot/idle stack (KERNEL_STACK_SIZE) */
    struct thread *current;     /* running thread (NULL before threads) */
    struct thread *idle;        /* this CPU's idle thread */
    uintptr_t onfault;          /* where a kernel page fault resumes, or 0 */
    unsigned int nr_windows;    /* pmap temporary mappings in use */
    uint32_t fault_error;       /* error code of the last fault a probe caught */
    uintptr_t fault_addr;       /* and its address (%cr2) */
} __attribute__((aligned(CPU_CACHE_LINE)));

#define PERCPU_PREEMPT_COUNT    8   /* offsetof(struct percpu, preempt_count) */

extern struct percpu percpu_table[CONFIG_NCPUS];

/* Number of CPUs online; grows during boot, then stays. */
extern volatile unsigned int percpu_nr_online;

/* The running CPU's data. Stable while interrupts are off. */
static inline struct percpu *
percpu_self(void)
{
    struct percpu *self;

    __asm__ volatile("movl %%gs:0, %0" : "=r"(self));
    return self;
}

/* Index of the running CPU, 0..CONFIG_NCPUS-1. Stable while interrupts are off. */
static inline unsigned int
cpu_id(void)
{
    unsigned int id;

    __asm__ volatile("movl %%gs:4, %0" : "=r"(id));
    return id;
}

/*
 * Disable preemption: the running thread stays on this CPU until the
 * matching preempt_enable(). Nests. One instruction.
 */
static inline void
preempt_disable(void)
{
    __asm__ volatile("incl %%gs:%c0" : : "i"(PERCPU_PREEMPT_COUNT) : "memory");
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
    __asm__ volatile("decl %%gs:%c0" : : "i"(PERCPU_PREEMPT_COUNT) : "memory");
    if (unlikely(preempt_resched_pending())) {
        preempt_check();
    }
}

/* Re-enable preemption without rescheduling (e.g. interrupts are off). */
static inline void
preempt_enable_no_resched(void)
{
    __asm__ volatile("decl %%gs:%c0" : : "i"(PERCPU_PREEMPT_COUNT) : "memory");
}

#endif /* MACH_HOST */

#endif /* KERN_PERCPU_H */
