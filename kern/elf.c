/* SPDX-License-Identifier: GPL-2.0-or-later */
/*
 * Static ELF32 images for boot modules: validation and parsing.
 *
 * Design: the image comes from a boot module, i.e. from outside the
 * kernel, so nothing in it is trusted. Fields are read byte by byte as
 * little-endian values (the image needs no alignment and the code means
 * the same on any host), and all offset and address arithmetic is done in
 * 64 bits, where sums of two 32-bit values cannot wrap. elf_parse()
 * checks every program header once, so that elf_segment_get() can
 * afterwards describe a segment without checking anything again; it
 * keeps no table of its own (the image's table is the table), so an
 * image needs no memory beyond struct elf_image and no limit other than
 * ELF_MAX_PHNUM. elf_segment_get() finds segment i by a linear scan:
 * images have a handful of program headers and are loaded once.
 *
 * Segments must be in ascending order on disjoint pages. The ELF
 * specification requires the order; the page rule lets the loader
 * allocate and protect each segment's pages on their own, as GNU Mach's
 * loader does (its fixed vm_allocate would fail on a shared page anyway).
 */
#include <stdbool.h>
#include <stddef.h>
#include <stdint.h>

#include <kern/elf.h>

/* ELF32 header and program header layout (offsets in bytes). */
#define EHDR_SIZE               52
#define EHDR_TYPE               16
#define EHDR_MACHINE            18
#define EHDR_VERSION            20
#define EHDR_ENTRY              24
#define EHDR_PHOFF              28
#define EHDR_PHENTSIZE          42
#define EHDR_PHNUM              44

#define PHDR_SIZE               32
#define PHDR_TYPE               0
#define PHDR_OFFSET             4
#define PHDR_VADDR              8
#define PHDR_FILESZ             16
#define PHDR_MEMSZ              20
#define PHDR_FLAGS              24

#define EI_CLASS                4
#define EI_DATA                 5
#define EI_VERSION              6
#define ELFCLASS32              1
#define ELFDATA2LSB             1
#define EV_CURRENT              1
#define ET_EXEC                 2
#define ET_DYN                  3
#define EM_386                  3

#define PT_LOAD                 1
#define PT_GNU_STACK            0x6474e551u

#define PF_X                    0x1u
#define PF_W                    0x2u
#define PF_R                    0x4u

static uint32_t
elf_read16(const uint8_t *p)
{
    return (uint32_t)p[0] | (uint32_t)p[1] << 8;
}

static uint32_t
elf_read32(const uint8_t *p)
{
    return (uint32_t)p[0] | (uint32_t)p[1] << 8 | (uint32_t)p[2] << 16
           | (uint32_t)p[3] << 24;
}

static unsigned int
elf_prot(uint32_t flags)
{
    return ((flags & PF_R) ? ELF_PROT_READ : 0)
           | ((flags & PF_W) ? ELF_PROT_WRITE : 0)
           | ((flags & PF_X) ? ELF_PROT_EXECUTE : 0);
}

static const uint8_t *
elf_phdr(const struct elf_image *image, unsigned int i)
{
    return image->data + image->phoff + (size_t)i * PHDR_SIZE;
}

static int
elf_check_header(const uint8_t *d, size_t size)
{
    if (size < EHDR_SIZE) {
        return ELF_ETRUNC;
    }
    if (d[0] != 0x7f || d[1] != 'E' || d[2] != 'L' || d[3] != 'F') {
        return ELF_EMAGIC;
    }
    if (d[EI_CLASS] != ELFCLASS32) {
        return ELF_ECLASS;
    }
    if (d[EI_DATA] != ELFDATA2LSB) {
        return ELF_EDATA;
    }
    if (d[EI_VERSION] != EV_CURRENT || elf_read32(d + EHDR_VERSION) != EV_CURRENT) {
        return ELF_EVERSION;
    }
    if (elf_read16(d + EHDR_MACHINE) != EM_386) {
        return ELF_EMACHINE;
    }
    return 0;
}

/*
 * Check one PT_LOAD header; *next_page is the first page the segment may
 * use (after the previous segment's last page) and is advanced.
 */
static int
elf_check_load(const struct elf_image *image, const uint8_t *ph, uint64_t *next_page)
{
    uint64_t offset = elf_read32(ph + PHDR_OFFSET);
    uint64_t vaddr = (uint64_t)elf_read32(ph + PHDR_VADDR) + image->base;
    uint64_t filesz = elf_read32(ph + PHDR_FILESZ);
    uint64_t memsz = elf_read32(ph + PHDR_MEMSZ);
    uint64_t first_page, end_page;

    if (filesz > memsz || offset + filesz > image->size) {
        return ELF_EFILESZ;
    }
    end_page = (vaddr + memsz + ELF_PAGE_SIZE - 1) & ~(uint64_t)(ELF_PAGE_SIZE - 1);
    if (end_page > ELF_USER_END) {
        return ELF_ERANGE;
    }
    first_page = vaddr & ~(uint64_t)(ELF_PAGE_SIZE - 1);
    if (first_page < *next_page) {
        return ELF_EORDER;
    }
    *next_page = end_page;
    return 0;
}

int
elf_parse(const void *data, size_t size, struct elf_image *image)
{
    const uint8_t *d = data;
    uint32_t type, phentsize;
    uint64_t next_page = 0;
    bool entry_found = false;
    int error;

    error = elf_check_header(d, size);
    if (error != 0) {
        return error;
    }
    type = elf_read16(d + EHDR_TYPE);
    if (type != ET_EXEC && type != ET_DYN) {
        return ELF_ETYPE;
    }

    image->data = d;
    image->size = size;
    image->base = (type == ET_DYN) ? ELF_DYN_BASE : 0;
    image->stack_prot = ELF_PROT_ALL;
    image->nsegments = 0;
    image->phoff = elf_read32(d + EHDR_PHOFF);
    image->phnum = elf_read16(d + EHDR_PHNUM);
    phentsize = elf_read16(d + EHDR_PHENTSIZE);
    if (phentsize != PHDR_SIZE || image->phnum == 0 || image->phnum > ELF_MAX_PHNUM) {
        return ELF_EPHDR;
    }
    if ((uint64_t)image->phoff + (uint64_t)image->phnum * PHDR_SIZE > size) {
        return ELF_ETRUNC;
    }

    /* Entry with the base added, kept in 64 bits until it is checked. */
    uint64_t entry = (uint64_t)elf_read32(d + EHDR_ENTRY) + image->base;

    for (unsigned int i = 0; i < image->phnum; i++) {
        const uint8_t *ph = elf_phdr(image, i);
        uint32_t ptype = elf_read32(ph + PHDR_TYPE);

        if (ptype == PT_GNU_STACK) {
            image->stack_prot = elf_prot(elf_read32(ph + PHDR_FLAGS));
            continue;
        }
        if (ptype != PT_LOAD || elf_read32(ph + PHDR_MEMSZ) == 0) {
            continue;
        }
        error = elf_check_load(image, ph, &next_page);
        if (error != 0) {
            return error;
        }
        uint64_t vaddr = (uint64_t)elf_read32(ph + PHDR_VADDR) + image->base;
        if (entry >= vaddr && entry < vaddr + elf_read32(ph + PHDR_MEMSZ)) {
            entry_found = true;
        }
        image->nsegments++;
    }
    if (image->nsegments == 0) {
        return ELF_ENOLOAD;
    }
    if (!entry_found) {
        return ELF_EENTRY;
    }
    image->entry = (uint32_t)entry;
    return 0;
}

int
elf_segment_get(const struct elf_image *image, unsigned int index, struct elf_segment *seg)
{
    unsigned int n = 0;

    for (unsigned int i = 0; i < image->phnum; i++) {
        const uint8_t *ph = elf_phdr(image, i);

        if (elf_read32(ph + PHDR_TYPE) != PT_LOAD || elf_read32(ph + PHDR_MEMSZ) == 0) {
            continue;
        }
        if (n++ != index) {
            continue;
        }
        seg->vaddr = elf_read32(ph + PHDR_VADDR) + image->base;
        seg->memsz = elf_read32(ph + PHDR_MEMSZ);
        seg->filesz = elf_read32(ph + PHDR_FILESZ);
        seg->offset = elf_read32(ph + PHDR_OFFSET);
        seg->data = image->data + seg->offset;
        seg->prot = elf_prot(elf_read32(ph + PHDR_FLAGS));
        return 0;
    }
    return ELF_ERANGE;
}

const char *
elf_strerror(int error)
{
    static const char *const texts[] = {
        [-ELF_ETRUNC] = "truncated image",
        [-ELF_EMAGIC] = "not an ELF image",
        [-ELF_ECLASS] = "not a 32-bit ELF image",
        [-ELF_EDATA] = "not a little-endian ELF image",
        [-ELF_EVERSION] = "unknown ELF version",
        [-ELF_EMACHINE] = "not an i386 image",
        [-ELF_ETYPE] = "neither ET_EXEC nor ET_DYN",
        [-ELF_EPHDR] = "bad program header table",
        [-ELF_EFILESZ] = "segment file size beyond the image or above its memory size",
        [-ELF_ERANGE] = "segment outside user space",
        [-ELF_EORDER] = "segments out of order or sharing a page",
        [-ELF_ENOLOAD] = "no loadable segment",
        [-ELF_EENTRY] = "entry point outside the loadable segments",
    };

    if (error >= 0 || -error >= (int)(sizeof(texts) / sizeof(texts[0]))) {
        return "unknown error";
    }
    return texts[-error];
}
