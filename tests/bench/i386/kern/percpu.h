/* SPDX-License-Identifier: GPL-2.0-or-later */
/*
 * Stand-in for kern/percpu.h in the i386 user-mode build of the vm_page
 * benchmark (see tests/bench/bench_vm_page.c): user mode has no per-CPU
 * %gs segment, so cpu_id() reads a plain variable, still with one
 * instruction like the kernel's "movl %gs:4".
 */
#ifndef KERN_PERCPU_H
#define KERN_PERCPU_H

#include <stdint.h>

#include <i386/cpu.h>

#ifndef CONFIG_NCPUS
#define CONFIG_NCPUS 8
#endif

#define CPU_CACHE_LINE          64

extern unsigned int bench_cpu_id;

static inline unsigned int
cpu_id(void)
{
    unsigned int id;

    __asm__ volatile("movl bench_cpu_id, %0" : "=r"(id));
    return id;
}

#endif /* KERN_PERCPU_H */
