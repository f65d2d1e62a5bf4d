/* SPDX-License-Identifier: GPL-2.0-or-later */
/*
 * The mach_debug.defs calls that mach has data for, as plain kernel
 * functions with GNU Mach's argument order and errors (doc/interface.md).
 */
#ifndef KERN_HOST_DEBUG_H
#define KERN_HOST_DEBUG_H

#include <include/mach/kern_return.h>
#include <include/mach_debug/slab_info.h>

struct host;

/*
 * host_slab_info: one cache_info_t per kmem cache, in the order the
 * caches were created. On entry *info is room for *infoCnt records
 * (MIG's inline reply); when the caches do not fit, *info becomes a new
 * struct vm_copy holding them (the out-of-line reply; a kernel caller
 * reads it with vm_copy_read() and frees it with vm_copy_discard()).
 * *infoCnt is the count written. Returns KERN_SUCCESS,
 * KERN_INVALID_HOST (NULL host) or KERN_RESOURCE_SHORTAGE (*info and
 * *infoCnt unchanged; the caller's room may hold partial records).
 * Thread context, no lock held; the caches are read one at a time (a
 * snapshot per cache).
 */
kern_return_t host_slab_info(struct host *host, cache_info_array_t *info,
                             natural_t *infoCnt);

#endif /* KERN_HOST_DEBUG_H */
