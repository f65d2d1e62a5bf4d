/* SPDX-License-Identifier: GPL-2.0-or-later */
/*
 * Early physical memory: the sanitized BIOS memory map, the physical
 * segments, boot data protection and the boot allocator used until
 * vm_page takes over. doc/biosmem.md describes the rules.
 *
 * Calling order (all on the boot CPU, before any other CPU runs; nothing
 * here locks):
 *
 *   biosmem_map_add() / biosmem_map_add_legacy()    raw map entries
 *   biosmem_map_sanitize()                          freeze and clean the map
 *   biosmem_boot_data_reserve()                     kernel, modules, ...
 *   biosmem_report()                                boot report
 *   biosmem_bootalloc()                             early allocations
 *   biosmem_segment_get()                           vm_page loads segments
 *   biosmem_handoff()                               free ranges to vm_page
 *   biosmem_release()                               boot data no longer needed
 *
 * biosmem_setup_multiboot() (i386/biosmem_mb.c) does the first three steps
 * from a multiboot information structure.
 *
 * All ranges are half-open, [start, end), in bytes.
 */
#ifndef I386_BIOSMEM_H
#define I386_BIOSMEM_H

#include <stddef.h>
#include <stdint.h>

#include <i386/param.h>
#include <kern/error.h>
#include <machine/pmem.h>

/* Memory types; the values are those of the BIOS E820 call and multiboot. */
#define BIOSMEM_TYPE_AVAILABLE  1
#define BIOSMEM_TYPE_RESERVED   2
#define BIOSMEM_TYPE_ACPI       3   /* ACPI tables, reclaimable once parsed */
#define BIOSMEM_TYPE_NVS        4   /* ACPI non-volatile storage */
#define BIOSMEM_TYPE_BADRAM     5   /* defective memory */

/*
 * Capacity of the built-in tables; see the failure notes of each
 * function. Larger maps and more boot data go into a buffer that the
 * caller finds in free memory (biosmem_storage_set()).
 */
#define BIOSMEM_MAP_MAX         128 /* raw map entries */
#define BIOSMEM_BOOT_DATA_MAX   64  /* protected boot data ranges */
#define BIOSMEM_ALLOC_MAX       32  /* boot allocation runs (see biosmem_bootalloc) */

/*
 * Highest physical address (exclusive) the kernel can use: 4 GiB without
 * PAE; with PAE the 52 bits a PAE page table entry can hold.
 */
#ifdef CONFIG_PAE
#define BIOSMEM_PHYS_LIMIT      (UINT64_C(1) << 52)
#else
#define BIOSMEM_PHYS_LIMIT      (UINT64_C(1) << 32)
#endif

/* Segments: the numbers of machine/pmem.h, shared with vm_page. */
#define BIOSMEM_SEG_DMA         PMEM_SEG_DMA
#define BIOSMEM_SEG_DIRECTMAP   PMEM_SEG_DIRECTMAP
#ifdef PMEM_SEG_DMA32
#define BIOSMEM_SEG_DMA32       PMEM_SEG_DMA32
#endif
#define BIOSMEM_SEG_HIGHMEM     PMEM_SEG_HIGHMEM
#define BIOSMEM_NR_SEGS         PMEM_NR_SEGS

/* Memory below this address is never handed out. */
#define BIOSMEM_LOW_LIMIT       0x10000

/* Description of a segment, as returned by biosmem_segment_get(). */
struct biosmem_segment {
    const char *name;           /* "DMA", "DIRECTMAP", "DMA32", "HIGHMEM" */
    phys_addr_t start;          /* start of the lowest available range */
    phys_addr_t end;            /* end of the highest available range */
    uint64_t nr_pages;          /* available pages, holes excluded */
};

/* Problems met so far; biosmem_report() prints the non-zero ones. */
struct biosmem_stats {
    unsigned int map_read;          /* non-empty map entries given to biosmem_map_add() */
    unsigned int map_merged;        /* sanitized entries before trimming */
    unsigned int map_dropped;       /* map entries lost: table full */
    unsigned int boot_data_dropped; /* boot data ranges lost: table full */
    uint64_t map_dropped_bytes;     /* available memory lost with them */
    uint64_t ignored_bytes;         /* available memory above BIOSMEM_PHYS_LIMIT */
    uint64_t trimmed_bytes;         /* available bytes in partial pages */
};

/*
 * Receives one range [start, end) of free pages in segment seg (both
 * bounds page-aligned, start < end). arg is the caller's pointer.
 */
typedef void (*biosmem_range_fn)(unsigned int seg, phys_addr_t start,
                                 phys_addr_t end, void *arg);

/*
 * Forget everything: map, boot data, allocations, statistics. Used by host
 * tests and fuzzers; the kernel starts from the zeroed state.
 */
void biosmem_reset(void);

/*
 * Lower the physical address limit below BIOSMEM_PHYS_LIMIT, for a CPU
 * that addresses less (a PAE CPU with 32 or 36 address bits): memory at
 * or above limit is left out like memory above BIOSMEM_PHYS_LIMIT, and
 * the report says it is the CPU's limit. Call before the map is
 * sanitized. Returns 0, or ERROR_INVAL (nothing changed) when the map is
 * already sanitized or limit is 0 or not page-aligned.
 */
int biosmem_phys_limit_set(phys_addr_t limit);

/*
 * Bytes of storage for nr_entries raw map entries and nr_boot_data boot
 * data ranges (see biosmem_storage_set()).
 */
size_t biosmem_storage_size(unsigned int nr_entries, unsigned int nr_boot_data);

/*
 * Keep the map and the boot data in the size bytes at mem instead of the
 * built-in tables, with room for nr_entries raw entries (at least
 * BIOSMEM_MAP_MAX) and nr_boot_data boot data ranges (at least
 * BIOSMEM_BOOT_DATA_MAX, counting the splits of later releases). mem
 * must stay valid for the kernel's life, 8-byte aligned. Call before the
 * first entry or boot data range. Returns the length of the part that is
 * still needed after biosmem_map_sanitize() (the rest, raw entries and
 * sort space, may then be reused), or 0 (nothing changed) when called
 * too late or size is too small.
 */
size_t biosmem_storage_set(void *mem, size_t size, unsigned int nr_entries,
                           unsigned int nr_boot_data);

/*
 * Keep a warning (printf format, no newline) for the report; the first
 * eight are kept, the others counted.
 */
void biosmem_warn(const char *fmt, ...) __attribute__((format(printf, 1, 2)));

/*
 * Add a raw map entry of len bytes at base, as the firmware reported it:
 * unsorted, overlapping, unaligned entries are all fine. Entries of length
 * 0 are ignored; unknown types count as reserved; a range that wraps past
 * 2^64 is cut there. Returns 0, ERROR_INVAL when the map is already
 * sanitized, or ERROR_NOSPC when the table is full and the new entry is
 * dropped (0 when a kept one makes room for it). A full table keeps the largest available ranges and
 * every other type: the smallest available entry (the new one or a kept
 * one) is dropped, counted in biosmem_stats.map_dropped and its bytes in
 * map_dropped_bytes. Takes O(n) time when full.
 */
int biosmem_map_add(uint64_t base, uint64_t len, uint32_t type);

/*
 * Add the map that multiboot's mem_lower/mem_upper fields describe (in
 * KiB, at 0 and at 1 MiB), for loaders that give no full map. mem_lower
 * above 640 is taken as 640. Returns 0 or the first error of
 * biosmem_map_add().
 */
int biosmem_map_add_legacy(uint32_t mem_lower, uint32_t mem_upper);

/*
 * Build the sanitized map from the raw entries: sorted, disjoint, where
 * overlapping entries take the most restrictive type (available < ACPI <
 * NVS < reserved < bad), adjacent entries of one type merged, available
 * ranges trimmed to whole pages, nothing at or above BIOSMEM_PHYS_LIMIT
 * (available memory cut there is counted in biosmem_stats.ignored_bytes).
 * After this, biosmem_map_add() fails. Calling it again recomputes the
 * same map. Cannot fail.
 */
void biosmem_map_sanitize(void);

/* Number of entries of the sanitized map. */
unsigned int biosmem_map_count(void);

/*
 * Return entry i of the sanitized map in *startp, *endp, *typep.
 * Returns 0, or ERROR_NOENT when i is out of range.
 */
int biosmem_map_get(unsigned int i, phys_addr_t *startp, phys_addr_t *endp,
                    uint32_t *typep);

/* Name of a memory type for reports ("available", "reserved", ...). */
const char *biosmem_type_name(uint32_t type);

/*
 * Protect the bytes [start, end) (the pages they touch) from the boot
 * allocator and from the hand-off to vm_page, wherever they lie (inside
 * available memory, a hole or reserved memory). name must be a string
 * that lives forever; it appears in the report. Call before the first
 * biosmem_bootalloc(). Returns 0 (also for an empty range), ERROR_INVAL
 * when start > end or after biosmem_handoff(), or ERROR_NOSPC when the
 * table is full (then the range is counted in
 * biosmem_stats.boot_data_dropped).
 */
int biosmem_boot_data_reserve(phys_addr_t start, phys_addr_t end,
                              const char *name);

/* Like biosmem_boot_data_reserve(), with a number shown after the name. */
int biosmem_boot_data_reserve_id(phys_addr_t start, phys_addr_t end,
                                 const char *name, int id);

/*
 * Allocate npages physically contiguous pages from the DIRECTMAP segment,
 * or from DMA when DIRECTMAP has no room (both lie in the direct map): the
 * lowest-addressed fit wins. The memory is not cleared. Allocations are
 * recorded as runs; a run grows over holes to reach the next allocation,
 * so lowest-first allocation rarely needs a new one. Returns the physical
 * address, or 0 when npages is 0, the map is not sanitized yet, vm_page
 * already took over, no free run of pages is long enough, or a new run is
 * needed and BIOSMEM_ALLOC_MAX exist. A caller that cannot do without
 * the pages panics on 0 with a message naming npages.
 */
phys_addr_t biosmem_bootalloc(unsigned int npages);

/*
 * Like biosmem_bootalloc(), but from the DMA segment only, and the run
 * must end at or below limit: for memory that real-mode code or old
 * devices must reach (the SMP trampoline lives below 1 MiB). Returns 0 on
 * the same failures, and when no such run exists below limit.
 */
phys_addr_t biosmem_bootalloc_low(unsigned int npages, phys_addr_t limit);

/*
 * Describe segment seg in *segment. An empty segment has nr_pages 0 and
 * start == end == its lower bound. Returns 0, or ERROR_NOENT when seg is
 * not below BIOSMEM_NR_SEGS. Requires a sanitized map (else every segment is empty).
 */
int biosmem_segment_get(unsigned int seg, struct biosmem_segment *segment);

/*
 * Call fn, in address order, for each free range of segment seg: its
 * available memory less boot data and boot allocations. Consecutive
 * ranges are never adjacent. Changes nothing; does nothing for an invalid
 * seg.
 */
void biosmem_free_ranges(unsigned int seg, biosmem_range_fn fn, void *arg);

/*
 * Hand the free ranges of all segments to vm_page: call fn for each, as
 * biosmem_free_ranges() does, then refuse further boot allocations and
 * boot data. Pages not handed over (boot data, boot allocations) are in
 * use from vm_page's point of view. Later calls do nothing.
 */
void biosmem_handoff(biosmem_range_fn fn, void *arg);

/*
 * Stop protecting the boot data bytes [start, end) (e.g. a module that has
 * been loaded). If fn is not NULL, call it for each page range that this
 * makes free (available, in a segment, no longer touched by boot data, not
 * a boot allocation); after biosmem_handoff() this is how the pages reach
 * vm_page. Returns 0, or (nothing changed, fn not called) ERROR_INVAL
 * when start > end, ERROR_NOSPC when cutting a hole into a range needs a
 * table slot and none is left.
 */
int biosmem_release(phys_addr_t start, phys_addr_t end, biosmem_range_fn fn,
                    void *arg);

/* Copy the problem counters into *stats. */
void biosmem_stats_get(struct biosmem_stats *stats);

/*
 * Produce the boot report, one line (no newline) per call of print: the
 * sanitized map, boot data, boot allocations, one line per segment
 * ("biosmem: segment NAME 0xSTART-0xEND PAGES pages") and warnings.
 */
void biosmem_report(void (*print)(const char *line));

/*
 * Return a pointer through which the size bytes at physical address addr
 * can be read (and, for the free memory biosmem may take for its tables,
 * written), or NULL when they are not accessible.
 */
typedef void *(*biosmem_ptov_fn)(phys_addr_t addr, size_t size);

/*
 * Read the memory map from the multiboot information at physical address
 * mbi_addr (falling back to mem_lower/mem_upper when it has none),
 * sanitize it, and protect the kernel image [kernel_start, kernel_end),
 * the multiboot information, command line, boot loader name, module table,
 * modules and module strings. Reads memory only through ptov. Returns 0,
 * or the first problem found: ERROR_INVAL when something could not be
 * read or was malformed (the structure itself unreachable, a bad map
 * entry, an unreachable string or module table), ERROR_NOSPC when a
 * table overflowed; everything readable is still used, and an
 * unreadable string still has its first page protected.
 */
int biosmem_setup_multiboot(phys_addr_t mbi_addr, phys_addr_t kernel_start,
                            phys_addr_t kernel_end, biosmem_ptov_fn ptov);

#endif /* I386_BIOSMEM_H */
