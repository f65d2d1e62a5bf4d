/* SPDX-License-Identifier: GPL-2.0-or-later */
/*
 * Symbol lookup by binary search over the generated, address-sorted table.
 * The table is read-only data, so lookups need no lock and work from trap
 * handlers. The first link of the kernel uses an empty table
 * (tools/gen-ksyms --empty); the table sits after all code in the image,
 * so its size does not move any function between the two links.
 */
#include <stddef.h>
#include <stdint.h>

#include <kern/ksyms.h>

struct ksym {
    uint32_t addr;
    uint32_t name;              /* offset into ksyms_names */
};

extern const struct ksym ksyms_table[];
extern const uint32_t ksyms_count;
extern const char ksyms_names[];
extern const char _etext[];

const char *
ksyms_lookup(uintptr_t addr, uintptr_t *offset)
{
    uint32_t lo = 0, hi = ksyms_count;

    if (hi == 0 || addr < ksyms_table[0].addr || addr >= (uintptr_t)_etext) {
        return NULL;
    }

    /* Find the last symbol whose address is <= addr. */
    while (hi - lo > 1) {
        uint32_t mid = lo + (hi - lo) / 2;

        if (ksyms_table[mid].addr <= addr) {
            lo = mid;
        } else {
            hi = mid;
        }
    }
    *offset = addr - ksyms_table[lo].addr;
    return &ksyms_names[ksyms_table[lo].name];
}
