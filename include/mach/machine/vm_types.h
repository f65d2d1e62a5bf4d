/* SPDX-License-Identifier: GPL-2.0-or-later */
/*
 * Machine-dependent integer types of the Mach interface, i386: natural_t
 * and integer_t are the machine's natural word (32 bits), as in GNU Mach.
 */
#ifndef MACH_MACHINE_VM_TYPES_H
#define MACH_MACHINE_VM_TYPES_H

typedef unsigned int natural_t;
typedef int integer_t;

#endif /* MACH_MACHINE_VM_TYPES_H */
