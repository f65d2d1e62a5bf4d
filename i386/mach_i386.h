/* SPDX-License-Identifier: GPL-2.0-or-later */
/*
 * The server routines of mach_i386.defs that mach implements, as plain
 * kernel functions with GNU Mach's argument order and errors, for the
 * MIG server stubs: the per-thread TLS slots of the GDT (selectors 0x4b
 * and 0x53, loaded at every switch: i386/pcb.h) and the size of the
 * extended FPU state, and per-thread LDT entries (i386_set_ldt,
 * i386_get_ldt). The I/O permission calls are in i386/io_perm.c
 * (declared by the generated mach_i386_S.h).
 *
 * Threads other than the caller are suspended for the call and resumed
 * after it (kern/thread_control.h), so the slot never changes under a
 * thread that runs; the caller must know the thread stays.
 */
#ifndef I386_MACH_I386_H
#define I386_MACH_I386_H

#include <include/mach/kern_return.h>
#include <include/mach/machine/mach_i386_types.h>
#include <include/mach/machine/vm_types.h>

struct host;
struct thread;

/*
 * i386_set_gdt: put desc in the TLS slot *selector of thread (0x4b or
 * 0x53: RPL 3, GDT), or with *selector -1 in the first empty slot,
 * whose selector is then written to *selector. A descriptor that is not
 * present empties the slot. Returns KERN_SUCCESS, KERN_INVALID_ARGUMENT
 * (NULL thread, another selector, a descriptor that is not a DPL-3 code
 * or data segment or is 64-bit, a slot the thread's saved segment
 * registers use that desc could not be loaded into, a task-less thread
 * other than the caller), KERN_NO_SPACE (-1 and both slots in use) or
 * KERN_FAILURE (the thread did not stop). Thread context, no lock held.
 */
kern_return_t i386_set_gdt(struct thread *thread, int *selector, descriptor_t desc);

/*
 * i386_get_gdt: the descriptor in TLS slot selector of thread (all zero
 * for an empty slot). Errors as i386_set_gdt's selector checks.
 * Lock-free snapshot.
 */
kern_return_t i386_get_gdt(struct thread *thread, int selector, descriptor_t *desc);

/*
 * i386_set_ldt: put desc_list[count] in thread's own LDT from the entry
 * of first_selector (index = selector >> 3) on, making or growing its
 * table (a copy of the shared LDT at first). Each descriptor: empty
 * (access byte 0 or 0x80, stored as given), a DPL-0 call gate (stored as
 * the system-call gate), or a DPL-3 code or data segment, not 64-bit.
 * desc_list_inline false: desc_list is the request's out-of-line struct
 * vm_copy (at least count descriptors), consumed on success (MIG's
 * kernel view, kern/mig_kernel.h). Returns KERN_SUCCESS,
 * KERN_INVALID_ARGUMENT (NULL thread, index below 4 or index + count
 * beyond 8191, a short copy, another descriptor: nothing changed; or
 * thread_suspend()'s refusal of a task-less thread other than the
 * caller), KERN_RESOURCE_SHORTAGE or KERN_FAILURE (the thread did not
 * stop). Thread context, no lock held.
 */
kern_return_t i386_set_ldt(struct thread *thread, int first_selector,
                           const descriptor_t *desc_list, natural_t count,
                           int desc_list_inline);

/*
 * i386_get_ldt: up to selector_count entries of thread's own LDT from
 * first_selector's index on (0 when it has none or the index is past its
 * end). On entry *desc_list is room for *count entries (MIG's inline
 * reply); if the entries do not fit, *desc_list becomes a new struct
 * vm_copy holding them (the out-of-line reply; a kernel caller reads it
 * with vm_copy_read() and frees it with vm_copy_discard()). *count is
 * the number written. Returns KERN_SUCCESS, KERN_INVALID_ARGUMENT (NULL
 * thread, a negative count, or index + count beyond 8191),
 * KERN_RESOURCE_SHORTAGE, or thread_suspend()'s errors and KERN_FAILURE
 * as i386_set_ldt.
 */
kern_return_t i386_get_ldt(struct thread *thread, int first_selector, int selector_count,
                           descriptor_list_t *desc_list, natural_t *count);

/*
 * i386_get_xstate_size: the size in bytes of i386_XFLOAT_STATE (its
 * 16-byte header and the FPU save image), in *size. Returns
 * KERN_SUCCESS, or KERN_INVALID_ARGUMENT for a NULL host.
 */
kern_return_t i386_get_xstate_size(struct host *host, natural_t *size);

#endif /* I386_MACH_I386_H */
