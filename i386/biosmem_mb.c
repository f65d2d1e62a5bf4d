/* SPDX-License-Identifier: GPL-2.0-or-later */
/*
 * Multiboot glue of biosmem: the only part that reads boot loader
 * structures. It copies what it needs out of them through the caller's
 * physical-to-virtual converter (so it works wherever the loader put
 * them, and host tests can point it at fake memory) and feeds the plain
 * core in biosmem.c. Nothing read here is trusted: sizes are checked
 * against the map length, strings and tables are only followed while the
 * converter says the memory is there, and loops end at the first failure.
 */
#include <stdbool.h>
#include <stddef.h>
#include <stdint.h>

#include <i386/biosmem.h>
#include <i386/multiboot.h>
#include <kern/error.h>
#include <kern/macros.h>

#ifdef MACH_HOST
#include <string.h>
#else
#include <kern/string.h>
#endif

/* Highest address: ranges that would pass it are cut there. */
#define BIOSMEM_ADDR_MAX        UINT64_MAX

/* Bytes of a map entry that follow its size field: base, length, type. */
#define BIOSMEM_MB_ENTRY_MIN    20

/* Longest boot loader string followed before giving up. */
#define BIOSMEM_MB_STRING_MAX   0x100000

/* Boot data ranges besides the modules: kernel, info, map, strings, module table, tables. */
#define BIOSMEM_MB_BOOT_DATA_FIXED  8

/* Boot data slots kept for the splits of later releases. */
#define BIOSMEM_MB_BOOT_DATA_SPARE  16

/* Most modules given boot data slots (the table would not fit in memory). */
#define BIOSMEM_MB_MODS_MAX     (1U << 24)

/* Candidate ranges tracked while looking for room for the tables. */
#define BIOSMEM_MB_ROOM_SLOTS   32

/* The first of two results that is an error: error if set, else next. */
static inline int
biosmem_mb_first_error(int error, int next)
{
    return (error != 0) ? error : next;
}

/* Copy size bytes at physical addr into buf. Returns false if unreachable. */
static bool
biosmem_mb_read(void *buf, phys_addr_t addr, size_t size, biosmem_ptov_fn ptov)
{
    const void *p = ptov(addr, size);

    if (p == NULL) {
        return false;
    }
    memcpy(buf, p, size);
    return true;
}

/*
 * Call fn for each entry of the multiboot memory map, in order. Returns
 * the number of entries, or ERROR_INVAL when the map is malformed or
 * unreachable (fn has seen the entries before the problem).
 */
static long
biosmem_mb_map_walk(const struct multiboot_info *mbi, biosmem_ptov_fn ptov,
                    void (*fn)(const struct multiboot_mmap_entry *entry, void *arg),
                    void *arg)
{
    uint32_t offset = 0;
    long nr = 0;

    while (offset < mbi->mmap_length) {
        struct multiboot_mmap_entry entry;

        if (mbi->mmap_length - offset < sizeof(entry)
            || !biosmem_mb_read(&entry, (phys_addr_t)mbi->mmap_addr + offset,
                                sizeof(entry), ptov)
            || entry.size < BIOSMEM_MB_ENTRY_MIN
            || entry.size > mbi->mmap_length - offset - sizeof(entry.size)) {
            return ERROR_INVAL;
        }
        if (fn != NULL) {
            fn(&entry, arg);
        }
        nr++;
        offset += sizeof(entry.size) + entry.size;
    }
    return nr;
}

/*
 * Length of the NUL-terminated string at addr, terminator included, in
 * *lenp. Returns false when the end cannot be found (then *lenp is what
 * was seen plus the byte where the search stopped).
 */
static bool
biosmem_mb_strlen(phys_addr_t addr, biosmem_ptov_fn ptov, phys_addr_t *lenp)
{
    for (phys_addr_t len = 0; len < BIOSMEM_MB_STRING_MAX; len++) {
        const char *c = ptov(addr + len, 1);

        if (c == NULL || *c == '\0') {
            *lenp = len + 1;
            return c != NULL;
        }
    }
    *lenp = BIOSMEM_MB_STRING_MAX;
    return false;
}

/*
 * Free memory for the tables, found before the map is sanitized: the
 * largest page-aligned pieces of available entries inside the direct
 * map, less everything any other entry or any boot data touches. At most
 * BIOSMEM_MB_ROOM_SLOTS pieces are tracked; when a cut splits one and
 * the slots are full, the smallest piece is forgotten. Each entry and
 * boot data range costs O(slots): O(n) in all.
 */
struct biosmem_mb_room {
    phys_addr_t start[BIOSMEM_MB_ROOM_SLOTS];
    phys_addr_t end[BIOSMEM_MB_ROOM_SLOTS];
    unsigned int nr;
};

static void
biosmem_mb_room_add(struct biosmem_mb_room *room, phys_addr_t start, phys_addr_t end)
{
    unsigned int i = room->nr;

    start = P2ROUND(MAX(start, (phys_addr_t)BIOSMEM_LOW_LIMIT), PAGE_SIZE);
    end = P2TRUNC(MIN(end, (phys_addr_t)DIRECTMAP_SIZE), PAGE_SIZE);
    if (start >= end) {
        return;
    }
    if (room->nr == BIOSMEM_MB_ROOM_SLOTS) {
        i = 0;
        for (unsigned int j = 1; j < room->nr; j++) {
            if (room->end[j] - room->start[j] < room->end[i] - room->start[i]) {
                i = j;
            }
        }
        if (end - start <= room->end[i] - room->start[i]) {
            return;
        }
    } else {
        room->nr++;
    }
    room->start[i] = start;
    room->end[i] = end;
}

static void
biosmem_mb_room_cut(struct biosmem_mb_room *room, phys_addr_t start, phys_addr_t end)
{
    unsigned int nr = room->nr;

    if (start >= end) {
        return;
    }
    start = P2TRUNC(start, PAGE_SIZE);
    end = (end > BIOSMEM_ADDR_MAX - PAGE_SIZE) ? BIOSMEM_ADDR_MAX : P2ROUND(end, PAGE_SIZE);
    for (unsigned int i = 0; i < nr; i++) {
        phys_addr_t s = room->start[i], e = room->end[i];

        if (e <= start || s >= end) {
            continue;
        }
        room->start[i] = room->end[i] = 0;      /* empty; pieces re-added */
        biosmem_mb_room_add(room, s, MIN(e, start));
        biosmem_mb_room_add(room, MAX(s, end), e);
    }
}

static void
biosmem_mb_room_avail(const struct multiboot_mmap_entry *entry, void *arg)
{
    if (entry->type == MULTIBOOT_MEMORY_AVAILABLE && entry->length != 0) {
        biosmem_mb_room_add(arg, entry->base_addr, (entry->length > BIOSMEM_ADDR_MAX
                            - entry->base_addr) ? BIOSMEM_ADDR_MAX
                            : entry->base_addr + entry->length);
    }
}

static void
biosmem_mb_room_other(const struct multiboot_mmap_entry *entry, void *arg)
{
    if (entry->type != MULTIBOOT_MEMORY_AVAILABLE && entry->length != 0) {
        biosmem_mb_room_cut(arg, entry->base_addr, (entry->length > BIOSMEM_ADDR_MAX
                            - entry->base_addr) ? BIOSMEM_ADDR_MAX
                            : entry->base_addr + entry->length);
    }
}

/* Cut the string at addr (up to its end, or the search limit) out of room. */
static void
biosmem_mb_room_cut_string(struct biosmem_mb_room *room, phys_addr_t addr,
                           biosmem_ptov_fn ptov)
{
    phys_addr_t len;

    biosmem_mb_strlen(addr, ptov, &len);
    biosmem_mb_room_cut(room, addr, addr + len);
}

/*
 * Find size bytes of free memory for the tables; returns its physical
 * address, or 0. Takes the top of the piece that ends highest, keeping
 * low memory for ISA DMA and the boot allocator's lowest-first runs.
 */
static phys_addr_t
biosmem_mb_room_find(const struct multiboot_info *mbi, phys_addr_t mbi_addr,
                     phys_addr_t kernel_start, phys_addr_t kernel_end, size_t size,
                     biosmem_ptov_fn ptov)
{
    struct biosmem_mb_room room = { .nr = 0 };
    phys_addr_t table = mbi->mods_addr, best = 0;

    biosmem_mb_map_walk(mbi, ptov, biosmem_mb_room_avail, &room);
    biosmem_mb_map_walk(mbi, ptov, biosmem_mb_room_other, &room);
    biosmem_mb_room_cut(&room, kernel_start, kernel_end);
    biosmem_mb_room_cut(&room, mbi_addr, mbi_addr + sizeof(*mbi));
    biosmem_mb_room_cut(&room, mbi->mmap_addr, (phys_addr_t)mbi->mmap_addr + mbi->mmap_length);
    if (mbi->flags & MULTIBOOT_INFO_CMDLINE) {
        biosmem_mb_room_cut_string(&room, mbi->cmdline, ptov);
    }
    if (mbi->flags & MULTIBOOT_INFO_BOOT_LOADER_NAME) {
        biosmem_mb_room_cut_string(&room, mbi->boot_loader_name, ptov);
    }
    if (mbi->flags & MULTIBOOT_INFO_MODS) {
        biosmem_mb_room_cut(&room, table, table + (phys_addr_t)mbi->mods_count
                            * sizeof(struct multiboot_module));
        for (uint32_t i = 0; i < mbi->mods_count; i++) {
            struct multiboot_module mod;

            if (!biosmem_mb_read(&mod, table + (phys_addr_t)i * sizeof(mod),
                                 sizeof(mod), ptov)) {
                break;
            }
            biosmem_mb_room_cut(&room, mod.mod_start, mod.mod_end);
            biosmem_mb_room_cut_string(&room, mod.string, ptov);
        }
    }
    for (unsigned int i = 0; i < room.nr; i++) {
        if (room.end[i] - room.start[i] >= size
            && P2TRUNC(room.end[i] - size, PAGE_SIZE) >= room.start[i]
            && room.end[i] > best + size
            && ptov(P2TRUNC(room.end[i] - size, PAGE_SIZE), size) != NULL) {
            best = P2TRUNC(room.end[i] - size, PAGE_SIZE);
        }
    }
    return best;
}

/* What adding the map's entries gave: entries added, the first error. */
struct biosmem_mb_added {
    unsigned int nr;
    int error;
};

static void
biosmem_mb_add_entry(const struct multiboot_mmap_entry *entry, void *arg)
{
    struct biosmem_mb_added *added = arg;
    int error = biosmem_map_add(entry->base_addr, entry->length, entry->type);

    if (error != 0) {
        added->error = biosmem_mb_first_error(added->error, error);
    } else if (entry->length != 0) {
        added->nr++;
    }
}

/*
 * Protect the NUL-terminated string at addr. When its end cannot be
 * found, protect what was seen plus the byte where the search stopped,
 * and return ERROR_INVAL. Otherwise returns what
 * biosmem_boot_data_reserve_id() returns.
 */
static int
biosmem_mb_reserve_string(phys_addr_t addr, const char *name, int id,
                          biosmem_ptov_fn ptov)
{
    phys_addr_t len;
    bool found = biosmem_mb_strlen(addr, ptov, &len);

    int error = biosmem_boot_data_reserve_id(addr, addr + len, name, id);

    if (!found) {
        biosmem_warn("%s at 0x%llx: no end found, %llu bytes protected", name,
                     (unsigned long long)addr, (unsigned long long)len);
        return ERROR_INVAL;
    }
    return error;
}

/*
 * Protect the module table, the modules and their strings. A module
 * whose end lies below its start is skipped with a warning naming it;
 * the others are all protected. Returns 0 or the first error:
 * ERROR_INVAL (unreadable table, inverted module, bad string) or
 * ERROR_NOSPC (boot data table full).
 */
static int
biosmem_mb_reserve_modules(const struct multiboot_info *mbi,
                           biosmem_ptov_fn ptov)
{
    phys_addr_t table = mbi->mods_addr;
    int error;

    error = biosmem_boot_data_reserve(table, table + (phys_addr_t)mbi->mods_count
                                      * sizeof(struct multiboot_module),
                                      "module table");
    for (uint32_t i = 0; i < mbi->mods_count; i++) {
        struct multiboot_module mod;

        if (!biosmem_mb_read(&mod, table + (phys_addr_t)i * sizeof(mod),
                             sizeof(mod), ptov)) {
            biosmem_warn("module table at 0x%llx unreachable from module %u of %u on",
                         (unsigned long long)table, i, mbi->mods_count);
            return biosmem_mb_first_error(error, ERROR_INVAL);
        }
        if (mod.mod_end < mod.mod_start) {
            biosmem_warn("module %u of %u: end 0x%x below start 0x%x: skipped",
                         i, mbi->mods_count, mod.mod_end, mod.mod_start);
            error = biosmem_mb_first_error(error, ERROR_INVAL);
            continue;
        }
        /* A full table is counted in the stats: the report says how many. */
        error = biosmem_mb_first_error(error, biosmem_boot_data_reserve_id(
                                           mod.mod_start, mod.mod_end, "module", i));
        error = biosmem_mb_first_error(error, biosmem_mb_reserve_string(
                                           mod.string, "module string", i, ptov));
    }
    return error;
}

/*
 * When the map or the boot data do not fit in biosmem's built-in tables,
 * give it a buffer in free memory. Returns the buffer's physical address
 * and sets *keepp to the part needed after sanitizing, or returns 0 (the
 * built-in tables stay, and keep the largest ranges).
 */
static phys_addr_t
biosmem_mb_storage(const struct multiboot_info *mbi, phys_addr_t mbi_addr,
                   phys_addr_t kernel_start, phys_addr_t kernel_end,
                   biosmem_ptov_fn ptov, size_t *keepp)
{
    unsigned int nr_entries = 0, nr_boot = BIOSMEM_MB_BOOT_DATA_FIXED
                                           + BIOSMEM_MB_BOOT_DATA_SPARE;
    phys_addr_t addr;
    long nr;
    size_t size;

    if (mbi->flags & MULTIBOOT_INFO_MEM_MAP) {
        nr = biosmem_mb_map_walk(mbi, ptov, NULL, NULL);
        nr_entries = (nr < 0) ? 0 : (unsigned int)nr;    /* mmap_length / 24 at most */
    }
    if (mbi->flags & MULTIBOOT_INFO_MODS) {
        nr_boot += 2 * MIN(mbi->mods_count, BIOSMEM_MB_MODS_MAX);
    }
    if (nr_entries <= BIOSMEM_MAP_MAX && nr_boot <= BIOSMEM_BOOT_DATA_MAX) {
        return 0;
    }
    nr_entries = MAX(nr_entries, BIOSMEM_MAP_MAX);
    nr_boot = MAX(nr_boot, BIOSMEM_BOOT_DATA_MAX);
    size = P2ROUND(biosmem_storage_size(nr_entries, nr_boot), PAGE_SIZE);
    addr = biosmem_mb_room_find(mbi, mbi_addr, kernel_start, kernel_end, size, ptov);
    if (addr == 0) {
        biosmem_warn("no free %zu KiB for the tables of %u map entries and %u boot "
                     "data ranges", size >> 10, nr_entries, nr_boot);
        return 0;
    }
    *keepp = biosmem_storage_set(ptov(addr, size), size, nr_entries, nr_boot);
    return (*keepp == 0) ? 0 : addr;
}

int
biosmem_setup_multiboot(phys_addr_t mbi_addr, phys_addr_t kernel_start,
                        phys_addr_t kernel_end, biosmem_ptov_fn ptov)
{
    struct biosmem_mb_added added = { .nr = 0, .error = 0 };
    struct multiboot_info mbi;
    phys_addr_t tables;
    size_t keep = 0;
    int e, error = 0;

    if (!biosmem_mb_read(&mbi, mbi_addr, sizeof(mbi), ptov)) {
        return ERROR_INVAL;
    }

    tables = biosmem_mb_storage(&mbi, mbi_addr, kernel_start, kernel_end, ptov, &keep);
    if (mbi.flags & MULTIBOOT_INFO_MEM_MAP) {
        if (biosmem_mb_map_walk(&mbi, ptov, biosmem_mb_add_entry, &added) < 0) {
            biosmem_warn("memory map at 0x%x: malformed or unreachable entry after "
                         "%u entries, the rest ignored", mbi.mmap_addr, added.nr);
            error = ERROR_INVAL;
        }
        error = biosmem_mb_first_error(error, added.error);
    }
    if (added.nr == 0 && (mbi.flags & MULTIBOOT_INFO_MEMORY)) {
        e = biosmem_map_add_legacy(mbi.mem_lower, mbi.mem_upper);
        error = biosmem_mb_first_error(error, e);
    }
    biosmem_map_sanitize();

    if (tables != 0) {
        e = biosmem_boot_data_reserve(tables, tables + keep, "biosmem tables");
        error = biosmem_mb_first_error(error, e);
    }
    e = biosmem_boot_data_reserve(kernel_start, kernel_end, "kernel");
    error = biosmem_mb_first_error(error, e);
    e = biosmem_boot_data_reserve(mbi_addr, mbi_addr + sizeof(mbi), "multiboot info");
    error = biosmem_mb_first_error(error, e);
    if (mbi.flags & MULTIBOOT_INFO_MEM_MAP) {
        e = biosmem_boot_data_reserve(mbi.mmap_addr, (phys_addr_t)mbi.mmap_addr
                                      + mbi.mmap_length, "memory map");
        error = biosmem_mb_first_error(error, e);
    }
    if (mbi.flags & MULTIBOOT_INFO_CMDLINE) {
        e = biosmem_mb_reserve_string(mbi.cmdline, "command line", -1, ptov);
        error = biosmem_mb_first_error(error, e);
    }
    if (mbi.flags & MULTIBOOT_INFO_BOOT_LOADER_NAME) {
        e = biosmem_mb_reserve_string(mbi.boot_loader_name, "boot loader name", -1, ptov);
        error = biosmem_mb_first_error(error, e);
    }
    if (mbi.flags & MULTIBOOT_INFO_MODS) {
        e = biosmem_mb_reserve_modules(&mbi, ptov);
        error = biosmem_mb_first_error(error, e);
    }
    return error;
}
