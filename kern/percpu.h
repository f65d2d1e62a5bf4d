/* SPDX-License-Identifier: GPL-2.0-or-later */
/*
 * The current CPU and local interrupt control, for per-CPU data.
 *
 * Until SMP bring-up lands there is one CPU and cpu_id() is 0; code that
 * keeps per-CPU state indexes arrays of CONFIG_NCPUS entries with it and
 * disables interrupts (which also prevents preemption) around accesses.
 * Host builds (MACH_HOST) let tests choose the CPU per thread with
 * percpu_host_set_cpu(), so per-CPU code can be exercised with pthreads.
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

#else /* MACH_HOST */

#include <i386/cpu.h>

/* Index of the running CPU, 0..CONFIG_NCPUS-1. Stable while interrupts are off. */
static inline unsigned int cpu_id(void) { return 0; }

#endif /* MACH_HOST */

#endif /* KERN_PERCPU_H */
