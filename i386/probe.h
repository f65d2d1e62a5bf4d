/* SPDX-License-Identifier: GPL-2.0-or-later */
/*
 * Kernel accesses that may fault: a page fault during one of these
 * returns an error instead of being fatal (the trap handler resumes at
 * the address in percpu.machine.onfault). For tests of protections now, for
 * copyin/copyout later.
 */
#ifndef I386_PROBE_H
#define I386_PROBE_H

#define PERCPU_ONFAULT          36  /* offsetof(struct percpu, machine.onfault), checked in gdt.c */
#define PROBE_PREEMPT_COUNT     8   /* offsetof(struct percpu, preempt_count), checked in gdt.c */

#ifndef __ASSEMBLER__

#include <stdint.h>

#include <kern/error.h>
#include <kern/percpu.h>

/* Page-fault error code bits (Intel SDM vol. 3, "Page-Fault Exceptions"). */
#define PROBE_FAULT_PRESENT     0x01    /* protection violation, not a missing page */
#define PROBE_FAULT_WRITE       0x02
#define PROBE_FAULT_USER        0x04
#define PROBE_FAULT_RSVD        0x08    /* reserved bit set in a paging entry */
#define PROBE_FAULT_FETCH       0x10    /* instruction fetch (NX, with EFER.NXE) */

/*
 * The probes may be called with preemption on: each disables it around
 * its access (the recovery address is per CPU).
 */

/* Store value at addr. Returns 0, or ERROR_FAULT when the store faulted. */
int probe_write32(volatile void *addr, uint32_t value);

/* Load *addr into *valuep. Returns 0, or ERROR_FAULT when the load faulted. */
int probe_read32(const volatile void *addr, uint32_t *valuep);

/*
 * Call the code at addr (which must return with `ret` and preserve %ebp,
 * e.g. a single 0xC3 byte). Returns 0, or ERROR_FAULT when fetching it
 * faulted (not present, or not executable with NX).
 */
int probe_exec(const void *addr);

/*
 * Error code and address of the last page fault a probe caught on this
 * CPU; meaningful right after a probe returned ERROR_FAULT, with
 * preemption off across both calls (or on a CPU the caller does not
 * leave).
 */
static inline uint32_t
probe_fault_error(void)
{
    return percpu_self()->machine.fault_error;
}

static inline uintptr_t
probe_fault_addr(void)
{
    return percpu_self()->machine.fault_addr;
}

#endif

#endif /* I386_PROBE_H */
