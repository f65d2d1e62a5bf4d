/* SPDX-License-Identifier: GPL-2.0-or-later */
/*
 * Machine-independent exception numbers of the Mach interface, with GNU
 * Mach's values (the `exception` word of exception_raise).
 */
#ifndef MACH_EXCEPTION_H
#define MACH_EXCEPTION_H

#include "machine/exception.h"

#define EXC_BAD_ACCESS          1   /* code: kern_return of the fault, subcode: address */
#define EXC_BAD_INSTRUCTION     2   /* illegal or undefined instruction or operand */
#define EXC_ARITHMETIC          3   /* arithmetic exception */
#define EXC_EMULATION           4   /* emulation instruction */
#define EXC_SOFTWARE            5   /* software-generated exception */
#define EXC_BREAKPOINT          6   /* trace, breakpoint */

#endif /* MACH_EXCEPTION_H */
