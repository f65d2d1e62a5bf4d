/* SPDX-License-Identifier: GPL-2.0-or-later */
/*
 * Helpers shared by the host tests of ipc/ (test_ipc_space.c,
 * test_ipc_kmsg.c): the kmem pages in use once deferred frees ran and
 * caches were purged, and the type of a name (0xdead if it names nothing).
 */
#ifndef TESTS_UNIT_IPC_HOST_H
#define TESTS_UNIT_IPC_HOST_H

#include <include/mach/kern_return.h>
#include <include/mach/port.h>
#include <ipc/ipc_right.h>
#include <ipc/ipc_space.h>
#include <kern/kmem.h>
#include <kern/qsbr.h>

#include "tests/unit/kmem_host.h"

static inline unsigned long
pages_after_purge(void)
{
    qsbr_drain();
    kmem_purge();
    return kmem_host_pages_used();
}

static inline mach_port_type_t
type_of(struct ipc_space *space, mach_port_name_t name)
{
    mach_port_type_t type;

    return (ipc_right_type(space, name, &type) == KERN_SUCCESS) ? type : 0xdead;
}

#endif /* TESTS_UNIT_IPC_HOST_H */
