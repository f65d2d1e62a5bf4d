/* SPDX-License-Identifier: GPL-2.0-or-later */
/*
 * Boot modules survive the kernel's use of memory. The boot-test runner
 * (tests/boot/run, {cksum*N}) gives each module random bytes and a
 * string holding "cksum=C", C being the POSIX cksum(1) of the file.
 * Run after a test that writes every free page (test=vm_page_fill,
 * boot_modules): a module that was not protected from the allocator has
 * been overwritten, and its checksum no longer matches. The checksum is
 * computed here from the definition (CRC-32, polynomial 0x04c11db7,
 * most significant bit first, the length appended, complemented), so the
 * test depends on nothing the kernel computed at boot.
 */
#include <stdbool.h>
#include <stdint.h>

#include <i386/boot.h>
#include <i386/multiboot.h>
#include <i386/param.h>
#include <kern/ktest.h>
#include <kern/string.h>

static uint32_t
boot_modules_crc_byte(uint32_t crc, uint8_t byte)
{
    crc ^= (uint32_t)byte << 24;
    for (unsigned int bit = 0; bit < 8; bit++) {
        crc = (crc & 0x80000000) ? (crc << 1) ^ 0x04c11db7 : crc << 1;
    }
    return crc;
}

/* POSIX cksum of the size bytes at data. */
static uint32_t
boot_modules_cksum(const uint8_t *data, uint32_t size)
{
    uint32_t crc = 0;

    for (uint32_t i = 0; i < size; i++) {
        crc = boot_modules_crc_byte(crc, data[i]);
    }
    for (uint32_t len = size; len != 0; len >>= 8) {
        crc = boot_modules_crc_byte(crc, len & 0xff);
    }
    return ~crc;
}

/* The value of "cksum=" in s, decimal; false when absent. */
static bool
boot_modules_expected(const char *s, uint32_t *cksum)
{
    const char *p = s;
    uint32_t value = 0;

    for (; *p != '\0'; p++) {
        if (strncmp(p, "cksum=", 6) == 0) {
            break;
        }
    }
    if (*p == '\0' || p[6] < '0' || p[6] > '9') {
        return false;
    }
    for (p += 6; *p >= '0' && *p <= '9'; p++) {
        value = value * 10 + (uint32_t)(*p - '0');
    }
    *cksum = value;
    return true;
}

static void
boot_modules_test_fn(void)
{
    const struct multiboot_info *mbi = boot_info;
    const struct multiboot_module *mods;
    unsigned int bad = 0;
    uint64_t bytes = 0;

    KTEST_ASSERT(mbi->flags & MULTIBOOT_INFO_MODS);
    KTEST_ASSERT(mbi->mods_count > 0
                 && phys_in_directmap(mbi->mods_addr, mbi->mods_count * sizeof(*mods)));
    if (!(mbi->flags & MULTIBOOT_INFO_MODS) || mbi->mods_count == 0) {
        return;
    }
    mods = phystokv(mbi->mods_addr);
    for (uint32_t i = 0; i < mbi->mods_count; i++) {
        const struct multiboot_module *mod = &mods[i];
        uint32_t size = mod->mod_end - mod->mod_start, want, got;

        if (!phys_in_directmap(mod->string, 1) || !phys_in_directmap(mod->mod_start, size)
            || !boot_modules_expected(phystokv(mod->string), &want)) {
            ktest_diag("module %u: string or bytes unreachable, or no cksum=", i);
            bad++;
            continue;
        }
        got = boot_modules_cksum(phystokv(mod->mod_start), size);
        if (got != want) {
            ktest_diag("module %u at 0x%x, %u bytes: cksum %u, expected %u", i,
                       mod->mod_start, size, got, want);
            bad++;
        }
        bytes += size;
    }
    ktest_diag("%u modules, %llu KiB: %u intact", mbi->mods_count,
               (unsigned long long)(bytes >> 10), mbi->mods_count - bad);
    KTEST_ASSERT(bad == 0);
}

KTEST_DEFINE(boot_modules, boot_modules_test_fn, KTEST_MANUAL);
