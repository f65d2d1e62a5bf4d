/* SPDX-License-Identifier: GPL-2.0-or-later */
/*
 * Kernel accesses that may fault: a page fault during one of these
 * returns an error instead of being fatal (the trap handler resumes at
 * the address in percpu.onfault). For tests of protections now, for
 * copyin/copyout later.
 */
#ifndef I386_PROBE_H
#define I386_PROBE_H

#define PERCPU_ONFAULT          44  /* offsetof(struct percpu, onfault), checked in gdt.c */

#ifndef __ASSEMBLER__

#include <stdint.h>

/* Store value at addr. Returns 0, or -1 when the store faulted. */
int probe_write32(volatile void *addr, uint32_t value);

/* Load *addr into *valuep. Returns 0, or -1 when the load faulted. */
int probe_read32(const volatile void *addr, uint32_t *valuep);

#endif

#endif /* I386_PROBE_H */
