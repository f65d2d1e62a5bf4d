/* SPDX-License-Identifier: GPL-2.0-or-later */
/*
 * Page tables: the kernel's, and address spaces for tasks.
 *
 * The boot page directory (boot.S) stays the kernel's: the direct map
 * keeps its large pages, and pmap_setup() adds page tables for the kernel
 * virtual area and the windows. Those tables are allocated once, as one
 * physically contiguous vm_page block, so the PTE of any address in
 * [PMAP_KVA_START, 4 GiB) is a plain array index and no table is ever
 * allocated or freed later; every CPU and every address space shares them
 * through the same directory entries. The tables of the boot_map() range
 * are allocated too but not installed: that range keeps its large pages.
 * Costs 128 KiB (256 KiB with PAE).
 *
 * The kernel image's first large page is split into 4 KiB pages so that
 * its text can be read-only (CR0.WP makes that hold in kernel mode too).
 *
 * NX (PAE only): pmap_nx_setup() sets EFER.NXE on the boot CPU, the
 * trampoline on the others, before any entry holds the bit (it is a
 * reserved bit without NXE). Then every kernel mapping but the text is
 * NX: the direct map and boot_map() large pages, the 4 KiB pages of the
 * image around the text, the kernel virtual area (unless entered with
 * PMAP_PROT_EXECUTE) and the windows. Directory entries that point to
 * page tables never carry NX (it would cover the whole table); PDPT
 * entries cannot.
 *
 * Address spaces (struct pmap): user addresses [0, 0xC0000000) have
 * their own tables, the kernel part is shared. Without PAE a pmap's page
 * directory gets a copy of the kernel's directory entries at creation;
 * they never change after pmap_setup() (kernel tables are preallocated,
 * boot_map() runs before it). With PAE the PDPT (in the pmap object,
 * 32-byte aligned, in the direct map so below 4 GiB) points to three user
 * page directories, allocated with the pmap because the CPU caches PDPT
 * entries at each %cr3 load, and to the kernel's directory, shared. Page
 * tables come from vm_page when first needed; each counts its valid
 * entries in its descriptor's priv field and is freed when that drops to
 * 0. User entries carry U/S (the directory entries too: both levels must
 * allow an access). 64-bit PAE entries of user tables change with
 * cmpxchg8b so that neither the MMU nor a TLB miss on another CPU ever
 * sees half an entry.
 *
 * Locking: the kernel tables need none beyond their callers' (vm_kmem
 * owns its ranges; windows are per CPU). Each user pmap has a spinlock,
 * held across every change and lookup, including the shootdown; it is
 * taken with interrupts enabled, never from interrupt handlers, since
 * the shootdown waits for other CPUs to answer an IPI (a CPU spinning on
 * the lock still takes the IPI). Page-table pages are allocated with the
 * lock dropped, then the directory entry is looked at again.
 *
 * TLB shootdown: a kernel change that removes or restricts a mapping
 * runs invlpg (or a full flush for large ranges) on every online CPU
 * through smp_call_all() before returning, so no CPU can use the old
 * entry afterwards. New mappings over empty entries need no flush. A
 * user pmap's changes go only to the CPUs in its CPU mask: pmap_activate()
 * sets the CPU's bit before loading %cr3 and clears it in the previous
 * pmap after loading the new %cr3 (which drops every non-global entry of
 * the old one); a change writes the entries, then (full barrier) reads
 * the mask. So a CPU either is in the mask the change reads, or loads
 * %cr3 after the change. Page tables are freed only after that flush
 * (invlpg also drops the paging-structure caches).
 */
#include <stdbool.h>
#include <stddef.h>
#include <stdint.h>

#include <i386/boot_map.h>
#include <i386/cpu.h>
#include <i386/cpu_info.h>
#include <i386/param.h>
#include <i386/pmap.h>
#include <i386/smp.h>
#include <kern/kmem.h>
#include <kern/list.h>
#include <kern/macros.h>
#include <kern/panic.h>
#include <kern/percpu.h>
#include <kern/printf.h>
#include <kern/spinlock.h>
#include <kern/string.h>
#include <vm/vm_page.h>

#define PMAP_PTE_P              0x001
#define PMAP_PTE_RW             0x002
#define PMAP_PTE_US             0x004
#define PMAP_PTE_PS             0x080
#define PMAP_FLUSH_ALL_PAGES    32          /* above this, reload %cr3 */

#ifdef CONFIG_PAE
typedef uint64_t pmap_pte_t;
#define PMAP_PTE_ADDR_MASK      0x000ffffffffff000ULL
#define PMAP_PTE_NX             0x8000000000000000ULL
#define PMAP_NR_USER_PDS        3           /* 1 GiB each */
extern pmap_pte_t boot_pd_kernel[];
#define PMAP_PDE(va)            (&boot_pd_kernel[((va) - KERNBASE) >> LARGE_PAGE_SHIFT])
#else
typedef uint32_t pmap_pte_t;
#define PMAP_PTE_ADDR_MASK      0xfffff000U
#define PMAP_PTE_NX             0           /* no such bit */
#define PMAP_NR_USER_PDS        1
extern pmap_pte_t boot_pgdir[];
#define PMAP_PDE(va)            (&boot_pgdir[(va) >> LARGE_PAGE_SHIFT])
#endif

#define PMAP_PTES_PER_TABLE     (PAGE_SIZE / sizeof(pmap_pte_t))
#define PMAP_NR_PTES            ((0x100000000ULL - PMAP_KVA_START) >> PAGE_SHIFT)
#define PMAP_NR_TABLES          (PMAP_NR_PTES / PMAP_PTES_PER_TABLE)

_Static_assert(PMAP_WINDOW_START + CONFIG_NCPUS * PMAP_WINDOWS_PER_CPU * PAGE_SIZE
               <= 0xFFFFF000, "too many windows for the window range");

/* A user page table maps LARGE_PAGE_SIZE bytes: 4 MiB, 2 MiB with PAE. */
#define PMAP_PT_SPAN            LARGE_PAGE_SIZE

struct pmap {
#ifdef CONFIG_PAE
    pmap_pte_t pdpt[4];                 /* first: 32-byte aligned */
#endif
    struct spinlock lock;
    phys_addr_t cr3;
    pmap_pte_t *pds[PMAP_NR_USER_PDS];  /* user directories (direct map) */
    uint32_t cpus[SMP_MASK_WORDS];      /* CPUs that may have it loaded */
    unsigned int nr_tables;             /* page-table pages, directories included */
    unsigned long nr_mapped;            /* user pages mapped (written under lock, read lock-free) */
} __aligned(32);

static pmap_pte_t *pmap_kernel_ptes;    /* PTEs of [PMAP_KVA_START, 4 GiB) */
static pmap_pte_t pmap_nx_bit;          /* PMAP_PTE_NX when NX is on, else 0 */
static phys_addr_t pmap_phys_limit;     /* first physical address a PTE cannot hold */
static struct pmap pmap_kernel_pmap;
static struct pmap *pmap_cpu_pmap[CONFIG_NCPUS];    /* loaded on each CPU (NULL: kernel) */
static unsigned long pmap_cpu_user_flushes[CONFIG_NCPUS];
static struct kmem_cache pmap_cache;
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
           | ((prot & PMAP_PROT_WRITE) ? PMAP_PTE_RW : 0)
           | ((prot & PMAP_PROT_EXECUTE) ? 0 : pmap_nx_bit);
}

/*
 * Replace *pte by new if it still holds *oldp; else load the current
 * value into *oldp. One atomic step, also for 64-bit PAE entries.
 */
static inline bool
pmap_pte_cas(pmap_pte_t *pte, pmap_pte_t *oldp, pmap_pte_t new)
{
#ifdef CONFIG_PAE
    bool done;

    __asm__ volatile("lock; cmpxchg8b %1"
                     : "=@ccz"(done), "+m"(*pte), "+A"(*oldp)
                     : "b"((uint32_t)new), "c"((uint32_t)(new >> 32))
                     : "memory");
    return done;
#else
    return __atomic_compare_exchange_n(pte, oldp, new, false, __ATOMIC_SEQ_CST,
                                       __ATOMIC_SEQ_CST);
#endif
}

/* Store new in *pte atomically and return the entry it replaced. */
static inline pmap_pte_t
pmap_pte_xchg(pmap_pte_t *pte, pmap_pte_t new)
{
    pmap_pte_t old = *(volatile pmap_pte_t *)pte;

    while (!pmap_pte_cas(pte, &old, new)) {
        continue;
    }
    return old;
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
                              text ? PMAP_PROT_READ | PMAP_PROT_EXECUTE
                                   : PMAP_PROT_READ | PMAP_PROT_WRITE);
    }
    *PMAP_PDE(KERNBASE) = vm_page_to_pa(page) | PMAP_PTE_P | PMAP_PTE_RW;
}

void
pmap_nx_setup(void)
{
#ifdef CONFIG_PAE
    if (!cpu_info_has_nx()) {
        printf("pmap: NX unavailable: the CPU has no execute-disable bit, "
               "kernel data stays executable\n");
        return;
    }
    cpu_wrmsr(CPU_MSR_EFER, cpu_rdmsr(CPU_MSR_EFER) | CPU_EFER_NXE);
    pmap_nx_bit = PMAP_PTE_NX;
    printf("pmap: NX on: kernel data, the kernel virtual area, the windows and "
           "user pages without execute permission are not executable\n");
#else
    printf("pmap: NX unavailable: it needs a PAE kernel (configure --enable-pae)\n");
#endif
}

bool
pmap_nx_enabled(void)
{
    return pmap_nx_bit != 0;
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
    /* The direct map's and boot_map()'s large pages hold no code. */
    for (uint64_t va = KERNBASE; va < 0x100000000ULL; va += LARGE_PAGE_SIZE) {
        pmap_pte_t *pde = PMAP_PDE((uintptr_t)va);

        if ((*pde & (PMAP_PTE_P | PMAP_PTE_PS)) == (PMAP_PTE_P | PMAP_PTE_PS)) {
            *pde |= pmap_nx_bit;
        }
    }
    pmap_tlb_shootdown(KERNBASE, 0xFFFFF000);

    pmap_kernel_pmap.cr3 = cpu_get_cr3();
    spinlock_init(&pmap_kernel_pmap.lock);
#ifdef CONFIG_PAE
    pmap_phys_limit = (phys_addr_t)1 << cpu_info_phys_bits();
#else
    pmap_phys_limit = 0x100000000ULL;
#endif
    if (kmem_cache_init(&pmap_cache, "pmap", sizeof(struct pmap), 32, NULL, 0) != 0) {
        panic("pmap: cannot create the pmap cache");
    }
    printf("pmap: kernel page tables %u KiB, kernel virtual area 0x%08x-0x%08x, "
           "text read-only%s\n", (unsigned int)(PMAP_NR_TABLES * PAGE_SIZE / 1024),
           PMAP_KVA_START, PMAP_KVA_END, pmap_nx_enabled() ? ", the rest NX" : "");
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
    if (self->machine.nr_windows == PMAP_WINDOWS_PER_CPU) {
        preempt_enable();
        return NULL;
    }
    va = PMAP_WINDOW_START
         + (self->id * PMAP_WINDOWS_PER_CPU + self->machine.nr_windows) * PAGE_SIZE;
    self->machine.nr_windows++;
    *pmap_kpte(va) = pmap_pte_make(pa, PMAP_PROT_READ | PMAP_PROT_WRITE);
    pmap_invlpg(va);
    return (void *)va;
}

void
pmap_window_unmap(void *va)
{
    struct percpu *self = percpu_self();
    uintptr_t expected = PMAP_WINDOW_START
                         + (self->id * PMAP_WINDOWS_PER_CPU + self->machine.nr_windows - 1)
                           * PAGE_SIZE;

    if (self->machine.nr_windows == 0 || (uintptr_t)va != expected) {
        panic("pmap: window %p unmapped out of order", va);
    }
    *pmap_kpte((uintptr_t)va) = 0;
    pmap_invlpg((uintptr_t)va);
    self->machine.nr_windows--;
    preempt_enable();
}

void
pmap_page_zero(phys_addr_t pa)
{
    void *va;

    assert(P2ALIGNED(pa, PAGE_SIZE));
    if (pa < DIRECTMAP_SIZE) {
        memset(phystokv(pa), 0, PAGE_SIZE);
        return;
    }
    va = pmap_window_map(pa);
    if (va == NULL) {
        panic("pmap: no window left to zero page 0x%llx", (unsigned long long)pa);
    }
    memset(va, 0, PAGE_SIZE);
    pmap_window_unmap(va);
}

/* Kernel address of pa: the direct map, or a window (*windowp set to unmap it). */
static void *
pmap_page_reach(phys_addr_t pa, void **windowp)
{
    void *va;

    *windowp = NULL;
    if (pa < DIRECTMAP_SIZE) {
        return phystokv(pa);
    }
    va = pmap_window_map(pa);
    if (va == NULL) {
        panic("pmap: no window left to reach page 0x%llx", (unsigned long long)pa);
    }
    *windowp = va;
    return va;
}

void
pmap_page_copy(phys_addr_t dst, phys_addr_t src)
{
    void *dst_window, *src_window;
    void *dst_va, *src_va;

    assert(P2ALIGNED(dst, PAGE_SIZE) && P2ALIGNED(src, PAGE_SIZE));
    dst_va = pmap_page_reach(dst, &dst_window);
    src_va = pmap_page_reach(src, &src_window);
    memcpy(dst_va, src_va, PAGE_SIZE);
    if (src_window != NULL) {
        pmap_window_unmap(src_window);      /* last in, first out */
    }
    if (dst_window != NULL) {
        pmap_window_unmap(dst_window);
    }
}

/* ---------------------------------------------------------------- address spaces */

struct pmap *
pmap_kernel(void)
{
    return &pmap_kernel_pmap;
}

struct pmap *
pmap_current(void)
{
    struct pmap *pmap = pmap_cpu_pmap[cpu_id()];

    return pmap != NULL ? pmap : &pmap_kernel_pmap;
}

unsigned int
pmap_nr_tables(const struct pmap *pmap)
{
    return pmap->nr_tables;
}

unsigned long
pmap_resident_count(const struct pmap *pmap)
{
    return __atomic_load_n(&pmap->nr_mapped, __ATOMIC_RELAXED);
}

unsigned long
pmap_user_flushes(unsigned int cpu)
{
    return cpu < CONFIG_NCPUS ? pmap_cpu_user_flushes[cpu] : 0;
}

/* Valid entries of a page table, kept in its descriptor's priv field. */
static unsigned int
pmap_pt_count(const struct vm_page *page)
{
    return (unsigned int)(uintptr_t)page->priv;
}

static void
pmap_pt_count_set(struct vm_page *page, unsigned int count)
{
    page->priv = (void *)(uintptr_t)count;
}

/* The directory entry of user address va. */
static pmap_pte_t *
pmap_pde(struct pmap *pmap, uintptr_t va)
{
#ifdef CONFIG_PAE
    return &pmap->pds[va >> 30][(va >> LARGE_PAGE_SHIFT) & (PMAP_PTES_PER_TABLE - 1)];
#else
    return &pmap->pds[0][va >> LARGE_PAGE_SHIFT];
#endif
}

static pmap_pte_t *
pmap_pt_entry(pmap_pte_t pde, uintptr_t va)
{
    pmap_pte_t *pt = phystokv(pde & PMAP_PTE_ADDR_MASK);

    return &pt[(va >> PAGE_SHIFT) & (PMAP_PTES_PER_TABLE - 1)];
}

static void
pmap_tlb_flush_user(void *arg)
{
    pmap_cpu_user_flushes[cpu_id()]++;
    pmap_tlb_flush_local(arg);
}

/*
 * Flush [start, end) of pmap from the TLB of every CPU that may have it
 * loaded; pmap locked, entries already written.
 */
static void
pmap_update(struct pmap *pmap, uintptr_t start, uintptr_t end)
{
    struct pmap_range r = { start, end };
    uint32_t any = 0;

    __atomic_thread_fence(__ATOMIC_SEQ_CST);    /* entries, then the mask */
    for (unsigned int i = 0; i < SMP_MASK_WORDS; i++) {
        any |= __atomic_load_n(&pmap->cpus[i], __ATOMIC_RELAXED);
    }
    if (any != 0) {
        smp_call_many(pmap->cpus, pmap_tlb_flush_user, &r);
    }
}

static bool
pmap_user_range_valid(const struct pmap *pmap, uintptr_t start, uintptr_t end)
{
    return pmap != &pmap_kernel_pmap && start <= end && end <= PMAP_USER_END
           && P2ALIGNED(start, PAGE_SIZE) && P2ALIGNED(end, PAGE_SIZE);
}

static void
pmap_free_pds(struct pmap *pmap)
{
    for (unsigned int i = 0; i < PMAP_NR_USER_PDS; i++) {
        if (pmap->pds[i] != NULL) {
            vm_page_free(vm_page_lookup(kvtophys(pmap->pds[i])), 0);
        }
    }
}

struct pmap *
pmap_create(void)
{
    struct pmap *pmap = kmem_cache_alloc(&pmap_cache);

    if (pmap == NULL) {
        return NULL;
    }
    spinlock_init(&pmap->lock);
    memset(pmap->cpus, 0, sizeof(pmap->cpus));
    memset(pmap->pds, 0, sizeof(pmap->pds));
    for (unsigned int i = 0; i < PMAP_NR_USER_PDS; i++) {
        struct vm_page *page = vm_page_alloc(0, VM_PAGE_SEL_DIRECTMAP, VM_PAGE_PMAP);

        if (page == NULL) {
            pmap_free_pds(pmap);
            kmem_cache_free(&pmap_cache, pmap);
            return NULL;
        }
        pmap->pds[i] = vm_page_direct_va(page);
        memset(pmap->pds[i], 0, PAGE_SIZE);
    }
    pmap->nr_tables = PMAP_NR_USER_PDS;
    pmap->nr_mapped = 0;
#ifdef CONFIG_PAE
    for (unsigned int i = 0; i < PMAP_NR_USER_PDS; i++) {
        pmap->pdpt[i] = kvtophys(pmap->pds[i]) | PMAP_PTE_P;
    }
    pmap->pdpt[3] = kvtophys(boot_pd_kernel) | PMAP_PTE_P;
    pmap->cr3 = kvtophys(pmap->pdpt);
    if (!P2ALIGNED(pmap->cr3, 32) || pmap->cr3 >= 0x100000000ULL) {
        panic("pmap: PDPT at 0x%llx is misaligned", (unsigned long long)pmap->cr3);
    }
#else
    /* The kernel's directory entries, shared from now on. */
    memcpy(&pmap->pds[0][KERNBASE >> LARGE_PAGE_SHIFT], &boot_pgdir[KERNBASE >> LARGE_PAGE_SHIFT],
           (PMAP_PTES_PER_TABLE - (KERNBASE >> LARGE_PAGE_SHIFT)) * sizeof(pmap_pte_t));
    pmap->cr3 = kvtophys(pmap->pds[0]);
#endif
    return pmap;
}

void
pmap_destroy(struct pmap *pmap)
{
    if (pmap == &pmap_kernel_pmap) {
        panic("pmap: destroying the kernel pmap");
    }
    for (unsigned int i = 0; i < SMP_MASK_WORDS; i++) {
        if (__atomic_load_n(&pmap->cpus[i], __ATOMIC_SEQ_CST) != 0) {
            panic("pmap %p: destroyed while loaded on a CPU", (void *)pmap);
        }
    }
    for (uintptr_t va = 0; va < PMAP_USER_END; va += PMAP_PT_SPAN) {
        pmap_pte_t pde = *pmap_pde(pmap, va);

        if (pde & PMAP_PTE_P) {
            struct vm_page *page = vm_page_lookup(pde & PMAP_PTE_ADDR_MASK);

            page->priv = NULL;
            vm_page_free(page, 0);
        }
    }
    pmap_free_pds(pmap);
    kmem_cache_free(&pmap_cache, pmap);
}

int
pmap_enter(struct pmap *pmap, uintptr_t va, phys_addr_t pa, unsigned int prot)
{
    struct vm_page *spare = NULL, *ptpage;
    pmap_pte_t *pde, old;

    if (!pmap_user_range_valid(pmap, va, va + PAGE_SIZE) || va >= PMAP_USER_END
        || (pa & ~(phys_addr_t)PMAP_PTE_ADDR_MASK) != 0 || pa >= pmap_phys_limit
        || prot == 0 || (prot & ~(PMAP_PROT_READ | PMAP_PROT_WRITE | PMAP_PROT_EXECUTE))) {
        return ERROR_INVAL;
    }
    spinlock_lock(&pmap->lock);
    pde = pmap_pde(pmap, va);
    if (!(*pde & PMAP_PTE_P)) {
        /* Allocate outside the lock (vm_page may run its low-memory hook). */
        spinlock_unlock(&pmap->lock);
        spare = vm_page_alloc(0, VM_PAGE_SEL_DIRECTMAP, VM_PAGE_PMAP);
        if (spare == NULL) {
            return ERROR_NOMEM;
        }
        memset(vm_page_direct_va(spare), 0, PAGE_SIZE);
        pmap_pt_count_set(spare, 0);
        spinlock_lock(&pmap->lock);
        if (!(*pde & PMAP_PTE_P)) {
            pmap_pte_xchg(pde, vm_page_to_pa(spare) | PMAP_PTE_P | PMAP_PTE_RW | PMAP_PTE_US);
            pmap->nr_tables++;
            spare = NULL;
        }
    }
    ptpage = vm_page_lookup(*pde & PMAP_PTE_ADDR_MASK);
    old = pmap_pte_xchg(pmap_pt_entry(*pde, va), pmap_pte_make(pa, prot) | PMAP_PTE_US);
    if (old & PMAP_PTE_P) {
        pmap_update(pmap, va, va + PAGE_SIZE);
    } else {
        pmap_pt_count_set(ptpage, pmap_pt_count(ptpage) + 1);
        __atomic_store_n(&pmap->nr_mapped, pmap->nr_mapped + 1, __ATOMIC_RELAXED);
    }
    spinlock_unlock(&pmap->lock);
    if (spare != NULL) {
        spare->priv = NULL;
        vm_page_free(spare, 0);             /* another call installed a table */
    }
    return 0;
}

/* The end of the page table's span containing va, capped at end. */
static uintptr_t
pmap_pt_span_end(uintptr_t va, uintptr_t end)
{
    uintptr_t next = P2TRUNC(va, PMAP_PT_SPAN) + PMAP_PT_SPAN;

    return next < end ? next : end;
}

int
pmap_remove(struct pmap *pmap, uintptr_t start, uintptr_t end)
{
    struct list freed;
    bool flush = false;

    if (!pmap_user_range_valid(pmap, start, end)) {
        return ERROR_INVAL;
    }
    list_init(&freed);
    spinlock_lock(&pmap->lock);
    for (uintptr_t va = start, next; va < end; va = next) {
        pmap_pte_t *pde = pmap_pde(pmap, va);
        struct vm_page *ptpage;
        unsigned int count;

        next = pmap_pt_span_end(va, end);
        if (!(*pde & PMAP_PTE_P)) {
            continue;
        }
        ptpage = vm_page_lookup(*pde & PMAP_PTE_ADDR_MASK);
        count = pmap_pt_count(ptpage);
        for (uintptr_t p = va; p < next; p += PAGE_SIZE) {
            pmap_pte_t *pte = pmap_pt_entry(*pde, p);

            if ((*pte & PMAP_PTE_P) && (pmap_pte_xchg(pte, 0) & PMAP_PTE_P)) {
                count--;
                flush = true;
                __atomic_store_n(&pmap->nr_mapped, pmap->nr_mapped - 1, __ATOMIC_RELAXED);
            }
        }
        pmap_pt_count_set(ptpage, count);
        if (count == 0) {
            pmap_pte_xchg(pde, 0);
            pmap->nr_tables--;
            list_insert_tail(&freed, &ptpage->node);
        }
    }
    if (flush) {
        pmap_update(pmap, start, end);      /* before the tables are reused */
    }
    spinlock_unlock(&pmap->lock);
    while (!list_empty(&freed)) {
        struct vm_page *page = list_entry(list_first(&freed), struct vm_page, node);

        list_remove(&page->node);
        page->priv = NULL;
        vm_page_free(page, 0);
    }
    return 0;
}

int
pmap_protect(struct pmap *pmap, uintptr_t start, uintptr_t end, unsigned int prot)
{
    pmap_pte_t bits;
    bool flush = false;

    if (prot == 0) {
        return pmap_remove(pmap, start, end);
    }
    if (!pmap_user_range_valid(pmap, start, end)
        || (prot & ~(PMAP_PROT_READ | PMAP_PROT_WRITE | PMAP_PROT_EXECUTE))) {
        return ERROR_INVAL;
    }
    bits = pmap_pte_make(0, prot) & (PMAP_PTE_RW | PMAP_PTE_NX);
    spinlock_lock(&pmap->lock);
    for (uintptr_t va = start, next; va < end; va = next) {
        pmap_pte_t *pde = pmap_pde(pmap, va);

        next = pmap_pt_span_end(va, end);
        if (!(*pde & PMAP_PTE_P)) {
            continue;
        }
        for (uintptr_t p = va; p < next; p += PAGE_SIZE) {
            pmap_pte_t *pte = pmap_pt_entry(*pde, p);
            pmap_pte_t old = *(volatile pmap_pte_t *)pte;

            /* A CAS keeps the accessed and dirty bits the MMU may set meanwhile. */
            while (old & PMAP_PTE_P) {
                pmap_pte_t new = (old & ~(pmap_pte_t)(PMAP_PTE_RW | PMAP_PTE_NX)) | bits;

                if (new == old) {
                    break;
                }
                if (pmap_pte_cas(pte, &old, new)) {
                    flush = true;
                    break;
                }
            }
        }
    }
    if (flush) {
        pmap_update(pmap, start, end);
    }
    spinlock_unlock(&pmap->lock);
    return 0;
}

bool
pmap_extract(struct pmap *pmap, uintptr_t va, phys_addr_t *pap)
{
    pmap_pte_t pde, pte = 0;

    if (va >= PMAP_USER_END) {
        return pmap_kextract(va, pap);
    }
    if (pmap == &pmap_kernel_pmap) {
        return false;
    }
    spinlock_lock(&pmap->lock);
    pde = *pmap_pde(pmap, va);
    if (pde & PMAP_PTE_P) {
        pte = *pmap_pt_entry(pde, va);
    }
    spinlock_unlock(&pmap->lock);
    if (!(pte & PMAP_PTE_P)) {
        return false;
    }
    *pap = (pte & PMAP_PTE_ADDR_MASK) + (va & PAGE_MASK);
    return true;
}

void
pmap_activate(struct pmap *pmap)
{
    unsigned int cpu = cpu_id();
    struct pmap *prev = pmap_current();
    uint32_t bit = 1U << (cpu % 32);

    if (prev == pmap) {
        return;
    }
    if (pmap != &pmap_kernel_pmap) {
        __atomic_fetch_or(&pmap->cpus[cpu / 32], bit, __ATOMIC_SEQ_CST);
    }
    cpu_set_cr3((uint32_t)pmap->cr3);
    if (prev != &pmap_kernel_pmap) {
        __atomic_fetch_and(&prev->cpus[cpu / 32], ~bit, __ATOMIC_SEQ_CST);
    }
    pmap_cpu_pmap[cpu] = pmap;
}
