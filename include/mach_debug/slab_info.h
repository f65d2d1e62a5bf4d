/* SPDX-License-Identifier: GPL-2.0-or-later */
/*
 * host_slab_info's record (mach_debug.defs 3022): one kernel object
 * cache, in GNU Mach's cache_info_t layout on i386 (eleven 32-bit words
 * and a 32-byte name, 76 bytes; checked against gnumach-dev's
 * mach_debug/slab_info.h and mach_debug_types.defs).
 */
#ifndef MACH_DEBUG_SLAB_INFO_H
#define MACH_DEBUG_SLAB_INFO_H

#include "../mach/machine/vm_types.h"

#define CACHE_NAME_MAX_LEN      32

/* flags: GNU Mach's cache flag bits that mach has a meaning for. */
#define CACHE_FLAGS_NO_CPU_POOL         0x01    /* no per-CPU layer */
#define CACHE_FLAGS_SLAB_EXTERNAL       0x02    /* slab descriptors off the slab */
#define CACHE_FLAGS_VERIFY              0x08    /* debugging checks on */

typedef struct cache_info {
    integer_t flags;
    natural_t cpu_pool_size;    /* objects per CPU magazine, 0 without */
    natural_t obj_size;
    natural_t align;
    natural_t buf_size;         /* bytes per object in a slab */
    natural_t slab_size;
    natural_t bufs_per_slab;
    natural_t nr_objs;          /* objects out of the slab layer (in use or cached) */
    natural_t nr_bufs;          /* objects in all slabs */
    natural_t nr_slabs;
    natural_t nr_free_slabs;
    char name[CACHE_NAME_MAX_LEN];
} cache_info_t;

typedef cache_info_t *cache_info_array_t;

#endif /* MACH_DEBUG_SLAB_INFO_H */
