/* SPDX-License-Identifier: GPL-2.0-or-later */
/*
 * mach_debug.defs calls (see host_debug.h).
 *
 * host_slab_info walks the kmem caches with kmem_cache_stats_walk(),
 * which calls back without kmem locks held, and turns each cache's
 * counters into GNU Mach's record: cpu_pool_size is the magazine size,
 * nr_objs the objects handed out by the slab layer (in use or waiting
 * in magazines: what GNU Mach's slab counts), the flags the bits of GNU
 * Mach's that mean something here. Caches can appear during a walk
 * (never disappear), so a walk that finds more than the room it had is
 * done again. The other mach_debug.defs routines are answered by the
 * MIG stubs' weak default (MIG_BAD_ID): doc/interface.md says why.
 */
#include <stdbool.h>
#include <stddef.h>
#include <stdint.h>

#include <include/mach/kern_return.h>
#include <include/mach_debug/slab_info.h>
#include <kern/host_debug.h>
#include <kern/kmem.h>
#include <kern/macros.h>
#include <kern/panic.h>
#include <kern/mig_kernel.h>
#include <kern/string.h>
#include <vm/vm_copy.h>

#include "mach_debug_S.h"

_Static_assert(sizeof(cache_info_t) == 76, "GNU Mach's cache_info_t is 76 bytes on i386");
_Static_assert(offsetof(cache_info_t, name) == 44, "cache_info_t.name at 44");

struct host_slab_walk {
    cache_info_t *info;
    natural_t room;
    natural_t count;            /* caches seen, even past room */
};

static void
host_slab_info_fill(const struct kmem_cache_stats *stats, void *arg)
{
    struct host_slab_walk *walk = arg;
    cache_info_t *ci;

    if (walk->count++ >= walk->room) {
        return;
    }
    ci = &walk->info[walk->count - 1];
    memset(ci, 0, sizeof(*ci));
    ci->flags = (stats->mag_size == 0 ? CACHE_FLAGS_NO_CPU_POOL : 0)
                | (stats->offslab ? CACHE_FLAGS_SLAB_EXTERNAL : 0)
                | (stats->verify ? CACHE_FLAGS_VERIFY : 0);
    ci->cpu_pool_size = stats->mag_size;
    ci->obj_size = stats->obj_size;
    ci->align = stats->align;
    ci->buf_size = stats->buf_size;
    ci->slab_size = stats->slab_size;
    ci->bufs_per_slab = stats->bufs_per_slab;
    ci->nr_objs = stats->nr_allocated;
    ci->nr_bufs = stats->nr_bufs;
    ci->nr_slabs = stats->nr_slabs;
    ci->nr_free_slabs = stats->nr_free_slabs;
    for (size_t i = 0; i < sizeof(ci->name) - 1 && stats->name[i] != '\0'; i++) {
        ci->name[i] = stats->name[i];
    }
}

kern_return_t
host_slab_info(host_t host, cache_info_array_t *info, mach_msg_type_number_t *infoCnt)
{
    struct host_slab_walk walk = { .info = *info, .room = *infoCnt };
    struct vm_copy *copy;
    cache_info_t *array;
    natural_t size;
    int error;

    if (host == NULL) {
        return KERN_INVALID_HOST;
    }
    if (walk.room > 0 && walk.info != NULL) {
        kmem_cache_stats_walk(host_slab_info_fill, &walk);
        if (walk.count <= walk.room) {
            *infoCnt = walk.count;
            return KERN_SUCCESS;
        }
    }
    /* Count, allocate that many, fill; again if a cache appeared meanwhile. */
    for (;;) {
        walk = (struct host_slab_walk){ .info = NULL, .room = 0 };
        kmem_cache_stats_walk(host_slab_info_fill, &walk);
        assert(walk.count > 0);     /* kmem's own caches */
        size = walk.count;
        array = kmem_alloc(size * sizeof(*array));
        if (array == NULL) {
            return KERN_RESOURCE_SHORTAGE;
        }
        walk = (struct host_slab_walk){ .info = array, .room = size };
        kmem_cache_stats_walk(host_slab_info_fill, &walk);
        if (walk.count == size) {
            break;
        }
        kmem_free(array, size * sizeof(*array));
    }

    /* The reply carries them out of line. */
    error = vm_copy_create(size * sizeof(*array), &copy);
    if (error == 0) {
        vm_copy_write(copy, 0, array, size * sizeof(*array));
    }
    kmem_free(array, size * sizeof(*array));
    if (error != 0) {
        return KERN_RESOURCE_SHORTAGE;
    }
    *info = (cache_info_array_t)copy;
    *infoCnt = size;
    return KERN_SUCCESS;
}
