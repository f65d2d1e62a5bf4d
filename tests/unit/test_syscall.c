/* SPDX-License-Identifier: GPL-2.0-or-later */
/*
 * Host test of kern/syscall.c against a model of GNU Mach's trap table
 * written from MACH-ABI.md 1.3-1.4 (not from the table itself): every
 * %eax from -300 to 300 and the extremes is looked up; out-of-range
 * numbers must give NULL, every other one the right kind of entry, the
 * right argument count and, called, the right result or the right
 * implementation with its arguments in order.
 */
#include <stdbool.h>
#include <stddef.h>
#include <stdint.h>
#include <string.h>

#include <include/mach/kern_return.h>
#include <kern/syscall.h>
#include "tests/unit/tap.h"

#define SEND_INTERRUPTED        0x10000007u

/* Recording stubs of the implemented traps. */
static const char *called;
static uint32_t called_args[3];

uint32_t
syscall_mach_print(uintptr_t ustr)
{
    called = "mach_print";
    called_args[0] = (uint32_t)ustr;
    return 0x1001;
}

uint32_t
syscall_swtch(void)
{
    called = "swtch";
    return 0x1002;
}

uint32_t
syscall_swtch_pri(int pri)
{
    called = "swtch_pri";
    called_args[0] = (uint32_t)pri;
    return 0x1003;
}

uint32_t
syscall_thread_switch(uint32_t name, uint32_t option, uint32_t time_ms)
{
    called = "thread_switch";
    called_args[0] = name;
    called_args[1] = option;
    called_args[2] = time_ms;
    return 0x1004;
}

enum kind { INVALID, NULL_PORT, NO_TASK, STUB4, IMPL };

struct model {
    enum kind kind;
    unsigned int nargs;
    const char *impl;
    uint32_t result;
};

/* What trap number -n must be, from the ABI fact sheet. */
static struct model
model_of(int n)
{
    struct model m = { INVALID, 0, NULL, KERN_INVALID_ARGUMENT };

    switch (n) {
    case 10: case 11: case 12: case 13: case 55: case 56:
    case 26: case 27: case 28: case 29:
        m.kind = NULL_PORT;
        m.result = 0;
        break;
    case 17: case 18: case 69: case 70: case 76:
        m.nargs = 1;
        break;
    case 25:
        m.nargs = 7;
        break;
    case 39: case 40:
        m.nargs = 6;
        break;
    case 30:
        m = (struct model){ IMPL, 1, "mach_print", 0x1001 };
        break;
    case 59:
        m = (struct model){ IMPL, 1, "swtch_pri", 0x1003 };
        break;
    case 60:
        m = (struct model){ IMPL, 0, "swtch", 0x1002 };
        break;
    case 61:
        m = (struct model){ IMPL, 3, "thread_switch", 0x1004 };
        break;
    case 64:
        m.nargs = 11;
        break;
    case 65: case 74:
        m.nargs = 4;
        break;
    case 66: case 68: case 71: case 72: case 75: case 77:
        m.nargs = 3;
        break;
    case 73:
        m.nargs = 2;
        break;
    }
    if ((n >= 64 && n <= 76 && n != 67)) {
        m.kind = NO_TASK;
        m.result = SEND_INTERRUPTED;
    } else if (m.kind == INVALID && m.nargs != 0) {
        m.kind = STUB4;
    }
    return m;
}

static bool
check_one(int64_t eax)
{
    const struct syscall_entry *e = syscall_lookup((uint32_t)eax);
    uint32_t args[SYSCALL_MAX_ARGS] = { 0xa0, 0xa1, 0xa2, 0xa3 };
    struct model m;
    uint32_t r;

    if (eax > 0 || eax < -129) {
        return e == NULL;
    }
    if (e == NULL) {
        return false;
    }
    m = model_of((int)-eax);
    called = NULL;
    memset(called_args, 0, sizeof(called_args));
    r = e->fn(args);
    if (r != m.result || e->nargs != m.nargs || e->nargs > SYSCALL_MAX_ARGS) {
        return false;
    }
    if (m.kind != IMPL) {
        return called == NULL;
    }
    if (called == NULL || strcmp(called, m.impl) != 0) {
        return false;
    }
    for (unsigned int i = 0; i < m.nargs; i++) {
        if (called_args[i] != args[i]) {
            return false;
        }
    }
    return true;
}

int
main(void)
{
    unsigned int bad = 0, named = 0;

    for (int64_t eax = -300; eax <= 300; eax++) {
        if (!check_one(eax)) {
            tap_diag("trap %lld does not follow the model", (long long)eax);
            bad++;
        }
    }
    TAP_CHECK(bad == 0);
    tap_check(check_one(INT32_MAX) && check_one(INT32_MIN) && check_one(-1LL * 0x7fffffff),
              "extremes: out of range, no wrap-around");
    tap_check(syscall_lookup((uint32_t)-130) == NULL, "-130 is out of range (GNU Mach reads past its table)");
    tap_check(syscall_lookup((uint32_t)-129) != NULL, "-129 is the last entry");
    tap_check(syscall_lookup(1) == NULL, "positive numbers are out of range");
    tap_check(syscall_lookup(0) != NULL && syscall_lookup(0)->fn(NULL) == KERN_INVALID_ARGUMENT,
              "0 is kern_invalid");
    for (int n = 0; n < SYSCALL_NR; n++) {
        const struct syscall_entry *e = syscall_lookup((uint32_t)-n);

        named += e->name != NULL && strcmp(e->name, "kern_invalid") != 0;
    }
    tap_check(named == 32, "32 named slots (6 null_port, 4 self ports, 4 implemented, "
              "12 syscall_*, evc x2, mach_msg, device x2, set_self_state): %u", named);
    return tap_done();
}
