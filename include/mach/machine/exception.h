/* SPDX-License-Identifier: GPL-2.0-or-later */
/*
 * i386 exception codes of the Mach interface, with GNU Mach's values:
 * the `code` word that goes with each machine-independent exception.
 */
#ifndef MACH_MACHINE_EXCEPTION_H
#define MACH_MACHINE_EXCEPTION_H

/* EXC_BAD_INSTRUCTION */
#define EXC_I386_INVOP          1   /* invalid opcode, or a bad system-call number */
#define EXC_I386_INVTSSFLT      10  /* #TS; subcode: error code */
#define EXC_I386_SEGNPFLT       11  /* #NP; subcode: error code */
#define EXC_I386_STKFLT         12  /* #SS; subcode: error code */
#define EXC_I386_GPFLT          13  /* #GP; subcode: error code */

/* EXC_ARITHMETIC */
#define EXC_I386_DIV            1   /* divide error */
#define EXC_I386_INTO           2   /* into with OF set */
#define EXC_I386_EXTERR         5   /* x87 (or SSE) error; subcode: status */

/* EXC_SOFTWARE */
#define EXC_I386_BOUND          7   /* bound range exceeded */

/* EXC_BREAKPOINT */
#define EXC_I386_SGL            1   /* single step */
#define EXC_I386_BPT            2   /* int3 */

/* EXC_BAD_ACCESS at an address the user cannot have (>= the kernel base) */
#define EXC_I386_PGFLT          14

#endif /* MACH_MACHINE_EXCEPTION_H */
