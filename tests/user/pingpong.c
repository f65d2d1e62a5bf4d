/* SPDX-License-Identifier: GPL-2.0-or-later */
/*
 * Two tasks exchanging messages through mach_msg_trap, one program in
 * two roles chosen by its name. Boot lines (the boot script gives ping a
 * send right to pong's task port, defined on the later line):
 *     ping ${pong-task} $(task-create) $(task-resume)
 *     pong $(pong-task=task-create) $(task-resume)
 * How the two meet: ping inserts a send right to its port P into pong's
 * space at the agreed name PING_NAME (mach_port_insert_right by trap);
 * pong, retrying while that name does not exist yet, sends a hello there
 * whose reply field carries MAKE_SEND of its own port Q. Then ping calls
 * pong ROUNDS times with send+receive (COPY_SEND to Q, MAKE_SEND_ONCE of
 * P for the reply), pong answers through the send-once right; then,
 * while pong sleeps in a receive timeout, ping fills pong's queue and
 * a sixth message blocks until pong drains it; a last message ends pong.
 * Ping also times BENCH_ROUNDS calls with rdtsc and prints a "# bench:"
 * line: guest instructions per round trip when QEMU runs with -icount
 * (doc/benchmarks.md).
 */
#include <mach/message.h>

#include "lib/ulib.h"
#include "lib/mach_traps.h"

#define PING_NAME       1000
#define ROUNDS          1000
#define BENCH_ROUNDS    2000
#define ID_HELLO        1
#define ID_CALL         2
#define ID_BURST        3
#define ID_END          4
#define INT32           MACH_MSGT(MACH_MSG_TYPE_INTEGER_32, 32, 1, 1)

struct msg {
    mach_msg_header_t h;
    natural_t type;
    natural_t value;
};

static mach_port_t self;

static mach_msg_return_t
msg_rpc(struct msg *m, mach_port_t rcv)
{
    return mach_msg_trap((mach_msg_header_t *)(m), MACH_SEND_MSG | MACH_RCV_MSG, sizeof(*m), sizeof(*m), rcv, 0, 0);
}

static void
head(struct msg *m, mach_msg_bits_t bits, mach_port_t remote, mach_port_t local, int id,
     natural_t value)
{
    m->h.msgh_bits = bits;
    m->h.msgh_size = sizeof(*m);
    m->h.msgh_remote_port = remote;
    m->h.msgh_local_port = local;
    m->h.msgh_seqno = 0;
    m->h.msgh_id = id;
    m->type = INT32;
    m->value = value;
}

static void
ping(mach_port_t pong_task)
{
    mach_port_t p = mach_reply_port(), q;
    struct msg m;
    mach_msg_return_t mr;
    unsigned int i, bad = 0;

    tap_plan(7);
    tap_ok(syscall_mach_port_insert_right(pong_task, PING_NAME, p, MACH_MSG_TYPE_MAKE_SEND)
           == KERN_SUCCESS, "a send right to P inserted in pong's space at %u", PING_NAME);
    mr = mach_msg_trap((mach_msg_header_t *)(&m), MACH_RCV_MSG, 0, sizeof(m), p, 0, 0);
    q = m.h.msgh_remote_port;
    tap_ok(mr == MACH_MSG_SUCCESS && m.h.msgh_id == ID_HELLO && q != 0
           && MACH_MSGH_BITS_REMOTE(m.h.msgh_bits) == MACH_MSG_TYPE_PORT_SEND,
           "pong's hello carries a send right to its port Q (name %u)", q);
    for (i = 0; i < ROUNDS; i++) {
        head(&m, MACH_MSGH_BITS(MACH_MSG_TYPE_COPY_SEND, MACH_MSG_TYPE_MAKE_SEND_ONCE), q, p,
             ID_CALL, i);
        mr = msg_rpc(&m, p);
        if (mr != MACH_MSG_SUCCESS || m.value != 2 * i + 1 || m.h.msgh_seqno != i + 1
            || m.h.msgh_local_port != p
            || m.h.msgh_bits != MACH_MSGH_BITS(0, MACH_MSG_TYPE_PORT_SEND_ONCE)) {
            if (bad++ == 0) {
                tap_diag("round %u: 0x%x value %u seqno %u", i, mr, m.value, m.h.msgh_seqno);
            }
        }
    }
    tap_ok(bad == 0, "%u calls answered through send-once rights, seqnos in order", ROUNDS);
    {
        unsigned long long start = u_rdtsc(), end;

        for (i = ROUNDS; i < ROUNDS + BENCH_ROUNDS; i++) {
            head(&m, MACH_MSGH_BITS(MACH_MSG_TYPE_COPY_SEND, MACH_MSG_TYPE_MAKE_SEND_ONCE), q,
                 p, ID_CALL, i);
            msg_rpc(&m, p);
        }
        end = u_rdtsc();
        tap_diag("bench: null RPC round trip between two tasks (32-byte messages, "
                 "send-once reply): %u TSC ticks (instructions under -icount)",
                 (unsigned int)((end - start) / BENCH_ROUNDS));
        start = u_rdtsc();
        for (i = 0; i < BENCH_ROUNDS; i++) {
            head(&m, MACH_MSGH_BITS(MACH_MSG_TYPE_COPY_SEND, MACH_MSG_TYPE_MAKE_SEND_ONCE),
                 self, p, 1999, 0);
            mach_msg_trap((mach_msg_header_t *)(&m), MACH_SEND_MSG | MACH_RCV_MSG, sizeof(m.h), sizeof(m), p, 0, 0);
        }
        end = u_rdtsc();
        tap_diag("bench: kernel RPC round trip to the task port (id 1999, which no "
                 "subsystem has: MIG_BAD_ID): %u TSC ticks",
                 (unsigned int)((end - start) / BENCH_ROUNDS));
    }
    mr = MACH_MSG_SUCCESS;
    for (i = 0; i < 5; i++) {
        head(&m, MACH_MSGH_BITS(MACH_MSG_TYPE_COPY_SEND, 0), q, 0, ID_BURST, i);
        mr |= mach_msg_trap((mach_msg_header_t *)(&m), MACH_SEND_MSG, sizeof(m), 0, 0, 0, 0);
    }
    head(&m, MACH_MSGH_BITS(MACH_MSG_TYPE_COPY_SEND, 0), q, 0, ID_BURST, 5);
    tap_ok(mr == MACH_MSG_SUCCESS
           && mach_msg_trap((mach_msg_header_t *)(&m), MACH_SEND_MSG | MACH_SEND_TIMEOUT, sizeof(m), 0, 0, 0, 0)
              == MACH_SEND_TIMED_OUT,
           "five messages fill Q's queue while pong sleeps: a sixth would block");
    head(&m, MACH_MSGH_BITS(MACH_MSG_TYPE_COPY_SEND, 0), q, 0, ID_BURST, 5);
    mr = mach_msg_trap((mach_msg_header_t *)(&m), MACH_SEND_MSG, sizeof(m), 0, 0, 0, 0);
    tap_ok(mr == MACH_MSG_SUCCESS, "without a timeout it waits for room, then goes");
    mr = mach_msg_trap((mach_msg_header_t *)(&m), MACH_RCV_MSG, 0, sizeof(m), p, 0, 0);
    tap_ok(mr == MACH_MSG_SUCCESS && m.value == 6, "pong saw all six (%u)", m.value);
    head(&m, MACH_MSGH_BITS(MACH_MSG_TYPE_MOVE_SEND, 0), q, 0, ID_END, 0);
    mr = mach_msg_trap((mach_msg_header_t *)(&m), MACH_SEND_MSG, sizeof(m), 0, 0, 0, 0);
    tap_ok(mr == MACH_MSG_SUCCESS && syscall_mach_port_deallocate(self, q) == KERN_SUCCESS
           && syscall_mach_port_deallocate(self, q) == KERN_INVALID_NAME,
           "MOVE_SEND took one uref; the timed-out message had given its right back: 2 -> 1 -> 0");
}

static void
pong(void)
{
    mach_port_t q = mach_reply_port();
    struct msg m;
    mach_msg_return_t mr;
    unsigned int i, tries = 0, bad = 0, burst = 0;

    tap_plan(5);
    do {
        head(&m, MACH_MSGH_BITS(MACH_MSG_TYPE_COPY_SEND, MACH_MSG_TYPE_MAKE_SEND), PING_NAME, q,
             ID_HELLO, 0);
        mr = mach_msg_trap((mach_msg_header_t *)(&m), MACH_SEND_MSG, sizeof(m), 0, 0, 0, 0);
        if (mr == MACH_SEND_INVALID_DEST) {
            swtch();
        }
    } while (mr == MACH_SEND_INVALID_DEST && ++tries < 100000);
    tap_ok(mr == MACH_MSG_SUCCESS, "hello sent to ping once its right arrived (%u tries)", tries);
    mr = mach_msg_trap((mach_msg_header_t *)(&m), MACH_RCV_MSG, 0, sizeof(m), q, 0, 0);
    for (i = 0; i < ROUNDS + BENCH_ROUNDS && mr == MACH_MSG_SUCCESS; i++) {
        if (m.h.msgh_id != ID_CALL || m.value != i || m.h.msgh_seqno != i
            || MACH_MSGH_BITS_REMOTE(m.h.msgh_bits) != MACH_MSG_TYPE_PORT_SEND_ONCE) {
            bad++;
        }
        head(&m, MACH_MSGH_BITS(MACH_MSG_TYPE_MOVE_SEND_ONCE, 0), m.h.msgh_remote_port, 0,
             ID_CALL + 100, 2 * m.value + 1);
        mr = mach_msg_trap((mach_msg_header_t *)(&m), MACH_SEND_MSG | (i + 1 < ROUNDS + BENCH_ROUNDS ? MACH_RCV_MSG : 0),
                           sizeof(m),
                           sizeof(m), q, 0, 0);
    }
    tap_ok(mr == MACH_MSG_SUCCESS && bad == 0, "%u calls served, each reply through its "
           "send-once right", i);
    /* Sleep 500 ms (a receive that times out) while ping fills the queue. */
    tap_ok(mach_msg_trap((mach_msg_header_t *)(&m), MACH_RCV_MSG | MACH_RCV_TIMEOUT, 0, sizeof(m), mach_reply_port(),
                         500, 0) == MACH_RCV_TIMED_OUT, "a 500 ms receive timeout on an empty port");
    for (i = 0; i < 6; i++) {
        mr = mach_msg_trap((mach_msg_header_t *)(&m), MACH_RCV_MSG, 0, sizeof(m), q, 0, 0);
        burst += mr == MACH_MSG_SUCCESS && m.h.msgh_id == ID_BURST && m.value == i;
    }
    head(&m, MACH_MSGH_BITS(MACH_MSG_TYPE_COPY_SEND, 0), PING_NAME, 0, ID_BURST, burst);
    mr = mach_msg_trap((mach_msg_header_t *)(&m), MACH_SEND_MSG, sizeof(m), 0, 0, 0, 0);
    tap_ok(mr == MACH_MSG_SUCCESS && burst == 6, "six burst messages received in order");
    mr = mach_msg_trap((mach_msg_header_t *)(&m), MACH_RCV_MSG, 0, sizeof(m), q, 0, 0);
    tap_ok(mr == MACH_MSG_SUCCESS && m.h.msgh_id == ID_END, "the end message");
}

int
main(int argc, char **argv, char **envp)
{
    (void)envp;
    self = mach_task_self();
    if (strcmp(u_progname, "ping") == 0) {
        ping(argc > 1 ? u_parse_uint(argv[1]) : 0);
    } else {
        pong();
    }
    return 0;
}
