/* SPDX-License-Identifier: GPL-2.0-or-later */
/*
 * mach_msg_trap from user mode, one task talking to itself with
 * hand-built messages (no MIG yet): send, receive, send+receive; the
 * header swap and sequence numbers; dispositions in header and body,
 * with user references counted afterwards (by deallocating them one at
 * a time: the mach_port_get_refs RPC comes with the kernel servers);
 * inline data; a full queue with and without timeout, send-once never
 * blocking; receive timeouts; MACH_RCV_TOO_LARGE with and without
 * MACH_RCV_LARGE; out-of-line memory of 0 bytes, 1 byte, across a page
 * boundary and 1 MiB moved, and an out-of-line port array; and the send errors for bad sizes, headers,
 * names, types and pointers; an RPC to a kernel port answered with
 * MIG_BAD_ID, and one missing its arguments with MIG_BAD_ARGUMENTS. Boot
 * line:
 *     msg $(task-create) $(task-resume)
 */
#include <mach/message.h>
#include <mach/mig_errors.h>

#include "lib/ulib.h"
#include "lib/mach_traps.h"

#define KERNEL_ADDR     ((void *)0xc0001000)
#define UNMAPPED_ADDR   ((void *)0x70000000)
#define NOT_A_NAME      0x7777
#define INT32           MACH_MSGT(MACH_MSG_TYPE_INTEGER_32, 32, 1, 1)
#define PORTS(disp, n)  MACH_MSGT(disp, 32, n, 1)

struct msg {
    mach_msg_header_t h;
    natural_t body[14];
};

static mach_port_t self;

/* A header in m: bits, remote, local, id; size is the send size. */
static void
head(struct msg *m, mach_msg_bits_t bits, mach_port_t remote, mach_port_t local, int id)
{
    memset(m, 0x5a, sizeof(*m));
    m->h.msgh_bits = bits;
    m->h.msgh_size = 0xdeadbeef;        /* ignored on send */
    m->h.msgh_remote_port = remote;
    m->h.msgh_local_port = local;
    m->h.msgh_seqno = 0xdeadbeef;
    m->h.msgh_id = id;
}

static mach_msg_return_t
msg_send(struct msg *m, unsigned int size, int option, unsigned int timeout)
{
    return mach_msg_trap((mach_msg_header_t *)m, MACH_SEND_MSG | option, size, 0, 0, timeout, 0);
}

static mach_msg_return_t
msg_receive(struct msg *m, mach_port_t port, unsigned int size, int option, unsigned int timeout)
{
    memset(m, 0xa5, sizeof(*m));
    return mach_msg_trap((mach_msg_header_t *)m, MACH_RCV_MSG | option, 0, size, port, timeout, 0);
}

/* Send references left under name, counted by deallocating them all. */
static unsigned int
send_urefs(mach_port_t name)
{
    unsigned int n = 0;

    while (n < 100 && syscall_mach_port_deallocate(self, name) == KERN_SUCCESS) {
        n++;
    }
    return n;
}

static void
test_basics(mach_port_t p)
{
    struct msg m;
    mach_msg_return_t mr;

    head(&m, MACH_MSGH_BITS(MACH_MSG_TYPE_MAKE_SEND, 0), p, 0, 100);
    mr = msg_send(&m, sizeof(m.h), 0, 0);
    tap_ok(mr == MACH_MSG_SUCCESS, "send a bare header with MAKE_SEND: 0x%x", mr);
    mr = msg_receive(&m, p, sizeof(m), 0, 0);
    tap_ok(mr == MACH_MSG_SUCCESS && m.h.msgh_bits == MACH_MSGH_BITS(0, MACH_MSG_TYPE_PORT_SEND)
           && m.h.msgh_size == 24 && m.h.msgh_remote_port == 0 && m.h.msgh_local_port == p
           && m.h.msgh_seqno == 0 && m.h.msgh_id == 100,
           "received: bits 0x%x size %u remote %u local %u seqno %u id %d", m.h.msgh_bits,
           m.h.msgh_size, m.h.msgh_remote_port, m.h.msgh_local_port, m.h.msgh_seqno,
           m.h.msgh_id);
    tap_ok(send_urefs(p) == 0, "the send right was consumed by the receive");

    /* Send and receive in one call, the reply right a send-once for p itself. */
    head(&m, MACH_MSGH_BITS(MACH_MSG_TYPE_MAKE_SEND, MACH_MSG_TYPE_MAKE_SEND_ONCE), p, p, 101);
    m.h.msgh_bits |= MACH_MSGH_BITS_COMPLEX;
    m.body[0] = INT32;
    m.body[1] = 42;
    m.body[2] = MACH_MSGT(MACH_MSG_TYPE_CHAR, 8, 5, 1);
    memcpy(&m.body[3], "hello", 5);
    mr = mach_msg_trap((mach_msg_header_t *)&m, MACH_SEND_MSG | MACH_RCV_MSG, sizeof(m.h) + 20, sizeof(m), p, 0, 0);
    tap_ok(mr == MACH_MSG_SUCCESS && m.h.msgh_seqno == 1 && m.h.msgh_size == 44
           && m.h.msgh_bits == MACH_MSGH_BITS(MACH_MSG_TYPE_PORT_SEND_ONCE,
                                              MACH_MSG_TYPE_PORT_SEND)
           && m.h.msgh_remote_port != 0 && m.h.msgh_remote_port != p,
           "send+receive: seqno %u, bits 0x%x (COMPLEX cleared: data only), reply %u",
           m.h.msgh_seqno, m.h.msgh_bits, m.h.msgh_remote_port);
    tap_ok(m.body[0] == INT32 && m.body[1] == 42 && memcmp(&m.body[3], "hello", 5) == 0,
           "inline data arrives intact");

    /* Reply through the send-once right. */
    head(&m, MACH_MSGH_BITS(MACH_MSG_TYPE_MOVE_SEND_ONCE, 0), m.h.msgh_remote_port, 0, 201);
    mr = mach_msg_trap((mach_msg_header_t *)&m, MACH_SEND_MSG | MACH_RCV_MSG, sizeof(m.h), sizeof(m), p, 0, 0);
    tap_ok(mr == MACH_MSG_SUCCESS
           && m.h.msgh_bits == MACH_MSGH_BITS(0, MACH_MSG_TYPE_PORT_SEND_ONCE)
           && m.h.msgh_local_port == p && m.h.msgh_seqno == 2 && m.h.msgh_id == 201,
           "the reply through MOVE_SEND_ONCE: bits 0x%x seqno %u", m.h.msgh_bits,
           m.h.msgh_seqno);
}

static void
test_rights(mach_port_t p)
{
    struct msg m;
    mach_port_t q = mach_reply_port();
    mach_msg_return_t mr;

    /* Three send rights on p's name, then COPY_SEND and MOVE_SEND. */
    syscall_mach_port_insert_right(self, p, p, MACH_MSG_TYPE_MAKE_SEND);
    syscall_mach_port_insert_right(self, p, p, MACH_MSG_TYPE_MAKE_SEND);
    syscall_mach_port_insert_right(self, p, p, MACH_MSG_TYPE_MAKE_SEND);
    head(&m, MACH_MSGH_BITS(MACH_MSG_TYPE_COPY_SEND, 0), p, 0, 1);
    mr = msg_send(&m, sizeof(m.h), 0, 0);
    head(&m, MACH_MSGH_BITS(MACH_MSG_TYPE_MOVE_SEND, 0), p, 0, 2);
    mr |= msg_send(&m, sizeof(m.h), 0, 0);
    tap_ok(mr == MACH_MSG_SUCCESS && send_urefs(p) == 2,
           "COPY_SEND keeps the uref, MOVE_SEND takes one: 3 -> 2");
    mr = msg_receive(&m, p, sizeof(m), 0, 0) | msg_receive(&m, p, sizeof(m), 0, 0);
    tap_ok(mr == MACH_MSG_SUCCESS && send_urefs(p) == 0,
           "receiving them leaves no send right behind");

    /* Rights in the body: a send right and a receive right. */
    head(&m, MACH_MSGH_BITS_COMPLEX | MACH_MSGH_BITS(MACH_MSG_TYPE_MAKE_SEND, 0), p, 0, 3);
    m.body[0] = PORTS(MACH_MSG_TYPE_MAKE_SEND, 2);
    m.body[1] = q;
    m.body[2] = MACH_PORT_NULL;
    m.body[3] = PORTS(MACH_MSG_TYPE_MOVE_RECEIVE, 1);
    m.body[4] = q;
    mr = msg_send(&m, sizeof(m.h) + 20, 0, 0);
    tap_ok(mr == MACH_MSG_SUCCESS && syscall_mach_port_deallocate(self, q) == KERN_INVALID_NAME,
           "MAKE_SEND and MOVE_RECEIVE of q in a body: q's name is gone");
    mr = msg_receive(&m, p, sizeof(m), 0, 0);
    tap_ok(mr == MACH_MSG_SUCCESS && (m.h.msgh_bits & MACH_MSGH_BITS_COMPLEX)
           && m.body[0] == PORTS(MACH_MSG_TYPE_PORT_SEND, 2) && m.body[2] == MACH_PORT_NULL
           && m.body[3] == PORTS(MACH_MSG_TYPE_PORT_RECEIVE, 1) && m.body[1] == m.body[4]
           && m.body[1] != 0,
           "received: PORT_SEND and PORT_RECEIVE under one new name %u", m.body[1]);
    q = m.body[1];
    tap_ok(send_urefs(q) == 1 && syscall_mach_port_deallocate(self, q) == KERN_INVALID_RIGHT,
           "that name holds one send uref and the receive right");

    /* The receive right works: a message to it arrives. */
    head(&m, MACH_MSGH_BITS(MACH_MSG_TYPE_MAKE_SEND, 0), q, 0, 4);
    mr = msg_send(&m, sizeof(m.h), 0, 0) | msg_receive(&m, q, sizeof(m), 0, 0);
    tap_ok(mr == MACH_MSG_SUCCESS && m.h.msgh_local_port == q && m.h.msgh_seqno == 0,
           "a message to the moved receive right arrives there");
}

static void
test_queue(mach_port_t p)
{
    struct msg m;
    mach_msg_return_t mr = MACH_MSG_SUCCESS;
    unsigned int i;

    for (i = 0; i < 5; i++) {
        head(&m, MACH_MSGH_BITS(MACH_MSG_TYPE_MAKE_SEND, 0), p, 0, (int)i);
        mr |= msg_send(&m, sizeof(m.h), MACH_SEND_TIMEOUT, 0);
    }
    tap_ok(mr == MACH_MSG_SUCCESS, "five messages fill the queue (qlimit 5)");
    head(&m, MACH_MSGH_BITS(MACH_MSG_TYPE_MAKE_SEND, MACH_MSG_TYPE_MAKE_SEND), p, p, 5);
    mr = msg_send(&m, sizeof(m.h), MACH_SEND_TIMEOUT, 0);
    tap_ok(mr == MACH_SEND_TIMED_OUT, "a sixth with timeout 0: SEND_TIMED_OUT (0x%x)", mr);
    tap_ok(m.h.msgh_remote_port == p && m.h.msgh_local_port == p
           && m.h.msgh_bits == MACH_MSGH_BITS(MACH_MSG_TYPE_PORT_SEND, MACH_MSG_TYPE_PORT_SEND)
           && send_urefs(p) == 2,
           "the message came back, its two send rights now the sender's (bits 0x%x)",
           m.h.msgh_bits);
    head(&m, MACH_MSGH_BITS(MACH_MSG_TYPE_MAKE_SEND, 0), p, 0, 6);
    mr = msg_send(&m, sizeof(m.h), MACH_SEND_TIMEOUT, 50);
    tap_ok(mr == MACH_SEND_TIMED_OUT, "with a 50 ms timeout: SEND_TIMED_OUT after waiting");
    send_urefs(p);
    head(&m, MACH_MSGH_BITS(MACH_MSG_TYPE_MAKE_SEND_ONCE, 0), p, 0, 7);
    mr = msg_send(&m, sizeof(m.h), MACH_SEND_TIMEOUT, 0);
    tap_ok(mr == MACH_MSG_SUCCESS, "a send-once right never blocks: the sixth is queued");
    for (i = 0; i < 6 && mr == MACH_MSG_SUCCESS; i++) {
        mr = msg_receive(&m, p, sizeof(m), MACH_RCV_TIMEOUT, 0);
        if (i < 5 && m.h.msgh_id != (int)i) {
            mr = 1;
        }
    }
    tap_ok(mr == MACH_MSG_SUCCESS && m.h.msgh_id == 7, "all six received in order");
    mr = msg_receive(&m, p, sizeof(m), MACH_RCV_TIMEOUT, 0);
    tap_ok(mr == MACH_RCV_TIMED_OUT, "an empty queue polled: RCV_TIMED_OUT (0x%x)", mr);
    mr = msg_receive(&m, p, sizeof(m), MACH_RCV_TIMEOUT, 30);
    tap_ok(mr == MACH_RCV_TIMED_OUT, "and after 30 ms: RCV_TIMED_OUT (0x%x)", mr);
}

static void
test_too_large(mach_port_t p)
{
    struct msg m;
    mach_msg_return_t mr;

    head(&m, MACH_MSGH_BITS(MACH_MSG_TYPE_MAKE_SEND, MACH_MSG_TYPE_MAKE_SEND_ONCE), p, p, 9);
    m.h.msgh_bits |= MACH_MSGH_BITS_COMPLEX;
    m.body[0] = PORTS(MACH_MSG_TYPE_MAKE_SEND, 1);
    m.body[1] = p;
    mr = msg_send(&m, 32, 0, 0);
    mr |= msg_receive(&m, p, 24, MACH_RCV_LARGE, 0);
    tap_ok(mr == MACH_RCV_TOO_LARGE && m.h.msgh_size == 32,
           "RCV_LARGE into 24 bytes: RCV_TOO_LARGE, the size (%u) written", m.h.msgh_size);
    mr = msg_receive(&m, p, 24, 0, 0);
    tap_ok(mr == MACH_RCV_TOO_LARGE && m.h.msgh_local_port == p && m.h.msgh_remote_port == 0
           && m.h.msgh_size == 32 && m.body[0] == 0xa5a5a5a5,
           "still queued; without RCV_LARGE: RCV_TOO_LARGE, the header alone");
    tap_ok(send_urefs(p) == 0, "the message is gone, its send right destroyed");
    mr = msg_receive(&m, p, sizeof(m), MACH_RCV_TIMEOUT, 0);
    tap_ok(mr == MACH_MSG_SUCCESS && m.h.msgh_id == 71 && m.h.msgh_size == 24
           && m.h.msgh_bits == MACH_MSGH_BITS(0, MACH_MSG_TYPE_PORT_SEND_ONCE)
           && m.h.msgh_local_port == p && m.h.msgh_remote_port == MACH_PORT_NULL,
           "its send-once reply right destroyed: a send-once notification (71) to p");
    tap_ok(msg_receive(&m, p, sizeof(m), MACH_RCV_TIMEOUT, 0) == MACH_RCV_TIMED_OUT,
           "and nothing else");
}


/* Send count bytes at data out of line (long form, deallocate as asked). */
static mach_msg_return_t
ool_send(mach_port_t p, const void *data, unsigned int count, bool dealloc, struct msg *m)
{
    head(m, MACH_MSGH_BITS_COMPLEX | MACH_MSGH_BITS(MACH_MSG_TYPE_MAKE_SEND, 0), p, 0, 50);
    m->body[0] = MACH_MSGT_LONGFORM | (dealloc ? MACH_MSGT_DEALLOCATE : 0);
    m->body[1] = MACH_MSG_TYPE_BYTE | (8u << 16);
    m->body[2] = count;
    m->body[3] = (natural_t)data;
    return msg_send(m, sizeof(m->h) + 16, 0, 0);
}

/* The same, then receive it. */
static mach_msg_return_t
ool_roundtrip(mach_port_t p, const void *data, unsigned int count, bool dealloc, struct msg *m)
{
    mach_msg_return_t mr = ool_send(p, data, count, dealloc, m);

    if (mr != MACH_MSG_SUCCESS) {
        return mr;
    }
    return msg_receive(m, p, sizeof(*m), 0, 0);
}

static void
test_ool(mach_port_t p)
{
    struct msg m;
    vm_address_t buf = 0, big = 0, got;
    mach_msg_return_t mr;
    unsigned int i;
    bool same = true;

    syscall_vm_allocate(self, &buf, 3 * 4096, 1);
    for (i = 0; i < 3 * 4096; i++) {
        ((unsigned char *)buf)[i] = (unsigned char)(i * 13);
    }
    mr = ool_roundtrip(p, 0, 0, false, &m);
    tap_ok(mr == MACH_MSG_SUCCESS && m.body[3] == 0 && (m.body[0] & MACH_MSGT_DEALLOCATE)
           && (m.h.msgh_bits & MACH_MSGH_BITS_COMPLEX),
           "0 bytes out of line: address 0, deallocate set, still complex");
    mr = ool_roundtrip(p, (void *)(buf + 7), 1, false, &m);
    got = m.body[3];
    tap_ok(mr == MACH_MSG_SUCCESS && got != 0 && got != buf + 7 && got % 4096 == 7
           && *(unsigned char *)got == (unsigned char)(7 * 13)
           && (m.body[0] & MACH_MSGT_DEALLOCATE),
           "1 byte: at a new address (0x%x, same in-page offset), deallocate set", got);
    tap_ok(syscall_vm_deallocate(self, got, 1) == KERN_SUCCESS, "the receiver can deallocate it");
    mr = ool_roundtrip(p, (void *)(buf + 4000), 200, false, &m);
    got = m.body[3];
    for (i = 0; i < 200 && mr == MACH_MSG_SUCCESS; i++) {
        same &= ((unsigned char *)got)[i] == (unsigned char)((4000 + i) * 13);
    }
    tap_ok(mr == MACH_MSG_SUCCESS && same, "200 bytes across a page boundary arrive intact");
    syscall_vm_deallocate(self, got, 200);

    syscall_vm_allocate(self, &big, 1 << 20, 1);
    for (i = 0; i < (1 << 20); i += 4096) {
        ((unsigned int *)big)[i / 4] = i;
    }
    mr = ool_send(p, (void *)big, 1 << 20, true, &m);
    tap_ok(mr == MACH_MSG_SUCCESS && syscall_vm_allocate(self, &big, 1 << 20, 0) == KERN_SUCCESS
           && syscall_vm_deallocate(self, big, 1 << 20) == KERN_SUCCESS,
           "1 MiB sent with deallocate: the sender's range is free again (0x%x)", big);
    mr = msg_receive(&m, p, sizeof(m), 0, 0);
    got = m.body[3];
    same = mr == MACH_MSG_SUCCESS;
    for (i = 0; i < (1 << 20) && same; i += 4096) {
        same &= ((unsigned int *)got)[i / 4] == i;
    }
    tap_ok(same, "and it arrives intact (at 0x%x)", got);
    syscall_vm_deallocate(self, got, 1 << 20);

    head(&m, MACH_MSGH_BITS_COMPLEX | MACH_MSGH_BITS(MACH_MSG_TYPE_MAKE_SEND, 0), p, 0, 51);
    m.body[0] = MACH_MSGT(MACH_MSG_TYPE_BYTE, 8, 16, 0);
    m.body[1] = (natural_t)KERNEL_ADDR;
    tap_ok(msg_send(&m, sizeof(m.h) + 8, 0, 0) == MACH_SEND_INVALID_MEMORY,
           "out-of-line data at a kernel address: SEND_INVALID_MEMORY");
    m.body[1] = (natural_t)UNMAPPED_ADDR;
    tap_ok(msg_send(&m, sizeof(m.h) + 8, 0, 0) == MACH_SEND_INVALID_MEMORY,
           "at an unmapped address: SEND_INVALID_MEMORY");
    m.body[0] = MACH_MSGT(MACH_MSG_TYPE_MAKE_SEND, 32, 3, 0);
    m.body[1] = buf;
    ((natural_t *)buf)[0] = p;
    ((natural_t *)buf)[1] = MACH_PORT_NULL;
    ((natural_t *)buf)[2] = p;
    mr = msg_send(&m, sizeof(m.h) + 8, 0, 0);
    mr |= msg_receive(&m, p, sizeof(m), 0, 0);
    got = m.body[1];
    tap_ok(mr == MACH_MSG_SUCCESS && got != 0 && got != buf
           && m.body[0] == (MACH_MSGT(MACH_MSG_TYPE_PORT_SEND, 32, 3, 0) | MACH_MSGT_DEALLOCATE)
           && ((natural_t *)got)[0] == p && ((natural_t *)got)[1] == 0
           && ((natural_t *)got)[2] == p && send_urefs(p) == 2,
           "an out-of-line array of MAKE_SEND, NULL, MAKE_SEND: received as names at 0x%x", got);
    head(&m, MACH_MSGH_BITS_COMPLEX | MACH_MSGH_BITS(MACH_MSG_TYPE_MAKE_SEND, 0), p, 0, 52);
    m.body[0] = MACH_MSGT(MACH_MSG_TYPE_MAKE_SEND, 32, 2, 0);
    m.body[1] = (natural_t)UNMAPPED_ADDR;
    tap_ok(msg_send(&m, sizeof(m.h) + 8, 0, 0) == MACH_SEND_INVALID_MEMORY,
           "an out-of-line port array at an unmapped address: SEND_INVALID_MEMORY");
    syscall_vm_deallocate(self, got, 12);
    syscall_vm_deallocate(self, buf, 3 * 4096);
}

static void
test_errors(mach_port_t p)
{
    struct msg m;

    head(&m, MACH_MSGH_BITS(MACH_MSG_TYPE_MAKE_SEND, 0), p, 0, 1);
    tap_ok(msg_send(&m, 20, 0, 0) == MACH_SEND_MSG_TOO_SMALL
           && msg_send(&m, 26, 0, 0) == MACH_SEND_MSG_TOO_SMALL,
           "send sizes 20 and 26: SEND_MSG_TOO_SMALL");
    tap_ok(msg_send(&m, 2 * 1024 * 1024, 0, 0) == MACH_SEND_NO_BUFFER,
           "a 2 MiB message: SEND_NO_BUFFER");
    tap_ok(mach_msg_trap(KERNEL_ADDR, MACH_SEND_MSG, 24, 0, 0, 0, 0) == MACH_SEND_INVALID_DATA
           && mach_msg_trap(UNMAPPED_ADDR, MACH_SEND_MSG, 24, 0, 0, 0, 0)
              == MACH_SEND_INVALID_DATA,
           "a kernel or unmapped message pointer: SEND_INVALID_DATA");
    head(&m, 0, p, 0, 1);
    tap_ok(msg_send(&m, 24, 0, 0) == MACH_SEND_INVALID_HEADER,
           "no destination disposition: SEND_INVALID_HEADER");
    head(&m, MACH_MSGH_BITS(MACH_MSG_TYPE_COPY_SEND, 0), NOT_A_NAME, 0, 1);
    tap_ok(msg_send(&m, 24, 0, 0) == MACH_SEND_INVALID_DEST,
           "an unknown destination name: SEND_INVALID_DEST");
    head(&m, MACH_MSGH_BITS(MACH_MSG_TYPE_COPY_SEND, 0), p, 0, 1);
    tap_ok(msg_send(&m, 24, 0, 0) == MACH_SEND_INVALID_DEST,
           "COPY_SEND from a receive right alone: SEND_INVALID_DEST");
    head(&m, MACH_MSGH_BITS(MACH_MSG_TYPE_MAKE_SEND, MACH_MSG_TYPE_COPY_SEND), p, NOT_A_NAME, 1);
    tap_ok(msg_send(&m, 24, 0, 0) == MACH_SEND_INVALID_REPLY,
           "an unknown reply name: SEND_INVALID_REPLY");
    head(&m, MACH_MSGH_BITS_COMPLEX | MACH_MSGH_BITS(MACH_MSG_TYPE_MAKE_SEND, 0), p, 0, 1);
    m.body[0] = MACH_MSGT(MACH_MSG_TYPE_COPY_SEND, 16, 1, 1);
    tap_ok(msg_send(&m, 32, 0, 0) == MACH_SEND_INVALID_TYPE,
           "a 16-bit port: SEND_INVALID_TYPE");
    m.body[0] = PORTS(MACH_MSG_TYPE_COPY_SEND, 1);
    m.body[1] = NOT_A_NAME;
    tap_ok(msg_send(&m, 32, 0, 0) == MACH_SEND_INVALID_RIGHT,
           "an unknown name in the body: SEND_INVALID_RIGHT");
    m.body[0] = PORTS(MACH_MSG_TYPE_COPY_SEND, 2);
    tap_ok(msg_send(&m, 32, 0, 0) == MACH_SEND_MSG_TOO_SMALL,
           "a body shorter than its descriptor: SEND_MSG_TOO_SMALL");
    tap_ok(msg_receive(&m, NOT_A_NAME, sizeof(m), 0, 0) == MACH_RCV_INVALID_NAME
           && msg_receive(&m, self, sizeof(m), 0, 0) == MACH_RCV_INVALID_NAME,
           "receive on an unknown name or a send right: RCV_INVALID_NAME");
    head(&m, MACH_MSGH_BITS(MACH_MSG_TYPE_MAKE_SEND, 0), p, 0, 1);
    tap_ok(msg_send(&m, 24, 0, 0) == MACH_MSG_SUCCESS
           && mach_msg_trap(KERNEL_ADDR, MACH_RCV_MSG, 0, 64, p, 0, 0) == MACH_RCV_INVALID_DATA
           && msg_receive(&m, p, sizeof(m), MACH_RCV_TIMEOUT, 0) == MACH_RCV_TIMED_OUT,
           "receiving into a kernel address: RCV_INVALID_DATA, the message lost");
    head(&m, MACH_MSGH_BITS(MACH_MSG_TYPE_COPY_SEND, MACH_MSG_TYPE_MAKE_SEND_ONCE), self, p,
         1999);
    tap_ok(mach_msg_trap((mach_msg_header_t *)&m, MACH_SEND_MSG | MACH_RCV_MSG, 24, sizeof(m), p, 0, 0)
           == MACH_MSG_SUCCESS && m.h.msgh_id == 2099 && m.h.msgh_size == 32
           && m.body[0] == 0x10012002 && (int)m.body[1] == MIG_BAD_ID
           && m.h.msgh_bits == MACH_MSGH_BITS(0, MACH_MSG_TYPE_PORT_SEND_ONCE),
           "an RPC with an id no subsystem has to the task's kernel port: reply 2099, MIG_BAD_ID");
    head(&m, MACH_MSGH_BITS(MACH_MSG_TYPE_COPY_SEND, MACH_MSG_TYPE_MAKE_SEND_ONCE), self, p,
         3206);
    tap_ok(mach_msg_trap((mach_msg_header_t *)&m, MACH_SEND_MSG | MACH_RCV_MSG, 24, sizeof(m), p, 0, 0)
           == MACH_MSG_SUCCESS && m.h.msgh_id == 3306 && m.h.msgh_size == 32
           && (int)m.body[1] == MIG_BAD_ARGUMENTS,
           "mach_port_deallocate (3206) without its arguments: reply 3306, MIG_BAD_ARGUMENTS");
    tap_ok(send_urefs(p) == 0, "no stray send right was left on p by any of them");
}

int
main(int argc, char **argv, char **envp)
{
    mach_port_t p;

    (void)argc;
    (void)argv;
    (void)envp;
    tap_plan(51);
    self = mach_task_self();
    p = mach_reply_port();
    tap_ok(p != 0, "a receive right: %u", p);
    test_basics(p);
    test_rights(p);
    test_queue(p);
    test_too_large(p);
    test_ool(p);
    test_errors(p);
    return 0;
}
