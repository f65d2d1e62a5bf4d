/* SPDX-License-Identifier: GPL-2.0-or-later */
/*
 * Flat segmentation: every code and data segment spans 4 GiB, so
 * protection comes from paging alone. Each CPU gets a TSS, needed only
 * for the ring-0 stack the CPU switches to on a trap from user mode (no
 * hardware task switching), and a data segment whose base is its struct
 * percpu, so that %gs-relative loads reach per-CPU data in one
 * instruction.
 */
#include <stddef.h>
#include <stdint.h>

#include <i386/gdt.h>
#include <i386/param.h>
#include <i386/probe.h>
#include <kern/percpu.h>

struct gdt_tss {
    uint32_t link;
    uint32_t esp0, ss0;
    uint32_t unused[22];
    uint16_t trap, iomap_base;
} __attribute__((packed));

static uint64_t gdt_table[GDT_NR_ENTRIES] __attribute__((aligned(8)));
static struct gdt_tss gdt_tss_table[CONFIG_NCPUS];

_Static_assert(offsetof(struct percpu, self) == 0, "%gs:0 must be percpu.self");
_Static_assert(offsetof(struct percpu, id) == 4, "%gs:4 must be percpu.id");
_Static_assert(offsetof(struct percpu, preempt_count) == PERCPU_PREEMPT_COUNT,
               "PERCPU_PREEMPT_COUNT is wrong");
_Static_assert(offsetof(struct percpu, onfault) == PERCPU_ONFAULT,
               "PERCPU_ONFAULT is wrong (i386/probe.S)");

/* Build a segment descriptor from base, limit (20 bits), access byte, flags. */
static uint64_t
gdt_desc(uint32_t base, uint32_t limit, uint8_t access, uint8_t flags)
{
    return (uint64_t)(limit & 0xffff)
           | ((uint64_t)(base & 0xffffff) << 16)
           | ((uint64_t)access << 40)
           | ((uint64_t)((limit >> 16) & 0xf) << 48)
           | ((uint64_t)(flags & 0xf) << 52)
           | ((uint64_t)(base >> 24) << 56);
}

void
gdt_setup(void)
{
    gdt_table[GDT_KERNEL_CS >> 3] = gdt_desc(0, 0xfffff, 0x9a, 0xc);
    gdt_table[GDT_KERNEL_DS >> 3] = gdt_desc(0, 0xfffff, 0x92, 0xc);
    gdt_table[GDT_USER_CS >> 3] = gdt_desc(0, 0xfffff, 0xfa, 0xc);
    gdt_table[GDT_USER_DS >> 3] = gdt_desc(0, 0xfffff, 0xf2, 0xc);
    for (unsigned int cpu = 0; cpu < CONFIG_NCPUS; cpu++) {
        struct gdt_tss *tss = &gdt_tss_table[cpu];
        struct percpu *pc = &percpu_table[cpu];

        tss->ss0 = GDT_KERNEL_DS;
        tss->iomap_base = sizeof(*tss);     /* no I/O bitmap */
        gdt_table[GDT_TSS(cpu) >> 3] = gdt_desc((uint32_t)(uintptr_t)tss,
                                                sizeof(*tss) - 1, 0x89, 0);
        gdt_table[GDT_PERCPU(cpu) >> 3] = gdt_desc((uint32_t)(uintptr_t)pc,
                                                   sizeof(*pc) - 1, 0x92, 0x4);
        pc->self = pc;
        pc->id = cpu;
    }
    gdt_load(0);
}

void
gdt_load(unsigned int cpu)
{
    struct { uint16_t limit; uint32_t base; } __attribute__((packed)) gdtr;

    gdtr.limit = sizeof(gdt_table) - 1;
    gdtr.base = (uint32_t)(uintptr_t)gdt_table;
    __asm__ volatile("lgdt %0\n\t"
                     "ljmp %1, $1f\n"
                     "1:\n\t"
                     "movl %2, %%eax\n\t"
                     "movl %%eax, %%ds\n\t"
                     "movl %%eax, %%es\n\t"
                     "movl %%eax, %%fs\n\t"
                     "movl %%eax, %%ss\n\t"
                     "movl %3, %%eax\n\t"
                     "movl %%eax, %%gs\n\t"
                     "ltr %w4"
                     : : "m"(gdtr), "i"(GDT_KERNEL_CS), "i"(GDT_KERNEL_DS),
                         "r"(GDT_PERCPU(cpu)), "r"(GDT_TSS(cpu))
                     : "eax", "memory");
}

void
gdt_set_kernel_stack(unsigned int cpu, uint32_t esp0)
{
    gdt_tss_table[cpu].esp0 = esp0;
}
