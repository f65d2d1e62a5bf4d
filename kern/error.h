/* SPDX-License-Identifier: GPL-2.0-or-later */
/*
 * The kernel's one error vocabulary (doc/errors.md).
 *
 * A function that can fail returns int: 0 on success, or one of the
 * negative ERROR_* codes below. The codes say what went wrong, not who
 * noticed: vm_map, pmap, rdxtree and cmdline all report "no memory" as
 * ERROR_NOMEM. Each code has exactly one value and no two codes share
 * one. Functions that return a count, an index or a character use their
 * own sentinel (e.g. -1 for "no character"), never these codes.
 *
 * Mach's kern_return_t (include/mach/kern_return.h) is the user
 * interface's vocabulary, not the kernel's: code that serves a Mach call
 * converts once, at its boundary, with error_to_kern_return().
 */
#ifndef KERN_ERROR_H
#define KERN_ERROR_H

#define ERROR_NOMEM     (-1)    /* out of memory (kmem, vm_page) */
#define ERROR_INVAL     (-2)    /* invalid argument, or call in the wrong state */
#define ERROR_NOSPC     (-3)    /* no free range, key, name or slot left */
#define ERROR_EXIST     (-4)    /* the key, name or range is already in use */
#define ERROR_NOENT     (-5)    /* nothing by that name or at that index */
#define ERROR_TOOBIG    (-6)    /* does not fit in the buffer or limit given */
#define ERROR_FAULT     (-7)    /* an access to the address faulted */
#define ERROR_PROT      (-8)    /* an access beyond a protection */
#define ERROR_INTR      (-9)    /* a sleep was interrupted (thread_abort, termination) */
#define ERROR_IO        (-10)   /* the data could not be had (a pager's data_error) */

/* Lowest code: every code lies in [ERROR_MIN, -1]. */
#define ERROR_MIN       ERROR_IO

#ifndef __ASSEMBLER__

#include <include/mach/kern_return.h>

/*
 * Short description of error ("out of memory"), for messages. Also
 * "success" for 0 and "unknown error" for anything that is not a code.
 * Never NULL. Any context.
 */
const char *error_str(int error);

/*
 * The kern_return_t a Mach call returns for error: KERN_SUCCESS for 0,
 * ERROR_NOMEM -> KERN_RESOURCE_SHORTAGE, ERROR_INVAL -> KERN_INVALID_ARGUMENT,
 * ERROR_NOSPC -> KERN_NO_SPACE, ERROR_EXIST -> KERN_NAME_EXISTS,
 * ERROR_NOENT -> KERN_INVALID_NAME, ERROR_TOOBIG -> KERN_INVALID_VALUE,
 * ERROR_FAULT -> KERN_INVALID_ADDRESS,
 * ERROR_PROT -> KERN_PROTECTION_FAILURE, ERROR_INTR -> KERN_ABORTED,
 * ERROR_IO -> KERN_MEMORY_ERROR, KERN_FAILURE for anything else. Calls whose Mach definition gives a
 * code another meaning (vm_allocate at a fixed address in use returns
 * KERN_NO_SPACE, not KERN_NAME_EXISTS) test for it before converting.
 * Any context.
 */
kern_return_t error_to_kern_return(int error);

#endif /* __ASSEMBLER__ */

#endif /* KERN_ERROR_H */
