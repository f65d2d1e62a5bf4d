/* SPDX-License-Identifier: GPL-2.0-or-later */
/*
 * Kernel memory allocator: caches of fixed-size objects (a slab layer
 * fed by vm_page, with per-CPU magazines in front) and kmem_alloc() for
 * variable sizes. doc/kmem.md describes the design and how to port code
 * written for Mach zones.
 *
 *   static struct kmem_cache foo_cache;
 *
 *   kmem_cache_init(&foo_cache, "foo", sizeof(struct foo), 0, NULL, 0);
 *   foo = kmem_cache_alloc(&foo_cache);        NULL when memory is out
 *   kmem_cache_free(&foo_cache, foo);
 *
 * Boot sequence: kmem_setup() once, after vm_page_ready() and before any
 * other kmem call. From then on every function here may be called from
 * any context (threads, interrupt handlers), with interrupts enabled or
 * disabled, unless its comment says otherwise. Nothing sleeps. kmem takes
 * its spinlocks with interrupts disabled and never calls vm_page_alloc()
 * while holding one, so vm_page may call kmem_gc() when it runs low.
 *
 * Verify mode (per cache with KMEM_CACHE_VERIFY, on every cache with
 * CONFIG_DEBUG) checks each operation and reports misuse through the
 * error hook, which panics unless a test installed its own.
 */
#ifndef KERN_KMEM_H
#define KERN_KMEM_H

#include <stddef.h>
#include <stdint.h>

#include <kern/error.h>
#include <kern/kmem_i.h>
#include <kern/macros.h>
#include <kern/percpu.h>

/* Flags of kmem_cache_init(). */
#define KMEM_CACHE_VERIFY       0x1 /* verify mode (implies NOCPUPOOL) */
#define KMEM_CACHE_NOCPUPOOL    0x2 /* no per-CPU magazines: slab layer only */

/* Default and minimum object alignment. */
#define KMEM_ALIGN_MIN          8

/* Largest kmem_alloc() size served by a cache; above, whole page blocks. */
#define KMEM_ALLOC_MAX          8192

/* Kinds of errors found in verify mode. */
enum kmem_error_kind {
    KMEM_ERR_INVALID_FREE,      /* not a buffer of this cache */
    KMEM_ERR_DOUBLE_FREE,       /* buffer already free */
    KMEM_ERR_MODIFIED,          /* free buffer written to (use after free) */
    KMEM_ERR_REDZONE,           /* bytes past the object overwritten */
    KMEM_ERR_BUFTAG,            /* buffer tag corrupted (wild write) */
    KMEM_ERR_REINIT,            /* kmem_cache_init() of a live cache */
};

/* One error found in verify mode. */
struct kmem_error {
    enum kmem_error_kind kind;
    const char *cache;          /* name of the cache the call was for */
    const char *owner;          /* INVALID_FREE: cache owning the buffer, or NULL */
    const void *buf;            /* the buffer (the pointer passed to a free),
                                   REINIT: the cache */
    const void *addr;           /* first bad byte, else buf */
};

/* Receives a verify-mode error report. */
typedef void (*kmem_error_fn)(const struct kmem_error *error);

/* Receives one line of a report, without a newline. */
typedef void (*kmem_print_fn)(const char *line);

/* Counters of one cache, from kmem_cache_stats_get(). */
struct kmem_cache_stats {
    const char *name;
    size_t obj_size;            /* as passed to kmem_cache_init() */
    size_t align;               /* effective alignment */
    size_t buf_size;            /* bytes per object in a slab */
    size_t slab_size;           /* bytes */
    unsigned int bufs_per_slab;
    unsigned int mag_size;      /* rounds per new magazine, 0: no CPU layer */
    unsigned int spares_max;    /* spare magazines per CPU, of each kind */
    unsigned int verify;        /* verify mode on */
    unsigned int offslab;       /* slab descriptors off the slab */
    unsigned long nr_slabs;
    unsigned long nr_free_slabs;
    unsigned long nr_bufs;      /* objects in all slabs */
    unsigned long nr_allocated; /* out of the slab layer (in use or cached) */
    unsigned long nr_cached;    /* of those, in magazines (depot and CPUs) */
    unsigned long nr_in_use;    /* nr_allocated - nr_cached */
    unsigned long depot_nr_full;
    unsigned long depot_nr_empty;
    unsigned long depot_nr_trips;       /* depot lock acquisitions, ever */
    unsigned long depot_nr_contended;   /* of those, with the lock busy */
};

/*
 * Set up the internal caches (magazines, slab descriptors) and the
 * kmem_alloc() size classes. Once, after vm_page_ready(), before any
 * other kmem call; boot CPU only. Allocates nothing yet, cannot fail.
 */
void kmem_setup(void);

/*
 * Initialize the cache at cache for objects of obj_size bytes aligned
 * to align (a power of two up to PAGE_SIZE; 0 means KMEM_ALIGN_MIN,
 * smaller values are raised to it, and to CPU_CACHE_LINE when the
 * buffers fill whole lines). ctor, if not NULL, is applied to an
 * object whenever it is handed out fresh from a slab; objects should be
 * freed in their constructed state, since a free object may be handed
 * out again without the constructor. name is copied (truncated to
 * KMEM_NAME_SIZE - 1 characters). flags: KMEM_CACHE_*. Takes the cache
 * list lock; allocates nothing. Returns 0, or ERROR_INVAL (cache
 * untouched) for a zero or too large size (over 64 KiB), a bad alignment
 * or unknown flags, or ERROR_EXIST for a cache that is already
 * initialized: a second init would drop its slabs and magazines and
 * corrupt the cache list, so it is refused, and reported
 * (KMEM_ERR_REINIT, a panic unless a test hooked the reports) with
 * CONFIG_DEBUG. A cache is never destroyed; code that may run more than
 * once (tests) initializes its caches once.
 */
int kmem_cache_init(struct kmem_cache *cache, const char *name,
                    size_t obj_size, size_t align, kmem_ctor_fn ctor,
                    unsigned int flags);

/*
 * Allocate an object. The usual case takes an object from the current
 * CPU's magazine with interrupts disabled and no lock; otherwise from
 * the depot or a slab (taking their locks), creating a slab from vm_page
 * if needed. Returns NULL when no memory is left.
 */
static inline void *
kmem_cache_alloc(struct kmem_cache *cache)
{
    struct kmem_cpu_pool *pool;
    uint32_t flags;
    void **top;
    void *obj;

    flags = cpu_intr_save();
    pool = kmem_cpu_pool_get(cache);
    top = pool->top;
    if (likely(top != pool->base)) {
        top--;
        obj = *top;
        pool->top = top;
        cpu_intr_restore(flags);
        return obj;
    }
    cpu_intr_restore(flags);
    return kmem_cache_alloc_slow(cache);
}

/*
 * Free an object (not NULL) of this cache. The usual case puts it in the
 * current CPU's magazine, lock-free with interrupts disabled; otherwise
 * in a magazine from the depot (a new one is allocated when none is
 * empty) or, failing that, back into its slab. Empty slabs stay in the
 * cache until kmem_gc(). Misuse is undefined outside verify mode.
 */
static inline void
kmem_cache_free(struct kmem_cache *cache, void *obj)
{
    struct kmem_cpu_pool *pool;
    uint32_t flags;
    void **top;

    flags = cpu_intr_save();
    pool = kmem_cpu_pool_get(cache);
    top = pool->top;
    if (likely(top != pool->end)) {
        *top = obj;
        pool->top = top + 1;
        cpu_intr_restore(flags);
        return;
    }
    cpu_intr_restore(flags);
    kmem_cache_free_slow(cache, obj);
}

/*
 * Allocate size bytes aligned to KMEM_ALIGN_MIN, from the size class
 * caches up to KMEM_ALLOC_MAX (classes at most 12.5% larger than the
 * request from 49 bytes on), as whole page blocks above (page-aligned,
 * up to 4 MiB). Returns NULL for size 0, a size above 4 MiB, or when
 * memory is out. Same context rules as kmem_cache_alloc().
 */
void *kmem_alloc(size_t size);

/*
 * Bytes that kmem_alloc(size) really provides: its size class or page
 * block, all usable by the caller; 0 when kmem_alloc(size) returns NULL
 * whatever the memory (size 0, above 4 MiB).
 */
size_t kmem_alloc_size(size_t size);

/* kmem_alloc(), then fill the memory with zeros. */
void *kmem_zalloc(size_t size);

/*
 * Free memory from kmem_alloc()/kmem_zalloc(); size must be the size
 * asked for (verify mode catches a size of another class). NULL, or a
 * size of 0, does nothing.
 */
void kmem_free(void *ptr, size_t size);

/*
 * Return memory to vm_page: flush every cache's depot (magazines and
 * their objects go back to the slabs), then free the empty slabs of
 * every cache except one per cache, kept so that a cache that is still
 * in use does not immediately take a slab again. Objects in the CPUs'
 * loaded and previous magazines stay there. Takes the cache list lock
 * (with interrupts disabled, for the whole run) and each cache's locks;
 * never allocates. Returns the number of pages freed.
 */
unsigned long kmem_gc(void);

/*
 * Return everything possible: empty the current CPU's magazines, flush
 * every depot and free every empty slab (no reserve). For tests and
 * shutdown; other CPUs' magazines are untouched (run it on each CPU to
 * get everything back). Returns the number of pages freed.
 */
unsigned long kmem_purge(void);

/*
 * Install fn to receive verify-mode errors (NULL restores the default,
 * which panics with the kind, the cache and the addresses). When fn
 * returns, kmem goes on: a faulty free is ignored (the buffer leaks),
 * except for a redzone error, where the redzone is repaired and the free
 * proceeds; a corrupted free buffer is repaired and handed out. fn must
 * not call kmem: it may run with interrupts disabled and the cache list
 * lock held (errors found while reaping). Returns the previous hook. For
 * tests; not synchronized with concurrent errors.
 */
kmem_error_fn kmem_error_hook_set(kmem_error_fn fn);

/* Name of an error kind ("double free"...). */
const char *kmem_error_kind_name(enum kmem_error_kind kind);

/*
 * Copy the counters of cache into *stats. A snapshot: the cache lock is
 * taken, the CPU pools of other CPUs are read without synchronization.
 */
void kmem_cache_stats_get(struct kmem_cache *cache, struct kmem_cache_stats *stats);

/*
 * Call fn(stats, arg) with the counters of every cache, in the order the
 * caches were initialized (new caches come last). fn runs without kmem
 * locks held and may allocate; a cache initialized meanwhile may be
 * missed. Any thread context.
 */
void kmem_cache_stats_walk(void (*fn)(const struct kmem_cache_stats *stats, void *arg),
                           void *arg);

/*
 * Boot report: one line "kmem: N caches, N KiB in slabs, N KiB in use"
 * given to print without a newline.
 */
void kmem_report(kmem_print_fn print);

/*
 * The shell's kmem_info: a header, then one line per cache (or only the
 * cache named name, when not NULL): object size, slab size, objects per
 * slab, objects in use, total objects, slabs, free slabs, magazine size
 * and efficiency (bytes of objects in use over bytes of slabs). Returns
 * 0, or ERROR_NOENT when no cache has that name.
 */
int kmem_info(kmem_print_fn print, const char *name);

#endif /* KERN_KMEM_H */
