/* SPDX-License-Identifier: GPL-2.0-or-later */
/*
 * In-kernel tests of port notifications (ipc/ipc_notify.c) on the real
 * kmem, scheduler, wait queues and CPUs:
 *
 *   test=ipc_notify      the scenarios of tests/ipc_notify_cases.h
 *                        (shared with the host test): every notification
 *                        received and checked word by word, every request
 *                        error, and the port, request and notification
 *                        counters back where they were. `ipc_notify*2`
 *                        also checks that memory comes back each round.
 *   test=ipc_notify_smp  a port's death racing a dead-name request and
 *                        the watched right's deallocation on another CPU
 *                        (the same CPU in turn with one CPU): each round
 *                        must give exactly one notification, dead-name or
 *                        port-deleted, and a request that met the death
 *                        must leave a dead name with 2 user references,
 *                        whichever came first. Manual (its own boot
 *                        line): under TCG each hand-off between the two
 *                        vCPUs can cost a host time slice.
 */
#include <stdbool.h>
#include <stdint.h>

#include <i386/cpu.h>
#include <i386/smp.h>
#include <kern/ktest.h>
#include <kern/qsbr.h>

#define NOTIFY_CHECK(cond, ...) ktest_assert_msg((cond), __VA_ARGS__)

#include <tests/ipc_notify_cases.h>

#define IPC_NOTIFY_SMP_ROUNDS   500

static void
ipc_notify_test_fn(void)
{
    notify_cases_run();
}

KTEST_DEFINE(ipc_notify, ipc_notify_test_fn, 0);

struct ipc_notify_race {
    struct ipc_space *a, *b, *c;    /* receiver, watcher, notify port's space */
    mach_port_name_t rn;            /* the notify port, in c */
    mach_port_name_t name;          /* round's send right in b */
    unsigned int published;         /* rounds whose right is in b */
    unsigned int destroyed;         /* rounds whose port was destroyed */
    unsigned int acked;             /* rounds the watcher finished */
    unsigned int bad;               /* watcher's failed checks */
    bool alone;                     /* one CPU: the killer watches too */
};

static void
ipc_notify_race_wait(const unsigned int *counter, unsigned int value)
{
    while (__atomic_load_n(counter, __ATOMIC_ACQUIRE) < value) {
        cpu_pause();
    }
}

/* The watcher's part of round i: request (immediate), maybe deallocate. */
static void
ipc_notify_race_watch(struct ipc_notify_race *r, unsigned int i)
{
    mach_port_name_t name = __atomic_load_n(&r->name, __ATOMIC_ACQUIRE);
    struct ipc_port *prev = NULL, *so = notify_so(r->c, r->rn);

    if (mach_port_request_notification(r->b, name, MACH_NOTIFY_DEAD_NAME, 1, so, &prev)
        != KERN_SUCCESS || prev != NULL) {
        r->bad++;
    }
    if (i % 2 == 1 && ipc_right_deallocate(r->b, name) != KERN_SUCCESS) {
        r->bad++;
    }
}

/* After round i's death: check and free the name. */
static void
ipc_notify_race_finish(struct ipc_notify_race *r, unsigned int i)
{
    mach_port_name_t name = r->name;

    if (i % 2 == 0 && (notify_type(r->b, name) != MACH_PORT_TYPE_DEAD_NAME
                       || notify_refs(r->b, name, MACH_PORT_RIGHT_DEAD_NAME) != 2)) {
        r->bad++;
    }
    ipc_right_destroy(r->b, name);  /* odd rounds: maybe gone already */
    if (notify_type(r->b, name) != 0xdead) {
        r->bad++;
    }
}

static void
ipc_notify_race_killer(struct ipc_notify_race *r)
{
    for (unsigned int i = 0; i < IPC_NOTIFY_SMP_ROUNDS; i++) {
        mach_port_name_t rp = notify_port(r->a, NULL);

        __atomic_store_n(&r->name, notify_give(r->a, rp, r->b, MACH_MSG_TYPE_PORT_SEND),
                         __ATOMIC_RELEASE);
        __atomic_store_n(&r->published, i + 1, __ATOMIC_RELEASE);
        if (r->alone && i % 3 != 0) {
            ipc_notify_race_watch(r, i);    /* before the death, two rounds in three */
        }
        for (unsigned int spin = 0; spin < (i * 7) % 64; spin++) {
            cpu_pause();
        }
        ipc_right_destroy(r->a, rp);
        if (r->alone && i % 3 == 0) {
            ipc_notify_race_watch(r, i);    /* after it */
        }
        __atomic_store_n(&r->destroyed, i + 1, __ATOMIC_RELEASE);
        if (r->alone) {
            ipc_notify_race_finish(r, i);
        } else {
            ipc_notify_race_wait(&r->acked, i + 1);
        }
        qsbr_quiescent();
    }
}

static void
ipc_notify_race_watcher(struct ipc_notify_race *r)
{
    for (unsigned int i = 0; i < IPC_NOTIFY_SMP_ROUNDS; i++) {
        ipc_notify_race_wait(&r->published, i + 1);
        ipc_notify_race_watch(r, i);
        ipc_notify_race_wait(&r->destroyed, i + 1);
        ipc_notify_race_finish(r, i);
        __atomic_store_n(&r->acked, i + 1, __ATOMIC_RELEASE);
        qsbr_quiescent();
    }
}

static void
ipc_notify_race_fn(void *arg)
{
    struct ipc_notify_race *r = arg;

    if (cpu_id() == 0) {
        ipc_notify_race_killer(r);
    } else if (cpu_id() == 1) {
        ipc_notify_race_watcher(r);
    }
}

static void
ipc_notify_smp_fn(void)
{
    struct ipc_notify_race r = { .alone = smp_nr_cpus() < 2 };
    struct ipc_notify_stats before, after;
    struct ipc_port_stats ports_before, ports_after;
    unsigned int dead = 0, deleted = 0, other = 0;
    struct notify_msg m;

    ipc_notify_stats_get(&before);
    ipc_port_stats_get(&ports_before);
    ipc_space_create(&r.a);
    ipc_space_create(&r.b);
    ipc_space_create(&r.c);
    r.rn = notify_port(r.c, NULL);
    smp_call_all(ipc_notify_race_fn, &r);
    for (;;) {
        m = notify_receive(r.c, r.rn);
        if (m.mr != MACH_MSG_SUCCESS) {
            break;
        }
        if (m.header.msgh_id == MACH_NOTIFY_DEAD_NAME) {
            dead++;
        } else if (m.header.msgh_id == MACH_NOTIFY_PORT_DELETED) {
            deleted++;
        } else {
            other++;
        }
    }
    ktest_diag("ipc_notify_smp: %u rounds on %s: %u dead-name, %u port-deleted",
               IPC_NOTIFY_SMP_ROUNDS, r.alone ? "one CPU" : "two CPUs", dead, deleted);
    ktest_assert_msg(r.bad == 0, "%u failed checks in the watcher", r.bad);
    ktest_assert_msg(dead + deleted == IPC_NOTIFY_SMP_ROUNDS && other == 0
                     && dead >= IPC_NOTIFY_SMP_ROUNDS / 2,
                     "%u dead-name + %u port-deleted (+%u others) for %u rounds", dead, deleted,
                     other, IPC_NOTIFY_SMP_ROUNDS);
    ipc_space_destroy(r.c);
    ipc_space_destroy(r.b);
    ipc_space_destroy(r.a);
    ipc_notify_stats_get(&after);
    ipc_port_stats_get(&ports_after);
    ktest_assert_msg(after.nr_dnrequests == before.nr_dnrequests && after.lost == before.lost
                     && ports_after.nr_ports == ports_before.nr_ports,
                     "%lu dead-name requests, %lu ports left over",
                     after.nr_dnrequests - before.nr_dnrequests,
                     ports_after.nr_ports - ports_before.nr_ports);
}

KTEST_DEFINE(ipc_notify_smp, ipc_notify_smp_fn, KTEST_MANUAL);
