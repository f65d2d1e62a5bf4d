/* SPDX-License-Identifier: GPL-2.0-or-later */
/*
 * Port notifications by RPC, from a program built as a GNU Mach program
 * is (GNU Mach's headers, MIG user stubs): mach_port_request_notification
 * mach_port_set_mscount and mach_port_get_receive_status, and each notification received by
 * mach_msg and checked field by field against GNU Mach's notify.h
 * layouts: no-senders (the make-send count, sync, set_mscount, a second
 * task holding the last send right terminated), dead-name (a task's
 * kernel port when the task ends, a receive
 * right destroyed under a send right's name, immediate on a dead name,
 * a second task's port dying with it), send-once (a send-once right
 * deallocated), port-deleted, port-destroyed (the receive right comes
 * back with its queued message), and the errors, after which the
 * request's send-once right is destroyed and says so; mach_msg's notify
 * argument: MACH_RCV_NOTIFY (a dead-name request for a received reply
 * right), MACH_SEND_CANCEL (no port-deleted for the destination) and
 * MACH_SEND_NOTIFY (msg-accepted when a forced message leaves the
 * queue), with their errors. Boot line:
 *     notify $(task-create) $(task-resume)
 */
#include <mach/message.h>
#include <mach/mig_errors.h>
#include <mach/notify.h>

#include "mach_port.h"
#include "lib/ulib.h"
#include "lib/mach_traps.h"

/* Descriptor words GNU Mach writes: inline, one 32-bit element. */
#define TYPE_WORD(name)         ((name) | 32u << 8 | 1u << 16 | 1u << 28)

static mach_port_t self;

union notification {
    mach_msg_header_t h;
    mach_no_senders_notification_t ns;
    mach_dead_name_notification_t dn;
    mach_port_deleted_notification_t pd;
    mach_port_destroyed_notification_t pdd;
    char buf[128];
};

/* Receive the next message of port without waiting; MACH_RCV_TIMED_OUT if none. */
static mach_msg_return_t
receive(mach_port_t port, union notification *n)
{
    memset(n, 0, sizeof(*n));
    return mach_msg(&n->h, MACH_RCV_MSG | MACH_RCV_TIMEOUT, 0, sizeof(*n), port, 0,
                    MACH_PORT_NULL);
}

/* The raw descriptor word of a notification's body. */
static uint32_t
type_word(const union notification *n)
{
    uint32_t w;

    memcpy(&w, n->buf + sizeof(mach_msg_header_t), sizeof(w));
    return w;
}

/* Whether n is notification id for port, size bytes, with the send-once header GNU Mach sends. */
static bool
is(const union notification *n, mach_msg_id_t id, mach_port_t port, mach_msg_size_t size,
   bool complex)
{
    return n->h.msgh_id == id && n->h.msgh_local_port == port
           && n->h.msgh_remote_port == MACH_PORT_NULL && n->h.msgh_size == size
           && n->h.msgh_bits == ((complex ? MACH_MSGH_BITS_COMPLEX : 0)
                                 | MACH_MSGH_BITS(0, MACH_MSG_TYPE_PORT_SEND_ONCE));
}

/* A name notification (dead-name, port-deleted) of id for name on port. */
static bool
is_name(mach_port_t port, mach_msg_id_t id, mach_port_t name)
{
    union notification n;

    return receive(port, &n) == MACH_MSG_SUCCESS && is(&n, id, port, 32, false)
           && type_word(&n) == TYPE_WORD(MACH_MSG_TYPE_PORT_NAME) && n.dn.not_port == name;
}

static bool
is_no_senders(mach_port_t port, unsigned int count)
{
    union notification n;

    return receive(port, &n) == MACH_MSG_SUCCESS
           && is(&n, MACH_NOTIFY_NO_SENDERS, port, 32, false)
           && type_word(&n) == TYPE_WORD(MACH_MSG_TYPE_INTEGER_32) && n.ns.not_count == count;
}

static bool
is_send_once(mach_port_t port)
{
    union notification n;

    return receive(port, &n) == MACH_MSG_SUCCESS && is(&n, MACH_NOTIFY_SEND_ONCE, port, 24, false);
}

static bool
empty(mach_port_t port)
{
    union notification n;

    return receive(port, &n) == MACH_RCV_TIMED_OUT;
}

static mach_port_t
new_port(void)
{
    mach_port_t p = MACH_PORT_NULL;

    mach_port_allocate(self, MACH_PORT_RIGHT_RECEIVE, &p);
    return p;
}

static kern_return_t
request(mach_port_t name, mach_msg_id_t id, mach_port_mscount_t sync, mach_port_t notify,
        mach_port_t *prev)
{
    *prev = 0xdead;
    return mach_port_request_notification(self, name, id, sync, notify,
                                          MACH_MSG_TYPE_MAKE_SEND_ONCE, prev);
}

static mach_port_type_t
type(mach_port_t name)
{
    mach_port_type_t t;

    return mach_port_type(self, name, &t) == KERN_SUCCESS ? t : 0;
}

static mach_port_urefs_t
dead_refs(mach_port_t name)
{
    mach_port_urefs_t r;

    return mach_port_get_refs(self, name, MACH_PORT_RIGHT_DEAD_NAME, &r) == KERN_SUCCESS ? r : ~0u;
}

static void
test_no_senders(mach_port_t n)
{
    mach_port_t p = new_port(), prev, child, q;
    kern_return_t kr;

    mach_port_insert_right(self, p, p, MACH_MSG_TYPE_MAKE_SEND);
    kr = request(p, MACH_NOTIFY_NO_SENDERS, 0, n, &prev);
    tap_ok(kr == KERN_SUCCESS && prev == MACH_PORT_NULL && empty(n),
           "no-senders armed on a port with a send right (%d)", kr);
    mach_port_deallocate(self, p);
    tap_ok(is_no_senders(n, 1) && empty(n),
           "its send right deallocated: no-senders (70), 32 bytes, make-send count 1");
    kr = request(p, MACH_NOTIFY_NO_SENDERS, 2, n, &prev);
    tap_ok(kr == KERN_SUCCESS && prev == MACH_PORT_NULL && empty(n),
           "sync 2 above the make-send count: armed, nothing sent (%d)", kr);
    kr = mach_port_set_mscount(self, p, 2);
    tap_ok(kr == KERN_SUCCESS, "set_mscount 2 (%d)", kr);
    kr = request(p, MACH_NOTIFY_NO_SENDERS, 2, n, &prev);
    tap_ok(kr == KERN_SUCCESS && MACH_PORT_VALID(prev) && type(prev) == MACH_PORT_TYPE_SEND_ONCE
           && is_no_senders(n, 2),
           "sync 2 now met: sent at once with 2; the armed request comes back as a send-once right");
    mach_port_deallocate(self, prev);
    tap_ok(is_send_once(n) && empty(n), "that right deallocated: send-once (71), 24 bytes");
    tap_ok(mach_port_set_mscount(self, 0x4321, 1) == KERN_INVALID_NAME
           && mach_port_set_mscount(self, n + 0, 0) == KERN_SUCCESS,
           "set_mscount: KERN_INVALID_NAME for no name");

    /* The last send right held by another task, which ends. */
    syscall_task_create(self, 0, &child);
    mach_port_insert_right(child, 0x55, p, MACH_MSG_TYPE_MAKE_SEND);
    kr = request(p, MACH_NOTIFY_NO_SENDERS, 0, n, &prev);
    tap_ok(kr == KERN_SUCCESS && empty(n), "a second task holds the only send right (%d)", kr);
    {
        mach_port_status_t st;

        kr = mach_port_get_receive_status(self, p, &st);
        tap_ok(kr == KERN_SUCCESS && st.mps_mscount == 3 && st.mps_srights && st.mps_nsrequest
               && !st.mps_pdrequest && st.mps_pset == MACH_PORT_NULL && st.mps_msgcount == 0,
               "get_receive_status: make-send count 3, senders, no-senders armed (%d)", kr);
    }
    kr = mach_port_allocate(child, MACH_PORT_RIGHT_RECEIVE, &q);
    mach_port_extract_right(child, q, MACH_MSG_TYPE_MAKE_SEND, &q, &(mach_msg_type_name_t){ 0 });
    request(q, MACH_NOTIFY_DEAD_NAME, 0, n, &prev);
    tap_ok(kr == KERN_SUCCESS && type(q) == (MACH_PORT_TYPE_SEND | MACH_PORT_TYPE_DNREQUEST),
           "and we watch a port of that task: type SEND | DNREQUEST");
    kr = request(child, MACH_NOTIFY_DEAD_NAME, 0, n, &prev);
    tap_ok(kr == KERN_SUCCESS && type(child) == (MACH_PORT_TYPE_SEND | MACH_PORT_TYPE_DNREQUEST),
           "dead-name on the task's own (kernel) port (%d)", kr);
    syscall_task_terminate(child);
    /* Three notifications, in the order the task's teardown gives them. */
    {
        unsigned int got = 0;

        for (unsigned int i = 0; i < 3; i++) {
            union notification m;

            if (receive(n, &m) != MACH_MSG_SUCCESS) {
                break;
            }
            if (is(&m, MACH_NOTIFY_DEAD_NAME, n, 32, false)
                && type_word(&m) == TYPE_WORD(MACH_MSG_TYPE_PORT_NAME)) {
                got |= (m.dn.not_port == q) ? 1 : (m.dn.not_port == child) ? 2 : 0;
            } else if (is(&m, MACH_NOTIFY_NO_SENDERS, n, 32, false)
                       && type_word(&m) == TYPE_WORD(MACH_MSG_TYPE_INTEGER_32)
                       && m.ns.not_count == 3) {
                got |= 4;
            }
        }
        kr = got;
    }
    tap_ok(kr == 7 && empty(n),
           "the task terminated: dead-name for its port, no-senders (count 3) for ours, "
           "dead-name for the task port");
    tap_ok(type(q) == MACH_PORT_TYPE_DEAD_NAME && dead_refs(q) == 2,
           "our send right is a dead name with 2 user references");
    mach_port_deallocate(self, q);
    mach_port_deallocate(self, q);
    tap_ok(type(child) == MACH_PORT_TYPE_DEAD_NAME && dead_refs(child) == 2,
           "the task port's name: a dead name with 2 user references");
    mach_port_mod_refs(self, child, MACH_PORT_RIGHT_DEAD_NAME, -2);
    mach_port_destroy(self, p);
}

static void
test_dead_name(mach_port_t n)
{
    mach_port_t p = new_port(), s, prev;
    mach_msg_type_name_t t;
    kern_return_t kr;

    mach_port_insert_right(self, p, p, MACH_MSG_TYPE_MAKE_SEND);
    kr = request(p, MACH_NOTIFY_DEAD_NAME, 0, n, &prev);
    tap_ok(kr == KERN_SUCCESS && prev == MACH_PORT_NULL
           && type(p) == (MACH_PORT_TYPE_SEND_RECEIVE | MACH_PORT_TYPE_DNREQUEST),
           "dead-name on a send and receive right (%d)", kr);
    mach_port_mod_refs(self, p, MACH_PORT_RIGHT_RECEIVE, -1);
    tap_ok(is_name(n, MACH_NOTIFY_DEAD_NAME, p) && empty(n),
           "its receive right destroyed: dead-name (72), 32 bytes, the name");
    tap_ok(type(p) == MACH_PORT_TYPE_DEAD_NAME && dead_refs(p) == 2,
           "a dead name with one more user reference (2)");
    kr = request(p, MACH_NOTIFY_DEAD_NAME, 1, n, &prev);
    tap_ok(kr == KERN_SUCCESS && prev == MACH_PORT_NULL && is_name(n, MACH_NOTIFY_DEAD_NAME, p)
           && dead_refs(p) == 3, "on a dead name with sync 1: dead-name at once, 3 urefs");
    kr = request(p, MACH_NOTIFY_DEAD_NAME, 0, n, &prev);
    tap_ok(kr == KERN_INVALID_ARGUMENT && is_send_once(n) && empty(n),
           "sync 0 on a dead name: KERN_INVALID_ARGUMENT, the unused right says send-once");
    mach_port_mod_refs(self, p, MACH_PORT_RIGHT_DEAD_NAME, -3);

    /* Port-deleted: a send-once right with a request goes while its port lives. */
    p = new_port();
    mach_port_extract_right(self, p, MACH_MSG_TYPE_MAKE_SEND_ONCE, &s, &t);
    kr = request(s, MACH_NOTIFY_DEAD_NAME, 0, n, &prev);
    tap_ok(kr == KERN_SUCCESS && type(s) == (MACH_PORT_TYPE_SEND_ONCE | MACH_PORT_TYPE_DNREQUEST),
           "dead-name on a send-once right (%d)", kr);
    mach_port_deallocate(self, s);
    tap_ok(is_name(n, MACH_NOTIFY_PORT_DELETED, s) && empty(n),
           "deallocated: port-deleted (65) with its name");
    tap_ok(is_send_once(p) && empty(p), "and its port gets the send-once notification (71)");
    kr = request(p, MACH_NOTIFY_DEAD_NAME, 0, n, &prev);
    mach_port_destroy(self, p);
    tap_ok(kr == KERN_SUCCESS && is_name(n, MACH_NOTIFY_PORT_DELETED, p) && empty(n),
           "a receive right with a request destroyed: port-deleted");
}

static void
test_port_destroyed(mach_port_t n)
{
    mach_port_t p = new_port(), prev, got;
    union notification m;
    mach_msg_header_t h = {
        .msgh_bits = MACH_MSGH_BITS(MACH_MSG_TYPE_MAKE_SEND, 0),
        .msgh_remote_port = p,
        .msgh_id = 4242,
    };
    kern_return_t kr;

    mach_msg(&h, MACH_SEND_MSG, sizeof(h), 0, MACH_PORT_NULL, 0, MACH_PORT_NULL);
    kr = request(p, MACH_NOTIFY_PORT_DESTROYED, 0, n, &prev);
    {
        mach_port_status_t st;

        tap_ok(kr == KERN_SUCCESS && prev == MACH_PORT_NULL
               && mach_port_get_receive_status(self, p, &st) == KERN_SUCCESS && st.mps_pdrequest
               && st.mps_msgcount == 1 && st.mps_seqno == 0 && st.mps_sorights == 0,
               "port-destroyed armed, the receive status says so (%d)", kr);
    }
    mach_port_destroy(self, p);
    tap_ok(receive(n, &m) == MACH_MSG_SUCCESS
           && is(&m, MACH_NOTIFY_PORT_DESTROYED, n, 32, true)
           && type_word(&m) == TYPE_WORD(MACH_MSG_TYPE_PORT_RECEIVE),
           "destroyed: port-destroyed (69) arrives, complex, with a receive right");
    got = m.pdd.not_port;
    tap_ok(type(got) == MACH_PORT_TYPE_RECEIVE && receive(got, &m) == MACH_MSG_SUCCESS
           && m.h.msgh_id == 4242 && empty(got),
           "the receive right is back, and the message that waited on it");
    kr = request(got, MACH_NOTIFY_PORT_DESTROYED, 1, n, &prev);
    tap_ok(kr == KERN_INVALID_VALUE && is_send_once(n),
           "sync 1: KERN_INVALID_VALUE, the unused right says send-once");
    mach_port_destroy(self, got);
    tap_ok(empty(n), "destroyed again without a request: it dies, nothing sent");
}

/* Send a header-only message to dest (MAKE_SEND) with reply right reply (reply_disp). */
static mach_msg_return_t
send_with_reply(mach_port_t dest, mach_port_t reply, mach_msg_type_name_t reply_disp)
{
    mach_msg_header_t h = {
        .msgh_bits = MACH_MSGH_BITS(MACH_MSG_TYPE_MAKE_SEND, reply_disp),
        .msgh_remote_port = dest,
        .msgh_local_port = reply,
        .msgh_id = 4343,
    };

    return mach_msg(&h, MACH_SEND_MSG, sizeof(h), 0, MACH_PORT_NULL, 0, MACH_PORT_NULL);
}

/* Receive on port with MACH_RCV_NOTIFY and notify; the header in *h. */
static mach_msg_return_t
receive_notify(mach_port_t port, mach_port_t notify, mach_msg_header_t *h)
{
    memset(h, 0, sizeof(*h));
    return mach_msg(h, MACH_RCV_MSG | MACH_RCV_TIMEOUT | MACH_RCV_NOTIFY, 0, sizeof(*h), port, 0,
                    notify);
}

/*
 * MACH_RCV_NOTIFY: the reply right of a received message, when it gets a
 * new name, comes with a dead-name request to the notify port.
 */
static void
test_rcv_notify(mach_port_t n)
{
    mach_port_t p = new_port(), r = new_port(), sr;
    mach_msg_header_t h;
    mach_msg_return_t mr;

    send_with_reply(p, r, MACH_MSG_TYPE_MAKE_SEND_ONCE);
    mr = receive_notify(p, n, &h);
    sr = h.msgh_remote_port;
    tap_ok(mr == MACH_MSG_SUCCESS && MACH_PORT_VALID(sr)
           && type(sr) == (MACH_PORT_TYPE_SEND_ONCE | MACH_PORT_TYPE_DNREQUEST),
           "MACH_RCV_NOTIFY: the reply right comes with a dead-name request (0x%x)", mr);
    mach_port_destroy(self, r);
    tap_ok(is_name(n, MACH_NOTIFY_DEAD_NAME, sr) && dead_refs(sr) == 2,
           "its port destroyed: dead-name (72) for the reply name on the notify port");
    mach_port_deallocate(self, sr);
    mach_port_deallocate(self, sr);

    /* A send right to a port we hold: it joins our name, no request. */
    r = new_port();
    send_with_reply(p, r, MACH_MSG_TYPE_MAKE_SEND);
    mr = receive_notify(p, n, &h);
    tap_ok(mr == MACH_MSG_SUCCESS && h.msgh_remote_port == r
           && type(r) == (MACH_PORT_TYPE_SEND | MACH_PORT_TYPE_RECEIVE) && empty(n),
           "a reply right joining our own name: no request (0x%x)", mr);
    mach_port_destroy(self, r);

    /* No reply right: the notify name is not even looked at (GNU Mach). */
    send_with_reply(p, MACH_PORT_NULL, 0);
    mr = receive_notify(p, 0x4321, &h);
    tap_ok(mr == MACH_MSG_SUCCESS && h.msgh_id == 4343,
           "no reply right: a bad notify name does not matter (0x%x)", mr);

    r = new_port();
    send_with_reply(p, r, MACH_MSG_TYPE_MAKE_SEND_ONCE);
    mr = receive_notify(p, MACH_PORT_NULL, &h);
    tap_ok(mr == MACH_RCV_INVALID_NOTIFY && h.msgh_id == 4343 && empty(p) && is_send_once(r),
           "notify MACH_PORT_NULL: MACH_RCV_INVALID_NOTIFY, the message consumed, its reply "
           "right destroyed (0x%x)", mr);
    send_with_reply(p, r, MACH_MSG_TYPE_MAKE_SEND_ONCE);
    mr = receive_notify(p, 0x4321, &h);
    tap_ok(mr == MACH_RCV_INVALID_NOTIFY && empty(p) && is_send_once(r),
           "a notify name that is no receive right: MACH_RCV_INVALID_NOTIFY (0x%x)", mr);
    mach_port_destroy(self, r);
    mach_port_destroy(self, p);
}

/*
 * MACH_SEND_CANCEL: a message that takes a name's last send right sends
 * no port-deleted notification to the port given as notify.
 */
static void
test_send_cancel(mach_port_t n)
{
    mach_port_t p = new_port(), prev;
    mach_msg_header_t h;
    mach_msg_return_t mr;
    kern_return_t kr;
    int i;

    /* A name holding only a send right: the host port's, down to one user reference. */
    mach_port_t host = mach_host_self();
    mach_port_urefs_t refs = 0;

    mach_port_get_refs(self, host, MACH_PORT_RIGHT_SEND, &refs);
    mach_port_mod_refs(self, host, MACH_PORT_RIGHT_SEND, 1 - (int)refs);
    kr = request(host, MACH_NOTIFY_DEAD_NAME, 0, n, &prev);
    memset(&h, 0, sizeof(h));
    h.msgh_bits = MACH_MSGH_BITS(MACH_MSG_TYPE_MOVE_SEND, 0);
    h.msgh_remote_port = host;
    h.msgh_id = 999999;                 /* no routine: dropped, there is no reply port */
    mr = mach_msg(&h, MACH_SEND_MSG | MACH_SEND_CANCEL, sizeof(h), 0, MACH_PORT_NULL, 0, n);
    tap_ok(kr == KERN_SUCCESS && mr == MACH_MSG_SUCCESS && type(host) == 0 && empty(n),
           "MACH_SEND_CANCEL: the last send right moved, no port-deleted on the notify port "
           "(0x%x)", mr);

    /* The same without the option: port-deleted (65) comes. */
    host = mach_host_self();
    mach_port_get_refs(self, host, MACH_PORT_RIGHT_SEND, &refs);
    mach_port_mod_refs(self, host, MACH_PORT_RIGHT_SEND, 1 - (int)refs);
    request(host, MACH_NOTIFY_DEAD_NAME, 0, n, &prev);
    h.msgh_bits = MACH_MSGH_BITS(MACH_MSG_TYPE_MOVE_SEND, 0);
    h.msgh_remote_port = host;
    mr = mach_msg(&h, MACH_SEND_MSG, sizeof(h), 0, MACH_PORT_NULL, 0, n);
    tap_ok(mr == MACH_MSG_SUCCESS && is_name(n, MACH_NOTIFY_PORT_DELETED, host),
           "without it: port-deleted (65) for the name (0x%x)", mr);

    /* The notify port of MACH_SEND_CANCEL: a receive right, checked first. */
    for (i = 0; i < 2; i++) {
        memset(&h, 0, sizeof(h));
        h.msgh_bits = MACH_MSGH_BITS(MACH_MSG_TYPE_MAKE_SEND, 0);
        h.msgh_remote_port = i == 0 ? p : 0x4321;      /* a bad destination too */
        mr = mach_msg(&h, MACH_SEND_MSG | MACH_SEND_CANCEL, sizeof(h), 0, MACH_PORT_NULL, 0,
                      i == 0 ? MACH_PORT_NULL : 0x4322);
        tap_ok(mr == MACH_SEND_INVALID_NOTIFY && empty(p),
               "MACH_SEND_CANCEL with %s: MACH_SEND_INVALID_NOTIFY (0x%x)",
               i == 0 ? "notify MACH_PORT_NULL" : "a notify name that is no receive right", mr);
    }
    mr = mach_msg(&h, MACH_SEND_MSG, sizeof(h), 0, MACH_PORT_NULL, 0, 0x4322);
    tap_ok(mr == MACH_SEND_INVALID_DEST, "without the option notify is not looked at (0x%x)", mr);
    mach_port_destroy(self, p);
}

/* Send a header-only message to p by COPY_SEND with options and notify. */
static mach_msg_return_t
send_copy(mach_port_t p, mach_msg_option_t option, mach_msg_timeout_t timeout,
          mach_port_t notify, mach_msg_header_t *h)
{
    memset(h, 0, sizeof(*h));
    h->msgh_bits = MACH_MSGH_BITS(MACH_MSG_TYPE_COPY_SEND, 0);
    h->msgh_remote_port = p;
    h->msgh_id = 5050;
    return mach_msg(h, MACH_SEND_MSG | option, sizeof(*h), 0, MACH_PORT_NULL, timeout, notify);
}

/*
 * MACH_SEND_NOTIFY: a send that would wait is queued past the limit,
 * MACH_SEND_WILL_NOTIFY, and msg-accepted (66) comes when that message
 * leaves the queue; one request per name at a time.
 */
static void
test_send_notify(mach_port_t n)
{
    mach_port_t p = new_port(), q = new_port();
    mach_msg_header_t h;
    union notification m;
    mach_msg_return_t mr, mr2;

    mach_port_insert_right(self, p, p, MACH_MSG_TYPE_MAKE_SEND);
    mach_port_set_qlimit(self, p, 1);
    mr = send_copy(p, MACH_SEND_NOTIFY, 0, n, &h);
    tap_ok(mr == MACH_MSG_SUCCESS && empty(n), "MACH_SEND_NOTIFY with room: sent (0x%x)", mr);
    mr = send_copy(p, MACH_SEND_NOTIFY, 0, n, &h);
    tap_ok(mr == MACH_SEND_WILL_NOTIFY && (type(p) & MACH_PORT_TYPE_MAREQUEST),
           "a full queue: MACH_SEND_WILL_NOTIFY at once, the name marked (0x%x)", mr);
    mr = send_copy(p, MACH_SEND_NOTIFY | MACH_SEND_TIMEOUT, 20, n, &h);
    tap_ok(mr == MACH_SEND_NOTIFY_IN_PROGRESS && h.msgh_remote_port == p,
           "again: MACH_SEND_NOTIFY_IN_PROGRESS, the message back (0x%x)", mr);
    mr = receive(p, &m);
    tap_ok(mr == MACH_MSG_SUCCESS && empty(n), "the first message received: no notification yet");
    mr = receive(p, &m);
    tap_ok(mr == MACH_MSG_SUCCESS && m.h.msgh_id == 5050 && is_name(n, MACH_NOTIFY_MSG_ACCEPTED, p)
           && !(type(p) & MACH_PORT_TYPE_MAREQUEST) && empty(p),
           "the forced one received: msg-accepted (66) for our name, the mark gone");

    /* Errors, with the message back: no notify port, or not a receive right. */
    send_copy(p, 0, 0, MACH_PORT_NULL, &h);
    mr = send_copy(p, MACH_SEND_NOTIFY, 0, MACH_PORT_NULL, &h);
    mr2 = send_copy(p, MACH_SEND_NOTIFY, 0, 0x4321, &h);
    tap_ok(mr == MACH_SEND_INVALID_NOTIFY && mr2 == MACH_SEND_INVALID_NOTIFY
           && h.msgh_remote_port == p && !(type(p) & MACH_PORT_TYPE_MAREQUEST),
           "full, with no notify port or a bad one: MACH_SEND_INVALID_NOTIFY (0x%x, 0x%x)", mr,
           mr2);

    /* The queued message destroyed with its port: msg-accepted, the name gone. */
    mr = send_copy(p, MACH_SEND_NOTIFY | MACH_SEND_TIMEOUT, 10, n, &h);
    mach_port_destroy(self, p);
    tap_ok(mr == MACH_SEND_WILL_NOTIFY && is_name(n, MACH_NOTIFY_MSG_ACCEPTED, MACH_PORT_NULL),
           "after a 10 ms wait: MACH_SEND_WILL_NOTIFY; the port destroyed: msg-accepted for "
           "MACH_PORT_NULL (0x%x)", mr);

    /* Without the option the notify argument is ignored: the send just waits. */
    mach_port_insert_right(self, q, q, MACH_MSG_TYPE_MAKE_SEND);
    mach_port_set_qlimit(self, q, 1);
    send_copy(q, 0, 0, MACH_PORT_NULL, &h);
    mr = send_copy(q, MACH_SEND_TIMEOUT, 10, n, &h);
    tap_ok(mr == MACH_SEND_TIMED_OUT && empty(n), "without it: MACH_SEND_TIMED_OUT (0x%x)", mr);
    mach_port_destroy(self, q);
}

static void
test_errors(mach_port_t n)
{
    mach_port_t set, prev, d;
    kern_return_t kr;

    mach_port_allocate(self, MACH_PORT_RIGHT_PORT_SET, &set);
    mach_port_allocate(self, MACH_PORT_RIGHT_DEAD_NAME, &d);
    kr = request(n, MACH_NOTIFY_SEND_ONCE, 0, n, &prev);
    tap_ok(kr == KERN_INVALID_VALUE && is_send_once(n), "id 71: KERN_INVALID_VALUE (%d)", kr);
    kr = request(0x4321, MACH_NOTIFY_DEAD_NAME, 0, n, &prev);
    tap_ok(kr == KERN_INVALID_NAME && is_send_once(n), "no such name: KERN_INVALID_NAME (%d)", kr);
    kr = request(d, MACH_NOTIFY_NO_SENDERS, 0, n, &prev);
    tap_ok(kr == KERN_INVALID_RIGHT && is_send_once(n),
           "no-senders on a dead name: KERN_INVALID_RIGHT (%d)", kr);
    kr = request(set, MACH_NOTIFY_DEAD_NAME, 0, n, &prev);
    tap_ok(kr == KERN_INVALID_RIGHT && is_send_once(n),
           "dead-name on a port set: KERN_INVALID_RIGHT (%d)", kr);
    kr = mach_port_request_notification(self, n, MACH_NOTIFY_DEAD_NAME, 0, MACH_PORT_DEAD,
                                        MACH_MSG_TYPE_MOVE_SEND_ONCE, &prev);
    tap_ok(kr == KERN_INVALID_CAPABILITY && empty(n),
           "MACH_PORT_DEAD as the notify port: KERN_INVALID_CAPABILITY (%d)", kr);
    kr = mach_port_request_notification(mach_host_self(), n, MACH_NOTIFY_DEAD_NAME, 0, n,
                                        MACH_MSG_TYPE_MAKE_SEND_ONCE, &prev);
    tap_ok(kr == KERN_INVALID_TASK && is_send_once(n),
           "through the host port: KERN_INVALID_TASK (%d)", kr);
    mach_port_destroy(self, set);
    mach_port_deallocate(self, d);
}

int
main(void)
{
    mach_port_t n;

    self = mach_task_self();
    tap_plan(54);
    n = new_port();
    test_no_senders(n);
    test_dead_name(n);
    test_port_destroyed(n);
    test_rcv_notify(n);
    test_send_cancel(n);
    test_send_notify(n);
    test_errors(n);
    tap_ok(empty(n) && type(n) == MACH_PORT_TYPE_RECEIVE, "nothing left on the notify port");
    mach_port_destroy(self, n);
    tap_done();
}
