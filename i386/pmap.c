/* SPDX-License-Identifier: GPL-2.0-or-later */
/*
 * The kernel's page tables.
 *
 * The boot page directory (boot.S) stays the kernel's: the direct map
 * keeps its large pages, and pmap_setup() adds page tables for the kernel
 * virtual area and the windows. Those tables are allocated once, as one
 * physically contiguous vm_page block, so the PTE of any address in
 * [PMAP_KVA_START, 4 GiB) is a plain array index and no table is ever
 * allocated or freed later; every CPU (and, later, every address space)
 * shares them through the same directory entries. The tables of the
 * boot_map() range are allocated too but not installed: that range keeps
 * its large pages. Costs 128 KiB (256 KiB with PAE).
 *
 * The kernel image's first large page is split into 4 KiB pages so that
 * its text can be read-only (CR0.WP makes that hold in kernel mode too).
 *
 * TLB shootdown: a change that removes or restricts a mapping runs
 * invlpg (or a full flush for large ranges) on every online CPU through
 * smp_call_all() before returning, so no CPU can use the old entry
 * afterwards. New mappings over empty entries need no flush.
 */
#include <stdbool.h>
#include <stddef.h>
#include <stdint.h>

#include <i386/boot_map.h>
#include <i386/cpu.h>
#include <i386/param.h>
#include <i386/pmap.h>
#include <i386/smp.h>
#include <kern/macros.h>
#include <kern/panic.h>
#include <kern/percpu.h>
#include <kern/printf.h>
#include <kern/string.h>
#include <vm/vm_page.h>

#define PMAP_PTE_P              0x001
#define PMAP_PTE_RW             0x002
#define PMAP_PTE_PS             0x080
#define PMAP_FLUSH_ALL_PAGES    32          /* above this, reload %cr3 */

#ifdef CONFIG_PAE
typedef uint64_t pmap_pte_t;
#define PMAP_PTE_ADDR_MASK      0x000ffffffffff000ULL
extern pmap_pte_t boot_pd_kernel[];
#define PMAP_PDE(va)            (&boot_pd_kernel[((va) - KERNBASE) >> LARGE_PAGE_SHIFT])
#else
typedef uint32_t pmap_pte_t;
#define PMAP_PTE_ADDR_MASK      0xfffff000U
extern pmap_pte_t boot_pgdir[];
#define PMAP_PDE(va)            (&boot_pgdir[(va) >> LARGE_PAGE_SHIFT])
#endif

#define PMAP_PTES_PER_TABLE     (PAGE_SIZE / sizeof(pmap_pte_t))
#define PMAP_NR_PTES            ((0x100000000ULL - PMAP_KVA_START) >> PAGE_SHIFT)
#define PMAP_NR_TABLES          (PMAP_NR_PTES / PMAP_PTES_PER_TABLE)

_Static_assert(PMAP_WINDOW_START + CONFIG_NCPUS * PMAP_WINDOWS_PER_CPU * PAGE_SIZE
               <= 0xFFFFF000, "too many windows for the window range");

static pmap_pte_t *pmap_kernel_ptes;    /* PTEs of [PMAP_KVA_START, 4 GiB) */
extern char _kernel_start[], _etext[];

static pmap_pte_t *
pmap_kpte(uintptr_t va)
{
    return &pmap_kernel_ptes[(va - PMAP_KVA_START) >> PAGE_SHIFT];
}

static pmap_pte_t
pmap_pte_make(phys_addr_t pa, unsigned int prot)
{
    return (pa & PMAP_PTE_ADDR_MASK) | PMAP_PTE_P
           | ((prot & PMAP_PROT_WRITE) ? PMAP_PTE_RW : 0);
}

static inline void
pmap_invlpg(uintptr_t va)
{
    __asm__ volatile("invlpg (%0)" : : "r"(va) : "memory");
}

struct pmap_range {
    uintptr_t start, end;
};

static void
pmap_tlb_flush_local(void *arg)
{
    const struct pmap_range *r = arg;

    if ((r->end - r->start) >> PAGE_SHIFT > PMAP_FLUSH_ALL_PAGES) {
        cpu_set_cr3(cpu_get_cr3());
        return;
    }
    for (uintptr_t va = r->start; va < r->end; va += PAGE_SIZE) {
        pmap_invlpg(va);
    }
}

void
pmap_tlb_shootdown(uintptr_t start, uintptr_t end)
{
    struct pmap_range r = { start, end };

    smp_call_all(pmap_tlb_flush_local, &r);
}

/* Map the kernel image's large page with 4 KiB pages, text read-only. */
static void
pmap_setup_image(void)
{
    struct vm_page *page = vm_page_alloc(0, VM_PAGE_SEL_DIRECTMAP, VM_PAGE_PMAP);
    uintptr_t text_start = (uintptr_t)_kernel_start, text_end = (uintptr_t)_etext;
    pmap_pte_t *pt;

    if (page == NULL) {
        panic("pmap: no page for the kernel image's page table");
    }
    pt = vm_page_direct_va(page);
    for (unsigned int i = 0; i < PMAP_PTES_PER_TABLE; i++) {
        uintptr_t va = KERNBASE + i * PAGE_SIZE;
        bool text = va >= P2TRUNC(text_start, PAGE_SIZE) && va < text_end;

        pt[i] = pmap_pte_make(kvtophys((void *)va),
                              text ? PMAP_PROT_READ : PMAP_PROT_READ | PMAP_PROT_WRITE);
    }
    *PMAP_PDE(KERNBASE) = vm_page_to_pa(page) | PMAP_PTE_P | PMAP_PTE_RW;
}

void
pmap_setup(void)
{
    unsigned int order = 0;
    struct vm_page *block;

    while ((1U << order) < PMAP_NR_TABLES) {
        order++;
    }
    block = vm_page_alloc(order, VM_PAGE_SEL_DIRECTMAP, VM_PAGE_PMAP);
    if (block == NULL) {
        panic("pmap: no %u contiguous pages for the kernel page tables",
              (unsigned int)PMAP_NR_TABLES);
    }
    pmap_kernel_ptes = vm_page_direct_va(block);
    memset(pmap_kernel_ptes, 0, PMAP_NR_TABLES * PAGE_SIZE);
    for (unsigned int i = 0; i < PMAP_NR_TABLES; i++) {
        uintptr_t va = PMAP_KVA_START + (uintptr_t)i * PMAP_PTES_PER_TABLE * PAGE_SIZE;

        if (va >= BOOT_MAP_START && va < BOOT_MAP_END) {
            continue;                   /* boot_map() large pages */
        }
        *PMAP_PDE(va) = (vm_page_to_pa(block) + (phys_addr_t)i * PAGE_SIZE)
                        | PMAP_PTE_P | PMAP_PTE_RW;
    }
    pmap_setup_image();
    pmap_tlb_shootdown(KERNBASE, 0xFFFFF000);
    printf("pmap: kernel page tables %u KiB, kernel virtual area 0x%08x-0x%08x, "
           "text read-only\n", (unsigned int)(PMAP_NR_TABLES * PAGE_SIZE / 1024),
           PMAP_KVA_START, PMAP_KVA_END);
}

static bool
pmap_kva_valid(uintptr_t va, size_t size)
{
    return va >= PMAP_KVA_START && va < PMAP_KVA_END && size <= PMAP_KVA_END - va
           && P2ALIGNED(va, PAGE_SIZE) && P2ALIGNED(size, PAGE_SIZE);
}

void
pmap_kenter(uintptr_t va, phys_addr_t pa, unsigned int prot)
{
    pmap_pte_t *pte, old;

    if (!pmap_kva_valid(va, PAGE_SIZE)) {
        panic("pmap: kenter at 0x%08lx, outside the kernel virtual area",
              (unsigned long)va);
    }
    pte = pmap_kpte(va);
    old = *pte;
    *pte = pmap_pte_make(pa, prot);
    if (old & PMAP_PTE_P) {
        pmap_tlb_shootdown(va, va + PAGE_SIZE);
    }
}

void
pmap_kremove(uintptr_t va, size_t size)
{
    if (!pmap_kva_valid(va, size)) {
        panic("pmap: kremove 0x%08lx+0x%zx outside the kernel virtual area",
              (unsigned long)va, size);
    }
    for (uintptr_t p = va; p < va + size; p += PAGE_SIZE) {
        *pmap_kpte(p) = 0;
    }
    pmap_tlb_shootdown(va, va + size);
}

void
pmap_kprotect(uintptr_t va, size_t size, unsigned int prot)
{
    if (!pmap_kva_valid(va, size)) {
        panic("pmap: kprotect 0x%08lx+0x%zx outside the kernel virtual area",
              (unsigned long)va, size);
    }
    for (uintptr_t p = va; p < va + size; p += PAGE_SIZE) {
        pmap_pte_t *pte = pmap_kpte(p);

        if (*pte & PMAP_PTE_P) {
            *pte = pmap_pte_make(*pte & PMAP_PTE_ADDR_MASK, prot);
        }
    }
    pmap_tlb_shootdown(va, va + size);
}

bool
pmap_kextract(uintptr_t va, phys_addr_t *pap)
{
    pmap_pte_t pde;

    if (va < KERNBASE) {
        return false;
    }
    pde = *PMAP_PDE(va);
    if (!(pde & PMAP_PTE_P)) {
        return false;
    }
    if (pde & PMAP_PTE_PS) {
        *pap = (pde & PMAP_PTE_ADDR_MASK & ~(phys_addr_t)(LARGE_PAGE_SIZE - 1))
               + (va & (LARGE_PAGE_SIZE - 1));
        return true;
    }

    const pmap_pte_t *pt = phystokv(pde & PMAP_PTE_ADDR_MASK);
    pmap_pte_t pte = pt[(va >> PAGE_SHIFT) & (PMAP_PTES_PER_TABLE - 1)];

    if (!(pte & PMAP_PTE_P)) {
        return false;
    }
    *pap = (pte & PMAP_PTE_ADDR_MASK) + (va & PAGE_MASK);
    return true;
}

void *
pmap_window_map(phys_addr_t pa)
{
    struct percpu *self;
    uintptr_t va;

    preempt_disable();
    self = percpu_self();
    if (self->nr_windows == PMAP_WINDOWS_PER_CPU) {
        preempt_enable();
        return NULL;
    }
    va = PMAP_WINDOW_START
         + (self->id * PMAP_WINDOWS_PER_CPU + self->nr_windows) * PAGE_SIZE;
    self->nr_windows++;
    *pmap_kpte(va) = pmap_pte_make(pa, PMAP_PROT_READ | PMAP_PROT_WRITE);
    pmap_invlpg(va);
    return (void *)va;
}

void
pmap_window_unmap(void *va)
{
    struct percpu *self = percpu_self();
    uintptr_t expected = PMAP_WINDOW_START
                         + (self->id * PMAP_WINDOWS_PER_CPU + self->nr_windows - 1)
                           * PAGE_SIZE;

    if (self->nr_windows == 0 || (uintptr_t)va != expected) {
        panic("pmap: window %p unmapped out of order", va);
    }
    *pmap_kpte((uintptr_t)va) = 0;
    pmap_invlpg((uintptr_t)va);
    self->nr_windows--;
    preempt_enable();
}
