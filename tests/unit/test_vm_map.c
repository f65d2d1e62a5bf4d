/* SPDX-License-Identifier: GPL-2.0-or-later */
/*
 * Host test of vm/vm_map.c, with entries from kern/kmem.c over the page
 * backend of kmem_host.c.
 *
 * Hand-written cases first: argument checks, fixed and anywhere entries,
 * every way vm_map_remove() cuts entries (back, front, split, several at
 * once, nothing), object offsets across cuts, lookups at the edges,
 * alignments that overflow near the top of the address space, the report.
 * Then random sequences against a brute-force model, an array holding for
 * each page of the map the id of the entry covering it (entries are never
 * merged, so an entry is a maximal run of one id): vm_map_enter() anywhere
 * with random sizes and alignments must return exactly the lowest fitting
 * address the model finds by scanning, fixed entries must succeed exactly
 * when the model's pages are free, removals at random places, lookups of
 * random addresses, and after every operation vm_map_check() (tree and
 * list order, every gap and subtree maximum recomputed) plus, regularly,
 * the whole entry list compared with the model. Then exhaustion (kmem out
 * of pages: ERROR_NOMEM with the map unchanged), threads sharing a map under
 * its lock, and a check that vm_map_check() does notice corruption. Every
 * part ends by removing everything and checking that kmem got every page
 * back.
 */
#include <inttypes.h>
#include <pthread.h>
#include <stdarg.h>
#include <stdbool.h>
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include <kern/kmem.h>
#include <kern/macros.h>
#include <machine/param.h>
#include <vm/vm_map.h>

#include "tests/unit/host_util.h"
#include "tests/unit/kmem_host.h"
#include "tests/unit/tap.h"

#define ARENA_PAGES             32768   /* 128 MiB */
#define MODEL_PAGES             2048
#define MODEL_BASE              ((uintptr_t)0x40000000)
#define NR_THREADS              4

__thread unsigned int percpu_host_cpu;

void
panic(const char *fmt, ...)
{
    va_list ap;

    va_start(ap, fmt);
    host_vpanic(fmt, ap);
}

/* ---------------------------------------------------------------- helpers */

static uint64_t rng_state = 0x2545f4914f6cdd1dULL;

static uint64_t
rng(void)
{
    return host_xorshift64(&rng_state);
}

/* Uniform in [0, n). */
static unsigned long
rng_below(unsigned long n)
{
    return (unsigned long)(rng() % n);
}

static uintptr_t
pages(unsigned long n)
{
    return (uintptr_t)n * PAGE_SIZE;
}

/* vm_map_check(), reported as a TAP failure with its message. */
static bool
map_ok(struct vm_map *map, const char *what)
{
    const char *error = vm_map_check(map);

    if (error != NULL) {
        tap_diag("%s: vm_map_check: %s", what, error);
    }
    return error == NULL;
}

/* Remove everything, then check that kmem got every entry's page back. */
static void
map_empty_check(struct vm_map *map, const char *part, unsigned long base_pages)
{
    struct vm_map_stats stats;
    int error;

    vm_map_lock(map);
    vm_map_stats_get(map, &stats);
    error = vm_map_remove(map, stats.start, stats.end);
    vm_map_stats_get(map, &stats);
    tap_check(error == 0 && stats.nr_entries == 0 && stats.mapped == 0
              && vm_map_first(map) == NULL && map_ok(map, part),
              "%s: removing the whole map leaves it empty", part);
    vm_map_unlock(map);
    kmem_purge();
    tap_check(kmem_host_pages_used() == base_pages,
              "%s: every entry back to kmem (%lu pages in use, %lu before)",
              part, kmem_host_pages_used(), base_pages);
}

/* Pages kmem holds once everything free went back. */
static unsigned long
base_pages(void)
{
    kmem_purge();
    return kmem_host_pages_used();
}

/* ---------------------------------------------------------------- basic cases */

static void
test_args(void)
{
    struct vm_map map;
    uintptr_t addr;

    tap_check(vm_map_init(&map, pages(2), pages(2)) == ERROR_INVAL
              && vm_map_init(&map, pages(3), pages(2)) == ERROR_INVAL
              && vm_map_init(&map, 1, pages(2)) == ERROR_INVAL
              && vm_map_init(&map, 0, pages(2) + 1) == ERROR_INVAL,
              "init: empty, reversed or unaligned ranges refused");
    tap_check(vm_map_init(&map, pages(16), pages(32)) == 0 && map_ok(&map, "init"),
              "init: [16, 32) pages");

    vm_map_lock(&map);
    tap_check(vm_map_enter(&map, &addr, 0, 0, VM_MAP_PROT_RW, VM_MAP_ANYWHERE) == ERROR_INVAL
              && vm_map_enter(&map, &addr, 100, 0, VM_MAP_PROT_RW, VM_MAP_ANYWHERE)
                 == ERROR_INVAL
              && vm_map_enter(&map, &addr, pages(1), pages(3), VM_MAP_PROT_RW,
                              VM_MAP_ANYWHERE) == ERROR_INVAL
              && vm_map_enter(&map, &addr, pages(1), 0, 0x8, VM_MAP_ANYWHERE) == ERROR_INVAL
              && vm_map_enter(&map, &addr, pages(1), 0, VM_MAP_PROT_RW, 0) == ERROR_INVAL
              && vm_map_enter(&map, &addr, pages(1), 0, VM_MAP_PROT_RW,
                              VM_MAP_FIXED | VM_MAP_ANYWHERE) == ERROR_INVAL,
              "enter: zero or unaligned size, bad alignment, protection or flags refused");
    addr = pages(15);
    tap_check(vm_map_enter(&map, &addr, pages(1), 0, VM_MAP_PROT_RW, VM_MAP_FIXED)
              == ERROR_INVAL, "enter: fixed below the map refused");
    addr = pages(31);
    tap_check(vm_map_enter(&map, &addr, pages(2), 0, VM_MAP_PROT_RW, VM_MAP_FIXED)
              == ERROR_INVAL, "enter: fixed across the map's end refused");
    addr = pages(17) + 1;
    tap_check(vm_map_enter(&map, &addr, pages(1), 0, VM_MAP_PROT_RW, VM_MAP_FIXED)
              == ERROR_INVAL, "enter: fixed at an unaligned address refused");
    addr = pages(18);
    tap_check(vm_map_enter(&map, &addr, pages(1), pages(4), VM_MAP_PROT_RW, VM_MAP_FIXED)
              == ERROR_INVAL, "enter: fixed at an address off the alignment refused");
    tap_check(vm_map_remove(&map, pages(18), pages(18)) == ERROR_INVAL
              && vm_map_remove(&map, pages(15), pages(18)) == ERROR_INVAL
              && vm_map_remove(&map, pages(18), pages(33)) == ERROR_INVAL
              && vm_map_remove(&map, pages(18) + 8, pages(20)) == ERROR_INVAL,
              "remove: empty, unaligned or outside ranges refused");
    tap_check(vm_map_find_free(&map, 0, 0, &addr) == ERROR_INVAL
              && vm_map_find_free(&map, pages(1), 12288, &addr) == ERROR_INVAL,
              "find_free: bad size or alignment refused");
    tap_check(vm_map_find_free(&map, pages(16), 0, &addr) == 0 && addr == pages(16)
              && vm_map_find_free(&map, pages(17), 0, &addr) == ERROR_NOSPC
              && vm_map_find_free(&map, pages(1), pages(64), &addr) == ERROR_NOSPC,
              "find_free: the whole empty map fits, one page more or an alignment "
              "outside it does not");
    tap_check(map_ok(&map, "args") && vm_map_first(&map) == NULL,
              "refused calls leave the map empty");
    vm_map_unlock(&map);
}

static void
test_enter_remove(void)
{
    const struct vm_map_entry *e, *e2;
    struct vm_map_stats stats;
    struct vm_map map;
    uintptr_t addr, a[4];
    unsigned long base = base_pages();
    int error;

    vm_map_init(&map, pages(100), pages(200));
    vm_map_lock(&map);

    error = 0;
    for (int i = 0; i < 4; i++) {
        error |= vm_map_enter(&map, &a[i], pages(10), 0, VM_MAP_PROT_READ, VM_MAP_ANYWHERE);
    }
    tap_check(error == 0 && a[0] == pages(100) && a[1] == pages(110) && a[2] == pages(120)
              && a[3] == pages(130) && map_ok(&map, "anywhere"),
              "anywhere: four entries side by side from the map's start");
    vm_map_stats_get(&map, &stats);
    tap_check(stats.nr_entries == 4 && stats.mapped == pages(40) && stats.free == pages(60)
              && stats.largest_free == pages(60), "stats after four entries");

    addr = pages(135);
    tap_check(vm_map_enter(&map, &addr, pages(1), 0, VM_MAP_PROT_RW, VM_MAP_FIXED)
              == ERROR_EXIST, "fixed: inside an entry refused");
    addr = pages(139);
    tap_check(vm_map_enter(&map, &addr, pages(2), 0, VM_MAP_PROT_RW, VM_MAP_FIXED)
              == ERROR_EXIST, "fixed: across an entry's end refused");
    addr = pages(190);
    tap_check(vm_map_enter(&map, &addr, pages(10), 0, VM_MAP_PROT_ALL, VM_MAP_FIXED) == 0
              && addr == pages(190) && map_ok(&map, "fixed end"),
              "fixed: up to the map's end");
    addr = pages(180);
    tap_check(vm_map_enter(&map, &addr, pages(11), 0, VM_MAP_PROT_RW, VM_MAP_FIXED)
              == ERROR_EXIST, "fixed: onto the next entry refused");

    e = vm_map_lookup(&map, pages(110));
    e2 = vm_map_lookup(&map, pages(120) - 1);
    tap_check(e != NULL && e == e2 && e->start == pages(110) && e->end == pages(120)
              && e->protection == VM_MAP_PROT_READ && e->object == NULL && e->offset == 0,
              "lookup: first and last byte of an entry");
    tap_check(vm_map_lookup(&map, pages(100) - 1) == NULL
              && vm_map_lookup(&map, pages(140)) == NULL
              && vm_map_lookup(&map, pages(190) - 1) == NULL
              && vm_map_lookup(&map, pages(200)) == NULL
              && vm_map_lookup(&map, 0) == NULL,
              "lookup: free pages and addresses outside the map");

    /* Split a[1] = [110, 120) by removing [113, 115). */
    tap_check(vm_map_remove(&map, pages(113), pages(115)) == 0 && map_ok(&map, "split"),
              "remove: split an entry");
    e = vm_map_lookup(&map, pages(112));
    e2 = vm_map_lookup(&map, pages(115));
    tap_check(e != NULL && e2 != NULL && e->start == pages(110) && e->end == pages(113)
              && e2->start == pages(115) && e2->end == pages(120) && e2->offset == pages(5)
              && e2->protection == VM_MAP_PROT_READ
              && vm_map_lookup(&map, pages(113)) == NULL
              && vm_map_lookup(&map, pages(114)) == NULL && vm_map_next(&map, e) == e2,
              "split: two entries, the tail's offset moved by 5 pages");

    /* Cut the back of [110, 113) and the front of [115, 120), remove nothing between. */
    tap_check(vm_map_remove(&map, pages(112), pages(117)) == 0 && map_ok(&map, "cut"),
              "remove: across two entries and a hole");
    e = vm_map_lookup(&map, pages(111));
    e2 = vm_map_lookup(&map, pages(117));
    tap_check(e != NULL && e2 != NULL && e->end == pages(112) && e2->start == pages(117)
              && e2->offset == pages(7) && vm_map_lookup(&map, pages(116)) == NULL,
              "cut: back of one, front of the other, offset follows");

    /* Free [112, 117) is 5 pages; a 5-page search finds it before the end. */
    tap_check(vm_map_find_free(&map, pages(5), 0, &addr) == 0 && addr == pages(112)
              && vm_map_find_free(&map, pages(6), 0, &addr) == 0 && addr == pages(140)
              && vm_map_find_free(&map, pages(5), pages(16), &addr) == 0
              && addr == pages(112)
              && vm_map_find_free(&map, pages(5), pages(32), &addr) == 0
              && addr == pages(160),
              "find_free: lowest fit, the hole skipped when too small or misaligned");

    tap_check(vm_map_remove(&map, pages(150), pages(160)) == 0 && map_ok(&map, "nothing"),
              "remove: free range, nothing to do");
    tap_check(vm_map_remove(&map, pages(100), pages(140)) == 0 && map_ok(&map, "several"),
              "remove: several entries at once");
    vm_map_stats_get(&map, &stats);
    e = vm_map_first(&map);
    tap_check(stats.nr_entries == 1 && e != NULL && e->start == pages(190)
              && vm_map_next(&map, e) == NULL && stats.largest_free == pages(90),
              "only the fixed entry at the end is left");
    tap_check(vm_map_remove(&map, pages(199), pages(200)) == 0
              && vm_map_lookup(&map, pages(198))->end == pages(199) && map_ok(&map, "back"),
              "remove: the map's last page");
    tap_check(vm_map_enter(&map, &addr, pages(100), 0, VM_MAP_PROT_RW, VM_MAP_ANYWHERE)
              == ERROR_NOSPC, "anywhere: no room");
    vm_map_unlock(&map);
    map_empty_check(&map, "enter_remove", base);
}

/* Near the top of the address space, rounding up an address must not wrap. */
static void
test_top(void)
{
    uintptr_t top = (uintptr_t)0 - PAGE_SIZE, addr;
    struct vm_map map;
    unsigned long base = base_pages();

    vm_map_init(&map, top - pages(64), top);
    vm_map_lock(&map);
    tap_check(vm_map_find_free(&map, pages(1), (uintptr_t)1 << (sizeof(uintptr_t) * 8 - 1),
                               &addr) == ERROR_NOSPC,
              "top: an alignment past the end of the address space does not wrap");
    tap_check(vm_map_enter(&map, &addr, pages(64), 0, VM_MAP_PROT_RW, VM_MAP_ANYWHERE) == 0
              && addr == top - pages(64), "top: the whole map");
    tap_check(vm_map_remove(&map, top - pages(1), top) == 0
              && vm_map_find_free(&map, pages(1), pages(1024), &addr) == ERROR_NOSPC
              && vm_map_find_free(&map, pages(1), 0, &addr) == 0 && addr == top - pages(1),
              "top: last page freed, found only without a large alignment");
    addr = top - pages(1);
    tap_check(vm_map_enter(&map, &addr, pages(2), 0, VM_MAP_PROT_RW, VM_MAP_FIXED)
              == ERROR_INVAL && map_ok(&map, "top"),
              "top: fixed range past the end refused without wrapping");
    vm_map_unlock(&map);
    map_empty_check(&map, "top", base);
}

static char info_lines[8][160];
static unsigned int info_nr_lines;

static void
info_print(const char *line)
{
    if (info_nr_lines < ARRAY_SIZE(info_lines)) {
        snprintf(info_lines[info_nr_lines], sizeof(info_lines[0]), "%s", line);
    }
    info_nr_lines++;
}

static void
test_info(void)
{
    struct vm_map map;
    uintptr_t addr;
    unsigned long base = base_pages();

    vm_map_init(&map, 0xF8000000, 0xFF000000);
    vm_map_lock(&map);
    vm_map_enter(&map, &addr, pages(4), 0, VM_MAP_PROT_RW, VM_MAP_ANYWHERE);
    addr = 0xF9000000;
    vm_map_enter(&map, &addr, pages(1), 0, VM_MAP_PROT_READ | VM_MAP_PROT_EXECUTE,
                 VM_MAP_FIXED);
    vm_map_unlock(&map);
    vm_map_info(&map, info_print);
    tap_check(info_nr_lines == 3
              && strcmp(info_lines[0], "vm_map [0xf8000000, 0xff000000): 2 entries, 20 KiB "
                        "mapped, 114668 KiB free, largest free 98300 KiB") == 0
              && strcmp(info_lines[1], "  0xf8000000-0xf8004000        16 KiB rw-") == 0
              && strcmp(info_lines[2], "  0xf9000000-0xf9001000         4 KiB r-x") == 0,
              "info: summary and entry lines");
    for (unsigned int i = 0; i < MIN(info_nr_lines, ARRAY_SIZE(info_lines)); i++) {
        tap_diag("%s", info_lines[i]);
    }
    map_empty_check(&map, "info", base);
}

/* ---------------------------------------------------------------- model */

static uint32_t model[MODEL_PAGES];         /* entry id per page, 0: free */
static uintptr_t model_origin[1 << 17];     /* start of each id's first entry */
static unsigned int model_prot[1 << 17];
static uint32_t model_next_id;

static bool
model_free(unsigned long first, unsigned long n)
{
    for (unsigned long i = first; i < first + n; i++) {
        if (model[i] != 0) {
            return false;
        }
    }
    return true;
}

/* Lowest page index aligned to align_pages where n free pages fit, or -1. */
static long
model_find(unsigned long n, unsigned long align_pages)
{
    for (unsigned long i = 0; i + n <= MODEL_PAGES; i += align_pages) {
        if (model_free(i, n)) {
            return (long)i;
        }
    }
    return -1;
}

static uint32_t
model_add(unsigned long first, unsigned long n, unsigned int prot)
{
    uint32_t id = ++model_next_id;

    if (id >= ARRAY_SIZE(model_origin)) {
        panic("test: too many model ids");
    }
    for (unsigned long i = first; i < first + n; i++) {
        model[i] = id;
    }
    model_origin[id] = MODEL_BASE + pages(first);
    model_prot[id] = prot;
    return id;
}

/* Entry expected at page i (model[i] != 0): the run of its id. */
static void
model_run(unsigned long i, unsigned long *first, unsigned long *end)
{
    unsigned long s = i, e = i + 1;

    while (s > 0 && model[s - 1] == model[i]) {
        s--;
    }
    while (e < MODEL_PAGES && model[e] == model[i]) {
        e++;
    }
    *first = s;
    *end = e;
}

/* Entries equal to the model's runs, with their protection and offset. */
static bool
model_compare(struct vm_map *map)
{
    const struct vm_map_entry *entry = vm_map_first(map);
    unsigned long i = 0;

    while (i < MODEL_PAGES) {
        unsigned long first, end;
        uint32_t id;

        if (model[i] == 0) {
            i++;
            continue;
        }
        model_run(i, &first, &end);
        id = model[i];
        if (entry == NULL || entry->start != MODEL_BASE + pages(first)
            || entry->end != MODEL_BASE + pages(end) || entry->protection != model_prot[id]
            || entry->offset != entry->start - model_origin[id]) {
            tap_diag("model: entry at page %lu differs", first);
            return false;
        }
        entry = vm_map_next(map, entry);
        i = end;
    }
    return entry == NULL;
}

/* Random size in pages: mostly small, sometimes large. */
static unsigned long
random_pages(void)
{
    switch (rng_below(8)) {
    case 0:
        return 1 + rng_below(256);
    case 1:
    case 2:
        return 1 + rng_below(32);
    default:
        return 1 + rng_below(4);
    }
}

/* Random alignment in pages: mostly none, sometimes up to 256. */
static unsigned long
random_align(void)
{
    return (rng_below(3) == 0) ? 1UL << rng_below(9) : 1;
}

struct model_counts {
    unsigned long ops, anywhere, anywhere_full, fixed, fixed_busy, removes, splits,
                  lookups, finds, misaligned, failures;
};

static void
model_fail(struct model_counts *c, unsigned long op, const char *what)
{
    if (c->failures++ < 5) {
        tap_diag("random op %lu: %s", op, what);
    }
}

/* One random operation; remove_weight (of 16) sets how full the map gets. */
static void
model_step(struct vm_map *map, struct model_counts *c, unsigned long op,
           unsigned int remove_weight)
{
    unsigned int kind = rng_below(16);
    const struct vm_map_entry *entry;
    unsigned long n, align, first, end;
    unsigned int prot;
    uintptr_t addr;
    long expect;
    int error;

    if (kind < remove_weight) {
        /* Remove: a random range, or exactly an existing entry. */
        first = rng_below(MODEL_PAGES);
        n = random_pages();
        n = MIN(n, MODEL_PAGES - first);
        if (rng_below(2) == 0 && model[first] != 0) {
            model_run(first, &first, &end);
            n = end - first;
        } else if (first > 0 && first + n < MODEL_PAGES && model[first - 1] != 0
                   && model[first - 1] == model[first + n]) {
            c->splits++;
        }
        error = vm_map_remove(map, MODEL_BASE + pages(first), MODEL_BASE + pages(first + n));
        memset(&model[first], 0, n * sizeof(model[0]));
        c->removes++;
        if (error != 0) {
            model_fail(c, op, "remove failed");
        }
    } else if (kind < remove_weight + 4) {
        /* Anywhere: the lowest fit, as the model finds it. */
        n = random_pages();
        align = random_align();
        prot = (unsigned int)rng_below(8);
        expect = model_find(n, align);
        c->misaligned += (expect != model_find(n, 1));
        error = vm_map_enter(map, &addr, pages(n), pages(align), prot, VM_MAP_ANYWHERE);
        c->anywhere++;
        if (expect < 0) {
            c->anywhere_full++;
            if (error != ERROR_NOSPC) {
                model_fail(c, op, "anywhere: should not fit");
            }
        } else if (error != 0 || addr != MODEL_BASE + pages(expect)) {
            model_fail(c, op, "anywhere: not the lowest fit");
        } else {
            model_add(expect, n, prot);
        }
    } else if (kind < remove_weight + 6) {
        /* Fixed: must succeed exactly when the model's pages are free. */
        n = random_pages();
        align = random_align();
        first = P2TRUNC(rng_below(MODEL_PAGES), align);
        addr = MODEL_BASE + pages(first);
        error = vm_map_enter(map, &addr, pages(n), pages(align), VM_MAP_PROT_RW, VM_MAP_FIXED);
        c->fixed++;
        if (first + n > MODEL_PAGES) {
            if (error != ERROR_INVAL) {
                model_fail(c, op, "fixed: past the end should be refused");
            }
        } else if (!model_free(first, n)) {
            c->fixed_busy++;
            if (error != ERROR_EXIST) {
                model_fail(c, op, "fixed: overlap should be refused");
            }
        } else if (error != 0 || addr != MODEL_BASE + pages(first)) {
            model_fail(c, op, "fixed: free range refused");
        } else {
            model_add(first, n, VM_MAP_PROT_RW);
        }
    } else if (kind < remove_weight + 8) {
        /* Search without entering. */
        n = random_pages();
        align = random_align();
        expect = model_find(n, align);
        c->misaligned += (expect != model_find(n, 1));
        error = vm_map_find_free(map, pages(n), pages(align), &addr);
        c->finds++;
        if ((expect < 0) ? error != ERROR_NOSPC
                         : (error != 0 || addr != MODEL_BASE + pages(expect))) {
            model_fail(c, op, "find_free: not the lowest fit");
        }
    } else {
        /* Lookups: a few random addresses, in and around the map. */
        for (int i = 0; i < 4; i++) {
            unsigned long page = rng_below(MODEL_PAGES + 2);
            uintptr_t a = MODEL_BASE + pages(page) - PAGE_SIZE + rng_below(PAGE_SIZE);

            entry = vm_map_lookup(map, a);
            c->lookups++;
            if (page == 0 || page > MODEL_PAGES || model[page - 1] == 0) {
                if (entry != NULL) {
                    model_fail(c, op, "lookup: free address found");
                }
                continue;
            }
            model_run(page - 1, &first, &end);
            if (entry == NULL || entry->start != MODEL_BASE + pages(first)
                || entry->end != MODEL_BASE + pages(end)) {
                model_fail(c, op, "lookup: wrong entry");
            }
        }
    }
}

static void
test_model(const char *name, unsigned long nr_ops, unsigned int remove_weight)
{
    struct model_counts c = { 0 };
    struct vm_map_stats stats;
    struct vm_map map;
    unsigned long base = base_pages(), max_entries = 0, used;
    const char *error;

    memset(model, 0, sizeof(model));
    vm_map_init(&map, MODEL_BASE, MODEL_BASE + pages(MODEL_PAGES));
    vm_map_lock(&map);
    for (c.ops = 0; c.ops < nr_ops && c.failures == 0; c.ops++) {
        model_step(&map, &c, c.ops, remove_weight);
        error = vm_map_check(&map);
        if (error != NULL) {
            model_fail(&c, c.ops, error);
        }
        if (c.ops % 64 == 0 && !model_compare(&map)) {
            model_fail(&c, c.ops, "entries differ from the model");
        }
        vm_map_stats_get(&map, &stats);
        used = 0;
        for (unsigned long i = 0; i < MODEL_PAGES; i++) {
            used += (model[i] != 0);
        }
        if (stats.mapped != pages(used)) {
            model_fail(&c, c.ops, "mapped bytes differ from the model");
        }
        max_entries = MAX(max_entries, stats.nr_entries);
    }
    if (!model_compare(&map)) {
        model_fail(&c, c.ops, "entries differ from the model at the end");
    }
    vm_map_unlock(&map);
    tap_diag("%s: %lu ops: %lu anywhere (%lu full), %lu fixed (%lu refused), "
             "%lu removes (%lu splits), %lu searches, %lu lookups, up to %lu entries, "
             "%lu searches where the alignment moved the answer",
             name, c.ops, c.anywhere, c.anywhere_full, c.fixed, c.fixed_busy, c.removes,
             c.splits, c.finds, c.lookups, max_entries, c.misaligned);
    tap_check(c.failures == 0 && c.ops == nr_ops,
              "%s: %lu random operations match the model (%lu failures)",
              name, nr_ops, c.failures);
    tap_check(c.anywhere_full > 0 && c.fixed_busy > 0 && c.splits > 0 && c.misaligned > 0
              && max_entries >= 100,
              "%s: the sequence hit full maps, overlaps, splits and alignment misses", name);
    map_empty_check(&map, name, base);
}

/* ---------------------------------------------------------------- exhaustion */

static void
test_enomem(void)
{
    struct vm_map_stats before, after;
    unsigned long base, n = 0;
    struct vm_map map;
    uintptr_t addr = 0;
    int error;

    base = base_pages();
    vm_map_init(&map, 0, pages(1UL << 24));
    vm_map_lock(&map);
    /* Some multi-page entries (to split later), then one-page ones until no memory. */
    for (int i = 0; i < 8; i++) {
        vm_map_enter(&map, &addr, pages(4), 0, VM_MAP_PROT_RW, VM_MAP_ANYWHERE);
    }
    kmem_host_limit_set(kmem_host_pages_used() + 4);
    do {
        error = vm_map_enter(&map, &addr, pages(1), 0, VM_MAP_PROT_RW, VM_MAP_ANYWHERE);
        n++;
    } while (error == 0 && n < 1000000);
    vm_map_stats_get(&map, &before);
    tap_check(error == ERROR_NOMEM && map_ok(&map, "enomem") && before.nr_entries == n + 7,
              "enomem: enter fails cleanly after %lu entries", n - 1);
    addr = pages(1UL << 23);
    error = vm_map_enter(&map, &addr, pages(1), 0, VM_MAP_PROT_RW, VM_MAP_FIXED);
    tap_check(error == ERROR_NOMEM && map_ok(&map, "enomem fixed"),
              "enomem: fixed enter fails cleanly");
    error = vm_map_remove(&map, pages(1), pages(2));
    vm_map_stats_get(&map, &after);
    tap_check(error == ERROR_NOMEM && map_ok(&map, "enomem split")
              && memcmp(&before, &after, sizeof(before)) == 0
              && vm_map_lookup(&map, pages(1))->start == 0,
              "enomem: a split fails with the map unchanged");
    error = vm_map_clip(&map, pages(1));
    vm_map_stats_get(&map, &after);
    tap_check(error == ERROR_NOMEM && map_ok(&map, "enomem clip")
              && memcmp(&before, &after, sizeof(before)) == 0,
              "enomem: a clip fails with the map unchanged");
    tap_check(vm_map_remove(&map, pages(2), pages(6)) == 0 && map_ok(&map, "enomem cut"),
              "enomem: cuts and removals need no memory");
    vm_map_unlock(&map);
    map_empty_check(&map, "enomem", base);
    kmem_host_limit_set(~0UL);
}

/* ---------------------------------------------------------------- attributes */

/* Entry attributes: enter with all of them, clip, set; bad values refused. */
static void
test_attr(void)
{
    struct vm_object *obj = (struct vm_object *)&obj;     /* vm_map never looks inside */
    struct vm_map_attr attr = {
        .prot = VM_MAP_PROT_READ, .max_prot = VM_MAP_PROT_RW,
        .inherit = VM_MAP_INHERIT_SHARE, .object = obj, .offset = pages(1000),
    };
    const struct vm_map_entry *e, *e2;
    unsigned long base = base_pages();
    struct vm_map_stats stats;
    struct vm_map map;
    uintptr_t addr;

    vm_map_init(&map, pages(0), pages(100));
    vm_map_lock(&map);
    addr = pages(10);
    tap_check(vm_map_enter_attr(&map, &addr, pages(10), 0, &attr, VM_MAP_FIXED) == 0
              && (e = vm_map_lookup(&map, pages(15))) != NULL
              && e->protection == VM_MAP_PROT_READ && e->max_protection == VM_MAP_PROT_RW
              && e->inheritance == VM_MAP_INHERIT_SHARE && e->object == obj
              && e->offset == pages(1000) && map_ok(&map, "attr"),
              "attr: an entry keeps the attributes it was entered with");
    addr = pages(30);
    tap_check(vm_map_enter(&map, &addr, pages(1), 0, VM_MAP_PROT_RW, VM_MAP_FIXED) == 0
              && (e = vm_map_lookup(&map, pages(30))) != NULL
              && e->max_protection == VM_MAP_PROT_ALL && e->inheritance == VM_MAP_INHERIT_COPY
              && e->object == NULL && e->offset == 0,
              "attr: vm_map_enter gives max ALL, inheritance COPY, no object");
    attr.prot = VM_MAP_PROT_ALL;
    tap_check(vm_map_enter_attr(&map, &addr, pages(1), 0, &attr, VM_MAP_ANYWHERE)
              == ERROR_INVAL, "attr: protection above the maximum refused");
    attr.prot = VM_MAP_PROT_READ;
    attr.inherit = 3;
    tap_check(vm_map_enter_attr(&map, &addr, pages(1), 0, &attr, VM_MAP_ANYWHERE)
              == ERROR_INVAL, "attr: inheritance 3 refused");
    attr.inherit = VM_MAP_INHERIT_NONE;
    attr.max_prot = 0x8;
    tap_check(vm_map_enter_attr(&map, &addr, pages(1), 0, &attr, VM_MAP_ANYWHERE)
              == ERROR_INVAL, "attr: maximum with a bit outside ALL refused");
    vm_map_stats_get(&map, &stats);
    tap_check(stats.nr_entries == 2 && map_ok(&map, "attr refused"),
              "attr: refused enters leave the map unchanged");

    /* Clips. */
    tap_check(vm_map_clip(&map, pages(13)) == 1 && map_ok(&map, "clip")
              && (e = vm_map_lookup(&map, pages(12))) != NULL
              && (e2 = vm_map_lookup(&map, pages(13))) != NULL && e != e2
              && e->start == pages(10) && e->end == pages(13)
              && e2->start == pages(13) && e2->end == pages(20)
              && e->offset == pages(1000) && e2->offset == pages(1003)
              && e2->object == obj && e2->protection == VM_MAP_PROT_READ
              && e2->max_protection == VM_MAP_PROT_RW
              && e2->inheritance == VM_MAP_INHERIT_SHARE,
              "clip: splits in two with the attributes and the offset carried");
    vm_map_stats_get(&map, &stats);
    tap_check(stats.nr_entries == 3 && stats.mapped == pages(11),
              "clip: one more entry, the same bytes mapped");
    tap_check(vm_map_clip(&map, pages(13)) == 0 && vm_map_clip(&map, pages(10)) == 0
              && vm_map_clip(&map, pages(20)) == 0 && vm_map_clip(&map, pages(25)) == 0
              && vm_map_clip(&map, pages(0)) == 0 && vm_map_clip(&map, pages(100)) == 0,
              "clip: boundaries, holes and the map's ends change nothing");
    tap_check(vm_map_clip(&map, pages(15) + 1) == ERROR_INVAL, "clip: unaligned refused");
    vm_map_stats_get(&map, &stats);
    tap_check(stats.nr_entries == 3 && map_ok(&map, "clip nothing"),
              "clip: still three entries");

    /* Setting attributes. */
    e = vm_map_lookup(&map, pages(13));
    tap_check(vm_map_entry_attr_set(&map, e, VM_MAP_PROT_RW, VM_MAP_PROT_READ,
                                    VM_MAP_INHERIT_COPY) == ERROR_INVAL
              && e->protection == VM_MAP_PROT_READ,
              "attr_set: protection above the maximum refused, entry unchanged");
    tap_check(vm_map_entry_attr_set(&map, e, VM_MAP_PROT_NONE, VM_MAP_PROT_READ,
                                    VM_MAP_INHERIT_NONE) == 0
              && e->protection == VM_MAP_PROT_NONE && e->max_protection == VM_MAP_PROT_READ
              && e->inheritance == VM_MAP_INHERIT_NONE
              && vm_map_lookup(&map, pages(12))->max_protection == VM_MAP_PROT_RW
              && map_ok(&map, "attr_set"),
              "attr_set: one entry changes, its neighbour does not");

    /* Wired access: new entries unwired, the value kept and carried into both halves. */
    e2 = vm_map_lookup(&map, pages(13));
    tap_check(e2 != NULL && e2->wired_access == 0, "wired: entries start unwired");
    vm_map_entry_wired_set(&map, e2, VM_MAP_PROT_RW);
    tap_check(vm_map_clip(&map, pages(15)) == 1 && e2->wired_access == VM_MAP_PROT_RW
              && vm_map_lookup(&map, pages(15))->wired_access == VM_MAP_PROT_RW
              && vm_map_lookup(&map, pages(12))->wired_access == 0,
              "wired: a split carries the wired access into both halves only");
    vm_map_entry_wired_set(&map, e2, 0);
    tap_check(e2->wired_access == 0
              && vm_map_lookup(&map, pages(15))->wired_access == VM_MAP_PROT_RW,
              "wired: unwiring one entry leaves its neighbour");

    /* vm_map_check() sees a protection above the maximum. */
    ((struct vm_map_entry *)e)->protection = VM_MAP_PROT_ALL;
    tap_check(vm_map_check(&map) != NULL, "check: detects a protection above the maximum");
    ((struct vm_map_entry *)e)->protection = VM_MAP_PROT_NONE;
    vm_map_unlock(&map);
    map_empty_check(&map, "attr", base);
}

/* ---------------------------------------------------------------- threads */

static struct vm_map thread_map;

/* Each thread enters and removes its own entries; others' must stay intact. */
static void *
thread_run(void *arg)
{
    unsigned int cpu = (unsigned int)(uintptr_t)arg;
    uintptr_t addrs[64];
    unsigned long bad = 0;

    percpu_host_set_cpu(cpu);
    for (int round = 0; round < 200; round++) {
        for (int i = 0; i < 64; i++) {
            vm_map_lock(&thread_map);
            if (vm_map_enter(&thread_map, &addrs[i], pages(1 + i % 3), 0,
                             cpu & VM_MAP_PROT_ALL, VM_MAP_ANYWHERE) != 0) {
                bad++;
                addrs[i] = 0;
            }
            vm_map_unlock(&thread_map);
        }
        for (int i = 0; i < 64; i++) {
            const struct vm_map_entry *entry;

            vm_map_lock(&thread_map);
            entry = vm_map_lookup(&thread_map, addrs[i]);
            if (entry == NULL || entry->start != addrs[i]
                || entry->end != addrs[i] + pages(1 + i % 3)
                || entry->protection != (cpu & VM_MAP_PROT_ALL)
                || vm_map_remove(&thread_map, addrs[i], addrs[i] + pages(1 + i % 3)) != 0) {
                bad++;
            }
            vm_map_unlock(&thread_map);
        }
    }
    return (void *)(uintptr_t)bad;
}

static void
test_threads(void)
{
    pthread_t threads[NR_THREADS];
    unsigned long bad = 0, base;
    void *ret;

    base = base_pages();
    vm_map_init(&thread_map, pages(1), pages(1 + 4 * 64 * NR_THREADS));
    for (unsigned int i = 0; i < NR_THREADS; i++) {
        pthread_create(&threads[i], NULL, thread_run, (void *)(uintptr_t)(i + 1));
    }
    for (unsigned int i = 0; i < NR_THREADS; i++) {
        pthread_join(threads[i], &ret);
        bad += (unsigned long)(uintptr_t)ret;
    }
    vm_map_lock(&thread_map);
    tap_check(bad == 0 && map_ok(&thread_map, "threads") && vm_map_first(&thread_map) == NULL,
              "threads: %d threads sharing a map under its lock (%lu errors)", NR_THREADS, bad);
    vm_map_unlock(&thread_map);
    for (unsigned int cpu = 1; cpu <= NR_THREADS; cpu++) {
        percpu_host_set_cpu(cpu);
        kmem_purge();
    }
    percpu_host_set_cpu(0);
    map_empty_check(&thread_map, "threads", base);
}

/* ---------------------------------------------------------------- the checker */

static void
test_check_detects(void)
{
    struct vm_map_entry *entry;
    struct vm_map map;
    uintptr_t addr, saved;
    unsigned long base = base_pages();

    vm_map_init(&map, 0, pages(1024));
    vm_map_lock(&map);
    for (int i = 0; i < 32; i++) {
        addr = pages(i * 8);
        vm_map_enter(&map, &addr, pages(1 + i % 5), 0, VM_MAP_PROT_RW, VM_MAP_FIXED);
    }
    tap_check(map_ok(&map, "check"), "check: a consistent map passes");

    entry = (struct vm_map_entry *)vm_map_lookup(&map, pages(40));
    saved = entry->max_gap;
    entry->max_gap += PAGE_SIZE;
    tap_check(vm_map_check(&map) != NULL, "check: a wrong subtree maximum is noticed");
    entry->max_gap = saved;
    entry->gap -= PAGE_SIZE;
    tap_check(vm_map_check(&map) != NULL, "check: a wrong gap is noticed");
    entry->gap += PAGE_SIZE;
    entry->end -= PAGE_SIZE;
    tap_check(vm_map_check(&map) != NULL, "check: a moved end is noticed");
    entry->end += PAGE_SIZE;
    tap_check(map_ok(&map, "check restored"), "check: the restored map passes again");
    vm_map_unlock(&map);
    map_empty_check(&map, "check", base);
}

int
main(void)
{
    kmem_host_setup(ARENA_PAGES);
    kmem_setup();

    test_args();
    test_enter_remove();
    test_top();
    test_info();
    test_attr();
    test_model("model sparse", 50000, 6);
    test_model("model dense", 50000, 3);
    test_model("model churn", 50000, 4);
    test_enomem();
    test_threads();
    test_check_detects();
    return tap_done();
}
