/* SPDX-License-Identifier: GPL-2.0-or-later */
/*
 * Copies between the kernel and the running thread's user address
 * space. Every user pointer the kernel follows goes through these.
 *
 * A user range must lie entirely below the kernel base (0xC0000000);
 * anything else is refused without touching memory. A page fault on a
 * user address is first offered to vm_fault_user() (kern/exception.h);
 * when that cannot resolve it, the copy stops and fails. The address and
 * kern_return_t of that failure are kept for the caller
 * (copy_fault_addr(), copy_fault_code()), which the system-call path
 * turns into a user page-fault exception.
 *
 * Call from thread context with interrupts enabled: a fault may sleep
 * while it is resolved. Implemented by the machine layer (i386/copy.c).
 */
#ifndef KERN_COPY_H
#define KERN_COPY_H

#include <stddef.h>
#include <stdint.h>

/* Errors (negative, as everywhere inside the kernel). */
#define COPY_EFAULT             (-1)    /* bad user address: refused or faulted */
#define COPY_ETOOLONG           (-2)    /* copyinstr: no NUL within the size */

/* Copy size bytes from user uaddr to kernel kaddr. Returns 0 or COPY_EFAULT. */
int copyin(const void *uaddr, void *kaddr, size_t size);

/* Copy size bytes from kernel kaddr to user uaddr. Returns 0 or COPY_EFAULT. */
int copyout(const void *kaddr, void *uaddr, size_t size);

/*
 * Copy the NUL-terminated user string at uaddr into kbuf (size bytes,
 * size > 0), NUL included, and store its length (without the NUL) in
 * *lenp. Returns 0, COPY_EFAULT, or COPY_ETOOLONG when size bytes hold
 * no NUL (kbuf then holds the first size - 1 bytes and a NUL, and *lenp
 * is size - 1).
 */
int copyinstr(const void *uaddr, char *kbuf, size_t size, size_t *lenp);

/* The user address and kern_return_t of the calling thread's last copy fault. */
uintptr_t copy_fault_addr(void);
int copy_fault_code(void);

#endif /* KERN_COPY_H */
