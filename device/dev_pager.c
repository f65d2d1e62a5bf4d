/* SPDX-License-Identifier: GPL-2.0-or-later */
/*
 * Device pagers (see device/dev_pager.h).
 *
 * Rationale. GNU Mach's device pager is a memory manager inside the
 * kernel: vm_map makes a VM object for the port, and each fault sends
 * itself memory_object_data_request, which the pager answers with the
 * device's physical page. Here the pages the kernel maps are already
 * in a VM object when the pager is made, so the pager is nothing but
 * that object behind a port, and a fault finds the page in the object
 * like any other: no messages, no second kind of fault.
 */
#include <stdbool.h>
#include <stdint.h>

#include <device/dev_pager.h>
#include <device/device.h>
#include <include/mach/kern_return.h>
#include <ipc/ipc_port.h>
#include <ipc/ipc_right.h>
#include <kern/error.h>
#include <kern/panic.h>
#include <vm/vm_object.h>
#include <vm/vm_user.h>

int
dev_pager_init(struct dev_pager *pager, struct vm_object *object, unsigned int prot)
{
    struct ipc_port *port = ipc_port_create_kobject(IPC_KOBJECT_PAGER, pager);

    if (port == NULL) {
        return ERROR_NOMEM;
    }
    vm_object_share(object);
    pager->object = object;
    pager->prot = prot;
    pager->port = port;
    return 0;
}

struct ipc_port *
dev_pager_port(struct dev_pager *pager)
{
    ipc_right_make(pager->port, MACH_MSG_TYPE_PORT_SEND);
    return pager->port;
}

kern_return_t
dev_pager_vm_map(struct ipc_port *port, struct vm_user_map *map, uintptr_t *addrp,
                 uintptr_t size, uintptr_t mask, bool anywhere, bool copy, uint64_t offset,
                 unsigned int cur_prot, unsigned int max_prot, unsigned int inherit)
{
    struct dev_pager *pager;

    assert(IPC_PORT_VALID(port));
    pager = ipc_port_kobject(port, IPC_KOBJECT_PAGER, NULL);    /* pagers live forever */
    if (pager == NULL) {
        return KERN_INVALID_ARGUMENT;
    }
    return vm_user_map_object(map, addrp, size, mask, anywhere, copy, pager->object, offset,
                              pager->prot, cur_prot, max_prot, inherit);
}
