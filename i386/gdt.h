/* SPDX-License-Identifier: GPL-2.0-or-later */
/*
 * Global descriptor table and task state segment.
 */
#ifndef I386_GDT_H
#define I386_GDT_H

#define GDT_KERNEL_CS           0x08
#define GDT_KERNEL_DS           0x10
#define GDT_USER_CS             0x1b        /* RPL 3 */
#define GDT_USER_DS             0x23        /* RPL 3 */
#define GDT_TSS                 0x28
#define GDT_NR_ENTRIES          6

#ifndef __ASSEMBLER__

/*
 * Load a flat GDT (kernel and user code/data, one TSS whose ring-0 stack
 * is the boot stack), reload every segment register and the task register.
 * Call once on the boot CPU.
 */
void gdt_setup(void);

#endif

#endif /* I386_GDT_H */
