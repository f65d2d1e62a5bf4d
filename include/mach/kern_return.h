/* SPDX-License-Identifier: GPL-2.0-or-later */
/*
 * Return codes of kernel calls. The values are the public Mach ABI, as
 * GNU Mach defines them: programs written for GNU Mach compare against
 * these numbers.
 */
#ifndef MACH_KERN_RETURN_H
#define MACH_KERN_RETURN_H

typedef int kern_return_t;

#define KERN_SUCCESS                    0
#define KERN_INVALID_ADDRESS            1   /* address not currently valid */
#define KERN_PROTECTION_FAILURE         2   /* memory does not permit the access */
#define KERN_NO_SPACE                   3   /* no free range (or name) left */
#define KERN_INVALID_ARGUMENT           4   /* an argument is invalid */
#define KERN_FAILURE                    5   /* the operation failed */
#define KERN_RESOURCE_SHORTAGE          6   /* out of a system resource (memory) */
#define KERN_NOT_RECEIVER               7   /* caller holds no receive right */
#define KERN_NO_ACCESS                  8   /* access denied */
#define KERN_MEMORY_FAILURE             9   /* memory object destroyed */
#define KERN_MEMORY_ERROR               10  /* memory object could not supply data */
#define KERN_ALREADY_IN_SET             11  /* receive right already in a port set */
#define KERN_NOT_IN_SET                 12  /* receive right not in a port set */
#define KERN_NAME_EXISTS                13  /* the name already denotes a right */
#define KERN_ABORTED                    14  /* the operation was aborted */
#define KERN_INVALID_NAME               15  /* the name denotes no right */
#define KERN_INVALID_TASK               16  /* the target task is not active */
#define KERN_INVALID_RIGHT              17  /* the name denotes another kind of right */
#define KERN_INVALID_VALUE              18  /* a value out of range */
#define KERN_UREFS_OVERFLOW             19  /* too many user references */
#define KERN_INVALID_CAPABILITY         20  /* the port capability is improper */
#define KERN_RIGHT_EXISTS               21  /* rights for the port exist under another name */
#define KERN_INVALID_HOST               22  /* not a host */
#define KERN_MEMORY_PRESENT             23  /* supplied data already present */
#define KERN_WRITE_PROTECTION_FAILURE   24  /* write to a VM_PROT_NOTIFY page */
#define KERN_TERMINATED                 26  /* the object has been terminated */
#define KERN_TIMEDOUT                   27  /* the operation timed out */
#define KERN_INTERRUPTED                28  /* the operation was interrupted */

#endif /* MACH_KERN_RETURN_H */
