/* SPDX-License-Identifier: GPL-2.0-or-later */
/*
 * Internals of kmem: struct kmem_cache (which callers embed to declare a
 * cache statically, but never touch) and what the inline fast paths of
 * kern/kmem.h use. kern/kmem.h includes this file; nothing else may use
 * it except kern/kmem.c. (The memory below kmem is kern/kmem_backend.h.)
 *
 * A magazine is an array of object pointers. Each CPU has, per cache, a
 * pool holding two magazines: "loaded", whose objects are handed out and
 * which receives freed objects, and "previous", which is either full or
 * empty. While a magazine is loaded the pool describes its array with
 * three pointers, base, top (the next free slot) and end, so that each
 * fast path is one comparison and one pointer bump: top == base means
 * empty, top == end full. With no magazine loaded all three are NULL,
 * which reads as both. Behind the two, the pool keeps a few spare full
 * and empty magazines of its own (a per-CPU depot), which the slow paths
 * use before the cache's shared depot. A pool is touched only by its own
 * CPU, with interrupts disabled.
 */
#ifndef KERN_KMEM_I_H
#define KERN_KMEM_I_H

#include <stdbool.h>
#include <stddef.h>
#include <stdint.h>

#include <kern/list.h>
#include <kern/macros.h>
#include <kern/percpu.h>
#include <kern/spinlock.h>

#define KMEM_NAME_SIZE          32

/*
 * Spare magazines a CPU keeps of each kind (full, empty) per cache, its
 * own depot: a CPU that allocates and frees in batches of up to
 * 2 + spares_max magazines exchanges them without the shared depot, and
 * gets its own magazines back, still in its cache, instead of another
 * CPU's (each line of which would have to move). A cache's spares_max
 * is as many magazines as hold KMEM_CPU_SPARE_BYTES of objects, from 1
 * to KMEM_CPU_SPARES_MAX.
 */
#define KMEM_CPU_SPARES_MAX     16
#define KMEM_CPU_SPARE_BYTES    (64 * 1024)

struct kmem_magazine {
    uint16_t rounds;                /* objects, while not loaded */
    uint8_t type;                   /* its size: index of kmem_mag_sizes[] */
    uint8_t cpu;                    /* whose kmem_magazine cache it came from */
    struct kmem_magazine *next;     /* depot stacks */
    void *objs[];
};

struct kmem_cpu_pool {
    void **top;                     /* next free slot of loaded */
    void **base;                    /* loaded->objs, NULL when none loaded */
    void **end;                     /* base + capacity */
    struct kmem_magazine *loaded;   /* NULL until the first free needs one */
    struct kmem_magazine *previous; /* NULL, full or empty */
    struct kmem_magazine *spare_full;   /* the CPU's own depot: full... */
    struct kmem_magazine *spare_empty;  /* ...and empty magazines, through next */
    uint8_t nr_spare_full;          /* at most KMEM_CPU_SPARES_MAX each */
    uint8_t nr_spare_empty;
    uint16_t nr_exchanges;          /* since the CPU's last depot trip, saturating */
    uint32_t nr_spare_objs;         /* in spare_full */
} __aligned(CPU_CACHE_LINE);

/* Object constructor: called on an object before kmem hands it out fresh. */
typedef void (*kmem_ctor_fn)(void *obj);

/*
 * A cache. Declare it anywhere (static storage is the usual place: the
 * structure must be aligned to CPU_CACHE_LINE, which a declaration
 * ensures), then call kmem_cache_init(). All fields belong to kmem.
 */
struct kmem_cache {
    struct kmem_cpu_pool cpu_pools[CONFIG_NCPUS];

    /*
     * Depot: stacks of full and empty magazines, under depot_lock. The
     * depot, the slab layer and the constants each start a cache line,
     * so that CPUs going through the depot do not take the slab layer's
     * line (or the constants every slow path reads) away from CPUs
     * using it, and the other way round.
     */
    struct spinlock depot_lock __aligned(CPU_CACHE_LINE);
    struct kmem_magazine *depot_full;
    struct kmem_magazine *depot_empty;
    unsigned long depot_nr_full;
    unsigned long depot_nr_empty;
    unsigned long depot_nr_objs;    /* in the full magazines */
    unsigned long depot_nr_trips;   /* acquisitions of depot_lock, ever */
    unsigned long depot_nr_contended; /* of those, found busy */
    unsigned int depot_window;      /* trips in the current window */
    unsigned int depot_window_contended;
    unsigned int depot_window_overflow; /* trips of CPUs beyond their magazines */
    unsigned int mag_type;          /* current magazine size (index) */
    unsigned int mag_type_max;      /* largest it may grow to */

    /* Slab layer, under lock. Full slabs are on no list. */
    struct spinlock lock __aligned(CPU_CACHE_LINE);
    struct list partial_slabs;
    struct list free_slabs;
    unsigned long nr_objs;          /* buffers out of the slab layer */
    unsigned long nr_slabs;
    unsigned long nr_free_slabs;
    size_t colour;                  /* colour of the next slab */

    /* Set by kmem_cache_init(), constant afterwards (but mag_size and
       spares_max, which the slow paths read without the depot's line). */
    unsigned int flags __aligned(CPU_CACHE_LINE); /* KMEM_CF_* */
    unsigned int mag_size;          /* rounds of new magazines, 0: no CPU
                                       layer; grows, under depot_lock */
    unsigned int spares_max;        /* spare magazines per CPU of each kind;
                                       changes with mag_size */
    size_t obj_size;
    size_t align;
    size_t buf_size;                /* object, redzone, tag, padding */
    size_t bufctl_off;              /* free-list link within a buffer */
    size_t slab_size;
    unsigned int slab_order;
    unsigned int bufs_per_slab;
    size_t colour_max;
    kmem_ctor_fn ctor;
    struct list node;               /* list of all caches */
    char name[KMEM_NAME_SIZE];
};

/* The slow paths, out of line in kern/kmem.c. */
void *kmem_cache_alloc_slow(struct kmem_cache *cache);
void kmem_cache_free_slow(struct kmem_cache *cache, void *obj);

static inline struct kmem_cpu_pool *
kmem_cpu_pool_get(struct kmem_cache *cache)
{
    return &cache->cpu_pools[cpu_id()];
}

#endif /* KERN_KMEM_I_H */
