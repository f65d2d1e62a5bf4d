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
    /*
     * A line each: every name operation writes its space's lock, and two
     * tasks' spaces side by side in a slab made their CPUs trade the line.
     */
    if (kmem_cache_init(&ipc_space_cache, "ipc_space", sizeof(struct ipc_space),
                        CPU_CACHE_LINE, NULL, 0) != 0) {
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

/* What a port is, for a report: its kernel object's kind, or "port". */
static const char *
ipc_space_port_kind(const struct ipc_port *port)
{
    static const char *const kinds[] = {
        [IPC_KOBJECT_NONE] = "port", [IPC_KOBJECT_TASK] = "task", [IPC_KOBJECT_THREAD] = "thread",
        [IPC_KOBJECT_HOST] = "host", [IPC_KOBJECT_HOST_PRIV] = "host-priv",
        [IPC_KOBJECT_DEVICE_MASTER] = "device-master", [IPC_KOBJECT_PROCESSOR] = "processor",
        [IPC_KOBJECT_PSET] = "pset", [IPC_KOBJECT_PSET_NAME] = "pset-name",
        [IPC_KOBJECT_IO_PERM] = "io-perm", [IPC_KOBJECT_PAGER_CONTROL] = "pager-control",
        [IPC_KOBJECT_PAGER_NAME] = "pager-name",
    };

    return (size_t)port->kotype < ARRAY_SIZE(kinds) && kinds[port->kotype] != NULL
           ? kinds[port->kotype] : "kobject";
}

void
ipc_space_report(struct ipc_space *space, ipc_print_fn print)
{
    char line[IPC_INFO_LINE_SIZE];
    struct rdxtree_iter iter;
    struct ipc_entry *entry;
    unsigned long n = 0;

    print("      name  rights  urefs  object              queued  limit  seqno");
    ipc_space_lock(space);
    rdxtree_for_each(&space->names, &iter, entry) {
        mach_port_type_t t = entry->type;
        char rights[6] = "-----";

        rights[0] = (t & MACH_PORT_TYPE_RECEIVE) ? 'R' : '-';
        rights[1] = (t & MACH_PORT_TYPE_SEND) ? 'S' : '-';
        rights[2] = (t & MACH_PORT_TYPE_SEND_ONCE) ? 'O' : '-';
        rights[3] = (t & MACH_PORT_TYPE_PORT_SET) ? 'P' : '-';
        rights[4] = (t & MACH_PORT_TYPE_DEAD_NAME) ? 'D' : '-';
        if (t & MACH_PORT_TYPE_PORT_RIGHTS) {
            struct ipc_port *port = entry->object;

            spinlock_lock(&port->lock);
            snprintf(line, sizeof(line), "%10x  %s  %5u  %-9s %p %6lu %6u %6u", entry->name,
                     rights, entry->urefs, port->active ? ipc_space_port_kind(port) : "dead",
                     (void *)port, port->mqueue.nr_messages, port->mqueue.qlimit,
                     port->mqueue.seqno);
            spinlock_unlock(&port->lock);
        } else {
            snprintf(line, sizeof(line), "%10x  %s  %5u  %-9s %p", entry->name, rights,
                     entry->urefs, (t & MACH_PORT_TYPE_PORT_SET) ? "set" : "-",
                     entry->object);
        }
        print(line);
        n++;
    }
    ipc_space_unlock(space);
    snprintf(line, sizeof(line), "%lu names (rights: R receive, S send, O send-once, "
             "P port set, D dead name)", n);
    print(line);
}


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


