/* SPDX-License-Identifier: GPL-2.0-or-later */
/*
 * What the boot path leaves for the rest of the kernel.
 */
#ifndef I386_BOOT_H
#define I386_BOOT_H

#include <stdint.h>

#include <i386/multiboot.h>
#include <i386/param.h>

/* The multiboot information (direct-mapped), valid for the kernel's life. */
extern const struct multiboot_info *boot_info;

/*
 * A direct-map pointer to the boot loader's string at physical address pa,
 * or NULL when it is 0 or does not end inside the direct map.
 */
const char *boot_string(uint32_t pa);

/* C entry point, from boot.S. */
void boot_main(uint32_t magic, uint32_t info_pa) __attribute__((noreturn));

#endif /* I386_BOOT_H */
