/* SPDX-License-Identifier: GPL-2.0-or-later */
/*
 * The Mach trap table, numbered as GNU Mach's (kern/syscall_sw.c there;
 * MACH-ABI.md 1.3-1.4). Rules:
 *
 *  - %eax holds the negated number; -%eax is the index. A positive %eax
 *    gives an index past the table (unsigned), as does anything below
 *    -129: out of range, an invalid-instruction exception. GNU Mach's
 *    bound check lets -130 read one entry past its table; here -130 is
 *    out of range too.
 *  - Slots nobody implements return KERN_INVALID_ARGUMENT (GNU Mach's
 *    kern_invalid), with no arguments copied; an empty slot here is a
 *    zero entry.
 *  - The null_port slots (-10..-13, -55, -56) return 0 (MACH_PORT_NULL).
 *  - The task, port and VM traps are kern/mach_trap.c's (GNU Mach's
 *    semantics, MACH_SEND_INTERRUPTED when the first argument names no
 *    task). Traps that need messages or objects that do not exist yet
 *    keep their argument count (so a bad user stack faults as it will
 *    later) and return GNU Mach's answer for a missing object.
 */
#include <stddef.h>
#include <stdint.h>

#include <include/mach/kern_return.h>
#include <ipc/mach_msg.h>
#include <kern/mach_trap.h>
#include <kern/syscall.h>
#include <kern/thread_state.h>

static uint32_t
syscall_kern_invalid(const uint32_t *args)
{
    (void)args;
    return KERN_INVALID_ARGUMENT;
}

static uint32_t
syscall_null_port(const uint32_t *args)
{
    (void)args;
    return 0;
}

/*
 * The task, port and VM traps (kern/mach_trap.c): each entry turns the
 * user's argument words into the trap's parameters. Pointers stay user
 * addresses; the traps copy through them with copyin/copyout.
 */
#define SYSCALL_UPTR(word)      ((void *)(uintptr_t)(word))

static uint32_t
syscall_mach_reply_port_entry(const uint32_t *args)
{
    (void)args;
    return mach_reply_port();
}

static uint32_t
syscall_mach_thread_self_entry(const uint32_t *args)
{
    (void)args;
    return mach_thread_self();
}

static uint32_t
syscall_mach_task_self_entry(const uint32_t *args)
{
    (void)args;
    return mach_task_self();
}

static uint32_t
syscall_mach_host_self_entry(const uint32_t *args)
{
    (void)args;
    return mach_host_self();
}

static uint32_t
syscall_vm_map_entry(const uint32_t *args)
{
    return syscall_vm_map(args[0], SYSCALL_UPTR(args[1]), args[2], args[3], args[4],
                          args[5], args[6], args[7], args[8], args[9], args[10]);
}

static uint32_t
syscall_vm_allocate_entry(const uint32_t *args)
{
    return syscall_vm_allocate(args[0], SYSCALL_UPTR(args[1]), args[2], args[3]);
}

static uint32_t
syscall_vm_deallocate_entry(const uint32_t *args)
{
    return syscall_vm_deallocate(args[0], args[1], args[2]);
}

static uint32_t
syscall_task_create_entry(const uint32_t *args)
{
    return syscall_task_create(args[0], args[1], SYSCALL_UPTR(args[2]));
}

static uint32_t
syscall_task_terminate_entry(const uint32_t *args)
{
    return syscall_task_terminate(args[0]);
}

static uint32_t
syscall_task_suspend_entry(const uint32_t *args)
{
    return syscall_task_suspend(args[0]);
}

static uint32_t
syscall_task_set_special_port_entry(const uint32_t *args)
{
    return syscall_task_set_special_port(args[0], args[1], args[2]);
}

static uint32_t
syscall_mach_port_allocate_entry(const uint32_t *args)
{
    return syscall_mach_port_allocate(args[0], args[1], SYSCALL_UPTR(args[2]));
}

static uint32_t
syscall_mach_port_deallocate_entry(const uint32_t *args)
{
    return syscall_mach_port_deallocate(args[0], args[1]);
}

static uint32_t
syscall_mach_port_insert_right_entry(const uint32_t *args)
{
    return syscall_mach_port_insert_right(args[0], args[1], args[2], args[3]);
}

static uint32_t
syscall_mach_port_allocate_name_entry(const uint32_t *args)
{
    return syscall_mach_port_allocate_name(args[0], args[1], args[2]);
}

static uint32_t
syscall_thread_depress_abort_entry(const uint32_t *args)
{
    return syscall_thread_depress_abort(args[0]);
}

static uint32_t
syscall_mach_msg_entry(const uint32_t *args)
{
    return mach_msg_trap(args[0], args[1], args[2], args[3], args[4], args[5], args[6]);
}

static uint32_t
syscall_mach_print_entry(const uint32_t *args)
{
    return syscall_mach_print(args[0]);
}

static uint32_t
syscall_swtch_pri_entry(const uint32_t *args)
{
    return syscall_swtch_pri((int)args[0]);
}

static uint32_t
syscall_swtch_entry(const uint32_t *args)
{
    (void)args;
    return syscall_swtch();
}

static uint32_t
syscall_thread_switch_entry(const uint32_t *args)
{
    return syscall_thread_switch(args[0], args[1], args[2]);
}

static uint32_t
syscall_thread_set_self_state_entry(const uint32_t *args)
{
    return thread_set_self_state((int)args[0], SYSCALL_UPTR(args[1]), args[2]);
}

static const struct syscall_entry syscall_table[SYSCALL_NR] = {
    /* 0..9 and every slot not listed: kern_invalid. */
    [10] = { syscall_null_port, 0, "null_port" },
    [11] = { syscall_null_port, 0, "null_port" },
    [12] = { syscall_null_port, 0, "null_port" },
    [13] = { syscall_null_port, 0, "null_port" },
    /* Event counters: none exist, so every id is invalid. */
    [17] = { syscall_kern_invalid, 1, "evc_wait" },
    [18] = { syscall_kern_invalid, 1, "evc_wait_clear" },
    [25] = { syscall_mach_msg_entry, 7, "mach_msg_trap" },
    /* Rights to the caller's own ports: 0 (MACH_PORT_NULL) on failure. */
    [26] = { syscall_mach_reply_port_entry, 0, "mach_reply_port" },
    [27] = { syscall_mach_thread_self_entry, 0, "mach_thread_self" },
    [28] = { syscall_mach_task_self_entry, 0, "mach_task_self" },
    [29] = { syscall_mach_host_self_entry, 0, "mach_host_self" },
    [30] = { syscall_mach_print_entry, 1, "mach_print" },
    /* Device fast paths: no devices yet; kern_invalid's answer. */
    [39] = { syscall_kern_invalid, 6, "syscall_device_writev_request" },
    [40] = { syscall_kern_invalid, 6, "syscall_device_write_request" },
    [55] = { syscall_null_port, 0, "null_port" },
    [56] = { syscall_null_port, 0, "null_port" },
    [59] = { syscall_swtch_pri_entry, 1, "swtch_pri" },
    [60] = { syscall_swtch_entry, 0, "swtch" },
    [61] = { syscall_thread_switch_entry, 3, "thread_switch" },
    [64] = { syscall_vm_map_entry, 11, "syscall_vm_map" },
    [65] = { syscall_vm_allocate_entry, 4, "syscall_vm_allocate" },
    [66] = { syscall_vm_deallocate_entry, 3, "syscall_vm_deallocate" },
    [68] = { syscall_task_create_entry, 3, "syscall_task_create" },
    [69] = { syscall_task_terminate_entry, 1, "syscall_task_terminate" },
    [70] = { syscall_task_suspend_entry, 1, "syscall_task_suspend" },
    [71] = { syscall_task_set_special_port_entry, 3, "syscall_task_set_special_port" },
    [72] = { syscall_mach_port_allocate_entry, 3, "syscall_mach_port_allocate" },
    [73] = { syscall_mach_port_deallocate_entry, 2, "syscall_mach_port_deallocate" },
    [74] = { syscall_mach_port_insert_right_entry, 4, "syscall_mach_port_insert_right" },
    [75] = { syscall_mach_port_allocate_name_entry, 3, "syscall_mach_port_allocate_name" },
    [76] = { syscall_thread_depress_abort_entry, 1, "syscall_thread_depress_abort" },
    /* On success returns straight into the new state (kern/thread_state.h). */
    [77] = { syscall_thread_set_self_state_entry, 3, "thread_set_self_state" },
    /* -80..-95 (nw_*) are kern_invalid in GNU Mach's table too. */
};

static const struct syscall_entry syscall_invalid = {
    syscall_kern_invalid, 0, "kern_invalid"
};

const struct syscall_entry *
syscall_lookup(uint32_t eax)
{
    uint32_t n = -eax;

    if (n >= SYSCALL_NR) {
        return NULL;
    }
    return syscall_table[n].fn != NULL ? &syscall_table[n] : &syscall_invalid;
}
