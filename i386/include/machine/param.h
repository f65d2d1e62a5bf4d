/* SPDX-License-Identifier: GPL-2.0-or-later */
/*
 * Machine parameters for machine-independent code: PAGE_SIZE and
 * PAGE_SHIFT, KERNEL_STACK_SIZE, phys_addr_t and the direct map
 * (phystokv, kvtophys, phys_in_directmap). The i386 port defines them in
 * i386/param.h, which its assembly includes too.
 */
#ifndef MACHINE_PARAM_H
#define MACHINE_PARAM_H

#include <i386/param.h>

#endif /* MACHINE_PARAM_H */
