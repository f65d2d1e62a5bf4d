/* SPDX-License-Identifier: GPL-2.0-or-later */
/*
 * SMP tests. test=smp: every CPU the firmware lists is online, runs code
 * when asked (cross-CPU calls), sees its own per-CPU data through %gs and
 * takes timer interrupts. test=spinlock: all CPUs hammer one counter under
 * a ticket lock at the same time; the final count must be exact.
 */
#include <stdbool.h>
#include <stddef.h>
#include <stdint.h>

#include <i386/cpu.h>
#include <i386/lapic.h>
#include <i386/smp.h>
#include <kern/clock.h>
#include <kern/ktest.h>
#include <kern/percpu.h>
#include <kern/spinlock.h>

/*
 * Increments in all, split over the CPUs. Under TCG with more vCPUs than
 * host cores, each ticket hand-off may wait for the host to schedule the
 * next holder's vCPU, so the total is kept small; 2000 per CPU at -smp 2
 * still loses about half of them without the lock.
 */
#define SMP_TEST_SPIN_TOTAL     4000

struct smp_test_seen {
    unsigned int id;
    struct percpu *self;
    unsigned int apic_id;
    bool ran;
};

static struct smp_test_seen smp_test_seen[CONFIG_NCPUS];

static void
smp_test_record(void *arg)
{
    struct smp_test_seen *seen = &((struct smp_test_seen *)arg)[cpu_id()];

    seen->id = cpu_id();
    seen->self = percpu_self();
    seen->apic_id = lapic_present() ? lapic_id() : 0;
    seen->ran = true;
}

static void
smp_test_fn(void)
{
    unsigned int n = smp_nr_cpus();

    ktest_diag("%u CPUs online, %u expected", n, smp_nr_cpus_expected());
    KTEST_ASSERT(n == smp_nr_cpus_expected());

    for (unsigned int cpu = 0; cpu < CONFIG_NCPUS; cpu++) {
        smp_test_seen[cpu].ran = false;
    }
    /* One call at a time, then all at once. */
    for (unsigned int cpu = 0; cpu < n; cpu++) {
        KTEST_ASSERT(smp_call(cpu, smp_test_record, smp_test_seen));
    }
    for (unsigned int cpu = 0; cpu < n; cpu++) {
        const struct smp_test_seen *seen = &smp_test_seen[cpu];

        ktest_assert_msg(seen->ran && seen->id == cpu
                         && seen->self == &percpu_table[cpu]
                         && seen->apic_id == percpu_table[cpu].machine.apic_id,
                         "CPU %u: ran %d, id %u, percpu %p (want %p), apic %u (want %u)",
                         cpu, seen->ran, seen->id, (void *)seen->self,
                         (void *)&percpu_table[cpu], seen->apic_id,
                         percpu_table[cpu].machine.apic_id);
        smp_test_seen[cpu].ran = false;
    }
    smp_call_all(smp_test_record, smp_test_seen);
    for (unsigned int cpu = 0; cpu < n; cpu++) {
        ktest_assert_msg(smp_test_seen[cpu].ran, "CPU %u missed smp_call_all", cpu);
    }
    KTEST_ASSERT(!smp_call(CONFIG_NCPUS, smp_test_record, smp_test_seen));

    /* Every CPU's timer ticks. */
    uint64_t before[CONFIG_NCPUS], start = clock_ticks();

    for (unsigned int cpu = 0; cpu < n; cpu++) {
        before[cpu] = percpu_table[cpu].ticks;
    }
    while (clock_ticks() < start + 5) {
        cpu_idle();
    }
    for (unsigned int cpu = 0; cpu < n && n > 1; cpu++) {
        ktest_assert_msg(percpu_table[cpu].ticks > before[cpu],
                         "CPU %u took no timer interrupt", cpu);
    }
}

static struct spinlock smp_test_lock = SPINLOCK_INITIALIZER;
static volatile unsigned long smp_test_counter;
static unsigned int smp_test_arrived;

static unsigned int smp_test_rounds;

static void
smp_test_spin(void *arg)
{
    (void)arg;

    /* Start together, so that the CPUs really contend. */
    __atomic_fetch_add(&smp_test_arrived, 1, __ATOMIC_ACQ_REL);
    while (__atomic_load_n(&smp_test_arrived, __ATOMIC_ACQUIRE) < smp_nr_cpus()) {
        cpu_pause();
    }
    for (unsigned int i = 0; i < smp_test_rounds; i++) {
        spinlock_lock(&smp_test_lock);
        smp_test_counter = smp_test_counter + 1;
        spinlock_unlock(&smp_test_lock);
    }
}

static void
spinlock_test_fn(void)
{
    unsigned long want;

    smp_test_rounds = SMP_TEST_SPIN_TOTAL / smp_nr_cpus();
    want = (unsigned long)smp_nr_cpus() * smp_test_rounds;

    smp_test_counter = 0;
    smp_test_arrived = 0;
    smp_call_all(smp_test_spin, NULL);
    ktest_assert_msg(smp_test_counter == want, "counter %lu, want %lu",
                     smp_test_counter, want);
    ktest_diag("%u CPUs, %lu increments under one lock", smp_nr_cpus(), want);
}

KTEST_DEFINE(smp, smp_test_fn, 0);
KTEST_DEFINE(spinlock, spinlock_test_fn, 0);
