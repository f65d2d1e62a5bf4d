/* SPDX-License-Identifier: GPL-2.0-or-later */
/*
 * Port notification scenarios, shared by the host unit test
 * (tests/unit/test_ipc_notify.c) and the in-kernel test
 * (tests/kernel/ipc_notify_test.c), over the real ipc/ code: every
 * notification (no-senders, dead-name, send-once, port-deleted,
 * port-destroyed) is triggered, received through the queue and copied
 * out, and its layout checked word by word; every error of
 * mach_port_request_notification; rights and counts after each step.
 *
 * The includer defines NOTIFY_CHECK(cond, fmt, ...), which records one
 * named check, before including this file.
 */
#ifndef TESTS_IPC_NOTIFY_CASES_H
#define TESTS_IPC_NOTIFY_CASES_H

#include <stdbool.h>
#include <stdint.h>

#include <include/mach/kern_return.h>
#include <include/mach/message.h>
#include <include/mach/notify.h>
#include <include/mach/port.h>
#include <ipc/ipc_entry.h>
#include <ipc/ipc_kmsg.h>
#include <ipc/ipc_mqueue.h>
#include <ipc/ipc_notify.h>
#include <ipc/ipc_port.h>
#include <ipc/ipc_right.h>
#include <ipc/ipc_space.h>

/* A received notification, as the receiver sees it after copyout. */
struct notify_msg {
    mach_msg_return_t mr;           /* of the receive, then of the copyout */
    mach_msg_header_t header;
    uint32_t body[2];
};

/* Receive (poll) the oldest message of name in space, and copy it out. */
static struct notify_msg
notify_receive(struct ipc_space *space, mach_port_name_t name)
{
    struct notify_msg m = { 0 };
    struct ipc_kmsg *k = NULL;
    mach_msg_size_t size;

    m.mr = ipc_mqueue_receive(space, name, MACH_RCV_TIMEOUT, 4096, 0, &k, &size);
    if (m.mr != MACH_MSG_SUCCESS) {
        return m;
    }
    m.mr = ipc_kmsg_copyout(k, space, NULL);
    m.header = k->header;
    if (k->header.msgh_size >= sizeof(m.header) + sizeof(m.body)) {
        const uint32_t *body = ipc_kmsg_body(k);

        m.body[0] = body[0];
        m.body[1] = body[1];
    }
    ipc_kmsg_free(k);
    return m;
}

/*
 * Whether m is notification id through the send-once right for the port
 * named notify_name, with a body type of type and a value of value (a
 * 32-byte notification), or a bare header (type 0: send-once).
 */
static bool
notify_is(const struct notify_msg *m, mach_msg_id_t id, mach_port_name_t notify_name,
          mach_msg_type_name_t type, uint32_t value)
{
    mach_msg_bits_t bits = MACH_MSGH_BITS(0, MACH_MSG_TYPE_PORT_SEND_ONCE);

    if (type == MACH_MSG_TYPE_PORT_RECEIVE) {
        bits |= MACH_MSGH_BITS_COMPLEX;
    }
    if (m->mr != MACH_MSG_SUCCESS || m->header.msgh_id != id || m->header.msgh_bits != bits
        || m->header.msgh_local_port != notify_name
        || m->header.msgh_remote_port != MACH_PORT_NULL) {
        return false;
    }
    if (type == 0) {
        return m->header.msgh_size == sizeof(mach_send_once_notification_t);
    }
    return m->header.msgh_size == sizeof(mach_no_senders_notification_t)
           && m->body[0] == MACH_MSGT(type, 32, 1, 1) && m->body[1] == value;
}

/* Nothing queued on name in space. */
static bool
notify_none(struct ipc_space *space, mach_port_name_t name)
{
    struct ipc_kmsg *k = NULL;
    mach_msg_size_t size;

    return ipc_mqueue_receive(space, name, MACH_RCV_TIMEOUT, 4096, 0, &k, &size)
           == MACH_RCV_TIMED_OUT;
}

/* A send-once right for the port whose receive right name is, held by the caller. */
static struct ipc_port *
notify_so(struct ipc_space *space, mach_port_name_t name)
{
    struct ipc_port *port = NULL;

    if (ipc_right_copyin(space, name, MACH_MSG_TYPE_MAKE_SEND_ONCE, &port) != KERN_SUCCESS) {
        return NULL;
    }
    return port;
}

/* A new receive right in space. */
static mach_port_name_t
notify_port(struct ipc_space *space, struct ipc_port **portp)
{
    mach_port_name_t name = MACH_PORT_NULL;

    ipc_right_alloc(space, MACH_PORT_RIGHT_RECEIVE, &name);
    if (portp != NULL && ipc_right_port(space, name, portp) == KERN_SUCCESS) {
        ipc_port_unref(*portp);     /* the receive right keeps it */
    }
    return name;
}

/* Give to space a send (PORT_SEND) or send-once right made from name's receive right in from. */
static mach_port_name_t
notify_give(struct ipc_space *from, mach_port_name_t name, struct ipc_space *to,
            mach_msg_type_name_t type)
{
    struct ipc_port *port = NULL;
    mach_port_name_t given = MACH_PORT_NULL;
    mach_msg_type_name_t disp = (type == MACH_MSG_TYPE_PORT_SEND) ? MACH_MSG_TYPE_MAKE_SEND
                                                                   : MACH_MSG_TYPE_MAKE_SEND_ONCE;

    if (ipc_right_copyin(from, name, disp, &port) == KERN_SUCCESS
        && ipc_right_copyout_msg(to, port, type, &given) != KERN_SUCCESS) {
        ipc_kmsg_release_right(port, type);
    }
    return given;
}

static mach_port_urefs_t
notify_refs(struct ipc_space *space, mach_port_name_t name, mach_port_right_t right)
{
    mach_port_urefs_t refs = 0xdead;

    ipc_right_get_refs(space, name, right, &refs);
    return refs;
}

static mach_port_type_t
notify_type(struct ipc_space *space, mach_port_name_t name)
{
    mach_port_type_t type = 0xdead;

    ipc_right_type(space, name, &type);
    return type;
}

static void
notify_case_no_senders(void)
{
    struct ipc_space *a, *b;
    struct ipc_port *p, *n, *prev = NULL, *sent;
    mach_port_name_t rp, rn, sb;
    struct notify_msg m;
    kern_return_t kr;

    ipc_space_create(&a);
    ipc_space_create(&b);
    rp = notify_port(a, &p);
    rn = notify_port(a, &n);

    kr = mach_port_request_notification(a, rp, MACH_NOTIFY_NO_SENDERS, 0, notify_so(a, rn),
                                        &prev);
    m = notify_receive(a, rn);
    NOTIFY_CHECK(kr == KERN_SUCCESS && prev == NULL && p->nsrequest == NULL
                 && notify_is(&m, MACH_NOTIFY_NO_SENDERS, rn, MACH_MSG_TYPE_INTEGER_32, 0),
                 "no-senders on a port without senders, sync 0: sent at once, count 0");

    sb = notify_give(a, rp, b, MACH_MSG_TYPE_PORT_SEND);
    kr = mach_port_request_notification(a, rp, MACH_NOTIFY_NO_SENDERS, 0, notify_so(a, rn),
                                        &prev);
    NOTIFY_CHECK(kr == KERN_SUCCESS && prev == NULL && p->mscount == 1 && p->srights == 1
                 && p->nsrequest != NULL && notify_none(a, rn),
                 "a send right made (mscount 1): the request stays armed");
    {
        struct ipc_right_receive_status st;
        mach_port_name_t set, dead;
        bool ok;

        ipc_right_alloc(a, MACH_PORT_RIGHT_PORT_SET, &set);
        ipc_right_alloc(a, MACH_PORT_RIGHT_DEAD_NAME, &dead);
        ipc_right_move_member(a, rp, set);
        ok = ipc_right_receive_status(a, rp, &st) == KERN_SUCCESS && st.pset == set
             && st.mscount == 1 && st.srights && st.nsrequest && !st.pdrequest
             && st.sorights == 0 && st.msgcount == 0 && st.qlimit == MACH_PORT_QLIMIT_DEFAULT;
        ipc_right_destroy(a, set);
        NOTIFY_CHECK(ok && ipc_right_receive_status(a, rp, &st) == KERN_SUCCESS
                     && st.pset == MACH_PORT_NULL
                     && ipc_right_receive_status(a, dead, &st) == KERN_INVALID_RIGHT
                     && ipc_right_receive_status(a, 999, &st) == KERN_INVALID_NAME,
                     "receive status: set name, mscount, srights, nsrequest; its errors");
        ipc_right_deallocate(a, dead);
    }
    ipc_right_mod_refs(b, sb, MACH_PORT_RIGHT_SEND, 2);
    ipc_right_deallocate(b, sb);
    NOTIFY_CHECK(notify_none(a, rn) && p->nsrequest != NULL,
                 "dropping one of three user references sends nothing");
    ipc_right_mod_refs(b, sb, MACH_PORT_RIGHT_SEND, -2);
    m = notify_receive(a, rn);
    NOTIFY_CHECK(notify_is(&m, MACH_NOTIFY_NO_SENDERS, rn, MACH_MSG_TYPE_INTEGER_32, 1)
                 && p->nsrequest == NULL && p->srights == 0 && notify_none(a, rn),
                 "the last send right released: no-senders with the make-send count 1, once");

    /* sync above the make-send count: armed, not sent; replaced and cancelled. */
    kr = mach_port_request_notification(a, rp, MACH_NOTIFY_NO_SENDERS, 2, notify_so(a, rn),
                                        &prev);
    NOTIFY_CHECK(kr == KERN_SUCCESS && prev == NULL && p->nsrequest != NULL
                 && notify_none(a, rn), "sync 2 > mscount 1: armed, nothing sent");
    sent = p->nsrequest;
    kr = mach_port_request_notification(a, rp, MACH_NOTIFY_NO_SENDERS, 2, NULL, &prev);
    NOTIFY_CHECK(kr == KERN_SUCCESS && prev == sent && p->nsrequest == NULL,
                 "NULL cancels: the previous send-once right comes back");
    ipc_kmsg_release_right(prev, MACH_MSG_TYPE_PORT_SEND_ONCE);
    m = notify_receive(a, rn);
    NOTIFY_CHECK(notify_is(&m, MACH_NOTIFY_SEND_ONCE, rn, 0, 0) && n->sorights == 0,
                 "that right destroyed unused: a send-once notification to its port");

    NOTIFY_CHECK(ipc_notify_set_mscount(a, rp, 7) == KERN_SUCCESS && p->mscount == 7
                 && ipc_notify_set_mscount(a, 999, 1) == KERN_INVALID_NAME
                 && ipc_notify_set_mscount(b, sb, 1) != KERN_SUCCESS,
                 "set_mscount: the receive right only");
    kr = mach_port_request_notification(a, rp, MACH_NOTIFY_NO_SENDERS, 7, notify_so(a, rn),
                                        &prev);
    m = notify_receive(a, rn);
    NOTIFY_CHECK(kr == KERN_SUCCESS && notify_is(&m, MACH_NOTIFY_NO_SENDERS, rn,
                                                 MACH_MSG_TYPE_INTEGER_32, 7),
                 "sync 7 == mscount 7 (set_mscount) and no senders: sent at once with 7");

    /* A send right carried by a message, released when the message is destroyed. */
    kr = mach_port_request_notification(a, rp, MACH_NOTIFY_NO_SENDERS, 0, notify_so(a, rn),
                                        &prev);
    ipc_right_copyin(a, rp, MACH_MSG_TYPE_MAKE_SEND, &sent);
    NOTIFY_CHECK(kr == KERN_SUCCESS && p->nsrequest == NULL && notify_receive(a, rn).mr
                 == MACH_MSG_SUCCESS && p->mscount == 8 && p->srights == 1,
                 "MAKE_SEND into a message counts 8");
    kr = mach_port_request_notification(a, rp, MACH_NOTIFY_NO_SENDERS, 0, notify_so(a, rn),
                                        &prev);
    ipc_kmsg_release_right(sent, MACH_MSG_TYPE_PORT_SEND);
    m = notify_receive(a, rn);
    NOTIFY_CHECK(kr == KERN_SUCCESS
                 && notify_is(&m, MACH_NOTIFY_NO_SENDERS, rn, MACH_MSG_TYPE_INTEGER_32, 8),
                 "the message's right destroyed: no-senders, count 8");

    /* The port dies with a no-senders request armed: a send-once notification. */
    sb = notify_give(a, rp, b, MACH_MSG_TYPE_PORT_SEND);
    mach_port_request_notification(a, rp, MACH_NOTIFY_NO_SENDERS, 0, notify_so(a, rn), &prev);
    ipc_right_destroy(a, rp);
    m = notify_receive(a, rn);
    NOTIFY_CHECK(notify_is(&m, MACH_NOTIFY_SEND_ONCE, rn, 0, 0) && notify_none(a, rn)
                 && notify_type(b, sb) == MACH_PORT_TYPE_DEAD_NAME,
                 "the port destroyed with the request armed: send-once, not no-senders");
    ipc_space_destroy(b);
    ipc_space_destroy(a);
}

static void
notify_case_dead_name(void)
{
    struct ipc_space *a, *b;
    struct ipc_port *p, *n, *prev = NULL, *first;
    mach_port_name_t rp, rn, sb, ob, rq;
    struct notify_msg m;
    kern_return_t kr;

    ipc_space_create(&a);
    ipc_space_create(&b);
    rp = notify_port(a, &p);
    rn = notify_port(a, &n);

    /* A send right with 2 urefs and a send-once right in b watch rp's port. */
    sb = notify_give(a, rp, b, MACH_MSG_TYPE_PORT_SEND);
    ipc_right_mod_refs(b, sb, MACH_PORT_RIGHT_SEND, 1);
    ob = notify_give(a, rp, b, MACH_MSG_TYPE_PORT_SEND_ONCE);
    kr = mach_port_request_notification(b, sb, MACH_NOTIFY_DEAD_NAME, 0, notify_so(a, rn),
                                        &prev);
    NOTIFY_CHECK(kr == KERN_SUCCESS && prev == NULL
                 && notify_type(b, sb) == (MACH_PORT_TYPE_SEND | MACH_PORT_TYPE_DNREQUEST),
                 "dead-name on a send right: mach_port_type shows DNREQUEST");
    first = notify_so(a, rn);
    kr = mach_port_request_notification(b, ob, MACH_NOTIFY_DEAD_NAME, 0, first, &prev);
    NOTIFY_CHECK(kr == KERN_SUCCESS && prev == NULL, "dead-name on a send-once right");
    kr = mach_port_request_notification(b, ob, MACH_NOTIFY_DEAD_NAME, 0, notify_so(a, rn),
                                        &prev);
    NOTIFY_CHECK(kr == KERN_SUCCESS && prev == first,
                 "a second request replaces the first, whose right comes back");
    ipc_right_release_send(prev, MACH_MSG_TYPE_PORT_SEND_ONCE);
    NOTIFY_CHECK(ipc_right_rename(b, ob, 500) == KERN_SUCCESS
                 && notify_type(b, 500) == (MACH_PORT_TYPE_SEND_ONCE | MACH_PORT_TYPE_DNREQUEST),
                 "rename: the request follows the name");
    ob = 500;

    ipc_right_destroy(a, rp);
    m = notify_receive(a, rn);
    NOTIFY_CHECK(notify_is(&m, MACH_NOTIFY_DEAD_NAME, rn, MACH_MSG_TYPE_PORT_NAME, sb),
                 "the port destroyed: dead-name for the send right's name");
    m = notify_receive(a, rn);
    NOTIFY_CHECK(notify_is(&m, MACH_NOTIFY_DEAD_NAME, rn, MACH_MSG_TYPE_PORT_NAME, 500)
                 && notify_none(a, rn),
                 "and for the send-once right's new name, and nothing else");
    NOTIFY_CHECK(notify_type(b, sb) == MACH_PORT_TYPE_DEAD_NAME
                 && notify_refs(b, sb, MACH_PORT_RIGHT_DEAD_NAME) == 3
                 && notify_type(b, ob) == MACH_PORT_TYPE_DEAD_NAME
                 && notify_refs(b, ob, MACH_PORT_RIGHT_DEAD_NAME) == 2,
                 "dead names with one more uref each (3 and 2): the notifications' names");

    /* Immediate dead-name on a dead name. */
    kr = mach_port_request_notification(b, sb, MACH_NOTIFY_DEAD_NAME, 1, notify_so(a, rn),
                                        &prev);
    m = notify_receive(a, rn);
    NOTIFY_CHECK(kr == KERN_SUCCESS && prev == NULL
                 && notify_is(&m, MACH_NOTIFY_DEAD_NAME, rn, MACH_MSG_TYPE_PORT_NAME, sb)
                 && notify_refs(b, sb, MACH_PORT_RIGHT_DEAD_NAME) == 4,
                 "on a dead name with sync 1: dead-name at once, one more uref");
    first = notify_so(a, rn);
    NOTIFY_CHECK(mach_port_request_notification(b, sb, MACH_NOTIFY_DEAD_NAME, 0, first, &prev)
                 == KERN_INVALID_ARGUMENT
                 && mach_port_request_notification(b, sb, MACH_NOTIFY_DEAD_NAME, 1, NULL, &prev)
                    == KERN_INVALID_ARGUMENT
                 && notify_refs(b, sb, MACH_PORT_RIGHT_DEAD_NAME) == 4,
                 "on a dead name with sync 0 or no notify port: KERN_INVALID_ARGUMENT");
    ipc_right_mod_refs(b, sb, MACH_PORT_RIGHT_DEAD_NAME, MACH_PORT_UREFS_MAX - 4);
    NOTIFY_CHECK(mach_port_request_notification(b, sb, MACH_NOTIFY_DEAD_NAME, 1, first, &prev)
                 == KERN_UREFS_OVERFLOW
                 && notify_refs(b, sb, MACH_PORT_RIGHT_DEAD_NAME) == MACH_PORT_UREFS_MAX,
                 "at MACH_PORT_UREFS_MAX: KERN_UREFS_OVERFLOW, nothing sent");
    ipc_right_release_send(first, MACH_MSG_TYPE_PORT_SEND_ONCE);
    NOTIFY_CHECK(notify_none(a, rn), "no notification from the refused requests");

    /* Port-deleted: the right goes while the port lives. */
    rq = notify_port(a, NULL);
    sb = notify_give(a, rq, b, MACH_MSG_TYPE_PORT_SEND);
    ob = notify_give(a, rq, b, MACH_MSG_TYPE_PORT_SEND_ONCE);
    mach_port_request_notification(b, sb, MACH_NOTIFY_DEAD_NAME, 0, notify_so(a, rn), &prev);
    mach_port_request_notification(b, ob, MACH_NOTIFY_DEAD_NAME, 0, notify_so(a, rn), &prev);
    ipc_right_deallocate(b, sb);
    m = notify_receive(a, rn);
    NOTIFY_CHECK(notify_is(&m, MACH_NOTIFY_PORT_DELETED, rn, MACH_MSG_TYPE_PORT_NAME, sb)
                 && notify_type(b, sb) == 0xdead,
                 "the send right deallocated: port-deleted with its name");
    ipc_right_deallocate(b, ob);
    m = notify_receive(a, rn);
    NOTIFY_CHECK(notify_is(&m, MACH_NOTIFY_PORT_DELETED, rn, MACH_MSG_TYPE_PORT_NAME, ob),
                 "the send-once right deallocated: port-deleted");
    m = notify_receive(a, rq);
    NOTIFY_CHECK(notify_is(&m, MACH_NOTIFY_SEND_ONCE, rq, 0, 0) && notify_none(a, rq),
                 "and the send-once right's own notification to its port");
    sb = notify_give(a, rq, b, MACH_MSG_TYPE_PORT_SEND);
    mach_port_request_notification(b, sb, MACH_NOTIFY_DEAD_NAME, 0, notify_so(a, rn), &prev);
    kr = mach_port_request_notification(b, sb, MACH_NOTIFY_DEAD_NAME, 0, NULL, &prev);
    NOTIFY_CHECK(kr == KERN_SUCCESS && prev != NULL && notify_type(b, sb) == MACH_PORT_TYPE_SEND,
                 "cancelled: the right comes back, DNREQUEST is gone");
    ipc_right_release_send(prev, MACH_MSG_TYPE_PORT_SEND_ONCE);
    mach_port_request_notification(b, sb, MACH_NOTIFY_DEAD_NAME, 0, notify_so(a, rn), &prev);
    ipc_space_destroy(b);
    m = notify_receive(a, rn);
    NOTIFY_CHECK(notify_is(&m, MACH_NOTIFY_PORT_DELETED, rn, MACH_MSG_TYPE_PORT_NAME, sb)
                 && notify_none(a, rn),
                 "the watching space destroyed: port-deleted");

    /* A request on a receive right: port-deleted when it is destroyed alone. */
    ipc_space_create(&b);
    rq = notify_port(b, NULL);
    mach_port_request_notification(b, rq, MACH_NOTIFY_DEAD_NAME, 0, notify_so(a, rn), &prev);
    ipc_right_destroy(b, rq);
    m = notify_receive(a, rn);
    NOTIFY_CHECK(notify_is(&m, MACH_NOTIFY_PORT_DELETED, rn, MACH_MSG_TYPE_PORT_NAME, rq),
                 "a receive right with a request destroyed: port-deleted");
    /* With send rights under the name: the name turns dead, dead-name goes. */
    rq = notify_port(b, &p);
    ipc_right_insert(b, rq, p, MACH_PORT_RIGHT_SEND);
    mach_port_request_notification(b, rq, MACH_NOTIFY_DEAD_NAME, 0, notify_so(a, rn), &prev);
    ipc_right_mod_refs(b, rq, MACH_PORT_RIGHT_RECEIVE, -1);
    m = notify_receive(a, rn);
    NOTIFY_CHECK(notify_is(&m, MACH_NOTIFY_DEAD_NAME, rn, MACH_MSG_TYPE_PORT_NAME, rq)
                 && notify_type(b, rq) == MACH_PORT_TYPE_DEAD_NAME
                 && notify_refs(b, rq, MACH_PORT_RIGHT_DEAD_NAME) == 2,
                 "SEND|RECEIVE loses its receive right: dead-name, a dead name with 2 urefs");
    ipc_space_destroy(b);
    ipc_space_destroy(a);
}

static void
notify_case_send_once(void)
{
    struct ipc_space *a, *b;
    struct ipc_port *p;
    mach_port_name_t rp, ob;
    struct notify_msg m;

    ipc_space_create(&a);
    ipc_space_create(&b);
    rp = notify_port(a, &p);
    ob = notify_give(a, rp, b, MACH_MSG_TYPE_PORT_SEND_ONCE);
    NOTIFY_CHECK(p->sorights == 1 && notify_none(a, rp), "a send-once right in b");
    ipc_right_deallocate(b, ob);
    NOTIFY_CHECK(p->sorights == 1 && p->mqueue.nr_messages == 1 && notify_type(b, ob) == 0xdead,
                 "deallocated: the right travels in the notification");
    m = notify_receive(a, rp);
    NOTIFY_CHECK(notify_is(&m, MACH_NOTIFY_SEND_ONCE, rp, 0, 0) && p->sorights == 0,
                 "send-once (71): 24 bytes, through the right itself, consumed on receipt");
    ob = notify_give(a, rp, b, MACH_MSG_TYPE_PORT_SEND_ONCE);
    ipc_right_mod_refs(b, ob, MACH_PORT_RIGHT_SEND_ONCE, -1);
    m = notify_receive(a, rp);
    NOTIFY_CHECK(notify_is(&m, MACH_NOTIFY_SEND_ONCE, rp, 0, 0),
                 "mod_refs -1 on a send-once right: the same");
    notify_give(a, rp, b, MACH_MSG_TYPE_PORT_SEND_ONCE);
    notify_give(a, rp, b, MACH_MSG_TYPE_PORT_SEND_ONCE);
    ipc_space_destroy(b);
    NOTIFY_CHECK(notify_receive(a, rp).header.msgh_id == MACH_NOTIFY_SEND_ONCE
                 && notify_receive(a, rp).header.msgh_id == MACH_NOTIFY_SEND_ONCE
                 && notify_none(a, rp) && p->sorights == 0,
                 "a space destroyed with two send-once rights: two notifications");
    {
        static int object;
        struct ipc_port *kport = ipc_port_create_kobject(IPC_KOBJECT_HOST, &object);
        struct ipc_notify_stats before, after;

        ipc_notify_stats_get(&before);
        ipc_right_insert(a, 77, kport, MACH_PORT_RIGHT_SEND_ONCE);
        ipc_right_deallocate(a, 77);
        ipc_notify_stats_get(&after);
        NOTIFY_CHECK(after.dropped == before.dropped + 1 && after.sent == before.sent
                     && kport->sorights == 0 && kport->mqueue.nr_messages == 0,
                     "a send-once right to a kernel-object port: its notification dropped");
        ipc_port_kobject_destroy(kport);
    }
    ipc_space_create(&b);
    ob = notify_give(a, rp, b, MACH_MSG_TYPE_PORT_SEND_ONCE);
    ipc_right_destroy(a, rp);
    NOTIFY_CHECK(notify_type(b, ob) == MACH_PORT_TYPE_DEAD_NAME
                 && ipc_right_deallocate(b, ob) == KERN_SUCCESS,
                 "a send-once right whose port died is a dead name, deallocated silently");
    ipc_space_destroy(b);
    ipc_space_destroy(a);
}

static void
notify_case_port_destroyed(void)
{
    struct ipc_space *a, *b;
    struct ipc_port *q, *prev = NULL, *first, *msg;
    mach_port_name_t rq, rn, sb, got;
    struct notify_msg m;
    kern_return_t kr;

    ipc_space_create(&a);
    ipc_space_create(&b);
    rn = notify_port(a, NULL);
    rq = notify_port(b, &q);
    sb = notify_give(b, rq, a, MACH_MSG_TYPE_PORT_SEND);

    first = notify_so(a, rn);
    NOTIFY_CHECK(mach_port_request_notification(b, rq, MACH_NOTIFY_PORT_DESTROYED, 1, first,
                                                &prev) == KERN_INVALID_VALUE,
                 "port-destroyed with sync 1: KERN_INVALID_VALUE");
    kr = mach_port_request_notification(b, rq, MACH_NOTIFY_PORT_DESTROYED, 0, first, &prev);
    NOTIFY_CHECK(kr == KERN_SUCCESS && prev == NULL && q->pdrequest == first,
                 "port-destroyed armed on a receive right");
    /* A message waits on the port; then its receive right is destroyed. */
    ipc_right_copyin(a, sb, MACH_MSG_TYPE_COPY_SEND, &msg);
    {
        struct ipc_kmsg *k = ipc_kmsg_alloc(sizeof(mach_msg_header_t));

        k->header.msgh_bits = MACH_MSGH_BITS(MACH_MSG_TYPE_PORT_SEND, 0);
        k->header.msgh_id = 4242;
        k->remote = msg;
        ipc_mqueue_send(k, 0, 0);
    }
    ipc_right_destroy(b, rq);
    NOTIFY_CHECK(q->active && q->receiver == NULL && q->pdrequest == NULL
                 && q->mqueue.nr_messages == 1 && notify_type(a, sb) == MACH_PORT_TYPE_SEND,
                 "destroyed: the port lives on, its message still queued, a's send right alive");
    m = notify_receive(a, rn);
    got = m.body[1];
    NOTIFY_CHECK(notify_is(&m, MACH_NOTIFY_PORT_DESTROYED, rn, MACH_MSG_TYPE_PORT_RECEIVE, got)
                 && got == sb && q->receiver == a && q->receiver_name == sb
                 && notify_type(a, sb) == MACH_PORT_TYPE_SEND_RECEIVE,
                 "port-destroyed (69) carries the receive right: it joins a's send right's name");
    m = notify_receive(a, sb);
    NOTIFY_CHECK(m.mr == MACH_MSG_SUCCESS && m.header.msgh_id == 4242,
                 "the message that waited is received by the new receiver");

    /* Circular: the request's port is the port itself. */
    kr = mach_port_request_notification(a, sb, MACH_NOTIFY_PORT_DESTROYED, 0, notify_so(a, sb),
                                        &prev);
    NOTIFY_CHECK(kr == KERN_SUCCESS && prev == NULL, "port-destroyed to the port itself");
    ipc_right_insert(b, 7, q, MACH_PORT_RIGHT_SEND);
    ipc_right_mod_refs(a, sb, MACH_PORT_RIGHT_RECEIVE, -1);
    NOTIFY_CHECK(!q->active && q->sorights == 0 && notify_type(b, 7) == MACH_PORT_TYPE_DEAD_NAME
                 && notify_type(a, sb) == MACH_PORT_TYPE_DEAD_NAME,
                 "destroyed: the notification could never be received, so the port dies");

    /* The request's port is dead: the port dies too. */
    rq = notify_port(b, &q);
    got = notify_port(a, NULL);
    mach_port_request_notification(b, rq, MACH_NOTIFY_PORT_DESTROYED, 0, notify_so(a, got),
                                   &prev);
    ipc_right_destroy(a, got);
    ipc_right_destroy(b, rq);
    NOTIFY_CHECK(notify_none(a, rn), "a port-destroyed request to a dead port: the port dies");

    /* Replaced and cancelled. */
    rq = notify_port(b, &q);
    first = notify_so(a, rn);
    mach_port_request_notification(b, rq, MACH_NOTIFY_PORT_DESTROYED, 0, first, &prev);
    kr = mach_port_request_notification(b, rq, MACH_NOTIFY_PORT_DESTROYED, 0, NULL, &prev);
    NOTIFY_CHECK(kr == KERN_SUCCESS && prev == first && q->pdrequest == NULL,
                 "cancelled: the previous right comes back");
    ipc_right_release_send(prev, MACH_MSG_TYPE_PORT_SEND_ONCE);
    ipc_space_destroy(b);
    NOTIFY_CHECK(notify_none(a, rn), "the port died with its space, nothing sent");
    ipc_space_destroy(a);
}

static void
notify_case_errors(void)
{
    struct ipc_space *a;
    struct ipc_port *n, *prev = (struct ipc_port *)1;
    mach_port_name_t rn, dead, set;
    struct ipc_port *so;

    ipc_space_create(&a);
    rn = notify_port(a, &n);
    ipc_right_alloc(a, MACH_PORT_RIGHT_DEAD_NAME, &dead);
    ipc_right_alloc(a, MACH_PORT_RIGHT_PORT_SET, &set);
    so = notify_so(a, rn);

    NOTIFY_CHECK(mach_port_request_notification(NULL, rn, MACH_NOTIFY_DEAD_NAME, 0, so, &prev)
                 == KERN_INVALID_TASK && prev == NULL,
                 "no task: KERN_INVALID_TASK, *previous NULL");
    NOTIFY_CHECK(mach_port_request_notification(a, rn, MACH_NOTIFY_DEAD_NAME, 0, IPC_PORT_DEAD,
                                                &prev) == KERN_INVALID_CAPABILITY,
                 "a dead notify port: KERN_INVALID_CAPABILITY");
    NOTIFY_CHECK(mach_port_request_notification(a, rn, MACH_NOTIFY_SEND_ONCE, 0, so, &prev)
                 == KERN_INVALID_VALUE
                 && mach_port_request_notification(a, rn, MACH_NOTIFY_PORT_DELETED, 0, so, &prev)
                    == KERN_INVALID_VALUE
                 && mach_port_request_notification(a, rn, MACH_NOTIFY_MSG_ACCEPTED, 0, so, &prev)
                    == KERN_INVALID_VALUE
                 && mach_port_request_notification(a, rn, 1234, 0, so, &prev)
                    == KERN_INVALID_VALUE,
                 "ids other than dead-name, no-senders, port-destroyed: KERN_INVALID_VALUE");
    NOTIFY_CHECK(mach_port_request_notification(a, 999, MACH_NOTIFY_DEAD_NAME, 0, so, &prev)
                 == KERN_INVALID_NAME
                 && mach_port_request_notification(a, 999, MACH_NOTIFY_NO_SENDERS, 0, so, &prev)
                    == KERN_INVALID_NAME
                 && mach_port_request_notification(a, 999, MACH_NOTIFY_PORT_DESTROYED, 0, so,
                                                   &prev) == KERN_INVALID_NAME
                 && mach_port_request_notification(a, MACH_PORT_NULL, MACH_NOTIFY_DEAD_NAME, 0,
                                                   so, &prev) == KERN_INVALID_NAME,
                 "no such name: KERN_INVALID_NAME for each kind");
    NOTIFY_CHECK(mach_port_request_notification(a, dead, MACH_NOTIFY_NO_SENDERS, 0, so, &prev)
                 == KERN_INVALID_RIGHT
                 && mach_port_request_notification(a, set, MACH_NOTIFY_PORT_DESTROYED, 0, so,
                                                   &prev) == KERN_INVALID_RIGHT
                 && mach_port_request_notification(a, set, MACH_NOTIFY_DEAD_NAME, 0, so, &prev)
                    == KERN_INVALID_RIGHT,
                 "no receive right, or a port set: KERN_INVALID_RIGHT");
    NOTIFY_CHECK(notify_none(a, rn) && n->sorights == 1 && n->nsrequest == NULL
                 && n->pdrequest == NULL && notify_type(a, rn) == MACH_PORT_TYPE_RECEIVE,
                 "failed requests armed nothing; the caller still holds its right");
    ipc_right_release_send(so, MACH_MSG_TYPE_PORT_SEND_ONCE);
    ipc_space_destroy(a);
}

/* Every scenario, then the counters: nothing armed is left anywhere. */
static void
notify_cases_run(void)
{
    struct ipc_notify_stats before, after;
    struct ipc_port_stats ports_before, ports_after;

    ipc_notify_stats_get(&before);
    ipc_port_stats_get(&ports_before);
    notify_case_no_senders();
    notify_case_dead_name();
    notify_case_send_once();
    notify_case_port_destroyed();
    notify_case_errors();
    ipc_notify_stats_get(&after);
    ipc_port_stats_get(&ports_after);
    NOTIFY_CHECK(after.nr_dnrequests == before.nr_dnrequests && after.lost == before.lost
                 && after.sent > before.sent
                 && ports_after.nr_ports == ports_before.nr_ports
                 && ports_after.nr_active == ports_before.nr_active,
                 "no dead-name request, port or notification left (%lu sent, %lu dropped)",
                 after.sent - before.sent, after.dropped - before.dropped);
}

#endif /* TESTS_IPC_NOTIFY_CASES_H */
