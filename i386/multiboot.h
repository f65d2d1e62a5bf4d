/* SPDX-License-Identifier: GPL-2.0-or-later */
/*
 * Multiboot (version 1) structures, as handed over by GRUB or QEMU -kernel.
 *
 * Field meanings follow the Multiboot Specification 0.6.96. All addresses
 * in these structures are physical.
 */
#ifndef I386_MULTIBOOT_H
#define I386_MULTIBOOT_H

#define MULTIBOOT_HEADER_MAGIC          0x1BADB002
#define MULTIBOOT_BOOTLOADER_MAGIC      0x2BADB002

/* Header flags (what the kernel asks of the boot loader). */
#define MULTIBOOT_HEADER_PAGE_ALIGN     0x00000001  /* modules page-aligned */
#define MULTIBOOT_HEADER_MEMORY_INFO    0x00000002  /* mem_* and mmap_* */
#define MULTIBOOT_HEADER_AOUT_KLUDGE    0x00010000  /* load addresses in header */

/* Info flags (which fields of struct multiboot_info are valid). */
#define MULTIBOOT_INFO_MEMORY           0x00000001
#define MULTIBOOT_INFO_BOOTDEV          0x00000002
#define MULTIBOOT_INFO_CMDLINE          0x00000004
#define MULTIBOOT_INFO_MODS             0x00000008
#define MULTIBOOT_INFO_ELF_SHDR         0x00000020
#define MULTIBOOT_INFO_MEM_MAP          0x00000040
#define MULTIBOOT_INFO_BOOT_LOADER_NAME 0x00000200

#ifndef __ASSEMBLER__

#include <stdint.h>

struct multiboot_info {
    uint32_t flags;
    uint32_t mem_lower;         /* KiB below 1 MiB */
    uint32_t mem_upper;         /* KiB above 1 MiB, up to the first hole */
    uint32_t boot_device;
    uint32_t cmdline;           /* physical address of a C string */
    uint32_t mods_count;
    uint32_t mods_addr;         /* physical address of struct multiboot_module[] */
    uint32_t syms[4];
    uint32_t mmap_length;       /* bytes */
    uint32_t mmap_addr;         /* physical address of the first entry */
    uint32_t drives_length;
    uint32_t drives_addr;
    uint32_t config_table;
    uint32_t boot_loader_name;  /* physical address of a C string */
};

struct multiboot_module {
    uint32_t mod_start;         /* physical, inclusive */
    uint32_t mod_end;           /* physical, exclusive */
    uint32_t string;            /* physical address of a C string */
    uint32_t reserved;
};

/*
 * Memory map entry. 'size' does not count itself: the next entry starts
 * size + 4 bytes after this one.
 */
struct multiboot_mmap_entry {
    uint32_t size;
    uint64_t base_addr;
    uint64_t length;
    uint32_t type;
} __attribute__((packed));

#define MULTIBOOT_MEMORY_AVAILABLE      1
#define MULTIBOOT_MEMORY_RESERVED       2
#define MULTIBOOT_MEMORY_ACPI           3
#define MULTIBOOT_MEMORY_NVS            4
#define MULTIBOOT_MEMORY_BADRAM         5

#endif /* __ASSEMBLER__ */

#endif /* I386_MULTIBOOT_H */
