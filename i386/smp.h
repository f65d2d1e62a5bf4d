/* SPDX-License-Identifier: GPL-2.0-or-later */
/*
 * Multiprocessor bring-up and cross-CPU calls.
 */
#ifndef I386_SMP_H
#define I386_SMP_H

#include <stdbool.h>
#include <stdint.h>

#include <kern/percpu.h>

/* A set of CPUs: bit cpu % 32 of word cpu / 32. */
#define SMP_MASK_WORDS          ((CONFIG_NCPUS + 31) / 32)
#define SMP_MASK_TEST(mask, cpu) \
    ((__atomic_load_n(&(mask)[(cpu) / 32], __ATOMIC_RELAXED) >> ((cpu) % 32)) & 1)

/*
 * Find the CPUs (ACPI MADT, else MP table), switch interrupts to the
 * local and I/O APICs, start every CPU's local APIC timer and start the
 * secondary CPUs (up to CONFIG_NCPUS). Without APIC tables, stays on one
 * CPU with the PIC and says so. Call on the boot CPU with interrupts
 * enabled and the PIT ticking, before the boot allocator is handed off.
 */
void smp_setup(void);

/* Number of CPUs online. */
unsigned int smp_nr_cpus(void);

/*
 * Number of CPUs that should be online: those the firmware lists, at most
 * CONFIG_NCPUS, and 1 without APIC tables.
 */
unsigned int smp_nr_cpus_expected(void);

/*
 * Run fn(arg) on CPU cpu, through an inter-processor interrupt, and wait
 * for it to return (on the calling CPU itself it is a direct call). fn
 * runs in interrupt context with interrupts off on the target CPU. Call
 * with interrupts enabled. Returns false when cpu is not online.
 */
bool smp_call(unsigned int cpu, void (*fn)(void *arg), void *arg);

/*
 * Run fn(arg) on every online CPU at once, the caller included (with
 * interrupts off there too), and wait until all have returned. Call with
 * interrupts enabled.
 */
void smp_call_all(void (*fn)(void *arg), void *arg);

/*
 * Like smp_call_all(), for the online CPUs of mask only (SMP_MASK_WORDS
 * words, read once at the start: the caller may change it meanwhile).
 * Runs on the caller too when its bit is set. Call with interrupts enabled.
 */
void smp_call_many(const uint32_t *mask, void (*fn)(void *arg), void *arg);

/* Make CPU cpu look at its run queue soon (an IPI); no-op when offline. */
void smp_wakeup(unsigned int cpu);

#endif /* I386_SMP_H */
