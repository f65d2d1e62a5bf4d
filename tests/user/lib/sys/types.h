/* SPDX-License-Identifier: GPL-2.0-or-later */
/*
 * The C library header GNU Mach's <mach_debug/slab_info.h> includes.
 * The test programs have no C library: what cache_info_t needs comes
 * from the Mach headers themselves, so this supplies only the basics.
 */
#ifndef USER_SYS_TYPES_H
#define USER_SYS_TYPES_H

#include <stddef.h>
#include <stdint.h>

#endif /* USER_SYS_TYPES_H */
