/* SPDX-License-Identifier: GPL-2.0-or-later */
/*
 * Host page backend of kern/kmem.c; see kmem_host.h.
 */
#include <limits.h>
#include <pthread.h>
#include <stdarg.h>
#include <stdbool.h>
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <sys/mman.h>

#include <kern/kmem.h>
#include <kern/kmem_backend.h>
#include <kern/macros.h>
#include <machine/param.h>

#include "tests/unit/kmem_host.h"

#if defined(__SANITIZE_ADDRESS__)
#include <sanitizer/asan_interface.h>
#define KMEM_HOST_POISON(a, s)      ASAN_POISON_MEMORY_REGION(a, s)
#define KMEM_HOST_UNPOISON(a, s)    ASAN_UNPOISON_MEMORY_REGION(a, s)
#else
#define KMEM_HOST_POISON(a, s)      ((void)(a), (void)(s))
#define KMEM_HOST_UNPOISON(a, s)    ((void)(a), (void)(s))
#endif

#define KMEM_HOST_ORDER_MAX     10
#define KMEM_HOST_NONE          ULONG_MAX

/* Page states. */
#define KMEM_HOST_FREE          0
#define KMEM_HOST_HEAD          1   /* first page of an allocated block */
#define KMEM_HOST_TAIL          2   /* other pages of an allocated block */
#define KMEM_HOST_LARGE         3   /* first page of a kmem_large_alloc() block */

_Static_assert(((size_t)PAGE_SIZE << KMEM_HOST_ORDER_MAX) >= KMEM_LARGE_MAX,
               "the largest kmem_alloc() is one block of the arena");

static pthread_mutex_t kmem_host_lock = PTHREAD_MUTEX_INITIALIZER;
static char *kmem_host_arena;
static unsigned long kmem_host_nr_pages;
static unsigned long kmem_host_brk;         /* pages never handed out start here */
static unsigned long kmem_host_used;
static unsigned long kmem_host_limit = ~0UL;
static unsigned long kmem_host_free_heads[KMEM_HOST_ORDER_MAX + 1];
static unsigned long *kmem_host_next;       /* free lists, per first page */
static uint8_t *kmem_host_state;
static uint8_t *kmem_host_order;
static void **kmem_host_priv;

static void __attribute__((noreturn, format(printf, 1, 2)))
kmem_host_die(const char *fmt, ...)
{
    va_list ap;

    fprintf(stderr, "kmem_host: ");
    va_start(ap, fmt);
    vfprintf(stderr, fmt, ap);
    va_end(ap);
    fprintf(stderr, "\n");
    abort();
}

void
kmem_host_setup(unsigned long nr_pages)
{
    size_t size = nr_pages * PAGE_SIZE, block = (size_t)PAGE_SIZE << KMEM_HOST_ORDER_MAX;
    char *map;

    if (nr_pages == 0 || nr_pages % (1UL << KMEM_HOST_ORDER_MAX) != 0) {
        kmem_host_die("arena of %lu pages", nr_pages);
    }
    map = mmap(NULL, size + block, PROT_READ | PROT_WRITE,
               MAP_PRIVATE | MAP_ANONYMOUS | MAP_NORESERVE, -1, 0);
    if (map == MAP_FAILED) {
        kmem_host_die("cannot map %zu bytes", size + block);
    }
    kmem_host_arena = (char *)P2ROUND((uintptr_t)map, block);
    kmem_host_nr_pages = nr_pages;
    kmem_host_next = calloc(nr_pages, sizeof(*kmem_host_next));
    kmem_host_state = calloc(nr_pages, 1);
    kmem_host_order = calloc(nr_pages, 1);
    kmem_host_priv = calloc(nr_pages, sizeof(*kmem_host_priv));
    if (kmem_host_next == NULL || kmem_host_state == NULL
        || kmem_host_order == NULL || kmem_host_priv == NULL) {
        kmem_host_die("out of host memory");
    }
    for (unsigned int i = 0; i <= KMEM_HOST_ORDER_MAX; i++) {
        kmem_host_free_heads[i] = KMEM_HOST_NONE;
    }
    KMEM_HOST_POISON(kmem_host_arena, size);
}

void
kmem_host_limit_set(unsigned long nr_pages)
{
    pthread_mutex_lock(&kmem_host_lock);
    kmem_host_limit = nr_pages;
    pthread_mutex_unlock(&kmem_host_lock);
}

unsigned long
kmem_host_pages_used(void)
{
    unsigned long used;

    pthread_mutex_lock(&kmem_host_lock);
    used = kmem_host_used;
    pthread_mutex_unlock(&kmem_host_lock);
    return used;
}

/* Lock held. */
static void
kmem_host_free_push(unsigned long index, unsigned int order)
{
    kmem_host_next[index] = kmem_host_free_heads[order];
    kmem_host_free_heads[order] = index;
}

/* Page index of addr, or KMEM_HOST_NONE when outside the arena. */
static unsigned long
kmem_host_index(const void *addr)
{
    uintptr_t a = (uintptr_t)addr, base = (uintptr_t)kmem_host_arena;

    if (a < base || a - base >= kmem_host_nr_pages * (uintptr_t)PAGE_SIZE) {
        return KMEM_HOST_NONE;
    }
    return (a - base) >> PAGE_SHIFT;
}

/* Allocate a block whose first page gets state head (HEAD or LARGE). */
static void *
kmem_host_block_alloc(unsigned int order, uint8_t head)
{
    unsigned long index, nr = 1UL << order;
    void *addr;

    if (order > KMEM_HOST_ORDER_MAX) {
        return NULL;
    }
    pthread_mutex_lock(&kmem_host_lock);
    if (kmem_host_used + nr > kmem_host_limit) {
        pthread_mutex_unlock(&kmem_host_lock);
        return NULL;
    }
    index = kmem_host_free_heads[order];
    if (index != KMEM_HOST_NONE) {
        kmem_host_free_heads[order] = kmem_host_next[index];
    } else {
        index = P2ROUND(kmem_host_brk, nr);
        if (index + nr > kmem_host_nr_pages) {
            pthread_mutex_unlock(&kmem_host_lock);
            return NULL;
        }
        /* Keep the pages skipped for alignment as smaller free blocks. */
        while (kmem_host_brk < index) {
            unsigned int o = 0;

            while (P2ALIGNED(kmem_host_brk, 2UL << o) && kmem_host_brk + (2UL << o) <= index) {
                o++;
            }
            kmem_host_free_push(kmem_host_brk, o);
            kmem_host_brk += 1UL << o;
        }
        kmem_host_brk = index + nr;
    }
    for (unsigned long i = 0; i < nr; i++) {
        __atomic_store_n(&kmem_host_priv[index + i], NULL, __ATOMIC_RELAXED);
        __atomic_store_n(&kmem_host_state[index + i],
                         (i == 0) ? head : KMEM_HOST_TAIL, __ATOMIC_RELEASE);
    }
    kmem_host_order[index] = (uint8_t)order;
    kmem_host_used += nr;
    pthread_mutex_unlock(&kmem_host_lock);

    addr = kmem_host_arena + index * PAGE_SIZE;
    KMEM_HOST_UNPOISON(addr, nr * PAGE_SIZE);
    return addr;
}

/*
 * Free the block at addr if it is one of order whose first page has state
 * head; returns false, changing nothing, otherwise.
 */
static bool
kmem_host_block_free(void *addr, unsigned int order, uint8_t head)
{
    unsigned long index = kmem_host_index(addr), nr = 1UL << order;

    pthread_mutex_lock(&kmem_host_lock);
    if (index == KMEM_HOST_NONE || !P2ALIGNED((uintptr_t)addr, PAGE_SIZE)
        || kmem_host_state[index] != head || kmem_host_order[index] != order) {
        pthread_mutex_unlock(&kmem_host_lock);
        return false;
    }
    for (unsigned long i = 0; i < nr; i++) {
        __atomic_store_n(&kmem_host_state[index + i], KMEM_HOST_FREE, __ATOMIC_RELEASE);
    }
    KMEM_HOST_POISON(addr, nr * PAGE_SIZE);
    kmem_host_free_push(index, order);
    kmem_host_used -= nr;
    pthread_mutex_unlock(&kmem_host_lock);
    return true;
}

void *
kmem_pages_alloc(unsigned int order)
{
    return kmem_host_block_alloc(order, KMEM_HOST_HEAD);
}

void
kmem_pages_free(void *addr, unsigned int order)
{
    if (!kmem_host_block_free(addr, order, KMEM_HOST_HEAD)) {
        kmem_host_die("bad free of %p, order %u", addr, order);
    }
}

/* Order of the block of a large allocation of size bytes. */
static unsigned int
kmem_host_large_order(size_t size)
{
    unsigned int order = 0;

    while (((size_t)PAGE_SIZE << order) < size) {
        order++;
    }
    return order;
}

void *
kmem_large_alloc(size_t size)
{
    return kmem_host_block_alloc(kmem_host_large_order(size), KMEM_HOST_LARGE);
}

size_t
kmem_large_size(size_t size)
{
    return (size_t)PAGE_SIZE << kmem_host_large_order(size);
}

bool
kmem_large_free(void *ptr, size_t size)
{
    return kmem_host_block_free(ptr, kmem_host_large_order(size), KMEM_HOST_LARGE);
}

void
kmem_pages_priv_set(void *addr, unsigned int order, void *priv)
{
    unsigned long index = kmem_host_index(addr);

    if (index == KMEM_HOST_NONE || index + (1UL << order) > kmem_host_nr_pages) {
        kmem_host_die("priv_set on %p, order %u: outside the arena", addr, order);
    }
    for (unsigned long i = 0; i < (1UL << order); i++) {
        if (kmem_host_state[index + i] == KMEM_HOST_FREE) {
            kmem_host_die("priv_set on %p, order %u: page %lu free", addr, order, i);
        }
        __atomic_store_n(&kmem_host_priv[index + i], priv, __ATOMIC_RELEASE);
    }
}

bool
kmem_pages_priv_get(const void *addr, void **privp)
{
    unsigned long index = kmem_host_index(addr);

    if (index == KMEM_HOST_NONE
        || __atomic_load_n(&kmem_host_state[index], __ATOMIC_ACQUIRE) == KMEM_HOST_FREE) {
        return false;
    }
    *privp = __atomic_load_n(&kmem_host_priv[index], __ATOMIC_ACQUIRE);
    return true;
}
