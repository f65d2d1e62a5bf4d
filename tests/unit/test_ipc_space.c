/* SPDX-License-Identifier: GPL-2.0-or-later */
/*
 * Host test of IPC spaces (ipc/), over kern/rdxtree.c, kern/qsbr.c and
 * the real kern/kmem.c with the page backend of kmem_host.c.
 *
 * First, scenarios that spell out Mach's rules one by one: lowest-first
 * names from 1, specific names, send rights joining a receive right,
 * one name per port, user references and their limits, port death
 * turning send rights into dead names, rename, the name listing, and a
 * space's destruction releasing everything, kernel-object ports. Then
 * long random sequences
 * over three spaces, compared operation by operation and state by state
 * with the reference model of tests/unit/ipc_model.h. Then exhaustion
 * (a page-limited backend: KERN_RESOURCE_SHORTAGE and nothing changed),
 * and 300,000 names in one space, looked up, freed in random order, with
 * every page back at the end.
 */
#include <inttypes.h>
#include <stdarg.h>
#include <stdbool.h>
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include <include/mach/kern_return.h>
#include <include/mach/notify.h>
#include <include/mach/port.h>
#include <ipc/ipc_entry.h>
#include <ipc/ipc_kmsg.h>
#include <ipc/ipc_mqueue.h>
#include <ipc/ipc_port.h>
#include <ipc/ipc_right.h>
#include <ipc/ipc_space.h>
#include <kern/kmem.h>
#include <kern/qsbr.h>
#include <kern/rdxtree.h>

#include "tests/unit/ipc_model.h"
#include "tests/unit/host_util.h"
#include "tests/unit/ipc_host.h"
#include "tests/unit/kmem_host.h"
#include "tests/unit/tap.h"

#define ARENA_PAGES             65536   /* 256 MiB */

__thread unsigned int percpu_host_cpu;

void
panic(const char *fmt, ...)
{
    va_list ap;

    va_start(ap, fmt);
    host_vpanic(fmt, ap);
}

static uint64_t rng_state = 0x853c49e6748fea9bULL;

static uint64_t
rng(void)
{
    return host_xorshift64(&rng_state);
}

static mach_port_urefs_t
refs_of(struct ipc_space *space, mach_port_name_t name, mach_port_right_t right)
{
    mach_port_urefs_t refs;

    return (ipc_right_get_refs(space, name, right, &refs) == KERN_SUCCESS) ? refs : 0xdead;
}

/* ---------------------------------------------------------------- scenarios */

static void
test_names(void)
{
    struct ipc_space *a;
    mach_port_name_t n1 = 0, n2 = 0, n3 = 0, n;

    ipc_space_create(&a);
    tap_check(ipc_right_alloc(a, MACH_PORT_RIGHT_RECEIVE, &n1) == KERN_SUCCESS && n1 == 1
              && ipc_right_alloc(a, MACH_PORT_RIGHT_PORT_SET, &n2) == KERN_SUCCESS && n2 == 2
              && ipc_right_alloc(a, MACH_PORT_RIGHT_DEAD_NAME, &n3) == KERN_SUCCESS && n3 == 3,
              "names are allocated from 1, lowest first, for every kind of right");
    tap_check(type_of(a, 1) == MACH_PORT_TYPE_RECEIVE && type_of(a, 2) == MACH_PORT_TYPE_PORT_SET
              && type_of(a, 3) == MACH_PORT_TYPE_DEAD_NAME && refs_of(a, 3,
              MACH_PORT_RIGHT_DEAD_NAME) == 1 && refs_of(a, 1, MACH_PORT_RIGHT_RECEIVE) == 1
              && refs_of(a, 1, MACH_PORT_RIGHT_SEND) == 0,
              "types and references of a new receive right, port set and dead name");
    tap_check(ipc_right_alloc(a, MACH_PORT_RIGHT_SEND, &n) == KERN_INVALID_VALUE
              && ipc_right_alloc(a, MACH_PORT_RIGHT_SEND_ONCE, &n) == KERN_INVALID_VALUE
              && ipc_right_alloc(a, MACH_PORT_RIGHT_NUMBER, &n) == KERN_INVALID_VALUE,
              "send, send-once and unknown rights cannot be allocated");
    tap_check(ipc_right_alloc_name(a, MACH_PORT_RIGHT_RECEIVE, 1000) == KERN_SUCCESS
              && ipc_right_alloc_name(a, MACH_PORT_RIGHT_DEAD_NAME, 1000) == KERN_NAME_EXISTS
              && ipc_right_alloc_name(a, MACH_PORT_RIGHT_DEAD_NAME, MACH_PORT_NULL)
                 == KERN_INVALID_VALUE
              && ipc_right_alloc_name(a, MACH_PORT_RIGHT_DEAD_NAME, MACH_PORT_DEAD)
                 == KERN_INVALID_VALUE
              && ipc_right_alloc_name(a, MACH_PORT_RIGHT_DEAD_NAME, 0xfffffffe) == KERN_SUCCESS,
              "specific names: in use, NULL and DEAD refused; 0xfffffffe allowed");
    tap_check(ipc_right_type(a, MACH_PORT_NULL, &n) == KERN_INVALID_NAME
              && ipc_right_type(a, MACH_PORT_DEAD, &n) == KERN_INVALID_NAME
              && ipc_right_type(a, 4, &n) == KERN_INVALID_NAME
              && ipc_right_deallocate(a, 4) == KERN_INVALID_NAME
              && ipc_right_destroy(a, 999) == KERN_INVALID_NAME,
              "names that denote nothing: KERN_INVALID_NAME");
    tap_check(ipc_right_destroy(a, 2) == KERN_SUCCESS
              && ipc_right_alloc(a, MACH_PORT_RIGHT_DEAD_NAME, &n) == KERN_SUCCESS && n == 2
              && ipc_right_alloc(a, MACH_PORT_RIGHT_DEAD_NAME, &n) == KERN_SUCCESS && n == 4,
              "a freed name is the next one allocated");
    ipc_space_destroy(a);
}

static void
test_send_rights(void)
{
    struct ipc_space *a, *b;
    struct ipc_port *port;
    mach_port_name_t rcv, n, m;

    ipc_space_create(&a);
    ipc_space_create(&b);
    ipc_right_alloc(a, MACH_PORT_RIGHT_RECEIVE, &rcv);
    ipc_right_port(a, rcv, &port);
    tap_check(port->receiver == a && port->receiver_name == rcv && port->active
              && port->refs == 2, "the port knows its receiver; receive right and caller hold refs");

    tap_check(ipc_right_insert(a, rcv, port, MACH_PORT_RIGHT_SEND) == KERN_SUCCESS
              && type_of(a, rcv) == MACH_PORT_TYPE_SEND_RECEIVE
              && refs_of(a, rcv, MACH_PORT_RIGHT_SEND) == 1 && port->srights == 1,
              "a send right under the receive right's name: SEND|RECEIVE, one uref");
    tap_check(ipc_right_insert(a, 77, port, MACH_PORT_RIGHT_SEND) == KERN_RIGHT_EXISTS
              && ipc_right_copyout(a, port, MACH_PORT_RIGHT_SEND, &n) == KERN_SUCCESS
              && n == rcv && refs_of(a, rcv, MACH_PORT_RIGHT_SEND) == 2 && port->srights == 1,
              "one name per port: another name is refused, copyout joins the existing one");
    tap_check(ipc_right_copyout(a, port, MACH_PORT_RIGHT_SEND_ONCE, &n) == KERN_SUCCESS
              && n != rcv && type_of(a, n) == MACH_PORT_TYPE_SEND_ONCE && port->sorights == 1
              && ipc_right_insert(a, n, port, MACH_PORT_RIGHT_SEND_ONCE) == KERN_NAME_EXISTS,
              "send-once rights get names of their own");
    tap_check(ipc_right_deallocate(a, n) == KERN_SUCCESS && type_of(a, n) == 0xdead
              && port->sorights == 1 && port->mqueue.nr_messages == 1,
              "deallocating a send-once right frees its name; the right carries a notification");
    {
        struct ipc_kmsg *k = NULL;
        mach_msg_size_t size;

        tap_check(ipc_mqueue_receive(a, rcv, MACH_RCV_TIMEOUT, 64, 0, &k, &size)
                  == MACH_MSG_SUCCESS && k->header.msgh_id == MACH_NOTIFY_SEND_ONCE
                  && ipc_kmsg_copyout(k, a, NULL) == MACH_MSG_SUCCESS
                  && k->header.msgh_local_port == rcv && port->sorights == 0,
                  "the send-once notification received: the right is consumed");
        ipc_kmsg_free(k);
    }

    /* Another space: send rights with references. */
    tap_check(ipc_right_insert(b, 5, port, MACH_PORT_RIGHT_SEND) == KERN_SUCCESS
              && ipc_right_insert(b, 5, port, MACH_PORT_RIGHT_SEND) == KERN_SUCCESS
              && refs_of(b, 5, MACH_PORT_RIGHT_SEND) == 2 && port->srights == 2
              && port->refs == 4, "send rights in another space: urefs count at the entry");
    tap_check(ipc_right_mod_refs(b, 5, MACH_PORT_RIGHT_SEND, MACH_PORT_UREFS_MAX - 2)
              == KERN_SUCCESS && refs_of(b, 5, MACH_PORT_RIGHT_SEND) == MACH_PORT_UREFS_MAX
              && ipc_right_insert(b, 5, port, MACH_PORT_RIGHT_SEND) == KERN_UREFS_OVERFLOW
              && ipc_right_mod_refs(b, 5, MACH_PORT_RIGHT_SEND, 1) == KERN_UREFS_OVERFLOW
              && ipc_right_mod_refs(b, 5, MACH_PORT_RIGHT_SEND, -(int)MACH_PORT_UREFS_MAX - 1)
                 == KERN_INVALID_VALUE
              && refs_of(b, 5, MACH_PORT_RIGHT_SEND) == MACH_PORT_UREFS_MAX,
              "user references stop at MACH_PORT_UREFS_MAX and never go below 0");
    tap_check(ipc_right_mod_refs(b, 5, MACH_PORT_RIGHT_SEND, 1 - (int)MACH_PORT_UREFS_MAX)
              == KERN_SUCCESS && refs_of(b, 5, MACH_PORT_RIGHT_SEND) == 1
              && ipc_right_mod_refs(b, 5, MACH_PORT_RIGHT_RECEIVE, -1) == KERN_INVALID_RIGHT
              && ipc_right_mod_refs(b, 5, MACH_PORT_RIGHT_DEAD_NAME, 1) == KERN_INVALID_RIGHT
              && ipc_right_deallocate(a, rcv) == KERN_SUCCESS
              && ipc_right_deallocate(a, rcv) == KERN_SUCCESS
              && type_of(a, rcv) == MACH_PORT_TYPE_RECEIVE
              && ipc_right_deallocate(a, rcv) == KERN_INVALID_RIGHT,
              "mod_refs needs the right; deallocating send rights leaves the receive right");
    ipc_right_copyout(b, port, MACH_PORT_RIGHT_SEND_ONCE, &m);

    /* The port dies: b's rights become dead names, lazily but invisibly. */
    tap_check(ipc_right_mod_refs(a, rcv, MACH_PORT_RIGHT_RECEIVE, -2) == KERN_INVALID_VALUE
              && ipc_right_mod_refs(a, rcv, MACH_PORT_RIGHT_RECEIVE, 0) == KERN_SUCCESS
              && ipc_right_mod_refs(a, rcv, MACH_PORT_RIGHT_RECEIVE, -1) == KERN_SUCCESS
              && type_of(a, rcv) == 0xdead && !port->active && port->receiver == NULL,
              "destroying the receive right kills the port and frees the name");
    tap_check(type_of(b, 5) == MACH_PORT_TYPE_DEAD_NAME
              && refs_of(b, 5, MACH_PORT_RIGHT_DEAD_NAME) == 1
              && type_of(b, m) == MACH_PORT_TYPE_DEAD_NAME && port->srights == 0
              && port->sorights == 0 && port->refs == 1,
              "send and send-once rights for a dead port show as dead names");
    tap_check(ipc_right_insert(b, 9, port, MACH_PORT_RIGHT_SEND) == KERN_INVALID_CAPABILITY
              && ipc_right_mod_refs(b, 5, MACH_PORT_RIGHT_SEND, 1) == KERN_INVALID_RIGHT
              && ipc_right_mod_refs(b, 5, MACH_PORT_RIGHT_DEAD_NAME, 4) == KERN_SUCCESS
              && refs_of(b, 5, MACH_PORT_RIGHT_DEAD_NAME) == 5
              && ipc_right_mod_refs(b, 5, MACH_PORT_RIGHT_DEAD_NAME, -5) == KERN_SUCCESS
              && type_of(b, 5) == 0xdead,
              "dead names: no new rights for the port, references counted, freed at 0");
    ipc_port_unref(port);

    /* SEND|RECEIVE: destroying the receive right leaves a dead name. */
    ipc_right_alloc(a, MACH_PORT_RIGHT_RECEIVE, &rcv);
    ipc_right_port(a, rcv, &port);
    ipc_right_insert(a, rcv, port, MACH_PORT_RIGHT_SEND);
    ipc_right_insert(a, rcv, port, MACH_PORT_RIGHT_SEND);
    tap_check(ipc_right_mod_refs(a, rcv, MACH_PORT_RIGHT_RECEIVE, -1) == KERN_SUCCESS
              && type_of(a, rcv) == MACH_PORT_TYPE_DEAD_NAME
              && refs_of(a, rcv, MACH_PORT_RIGHT_DEAD_NAME) == 2 && port->refs == 1,
              "SEND|RECEIVE without its receive right: a dead name keeping 2 urefs");
    ipc_port_unref(port);
    ipc_space_destroy(a);
    ipc_space_destroy(b);
}

static void
test_rename_and_names(void)
{
    mach_port_name_t names[8], rcv, n;
    mach_port_type_t types[8];
    struct ipc_space *a;
    struct ipc_port *port;
    unsigned long count;

    ipc_space_create(&a);
    ipc_right_alloc(a, MACH_PORT_RIGHT_RECEIVE, &rcv);
    ipc_right_alloc(a, MACH_PORT_RIGHT_DEAD_NAME, &n);
    ipc_right_port(a, rcv, &port);
    tap_check(ipc_right_rename(a, rcv, 0x40000000) == KERN_SUCCESS
              && type_of(a, rcv) == 0xdead && type_of(a, 0x40000000) == MACH_PORT_TYPE_RECEIVE
              && port->receiver_name == 0x40000000,
              "rename moves the rights and the port's receiver name");
    tap_check(ipc_right_rename(a, 0x40000000, n) == KERN_NAME_EXISTS
              && ipc_right_rename(a, n, n) == KERN_NAME_EXISTS
              && ipc_right_rename(a, 12345, 6) == KERN_INVALID_NAME
              && ipc_right_rename(a, n, MACH_PORT_NULL) == KERN_INVALID_VALUE
              && ipc_right_rename(a, n, MACH_PORT_DEAD) == KERN_INVALID_VALUE,
              "rename: names in use, unknown names, NULL and DEAD refused");
    ipc_right_alloc_name(a, MACH_PORT_RIGHT_PORT_SET, 0xfffffffe);
    tap_check(ipc_right_names(a, names, types, 8, &count) == KERN_SUCCESS && count == 3
              && names[0] == n && types[0] == MACH_PORT_TYPE_DEAD_NAME
              && names[1] == 0x40000000 && types[1] == MACH_PORT_TYPE_RECEIVE
              && names[2] == 0xfffffffe && types[2] == MACH_PORT_TYPE_PORT_SET,
              "names: every name in increasing order with its type");
    tap_check(ipc_right_names(a, names, types, 1, &count) == KERN_SUCCESS && count == 3
              && names[0] == n, "names: a short buffer gets the first names and the count");
    ipc_space_destroy(a);
    tap_check(!port->active && port->refs == 1,
              "destroying the space killed its port");
    ipc_port_unref(port);
}

static unsigned int kobject_refs;

static void
kobject_ref(void *obj)
{
    (void)obj;
    kobject_refs++;
}

/*
 * Kernel-object ports: no receiving space, send rights in spaces like
 * any port, the object found by kind only while the port lives; killing
 * the port turns the rights into dead names and frees it with the last.
 */
static void
test_kobject(void)
{
    unsigned long base = pages_after_purge();
    static int object, other;
    struct ipc_port *port, *other_port, *found;
    struct ipc_space *a;
    mach_port_name_t n = 0, n2 = 0;

    ipc_space_create(&a);
    port = ipc_port_create_kobject(IPC_KOBJECT_TASK, &object);
    other_port = ipc_port_create_kobject(IPC_KOBJECT_HOST, &other);
    tap_check(port != NULL && port->active && port->receiver == NULL
              && port->kotype == IPC_KOBJECT_TASK && port->kobject == &object,
              "kobject port: active, no receiver, kind and object set");
    tap_check(ipc_port_kobject(port, IPC_KOBJECT_TASK, kobject_ref) == &object
              && kobject_refs == 1
              && ipc_port_kobject(port, IPC_KOBJECT_THREAD, kobject_ref) == NULL
              && kobject_refs == 1,
              "ipc_port_kobject: the object for its kind only, referenced under the lock");
    tap_check(ipc_right_insert(a, 1, other_port, MACH_PORT_RIGHT_SEND) == KERN_SUCCESS
              && ipc_right_copyout(a, port, MACH_PORT_RIGHT_SEND, &n) == KERN_SUCCESS
              && n == 2
              && ipc_right_copyout(a, port, MACH_PORT_RIGHT_SEND, &n2) == KERN_SUCCESS
              && n2 == 2 && refs_of(a, 2, MACH_PORT_RIGHT_SEND) == 2,
              "send rights to it: copyout reuses the name with one more uref");
    tap_check(ipc_right_port_of(a, 2, MACH_PORT_TYPE_SEND, &found) == KERN_SUCCESS
              && found == port,
              "ipc_right_port_of: the port behind a send right");
    ipc_port_unref(found);
    tap_check(ipc_right_port_of(a, 2, MACH_PORT_TYPE_RECEIVE, &found) == KERN_INVALID_RIGHT
              && ipc_right_port_of(a, 3, MACH_PORT_TYPE_SEND, &found) == KERN_INVALID_NAME,
              "ipc_right_port_of: another right is KERN_INVALID_RIGHT, no name KERN_INVALID_NAME");
    ipc_port_kobject_destroy(port);
    tap_check(type_of(a, 2) == MACH_PORT_TYPE_DEAD_NAME
              && refs_of(a, 2, MACH_PORT_RIGHT_DEAD_NAME) == 2
              && ipc_right_port_of(a, 2, MACH_PORT_TYPE_SEND, &found) == KERN_INVALID_RIGHT,
              "killed: its send rights turn into a dead name with their urefs");
    ipc_space_destroy(a);
    ipc_port_kobject_destroy(other_port);
    tap_check(pages_after_purge() == base, "kobject ports: every page back (%lu, %lu before)",
              pages_after_purge(), base);
}

static void
test_space_destroy(void)
{
    unsigned long base = pages_after_purge();
    struct ipc_space *a, *b;
    struct ipc_port *port;
    struct ipc_port_stats stats;
    mach_port_name_t n;

    ipc_space_create(&a);
    ipc_space_create(&b);
    for (unsigned int i = 0; i < 3000; i++) {
        ipc_right_alloc(a, (mach_port_right_t[]){ MACH_PORT_RIGHT_RECEIVE,
                        MACH_PORT_RIGHT_PORT_SET, MACH_PORT_RIGHT_DEAD_NAME }[i % 3], &n);
        if (i % 3 == 0) {
            ipc_right_port(a, n, &port);
            ipc_right_copyout(b, port, MACH_PORT_RIGHT_SEND, &n);
            ipc_right_copyout(b, port, MACH_PORT_RIGHT_SEND_ONCE, &n);
            ipc_port_unref(port);
        }
    }
    ipc_right_alloc(b, MACH_PORT_RIGHT_RECEIVE, &n);
    ipc_right_port(b, n, &port);
    ipc_right_copyout(a, port, MACH_PORT_RIGHT_SEND, &n);
    ipc_port_unref(port);
    ipc_port_stats_get(&stats);
    tap_check(stats.nr_ports == 1001 && stats.nr_active == 1001 && stats.nr_psets == 1000,
              "3000 names: 1001 ports, 1000 port sets");
    ipc_space_destroy(a);
    ipc_port_stats_get(&stats);
    tap_check(stats.nr_ports == 1001 && stats.nr_active == 1 && stats.nr_psets == 0,
              "destroying a space kills its ports; b's dead names still hold them");
    ipc_space_destroy(b);
    ipc_port_stats_get(&stats);
    tap_check(stats.nr_ports == 0 && pages_after_purge() == base,
              "destroying the other space frees every port; every page back");
}

/* ---------------------------------------------------------------- model */

static struct ipc_model model;

static void
test_model(void)
{
    unsigned long base = pages_after_purge(), checks = 0;
    bool ok = true;

    for (unsigned int run = 0; run < 4 && ok; run++) {
        ipc_model_init(&model);
        for (unsigned long op = 0; op < 60000 && ok; op++) {
            uint64_t x = rng();
            uint8_t b[8];

            memcpy(b, &x, sizeof(b));
            if (run % 2 == 1) {
                b[0] = (b[0] % 3 == 0) ? IPC_MODEL_MOD_REFS : b[0];   /* stress references */
            }
            ipc_model_op(&model, b);
            if (model.error[0] != '\0' || (op % 64 == 0 && !ipc_model_check(&model))) {
                ok = false;
            }
            checks += op % 64 == 0;
        }
        ok = ok && ipc_model_check(&model) && ipc_model_fini(&model);
    }
    tap_check(ok, "4 x 60000 random operations on 3 spaces match the model "
              "(%lu full-state comparisons)%s%s", checks, ok ? "" : ": ", model.error);
    tap_check(pages_after_purge() == base, "model runs: every page back");
}

/* ---------------------------------------------------------------- exhaustion */

static void
test_exhaustion(void)
{
    unsigned long base = pages_after_purge(), shortages = 0, others = 0;
    struct ipc_space *a;
    mach_port_name_t n;

    ipc_space_create(&a);
    kmem_host_limit_set(kmem_host_pages_used() + 100);
    for (unsigned int i = 0; i < 200000 && shortages < 100; i++) {
        unsigned long before = rdxtree_nr_values(&a->names);
        kern_return_t kr = (i % 2) ? ipc_right_alloc(a, MACH_PORT_RIGHT_RECEIVE, &n)
                                   : ipc_right_alloc_name(a, MACH_PORT_RIGHT_PORT_SET,
                                                          (uint32_t)rng() | 1);

        if (kr == KERN_RESOURCE_SHORTAGE) {
            shortages++;
            others += rdxtree_nr_values(&a->names) != before;
        } else if (kr != KERN_SUCCESS && kr != KERN_NAME_EXISTS) {
            others++;
        }
    }
    kmem_host_limit_set(~0UL);
    tap_check(shortages == 100 && others == 0,
              "out of memory: KERN_RESOURCE_SHORTAGE, no name added (%lu)", others);
    ipc_space_destroy(a);
    tap_check(pages_after_purge() == base, "exhaustion: every page back");
}

/* ---------------------------------------------------------------- size */

#define BIG_NAMES               300000

static void
test_big_space(void)
{
    unsigned long base = pages_after_purge(), bad = 0;
    mach_port_name_t *order = malloc(BIG_NAMES * sizeof(*order)), n;
    struct ipc_space *a;

    ipc_space_create(&a);
    for (uint32_t i = 0; i < BIG_NAMES; i++) {
        bad += ipc_right_alloc(a, MACH_PORT_RIGHT_DEAD_NAME, &n) != KERN_SUCCESS || n != i + 1;
        order[i] = i + 1;
    }
    tap_check(bad == 0 && rdxtree_height(&a->names) == 4,
              "%d names in one space: 1..%d in order, tree height 4", BIG_NAMES, BIG_NAMES);
    for (uint32_t i = 0; i < BIG_NAMES; i++) {
        struct ipc_entry *entry = ipc_entry_lookup(a, i + 1);

        bad += entry == NULL || entry->name != i + 1;
    }
    tap_check(bad == 0 && ipc_entry_lookup(a, BIG_NAMES + 1) == NULL,
              "every name found, the next one not");
    for (uint32_t i = BIG_NAMES - 1; i > 0; i--) {
        uint32_t j = rng() % (i + 1);

        n = order[i];
        order[i] = order[j];
        order[j] = n;
    }
    for (uint32_t i = 0; i < BIG_NAMES; i++) {
        bad += ipc_right_deallocate(a, order[i]) != KERN_SUCCESS;
    }
    tap_check(bad == 0 && rdxtree_nr_values(&a->names) == 0 && rdxtree_height(&a->names) == 0
              && rdxtree_nr_nodes(&a->names) == 0,
              "freed in random order: the tree is empty and has no node left");
    ipc_space_destroy(a);
    tap_check(pages_after_purge() == base, "every page back (%lu, %lu before)",
              pages_after_purge(), base);
    free(order);
}

static int info_lines;

static void
info_print(const char *line)
{
    printf("# %s\n", line);
    info_lines++;
}

static void
test_info(void)
{
    struct ipc_space *a;
    mach_port_name_t n;

    ipc_space_create(&a);
    for (unsigned int i = 0; i < 5000; i++) {
        ipc_right_alloc(a, MACH_PORT_RIGHT_DEAD_NAME, &n);
    }
    ipc_info(info_print);
    tap_check(info_lines == 8, "ipc_info: header, one space, summary and 5 memory lines");
    ipc_space_destroy(a);
}

int
main(void)
{
    kmem_host_setup(ARENA_PAGES);
    kmem_setup();
    rdxtree_setup();
    ipc_entry_setup();
    ipc_port_setup();
    ipc_space_setup();

    test_names();
    test_send_rights();
    test_rename_and_names();
    test_space_destroy();
    test_kobject();
    test_model();
    test_exhaustion();
    test_big_space();
    test_info();
    return tap_done();
}
