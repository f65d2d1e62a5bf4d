/* SPDX-License-Identifier: GPL-2.0-or-later */
/*
 * The initial stack of a boot task (MACH-ABI.md §4.4), bit-exact:
 *
 *     ESP ->  argc
 *             argv[0] .. argv[argc-1], NULL
 *             envp[0] .. envp[envc-1], NULL
 *             argv strings, then envp strings, each NUL-terminated
 *             zero padding up to top (the block's size is a multiple of 4)
 *
 * The first string starts right after envp's NULL, which glibc's
 * _hurd_startup checks (&envp[envc + 1] == argv[0]). Pointers are user
 * addresses (32 bits). Pure code: the block is written into a kernel
 * buffer that mirrors the user range [top - size, top); the caller
 * copies it out (or builds it in place). No locks, no allocation.
 */
#ifndef KERN_BOOT_STACK_H
#define KERN_BOOT_STACK_H

#include <stddef.h>
#include <stdint.h>

/* Errors (negative). */
#define BOOT_STACK_ETOOBIG      (-1)    /* the block does not fit in size bytes */
#define BOOT_STACK_EINVAL       (-2)    /* negative count, NULL string, top not 4-aligned */

/*
 * Bytes the block needs for argv[argc] and envp[envc] (a multiple of 4),
 * or 0 if that overflows 32 bits or a count is negative.
 */
uint32_t boot_stack_size(int argc, const char *const argv[], int envc, const char *const envp[]);

/*
 * Write the block into the last bytes of buf[size], where buf + size
 * stands for user address top, and store the initial ESP (the address
 * of argc) in *esp. Bytes of buf below the block are left alone. Returns
 * 0, BOOT_STACK_EINVAL or BOOT_STACK_ETOOBIG (then buf is unchanged).
 */
int boot_stack_build(void *buf, size_t size, uint32_t top, int argc, const char *const argv[],
                     int envc, const char *const envp[], uint32_t *esp);

#endif /* KERN_BOOT_STACK_H */
