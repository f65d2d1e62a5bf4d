/* SPDX-License-Identifier: GPL-2.0-or-later */
/*
 * A bump allocator of large pages in [BOOT_MAP_START, BOOT_MAP_END). Each
 * slot maps one aligned large page (4 MiB, or 2 MiB with PAE); a request
 * takes consecutive slots. The few users (ACPI tables, APIC registers)
 * need a handful of slots at boot, so nothing is ever unmapped; pmap
 * takes over kernel mappings later and keeps these.
 */
#include <stddef.h>
#include <stdint.h>

#include <i386/boot_map.h>
#include <i386/cpu.h>
#include <i386/param.h>

#define BOOT_MAP_SLOTS          ((BOOT_MAP_END - BOOT_MAP_START) / LARGE_PAGE_SIZE)
#define PDE_P                   0x001
#define PDE_RW                  0x002
#define PDE_PWT                 0x008
#define PDE_PCD                 0x010
#define PDE_PS                  0x080

#ifdef CONFIG_PAE
typedef uint64_t boot_pde_t;
extern boot_pde_t boot_pd_kernel[];
#define BOOT_MAP_PHYS_MAX       (1ULL << 52)
#define BOOT_MAP_PDE(va)        (&boot_pd_kernel[((va) - KERNBASE) >> LARGE_PAGE_SHIFT])
#else
typedef uint32_t boot_pde_t;
extern boot_pde_t boot_pgdir[];
#define BOOT_MAP_PHYS_MAX       (1ULL << 32)
#define BOOT_MAP_PDE(va)        (&boot_pgdir[(va) >> LARGE_PAGE_SHIFT])
#endif

static struct {
    phys_addr_t pa;             /* large page mapped by the slot */
    int flags;
} boot_map_slots[BOOT_MAP_SLOTS];
static unsigned int boot_map_used;

/* Index of the first of n used slots mapping [first, first + n pages). */
static int
boot_map_find(phys_addr_t first, unsigned int n, int flags)
{
    for (unsigned int i = 0; i + n <= boot_map_used; i++) {
        unsigned int j;

        for (j = 0; j < n; j++) {
            if (boot_map_slots[i + j].pa != first + (phys_addr_t)j * LARGE_PAGE_SIZE
                || boot_map_slots[i + j].flags != flags) {
                break;
            }
        }
        if (j == n) {
            return i;
        }
    }
    return -1;
}

void *
boot_map(phys_addr_t pa, size_t size, int flags)
{
    phys_addr_t first, last;
    unsigned int n;
    int slot;

    if (size == 0) {
        size = 1;
    }
    if (!(flags & BOOT_MAP_UNCACHED) && phys_in_directmap(pa, size)) {
        return phystokv(pa);
    }
    if (pa >= BOOT_MAP_PHYS_MAX || size > BOOT_MAP_PHYS_MAX - pa) {
        return NULL;
    }
    first = pa & ~(phys_addr_t)(LARGE_PAGE_SIZE - 1);
    last = (pa + size - 1) & ~(phys_addr_t)(LARGE_PAGE_SIZE - 1);
    n = (last - first) / LARGE_PAGE_SIZE + 1;

    slot = boot_map_find(first, n, flags);
    if (slot < 0) {
        if (n > BOOT_MAP_SLOTS - boot_map_used) {
            return NULL;
        }
        slot = boot_map_used;
        for (unsigned int j = 0; j < n; j++) {
            uintptr_t va = BOOT_MAP_START + (slot + j) * LARGE_PAGE_SIZE;
            phys_addr_t page = first + (phys_addr_t)j * LARGE_PAGE_SIZE;

            boot_map_slots[slot + j].pa = page;
            boot_map_slots[slot + j].flags = flags;
            *BOOT_MAP_PDE(va) = page | PDE_P | PDE_RW | PDE_PS
                                | ((flags & BOOT_MAP_UNCACHED) ? PDE_PCD | PDE_PWT : 0);
            __asm__ volatile("invlpg (%0)" : : "r"(va) : "memory");
        }
        boot_map_used += n;
    }
    return (void *)(BOOT_MAP_START + slot * LARGE_PAGE_SIZE + (uintptr_t)(pa - first));
}
