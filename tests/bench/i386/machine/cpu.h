/* SPDX-License-Identifier: GPL-2.0-or-later */
/*
 * Stand-in for <machine/cpu.h> in the i386 user-mode build of the vm_page
 * benchmark (see tests/bench/bench_vm_page.c). Only what vm_page and its
 * headers use: the interrupt save/restore run the kernel's instruction
 * sequences with nop in place of cli and sti (user mode may not run
 * them), so that callgrind counts what the kernel executes.
 */
#ifndef MACHINE_CPU_H
#define MACHINE_CPU_H

#include <stdint.h>

#define CPU_EFLAGS_IF           0x00000200

static inline void cpu_pause(void) { __asm__ volatile("pause" : : : "memory"); }

static inline uint32_t
cpu_intr_save(void)
{
    uint32_t eflags;

    __asm__ volatile("pushfl; popl %0; nop" : "=r"(eflags) : : "memory");
    return eflags;
}

static inline void
cpu_intr_restore(uint32_t eflags)
{
    if (eflags & CPU_EFLAGS_IF) {
        __asm__ volatile("nop" : : : "memory");
    }
}

#endif /* MACHINE_CPU_H */
