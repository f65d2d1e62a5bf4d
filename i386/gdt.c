/* SPDX-License-Identifier: GPL-2.0-or-later */
/*
 * Flat segmentation: every code and data segment spans 4 GiB, so
 * protection comes from paging alone. Each CPU gets a TSS, needed for
 * the ring-0 stack the CPU switches to on a trap from user mode, and a
 * data segment whose base is its struct percpu, so that %gs-relative
 * loads reach per-CPU data in one instruction.
 *
 * Hardware task switching is used for one thing only: the double fault.
 * A kernel stack overflow runs into the unmapped guard page below the
 * stack; the page fault cannot push its frame there, which makes it a
 * double fault, and that one cannot push a frame either unless it gets a
 * stack of its own. So vector 8 is a task gate to a separate TSS with its
 * own stack: the switch saves the faulting CPU's registers in that CPU's
 * TSS, where the handler reads them. There is one such TSS for all CPUs
 * (the IDT is shared); two CPUs double-faulting at the same moment would
 * reset the machine, which is acceptable for a fatal error.
 */
#include <stdbool.h>
#include <stddef.h>
#include <stdint.h>

#include <i386/gdt.h>
#include <i386/param.h>
#include <i386/probe.h>
#include <i386/trap.h>
#include <kern/percpu.h>

/* The 32-bit task state segment (Intel SDM vol. 3, 8.2.1). */
struct gdt_tss {
    uint32_t link;                  /* previous task, after a task switch */
    uint32_t esp0, ss0, esp1, ss1, esp2, ss2;
    uint32_t cr3, eip, eflags;
    uint32_t eax, ecx, edx, ebx, esp, ebp, esi, edi;
    uint32_t es, cs, ss, ds, fs, gs, ldt;
    uint16_t trap, iomap_base;
} __attribute__((packed));

_Static_assert(sizeof(struct gdt_tss) == 104, "a 32-bit TSS is 104 bytes");

#define GDT_DOUBLE_FAULT_STACK_SIZE 8192

static uint64_t gdt_table[GDT_NR_ENTRIES] __attribute__((aligned(8)));
static struct gdt_tss gdt_tss_table[CONFIG_NCPUS];
static struct gdt_tss gdt_double_fault_tss;
static char gdt_double_fault_stack[GDT_DOUBLE_FAULT_STACK_SIZE] __attribute__((aligned(16)));

_Static_assert(offsetof(struct percpu, preempt_count) == PROBE_PREEMPT_COUNT,
               "PROBE_PREEMPT_COUNT is wrong (i386/probe.S)");
_Static_assert(offsetof(struct percpu, machine.onfault) == PERCPU_ONFAULT,
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

/*
 * The double-fault task starts at trap_double_fault() on its own stack,
 * interrupts off, with the kernel's segments and the current page
 * directory (whose kernel half every address space shares).
 */
static void
gdt_double_fault_setup(void)
{
    struct gdt_tss *tss = &gdt_double_fault_tss;
    uint32_t cr3;

    __asm__ volatile("movl %%cr3, %0" : "=r"(cr3));
    tss->cr3 = cr3;
    tss->eip = (uint32_t)(uintptr_t)trap_double_fault;
    tss->eflags = 0x2;                      /* reserved bit 1; IF clear */
    tss->esp = (uint32_t)(uintptr_t)gdt_double_fault_stack
               + GDT_DOUBLE_FAULT_STACK_SIZE;
    tss->cs = GDT_KERNEL_CS;
    tss->ss = tss->ds = tss->es = tss->fs = GDT_KERNEL_DS;
    tss->gs = GDT_PERCPU(0);                /* the handler loads the right one */
    tss->iomap_base = sizeof(*tss);
    gdt_table[GDT_DOUBLE_FAULT_TSS >> 3] = gdt_desc((uint32_t)(uintptr_t)tss,
                                                    sizeof(*tss) - 1, 0x89, 0);
}

bool
gdt_double_fault_origin(struct gdt_fault_origin *origin)
{
    uint32_t link = gdt_double_fault_tss.link;
    unsigned int cpu;

    for (cpu = 0; cpu < CONFIG_NCPUS; cpu++) {
        if (link == GDT_TSS(cpu)) {
            break;
        }
    }
    if (cpu == CONFIG_NCPUS) {
        return false;
    }
    origin->cpu = cpu;
    origin->eip = gdt_tss_table[cpu].eip;
    origin->esp = gdt_tss_table[cpu].esp;
    origin->ebp = gdt_tss_table[cpu].ebp;
    return true;
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
    gdt_double_fault_setup();
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
