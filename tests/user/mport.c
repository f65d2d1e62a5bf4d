/* SPDX-License-Identifier: GPL-2.0-or-later */
/*
 * The mach_port.defs RPCs from a program built as a GNU Mach program is:
 * GNU Mach's headers and MIG user stubs generated from its definitions.
 * On itself and on a second task (made by the syscall_task_create
 * trap): allocate, allocate_name, type, rename, get_refs and mod_refs,
 * deallocate, destroy, insert_right (send, send-once, receive), extract_right
 * (every disposition), port sets (move_member, get_set_status: an
 * out-of-line array), names (two out-of-line arrays), set_qlimit (a
 * full queue), set_seqno (the next message's seqno), protected payloads
 * (set and cleared, seen in the received header), and the errors of
 * each. Boot line:
 *     mport $(task-create) $(task-resume)
 */
#include <mach/message.h>
#include <mach/mig_errors.h>

#include "mach_port.h"
#include "lib/ulib.h"
#include "lib/mach_traps.h"

static mach_port_t self;

/* The user references of right under name in task, or ~0 on error. */
static mach_port_urefs_t
refs(mach_port_t task, mach_port_t name, mach_port_right_t right)
{
    mach_port_urefs_t r;

    return mach_port_get_refs(task, name, right, &r) == KERN_SUCCESS ? r : ~0u;
}

/* The type of name in task, or 0 on error. */
static mach_port_type_t
type(mach_port_t task, mach_port_t name)
{
    mach_port_type_t t;

    return mach_port_type(task, name, &t) == KERN_SUCCESS ? t : 0;
}

/* Send an empty message to port (COPY_SEND) without waiting. */
static mach_msg_return_t
send_empty(mach_port_t port, int id)
{
    mach_msg_header_t h = {
        .msgh_bits = MACH_MSGH_BITS(MACH_MSG_TYPE_COPY_SEND, 0),
        .msgh_remote_port = port,
        .msgh_id = id,
    };

    return mach_msg(&h, MACH_SEND_MSG | MACH_SEND_TIMEOUT, sizeof(h), 0, MACH_PORT_NULL, 0,
                    MACH_PORT_NULL);
}

/* Receive an empty message from port without waiting; its seqno in *seqno. */
static mach_msg_return_t
receive_empty(mach_port_t port, mach_port_seqno_t *seqno)
{
    mach_msg_header_t h;
    mach_msg_return_t mr;

    mr = mach_msg(&h, MACH_RCV_MSG | MACH_RCV_TIMEOUT, 0, sizeof(h), port, 0, MACH_PORT_NULL);
    *seqno = h.msgh_seqno;
    return mr;
}

static void
test_basic(void)
{
    mach_port_t p, q = 0x1234;
    kern_return_t kr;

    kr = mach_port_allocate(self, MACH_PORT_RIGHT_RECEIVE, &p);
    tap_ok(kr == KERN_SUCCESS && MACH_PORT_VALID(p), "allocate receive: %d, name %u", kr, p);
    tap_ok(type(self, p) == MACH_PORT_TYPE_RECEIVE && refs(self, p, MACH_PORT_RIGHT_RECEIVE) == 1
           && refs(self, p, MACH_PORT_RIGHT_SEND) == 0,
           "type RECEIVE, receive refs 1, send refs 0");
    kr = mach_port_insert_right(self, p, p, MACH_MSG_TYPE_MAKE_SEND);
    tap_ok(kr == KERN_SUCCESS && type(self, p) == MACH_PORT_TYPE_SEND_RECEIVE
           && refs(self, p, MACH_PORT_RIGHT_SEND) == 1, "insert_right MAKE_SEND: %d", kr);
    kr = mach_port_mod_refs(self, p, MACH_PORT_RIGHT_SEND, 2);
    tap_ok(kr == KERN_SUCCESS && refs(self, p, MACH_PORT_RIGHT_SEND) == 3, "mod_refs +2: 3 refs");
    kr = mach_port_deallocate(self, p);
    tap_ok(kr == KERN_SUCCESS && refs(self, p, MACH_PORT_RIGHT_SEND) == 2, "deallocate: 2 refs");
    kr = mach_port_mod_refs(self, p, MACH_PORT_RIGHT_SEND, -3);
    tap_ok(kr == KERN_INVALID_VALUE && refs(self, p, MACH_PORT_RIGHT_SEND) == 2,
           "mod_refs -3 of 2: KERN_INVALID_VALUE (%d), nothing changed", kr);

    kr = mach_port_rename(self, p, q);
    tap_ok(kr == KERN_SUCCESS && type(self, q) == MACH_PORT_TYPE_SEND_RECEIVE
           && mach_port_type(self, p, &(mach_port_type_t){0}) == KERN_INVALID_NAME,
           "rename to 0x1234: %d; the old name is gone", kr);
    kr = mach_port_allocate_name(self, MACH_PORT_RIGHT_RECEIVE, q);
    tap_ok(kr == KERN_NAME_EXISTS, "allocate_name on a used name: KERN_NAME_EXISTS (%d)", kr);
    kr = mach_port_allocate_name(self, MACH_PORT_RIGHT_DEAD_NAME, 0x2000);
    tap_ok(kr == KERN_SUCCESS && type(self, 0x2000) == MACH_PORT_TYPE_DEAD_NAME,
           "allocate_name DEAD_NAME at 0x2000: %d", kr);
    tap_ok(mach_port_destroy(self, 0x2000) == KERN_SUCCESS && type(self, 0x2000) == 0,
           "destroy the dead name");
    kr = mach_port_allocate(self, 9, &p);
    tap_ok(kr == KERN_INVALID_VALUE, "allocate an unknown right: KERN_INVALID_VALUE (%d)", kr);
    kr = mach_port_deallocate(self, 0x7777);
    tap_ok(kr == KERN_INVALID_NAME, "deallocate an unused name: KERN_INVALID_NAME (%d)", kr);
    kr = mach_port_destroy(self, q);
    tap_ok(kr == KERN_SUCCESS && type(self, q) == 0, "destroy the receive right: %d", kr);
}

static void
test_extract(void)
{
    mach_port_t p, r;
    mach_msg_type_name_t t;
    kern_return_t kr;

    mach_port_allocate(self, MACH_PORT_RIGHT_RECEIVE, &p);
    kr = mach_port_extract_right(self, p, MACH_MSG_TYPE_MAKE_SEND, &r, &t);
    tap_ok(kr == KERN_SUCCESS && r == p && t == MACH_MSG_TYPE_PORT_SEND
           && refs(self, p, MACH_PORT_RIGHT_SEND) == 1,
           "extract_right MAKE_SEND comes back as a send right under the same name (%d)", kr);
    kr = mach_port_extract_right(self, p, MACH_MSG_TYPE_COPY_SEND, &r, &t);
    tap_ok(kr == KERN_SUCCESS && r == p && refs(self, p, MACH_PORT_RIGHT_SEND) == 2,
           "extract_right COPY_SEND: 2 send refs (%d)", kr);
    kr = mach_port_extract_right(self, p, MACH_MSG_TYPE_MAKE_SEND_ONCE, &r, &t);
    tap_ok(kr == KERN_SUCCESS && r != p && t == MACH_MSG_TYPE_PORT_SEND_ONCE
           && type(self, r) == MACH_PORT_TYPE_SEND_ONCE,
           "extract_right MAKE_SEND_ONCE: a send-once right under a new name (%d)", kr);
    tap_ok(mach_port_deallocate(self, r) == KERN_SUCCESS && type(self, r) == 0,
           "deallocate the send-once right");
    kr = mach_port_extract_right(self, p, MACH_MSG_TYPE_MOVE_RECEIVE, &r, &t);
    tap_ok(kr == KERN_SUCCESS && r == p && t == MACH_MSG_TYPE_PORT_RECEIVE
           && type(self, p) == MACH_PORT_TYPE_SEND_RECEIVE,
           "extract_right MOVE_RECEIVE comes home to the name of its send rights (%d)", kr);
    kr = mach_port_extract_right(self, p, MACH_MSG_TYPE_INTEGER_32, &r, &t);
    tap_ok(kr == KERN_INVALID_VALUE, "extract_right INTEGER_32: KERN_INVALID_VALUE (%d)", kr);
    kr = mach_port_extract_right(self, 0x7777, MACH_MSG_TYPE_MAKE_SEND, &r, &t);
    tap_ok(kr == KERN_INVALID_NAME, "extract_right of an unused name: KERN_INVALID_NAME (%d)", kr);
    kr = mach_port_insert_right(self, 0x3000, p, MACH_MSG_TYPE_MAKE_SEND);
    tap_ok(kr == KERN_RIGHT_EXISTS, "insert_right under a second name: KERN_RIGHT_EXISTS (%d)", kr);
    kr = mach_port_insert_right(self, 0x3000, p, MACH_MSG_TYPE_MAKE_SEND_ONCE);
    tap_ok(kr == KERN_SUCCESS && type(self, 0x3000) == MACH_PORT_TYPE_SEND_ONCE,
           "insert_right MAKE_SEND_ONCE at 0x3000 (%d)", kr);
    mach_port_deallocate(self, 0x3000);
    mach_port_destroy(self, p);
}

static void
test_sets_and_names(void)
{
    mach_port_t set = 0x500, a, b;
    mach_port_t *members, *names;
    mach_port_type_t *types;
    mach_msg_type_number_t n, nt;
    kern_return_t kr;
    bool found_a = false, found_set = false;

    kr = mach_port_allocate_name(self, MACH_PORT_RIGHT_PORT_SET, set);
    tap_ok(kr == KERN_SUCCESS && type(self, set) == MACH_PORT_TYPE_PORT_SET,
           "allocate_name PORT_SET at 0x500 (%d)", kr);
    mach_port_allocate(self, MACH_PORT_RIGHT_RECEIVE, &a);
    mach_port_allocate(self, MACH_PORT_RIGHT_RECEIVE, &b);
    kr = mach_port_move_member(self, a, set) | mach_port_move_member(self, b, set);
    tap_ok(kr == KERN_SUCCESS, "move_member twice into the set");
    kr = mach_port_get_set_status(self, set, &members, &n);
    tap_ok(kr == KERN_SUCCESS && n == 2 && members[0] == a && members[1] == b,
           "get_set_status: %u members out of line, %u and %u", n, n > 0 ? members[0] : 0,
           n > 1 ? members[1] : 0);
    kr = mach_port_get_set_status(self, a, &members, &n);
    tap_ok(kr == KERN_INVALID_RIGHT, "get_set_status of a port: KERN_INVALID_RIGHT (%d)", kr);
    kr = mach_port_move_member(self, set, a);
    tap_ok(kr == KERN_INVALID_RIGHT, "move_member of a set into a port: KERN_INVALID_RIGHT (%d)", kr);
    kr = mach_port_move_member(self, a, MACH_PORT_NULL);
    tap_ok(kr == KERN_SUCCESS && mach_port_get_set_status(self, set, &members, &n) == KERN_SUCCESS
           && n == 1 && members[0] == b, "move_member out of the set: one member left");

    kr = mach_port_names(self, &names, &n, &types, &nt);
    tap_ok(kr == KERN_SUCCESS && n == nt && n >= 3, "names: %u names and %u types (%d)", n, nt, kr);
    for (mach_msg_type_number_t i = 0; kr == KERN_SUCCESS && i < n; i++) {
        found_a |= names[i] == a && types[i] == MACH_PORT_TYPE_RECEIVE;
        found_set |= names[i] == set && types[i] == MACH_PORT_TYPE_PORT_SET;
    }
    tap_ok(found_a && found_set, "names lists the port and the set with their types");
    mach_port_destroy(self, a);
    mach_port_destroy(self, b);
    mach_port_destroy(self, set);
}

static void
test_queue(void)
{
    mach_port_t p;
    mach_port_seqno_t seqno = 0;
    mach_msg_return_t mr;
    kern_return_t kr;

    mach_port_allocate(self, MACH_PORT_RIGHT_RECEIVE, &p);
    mach_port_insert_right(self, p, p, MACH_MSG_TYPE_MAKE_SEND);
    kr = mach_port_set_qlimit(self, p, 1);
    mr = send_empty(p, 1);
    tap_ok(kr == KERN_SUCCESS && mr == MACH_MSG_SUCCESS && send_empty(p, 2) == MACH_SEND_TIMED_OUT,
           "set_qlimit 1: the second message does not fit (%d, %x)", kr, mr);
    kr = mach_port_set_qlimit(self, p, MACH_PORT_QLIMIT_MAX + 1);
    tap_ok(kr == KERN_INVALID_VALUE, "set_qlimit above the maximum: KERN_INVALID_VALUE (%d)", kr);
    kr = mach_port_set_qlimit(self, p, 2);
    tap_ok(kr == KERN_SUCCESS && send_empty(p, 2) == MACH_MSG_SUCCESS,
           "set_qlimit 2: a second message fits");
    kr = mach_port_set_seqno(self, p, 41);
    mr = receive_empty(p, &seqno);
    tap_ok(kr == KERN_SUCCESS && mr == MACH_MSG_SUCCESS && seqno == 41,
           "set_seqno 41: the next message has seqno %u", seqno);
    mr = receive_empty(p, &seqno);
    tap_ok(mr == MACH_MSG_SUCCESS && seqno == 42, "and the one after it %u", seqno);
    kr = mach_port_set_protected_payload(self, p, 0xfeedf00d);
    send_empty(p, 3);
    {
        mach_msg_header_t h;

        mr = mach_msg(&h, MACH_RCV_MSG | MACH_RCV_TIMEOUT, 0, sizeof(h), p, 0, MACH_PORT_NULL);
        tap_ok(kr == KERN_SUCCESS && mr == MACH_MSG_SUCCESS && h.msgh_local_port == 0xfeedf00d
               && MACH_MSGH_BITS_LOCAL(h.msgh_bits) == MACH_MSG_TYPE_PROTECTED_PAYLOAD,
               "set_protected_payload: the receiver sees the payload, type 23 (%x, bits %x)",
               h.msgh_local_port, h.msgh_bits);
        kr = mach_port_clear_protected_payload(self, p);
        send_empty(p, 4);
        mr = mach_msg(&h, MACH_RCV_MSG | MACH_RCV_TIMEOUT, 0, sizeof(h), p, 0, MACH_PORT_NULL);
        tap_ok(kr == KERN_SUCCESS && mr == MACH_MSG_SUCCESS && h.msgh_local_port == p
               && MACH_MSGH_BITS_LOCAL(h.msgh_bits) == MACH_MSG_TYPE_PORT_SEND,
               "clear_protected_payload: the name again (%x)", h.msgh_local_port);
    }
    kr = mach_port_set_protected_payload(self, 0x7777, 1);
    tap_ok(kr == KERN_INVALID_NAME, "set_protected_payload of an unused name: %d", kr);
    kr = mach_port_set_qlimit(self, 0x7777, 1);
    tap_ok(kr == KERN_INVALID_NAME, "set_qlimit of an unused name: KERN_INVALID_NAME (%d)", kr);
    mach_port_destroy(self, p);
}

static void
test_other_task(void)
{
    mach_port_t child, p, q, mine;
    mach_msg_type_name_t t;
    mach_port_seqno_t seqno;
    kern_return_t kr;

    kr = syscall_task_create(self, 0, &child);
    tap_ok(kr == KERN_SUCCESS, "a second task (%d)", kr);
    kr = mach_port_allocate(child, MACH_PORT_RIGHT_RECEIVE, &p);
    tap_ok(kr == KERN_SUCCESS && type(child, p) == MACH_PORT_TYPE_RECEIVE,
           "allocate a receive right in the other task (%d)", kr);
    mach_port_allocate(self, MACH_PORT_RIGHT_RECEIVE, &mine);
    kr = mach_port_insert_right(child, 0x77, mine, MACH_MSG_TYPE_MAKE_SEND);
    tap_ok(kr == KERN_SUCCESS && type(child, 0x77) == MACH_PORT_TYPE_SEND
           && refs(child, 0x77, MACH_PORT_RIGHT_SEND) == 1,
           "insert a send right for our port into the other task (%d)", kr);
    kr = mach_port_extract_right(child, 0x77, MACH_MSG_TYPE_MOVE_SEND, &q, &t);
    tap_ok(kr == KERN_SUCCESS && q == mine && type(child, 0x77) == 0
           && type(self, mine) == MACH_PORT_TYPE_SEND_RECEIVE,
           "move it back out: it joins our receive right (%d)", kr);
    kr = mach_port_extract_right(child, p, MACH_MSG_TYPE_MAKE_SEND, &q, &t);
    tap_ok(kr == KERN_SUCCESS && type(self, q) == MACH_PORT_TYPE_SEND,
           "a send right to the other task's port (%d)", kr);
    tap_ok(send_empty(q, 7) == MACH_MSG_SUCCESS, "send to the other task's port");
    kr = mach_port_extract_right(child, p, MACH_MSG_TYPE_MOVE_RECEIVE, &p, &t);
    tap_ok(kr == KERN_SUCCESS && p == q && type(self, p) == MACH_PORT_TYPE_SEND_RECEIVE
           && receive_empty(p, &seqno) == MACH_MSG_SUCCESS,
           "take its receive right, with the message queued on it (%d)", kr);
    kr = mach_port_insert_right(child, 0x99, p, MACH_MSG_TYPE_MOVE_RECEIVE);
    tap_ok(kr == KERN_SUCCESS && type(child, 0x99) == MACH_PORT_TYPE_RECEIVE
           && type(self, p) == MACH_PORT_TYPE_SEND,
           "insert_right MOVE_RECEIVE gives it back to the other task at 0x99 (%d)", kr);
    kr = mach_port_insert_right(child, 0x9a, mine, MACH_MSG_TYPE_MOVE_RECEIVE);
    tap_ok(kr == KERN_SUCCESS && type(child, 0x9a) == MACH_PORT_TYPE_RECEIVE
           && type(self, mine) == MACH_PORT_TYPE_SEND,
           "insert_right MOVE_RECEIVE of our port: our send rights stay (%d)", kr);
    kr = mach_port_insert_right(child, 0x9b, p, MACH_MSG_TYPE_MAKE_SEND);
    tap_ok(kr == MACH_SEND_INVALID_RIGHT, "MAKE_SEND without the receive right: the request "
           "is refused at send, MACH_SEND_INVALID_RIGHT (%x)", kr);
    kr = mach_port_extract_right(child, 0x9a, MACH_MSG_TYPE_MOVE_RECEIVE, &q, &t);
    tap_ok(kr == KERN_SUCCESS && q == mine && type(self, mine) == MACH_PORT_TYPE_SEND_RECEIVE,
           "and it comes home to our send right's name (%d)", kr);
    kr = mach_port_rename(child, 0x1, 0x2);
    tap_ok(kr == KERN_INVALID_NAME, "rename in an empty space: KERN_INVALID_NAME (%d)", kr);
    tap_ok(syscall_task_terminate(child) == KERN_SUCCESS, "terminate the second task");
    kr = mach_port_allocate(child, MACH_PORT_RIGHT_RECEIVE, &q);
    tap_ok(kr == MACH_SEND_INVALID_DEST || kr == KERN_INVALID_TASK,
           "allocate in a dead task: %x", kr);
    kr = mach_port_allocate(mach_host_self(), MACH_PORT_RIGHT_RECEIVE, &q);
    tap_ok(kr == KERN_INVALID_TASK, "allocate through the host port: KERN_INVALID_TASK (%d)", kr);
    mach_port_destroy(self, p);
    mach_port_destroy(self, mine);
    mach_port_deallocate(self, child);
}

int
main(void)
{
    self = mach_task_self();
    tap_plan(54);
    test_basic();
    test_extract();
    test_sets_and_names();
    test_queue();
    test_other_task();
    tap_done();
}
