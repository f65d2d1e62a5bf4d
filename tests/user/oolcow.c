/* SPDX-License-Identifier: GPL-2.0-or-later */
/*
 * Out-of-line memory between two tasks, checked byte for byte, one
 * program in two roles chosen by its name. Boot lines (the boot script
 * gives oolsend a send right to oolrecv's task port):
 *     oolsend ${recv-task} $(task-create) $(task-resume)
 *     oolrecv $(recv-task=task-create) $(task-resume)
 * How the two meet: as in pingpong.c, oolsend inserts a send right to its
 * port P into oolrecv's space at SEND_NAME; oolrecv sends two hellos
 * there, carrying send rights to its data port Q and its control port R.
 *
 * Each case: oolsend fills a buffer with a pattern, sends it out of line
 * to Q (copied or moved), and while the message sits queued writes
 * marks into its buffer (one byte every `stride` pages). Then it asks
 * oolrecv by an RPC on R to receive: oolrecv checks every byte of what
 * arrived against the pattern as it was at the send, writes marks of its
 * own, checks again, and answers. oolsend checks its buffer (its marks,
 * none of the receiver's), writes again, and asks oolrecv to check once
 * more: neither side ever sees the other's writes. Cases: 0 bytes,
 * 1 byte, 200 bytes across a page boundary, 3 pages (physical copy),
 * 64 KiB and 1 MiB copied and moved, 40,000 bytes at an unaligned
 * address (copy-on-write, whole pages), and 64 MiB copied and moved.
 * A moved buffer must have left the sender's map. At the end oolrecv
 * sends itself copied and moved messages that it never receives: its
 * port dies with them queued, and the kernel's end-of-run accounting
 * ("user-test: memory returned") finds every page back.
 *
 * With -icount, oolsend also prints "# bench:" lines: an RPC round trip
 * whose request carries 4 KiB or 1 MiB out of line (copied, and moved
 * from a freshly written buffer), the receiver deallocating what
 * arrived (user-oolcow-icount in tests/boot/bench-configs,
 * doc/benchmarks.md).
 */
#include <mach/message.h>

#include "lib/ulib.h"
#include "lib/mach_traps.h"

#define SEND_NAME       1000
#define PAGE            4096u
#define ID_HELLO_Q      1
#define ID_HELLO_R      2
#define ID_DATA         3
#define ID_RECEIVE      4
#define ID_CHECK        5
#define ID_DONE         6
#define ID_END          7
#define ID_BENCH        8
#define INT32           MACH_MSGT(MACH_MSG_TYPE_INTEGER_32, 32, 1, 1)
#define BENCH_ROUNDS    200

/* Requests on R and their replies: a header and up to five integers. */
struct ctl {
    mach_msg_header_t h;
    natural_t type;
    natural_t v[5];
};

/* An out-of-line message: a header and one long-form descriptor. */
struct ool {
    mach_msg_header_t h;
    natural_t desc[4];
};

static mach_port_t self;

static unsigned long long
rdtsc(void)
{
    unsigned int lo, hi;

    __asm__ volatile("rdtsc" : "=a"(lo), "=d"(hi));
    return (unsigned long long)hi << 32 | lo;
}

static unsigned int
parse_name(const char *s)
{
    unsigned int n = 0;

    while (s != NULL && *s >= '0' && *s <= '9') {
        n = n * 10 + (unsigned int)(*s++ - '0');
    }
    return n;
}

/* The pattern's word w of a buffer filled with key (its bytes little-endian). */
static inline unsigned int
pattern_word(unsigned int w, unsigned int key)
{
    return w * 0x9e3779b1u + key * 0x01010101u + (w >> 10);
}

/* The pattern's byte j of a buffer filled with key. */
static inline unsigned char
pattern(unsigned int j, unsigned int key)
{
    return (unsigned char)(pattern_word(j >> 2, key) >> ((j & 3) * 8));
}

/* Whether byte j carries a mark: one byte every stride pages. */
static inline bool
marked(unsigned int j, unsigned int stride)
{
    return j % (stride * PAGE) == 17;
}

/* Whether p and size allow word loops (large buffers are page-aligned). */
static inline bool
wordwise(const void *p, unsigned int size)
{
    return ((unsigned int)p | size) % 4 == 0;
}

static void
fill(unsigned char *p, unsigned int size, unsigned int key)
{
    if (wordwise(p, size)) {
        unsigned int *w = (unsigned int *)p;

        for (unsigned int i = 0; i < size / 4; i++) {
            w[i] = pattern_word(i, key);
        }
        return;
    }
    for (unsigned int j = 0; j < size; j++) {
        p[j] = pattern(j, key);
    }
}

/* Write mark into the marked bytes (the value: pattern ^ mark). */
static void
mark(unsigned char *p, unsigned int size, unsigned int key, unsigned int stride,
     unsigned char m)
{
    for (unsigned int j = 17; j < size; j += stride * PAGE) {
        p[j] = pattern(j, key) ^ m;
    }
}

/* Bytes of p[from, to) differing from the pattern with mark m (0: none) on the marked bytes. */
static unsigned int
check_bytes(const unsigned char *p, unsigned int from, unsigned int to, unsigned int key,
            unsigned int stride, unsigned char m)
{
    unsigned int bad = 0;

    for (unsigned int j = from; j < to; j++) {
        unsigned char want = pattern(j, key);

        if (marked(j, stride)) {
            want ^= m;
        }
        bad += p[j] != want;
    }
    return bad;
}

/* Bytes of p differing from the pattern with mark m on the marked bytes: every byte compared. */
static unsigned int
check(const unsigned char *p, unsigned int size, unsigned int key, unsigned int stride,
      unsigned char m)
{
    unsigned int bad = 0;

    if (!wordwise(p, size)) {
        return check_bytes(p, 0, size, key, stride, m);
    }
    for (unsigned int i = 0; i < size / 4; i++) {
        unsigned int want = pattern_word(i, key);

        if ((i * 4) % (stride * PAGE) == 16) {
            want ^= (unsigned int)m << 8;       /* byte 17 */
        }
        if (((const unsigned int *)p)[i] != want) {
            bad += check_bytes(p, i * 4, i * 4 + 4, key, stride, m);
        }
    }
    return bad;
}

static void
ctl_head(struct ctl *c, mach_msg_bits_t bits, mach_port_t remote, mach_port_t local, int id)
{
    memset(c, 0, sizeof(*c));
    c->h.msgh_bits = bits;
    c->h.msgh_size = sizeof(*c);
    c->h.msgh_remote_port = remote;
    c->h.msgh_local_port = local;
    c->h.msgh_id = id;
    c->type = MACH_MSGT(MACH_MSG_TYPE_INTEGER_32, 32, 5, 1);
}

static mach_msg_return_t
ool_send_disp(mach_port_t to, mach_msg_type_name_t disp, vm_address_t data, unsigned int count,
              bool dealloc)
{
    struct ool m;

    m.h.msgh_bits = MACH_MSGH_BITS_COMPLEX | MACH_MSGH_BITS(disp, 0);
    m.h.msgh_size = sizeof(m);
    m.h.msgh_remote_port = to;
    m.h.msgh_local_port = 0;
    m.h.msgh_seqno = 0;
    m.h.msgh_id = ID_DATA;
    m.desc[0] = MACH_MSGT_LONGFORM | (dealloc ? MACH_MSGT_DEALLOCATE : 0);
    m.desc[1] = MACH_MSG_TYPE_BYTE | (8u << 16);
    m.desc[2] = count;
    m.desc[3] = (natural_t)data;
    return mach_msg_trap(&m.h, MACH_SEND_MSG, sizeof(m), 0, 0, 0, 0);
}

/* Send count bytes at data out of line to a send right. */
static mach_msg_return_t
ool_send(mach_port_t to, vm_address_t data, unsigned int count, bool dealloc)
{
    return ool_send_disp(to, MACH_MSG_TYPE_COPY_SEND, data, count, dealloc);
}

/* A case as oolsend runs it. */
struct ool_case {
    const char *name;
    unsigned int size;          /* bytes sent */
    unsigned int offset;        /* of the data in its first page */
    bool move;
    unsigned int stride;        /* pages between marks */
};

static const struct ool_case cases[] = {
    { "1 byte", 1, 7, false, 1 },
    { "200 bytes across a page boundary", 200, 4000, false, 1 },
    { "3 pages (a physical copy)", 3 * PAGE, 0, false, 1 },
    { "3 pages moved", 3 * PAGE, 0, true, 1 },
    { "64 KiB copied", 64 * 1024, 0, false, 1 },
    { "64 KiB moved", 64 * 1024, 0, true, 1 },
    { "40,000 bytes at offset 100 copied", 40000, 100, false, 1 },
    { "40,000 bytes at offset 100 moved", 40000, 100, true, 1 },
    { "5,000 bytes at offset 100 moved (a physical copy)", 5000, 100, true, 1 },
    { "1 MiB copied", 1u << 20, 0, false, 1 },
    { "1 MiB moved", 1u << 20, 0, true, 1 },
    { "64 MiB copied", 64u << 20, 0, false, 64 },
    { "64 MiB moved", 64u << 20, 0, true, 64 },
};

/* Send a control request on r and wait for the reply on p. */
static mach_msg_return_t
ctl_call(struct ctl *c, mach_port_t r, mach_port_t p, int id, natural_t v0, natural_t v1,
         natural_t v2)
{
    ctl_head(c, MACH_MSGH_BITS(MACH_MSG_TYPE_COPY_SEND, MACH_MSG_TYPE_MAKE_SEND_ONCE), r, p,
             id);
    c->v[0] = v0;
    c->v[1] = v1;
    c->v[2] = v2;
    return mach_msg_trap(&c->h, MACH_SEND_MSG | MACH_RCV_MSG, sizeof(*c), sizeof(*c), p, 0, 0);
}

static void
send_case(const struct ool_case *t, unsigned int key, mach_port_t p, mach_port_t q,
          mach_port_t r)
{
    vm_address_t buf = 0, pages = ((t->offset + t->size + PAGE - 1) / PAGE) * PAGE, again, got;
    unsigned char *data;
    struct ctl c;
    mach_msg_return_t mr;
    unsigned int bad_send, bad_mine = 0, bad_recv, bad_recv2 = 0;
    bool gone = true;

    if (syscall_vm_allocate(self, &buf, pages, 1) != KERN_SUCCESS) {
        tap_ok(false, "%s: vm_allocate of %u bytes", t->name, (unsigned int)pages);
        return;
    }
    data = (unsigned char *)buf + t->offset;
    fill(data, t->size, key);
    mr = ool_send(q, (vm_address_t)data, t->size, t->move);
    if (!t->move) {
        mark(data, t->size, key, t->stride, 0x5a);      /* while the message is queued */
    }
    mr |= ctl_call(&c, r, p, ID_RECEIVE, t->size, key, t->stride);
    bad_send = c.v[0];
    got = c.v[2];
    bad_recv = c.v[3];
    if (t->move) {
        /* The range left our map: the same addresses can be allocated again. */
        again = buf;
        gone = syscall_vm_allocate(self, &again, pages, 0) == KERN_SUCCESS && again == buf;
        data = (unsigned char *)buf + t->offset;
        fill(data, t->size, key + 1);
        bad_mine = check(data, t->size, key + 1, t->stride, 0);
    } else {
        bad_mine = check(data, t->size, key, t->stride, 0x5a);
        mark(data, t->size, key, t->stride, 0x33);      /* after the receive */
    }
    mr |= ctl_call(&c, r, p, ID_CHECK, t->size, key, t->stride);
    bad_recv2 = c.v[0];
    if (!t->move) {
        bad_mine += check(data, t->size, key, t->stride, 0x33);
    }
    tap_ok(mr == MACH_MSG_SUCCESS && bad_send == 0 && bad_recv == 0 && bad_recv2 == 0
           && bad_mine == 0 && gone && got % PAGE == t->offset,
           "%s: at 0x%x the receiver saw the send-time bytes (%u wrong), its own writes (%u "
           "wrong) and none of ours after the receive (%u wrong); ours intact (%u wrong)%s; 0x%x",
           t->name, (unsigned int)got, bad_send, bad_recv, bad_recv2, bad_mine,
           t->move ? (gone ? ", the range left our map" : ", the range still MAPPED") : "", mr);
    syscall_vm_deallocate(self, buf, pages);
}

/* oolrecv's side of a case: receive on q, check, mark, check; answer on reply. */
static void
recv_case(struct ctl *c, mach_port_t q, vm_address_t *gotp, unsigned int *sizep)
{
    struct ool m;
    unsigned int size = c->v[0], key = c->v[1], stride = c->v[2];
    mach_msg_return_t mr;
    vm_address_t got;
    unsigned int bad_send = 0, bad_recv = 0;

    mr = mach_msg_trap(&m.h, MACH_RCV_MSG, 0, sizeof(m), q, 0, 0);
    got = m.desc[3];
    /* Address 0 is a valid place for it: the map is free from 0 up. */
    if (mr != MACH_MSG_SUCCESS || m.desc[2] != size || !(m.desc[0] & MACH_MSGT_DEALLOCATE)) {
        bad_send = bad_recv = ~0u;
    } else {
        bad_send = check((const unsigned char *)got, size, key, stride, 0);
        mark((unsigned char *)got, size, key, stride, 0xa5);
        bad_recv = check((const unsigned char *)got, size, key, stride, 0xa5);
    }
    *gotp = got;
    *sizep = size;
    c->v[0] = bad_send;
    c->v[2] = got;
    c->v[3] = bad_recv;
}

/*
 * RPC round trips whose request carries size bytes out of line (copied,
 * or moved from a buffer written just before): oolrecv serves them on
 * Q, deallocating what arrives, and answers through the send-once reply
 * right. The sender writes one byte of every page before each call,
 * outside the count (a copy-on-write fault after a copied send).
 */
static void
bench_one(mach_port_t p, mach_port_t q, mach_port_t r, unsigned int size, bool move,
          mach_port_t right)
{
    unsigned long long total = 0, all = 0, t0, a0;
    vm_address_t buf = 0;
    struct ctl c;
    struct ool m;
    mach_msg_return_t mr;
    unsigned int bad = 0;

    /* The request goes first; its reply comes once the rounds are over. */
    ctl_head(&c, MACH_MSGH_BITS(MACH_MSG_TYPE_COPY_SEND, MACH_MSG_TYPE_MAKE_SEND_ONCE), r, p,
             ID_BENCH);
    c.v[0] = BENCH_ROUNDS;
    mr = mach_msg_trap(&c.h, MACH_SEND_MSG, sizeof(c), 0, 0, 0, 0);
    if (size != 0 && !move) {
        syscall_vm_allocate(self, &buf, size, 1);
    }
    for (unsigned int k = 0; k < BENCH_ROUNDS; k++) {
        a0 = rdtsc();
        if (move) {
            buf = 0;
            syscall_vm_allocate(self, &buf, size, 1);
        }
        for (unsigned int j = 0; j < size; j += PAGE) {
            ((volatile unsigned char *)buf)[j] = (unsigned char)k;
        }
        m.h.msgh_bits = MACH_MSGH_BITS_COMPLEX
                        | MACH_MSGH_BITS(MACH_MSG_TYPE_COPY_SEND, MACH_MSG_TYPE_MAKE_SEND_ONCE);
        m.h.msgh_remote_port = q;
        m.h.msgh_local_port = p;
        m.h.msgh_id = ID_BENCH;
        m.desc[0] = MACH_MSGT_LONGFORM | (move ? MACH_MSGT_DEALLOCATE : 0);
        m.desc[1] = MACH_MSG_TYPE_BYTE | (8u << 16);
        m.desc[2] = size;
        m.desc[3] = (natural_t)buf;
        if (right != MACH_PORT_NULL) {
            /* Instead: one send right, inline (MAKE_SEND of a port of ours). */
            m.desc[0] = MACH_MSGT_LONGFORM | MACH_MSGT_INLINE;
            m.desc[1] = MACH_MSG_TYPE_MAKE_SEND | (32u << 16);
            m.desc[2] = 1;
            m.desc[3] = right;
        }
        t0 = rdtsc();
        mr |= mach_msg_trap(&m.h, MACH_SEND_MSG | MACH_RCV_MSG, sizeof(m), sizeof(m), p, 0, 0);
        total += rdtsc() - t0;
        all += rdtsc() - a0;
        bad += m.h.msgh_id != ID_BENCH + 100;
    }
    if (size != 0 && !move) {
        syscall_vm_deallocate(self, buf, size);
    }
    mr |= mach_msg_trap(&c.h, MACH_RCV_MSG, 0, sizeof(c), p, 0, 0);  /* the rounds' end */
    mr |= c.v[0];
    if (right != MACH_PORT_NULL) {
        tap_diag("bench: RPC round trip between two tasks with one send right (MAKE_SEND, "
                 "the receiver keeps it): %u TSC ticks (instructions under -icount)%s",
                 (unsigned int)(total / BENCH_ROUNDS),
                 (mr == MACH_MSG_SUCCESS && bad == 0) ? "" : " FAILED");
        return;
    }
    tap_diag("bench: RPC round trip between two tasks with %u KiB out of line, %s (the "
             "receiver deallocates it): %u TSC ticks (instructions under -icount); with the "
             "sender writing every page of it before%s: %u%s",
             size / 1024, move ? "moved" : "copied", (unsigned int)(total / BENCH_ROUNDS),
             move ? " (a new vm_allocate)" : "", (unsigned int)(all / BENCH_ROUNDS),
             (mr == MACH_MSG_SUCCESS && bad == 0) ? "" : " FAILED");
}

static void
bench(mach_port_t p, mach_port_t q, mach_port_t r)
{
    bench_one(p, q, r, 0, false, MACH_PORT_NULL);
    bench_one(p, q, r, 0, false, p);
    bench_one(p, q, r, PAGE, false, MACH_PORT_NULL);
    bench_one(p, q, r, PAGE, true, MACH_PORT_NULL);
    bench_one(p, q, r, 1u << 20, false, MACH_PORT_NULL);
    bench_one(p, q, r, 1u << 20, true, MACH_PORT_NULL);
}

static void
oolsend(mach_port_t recv_task)
{
    mach_port_t p = mach_reply_port(), q, r;
    struct ctl c;
    mach_msg_return_t mr;
    unsigned int i;

    tap_plan(4 + sizeof(cases) / sizeof(cases[0]));
    self = mach_task_self();
    tap_ok(syscall_mach_port_insert_right(recv_task, SEND_NAME, p, MACH_MSG_TYPE_MAKE_SEND)
           == KERN_SUCCESS, "a send right to P inserted in oolrecv's space at %u", SEND_NAME);
    mr = mach_msg_trap(&c.h, MACH_RCV_MSG, 0, sizeof(c), p, 0, 0);
    q = c.h.msgh_remote_port;
    mr |= mach_msg_trap(&c.h, MACH_RCV_MSG, 0, sizeof(c), p, 0, 0);
    r = c.h.msgh_remote_port;
    tap_ok(mr == MACH_MSG_SUCCESS && q != 0 && r != 0 && q != r,
           "oolrecv's hellos carry send rights to Q (%u) and R (%u)", q, r);

    /* 0 bytes: no memory at all, address 0. */
    mr = ool_send(q, 0, 0, false);
    mr |= ctl_call(&c, r, p, ID_RECEIVE, 0, 0, 1);
    tap_ok(mr == MACH_MSG_SUCCESS && c.v[0] == 0 && c.v[2] == 0,
           "0 bytes between two tasks: address 0 (0x%x)", c.v[2]);
    mr = ctl_call(&c, r, p, ID_CHECK, 0, 0, 1);

    for (i = 0; i < sizeof(cases) / sizeof(cases[0]); i++) {
        send_case(&cases[i], 11 * i + 3, p, q, r);
    }

    bench(p, q, r);
    ctl_head(&c, MACH_MSGH_BITS(MACH_MSG_TYPE_COPY_SEND, MACH_MSG_TYPE_MAKE_SEND_ONCE), r, p,
             ID_END);
    mr = mach_msg_trap(&c.h, MACH_SEND_MSG | MACH_RCV_MSG, sizeof(c), sizeof(c), p, 0, 0);
    tap_ok(mr == MACH_MSG_SUCCESS && c.v[0] == 0,
           "oolrecv queued copied and moved messages to itself and will die with them (0x%x)",
           c.v[0]);
}

/* Messages oolrecv sends itself and never receives: they die with its port. */
static mach_msg_return_t
recv_leave_queued(void)
{
    mach_port_t z = mach_reply_port();
    vm_address_t a = 0, b = 0;
    mach_msg_return_t mr;

    syscall_vm_allocate(self, &a, 1u << 20, 1);
    syscall_vm_allocate(self, &b, 1u << 20, 1);
    fill((unsigned char *)a, 1u << 20, 1);
    fill((unsigned char *)b, 1u << 20, 2);
    mr = ool_send_disp(z, MACH_MSG_TYPE_MAKE_SEND, a, 1u << 20, false);
    mr |= ool_send_disp(z, MACH_MSG_TYPE_MAKE_SEND, b, 1u << 20, true);
    mr |= ool_send_disp(z, MACH_MSG_TYPE_MAKE_SEND, a + 5, 3, false);
    mark((unsigned char *)a, 1u << 20, 1, 1, 0x77);   /* copy-on-write faults while queued */
    return mr;
}

/* Serve c->v[0] benchmark calls on q; the reply to c then says they are done. */
static void
recv_bench(struct ctl *c, mach_port_t q)
{
    struct ool m;
    mach_msg_return_t mr;

    mr = mach_msg_trap(&m.h, MACH_RCV_MSG, 0, sizeof(m), q, 0, 0);
    for (unsigned int k = 0; k < c->v[0] && mr == MACH_MSG_SUCCESS; k++) {
        if (!(m.desc[0] & MACH_MSGT_INLINE)) {
            syscall_vm_deallocate(self, m.desc[3], m.desc[2]);  /* a port right is kept */
        }
        m.h.msgh_bits = MACH_MSGH_BITS(MACH_MSG_TYPE_MOVE_SEND_ONCE, 0);
        m.h.msgh_local_port = 0;
        m.h.msgh_id = ID_BENCH + 100;
        mr = mach_msg_trap(&m.h, MACH_SEND_MSG | (k + 1 < c->v[0] ? MACH_RCV_MSG : 0),
                           sizeof(m.h), sizeof(m), q, 0, 0);
    }
    c->v[0] = mr;
}

static void
oolrecv(void)
{
    mach_port_t q = mach_reply_port(), r = mach_reply_port();
    struct ctl c;
    mach_msg_return_t mr;
    vm_address_t got = 0;
    unsigned int tries = 0, size = 0, cases_seen = 0, bench = 0;
    bool end = false;

    tap_plan(2);
    self = mach_task_self();
    do {
        ctl_head(&c, MACH_MSGH_BITS(MACH_MSG_TYPE_COPY_SEND, MACH_MSG_TYPE_MAKE_SEND),
                 SEND_NAME, q, ID_HELLO_Q);
        mr = mach_msg_trap(&c.h, MACH_SEND_MSG, sizeof(c), 0, 0, 0, 0);
        if (mr == MACH_SEND_INVALID_DEST) {
            swtch();
        }
    } while (mr == MACH_SEND_INVALID_DEST && ++tries < 100000);
    ctl_head(&c, MACH_MSGH_BITS(MACH_MSG_TYPE_COPY_SEND, MACH_MSG_TYPE_MAKE_SEND), SEND_NAME,
             r, ID_HELLO_R);
    mr |= mach_msg_trap(&c.h, MACH_SEND_MSG, sizeof(c), 0, 0, 0, 0);
    tap_ok(mr == MACH_MSG_SUCCESS, "two hellos sent to oolsend (%u tries)", tries);

    while (!end) {
        mr = mach_msg_trap(&c.h, MACH_RCV_MSG, 0, sizeof(c), r, 0, 0);
        if (mr != MACH_MSG_SUCCESS) {
            break;
        }
        switch (c.h.msgh_id) {
        case ID_RECEIVE:
            recv_case(&c, q, &got, &size);
            cases_seen++;
            break;
        case ID_CHECK:
            /* oolsend wrote its buffer again after our receive: we must not see it. */
            c.v[0] = (size == 0) ? 0 : check((const unsigned char *)got, size, c.v[1],
                                             c.v[2], 0xa5);
            syscall_vm_deallocate(self, got, size);
            got = 0;
            size = 0;
            break;
        case ID_BENCH:
            recv_bench(&c, q);
            bench++;
            break;
        case ID_END:
            c.v[0] = recv_leave_queued();
            end = true;
            break;
        default:
            c.v[0] = ~0u;
            break;
        }
        c.h.msgh_bits = MACH_MSGH_BITS(MACH_MSG_TYPE_MOVE_SEND_ONCE, 0);
        c.h.msgh_local_port = 0;
        c.h.msgh_size = sizeof(c);
        c.type = MACH_MSGT(MACH_MSG_TYPE_INTEGER_32, 32, 5, 1);
        mr = mach_msg_trap(&c.h, MACH_SEND_MSG, sizeof(c), 0, 0, 0, 0);
    }
    tap_ok(end && mr == MACH_MSG_SUCCESS, "served %u cases and %u benchmark rounds", cases_seen,
           bench);
}

int
main(int argc, char **argv, char **envp)
{
    (void)envp;
    if (strcmp(u_progname, "oolsend") == 0) {
        oolsend(argc > 1 ? parse_name(argv[1]) : 0);
    } else {
        oolrecv();
    }
    return 0;
}
