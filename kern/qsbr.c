/* SPDX-License-Identifier: GPL-2.0-or-later */
/*
 * Quiescent-state-based reclamation (see kern/qsbr.h).
 *
 * Rationale. The kernel has no RCU, no threads to run callbacks and no
 * hook in the timer interrupt outside i386/. What it has is a per-CPU
 * count of timer interrupts (struct percpu's ticks) and the rule that a
 * reader keeps interrupts disabled: a CPU whose count moved has enabled
 * interrupts since, so it has left every read section it was in. Each
 * CPU also has a counter of its own here, bumped by qsbr_quiescent(), so
 * that loops running with interrupts off (smp_call_all() functions) and
 * host tests can report quiescent states. A CPU's quiescent count is the
 * sum of the two, as 32-bit values (only changes matter; a wrap of
 * exactly 2^32 would only delay a free).
 *
 * Deferred nodes form two global batches under one lock: "next" collects
 * new nodes; "wait" is closed and waits for its grace period, with a
 * snapshot of every online CPU's count taken when it was closed. Once
 * every CPU in the snapshot shows a different count, every read section
 * that began before the snapshot has ended, and no later one can reach
 * the nodes (they were unlinked before they were deferred), so "wait" is
 * freed and "next" becomes the new "wait". Both the CPU that takes the
 * snapshot and the CPU that checks it are outside any read section at
 * that moment, so neither needs to move. Batches advance on every
 * qsbr_defer() and in qsbr_drain(); there is no background work, so at
 * most the last two batches stay allocated while nothing is deferred.
 * Retirements are rare (an rdxtree node holds up to 64 values), which
 * keeps one global lock off every hot path.
 *
 * Memory ordering (x86, total store order): the writer unlinks with a
 * release store, then qsbr_defer() issues a full fence before reading
 * the counts of the snapshot, so that a CPU whose count is seen to move
 * afterwards moved it after the unlink was visible and reads the new
 * pointers in its next section. On the reader's side the timer tick is
 * followed by iret, which drains the store buffer, and qsbr_quiescent()
 * is a locked increment, a full barrier, so a count is never seen to
 * move before the reader's earlier loads completed or after its later
 * loads started.
 */
#include <stdbool.h>
#include <stddef.h>
#include <stdint.h>

#include <kern/macros.h>
#include <kern/percpu.h>
#include <kern/qsbr.h>
#include <kern/spinlock.h>

struct qsbr_cpu {
    uint32_t count;                 /* qsbr_quiescent() calls */
} __aligned(CPU_CACHE_LINE);

static struct qsbr_cpu qsbr_cpus[CONFIG_NCPUS];

static struct spinlock qsbr_lock = SPINLOCK_INITIALIZER;
static struct qsbr_node *qsbr_next;         /* collecting */
static unsigned long qsbr_nr_next;
static struct qsbr_node *qsbr_wait;         /* waiting for its grace period */
static unsigned long qsbr_nr_wait;
static uint32_t qsbr_snapshot[CONFIG_NCPUS];
static bool qsbr_snapshot_valid[CONFIG_NCPUS]; /* CPU must move before wait is freed */
static unsigned long qsbr_nr_freed;
static unsigned long qsbr_nr_grace_periods;

#ifdef MACH_HOST

static unsigned int qsbr_host_nr_cpus = 1;

void
qsbr_host_cpus_set(unsigned int nr_cpus)
{
    __atomic_store_n(&qsbr_host_nr_cpus, nr_cpus, __ATOMIC_RELEASE);
}

static bool
qsbr_cpu_online(unsigned int cpu)
{
    return cpu < __atomic_load_n(&qsbr_host_nr_cpus, __ATOMIC_ACQUIRE);
}

static uint32_t
qsbr_cpu_count(unsigned int cpu)
{
    return __atomic_load_n(&qsbr_cpus[cpu].count, __ATOMIC_ACQUIRE);
}

#else /* MACH_HOST */

static bool
qsbr_cpu_online(unsigned int cpu)
{
    return percpu_table[cpu].online;
}

/* The low half of the 64-bit tick count (i386 is little-endian). */
static uint32_t
qsbr_cpu_count(unsigned int cpu)
{
    const volatile uint32_t *ticks = (const volatile uint32_t *)&percpu_table[cpu].ticks;

    return *ticks + __atomic_load_n(&qsbr_cpus[cpu].count, __ATOMIC_ACQUIRE);
}

#endif /* MACH_HOST */

void
qsbr_quiescent(void)
{
    /* Interrupts off: a thread moved to another CPU must not vouch for this one. */
    uint32_t flags = cpu_intr_save();

    __atomic_fetch_add(&qsbr_cpus[cpu_id()].count, 1, __ATOMIC_SEQ_CST);
    cpu_intr_restore(flags);
}

/*
 * Whether every CPU of the snapshot has moved (or gone offline: it runs
 * no read section any more; only host tests take CPUs offline); lock
 * held.
 */
static bool
qsbr_grace_period_ended(void)
{
    unsigned int self = cpu_id();

    for (unsigned int cpu = 0; cpu < CONFIG_NCPUS; cpu++) {
        if (!qsbr_snapshot_valid[cpu]) {
            continue;
        }
        if (cpu != self && qsbr_cpu_online(cpu)
            && qsbr_cpu_count(cpu) == qsbr_snapshot[cpu]) {
            return false;
        }
        qsbr_snapshot_valid[cpu] = false;   /* quiescent once, or offline: done with it */
    }
    return true;
}

/* Close the next batch: it becomes the wait batch; lock held. */
static void
qsbr_close_next(void)
{
    unsigned int self = cpu_id();

    qsbr_wait = qsbr_next;
    qsbr_nr_wait = qsbr_nr_next;
    qsbr_next = NULL;
    qsbr_nr_next = 0;
    __atomic_thread_fence(__ATOMIC_SEQ_CST);    /* unlinks before the counts */
    for (unsigned int cpu = 0; cpu < CONFIG_NCPUS; cpu++) {
        qsbr_snapshot_valid[cpu] = cpu != self && qsbr_cpu_online(cpu);
        if (qsbr_snapshot_valid[cpu]) {
            qsbr_snapshot[cpu] = qsbr_cpu_count(cpu);
        }
    }
}

/*
 * Move the batches along; lock held. Returns the nodes whose grace
 * period ended, for the caller to free once it dropped the lock.
 */
static struct qsbr_node *
qsbr_advance(void)
{
    struct qsbr_node *done = NULL;

    if (qsbr_wait != NULL && qsbr_grace_period_ended()) {
        done = qsbr_wait;
        qsbr_nr_freed += qsbr_nr_wait;
        qsbr_nr_grace_periods++;
        qsbr_wait = NULL;
        qsbr_nr_wait = 0;
    }
    if (qsbr_wait == NULL && qsbr_next != NULL) {
        qsbr_close_next();
    }
    return done;
}

static void
qsbr_free_list(struct qsbr_node *node)
{
    while (node != NULL) {
        struct qsbr_node *next = node->next;

        node->fn(node);
        node = next;
    }
}

void
qsbr_defer(struct qsbr_node *node, void (*fn)(struct qsbr_node *node))
{
    struct qsbr_node *done;
    uint32_t flags;

    node->fn = fn;
    flags = spinlock_lock_intr_save(&qsbr_lock);
    node->next = qsbr_next;
    qsbr_next = node;
    qsbr_nr_next++;
    done = qsbr_advance();
    spinlock_unlock_intr_restore(&qsbr_lock, flags);
    qsbr_free_list(done);
}

void
qsbr_drain(void)
{
    for (;;) {
        struct qsbr_node *done;
        uint32_t flags;
        bool empty;

        flags = spinlock_lock_intr_save(&qsbr_lock);
        done = qsbr_advance();
        empty = qsbr_wait == NULL && qsbr_next == NULL;
        spinlock_unlock_intr_restore(&qsbr_lock, flags);
        qsbr_free_list(done);
        if (empty) {
            return;
        }
#ifdef MACH_HOST
        sched_yield();
#else
        cpu_pause();
#endif
    }
}

void
qsbr_stats_get(struct qsbr_stats *stats)
{
    uint32_t flags;

    flags = spinlock_lock_intr_save(&qsbr_lock);
    stats->nr_pending = qsbr_nr_next + qsbr_nr_wait;
    stats->nr_freed = qsbr_nr_freed;
    stats->nr_grace_periods = qsbr_nr_grace_periods;
    spinlock_unlock_intr_restore(&qsbr_lock, flags);
}
