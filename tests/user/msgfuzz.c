/* SPDX-License-Identifier: GPL-2.0-or-later */
/*
 * Random messages through mach_msg_trap: headers, bits, sizes, types,
 * names and out-of-line pointers (into the kernel, unmapped, real),
 * sent to the task's own ports and to its kernel port, with random
 * options and zero timeouts, each followed by a drain of the queue.
 * Every call must return (the kernel never panics or hangs), with a
 * code from the message ABI. Boot line:
 *     msgfuzz [ROUNDS [SEED [SINK-TASK]]] $(task-create) $(task-resume)
 * With a third argument, the random messages also go to another task:
 * to its kernel port and to a port of a task running this program as
 * "sink", which takes whatever arrives, with random receive sizes, until
 * an end message (or 3 s of silence):
 *     sink $(sink-task=task-create) $(task-resume)
 * The two meet as the pingpong tasks do (a send right to the fuzzer at
 * the agreed name 1000 in the sink, a hello carrying MAKE_SEND of the
 * sink's port).
 * The names the task can end up holding are bounded (rights it receives
 * are deallocated again), and at the end a fresh receive right still
 * works. Kernel-side accounting is checked by the host tests.
 */
#include <mach/message.h>
#include <mach/mig_errors.h>

#include "lib/ulib.h"
#include "lib/mach_traps.h"

#define ROUNDS          20000   /* default; argv[1] may say more, argv[2] the seed */
#define NR_PORTS        4
#define FUZZER_NAME     1000    /* the sink's name for the fuzzer's first port */
#define ID_HELLO        0x51ad
#define ID_END          0x5e1d

struct msg {
    mach_msg_header_t h;
    natural_t body[30];
};

static unsigned int rng_state = 12345;

static unsigned int
rng(void)
{
    rng_state ^= rng_state << 13;
    rng_state ^= rng_state >> 17;
    rng_state ^= rng_state << 5;
    return rng_state;
}

static mach_port_t ports[NR_PORTS], self;
static mach_port_t sink_task, sink_port;   /* the other task, with a sink */

static unsigned int
number(const char *s)
{
    unsigned int n = 0;

    while (*s >= '0' && *s <= '9') {
        n = n * 10 + (unsigned int)(*s++ - '0');
    }
    return n;
}
static vm_address_t data;

static natural_t
random_name(void)
{
    switch (rng() % 8) {
    case 0:
        return 0;
    case 1:
        return ~0u;
    case 2:
        return rng() % 64;
    case 3:
        /* With a sink, messages go to its task port: RPCs on ours would destroy our own names. */
        return sink_task != MACH_PORT_NULL ? sink_task : self;
    case 4:
        return sink_port != MACH_PORT_NULL ? sink_port : ports[rng() % NR_PORTS];
    default:
        return ports[rng() % NR_PORTS];
    }
}

static natural_t
random_pointer(void)
{
    switch (rng() % 5) {
    case 0:
        return 0xc0000000u + (rng() & 0xffff);
    case 1:
        return 0x70000000u;
    case 2:
        return rng();
    default:
        return data + (rng() % 8192);
    }
}

static natural_t
random_type(void)
{
    static const unsigned int names[] = { 0, 1, 2, 8, 9, 11, 12, 15, 16, 17, 18, 19, 20, 21, 22 };
    natural_t t = MACH_MSGT(names[rng() % 15], (rng() % 3 == 0) ? rng() % 256 : 32,
                            rng() % 4, rng() % 4 != 0);

    if (rng() % 16 == 0) {
        t |= MACH_MSGT_DEALLOCATE;
    }
    if (rng() % 32 == 0) {
        t = rng();
    }
    return t;
}

static bool
known_code(mach_msg_return_t mr)
{
    mach_msg_return_t base = mr & ~MACH_MSG_MASK;

    return mr == MACH_MSG_SUCCESS || (base >= 0x10000002 && base <= 0x10000010)
           || (base >= 0x10004002 && base <= 0x1000400c);
}

/* Receive everything queued on p; deallocate the rights the messages bring. */
static unsigned int
drain(mach_port_t p)
{
    struct msg m;
    unsigned int n = 0;

    while (n < 100 && mach_msg_trap((mach_msg_header_t *)&m, MACH_RCV_MSG | MACH_RCV_TIMEOUT, 0, sizeof(m), p, 0, 0)
           == MACH_MSG_SUCCESS) {
        if (m.h.msgh_remote_port != 0 && m.h.msgh_remote_port != ~0u) {
            syscall_mach_port_deallocate(self, m.h.msgh_remote_port);
        }
        n++;
    }
    return n;
}

/*
 * The sink: take every message that arrives on a port of its own, with
 * random receive sizes, until the end message or 3 s of silence; every
 * receive result must be a mach_msg code.
 */
static int
sink(void)
{
    mach_port_t q = mach_reply_port();
    struct msg m;
    mach_msg_return_t mr;
    unsigned int tries = 0, got = 0, unknown = 0;

    tap_plan(2);
    do {
        m.h.msgh_bits = MACH_MSGH_BITS(MACH_MSG_TYPE_COPY_SEND, MACH_MSG_TYPE_MAKE_SEND);
        m.h.msgh_remote_port = FUZZER_NAME;
        m.h.msgh_local_port = q;
        m.h.msgh_id = ID_HELLO;
        mr = mach_msg_trap(&m.h, MACH_SEND_MSG, sizeof(m.h), 0, 0, 0, 0);
        if (mr == MACH_SEND_INVALID_DEST) {
            swtch();
        }
    } while (mr == MACH_SEND_INVALID_DEST && ++tries < 100000);
    tap_ok(mr == MACH_MSG_SUCCESS, "hello sent to the fuzzer (%u tries)", tries);
    for (;;) {
        mr = mach_msg_trap(&m.h, MACH_RCV_MSG | MACH_RCV_TIMEOUT | (rng() % 2 ? MACH_RCV_LARGE : 0),
                           0, rng() % 2 ? sizeof(m) : rng() % 64, q, 3000, 0);
        if (mr == MACH_RCV_TIMED_OUT || mr == MACH_RCV_INVALID_NAME || mr == MACH_RCV_PORT_DIED
            || (mr == MACH_MSG_SUCCESS && m.h.msgh_id == ID_END)) {
            break;              /* silence, the end, or its port destroyed by an RPC */
        }
        unknown += !known_code(mr);
        if (mr == MACH_MSG_SUCCESS) {
            got++;
            if (m.h.msgh_remote_port != 0 && m.h.msgh_remote_port != ~0u) {
                syscall_mach_port_deallocate(self, m.h.msgh_remote_port);
            }
        }
    }
    tap_ok(unknown == 0 && got > 1, "%u random messages taken from another task, every result "
           "a mach_msg code (ended by %s)", got, mr == MACH_RCV_TIMED_OUT ? "silence" : "the end");
    return 0;
}

/* Meet the sink: give it a send right at FUZZER_NAME, take the one in its hello. */
static bool
meet_sink(void)
{
    struct msg m;

    if (syscall_mach_port_insert_right(sink_task, FUZZER_NAME, ports[0], MACH_MSG_TYPE_MAKE_SEND)
        != KERN_SUCCESS
        || mach_msg_trap(&m.h, MACH_RCV_MSG | MACH_RCV_TIMEOUT, 0, sizeof(m), ports[0], 5000, 0)
           != MACH_MSG_SUCCESS || m.h.msgh_id != ID_HELLO) {
        return false;
    }
    sink_port = m.h.msgh_remote_port;
    return true;
}

int
main(int argc, char **argv, char **envp)
{
    struct msg m;
    unsigned int i, j, unknown = 0, ok = 0, drained = 0, rounds = ROUNDS;
    mach_port_t fresh;
    mach_msg_return_t mr_end;

    (void)envp;
    if (argc > 1) {
        rounds = number(argv[1]);
    }
    if (argc > 2) {
        rng_state = number(argv[2]) | 1;
    }
    self = mach_task_self();
    if (strcmp(u_progname, "sink") == 0) {
        return sink();
    }
    sink_task = argc > 3 ? number(argv[3]) : MACH_PORT_NULL;
    tap_plan(sink_task != MACH_PORT_NULL ? 5 : 3);
    for (i = 0; i < NR_PORTS; i++) {
        ports[i] = mach_reply_port();
    }
    if (sink_task != MACH_PORT_NULL) {
        bool met = meet_sink();

        tap_ok(met, "the sink's port, from its hello (name %u)", sink_port);
    }
    syscall_vm_allocate(self, &data, 8192, 1);
    for (i = 0; i < rounds; i++) {
        unsigned int nw = rng() % 31, size = 24 + 4 * nw, option;
        mach_msg_return_t mr;

        m.h.msgh_bits = MACH_MSGH_BITS(16 + rng() % 7, rng() % 4 ? 0 : 16 + rng() % 7)
                        | (rng() % 2 ? MACH_MSGH_BITS_COMPLEX : 0);
        if (rng() % 16 == 0) {
            m.h.msgh_bits = rng();
        }
        m.h.msgh_remote_port = random_name();
        m.h.msgh_local_port = MACH_MSGH_BITS_LOCAL(m.h.msgh_bits) ? random_name() : 0;
        m.h.msgh_id = (int)((rng() % 4 == 0) ? 3200 + rng() % 30 : rng());
        if (m.h.msgh_remote_port == sink_port && sink_port != MACH_PORT_NULL) {
            /* Keep our one right to the sink: copy it, never move it away. */
            m.h.msgh_bits = (m.h.msgh_bits & ~MACH_MSGH_BITS_REMOTE_MASK) | MACH_MSG_TYPE_COPY_SEND;
        }
        if (m.h.msgh_remote_port == sink_task && sink_task != MACH_PORT_NULL) {
            /* The sink's task port: any id but the mach_port RPCs, which would destroy its port. */
            m.h.msgh_id = (int)(rng() | 0x10000);
        }
        for (j = 0; j < nw; j++) {
            switch (rng() % 4) {
            case 0:
                m.body[j] = random_type();
                break;
            case 1:
                m.body[j] = random_name();
                break;
            case 2:
                m.body[j] = random_pointer();
                break;
            default:
                m.body[j] = rng();
                break;
            }
        }
        if (rng() % 32 == 0) {
            size = rng() % 200;
        }
        option = MACH_SEND_MSG | MACH_SEND_TIMEOUT;
        if (rng() % 4 == 0) {
            option |= MACH_RCV_MSG | MACH_RCV_TIMEOUT | (rng() % 2 ? MACH_RCV_LARGE : 0);
        }
        mr = mach_msg_trap(rng() % 64 == 0 ? (void *)random_pointer() : &m, (int)option, size,
                           rng() % 2 ? sizeof(m) : rng() % 64, ports[rng() % NR_PORTS], 0, 0);
        unknown += !known_code(mr);
        ok += mr == MACH_MSG_SUCCESS;
        if (!known_code(mr) && unknown < 4) {
            tap_diag("round %u: unknown code 0x%x", i, mr);
        }
        for (j = 0; j < NR_PORTS; j++) {
            drained += drain(ports[j]);
        }
    }
    tap_ok(unknown == 0, "%u random messages: every result a mach_msg code (%u sent, %u "
           "received back)", rounds, ok, drained);
    fresh = mach_reply_port();
    m.h.msgh_bits = MACH_MSGH_BITS(MACH_MSG_TYPE_MAKE_SEND, 0);
    m.h.msgh_remote_port = fresh;
    m.h.msgh_local_port = 0;
    m.h.msgh_id = 7;
    tap_ok(fresh != 0 && mach_msg_trap((mach_msg_header_t *)&m, MACH_SEND_MSG | MACH_RCV_MSG, 24, sizeof(m), fresh, 0,
                                       0) == MACH_MSG_SUCCESS && m.h.msgh_id == 7,
           "afterwards a fresh port still works (name %u)", fresh);
    tap_ok(fresh < 4096, "the task holds a bounded number of names (the new one is %u)", fresh);
    if (sink_task != MACH_PORT_NULL) {
        m.h.msgh_bits = MACH_MSGH_BITS(MACH_MSG_TYPE_COPY_SEND, 0);
        m.h.msgh_remote_port = sink_port;
        m.h.msgh_local_port = 0;
        m.h.msgh_id = ID_END;
        mr_end = mach_msg_trap(&m.h, MACH_SEND_MSG | MACH_SEND_TIMEOUT, 24, 0, 0, 1000, 0);
        tap_ok(mr_end == MACH_MSG_SUCCESS || mr_end == MACH_SEND_INVALID_DEST,
               "the end message to the sink (%x)", mr_end);
    }
    return 0;
}
