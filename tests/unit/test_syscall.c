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
#include <ipc/mach_msg.h>
#include <kern/mach_trap.h>
#include <kern/syscall.h>
#include <kern/thread_state.h>
#include "tests/unit/tap.h"

/* Recording stubs of the implemented traps. */
static const char *called;
static uint32_t called_args[SYSCALL_MAX_ARGS];

#define RECORD(name, ...) do {                                          \
        uint32_t a_[] = { 0, __VA_ARGS__ };                             \
        called = (name);                                                \
        memcpy(called_args, a_ + 1, sizeof(a_) - sizeof(a_[0]));        \
    } while (0)
#define UW(ptr) ((uint32_t)(uintptr_t)(ptr))

mach_port_name_t mach_reply_port(void) { called = "mach_reply_port"; return 0x2026; }

mach_msg_return_t
mach_msg_trap(uintptr_t msg, mach_msg_option_t option, mach_msg_size_t send_size,
              mach_msg_size_t rcv_size, mach_port_name_t rcv_name, mach_msg_timeout_t timeout,
              mach_port_name_t notify)
{
    RECORD("mach_msg_trap", (uint32_t)msg, option, send_size, rcv_size, rcv_name, timeout,
           notify);
    return 0x2025;
}
mach_port_name_t mach_thread_self(void) { called = "mach_thread_self"; return 0x2027; }
mach_port_name_t mach_task_self(void) { called = "mach_task_self"; return 0x2028; }
mach_port_name_t mach_host_self(void) { called = "mach_host_self"; return 0x2029; }

kern_return_t
syscall_vm_map(mach_port_name_t target, void *uaddr, uint32_t size, uint32_t mask,
               uint32_t anywhere, mach_port_name_t memory_object, uint32_t offset,
               uint32_t copy, uint32_t cur_prot, uint32_t max_prot, uint32_t inherit)
{
    RECORD("vm_map", target, UW(uaddr), size, mask, anywhere, memory_object, offset,
           copy, cur_prot, max_prot, inherit);
    return 0x2064;
}

kern_return_t
syscall_vm_allocate(mach_port_name_t target, void *uaddr, uint32_t size, uint32_t anywhere)
{
    RECORD("vm_allocate", target, UW(uaddr), size, anywhere);
    return 0x2065;
}

kern_return_t
syscall_vm_deallocate(mach_port_name_t target, uint32_t addr, uint32_t size)
{
    RECORD("vm_deallocate", target, addr, size);
    return 0x2066;
}

kern_return_t
syscall_task_create(mach_port_name_t parent, uint32_t inherit_memory, void *uchild)
{
    RECORD("task_create", parent, inherit_memory, UW(uchild));
    return 0x2068;
}

kern_return_t
syscall_task_terminate(mach_port_name_t task)
{
    RECORD("task_terminate", task);
    return 0x2069;
}

kern_return_t
syscall_task_suspend(mach_port_name_t task)
{
    RECORD("task_suspend", task);
    return 0x2070;
}

kern_return_t
syscall_task_set_special_port(mach_port_name_t task, uint32_t which, mach_port_name_t port)
{
    RECORD("task_set_special_port", task, which, port);
    return 0x2071;
}

kern_return_t
syscall_mach_port_allocate(mach_port_name_t task, uint32_t right, void *uname)
{
    RECORD("mach_port_allocate", task, right, UW(uname));
    return 0x2072;
}

kern_return_t
syscall_mach_port_deallocate(mach_port_name_t task, mach_port_name_t name)
{
    RECORD("mach_port_deallocate", task, name);
    return 0x2073;
}

kern_return_t
syscall_mach_port_insert_right(mach_port_name_t task, mach_port_name_t name,
                               mach_port_name_t right, uint32_t type)
{
    RECORD("mach_port_insert_right", task, name, right, type);
    return 0x2074;
}

kern_return_t
syscall_mach_port_allocate_name(mach_port_name_t task, uint32_t right, mach_port_name_t name)
{
    RECORD("mach_port_allocate_name", task, right, name);
    return 0x2075;
}

kern_return_t
syscall_thread_depress_abort(mach_port_name_t thread)
{
    RECORD("thread_depress_abort", thread);
    return 0x2076;
}

kern_return_t
thread_set_self_state(int flavor, const void *ustate, natural_t count)
{
    RECORD("thread_set_self_state", (uint32_t)flavor, UW(ustate), count);
    return 0x2077;
}

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

enum kind { INVALID, NULL_PORT, STUB4, IMPL };

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
        m.kind = NULL_PORT;
        m.result = 0;
        break;
    case 26:
        m = (struct model){ IMPL, 0, "mach_reply_port", 0x2026 };
        break;
    case 27:
        m = (struct model){ IMPL, 0, "mach_thread_self", 0x2027 };
        break;
    case 28:
        m = (struct model){ IMPL, 0, "mach_task_self", 0x2028 };
        break;
    case 29:
        m = (struct model){ IMPL, 0, "mach_host_self", 0x2029 };
        break;
    case 17: case 18:
        m.nargs = 1;
        break;
    case 25:
        m = (struct model){ IMPL, 7, "mach_msg_trap", 0x2025 };
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
        m = (struct model){ IMPL, 11, "vm_map", 0x2064 };
        break;
    case 65:
        m = (struct model){ IMPL, 4, "vm_allocate", 0x2065 };
        break;
    case 66:
        m = (struct model){ IMPL, 3, "vm_deallocate", 0x2066 };
        break;
    case 68:
        m = (struct model){ IMPL, 3, "task_create", 0x2068 };
        break;
    case 69:
        m = (struct model){ IMPL, 1, "task_terminate", 0x2069 };
        break;
    case 70:
        m = (struct model){ IMPL, 1, "task_suspend", 0x2070 };
        break;
    case 71:
        m = (struct model){ IMPL, 3, "task_set_special_port", 0x2071 };
        break;
    case 72:
        m = (struct model){ IMPL, 3, "mach_port_allocate", 0x2072 };
        break;
    case 73:
        m = (struct model){ IMPL, 2, "mach_port_deallocate", 0x2073 };
        break;
    case 74:
        m = (struct model){ IMPL, 4, "mach_port_insert_right", 0x2074 };
        break;
    case 75:
        m = (struct model){ IMPL, 3, "mach_port_allocate_name", 0x2075 };
        break;
    case 76:
        m = (struct model){ IMPL, 1, "thread_depress_abort", 0x2076 };
        break;
    case 77:
        m = (struct model){ IMPL, 3, "thread_set_self_state", 0x2077 };
        break;
    }
    if (m.kind == INVALID && m.nargs != 0) {
        m.kind = STUB4;
    }
    return m;
}

static bool
check_one(int64_t eax)
{
    const struct syscall_entry *e = syscall_lookup((uint32_t)eax);
    uint32_t args[SYSCALL_MAX_ARGS];
    struct model m;
    uint32_t r;

    if (eax > 0 || eax < -129) {
        return e == NULL;
    }
    if (e == NULL) {
        return false;
    }
    for (unsigned int i = 0; i < SYSCALL_MAX_ARGS; i++) {
        args[i] = 0xa0 + i;
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
    tap_check(named == 32, "32 named slots (6 null_port, 4 self ports, 4 scheduling and print, "
              "12 syscall_*, evc x2, mach_msg, device x2, set_self_state): %u", named);
    return tap_done();
}
