/* SPDX-License-Identifier: GPL-2.0-or-later */
/*
 * Blocking receives on a port set, between two tasks, with the
 * mach_port RPCs doing the setup: one program in two roles chosen by
 * its name. Boot lines:
 *     sleeper $(sleeper-task=task-create) $(task-resume)
 *     waker ${sleeper-task} $(task-create) $(task-resume)
 * The sleeper makes ports A (name 0x100) and B (0x101) and a set S
 * (0x200) holding both, then waits in a receive on S. The waker finds
 * the set through the sleeper's task port (mach_port_get_set_status),
 * takes send rights to A and B out of the sleeper's space
 * (mach_port_extract_right MAKE_SEND), and sends to B, then to A: the
 * sleeper's blocked receive on S wakes for each, in the order they
 * were sent (GNU Mach queues a set's messages in one queue), with the
 * member's name as the local port. Then the waker takes B out of the
 * set (mach_port_move_member on the other task) and sends to B: a
 * receive on S no longer sees it (times out), a receive on B does.
 */
#include <mach/message.h>

#include "mach_port.h"
#include "lib/ulib.h"
#include "lib/mach_traps.h"

#define NAME_A          0x100
#define NAME_B          0x101
#define NAME_SET        0x200
#define ID_TO_A         1
#define ID_TO_B         2
#define ID_LATE_B       3
#define ID_DONE         4

static mach_msg_return_t
receive(mach_port_t port, mach_msg_header_t *h, mach_msg_timeout_t timeout)
{
    return mach_msg(h, MACH_RCV_MSG | (timeout ? MACH_RCV_TIMEOUT : 0), 0, sizeof(*h), port,
                    timeout, MACH_PORT_NULL);
}

static mach_msg_return_t
send(mach_port_t port, int id)
{
    mach_msg_header_t h = {
        .msgh_bits = MACH_MSGH_BITS(MACH_MSG_TYPE_COPY_SEND, 0),
        .msgh_size = sizeof(h),
        .msgh_remote_port = port,
        .msgh_id = id,
    };

    return mach_msg(&h, MACH_SEND_MSG, sizeof(h), 0, MACH_PORT_NULL, 0, MACH_PORT_NULL);
}

static void __attribute__((noreturn))
sleeper(void)
{
    mach_port_t self = mach_task_self();
    mach_msg_header_t h;
    mach_msg_return_t mr;
    kern_return_t kr;

    tap_plan(5);
    kr = mach_port_allocate_name(self, MACH_PORT_RIGHT_RECEIVE, NAME_A);
    kr |= mach_port_allocate_name(self, MACH_PORT_RIGHT_RECEIVE, NAME_B);
    kr |= mach_port_allocate_name(self, MACH_PORT_RIGHT_PORT_SET, NAME_SET);
    kr |= mach_port_move_member(self, NAME_A, NAME_SET);
    kr |= mach_port_move_member(self, NAME_B, NAME_SET);
    tap_ok(kr == KERN_SUCCESS, "ports A, B and the set S holding them (%d)", kr);
    mr = receive(NAME_SET, &h, 0);
    tap_ok(mr == MACH_MSG_SUCCESS && h.msgh_id == ID_TO_B && h.msgh_local_port == NAME_B,
           "the receive on S waits, then gets the message to B (%x, id %d, port %x)", mr,
           h.msgh_id, h.msgh_local_port);
    mr = receive(NAME_SET, &h, 0);
    tap_ok(mr == MACH_MSG_SUCCESS && h.msgh_id == ID_TO_A && h.msgh_local_port == NAME_A,
           "then the one to A (%x, id %d)", mr, h.msgh_id);
    mr = receive(NAME_SET, &h, 0);
    tap_ok(mr == MACH_MSG_SUCCESS && h.msgh_id == ID_DONE && h.msgh_local_port == NAME_A,
           "the waker's last message through A, after it took B out of S (%x, id %d)", mr,
           h.msgh_id);
    mr = receive(NAME_B, &h, 100);
    tap_ok(mr == MACH_MSG_SUCCESS && h.msgh_id == ID_LATE_B,
           "the message sent to B out of the set waited on B itself (%x, id %d)", mr, h.msgh_id);
    tap_done();
}

static void __attribute__((noreturn))
waker(mach_port_t sleeper_task)
{
    mach_port_t *members = NULL, a = MACH_PORT_NULL, b = MACH_PORT_NULL, me;
    mach_msg_type_number_t n = 0;
    mach_msg_type_name_t t;
    mach_msg_header_t h;
    kern_return_t kr;
    unsigned int tries = 0;

    tap_plan(6);
    do {
        kr = mach_port_get_set_status(sleeper_task, NAME_SET, &members, &n);
        if (kr != KERN_SUCCESS || n < 2) {
            swtch();
        }
    } while ((kr != KERN_SUCCESS || n < 2) && ++tries < 100000);
    tap_ok(kr == KERN_SUCCESS && n == 2 && members[0] == NAME_A && members[1] == NAME_B,
           "the sleeper's set holds A and B (%u tries)", tries);
    kr = mach_port_extract_right(sleeper_task, NAME_A, MACH_MSG_TYPE_MAKE_SEND, &a, &t);
    kr |= mach_port_extract_right(sleeper_task, NAME_B, MACH_MSG_TYPE_MAKE_SEND, &b, &t);
    tap_ok(kr == KERN_SUCCESS && MACH_PORT_VALID(a) && MACH_PORT_VALID(b),
           "send rights to A and B, taken out of the sleeper's space (%d)", kr);
    /* Let the sleeper block in its receive first: a short sleep of our own. */
    me = mach_reply_port();
    receive(me, &h, 50);
    tap_ok(send(b, ID_TO_B) == MACH_MSG_SUCCESS && send(a, ID_TO_A) == MACH_MSG_SUCCESS,
           "sent to B, then to A");
    receive(me, &h, 50);
    kr = mach_port_move_member(sleeper_task, NAME_B, MACH_PORT_NULL);
    tap_ok(kr == KERN_SUCCESS, "B taken out of the sleeper's set (%d)", kr);
    tap_ok(send(b, ID_LATE_B) == MACH_MSG_SUCCESS, "sent to B again");
    tap_ok(send(a, ID_DONE) == MACH_MSG_SUCCESS, "and the last one through A");
    mach_port_destroy(mach_task_self(), me);
    tap_done();
}

int
main(int argc, char **argv)
{
    if (strcmp(u_progname, "waker") == 0) {
        waker(argc > 1 ? u_parse_uint(argv[1]) : MACH_PORT_NULL);
    }
    sleeper();
}
