/* SPDX-License-Identifier: GPL-2.0-or-later */
/*
 * Slab allocator with per-CPU magazines.
 *
 * Rationale. Two layers, after Bonwick's slab allocator and its magazine
 * extension, written for this kernel.
 *
 * The slab layer carves blocks of 2^order pages from vm_page (DIRECTMAP
 * selector, so every slab is reached through the direct map and no kernel
 * virtual space is needed) into buffers of one size. A free buffer is
 * linked into its slab's free list through a word at bufctl_off: the first
 * word of the buffer normally, a word past the object and its redzone in
 * verify mode, so that the whole object can hold the free pattern. The
 * slab descriptor sits at the end of the block for small buffers and
 * comes from the kmem_slab cache for buffers of PAGE_SIZE / 8 and more
 * when that wastes less; either way every page of the block points to it
 * through its private pointer (vm_page.priv), so finding the slab of a
 * buffer is one vm_page_lookup() and never a search. The order of a cache
 * is the smallest that wastes at most 1/8 of the slab and holds at least
 * KMEM_SLAB_MIN_BUFS buffers (or reaches KMEM_SLAB_SIZE_PREF), falling
 * back to the least wasteful order. The bytes left over shift the first
 * buffer of successive slabs (colouring) so that buffers at the same
 * index do not all compete for the same cache sets. Allocation prefers
 * partial slabs, so that free slabs appear and can be given back; a slab
 * that becomes empty stays in the cache (its pages are only returned by
 * kmem_gc()), so alternating allocations and frees never thrash vm_page.
 * Constructors run when a buffer leaves the slab layer, since the slab's
 * free-list link may have overwritten the object.
 *
 * The CPU layer keeps, per CPU and per cache, two magazines (arrays of
 * object pointers): loaded, used for both allocation and free, and
 * previous, full or empty, swapped in when loaded runs empty or full,
 * which gives hysteresis: a CPU alternating around a magazine boundary
 * never goes further. When both are exhausted the pool exchanges a
 * magazine with its own spares (up to spares_max full and as many
 * empty magazines per CPU and cache, a per-CPU depot: no lock, and the
 * magazines come back still in this CPU's cache), then with the cache's
 * shared depot (one lock, a pointer swap); only when the depot has no
 * full magazine (allocation) or no empty one (free) does the slab layer
 * see the request. Without the spares every batch beyond two magazines
 * went to the shared depot, whose lock and magazines then moved between
 * CPUs on every trip, which costs more than hundreds of hits. The fast
 * paths in kern/kmem.h are about fifteen instructions each: interrupts
 * off, a compare and a pointer bump in the CPU's own cache line,
 * interrupts back. Magazines are objects of the kmem_magazine_N caches,
 * one set per CPU, so that the magazines two CPUs allocate never share a
 * page: a CPU walks its magazines' slots in order, and the hardware
 * prefetcher then pulls in the rest of the page, which, when it held
 * another CPU's magazines, took their lines away from that CPU on every
 * pass (two CPUs allocating and freeing 1000 objects each ran at 1.5
 * times one CPU's rate with shared magazine caches, 1.9-2.0 with
 * per-CPU ones: doc/benchmarks.md). The magazine caches have no CPU
 * layer themselves; magazines are
 * allocated only on the free path, when a freed object needs room,
 * never on the allocation path, so allocating never recurses, and
 * freeing recurses at most once (into a magazine cache's slab layer,
 * which frees without allocating). A cache's first
 * magazine size depends on the object size: the bigger the objects, the
 * fewer a magazine caches. Sizes grow when the depot lock is contended
 * (Bonwick's rule; kmem_mag_sizes), or when CPUs trade with the depot
 * on nearly every exchange because their objects do not fit in their
 * magazines: every CPU then goes to the depot less often per object,
 * which is what makes the depot scale, and exchanges less often. Each
 * magazine records its size; after a growth, smaller empty magazines
 * are freed as they reach the depot and full ones serve until emptied.
 *
 * Verify mode gives up the CPU layer (every operation goes through the
 * slab layer under the cache lock, which makes every check exact) and
 * lays a buffer out as object, redzone (at least a word of
 * KMEM_REDZONE_BYTE), then a tag: the free-list link and a state word,
 * KMEM_BUFTAG_ALLOC or KMEM_BUFTAG_FREE. A free checks that the pointer
 * is the start of a buffer of this cache, that the state is "allocated"
 * (double free otherwise, anything else means the tag was overwritten)
 * and the redzone intact (an overflow), then fills the object with
 * KMEM_FREE_PATTERN. An allocation checks the pattern (a write after
 * free) and fills the object with KMEM_UNINIT_PATTERN before the
 * constructor. Reaping checks the pattern of every buffer of a slab it
 * releases. Errors go to a hook: panic() by default, a test's function
 * when installed.
 *
 * Reaping (kmem_gc) drains the depots back to the slabs, then releases
 * empty slabs, keeping one per cache. vm_page calls it when it runs low;
 * that is safe because kmem never allocates pages while holding a lock.
 *
 * Locking: a pool is only touched by its own CPU with interrupts off.
 * Each cache has a depot lock and a slab-layer lock, never held
 * together; the cache list lock protects the list and is held across
 * kmem_gc() (which then takes the per-cache locks). Every lock is taken
 * with interrupts disabled, since interrupt handlers may allocate.
 * Statistics are plain counters under those locks.
 *
 * Memory comes through the small backend interface of
 * kern/kmem_backend.h: page blocks for slabs, and whole pages for
 * kmem_alloc() above KMEM_ALLOC_MAX. The kernel's backend is
 * kern/kmem_backend.c (vm_page, vm_kmem); host builds (the unit tests
 * and benchmarks) compile this same file, with no code of their own, over
 * tests/unit/kmem_host.c, with threads standing in for CPUs.
 */
#include <stdbool.h>
#include <stddef.h>
#include <stdint.h>

#include <kern/error.h>
#include <kern/kmem.h>
#include <kern/kmem_backend.h>
#include <kern/list.h>
#include <kern/macros.h>
#include <kern/panic.h>
#include <kern/percpu.h>
#include <kern/printf.h>
#include <kern/shell.h>
#include <kern/spinlock.h>
#include <kern/string.h>
#include <machine/param.h>

/* Slab geometry. */
#define KMEM_SLAB_ORDER_MAX     5       /* 128 KiB slabs at most */
#define KMEM_SLAB_MIN_BUFS      4       /* grow slabs to hold this many... */
#define KMEM_SLAB_SIZE_PREF     (PAGE_SIZE << 3) /* ...up to this size */
#define KMEM_WASTE_SHIFT        3       /* acceptable waste: 1/8 of a slab */
#define KMEM_OFFSLAB_MIN        (PAGE_SIZE / 8) /* smaller: descriptor on slab */
#define KMEM_OBJ_SIZE_MAX       0x10000 /* 64 KiB */

/* Free slabs kmem_gc() leaves in each cache. */
#define KMEM_GC_RESERVE         1

/* kmem_alloc(): size classes, then the backend's large blocks. */
#define KMEM_NR_ALLOC_CACHES    64

/* Verify mode. */
#define KMEM_FREE_PATTERN       0xdeadbeefU
#define KMEM_UNINIT_PATTERN     0xbaddcafeU
#define KMEM_REDZONE_BYTE       0xbb
#define KMEM_BUFTAG_ALLOC       0xa110c8edU
#define KMEM_BUFTAG_FREE        0xf4eef4eeU

/* Internal cache flags, beyond the public KMEM_CACHE_* ones. */
#define KMEM_CF_VERIFY          KMEM_CACHE_VERIFY
#define KMEM_CF_NOCPUPOOL       KMEM_CACHE_NOCPUPOOL
#define KMEM_CF_OFFSLAB         0x100
#define KMEM_CACHE_FLAGS        (KMEM_CACHE_VERIFY | KMEM_CACHE_NOCPUPOOL)

struct kmem_bufctl {
    struct kmem_bufctl *next;
};

/* Verify mode: the tail of a buffer, after the redzone. */
struct kmem_buftag {
    struct kmem_bufctl bufctl;
    uintptr_t state;
};

struct kmem_slab {
    struct list node;           /* partial or free list; unlinked when full */
    struct kmem_cache *cache;
    struct kmem_bufctl *first_free;
    char *addr;                 /* first buffer (block start + colour) */
    unsigned long nr_refs;      /* buffers out of the slab */
};

_Static_assert(sizeof(struct kmem_slab) < KMEM_OFFSLAB_MIN,
               "the slab descriptor cache keeps its descriptors on slab");

/*
 * Cache-line layout of a cache (what the hits' scaling rests on): each
 * CPU's pool fills one line of its own, and the depot, the slab layer and
 * the constants each start a line after the pools, so that no CPU's fast
 * path shares a line with another CPU's, or with a lock.
 */
_Static_assert(sizeof(struct kmem_cpu_pool) == CPU_CACHE_LINE,
               "a CPU pool fills one cache line");
_Static_assert(offsetof(struct kmem_cache, depot_lock)
               == CONFIG_NCPUS * sizeof(struct kmem_cpu_pool),
               "the depot starts the line after the pools");
_Static_assert(offsetof(struct kmem_cache, lock) % CPU_CACHE_LINE == 0
               && offsetof(struct kmem_cache, lock)
                  > offsetof(struct kmem_cache, mag_type_max),
               "the slab layer starts a line after the depot");
_Static_assert(offsetof(struct kmem_cache, flags) % CPU_CACHE_LINE == 0
               && offsetof(struct kmem_cache, flags) > offsetof(struct kmem_cache, colour),
               "the constants start a line after the slab layer");

/* Words of a pattern, read and written over objects of any type. */
typedef uint32_t __attribute__((__may_alias__)) kmem_word_t;

/*
 * Magazine sizes, in rounds: 2^k - 2, so that a magazine (two header
 * words and the rounds) is a power of two bytes on i386. A cache starts
 * with a size chosen by its object size (kmem_mag_initial[]: the bigger
 * the objects, the fewer a magazine caches) and moves up one size each
 * time its depot lock is found busy on at least 1 trip in
 * KMEM_DEPOT_CONTENDED of a window of KMEM_DEPOT_WINDOW trips (Bonwick's
 * rule: larger magazines, fewer trips to the depot per object), or when
 * at least 1 trip in KMEM_DEPOT_OVERFLOW of the window was an overflow,
 * a trip by a CPU that made fewer exchanges of its own since its last
 * trip than it has magazines (its objects in use, or the batches it
 * allocates and frees, do not fit in them, and each magazine exchange
 * costs about as much as a dozen hits), as long as a magazine's objects
 * take at most KMEM_MAG_BYTES_MAX.
 */
#define KMEM_MAG_ROUNDS_MAX     254     /* fits struct kmem_magazine's rounds */

static const unsigned int kmem_mag_sizes[] = { 2, 6, 14, 30, 62, 126, KMEM_MAG_ROUNDS_MAX };

#define KMEM_NR_MAG_TYPES       ARRAY_SIZE(kmem_mag_sizes)
#define KMEM_DEPOT_WINDOW       256
#define KMEM_DEPOT_CONTENDED    8
#define KMEM_DEPOT_OVERFLOW     2
#define KMEM_MAG_BYTES_MAX      (64 * 1024)

/*
 * Initial magazine sizes: caches of objects up to obj_size_max get type,
 * so that a magazine holds at most about 16 KiB of objects (254 rounds
 * of 64 bytes, 62 of 256). Small objects used to stop at 62 rounds, and
 * a CPU took the slow path (a magazine exchange) every 62 operations of
 * a batch (doc/benchmarks.md, "kmem_alloc(size) against malloc").
 */
static const struct {
    size_t obj_size_max;
    unsigned int type;
} kmem_mag_initial[] = {
    { 64, 6 },                  /* 254 rounds */
    { 128, 5 },                 /* 126 rounds */
    { 256, 4 },                 /* 62 rounds */
    { 512, 3 },
    { 1024, 2 },
    { 4096, 1 },
    { KMEM_OBJ_SIZE_MAX, 0 },   /* 2 rounds */
};

/* Per CPU (see the rationale); struct kmem_magazine records the CPU in a byte. */
_Static_assert(CONFIG_NCPUS <= 256, "kmem: magazine CPU numbers fit a byte");
static struct kmem_cache kmem_mag_caches[CONFIG_NCPUS][KMEM_NR_MAG_TYPES];
static struct kmem_cache kmem_slab_cache;
static struct kmem_cache kmem_alloc_caches[KMEM_NR_ALLOC_CACHES];

static struct spinlock kmem_cache_list_lock = SPINLOCK_INITIALIZER;
static struct list kmem_cache_list = LIST_INITIALIZER(kmem_cache_list);

static kmem_error_fn kmem_error_hook;


/* ---------------------------------------------------------------- verify mode */

static void
kmem_pattern_fill(void *buf, size_t size, uint32_t pattern)
{
    kmem_word_t *word = buf;
    unsigned char *byte;
    size_t i;

    for (i = 0; i < size / sizeof(*word); i++) {
        word[i] = pattern;
    }
    byte = (unsigned char *)&word[i];
    for (i = 0; i < size % sizeof(*word); i++) {
        byte[i] = (unsigned char)(pattern >> (8 * i));
    }
}

/* Address of the first byte of buf differing from the pattern, or NULL. */
static const void *
kmem_pattern_check(const void *buf, size_t size, uint32_t pattern)
{
    const kmem_word_t *word = buf;
    const unsigned char *byte = buf;
    size_t i;

    for (i = 0; i < size / sizeof(*word); i++) {
        if (word[i] != pattern) {
            break;
        }
    }
    for (i *= sizeof(*word); i < size; i++) {
        if (byte[i] != (unsigned char)(pattern >> (8 * (i % sizeof(*word))))) {
            return &byte[i];
        }
    }
    return NULL;
}

static void
kmem_redzone_fill(const struct kmem_cache *cache, void *buf)
{
    memset((char *)buf + cache->obj_size, KMEM_REDZONE_BYTE,
           cache->bufctl_off - cache->obj_size);
}

static const void *
kmem_redzone_check(const struct kmem_cache *cache, const void *buf)
{
    const unsigned char *byte = (const unsigned char *)buf + cache->obj_size;

    for (size_t i = 0; i < cache->bufctl_off - cache->obj_size; i++) {
        if (byte[i] != KMEM_REDZONE_BYTE) {
            return &byte[i];
        }
    }
    return NULL;
}

static struct kmem_buftag *
kmem_buf_to_buftag(const struct kmem_cache *cache, void *buf)
{
    return (struct kmem_buftag *)((char *)buf + cache->bufctl_off);
}

const char *
kmem_error_kind_name(enum kmem_error_kind kind)
{
    switch (kind) {
    case KMEM_ERR_INVALID_FREE:
        return "invalid free";
    case KMEM_ERR_DOUBLE_FREE:
        return "double free";
    case KMEM_ERR_MODIFIED:
        return "write after free";
    case KMEM_ERR_REDZONE:
        return "redzone overwritten";
    case KMEM_ERR_BUFTAG:
        return "buffer tag corrupted";
    case KMEM_ERR_REINIT:
        return "cache initialized twice";
    }
    return "unknown error";
}

kmem_error_fn
kmem_error_hook_set(kmem_error_fn fn)
{
    kmem_error_fn old = kmem_error_hook;

    kmem_error_hook = fn;
    return old;
}

static void
kmem_error(const char *cache, enum kmem_error_kind kind, const void *buf,
           const void *addr, const char *owner)
{
    struct kmem_error error = {
        .kind = kind,
        .cache = cache,
        .owner = owner,
        .buf = buf,
        .addr = (addr != NULL) ? addr : buf,
    };

    if (kmem_error_hook != NULL) {
        kmem_error_hook(&error);
        return;
    }
    panic("kmem: %s in cache %s: buffer %p, address %p%s%s",
          kmem_error_kind_name(kind), cache, buf, error.addr,
          (owner != NULL) ? ", buffer of cache " : "",
          (owner != NULL) ? owner : "");
}

/* ---------------------------------------------------------------- slab layer */

static struct kmem_bufctl *
kmem_buf_to_bufctl(const struct kmem_cache *cache, void *buf)
{
    return (struct kmem_bufctl *)((char *)buf + cache->bufctl_off);
}

static void *
kmem_bufctl_to_buf(const struct kmem_cache *cache, struct kmem_bufctl *bufctl)
{
    return (char *)bufctl - cache->bufctl_off;
}

static void *
kmem_slab_base(const struct kmem_cache *cache, const struct kmem_slab *slab)
{
    return (void *)P2TRUNC((uintptr_t)slab->addr, cache->slab_size);
}

/* The slab holding buf, or NULL when buf is in no slab. */
static struct kmem_slab *
kmem_slab_lookup(const void *buf)
{
    void *priv;

    if (!kmem_pages_priv_get(buf, &priv)) {
        return NULL;
    }
    return priv;
}

/* Build a slab with the given colour; no lock held. NULL if out of memory. */
static struct kmem_slab *
kmem_slab_create(struct kmem_cache *cache, size_t colour)
{
    struct kmem_bufctl **prevp;
    struct kmem_slab *slab;
    char *base, *buf;

    base = kmem_pages_alloc(cache->slab_order);
    if (base == NULL) {
        return NULL;
    }
    assert(P2ALIGNED((uintptr_t)base, cache->slab_size));
    if (cache->flags & KMEM_CF_OFFSLAB) {
        slab = kmem_cache_alloc(&kmem_slab_cache);
        if (slab == NULL) {
            kmem_pages_free(base, cache->slab_order);
            return NULL;
        }
    } else {
        slab = (struct kmem_slab *)(base + cache->slab_size) - 1;
    }
    slab->cache = cache;
    slab->nr_refs = 0;
    slab->addr = base + colour;
    prevp = &slab->first_free;
    buf = slab->addr;
    for (unsigned int i = 0; i < cache->bufs_per_slab; i++) {
        struct kmem_bufctl *bufctl = kmem_buf_to_bufctl(cache, buf);

        *prevp = bufctl;
        prevp = &bufctl->next;
        if (cache->flags & KMEM_CF_VERIFY) {
            kmem_pattern_fill(buf, cache->obj_size, KMEM_FREE_PATTERN);
            kmem_redzone_fill(cache, buf);
            kmem_buf_to_buftag(cache, buf)->state = KMEM_BUFTAG_FREE;
        }
        buf += cache->buf_size;
    }
    *prevp = NULL;
    kmem_pages_priv_set(base, cache->slab_order, slab);
    return slab;
}

/* Give an empty slab back to vm_page; no lock held. */
static void
kmem_slab_destroy(struct kmem_cache *cache, struct kmem_slab *slab)
{
    void *base = kmem_slab_base(cache, slab);

    assert(slab->nr_refs == 0);
    if (cache->flags & KMEM_CF_VERIFY) {
        char *buf = slab->addr;

        for (unsigned int i = 0; i < cache->bufs_per_slab; i++) {
            const void *bad = kmem_pattern_check(buf, cache->obj_size,
                                                 KMEM_FREE_PATTERN);

            if (bad != NULL) {
                kmem_error(cache->name, KMEM_ERR_MODIFIED, buf, bad, NULL);
            }
            buf += cache->buf_size;
        }
    }
    if (cache->flags & KMEM_CF_OFFSLAB) {
        kmem_cache_free(&kmem_slab_cache, slab);
    }
    kmem_pages_free(base, cache->slab_order);
}

/* Take a buffer from a slab of the cache; lock held. */
static void *
kmem_slab_get(struct kmem_cache *cache, struct kmem_slab *slab)
{
    struct kmem_bufctl *bufctl = slab->first_free;
    bool was_free = (slab->nr_refs == 0);

    spinlock_assert_held(&cache->lock);
    assert(slab->cache == cache);
    assert(bufctl != NULL && slab->nr_refs < cache->bufs_per_slab);
    slab->first_free = bufctl->next;
    slab->nr_refs++;
    cache->nr_objs++;
    if (was_free) {
        list_remove(&slab->node);
        cache->nr_free_slabs--;
        if (slab->nr_refs < cache->bufs_per_slab) {
            list_insert_head(&cache->partial_slabs, &slab->node);
        }
    } else if (slab->nr_refs == cache->bufs_per_slab) {
        list_remove(&slab->node);
    }
    return kmem_bufctl_to_buf(cache, bufctl);
}

/* Return a buffer to its slab; lock held. */
static void
kmem_slab_put(struct kmem_cache *cache, struct kmem_slab *slab, void *buf)
{
    struct kmem_bufctl *bufctl = kmem_buf_to_bufctl(cache, buf);

    spinlock_assert_held(&cache->lock);
    assert(slab->cache == cache && slab->nr_refs != 0);
    bufctl->next = slab->first_free;
    slab->first_free = bufctl;
    slab->nr_refs--;
    cache->nr_objs--;
    if (slab->nr_refs == 0) {
        if (cache->bufs_per_slab != 1) {
            list_remove(&slab->node);
        }
        list_insert_head(&cache->free_slabs, &slab->node);
        cache->nr_free_slabs++;
    } else if (slab->nr_refs == cache->bufs_per_slab - 1) {
        list_insert_head(&cache->partial_slabs, &slab->node);
    }
}

/* A slab with a free buffer, partial ones first; lock held. NULL if none. */
static struct kmem_slab *
kmem_cache_slab_pick(struct kmem_cache *cache)
{
    struct list *node = list_first(&cache->partial_slabs);

    if (node == NULL) {
        node = list_first(&cache->free_slabs);
        if (node == NULL) {
            return NULL;
        }
    }
    return list_entry(node, struct kmem_slab, node);
}

/* Verify mode, on a buffer just taken from a slab: check and prepare it. */
static void
kmem_verify_alloc(struct kmem_cache *cache, void *buf, uintptr_t state)
{
    const void *bad;

    if (state != KMEM_BUFTAG_FREE) {
        kmem_error(cache->name, KMEM_ERR_BUFTAG,
                   buf, kmem_buf_to_buftag(cache, buf), NULL);
    }
    bad = kmem_pattern_check(buf, cache->obj_size, KMEM_FREE_PATTERN);
    if (bad != NULL) {
        kmem_error(cache->name, KMEM_ERR_MODIFIED, buf, bad, NULL);
    }
    bad = kmem_redzone_check(cache, buf);
    if (bad != NULL) {
        kmem_error(cache->name, KMEM_ERR_REDZONE, buf, bad, NULL);
        kmem_redzone_fill(cache, buf);
    }
    kmem_pattern_fill(buf, cache->obj_size, KMEM_UNINIT_PATTERN);
}

/* Allocate from the slab layer, creating a slab if needed. */
static void *
kmem_slab_alloc(struct kmem_cache *cache)
{
    struct kmem_slab *slab;
    uintptr_t state = 0;
    uint32_t flags;
    size_t colour;
    void *buf;

    flags = spinlock_lock_intr_save(&cache->lock);
    slab = kmem_cache_slab_pick(cache);
    if (slab == NULL) {
        colour = cache->colour;
        cache->colour = (colour + cache->align <= cache->colour_max)
                        ? colour + cache->align : 0;
        spinlock_unlock_intr_restore(&cache->lock, flags);
        slab = kmem_slab_create(cache, colour);
        if (slab == NULL) {
            return NULL;
        }
        flags = spinlock_lock_intr_save(&cache->lock);
        list_insert_head(&cache->free_slabs, &slab->node);
        cache->nr_slabs++;
        cache->nr_free_slabs++;
        slab = kmem_cache_slab_pick(cache);
    }
    buf = kmem_slab_get(cache, slab);
    if (cache->flags & KMEM_CF_VERIFY) {
        struct kmem_buftag *buftag = kmem_buf_to_buftag(cache, buf);

        state = buftag->state;
        buftag->state = KMEM_BUFTAG_ALLOC;
    }
    spinlock_unlock_intr_restore(&cache->lock, flags);

    if (cache->flags & KMEM_CF_VERIFY) {
        kmem_verify_alloc(cache, buf, state);
    }
    if (cache->ctor != NULL) {
        cache->ctor(buf);
    }
    return buf;
}

/* Free objects to their slabs (not in verify mode). */
static void
kmem_slab_free(struct kmem_cache *cache, void *const *objs, unsigned int nr_objs)
{
    uint32_t flags;

    flags = spinlock_lock_intr_save(&cache->lock);
    for (unsigned int i = 0; i < nr_objs; i++) {
        kmem_slab_put(cache, kmem_slab_lookup(objs[i]), objs[i]);
    }
    spinlock_unlock_intr_restore(&cache->lock, flags);
}

/* Verify mode: check a free, then return the buffer to its slab. */
static void
kmem_verify_free(struct kmem_cache *cache, void *buf)
{
    struct kmem_slab *slab = kmem_slab_lookup(buf);
    const void *bad = NULL;
    uintptr_t state;
    uint32_t flags;
    size_t offset;

    if (slab == NULL || slab->cache != cache) {
        kmem_error(cache->name, KMEM_ERR_INVALID_FREE, buf, NULL,
                   (slab != NULL) ? slab->cache->name : NULL);
        return;
    }
    offset = (size_t)((uintptr_t)buf - (uintptr_t)slab->addr);
    if ((char *)buf < slab->addr || offset % cache->buf_size != 0
        || offset / cache->buf_size >= cache->bufs_per_slab) {
        kmem_error(cache->name, KMEM_ERR_INVALID_FREE, buf, NULL, NULL);
        return;
    }

    flags = spinlock_lock_intr_save(&cache->lock);
    state = kmem_buf_to_buftag(cache, buf)->state;
    if (state == KMEM_BUFTAG_ALLOC) {
        bad = kmem_redzone_check(cache, buf);
        if (bad != NULL) {
            kmem_redzone_fill(cache, buf);
        }
        kmem_pattern_fill(buf, cache->obj_size, KMEM_FREE_PATTERN);
        kmem_buf_to_buftag(cache, buf)->state = KMEM_BUFTAG_FREE;
        kmem_slab_put(cache, slab, buf);
    }
    spinlock_unlock_intr_restore(&cache->lock, flags);

    if (state == KMEM_BUFTAG_FREE) {
        kmem_error(cache->name, KMEM_ERR_DOUBLE_FREE, buf, NULL, NULL);
    } else if (state != KMEM_BUFTAG_ALLOC) {
        kmem_error(cache->name, KMEM_ERR_BUFTAG, buf,
                   kmem_buf_to_buftag(cache, buf), NULL);
    } else if (bad != NULL) {
        kmem_error(cache->name, KMEM_ERR_REDZONE, buf, bad, NULL);
    }
}

/* Free the cache's empty slabs beyond reserve; returns pages freed. */
static unsigned long
kmem_cache_slabs_release(struct kmem_cache *cache, unsigned long reserve)
{
    struct list doomed;
    unsigned long nr = 0;
    uint32_t flags;

    list_init(&doomed);
    flags = spinlock_lock_intr_save(&cache->lock);
    while (cache->nr_free_slabs > reserve) {
        struct list *node = list_last(&cache->free_slabs);

        list_remove(node);
        list_insert_tail(&doomed, node);
        cache->nr_free_slabs--;
        cache->nr_slabs--;
        nr++;
    }
    spinlock_unlock_intr_restore(&cache->lock, flags);

    while (!list_empty(&doomed)) {
        struct kmem_slab *slab = list_entry(list_first(&doomed),
                                            struct kmem_slab, node);

        list_remove(&slab->node);
        kmem_slab_destroy(cache, slab);
    }
    return nr << cache->slab_order;
}

/* ---------------------------------------------------------------- CPU layer */

/* Objects in the loaded magazine. */
static unsigned int
kmem_cpu_pool_rounds(const struct kmem_cpu_pool *pool)
{
    return (unsigned int)(pool->top - pool->base);
}

static void
kmem_cpu_pool_load(struct kmem_cache *cache, struct kmem_cpu_pool *pool,
                   struct kmem_magazine *mag)
{
    (void)cache;
    assert(mag->type < KMEM_NR_MAG_TYPES && mag->rounds <= kmem_mag_sizes[mag->type]);
    pool->loaded = mag;
    pool->base = mag->objs;
    pool->top = mag->objs + mag->rounds;
    pool->end = mag->objs + kmem_mag_sizes[mag->type];
}

/* Record the loaded magazine's object count in it, before it leaves. */
static struct kmem_magazine *
kmem_cpu_pool_unload(struct kmem_cpu_pool *pool)
{
    struct kmem_magazine *mag = pool->loaded;

    if (mag != NULL) {
        mag->rounds = (uint16_t)kmem_cpu_pool_rounds(pool);
    }
    return mag;
}

/* Make previous the loaded magazine and loaded the previous one. */
static void
kmem_cpu_pool_swap(struct kmem_cache *cache, struct kmem_cpu_pool *pool)
{
    struct kmem_magazine *mag = pool->previous;

    pool->previous = kmem_cpu_pool_unload(pool);
    kmem_cpu_pool_load(cache, pool, mag);
}

/* The spare magazines of each kind a CPU may keep, for the current size. */
static unsigned int
kmem_cache_spares_max(const struct kmem_cache *cache)
{
    size_t n = KMEM_CPU_SPARE_BYTES / (kmem_mag_sizes[cache->mag_type] * cache->buf_size);

    return (unsigned int)MAX(MIN(n, (size_t)KMEM_CPU_SPARES_MAX), (size_t)1);
}

/*
 * Take the depot lock, counting the trip and whether the lock was busy;
 * at the end of each window of trips, grow the magazines if the lock was
 * busy, or the trips were overflows (kmem_cpu_pool_traded()), often
 * enough. Returns the empty magazines that a growth retired
 * (a list through next, to free once the lock is released), or NULL.
 */
static struct kmem_magazine *
kmem_depot_lock(struct kmem_cache *cache)
{
    bool busy = spinlock_busy(&cache->depot_lock);
    struct kmem_magazine *retired = NULL;

    spinlock_lock(&cache->depot_lock);
    cache->depot_nr_trips++;
    if (busy) {
        cache->depot_nr_contended++;
        cache->depot_window_contended++;
    }
    if (++cache->depot_window < KMEM_DEPOT_WINDOW) {
        return NULL;
    }
    if ((cache->depot_window_contended * KMEM_DEPOT_CONTENDED >= KMEM_DEPOT_WINDOW
         || cache->depot_window_overflow * KMEM_DEPOT_OVERFLOW >= KMEM_DEPOT_WINDOW)
        && cache->mag_type < cache->mag_type_max) {
        cache->mag_type++;
        __atomic_store_n(&cache->mag_size, kmem_mag_sizes[cache->mag_type],
                         __ATOMIC_RELAXED);
        __atomic_store_n(&cache->spares_max, kmem_cache_spares_max(cache), __ATOMIC_RELAXED);
        /* Smaller empty magazines go; full ones serve until emptied. */
        retired = cache->depot_empty;
        cache->depot_empty = NULL;
        cache->depot_nr_empty = 0;
    }
    cache->depot_window = 0;
    cache->depot_window_contended = 0;
    cache->depot_window_overflow = 0;
    return retired;
}

/*
 * A magazine was loaded from previous or the CPU's spares, without the
 * depot. Interrupts disabled.
 */
static void
kmem_cpu_pool_exchanged(struct kmem_cpu_pool *pool)
{
    if (pool->nr_exchanges != UINT16_MAX) {
        pool->nr_exchanges++;
    }
}

/*
 * The CPU traded a magazine with the depot. If it made fewer exchanges
 * of its own since its last trip than it has magazines (loaded,
 * previous and its spares), its objects in use do not fit in them: the
 * trip counts as an overflow, for the growth rule. Depot lock held.
 */
static void
kmem_cpu_pool_traded(struct kmem_cache *cache, struct kmem_cpu_pool *pool)
{
    if (pool->nr_exchanges < 2 + __atomic_load_n(&cache->spares_max, __ATOMIC_RELAXED)) {
        cache->depot_window_overflow++;
    }
    pool->nr_exchanges = 0;
}

/*
 * Put an empty magazine on the depot's empty list, unless it is smaller
 * than the cache's current size: then return it, for the caller to free
 * once the depot lock is released. Depot lock held.
 */
static struct kmem_magazine *
kmem_depot_push_empty(struct kmem_cache *cache, struct kmem_magazine *mag)
{
    assert(mag->rounds == 0);
    if (mag->type < cache->mag_type) {
        mag->next = NULL;
        return mag;
    }
    mag->next = cache->depot_empty;
    cache->depot_empty = mag;
    cache->depot_nr_empty++;
    return NULL;
}

/* The cache a magazine came from and goes back to. */
static struct kmem_cache *
kmem_magazine_cache(const struct kmem_magazine *mag)
{
    assert(mag->cpu < CONFIG_NCPUS && mag->type < KMEM_NR_MAG_TYPES);
    return &kmem_mag_caches[mag->cpu][mag->type];
}

/* Free a list of empty magazines (through next); no lock held. */
static void
kmem_magazines_free(struct kmem_magazine *list)
{
    while (list != NULL) {
        struct kmem_magazine *mag = list;

        list = mag->next;
        assert(mag->rounds == 0);
        kmem_cache_free(kmem_magazine_cache(mag), mag);
    }
}

/* The CPU's spare magazines: push and pop, interrupts disabled. */
static void
kmem_cpu_pool_spare_push(struct kmem_cpu_pool *pool, struct kmem_magazine *mag)
{
    if (mag->rounds != 0) {
        assert(pool->nr_spare_full < KMEM_CPU_SPARES_MAX);
        mag->next = pool->spare_full;
        pool->spare_full = mag;
        pool->nr_spare_full++;
        pool->nr_spare_objs += mag->rounds;
    } else {
        assert(pool->nr_spare_empty < KMEM_CPU_SPARES_MAX);
        mag->next = pool->spare_empty;
        pool->spare_empty = mag;
        pool->nr_spare_empty++;
    }
}

static struct kmem_magazine *
kmem_cpu_pool_spare_pop(struct kmem_cpu_pool *pool, bool full)
{
    struct kmem_magazine *mag = full ? pool->spare_full : pool->spare_empty;

    if (mag == NULL) {
        return NULL;
    }
    if (full) {
        assert(mag->rounds != 0 && pool->nr_spare_full != 0);
        pool->spare_full = mag->next;
        pool->nr_spare_full--;
        pool->nr_spare_objs -= mag->rounds;
    } else {
        assert(mag->rounds == 0 && pool->nr_spare_empty != 0);
        pool->spare_empty = mag->next;
        pool->nr_spare_empty--;
    }
    return mag;
}

/* Whether the CPU has room for one more spare magazine like mag. */
static bool
kmem_cpu_pool_spare_room(const struct kmem_cache *cache, const struct kmem_cpu_pool *pool,
                         const struct kmem_magazine *mag)
{
    unsigned int max = __atomic_load_n(&cache->spares_max, __ATOMIC_RELAXED);

    return (mag->rounds != 0 ? pool->nr_spare_full : pool->nr_spare_empty) < max;
}

/*
 * Loaded is empty (or absent): load objects from previous, a spare, or
 * the depot, if there are any. Previous, empty, becomes a spare if there
 * is room, or goes to the depot. Interrupts disabled.
 */
static void
kmem_cpu_pool_fill(struct kmem_cache *cache, struct kmem_cpu_pool *pool)
{
    struct kmem_magazine *mag, *prev = pool->previous, *retired, *old = NULL;

    if (prev != NULL && prev->rounds != 0) {
        kmem_cpu_pool_swap(cache, pool);
        kmem_cpu_pool_exchanged(pool);
        return;
    }
    mag = kmem_cpu_pool_spare_pop(pool, true);
    if (mag == NULL) {
        retired = kmem_depot_lock(cache);
        mag = cache->depot_full;
        if (mag != NULL) {
            /* A magazine is in the full list only with objects in it. */
            assert(mag->rounds != 0 && cache->depot_nr_full != 0);
            cache->depot_full = mag->next;
            cache->depot_nr_full--;
            cache->depot_nr_objs -= mag->rounds;
            if (prev != NULL && !kmem_cpu_pool_spare_room(cache, pool, prev)) {
                old = kmem_depot_push_empty(cache, prev);
                prev = NULL;
            }
            kmem_cpu_pool_traded(cache, pool);
        }
        spinlock_unlock(&cache->depot_lock);
        kmem_magazines_free(retired);
        kmem_magazines_free(old);
        if (mag == NULL) {
            return;
        }
    } else if (prev != NULL && !kmem_cpu_pool_spare_room(cache, pool, prev)) {
        /* The CPU has all the spare empty magazines it may keep. */
        retired = kmem_depot_lock(cache);
        old = kmem_depot_push_empty(cache, prev);
        kmem_cpu_pool_traded(cache, pool);
        spinlock_unlock(&cache->depot_lock);
        kmem_magazines_free(retired);
        kmem_magazines_free(old);
        prev = NULL;
    } else {
        kmem_cpu_pool_exchanged(pool);
    }
    if (prev != NULL) {
        kmem_cpu_pool_spare_push(pool, prev);
    }
    pool->previous = kmem_cpu_pool_unload(pool);
    kmem_cpu_pool_load(cache, pool, mag);
}

/*
 * Loaded is full (or absent): make room from previous, with a spare
 * empty magazine, or with an empty magazine of the depot, if there is
 * one. Previous, full, becomes a spare if there is room, or goes to the
 * depot. Interrupts disabled.
 */
static void
kmem_cpu_pool_drain(struct kmem_cache *cache, struct kmem_cpu_pool *pool)
{
    struct kmem_magazine *mag, *prev = pool->previous, *retired = NULL;
    bool locked = false;

    if (prev != NULL && prev->rounds == 0) {
        kmem_cpu_pool_swap(cache, pool);
        kmem_cpu_pool_exchanged(pool);
        return;
    }
    mag = kmem_cpu_pool_spare_pop(pool, false);
    if (mag == NULL) {
        retired = kmem_depot_lock(cache);
        locked = true;
        mag = cache->depot_empty;
        if (mag == NULL) {
            spinlock_unlock(&cache->depot_lock);
            kmem_magazines_free(retired);
            return;
        }
        /* And in the empty list only without. */
        assert(mag->rounds == 0 && cache->depot_nr_empty != 0);
        cache->depot_empty = mag->next;
        cache->depot_nr_empty--;
    }
    if (prev != NULL) {
        if (kmem_cpu_pool_spare_room(cache, pool, prev)) {
            kmem_cpu_pool_spare_push(pool, prev);
        } else {
            if (!locked) {
                retired = kmem_depot_lock(cache);
                locked = true;
            }
            prev->next = cache->depot_full;
            cache->depot_full = prev;
            cache->depot_nr_full++;
            cache->depot_nr_objs += prev->rounds;
        }
    }
    if (locked) {
        kmem_cpu_pool_traded(cache, pool);
        spinlock_unlock(&cache->depot_lock);
    } else {
        kmem_cpu_pool_exchanged(pool);
    }
    pool->previous = kmem_cpu_pool_unload(pool);
    kmem_cpu_pool_load(cache, pool, mag);
    kmem_magazines_free(retired);
}

void *
kmem_cache_alloc_slow(struct kmem_cache *cache)
{
    struct kmem_cpu_pool *pool;
    uint32_t flags;
    void *obj;

    if (cache->mag_size != 0) {
        flags = cpu_intr_save();
        pool = kmem_cpu_pool_get(cache);
        if (pool->top == pool->base) {
            kmem_cpu_pool_fill(cache, pool);
        }
        if (pool->top != pool->base) {
            obj = *--pool->top;
            cpu_intr_restore(flags);
            return obj;
        }
        cpu_intr_restore(flags);
    }
    return kmem_slab_alloc(cache);
}

void
kmem_cache_free_slow(struct kmem_cache *cache, void *obj)
{
    struct kmem_cpu_pool *pool;
    struct kmem_magazine *mag;
    unsigned int type, cpu;
    uint32_t flags;

    if (cache->flags & KMEM_CF_VERIFY) {
        kmem_verify_free(cache, obj);
        return;
    }
    while (cache->mag_size != 0) {
        flags = cpu_intr_save();
        pool = kmem_cpu_pool_get(cache);
        if (pool->top == pool->end) {
            kmem_cpu_pool_drain(cache, pool);
        }
        if (pool->top != pool->end) {
            *pool->top++ = obj;
            cpu_intr_restore(flags);
            return;
        }
        cpu_intr_restore(flags);

        /*
         * No empty magazine anywhere: make one from this CPU's magazine
         * cache (a migration in between only costs locality), then try
         * again.
         */
        type = __atomic_load_n(&cache->mag_type, __ATOMIC_RELAXED);
        cpu = cpu_id();
        mag = kmem_cache_alloc(&kmem_mag_caches[cpu][type]);
        if (mag == NULL) {
            break;
        }
        mag->rounds = 0;
        mag->type = (uint8_t)type;
        mag->cpu = (uint8_t)cpu;
        flags = cpu_intr_save();
        pool = kmem_cpu_pool_get(cache);
        if (kmem_cpu_pool_spare_room(cache, pool, mag)) {
            kmem_cpu_pool_spare_push(pool, mag);
            mag = NULL;
        } else {
            spinlock_lock(&cache->depot_lock);
            mag = kmem_depot_push_empty(cache, mag);
            spinlock_unlock(&cache->depot_lock);
        }
        cpu_intr_restore(flags);
        kmem_magazines_free(mag);
    }
    kmem_slab_free(cache, &obj, 1);
}

/* Return a magazine's objects to the slabs and the magazine to its cache. */
static void
kmem_magazine_destroy(struct kmem_cache *cache, struct kmem_magazine *mag)
{
    kmem_slab_free(cache, mag->objs, mag->rounds);
    kmem_cache_free(kmem_magazine_cache(mag), mag);
}

/* Empty the current CPU's pool of the cache, its spares included. */
static void
kmem_cpu_pool_flush(struct kmem_cache *cache)
{
    struct kmem_magazine *loaded, *prev, *full, *empty;
    struct kmem_cpu_pool *pool;
    uint32_t flags;

    flags = cpu_intr_save();
    pool = kmem_cpu_pool_get(cache);
    loaded = kmem_cpu_pool_unload(pool);
    prev = pool->previous;
    full = pool->spare_full;
    empty = pool->spare_empty;
    *pool = (struct kmem_cpu_pool){ .top = NULL };
    cpu_intr_restore(flags);

    if (loaded != NULL) {
        kmem_magazine_destroy(cache, loaded);
    }
    if (prev != NULL) {
        kmem_magazine_destroy(cache, prev);
    }
    while (full != NULL) {
        loaded = full;
        full = full->next;
        kmem_magazine_destroy(cache, loaded);
    }
    kmem_magazines_free(empty);
}

/* Return every magazine of the depot, and their objects. */
static void
kmem_depot_drain(struct kmem_cache *cache)
{
    struct kmem_magazine *full, *empty, *mag;
    uint32_t flags;

    flags = spinlock_lock_intr_save(&cache->depot_lock);
    full = cache->depot_full;
    empty = cache->depot_empty;
    cache->depot_full = NULL;
    cache->depot_empty = NULL;
    cache->depot_nr_full = 0;
    cache->depot_nr_empty = 0;
    cache->depot_nr_objs = 0;
    spinlock_unlock_intr_restore(&cache->depot_lock, flags);

    while (full != NULL) {
        mag = full;
        full = mag->next;
        kmem_magazine_destroy(cache, mag);
    }
    kmem_magazines_free(empty);
}

/* ---------------------------------------------------------------- caches */

/* Choose the slab order and descriptor placement for buf_size. */
static void
kmem_cache_layout_slabs(struct kmem_cache *cache)
{
    size_t best_waste = SIZE_MAX, best_size = 1;
    unsigned int best_order = 0, best_nr = 0;
    bool best_off = false;

    for (unsigned int order = 0; order <= KMEM_SLAB_ORDER_MAX; order++) {
        size_t slab_size = (size_t)PAGE_SIZE << order;
        size_t nr, waste, nr_off, waste_off;
        bool off = false;

        nr = (slab_size - sizeof(struct kmem_slab)) / cache->buf_size;
        waste = slab_size - nr * cache->buf_size;
        if (cache->buf_size >= KMEM_OFFSLAB_MIN) {
            nr_off = slab_size / cache->buf_size;
            waste_off = slab_size - nr_off * cache->buf_size
                        + sizeof(struct kmem_slab);
            if (waste_off < waste) {
                nr = nr_off;
                waste = waste_off;
                off = true;
            }
        }
        if (nr == 0) {
            continue;
        }
        /* Compare waste / slab_size of this order with the best so far. */
        if (waste * best_size < best_waste * slab_size) {
            best_waste = waste;
            best_size = slab_size;
            best_order = order;
            best_nr = nr;
            best_off = off;
        }
        if ((waste << KMEM_WASTE_SHIFT) <= slab_size
            && (nr >= KMEM_SLAB_MIN_BUFS || slab_size >= KMEM_SLAB_SIZE_PREF)) {
            best_order = order;
            best_nr = nr;
            best_off = off;
            break;
        }
    }
    cache->slab_order = best_order;
    cache->slab_size = (size_t)PAGE_SIZE << best_order;
    cache->bufs_per_slab = best_nr;
    if (best_off) {
        cache->flags |= KMEM_CF_OFFSLAB;
    }
    cache->colour_max = cache->slab_size - best_nr * cache->buf_size
                        - (best_off ? 0 : sizeof(struct kmem_slab));
    cache->colour_max = P2TRUNC(cache->colour_max, cache->align);
}

/* Set the initial and the largest magazine size of a cache. */
static void
kmem_cache_mag_types_set(struct kmem_cache *cache)
{
    unsigned int i = 0, max;

    while (cache->obj_size > kmem_mag_initial[i].obj_size_max) {
        i++;
    }
    cache->mag_type = kmem_mag_initial[i].type;
    max = cache->mag_type;
    while (max + 1 < KMEM_NR_MAG_TYPES
           && kmem_mag_sizes[max + 1] * cache->buf_size <= KMEM_MAG_BYTES_MAX) {
        max++;
    }
    cache->mag_type_max = max;
    cache->mag_size = kmem_mag_sizes[cache->mag_type];
    cache->spares_max = kmem_cache_spares_max(cache);
}

static void
kmem_name_copy(char *dest, const char *src)
{
    size_t i;

    for (i = 0; i < KMEM_NAME_SIZE - 1 && src[i] != '\0'; i++) {
        dest[i] = src[i];
    }
    dest[i] = '\0';
}

/*
 * Whether cache is on the cache list, i.e. initialized. A search rather
 * than a flag in the structure: a cache that was never initialized may
 * hold any bytes. Cache list lock held.
 */
static bool
kmem_cache_listed(const struct kmem_cache *cache)
{
    struct list *node;

    list_foreach(&kmem_cache_list, node) {
        if (node == &cache->node) {
            return true;
        }
    }
    return false;
}

int
kmem_cache_init(struct kmem_cache *cache, const char *name, size_t obj_size,
                size_t align, kmem_ctor_fn ctor, unsigned int flags)
{
    uint32_t intr;
    bool listed;

    /*
     * A second init would clear the list links of a cache still on the
     * list and insert it again: its neighbours keep pointing at it, so
     * the list gets a cycle (a self-loop when it was last), and the next
     * walk (kmem_gc() when memory runs low) spins forever with the list
     * lock held and interrupts off. Its slabs and magazines would leak.
     */
    intr = spinlock_lock_intr_save(&kmem_cache_list_lock);
    listed = kmem_cache_listed(cache);
    spinlock_unlock_intr_restore(&kmem_cache_list_lock, intr);
    if (listed) {
#ifdef CONFIG_DEBUG
        kmem_error(cache->name, KMEM_ERR_REINIT, cache, NULL, NULL);
#endif
        return ERROR_EXIST;
    }

    if (align == 0) {
        align = KMEM_ALIGN_MIN;
    }
    if (obj_size == 0 || obj_size > KMEM_OBJ_SIZE_MAX
        || (align & (align - 1)) != 0 || align > PAGE_SIZE
        || (flags & ~KMEM_CACHE_FLAGS) != 0) {
        return ERROR_INVAL;
    }
#ifdef CONFIG_DEBUG
    flags |= KMEM_CACHE_VERIFY;
#endif
    if (flags & KMEM_CACHE_VERIFY) {
        flags |= KMEM_CACHE_NOCPUPOOL;
    }

    memset(cache, 0, sizeof(*cache));
    spinlock_init(&cache->depot_lock);
    spinlock_init(&cache->lock);
    list_init(&cache->partial_slabs);
    list_init(&cache->free_slabs);
    cache->flags = flags;
    cache->obj_size = obj_size;
    cache->align = MAX(align, (size_t)KMEM_ALIGN_MIN);
    cache->ctor = ctor;
    kmem_name_copy(cache->name, name);

    if (flags & KMEM_CF_VERIFY) {
        cache->bufctl_off = P2ROUND(obj_size, sizeof(uintptr_t)) + sizeof(uintptr_t);
        cache->buf_size = P2ROUND(cache->bufctl_off + sizeof(struct kmem_buftag),
                                  cache->align);
    } else {
        cache->bufctl_off = 0;
        cache->buf_size = P2ROUND(MAX(obj_size, sizeof(struct kmem_bufctl)),
                                  cache->align);
        /*
         * Buffers that fill whole cache lines get line alignment, which
         * costs no memory: otherwise colouring in KMEM_ALIGN_MIN steps
         * makes each one straddle two lines, which it shares with its
         * neighbours, objects that other CPUs may be writing.
         */
        if (cache->buf_size % CPU_CACHE_LINE == 0) {
            cache->align = MAX(cache->align, (size_t)CPU_CACHE_LINE);
        }
    }
    kmem_cache_layout_slabs(cache);

    if (!(flags & KMEM_CF_NOCPUPOOL)) {
        kmem_cache_mag_types_set(cache);
    }

    intr = spinlock_lock_intr_save(&kmem_cache_list_lock);
    list_insert_tail(&kmem_cache_list, &cache->node);
    spinlock_unlock_intr_restore(&kmem_cache_list_lock, intr);
    return 0;
}

void
kmem_cache_stats_get(struct kmem_cache *cache, struct kmem_cache_stats *stats)
{
    unsigned long cached = 0;
    uint32_t flags;

    /* Other CPUs' pools change meanwhile: ignore what cannot be right. */
    for (unsigned int i = 0; i < CONFIG_NCPUS; i++) {
        const struct kmem_cpu_pool *pool = &cache->cpu_pools[i];
        const struct kmem_magazine *prev;
        void **top, **base;

        top = __atomic_load_n(&pool->top, __ATOMIC_RELAXED);
        base = __atomic_load_n(&pool->base, __ATOMIC_RELAXED);
        if (base != NULL && top >= base && top <= base + KMEM_MAG_ROUNDS_MAX) {
            cached += (unsigned long)(top - base);
        }
        prev = __atomic_load_n(&pool->previous, __ATOMIC_RELAXED);
        if (prev != NULL) {
            cached += MIN(__atomic_load_n(&prev->rounds, __ATOMIC_RELAXED),
                          KMEM_MAG_ROUNDS_MAX);
        }
        cached += MIN(__atomic_load_n(&pool->nr_spare_objs, __ATOMIC_RELAXED),
                      KMEM_CPU_SPARES_MAX * KMEM_MAG_ROUNDS_MAX);
    }

    stats->name = cache->name;
    stats->obj_size = cache->obj_size;
    stats->align = cache->align;
    stats->buf_size = cache->buf_size;
    stats->slab_size = cache->slab_size;
    stats->bufs_per_slab = cache->bufs_per_slab;
    stats->mag_size = __atomic_load_n(&cache->mag_size, __ATOMIC_RELAXED);
    stats->spares_max = __atomic_load_n(&cache->spares_max, __ATOMIC_RELAXED);
    stats->verify = !!(cache->flags & KMEM_CF_VERIFY);
    stats->offslab = !!(cache->flags & KMEM_CF_OFFSLAB);

    flags = spinlock_lock_intr_save(&cache->depot_lock);
    stats->depot_nr_full = cache->depot_nr_full;
    stats->depot_nr_empty = cache->depot_nr_empty;
    stats->depot_nr_trips = cache->depot_nr_trips;
    stats->depot_nr_contended = cache->depot_nr_contended;
    cached += cache->depot_nr_objs;
    spinlock_unlock_intr_restore(&cache->depot_lock, flags);

    flags = spinlock_lock_intr_save(&cache->lock);
    stats->nr_slabs = cache->nr_slabs;
    stats->nr_free_slabs = cache->nr_free_slabs;
    stats->nr_allocated = cache->nr_objs;
    spinlock_unlock_intr_restore(&cache->lock, flags);
    stats->nr_bufs = stats->nr_slabs * cache->bufs_per_slab;
    stats->nr_cached = MIN(cached, stats->nr_allocated);
    stats->nr_in_use = stats->nr_allocated - stats->nr_cached;
}

/* ---------------------------------------------------------------- kmem_alloc */

/* Size class index of a size in [1, KMEM_ALLOC_MAX]: 8 classes per doubling. */
static inline unsigned int
kmem_alloc_index(size_t size)
{
    size_t n = size - 1;
    unsigned int log;

    if (n < 64) {
        return n >> 3;
    }
    log = (unsigned int)(sizeof(long) * 8 - 1) - (unsigned int)__builtin_clzl(n);
    return 8 * log - 48 + (unsigned int)(n >> (log - 3));
}

static size_t
kmem_alloc_class_size(unsigned int index)
{
    unsigned int log = index / 8 + 5;

    if (index < 8) {
        return (index + 1) * 8;
    }
    return (size_t)(index % 8 + 9) << (log - 3);
}

/*
 * The size class cache of every size up to KMEM_ALLOC_MAX, per
 * KMEM_ALIGN_MIN step (class sizes are multiples of it): entry
 * (size - 1) / 8. Filled by kmem_setup() from kmem_alloc_index(), so that
 * kmem_alloc() and kmem_free() find their cache with one load instead of
 * a bit scan, two branches and the index-to-address arithmetic: an
 * alloc+free pair went from 61 to 45 x86-64 instructions (a table of
 * class indexes, a quarter of the size, gave 53; doc/benchmarks.md).
 * 4 KiB on i386, of which a program's usual sizes touch a few lines.
 */
static struct kmem_cache *kmem_alloc_class_table[KMEM_ALLOC_MAX / KMEM_ALIGN_MIN];

/* The size class cache of a size in [1, KMEM_ALLOC_MAX]. */
static inline struct kmem_cache *
kmem_alloc_cache(size_t size)
{
    return kmem_alloc_class_table[(size - 1) / KMEM_ALIGN_MIN];
}


/* kmem_alloc() above KMEM_ALLOC_MAX, and the sizes it refuses. */
static __attribute__((noinline)) void *
kmem_alloc_large(size_t size)
{
    if (size == 0 || size > KMEM_LARGE_MAX) {
        return NULL;
    }
    return kmem_large_alloc(size);
}

void *
kmem_alloc(size_t size)
{
    if (likely(size - 1 < KMEM_ALLOC_MAX)) {
        return kmem_cache_alloc(kmem_alloc_cache(size));
    }
    return kmem_alloc_large(size);
}

size_t
kmem_alloc_size(size_t size)
{
    if (size - 1 < KMEM_ALLOC_MAX) {
        return kmem_alloc_class_size(kmem_alloc_index(size));
    }
    if (size == 0 || size > KMEM_LARGE_MAX) {
        return 0;
    }
    return kmem_large_size(size);
}

void *
kmem_zalloc(size_t size)
{
    void *ptr = kmem_alloc(size);

    if (ptr != NULL) {
        memset(ptr, 0, size);
    }
    return ptr;
}

/* kmem_free() of a page block, of NULL or of size 0. */
static __attribute__((noinline)) void
kmem_free_large(void *ptr, size_t size)
{
    if (ptr == NULL || size == 0) {
        return;
    }
    assert(size > KMEM_ALLOC_MAX);
    if (!kmem_large_free(ptr, size)) {
        struct kmem_slab *slab = kmem_slab_lookup(ptr);

        kmem_error("kmem_alloc_large", KMEM_ERR_INVALID_FREE, ptr, NULL,
                   (slab != NULL) ? slab->cache->name : NULL);
    }
}

void
kmem_free(void *ptr, size_t size)
{
    if (likely(size - 1 < KMEM_ALLOC_MAX && ptr != NULL)) {
        kmem_cache_free(kmem_alloc_cache(size), ptr);
        return;
    }
    kmem_free_large(ptr, size);
}

/* ---------------------------------------------------------------- setup, reaping */

void
kmem_setup(void)
{
    char name[KMEM_NAME_SIZE];
    int error;

    error = kmem_cache_init(&kmem_slab_cache, "kmem_slab",
                            sizeof(struct kmem_slab), 0, NULL,
                            KMEM_CACHE_NOCPUPOOL);
    for (unsigned int cpu = 0; cpu < CONFIG_NCPUS; cpu++) {
        for (unsigned int i = 0; i < KMEM_NR_MAG_TYPES; i++) {
            snprintf(name, sizeof(name), "kmem_magazine_%u.%u", kmem_mag_sizes[i], cpu);
            error |= kmem_cache_init(&kmem_mag_caches[cpu][i], name,
                                     sizeof(struct kmem_magazine)
                                     + kmem_mag_sizes[i] * sizeof(void *),
                                     CPU_CACHE_LINE, NULL, KMEM_CACHE_NOCPUPOOL);
        }
    }
    for (unsigned int i = 0; i < KMEM_NR_ALLOC_CACHES; i++) {
        size_t size = kmem_alloc_class_size(i);

        snprintf(name, sizeof(name), "kmem_alloc_%zu", size);
        error |= kmem_cache_init(&kmem_alloc_caches[i], name, size, 0, NULL, 0);
    }
    for (size_t i = 0; i < ARRAY_SIZE(kmem_alloc_class_table); i++) {
        unsigned int index = kmem_alloc_index((i + 1) * KMEM_ALIGN_MIN);

        /* Every size of the step has the class of the step's last size. */
        assert(index == kmem_alloc_index(i * KMEM_ALIGN_MIN + 1));
        kmem_alloc_class_table[i] = &kmem_alloc_caches[index];
    }
    assert(error == 0);
    assert(kmem_alloc_class_size(KMEM_NR_ALLOC_CACHES - 1) == KMEM_ALLOC_MAX);
    (void)error;
}

/*
 * Drain every depot (when flush, first empty the current CPU's pools),
 * then free the empty slabs beyond reserve, walking the caches from the
 * newest: releasing slabs gives magazines and off-slab descriptors back
 * to the internal caches, which kmem_setup() created first.
 */
static unsigned long
kmem_reclaim(bool flush, unsigned long reserve)
{
    struct kmem_cache *cache;
    unsigned long nr_pages = 0;
    struct list *node;
    uint32_t flags;

    flags = spinlock_lock_intr_save(&kmem_cache_list_lock);
    list_foreach(&kmem_cache_list, node) {
        cache = list_entry(node, struct kmem_cache, node);
        if (cache->mag_size != 0) {
            if (flush) {
                kmem_cpu_pool_flush(cache);
            }
            kmem_depot_drain(cache);
        }
    }
    list_foreach_reverse(&kmem_cache_list, node) {
        cache = list_entry(node, struct kmem_cache, node);
        nr_pages += kmem_cache_slabs_release(cache, reserve);
    }
    spinlock_unlock_intr_restore(&kmem_cache_list_lock, flags);
    return nr_pages;
}

unsigned long
kmem_gc(void)
{
    return kmem_reclaim(false, KMEM_GC_RESERVE);
}

unsigned long
kmem_purge(void)
{
    return kmem_reclaim(true, 0);
}

/* ---------------------------------------------------------------- reports */

/*
 * The cache after cache in the list (the first when cache is NULL), or
 * NULL. Caches are never destroyed, so reports can walk the list without
 * holding its lock while they print.
 */
static struct kmem_cache *
kmem_cache_next(struct kmem_cache *cache)
{
    struct list *node;
    uint32_t flags;

    flags = spinlock_lock_intr_save(&kmem_cache_list_lock);
    node = (cache == NULL) ? list_first(&kmem_cache_list)
                           : list_next(&kmem_cache_list, &cache->node);
    spinlock_unlock_intr_restore(&kmem_cache_list_lock, flags);
    return (node == NULL) ? NULL : list_entry(node, struct kmem_cache, node);
}

void
kmem_cache_stats_walk(void (*fn)(const struct kmem_cache_stats *stats, void *arg), void *arg)
{
    struct kmem_cache_stats stats;

    for (struct kmem_cache *c = kmem_cache_next(NULL); c != NULL; c = kmem_cache_next(c)) {
        kmem_cache_stats_get(c, &stats);
        fn(&stats, arg);
    }
}

void
kmem_report(kmem_print_fn print)
{
    unsigned long slab_bytes = 0, used_bytes = 0;
    struct kmem_cache_stats stats;
    unsigned int nr_caches = 0;
    char line[96];

    for (struct kmem_cache *cache = kmem_cache_next(NULL); cache != NULL;
         cache = kmem_cache_next(cache)) {
        kmem_cache_stats_get(cache, &stats);
        slab_bytes += stats.nr_slabs * stats.slab_size;
        used_bytes += stats.nr_in_use * stats.obj_size;
        nr_caches++;
    }
    snprintf(line, sizeof(line), "kmem: %u caches, %lu KiB in slabs, %lu KiB in use",
             nr_caches, slab_bytes >> 10, used_bytes >> 10);
    print(line);
}

static void
kmem_info_line(kmem_print_fn print, struct kmem_cache *cache)
{
    struct kmem_cache_stats stats;
    unsigned long slab_bytes;
    char line[128], eff[8];

    kmem_cache_stats_get(cache, &stats);
    slab_bytes = stats.nr_slabs * stats.slab_size;
    if (slab_bytes == 0) {
        snprintf(eff, sizeof(eff), "-");
    } else {
        snprintf(eff, sizeof(eff), "%lu%%",
                 (unsigned long)((uint64_t)stats.nr_in_use * stats.obj_size * 100
                                 / slab_bytes));
    }
    snprintf(line, sizeof(line),
             "%-20s %7zu %6zu %4u %8lu %8lu %6lu %5lu %3u %4s%s",
             stats.name, stats.obj_size, stats.slab_size, stats.bufs_per_slab,
             stats.nr_in_use, stats.nr_bufs, stats.nr_slabs,
             stats.nr_free_slabs, stats.mag_size, eff,
             stats.verify ? " verify" : "");
    print(line);
}

int
kmem_info(kmem_print_fn print, const char *name)
{
    int found = 0;

    print("cache                objsize   slab objs    inuse    total  slabs  free mag  eff");
    for (struct kmem_cache *cache = kmem_cache_next(NULL); cache != NULL;
         cache = kmem_cache_next(cache)) {
        if (name == NULL || strcmp(cache->name, name) == 0) {
            kmem_info_line(print, cache);
            found = 1;
        }
    }
    return found ? 0 : ERROR_NOENT;
}

static void
kmem_shell_print(const char *line)
{
    printf("%s\n", line);
}

static void
kmem_shell_info(int argc, char **argv)
{
    if (argc > 2) {
        printf("usage: kmem_info [cache]\n");
        return;
    }
    if (kmem_info(kmem_shell_print, (argc == 2) ? argv[1] : NULL) != 0) {
        printf("kmem_info: no cache named '%s'\n", argv[1]);
    }
}

SHELL_CMD_DEFINE(kmem_info, "[cache]",
                 "kmem caches: sizes, objects, slabs, magazines, efficiency",
                 kmem_shell_info);
