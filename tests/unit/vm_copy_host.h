/* SPDX-License-Identifier: GPL-2.0-or-later */
/* Host model of vm/vm_copy.h: see tests/unit/vm_copy_host.c. */
#ifndef TESTS_UNIT_VM_COPY_HOST_H
#define TESTS_UNIT_VM_COPY_HOST_H

#include <stdint.h>

#define VM_COPY_HOST_BASE       0x10000000u
#define VM_COPY_HOST_SIZE       (4u << 20)
#define VM_COPY_HOST_GONE       0xdd

extern uint8_t vm_copy_host_arena[VM_COPY_HOST_SIZE];
extern unsigned long vm_copy_host_live;

/* The host address of user address addr (inside the arena). */
static inline uint8_t *
vm_copy_host_ptr(uint32_t addr)
{
    return &vm_copy_host_arena[addr - VM_COPY_HOST_BASE];
}

#endif /* TESTS_UNIT_VM_COPY_HOST_H */
