/* SPDX-License-Identifier: GPL-2.0-or-later */
/*
 * Weak stand-ins for copyin and copyout (kern/copy.h) while the machine
 * layer's (i386/copy.c, branch h13i386) is not merged: the task tests
 * call the traps of kern/mach_trap.c, which copy through them. Strong
 * definitions replace these at link time; the join step deletes this
 * file.
 *
 * They copy a word at a time through the probes (i386/probe.h), first
 * refusing anything outside the user range, and resolve a missing page
 * with vm_fault() on the calling thread's task map, once per word, like
 * the real ones do through vm_fault_user().
 */
#include <stddef.h>
#include <stdint.h>

#include <i386/probe.h>
#include <kern/copy.h>
#include <kern/task.h>
#include <vm/vm_fault.h>
#include <vm/vm_map.h>
#include <vm/vm_user.h>

/* Whether [uaddr, uaddr + size) lies in the user range. */
static int
copy_fallback_check(uintptr_t uaddr, size_t size)
{
    return uaddr < VM_USER_MAX && size <= VM_USER_MAX - uaddr;
}

/* Read the aligned word at addr, faulting its page in once if needed. */
static int
copy_fallback_read(uintptr_t addr, uint32_t *valuep)
{
    struct task *task = task_self();

    if (probe_read32((const volatile void *)addr, valuep) == 0) {
        return 0;
    }
    if (task == NULL || vm_fault(task->map, addr, VM_MAP_PROT_READ) != 0) {
        return COPY_EFAULT;
    }
    return probe_read32((const volatile void *)addr, valuep) == 0 ? 0 : COPY_EFAULT;
}

/* Write the aligned word at addr, faulting its page in once if needed. */
static int
copy_fallback_write(uintptr_t addr, uint32_t value)
{
    struct task *task = task_self();

    if (probe_write32((volatile void *)addr, value) == 0) {
        return 0;
    }
    if (task == NULL || vm_fault(task->map, addr, VM_MAP_PROT_WRITE) != 0) {
        return COPY_EFAULT;
    }
    return probe_write32((volatile void *)addr, value) == 0 ? 0 : COPY_EFAULT;
}

__attribute__((weak)) int
copyin(const void *uaddr, void *kaddr, size_t size)
{
    uintptr_t u = (uintptr_t)uaddr;
    uint8_t *k = kaddr;
    uint32_t word;

    if (!copy_fallback_check(u, size)) {
        return COPY_EFAULT;
    }
    for (size_t i = 0; i < size; i++) {
        if (copy_fallback_read((u + i) & ~(uintptr_t)3, &word) != 0) {
            return COPY_EFAULT;
        }
        k[i] = (uint8_t)(word >> (8 * ((u + i) & 3)));
    }
    return 0;
}

__attribute__((weak)) int
copyout(const void *kaddr, void *uaddr, size_t size)
{
    uintptr_t u = (uintptr_t)uaddr;
    const uint8_t *k = kaddr;
    uint32_t word;

    if (!copy_fallback_check(u, size)) {
        return COPY_EFAULT;
    }
    for (size_t i = 0; i < size; i++) {
        uintptr_t addr = (u + i) & ~(uintptr_t)3;
        unsigned int shift = 8 * ((u + i) & 3);

        if (copy_fallback_read(addr, &word) != 0) {
            return COPY_EFAULT;
        }
        word = (word & ~(0xFFu << shift)) | ((uint32_t)k[i] << shift);
        if (copy_fallback_write(addr, word) != 0) {
            return COPY_EFAULT;
        }
    }
    return 0;
}
