/* SPDX-License-Identifier: GPL-2.0-or-later */
/*
 * Quiescent-state-based reclamation: deferred frees for lockless readers.
 *
 * A structure read without locks (the rdxtree behind IPC name spaces)
 * cannot free a piece of itself as soon as a writer unlinks it: a reader
 * on another CPU may still be walking it. The writer hands the piece to
 * qsbr_defer() instead, and it is freed once every online CPU has passed
 * a quiescent state, a point where it holds no reference to it.
 *
 *   reader:  flags = qsbr_read_enter();    interrupts off
 *            p = __atomic_load_n(&shared, __ATOMIC_ACQUIRE); use *p
 *            qsbr_read_exit(flags);        p may be freed from here on
 *
 *   writer:  (its own lock held) unlink p with a release store
 *            qsbr_defer(&p->qsbr, p_free);
 *
 * A read section is a stretch with local interrupts disabled. A CPU is
 * therefore quiescent whenever it takes a timer interrupt (struct
 * percpu's ticks count goes up, at 100 Hz even on idle CPUs), and also
 * when code that knows it is outside any read section calls
 * qsbr_quiescent(), which a long loop with interrupts off must do. The
 * grace period of a batch of deferred nodes therefore lasts one to two
 * ticks when nobody calls qsbr_quiescent(). doc/ipc.md gives the
 * argument and the memory ordering.
 *
 * Host builds (MACH_HOST) have no timer: threads stand in for CPUs
 * (percpu_host_cpu), CPUs 0..N-1 count as online after
 * qsbr_host_cpus_set(N) (1 by default), and only qsbr_quiescent()
 * marks quiescent states, so that tests decide when a grace period ends.
 */
#ifndef KERN_QSBR_H
#define KERN_QSBR_H

#include <stdint.h>

#include <kern/percpu.h>

/* Embedded in an object whose free is deferred. */
struct qsbr_node {
    struct qsbr_node *next;
    void (*fn)(struct qsbr_node *node);
};

/* Counters, from qsbr_stats_get(). */
struct qsbr_stats {
    unsigned long nr_pending;       /* deferred nodes not freed yet */
    unsigned long nr_freed;         /* nodes freed since boot */
    unsigned long nr_grace_periods; /* grace periods completed */
};

/*
 * Enter a read section: disable local interrupts, so that this CPU
 * cannot pass a quiescent state until qsbr_read_exit(). Returns the
 * flags to give back. Sections nest. Nothing in a section may sleep,
 * enable interrupts or call qsbr_quiescent(), qsbr_defer() or
 * qsbr_drain().
 */
static inline uint32_t
qsbr_read_enter(void)
{
    return cpu_intr_save();
}

/* Leave a read section; pointers read in it may be freed from now on. */
static inline void
qsbr_read_exit(uint32_t flags)
{
    cpu_intr_restore(flags);
}

/*
 * Free node later: call fn(node) once every CPU online now has passed a
 * quiescent state, so that no read section that could have seen the
 * object is still running. The object must be unreachable for new
 * readers already (unlinked with release stores). fn runs on some CPU
 * calling qsbr_defer() or qsbr_drain(), with no qsbr lock held, and must
 * not call qsbr. May be called from any context outside a read section,
 * locks held or not. Takes the qsbr lock (interrupts disabled) and may
 * run fn for earlier nodes whose grace period ended. Cannot fail.
 */
void qsbr_defer(struct qsbr_node *node, void (*fn)(struct qsbr_node *node));

/*
 * Declare that the calling CPU is outside any read section (for loops
 * that run long with interrupts disabled, and for host tests). Lock-free:
 * one atomic increment of the CPU's counter, with interrupts disabled
 * around it so that the caller cannot migrate in between.
 */
void qsbr_quiescent(void);

/*
 * Wait until every node deferred so far has been freed (running the
 * callbacks of those whose grace period ended). Call outside any read
 * section, with interrupts enabled in the kernel, and never while other
 * CPUs wait for this one with interrupts off: they would never tick. In
 * host builds every other online CPU must keep calling qsbr_quiescent().
 * While other CPUs keep deferring nodes it may wait for theirs too.
 */
void qsbr_drain(void);

/* Copy the counters into *stats (taken under the qsbr lock). */
void qsbr_stats_get(struct qsbr_stats *stats);

#ifdef MACH_HOST
/* Host builds: CPUs 0..nr_cpus-1 are online (1 <= nr_cpus <= CONFIG_NCPUS). */
void qsbr_host_cpus_set(unsigned int nr_cpus);
#endif

#endif /* KERN_QSBR_H */
