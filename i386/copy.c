/* SPDX-License-Identifier: GPL-2.0-or-later */
/*
 * copyin, copyout, copyinstr (kern/copy.h) on i386.
 *
 * User addresses are checked against the kernel base before anything is
 * touched, so the copy loops (copy_loop.S) only ever fault on user pages;
 * those faults come to trap_user_copy_fault() (i386/trap_user.c), which
 * asks vm_fault_user() and, when it cannot help, records the address and
 * code in the pcb and resumes at the loop's recovery label. Being
 * stricter than GNU Mach here (which copies with the user segment and
 * takes whatever fault comes) costs two compares per copy.
 */
#include <stddef.h>
#include <stdint.h>

#include <i386/param.h>
#include <i386/pcb.h>
#include <include/mach/kern_return.h>
#include <kern/copy.h>
#include <kern/thread.h>

int copy_bytes(void *dst, const void *src, size_t size, uintptr_t *recover);
int copy_string(char *dst, const char *src, size_t size, uintptr_t *recover);

/* Whether [uaddr, uaddr + size) is a user range; records the fault if not. */
static int
copy_check(uintptr_t uaddr, size_t size)
{
    struct pcb *pcb;

    if (uaddr < KERNBASE && size <= KERNBASE - uaddr) {
        return 0;
    }
    pcb = &thread_self()->pcb;
    pcb->fault_addr = uaddr < KERNBASE ? KERNBASE : uaddr;
    pcb->fault_code = KERN_INVALID_ADDRESS;
    return COPY_EFAULT;
}

int
copyin(const void *uaddr, void *kaddr, size_t size)
{
    if (copy_check((uintptr_t)uaddr, size) != 0) {
        return COPY_EFAULT;
    }
    if (size == 0) {
        return 0;
    }
    return copy_bytes(kaddr, uaddr, size, &thread_self()->pcb.recover) == 0
           ? 0 : COPY_EFAULT;
}

int
copyout(const void *kaddr, void *uaddr, size_t size)
{
    if (copy_check((uintptr_t)uaddr, size) != 0) {
        return COPY_EFAULT;
    }
    if (size == 0) {
        return 0;
    }
    return copy_bytes(uaddr, kaddr, size, &thread_self()->pcb.recover) == 0
           ? 0 : COPY_EFAULT;
}

int
copyinstr(const void *uaddr, char *kbuf, size_t size, size_t *lenp)
{
    uintptr_t u = (uintptr_t)uaddr;
    size_t max = size;
    int n;

    if (size == 0 || copy_check(u, 1) != 0) {
        return COPY_EFAULT;
    }
    if (max > KERNBASE - u) {
        max = KERNBASE - u;             /* the string may not cross into the kernel */
    }
    n = copy_string(kbuf, uaddr, max, &thread_self()->pcb.recover);
    if (n < 0) {
        return COPY_EFAULT;
    }
    if (kbuf[n - 1] == '\0') {
        *lenp = (size_t)n - 1;
        return 0;
    }
    if (max < size) {
        return copy_check(KERNBASE, 1);     /* ran into the kernel base */
    }
    kbuf[size - 1] = '\0';
    *lenp = size - 1;
    return COPY_ETOOLONG;
}

uintptr_t
copy_fault_addr(void)
{
    return thread_self()->pcb.fault_addr;
}

int
copy_fault_code(void)
{
    return thread_self()->pcb.fault_code;
}
