/* SPDX-License-Identifier: GPL-2.0-or-later */
/*
 * Kernel symbol table for backtraces.
 *
 * The table of function symbols is generated from a first link of the
 * kernel (tools/gen-ksyms) and linked into the final image.
 */
#ifndef KERN_KSYMS_H
#define KERN_KSYMS_H

#include <stdint.h>

/*
 * Find the function containing addr. Returns its name and stores the offset
 * of addr from its start in *offset; returns NULL when addr lies outside
 * the kernel text. Lock-free; callable from any context.
 */
const char *ksyms_lookup(uintptr_t addr, uintptr_t *offset);

#endif /* KERN_KSYMS_H */
