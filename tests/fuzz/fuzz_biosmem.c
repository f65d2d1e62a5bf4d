/* SPDX-License-Identifier: GPL-2.0-or-later */
/*
 * libFuzzer target for i386/biosmem: random memory maps, boot data,
 * boot allocations, releases and hand-off, each step checked against the
 * reference model of tests/unit/biosmem_ref.h (sorted, disjoint,
 * page-aligned results; no available byte lost or invented; allocations
 * only from free pages). One input in eight instead drives the multiboot
 * glue over fake physical memory filled from the input, and checks the
 * map it builds and that the kernel, multiboot info and memory map stay
 * protected.
 *
 * Input: a mode byte, then (core mode) an entry count and entries, then
 * operations until the input ends. Addresses and lengths are encoded with
 * a selector byte choosing a scale (bytes, pages, MiB, near a segment
 * bound, near 2^64, raw 64 bits...), so short inputs reach every corner.
 */
#include <stdbool.h>
#include <stddef.h>
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include <i386/biosmem.h>
#include <i386/multiboot.h>

#include "../unit/biosmem_ref.h"

struct input {
    const uint8_t *data;
    size_t size;
};

static uint64_t
input_bytes(struct input *in, unsigned int n)
{
    uint64_t value = 0;

    for (unsigned int i = 0; i < n; i++) {
        value <<= 8;
        if (in->size > 0) {
            value |= *in->data++;
            in->size--;
        }
    }
    return value;
}

/* An address or length; see the selector cases. */
static uint64_t
input_addr(struct input *in)
{
    static const uint64_t bounds[] = {
        0x10000, 0x100000, 0x1000000, 0x38000000, UINT64_C(1) << 32, UINT64_C(1) << 52,
        0, UINT64_MAX,
    };
    unsigned int selector = input_bytes(in, 1);

    switch (selector & 7) {
    case 0:
        return input_bytes(in, 2);
    case 1:
        return input_bytes(in, 2) << 12;
    case 2:
        return input_bytes(in, 2) << 20;
    case 3:
        return bounds[(selector >> 3) & 7] + (uint64_t)(int64_t)(int16_t)input_bytes(in, 2);
    case 4:
        return input_bytes(in, 8);
    case 5:
        return (input_bytes(in, 2) << 12) + input_bytes(in, 2);
    case 6:
        return input_bytes(in, 2) << 32;
    default:
        return input_bytes(in, 4);
    }
}

static void
fuzz_fail(void)
{
    fprintf(stderr, "biosmem disagrees with the model: %s\n", ref_error);
    abort();
}

static void
fuzz_report_line(const char *line)
{
    if (strncmp(line, "biosmem: ", 9) != 0 || strlen(line) >= 127) {
        fprintf(stderr, "bad report line: %s\n", line);
        abort();
    }
}

/*
 * A large map from a few bytes: 1,000 to 1,500 entries with a hole every
 * page, every 64 KiB or every MiB (as separate entries or bad entries over
 * one range), or random, in a buffer as the glue would give. Only the
 * sanitized map and the hand-off are checked: the model is O(n^2), about
 * 0.2 s per map under ASan, so a process takes at most FUZZ_LARGE_MAX of
 * them (the rest run as ordinary inputs), which bounds what they add to
 * make check to seconds.
 */
#define FUZZ_LARGE_MAX          64

static unsigned int fuzz_large_count;

static void
fuzz_large(struct input *in)
{
    static const uint64_t steps[] = { 0x2000, 0x10000, 0x200000, 0 };
    unsigned int kind = input_bytes(in, 1), nr = 1000 + input_bytes(in, 2) % 201;
    uint64_t step = steps[kind % 4], hole = step / 2 + (input_bytes(in, 1) & 0xf) * 0x1000 % (step / 2 + 1);
    uint64_t base = input_bytes(in, 2) << 12;
    bool overlay = kind & 4;

    if (!ref_op_storage(nr + 2, BIOSMEM_BOOT_DATA_MAX)) {
        fuzz_fail();
    }
    if (overlay && step != 0 && !ref_op_add(base, nr * step, BIOSMEM_TYPE_AVAILABLE)) {
        fuzz_fail();
    }
    for (unsigned int i = 0; i < nr; i++) {
        bool added;

        if (step == 0) {
            added = ref_op_add(input_addr(in), input_addr(in), input_bytes(in, 1) % 5 + 1);
        } else if (overlay) {
            added = ref_op_add(base + i * step + step - hole, hole, BIOSMEM_TYPE_BADRAM);
        } else {
            added = ref_op_add(base + i * step, step - hole, BIOSMEM_TYPE_AVAILABLE);
        }
        if (!added) {
            fuzz_fail();
        }
    }
    if (!ref_op_sanitize() || !ref_op_alloc(1 + input_bytes(in, 1) % 64, NULL)
        || !ref_op_handoff()) {
        fuzz_fail();
    }
    biosmem_report(fuzz_report_line);
}

static void
fuzz_core(struct input *in)
{
    unsigned int nr = input_bytes(in, 1);

    if (nr == 0xff && fuzz_large_count < FUZZ_LARGE_MAX) {
        fuzz_large_count++;
        fuzz_large(in);
        return;
    }

    for (unsigned int i = 0; i < nr && in->size > 0; i++) {
        uint32_t type = input_bytes(in, 1);
        uint64_t base = input_addr(in);

        /* Mostly the five known types, sometimes anything. */
        if (type < 0xf0) {
            type = type % 5 + 1;
        }
        if (!ref_op_add(base, input_addr(in), type)) {
            fuzz_fail();
        }
    }
    if (!ref_op_sanitize()) {
        fuzz_fail();
    }

    while (in->size > 0) {
        unsigned int op = input_bytes(in, 1);
        bool result = true;

        switch (op % 6) {
        case 0:
        case 1: {
            uint64_t start = input_addr(in);

            result = ref_op_reserve(start, start + input_addr(in));
            break;
        }
        case 2:
            result = ref_op_alloc(op >= 0x80 ? input_bytes(in, 2) : op >> 3, NULL);
            break;
        case 3: {
            uint64_t start = input_addr(in);

            result = ref_op_release(start, start + input_addr(in), op & 8);
            break;
        }
        case 4:
            if (ref.nr_boot > 0) {
                const struct ref_range *r = &ref.boot[(op >> 3) % ref.nr_boot];

                result = ref_op_release(r->start + input_bytes(in, 1),
                                        r->end - input_bytes(in, 1), true);
            }
            break;
        default:
            result = ref_op_handoff();
            break;
        }
        if (!result) {
            fuzz_fail();
        }
    }
    if (!ref_check_all()) {
        fuzz_fail();
    }
    biosmem_report(fuzz_report_line);
}

/* Fake physical memory for the multiboot glue. */
#define FAKE_BASE               0x8000
#define FAKE_SIZE               0x2000

static uint8_t fake_mem[FAKE_SIZE];

static void *
fake_ptov(phys_addr_t addr, size_t size)
{
    if (addr < FAKE_BASE || addr - FAKE_BASE > FAKE_SIZE
        || size > FAKE_SIZE - (addr - FAKE_BASE)) {
        return NULL;
    }
    return &fake_mem[addr - FAKE_BASE];
}

/* Feed the model the map the glue should have read, walking it independently. */
static void
fuzz_mb_model(const struct multiboot_info *mbi)
{
    unsigned int nr = 0;

    if (mbi->flags & MULTIBOOT_INFO_MEM_MAP) {
        uint64_t pos = mbi->mmap_addr, end = pos + mbi->mmap_length;

        while (pos < end) {
            struct multiboot_mmap_entry e;
            const void *p = fake_ptov(pos, sizeof(e));

            if (end - pos < sizeof(e) || p == NULL) {
                break;
            }
            memcpy(&e, p, sizeof(e));
            if (e.size < 20 || e.size + UINT64_C(4) > end - pos) {
                break;
            }
            if (ref_model_add(e.base_addr, e.length, e.type) == 0 && e.length != 0) {
                nr++;
            }
            pos += 4 + e.size;
        }
    }
    if (nr == 0 && (mbi->flags & MULTIBOOT_INFO_MEMORY)) {
        ref_model_add(0, (uint64_t)(mbi->mem_lower < 640 ? mbi->mem_lower : 640) << 10,
                      BIOSMEM_TYPE_AVAILABLE);
        ref_model_add(0x100000, (uint64_t)mbi->mem_upper << 10, BIOSMEM_TYPE_AVAILABLE);
    }
    ref.sanitized = true;
}

static void
fuzz_page_not_free(const struct ref_ranges *free_ranges, uint64_t start, uint64_t end)
{
    for (unsigned int i = 0; start < end && i < free_ranges->nr; i++) {
        if (free_ranges->r[i].start < end && free_ranges->r[i].end > start) {
            fprintf(stderr, "boot data 0x%llx-0x%llx handed out as free\n",
                    (unsigned long long)start, (unsigned long long)end);
            abort();
        }
    }
}

static void
fuzz_multiboot(struct input *in)
{
    static struct ref_ranges free_ranges;
    struct biosmem_stats stats;
    struct multiboot_info mbi;
    phys_addr_t mbi_addr = FAKE_BASE + input_bytes(in, 1);
    phys_addr_t kernel = input_addr(in), kernel_end = kernel + input_addr(in);

    memset(fake_mem, 0, sizeof(fake_mem));
    memcpy(fake_mem + (mbi_addr - FAKE_BASE), in->data,
           in->size < FAKE_SIZE - 0x100 ? in->size : FAKE_SIZE - 0x100);
    memcpy(&mbi, fake_mem + (mbi_addr - FAKE_BASE), sizeof(mbi));

    biosmem_setup_multiboot(mbi_addr, kernel, kernel_end, fake_ptov);
    fuzz_mb_model(&mbi);
    biosmem_stats_get(&stats);
    ref.boot_dropped = stats.boot_data_dropped; /* the glue's boot data is not modelled */
    if (!ref_check_map()) {
        fuzz_fail();
    }

    free_ranges.nr = 0;
    free_ranges.overflow = false;
    for (unsigned int s = 0; s < BIOSMEM_NR_SEGS; s++) {
        biosmem_free_ranges(s, ref_ranges_collect, &free_ranges);
    }
    if (!ref_check_range_shape(&free_ranges, "free")) {
        fuzz_fail();
    }
    fuzz_page_not_free(&free_ranges, kernel, kernel_end);
    fuzz_page_not_free(&free_ranges, mbi_addr, mbi_addr + sizeof(mbi));
    if (mbi.flags & MULTIBOOT_INFO_MEM_MAP) {
        fuzz_page_not_free(&free_ranges, mbi.mmap_addr,
                           (uint64_t)mbi.mmap_addr + mbi.mmap_length);
    }
    biosmem_report(fuzz_report_line);
}

int
LLVMFuzzerTestOneInput(const uint8_t *data, size_t size)
{
    struct input in = { data, size };

    ref_reset();
    ref_check_each_op = false;
    if (input_bytes(&in, 1) % 8 == 0) {
        fuzz_multiboot(&in);
    } else {
        fuzz_core(&in);
    }
    return 0;
}
