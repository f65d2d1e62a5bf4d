/* SPDX-License-Identifier: GPL-2.0-or-later */
/*
 * Exceptions of user threads: the machine-independent hooks the machine
 * layer calls when a user thread faults, and their delivery to exception
 * ports as exception_raise RPCs.
 *
 * The machine layer maps each CPU exception to a Mach exception, code
 * and subcode (include/mach/exception.h; MACH-ABI.md 5.3) and calls
 * exception_user(). User page faults first go to vm_fault_user(), and
 * only an unresolved one becomes EXC_BAD_ACCESS with vm_fault_user's
 * result as its code and the address as its subcode.
 */
#ifndef KERN_EXCEPTION_H
#define KERN_EXCEPTION_H

#include <stdint.h>

#include <include/mach/exception.h>
#include <include/mach/kern_return.h>

/* Access bits of a user page fault (vm_prot_t values). */
#define EXCEPTION_ACCESS_READ   0x1
#define EXCEPTION_ACCESS_WRITE  0x2
#define EXCEPTION_ACCESS_EXECUTE 0x4

/* exception_raise (exc.defs, MACH-ABI.md 5.3): request id and sizes. */
#define EXCEPTION_RAISE_ID      2400
#define EXCEPTION_REQUEST_SIZE  64
#define EXCEPTION_REPLY_SIZE    32

/*
 * Raise exception exc (code, subcode) for the calling user thread: send
 * exception_raise to the thread's exception port, then to the task's,
 * and wait (interruptibly) for each reply. A reply with RetCode
 * KERN_SUCCESS returns: the thread resumes at its saved user state,
 * which the handler may have changed. Any other RetCode, a malformed
 * reply, a dead port or a request destroyed unanswered tries the next
 * port. An interrupted wait (thread_abort, a suspension, termination)
 * returns too, the exception given up. With neither port answering,
 * the task is terminated with a console line naming the thread, the
 * exception and its user instruction pointer (kern/exception.c), and
 * the call does not return; other tasks and the kernel go on. A thread
 * of no task ends at once, with the line. Thread context, interrupts
 * enabled, no lock held; sleeps.
 */
void exception_user(int exc, int code, int subcode);

/*
 * Resolve a page fault of the calling thread at user address addr for
 * access (EXCEPTION_ACCESS_* bits): make the page present in its address
 * space. Returns KERN_SUCCESS when the access can be retried, else the
 * kern_return_t that becomes the exception code (KERN_INVALID_ADDRESS,
 * KERN_PROTECTION_FAILURE, ...). Thread context, interrupts enabled,
 * may sleep. The default definition (kern/exception.c, a weak symbol)
 * resolves nothing and returns KERN_INVALID_ADDRESS; the virtual memory
 * system replaces it with a lookup in the current task's map.
 */
kern_return_t vm_fault_user(uintptr_t addr, unsigned int access);

/* The last user exception, for the shell and for tests. */
struct exception_record {
    unsigned long count;        /* user exceptions since boot */
    unsigned long requests;     /* exception_raise requests sent */
    unsigned long resolved;     /* exceptions a handler answered with KERN_SUCCESS */
    int exc, code, subcode;     /* the last one */
    uintptr_t pc;               /* its user instruction pointer */
    char thread[24];            /* the name of its thread */
};

/* Copy the record of user exceptions. Any context. */
void exception_last(struct exception_record *rec);

#endif /* KERN_EXCEPTION_H */
