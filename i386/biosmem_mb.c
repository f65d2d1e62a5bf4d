/* SPDX-License-Identifier: GPL-2.0-or-later */
/*
 * Multiboot glue of biosmem: the only part that reads boot loader
 * structures. It copies what it needs out of them through the caller's
 * physical-to-virtual converter (so it works wherever the loader put
 * them, and host tests can point it at fake memory) and feeds the plain
 * core in biosmem.c. Nothing read here is trusted: sizes are checked
 * against the map length, strings and tables are only followed while the
 * converter says the memory is there, and loops end at the first failure.
 */
#include <stdbool.h>
#include <stddef.h>
#include <stdint.h>

#include <i386/biosmem.h>
#include <i386/multiboot.h>
#include <kern/error.h>

#ifdef MACH_HOST
#include <string.h>
#else
#include <kern/string.h>
#endif

/* Bytes of a map entry that follow its size field: base, length, type. */
#define BIOSMEM_MB_ENTRY_MIN    20

/* Longest boot loader string followed before giving up. */
#define BIOSMEM_MB_STRING_MAX   0x10000

/* The first of two results that is an error: error if set, else next. */
static inline int
biosmem_mb_first_error(int error, int next)
{
    return (error != 0) ? error : next;
}

/* Copy size bytes at physical addr into buf. Returns false if unreachable. */
static bool
biosmem_mb_read(void *buf, phys_addr_t addr, size_t size, biosmem_ptov_fn ptov)
{
    const void *p = ptov(addr, size);

    if (p == NULL) {
        return false;
    }
    memcpy(buf, p, size);
    return true;
}

/*
 * Add the entries of the multiboot memory map. Sets *nr_added to the
 * number of non-empty entries added. Returns 0, ERROR_INVAL when the map
 * is malformed or unreachable (the entries before the problem are kept),
 * or the first error of biosmem_map_add() (ERROR_NOSPC: table full).
 */
static int
biosmem_mb_read_map(const struct multiboot_info *mbi, biosmem_ptov_fn ptov,
                    unsigned int *nr_added)
{
    uint32_t offset = 0;
    int added, error = 0;

    *nr_added = 0;
    while (offset < mbi->mmap_length) {
        struct multiboot_mmap_entry entry;

        if (mbi->mmap_length - offset < sizeof(entry)
            || !biosmem_mb_read(&entry, (phys_addr_t)mbi->mmap_addr + offset,
                                sizeof(entry), ptov)
            || entry.size < BIOSMEM_MB_ENTRY_MIN
            || entry.size > mbi->mmap_length - offset - sizeof(entry.size)) {
            return ERROR_INVAL;
        }
        added = biosmem_map_add(entry.base_addr, entry.length, entry.type);
        if (added != 0) {
            error = biosmem_mb_first_error(error, added);
        } else if (entry.length != 0) {
            (*nr_added)++;
        }
        offset += sizeof(entry.size) + entry.size;
    }
    return error;
}

/*
 * Protect the NUL-terminated string at addr. When its end cannot be
 * found, protect what was seen plus the byte where the search stopped,
 * and return ERROR_INVAL. Otherwise returns what biosmem_boot_data_reserve()
 * returns.
 */
static int
biosmem_mb_reserve_string(phys_addr_t addr, const char *name,
                          biosmem_ptov_fn ptov)
{
    for (phys_addr_t len = 0; len < BIOSMEM_MB_STRING_MAX; len++) {
        const char *c = ptov(addr + len, 1);

        if (c == NULL) {
            biosmem_boot_data_reserve(addr, addr + len + 1, name);
            return ERROR_INVAL;
        }
        if (*c == '\0') {
            return biosmem_boot_data_reserve(addr, addr + len + 1, name);
        }
    }
    biosmem_boot_data_reserve(addr, addr + BIOSMEM_MB_STRING_MAX, name);
    return ERROR_INVAL;
}

/*
 * Protect the module table, the modules and their strings. Returns 0 or
 * the first error: ERROR_INVAL (unreadable table, inverted module, bad
 * string) or ERROR_NOSPC (boot data table full).
 */
static int
biosmem_mb_reserve_modules(const struct multiboot_info *mbi,
                           biosmem_ptov_fn ptov)
{
    phys_addr_t table = mbi->mods_addr;
    int reserved, error;

    error = biosmem_boot_data_reserve(table, table + (phys_addr_t)mbi->mods_count
                                      * sizeof(struct multiboot_module),
                                      "module table");
    if (error != 0) {
        return error;
    }
    for (uint32_t i = 0; i < mbi->mods_count; i++) {
        struct multiboot_module mod;

        if (!biosmem_mb_read(&mod, table + (phys_addr_t)i * sizeof(mod),
                             sizeof(mod), ptov)) {
            return biosmem_mb_first_error(error, ERROR_INVAL);
        }
        if (mod.mod_end < mod.mod_start) {
            error = biosmem_mb_first_error(error, ERROR_INVAL);
            continue;
        }
        /* Only a full table makes this fail: later modules would not fit either. */
        reserved = biosmem_boot_data_reserve(mod.mod_start, mod.mod_end, "module");
        if (reserved != 0) {
            return biosmem_mb_first_error(error, reserved);
        }
        error = biosmem_mb_first_error(error, biosmem_mb_reserve_string(mod.string,
                                       "module string", ptov));
    }
    return error;
}

int
biosmem_setup_multiboot(phys_addr_t mbi_addr, phys_addr_t kernel_start,
                        phys_addr_t kernel_end, biosmem_ptov_fn ptov)
{
    struct multiboot_info mbi;
    unsigned int nr_added = 0;
    int e, error = 0;

    if (!biosmem_mb_read(&mbi, mbi_addr, sizeof(mbi), ptov)) {
        return ERROR_INVAL;
    }

    if (mbi.flags & MULTIBOOT_INFO_MEM_MAP) {
        error = biosmem_mb_read_map(&mbi, ptov, &nr_added);
    }
    if (nr_added == 0 && (mbi.flags & MULTIBOOT_INFO_MEMORY)) {
        e = biosmem_map_add_legacy(mbi.mem_lower, mbi.mem_upper);
        error = biosmem_mb_first_error(error, e);
    }
    biosmem_map_sanitize();

    e = biosmem_boot_data_reserve(kernel_start, kernel_end, "kernel");
    error = biosmem_mb_first_error(error, e);
    e = biosmem_boot_data_reserve(mbi_addr, mbi_addr + sizeof(mbi), "multiboot info");
    error = biosmem_mb_first_error(error, e);
    if (mbi.flags & MULTIBOOT_INFO_MEM_MAP) {
        e = biosmem_boot_data_reserve(mbi.mmap_addr, (phys_addr_t)mbi.mmap_addr
                                      + mbi.mmap_length, "memory map");
        error = biosmem_mb_first_error(error, e);
    }
    if (mbi.flags & MULTIBOOT_INFO_CMDLINE) {
        e = biosmem_mb_reserve_string(mbi.cmdline, "command line", ptov);
        error = biosmem_mb_first_error(error, e);
    }
    if (mbi.flags & MULTIBOOT_INFO_BOOT_LOADER_NAME) {
        e = biosmem_mb_reserve_string(mbi.boot_loader_name, "boot loader name", ptov);
        error = biosmem_mb_first_error(error, e);
    }
    if (mbi.flags & MULTIBOOT_INFO_MODS) {
        e = biosmem_mb_reserve_modules(&mbi, ptov);
        error = biosmem_mb_first_error(error, e);
    }
    return error;
}
