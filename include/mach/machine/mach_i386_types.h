/* SPDX-License-Identifier: GPL-2.0-or-later */
/*
 * Types of mach_i386.defs (GNU Mach's layouts): a segment descriptor as
 * two 32-bit words, the low one first, as the CPU stores it.
 */
#ifndef MACH_MACHINE_MACH_I386_TYPES_H
#define MACH_MACHINE_MACH_I386_TYPES_H

struct descriptor {
    unsigned int low_word;
    unsigned int high_word;
};
typedef struct descriptor descriptor_t;
typedef struct descriptor *descriptor_list_t;

#endif /* MACH_MACHINE_MACH_I386_TYPES_H */
