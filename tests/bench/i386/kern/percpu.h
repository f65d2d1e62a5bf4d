/* SPDX-License-Identifier: GPL-2.0-or-later */
/*
 * Stand-in for kern/percpu.h in the i386 user-mode build of the vm_page
 * benchmark (see tests/bench/bench_vm_page.c): user mode has no per-CPU
 * %gs segment, so the per-CPU data is a plain variable, bench_percpu,
 * and each access is still one instruction like the kernel's "%gs:N"
 * one: cpu_id(), percpu_self() and the preemption count and flag that
 * spinlocks use.
 */
#ifndef KERN_PERCPU_H
#define KERN_PERCPU_H

#include <stdbool.h>
#include <stdint.h>

#include <i386/cpu.h>
#include <kern/macros.h>

#ifndef CONFIG_NCPUS
#define CONFIG_NCPUS 8
#endif

#define CPU_CACHE_LINE          64

/* The fields the kernel reaches through %gs, at the kernel's offsets. */
struct percpu {
    struct percpu *self;        /* offset 0 */
    unsigned int id;            /* offset 4 */
    unsigned int preempt_count; /* offset 8 */
    volatile bool need_resched;
};

extern struct percpu bench_percpu;

static inline struct percpu *
percpu_self(void)
{
    struct percpu *self;

    __asm__ volatile("movl bench_percpu, %0" : "=r"(self));
    return self;
}

static inline unsigned int
cpu_id(void)
{
    unsigned int id;

    __asm__ volatile("movl bench_percpu+4, %0" : "=r"(id));
    return id;
}

static inline void
preempt_disable(void)
{
    __asm__ volatile("incl bench_percpu+8" : : : "memory");
}

void preempt_check(void);

static inline int
preempt_resched_pending(void)
{
    return percpu_self()->need_resched;
}

static inline void
preempt_enable(void)
{
    __asm__ volatile("decl bench_percpu+8" : : : "memory");
    if (unlikely(preempt_resched_pending())) {
        preempt_check();
    }
}

static inline void
preempt_enable_no_resched(void)
{
    __asm__ volatile("decl bench_percpu+8" : : : "memory");
}

#endif /* KERN_PERCPU_H */
