/* SPDX-License-Identifier: GPL-2.0-or-later */
/*
 * Host tests of ipc/ipc_msg.c, the message format: the ABI values of
 * include/mach/message.h, the send-size and header checks over every
 * combination, each rule of the typed body on a hand-built body, then
 * random bodies built from item lists (the parser must give back the
 * list) and randomly corrupted ones (the parser must agree with the
 * model of tests/unit/msg_model.h on every item and on the first error).
 * Bodies live in heap buffers of exactly their size, so ASan catches a
 * read past the end.
 */
#include <stdarg.h>
#include <stdbool.h>
#include <stdint.h>
#include <stdlib.h>
#include <string.h>

#include <include/mach/message.h>
#include <ipc/ipc_msg.h>

#include "tests/unit/host_util.h"
#include "tests/unit/msg_model.h"
#include "tests/unit/tap.h"

void panic(const char *fmt, ...) __attribute__((noreturn));

void
panic(const char *fmt, ...)
{
    va_list ap;

    va_start(ap, fmt);
    host_vpanic(fmt, ap);
}

static uint64_t rng_state = 0x2545f4914f6cdd1dULL;

static uint32_t
rng(void)
{
    return (uint32_t)(host_xorshift64(&rng_state) >> 16);
}

/* ---------------------------------------------------------------- ABI values */

static void
test_abi_values(void)
{
    static const struct { uint32_t value, expected; const char *name; } codes[] = {
        { MACH_SEND_INVALID_DATA, 0x10000002, "MACH_SEND_INVALID_DATA" },
        { MACH_SEND_INVALID_DEST, 0x10000003, "MACH_SEND_INVALID_DEST" },
        { MACH_SEND_TIMED_OUT, 0x10000004, "MACH_SEND_TIMED_OUT" },
        { MACH_SEND_WILL_NOTIFY, 0x10000005, "MACH_SEND_WILL_NOTIFY" },
        { MACH_SEND_INTERRUPTED, 0x10000007, "MACH_SEND_INTERRUPTED" },
        { MACH_SEND_MSG_TOO_SMALL, 0x10000008, "MACH_SEND_MSG_TOO_SMALL" },
        { MACH_SEND_INVALID_REPLY, 0x10000009, "MACH_SEND_INVALID_REPLY" },
        { MACH_SEND_INVALID_RIGHT, 0x1000000a, "MACH_SEND_INVALID_RIGHT" },
        { MACH_SEND_INVALID_NOTIFY, 0x1000000b, "MACH_SEND_INVALID_NOTIFY" },
        { MACH_SEND_INVALID_MEMORY, 0x1000000c, "MACH_SEND_INVALID_MEMORY" },
        { MACH_SEND_NO_BUFFER, 0x1000000d, "MACH_SEND_NO_BUFFER" },
        { MACH_SEND_NO_NOTIFY, 0x1000000e, "MACH_SEND_NO_NOTIFY" },
        { MACH_SEND_INVALID_TYPE, 0x1000000f, "MACH_SEND_INVALID_TYPE" },
        { MACH_SEND_INVALID_HEADER, 0x10000010, "MACH_SEND_INVALID_HEADER" },
        { MACH_RCV_INVALID_NAME, 0x10004002, "MACH_RCV_INVALID_NAME" },
        { MACH_RCV_TIMED_OUT, 0x10004003, "MACH_RCV_TIMED_OUT" },
        { MACH_RCV_TOO_LARGE, 0x10004004, "MACH_RCV_TOO_LARGE" },
        { MACH_RCV_INTERRUPTED, 0x10004005, "MACH_RCV_INTERRUPTED" },
        { MACH_RCV_PORT_CHANGED, 0x10004006, "MACH_RCV_PORT_CHANGED" },
        { MACH_RCV_INVALID_NOTIFY, 0x10004007, "MACH_RCV_INVALID_NOTIFY" },
        { MACH_RCV_INVALID_DATA, 0x10004008, "MACH_RCV_INVALID_DATA" },
        { MACH_RCV_PORT_DIED, 0x10004009, "MACH_RCV_PORT_DIED" },
        { MACH_RCV_IN_SET, 0x1000400a, "MACH_RCV_IN_SET" },
        { MACH_RCV_HEADER_ERROR, 0x1000400b, "MACH_RCV_HEADER_ERROR" },
        { MACH_RCV_BODY_ERROR, 0x1000400c, "MACH_RCV_BODY_ERROR" },
        { MACH_MSG_IPC_SPACE | MACH_MSG_VM_SPACE | MACH_MSG_IPC_KERNEL | MACH_MSG_VM_KERNEL,
          MACH_MSG_MASK, "modifier bits make MACH_MSG_MASK" },
    };
    mach_msg_header_t h;
    mach_msg_type_long_t l;
    unsigned int i;

    for (i = 0; i < sizeof(codes) / sizeof(codes[0]); i++) {
        tap_check(codes[i].value == codes[i].expected, "%s = %#x", codes[i].name,
                  codes[i].expected);
    }
    tap_check(sizeof(h) == 24 && (char *)&h.msgh_size - (char *)&h == 4
              && (char *)&h.msgh_remote_port - (char *)&h == 8
              && (char *)&h.msgh_local_port - (char *)&h == 12
              && (char *)&h.msgh_seqno - (char *)&h == 16 && (char *)&h.msgh_id - (char *)&h == 20,
              "header: 24 bytes, fields at 0, 4, 8, 12, 16, 20");
    tap_check(sizeof(l) == 12 && (char *)&l.msgtl_name - (char *)&l == 4
              && (char *)&l.msgtl_size - (char *)&l == 6 && (char *)&l.msgtl_number - (char *)&l == 8,
              "long descriptor: 12 bytes, name at 4, size at 6, number at 8");
    tap_check(MACH_MSGT(MACH_MSG_TYPE_INTEGER_32, 32, 1, 1) == 0x10012002
              && MACH_MSGT(MACH_MSG_TYPE_BOOLEAN, 32, 1, 1) == 0x10012000
              && MACH_MSGT(MACH_MSG_TYPE_PORT_NAME, 32, 1, 1) == 0x1001200f
              && MACH_MSGT(MACH_MSG_TYPE_COPY_SEND, 32, 1, 1) == 0x10012013
              && MACH_MSGT(MACH_MSG_TYPE_MAKE_SEND_ONCE, 32, 1, 1) == 0x10012015
              && MACH_MSGT(MACH_MSG_TYPE_PORT_SEND, 32, 1, 1) == 0x10012011,
              "descriptor words: INTEGER_32, BOOLEAN, PORT_NAME, COPY_SEND, MAKE_SEND_ONCE, PORT_SEND");
    tap_check(MACH_MSGH_BITS(MACH_MSG_TYPE_COPY_SEND, MACH_MSG_TYPE_MAKE_SEND_ONCE) == 0x1513
              && MACH_MSGH_BITS_REMOTE(0x80001513u) == 19 && MACH_MSGH_BITS_LOCAL(0x80001513u) == 21
              && MACH_MSGH_BITS_COMPLEX == 0x80000000u,
              "msgh_bits: COPY_SEND/MAKE_SEND_ONCE is 0x1513, COMPLEX is bit 31");
    tap_check(MACH_SEND_MSG == 1 && MACH_RCV_MSG == 2 && MACH_SEND_TIMEOUT == 0x10
              && MACH_SEND_NOTIFY == 0x20 && MACH_SEND_INTERRUPT == 0x40 && MACH_SEND_CANCEL == 0x80
              && MACH_RCV_TIMEOUT == 0x100 && MACH_RCV_NOTIFY == 0x200
              && MACH_RCV_INTERRUPT == 0x400 && MACH_RCV_LARGE == 0x800,
              "option bits");
}

/* ---------------------------------------------------------------- header */

static void
test_size_check(void)
{
    static const uint32_t sizes[] = { 0, 4, 20, 23, 24, 25, 26, 27, 28, 32, 4096, 0xfffffffc,
                                      0xffffffff };
    unsigned int i;
    bool ok = true;

    for (i = 0; i < sizeof(sizes) / sizeof(sizes[0]); i++) {
        mach_msg_return_t want = (sizes[i] >= 24 && sizes[i] % 4 == 0)
                                 ? MACH_MSG_SUCCESS : MACH_SEND_MSG_TOO_SMALL;

        if (ipc_msg_size_check(sizes[i]) != want) {
            tap_diag("send size %u", sizes[i]);
            ok = false;
        }
    }
    tap_check(ok, "send size: at least 24 and a multiple of 4, else SEND_MSG_TOO_SMALL");
}

static void
test_header_check(void)
{
    unsigned int remote, local, other, bad = 0, accepted = 0;
    mach_msg_header_t h = { 0 };

    for (remote = 0; remote < 256; remote++) {
        for (local = 0; local < 256; local++) {
            for (other = 0; other < 2; other++) {
                bool remote_ok = remote >= 17 && remote <= 21;
                bool local_ok = local == 0 ? other == 0 : (local >= 17 && local <= 21);
                mach_msg_return_t want = remote_ok && local_ok ? MACH_MSG_SUCCESS
                                                               : MACH_SEND_INVALID_HEADER;

                h.msgh_bits = MACH_MSGH_BITS(remote, local) | (other ? MACH_MSGH_BITS_COMPLEX : 0);
                h.msgh_local_port = other ? 7 : MACH_PORT_NULL;
                h.msgh_remote_port = 5;
                if (ipc_msg_header_check(&h) != want) {
                    if (bad++ < 5) {
                        tap_diag("remote %u local %u local name %u", remote, local,
                                 h.msgh_local_port);
                    }
                }
                accepted += want == MACH_MSG_SUCCESS;
            }
        }
    }
    tap_check(bad == 0 && accepted == 5 * 1 + 5 * 5 * 2,
              "header dispositions: remote 17..21, local 0 with no name or 17..21 (%u accepted)",
              accepted);
}

static void
test_type_received(void)
{
    tap_check(ipc_msg_type_received(MACH_MSG_TYPE_MOVE_RECEIVE) == MACH_MSG_TYPE_PORT_RECEIVE
              && ipc_msg_type_received(MACH_MSG_TYPE_MOVE_SEND) == MACH_MSG_TYPE_PORT_SEND
              && ipc_msg_type_received(MACH_MSG_TYPE_MOVE_SEND_ONCE) == MACH_MSG_TYPE_PORT_SEND_ONCE
              && ipc_msg_type_received(MACH_MSG_TYPE_COPY_SEND) == MACH_MSG_TYPE_PORT_SEND
              && ipc_msg_type_received(MACH_MSG_TYPE_MAKE_SEND) == MACH_MSG_TYPE_PORT_SEND
              && ipc_msg_type_received(MACH_MSG_TYPE_MAKE_SEND_ONCE) == MACH_MSG_TYPE_PORT_SEND_ONCE,
              "received names: 16->16, 17->17, 18->18, 19->17, 20->17, 21->18");
}

/* ---------------------------------------------------------------- bodies */

/* Parse words[0..nwords) from a heap copy of exactly that size; items to out[]. */
static mach_msg_return_t
parse(const uint32_t *words, unsigned int nwords, struct ipc_msg_item *out, unsigned int max,
      unsigned int *countp, uint32_t *stopp)
{
    uint32_t *body = malloc(nwords ? nwords * 4 : 1);
    struct ipc_msg_cursor c;
    mach_msg_return_t mr = MACH_MSG_SUCCESS;
    struct ipc_msg_item item;
    unsigned int count = 0;

    if (nwords > 0) {
        memcpy(body, words, nwords * 4);
    }
    ipc_msg_cursor_init(&c, body, nwords * 4);
    while (!ipc_msg_cursor_done(&c)) {
        mr = ipc_msg_cursor_next(&c, &item);
        if (mr != MACH_MSG_SUCCESS) {
            break;
        }
        if (count < max) {
            out[count] = item;
        }
        count++;
    }
    *countp = count;
    if (stopp != NULL) {
        *stopp = c.offset;
    }
    free(body);
    return mr;
}

#define W(...)  ((const uint32_t[]){ __VA_ARGS__ })
#define N(...)  (sizeof((const uint32_t[]){ __VA_ARGS__ }) / 4)
#define LONG(dealloc_inline, name, size, number) \
    (MACH_MSGT_LONGFORM | (dealloc_inline)), ((uint32_t)(name) | ((uint32_t)(size) << 16)), (number)

static mach_msg_return_t
parse_one(const uint32_t *words, unsigned int nwords, struct ipc_msg_item *item,
          unsigned int *countp)
{
    return parse(words, nwords, item, 1, countp, NULL);
}

static void
test_body_rules(void)
{
    struct ipc_msg_item it[4];
    unsigned int n;
    uint32_t stop;

    tap_check(parse(NULL, 0, it, 4, &n, NULL) == MACH_MSG_SUCCESS && n == 0,
              "empty body: no item");
    tap_check(parse_one(W(0x10012002, 42), 2, it, &n) == MACH_MSG_SUCCESS && n == 1
              && it[0].name == 2 && it[0].size == 32 && it[0].number == 1 && it[0].is_inline
              && !it[0].is_port && it[0].length == 4 && it[0].type_offset == 0
              && it[0].data_offset == 4,
              "one inline INTEGER_32");
    tap_check(parse(W(MACH_MSGT(MACH_MSG_TYPE_CHAR, 8, 5, 1), 0x61616161, 0x61,
                      0x10012002, 7), 5, it, 4, &n, NULL) == MACH_MSG_SUCCESS
              && n == 2 && it[0].length == 5 && it[1].type_offset == 12 && it[1].data_offset == 16,
              "5 chars are padded to 8 bytes");
    tap_check(parse(W(MACH_MSGT(MACH_MSG_TYPE_BOOLEAN, 1, 33, 1), 0, 0, 0x10012002, 7), 5,
                    it, 4, &n, NULL) == MACH_MSG_SUCCESS
              && n == 2 && it[0].length == 5 && it[1].type_offset == 12,
              "33 bits take 5 bytes, padded to 8");
    tap_check(parse(W(MACH_MSGT(MACH_MSG_TYPE_CHAR, 8, 0, 1), 0x10012002, 7), 3, it, 4, &n,
                    NULL) == MACH_MSG_SUCCESS && n == 2 && it[0].length == 0
              && it[1].type_offset == 4,
              "an empty inline item takes only its descriptor");
    tap_check(parse_one(W(MACH_MSGT(MACH_MSG_TYPE_COPY_SEND, 32, 2, 1), 3, 4), 3, it, &n)
              == MACH_MSG_SUCCESS && it[0].is_port && it[0].length == 8,
              "two inline COPY_SEND ports");
    tap_check(parse_one(W(MACH_MSGT(MACH_MSG_TYPE_MOVE_SEND, 16, 1, 1), 3), 2, it, &n)
              == MACH_SEND_INVALID_TYPE,
              "an inline port of 16 bits: SEND_INVALID_TYPE");
    tap_check(parse_one(W(MACH_MSGT(MACH_MSG_TYPE_MOVE_RECEIVE, 8, 4, 0), 0x1000), 2, it, &n)
              == MACH_SEND_INVALID_TYPE,
              "an out-of-line port array of 8-bit elements: SEND_INVALID_TYPE");
    tap_check(parse_one(W(MACH_MSGT(MACH_MSG_TYPE_PORT_NAME, 16, 1, 1), 3), 2, it, &n)
              == MACH_MSG_SUCCESS && !it[0].is_port,
              "PORT_NAME (15) is data: any size");
    tap_check(parse_one(W(MACH_MSGT(22, 16, 1, 1), 3), 2, it, &n) == MACH_MSG_SUCCESS
              && !it[0].is_port,
              "type 22 is data, not a port");
    tap_check(parse_one(W(MACH_MSGT(2, 32, 1, 1) | MACH_MSGT_UNUSED, 3), 2, it, &n)
              == MACH_SEND_INVALID_TYPE,
              "the unused bit: SEND_INVALID_TYPE");
    tap_check(parse_one(W(MACH_MSGT(2, 32, 1, 1) | MACH_MSGT_DEALLOCATE, 3), 2, it, &n)
              == MACH_SEND_INVALID_TYPE,
              "deallocate with inline: SEND_INVALID_TYPE");
    tap_check(parse_one(W(MACH_MSGT(2, 32, 1, 0) | MACH_MSGT_DEALLOCATE, 0x1000), 2, it, &n)
              == MACH_MSG_SUCCESS && it[0].deallocate && !it[0].is_inline && it[0].length == 4
              && it[0].data_offset == 4,
              "deallocate out of line: fine, the pointer follows the descriptor");
    tap_check(parse_one(W(LONG(MACH_MSGT_INLINE, MACH_MSG_TYPE_BYTE, 8, 6), 1, 2), 5, it, &n)
              == MACH_MSG_SUCCESS && it[0].longform && it[0].name == 9 && it[0].size == 8
              && it[0].number == 6 && it[0].data_offset == 12,
              "long form: name, size, number from the second and third words");
    tap_check(parse_one(W(LONG(MACH_MSGT_INLINE | 2, 9, 8, 4), 1), 4, it, &n)
              == MACH_SEND_INVALID_TYPE
              && parse_one(W(LONG(MACH_MSGT_INLINE | (8 << 8), 9, 8, 4), 1), 4, it, &n)
              == MACH_SEND_INVALID_TYPE
              && parse_one(W(LONG(MACH_MSGT_INLINE | (1 << 16), 9, 8, 4), 1), 4, it, &n)
              == MACH_SEND_INVALID_TYPE,
              "long form with a name, size or number in its header word: SEND_INVALID_TYPE");
    tap_check(parse_one(W(LONG(0, MACH_MSG_TYPE_COPY_SEND, 32, 0x40000000), 0x1000), 4, it, &n)
              == MACH_MSG_SUCCESS && it[0].is_port && it[0].length == 0x100000000ULL,
              "long out-of-line port array of 2^30 names: length 4 GiB in 64 bits");
    tap_check(parse_one(W(LONG(MACH_MSGT_INLINE, 9, 0xffff, 0xffffffff), 1), 4, it, &n)
              == MACH_SEND_MSG_TOO_SMALL,
              "long inline item of 2^32 x 65535 bits: SEND_MSG_TOO_SMALL, no overflow");
    tap_check(parse(W(0x10012002, 1, MACH_MSGT_LONGFORM | MACH_MSGT_INLINE, 9), 4, it, 4, &n,
                    &stop) == MACH_SEND_MSG_TOO_SMALL && n == 1 && stop == 8,
              "a long descriptor cut short: SEND_MSG_TOO_SMALL at its offset");
    tap_check(parse(W(0x10012002, 1, MACH_MSGT(2, 32, 2, 1), 5), 4, it, 4, &n, &stop)
              == MACH_SEND_MSG_TOO_SMALL && n == 1 && stop == 8,
              "inline data beyond the body: SEND_MSG_TOO_SMALL");
    tap_check(parse(W(0x10012002, 1, MACH_MSGT(2, 32, 2, 0)), 3, it, 4, &n, &stop)
              == MACH_SEND_MSG_TOO_SMALL && n == 1 && stop == 8,
              "an out-of-line pointer missing: SEND_MSG_TOO_SMALL");
    tap_check(parse_one(W(MACH_MSGT(2, 32, 0, 0), 0), 2, it, &n) == MACH_MSG_SUCCESS
              && it[0].length == 0,
              "0 bytes out of line: one pointer slot");
}

static void
test_set_name(void)
{
    uint32_t body[] = { MACH_MSGT(MACH_MSG_TYPE_COPY_SEND, 32, 1, 1) | MACH_MSGT_DEALLOCATE,
                        3, LONG(0, MACH_MSG_TYPE_MAKE_SEND_ONCE, 32, 2), 0x1000 };
    struct ipc_msg_cursor c;
    struct ipc_msg_item a, b;

    body[0] &= ~MACH_MSGT_DEALLOCATE;
    ipc_msg_cursor_init(&c, body, sizeof(body));
    if (ipc_msg_cursor_next(&c, &a) != MACH_MSG_SUCCESS
        || ipc_msg_cursor_next(&c, &b) != MACH_MSG_SUCCESS) {
        tap_check(0, "set_name: parse");
        return;
    }
    ipc_msg_item_set_name(body, &a, ipc_msg_type_received(a.name));
    ipc_msg_item_set_name(body, &b, ipc_msg_type_received(b.name));
    tap_check(body[0] == 0x10012011 && body[3] == (18u | (32u << 16)) && body[2] == MACH_MSGT_LONGFORM
              && body[4] == 2,
              "set_name rewrites only the name, short (19->17) and long (21->18)");
    ipc_msg_item_set_deallocate(body, &a);
    ipc_msg_item_set_deallocate(body, &b);
    ipc_msg_item_clear_size(body, &a);
    ipc_msg_item_clear_size(body, &b);
    tap_check(body[0] == (0x10010011 | MACH_MSGT_DEALLOCATE)
              && body[2] == (MACH_MSGT_LONGFORM | MACH_MSGT_DEALLOCATE) && body[3] == 18u
              && body[4] == 2,
              "set_deallocate and clear_size touch only their bits, short and long");
}

/* ---------------------------------------------------------------- random */

#define MAX_WORDS       256
#define MAX_ITEMS       64

struct spec {
    unsigned int name, size;
    uint32_t number;
    bool is_inline, longform, deallocate;
};

static uint64_t
spec_length(const struct spec *s)
{
    return ((uint64_t)s->number * s->size + 7) / 8;
}

/* A random valid item whose data fit in room words (descriptor included); false if none. */
static bool
spec_random(struct spec *s, unsigned int room)
{
    static const unsigned int names[] = { 0, 1, 2, 8, 9, 10, 11, 12, 15, 16, 17, 18, 19, 20, 21 };
    unsigned int desc;

    s->name = names[rng() % (sizeof(names) / sizeof(names[0]))];
    s->longform = rng() % 4 == 0;
    s->is_inline = rng() % 3 != 0;
    s->deallocate = !s->is_inline && rng() % 2;
    s->size = (s->name >= 16 && s->name <= 21) ? 32 : (rng() % 4 == 0 ? rng() % 65 : 8u << (rng() % 3));
    if (s->longform && rng() % 2 && !(s->name >= 16 && s->name <= 21)) {
        s->size = rng() % 65536;
    }
    desc = s->longform ? 3 : 1;
    if (room < desc + 1) {
        return false;
    }
    if (!s->is_inline) {
        s->number = s->longform ? rng() : rng() % 4096;
        return true;
    }
    /* Inline: number so that the data fit in room - desc words. */
    if (s->size == 0) {
        s->number = rng() % 4096;
    } else {
        uint64_t max_number = (uint64_t)(room - desc) * 32 / s->size;

        if (!s->longform && max_number > 4095) {
            max_number = 4095;
        }
        s->number = (uint32_t)(rng() % (max_number + 1));
    }
    return true;
}

/* Encode s at words[pos]; returns the words used. */
static unsigned int
spec_encode(const struct spec *s, uint32_t *words, unsigned int pos)
{
    uint32_t flags = (s->is_inline ? MACH_MSGT_INLINE : 0) | (s->deallocate ? MACH_MSGT_DEALLOCATE : 0);
    unsigned int used, i, data;

    if (s->longform) {
        words[pos] = MACH_MSGT_LONGFORM | flags;
        words[pos + 1] = s->name | (s->size << 16);
        words[pos + 2] = s->number;
        used = 3;
    } else {
        words[pos] = MACH_MSGT(s->name, s->size, s->number, 0) | flags;
        used = 1;
    }
    data = s->is_inline ? (unsigned int)((spec_length(s) + 3) / 4) : 1;
    for (i = 0; i < data; i++) {
        words[pos + used + i] = rng();
    }
    return used + data;
}

static void
test_random_valid(unsigned int rounds)
{
    static uint32_t words[MAX_WORDS];
    static struct spec specs[MAX_ITEMS];
    static struct ipc_msg_item items[MAX_ITEMS];
    unsigned int r, bad = 0, total = 0;

    for (r = 0; r < rounds; r++) {
        unsigned int nspecs = 0, pos = 0, limit = 1 + rng() % MAX_WORDS, n, i;
        mach_msg_return_t mr;
        bool ok;

        while (nspecs < MAX_ITEMS && spec_random(&specs[nspecs], limit - pos)) {
            pos += spec_encode(&specs[nspecs], words, pos);
            nspecs++;
            if (rng() % 8 == 0) {
                break;
            }
        }
        mr = parse(words, pos, items, MAX_ITEMS, &n, NULL);
        ok = mr == MACH_MSG_SUCCESS && n == nspecs;
        for (i = 0, pos = 0; ok && i < n; i++) {
            const struct spec *s = &specs[i];

            ok = items[i].name == s->name && items[i].size == s->size
                 && items[i].number == s->number && items[i].is_inline == s->is_inline
                 && items[i].longform == s->longform && items[i].deallocate == s->deallocate
                 && items[i].length == spec_length(s) && items[i].type_offset == pos * 4
                 && items[i].is_port == (s->name >= 16 && s->name <= 21);
            pos += (s->longform ? 3 : 1)
                   + (s->is_inline ? (unsigned int)((spec_length(s) + 3) / 4) : 1);
        }
        total += nspecs;
        if (!ok && bad++ < 3) {
            tap_diag("round %u: %u items built, %u parsed, mr %#x", r, nspecs, n, mr);
        }
    }
    tap_check(bad == 0, "%u random valid bodies (%u items) parse back to their items", rounds,
              total);
}

static void
corrupt(uint32_t *words, unsigned int nwords)
{
    unsigned int k, changes = 1 + rng() % 3;

    for (k = 0; k < changes && nwords > 0; k++) {
        unsigned int w = rng() % nwords;

        switch (rng() % 4) {
        case 0:
            words[w] ^= 1u << (rng() % 32);
            break;
        case 1:
            words[w] = rng();
            break;
        case 2:
            words[w] ^= 0xf0000000u & rng();    /* flag bits */
            break;
        default:
            words[w] = (words[w] & ~0xffu) | (rng() % 24);      /* another name */
            break;
        }
    }
}

static void
test_random_model(unsigned int rounds)
{
    static uint32_t words[MAX_WORDS];
    static struct spec specs[MAX_ITEMS];
    static struct ipc_msg_item items[MAX_ITEMS];
    static struct msg_model_item model[MAX_ITEMS];
    unsigned int r, bad = 0, outcomes[3] = { 0, 0, 0 };

    for (r = 0; r < rounds; r++) {
        unsigned int nspecs = 0, pos = 0, limit = 1 + rng() % MAX_WORDS, n, i;
        size_t mn;
        mach_msg_return_t mr, mm;
        bool ok;

        while (nspecs < MAX_ITEMS && spec_random(&specs[nspecs], limit - pos)) {
            pos += spec_encode(&specs[nspecs], words, pos);
            nspecs++;
        }
        corrupt(words, pos);
        if (pos > 0 && rng() % 4 == 0) {
            pos -= 1 + rng() % pos;     /* cut the body short */
        }
        mr = parse(words, pos, items, MAX_ITEMS, &n, NULL);
        mm = msg_model_parse((const uint8_t *)words, pos * 4, model, MAX_ITEMS, &mn);
        ok = mr == mm && n == mn;
        for (i = 0; ok && i < n && i < MAX_ITEMS; i++) {
            ok = items[i].type_offset == model[i].type_offset
                 && items[i].data_offset == model[i].data_offset
                 && items[i].name == model[i].name && items[i].size == model[i].size
                 && items[i].number == model[i].number && items[i].length == model[i].length
                 && items[i].is_inline == model[i].is_inline
                 && items[i].longform == model[i].longform
                 && items[i].deallocate == model[i].deallocate
                 && items[i].is_port == model[i].is_port;
        }
        outcomes[mm == MSG_MODEL_OK ? 0 : mm == MSG_MODEL_TOO_SMALL ? 1 : 2]++;
        if (!ok && bad++ < 3) {
            tap_diag("round %u: parser %#x after %u items, model %#x after %zu", r, mr, n, mm, mn);
        }
    }
    tap_diag("corrupted bodies: %u valid, %u too small, %u invalid type", outcomes[0],
             outcomes[1], outcomes[2]);
    tap_check(bad == 0 && outcomes[0] > 0 && outcomes[1] > 0 && outcomes[2] > 0,
              "%u corrupted bodies: parser and model agree on items and first error", rounds);
}

int
main(void)
{
    test_abi_values();
    test_size_check();
    test_header_check();
    test_type_received();
    test_body_rules();
    test_set_name();
    test_random_valid(100000);
    test_random_model(200000);
    return tap_done();
}
