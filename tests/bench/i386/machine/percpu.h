/* SPDX-License-Identifier: GPL-2.0-or-later */
/*
 * Stand-in for <machine/percpu.h> in the i386 user-mode build of the
 * vm_page benchmark (see tests/bench/bench_vm_page.c): user mode has no
 * per-CPU %gs segment, so the per-CPU data is a plain variable,
 * bench_percpu, and each access is still one instruction like the
 * kernel's "%gs:N" one. kern/percpu.h builds cpu_id(), percpu_self()
 * and the preemption count on these as in the kernel.
 */
#ifndef MACHINE_PERCPU_H
#define MACHINE_PERCPU_H

#include <stddef.h>

struct percpu_machine {
    unsigned int unused;
};

extern struct percpu bench_percpu;

#define percpu_read(member) ({                                              \
    __typeof__(((struct percpu *)0)->member) percpu_v_;                     \
    __asm__ volatile("movl bench_percpu+%c1, %0"                            \
                     : "=r"(percpu_v_)                                      \
                     : "i"(offsetof(struct percpu, member)));               \
    percpu_v_;                                                              \
})

#define percpu_inc(member)                                                  \
    __asm__ volatile("incl bench_percpu+%c0"                                \
                     : : "i"(offsetof(struct percpu, member)) : "memory")

#define percpu_dec(member)                                                  \
    __asm__ volatile("decl bench_percpu+%c0"                                \
                     : : "i"(offsetof(struct percpu, member)) : "memory")

#endif /* MACHINE_PERCPU_H */
