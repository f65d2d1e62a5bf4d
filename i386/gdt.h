/* SPDX-License-Identifier: GPL-2.0-or-later */
/*
 * Global descriptor table and task state segments.
 *
 * One GDT for all CPUs: flat kernel and user code/data segments, then for
 * each CPU its TSS and its per-CPU data segment (loaded in %gs), then
 * the TSS of the double-fault task.
 */
#ifndef I386_GDT_H
#define I386_GDT_H

#define GDT_KERNEL_CS           0x08
#define GDT_KERNEL_DS           0x10
#define GDT_USER_CS             0x1b        /* RPL 3 */
#define GDT_USER_DS             0x23        /* RPL 3 */
#define GDT_CPU_BASE            5           /* first per-CPU entry */
#define GDT_TSS(cpu)            ((GDT_CPU_BASE + 2 * (cpu)) << 3)
#define GDT_PERCPU(cpu)         ((GDT_CPU_BASE + 2 * (cpu) + 1) << 3)
#define GDT_DOUBLE_FAULT_TSS    ((GDT_CPU_BASE + 2 * CONFIG_NCPUS) << 3)
#define GDT_NR_ENTRIES          (GDT_CPU_BASE + 2 * CONFIG_NCPUS + 1)

#ifndef __ASSEMBLER__

#include <stdbool.h>
#include <stdint.h>

/* Where a CPU was when it double-faulted (saved by the task switch). */
struct gdt_fault_origin {
    unsigned int cpu;
    uint32_t eip, esp, ebp;
};

/*
 * Build the GDT (every CPU's TSS and per-CPU segment included) and load it
 * on the boot CPU, which becomes CPU 0. Call once, first thing.
 */
void gdt_setup(void);

/*
 * Load the GDT on the calling CPU as CPU cpu: reload the segment
 * registers, its task register and %gs (its struct percpu).
 */
void gdt_load(unsigned int cpu);

/*
 * From the double-fault task only: which CPU switched to it, and that
 * CPU's registers at the fault. False if the previous task is not a
 * CPU's TSS (a broken invariant).
 */
bool gdt_double_fault_origin(struct gdt_fault_origin *origin);

/* Set the stack the CPU switches to on a trap from user mode. */
void gdt_set_kernel_stack(unsigned int cpu, uint32_t esp0);

#endif

#endif /* I386_GDT_H */
