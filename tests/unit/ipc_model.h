/* SPDX-License-Identifier: GPL-2.0-or-later */
/*
 * Reference model of IPC name spaces, for tests/unit/test_ipc_space.c
 * and tests/fuzz/fuzz_ipc_space.c.
 *
 * The model keeps, per space, a plain array of entries (name, type,
 * urefs, port), and per port whether it is alive; it applies Mach's
 * rules directly, converting send rights to dead names as soon as their
 * port dies (the kernel does it lazily, which must not be visible).
 * ipc_model_op() decodes one operation from 8 bytes, runs it on the real
 * spaces (ipc/ipc_right.h) and on the model, and compares the return
 * codes and results; ipc_model_check() compares the whole state: every
 * name, type, reference count and port of every space, and every port's
 * counters, receiver and reference count. The test keeps one reference
 * on every port it ever saw, so that dead ports can still be passed in.
 *
 * Include once, in a program that provides kmem and the ipc sources.
 */
#ifndef TESTS_UNIT_IPC_MODEL_H
#define TESTS_UNIT_IPC_MODEL_H

#include <stdarg.h>
#include <stdbool.h>
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include <include/mach/kern_return.h>
#include <include/mach/port.h>
#include <ipc/ipc_entry.h>
#include <ipc/ipc_port.h>
#include <ipc/ipc_right.h>
#include <ipc/ipc_space.h>

#define IPC_MODEL_SPACES        3
#define IPC_MODEL_NAMES         512     /* entries per space, at most */
#define IPC_MODEL_PORTS         4096

struct ipc_model_entry {
    mach_port_name_t name;
    mach_port_type_t type;
    mach_port_urefs_t urefs;
    int port;                       /* index in ports[], -1: none */
};

struct ipc_model_space {
    struct ipc_space *real;
    struct ipc_model_entry entries[IPC_MODEL_NAMES];
    unsigned int nr_entries;
};

struct ipc_model_port {
    struct ipc_port *real;          /* the model holds one reference */
    bool active;
    unsigned int notified;          /* send-once notifications queued on it */
};

struct ipc_model {
    struct ipc_model_space spaces[IPC_MODEL_SPACES];
    struct ipc_model_port ports[IPC_MODEL_PORTS];
    unsigned int nr_ports;
    unsigned long nr_psets;
    unsigned long nr_ops;
    char error[256];                /* first mismatch */
};

static void
ipc_model_fail(struct ipc_model *m, const char *fmt, ...) __attribute__((format(printf, 2, 3)));

static void
ipc_model_fail(struct ipc_model *m, const char *fmt, ...)
{
    va_list ap;
    int len;

    if (m->error[0] != '\0') {
        return;
    }
    len = snprintf(m->error, sizeof(m->error), "op %lu: ", m->nr_ops);
    va_start(ap, fmt);
    vsnprintf(m->error + len, sizeof(m->error) - len, fmt, ap);
    va_end(ap);
}

static struct ipc_model_entry *
ipc_model_lookup(struct ipc_model_space *s, mach_port_name_t name)
{
    for (unsigned int i = 0; i < s->nr_entries; i++) {
        if (s->entries[i].name == name) {
            return &s->entries[i];
        }
    }
    return NULL;
}

static mach_port_name_t
ipc_model_lowest_free(struct ipc_model_space *s)
{
    mach_port_name_t name = 1;

    while (ipc_model_lookup(s, name) != NULL) {
        name++;
    }
    return name;
}

static struct ipc_model_entry *
ipc_model_add(struct ipc_model_space *s, mach_port_name_t name)
{
    struct ipc_model_entry *e = &s->entries[s->nr_entries++];

    e->name = name;
    e->type = MACH_PORT_TYPE_NONE;
    e->urefs = 0;
    e->port = -1;
    return e;
}

static void
ipc_model_del(struct ipc_model *m, struct ipc_model_space *s, struct ipc_model_entry *e)
{
    if (e->type & MACH_PORT_TYPE_PORT_SET) {
        m->nr_psets--;
    }
    if (e->type & MACH_PORT_TYPE_SEND_ONCE) {
        /* Destroyed: the right carries a send-once notification to its port. */
        m->ports[e->port].notified++;
    }
    *e = s->entries[--s->nr_entries];
}

/* A port dies: send rights elsewhere become dead names. */
static void
ipc_model_port_death(struct ipc_model *m, int port)
{
    m->ports[port].active = false;
    m->ports[port].notified = 0;    /* destroyed with the queue */
    for (unsigned int i = 0; i < IPC_MODEL_SPACES; i++) {
        struct ipc_model_space *s = &m->spaces[i];

        for (unsigned int j = 0; j < s->nr_entries; j++) {
            struct ipc_model_entry *e = &s->entries[j];

            if (e->port == port && !(e->type & MACH_PORT_TYPE_RECEIVE)) {
                if (e->type & MACH_PORT_TYPE_SEND_ONCE) {
                    e->urefs = 1;
                }
                e->type = MACH_PORT_TYPE_DEAD_NAME;
                e->port = -1;
            }
        }
    }
}

/* Destroy the receive right of e: the port dies, send rights under e turn dead. */
static void
ipc_model_drop_receive(struct ipc_model *m, struct ipc_model_space *s,
                       struct ipc_model_entry *e)
{
    int port = e->port;

    if (e->type & MACH_PORT_TYPE_SEND) {
        e->type = MACH_PORT_TYPE_DEAD_NAME;
        e->port = -1;
    } else {
        ipc_model_del(m, s, e);
    }
    ipc_model_port_death(m, port);
}

/* Release everything under e (mach_port_destroy). */
static void
ipc_model_clean(struct ipc_model *m, struct ipc_model_space *s, struct ipc_model_entry *e)
{
    int port = (e->type & MACH_PORT_TYPE_RECEIVE) ? e->port : -1;

    ipc_model_del(m, s, e);
    if (port >= 0) {
        ipc_model_port_death(m, port);
    }
}

/* ---------------------------------------------------------------- decoding */

static mach_port_name_t
ipc_model_pick_name(struct ipc_model_space *s, uint8_t b)
{
    switch (b) {
    case 0:
        return MACH_PORT_NULL;
    case 255:
        return MACH_PORT_DEAD;
    case 254:
        return 0x7fffffffU;
    case 253:
        return 0xfffffffeU;
    case 252:
        return 0x12345U;
    default:
        if (b < 128 && s->nr_entries > 0) {
            return s->entries[b % s->nr_entries].name;
        }
        return b % 48 + 1;
    }
}

static mach_port_delta_t
ipc_model_pick_delta(uint8_t b)
{
    switch (b % 16) {
    case 7:
        return MACH_PORT_UREFS_MAX;
    case 8:
        return -(mach_port_delta_t)MACH_PORT_UREFS_MAX;
    case 9:
        return 0x7fffffff;
    case 10:
        return -0x7fffffff - 1;
    case 11:
        return MACH_PORT_UREFS_MAX - 1;
    default:
        return (mach_port_delta_t)(b % 7) - 3;
    }
}

/* A port the model knows, recent ones first, live ones for odd b; -1 if none. */
static int
ipc_model_pick_port(struct ipc_model *m, uint8_t b)
{
    unsigned int start = (b / 2) % 16;

    if (m->nr_ports == 0) {
        return -1;
    }
    for (unsigned int i = start; (b & 1) && i < m->nr_ports; i++) {
        if (m->ports[m->nr_ports - 1 - i].active) {
            return (int)(m->nr_ports - 1 - i);
        }
    }
    return (int)(m->nr_ports - 1 - start % m->nr_ports);
}

/* Record the real port of a new receive right (the model keeps a reference). */
static void
ipc_model_new_port(struct ipc_model *m, struct ipc_model_space *s,
                   struct ipc_model_entry *e)
{
    struct ipc_port *port = NULL;

    if (m->nr_ports == IPC_MODEL_PORTS) {
        ipc_model_fail(m, "model: too many ports");
        return;
    }
    if (ipc_right_port(s->real, e->name, &port) != KERN_SUCCESS) {
        ipc_model_fail(m, "no port under new receive right %u", e->name);
        return;
    }
    e->port = (int)m->nr_ports;
    m->ports[m->nr_ports].real = port;
    m->ports[m->nr_ports].active = true;
    m->ports[m->nr_ports].notified = 0;
    m->nr_ports++;
}

static void
ipc_model_check_kr(struct ipc_model *m, const char *what, kern_return_t got,
                   kern_return_t expect)
{
    if (got != expect) {
        ipc_model_fail(m, "%s returned %d, expected %d", what, got, expect);
    }
}

/* ---------------------------------------------------------------- operations */

enum {
    IPC_MODEL_ALLOC,
    IPC_MODEL_ALLOC_NAME,
    IPC_MODEL_INSERT,
    IPC_MODEL_COPYOUT,
    IPC_MODEL_TYPE,
    IPC_MODEL_GET_REFS,
    IPC_MODEL_MOD_REFS,
    IPC_MODEL_DEALLOCATE,
    IPC_MODEL_DESTROY,
    IPC_MODEL_RENAME,
    IPC_MODEL_LIST,
    IPC_MODEL_SPACE_DESTROY,
    IPC_MODEL_NR_OPS
};

static bool
ipc_model_alloc_right_valid(mach_port_right_t right)
{
    return right == MACH_PORT_RIGHT_RECEIVE || right == MACH_PORT_RIGHT_PORT_SET
           || right == MACH_PORT_RIGHT_DEAD_NAME;
}

static void
ipc_model_fill(struct ipc_model *m, struct ipc_model_space *s, struct ipc_model_entry *e,
               mach_port_right_t right)
{
    if (right == MACH_PORT_RIGHT_RECEIVE) {
        e->type = MACH_PORT_TYPE_RECEIVE;
        ipc_model_new_port(m, s, e);
    } else if (right == MACH_PORT_RIGHT_PORT_SET) {
        e->type = MACH_PORT_TYPE_PORT_SET;
        m->nr_psets++;
    } else {
        e->type = MACH_PORT_TYPE_DEAD_NAME;
        e->urefs = 1;
    }
}

/* Expected result of giving space s a right for port at name (0: copyout). */
static kern_return_t
ipc_model_give(struct ipc_model *m, struct ipc_model_space *s, mach_port_name_t name,
               int port, mach_port_right_t right, mach_port_name_t *namep)
{
    struct ipc_model_entry *e = NULL;

    if (!m->ports[port].active) {
        return KERN_INVALID_CAPABILITY;
    }
    if (right == MACH_PORT_RIGHT_SEND) {
        for (unsigned int i = 0; i < s->nr_entries; i++) {
            if (s->entries[i].port == port
                && (s->entries[i].type & (MACH_PORT_TYPE_SEND | MACH_PORT_TYPE_RECEIVE))) {
                e = &s->entries[i];
            }
        }
    }
    if (e != NULL) {
        if (name != MACH_PORT_NULL && name != e->name) {
            return KERN_RIGHT_EXISTS;
        }
        if (e->type & MACH_PORT_TYPE_SEND) {
            if (e->urefs == MACH_PORT_UREFS_MAX) {
                return KERN_UREFS_OVERFLOW;
            }
            e->urefs++;
        } else {
            e->type |= MACH_PORT_TYPE_SEND;
            e->urefs = 1;
        }
        *namep = e->name;
        return KERN_SUCCESS;
    }
    if (name == MACH_PORT_NULL) {
        name = ipc_model_lowest_free(s);
    } else if (ipc_model_lookup(s, name) != NULL) {
        return KERN_NAME_EXISTS;
    }
    if (s->nr_entries == IPC_MODEL_NAMES) {
        ipc_model_fail(m, "model: too many names");
        return KERN_RESOURCE_SHORTAGE;
    }
    e = ipc_model_add(s, name);
    e->type = (right == MACH_PORT_RIGHT_SEND) ? MACH_PORT_TYPE_SEND : MACH_PORT_TYPE_SEND_ONCE;
    e->urefs = 1;
    e->port = port;
    *namep = name;
    return KERN_SUCCESS;
}

/* Expected result of mod_refs on an existing entry e. */
static kern_return_t
ipc_model_mod_refs(struct ipc_model *m, struct ipc_model_space *s, struct ipc_model_entry *e,
                   mach_port_right_t right, mach_port_delta_t delta)
{
    if (!(e->type & MACH_PORT_TYPE(right))) {
        return KERN_INVALID_RIGHT;
    }
    if (right == MACH_PORT_RIGHT_SEND || right == MACH_PORT_RIGHT_DEAD_NAME) {
        long long urefs = (long long)e->urefs + delta;

        if (urefs < 0) {
            return KERN_INVALID_VALUE;
        }
        if (urefs > MACH_PORT_UREFS_MAX) {
            return KERN_UREFS_OVERFLOW;
        }
        if (urefs > 0) {
            e->urefs = (mach_port_urefs_t)urefs;
        } else if (e->type & MACH_PORT_TYPE_RECEIVE) {
            e->type = MACH_PORT_TYPE_RECEIVE;
            e->urefs = 0;
        } else {
            ipc_model_del(m, s, e);
        }
        return KERN_SUCCESS;
    }
    if (delta == 0) {
        return KERN_SUCCESS;
    }
    if (delta != -1) {
        return KERN_INVALID_VALUE;
    }
    if (right == MACH_PORT_RIGHT_RECEIVE) {
        ipc_model_drop_receive(m, s, e);
    } else {
        ipc_model_del(m, s, e);
    }
    return KERN_SUCCESS;
}

/* Destroy and recreate space s. */
static void
ipc_model_space_reset(struct ipc_model *m, struct ipc_model_space *s)
{
    ipc_space_destroy(s->real);
    while (s->nr_entries > 0) {
        ipc_model_clean(m, s, &s->entries[s->nr_entries - 1]);
    }
    if (ipc_space_create(&s->real) != KERN_SUCCESS) {
        ipc_model_fail(m, "ipc_space_create failed");
    }
}

/* Run one operation, decoded from 8 bytes, on the kernel and the model. */
static void
ipc_model_op(struct ipc_model *m, const uint8_t *b)
{
    struct ipc_model_space *s = &m->spaces[b[1] % IPC_MODEL_SPACES];
    mach_port_right_t right = b[3] % (MACH_PORT_RIGHT_NUMBER + 1);
    mach_port_name_t name = ipc_model_pick_name(s, b[2]), got_name = 0, expect_name = 0;
    struct ipc_model_entry *e = ipc_model_lookup(s, name);
    kern_return_t kr, expect;

    m->nr_ops++;
    switch (b[0] % IPC_MODEL_NR_OPS) {
    case IPC_MODEL_ALLOC:
        if (s->nr_entries == IPC_MODEL_NAMES) {
            break;
        }
        kr = ipc_right_alloc(s->real, right, &got_name);
        expect = ipc_model_alloc_right_valid(right) ? KERN_SUCCESS : KERN_INVALID_VALUE;
        ipc_model_check_kr(m, "alloc", kr, expect);
        if (kr == KERN_SUCCESS && expect == KERN_SUCCESS) {
            expect_name = ipc_model_lowest_free(s);
            if (got_name != expect_name) {
                ipc_model_fail(m, "alloc gave name %u, expected %u", got_name, expect_name);
            }
            ipc_model_fill(m, s, ipc_model_add(s, got_name), right);
        }
        break;
    case IPC_MODEL_ALLOC_NAME:
        if (s->nr_entries == IPC_MODEL_NAMES) {
            break;
        }
        kr = ipc_right_alloc_name(s->real, right, name);
        if (!ipc_model_alloc_right_valid(right) || !MACH_PORT_VALID(name)) {
            expect = KERN_INVALID_VALUE;
        } else {
            expect = (e != NULL) ? KERN_NAME_EXISTS : KERN_SUCCESS;
        }
        ipc_model_check_kr(m, "alloc_name", kr, expect);
        if (kr == KERN_SUCCESS && expect == KERN_SUCCESS) {
            ipc_model_fill(m, s, ipc_model_add(s, name), right);
        }
        break;
    case IPC_MODEL_INSERT:
    case IPC_MODEL_COPYOUT: {
        int port = ipc_model_pick_port(m, b[5]);
        bool insert = b[0] % IPC_MODEL_NR_OPS == IPC_MODEL_INSERT;

        if (port < 0 || s->nr_entries == IPC_MODEL_NAMES) {
            break;
        }
        right = (b[3] & 1) ? MACH_PORT_RIGHT_SEND : MACH_PORT_RIGHT_SEND_ONCE;
        if (b[3] % 16 == 15) {
            right = b[3] % (MACH_PORT_RIGHT_NUMBER + 1);   /* sometimes another right */
        }
        if (insert) {
            kr = ipc_right_insert(s->real, name, m->ports[port].real, right);
            got_name = name;
        } else {
            kr = ipc_right_copyout(s->real, m->ports[port].real, right, &got_name);
        }
        if ((right != MACH_PORT_RIGHT_SEND && right != MACH_PORT_RIGHT_SEND_ONCE)
            || (insert && !MACH_PORT_VALID(name))) {
            expect = KERN_INVALID_VALUE;
        } else {
            expect = ipc_model_give(m, s, insert ? name : MACH_PORT_NULL, port, right,
                                    &expect_name);
        }
        ipc_model_check_kr(m, insert ? "insert" : "copyout", kr, expect);
        if (kr == KERN_SUCCESS && expect == KERN_SUCCESS && got_name != expect_name) {
            ipc_model_fail(m, "%s named %u, expected %u", insert ? "insert" : "copyout",
                           got_name, expect_name);
        }
        break;
    }
    case IPC_MODEL_TYPE: {
        mach_port_type_t type = 0;

        kr = ipc_right_type(s->real, name, &type);
        ipc_model_check_kr(m, "type", kr, (e != NULL) ? KERN_SUCCESS : KERN_INVALID_NAME);
        if (kr == KERN_SUCCESS && e != NULL && type != e->type) {
            ipc_model_fail(m, "type of %u is 0x%x, expected 0x%x", name, type, e->type);
        }
        break;
    }
    case IPC_MODEL_GET_REFS: {
        mach_port_urefs_t refs = 0, expect_refs = 0;

        kr = ipc_right_get_refs(s->real, name, right, &refs);
        if (right >= MACH_PORT_RIGHT_NUMBER) {
            expect = KERN_INVALID_VALUE;
        } else if (e == NULL) {
            expect = KERN_INVALID_NAME;
        } else {
            expect = KERN_SUCCESS;
            if (e->type & MACH_PORT_TYPE(right)) {
                expect_refs = (right == MACH_PORT_RIGHT_SEND
                               || right == MACH_PORT_RIGHT_DEAD_NAME) ? e->urefs : 1;
            }
        }
        ipc_model_check_kr(m, "get_refs", kr, expect);
        if (kr == KERN_SUCCESS && expect == KERN_SUCCESS && refs != expect_refs) {
            ipc_model_fail(m, "refs of %u right %u: %u, expected %u", name, right, refs,
                           expect_refs);
        }
        break;
    }
    case IPC_MODEL_MOD_REFS: {
        mach_port_delta_t delta = ipc_model_pick_delta(b[4]);

        kr = ipc_right_mod_refs(s->real, name, right, delta);
        if (right >= MACH_PORT_RIGHT_NUMBER) {
            expect = KERN_INVALID_VALUE;
        } else if (e == NULL) {
            expect = KERN_INVALID_NAME;
        } else {
            expect = ipc_model_mod_refs(m, s, e, right, delta);
        }
        ipc_model_check_kr(m, "mod_refs", kr, expect);
        break;
    }
    case IPC_MODEL_DEALLOCATE:
        kr = ipc_right_deallocate(s->real, name);
        if (e == NULL) {
            expect = KERN_INVALID_NAME;
        } else if (e->type & MACH_PORT_TYPE_SEND_ONCE) {
            expect = KERN_SUCCESS;
            ipc_model_del(m, s, e);
        } else if (e->type & (MACH_PORT_TYPE_SEND | MACH_PORT_TYPE_DEAD_NAME)) {
            expect = ipc_model_mod_refs(m, s, e, (e->type & MACH_PORT_TYPE_SEND)
                                        ? MACH_PORT_RIGHT_SEND : MACH_PORT_RIGHT_DEAD_NAME,
                                        -1);
        } else {
            expect = KERN_INVALID_RIGHT;
        }
        ipc_model_check_kr(m, "deallocate", kr, expect);
        break;
    case IPC_MODEL_DESTROY:
        kr = ipc_right_destroy(s->real, name);
        ipc_model_check_kr(m, "destroy", kr, (e != NULL) ? KERN_SUCCESS : KERN_INVALID_NAME);
        if (e != NULL) {
            ipc_model_clean(m, s, e);
        }
        break;
    case IPC_MODEL_RENAME: {
        mach_port_name_t new_name = ipc_model_pick_name(s, b[6]);

        kr = ipc_right_rename(s->real, name, new_name);
        if (!MACH_PORT_VALID(new_name)) {
            expect = KERN_INVALID_VALUE;
        } else if (e == NULL) {
            expect = KERN_INVALID_NAME;
        } else if (ipc_model_lookup(s, new_name) != NULL) {
            expect = KERN_NAME_EXISTS;
        } else {
            expect = KERN_SUCCESS;
            e->name = new_name;
        }
        ipc_model_check_kr(m, "rename", kr, expect);
        break;
    }
    case IPC_MODEL_LIST: {
        mach_port_name_t names[8];
        mach_port_type_t types[8];
        unsigned long count = 0;

        kr = ipc_right_names(s->real, names, types, b[4] % 9, &count);
        ipc_model_check_kr(m, "names", kr, KERN_SUCCESS);
        if (count != s->nr_entries) {
            ipc_model_fail(m, "names: %lu names, expected %u", count, s->nr_entries);
        }
        for (unsigned long i = 0; i + 1 < MIN(count, (unsigned long)b[4] % 9); i++) {
            if (names[i] >= names[i + 1]) {
                ipc_model_fail(m, "names: not in increasing order");
            }
        }
        for (unsigned long i = 0; i < MIN(count, (unsigned long)b[4] % 9); i++) {
            e = ipc_model_lookup(s, names[i]);
            if (e == NULL || e->type != types[i]) {
                ipc_model_fail(m, "names: name %u type 0x%x unexpected", names[i], types[i]);
            }
        }
        break;
    }
    default:
        if (b[7] % 8 == 0) {            /* keep spaces around for a while */
            ipc_model_space_reset(m, s);
        }
        break;
    }
}

/* ---------------------------------------------------------------- whole state */

static int
ipc_model_entry_cmp(const void *a, const void *b)
{
    const struct ipc_model_entry *x = a, *y = b;

    return (x->name > y->name) - (x->name < y->name);
}

/* Compare every space and port with the model; false on the first mismatch. */
static bool
ipc_model_check(struct ipc_model *m)
{
    static mach_port_name_t names[IPC_MODEL_NAMES];
    static mach_port_type_t types[IPC_MODEL_NAMES];
    unsigned int srights[IPC_MODEL_PORTS], sorights[IPC_MODEL_PORTS];
    struct ipc_port_stats stats;

    memset(srights, 0, m->nr_ports * sizeof(srights[0]));
    memset(sorights, 0, m->nr_ports * sizeof(sorights[0]));
    for (unsigned int i = 0; i < IPC_MODEL_SPACES; i++) {
        struct ipc_model_space *s = &m->spaces[i];
        unsigned long count;

        qsort(s->entries, s->nr_entries, sizeof(s->entries[0]), ipc_model_entry_cmp);
        ipc_right_names(s->real, names, types, IPC_MODEL_NAMES, &count);
        if (count != s->nr_entries || rdxtree_nr_values(&s->real->names) != count) {
            ipc_model_fail(m, "space %u: %lu names, expected %u", i, count, s->nr_entries);
            return false;
        }
        for (unsigned int j = 0; j < s->nr_entries; j++) {
            struct ipc_model_entry *e = &s->entries[j];
            struct ipc_entry *real = ipc_entry_lookup(s->real, e->name);

            if (names[j] != e->name || types[j] != e->type || real == NULL
                || real->name != e->name || real->urefs != e->urefs
                || (e->port >= 0 && real->object != m->ports[e->port].real)
                || ((e->type & MACH_PORT_TYPE_DEAD_NAME) && real->object != NULL)) {
                ipc_model_fail(m, "space %u name %u: type 0x%x urefs %u, expected "
                               "name %u type 0x%x urefs %u", i, names[j], types[j],
                               real ? real->urefs : 0, e->name, e->type, e->urefs);
                return false;
            }
            if (e->type & MACH_PORT_TYPE_SEND) {
                srights[e->port]++;
            }
            if (e->type & MACH_PORT_TYPE_SEND_ONCE) {
                sorights[e->port]++;
            }
            if (e->type & MACH_PORT_TYPE_RECEIVE) {
                struct ipc_port *port = m->ports[e->port].real;

                if (port->receiver != s->real || port->receiver_name != e->name) {
                    ipc_model_fail(m, "space %u name %u: port's receiver wrong", i, e->name);
                    return false;
                }
            }
        }
    }
    /* Every dead right was converted by ipc_right_names(): counts are exact. */
    for (unsigned int p = 0; p < m->nr_ports; p++) {
        struct ipc_port *port = m->ports[p].real;
        unsigned int refs, notified = m->ports[p].notified;

        sorights[p] += notified;        /* each queued notification holds its right */
        refs = 1 + m->ports[p].active + srights[p] + sorights[p];
        if (port->active != m->ports[p].active || port->srights != srights[p]
            || port->mqueue.nr_messages != notified
            || port->sorights != sorights[p] || port->refs != refs
            || (!port->active && (port->receiver != NULL || !list_empty(&port->holders)))) {
            ipc_model_fail(m, "port %u: active %d srights %u sorights %u refs %u, expected "
                           "%d %u %u %u", p, port->active, port->srights, port->sorights,
                           port->refs, m->ports[p].active, srights[p], sorights[p], refs);
            return false;
        }
    }
    ipc_port_stats_get(&stats);
    if (stats.nr_psets != m->nr_psets || stats.nr_ports != m->nr_ports) {
        ipc_model_fail(m, "%lu ports and %lu port sets, expected %u and %lu", stats.nr_ports,
                       stats.nr_psets, m->nr_ports, m->nr_psets);
        return false;
    }
    return m->error[0] == '\0';
}

static void
ipc_model_init(struct ipc_model *m)
{
    memset(m, 0, sizeof(*m));
    for (unsigned int i = 0; i < IPC_MODEL_SPACES; i++) {
        if (ipc_space_create(&m->spaces[i].real) != KERN_SUCCESS) {
            ipc_model_fail(m, "ipc_space_create failed");
        }
    }
}

/* Destroy every space and drop the model's port references: all must go. */
static bool
ipc_model_fini(struct ipc_model *m)
{
    struct ipc_port_stats stats;

    for (unsigned int i = 0; i < IPC_MODEL_SPACES; i++) {
        struct ipc_model_space *s = &m->spaces[i];

        ipc_space_destroy(s->real);
        while (s->nr_entries > 0) {
            ipc_model_clean(m, s, &s->entries[s->nr_entries - 1]);
        }
    }
    for (unsigned int p = 0; p < m->nr_ports; p++) {
        struct ipc_port *port = m->ports[p].real;

        if (port->active || port->refs != 1 || port->srights != 0 || port->sorights != 0) {
            ipc_model_fail(m, "port %u left active %d, refs %u after its spaces", p,
                           port->active, port->refs);
        }
        ipc_port_unref(port);
    }
    ipc_port_stats_get(&stats);
    if (stats.nr_ports != 0 || stats.nr_psets != 0) {
        ipc_model_fail(m, "%lu ports, %lu port sets left", stats.nr_ports, stats.nr_psets);
    }
    return m->error[0] == '\0';
}

#endif /* TESTS_UNIT_IPC_MODEL_H */
