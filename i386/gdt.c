/* SPDX-License-Identifier: GPL-2.0-or-later */
/*
 * Flat kernel segmentation: the kernel's code and data segments span
 * 4 GiB, so protection comes from paging alone. User segments are
 * limited to [0, 0xC0000000) and live in the LDT, where GNU Mach puts
 * them (user code compares them, doc/user.md).
 *
 * Each CPU has a GDT of its own. Three things differ per CPU: its TSS
 * (the ring-0 stack the CPU switches to on a trap from user mode), the
 * data segment whose base is its struct percpu (loaded in %gs, so that
 * %gs-relative loads reach per-CPU data in one instruction) and the TLS
 * slots of the thread it runs, which the switch copies in. With one GDT
 * for all CPUs the TLS slots could not be per thread, and each CPU
 * needed its own selectors; with a GDT per CPU every selector is the
 * same everywhere, so a trap exit can restore the saved %gs on whatever
 * CPU the thread returns on.
 *
 * The shared LDT serves every thread without one of its own: the call
 * gate of system calls at index 0, with DPL 3 so user code may call it
 * and no parameters to copy, and the user code and data segments at 2
 * and 3. A thread given entries by i386_set_ldt has its own table, which
 * starts as a copy of the shared one; the switch points this CPU's LDT
 * descriptor at it and reloads LDTR (gdt_ldt_load()). A CPU that runs
 * the shared table and switches to a thread without one does nothing;
 * any other switch reloads, so no CPU keeps a freed table loaded.
 *
 * Each CPU's TSS carries a full I/O permission bitmap (8 KiB after the
 * 104-byte TSS, and the all-ones byte the CPU may read past it), always
 * inside the segment limit. Whether the CPU consults it is the TSS's
 * iomap_base alone: at the bitmap, or past the limit, where every I/O
 * instruction at CPL 3 faults. Switching that is one 2-byte store; what
 * the bitmap holds is i386/io_perm.c's business (gdt_iopb()).
 *
 * Hardware task switching is used for one thing only: the double fault.
 * A kernel stack overflow runs into the unmapped guard page below the
 * stack; the page fault cannot push its frame there, which makes it a
 * double fault, and that one cannot push a frame either unless it gets a
 * stack of its own. So vector 8 is a task gate to a separate TSS with its
 * own stack: the switch saves the faulting CPU's registers in that CPU's
 * TSS, where the handler reads them. There is one such TSS for all CPUs
 * (the IDT is shared); two CPUs double-faulting at the same moment would
 * reset the machine, which is acceptable for a fatal error. The task
 * switch loads %gs from that TSS, and the selector resolves in the
 * faulting CPU's own GDT, so the handler knows the CPU.
 */
#include <stdbool.h>
#include <stddef.h>
#include <stdint.h>

#include <i386/gdt.h>
#include <i386/param.h>
#include <i386/probe.h>
#include <i386/trap.h>
#include <kern/panic.h>
#include <kern/percpu.h>
#include <kern/string.h>

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

/*
 * A CPU's TSS with room for a full I/O permission bitmap (one bit per
 * port, 0 = allowed) and the all-ones byte the CPU may read past its
 * end. The segment limit always covers the bitmap; whether the CPU
 * consults it is iomap_base alone: at iopb (the running task has a
 * bitmap) or past the limit (no port allowed at CPL 3).
 */
struct gdt_tss_io {
    struct gdt_tss tss;
    uint8_t iopb[GDT_IOPB_BYTES];
    uint8_t iopb_end;
} __attribute__((packed));

#define GDT_IOPB_ON             offsetof(struct gdt_tss_io, iopb)
#define GDT_IOPB_OFF            sizeof(struct gdt_tss_io)   /* beyond the limit */

#define GDT_DOUBLE_FAULT_STACK_SIZE 8192

static uint64_t gdt_tables[CONFIG_NCPUS][GDT_NR_ENTRIES] __attribute__((aligned(64)));
static uint64_t gdt_ldt[LDT_NR_ENTRIES] __attribute__((aligned(8)));
static bool gdt_ldt_private[CONFIG_NCPUS];    /* the CPU runs a thread's own LDT */
static struct gdt_tss_io gdt_tss_table[CONFIG_NCPUS] __attribute__((aligned(64)));
static struct gdt_tss gdt_double_fault_tss;
static char gdt_double_fault_stack[GDT_DOUBLE_FAULT_STACK_SIZE] __attribute__((aligned(16)));

_Static_assert(offsetof(struct percpu, preempt_count) == PROBE_PREEMPT_COUNT,
               "PROBE_PREEMPT_COUNT is wrong (i386/probe.S)");
_Static_assert(offsetof(struct percpu, machine.onfault) == PERCPU_ONFAULT,
               "PERCPU_ONFAULT is wrong (i386/probe.S)");

uint64_t
gdt_desc_make(uint32_t base, uint32_t limit, uint8_t access, uint8_t flags)
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
    tss->gs = GDT_PERCPU;                   /* the faulting CPU's, see above */
    tss->iomap_base = sizeof(*tss);
}

bool
gdt_double_fault_origin(struct gdt_fault_origin *origin)
{
    unsigned int cpu = cpu_id();

    if (gdt_double_fault_tss.link != GDT_TSS || cpu >= CONFIG_NCPUS) {
        return false;
    }
    origin->cpu = cpu;
    origin->eip = gdt_tss_table[cpu].tss.eip;
    origin->esp = gdt_tss_table[cpu].tss.esp;
    origin->ebp = gdt_tss_table[cpu].tss.ebp;
    return true;
}

/* The call gate of system calls: DPL 3, 32-bit, no parameters copied. */
static uint64_t
gdt_call_gate_make(uint16_t selector, uint32_t offset)
{
    return (uint64_t)(offset & 0xffff)
           | ((uint64_t)selector << 16)
           | ((uint64_t)0xec << 40)            /* present, DPL 3, call gate */
           | ((uint64_t)(offset >> 16) << 48);
}

void
gdt_setup(void)
{
    const struct gdt_tss *dtss = &gdt_double_fault_tss;

    gdt_ldt[LDT_SYSCALL >> 3] = gdt_call_gate_make(GDT_KERNEL_CS,
                                                   (uint32_t)(uintptr_t)trap_syscall_entry);
    /* 0xBFFFF pages of 4 KiB: [0, 0xC0000000). */
    gdt_ldt[LDT_USER_CS >> 3] = gdt_desc_make(0, (KERNBASE >> 12) - 1, 0xfa, 0xc);
    gdt_ldt[LDT_USER_DS >> 3] = gdt_desc_make(0, (KERNBASE >> 12) - 1, 0xf2, 0xc);
    gdt_double_fault_setup();
    for (unsigned int cpu = 0; cpu < CONFIG_NCPUS; cpu++) {
        uint64_t *gdt = gdt_tables[cpu];
        struct gdt_tss_io *tio = &gdt_tss_table[cpu];
        struct gdt_tss *tss = &tio->tss;
        struct percpu *pc = &percpu_table[cpu];

        tss->ss0 = GDT_KERNEL_DS;
        tss->iomap_base = GDT_IOPB_OFF;     /* no I/O bitmap until a task has one */
        memset(tio->iopb, 0xff, sizeof(tio->iopb));
        tio->iopb_end = 0xff;
        gdt[GDT_KERNEL_CS >> 3] = gdt_desc_make(0, 0xfffff, 0x9a, 0xc);
        gdt[GDT_KERNEL_DS >> 3] = gdt_desc_make(0, 0xfffff, 0x92, 0xc);
        gdt[GDT_LDT >> 3] = gdt_desc_make((uint32_t)(uintptr_t)gdt_ldt,
                                          sizeof(gdt_ldt) - 1, 0x82, 0);
        gdt[GDT_DOUBLE_FAULT_TSS >> 3] = gdt_desc_make((uint32_t)(uintptr_t)dtss,
                                                       sizeof(*dtss) - 1, 0x89, 0);
        gdt[GDT_TSS >> 3] = gdt_desc_make((uint32_t)(uintptr_t)tio,
                                          sizeof(*tio) - 1, 0x89, 0);
        gdt[GDT_PERCPU >> 3] = gdt_desc_make((uint32_t)(uintptr_t)pc,
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

    gdtr.limit = sizeof(gdt_tables[cpu]) - 1;
    gdtr.base = (uint32_t)(uintptr_t)gdt_tables[cpu];
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
                     "lldt %w4\n\t"
                     "ltr %w5"
                     : : "m"(gdtr), "i"(GDT_KERNEL_CS), "i"(GDT_KERNEL_DS),
                         "i"(GDT_PERCPU), "r"(GDT_LDT), "r"(GDT_TSS)
                     : "eax", "memory");
}

void
gdt_set_kernel_stack(unsigned int cpu, uint32_t esp0)
{
    gdt_tss_table[cpu].tss.esp0 = esp0;
}

uint8_t *
gdt_iopb(void)
{
    return gdt_tss_table[cpu_id()].iopb;
}

void
gdt_iopb_enable(bool on)
{
    gdt_tss_table[cpu_id()].tss.iomap_base = on ? GDT_IOPB_ON : GDT_IOPB_OFF;
}

void
gdt_ldt_load(const uint64_t *table, unsigned int entries)
{
    unsigned int cpu = cpu_id();

    if (table == NULL) {
        if (!gdt_ldt_private[cpu]) {
            return;
        }
        table = gdt_ldt;
        entries = LDT_NR_ENTRIES;
    }
    assert(entries > 0 && entries <= 8192);
    gdt_tables[cpu][GDT_LDT >> 3] = gdt_desc_make((uint32_t)(uintptr_t)table,
                                                  entries * 8 - 1, 0x82, 0);
    __asm__ volatile("lldt %w0" : : "r"(GDT_LDT) : "memory");
    gdt_ldt_private[cpu] = (table != gdt_ldt);
}

const uint64_t *
gdt_ldt_shared(void)
{
    return gdt_ldt;
}

void
gdt_user_tls_load(const uint64_t desc[GDT_USER_TLS_SLOTS])
{
    uint64_t *slot = &gdt_tables[cpu_id()][GDT_USER_TLS >> 3];

    slot[0] = desc[0];
    slot[1] = desc[1];
}

bool
gdt_user_desc_valid(uint64_t desc)
{
    unsigned int access = (desc >> 40) & 0xff, flags = (desc >> 52) & 0xf;

    if (!(access & 0x80)) {
        return true;                        /* not present: clears the slot */
    }
    return (access & 0x10) != 0             /* code or data, not system */
           && ((access >> 5) & 3) == 3      /* DPL 3 */
           && !(flags & 0x2);               /* not a 64-bit (L) segment */
}
