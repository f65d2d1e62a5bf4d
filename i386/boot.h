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

/* C entry point, from boot.S. */
void boot_main(uint32_t magic, uint32_t info_pa) __attribute__((noreturn));

/*
 * Allocate npages contiguous boot pages (biosmem_bootalloc()) and return
 * their physical address; they are direct-mapped and not cleared. Only
 * before the hand-off to vm_page. Panics with the request size when no
 * run of free pages is long enough: the kernel cannot boot without it.
 */
phys_addr_t boot_alloc_pages(unsigned int npages);

/* The boot loader's name, or "unknown" when it gave none. */
const char *boot_loader_name(void);

/* Print the memory information and map as the boot loader gave them. */
void boot_report_memory(void);

#endif /* I386_BOOT_H */
