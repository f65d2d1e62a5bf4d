/* SPDX-License-Identifier: GPL-2.0-or-later */
/*
 * Page tables for machine-independent code: the kernel mappings vm_kmem
 * makes (pmap_kenter, pmap_kremove, pmap_kextract) and address spaces
 * (struct pmap). The i386 port's interface is i386/pmap.h.
 */
#ifndef MACHINE_PMAP_H
#define MACHINE_PMAP_H

#include <i386/pmap.h>

#endif /* MACHINE_PMAP_H */
