/* SPDX-License-Identifier: GPL-2.0-or-later */
/*
 * Entry point of the user test programs, as GNU Mach boot modules do it:
 * the kernel starts the first thread with ESP at argc (MACH-ABI.md §4.4),
 * and c_start(void **argp) receives that address. c_start never returns;
 * if it did, the halt below would fault and the task would be stopped.
 */
    .text
    .globl _start
    .type _start, @function
_start:
    pushl %esp
    call c_start
    hlt
    .size _start, . - _start

    .section .note.GNU-stack, "", @progbits
