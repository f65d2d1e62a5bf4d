/* SPDX-License-Identifier: GPL-2.0-or-later */
/*
 * Internals of vm_page needed by the inline fast paths of vm/vm_page.h,
 * which includes this file. Nothing else may use them.
 *
 * A per-CPU pool is a stack of free pages of one segment, singly linked
 * through vm_page.node.next (NULL ends it), touched only by its own CPU
 * with interrupts disabled. The pools of one CPU, one per segment, share
 * a cache line of their own.
 */
#ifndef VM_VM_PAGE_I_H
#define VM_VM_PAGE_I_H

#include <stdint.h>

#include <kern/list.h>
#include <kern/macros.h>
#include <kern/percpu.h>

/* 16 bytes, so that finding a segment's pool takes a shift. */
struct vm_page_cpu_pool {
    struct list *top;           /* most recently freed page, NULL: empty */
    unsigned int nr_pages;
    unsigned int size;          /* capacity, 0: no pool */
} __aligned(16);

struct vm_page_cpu {
    struct vm_page_cpu_pool pools[VM_PAGE_NR_SEGS];
} __aligned(CPU_CACHE_LINE);

extern struct vm_page_cpu vm_page_cpus[CONFIG_NCPUS];

/* Whether the inline free path sends free and reserved pages to the checks. */
#ifdef CONFIG_DEBUG
#define VM_PAGE_CHECK_FREE      1
#else
#define VM_PAGE_CHECK_FREE      0
#endif

/* First segment to try for each selector: the highest one with pages. */
extern uint8_t vm_page_sel_first[VM_PAGE_NR_SEGS];

/*
 * Everything but a pool hit. The inline paths call them with interrupts
 * disabled and pass the flags cpu_intr_save() returned; they restore
 * them. vm_page_alloc_miss() is an order-0 allocation whose selector's
 * first segment, first, has an empty pool or none; vm_page_alloc_slow()
 * is any other (any order, bad input); vm_page_free_slow() any free but
 * into a pool with room. On i386 they take their arguments in registers.
 */
#if defined(__i386__) && !defined(MACH_HOST)
#define VM_PAGE_SLOW_CALL       __attribute__((regparm(3)))
#else
#define VM_PAGE_SLOW_CALL
#endif

VM_PAGE_SLOW_CALL struct vm_page *vm_page_alloc_miss(unsigned int first,
                                                     unsigned int type,
                                                     uint32_t flags);
VM_PAGE_SLOW_CALL struct vm_page *vm_page_alloc_slow(unsigned int order,
                                                     unsigned int selector,
                                                     unsigned int type,
                                                     uint32_t flags);
VM_PAGE_SLOW_CALL void vm_page_free_slow(struct vm_page *page, unsigned int order,
                                         uint32_t flags);

static inline struct vm_page_cpu_pool *
vm_page_cpu_pool(unsigned int seg_index)
{
    return &vm_page_cpus[cpu_id()].pools[seg_index];
}

/* Pop the top page; the pool must not be empty. */
static inline struct vm_page *
vm_page_pool_pop(struct vm_page_cpu_pool *pool)
{
    struct list *node = pool->top;

    pool->top = node->next;
    pool->nr_pages--;
    return list_entry(node, struct vm_page, node);
}

static inline void
vm_page_pool_push(struct vm_page_cpu_pool *pool, struct vm_page *page)
{
    page->node.next = pool->top;
    pool->top = &page->node;
    pool->nr_pages++;
}

#endif /* VM_VM_PAGE_I_H */
