/* SPDX-License-Identifier: GPL-2.0-or-later */
/*
 * Interrupted receives, between two tasks: one program in two roles
 * chosen by its name. Boot lines:
 *     sleeper $(sleeper-task=task-create) $(task-resume)
 *     interrupter ${sleeper-task} $(task-create) $(task-resume)
 * The sleeper makes a port (name 0x100) and waits in a receive on it,
 * with no timeout, again and again. The interrupter finds its thread
 * (task_threads), lets it block, then thread_abort ends the wait:
 * MACH_RCV_INTERRUPTED; task_suspend while it waits again ends it too,
 * and the sleeper sees MACH_RCV_INTERRUPTED once task_resume lets it
 * run; last, a message sent to the port (a send right taken out of the
 * sleeper's space) ends the third wait normally.
 */
#include <mach/message.h>

#include "mach.h"
#include "mach_port.h"
#include "lib/ulib.h"
#include "lib/mach_traps.h"

#define NAME_PORT       0x100
#define ID_WAKE         7

/* Sleep ms milliseconds: a receive that times out on a port of our own. */
static void
nap(unsigned int ms)
{
    mach_port_t p = mach_reply_port();
    mach_msg_header_t h;

    mach_msg(&h, MACH_RCV_MSG | MACH_RCV_TIMEOUT, 0, sizeof(h), p, ms, MACH_PORT_NULL);
    mach_port_destroy(mach_task_self(), p);
}

static void __attribute__((noreturn))
sleeper(void)
{
    mach_msg_header_t h;
    mach_msg_return_t mr;
    kern_return_t kr;

    tap_plan(4);
    kr = mach_port_allocate_name(mach_task_self(), MACH_PORT_RIGHT_RECEIVE, NAME_PORT);
    tap_ok(kr == KERN_SUCCESS, "a port at 0x100 (%d)", kr);
    mr = mach_msg(&h, MACH_RCV_MSG, 0, sizeof(h), NAME_PORT, 0, MACH_PORT_NULL);
    tap_ok(mr == MACH_RCV_INTERRUPTED, "thread_abort ends the receive: MACH_RCV_INTERRUPTED (%x)",
           mr);
    mr = mach_msg(&h, MACH_RCV_MSG, 0, sizeof(h), NAME_PORT, 0, MACH_PORT_NULL);
    tap_ok(mr == MACH_RCV_INTERRUPTED,
           "a suspension ends it too, seen after the resume: MACH_RCV_INTERRUPTED (%x)", mr);
    mr = mach_msg(&h, MACH_RCV_MSG, 0, sizeof(h), NAME_PORT, 0, MACH_PORT_NULL);
    tap_ok(mr == MACH_MSG_SUCCESS && h.msgh_id == ID_WAKE,
           "then a message ends the third wait (%x, id %d)", mr, h.msgh_id);
    tap_done();
}

static void __attribute__((noreturn))
interrupter(mach_port_t sleeper_task)
{
    thread_array_t threads = NULL;
    mach_msg_type_number_t n = 0;
    mach_msg_type_name_t t;
    mach_port_t port = MACH_PORT_NULL;
    mach_msg_header_t h;
    kern_return_t kr;
    unsigned int tries = 0;

    tap_plan(5);
    do {
        kr = mach_port_type(sleeper_task, NAME_PORT, &(mach_port_type_t){0});
        if (kr != KERN_SUCCESS) {
            swtch();
        }
    } while (kr != KERN_SUCCESS && ++tries < 100000);
    kr = task_threads(sleeper_task, &threads, &n);
    tap_ok(kr == KERN_SUCCESS && n == 1, "the sleeper's one thread (%d, %u threads)", kr, n);
    nap(50);
    kr = thread_abort(threads[0]);
    tap_ok(kr == KERN_SUCCESS, "thread_abort while it waits (%d)", kr);
    nap(50);
    kr = task_suspend(sleeper_task);
    nap(50);
    kr |= task_resume(sleeper_task);
    tap_ok(kr == KERN_SUCCESS, "task_suspend, then task_resume, while it waits (%d)", kr);
    nap(50);
    kr = mach_port_extract_right(sleeper_task, NAME_PORT, MACH_MSG_TYPE_MAKE_SEND, &port, &t);
    tap_ok(kr == KERN_SUCCESS, "a send right to its port (%d)", kr);
    h = (mach_msg_header_t){
        .msgh_bits = MACH_MSGH_BITS(MACH_MSG_TYPE_MOVE_SEND, 0),
        .msgh_size = sizeof(h),
        .msgh_remote_port = port,
        .msgh_id = ID_WAKE,
    };
    tap_ok(mach_msg(&h, MACH_SEND_MSG, sizeof(h), 0, MACH_PORT_NULL, 0, MACH_PORT_NULL)
           == MACH_MSG_SUCCESS, "the message that ends its third wait");
    mach_port_deallocate(mach_task_self(), threads[0]);
    tap_done();
}

int
main(int argc, char **argv)
{
    if (strcmp(u_progname, "interrupter") == 0) {
        interrupter(argc > 1 ? u_parse_uint(argv[1]) : MACH_PORT_NULL);
    }
    sleeper();
}
