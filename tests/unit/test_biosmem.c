/* SPDX-License-Identifier: GPL-2.0-or-later */
/*
 * Host unit test of i386/biosmem.c and i386/biosmem_mb.c.
 *
 * Hand-written scenarios check exact results (map, segments, report
 * lines, allocations); every scenario is also run through the reference
 * model of biosmem_ref.h, and so are thousands of random maps with random
 * boot data, allocations and releases. Built twice: with and without
 * CONFIG_PAE.
 */
#include <inttypes.h>
#include <stdbool.h>
#include <stdint.h>
#include <stdio.h>
#include <string.h>

#include <i386/biosmem.h>
#include <i386/multiboot.h>
#include <kern/macros.h>

#include "tap.h"
#include "biosmem_ref.h"

#define KiB                     UINT64_C(0x400)
#define MiB                     UINT64_C(0x100000)
#define GiB                     UINT64_C(0x40000000)

#define AVL                     BIOSMEM_TYPE_AVAILABLE
#define RES                     BIOSMEM_TYPE_RESERVED
#define ACPI                    BIOSMEM_TYPE_ACPI
#define NVS                     BIOSMEM_TYPE_NVS
#define BAD                     BIOSMEM_TYPE_BADRAM

#ifdef CONFIG_PAE
#define PAE                     1
#else
#define PAE                     0
#endif

struct entry {
    uint64_t start;
    uint64_t end;
    uint32_t type;
};

/* Run a model operation; on disagreement, print why and return false. */
static bool
ok(bool result)
{
    if (!result) {
        tap_diag("%s", ref_error);
    }
    return result;
}

/* Add entries (as base, length) to biosmem and the model, then sanitize. */
static bool
load(const struct entry *entries, unsigned int n)
{
    ref_reset();
    for (unsigned int i = 0; i < n; i++) {
        if (!ok(ref_op_add(entries[i].start, entries[i].end - entries[i].start,
                           entries[i].type))) {
            return false;
        }
    }
    return ok(ref_op_sanitize());
}

/* The sanitized map is exactly entries[0..n). */
static bool
map_is(const struct entry *entries, unsigned int n)
{
    bool result = biosmem_map_count() == n;
    phys_addr_t start, end;
    uint32_t type;

    for (unsigned int i = 0; i < biosmem_map_count() && i < n; i++) {
        biosmem_map_get(i, &start, &end, &type);
        if (start != entries[i].start || end != entries[i].end || type != entries[i].type) {
            result = false;
        }
    }
    for (unsigned int i = 0; !result && i < biosmem_map_count(); i++) {
        biosmem_map_get(i, &start, &end, &type);
        tap_diag("  map %u: 0x%" PRIx64 "-0x%" PRIx64 " %s", i, start, end,
                 biosmem_type_name(type));
    }
    return result;
}

static bool
segment_is(unsigned int seg, uint64_t start, uint64_t end, uint64_t pages)
{
    struct biosmem_segment segment;

    if (biosmem_segment_get(seg, &segment) != 0) {
        return false;
    }
    if (segment.start != start || segment.end != end || segment.nr_pages != pages) {
        tap_diag("  segment %s: 0x%" PRIx64 "-0x%" PRIx64 " %" PRIu64 " pages",
                 segment.name, segment.start, segment.end, segment.nr_pages);
        return false;
    }
    return true;
}

/* Report lines, captured. */
static char report_lines[4096][128];
static unsigned int report_nr;

static void
report_capture(const char *line)
{
    if (report_nr < 4096) {
        snprintf(report_lines[report_nr++], sizeof(report_lines[0]), "%s", line);
    }
}

static void
report_run(void)
{
    report_nr = 0;
    biosmem_report(report_capture);
}

static bool
report_has(const char *line)
{
    for (unsigned int i = 0; i < report_nr; i++) {
        if (strcmp(report_lines[i], line) == 0) {
            return true;
        }
    }
    tap_diag("  missing report line: %s", line);
    for (unsigned int i = 0; i < report_nr; i++) {
        tap_diag("  | %s", report_lines[i]);
    }
    return false;
}

static bool
report_has_prefix(const char *prefix)
{
    for (unsigned int i = 0; i < report_nr; i++) {
        if (strncmp(report_lines[i], prefix, strlen(prefix)) == 0) {
            return true;
        }
    }
    return false;
}

/* QEMU's map for -m 128M (SeaBIOS). */
static const struct entry qemu_128m[] = {
    { 0, 0x9fc00, AVL },
    { 0x9fc00, 0xa0000, RES },
    { 0xf0000, 0x100000, RES },
    { 0x100000, 0x7fe0000, AVL },
    { 0x7fe0000, 0x8000000, RES },
    { 0xfffc0000, 0x100000000, RES },
};

static void
test_qemu_map(void)
{
    static const struct entry want[] = {
        { 0, 0x9f000, AVL },
        { 0x9fc00, 0xa0000, RES },
        { 0xf0000, 0x100000, RES },
        { 0x100000, 0x7fe0000, AVL },
        { 0x7fe0000, 0x8000000, RES },
        { 0xfffc0000, 0x100000000, RES },
    };

    tap_check(load(qemu_128m, ARRAY_SIZE(qemu_128m)), "qemu 128M: model agrees");
    tap_check(map_is(want, ARRAY_SIZE(want)), "qemu 128M: sanitized map");
    tap_check(segment_is(BIOSMEM_SEG_DMA, 0x10000, 0x1000000, 143 + 3840),
              "qemu 128M: DMA segment starts at 64 KiB, excludes the BIOS hole");
    tap_check(segment_is(BIOSMEM_SEG_DIRECTMAP, 0x1000000, 0x7fe0000, 0x6fe0),
              "qemu 128M: DIRECTMAP segment");
    tap_check(segment_is(BIOSMEM_SEG_HIGHMEM, 0x38000000 + PAE * (4 * GiB - 0x38000000),
                         0x38000000 + PAE * (4 * GiB - 0x38000000), 0),
              "qemu 128M: HIGHMEM empty");

    report_run();
    tap_check(report_has("biosmem: map 0x0000000000000000-0x000000000009f000 available")
              && report_has("biosmem: map 0x000000000009fc00-0x00000000000a0000 reserved")
              && report_has("biosmem: segment DMA 0x0000000000010000-0x0000000001000000 "
                            "3983 pages")
              && report_has("biosmem: segment DIRECTMAP 0x0000000001000000-"
                            "0x0000000007fe0000 28640 pages")
              && report_nr == ARRAY_SIZE(want) + BIOSMEM_NR_SEGS + 1
              && report_has("biosmem: entries 6 read, 6 merged, 6 kept; holes 388 KiB, "
                            "partial pages 3072 bytes")
              && !report_has_prefix("biosmem: warning"),
              "qemu 128M: report lines");
    for (unsigned int i = 0; i < report_nr; i++) {
        tap_diag("%s", report_lines[i]);
    }

    /* Same map, reversed and with each entry given twice. */
    struct entry shuffled[2 * ARRAY_SIZE(qemu_128m)];

    for (unsigned int i = 0; i < ARRAY_SIZE(qemu_128m); i++) {
        shuffled[i] = qemu_128m[ARRAY_SIZE(qemu_128m) - 1 - i];
        shuffled[ARRAY_SIZE(qemu_128m) + i] = qemu_128m[(i * 5) % ARRAY_SIZE(qemu_128m)];
    }
    tap_check(load(shuffled, ARRAY_SIZE(shuffled)) && map_is(want, ARRAY_SIZE(want)),
              "unsorted and duplicated entries give the same map");
}

static void
test_overlaps(void)
{
    static const struct entry stack[] = {
        { 0, 16 * MiB, AVL },
        { 1 * MiB, 2 * MiB, ACPI },
        { 0x180000, 3 * MiB, NVS },
        { 0x280000, 4 * MiB, RES },
        { 0x380000, 5 * MiB, BAD },
        { 0x480000, 6 * MiB, ACPI },
    };
    static const struct entry stack_want[] = {
        { 0, 1 * MiB, AVL },
        { 1 * MiB, 0x180000, ACPI },
        { 0x180000, 0x280000, NVS },
        { 0x280000, 0x380000, RES },
        { 0x380000, 5 * MiB, BAD },
        { 5 * MiB, 6 * MiB, ACPI },
        { 6 * MiB, 16 * MiB, AVL },
    };
    tap_check(load(stack, ARRAY_SIZE(stack)) && map_is(stack_want, ARRAY_SIZE(stack_want)),
              "overlaps: available < ACPI < NVS < reserved < bad");

    static const struct entry reversed[] = {
        { 2 * MiB, 3 * MiB, AVL },      /* available inside reserved: lost */
        { 1 * MiB, 4 * MiB, RES },
        { 3 * MiB, 8 * MiB, AVL },
        { 5 * MiB, 6 * MiB, BAD },
        { 5 * MiB, 6 * MiB, AVL },
    };
    static const struct entry reversed_want[] = {
        { 1 * MiB, 4 * MiB, RES },
        { 4 * MiB, 5 * MiB, AVL },
        { 5 * MiB, 6 * MiB, BAD },
        { 6 * MiB, 8 * MiB, AVL },
    };
    tap_check(load(reversed, ARRAY_SIZE(reversed))
              && map_is(reversed_want, ARRAY_SIZE(reversed_want)),
              "overlaps: available never wins over reserved or bad");

    static const struct entry unknown[] = {
        { 1 * MiB, 2 * MiB, 0 },
        { 2 * MiB, 3 * MiB, 7 },
        { 3 * MiB, 4 * MiB, 0xffffffff },
        { 0, 8 * MiB, ACPI },
    };
    static const struct entry unknown_want[] = {
        { 0, 1 * MiB, ACPI },
        { 1 * MiB, 4 * MiB, RES },
        { 4 * MiB, 8 * MiB, ACPI },
    };
    tap_check(load(unknown, ARRAY_SIZE(unknown))
              && map_is(unknown_want, ARRAY_SIZE(unknown_want)),
              "unknown types are reserved and merge with each other");
}

static void
test_nested_adjacent_tiny(void)
{
    static const struct entry nested[] = {
        { 1 * MiB, 64 * MiB, AVL },
        { 10 * MiB + 0x123, 10 * MiB + 0x456, RES },
        { 20 * MiB + 0xfff, 20 * MiB + 0x1001, NVS },
    };
    static const struct entry nested_want[] = {
        { 1 * MiB, 10 * MiB, AVL },
        { 10 * MiB + 0x123, 10 * MiB + 0x456, RES },
        { 10 * MiB + 0x1000, 20 * MiB, AVL },
        { 20 * MiB + 0xfff, 20 * MiB + 0x1001, NVS },
        { 20 * MiB + 0x2000, 64 * MiB, AVL },
    };
    tap_check(load(nested, ARRAY_SIZE(nested)) && map_is(nested_want, ARRAY_SIZE(nested_want)),
              "reserved nested in available: the touched pages are not available");

    static const struct entry adjacent[] = {
        { 0x100800, 0x101800, AVL },
        { 0x101800, 0x102800, AVL },
        { 2 * MiB, 3 * MiB, RES },
        { 3 * MiB, 4 * MiB, RES },
        { 4 * MiB, 5 * MiB, AVL },
        { 5 * MiB, 6 * MiB, AVL },
        { 6 * MiB, 7 * MiB, NVS },
    };
    static const struct entry adjacent_want[] = {
        { 0x101000, 0x102000, AVL },
        { 2 * MiB, 4 * MiB, RES },
        { 4 * MiB, 6 * MiB, AVL },
        { 6 * MiB, 7 * MiB, NVS },
    };
    tap_check(load(adjacent, ARRAY_SIZE(adjacent))
              && map_is(adjacent_want, ARRAY_SIZE(adjacent_want)),
              "adjacent entries of one type merge before page trimming");

    static const struct entry tiny[] = {
        { 0x100000, 0x100fff, AVL },
        { 0x200001, 0x201001, AVL },
        { 0x300000, 0x300000, AVL },
        { 0x400000, 0x400001, RES },
    };
    static const struct entry tiny_want[] = {
        { 0x400000, 0x400001, RES },
    };
    tap_check(load(tiny, ARRAY_SIZE(tiny)) && map_is(tiny_want, ARRAY_SIZE(tiny_want)),
              "tiny and zero-length entries: no partial page is available");
}

static void
test_huge_and_high(void)
{
    struct biosmem_stats stats;

    /* One entry covering everything up to 2^64. */
    ref_reset();
    bool agree = ok(ref_op_add(1 * MiB, UINT64_MAX, AVL)) && ok(ref_op_sanitize());
    static const struct entry huge_want[] = {
        { 1 * MiB, BIOSMEM_PHYS_LIMIT, AVL },
    };
    biosmem_stats_get(&stats);
    tap_check(agree && map_is(huge_want, 1)
              && stats.ignored_bytes == (UINT64_MAX & ~UINT64_C(0xfff)) - BIOSMEM_PHYS_LIMIT,
              "huge entry wrapping past 2^64 is cut at the physical limit");

    /* 3 GiB below 4 GiB, 4 GiB above it. */
    static const struct entry high[] = {
        { 0, 0x9fc00, AVL },
        { 1 * MiB, 3 * GiB, AVL },
        { 3 * GiB, 4 * GiB, RES },
        { 4 * GiB, 8 * GiB, AVL },
        { 8 * GiB, 8 * GiB + 0x800, RES },
    };
    tap_check(load(high, ARRAY_SIZE(high)), "above 4 GiB: model agrees");
    biosmem_stats_get(&stats);
    report_run();
#ifdef CONFIG_PAE
    tap_check(biosmem_map_count() == 5 && stats.ignored_bytes == 0
              && segment_is(BIOSMEM_SEG_DMA32, 0x38000000, 3 * GiB,
                            (3 * GiB - 0x38000000) >> 12)
              && segment_is(BIOSMEM_SEG_HIGHMEM, 4 * GiB, 8 * GiB, (4 * GiB) >> 12)
              && !report_has_prefix("biosmem: warning"),
              "above 4 GiB with PAE: kept in DMA32 and HIGHMEM");
#else
    tap_check(biosmem_map_count() == 3 && stats.ignored_bytes == 4 * GiB
              && segment_is(BIOSMEM_SEG_HIGHMEM, 0x38000000, 3 * GiB,
                            (3 * GiB - 0x38000000) >> 12)
              && report_has("biosmem: warning: ignoring 4194304 KiB (4096 MiB) of memory "
                            "above 4 GiB (kernel built without PAE)"),
              "above 4 GiB without PAE: left out, with a warning");
#endif

    /* Entries entirely above the limit, and one straddling it. */
    static const struct entry straddle[] = {
        { 4 * GiB - 0x800, 4 * GiB + 0x10000, AVL },
        { 4 * GiB + 0x20000, 4 * GiB + 0x30000, NVS },
    };
    tap_check(load(straddle, ARRAY_SIZE(straddle)), "entry straddling 4 GiB: model agrees");
    biosmem_stats_get(&stats);
    tap_check(PAE ? biosmem_map_count() == 2 && stats.ignored_bytes == 0
                  : biosmem_map_count() == 0 && stats.ignored_bytes == 0x10000,
              "entry straddling 4 GiB: only whole pages above it counted");
}

static void
test_legacy_and_empty(void)
{
    static const struct entry legacy_want[] = {
        { 0, 0x9f000, AVL },
        { 1 * MiB, 128 * MiB, AVL },
    };

    ref_reset();
    tap_check(biosmem_map_add_legacy(639, 127 * 1024) == 0, "legacy: entries added");
    biosmem_map_sanitize();
    tap_check(map_is(legacy_want, ARRAY_SIZE(legacy_want))
              && segment_is(BIOSMEM_SEG_DIRECTMAP, 16 * MiB, 128 * MiB, 112 * 256),
              "legacy mem_lower/mem_upper: map and DIRECTMAP");

    ref_reset();
    biosmem_map_add_legacy(5000, 0);
    biosmem_map_sanitize();
    static const struct entry clamp_want[] = { { 0, 640 * KiB, AVL } };
    tap_check(map_is(clamp_want, 1), "legacy: mem_lower clamped to 640 KiB, empty upper");

    static const struct entry none[] = {
        { 0, 640 * KiB, RES },
        { 1 * MiB, 64 * MiB, BAD },
        { 64 * MiB, 128 * MiB, NVS },
    };
    tap_check(load(none, ARRAY_SIZE(none)), "no usable memory: model agrees");
    report_run();
    tap_check(biosmem_bootalloc(1) == 0
              && segment_is(BIOSMEM_SEG_DMA, 0x10000, 0x10000, 0)
              && segment_is(BIOSMEM_SEG_DIRECTMAP, 16 * MiB, 16 * MiB, 0)
              && report_has("biosmem: segment DMA 0x0000000000010000-0x0000000000010000 "
                            "0 pages")
              && report_has("biosmem: warning: the memory map has no usable memory"),
              "no usable memory: empty segments, allocation fails, warning");

    tap_check(load(NULL, 0) && biosmem_map_count() == 0 && biosmem_bootalloc(1) == 0,
              "empty map: allocation fails");
}

static void
test_first_64k(void)
{
    static const struct entry low[] = {
        { 0, 0x9fc00, AVL },
        { 1 * MiB, 2 * MiB, AVL },
    };
    struct ref_ranges free_ranges = { .nr = 0 };

    tap_check(load(low, ARRAY_SIZE(low)), "first 64 KiB: model agrees");
    biosmem_free_ranges(BIOSMEM_SEG_DMA, ref_ranges_collect, &free_ranges);
    tap_check(free_ranges.nr == 2 && free_ranges.r[0].start == 0x10000,
              "first 64 KiB: never a free range");

    /* Small machine: DIRECTMAP empty, allocations come from DMA. */
    phys_addr_t a = 0, b = 0;
    bool agree = ok(ref_op_alloc(0x8f, &a)) && ok(ref_op_alloc(1, &b));
    tap_check(agree && a == 0x10000 && b == 1 * MiB,
              "DIRECTMAP empty: allocation falls back to DMA, above 64 KiB");
}

/* Allocations below a limit come from DMA, lowest first, or fail. */
static void
test_bootalloc_low(void)
{
    phys_addr_t a, b, c, d;

    tap_check(load(qemu_128m, ARRAY_SIZE(qemu_128m)), "bootalloc_low: map loaded");
    a = biosmem_bootalloc_low(1, 1 * MiB);
    b = biosmem_bootalloc_low(1, 1 * MiB);
    tap_check(a == 0x10000 && b == 0x11000,
              "bootalloc_low: lowest DMA pages above 64 KiB (0x%" PRIx64 ", 0x%" PRIx64 ")",
              a, b);
    ref_alloc_record(a, a + 4096);
    ref_alloc_record(b, b + 4096);
    /* 0x12000-0x9f000 is 141 pages: 142 do not fit below 640 KiB. */
    c = biosmem_bootalloc_low(142, 1 * MiB);
    tap_check(c == 0, "bootalloc_low: a run that does not fit below the limit fails");
    c = biosmem_bootalloc_low(141, 1 * MiB);
    tap_check(c == 0x12000, "bootalloc_low: the exact fit below the limit works");
    ref_alloc_record(c, c + 141 * 4096);
    d = biosmem_bootalloc(1);
    tap_check(d == 16 * MiB && biosmem_bootalloc_low(1, 1 * MiB) == 0,
              "bootalloc_low: plain allocations still use DIRECTMAP; low memory is full");
    ref_alloc_record(d, d + 4096);
    tap_check(ok(ref_check_all()), "bootalloc_low: model agrees");
}

/* A CPU with fewer address bits lowers the limit; the report says so. */
/* (2 GiB stands for any limit below the paging mode's.) */
static void
test_phys_limit(void)
{
    static const struct entry big[] = {
        { 0, 0x9fc00, AVL },
        { 1 * MiB, 0xc0000000, AVL },
        { 0x100000000, 0x180000000, AVL },
    };
    struct biosmem_stats stats;
    phys_addr_t s, e;
    uint32_t t;

    biosmem_reset();
    tap_check(biosmem_phys_limit_set(0) == ERROR_INVAL && biosmem_phys_limit_set(0x1001) == ERROR_INVAL,
              "phys limit: 0 and unaligned limits refused");
    tap_check(biosmem_phys_limit_set(UINT64_C(1) << 31) == 0, "phys limit: 2 GiB accepted");
    for (unsigned int i = 0; i < ARRAY_SIZE(big); i++) {
        biosmem_map_add(big[i].start, big[i].end - big[i].start, big[i].type);
    }
    biosmem_map_sanitize();
    biosmem_stats_get(&stats);
    biosmem_map_get(biosmem_map_count() - 1, &s, &e, &t);
    tap_check(stats.ignored_bytes == 0xc0000000 && e == 0x80000000,
              "phys limit: 3 GiB above 2 GiB ignored, map ends at 2 GiB");
    report_run();
    tap_check(report_has("biosmem: warning: ignoring 3145728 KiB (3072 MiB) of memory "
                         "above 2048 MiB, the CPU's physical address limit"),
              "phys limit: the warning names the CPU's limit");
    tap_check(biosmem_phys_limit_set(UINT64_C(1) << 36) == ERROR_INVAL,
              "phys limit: refused once the map is sanitized");
    biosmem_reset();
}

static void
test_holes(void)
{
    struct entry every_other[128];
    phys_addr_t addr = 0;
    bool agree = true;

    /* 256 MiB where every other MiB is missing: 128 entries, a full table. */
    for (unsigned int i = 0; i < 128; i++) {
        every_other[i] = (struct entry){ 2 * i * MiB, (2 * i + 1) * MiB, AVL };
    }
    tap_check(load(every_other, 128) && biosmem_map_count() == 128,
              "every other MiB missing: 128 entries kept");
    tap_check(segment_is(BIOSMEM_SEG_DIRECTMAP, 16 * MiB, 255 * MiB, 120 * 256),
              "every other MiB missing: DIRECTMAP spans the holes, counts no hole page");

    agree = ok(ref_op_alloc(256, &addr));
    tap_check(agree && addr == 16 * MiB, "every other MiB missing: 1 MiB fits exactly");
    agree = ok(ref_op_alloc(257, &addr));
    tap_check(agree && addr == 0, "every other MiB missing: 1 MiB + 1 page does not fit");

    /* Fill all of DIRECTMAP and DMA one page at a time. */
    unsigned int nr = 0;

    for (;;) {
        phys_addr_t got = biosmem_bootalloc(1);

        if (got == 0) {
            break;
        }
        ref_alloc_record(got, got + 4096);
        nr++;
    }
    tap_check(nr == 119 * 256 + (8 * 256 - 16) && ok(ref_check_all()),
              "every other MiB missing: all %u free pages allocated, no more", nr);

    /* The first MiB above 1 MiB missing, kernel loaded at 2 MiB. */
    static const struct entry no_second[] = {
        { 0, 0x9fc00, AVL },
        { 2 * MiB, 64 * MiB, AVL },
    };
    tap_check(load(no_second, ARRAY_SIZE(no_second))
              && ok(ref_op_reserve(2 * MiB, 2 * MiB + 0x5a123))
              && ok(ref_op_alloc(4, &addr)) && addr == 16 * MiB,
              "first MiB above 1 MiB missing: kernel protected, allocation works");
}

static void
test_boot_data(void)
{
    /* GRUB cutmem 1M 2M: the kernel sits in the hole. */
    static const struct entry cut[] = {
        { 0, 0x9fc00, AVL },
        { 1 * MiB, 2 * MiB, RES },
        { 2 * MiB, 1 * GiB, AVL },
    };
    phys_addr_t addr;
    bool agree;

    agree = load(cut, ARRAY_SIZE(cut))
            && ok(ref_op_reserve(1 * MiB, 1 * MiB + 0x80000))            /* kernel, in the hole */
            && ok(ref_op_reserve(0x9500, 0x9558))                       /* multiboot info */
            && ok(ref_op_reserve(16 * MiB + 0x10, 16 * MiB + 0x20))     /* command line */
            && ok(ref_op_reserve(16 * MiB + 0x800, 16 * MiB + 0x1810))  /* module string */
            && ok(ref_op_reserve(900 * MiB + 0x123, 910 * MiB));        /* module, HIGHMEM */
    tap_check(agree, "boot data anywhere: model agrees");
    agree = ok(ref_op_alloc(1, &addr));
    tap_check(agree && addr == 16 * MiB + 0x2000,
              "boot data: allocation skips the pages boot data touches");

    struct ref_ranges freed = { .nr = 0 };

    agree = ok(ref_op_release(16 * MiB + 0x800, 16 * MiB + 0x1810, true));
    biosmem_release(16 * MiB + 0x800, 16 * MiB + 0x1810, ref_ranges_collect, &freed);
    tap_check(agree && freed.nr == 0, "release: shared page stays protected, twice is a no-op");

    agree = ok(ref_op_release(16 * MiB, 16 * MiB + 0x1000, true));
    tap_check(agree, "release: command line page freed");

    freed.nr = 0;
    biosmem_release(900 * MiB, 905 * MiB, ref_ranges_collect, &freed);
    tap_check(freed.nr == 1 && freed.r[0].start == 900 * MiB
              && freed.r[0].end == 905 * MiB && freed.r[0].seg == BIOSMEM_SEG_HIGHMEM - PAE,
              "release: module head freed in its segment");
    ref_boot_cut(900 * MiB, 905 * MiB);
    tap_check(ok(ref_check_all()), "release: model agrees after a cut");

    agree = ok(ref_op_release(906 * MiB, 907 * MiB, true));
    tap_check(agree, "release: hole cut into a module");

    tap_check(ok(ref_op_handoff()), "handoff: ranges are the free ranges");
    tap_check(ok(ref_op_handoff()), "handoff: a second call hands nothing");
    tap_check(biosmem_bootalloc(1) == 0 && biosmem_boot_data_reserve(0, 1, "x") == ERROR_INVAL,
              "handoff: no more boot allocations or boot data");
    agree = ok(ref_op_release(0, 4 * GiB, true));
    tap_check(agree, "release after handoff: everything left reaches the callback");
    tap_check(biosmem_release(2, 1, NULL, NULL) == ERROR_INVAL, "release: inverted range refused");
}

static void
test_overflow(void)
{
    bool agree = true;

    ref_reset();
    for (unsigned int i = 0; i < 200; i++) {
        agree = agree && ok(ref_op_add((uint64_t)i * 2 * MiB, MiB, i % 3 ? AVL : RES));
    }
    agree = agree && ok(ref_op_sanitize());

    struct biosmem_stats stats;

    biosmem_stats_get(&stats);
    report_run();
    tap_check(agree && stats.map_dropped == 72
              && report_has_prefix("biosmem: warning: 72 memory map entries dropped "
                                   "(table of 128 full)"),
              "map table full: 72 entries dropped and reported");
    tap_check(biosmem_map_add(0, MiB, AVL) == ERROR_INVAL, "map_add after sanitize refused");

    for (unsigned int i = 0; i < 70; i++) {
        agree = agree && ok(ref_op_reserve(17 * MiB + i * 0x2000, 17 * MiB + i * 0x2000 + 1));
    }
    biosmem_stats_get(&stats);
    report_run();
    tap_check(agree && stats.boot_data_dropped == 6
              && report_has("biosmem: warning: 6 boot data ranges not protected "
                            "(table of 64 full)"),
              "boot data table full: 6 ranges dropped and reported");

    /* Cutting a hole into a range needs a slot: refused while full. */
    agree = ok(ref_op_release(17 * MiB, 17 * MiB + 1, false))
            && ok(ref_op_reserve(40 * MiB, 41 * MiB))
            && biosmem_release(40 * MiB + 5, 40 * MiB + 6, NULL, NULL) == ERROR_NOSPC
            && ok(ref_op_release(40 * MiB + 5, 40 * MiB + 6, true))
            && ok(ref_op_release(17 * MiB + 0x2000, 17 * MiB + 0x2001, true))
            && biosmem_release(40 * MiB + 5, 40 * MiB + 6, NULL, NULL) == 0;
    tap_check(agree, "release needing a slot: refused only when the table is full");

    /*
     * Allocation table: 2-page islands separated by 1-page islands. 2-page
     * allocations leave the 1-page islands free between them, so each
     * needs a run of its own until the table is full; a 1-page allocation
     * that only holes separate from a run still succeeds.
     */
    struct entry islands[80];
    phys_addr_t addr;

    for (unsigned int i = 0; i < 80; i++) {
        uint64_t start = 16 * MiB + i * 0x4000;

        islands[i] = (struct entry){ start, start + (i % 2 == 0 ? 0x2000 : 0x1000), AVL };
    }
    agree = load(islands, 80);
    for (unsigned int i = 0; i < 34 && agree; i++) {
        agree = ok(ref_op_alloc(2, NULL));
    }
    tap_check(agree && ref.nr_allocs == BIOSMEM_ALLOC_MAX && biosmem_bootalloc(2) == 0,
              "allocation table full: allocation fails instead of overflowing");
    agree = ok(ref_op_alloc(1, &addr));
    tap_check(agree && addr == 16 * MiB + 0x4000,
              "allocation table full: an allocation extending a run still succeeds");
}

/* Fake physical memory for the multiboot glue, at FAKE_BASE. */
#define FAKE_BASE               0x90000
#define FAKE_SIZE               0x4000

static uint8_t fake_mem[FAKE_SIZE] __attribute__((aligned(16)));

/* A second, larger fake region for test_multiboot_large(): [16 MiB, 24 MiB). */
#define BIG_BASE                (16 * MiB)
#define BIG_SIZE                (8 * MiB)

static uint8_t *big_mem;

static void *
fake_ptov(phys_addr_t addr, size_t size)
{
    if (big_mem != NULL && addr >= BIG_BASE && addr - BIG_BASE <= BIG_SIZE
        && size <= BIG_SIZE - (addr - BIG_BASE)) {
        return &big_mem[addr - BIG_BASE];
    }
    if (addr < FAKE_BASE || addr - FAKE_BASE > FAKE_SIZE || size > FAKE_SIZE - (addr - FAKE_BASE)) {
        return NULL;
    }
    return &fake_mem[addr - FAKE_BASE];
}

static void
fake_put(phys_addr_t addr, const void *data, size_t size)
{
    memcpy(&fake_mem[addr - FAKE_BASE], data, size);
}

static void
fake_put_entry(phys_addr_t addr, uint32_t size, uint64_t base, uint64_t len, uint32_t type)
{
    struct multiboot_mmap_entry e = { size, base, len, type };

    fake_put(addr, &e, sizeof(e));
}

/* Boot data lines of the report, for checking what the glue protected. */
static bool
boot_data_is(const char *const *lines, unsigned int n)
{
    unsigned int found = 0;

    report_run();
    for (unsigned int i = 0; i < report_nr; i++) {
        if (strncmp(report_lines[i], "biosmem: boot data", 18) == 0) {
            found++;
        }
    }
    for (unsigned int i = 0; i < n; i++) {
        if (!report_has(lines[i])) {
            return false;
        }
    }
    return found == n;
}

static void
test_multiboot(void)
{
    struct multiboot_info mbi = { 0 };
    struct multiboot_module mods[2] = {
        { 0x200000, 0x280000, 0x91100, 0 },
        { 0x300000, 0x300000, 0x91110, 0 },
    };

    memset(fake_mem, 0, sizeof(fake_mem));
    mbi.flags = MULTIBOOT_INFO_MEMORY | MULTIBOOT_INFO_MEM_MAP | MULTIBOOT_INFO_CMDLINE
                | MULTIBOOT_INFO_MODS | MULTIBOOT_INFO_BOOT_LOADER_NAME;
    mbi.mem_lower = 639;
    mbi.mem_upper = 1024;
    mbi.mmap_addr = 0x91000;
    mbi.mmap_length = 24 + 28 + 24;
    mbi.cmdline = 0x91200;
    mbi.boot_loader_name = 0x92ffe;
    mbi.mods_count = 2;
    mbi.mods_addr = 0x91080;
    fake_put(0x90000, &mbi, sizeof(mbi));
    fake_put_entry(0x91000, 20, 0, 0x9fc00, AVL);
    fake_put_entry(0x91018, 24, 1 * MiB, 63 * MiB, AVL);  /* entry with 4 spare bytes */
    fake_put_entry(0x91034, 20, 0xfffc0000, 0x40000, RES);
    fake_put(0x91080, mods, sizeof(mods));
    fake_put(0x91100, "ext2fs", 7);
    fake_put(0x91110, "exec", 5);
    fake_put(0x91200, "test=all console=com0", 22);
    fake_put(0x92ffe, "G", 2);

    ref_reset();
    tap_check(biosmem_setup_multiboot(0x90000, 0x100000, 0x15a000, fake_ptov) == 0,
              "multiboot: setup succeeds");
    static const struct entry want[] = {
        { 0, 0x9f000, AVL },
        { 0x100000, 0x4000000, AVL },
        { 0xfffc0000, 0x100000000, RES },
    };
    tap_check(map_is(want, ARRAY_SIZE(want)), "multiboot: map read, mem_* ignored");
    static const char *const protected[] = {
        "biosmem: boot data 0x0000000000100000-0x000000000015a000 kernel",
        "biosmem: boot data 0x0000000000090000-0x0000000000090044 multiboot info",
        "biosmem: boot data 0x0000000000091000-0x000000000009104c memory map",
        "biosmem: boot data 0x0000000000091200-0x0000000000091216 command line",
        "biosmem: boot data 0x0000000000092ffe-0x0000000000093000 boot loader name",
        "biosmem: boot data 0x0000000000091080-0x00000000000910a0 module table",
        "biosmem: boot data 0x0000000000200000-0x0000000000280000 module 0",
        "biosmem: boot data 0x0000000000091100-0x0000000000091107 module string 0",
        "biosmem: boot data 0x0000000000091110-0x0000000000091115 module string 1",
    };
    tap_check(boot_data_is(protected, ARRAY_SIZE(protected)),
              "multiboot: kernel, info, map, strings, modules protected");

    /* No map: fall back to mem_lower/mem_upper. */
    mbi.flags &= ~MULTIBOOT_INFO_MEM_MAP;
    fake_put(0x90000, &mbi, sizeof(mbi));
    ref_reset();
    static const struct entry legacy_want[] = {
        { 0, 0x9f000, AVL },
        { 0x100000, 0x200000, AVL },
    };
    tap_check(biosmem_setup_multiboot(0x90000, 0x100000, 0x15a000, fake_ptov) == 0
              && map_is(legacy_want, ARRAY_SIZE(legacy_want)),
              "multiboot: no map, mem_lower/mem_upper used");

    /* A malformed map entry: entries before it kept, error returned. */
    mbi.flags |= MULTIBOOT_INFO_MEM_MAP;
    fake_put(0x90000, &mbi, sizeof(mbi));
    fake_put_entry(0x91018, 8, 1 * MiB, 63 * MiB, AVL);
    ref_reset();
    static const struct entry partial_want[] = { { 0, 0x9f000, AVL } };
    tap_check(biosmem_setup_multiboot(0x90000, 0x100000, 0x15a000, fake_ptov) == ERROR_INVAL
              && map_is(partial_want, 1),
              "multiboot: malformed entry size stops the walk, with an error");

    /* An entry claiming more bytes than the map has left. */
    fake_put_entry(0x91018, 24, 1 * MiB, 63 * MiB, AVL);
    fake_put_entry(0x91034, 40, 0xfffc0000, 0x40000, RES);
    ref_reset();
    static const struct entry short_want[] = {
        { 0, 0x9f000, AVL },
        { 0x100000, 0x4000000, AVL },
    };
    tap_check(biosmem_setup_multiboot(0x90000, 0x100000, 0x15a000, fake_ptov) == ERROR_INVAL
              && map_is(short_want, ARRAY_SIZE(short_want)),
              "multiboot: entry overrunning the map length refused, with an error");
    fake_put_entry(0x91034, 20, 0xfffc0000, 0x40000, RES);

    /* Unreachable strings and module table: first pages still protected. */
    mbi.cmdline = 0x50000000;
    mbi.mods_addr = 0x93ff0;
    fake_put(0x90000, &mbi, sizeof(mbi));
    ref_reset();
    tap_check(biosmem_setup_multiboot(0x90000, 0x100000, 0x15a000, fake_ptov) == ERROR_INVAL,
              "multiboot: unreachable data reported as an error");
    report_run();
    tap_check(report_has("biosmem: boot data 0x0000000050000000-0x0000000050000001 "
                         "command line")
              && report_has("biosmem: boot data 0x0000000000093ff0-0x0000000000094010 "
                            "module table"),
              "multiboot: unreachable string and table still protected");

    ref_reset();
    tap_check(biosmem_setup_multiboot(0x80000, 0, 0, fake_ptov) == ERROR_INVAL
              && biosmem_map_count() == 0,
              "multiboot: unreachable info structure refused");
}

/* Deterministic pseudo-random numbers (xorshift64*). */
static uint64_t rng_state;

static uint64_t
rng(void)
{
    rng_state ^= rng_state >> 12;
    rng_state ^= rng_state << 25;
    rng_state ^= rng_state >> 27;
    return rng_state * UINT64_C(0x2545f4914f6cdd1d);
}

static uint64_t
rng_below(uint64_t n)
{
    return n == 0 ? 0 : rng() % n;
}

/* An address of one of many scales: bytes, pages, MiB, segment bounds, huge. */
static uint64_t
rng_addr(void)
{
    static const uint64_t bounds[] = {
        0x10000, 0x100000, 0x1000000, 0x38000000, UINT64_C(1) << 32, UINT64_C(1) << 52,
    };

    switch (rng_below(8)) {
    case 0:
        return rng_below(2 * MiB);
    case 1:
    case 2:
        return rng_below(8192) * 0x1000 + (rng_below(4) == 0 ? rng_below(0x1000) : 0);
    case 3:
    case 4:
        return rng_below(6 * 1024) * MiB;
    case 5:
        return bounds[rng_below(ARRAY_SIZE(bounds))] + rng_below(0x20000) - 0x10000;
    case 6:
        return UINT64_MAX - rng_below(0x10000);
    default:
        return rng();
    }
}

static uint64_t
rng_len(void)
{
    switch (rng_below(8)) {
    case 0:
        return 0;
    case 1:
        return rng_below(0x3000);
    case 2:
    case 3:
        return rng_below(64) * 0x1000;
    case 4:
    case 5:
        return rng_below(1024) * MiB;
    case 6:
        return UINT64_MAX - rng_below(0x1000);
    default:
        return rng_below(8 * GiB);
    }
}

static uint32_t
rng_type(void)
{
    static const uint32_t types[] = { AVL, AVL, AVL, AVL, RES, RES, ACPI, NVS, BAD, 0, 6, 77 };

    return types[rng_below(ARRAY_SIZE(types))];
}

/* One random scenario; returns false (with ref_error set) on disagreement. */
static bool
random_scenario(void)
{
    unsigned int nr = rng_below(8) == 0 ? rng_below(160) : rng_below(24);

    ref_reset();
    for (unsigned int i = 0; i < nr; i++) {
        uint64_t base = rng_addr();

        if (!ref_op_add(base, rng_below(3) == 0 ? rng_len() : rng_addr() - base, rng_type())) {
            return false;
        }
    }
    if (!ref_op_sanitize()) {
        return false;
    }
    for (unsigned int i = rng_below(6); i > 0; i--) {
        uint64_t start = rng_addr();

        if (!ref_op_reserve(start, start + rng_len())) {
            return false;
        }
    }
    for (unsigned int i = rng_below(12); i > 0; i--) {
        bool result;

        switch (rng_below(5)) {
        case 0:
            result = ref_op_alloc(rng_below(2) ? 1 + rng_below(8) : 1 + rng_below(5000), NULL);
            break;
        case 1:
            result = ref.nr_boot > 0
                ? ref_op_release(ref.boot[0].start + rng_below(0x3000),
                                 ref.boot[0].end - rng_below(0x3000), rng_below(2))
                : true;
            break;
        case 2: {
            uint64_t start = rng_addr();

            result = ref_op_release(start, start + rng_len(), true);
            break;
        }
        case 3:
            result = ref_op_handoff();
            break;
        default: {
            uint64_t start = rng_addr();

            result = ref_op_reserve(start, start + rng_len());
            break;
        }
        }
        if (!result) {
            return false;
        }
    }
    return true;
}

static void
report_check_shape(const char *line)
{
    size_t len = strlen(line);

    if (strncmp(line, "biosmem: ", 9) != 0 || len + 1 >= 128) {
        tap_diag("bad report line: %s", line);
        report_nr = 1000;
    }
}

static void
test_random(void)
{
    enum { BATCHES = 20, PER_BATCH = 250 };

    for (unsigned int batch = 0; batch < BATCHES; batch++) {
        unsigned int failed = 0;

        for (unsigned int i = 0; i < PER_BATCH; i++) {
            uint64_t seed = (uint64_t)batch * PER_BATCH + i + 1;

            rng_state = seed * UINT64_C(0x9e3779b97f4a7c15);
            if (!random_scenario()) {
                if (failed++ == 0) {
                    tap_diag("seed %" PRIu64 ": %s", seed, ref_error);
                }
            }
            report_nr = 0;
            biosmem_report(report_check_shape);
            if (report_nr != 0) {
                failed++;
            }
        }
        tap_check(failed == 0, "random maps, batch %u: %u scenarios agree with the model",
                  batch, PER_BATCH - failed);
    }
}

/* Overlap of any free range with [start, end), for the callback below. */
struct busy_check {
    phys_addr_t start;
    phys_addr_t end;
    bool overlap;
};

static void
busy_check_range(unsigned int seg, phys_addr_t start, phys_addr_t end, void *arg)
{
    struct busy_check *check = arg;

    (void)seg;
    check->overlap |= start < check->end && check->start < end;
}

static bool
range_is_busy(phys_addr_t start, phys_addr_t end)
{
    struct busy_check check = { start, end, false };

    for (unsigned int seg = 0; seg < BIOSMEM_NR_SEGS; seg++) {
        biosmem_free_ranges(seg, busy_check_range, &check);
    }
    return !check.overlap;
}

/*
 * The glue with a map of 3,000 entries and 64 modules, plus one
 * malformed module: the tables go to free memory the glue finds, every
 * entry is kept, every module is protected and listed, and only the
 * malformed one is skipped, with a warning naming it.
 */
static void
test_multiboot_large(void)
{
    enum { NR_ENTRIES = 3000, NR_MODS = 64 };
    struct multiboot_info mbi = { 0 };
    struct biosmem_stats stats;
    phys_addr_t table = BIG_BASE + 0x20000, mods_pa = BIG_BASE + 0x40000;
    phys_addr_t tables_start = 0, tables_end = 0;
    unsigned int listed = 0;
    bool busy = true;
    char want[128];
    int ret;

    big_mem = calloc(1, BIG_SIZE);
    mbi.flags = MULTIBOOT_INFO_MEM_MAP | MULTIBOOT_INFO_MODS | MULTIBOOT_INFO_CMDLINE;
    mbi.mmap_addr = BIG_BASE + 0x1000;
    mbi.mmap_length = NR_ENTRIES * 24;
    mbi.mods_addr = table;
    mbi.mods_count = NR_MODS + 1;
    mbi.cmdline = BIG_BASE + 0x22000;
    memcpy(big_mem, &mbi, sizeof(mbi));
    for (unsigned int i = 0; i < NR_ENTRIES; i++) {
        struct multiboot_mmap_entry e = { 20, 0, 0, AVL };

        if (i == 0) {
            e.length = 0x9fc00;
        } else if (i == 1) {
            e.base_addr = MiB;
            e.length = 23 * MiB;
        } else {
            e.base_addr = 24 * MiB + (uint64_t)(i - 2) * 64 * KiB;
            e.length = 60 * KiB;
        }
        memcpy(&big_mem[0x1000 + i * 24], &e, sizeof(e));
    }
    for (unsigned int i = 0; i <= NR_MODS; i++) {
        struct multiboot_module mod = {
            (uint32_t)(mods_pa + i * 0x3000), (uint32_t)(mods_pa + i * 0x3000 + 0x2000),
            (uint32_t)(BIG_BASE + 0x21000 + i * 16), 0,
        };

        if (i == NR_MODS) {
            mod.mod_end = mod.mod_start - 1;    /* malformed */
        }
        memcpy(&big_mem[table - BIG_BASE + i * sizeof(mod)], &mod, sizeof(mod));
        snprintf((char *)&big_mem[0x21000 + i * 16], 16, "mod%u", i);
    }
    strcpy((char *)&big_mem[0x22000], "test=all");

    ref_reset();
    ret = biosmem_setup_multiboot(BIG_BASE, MiB, 2 * MiB, fake_ptov);
    biosmem_stats_get(&stats);
    report_run();
    for (unsigned int i = 0; i < report_nr; i++) {
        unsigned long long s, e;

        if (strstr(report_lines[i], " biosmem tables") != NULL
            && sscanf(report_lines[i], "biosmem: boot data 0x%llx-0x%llx", &s, &e) == 2) {
            tables_start = s;
            tables_end = e;
        }
    }
    for (unsigned int i = 0; i < NR_MODS; i++) {
        phys_addr_t start = mods_pa + i * 0x3000;

        snprintf(want, sizeof(want), "biosmem: boot data 0x%016llx-0x%016llx module %u",
                 (unsigned long long)start, (unsigned long long)start + 0x2000, i);
        listed += report_has(want);
        busy = busy && range_is_busy(start, start + 0x2000);
    }
    busy = busy && range_is_busy(BIG_BASE, BIG_BASE + sizeof(mbi))
           && range_is_busy(mbi.mmap_addr, mbi.mmap_addr + mbi.mmap_length)
           && range_is_busy(table, table + (NR_MODS + 1) * sizeof(struct multiboot_module))
           && range_is_busy(BIG_BASE + 0x21000, BIG_BASE + 0x21000 + (NR_MODS + 1) * 16)
           && range_is_busy(mbi.cmdline, mbi.cmdline + 9);
    /* ERROR_INVAL: the malformed module. */
    tap_check(ret == ERROR_INVAL && stats.map_read == NR_ENTRIES && stats.map_dropped == 0
              && biosmem_map_count() == NR_ENTRIES - 1 /* [1 MiB, 24 MiB) meets the next */,
              "multiboot, %u entries: all kept, in tables the glue placed", NR_ENTRIES);
    tap_check(tables_start >= BIG_BASE + 0x23000 && tables_end <= BIG_BASE + BIG_SIZE
              && tables_start < tables_end && range_is_busy(tables_start, tables_end),
              "multiboot: tables at 0x%llx-0x%llx, in free memory, protected",
              (unsigned long long)tables_start, (unsigned long long)tables_end);
    snprintf(want, sizeof(want), "biosmem: warning: module %u of %u: end 0x%x below start "
             "0x%x: skipped", NR_MODS, NR_MODS + 1, (unsigned int)(mods_pa + NR_MODS * 0x3000 - 1),
             (unsigned int)(mods_pa + NR_MODS * 0x3000));
    tap_check(listed == NR_MODS && busy && stats.boot_data_dropped == 0 && report_has(want),
              "multiboot: %u of %u modules listed and protected, the malformed one named",
              listed, NR_MODS);
    tap_check(biosmem_bootalloc(200) != 0, "multiboot: boot allocations work around the tables");
    ref_reset();
    free(big_mem);
    big_mem = NULL;
}

/*
 * One large-map scenario against the model: nr holes of hole bytes every
 * step bytes from 1 MiB on, given as separate available entries (GRUB's
 * cutmem) or as one available entry with bad entries over it (badram).
 * Checked after sanitizing, boot data, a boot allocation and the
 * hand-off. The model is brute force (each check is O(n^2)), so these
 * maps stay at 1,000 to 2,000 entries; larger ones go to large_pages().
 */
static bool
large_scenario(unsigned int nr, uint64_t step, uint64_t hole, bool overlay)
{
    bool agree = ref_op_storage(nr + 2, BIOSMEM_BOOT_DATA_MAX);
    phys_addr_t pa;

    agree = agree && ok(ref_op_add(0, 0x9fc00, AVL));
    if (overlay) {
        agree = agree && ok(ref_op_add(MiB, nr * step, AVL));
        for (unsigned int i = 0; agree && i + 1 < nr; i++) {
            agree = ok(ref_op_add(MiB + i * step + step - hole, hole, BIOSMEM_TYPE_BADRAM));
        }
    } else {
        for (unsigned int i = 0; agree && i < nr; i++) {
            agree = ok(ref_op_add(MiB + i * step, step - hole, AVL));
        }
    }
    agree = agree && ok(ref_op_sanitize());
    biosmem_boot_data_reserve(MiB, MiB + 300 * KiB, "test");
    ref.boot[ref.nr_boot++] = (struct ref_range){ .start = MiB, .end = MiB + 300 * KiB };
    agree = agree && ok(ref_op_alloc(3, &pa)) && ok(ref_op_handoff());
    return agree;
}

/* Page states for large_pages(): covered by available memory, touched by another type. */
#define LARGE_AVAIL     1
#define LARGE_OTHER     2
#define LARGE_FREE      4

static uint8_t *large_state;

static void
large_mark_free(unsigned int seg, phys_addr_t start, phys_addr_t end, void *arg)
{
    (void)seg;
    (void)arg;
    for (phys_addr_t pa = start; pa < end; pa += PAGE_SIZE) {
        large_state[pa / PAGE_SIZE] |= LARGE_FREE;
    }
}

/*
 * A page-aligned map of nr entries below top, unsorted: holes every
 * step bytes (step != 0) or random entries of every type. The usable
 * pages are counted on a page array, independently of biosmem and of
 * the model, and must be exactly the free ranges of the segments.
 */
static bool
large_pages(unsigned int nr, uint64_t step, uint64_t hole, uint64_t top)
{
    size_t nr_pages = top / PAGE_SIZE, bad = 0, usable = 0;
    size_t size = biosmem_storage_size(nr, BIOSMEM_BOOT_DATA_MAX);
    void *mem = malloc(size);
    struct biosmem_stats stats;

    biosmem_reset();
    large_state = calloc(nr_pages, 1);
    if (mem == NULL || large_state == NULL
        || biosmem_storage_set(mem, size, nr, BIOSMEM_BOOT_DATA_MAX) == 0) {
        return false;
    }
    for (unsigned int i = 0; i < nr; i++) {
        /* Entry i of a scrambled order (nr is not a multiple of 7919). */
        uint64_t j = (uint64_t)i * 7919 % nr, base, len;
        uint32_t type = AVL;

        if (step != 0) {
            base = MiB + j * step;
            len = step - hole;
        } else {
            base = rng_below(top / PAGE_SIZE - 1) * PAGE_SIZE;
            len = (1 + rng_below(rng_below(4) ? 16 : 4096)) * PAGE_SIZE;
            len = MIN(len, top - base);
            type = rng_below(3) ? AVL : 1 + rng_below(6);
        }
        biosmem_map_add(base, len, type);
        for (uint64_t pa = base; pa < base + len; pa += PAGE_SIZE) {
            large_state[pa / PAGE_SIZE] |= (type == AVL) ? LARGE_AVAIL : LARGE_OTHER;
        }
    }
    biosmem_map_sanitize();
    for (unsigned int seg = 0; seg < BIOSMEM_NR_SEGS; seg++) {
        biosmem_free_ranges(seg, large_mark_free, NULL);
    }
    for (size_t p = BIOSMEM_LOW_LIMIT / PAGE_SIZE; p < nr_pages; p++) {
        bool want = large_state[p] == LARGE_AVAIL || large_state[p] == (LARGE_AVAIL | LARGE_FREE);

        if (want != ((large_state[p] & LARGE_FREE) != 0)) {
            if (bad++ == 0) {
                tap_diag("page 0x%llx: state %u", (unsigned long long)p * PAGE_SIZE,
                         large_state[p]);
            }
        }
        usable += want;
    }
    biosmem_stats_get(&stats);
    tap_diag("%u entries: %zu usable pages, %u map entries, %u dropped", nr, usable,
             biosmem_map_count(), stats.map_dropped);
    free(large_state);
    biosmem_reset();
    free(mem);
    return bad == 0 && stats.map_dropped == 0 && stats.map_read == nr && usable != 0;
}

/* Maps of 1,000 to 10,000 entries: all kept, nothing usable lost. */
static void
test_large(void)
{
    static const struct {
        const char *name;
        unsigned int nr;
        uint64_t step;
        uint64_t hole;
    } cases[] = {
        { "a hole every other page", 2000, 2 * PAGE_SIZE, PAGE_SIZE },
        { "a 4 KiB hole every 64 KiB", 1000, 64 * KiB, 4 * KiB },
        { "every other MiB missing", 1000, 2 * MiB, MiB },
    };
    struct biosmem_stats stats;

    for (unsigned int i = 0; i < ARRAY_SIZE(cases); i++) {
        for (unsigned int overlay = 0; overlay < 2; overlay++) {
            bool agree;

            ref_reset();
            agree = large_scenario(cases[i].nr, cases[i].step, cases[i].hole, overlay);
            biosmem_stats_get(&stats);
            tap_check(agree && stats.map_dropped == 0,
                      "%u entries (%s, %s): %u read, %u kept, model agrees",
                      cases[i].nr + 1, cases[i].name, overlay ? "bad entries over one range"
                      : "separate entries", stats.map_read, biosmem_map_count());
            if (!agree) {
                tap_diag("%s", ref_error);
            }
        }
    }
    rng_state = 42;
    tap_check(large_pages(10000, PAGE_SIZE * 2, PAGE_SIZE, 82 * MiB),
              "10000 entries, a hole every other page: every usable page free");
    tap_check(large_pages(8000, 128 * KiB, 64 * KiB, 1025 * MiB),
              "8000 entries, every other 64 KiB missing: every usable page free");
    tap_check(large_pages(1900, 2 * MiB, MiB, 3802 * MiB),
              "1900 entries, every other MiB missing: every usable page free");
    tap_check(large_pages(10000, 0, 0, 3 * GiB),
              "10000 random entries of every type: every usable page free");

    /* Built-in table full: the largest available ranges stay. */
    ref_reset();
    bool agree = true;
    uint64_t lost = 0;

    for (unsigned int i = 0; i < 200; i++) {
        /* Sizes in a scrambled order: entry i is (i * 7919 % 200 + 1) pages. */
        uint64_t pages = (uint64_t)i * 7919 % 200 + 1;

        agree = agree && ok(ref_op_add((uint64_t)i * MiB + 16 * MiB, pages * PAGE_SIZE, AVL));
    }
    agree = agree && ok(ref_op_sanitize());
    for (uint64_t pages = 1; pages <= 72; pages++) {
        lost += pages * PAGE_SIZE;
    }
    biosmem_stats_get(&stats);
    tap_check(agree && stats.map_dropped == 72 && stats.map_dropped_bytes == lost,
              "table full: the 72 smallest of 200 ranges dropped (%llu bytes), the largest kept",
              (unsigned long long)stats.map_dropped_bytes);
}

int
main(void)
{
    tap_diag("biosmem, %s", PAE ? "PAE" : "no PAE");
    test_qemu_map();
    test_overlaps();
    test_nested_adjacent_tiny();
    test_huge_and_high();
    test_legacy_and_empty();
    test_first_64k();
    test_holes();
    test_phys_limit();
    test_bootalloc_low();
    test_boot_data();
    test_overflow();
    test_multiboot();
    test_multiboot_large();
    test_random();
    test_large();
    return tap_done();
}
