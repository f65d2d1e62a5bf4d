/* SPDX-License-Identifier: GPL-2.0-or-later */
/*
 * mach_i386.defs server routines (see mach_i386.h).
 *
 * The TLS slots themselves are the pcb's (pcb_user_tls_set(), loaded
 * by pcb_switch()). What this adds is GNU Mach's selector rules and the
 * safety of the thread's saved state: a slot that one of its saved
 * segment registers names may only receive a descriptor that register
 * can still load, since the way back to user mode reloads every segment
 * register (a fault there becomes a user exception,
 * trap_user_exit_fault(), as in GNU Mach, which takes such descriptors;
 * refusing them tells the caller at once). Other threads are stopped
 * around the change, as thread_set_state does.
 */
#include <stdbool.h>
#include <stddef.h>
#include <stdint.h>

#include <i386/gdt.h>
#include <i386/mach_i386.h>
#include <i386/pcb.h>
#include <include/mach/kern_return.h>
#include <kern/thread.h>
#include <kern/thread_control.h>

/* The TLS slot of selector, or GDT_USER_TLS_SLOTS when it names none. */
static unsigned int
mach_i386_gdt_slot(int selector)
{
    uint32_t sel = (uint32_t)selector;

    if ((sel & 7) != 3 || sel < GDT_USER_TLS
        || sel >= GDT_USER_TLS + GDT_USER_TLS_SLOTS * 8) {
        return GDT_USER_TLS_SLOTS;
    }
    return (sel - GDT_USER_TLS) >> 3;
}

static bool
mach_i386_desc_present(uint64_t desc)
{
    return (desc & ((uint64_t)0x80 << 40)) != 0;
}

/* The slot to set (and its selector) on a stopped thread or the caller. */
static kern_return_t
mach_i386_gdt_set_stopped(struct thread *thread, int *selector, uint64_t desc)
{
    unsigned int slot;

    if (*selector == -1) {
        for (slot = 0; slot < GDT_USER_TLS_SLOTS; slot++) {
            if (!mach_i386_desc_present(thread->pcb.user_tls[slot])) {
                break;
            }
        }
        if (slot == GDT_USER_TLS_SLOTS) {
            return KERN_NO_SPACE;
        }
    } else {
        slot = mach_i386_gdt_slot(*selector);
        if (slot == GDT_USER_TLS_SLOTS) {
            return KERN_INVALID_ARGUMENT;
        }
    }
    if (!gdt_user_desc_valid(desc)) {
        return KERN_INVALID_ARGUMENT;
    }
    if (!mach_i386_desc_present(desc)) {
        desc = 0;
    }
    if (!pcb_user_tls_fits(thread, slot, desc)) {
        return KERN_INVALID_ARGUMENT;
    }
    if (pcb_user_tls_set(thread, slot, desc) != 0) {
        return KERN_INVALID_ARGUMENT;
    }
    *selector = (int)(GDT_USER_TLS + slot * 8 + 3);
    return KERN_SUCCESS;
}

kern_return_t
i386_set_gdt(struct thread *thread, int *selector, descriptor_t desc)
{
    uint64_t d = desc.low_word | ((uint64_t)desc.high_word << 32);
    kern_return_t kr;

    if (thread == NULL) {
        return KERN_INVALID_ARGUMENT;
    }
    if (thread == thread_self()) {
        return mach_i386_gdt_set_stopped(thread, selector, d);
    }
    kr = thread_suspend(thread);
    if (kr != KERN_SUCCESS) {
        return kr;
    }
    kr = thread->stopped ? mach_i386_gdt_set_stopped(thread, selector, d) : KERN_FAILURE;
    thread_resume(thread);
    return kr;
}

kern_return_t
i386_get_gdt(struct thread *thread, int selector, descriptor_t *desc)
{
    unsigned int slot;
    uint64_t d;

    if (thread == NULL) {
        return KERN_INVALID_ARGUMENT;
    }
    slot = mach_i386_gdt_slot(selector);
    if (slot == GDT_USER_TLS_SLOTS) {
        return KERN_INVALID_ARGUMENT;
    }
    d = thread->pcb.user_tls[slot];         /* a snapshot, as GNU Mach reads it */
    desc->low_word = (uint32_t)d;
    desc->high_word = (uint32_t)(d >> 32);
    return KERN_SUCCESS;
}

kern_return_t
i386_get_xstate_size(struct host *host, natural_t *size)
{
    if (host == NULL) {
        return KERN_INVALID_ARGUMENT;
    }
    *size = pcb_xstate_size();
    return KERN_SUCCESS;
}
