/* SPDX-License-Identifier: GPL-2.0-or-later */
/*
 * Host tests of ipc/ipc_kmsg.c and the message-right functions of
 * ipc/ipc_right.c over the real ipc/, kmem and rdxtree code: every
 * disposition in the header and in the body, with user references,
 * send and send-once counts and port references checked after copyin,
 * copyout and destruction; the receive-side header swap; every send
 * error with what it does to the sender's rights; and a random traffic
 * of messages between three spaces whose accounting is checked against
 * a census of every space and message in flight. At the end every page
 * and every port is back.
 */
#include <stdarg.h>
#include <stdbool.h>
#include <stdint.h>
#include <string.h>

#include <include/mach/kern_return.h>
#include <include/mach/message.h>
#include <include/mach/mig_errors.h>
#include <include/mach/notify.h>
#include <include/mach/port.h>
#include <ipc/ipc_entry.h>
#include <ipc/ipc_kmsg.h>
#include <ipc/ipc_mqueue.h>
#include <ipc/ipc_msg.h>
#include <ipc/ipc_port.h>
#include <ipc/ipc_right.h>
#include <ipc/ipc_space.h>
#include <kern/kmem.h>
#include <kern/qsbr.h>
#include <kern/rdxtree.h>

#include "tests/unit/host_util.h"
#include "tests/unit/ipc_host.h"
#include "tests/unit/kmem_host.h"
#include "tests/unit/tap.h"
#include "tests/unit/vm_copy_host.h"

#define ARENA_PAGES             32768   /* 128 MiB */

__thread unsigned int percpu_host_cpu;

void
panic(const char *fmt, ...)
{
    va_list ap;

    va_start(ap, fmt);
    host_vpanic(fmt, ap);
}

static uint64_t rng_state = 0x9e3779b97f4a7c15ULL;

static uint32_t
rng(void)
{
    return (uint32_t)(host_xorshift64(&rng_state) >> 20);
}

static mach_port_urefs_t
urefs_of(struct ipc_space *space, mach_port_name_t name)
{
    mach_port_urefs_t refs;

    return (ipc_right_get_refs(space, name, MACH_PORT_RIGHT_SEND, &refs) == KERN_SUCCESS)
           ? refs : 0xdead;
}

/* The port under name in space, without keeping a reference. */
static struct ipc_port *
port_of(struct ipc_space *space, mach_port_name_t name)
{
    struct ipc_port *port = NULL;

    if (ipc_right_port(space, name, &port) == KERN_SUCCESS) {
        ipc_port_unref(port);
    }
    return port;
}

/* A message of header + nwords body words, copied in from space. */
static mach_msg_return_t
send(struct ipc_space *space, mach_msg_bits_t bits, mach_port_name_t remote,
     mach_port_name_t local, const uint32_t *body, unsigned int nwords, struct ipc_kmsg **kmsgp)
{
    struct ipc_kmsg *kmsg = ipc_kmsg_alloc(IPC_MSG_HEADER_SIZE + nwords * 4);
    mach_msg_return_t mr;

    kmsg->header.msgh_bits = bits;
    kmsg->header.msgh_remote_port = remote;
    kmsg->header.msgh_local_port = local;
    kmsg->header.msgh_seqno = 0;
    kmsg->header.msgh_id = 1234;
    if (nwords > 0) {
        memcpy(ipc_kmsg_body(kmsg), body, nwords * 4);
    }
    mr = ipc_kmsg_copyin(kmsg, space, NULL);
    if (mr != MACH_MSG_SUCCESS) {
        ipc_kmsg_free(kmsg);
        kmsg = NULL;
    }
    *kmsgp = kmsg;
    return mr;
}

static uint32_t *
body_of(struct ipc_kmsg *kmsg)
{
    return ipc_kmsg_body(kmsg);
}

#define BODY(...)       ((const uint32_t[]){ __VA_ARGS__ })
#define NW(...)         (sizeof((const uint32_t[]){ __VA_ARGS__ }) / 4)
#define PORTS(disp, n)  MACH_MSGT(disp, 32, n, 1)
#define INT32           MACH_MSGT(MACH_MSG_TYPE_INTEGER_32, 32, 1, 1)
#define LONG(flags, name, size, number) \
    (MACH_MSGT_LONGFORM | (flags)), ((uint32_t)(name) | ((uint32_t)(size) << 16)), (number)

/* A receive right in space with k send rights under the same name. */
static mach_port_name_t
new_port(struct ipc_space *space, unsigned int k, struct ipc_port **portp)
{
    mach_port_name_t name;
    struct ipc_port *port;

    ipc_right_alloc(space, MACH_PORT_RIGHT_RECEIVE, &name);
    port = port_of(space, name);
    if (k > 0) {
        ipc_right_insert(space, name, port, MACH_PORT_RIGHT_SEND);
        ipc_right_mod_refs(space, name, MACH_PORT_RIGHT_SEND, (mach_port_delta_t)k - 1);
    }
    *portp = port;
    return name;
}

/* A send right for port in space, with k user references. */
static mach_port_name_t
give_send(struct ipc_space *space, struct ipc_port *port, unsigned int k)
{
    mach_port_name_t name;

    ipc_right_copyout(space, port, MACH_PORT_RIGHT_SEND, &name);
    ipc_right_mod_refs(space, name, MACH_PORT_RIGHT_SEND, (mach_port_delta_t)k - 1);
    return name;
}

/* ---------------------------------------------------------------- header */

static void
test_header_dispositions(void)
{
    struct ipc_space *a, *b;
    struct ipc_port *pa, *pb;
    struct ipc_kmsg *k;
    mach_port_name_t ra, rb, sb, n;
    unsigned int refs;

    ipc_space_create(&a);
    ipc_space_create(&b);
    ra = new_port(a, 0, &pa);
    rb = new_port(b, 0, &pb);
    sb = give_send(b, pa, 3);
    refs = pa->refs;

    tap_check(send(b, MACH_MSGH_BITS(MACH_MSG_TYPE_COPY_SEND, 0), sb, 0, NULL, 0, &k)
              == MACH_MSG_SUCCESS && urefs_of(b, sb) == 3 && pa->srights == 2
              && pa->refs == refs + 1 && k->remote == pa && k->local == NULL
              && k->header.msgh_bits == MACH_MSGH_BITS(MACH_MSG_TYPE_PORT_SEND, 0),
              "COPY_SEND: the sender keeps its urefs, the message holds a new send right");
    tap_check(ipc_kmsg_copyout(k, a, NULL) == MACH_MSG_SUCCESS
              && k->header.msgh_bits == MACH_MSGH_BITS(0, MACH_MSG_TYPE_PORT_SEND)
              && k->header.msgh_local_port == ra && k->header.msgh_remote_port == MACH_PORT_NULL
              && k->header.msgh_id == 1234 && pa->srights == 1 && pa->refs == refs,
              "received: local is the receiver's name, type PORT_SEND; the right is consumed");
    ipc_kmsg_free(k);

    tap_check(send(b, MACH_MSGH_BITS(MACH_MSG_TYPE_MOVE_SEND, 0), sb, 0, NULL, 0, &k)
              == MACH_MSG_SUCCESS && urefs_of(b, sb) == 2 && pa->srights == 2,
              "MOVE_SEND with 3 urefs: one uref goes, as a new right in the message");
    ipc_kmsg_destroy(k);
    tap_check(pa->srights == 1 && pa->refs == refs, "destroying the message releases it");
    ipc_right_mod_refs(b, sb, MACH_PORT_RIGHT_SEND, -1);
    tap_check(send(b, MACH_MSGH_BITS(MACH_MSG_TYPE_MOVE_SEND, 0), sb, 0, NULL, 0, &k)
              == MACH_MSG_SUCCESS && type_of(b, sb) == 0xdead && pa->srights == 1
              && pa->refs == refs,
              "MOVE_SEND of the last uref: the right itself moves, the name is freed");
    ipc_kmsg_copyout(k, a, NULL);
    ipc_kmsg_free(k);
    tap_check(pa->srights == 0 && pa->refs == refs - 1, "and is consumed by the receive");

    /* An RPC: COPY_SEND to a, MAKE_SEND_ONCE of b's own port for the reply. */
    sb = give_send(b, pa, 1);
    tap_check(send(b, MACH_MSGH_BITS(MACH_MSG_TYPE_COPY_SEND, MACH_MSG_TYPE_MAKE_SEND_ONCE), sb,
                   rb, NULL, 0, &k) == MACH_MSG_SUCCESS && pb->sorights == 1
              && k->local == pb && type_of(b, rb) == MACH_PORT_TYPE_RECEIVE,
              "request 0x1513: MAKE_SEND_ONCE makes a send-once right for the reply port");
    tap_check(ipc_kmsg_copyout(k, a, NULL) == MACH_MSG_SUCCESS
              && k->header.msgh_bits == MACH_MSGH_BITS(MACH_MSG_TYPE_PORT_SEND_ONCE,
                                                       MACH_MSG_TYPE_PORT_SEND)
              && type_of(a, k->header.msgh_remote_port) == MACH_PORT_TYPE_SEND_ONCE
              && k->header.msgh_local_port == ra && pb->sorights == 1,
              "received 0x1112: remote is a new send-once name for the reply port");
    n = k->header.msgh_remote_port;
    ipc_kmsg_free(k);
    tap_check(send(a, MACH_MSGH_BITS(MACH_MSG_TYPE_MOVE_SEND_ONCE, 0), n, 0, NULL, 0, &k)
              == MACH_MSG_SUCCESS && type_of(a, n) == 0xdead && pb->sorights == 1,
              "the reply: MOVE_SEND_ONCE takes the name out of the server");
    tap_check(ipc_kmsg_copyout(k, b, NULL) == MACH_MSG_SUCCESS
              && k->header.msgh_bits == MACH_MSGH_BITS(0, MACH_MSG_TYPE_PORT_SEND_ONCE)
              && k->header.msgh_local_port == rb && pb->sorights == 0,
              "received 0x1200 by the client, the send-once right consumed");
    ipc_kmsg_free(k);

    tap_check(send(a, MACH_MSGH_BITS(MACH_MSG_TYPE_MAKE_SEND, MACH_MSG_TYPE_MAKE_SEND), ra, ra,
                   NULL, 0, &k) == MACH_MSG_SUCCESS && pa->srights == 3,
              "MAKE_SEND twice on the receiver's own name: two new send rights");
    tap_check(ipc_kmsg_copyout(k, a, NULL) == MACH_MSG_SUCCESS && k->header.msgh_remote_port == ra
              && k->header.msgh_local_port == ra
              && type_of(a, ra) == MACH_PORT_TYPE_SEND_RECEIVE && urefs_of(a, ra) == 1
              && pa->srights == 2,
              "received by itself: the reply send right joins the receive right's name");
    ipc_kmsg_free(k);
    ipc_right_deallocate(b, sb);
    ipc_right_deallocate(a, ra);
    tap_check(pa->srights == 0, "all send rights released");
    ipc_space_destroy(a);
    ipc_space_destroy(b);
}

static void
test_header_errors(void)
{
    struct ipc_space *a, *b;
    struct ipc_port *pa, *pb;
    struct ipc_kmsg *k;
    mach_port_name_t ra, rb, sb, dead, so;
    unsigned int refs;

    ipc_space_create(&a);
    ipc_space_create(&b);
    ra = new_port(a, 0, &pa);
    rb = new_port(b, 0, &pb);
    sb = give_send(b, pa, 1);
    ipc_right_alloc(b, MACH_PORT_RIGHT_DEAD_NAME, &dead);
    refs = pa->refs;

    tap_check(send(b, MACH_MSGH_BITS(MACH_MSG_TYPE_MOVE_RECEIVE, 0), rb, 0, NULL, 0, &k)
              == MACH_SEND_INVALID_HEADER
              && send(b, MACH_MSGH_BITS(0, 0), sb, 0, NULL, 0, &k) == MACH_SEND_INVALID_HEADER
              && send(b, MACH_MSGH_BITS(22, 0), sb, 0, NULL, 0, &k) == MACH_SEND_INVALID_HEADER
              && send(b, MACH_MSGH_BITS(MACH_MSG_TYPE_COPY_SEND, 0), sb, rb, NULL, 0, &k)
                 == MACH_SEND_INVALID_HEADER
              && send(b, MACH_MSGH_BITS(MACH_MSG_TYPE_COPY_SEND, MACH_MSG_TYPE_MOVE_RECEIVE), sb,
                      rb, NULL, 0, &k) == MACH_SEND_INVALID_HEADER,
              "bad dispositions, or a local name without one: SEND_INVALID_HEADER");
    tap_check(send(b, MACH_MSGH_BITS(MACH_MSG_TYPE_COPY_SEND, 0), MACH_PORT_NULL, 0, NULL, 0, &k)
              == MACH_SEND_INVALID_DEST
              && send(b, MACH_MSGH_BITS(MACH_MSG_TYPE_COPY_SEND, 0), MACH_PORT_DEAD, 0, NULL, 0,
                      &k) == MACH_SEND_INVALID_DEST
              && send(b, MACH_MSGH_BITS(MACH_MSG_TYPE_COPY_SEND, 0), 999, 0, NULL, 0, &k)
                 == MACH_SEND_INVALID_DEST
              && send(b, MACH_MSGH_BITS(MACH_MSG_TYPE_MOVE_SEND, 0), dead, 0, NULL, 0, &k)
                 == MACH_SEND_INVALID_DEST
              && send(b, MACH_MSGH_BITS(MACH_MSG_TYPE_MAKE_SEND, 0), sb, 0, NULL, 0, &k)
                 == MACH_SEND_INVALID_DEST
              && send(b, MACH_MSGH_BITS(MACH_MSG_TYPE_MOVE_SEND_ONCE, 0), sb, 0, NULL, 0, &k)
                 == MACH_SEND_INVALID_DEST
              && send(b, MACH_MSGH_BITS(MACH_MSG_TYPE_COPY_SEND, 0), rb, 0, NULL, 0, &k)
                 == MACH_SEND_INVALID_DEST,
              "NULL, DEAD, unknown, dead names and the wrong rights: SEND_INVALID_DEST");
    tap_check(urefs_of(b, sb) == 1 && type_of(b, dead) == MACH_PORT_TYPE_DEAD_NAME
              && pa->srights == 1 && pa->refs == refs,
              "... and nothing changed");
    tap_check(send(b, MACH_MSGH_BITS(MACH_MSG_TYPE_MOVE_SEND, MACH_MSG_TYPE_MAKE_SEND_ONCE), sb,
                   999, NULL, 0, &k) == MACH_SEND_INVALID_REPLY
              && send(b, MACH_MSGH_BITS(MACH_MSG_TYPE_MOVE_SEND, MACH_MSG_TYPE_MAKE_SEND_ONCE), sb,
                      sb, NULL, 0, &k) == MACH_SEND_INVALID_REPLY
              && send(b, MACH_MSGH_BITS(MACH_MSG_TYPE_MAKE_SEND, MACH_MSG_TYPE_MAKE_SEND_ONCE), sb,
                      999, NULL, 0, &k) == MACH_SEND_INVALID_REPLY
              && urefs_of(b, sb) == 1 && pa->srights == 1 && pa->refs == refs,
              "a bad reply right: SEND_INVALID_REPLY (checked before the destination's right), "
              "the destination's right left in place");
    tap_check(send(b, MACH_MSGH_BITS(MACH_MSG_TYPE_MOVE_SEND, MACH_MSG_TYPE_MOVE_SEND), sb, sb,
                   NULL, 0, &k) == MACH_SEND_INVALID_DEST
              && send(b, MACH_MSGH_BITS(MACH_MSG_TYPE_COPY_SEND, MACH_MSG_TYPE_MOVE_SEND_ONCE), sb,
                      sb, NULL, 0, &k) == MACH_SEND_INVALID_REPLY
              && send(b, MACH_MSGH_BITS(MACH_MSG_TYPE_MOVE_SEND, MACH_MSG_TYPE_COPY_SEND), 999,
                      sb, NULL, 0, &k) == MACH_SEND_INVALID_DEST
              && urefs_of(b, sb) == 1 && pa->srights == 1 && pa->refs == refs,
              "one name for both: two MOVE_SENDs of one uref SEND_INVALID_DEST, a send right "
              "as MOVE_SEND_ONCE reply SEND_INVALID_REPLY; a missing destination comes first");
    ipc_right_mod_refs(b, sb, MACH_PORT_RIGHT_SEND, 1);
    tap_check(send(b, MACH_MSGH_BITS(MACH_MSG_TYPE_MOVE_SEND, MACH_MSG_TYPE_MOVE_SEND), sb, sb,
                   NULL, 0, &k) == MACH_MSG_SUCCESS && type_of(b, sb) == 0xdead
              && pa->srights == 2 && k->remote == pa && k->local == pa,
              "MOVE_SEND twice from one name with 2 urefs: both move");
    ipc_kmsg_destroy(k);
    sb = give_send(b, pa, 1);
    tap_check(send(b, MACH_MSGH_BITS(MACH_MSG_TYPE_MOVE_SEND, MACH_MSG_TYPE_COPY_SEND), sb, sb,
                   NULL, 0, &k) == MACH_MSG_SUCCESS && type_of(b, sb) == 0xdead
              && pa->srights == 2,
              "MOVE_SEND and COPY_SEND of one uref: the copy is taken first");
    ipc_kmsg_destroy(k);
    sb = give_send(b, pa, 1);
    tap_check(send(b, MACH_MSGH_BITS(MACH_MSG_TYPE_COPY_SEND, MACH_MSG_TYPE_MOVE_SEND), sb,
                   dead, NULL, 0, &k) == MACH_MSG_SUCCESS && k->local == IPC_PORT_DEAD
              && type_of(b, dead) == 0xdead,
              "a dead name as reply: IPC_PORT_DEAD, its uref taken");
    ipc_kmsg_copyout(k, a, NULL);
    tap_check(k->header.msgh_remote_port == MACH_PORT_DEAD
              && MACH_MSGH_BITS_REMOTE(k->header.msgh_bits) == MACH_MSG_TYPE_PORT_SEND,
              "... received as MACH_PORT_DEAD");
    ipc_kmsg_free(k);
    ipc_right_alloc(b, MACH_PORT_RIGHT_RECEIVE, &so);
    (void)ra;
    ipc_space_destroy(b);
    tap_check(pa->srights == 0 && pa->refs == 1, "space destruction releases what is left");
    ipc_space_destroy(a);
}

/* ---------------------------------------------------------------- body */

static void
test_body(void)
{
    struct ipc_space *a, *b;
    struct ipc_port *pa, *pb, *pc;
    struct ipc_kmsg *k;
    mach_port_name_t ra, rb, rc, sb, *names;
    mach_msg_return_t mr;
    uint32_t *body;

    ipc_space_create(&a);
    ipc_space_create(&b);
    ra = new_port(a, 0, &pa);
    rb = new_port(b, 2, &pb);
    rc = new_port(b, 0, &pc);
    sb = give_send(b, pa, 1);

    tap_check(send(b, MACH_MSGH_BITS_COMPLEX | MACH_MSGH_BITS(MACH_MSG_TYPE_COPY_SEND, 0), sb, 0,
                   BODY(INT32, 77, PORTS(MACH_MSG_TYPE_COPY_SEND, 3), rb, MACH_PORT_NULL,
                        MACH_PORT_DEAD, PORTS(MACH_MSG_TYPE_MOVE_RECEIVE, 1), rc,
                        PORTS(MACH_MSG_TYPE_MAKE_SEND_ONCE, 1), rb),
                   NW(INT32, 77, PORTS(MACH_MSG_TYPE_COPY_SEND, 3), rb, MACH_PORT_NULL,
                      MACH_PORT_DEAD, PORTS(MACH_MSG_TYPE_MOVE_RECEIVE, 1), rc,
                      PORTS(MACH_MSG_TYPE_MAKE_SEND_ONCE, 1), rb), &k) == MACH_MSG_SUCCESS,
              "a body with data, COPY_SEND x3 (a right, NULL, DEAD), MOVE_RECEIVE, MAKE_SEND_ONCE");
    tap_check(k->nr_ports == 5 && k->ports[0] == pb && k->ports[1] == NULL
              && k->ports[2] == IPC_PORT_DEAD && k->ports[3] == pc && k->ports[4] == pb
              && pb->srights == 2 && pb->sorights == 1 && urefs_of(b, rb) == 2
              && type_of(b, rc) == 0xdead && pc->receiver == NULL && pc->active
              && (k->header.msgh_bits & MACH_MSGH_BITS_COMPLEX),
              "copied in: the receive right is in transit, the counts include the message");
    body = body_of(k);
    tap_check(body[2] == PORTS(MACH_MSG_TYPE_PORT_SEND, 3)
              && body[6] == PORTS(MACH_MSG_TYPE_PORT_RECEIVE, 1)
              && body[8] == PORTS(MACH_MSG_TYPE_PORT_SEND_ONCE, 1) && body[1] == 77,
              "the descriptors now say what the receiver gets (17, 16, 18), data untouched");
    tap_check(ipc_kmsg_copyout(k, a, NULL) == MACH_MSG_SUCCESS, "copied out");
    names = body;
    tap_check(type_of(a, names[3]) == MACH_PORT_TYPE_SEND && urefs_of(a, names[3]) == 1
              && names[4] == MACH_PORT_NULL && names[5] == MACH_PORT_DEAD
              && type_of(a, names[7]) == MACH_PORT_TYPE_RECEIVE && pc->receiver == a
              && pc->receiver_name == names[7]
              && type_of(a, names[9]) == MACH_PORT_TYPE_SEND_ONCE
              && pb->srights == 2 && pb->sorights == 1
              && (k->header.msgh_bits & MACH_MSGH_BITS_COMPLEX),
              "received: a send right, NULL, DEAD, the receive right (now a's), a send-once right");
    rc = names[7];
    ipc_kmsg_free(k);

    /* The receive right comes home to a name holding send rights for it. */
    ipc_right_insert(a, rc, pc, MACH_PORT_RIGHT_SEND);
    sb = give_send(b, pa, 1);
    mr = send(a, MACH_MSGH_BITS_COMPLEX | MACH_MSGH_BITS(MACH_MSG_TYPE_MAKE_SEND, 0), ra, 0,
              BODY(PORTS(MACH_MSG_TYPE_MOVE_RECEIVE, 1), rc),
              NW(PORTS(MACH_MSG_TYPE_MOVE_RECEIVE, 1), rc), &k);
    if (mr != MACH_MSG_SUCCESS) {
        tap_diag("mr %#x, type %#x", mr, type_of(a, rc));
        tap_check(0, "MOVE_RECEIVE from a name with send rights");
        return;
    }
    tap_check(1
              && type_of(a, rc) == MACH_PORT_TYPE_SEND && pc->receiver == NULL,
              "MOVE_RECEIVE from a name with send rights leaves the send right");
    tap_check(ipc_kmsg_copyout(k, a, NULL) == MACH_MSG_SUCCESS && body_of(k)[1] == rc
              && type_of(a, rc) == MACH_PORT_TYPE_SEND_RECEIVE && pc->receiver == a
              && pc->receiver_name == rc,
              "received back: it joins that name");
    ipc_kmsg_free(k);

    tap_check(send(b, MACH_MSGH_BITS_COMPLEX | MACH_MSGH_BITS(MACH_MSG_TYPE_COPY_SEND, 0), sb, 0,
                   BODY(INT32, 5), NW(INT32, 5), &k) == MACH_MSG_SUCCESS
              && !(k->header.msgh_bits & MACH_MSGH_BITS_COMPLEX) && k->ports == NULL,
              "COMPLEX without ports or memory is cleared");
    ipc_kmsg_destroy(k);
    ipc_space_destroy(a);
    ipc_space_destroy(b);
}

static void
test_body_errors(void)
{
    struct ipc_space *a, *b;
    struct ipc_port *pa, *pb, *pc;
    struct ipc_kmsg *k;
    mach_port_name_t rb, rc, sb, sb2;
    unsigned int refs;

    ipc_space_create(&a);
    ipc_space_create(&b);
    new_port(a, 0, &pa);
    rb = new_port(b, 0, &pb);
    rc = new_port(b, 0, &pc);
    ipc_port_ref(pc);               /* to look at it once it died */
    sb = give_send(b, pa, 1);
    refs = pa->refs;

    tap_check(send(b, MACH_MSGH_BITS_COMPLEX | MACH_MSGH_BITS(MACH_MSG_TYPE_COPY_SEND, 0), sb, 0,
                   BODY(PORTS(MACH_MSG_TYPE_COPY_SEND, 2), rb), 2, &k) == MACH_SEND_MSG_TOO_SMALL
              && send(b, MACH_MSGH_BITS_COMPLEX | MACH_MSGH_BITS(MACH_MSG_TYPE_COPY_SEND, 0), sb,
                      0, BODY(MACH_MSGT(MACH_MSG_TYPE_COPY_SEND, 16, 1, 1), rb), 2, &k)
                 == MACH_SEND_INVALID_TYPE
              && send(b, MACH_MSGH_BITS_COMPLEX | MACH_MSGH_BITS(MACH_MSG_TYPE_COPY_SEND, 0), sb,
                      0, BODY(MACH_MSGT(MACH_MSG_TYPE_COPY_SEND, 32, 1, 0), 0x1000), 2, &k)
                 == MACH_SEND_INVALID_MEMORY,
              "short body, bad port size, an unreadable out-of-line port array: refused");
    tap_check(urefs_of(b, sb) == 1 && pa->srights == 1 && pa->refs == refs
              && pb->srights == 0 && type_of(b, rb) == MACH_PORT_TYPE_RECEIVE,
              "a COPY_SEND header loses nothing; the body's rights were not touched");
    tap_check(send(b, MACH_MSGH_BITS_COMPLEX | MACH_MSGH_BITS(MACH_MSG_TYPE_MOVE_SEND, 0), sb, 0,
                   BODY(MACH_MSGT(2, 32, 1, 1) | MACH_MSGT_UNUSED, 0), 2, &k)
              == MACH_SEND_INVALID_TYPE && type_of(b, sb) == 0xdead && pa->srights == 0
              && pa->refs == refs - 1,
              "a MOVE_SEND header right is destroyed by a body error, as in GNU Mach");
    sb = give_send(b, pa, 1);
    sb2 = sb;
    tap_check(send(b, MACH_MSGH_BITS_COMPLEX | MACH_MSGH_BITS(MACH_MSG_TYPE_COPY_SEND, 0), sb, 0,
                   BODY(PORTS(MACH_MSG_TYPE_MOVE_RECEIVE, 1), rc,
                        PORTS(MACH_MSG_TYPE_MAKE_SEND, 2), rb, 999), 5, &k)
              == MACH_SEND_INVALID_RIGHT,
              "a bad name in the third port: SEND_INVALID_RIGHT");
    tap_check(type_of(b, rc) == 0xdead && !pc->active && pb->srights == 0
              && type_of(b, rb) == MACH_PORT_TYPE_RECEIVE && urefs_of(b, sb2) == 1
              && pa->srights == 1,
              "the rights taken before it are destroyed: the moved receive right's port died");
    tap_check(send(b, MACH_MSGH_BITS_COMPLEX | MACH_MSGH_BITS(MACH_MSG_TYPE_COPY_SEND, 0), sb, 0,
                   BODY(PORTS(MACH_MSG_TYPE_MOVE_RECEIVE, 1), sb), 2, &k) == MACH_SEND_INVALID_RIGHT
              && send(b, MACH_MSGH_BITS_COMPLEX | MACH_MSGH_BITS(MACH_MSG_TYPE_COPY_SEND, 0), sb,
                      0, BODY(PORTS(MACH_MSG_TYPE_MOVE_SEND_ONCE, 1), sb), 2, &k)
                 == MACH_SEND_INVALID_RIGHT
              && send(b, MACH_MSGH_BITS_COMPLEX | MACH_MSGH_BITS(MACH_MSG_TYPE_COPY_SEND, 0), sb,
                      0, BODY(PORTS(MACH_MSG_TYPE_MAKE_SEND_ONCE, 1), sb), 2, &k)
                 == MACH_SEND_INVALID_RIGHT,
              "MOVE_RECEIVE, MOVE_SEND_ONCE, MAKE_SEND_ONCE of a send right: SEND_INVALID_RIGHT");
    ipc_port_unref(pc);
    ipc_space_destroy(a);
    ipc_space_destroy(b);
}



/* ---------------------------------------------------------------- out-of-line memory */

static void
test_ool(void)
{
    struct ipc_space *a;
    struct ipc_port *pa, *pc;
    struct ipc_kmsg *k;
    mach_port_name_t ra, rc;
    uint32_t src = VM_COPY_HOST_BASE + 0x1ffa, *body, addr;
    unsigned int i;
    bool same = true;

    ipc_space_create(&a);
    ra = new_port(a, 0, &pa);
    rc = new_port(a, 0, &pc);
    ipc_port_ref(pc);
    for (i = 0; i < 10000; i++) {
        vm_copy_host_ptr(src)[i] = (uint8_t)(i * 7);
    }
    tap_check(send(a, MACH_MSGH_BITS_COMPLEX | MACH_MSGH_BITS(MACH_MSG_TYPE_MAKE_SEND, 0), ra, 0,
                   BODY(MACH_MSGT(MACH_MSG_TYPE_BYTE, 8, 0, 0), 0x1234,
                        LONG(0, MACH_MSG_TYPE_BYTE, 8, 10000), src, INT32, 9),
                   8, &k) == MACH_MSG_SUCCESS && k->nr_copies == 1 && vm_copy_host_live == 1
              && (k->header.msgh_bits & MACH_MSGH_BITS_COMPLEX),
              "0 bytes and 10000 page-crossing bytes out of line: one copy");
    vm_copy_host_ptr(src)[0] ^= 0xff;   /* the sender writes again: the copy must not see it */
    tap_check(ipc_kmsg_copyout(k, a, NULL) == MACH_MSG_SUCCESS && vm_copy_host_live == 0,
              "copied out, the copy consumed");
    body = body_of(k);
    addr = body[5];
    for (i = 0; i < 10000; i++) {
        same &= vm_copy_host_ptr(addr)[i] == (uint8_t)(i * 7);
    }
    tap_check(body[1] == 0 && (body[0] & MACH_MSGT_DEALLOCATE) && (body[2] & MACH_MSGT_DEALLOCATE)
              && addr != src && addr % 4096 == src % 4096 && same && body[6] == INT32
              && body[7] == 9,
              "received at a new address %#x (same in-page offset), bytes intact, "
              "deallocate set on both out-of-line items", addr);
    ipc_kmsg_free(k);

    tap_check(send(a, MACH_MSGH_BITS_COMPLEX | MACH_MSGH_BITS(MACH_MSG_TYPE_MAKE_SEND, 0), ra, 0,
                   BODY(MACH_MSGT(MACH_MSG_TYPE_BYTE, 8, 1, 0) | MACH_MSGT_DEALLOCATE, src), 2,
                   &k) == MACH_MSG_SUCCESS
              && vm_copy_host_ptr(src)[0] == VM_COPY_HOST_GONE,
              "deallocate on send: the range leaves the sender");
    ipc_kmsg_destroy(k);
    tap_check(vm_copy_host_live == 0 && pa->srights == 0, "destroying the message frees the copy");

    tap_check(send(a, MACH_MSGH_BITS_COMPLEX | MACH_MSGH_BITS(MACH_MSG_TYPE_MAKE_SEND, 0), ra, 0,
                   BODY(PORTS(MACH_MSG_TYPE_MOVE_RECEIVE, 1), rc,
                        MACH_MSGT(MACH_MSG_TYPE_BYTE, 8, 1, 0), src,
                        MACH_MSGT(MACH_MSG_TYPE_BYTE, 8, 16, 0), 0xc0000000u), 6, &k)
              == MACH_SEND_INVALID_MEMORY && vm_copy_host_live == 0 && !pc->active
              && pa->srights == 0,
              "an unreadable range: SEND_INVALID_MEMORY, what was taken before destroyed");
    ipc_port_unref(pc);

    /* An out-of-line port array: names read from the copy, the receiver's written back. */
    rc = new_port(a, 2, &pc);
    vm_copy_host_ptr(src)[0] = 0;
    ((uint32_t *)vm_copy_host_ptr(src + 2))[0] = rc;
    ((uint32_t *)vm_copy_host_ptr(src + 2))[1] = MACH_PORT_NULL;
    ((uint32_t *)vm_copy_host_ptr(src + 2))[2] = rc;
    tap_check(send(a, MACH_MSGH_BITS_COMPLEX | MACH_MSGH_BITS(MACH_MSG_TYPE_MAKE_SEND, 0), ra, 0,
                   BODY(MACH_MSGT(MACH_MSG_TYPE_MOVE_SEND, 32, 3, 0) | MACH_MSGT_DEALLOCATE,
                        src + 2), 2, &k) == MACH_MSG_SUCCESS
              && k->nr_ports == 3 && type_of(a, rc) == MACH_PORT_TYPE_RECEIVE
              && pc->srights == 2 && vm_copy_host_ptr(src + 2)[0] == VM_COPY_HOST_GONE,
              "MOVE_SEND x2 (and NULL) out of line: both urefs taken, the array moved");
    tap_check(ipc_kmsg_copyout(k, a, NULL) == MACH_MSG_SUCCESS && body_of(k)[1] != 0
              && ((uint32_t *)vm_copy_host_ptr(body_of(k)[1]))[0] == rc
              && ((uint32_t *)vm_copy_host_ptr(body_of(k)[1]))[1] == MACH_PORT_NULL
              && ((uint32_t *)vm_copy_host_ptr(body_of(k)[1]))[2] == rc
              && urefs_of(a, rc) == 2 && pc->srights == 1 && vm_copy_host_live == 0
              && body_of(k)[0] == (MACH_MSGT(MACH_MSG_TYPE_PORT_SEND, 32, 3, 0)
                                   | MACH_MSGT_DEALLOCATE),
              "received: a new array holding the receiver's names, PORT_SEND, deallocate");
    ipc_kmsg_free(k);
    ipc_space_destroy(a);
}

/* ---------------------------------------------------------------- queues */

/* The send-once rights of the port that space receives under name. */
static unsigned int
pb_sorights(mach_port_name_t name, struct ipc_space *space)
{
    struct ipc_port *port = port_of(space, name);

    return port == NULL ? 0xdead : port->sorights;
}

/* Copy in a header-only message from space and queue it (never waits). */
static mach_msg_return_t
queue(struct ipc_space *space, mach_msg_bits_t bits, mach_port_name_t remote,
      mach_port_name_t local, int id, struct ipc_kmsg **kmsgp)
{
    mach_msg_return_t mr = send(space, bits, remote, local, NULL, 0, kmsgp);

    if (mr != MACH_MSG_SUCCESS) {
        return mr;
    }
    (*kmsgp)->header.msgh_id = id;
    return ipc_mqueue_send(*kmsgp, MACH_SEND_TIMEOUT, 0);
}

static void
test_queue(void)
{
    struct ipc_space *a;
    struct ipc_port *pa;
    struct ipc_kmsg *k;
    mach_port_name_t ra, d;
    mach_msg_size_t size;
    mach_msg_return_t mr = MACH_MSG_SUCCESS;
    unsigned int i;
    bool order = true;

    ipc_space_create(&a);
    ra = new_port(a, 0, &pa);
    for (i = 0; i < 5; i++) {
        mr |= queue(a, MACH_MSGH_BITS(MACH_MSG_TYPE_MAKE_SEND, 0), ra, 0, (int)i, &k);
    }
    tap_check(mr == MACH_MSG_SUCCESS && pa->mqueue.nr_messages == 5 && pa->srights == 5,
              "five messages queue (qlimit %u)", pa->mqueue.qlimit);
    mr = queue(a, MACH_MSGH_BITS(MACH_MSG_TYPE_MAKE_SEND, MACH_MSG_TYPE_MAKE_SEND_ONCE), ra, ra,
               5, &k);
    tap_check(mr == MACH_SEND_TIMED_OUT && pa->mqueue.nr_messages == 5,
              "the sixth, timeout 0: SEND_TIMED_OUT, not queued");
    tap_check(ipc_kmsg_copyout_pseudo(k, a, NULL) == MACH_MSG_SUCCESS
              && k->header.msgh_remote_port == ra
              && type_of(a, k->header.msgh_local_port) == MACH_PORT_TYPE_SEND_ONCE
              && urefs_of(a, ra) == 1 && pa->srights == 6 && pa->sorights == 1,
              "given back: the send right joins ra, the send-once right gets a name");
    d = k->header.msgh_local_port;
    ipc_kmsg_free(k);
    mr = queue(a, MACH_MSGH_BITS(MACH_MSG_TYPE_MOVE_SEND_ONCE, 0), d, 0, 6, &k);
    tap_check(mr == MACH_MSG_SUCCESS && pa->mqueue.nr_messages == 6,
              "a send-once right never blocks: a sixth is queued");
    for (i = 0; i < 6; i++) {
        mr = ipc_mqueue_receive(a, ra, MACH_RCV_TIMEOUT, 64, 0, &k, &size);
        order &= mr == MACH_MSG_SUCCESS && k->header.msgh_seqno == i
                 && k->header.msgh_id == (int)(i < 5 ? i : 6);
        if (mr == MACH_MSG_SUCCESS) {
            ipc_kmsg_copyout(k, a, NULL);
            ipc_kmsg_free(k);
        }
    }
    tap_check(order && pa->srights == 1 && pa->sorights == 0,
              "received in order, seqno 0..5; only ra's own send right is left");
    tap_check(ipc_mqueue_receive(a, ra, MACH_RCV_TIMEOUT, 64, 0, &k, &size)
              == MACH_RCV_TIMED_OUT && k == NULL,
              "an empty queue polled: RCV_TIMED_OUT");
    tap_check(ipc_mqueue_receive(a, 999, 0, 64, 0, &k, &size) == MACH_RCV_INVALID_NAME
              && ipc_mqueue_receive(a, MACH_PORT_NULL, 0, 64, 0, &k, &size)
                 == MACH_RCV_INVALID_NAME,
              "no receive right under the name: RCV_INVALID_NAME");

    queue(a, MACH_MSGH_BITS(MACH_MSG_TYPE_MAKE_SEND, MACH_MSG_TYPE_MAKE_SEND_ONCE), ra, ra, 7,
          &k);
    tap_check(ipc_mqueue_receive(a, ra, MACH_RCV_LARGE, 23, 0, &k, &size) == MACH_RCV_TOO_LARGE
              && k == NULL && size == 24 && pa->mqueue.nr_messages == 1,
              "RCV_LARGE with 23 bytes: RCV_TOO_LARGE, size 24, still queued");
    tap_check(ipc_mqueue_receive(a, ra, 0, 23, 0, &k, &size) == MACH_RCV_TOO_LARGE && k != NULL
              && k->header.msgh_seqno == 6 && pa->mqueue.nr_messages == 0,
              "without RCV_LARGE: RCV_TOO_LARGE and the message is taken");
    ipc_kmsg_copyout_dest(k, a);
    tap_check(k->header.msgh_local_port == ra && k->header.msgh_remote_port == MACH_PORT_NULL
              && k->header.msgh_bits == MACH_MSGH_BITS(0, MACH_MSG_TYPE_PORT_SEND)
              && pa->srights == 1 && pa->sorights == 1 && pa->mqueue.nr_messages == 1,
              "its header alone is given: the reply right destroyed, its notification queued");
    ipc_kmsg_free(k);
    tap_check(ipc_mqueue_receive(a, ra, 0, 64, 0, &k, &size) == MACH_MSG_SUCCESS
              && k->header.msgh_id == MACH_NOTIFY_SEND_ONCE && k->header.msgh_size == 24
              && ipc_kmsg_copyout(k, a, NULL) == MACH_MSG_SUCCESS
              && k->header.msgh_bits == MACH_MSGH_BITS(0, MACH_MSG_TYPE_PORT_SEND_ONCE)
              && k->header.msgh_local_port == ra && pa->sorights == 0,
              "the send-once notification (71) arrives through the destroyed right");
    ipc_kmsg_free(k);

    /* A message to a port that dies before it is received. */
    queue(a, MACH_MSGH_BITS(MACH_MSG_TYPE_MAKE_SEND, 0), ra, 0, 8, &k);
    ipc_port_ref(pa);
    tap_check(ipc_right_destroy(a, ra) == KERN_SUCCESS && pa->srights == 0
              && pa->mqueue.nr_messages == 0 && pa->refs == 1,
              "destroying the receive right destroys the queued message");
    ipc_port_unref(pa);
    ipc_space_destroy(a);
}

/*
 * A port the kernel receives (a reply port of kern/exception.c): its
 * messages, and the end of every right to it, seen by
 * ipc_mqueue_receive_kernel() without sleeping.
 */
static void
test_kernel_receive(void)
{
    struct ipc_space *a;
    struct ipc_port *kp;
    struct ipc_kmsg *k;
    mach_port_name_t so;

    ipc_space_create(&a);
    kp = ipc_port_create(NULL, MACH_PORT_NULL);
    ipc_right_copyout(a, kp, MACH_PORT_RIGHT_SEND_ONCE, &so);
    tap_check(queue(a, MACH_MSGH_BITS(MACH_MSG_TYPE_MOVE_SEND_ONCE, 0), so, 0, 2500, &k)
              == MACH_MSG_SUCCESS && kp->mqueue.nr_messages == 1 && kp->sorights == 1,
              "a reply through a send-once right is queued on a kernel-received port");
    tap_check(ipc_mqueue_receive_kernel(kp, &k) == MACH_MSG_SUCCESS && k != NULL
              && k->header.msgh_id == 2500 && k->remote == NULL && kp->sorights == 0
              && k->header.msgh_bits == MACH_MSGH_BITS(MACH_MSG_TYPE_PORT_SEND_ONCE, 0),
              "the kernel receives it, as the sender's kmsg, its send-once right used up");
    ipc_kmsg_destroy(k);
    tap_check(kp->sorights == 0 && kp->mqueue.nr_messages == 0
              && ipc_mqueue_receive_kernel(kp, &k) == MACH_RCV_PORT_DIED
              && k == NULL, "no right left: RCV_PORT_DIED at once, nobody can send");

    ipc_right_copyout(a, kp, MACH_PORT_RIGHT_SEND_ONCE, &so);
    tap_check(ipc_right_deallocate(a, so) == KERN_SUCCESS && kp->sorights == 1
              && ipc_mqueue_receive_kernel(kp, &k) == MACH_MSG_SUCCESS
              && k->header.msgh_id == MACH_NOTIFY_SEND_ONCE && kp->sorights == 0,
              "a send-once right deallocated unused: its send-once notification arrives");
    ipc_kmsg_destroy(k);
    tap_check(ipc_mqueue_receive_kernel(kp, &k) == MACH_RCV_PORT_DIED
              && kp->mqueue.nr_messages == 0,
              "then no right is left: RCV_PORT_DIED");
    ipc_right_make(kp, MACH_MSG_TYPE_PORT_SEND_ONCE);
    tap_check(kp->sorights == 1 && kp->refs == 2, "ipc_right_make: a count and a reference");
    ipc_right_release_send(kp, MACH_MSG_TYPE_PORT_SEND_ONCE);
    ipc_right_copyout(a, kp, MACH_PORT_RIGHT_SEND_ONCE, &so);
    ipc_port_destroy(kp);
    tap_check(ipc_mqueue_receive_kernel(kp, &k) == MACH_RCV_PORT_DIED,
              "a dead port with a right outstanding: RCV_PORT_DIED");
    ipc_port_unref(kp);
    ipc_space_destroy(a);           /* the dead right and the port go */
}

static void
test_queue_ports(void)
{
    enum { CHAIN = 20000 };
    static mach_port_name_t names[CHAIN];
    struct ipc_port_stats before, after;
    struct ipc_space *a, *b;
    struct ipc_port *pa, *pk;
    struct ipc_kmsg *k;
    mach_port_name_t ra, rb, sk;
    mach_msg_size_t size;
    mach_msg_return_t mr = MACH_MSG_SUCCESS;
    unsigned int i;
    int object;

    ipc_space_create(&a);
    ipc_space_create(&b);
    ipc_port_stats_get(&before);
    for (i = 0; i < CHAIN; i++) {
        ipc_right_alloc(a, MACH_PORT_RIGHT_RECEIVE, &names[i]);
    }
    /* Port i's queue holds port i+1's receive right. */
    for (i = CHAIN - 1; i > 0 && mr == MACH_MSG_SUCCESS; i--) {
        mr = send(a, MACH_MSGH_BITS_COMPLEX | MACH_MSGH_BITS(MACH_MSG_TYPE_MAKE_SEND, 0),
                  names[i - 1], 0, BODY(PORTS(MACH_MSG_TYPE_MOVE_RECEIVE, 1), names[i]), 2, &k);
        mr |= mr == MACH_MSG_SUCCESS ? ipc_mqueue_send(k, 0, 0) : 0;
    }
    ipc_port_stats_get(&after);
    tap_check(mr == MACH_MSG_SUCCESS && after.nr_ports == before.nr_ports + CHAIN,
              "a chain of %u ports, each queued in the one before", CHAIN);
    ipc_right_destroy(a, names[0]);
    ipc_port_stats_get(&after);
    tap_check(after.nr_ports == before.nr_ports && after.nr_active == before.nr_active,
              "destroying the first kills them all, without recursion (%lu ports left)",
              after.nr_ports - before.nr_ports);

    /* A receive right moves to b while a message waits on it. */
    ra = new_port(a, 0, &pa);
    rb = new_port(b, 0, &pk);
    ipc_port_ref(pa);
    mr = send(a, MACH_MSGH_BITS_COMPLEX | MACH_MSGH_BITS(MACH_MSG_TYPE_MAKE_SEND, 0), ra, 0,
              BODY(PORTS(MACH_MSG_TYPE_MOVE_RECEIVE, 1), ra), 2, &k);
    tap_check(mr == MACH_MSG_SUCCESS && (k->header.msgh_bits & MACH_MSGH_BITS_CIRCULAR)
              && ipc_mqueue_send(k, 0, 0) == MACH_MSG_SUCCESS && !pa->active,
              "a port's receive right sent to itself: CIRCULAR, destroyed when sent");
    ipc_port_unref(pa);
    ra = new_port(a, 0, &pa);
    queue(a, MACH_MSGH_BITS(MACH_MSG_TYPE_MAKE_SEND, 0), ra, 0, 1, &k);
    sk = give_send(a, pk, 1);
    mr = send(a, MACH_MSGH_BITS_COMPLEX | MACH_MSGH_BITS(MACH_MSG_TYPE_MOVE_SEND, 0), sk, 0,
              BODY(PORTS(MACH_MSG_TYPE_MOVE_RECEIVE, 1), ra), 2, &k);
    mr |= ipc_mqueue_send(k, 0, 0);
    tap_check(mr == MACH_MSG_SUCCESS
              && ipc_mqueue_receive(a, ra, MACH_RCV_TIMEOUT, 64, 0, &k, &size)
                 == MACH_RCV_INVALID_NAME,
              "MOVE_RECEIVE to b: a cannot receive on it any more");
    mr = ipc_mqueue_receive(b, rb, MACH_RCV_TIMEOUT, 64, 0, &k, &size);
    mr |= ipc_kmsg_copyout(k, b, NULL);
    ra = ipc_kmsg_body(k) == NULL ? 0 : ((uint32_t *)ipc_kmsg_body(k))[1];
    ipc_kmsg_free(k);
    tap_check(mr == MACH_MSG_SUCCESS && pa->receiver == b
              && ipc_mqueue_receive(b, ra, MACH_RCV_TIMEOUT, 64, 0, &k, &size)
                 == MACH_MSG_SUCCESS && k->header.msgh_id == 1,
              "b receives the right, and the message that waited on it");
    ipc_kmsg_copyout(k, b, NULL);
    ipc_kmsg_free(k);

    /* Kernel-object ports answer at once (the host stand-in, kobject_host.c: MIG_BAD_ID). */
    pk = ipc_port_create_kobject(IPC_KOBJECT_TASK, &object);
    ipc_right_copyout(b, pk, MACH_PORT_RIGHT_SEND, &sk);
    mr = send(b, MACH_MSGH_BITS(MACH_MSG_TYPE_COPY_SEND, MACH_MSG_TYPE_MAKE_SEND_ONCE), sk, rb,
              NULL, 0, &k);
    k->header.msgh_id = 3206;
    mr |= ipc_mqueue_send(k, 0, 0);
    mr |= ipc_mqueue_receive(b, rb, MACH_RCV_TIMEOUT, 64, 0, &k, &size);
    mr |= ipc_kmsg_copyout(k, b, NULL);
    tap_check(mr == MACH_MSG_SUCCESS && k->header.msgh_size == 32
              && k->header.msgh_id == 3306 && k->header.msgh_local_port == rb
              && k->header.msgh_bits == MACH_MSGH_BITS(0, MACH_MSG_TYPE_PORT_SEND_ONCE)
              && body_of(k)[0] == 0x10012002 && (int)body_of(k)[1] == MIG_BAD_ID
              && pk->srights == 1 && pk->refs == 2 && pb_sorights(rb, b) == 0,
              "a request to a kernel-object port: the reply (id 3306, RetCode MIG_BAD_ID) "
              "comes through its send-once right at once");
    ipc_kmsg_free(k);
    mr = send(b, MACH_MSGH_BITS(MACH_MSG_TYPE_COPY_SEND, 0), sk, 0, NULL, 0, &k);
    tap_check(mr == MACH_MSG_SUCCESS && ipc_mqueue_send(k, 0, 0) == MACH_MSG_SUCCESS
              && pk->srights == 1,
              "without a reply right: the request is consumed, no reply");
    ipc_port_kobject_destroy(pk);

    /* A message to a port that died after copyin is destroyed: success. */
    ra = new_port(a, 1, &pa);
    mr = send(a, MACH_MSGH_BITS(MACH_MSG_TYPE_COPY_SEND, 0), ra, 0, NULL, 0, &k);
    ipc_port_ref(pa);
    ipc_right_destroy(a, ra);
    tap_check(mr == MACH_MSG_SUCCESS && ipc_mqueue_send(k, 0, 0) == MACH_MSG_SUCCESS
              && pa->srights == 0 && pa->refs == 1,
              "a message to a port that died meanwhile: destroyed, MACH_MSG_SUCCESS");
    ipc_port_unref(pa);
    ipc_space_destroy(a);
    ipc_space_destroy(b);
}


static void
test_port_sets(void)
{
    struct ipc_space *a, *b;
    struct ipc_port *p1, *p2;
    struct ipc_kmsg *k;
    mach_port_name_t r1, r2, set, set2, s1, dead;
    struct ipc_port_stats before, after;
    mach_msg_size_t size;
    mach_msg_return_t mr = MACH_MSG_SUCCESS;

    ipc_space_create(&a);
    ipc_space_create(&b);
    ipc_port_stats_get(&before);
    r1 = new_port(a, 0, &p1);
    r2 = new_port(a, 0, &p2);
    ipc_right_alloc(a, MACH_PORT_RIGHT_PORT_SET, &set);
    ipc_right_alloc(a, MACH_PORT_RIGHT_PORT_SET, &set2);
    ipc_right_alloc(a, MACH_PORT_RIGHT_DEAD_NAME, &dead);
    s1 = give_send(b, p1, 1);
    tap_check(ipc_right_move_member(a, r1, MACH_PORT_NULL) == KERN_NOT_IN_SET
              && ipc_right_move_member(a, 999, set) == KERN_INVALID_NAME
              && ipc_right_move_member(a, r1, 999) == KERN_INVALID_NAME
              && ipc_right_move_member(a, r1, r2) == KERN_INVALID_RIGHT
              && ipc_right_move_member(a, dead, set) == KERN_INVALID_RIGHT
              && ipc_right_move_member(a, set2, set) == KERN_INVALID_RIGHT,
              "move_member errors: NOT_IN_SET, INVALID_NAME, INVALID_RIGHT");
    tap_check(ipc_right_move_member(a, r1, set) == KERN_SUCCESS
              && ipc_right_move_member(a, r2, set2) == KERN_SUCCESS
              && ipc_right_move_member(a, r2, set) == KERN_SUCCESS
              && p1->pset != NULL && p1->pset == p2->pset,
              "both ports join the set (r2 moved from another set)");
    tap_check(ipc_mqueue_receive(a, set, MACH_RCV_TIMEOUT, 64, 0, &k, &size)
              == MACH_RCV_TIMED_OUT,
              "an empty set polled: RCV_TIMED_OUT");
    mr |= queue(a, MACH_MSGH_BITS(MACH_MSG_TYPE_MAKE_SEND, 0), r2, 0, 20, &k);
    mr |= queue(b, MACH_MSGH_BITS(MACH_MSG_TYPE_COPY_SEND, 0), s1, 0, 10, &k);
    mr |= queue(a, MACH_MSGH_BITS(MACH_MSG_TYPE_MAKE_SEND, 0), r2, 0, 21, &k);
    tap_check(mr == MACH_MSG_SUCCESS
              && ipc_mqueue_receive(a, r1, MACH_RCV_TIMEOUT, 64, 0, &k, &size) == MACH_RCV_IN_SET,
              "three messages queued on members; a member itself: RCV_IN_SET");
    mr = ipc_mqueue_receive(a, set, MACH_RCV_TIMEOUT, 64, 0, &k, &size);
    mr |= ipc_kmsg_copyout(k, a, NULL);
    tap_check(mr == MACH_MSG_SUCCESS && k->header.msgh_id == 20 && k->header.msgh_local_port == r2
              && k->header.msgh_seqno == 0,
              "the set gives the message that arrived first, local = its member's name");
    ipc_kmsg_free(k);
    mr = ipc_mqueue_receive(a, set, MACH_RCV_TIMEOUT, 64, 0, &k, &size);
    mr |= ipc_kmsg_copyout(k, a, NULL);
    tap_check(mr == MACH_MSG_SUCCESS && k->header.msgh_id == 10 && k->header.msgh_local_port == r1
              && k->header.msgh_seqno == 0,
              "then the next arrival, on the other member, with that port's seqno");
    ipc_kmsg_free(k);
    tap_check(ipc_right_move_member(a, r2, MACH_PORT_NULL) == KERN_SUCCESS
              && ipc_mqueue_receive(a, set, MACH_RCV_TIMEOUT, 64, 0, &k, &size)
                 == MACH_RCV_TIMED_OUT
              && ipc_mqueue_receive(a, r2, MACH_RCV_TIMEOUT, 64, 0, &k, &size) == MACH_MSG_SUCCESS
              && k->header.msgh_id == 21,
              "out of the set, r2's message is r2's alone again");
    ipc_kmsg_copyout(k, a, NULL);
    ipc_kmsg_free(k);
    ipc_right_move_member(a, r2, set);
    tap_check(ipc_right_destroy(a, r2) == KERN_SUCCESS && p1->pset != NULL
              && ipc_right_destroy(a, set) == KERN_SUCCESS && p1->pset == NULL
              && ipc_mqueue_receive(a, set, 0, 64, 0, &k, &size) == MACH_RCV_INVALID_NAME,
              "a destroyed member leaves the set; a destroyed set lets its members go");
    ipc_right_move_member(a, r1, set2);
    ipc_space_destroy(a);
    ipc_space_destroy(b);
    ipc_port_stats_get(&after);
    tap_check(after.nr_psets == before.nr_psets && after.nr_ports == before.nr_ports,
              "every set and port freed with their spaces");
}

/* ---------------------------------------------------------------- random traffic */

#define NSPACES         3
#define NPORTS          6
#define NFLIGHT         8

/*
 * Random messages between three spaces over six ports, each received by
 * one space at a time: header and body rights of every disposition,
 * good and bad names. After each step, every port's srights and
 * sorights must equal the census: entries holding send rights (or
 * send-once) in all spaces, plus rights in the messages in flight.
 */
struct traffic {
    struct ipc_space *spaces[NSPACES];
    struct ipc_port *ports[NPORTS];
    struct ipc_kmsg *flight[NFLIGHT];
};

/* Count the body rights of k for port, by the received types of its items. */
static void
census_body(struct ipc_kmsg *k, struct ipc_port *port, unsigned int *srights,
            unsigned int *sorights, unsigned int *refs)
{
    struct ipc_msg_cursor c;
    struct ipc_msg_item item;
    uint32_t i = 0, j;

    if (k->ports == NULL) {
        return;
    }
    ipc_msg_cursor_init(&c, ipc_kmsg_body(k), k->header.msgh_size - IPC_MSG_HEADER_SIZE);
    while (!ipc_msg_cursor_done(&c) && ipc_msg_cursor_next(&c, &item) == MACH_MSG_SUCCESS) {
        if (!item.is_port) {
            continue;
        }
        for (j = 0; j < item.number; j++, i++) {
            if (k->ports[i] == port) {
                *srights += item.name == MACH_MSG_TYPE_PORT_SEND;
                *sorights += item.name == MACH_MSG_TYPE_PORT_SEND_ONCE;
                (*refs)++;
            }
        }
    }
}

/* Count the rights kmsg carries for port, header and body. */
static void
census_kmsg(struct ipc_kmsg *k, struct ipc_port *port, unsigned int *srights,
            unsigned int *sorights, unsigned int *refs)
{
    struct ipc_port *slots[2] = { k->remote, k->local };
    unsigned int i;

    for (i = 0; i < 2; i++) {
        mach_msg_type_name_t type = i == 0 ? MACH_MSGH_BITS_REMOTE(k->header.msgh_bits)
                                           : MACH_MSGH_BITS_LOCAL(k->header.msgh_bits);

        if (slots[i] == port) {
            *srights += type == MACH_MSG_TYPE_PORT_SEND;
            *sorights += type == MACH_MSG_TYPE_PORT_SEND_ONCE;
            (*refs)++;
        }
    }
    census_body(k, port, srights, sorights, refs);
}

static bool
census_ok(struct traffic *t)
{
    unsigned int p, s, f, i;

    for (p = 0; p < NPORTS; p++) {
        struct ipc_port *port = t->ports[p];
        unsigned int srights = 0, sorights = 0, refs = 0;

        for (s = 0; s < NSPACES; s++) {
            mach_port_name_t names[256];
            mach_port_type_t types[256];
            unsigned long count;

            ipc_right_names(t->spaces[s], names, types, 256, &count);
            for (i = 0; i < count && i < 256; i++) {
                struct ipc_port *q;

                if (ipc_right_port(t->spaces[s], names[i], &q) != KERN_SUCCESS) {
                    continue;
                }
                ipc_port_unref(q);
                if (q != port) {
                    continue;
                }
                srights += (types[i] & MACH_PORT_TYPE_SEND) != 0;
                sorights += (types[i] & MACH_PORT_TYPE_SEND_ONCE) != 0;
                refs += ((types[i] & MACH_PORT_TYPE_SEND) != 0)
                        + ((types[i] & MACH_PORT_TYPE_SEND_ONCE) != 0)
                        + ((types[i] & MACH_PORT_TYPE_RECEIVE) != 0);
            }
        }
        for (f = 0; f < NFLIGHT; f++) {
            if (t->flight[f] != NULL) {
                census_kmsg(t->flight[f], port, &srights, &sorights, &refs);
            }
        }
        /* Notifications (send-once rights destroyed) wait in the queues. */
        for (f = 0; f < NPORTS; f++) {
            struct ipc_kmsg *k;

            list_foreach_entry(&t->ports[f]->mqueue.messages, k, node) {
                census_kmsg(k, port, &srights, &sorights, &refs);
            }
        }
        if (port->srights != srights || port->sorights != sorights) {
            tap_diag("port %u: srights %u (census %u), sorights %u (census %u)", p,
                     port->srights, srights, port->sorights, sorights);
            return false;
        }
        /* The test's own reference (ports[]) is one more. */
        if (port->refs != refs + 1) {
            tap_diag("port %u: refs %u, census %u + 1", p, port->refs, refs);
            return false;
        }
    }
    return true;
}

static mach_msg_type_name_t
random_disposition(void)
{
    return MACH_MSG_TYPE_MOVE_RECEIVE + rng() % 6;
}

static mach_port_name_t
random_name(struct traffic *t, unsigned int s)
{
    mach_port_name_t names[256];
    mach_port_type_t types[256];
    unsigned long count;

    switch (rng() % 8) {
    case 0:
        return MACH_PORT_NULL;
    case 1:
        return MACH_PORT_DEAD;
    case 2:
        return 1 + rng() % 40;
    default:
        ipc_right_names(t->spaces[s], names, types, 256, &count);
        return count == 0 ? 1 : names[rng() % (count < 256 ? count : 256)];
    }
}

static void
test_traffic(unsigned int steps)
{
    static const mach_msg_type_name_t send_disps[] = {
        MACH_MSG_TYPE_MOVE_SEND, MACH_MSG_TYPE_MOVE_SEND_ONCE, MACH_MSG_TYPE_COPY_SEND,
        MACH_MSG_TYPE_MAKE_SEND, MACH_MSG_TYPE_MAKE_SEND_ONCE,
    };
    struct traffic t;
    unsigned int i, step, bad = 0, sent = 0, received = 0, destroyed = 0, renewed = 0;
    unsigned long results[8] = { 0 };

    memset(&t, 0, sizeof(t));
    for (i = 0; i < NSPACES; i++) {
        ipc_space_create(&t.spaces[i]);
    }
    for (i = 0; i < NPORTS; i++) {
        new_port(t.spaces[i % NSPACES], 1 + i % 2, &t.ports[i]);
        ipc_port_ref(t.ports[i]);
    }
    for (step = 0; step < steps && bad == 0; step++) {
        unsigned int f = rng() % NFLIGHT, s = rng() % NSPACES;

        if (t.flight[f] == NULL) {
            uint32_t body[8];
            unsigned int nw = 0;
            mach_msg_bits_t bits = MACH_MSGH_BITS(send_disps[rng() % 5],
                                                  rng() % 2 ? 0 : send_disps[rng() % 5]);
            mach_port_name_t local = MACH_MSGH_BITS_LOCAL(bits) ? random_name(&t, s) : 0;
            mach_msg_return_t mr;

            if (rng() % 2) {
                bits |= MACH_MSGH_BITS_COMPLEX;
                body[nw++] = PORTS(random_disposition(), 2);
                body[nw++] = random_name(&t, s);
                body[nw++] = random_name(&t, s);
                body[nw++] = PORTS(random_disposition(), 1);
                body[nw++] = random_name(&t, s);
            }
            mr = send(t.spaces[s], bits, random_name(&t, s), local, body, nw, &t.flight[f]);
            results[mr == MACH_MSG_SUCCESS ? 0 : (mr & 0xf) % 8]++;
            sent += mr == MACH_MSG_SUCCESS;
        } else if (rng() % 4 == 0) {
            ipc_kmsg_destroy(t.flight[f]);
            t.flight[f] = NULL;
            destroyed++;
        } else {
            ipc_kmsg_copyout(t.flight[f], t.spaces[s], NULL);
            ipc_kmsg_free(t.flight[f]);
            t.flight[f] = NULL;
            received++;
        }
        if (!census_ok(&t)) {
            tap_diag("step %u", step);
            bad++;
        }
        /* Ports die with their receive rights: new ones keep the traffic going. */
        for (i = 0; i < NPORTS; i++) {
            if (!t.ports[i]->active) {
                ipc_port_unref(t.ports[i]);
                new_port(t.spaces[rng() % NSPACES], 1 + rng() % 2, &t.ports[i]);
                ipc_port_ref(t.ports[i]);
                renewed++;
            }
        }
    }
    tap_diag("traffic: %u sent, %u received, %u destroyed, %u ports died; refused: %lu dest, "
             "%lu reply, %lu right", sent, received, destroyed, renewed, results[3], results[1],
             results[2]);
    tap_check(bad == 0 && sent > steps / 20 && received > steps / 40 && destroyed > 0,
              "%u random steps between 3 spaces: every port's counts match the census", steps);
    for (i = 0; i < NFLIGHT; i++) {
        if (t.flight[i] != NULL) {
            ipc_kmsg_destroy(t.flight[i]);
        }
    }
    for (i = 0; i < NSPACES; i++) {
        ipc_space_destroy(t.spaces[i]);
    }
    for (i = 0; i < NPORTS; i++) {
        if (t.ports[i]->active) {
            ipc_port_destroy(t.ports[i]);   /* its receive right was in a message no one got */
        }
        ipc_port_unref(t.ports[i]);
    }
}

int
main(void)
{
    struct ipc_port_stats stats;
    unsigned long pages;

    kmem_host_setup(ARENA_PAGES);
    kmem_setup();
    rdxtree_setup();
    ipc_entry_setup();
    ipc_port_setup();
    ipc_space_setup();
    ipc_mqueue_setup();
    pages = pages_after_purge();

    test_header_dispositions();
    test_header_errors();
    test_body();
    test_body_errors();
    test_ool();
    test_queue();
    test_kernel_receive();
    test_queue_ports();
    test_port_sets();
    test_traffic(20000);

    ipc_port_stats_get(&stats);
    tap_check(stats.nr_ports == 0 && stats.nr_active == 0 && vm_copy_host_live == 0,
              "every port and copy is freed (%lu ports left, %lu active, %lu copies)",
              stats.nr_ports, stats.nr_active, vm_copy_host_live);
    tap_check(pages_after_purge() == pages, "every page is back");
    return tap_done();
}
