/* SPDX-License-Identifier: GPL-2.0-or-later */
/*
 * Host benchmark of vm_page: runs each scenario of vm_page_loops.h once,
 * for callgrind to count (tools/bench-vm-page divides each loop
 * function's inclusive instruction count by its pairs).
 *
 * Memory: DMA [0, 16 MiB) and DIRECTMAP [16 MiB, 80 MiB), all free, so
 * DMA holds order-10 blocks only (and no pool), DIRECTMAP has a pool of
 * 16 pages (batches of 8).
 *
 * Two builds:
 *  - host (x86-64, -DMACH_HOST=1), tests/bench/vm_page.mk;
 *  - i386 (BENCH_I386): a static 32-bit program without libc, where
 *    vm/vm_page.c is compiled exactly as for the kernel (same flags,
 *    config.h), except that tests/bench/i386/ shadows i386/cpu.h and
 *    kern/percpu.h: interrupt save/restore, cpu_id() and the preemption
 *    count execute as many instructions as the kernel's, but with nop
 *    for cli/sti and a plain variable for the per-CPU data at %gs, which
 *    user mode cannot use. The descriptors live at their phystokv()
 *    addresses, mapped by hand.
 */
#include <stdbool.h>
#include <stddef.h>
#include <stdint.h>

#include <kern/list.h>
#include <machine/param.h>
#include <vm/vm_page.h>

#include "vm_page_loops.h"

#define BENCH_POOL_PAIRS        100000
#define BENCH_ROUNDS            100
#define BENCH_BUDDY_PAIRS       10000

#define BENCH_DESC_PAGES        512     /* 2 MiB of descriptors */

static struct vm_page *bench_pages[BENCH_VM_PAGE_BATCH];
static unsigned int bench_desc_used;

#ifdef BENCH_I386

#include <stdarg.h>

#include <kern/console.h>
#include <kern/printf.h>

/* Physical address of the descriptor area: its kernel address is mapped. */
#define BENCH_DESC_PA           (16 * 1024 * 1024)

/* What the kernel reaches through %gs (see tests/bench/i386/kern/percpu.h). */
struct percpu bench_percpu = { .self = &bench_percpu };

/* Spinlocks call it when need_resched is set, which it never is here. */
void
preempt_check(void)
{
}

__asm__(".globl _start\n"
        "_start:\n"
        "    xorl %ebp, %ebp\n"
        "    call bench_main\n"
        "    movl %eax, %ebx\n"
        "    movl $1, %eax\n"           /* exit */
        "    int $0x80\n");

static long
bench_syscall3(long nr, long a, long b, long c)
{
    long ret;

    __asm__ volatile("int $0x80" : "=a"(ret) : "a"(nr), "b"(a), "c"(b), "d"(c)
                     : "memory");
    return ret;
}

void
console_write(const char *s, size_t len)
{
    bench_syscall3(4, 1, (long)s, (long)len);         /* write */
}

void
panic(const char *fmt, ...)
{
    va_list ap;

    printf("panic: ");
    va_start(ap, fmt);
    vprintf(fmt, ap);
    va_end(ap);
    printf("\n");
    bench_syscall3(1, 2, 0, 0);                         /* exit(2) */
    for (;;) {
        continue;
    }
}

/*
 * old_mmap() arguments mapping the descriptor area at its kernel address
 * (MAP_FIXED | MAP_PRIVATE | MAP_ANONYMOUS). Initialized data, which
 * also gives the program the file-backed writable segment valgrind
 * waits for before it reads the symbols.
 */
static unsigned long bench_mmap_args[6] = {
    KERNBASE + BENCH_DESC_PA, BENCH_DESC_PAGES * PAGE_SIZE, 3, 0x32, (unsigned long)-1, 0,
};

static bool
bench_memory_init(void)
{
    return bench_syscall3(90, (long)bench_mmap_args, 0, 0) == (long)bench_mmap_args[0];
}

static phys_addr_t
bench_bootalloc(unsigned int npages)
{
    if (npages > BENCH_DESC_PAGES - bench_desc_used) {
        return 0;
    }
    bench_desc_used += npages;
    return BENCH_DESC_PA + (phys_addr_t)(bench_desc_used - npages) * PAGE_SIZE;
}

#define bench_main_name         bench_main

#else /* BENCH_I386 */

#include <stdio.h>

__thread unsigned int percpu_host_cpu;

static _Alignas(PAGE_SIZE) char bench_descs[BENCH_DESC_PAGES * PAGE_SIZE];

/* The synthetic physical address of the descriptor area. */
#define BENCH_DESC_PA           (UINT64_C(1) << 40)

void
panic(const char *fmt, ...)
{
    printf("panic: %s\n", fmt);
    __builtin_trap();
}

void *
vm_page_host_ptov(phys_addr_t pa, size_t size)
{
    if (pa >= BENCH_DESC_PA && pa - BENCH_DESC_PA + size <= sizeof(bench_descs)) {
        return bench_descs + (pa - BENCH_DESC_PA);
    }
    return NULL;
}

static bool
bench_memory_init(void)
{
    return true;
}

static phys_addr_t
bench_bootalloc(unsigned int npages)
{
    if (npages > BENCH_DESC_PAGES - bench_desc_used) {
        return 0;
    }
    bench_desc_used += npages;
    return BENCH_DESC_PA + (phys_addr_t)(bench_desc_used - npages) * PAGE_SIZE;
}

#define bench_main_name         main

#endif /* BENCH_I386 */

int bench_main_name(void);

int
bench_main_name(void)
{
    struct vm_page_seg_stats stats;
    struct vm_page *page;
    struct list held;

    if (!bench_memory_init()) {
        printf("bench: cannot map the descriptor area\n");
        return 1;
    }
    vm_page_load(VM_PAGE_SEG_DMA, 0, 16 << 20);
    vm_page_load(VM_PAGE_SEG_DIRECTMAP, 16 << 20, 80 << 20);
    vm_page_setup(bench_bootalloc);
    vm_page_manage_range(0, 16 << 20);
    vm_page_manage_range(16 << 20, 80 << 20);
    vm_page_ready();

    page = vm_page_alloc(0, VM_PAGE_SEL_DIRECTMAP, VM_PAGE_KERNEL);
    vm_page_free(page, 0);
    vm_page_seg_stats_get(VM_PAGE_SEG_DIRECTMAP, &stats);
    if (stats.pool_fill[0] == 0 || !bench_vm_page_buddy_prepare(&held)) {
        printf("bench: unexpected initial state\n");
        return 1;
    }

    bench_vm_page_empty(BENCH_POOL_PAIRS);
    bench_vm_page_pool_hit(BENCH_POOL_PAIRS);
    bench_vm_page_refill_drain(bench_pages, BENCH_ROUNDS);
    bench_vm_page_buddy0(BENCH_BUDDY_PAIRS);
    bench_vm_page_buddy1(BENCH_BUDDY_PAIRS);
    bench_vm_page_buddy2(BENCH_BUDDY_PAIRS);
    bench_vm_page_buddy3(BENCH_BUDDY_PAIRS);
    if (!bench_vm_page_buddy_ready()) {
        printf("bench: a buddy pair did not merge back\n");
        return 1;
    }

    bench_vm_page_buddy_release(&held);
    if (vm_page_check() != 0) {
        printf("bench: vm_page_check() failed\n");
        return 1;
    }
    printf("pairs: bench_vm_page_empty %u bench_vm_page_pool_hit %u "
           "bench_vm_page_refill_drain %u bench_vm_page_buddy0 %u "
           "bench_vm_page_buddy1 %u bench_vm_page_buddy2 %u bench_vm_page_buddy3 %u\n",
           BENCH_POOL_PAIRS, BENCH_POOL_PAIRS, BENCH_ROUNDS * BENCH_VM_PAGE_BATCH,
           BENCH_BUDDY_PAIRS, BENCH_BUDDY_PAIRS, BENCH_BUDDY_PAIRS, BENCH_BUDDY_PAIRS);
    return 0;
}
