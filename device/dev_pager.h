/* SPDX-License-Identifier: GPL-2.0-or-later */
/*
 * Device pagers: the memory objects device_map returns. A pager is a
 * kernel-object port (IPC_KOBJECT_PAGER) standing for a VM object the
 * kernel keeps (shared, so that no mapping ever frees its pages) and
 * the most protection it allows. vm_map of the port maps that object
 * (vm_user_map_object()); no memory_object messages are ever sent, as
 * the kernel supplies every page itself (doc/device.md).
 *
 * Pagers are made at setup and live forever: their ports and objects
 * are never destroyed, so callers use them without references.
 */
#ifndef DEVICE_DEV_PAGER_H
#define DEVICE_DEV_PAGER_H

#include <stdbool.h>
#include <stdint.h>

#include <include/mach/kern_return.h>

struct ipc_port;
struct vm_object;
struct vm_user_map;

struct dev_pager {
    struct ipc_port *port;
    struct vm_object *object;           /* one reference, the pager's */
    unsigned int prot;                  /* VM_MAP_PROT_*: the most a mapping gets */
};

/*
 * Make pager stand for object (its reference moves to the pager; the
 * object is marked shared) with at most prot. Returns 0 or ERROR_NOMEM
 * (no port; nothing changed, the caller keeps its reference). Thread
 * context, at setup.
 */
int dev_pager_init(struct dev_pager *pager, struct vm_object *object, unsigned int prot);

/* A new send right to pager's port, for a message. */
struct ipc_port *dev_pager_port(struct dev_pager *pager);

/*
 * vm_map with memory_object port (valid): map the pager's object into
 * map as vm_user_map_object() says, at *addrp. Returns its results, or
 * KERN_INVALID_ARGUMENT when port is not a device pager (mach has no
 * other memory objects yet). Thread context.
 */
kern_return_t dev_pager_vm_map(struct ipc_port *port, struct vm_user_map *map,
                               uintptr_t *addrp, uintptr_t size, uintptr_t mask,
                               bool anywhere, bool copy, uint64_t offset,
                               unsigned int cur_prot, unsigned int max_prot,
                               unsigned int inherit);

#endif /* DEVICE_DEV_PAGER_H */
