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
 *
 * LDT entries (i386_set_ldt/i386_get_ldt) also belong to the thread: its
 * own table (pcb.ldt, kmem), made on its first i386_set_ldt as a copy of
 * the shared LDT and grown by copying, loaded by every switch to it
 * (gdt_ldt_load()). GNU Mach's descriptor rules, stricter in two ways:
 * indexes 0-3 (the call gate, user code and data) are refused for every
 * thread, not only the caller, and a DPL-3 call gate is refused (its
 * target would be any selector and offset, the kernel's code included);
 * a DPL-0 call gate still becomes the system-call gate, as in GNU Mach.
 * A saved segment register that names a changed entry is not checked:
 * a fault on the way back to user mode becomes a user exception.
 */
#include <stdbool.h>
#include <stddef.h>
#include <stdint.h>

#include <i386/gdt.h>
#include <i386/mach_i386.h>
#include <i386/pcb.h>
#include <include/mach/kern_return.h>
#include <kern/kmem.h>
#include <kern/mig_kernel.h>
#include <kern/string.h>
#include <kern/thread.h>
#include <kern/thread_control.h>
#include <vm/vm_copy.h>

#include "mach_i386_S.h"
#include "mach_i386_ext_S.h"

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

#define MACH_I386_LDT_MAX       8192        /* descriptors an LDT can hold */
#define MACH_I386_DESC_L        ((uint64_t)0x2 << 52)   /* 64-bit code segment */

static uint64_t
mach_i386_desc(descriptor_t d)
{
    return d.low_word | ((uint64_t)d.high_word << 32);
}

/*
 * Whether desc may go in an LDT entry, and what is stored: an empty
 * descriptor as given, a DPL-0 call gate as the system-call gate, a
 * DPL-3 code or data segment (not 64-bit) as given.
 */
static bool
mach_i386_ldt_desc_make(uint64_t desc, uint64_t *storedp)
{
    unsigned int access = (unsigned int)(desc >> 40) & 0xfe;    /* accessed bit off */

    if (access == 0 || access == 0x80) {
        *storedp = desc;
        return true;
    }
    if (access == 0x8c) {
        *storedp = gdt_ldt_shared()[LDT_SYSCALL >> 3];
        return true;
    }
    if ((access & 0xf0) == 0xf0 && !(desc & MACH_I386_DESC_L)) {
        *storedp = desc;
        return true;
    }
    return false;
}

/* Set entries [first, first + count) of a stopped thread or the caller. */
static kern_return_t
mach_i386_ldt_set_stopped(struct thread *thread, unsigned int first,
                          const descriptor_t *desc_list, natural_t count)
{
    unsigned int needed = first + count, old_entries = thread->pcb.ldt_entries;
    uint64_t *table = thread->pcb.ldt, *old = table, stored;
    uint32_t flags;

    for (natural_t i = 0; i < count; i++) {
        if (!mach_i386_ldt_desc_make(mach_i386_desc(desc_list[i]), &stored)) {
            return KERN_INVALID_ARGUMENT;
        }
    }
    if (old == NULL || old_entries < needed) {
        table = kmem_alloc(needed * sizeof(*table));
        if (table == NULL) {
            return KERN_RESOURCE_SHORTAGE;
        }
        memset(table, 0, needed * sizeof(*table));
        if (old != NULL) {
            memcpy(table, old, old_entries * sizeof(*table));
        } else {
            memcpy(table, gdt_ldt_shared(), LDT_NR_ENTRIES * sizeof(*table));
        }
    }
    for (natural_t i = 0; i < count; i++) {
        mach_i386_ldt_desc_make(mach_i386_desc(desc_list[i]), &table[first + i]);
    }
    if (table != old) {
        flags = cpu_intr_save();
        thread->pcb.ldt = table;
        thread->pcb.ldt_entries = needed;
        if (thread == thread_self()) {
            gdt_ldt_load(table, needed);
        }
        cpu_intr_restore(flags);
        if (old != NULL) {
            kmem_free(old, old_entries * sizeof(*old));
        }
    }
    return KERN_SUCCESS;
}

/* i386_set_ldt on thread, the list in the kernel (see i386_set_ldt()). */
static kern_return_t
mach_i386_ldt_set(struct thread *thread, unsigned int first, const descriptor_t *desc_list,
                  natural_t count)
{
    kern_return_t kr;

    if (thread == thread_self()) {
        return mach_i386_ldt_set_stopped(thread, first, desc_list, count);
    }
    kr = thread_suspend(thread);
    if (kr != KERN_SUCCESS) {
        return kr;
    }
    kr = thread->stopped ? mach_i386_ldt_set_stopped(thread, first, desc_list, count)
                         : KERN_FAILURE;
    thread_resume(thread);
    return kr;
}

kern_return_t
i386_set_ldt(thread_t thread, int first_selector, const_descriptor_list_t desc_list,
             mach_msg_type_number_t count, boolean_t desc_list_inline)
{
    unsigned int first = (uint32_t)first_selector >> 3;
    struct vm_copy *copy = (struct vm_copy *)desc_list;
    descriptor_t *buf;
    kern_return_t kr;

    if (thread == NULL || first < LDT_NR_ENTRIES || first >= MACH_I386_LDT_MAX
        || count >= MACH_I386_LDT_MAX - first) {
        return KERN_INVALID_ARGUMENT;
    }
    if (desc_list_inline) {
        return mach_i386_ldt_set(thread, first, desc_list, count);
    }

    /* Out of line: a copy of at least count descriptors, consumed on success. */
    if (copy == NULL ? count != 0 : vm_copy_size(copy) < count * sizeof(*buf)) {
        return KERN_INVALID_ARGUMENT;
    }
    if (count == 0) {
        return mach_i386_ldt_set(thread, first, NULL, 0);
    }
    buf = kmem_alloc(count * sizeof(*buf));
    if (buf == NULL) {
        return KERN_RESOURCE_SHORTAGE;
    }
    vm_copy_read(copy, 0, buf, count * sizeof(*buf));
    kr = mach_i386_ldt_set(thread, first, buf, count);
    kmem_free(buf, count * sizeof(*buf));
    if (kr == KERN_SUCCESS) {
        vm_copy_discard(copy);
    }
    return kr;
}

/* Copy out entries of a stopped thread or the caller (see i386_get_ldt()). */
static kern_return_t
mach_i386_ldt_get_stopped(struct thread *thread, unsigned int first, unsigned int wanted,
                          descriptor_list_t *desc_list, natural_t *count)
{
    unsigned int n = 0;
    descriptor_t *out = *desc_list;
    struct vm_copy *copy;

    if (thread->pcb.ldt != NULL && first < thread->pcb.ldt_entries) {
        n = thread->pcb.ldt_entries - first;
        n = (n < wanted) ? n : wanted;
    }
    if (n > *count) {
        out = kmem_alloc(n * sizeof(*out));
        if (out == NULL) {
            return KERN_RESOURCE_SHORTAGE;
        }
    }
    for (unsigned int i = 0; i < n; i++) {
        uint64_t d = thread->pcb.ldt[first + i];

        out[i].low_word = (uint32_t)d;
        out[i].high_word = (uint32_t)(d >> 32);
    }
    if (out != *desc_list) {
        /* Too many for the caller's room: the reply carries them out of line. */
        int error = vm_copy_create(n * sizeof(*out), &copy);

        if (error == 0) {
            vm_copy_write(copy, 0, out, n * sizeof(*out));
        }
        kmem_free(out, n * sizeof(*out));
        if (error != 0) {
            return KERN_RESOURCE_SHORTAGE;
        }
        *desc_list = (descriptor_t *)copy;
    }
    *count = n;
    return KERN_SUCCESS;
}

kern_return_t
i386_get_ldt(thread_t thread, int first_selector, int selector_count,
             descriptor_list_t *desc_list, mach_msg_type_number_t *count)
{
    unsigned int first = (uint32_t)first_selector >> 3;
    kern_return_t kr;

    if (thread == NULL || first >= MACH_I386_LDT_MAX || selector_count < 0
        || (unsigned int)selector_count >= MACH_I386_LDT_MAX - first) {
        return KERN_INVALID_ARGUMENT;
    }
    if (thread == thread_self()) {
        return mach_i386_ldt_get_stopped(thread, first, (unsigned int)selector_count,
                                         desc_list, count);
    }
    kr = thread_suspend(thread);
    if (kr != KERN_SUCCESS) {
        return kr;
    }
    kr = thread->stopped ? mach_i386_ldt_get_stopped(thread, first,
                                                     (unsigned int)selector_count,
                                                     desc_list, count)
                         : KERN_FAILURE;
    thread_resume(thread);
    return kr;
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
