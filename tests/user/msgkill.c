/* SPDX-License-Identifier: GPL-2.0-or-later */
/*
 * A task terminated while its thread waits in mach_msg, with messages
 * queued on its port: one program in two roles chosen by its name.
 * Boot lines (the prey is not judged: it is killed):
 *     -prey $(prey-task=task-create) $(task-resume)
 *     hunter ${prey-task} $(task-create) $(task-resume)
 * The prey meets the hunter as in tests/user/pingpong.c (a send right
 * at the agreed name 1000, a hello carrying MAKE_SEND of its port Q),
 * then waits forever in a receive on another, empty port. The hunter
 * fills Q's queue with five messages that each carry a right, then
 * terminates the prey: its wait ends, its space goes with Q, the queued
 * messages and their rights are destroyed, and the hunter's send right
 * to Q turns into a dead name. The port leak check of the boot line
 * shows that nothing was left behind.
 */
#include <mach/message.h>

#include "lib/ulib.h"
#include "lib/mach_traps.h"

#define HUNTER_NAME     1000

static void
prey(void)
{
    mach_port_t q = mach_reply_port(), r = mach_reply_port();
    mach_msg_header_t h;
    mach_msg_return_t mr;

    tap_plan(1);
    do {
        h.msgh_bits = MACH_MSGH_BITS(MACH_MSG_TYPE_COPY_SEND, MACH_MSG_TYPE_MAKE_SEND);
        h.msgh_remote_port = HUNTER_NAME;
        h.msgh_local_port = q;
        h.msgh_id = 1;
        mr = mach_msg_trap(&h, MACH_SEND_MSG, sizeof(h), 0, 0, 0, 0);
        if (mr == MACH_SEND_INVALID_DEST) {
            swtch();
        }
    } while (mr == MACH_SEND_INVALID_DEST);
    mr = mach_msg_trap(&h, MACH_RCV_MSG, 0, sizeof(h), r, 0, 0);
    tap_ok(false, "the wait in receive should never end: 0x%x", mr);
}

static void
hunter(mach_port_t prey_task)
{
    mach_port_t p = mach_reply_port(), q, self = mach_task_self();
    struct {
        mach_msg_header_t h;
        natural_t type;
        natural_t name;
    } m;
    mach_msg_return_t mr = MACH_MSG_SUCCESS;
    unsigned int i;

    tap_plan(4);
    syscall_mach_port_insert_right(prey_task, HUNTER_NAME, p, MACH_MSG_TYPE_MAKE_SEND);
    mr = mach_msg_trap((mach_msg_header_t *)&m, MACH_RCV_MSG, 0, sizeof(m), p, 0, 0);
    q = m.h.msgh_remote_port;
    tap_ok(mr == MACH_MSG_SUCCESS && q != 0, "the prey's hello brings a send right to Q (%u)", q);
    for (i = 0; i < 5; i++) {
        m.h.msgh_bits = MACH_MSGH_BITS_COMPLEX | MACH_MSGH_BITS(MACH_MSG_TYPE_COPY_SEND, 0);
        m.h.msgh_remote_port = q;
        m.h.msgh_local_port = 0;
        m.h.msgh_id = 2;
        m.type = MACH_MSGT(MACH_MSG_TYPE_MAKE_SEND, 32, 1, 1);
        m.name = p;
        mr |= mach_msg_trap((mach_msg_header_t *)&m, MACH_SEND_MSG | MACH_SEND_TIMEOUT, sizeof(m), 0, 0, 0, 0);
    }
    tap_ok(mr == MACH_MSG_SUCCESS, "five messages, each with a send right to P, fill Q");
    for (i = 0; i < 20; i++) {
        swtch();                        /* let the prey reach its receive */
    }
    tap_ok(syscall_task_terminate(prey_task) == KERN_SUCCESS, "the prey is terminated");
    m.h.msgh_bits = MACH_MSGH_BITS(MACH_MSG_TYPE_COPY_SEND, 0);
    m.h.msgh_remote_port = q;
    mr = mach_msg_trap((mach_msg_header_t *)&m, MACH_SEND_MSG | MACH_SEND_TIMEOUT, sizeof(m.h), 0, 0, 0, 0);
    tap_ok(mr == MACH_SEND_INVALID_DEST && syscall_mach_port_deallocate(self, q) == KERN_SUCCESS
           && syscall_mach_port_deallocate(self, p) == KERN_INVALID_RIGHT,
           "Q is a dead name now; the five send rights to P died with the messages");
}

int
main(int argc, char **argv, char **envp)
{
    (void)envp;
    if (strcmp(u_progname, "hunter") == 0) {
        hunter(argc > 1 ? u_parse_uint(argv[1]) : 0);
    } else {
        prey();
    }
    return 0;
}
