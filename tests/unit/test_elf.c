/* SPDX-License-Identifier: GPL-2.0-or-later */
/*
 * Host test of kern/elf.c: hand-built images for every accepted shape
 * (ET_EXEC, ET_DYN at 0x08000000, PT_GNU_STACK, ignored headers) and one
 * image per error, checked field by field; then random corruptions of a
 * valid image, where every accepted result must satisfy the documented
 * guarantees (file bytes inside the image, segments inside user space,
 * ascending on disjoint pages, entry inside a segment).
 */
#include <stdbool.h>
#include <stddef.h>
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include <kern/elf.h>
#include "tests/unit/tap.h"
#include "tests/unit/elf_build.h"

static uint8_t buf[8192];

/* A typical static image: text RX at 0x08048000, data RW, GNU_STACK RW. */
static size_t
build_typical(uint8_t *out, uint16_t type)
{
    struct eb_phdr ph[] = {
        { EB_PT_LOAD, 0, 0x08048000, 0x200, 0x200, EB_PF_R | EB_PF_X },
        { 4 /* PT_NOTE */, 0x100, 0x08048100, 0x20, 0x20, EB_PF_R },
        { EB_PT_LOAD, 0x200, 0x08049200, 0x80, 0x1000, EB_PF_R | EB_PF_W },
        { EB_PT_GNU_STACK, 0, 0, 0, 0, EB_PF_R | EB_PF_W },
        { 3 /* PT_INTERP */, 0x150, 0, 0x10, 0x10, EB_PF_R },
    };

    return eb_build(out, 0x400, type, 0x08048010, ph, 5);
}

static void
test_typical(void)
{
    struct elf_image img;
    struct elf_segment seg;
    size_t size = build_typical(buf, EB_ET_EXEC);

    TAP_CHECK(elf_parse(buf, size, &img) == 0);
    TAP_CHECK(img.base == 0 && img.entry == 0x08048010);
    TAP_CHECK(img.nsegments == 2);
    TAP_CHECK(img.stack_prot == (ELF_PROT_READ | ELF_PROT_WRITE));
    TAP_CHECK(elf_segment_get(&img, 0, &seg) == 0);
    TAP_CHECK(seg.vaddr == 0x08048000 && seg.memsz == 0x200 && seg.filesz == 0x200);
    TAP_CHECK(seg.offset == 0 && seg.data == buf);
    TAP_CHECK(seg.prot == (ELF_PROT_READ | ELF_PROT_EXECUTE));
    TAP_CHECK(elf_segment_get(&img, 1, &seg) == 0);
    TAP_CHECK(seg.vaddr == 0x08049200 && seg.memsz == 0x1000 && seg.filesz == 0x80);
    TAP_CHECK(seg.offset == 0x200 && seg.data == buf + 0x200);
    TAP_CHECK(seg.prot == (ELF_PROT_READ | ELF_PROT_WRITE));
    TAP_CHECK(elf_segment_get(&img, 2, &seg) == ELF_ERANGE);

    /* ET_DYN: everything moves up by 0x08000000. */
    struct eb_phdr dyn[] = {
        { EB_PT_LOAD, 0, 0, 0x300, 0x300, EB_PF_R | EB_PF_X },
        { EB_PT_LOAD, 0x300, 0x1300, 0x10, 0x2000, EB_PF_R | EB_PF_W },
    };
    size = eb_build(buf, 0x400, EB_ET_DYN, 0x20, dyn, 2);
    TAP_CHECK(elf_parse(buf, size, &img) == 0);
    TAP_CHECK(img.base == ELF_DYN_BASE && img.entry == ELF_DYN_BASE + 0x20);
    TAP_CHECK(img.stack_prot == ELF_PROT_ALL);
    TAP_CHECK(elf_segment_get(&img, 1, &seg) == 0 && seg.vaddr == ELF_DYN_BASE + 0x1300);

    /* No PF_ bits: no access; a PT_LOAD with memsz 0 is skipped. */
    struct eb_phdr odd[] = {
        { EB_PT_LOAD, 0, 0x1000, 0, 0, EB_PF_R },
        { EB_PT_LOAD, 0, 0x1000, 0x100, 0x100, 0 },
        { EB_PT_GNU_STACK, 0, 0, 0, 0, EB_PF_R | EB_PF_W | EB_PF_X },
    };
    size = eb_build(buf, 0x400, EB_ET_EXEC, 0x1000, odd, 3);
    TAP_CHECK(elf_parse(buf, size, &img) == 0 && img.nsegments == 1);
    TAP_CHECK(elf_segment_get(&img, 0, &seg) == 0 && seg.prot == 0 && seg.vaddr == 0x1000);
    TAP_CHECK(img.stack_prot == ELF_PROT_ALL);

    /* The last page of user space; address 0. */
    struct eb_phdr top[] = {
        { EB_PT_LOAD, 0, 0, 0x10, 0x10, EB_PF_R | EB_PF_X },
        { EB_PT_LOAD, 0, 0xbffff000, 0x10, 0x1000, EB_PF_R },
    };
    size = eb_build(buf, 0x400, EB_ET_EXEC, 0, top, 2);
    TAP_CHECK(elf_parse(buf, size, &img) == 0 && img.entry == 0);
    /* Two segments on adjacent pages, the second starting mid-page. */
    struct eb_phdr adj[] = {
        { EB_PT_LOAD, 0, 0x1000, 0x10, 0xfff, EB_PF_R | EB_PF_X },
        { EB_PT_LOAD, 0, 0x2ff0, 0x10, 0x10, EB_PF_R },
    };
    size = eb_build(buf, 0x400, EB_ET_EXEC, 0x1ffe, adj, 2);
    TAP_CHECK(elf_parse(buf, size, &img) == 0);
}

/* Build with one change, then expect error. */
static void
expect_error(const char *what, size_t size, int error)
{
    struct elf_image img;
    int r = elf_parse(buf, size, &img);

    tap_check(r == error, "%s: %d (%s), expected %d (%s)", what, r, elf_strerror(r),
              error, elf_strerror(error));
}

static void
test_errors(void)
{
    size_t size = build_typical(buf, EB_ET_EXEC);

    expect_error("empty", 0, ELF_ETRUNC);
    expect_error("header cut", 51, ELF_ETRUNC);
    expect_error("phdrs cut", 52 + 5 * 32 - 1, ELF_ETRUNC);

    static const struct { size_t off; uint8_t value; int error; const char *what; } bytes[] = {
        { 0, 0x7e, ELF_EMAGIC, "magic 0" },
        { 3, 'f', ELF_EMAGIC, "magic 3" },
        { 4, 2, ELF_ECLASS, "ELFCLASS64" },
        { 4, 0, ELF_ECLASS, "ELFCLASSNONE" },
        { 5, 2, ELF_EDATA, "big-endian" },
        { 6, 0, ELF_EVERSION, "EI_VERSION 0" },
        { 20, 2, ELF_EVERSION, "e_version 2" },
        { 18, 62, ELF_EMACHINE, "EM_X86_64" },
        { 19, 1, ELF_EMACHINE, "machine high byte" },
        { 16, 1, ELF_ETYPE, "ET_REL" },
        { 16, 4, ELF_ETYPE, "ET_CORE" },
        { 17, 1, ELF_ETYPE, "type high byte" },
        { 42, 40, ELF_EPHDR, "phentsize 40" },
        { 44, 0, ELF_EPHDR, "phnum 0" },
        { 45, 1, ELF_EPHDR, "phnum 261" },
        { 31, 0xff, ELF_ETRUNC, "phoff huge" },
    };
    for (size_t i = 0; i < sizeof(bytes) / sizeof(bytes[0]); i++) {
        size = build_typical(buf, EB_ET_EXEC);
        buf[bytes[i].off] = bytes[i].value;
        expect_error(bytes[i].what, size, bytes[i].error);
    }
    size = build_typical(buf, EB_ET_EXEC);
    expect_error("image ends inside a segment's file bytes", 0x27f, ELF_EFILESZ);

    struct { struct eb_phdr ph[2]; uint16_t type; uint32_t entry; int error; const char *what; }
    cases[] = {
        { { { EB_PT_LOAD, 0, 0x1000, 0x101, 0x100, 5 }, { 0 } }, EB_ET_EXEC, 0x1000,
          ELF_EFILESZ, "filesz > memsz" },
        { { { EB_PT_LOAD, 0x3ff, 0x1000, 2, 2, 5 }, { 0 } }, EB_ET_EXEC, 0x1000,
          ELF_EFILESZ, "file bytes past the end" },
        { { { EB_PT_LOAD, 0xffffffff, 0x1000, 2, 2, 5 }, { 0 } }, EB_ET_EXEC, 0x1000,
          ELF_EFILESZ, "offset wraps" },
        { { { EB_PT_LOAD, 0, 0xbffff000, 0x10, 0x1001, 5 }, { 0 } }, EB_ET_EXEC, 0xbffff000,
          ELF_ERANGE, "past user space" },
        { { { EB_PT_LOAD, 0, 0xc0000000, 0x10, 0x10, 5 }, { 0 } }, EB_ET_EXEC, 0xc0000000,
          ELF_ERANGE, "kernel address" },
        { { { EB_PT_LOAD, 0, 0xfffff000, 0x10, 0x2000, 5 }, { 0 } }, EB_ET_EXEC, 0xfffff000,
          ELF_ERANGE, "address wraps" },
        { { { EB_PT_LOAD, 0, 0xb8000000, 0x10, 0x10, 5 }, { 0 } }, EB_ET_DYN, 0,
          ELF_ERANGE, "ET_DYN moved past user space" },
        { { { EB_PT_LOAD, 0, 0x2000, 0x10, 0x10, 5 }, { EB_PT_LOAD, 0, 0x1000, 0x10, 0x10, 5 } },
          EB_ET_EXEC, 0x2000, ELF_EORDER, "descending" },
        { { { EB_PT_LOAD, 0, 0x1000, 0x10, 0x10, 5 }, { EB_PT_LOAD, 0, 0x1800, 0x10, 0x10, 5 } },
          EB_ET_EXEC, 0x1000, ELF_EORDER, "same page" },
        { { { EB_PT_LOAD, 0, 0x1000, 0x10, 0x1001, 5 }, { EB_PT_LOAD, 0, 0x2800, 0x10, 0x10, 5 } },
          EB_ET_EXEC, 0x1000, ELF_EORDER, "shared last page" },
        { { { 4, 0, 0x1000, 0x10, 0x10, 5 }, { EB_PT_LOAD, 0, 0x1000, 0, 0, 5 } },
          EB_ET_EXEC, 0x1000, ELF_ENOLOAD, "no PT_LOAD" },
        { { { EB_PT_LOAD, 0, 0x1000, 0x10, 0x10, 5 }, { 0 } }, EB_ET_EXEC, 0x1010,
          ELF_EENTRY, "entry just past the segment" },
        { { { EB_PT_LOAD, 0, 0x1000, 0x10, 0x10, 5 }, { 0 } }, EB_ET_DYN, 0x08001000,
          ELF_EENTRY, "ET_DYN entry already relocated" },
    };
    for (size_t i = 0; i < sizeof(cases) / sizeof(cases[0]); i++) {
        size = eb_build(buf, 0x400, cases[i].type, cases[i].entry, cases[i].ph,
                        cases[i].ph[1].type != 0 ? 2 : 1);
        expect_error(cases[i].what, size, cases[i].error);
    }
    TAP_CHECK(strcmp(elf_strerror(0), "unknown error") == 0);
    TAP_CHECK(strcmp(elf_strerror(-100), "unknown error") == 0);
    TAP_CHECK(strcmp(elf_strerror(ELF_EMACHINE), "not an i386 image") == 0);
}

/* Random single- and multi-byte corruptions of valid images. */
static void
test_random(void)
{
    unsigned int accepted = 0, rejected = 0, violations = 0;

    srand(13);
    for (unsigned int round = 0; round < 200000; round++) {
        size_t size = build_typical(buf, (round & 1) ? EB_ET_DYN : EB_ET_EXEC);
        unsigned int n = 1 + rand() % 4;
        struct elf_image img;

        for (unsigned int k = 0; k < n; k++) {
            size_t off = (size_t)rand() % (52 + 5 * 32);
            buf[off] = (rand() & 1) ? (uint8_t)rand() : buf[off] ^ (uint8_t)(1u << (rand() % 8));
        }
        if (rand() % 8 == 0) {
            size = (size_t)rand() % (size + 1);
        }
        if (elf_parse(buf, size, &img) != 0) {
            rejected++;
            continue;
        }
        accepted++;
        violations += !eb_image_ok(&img, buf, size);
    }
    tap_check(violations == 0, "random images: %u accepted, %u rejected, %u broke a guarantee",
              accepted, rejected, violations);
    tap_check(accepted > 1000 && rejected > 1000, "random images reach both outcomes");
}

int
main(void)
{
    test_typical();
    test_errors();
    test_random();
    return tap_done();
}
