/* SPDX-License-Identifier: GPL-2.0-or-later */
/*
 * Global descriptor tables, the LDT of user mode and task state segments.
 *
 * Every CPU has its own GDT with the same layout, so a selector means
 * the same kind of segment everywhere and the per-CPU entries (TSS,
 * per-CPU data, the two TLS slots of the running thread) need no
 * per-CPU selector:
 *
 *   index selector
 *     1   0x08   kernel code
 *     2   0x10   kernel data
 *     3   0x18   the LDT (GDT_LDT, shared by every CPU)
 *     4   0x20   the double-fault TSS
 *   5-8          unused
 *   9-10  0x48   user TLS slots, per thread (0x4b and 0x53 with RPL 3)
 *    11   0x58   this CPU's TSS
 *    12   0x60   this CPU's struct percpu, loaded in %gs
 *
 * The user segments are LDT selectors, as in GNU Mach on i386:
 * LDT 0 is the system-call gate (0x07), 2 user code (0x17), 3 user data
 * (0x1f); both span [0, 0xC0000000). See doc/user.md.
 */
#ifndef I386_GDT_H
#define I386_GDT_H

#define GDT_KERNEL_CS           0x08
#define GDT_KERNEL_DS           0x10
#define GDT_LDT                 0x18
#define GDT_DOUBLE_FAULT_TSS    0x20
#define GDT_USER_TLS            0x48        /* first TLS slot; RPL 3 gives 0x4b */
#define GDT_USER_TLS_SLOTS      2
#define GDT_TSS                 0x58
#define GDT_PERCPU              0x60
#define GDT_NR_ENTRIES          13

#define LDT_SYSCALL             0x07        /* LDT 0, RPL 3: the call gate */
#define LDT_USER_CS             0x17        /* LDT 2, RPL 3 */
#define LDT_USER_DS             0x1f        /* LDT 3, RPL 3 */
#define LDT_NR_ENTRIES          4

#ifndef __ASSEMBLER__

#include <stdbool.h>
#include <stdint.h>

/* Where a CPU was when it double-faulted (saved by the task switch). */
struct gdt_fault_origin {
    unsigned int cpu;
    uint32_t eip, esp, ebp;
};

/*
 * Build every CPU's GDT (its TSS and per-CPU segment included) and the
 * LDT, and load them on the boot CPU, which becomes CPU 0. Call once,
 * first thing.
 */
void gdt_setup(void);

/*
 * Load CPU cpu's GDT on the calling CPU: reload the segment registers,
 * the LDT, the task register and %gs (its struct percpu).
 */
void gdt_load(unsigned int cpu);

/*
 * From the double-fault task only (its %gs is the faulting CPU's, each
 * CPU resolving GDT_PERCPU in its own GDT): that CPU's registers at the
 * fault. False if the previous task is not a CPU's TSS (a broken
 * invariant).
 */
bool gdt_double_fault_origin(struct gdt_fault_origin *origin);

#define GDT_IOPB_BYTES          8192        /* one bit per I/O port, 0 to 0xffff */

/*
 * The I/O permission bitmap of the calling CPU's TSS (GDT_IOPB_BYTES,
 * bit clear = port allowed), for the switch to fill (i386/io_perm.c).
 * Interrupts off (the caller stays on the CPU).
 */
uint8_t *gdt_iopb(void);

/*
 * Make the calling CPU's TSS point at its I/O bitmap (on), or past its
 * limit, so that every in/out at CPL 3 faults (off: no bitmap to read,
 * the state of every CPU at boot). One store. Interrupts off.
 */
void gdt_iopb_enable(bool on);

/* Set the stack the CPU switches to on a trap from user mode. */
void gdt_set_kernel_stack(unsigned int cpu, uint32_t esp0);

/*
 * Copy the GDT_USER_TLS_SLOTS descriptors of the thread about to run
 * into the calling CPU's GDT. Interrupts off (the caller stays on the
 * CPU). User segment registers pick them up when they are next loaded,
 * which every return to user mode does.
 */
void gdt_user_tls_load(const uint64_t desc[GDT_USER_TLS_SLOTS]);

/*
 * Whether desc may go in a user TLS slot (GNU Mach's rules for
 * i386_set_gdt): present, a code or data segment (not a system one),
 * DPL 3, not a 64-bit code segment. A descriptor that is not present is
 * also acceptable: it empties the slot. Pure function.
 */
bool gdt_user_desc_valid(uint64_t desc);

/*
 * Load the LDT of the thread about to run on the calling CPU: table of
 * entries descriptors, or with NULL the shared one (call gate, user code
 * and data). Cheap when the CPU runs the shared table and keeps it.
 * Interrupts off (the caller stays on the CPU).
 */
void gdt_ldt_load(const uint64_t *table, unsigned int entries);

/* The shared LDT's LDT_NR_ENTRIES descriptors (a thread's own LDT starts as a copy). */
const uint64_t *gdt_ldt_shared(void);

/* Build a segment descriptor from base, limit (20 bits), access byte, flags. */
uint64_t gdt_desc_make(uint32_t base, uint32_t limit, uint8_t access, uint8_t flags);

#endif

#endif /* I386_GDT_H */
