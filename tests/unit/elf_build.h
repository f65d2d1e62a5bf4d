/* SPDX-License-Identifier: GPL-2.0-or-later */
/*
 * Test helpers for kern/elf.c, shared by the unit test and the fuzzer:
 * eb_build() writes a small ELF32 i386 image (header, program headers,
 * a recognisable byte pattern as contents), and eb_image_ok() checks an
 * image that elf_parse() accepted against every documented guarantee,
 * reading the program headers again on its own.
 */
#ifndef TESTS_UNIT_ELF_BUILD_H
#define TESTS_UNIT_ELF_BUILD_H

#include <stdbool.h>
#include <stddef.h>
#include <stdint.h>
#include <string.h>

#include <kern/elf.h>

#define EB_ET_EXEC      2
#define EB_ET_DYN       3
#define EB_PT_LOAD      1
#define EB_PT_GNU_STACK 0x6474e551u
#define EB_PF_X         1u
#define EB_PF_W         2u
#define EB_PF_R         4u

struct eb_phdr {
    uint32_t type, offset, vaddr, filesz, memsz, flags;
};

static inline void
eb_put16(uint8_t *p, uint32_t v)
{
    p[0] = (uint8_t)v;
    p[1] = (uint8_t)(v >> 8);
}

static inline void
eb_put32(uint8_t *p, uint32_t v)
{
    eb_put16(p, v);
    eb_put16(p + 2, v >> 16);
}

static inline uint32_t
eb_get32(const uint8_t *p)
{
    return (uint32_t)p[0] | (uint32_t)p[1] << 8 | (uint32_t)p[2] << 16 | (uint32_t)p[3] << 24;
}

/* Write an image of size bytes (>= 52 + 32 * n) into out; return size. */
static inline size_t
eb_build(uint8_t *out, size_t size, uint16_t type, uint32_t entry,
         const struct eb_phdr *ph, unsigned int n)
{
    for (size_t i = 0; i < size; i++) {
        out[i] = (uint8_t)(i * 7 + 1);
    }
    memcpy(out, "\177ELF\1\1\1", 7);
    memset(out + 7, 0, 9);
    eb_put16(out + 16, type);
    eb_put16(out + 18, 3);
    eb_put32(out + 20, 1);
    eb_put32(out + 24, entry);
    eb_put32(out + 28, 52);
    eb_put32(out + 32, 0);
    eb_put32(out + 36, 0);
    eb_put16(out + 40, 52);
    eb_put16(out + 42, 32);
    eb_put16(out + 44, (uint16_t)n);
    eb_put16(out + 46, 40);
    eb_put16(out + 48, 0);
    eb_put16(out + 50, 0);
    for (unsigned int i = 0; i < n; i++) {
        uint8_t *p = out + 52 + 32 * i;

        eb_put32(p, ph[i].type);
        eb_put32(p + 4, ph[i].offset);
        eb_put32(p + 8, ph[i].vaddr);
        eb_put32(p + 12, ph[i].vaddr);
        eb_put32(p + 16, ph[i].filesz);
        eb_put32(p + 20, ph[i].memsz);
        eb_put32(p + 24, ph[i].flags);
        eb_put32(p + 28, 0x1000);
    }
    return size;
}

/* Check an accepted image: guarantees of kern/elf.h, recomputed here. */
static inline bool
eb_image_ok(const struct elf_image *img, const uint8_t *data, size_t size)
{
    uint64_t next_page = 0;
    unsigned int loads = 0;
    bool entry_in = false;
    uint32_t phoff = eb_get32(data + 28);
    unsigned int phnum = (unsigned int)data[44] | (unsigned int)data[45] << 8;
    uint16_t type = (uint16_t)(data[16] | data[17] << 8);

    if (size < 52 || memcmp(data, "\177ELF\1\1\1", 7) != 0 || data[18] != 3 || data[19] != 0) {
        return false;
    }
    if (img->base != (type == EB_ET_DYN ? ELF_DYN_BASE : 0) || (type != EB_ET_DYN && type != EB_ET_EXEC)) {
        return false;
    }
    if ((uint64_t)phoff + 32ull * phnum > size || phnum == 0) {
        return false;
    }
    for (unsigned int i = 0; i < phnum; i++) {
        const uint8_t *p = data + phoff + 32 * i;
        struct elf_segment seg;

        if (eb_get32(p) != EB_PT_LOAD || eb_get32(p + 20) == 0) {
            continue;
        }
        if (elf_segment_get(img, loads, &seg) != 0) {
            return false;
        }
        loads++;
        if (seg.vaddr != eb_get32(p + 8) + img->base || seg.memsz != eb_get32(p + 20)
            || seg.filesz != eb_get32(p + 16) || seg.offset != eb_get32(p + 4)
            || seg.data != data + seg.offset) {
            return false;
        }
        if (seg.filesz > seg.memsz || (uint64_t)seg.offset + seg.filesz > size) {
            return false;
        }
        if ((uint64_t)seg.vaddr + seg.memsz > ELF_USER_END || seg.vaddr < img->base) {
            return false;
        }
        if ((seg.vaddr & ~(uint64_t)0xfff) < next_page) {
            return false;
        }
        next_page = ((uint64_t)seg.vaddr + seg.memsz + 0xfff) & ~(uint64_t)0xfff;
        if (img->entry >= seg.vaddr && (uint64_t)img->entry < (uint64_t)seg.vaddr + seg.memsz) {
            entry_in = true;
        }
    }
    return loads == img->nsegments && loads > 0 && entry_in && (img->stack_prot & ~7u) == 0;
}

#endif /* TESTS_UNIT_ELF_BUILD_H */
