/* SPDX-License-Identifier: GPL-2.0-or-later */
/*
 * Early physical memory management.
 *
 * Rationale. Firmware memory maps are unreliable: entries come unsorted,
 * overlap, nest, have zero length, unaligned bounds or lie above what the
 * kernel can address. Everything later (vm_page, the boot allocator)
 * wants one clean answer to "is this page RAM the kernel may use", so the
 * raw entries are first collected as given and then rebuilt in one pass
 * into a canonical map. The pass is a sweep over the sorted entry bounds
 * that keeps, per type, the number of entries covering the current
 * address; the most restrictive type with a non-zero count owns the next
 * interval. That resolves overlaps of any depth in O(n log n) steps and
 * merges adjacent entries of one type for free. Only then are available
 * ranges trimmed to whole pages, so that a page partly covered by a more
 * restrictive type is never used.
 *
 * Type precedence (more restrictive wins): available < ACPI reclaimable
 * < ACPI NVS < reserved < bad. ACPI reclaimable memory becomes usable once
 * the tables are read, so it yields to everything but available memory;
 * NVS must survive sleep states but is still RAM the firmware owns;
 * reserved memory may be device memory; bad memory must never be used,
 * whatever else is claimed about it. Unknown types are reserved.
 *
 * Boot data (kernel image, multiboot structures, modules) and boot
 * allocations are kept as a short list of ranges beside the map rather
 * than by editing the map: boot data can then be released later, and two
 * boot data ranges may share a page (only whole pages are freed, when no
 * remaining range touches them). Free ranges are computed on demand by
 * walking the available ranges and skipping the protected ones; the
 * lists are small and this only runs at boot.
 *
 * The boot allocator hands out the lowest free run of DIRECTMAP pages, so
 * that early allocations are reachable through the direct map without
 * taking memory ISA devices need; on machines with 16 MiB or less, where
 * DIRECTMAP is empty, it falls back to DMA (which is direct-mapped too).
 *
 * The tables are bounded: built in (enough for ordinary machines), or a
 * buffer the caller found in free memory and sized for the map and boot
 * data it saw (biosmem_storage_set(); the multiboot glue does this for
 * maps of thousands of entries and many modules). Nothing here can
 * overflow memory. When a table is full anyway, a map entry only ever
 * evicts the smallest available range, since forgetting any other type
 * could make unusable memory look free; what is dropped is counted and
 * reported. The sort is a heapsort, O(n log n) in place.
 */
#include <stdarg.h>
#include <stdbool.h>
#include <stddef.h>
#include <stdint.h>

#include <i386/biosmem.h>
#include <i386/param.h>
#include <kern/error.h>
#include <kern/macros.h>

#ifdef MACH_HOST
#include <stdio.h>
#else
#include <kern/printf.h>
#endif

/* End bound used when nothing above an address limits a search. */
#define BIOSMEM_ADDR_END        UINT64_MAX

/* A range of memory of one type (map) or one owner (boot data, allocation). */
struct biosmem_range {
    phys_addr_t start;
    phys_addr_t end;
    uint32_t type;              /* map entries only */
    int id;                     /* boot data only: number in the report, -1: none */
    const char *name;           /* boot data only */
};

/* One bound of a raw entry, for the sanitizing sweep. */
struct biosmem_event {
    phys_addr_t addr;
    unsigned int rank;
    bool is_end;
};

struct biosmem_segment_bounds {
    const char *name;
    phys_addr_t start;
    phys_addr_t end;
};

static const struct biosmem_segment_bounds biosmem_segment_bounds[] = {
    [BIOSMEM_SEG_DMA] = { "DMA", BIOSMEM_LOW_LIMIT, 0x1000000 },
    [BIOSMEM_SEG_DIRECTMAP] = { "DIRECTMAP", 0x1000000, DIRECTMAP_SIZE },
#ifdef CONFIG_PAE
    [BIOSMEM_SEG_DMA32] = { "DMA32", DIRECTMAP_SIZE, UINT64_C(1) << 32 },
    [BIOSMEM_SEG_HIGHMEM] = { "HIGHMEM", UINT64_C(1) << 32, BIOSMEM_PHYS_LIMIT },
#else
    [BIOSMEM_SEG_HIGHMEM] = { "HIGHMEM", DIRECTMAP_SIZE, BIOSMEM_PHYS_LIMIT },
#endif
};

/* Types by rank: the index says how restrictive a type is, higher wins. */
#define BIOSMEM_RANK_RESERVED   3

static const uint32_t biosmem_rank_types[] = {
    BIOSMEM_TYPE_AVAILABLE,
    BIOSMEM_TYPE_ACPI,
    BIOSMEM_TYPE_NVS,
    [BIOSMEM_RANK_RESERVED] = BIOSMEM_TYPE_RESERVED,
    BIOSMEM_TYPE_BADRAM,
};

#define BIOSMEM_NR_RANKS        ARRAY_SIZE(biosmem_rank_types)

/*
 * The tables of map entries and boot data: built in at first, or a
 * caller's buffer (biosmem_storage_set()) for maps and boot data too
 * large for them. n raw entries can cut each other into at most 2n - 1
 * intervals, so the map and the events have room for 2n.
 */
static struct biosmem_range biosmem_raw_builtin[BIOSMEM_MAP_MAX];
static struct biosmem_range biosmem_map_builtin[BIOSMEM_MAP_MAX * 2];
static struct biosmem_event biosmem_events_builtin[BIOSMEM_MAP_MAX * 2];
static struct biosmem_range biosmem_boot_data_builtin[BIOSMEM_BOOT_DATA_MAX];

static struct biosmem_range *biosmem_raw = biosmem_raw_builtin;
static struct biosmem_range *biosmem_map = biosmem_map_builtin;
static struct biosmem_event *biosmem_events = biosmem_events_builtin;
static struct biosmem_range *biosmem_boot_data = biosmem_boot_data_builtin;
static unsigned int biosmem_raw_max = BIOSMEM_MAP_MAX;
static unsigned int biosmem_boot_data_max = BIOSMEM_BOOT_DATA_MAX;

static unsigned int biosmem_raw_nr;
static unsigned int biosmem_map_nr;
static unsigned int biosmem_boot_data_nr;

/* Warnings kept for the report (see biosmem_warn()). */
#define BIOSMEM_WARN_MAX        8
#define BIOSMEM_WARN_SIZE       112

static char biosmem_warnings[BIOSMEM_WARN_MAX][BIOSMEM_WARN_SIZE];
static unsigned int biosmem_warn_nr;

static struct biosmem_range biosmem_allocs[BIOSMEM_ALLOC_MAX];
static unsigned int biosmem_alloc_nr;

static bool biosmem_sanitized;
static phys_addr_t biosmem_phys_limit = BIOSMEM_PHYS_LIMIT;  /* first unusable address */
static bool biosmem_handed_off;
static struct biosmem_stats biosmem_stats;

void
biosmem_reset(void)
{
    biosmem_raw = biosmem_raw_builtin;
    biosmem_map = biosmem_map_builtin;
    biosmem_events = biosmem_events_builtin;
    biosmem_boot_data = biosmem_boot_data_builtin;
    biosmem_raw_max = BIOSMEM_MAP_MAX;
    biosmem_boot_data_max = BIOSMEM_BOOT_DATA_MAX;
    biosmem_warn_nr = 0;
    biosmem_raw_nr = 0;
    biosmem_map_nr = 0;
    biosmem_boot_data_nr = 0;
    biosmem_alloc_nr = 0;
    biosmem_sanitized = false;
    biosmem_handed_off = false;
    biosmem_phys_limit = BIOSMEM_PHYS_LIMIT;
    biosmem_stats = (struct biosmem_stats){ 0 };
}

static unsigned int
biosmem_type_rank(uint32_t type)
{
    for (unsigned int i = 0; i < BIOSMEM_NR_RANKS; i++) {
        if (biosmem_rank_types[i] == type) {
            return i;
        }
    }
    return BIOSMEM_RANK_RESERVED;     /* unknown types */
}

const char *
biosmem_type_name(uint32_t type)
{
    switch (type) {
    case BIOSMEM_TYPE_AVAILABLE:
        return "available";
    case BIOSMEM_TYPE_ACPI:
        return "ACPI";
    case BIOSMEM_TYPE_NVS:
        return "NVS";
    case BIOSMEM_TYPE_BADRAM:
        return "bad";
    default:
        return "reserved";
    }
}

size_t
biosmem_storage_size(unsigned int nr_entries, unsigned int nr_boot_data)
{
    return (size_t)nr_entries * (3 * sizeof(struct biosmem_range)
                                 + 2 * sizeof(struct biosmem_event))
           + (size_t)nr_boot_data * sizeof(struct biosmem_range);
}

size_t
biosmem_storage_set(void *mem, size_t size, unsigned int nr_entries,
                    unsigned int nr_boot_data)
{
    char *p = mem;

    if (biosmem_sanitized || biosmem_raw_nr != 0 || biosmem_boot_data_nr != 0
        || nr_entries < BIOSMEM_MAP_MAX || nr_boot_data < BIOSMEM_BOOT_DATA_MAX
        || ((uintptr_t)mem & (sizeof(phys_addr_t) - 1)) != 0
        || size < biosmem_storage_size(nr_entries, nr_boot_data)) {
        return 0;
    }
    /* What outlives sanitizing first: the map and the boot data. */
    biosmem_map = (struct biosmem_range *)p;
    p += 2 * (size_t)nr_entries * sizeof(struct biosmem_range);
    biosmem_boot_data = (struct biosmem_range *)p;
    p += (size_t)nr_boot_data * sizeof(struct biosmem_range);
    biosmem_raw = (struct biosmem_range *)p;
    p += (size_t)nr_entries * sizeof(struct biosmem_range);
    biosmem_events = (struct biosmem_event *)p;
    biosmem_raw_max = nr_entries;
    biosmem_boot_data_max = nr_boot_data;
    return (size_t)((char *)biosmem_raw - (char *)mem);
}

void
biosmem_warn(const char *fmt, ...)
{
    va_list ap;

    if (biosmem_warn_nr < BIOSMEM_WARN_MAX) {
        va_start(ap, fmt);
        vsnprintf(biosmem_warnings[biosmem_warn_nr], BIOSMEM_WARN_SIZE, fmt, ap);
        va_end(ap);
    }
    biosmem_warn_nr++;
}

/* Index of the smallest available raw entry, or biosmem_raw_nr if none. */
static unsigned int
biosmem_raw_smallest_available(void)
{
    unsigned int best = biosmem_raw_nr;

    for (unsigned int i = 0; i < biosmem_raw_nr; i++) {
        if (biosmem_raw[i].type == BIOSMEM_TYPE_AVAILABLE
            && (best == biosmem_raw_nr
                || biosmem_raw[i].end - biosmem_raw[i].start
                   < biosmem_raw[best].end - biosmem_raw[best].start)) {
            best = i;
        }
    }
    return best;
}

int
biosmem_map_add(uint64_t base, uint64_t len, uint32_t type)
{
    struct biosmem_range entry, *slot;
    unsigned int victim;

    if (biosmem_sanitized) {
        return ERROR_INVAL;
    }
    if (len == 0) {
        return 0;
    }
    entry = (struct biosmem_range){
        .start = base,
        .end = (len > BIOSMEM_ADDR_END - base) ? BIOSMEM_ADDR_END : base + len,
        .type = biosmem_rank_types[biosmem_type_rank(type)],
    };
    biosmem_stats.map_read++;
    if (biosmem_raw_nr < biosmem_raw_max) {
        biosmem_raw[biosmem_raw_nr++] = entry;
        return 0;
    }

    /*
     * Full: only available memory may be forgotten (forgetting another
     * type could make it look usable), the smallest first.
     */
    biosmem_stats.map_dropped++;
    victim = biosmem_raw_smallest_available();
    if (victim == biosmem_raw_nr) {
        return ERROR_NOSPC; /* nothing available kept: the new entry cannot matter */
    }
    slot = &biosmem_raw[victim];
    if (entry.type == BIOSMEM_TYPE_AVAILABLE
        && entry.end - entry.start <= slot->end - slot->start) {
        biosmem_stats.map_dropped_bytes += entry.end - entry.start;
        return ERROR_NOSPC;
    }
    biosmem_stats.map_dropped_bytes += slot->end - slot->start;
    *slot = entry;
    return 0;
}

int
biosmem_map_add_legacy(uint32_t mem_lower, uint32_t mem_upper)
{
    int error, upper;

    error = biosmem_map_add(0, (uint64_t)MIN(mem_lower, 640u) << 10,
                            BIOSMEM_TYPE_AVAILABLE);
    upper = biosmem_map_add(0x100000, (uint64_t)mem_upper << 10, BIOSMEM_TYPE_AVAILABLE);
    return (error != 0) ? error : upper;
}

/* Move event i down the max-heap of the first nr events. */
static void
biosmem_events_sift(unsigned int i, unsigned int nr)
{
    struct biosmem_event event = biosmem_events[i];
    unsigned int child;

    while ((child = 2 * i + 1) < nr) {
        if (child + 1 < nr && biosmem_events[child + 1].addr > biosmem_events[child].addr) {
            child++;
        }
        if (biosmem_events[child].addr <= event.addr) {
            break;
        }
        biosmem_events[i] = biosmem_events[child];
        i = child;
    }
    biosmem_events[i] = event;
}

/*
 * Heapsort by address: O(n log n) in place, for maps of any size (the
 * order of events at one address does not matter: the sweep applies
 * them all before looking at the counts).
 */
static void
biosmem_events_sort(unsigned int nr)
{
    struct biosmem_event tmp;

    for (unsigned int i = nr / 2; i-- > 0;) {
        biosmem_events_sift(i, nr);
    }
    for (unsigned int end = nr; end > 1; end--) {
        tmp = biosmem_events[0];
        biosmem_events[0] = biosmem_events[end - 1];
        biosmem_events[end - 1] = tmp;
        biosmem_events_sift(0, end - 1);
    }
}

/* Append [start, end) of type to the sanitized map, merging with the last. */
static void
biosmem_map_append(phys_addr_t start, phys_addr_t end, uint32_t type)
{
    struct biosmem_range *last;

    if (biosmem_map_nr > 0) {
        last = &biosmem_map[biosmem_map_nr - 1];
        if (last->end == start && last->type == type) {
            last->end = end;
            return;
        }
    }
    biosmem_map[biosmem_map_nr++] = (struct biosmem_range){
        .start = start, .end = end, .type = type,
    };
}

/* Resolve overlaps: one sweep over the sorted bounds of the raw entries. */
static void
biosmem_map_sweep(void)
{
    unsigned int counts[BIOSMEM_NR_RANKS] = { 0 };
    unsigned int nr_events = 0;

    for (unsigned int i = 0; i < biosmem_raw_nr; i++) {
        unsigned int rank = biosmem_type_rank(biosmem_raw[i].type);

        biosmem_events[nr_events++] = (struct biosmem_event){
            .addr = biosmem_raw[i].start, .rank = rank, .is_end = false,
        };
        biosmem_events[nr_events++] = (struct biosmem_event){
            .addr = biosmem_raw[i].end, .rank = rank, .is_end = true,
        };
    }
    biosmem_events_sort(nr_events);

    biosmem_map_nr = 0;
    for (unsigned int i = 0; i < nr_events;) {
        phys_addr_t addr = biosmem_events[i].addr;
        unsigned int rank;

        for (; i < nr_events && biosmem_events[i].addr == addr; i++) {
            if (biosmem_events[i].is_end) {
                counts[biosmem_events[i].rank]--;
            } else {
                counts[biosmem_events[i].rank]++;
            }
        }
        if (i == nr_events) {
            break;
        }
        for (rank = BIOSMEM_NR_RANKS; rank > 0 && counts[rank - 1] == 0; rank--) {
            continue;
        }
        if (rank > 0) {
            biosmem_map_append(addr, biosmem_events[i].addr,
                               biosmem_rank_types[rank - 1]);
        }
    }
}

/*
 * Trim available ranges to whole pages and cut everything at the physical
 * limit, counting the available memory cut off. Compacts the map in place.
 */
static void
biosmem_map_trim(void)
{
    unsigned int nr = 0;

    biosmem_stats.ignored_bytes = 0;
    biosmem_stats.trimmed_bytes = 0;
    for (unsigned int i = 0; i < biosmem_map_nr; i++) {
        struct biosmem_range entry = biosmem_map[i];

        if (entry.type == BIOSMEM_TYPE_AVAILABLE) {
            if (entry.start > P2TRUNC(entry.end, PAGE_SIZE)) {
                if (entry.start < biosmem_phys_limit) {
                    biosmem_stats.trimmed_bytes += MIN(entry.end, biosmem_phys_limit)
                                                   - entry.start;
                }
                continue;
            }
            if (entry.start < biosmem_phys_limit) {
                biosmem_stats.trimmed_bytes +=
                    (P2ROUND(entry.start, PAGE_SIZE) - entry.start)
                    + MIN(entry.end, biosmem_phys_limit)
                    - MIN(P2TRUNC(entry.end, PAGE_SIZE), biosmem_phys_limit);
            }
            entry.start = P2ROUND(entry.start, PAGE_SIZE);
            entry.end = P2TRUNC(entry.end, PAGE_SIZE);
            if (entry.end > biosmem_phys_limit) {
                biosmem_stats.ignored_bytes +=
                    entry.end - MAX(entry.start, biosmem_phys_limit);
            }
        }
        entry.end = MIN(entry.end, biosmem_phys_limit);
        if (entry.start >= entry.end) {
            continue;
        }
        biosmem_map[nr++] = entry;
    }
    biosmem_map_nr = nr;
}

void
biosmem_map_sanitize(void)
{
    biosmem_map_sweep();
    biosmem_stats.map_merged = biosmem_map_nr;
    biosmem_map_trim();
    biosmem_sanitized = true;
}

unsigned int
biosmem_map_count(void)
{
    return biosmem_map_nr;
}

int
biosmem_map_get(unsigned int i, phys_addr_t *startp, phys_addr_t *endp,
                uint32_t *typep)
{
    if (i >= biosmem_map_nr) {
        return ERROR_NOENT;
    }
    *startp = biosmem_map[i].start;
    *endp = biosmem_map[i].end;
    *typep = biosmem_map[i].type;
    return 0;
}

int
biosmem_boot_data_reserve(phys_addr_t start, phys_addr_t end, const char *name)
{
    return biosmem_boot_data_reserve_id(start, end, name, -1);
}

int
biosmem_boot_data_reserve_id(phys_addr_t start, phys_addr_t end,
                             const char *name, int id)
{
    if (start > end || biosmem_handed_off) {
        return ERROR_INVAL;
    }

    /* Nothing at or above the limit is ever free; clamping keeps rounding safe. */
    start = MIN(start, biosmem_phys_limit);
    end = MIN(end, biosmem_phys_limit);
    if (start == end) {
        return 0;
    }
    if (biosmem_boot_data_nr == biosmem_boot_data_max) {
        biosmem_stats.boot_data_dropped++;
        return ERROR_NOSPC;
    }
    biosmem_boot_data[biosmem_boot_data_nr++] = (struct biosmem_range){
        .start = start, .end = end, .name = name, .id = id,
    };
    return 0;
}

/*
 * Protected pieces. Piece 2i and 2i+1 are the parts of boot data range i
 * below and above the excluded bytes [xs, xe), rounded out to pages; the
 * pieces after those are the boot allocations. Returns false when piece
 * index is empty.
 */
static bool
biosmem_piece_get(unsigned int index, phys_addr_t xs, phys_addr_t xe,
                  phys_addr_t *startp, phys_addr_t *endp)
{
    const struct biosmem_range *range;
    phys_addr_t start, end;

    if (index >= 2 * biosmem_boot_data_nr) {
        range = &biosmem_allocs[index - 2 * biosmem_boot_data_nr];
        *startp = range->start;
        *endp = range->end;
        return true;
    }

    range = &biosmem_boot_data[index / 2];
    if (index % 2 == 0) {
        start = range->start;
        end = MIN(range->end, xs);
    } else {
        start = MAX(range->start, xe);
        end = range->end;
    }
    if (start >= end) {
        return false;
    }
    *startp = P2TRUNC(start, PAGE_SIZE);
    *endp = P2ROUND(end, PAGE_SIZE);
    return true;
}

/*
 * Classify addr against the protected pieces (boot data less [xs, xe), and
 * allocations). Returns true when a piece covers addr, with *endp set to
 * the highest end of the pieces covering it; otherwise returns false with
 * *endp set to the lowest piece start above addr (BIOSMEM_ADDR_END if none).
 */
static bool
biosmem_protected_lookup(phys_addr_t addr, phys_addr_t xs, phys_addr_t xe,
                         phys_addr_t *endp)
{
    unsigned int nr_pieces = 2 * biosmem_boot_data_nr + biosmem_alloc_nr;
    phys_addr_t covered_end = addr, next = BIOSMEM_ADDR_END;
    bool covered = false;

    for (unsigned int i = 0; i < nr_pieces; i++) {
        phys_addr_t start, end;

        if (!biosmem_piece_get(i, xs, xe, &start, &end)) {
            continue;
        }
        if (start <= addr && addr < end) {
            covered = true;
            covered_end = MAX(covered_end, end);
        } else if (start > addr) {
            next = MIN(next, start);
        }
    }
    *endp = covered ? covered_end : next;
    return covered;
}

/* Coalesces adjacent ranges before passing them on. */
struct biosmem_emitter {
    unsigned int seg;
    biosmem_range_fn fn;
    void *arg;
    phys_addr_t start;
    phys_addr_t end;
};

static void
biosmem_emitter_flush(struct biosmem_emitter *emitter)
{
    if (emitter->start < emitter->end) {
        emitter->fn(emitter->seg, emitter->start, emitter->end, emitter->arg);
    }
    emitter->start = emitter->end = 0;
}

static void
biosmem_emitter_push(struct biosmem_emitter *emitter, phys_addr_t start,
                     phys_addr_t end)
{
    if (emitter->start < emitter->end && emitter->end == start) {
        emitter->end = end;
        return;
    }
    biosmem_emitter_flush(emitter);
    emitter->start = start;
    emitter->end = end;
}

/*
 * Push the parts of [start, end) that are protected (if want_protected)
 * or not protected (otherwise) by the pieces excluding [xs, xe).
 */
static void
biosmem_walk(struct biosmem_emitter *emitter, phys_addr_t start,
             phys_addr_t end, phys_addr_t xs, phys_addr_t xe,
             bool want_protected)
{
    phys_addr_t addr = start;

    while (addr < end) {
        phys_addr_t next;
        bool covered;

        covered = biosmem_protected_lookup(addr, xs, xe, &next);
        next = MIN(next, end);
        if (covered == want_protected) {
            biosmem_emitter_push(emitter, addr, next);
        }
        addr = next;
    }
}

/*
 * Intersect available range i of the map with segment seg and the window
 * [ws, we). Returns false when the intersection is empty.
 */
static bool
biosmem_avail_clip(unsigned int i, unsigned int seg, phys_addr_t ws,
                   phys_addr_t we, phys_addr_t *startp, phys_addr_t *endp)
{
    const struct biosmem_range *entry = &biosmem_map[i];

    if (entry->type != BIOSMEM_TYPE_AVAILABLE) {
        return false;
    }
    *startp = MAX(MAX(entry->start, biosmem_segment_bounds[seg].start), ws);
    *endp = MIN(MIN(entry->end, biosmem_segment_bounds[seg].end), we);
    return *startp < *endp;
}

void
biosmem_free_ranges(unsigned int seg, biosmem_range_fn fn, void *arg)
{
    struct biosmem_emitter emitter = { .seg = seg, .fn = fn, .arg = arg };

    if (seg >= BIOSMEM_NR_SEGS) {
        return;
    }
    for (unsigned int i = 0; i < biosmem_map_nr; i++) {
        phys_addr_t start, end;

        if (biosmem_avail_clip(i, seg, 0, BIOSMEM_ADDR_END, &start, &end)) {
            biosmem_walk(&emitter, start, end, 0, 0, false);
        }
    }
    biosmem_emitter_flush(&emitter);
}

int
biosmem_segment_get(unsigned int seg, struct biosmem_segment *segment)
{
    phys_addr_t start, end;

    if (seg >= BIOSMEM_NR_SEGS) {
        return ERROR_NOENT;
    }
    segment->name = biosmem_segment_bounds[seg].name;
    segment->start = segment->end = biosmem_segment_bounds[seg].start;
    segment->nr_pages = 0;
    for (unsigned int i = 0; i < biosmem_map_nr; i++) {
        if (!biosmem_avail_clip(i, seg, 0, BIOSMEM_ADDR_END, &start, &end)) {
            continue;
        }
        if (segment->nr_pages == 0) {
            segment->start = start;
        }
        segment->end = end;
        segment->nr_pages += (end - start) >> PAGE_SHIFT;
    }
    return 0;
}

/* First free run of a given size, found through biosmem_free_ranges(). */
struct biosmem_fit {
    phys_addr_t size;
    phys_addr_t limit;          /* the run must end at or below it */
    phys_addr_t addr;
};

static void
biosmem_fit_check(unsigned int seg, phys_addr_t start, phys_addr_t end,
                  void *arg)
{
    struct biosmem_fit *fit = arg;

    (void)seg;
    if (fit->addr == 0 && end - start >= fit->size
        && start + fit->size <= fit->limit) {
        fit->addr = start;
    }
}

/* Whether any available memory lies in [start, end). */
static bool
biosmem_avail_overlaps(phys_addr_t start, phys_addr_t end)
{
    for (unsigned int i = 0; i < biosmem_map_nr; i++) {
        if (biosmem_map[i].type == BIOSMEM_TYPE_AVAILABLE && start < end
            && biosmem_map[i].start < end && biosmem_map[i].end > start) {
            return true;
        }
    }
    return false;
}

/*
 * Record allocation [start, end). A run is extended when nothing but
 * unavailable memory separates it from the allocation: covering holes
 * costs nothing (they are never free), and with lowest-first allocation
 * this keeps one run per stretch of memory however fragmented it is.
 */
static int
biosmem_alloc_record(phys_addr_t start, phys_addr_t end)
{
    for (unsigned int i = 0; i < biosmem_alloc_nr; i++) {
        struct biosmem_range *run = &biosmem_allocs[i];

        if (run->end <= start && !biosmem_avail_overlaps(run->end, start)) {
            run->end = end;
            return 0;
        }
        if (run->start >= end && !biosmem_avail_overlaps(end, run->start)) {
            run->start = start;
            return 0;
        }
    }
    if (biosmem_alloc_nr == ARRAY_SIZE(biosmem_allocs)) {
        return ERROR_NOSPC;
    }
    biosmem_allocs[biosmem_alloc_nr++] = (struct biosmem_range){
        .start = start, .end = end,
    };
    return 0;
}

/* Lowest fit below limit in the segments segs, in order; 0 on failure. */
static phys_addr_t
biosmem_bootalloc_from(const unsigned int *segs, unsigned int nr_segs,
                       unsigned int npages, phys_addr_t limit)
{
    struct biosmem_fit fit = {
        .size = (phys_addr_t)npages << PAGE_SHIFT,
        .limit = limit,
    };

    if (npages == 0 || !biosmem_sanitized || biosmem_handed_off) {
        return 0;
    }
    for (unsigned int i = 0; i < nr_segs && fit.addr == 0; i++) {
        biosmem_free_ranges(segs[i], biosmem_fit_check, &fit);
    }
    if (fit.addr == 0 || biosmem_alloc_record(fit.addr, fit.addr + fit.size) != 0) {
        return 0;
    }
    return fit.addr;
}

phys_addr_t
biosmem_bootalloc(unsigned int npages)
{
    static const unsigned int segs[] = { BIOSMEM_SEG_DIRECTMAP, BIOSMEM_SEG_DMA };

    return biosmem_bootalloc_from(segs, ARRAY_SIZE(segs), npages,
                                  BIOSMEM_ADDR_END);
}

phys_addr_t
biosmem_bootalloc_low(unsigned int npages, phys_addr_t limit)
{
    static const unsigned int segs[] = { BIOSMEM_SEG_DMA };

    return biosmem_bootalloc_from(segs, ARRAY_SIZE(segs), npages, limit);
}

void
biosmem_handoff(biosmem_range_fn fn, void *arg)
{
    if (biosmem_handed_off) {
        return;
    }
    for (unsigned int seg = 0; seg < BIOSMEM_NR_SEGS; seg++) {
        biosmem_free_ranges(seg, fn, arg);
    }
    biosmem_handed_off = true;
}

/* Context of the pages a release frees, for biosmem_release_gap(). */
struct biosmem_release_ctx {
    phys_addr_t xs;
    phys_addr_t xe;
    struct biosmem_emitter *out;
};

/*
 * [start, end) is free once [xs, xe) is released; report its part that
 * was protected before, i.e. the pages the release frees.
 */
static void
biosmem_release_gap(unsigned int seg, phys_addr_t start, phys_addr_t end,
                    void *arg)
{
    struct biosmem_release_ctx *ctx = arg;

    (void)seg;
    biosmem_walk(ctx->out, start, end, 0, 0, true);
}

/* Remove the bytes [xs, xe) from the boot data; the caller checked room. */
static void
biosmem_boot_data_cut(phys_addr_t xs, phys_addr_t xe)
{
    unsigned int nr = biosmem_boot_data_nr;

    for (unsigned int i = 0; i < nr;) {
        struct biosmem_range *range = &biosmem_boot_data[i];
        bool below = range->start < xs, above = range->end > xe;

        if (range->end <= xs || range->start >= xe) {
            i++;
        } else if (below && above) {
            biosmem_boot_data[biosmem_boot_data_nr++] = (struct biosmem_range){
                .start = xe, .end = range->end, .name = range->name, .id = range->id,
            };
            range->end = xs;
            i++;
        } else if (below) {
            range->end = xs;
            i++;
        } else if (above) {
            range->start = xe;
            i++;
        } else {
            /* Entirely released: move the tail down, keeping the order. */
            for (unsigned int j = i + 1; j < biosmem_boot_data_nr; j++) {
                biosmem_boot_data[j - 1] = biosmem_boot_data[j];
            }
            biosmem_boot_data_nr--;
            nr--;
        }
    }
}

int
biosmem_release(phys_addr_t start, phys_addr_t end, biosmem_range_fn fn,
                void *arg)
{
    unsigned int splits = 0;

    if (start > end) {
        return ERROR_INVAL;
    }
    start = MIN(start, biosmem_phys_limit);
    end = MIN(end, biosmem_phys_limit);
    if (start == end) {
        return 0;
    }
    for (unsigned int i = 0; i < biosmem_boot_data_nr; i++) {
        if (biosmem_boot_data[i].start < start && biosmem_boot_data[i].end > end) {
            splits++;
        }
    }
    if (splits > biosmem_boot_data_max - biosmem_boot_data_nr) {
        return ERROR_NOSPC;
    }

    if (fn != NULL) {
        phys_addr_t ws = P2TRUNC(start, PAGE_SIZE), we = P2ROUND(end, PAGE_SIZE);

        for (unsigned int seg = 0; seg < BIOSMEM_NR_SEGS; seg++) {
            struct biosmem_emitter out = { .seg = seg, .fn = fn, .arg = arg };
            struct biosmem_release_ctx ctx = { start, end, &out };
            struct biosmem_emitter gaps = {
                .seg = seg, .fn = biosmem_release_gap, .arg = &ctx,
            };

            for (unsigned int i = 0; i < biosmem_map_nr; i++) {
                phys_addr_t s, e;

                if (biosmem_avail_clip(i, seg, ws, we, &s, &e)) {
                    biosmem_walk(&gaps, s, e, start, end, false);
                }
            }
            biosmem_emitter_flush(&gaps);
            biosmem_emitter_flush(&out);
        }
    }
    biosmem_boot_data_cut(start, end);
    return 0;
}

void
biosmem_stats_get(struct biosmem_stats *stats)
{
    *stats = biosmem_stats;
}

#ifdef CONFIG_PAE
#define BIOSMEM_LIMIT_TEXT      "the PAE limit of 4 PiB"
#else
#define BIOSMEM_LIMIT_TEXT      "4 GiB (kernel built without PAE)"
#endif

int
biosmem_phys_limit_set(phys_addr_t limit)
{
    if (biosmem_sanitized || limit == 0 || (limit & PAGE_MASK) != 0) {
        return ERROR_INVAL;
    }
    biosmem_phys_limit = MIN(limit, BIOSMEM_PHYS_LIMIT);
    return 0;
}

void
biosmem_report(void (*print)(const char *line))
{
    char line[160];
    uint64_t total_pages = 0, hole_bytes = 0;

    for (unsigned int i = 0; i < biosmem_map_nr; i++) {
        snprintf(line, sizeof(line), "biosmem: map 0x%016llx-0x%016llx %s",
                 (unsigned long long)biosmem_map[i].start,
                 (unsigned long long)biosmem_map[i].end,
                 biosmem_type_name(biosmem_map[i].type));
        print(line);
    }
    for (unsigned int i = 0; i < biosmem_boot_data_nr; i++) {
        const struct biosmem_range *range = &biosmem_boot_data[i];
        int n;

        n = snprintf(line, sizeof(line), "biosmem: boot data 0x%016llx-0x%016llx %s",
                     (unsigned long long)range->start,
                     (unsigned long long)range->end, range->name);
        if (range->id >= 0 && n > 0 && (size_t)n < sizeof(line)) {
            snprintf(line + n, sizeof(line) - n, " %d", range->id);
        }
        print(line);
    }
    for (unsigned int i = 0; i < biosmem_alloc_nr; i++) {
        snprintf(line, sizeof(line), "biosmem: boot alloc 0x%016llx-0x%016llx",
                 (unsigned long long)biosmem_allocs[i].start,
                 (unsigned long long)biosmem_allocs[i].end);
        print(line);
    }
    for (unsigned int seg = 0; seg < BIOSMEM_NR_SEGS; seg++) {
        struct biosmem_segment segment;

        biosmem_segment_get(seg, &segment);
        total_pages += segment.nr_pages;
        hole_bytes += (segment.end - segment.start) - (segment.nr_pages << PAGE_SHIFT);
        snprintf(line, sizeof(line),
                 "biosmem: segment %s 0x%016llx-0x%016llx %llu pages",
                 segment.name, (unsigned long long)segment.start,
                 (unsigned long long)segment.end,
                 (unsigned long long)segment.nr_pages);
        print(line);
    }

    snprintf(line, sizeof(line), "biosmem: entries %u read, %u merged, %u kept; "
             "holes %llu KiB, partial pages %llu bytes",
             biosmem_stats.map_read, biosmem_stats.map_merged, biosmem_map_nr,
             (unsigned long long)(hole_bytes >> 10),
             (unsigned long long)biosmem_stats.trimmed_bytes);
    print(line);

    if (total_pages == 0) {
        print("biosmem: warning: the memory map has no usable memory");
    }
    if (biosmem_stats.ignored_bytes != 0) {
        if (biosmem_phys_limit == BIOSMEM_PHYS_LIMIT) {
            snprintf(line, sizeof(line),
                     "biosmem: warning: ignoring %llu KiB (%llu MiB) of memory above "
                     BIOSMEM_LIMIT_TEXT,
                     (unsigned long long)(biosmem_stats.ignored_bytes >> 10),
                     (unsigned long long)(biosmem_stats.ignored_bytes >> 20));
        } else {
            snprintf(line, sizeof(line),
                     "biosmem: warning: ignoring %llu KiB (%llu MiB) of memory above "
                     "%llu MiB, the CPU's physical address limit",
                     (unsigned long long)(biosmem_stats.ignored_bytes >> 10),
                     (unsigned long long)(biosmem_stats.ignored_bytes >> 20),
                     (unsigned long long)(biosmem_phys_limit >> 20));
        }
        print(line);
    }
    if (biosmem_stats.map_dropped != 0) {
        snprintf(line, sizeof(line),
                 "biosmem: warning: %u memory map entries dropped (table of %u full), "
                 "%llu KiB available lost",
                 biosmem_stats.map_dropped, biosmem_raw_max,
                 (unsigned long long)(biosmem_stats.map_dropped_bytes >> 10));
        print(line);
    }
    if (biosmem_stats.boot_data_dropped != 0) {
        snprintf(line, sizeof(line),
                 "biosmem: warning: %u boot data ranges not protected (table of %u full)",
                 biosmem_stats.boot_data_dropped, biosmem_boot_data_max);
        print(line);
    }
    for (unsigned int i = 0; i < MIN(biosmem_warn_nr, BIOSMEM_WARN_MAX); i++) {
        snprintf(line, sizeof(line), "biosmem: warning: %s", biosmem_warnings[i]);
        print(line);
    }
    if (biosmem_warn_nr > BIOSMEM_WARN_MAX) {
        snprintf(line, sizeof(line), "biosmem: warning: %u more warnings not kept",
                 biosmem_warn_nr - BIOSMEM_WARN_MAX);
        print(line);
    }
}
