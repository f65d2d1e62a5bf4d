/* SPDX-License-Identifier: GPL-2.0-or-later */
/*
 * The i386 side of per-CPU data (kern/percpu.h has the machine-
 * independent struct percpu and its rules).
 *
 * %gs holds a per-CPU GDT segment whose base is the CPU's struct percpu,
 * so a member of the running CPU's data is one %gs-relative instruction
 * away. One instruction matters: a thread preempted between computing
 * its CPU's address and using it, then resumed on another CPU, would
 * touch the first CPU's data; a single instruction cannot be split.
 *
 * struct percpu_machine holds what only the i386 code uses; kern/percpu.h
 * embeds it as percpu.machine.
 */
#ifndef MACHINE_PERCPU_H
#define MACHINE_PERCPU_H

#include <stddef.h>
#include <stdint.h>

struct percpu_machine {
    uintptr_t onfault;          /* where a kernel page fault resumes, or 0 */
    uint32_t fault_error;       /* error code of the last fault a probe caught */
    uintptr_t fault_addr;       /* and its address (%cr2) */
    unsigned int apic_id;
    unsigned int nr_windows;    /* pmap temporary mappings in use */
};

/*
 * Read a 32-bit member of the running CPU's struct percpu in one
 * instruction. Stable while interrupts are off; otherwise the value is
 * that of the CPU the thread ran on at the instant of the load.
 */
#define percpu_read(member) ({                                              \
    __typeof__(((struct percpu *)0)->member) percpu_v_;                     \
    _Static_assert(sizeof(percpu_v_) == 4, "percpu_read: 32-bit members");  \
    __asm__ volatile("movl %%gs:%c1, %0"                                    \
                     : "=r"(percpu_v_)                                      \
                     : "i"(offsetof(struct percpu, member)));               \
    percpu_v_;                                                              \
})

/* Add 1 to, or subtract 1 from, a 32-bit member of the running CPU's data, in one instruction. */
#define percpu_inc(member) do {                                             \
    _Static_assert(sizeof(((struct percpu *)0)->member) == 4,               \
                   "percpu_inc: 32-bit members");                           \
    __asm__ volatile("incl %%gs:%c0"                                        \
                     : : "i"(offsetof(struct percpu, member)) : "memory");  \
} while (0)

#define percpu_dec(member) do {                                             \
    _Static_assert(sizeof(((struct percpu *)0)->member) == 4,               \
                   "percpu_dec: 32-bit members");                           \
    __asm__ volatile("decl %%gs:%c0"                                        \
                     : : "i"(offsetof(struct percpu, member)) : "memory");  \
} while (0)

#endif /* MACHINE_PERCPU_H */
