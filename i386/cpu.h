/* SPDX-License-Identifier: GPL-2.0-or-later */
/*
 * Thin wrappers around i386 instructions: port I/O, control registers,
 * cpuid, MSRs, the time-stamp counter. The interrupt flag, pause, idle
 * and halt are in <machine/cpu.h>, the part machine-independent code may
 * use. All are inline and cannot fail.
 */
#ifndef I386_CPU_H
#define I386_CPU_H

#include <stdint.h>

#include <machine/cpu.h>

#define CPU_CR0_PE              0x00000001
#define CPU_CR0_WP              0x00010000
#define CPU_CR0_PG              0x80000000
#define CPU_CR4_PSE             0x00000010
#define CPU_CR4_PAE             0x00000020
#define CPU_CR4_PGE             0x00000080

#define CPU_MSR_EFER            0xC0000080
#define CPU_EFER_NXE            0x00000800  /* execute-disable bit in PAE entries */

static inline void outb(uint16_t port, uint8_t v)
{ __asm__ volatile("outb %0, %1" : : "a"(v), "Nd"(port)); }
static inline void outw(uint16_t port, uint16_t v)
{ __asm__ volatile("outw %0, %1" : : "a"(v), "Nd"(port)); }
static inline void outl(uint16_t port, uint32_t v)
{ __asm__ volatile("outl %0, %1" : : "a"(v), "Nd"(port)); }
static inline uint8_t inb(uint16_t port)
{ uint8_t v; __asm__ volatile("inb %1, %0" : "=a"(v) : "Nd"(port)); return v; }

#define CPU_CR_ACCESSORS(n) \
static inline uint32_t cpu_get_cr##n(void) \
{ uint32_t v; __asm__ volatile("mov %%cr" #n ", %0" : "=r"(v)); return v; } \
static inline void cpu_set_cr##n(uint32_t v) \
{ __asm__ volatile("mov %0, %%cr" #n : : "r"(v) : "memory"); }
CPU_CR_ACCESSORS(0)
CPU_CR_ACCESSORS(2)
CPU_CR_ACCESSORS(3)
CPU_CR_ACCESSORS(4)

#define CPU_DR_ACCESSORS(n) \
static inline uint32_t cpu_get_dr##n(void) \
{ uint32_t v; __asm__ volatile("mov %%db" #n ", %0" : "=r"(v)); return v; } \
static inline void cpu_set_dr##n(uint32_t v) \
{ __asm__ volatile("mov %0, %%db" #n : : "r"(v) : "memory"); }
CPU_DR_ACCESSORS(0)
CPU_DR_ACCESSORS(1)
CPU_DR_ACCESSORS(2)
CPU_DR_ACCESSORS(3)
CPU_DR_ACCESSORS(6)
CPU_DR_ACCESSORS(7)

static inline void
cpu_cpuid(uint32_t leaf, uint32_t *a, uint32_t *b, uint32_t *c, uint32_t *d)
{
    __asm__ volatile("cpuid" : "=a"(*a), "=b"(*b), "=c"(*c), "=d"(*d)
                     : "a"(leaf), "c"(0));
}

static inline uint64_t
cpu_rdmsr(uint32_t msr)
{
    uint64_t v;

    __asm__ volatile("rdmsr" : "=A"(v) : "c"(msr));
    return v;
}

static inline void
cpu_wrmsr(uint32_t msr, uint64_t v)
{
    __asm__ volatile("wrmsr" : : "c"(msr), "A"(v) : "memory");
}

static inline uint64_t
cpu_rdtsc(void)
{
    uint64_t v;

    __asm__ volatile("rdtsc" : "=A"(v));
    return v;
}

#endif /* I386_CPU_H */
