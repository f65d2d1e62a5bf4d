/* SPDX-License-Identifier: GPL-2.0-or-later */
/*
 * The mach_debug.defs calls that mach has data for, as plain kernel
 * functions with GNU Mach's argument order and errors (doc/interface.md).
 */
#ifndef KERN_HOST_DEBUG_H
#define KERN_HOST_DEBUG_H

#include <stdbool.h>

#include <include/mach/kern_return.h>
#include <include/mach_debug/slab_info.h>

struct host;

/*
 * host_slab_info: one cache_info_t per kmem cache, in the order the
 * caches were created. On entry *info is the caller's array of *infoCnt
 * records (MIG's CountInOut: may be NULL with 0); if every cache fits it
 * is filled there, otherwise a new kmem array takes its place in *info,
 * which the caller frees with kmem_free(*info, *infoCnt *
 * sizeof(cache_info_t)) (info_is_new tells which, if not NULL). *infoCnt
 * is the count written. Returns KERN_SUCCESS, KERN_INVALID_HOST (NULL
 * host) or KERN_RESOURCE_SHORTAGE (*info and *infoCnt
 * unchanged; the caller's array may hold partial records). Thread context, no
 * lock held; the caches are read one at a time (a snapshot per cache).
 */
kern_return_t host_slab_info(struct host *host, cache_info_array_t *info,
                             natural_t *infoCnt, bool *info_is_new);

#endif /* KERN_HOST_DEBUG_H */
