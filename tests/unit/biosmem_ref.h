/* SPDX-License-Identifier: GPL-2.0-or-later */
/*
 * Reference model of i386/biosmem for the host unit test and the fuzzer.
 *
 * The model keeps the raw inputs (map entries, boot data, allocations) and
 * answers questions about single addresses by brute force: the type of a
 * byte is the most restrictive type of all entries covering it, a page is
 * usable when every byte of it is available, and so on. It never builds a
 * map. To compare a result made of ranges against it exactly, both are
 * evaluated at a set of candidate addresses that contains every bound
 * either side can have (entry bounds and their page roundings, segment
 * bounds, the result's own bounds): between two consecutive candidates
 * both sides are constant, so agreement at the candidates is agreement
 * everywhere.
 *
 * Each ref_op_*() performs one operation on biosmem and on the model and
 * returns false, with a message in ref_error, when they disagree; unless
 * ref_check_each_op is cleared, it then compares the whole state.
 */
#ifndef TESTS_UNIT_BIOSMEM_REF_H
#define TESTS_UNIT_BIOSMEM_REF_H

#include <stdbool.h>
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include <i386/biosmem.h>

#define REF_PAGE                ((uint64_t)PAGE_SIZE)
#define REF_TOP_PAGE            (UINT64_MAX - (REF_PAGE - 1))
#define REF_MAX_RANGES          (2 * REF_MAP_CAP + 64)
#define REF_MAP_CAP             12000   /* raw entries the model can hold */
#define REF_BOOT_CAP            512     /* boot data ranges the model can hold */

struct ref_range {
    uint64_t start;
    uint64_t end;
    uint32_t type;
    unsigned int seg;
};

struct ref_ranges {
    struct ref_range r[REF_MAX_RANGES];
    unsigned int nr;
    bool overflow;
};

static struct {
    struct ref_range entries[REF_MAP_CAP];
    unsigned int nr_entries;
    unsigned int raw_max;       /* biosmem's capacities */
    unsigned int boot_max;
    unsigned int map_read;
    uint64_t map_dropped_bytes;
    struct ref_range boot[REF_BOOT_CAP];
    unsigned int nr_boot;
    struct ref_range allocs[BIOSMEM_ALLOC_MAX];
    unsigned int nr_allocs;
    unsigned int map_dropped;
    unsigned int boot_dropped;
    bool sanitized;
    bool handed_off;
} ref;

static char ref_error[512];
static void *ref_storage;       /* biosmem's buffer, see ref_op_storage() */

/* Candidate addresses, rebuilt by each check. */
static uint64_t ref_cands[16 * REF_MAX_RANGES];
static unsigned int ref_nr_cands;

#define ref_fail(...) (snprintf(ref_error, sizeof(ref_error), __VA_ARGS__), false)

static const uint64_t ref_seg_bounds[][2] = {
    { 0x10000, 0x1000000 },
    { 0x1000000, 0x38000000 },
#ifdef CONFIG_PAE
    { 0x38000000, UINT64_C(1) << 32 },
    { UINT64_C(1) << 32, UINT64_C(1) << 52 },
#else
    { 0x38000000, UINT64_C(1) << 32 },
#endif
};

static const uint64_t ref_limit =
#ifdef CONFIG_PAE
    UINT64_C(1) << 52;
#else
    UINT64_C(1) << 32;
#endif

static void
ref_reset(void)
{
    /* Counts only: the arrays are large and read only below their counts. */
    ref.nr_entries = 0;
    ref.map_read = 0;
    ref.map_dropped_bytes = 0;
    ref.nr_boot = 0;
    ref.nr_allocs = 0;
    ref.map_dropped = 0;
    ref.boot_dropped = 0;
    ref.sanitized = false;
    ref.handed_off = false;
    ref.raw_max = BIOSMEM_MAP_MAX;
    ref.boot_max = BIOSMEM_BOOT_DATA_MAX;
    biosmem_reset();
    free(ref_storage);
    ref_storage = NULL;
}

/*
 * Give biosmem a buffer for nr_entries map entries and nr_boot boot data
 * ranges (before anything is added); the model takes the same limits.
 * The buffer is never freed: biosmem keeps pointing into it.
 */
static bool
ref_op_storage(unsigned int nr_entries, unsigned int nr_boot)
{
    size_t size = biosmem_storage_size(nr_entries, nr_boot);
    void *mem = malloc(size);

    if (nr_entries > REF_MAP_CAP || nr_boot > REF_BOOT_CAP || mem == NULL
        || biosmem_storage_set(mem, size, nr_entries, nr_boot) == 0) {
        free(mem);
        return ref_fail("storage for %u entries and %u boot data refused",
                        nr_entries, nr_boot);
    }
    ref_storage = mem;
    ref.raw_max = nr_entries;
    ref.boot_max = nr_boot;
    return true;
}

/* How restrictive a type is; unknown types are reserved. */
static int
ref_rank(uint32_t type)
{
    switch (type) {
    case BIOSMEM_TYPE_AVAILABLE: return 1;
    case BIOSMEM_TYPE_ACPI: return 2;
    case BIOSMEM_TYPE_NVS: return 3;
    case BIOSMEM_TYPE_BADRAM: return 5;
    default: return 4;
    }
}

/* Type of byte x according to the raw entries, 0 for a hole. */
static uint32_t
ref_class(uint64_t x)
{
    static const uint32_t rank_types[] = {
        0, BIOSMEM_TYPE_AVAILABLE, BIOSMEM_TYPE_ACPI, BIOSMEM_TYPE_NVS,
        BIOSMEM_TYPE_RESERVED, BIOSMEM_TYPE_BADRAM,
    };
    int rank = 0;

    for (unsigned int i = 0; i < ref.nr_entries; i++) {
        const struct ref_range *e = &ref.entries[i];

        if (e->start <= x && x < e->end && ref_rank(e->type) > rank) {
            rank = ref_rank(e->type);
        }
    }
    return rank_types[rank];
}

/* Every byte of page p is available (ignoring the physical limit). */
static bool
ref_page_avail_nolimit(uint64_t p)
{
    /* The last byte of the top page cannot be covered: entries end below 2^64. */
    if (p >= REF_TOP_PAGE || ref_class(p) != BIOSMEM_TYPE_AVAILABLE) {
        return false;
    }
    for (unsigned int i = 0; i < ref.nr_entries; i++) {
        uint64_t b[2] = { ref.entries[i].start, ref.entries[i].end };

        for (int k = 0; k < 2; k++) {
            if (b[k] > p && b[k] < p + REF_PAGE
                && ref_class(b[k]) != BIOSMEM_TYPE_AVAILABLE) {
                return false;
            }
        }
    }
    return true;
}

/* Type the sanitized map must give byte x (0: not in the map). */
static uint32_t
ref_expected_type(uint64_t x)
{
    uint32_t type;

    if (x >= ref_limit || !ref.sanitized) {
        return 0;
    }
    type = ref_class(x);
    if (type == BIOSMEM_TYPE_AVAILABLE && !ref_page_avail_nolimit(x & ~(REF_PAGE - 1))) {
        type = 0;
    }
    return type;
}

static bool
ref_overlaps_page(const struct ref_range *r, uint64_t p)
{
    return r->start < p + REF_PAGE && r->end > p;
}

/* Page p must be handed to vm_page (with the current boot data). */
static bool
ref_page_free(uint64_t p)
{
    if (ref_expected_type(p) != BIOSMEM_TYPE_AVAILABLE || p < ref_seg_bounds[0][0]) {
        return false;
    }
    for (unsigned int i = 0; i < ref.nr_boot; i++) {
        if (ref_overlaps_page(&ref.boot[i], p)) {
            return false;
        }
    }
    for (unsigned int i = 0; i < ref.nr_allocs; i++) {
        if (ref_overlaps_page(&ref.allocs[i], p)) {
            return false;
        }
    }
    return true;
}

static void
ref_cand_add(uint64_t x)
{
    if (ref_nr_cands < sizeof(ref_cands) / sizeof(ref_cands[0])) {
        ref_cands[ref_nr_cands++] = x;
    } else {
        abort();        /* the model is too small for the test: fix the test */
    }
}

/* Add x, rounded down and up to pages (and x itself unless pages_only). */
static void
ref_cand_add_bound(uint64_t x, bool pages_only)
{
    if (!pages_only) {
        ref_cand_add(x);
    }
    ref_cand_add(x & ~(REF_PAGE - 1));
    if (x <= REF_TOP_PAGE) {
        ref_cand_add((x + REF_PAGE - 1) & ~(REF_PAGE - 1));
    }
}

static int
ref_cmp_u64(const void *a, const void *b)
{
    uint64_t x = *(const uint64_t *)a, y = *(const uint64_t *)b;

    return x < y ? -1 : x > y;
}

/*
 * Build the candidate set from the model, the given result ranges and
 * nr_bounds more bounds.
 */
static void
ref_cands_build(const struct ref_ranges *extra, bool pages_only,
                const uint64_t *bounds, unsigned int nr_bounds)
{
    unsigned int n = 0;

    ref_nr_cands = 0;
    ref_cand_add(0);
    ref_cand_add(ref_limit);
    ref_cand_add(REF_TOP_PAGE);
    for (unsigned int s = 0; s < BIOSMEM_NR_SEGS; s++) {
        ref_cand_add(ref_seg_bounds[s][0]);
        ref_cand_add(ref_seg_bounds[s][1]);
    }
    for (unsigned int i = 0; i < ref.nr_entries; i++) {
        ref_cand_add_bound(ref.entries[i].start, pages_only);
        ref_cand_add_bound(ref.entries[i].end, pages_only);
    }
    for (unsigned int i = 0; i < ref.nr_boot; i++) {
        ref_cand_add_bound(ref.boot[i].start, true);
        ref_cand_add_bound(ref.boot[i].end, true);
    }
    for (unsigned int i = 0; i < ref.nr_allocs; i++) {
        ref_cand_add(ref.allocs[i].start);
        ref_cand_add(ref.allocs[i].end);
    }
    for (unsigned int i = 0; extra != NULL && i < extra->nr; i++) {
        ref_cand_add_bound(extra->r[i].start, pages_only);
        ref_cand_add_bound(extra->r[i].end, pages_only);
    }
    for (unsigned int i = 0; i < nr_bounds; i++) {
        ref_cand_add_bound(bounds[i], pages_only);
    }
    qsort(ref_cands, ref_nr_cands, sizeof(ref_cands[0]), ref_cmp_u64);
    for (unsigned int i = 0; i < ref_nr_cands; i++) {
        if (n == 0 || ref_cands[i] != ref_cands[n - 1]) {
            ref_cands[n++] = ref_cands[i];
        }
    }
    ref_nr_cands = n;
}

static bool
ref_ranges_contain(const struct ref_ranges *rs, uint64_t x, uint32_t *typep)
{
    for (unsigned int i = 0; i < rs->nr; i++) {
        if (rs->r[i].start <= x && x < rs->r[i].end) {
            if (typep != NULL) {
                *typep = rs->r[i].type;
            }
            return true;
        }
    }
    return false;
}

static void
ref_ranges_collect(unsigned int seg, phys_addr_t start, phys_addr_t end, void *arg)
{
    struct ref_ranges *rs = arg;

    if (rs->nr == REF_MAX_RANGES) {
        rs->overflow = true;
        return;
    }
    rs->r[rs->nr++] = (struct ref_range){ .start = start, .end = end, .seg = seg };
}

/*
 * Check that free-range style results are well formed: page-aligned,
 * non-empty, inside their segment, sorted and never adjacent within one
 * segment, segments in increasing order.
 */
static bool
ref_check_range_shape(const struct ref_ranges *rs, const char *what)
{
    if (rs->overflow) {
        return ref_fail("%s: too many ranges", what);
    }
    for (unsigned int i = 0; i < rs->nr; i++) {
        const struct ref_range *r = &rs->r[i];

        if (r->start >= r->end || (r->start | r->end) & (REF_PAGE - 1)
            || r->seg >= BIOSMEM_NR_SEGS || r->start < ref_seg_bounds[r->seg][0]
            || r->end > ref_seg_bounds[r->seg][1]) {
            return ref_fail("%s: bad range %u: seg %u 0x%llx-0x%llx", what, i, r->seg,
                            (unsigned long long)r->start, (unsigned long long)r->end);
        }
        if (i > 0 && (r->seg < rs->r[i - 1].seg
                      || (r->seg == rs->r[i - 1].seg && r->start <= rs->r[i - 1].end))) {
            return ref_fail("%s: range %u 0x%llx-0x%llx not above range %u", what, i,
                            (unsigned long long)r->start, (unsigned long long)r->end,
                            i - 1);
        }
    }
    return true;
}

/* Compare the sanitized map and the statistics with the model. */
static bool
ref_check_map(void)
{
    static struct ref_ranges map;
    struct biosmem_stats stats;
    uint64_t ignored = 0;

    map.nr = 0;
    for (unsigned int i = 0; i < biosmem_map_count(); i++) {
        struct ref_range *r = &map.r[map.nr];
        phys_addr_t start, end;
        uint32_t type;

        if (map.nr == REF_MAX_RANGES || biosmem_map_get(i, &start, &end, &type) != 0) {
            return ref_fail("map: entry %u unreadable", i);
        }
        *r = (struct ref_range){ .start = start, .end = end, .type = type };
        map.nr++;
        if (r->start >= r->end || r->end > ref_limit || type < 1 || type > 5) {
            return ref_fail("map: bad entry %u 0x%llx-0x%llx type %u", i,
                            (unsigned long long)start, (unsigned long long)end, type);
        }
        if (type == BIOSMEM_TYPE_AVAILABLE && ((start | end) & (REF_PAGE - 1))) {
            return ref_fail("map: available entry %u 0x%llx-0x%llx unaligned", i,
                            (unsigned long long)start, (unsigned long long)end);
        }
        if (i > 0 && (map.r[i - 1].end > start
                      || (map.r[i - 1].end == start && map.r[i - 1].type == type))) {
            return ref_fail("map: entry %u 0x%llx-0x%llx overlaps or continues entry %u",
                            i, (unsigned long long)start, (unsigned long long)end, i - 1);
        }
    }
    if (biosmem_map_get(map.nr, &(phys_addr_t){ 0 }, &(phys_addr_t){ 0 },
                        &(uint32_t){ 0 }) != ERROR_NOENT) {
        return ref_fail("map: entry past the end readable");
    }

    ref_cands_build(&map, false, NULL, 0);
    for (unsigned int i = 0; i < ref_nr_cands; i++) {
        uint64_t x = ref_cands[i];
        uint32_t got = 0, want = ref_expected_type(x);

        ref_ranges_contain(&map, x, &got);
        if (got != want) {
            return ref_fail("map: at 0x%llx type %u, model says %u",
                            (unsigned long long)x, got, want);
        }
    }

    /* Available pages at or above the limit are counted as ignored. */
    ref_cands_build(NULL, true, NULL, 0);
    for (unsigned int i = 0; ref.sanitized && i + 1 < ref_nr_cands; i++) {
        if (ref_cands[i] >= ref_limit && ref_page_avail_nolimit(ref_cands[i])) {
            ignored += ref_cands[i + 1] - ref_cands[i];
        }
    }

    biosmem_stats_get(&stats);
    if (stats.ignored_bytes != ignored) {
        return ref_fail("map: %llu bytes ignored, model says %llu",
                        (unsigned long long)stats.ignored_bytes,
                        (unsigned long long)ignored);
    }
    if (stats.map_read != ref.map_read || stats.map_dropped_bytes != ref.map_dropped_bytes) {
        return ref_fail("stats: %u entries read, %llu bytes dropped, model says %u, %llu",
                        stats.map_read, (unsigned long long)stats.map_dropped_bytes,
                        ref.map_read, (unsigned long long)ref.map_dropped_bytes);
    }
    if (stats.map_dropped != ref.map_dropped || stats.boot_data_dropped != ref.boot_dropped) {
        return ref_fail("stats: dropped %u map %u boot data, model says %u %u",
                        stats.map_dropped, stats.boot_data_dropped, ref.map_dropped,
                        ref.boot_dropped);
    }
    return true;
}

/* Compare the segment descriptions and free ranges with the model. */
static bool
ref_check_segments(void)
{
    static struct ref_ranges free_ranges;
    struct biosmem_segment segment;

    free_ranges.nr = 0;
    free_ranges.overflow = false;
    for (unsigned int s = 0; s < BIOSMEM_NR_SEGS; s++) {
        biosmem_free_ranges(s, ref_ranges_collect, &free_ranges);
    }
    biosmem_free_ranges(BIOSMEM_NR_SEGS, ref_ranges_collect, &free_ranges);
    if (!ref_check_range_shape(&free_ranges, "free")) {
        return false;
    }
    if (biosmem_segment_get(BIOSMEM_NR_SEGS, &segment) != ERROR_NOENT) {
        return ref_fail("segment: invalid index accepted");
    }

    ref_cands_build(&free_ranges, true, NULL, 0);
    for (unsigned int s = 0; s < BIOSMEM_NR_SEGS; s++) {
        uint64_t start = 0, end = 0, pages = 0;

        for (unsigned int i = 0; i + 1 < ref_nr_cands; i++) {
            uint64_t x = ref_cands[i];

            if (x < ref_seg_bounds[s][0] || x >= ref_seg_bounds[s][1]
                || ref_expected_type(x) != BIOSMEM_TYPE_AVAILABLE) {
                continue;
            }
            if (pages == 0) {
                start = x;
            }
            end = ref_cands[i + 1];
            pages += (ref_cands[i + 1] - x) / REF_PAGE;
        }
        if (pages == 0) {
            start = end = ref_seg_bounds[s][0];
        }
        if (biosmem_segment_get(s, &segment) != 0 || segment.start != start
            || segment.end != end || segment.nr_pages != pages) {
            return ref_fail("segment %u (%s): 0x%llx-0x%llx %llu pages, model says "
                            "0x%llx-0x%llx %llu", s, segment.name,
                            (unsigned long long)segment.start,
                            (unsigned long long)segment.end,
                            (unsigned long long)segment.nr_pages,
                            (unsigned long long)start, (unsigned long long)end,
                            (unsigned long long)pages);
        }
    }

    for (unsigned int i = 0; i < ref_nr_cands; i++) {
        uint64_t x = ref_cands[i];
        bool got = ref_ranges_contain(&free_ranges, x, NULL), want = ref_page_free(x);

        if (got != want) {
            return ref_fail("free: page 0x%llx %s, model says %s", (unsigned long long)x,
                            got ? "free" : "not free", want ? "free" : "not free");
        }
    }
    return true;
}

static bool
ref_check_all(void)
{
    return ref_check_map() && ref_check_segments();
}

/*
 * Whether each operation ends with ref_check_all(); the fuzzer turns it
 * off for speed and checks once at the end (each operation still checks
 * its own result).
 */
static bool ref_check_each_op = true;

static bool
ref_check_after_op(void)
{
    return !ref_check_each_op || ref_check_all();
}

/* Add a raw entry to the model only; returns what biosmem_map_add() must. */
static int
ref_model_add(uint64_t base, uint64_t len, uint32_t type)
{
    struct ref_range e = {
        .start = base,
        .end = len > UINT64_MAX - base ? UINT64_MAX : base + len,
        .type = type,
    };

    if (ref.sanitized) {
        return ERROR_INVAL;
    }
    if (len == 0) {
        return 0;
    }
    ref.map_read++;
    if (ref.nr_entries < ref.raw_max) {
        ref.entries[ref.nr_entries++] = e;
        return 0;
    }

    /*
     * Full: the smallest available range goes (the first of equal ones),
     * the new one when it is available and no larger; never another type.
     */
    unsigned int victim = ref.nr_entries;

    ref.map_dropped++;
    for (unsigned int i = 0; i < ref.nr_entries; i++) {
        const struct ref_range *r = &ref.entries[i];

        if (r->type == BIOSMEM_TYPE_AVAILABLE
            && (victim == ref.nr_entries
                || r->end - r->start < ref.entries[victim].end - ref.entries[victim].start)) {
            victim = i;
        }
    }
    if (victim == ref.nr_entries) {
        return ERROR_NOSPC;
    }
    if (type == BIOSMEM_TYPE_AVAILABLE
        && e.end - e.start <= ref.entries[victim].end - ref.entries[victim].start) {
        ref.map_dropped_bytes += e.end - e.start;
        return ERROR_NOSPC;
    }
    ref.map_dropped_bytes += ref.entries[victim].end - ref.entries[victim].start;
    ref.entries[victim] = e;
    return 0;
}

static bool
ref_op_add(uint64_t base, uint64_t len, uint32_t type)
{
    int got = biosmem_map_add(base, len, type), want = ref_model_add(base, len, type);

    if (got != want) {
        return ref_fail("map_add(0x%llx, 0x%llx, %u) returned %d, model says %d",
                        (unsigned long long)base, (unsigned long long)len, type, got, want);
    }
    return true;
}

static bool
ref_op_sanitize(void)
{
    biosmem_map_sanitize();
    ref.sanitized = true;
    return ref_check_all();
}

static bool
ref_op_reserve(uint64_t start, uint64_t end)
{
    int want = 0, got = biosmem_boot_data_reserve(start, end, "test");

    if (start > end || ref.handed_off) {
        want = ERROR_INVAL;
    } else {
        start = start < ref_limit ? start : ref_limit;
        end = end < ref_limit ? end : ref_limit;
        if (start < end) {
            if (ref.nr_boot == ref.boot_max) {
                ref.boot_dropped++;
                want = ERROR_NOSPC;
            } else {
                ref.boot[ref.nr_boot++] = (struct ref_range){ .start = start, .end = end };
            }
        }
    }
    if (got != want) {
        return ref_fail("boot_data_reserve(0x%llx, 0x%llx) returned %d, model says %d",
                        (unsigned long long)start, (unsigned long long)end, got, want);
    }
    return ref_check_after_op();
}

/* Lowest run of npages free pages in segment seg, 0 if none. */
static uint64_t
ref_fit(unsigned int seg, uint64_t npages)
{
    uint64_t run_start = 0;

    ref_cands_build(NULL, true, NULL, 0);
    for (unsigned int i = 0; i + 1 < ref_nr_cands; i++) {
        uint64_t x = ref_cands[i];

        if (x < ref_seg_bounds[seg][0] || x >= ref_seg_bounds[seg][1] || !ref_page_free(x)) {
            run_start = 0;
            continue;
        }
        if (run_start == 0) {
            run_start = x;
        }
        if (ref_cands[i + 1] - run_start >= npages * REF_PAGE) {
            return run_start;
        }
    }
    return 0;
}

/* Whether the (checked) sanitized map has available memory in [start, end). */
static bool
ref_avail_in(uint64_t start, uint64_t end)
{
    for (unsigned int i = 0; i < biosmem_map_count(); i++) {
        phys_addr_t s, e;
        uint32_t type;

        biosmem_map_get(i, &s, &e, &type);
        if (type == BIOSMEM_TYPE_AVAILABLE && start < end && s < end && e > start) {
            return true;
        }
    }
    return false;
}

/*
 * Record an allocation as biosmem does: extend the first run that only
 * unavailable memory separates from it.
 */
static bool
ref_alloc_record(uint64_t start, uint64_t end)
{
    for (unsigned int i = 0; i < ref.nr_allocs; i++) {
        if (ref.allocs[i].end <= start && !ref_avail_in(ref.allocs[i].end, start)) {
            ref.allocs[i].end = end;
            return true;
        }
        if (ref.allocs[i].start >= end && !ref_avail_in(end, ref.allocs[i].start)) {
            ref.allocs[i].start = start;
            return true;
        }
    }
    if (ref.nr_allocs == BIOSMEM_ALLOC_MAX) {
        return false;
    }
    ref.allocs[ref.nr_allocs++] = (struct ref_range){ .start = start, .end = end };
    return true;
}

static bool
ref_op_alloc(unsigned int npages, phys_addr_t *addrp)
{
    uint64_t want = 0;
    phys_addr_t got = biosmem_bootalloc(npages);

    if (npages != 0 && ref.sanitized && !ref.handed_off) {
        want = ref_fit(BIOSMEM_SEG_DIRECTMAP, npages);
        if (want == 0) {
            want = ref_fit(BIOSMEM_SEG_DMA, npages);
        }
        if (want != 0 && !ref_alloc_record(want, want + npages * REF_PAGE)) {
            want = 0;
        }
    }
    if (got != want) {
        return ref_fail("bootalloc(%u) returned 0x%llx, model says 0x%llx", npages,
                        (unsigned long long)got, (unsigned long long)want);
    }
    if (addrp != NULL) {
        *addrp = got;
    }
    return ref_check_after_op();
}

/* Cut the bytes [xs, xe) out of the model's boot data. */
static void
ref_boot_cut(uint64_t xs, uint64_t xe)
{
    struct ref_range kept[2 * REF_BOOT_CAP];
    unsigned int n = 0;

    for (unsigned int i = 0; i < ref.nr_boot; i++) {
        struct ref_range r = ref.boot[i];

        if (r.start < xs) {
            kept[n++] = (struct ref_range){ .start = r.start, .end = r.end < xs ? r.end : xs };
        }
        if (r.end > xe) {
            kept[n++] = (struct ref_range){ .start = r.start > xe ? r.start : xe, .end = r.end };
        }
    }
    memcpy(ref.boot, kept, n * sizeof(kept[0]));
    ref.nr_boot = n;
}

static bool
ref_op_release(uint64_t start, uint64_t end, bool with_fn)
{
    static struct ref_ranges released;
    static bool before[16 * REF_MAX_RANGES];
    unsigned int splits = 0;
    int want = 0, got;

    uint64_t cs = start < ref_limit ? start : ref_limit;
    uint64_t ce = end < ref_limit ? end : ref_limit;

    released.nr = 0;
    released.overflow = false;
    got = biosmem_release(start, end, with_fn ? ref_ranges_collect : NULL, &released);

    if (start > end) {
        want = ERROR_INVAL;
    } else if (cs < ce) {
        for (unsigned int i = 0; i < ref.nr_boot; i++) {
            splits += ref.boot[i].start < cs && ref.boot[i].end > ce;
        }
        if (ref.nr_boot + splits > ref.boot_max) {
            want = ERROR_NOSPC;
        }
    }
    if (got != want) {
        return ref_fail("release(0x%llx, 0x%llx) returned %d, model says %d",
                        (unsigned long long)start, (unsigned long long)end, got, want);
    }
    if (want != 0 || cs >= ce) {
        if (released.nr != 0) {
            return ref_fail("release(0x%llx, 0x%llx) reported pages but changed nothing",
                            (unsigned long long)start, (unsigned long long)end);
        }
        return ref_check_after_op();
    }
    if (!ref_check_range_shape(&released, "release")) {
        return false;
    }

    /* The candidates hold the bounds before the release, and cs, ce. */
    ref_cands_build(&released, true, (const uint64_t[]){ cs, ce }, 2);
    for (unsigned int i = 0; i < ref_nr_cands; i++) {
        before[i] = ref_page_free(ref_cands[i]);
    }
    ref_boot_cut(cs, ce);
    for (unsigned int i = 0; i < ref_nr_cands; i++) {
        uint64_t x = ref_cands[i];
        bool want_freed = ref_page_free(x) && !before[i];

        if (with_fn && ref_ranges_contain(&released, x, NULL) != want_freed) {
            return ref_fail("release(0x%llx, 0x%llx): page 0x%llx %s, model says %s",
                            (unsigned long long)start, (unsigned long long)end,
                            (unsigned long long)x, want_freed ? "not freed" : "freed",
                            want_freed ? "freed" : "not freed");
        }
    }
    return ref_check_after_op();
}

static bool
ref_op_handoff(void)
{
    static struct ref_ranges handed, free_ranges;

    handed.nr = free_ranges.nr = 0;
    handed.overflow = free_ranges.overflow = false;
    for (unsigned int s = 0; s < BIOSMEM_NR_SEGS && !ref.handed_off; s++) {
        biosmem_free_ranges(s, ref_ranges_collect, &free_ranges);
    }
    biosmem_handoff(ref_ranges_collect, &handed);
    ref.handed_off = true;
    if (handed.nr != free_ranges.nr
        || memcmp(handed.r, free_ranges.r, handed.nr * sizeof(handed.r[0])) != 0) {
        return ref_fail("handoff: %u ranges differ from the %u free ranges "
                        "(none on a second call)", handed.nr, free_ranges.nr);
    }
    return ref_check_after_op();
}

#endif /* TESTS_UNIT_BIOSMEM_REF_H */
