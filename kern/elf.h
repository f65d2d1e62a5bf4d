/* SPDX-License-Identifier: GPL-2.0-or-later */
/*
 * Static ELF32 images for boot modules: validation and parsing.
 *
 * elf_parse() checks a whole image held in memory (every offset and size
 * against the image's size) and describes where it goes in a user address
 * space: the entry point, the PT_LOAD segments and the stack protection.
 * It copies nothing and allocates nothing; the loader (bootstrap) walks
 * the segments with elf_segment_get(), allocates [trunc_page(vaddr),
 * round_page(vaddr + memsz)), copies filesz bytes from data and sets the
 * protection. Rules (GNU Mach's, MACH-ABI.md §4.3, with a few stricter
 * checks that no linker output fails):
 *
 *  - ELF32, little-endian, version 1, EM_386;
 *  - ET_EXEC at its own addresses, ET_DYN at ELF_DYN_BASE (0x08000000);
 *    ET_REL and anything else are refused;
 *  - PT_LOAD segments: filesz <= memsz, file bytes inside the image, the
 *    whole range inside user space [0, ELF_USER_END) once rounded to
 *    pages, in ascending address order and on disjoint pages (so each
 *    page is allocated once); segments with memsz 0 are skipped;
 *  - at least one PT_LOAD, and the entry point inside one of them;
 *  - PT_GNU_STACK gives the stack protection (default read, write,
 *    execute); PT_INTERP and every other type are ignored.
 *
 * Pure code: no locks, no allocation, usable on the host.
 */
#ifndef KERN_ELF_H
#define KERN_ELF_H

#include <stddef.h>
#include <stdint.h>

/* Load address of ET_DYN images (ld.so booted as a module). */
#define ELF_DYN_BASE            0x08000000u

/* End of user space (exclusive) and the page size used for rounding. */
#define ELF_USER_END            0xc0000000u
#define ELF_PAGE_SIZE           0x1000u

/* Most program headers accepted; real static images have fewer than 16. */
#define ELF_MAX_PHNUM           128

/* Protection bits: the values of Mach's VM_PROT_READ/WRITE/EXECUTE. */
#define ELF_PROT_READ           0x1u
#define ELF_PROT_WRITE          0x2u
#define ELF_PROT_EXECUTE        0x4u
#define ELF_PROT_ALL            0x7u

/*
 * Errors (negative return values), one per kind of malformed image. All
 * mean "invalid image"; elf_strerror() names them for console messages.
 */
#define ELF_ETRUNC              (-1)    /* image shorter than a header or table */
#define ELF_EMAGIC              (-2)    /* no ELF magic */
#define ELF_ECLASS              (-3)    /* not ELFCLASS32 */
#define ELF_EDATA               (-4)    /* not little-endian */
#define ELF_EVERSION            (-5)    /* ELF version is not 1 */
#define ELF_EMACHINE            (-6)    /* not EM_386 */
#define ELF_ETYPE               (-7)    /* neither ET_EXEC nor ET_DYN */
#define ELF_EPHDR               (-8)    /* bad program header table (entry size, count) */
#define ELF_EFILESZ             (-9)    /* segment's file bytes beyond the image or > memsz */
#define ELF_ERANGE              (-10)   /* segment outside user space, or wraps */
#define ELF_EORDER              (-11)   /* segments not ascending or sharing a page */
#define ELF_ENOLOAD             (-12)   /* no PT_LOAD segment */
#define ELF_EENTRY              (-13)   /* entry point outside every segment */

/* A parsed image; fields are read-only for users. */
struct elf_image {
    const uint8_t *data;        /* the image, as passed to elf_parse() */
    size_t size;
    uint32_t base;              /* 0 (ET_EXEC) or ELF_DYN_BASE (ET_DYN) */
    uint32_t entry;             /* entry point, base included */
    unsigned int stack_prot;    /* ELF_PROT_* from PT_GNU_STACK */
    unsigned int nsegments;     /* PT_LOAD segments with memsz > 0 */
    uint32_t phoff;             /* program header table */
    unsigned int phnum;
};

/* One PT_LOAD segment, addresses with the base added. */
struct elf_segment {
    uint32_t vaddr;             /* first byte; vaddr + memsz <= ELF_USER_END */
    uint32_t memsz;             /* > 0 */
    uint32_t filesz;            /* <= memsz; the rest is zero-filled */
    uint32_t offset;            /* file offset of the first byte */
    const uint8_t *data;        /* image + offset: filesz bytes to copy */
    unsigned int prot;          /* ELF_PROT_* from PF_R/PF_W/PF_X */
};

/*
 * Validate the image data[size] and describe it in *image. Returns 0, or
 * one of the ELF_E* errors (then *image is unspecified). Never reads
 * outside data[size]. data needs no alignment.
 */
int elf_parse(const void *data, size_t size, struct elf_image *image);

/*
 * Fill *seg with the PT_LOAD segment number index (0 <= index <
 * image->nsegments, in ascending address order) of an image that
 * elf_parse() accepted. Returns 0, or ELF_ERANGE if index is out of range.
 */
int elf_segment_get(const struct elf_image *image, unsigned int index,
                    struct elf_segment *seg);

/* A short text for an ELF_E* error ("unknown error" for others). */
const char *elf_strerror(int error);

#endif /* KERN_ELF_H */
