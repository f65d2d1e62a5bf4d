/* SPDX-License-Identifier: GPL-2.0-or-later */
/*
 * IPC spaces (see ipc/ipc_space.h and doc/ipc.md).
 *
 * Rationale. A space is a lock and a radix tree of entries: nothing in
 * it grows by reallocation, so adding a name never copies the others and
 * never needs more than one tree node at a time, and a space with a
 * million names costs what its names cost. Spaces are kept on a global
 * list only for the ipc_info report; the list lock is never held with a
 * space lock, so the report locks each space on its own and the list
 * stays off every other path.
 */
#include <stdbool.h>
#include <stddef.h>

#include <include/mach/kern_return.h>
#include <ipc/ipc_entry.h>
#include <ipc/ipc_port.h>
#include <ipc/ipc_right.h>
#include <ipc/ipc_space.h>
#include <kern/kmem.h>
#include <kern/list.h>
#include <kern/macros.h>
#include <kern/panic.h>
#include <kern/rdxtree.h>
#include <kern/spinlock.h>

#ifdef MACH_HOST
#include <stdio.h>
#else
#include <kern/printf.h>
#include <kern/shell.h>
#endif

static struct kmem_cache ipc_space_cache;

static struct spinlock ipc_space_list_lock = SPINLOCK_INITIALIZER;
static struct list ipc_space_list = LIST_INITIALIZER(ipc_space_list);
static unsigned int ipc_space_next_id = 1;

void
ipc_space_setup(void)
{
    if (kmem_cache_init(&ipc_space_cache, "ipc_space", sizeof(struct ipc_space), 0, NULL,
                        0) != 0) {
        panic("ipc: cannot create the space cache");
    }
}

kern_return_t
ipc_space_create(struct ipc_space **spacep)
{
    struct ipc_space *space = kmem_cache_alloc(&ipc_space_cache);

    if (space == NULL) {
        return KERN_RESOURCE_SHORTAGE;
    }
    spinlock_init(&space->lock);
    space->refs = 1;
    space->active = true;
    rdxtree_init(&space->names);
    spinlock_lock(&ipc_space_list_lock);
    space->id = ipc_space_next_id++;
    list_insert_tail(&ipc_space_list, &space->node);
    spinlock_unlock(&ipc_space_list_lock);
    *spacep = space;
    return KERN_SUCCESS;
}

void
ipc_space_destroy(struct ipc_space *space)
{
    struct rdxtree_iter iter;
    struct ipc_entry *entry;

    ipc_space_lock(space);
    space->active = false;
    rdxtree_for_each(&space->names, &iter, entry) {
        ipc_right_clean(space, entry);
    }
    assert(rdxtree_nr_values(&space->names) == 0);
    ipc_space_unlock(space);

    spinlock_lock(&ipc_space_list_lock);
    list_remove(&space->node);
    spinlock_unlock(&ipc_space_list_lock);
    ipc_space_unref(space);
}

void
ipc_space_ref(struct ipc_space *space)
{
    __atomic_fetch_add(&space->refs, 1, __ATOMIC_RELAXED);
}

void
ipc_space_unref(struct ipc_space *space)
{
    if (__atomic_sub_fetch(&space->refs, 1, __ATOMIC_ACQ_REL) == 0) {
        assert(!space->active);
        kmem_cache_free(&ipc_space_cache, space);
    }
}

/* ---------------------------------------------------------------- reports */

#define IPC_INFO_LINE_SIZE      128

static void
ipc_info_cache_line(ipc_print_fn print, const char *what, unsigned long nr, size_t size)
{
    char line[IPC_INFO_LINE_SIZE];

    snprintf(line, sizeof(line), "  %-14s %10lu x %4zu B = %8lu KiB", what, nr, size,
             (unsigned long)DIV_CEIL(nr * size, 1024));
    print(line);
}

void
ipc_info(ipc_print_fn print)
{
    unsigned long nr_spaces = 0, nr_names = 0, nr_nodes = 0;
    struct ipc_port_stats ports;
    char line[IPC_INFO_LINE_SIZE];
    struct ipc_space *space;

    print("space      names  height    nodes  tree KiB  entries KiB");
    spinlock_lock(&ipc_space_list_lock);
    list_foreach_entry(&ipc_space_list, space, node) {
        unsigned long names, nodes;
        unsigned int height;

        /* Spaces leave the list only under the list lock: space stays. */
        ipc_space_lock(space);
        names = rdxtree_nr_values(&space->names);
        nodes = rdxtree_nr_nodes(&space->names);
        height = rdxtree_height(&space->names);
        ipc_space_unlock(space);
        nr_spaces++;
        nr_names += names;
        nr_nodes += nodes;
        snprintf(line, sizeof(line), "%5u %10lu %7u %8lu %9lu %12lu", space->id, names,
                 height, nodes, (unsigned long)DIV_CEIL(nodes * RDXTREE_NODE_SIZE, 1024),
                 (unsigned long)DIV_CEIL(names * IPC_ENTRY_SIZE, 1024));
        print(line);
    }
    spinlock_unlock(&ipc_space_list_lock);

    ipc_port_stats_get(&ports);
    snprintf(line, sizeof(line), "ipc: %lu spaces, %lu names, %lu ports (%lu active), "
             "%lu port sets", nr_spaces, nr_names, ports.nr_ports, ports.nr_active,
             ports.nr_psets);
    print(line);
    ipc_info_cache_line(print, "spaces", nr_spaces, sizeof(struct ipc_space));
    ipc_info_cache_line(print, "entries", nr_names, IPC_ENTRY_SIZE);
    ipc_info_cache_line(print, "tree nodes", nr_nodes, RDXTREE_NODE_SIZE);
    ipc_info_cache_line(print, "ports", ports.nr_ports, sizeof(struct ipc_port));
    ipc_info_cache_line(print, "port sets", ports.nr_psets, sizeof(struct ipc_pset));
}

#ifndef MACH_HOST
static void
ipc_shell_print(const char *line)
{
    printf("%s\n", line);
}

static void
ipc_shell_info(int argc, char **argv)
{
    (void)argc;
    (void)argv;
    ipc_info(ipc_shell_print);
}

SHELL_CMD_DEFINE(ipc_info, "", "IPC spaces: names, tree heights, memory used",
                 ipc_shell_info);
#endif
