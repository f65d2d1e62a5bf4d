/* SPDX-License-Identifier: GPL-2.0-or-later */
/*
 * The device server routines (see device/device.h).
 *
 * Rationale. GNU Mach runs every device through a request block
 * (io_req) so that a driver may finish later and reply by itself; its
 * routines then answer MIG_NO_REPLY. The two devices here finish in
 * the caller's thread (a console read that must wait sleeps there,
 * interruptibly), so each routine returns its result and MIG's stub
 * replies: the bookkeeping of deferred replies is left out until a
 * device needs it. The generic checks are GNU Mach's, in its order:
 * the device (dead or closed ports give DEVICE_NULL, D_NO_SUCH_DEVICE),
 * then whether the device has the operation (D_INVALID_OPERATION), then
 * sizes. Devices are static objects that live forever, so a device_t
 * reference is a count kept for the invariants, not for memory.
 */
#include <stdbool.h>
#include <stddef.h>
#include <stdint.h>

#include <device/dev_console.h>
#include <device/dev_time.h>
#include <device/device.h>
#include <include/device/device_types.h>
#include <ipc/ipc_port.h>
#include <ipc/ipc_right.h>
#include <kern/host.h>
#include <kern/kmem.h>
#include <kern/macros.h>
#include <kern/mig_kernel.h>
#include <kern/panic.h>
#include <kern/spinlock.h>
#include <kern/string.h>
#include <machine/param.h>
#include <vm/vm_copy.h>
#include <vm/vm_map.h>

#include "device_S.h"

#define DEVICE_MODES            (D_READ | D_WRITE | D_NODELAY | D_NOWAIT)

static struct device *device_table[] = {
    &dev_console,
    &dev_time,
};

void
device_setup(void)
{
    for (size_t i = 0; i < ARRAY_SIZE(device_table); i++) {
        spinlock_init(&device_table[i]->lock);
        device_table[i]->open_count = 0;
        device_table[i]->port = NULL;
        device_table[i]->refs = 0;
    }
    dev_console_setup();
    dev_time_setup();
}

void
device_tick(void)
{
    dev_time_update();
    dev_console_tick();
}

void
device_reference(device_t dev)
{
    if (dev != DEVICE_NULL) {
        __atomic_fetch_add(&dev->refs, 1, __ATOMIC_RELAXED);
    }
}

void
device_deallocate(device_t dev)
{
    if (dev != DEVICE_NULL) {
        unsigned int old = __atomic_fetch_sub(&dev->refs, 1, __ATOMIC_RELAXED);

        assert(old != 0);
        (void)old;
    }
}

static void
device_ref_obj(void *obj)
{
    device_reference(obj);
}

device_t
dev_port_lookup(struct ipc_port *port)
{
    if (!IPC_PORT_VALID(port)) {
        return DEVICE_NULL;
    }
    return ipc_port_kobject(port, IPC_KOBJECT_DEVICE, device_ref_obj);
}

struct ipc_port *
convert_device_to_port(device_t dev)
{
    struct ipc_port *port = NULL;

    if (dev == DEVICE_NULL) {
        return NULL;
    }
    spinlock_lock(&dev->lock);
    if (dev->open_count != 0) {
        port = dev->port;
        ipc_right_make(port, MACH_MSG_TYPE_PORT_SEND);
    }
    spinlock_unlock(&dev->lock);
    device_deallocate(dev);
    return port;
}

/* The device called name (NUL-terminated within DEV_NAME_MAX), or DEVICE_NULL. */
static device_t
device_lookup(const char *name)
{
    size_t len = 0;

    while (len < DEV_NAME_MAX && name[len] != '\0') {
        len++;
    }
    if (len == DEV_NAME_MAX) {
        return DEVICE_NULL;         /* no NUL: no name */
    }
    for (size_t i = 0; i < ARRAY_SIZE(device_table); i++) {
        if (strcmp(device_table[i]->name, name) == 0) {
            return device_table[i];
        }
    }
    return DEVICE_NULL;
}

io_return_t
ds_device_open(struct ipc_port *master_port, struct ipc_port *reply_port,
               mach_msg_type_name_t reply_portPoly, dev_mode_t mode, const_dev_name_t name,
               device_t *device)
{
    struct ipc_port *port = NULL;
    io_return_t rc = D_SUCCESS;
    device_t dev;

    (void)reply_port;
    (void)reply_portPoly;
    if (master_port != host_device_master_port()) {
        return D_INVALID_OPERATION;
    }
    dev = device_lookup(name);
    if (dev == DEVICE_NULL) {
        return D_NO_SUCH_DEVICE;
    }
    if ((mode & ~DEVICE_MODES) != 0) {
        return D_INVALID_OPERATION;
    }

    /* A port made outside the lock, for a first open; dropped if another open won. */
    for (;;) {
        spinlock_lock(&dev->lock);
        if (dev->open_count != 0 || port != NULL) {
            break;
        }
        spinlock_unlock(&dev->lock);
        port = ipc_port_create_kobject(IPC_KOBJECT_DEVICE, dev);
        if (port == NULL) {
            return D_NO_MEMORY;
        }
    }
    if (dev->ops->open != NULL) {
        rc = dev->ops->open(dev, mode);
    }
    if (rc == D_SUCCESS) {
        if (dev->open_count == 0) {
            dev->port = port;
            port = NULL;
        }
        dev->open_count++;
        device_reference(dev);
    }
    spinlock_unlock(&dev->lock);
    if (port != NULL) {
        ipc_port_kobject_destroy(port);
    }
    if (rc == D_SUCCESS) {
        *device = dev;
    }
    return rc;
}

io_return_t
ds_device_close(device_t dev)
{
    struct ipc_port *port = NULL;

    if (dev == DEVICE_NULL) {
        return D_NO_SUCH_DEVICE;
    }
    spinlock_lock(&dev->lock);
    if (dev->open_count == 0) {
        spinlock_unlock(&dev->lock);
        return D_NO_SUCH_DEVICE;
    }
    if (--dev->open_count == 0) {
        port = dev->port;
        dev->port = NULL;
    }
    spinlock_unlock(&dev->lock);
    if (port != NULL) {
        ipc_port_kobject_destroy(port);     /* send rights become dead names */
    }
    return D_SUCCESS;
}

/* Whether dev is open now (a routine may race with the last close: harmless). */
static bool
device_is_open(device_t dev)
{
    return __atomic_load_n(&dev->open_count, __ATOMIC_RELAXED) != 0;
}

io_return_t
ds_device_write(device_t dev, struct ipc_port *reply_port, mach_msg_type_name_t reply_portPoly,
                dev_mode_t mode, recnum_t recnum, io_buf_ptr_t data,
                mach_msg_type_number_t dataCnt, int *bytes_written)
{
    struct vm_copy *copy = (struct vm_copy *)data;
    char *buf;
    size_t done = 0, written;
    io_return_t rc = D_SUCCESS;

    (void)reply_port;
    (void)reply_portPoly;
    if (dev == DEVICE_NULL || !device_is_open(dev)) {
        return D_NO_SUCH_DEVICE;
    }
    if (copy == NULL || vm_copy_size(copy) != dataCnt) {
        return D_INVALID_SIZE;
    }
    if (dev->ops->write == NULL) {
        return D_INVALID_OPERATION;
    }
    buf = kmem_alloc(PAGE_SIZE);
    if (buf == NULL) {
        return D_NO_MEMORY;
    }
    /* A page at a time through a kernel buffer: the copy's pages need no mapping. */
    while (done < dataCnt && rc == D_SUCCESS) {
        size_t len = MIN((size_t)dataCnt - done, (size_t)PAGE_SIZE);

        vm_copy_read(copy, done, buf, len);
        written = 0;
        rc = dev->ops->write(dev, mode, recnum, buf, len, &written);
        assert(written <= len);
        done += written;
        if (written < len) {
            break;
        }
    }
    kmem_free(buf, PAGE_SIZE);
    if (rc == D_SUCCESS) {
        vm_copy_discard(copy);
        *bytes_written = (int)done;
    }
    return rc;
}

io_return_t
ds_device_write_inband(device_t dev, struct ipc_port *reply_port,
                       mach_msg_type_name_t reply_portPoly, dev_mode_t mode, recnum_t recnum,
                       const io_buf_ptr_inband_t data, mach_msg_type_number_t dataCnt,
                       int *bytes_written)
{
    size_t written = 0;
    io_return_t rc;

    (void)reply_port;
    (void)reply_portPoly;
    if (dev == DEVICE_NULL || !device_is_open(dev)) {
        return D_NO_SUCH_DEVICE;
    }
    if (data == NULL || dataCnt > IO_INBAND_MAX) {
        return D_INVALID_SIZE;
    }
    if (dev->ops->write == NULL) {
        return D_INVALID_OPERATION;
    }
    rc = dev->ops->write(dev, mode, recnum, data, dataCnt, &written);
    if (rc == D_SUCCESS) {
        *bytes_written = (int)written;
    }
    return rc;
}

/* The generic part of both reads: at most want bytes into buf. */
static io_return_t
device_read_common(device_t dev, dev_mode_t mode, recnum_t recnum, int bytes_wanted,
                   size_t max, char *buf, size_t *readp)
{
    if (dev == DEVICE_NULL || !device_is_open(dev)) {
        return D_NO_SUCH_DEVICE;
    }
    if (dev->ops->read == NULL) {
        return D_INVALID_OPERATION;
    }
    if (bytes_wanted < 0) {
        return D_INVALID_SIZE;
    }
    *readp = 0;
    if (bytes_wanted == 0) {
        return D_SUCCESS;
    }
    return dev->ops->read(dev, mode, recnum, buf, MIN((size_t)bytes_wanted, max), readp);
}

io_return_t
ds_device_read(device_t dev, struct ipc_port *reply_port, mach_msg_type_name_t reply_portPoly,
               dev_mode_t mode, recnum_t recnum, int bytes_wanted, io_buf_ptr_t *data,
               mach_msg_type_number_t *dataCnt)
{
    struct vm_copy *copy = NULL;
    size_t len = 0;
    io_return_t rc;
    char *buf;

    (void)reply_port;
    (void)reply_portPoly;
    buf = kmem_alloc(DEVICE_READ_MAX);
    if (buf == NULL) {
        return D_NO_MEMORY;
    }
    rc = device_read_common(dev, mode, recnum, bytes_wanted, DEVICE_READ_MAX, buf, &len);
    if (rc == D_SUCCESS && len != 0) {
        if (vm_copy_create(len, &copy) == 0) {
            vm_copy_write(copy, 0, buf, len);
        } else {
            rc = D_NO_MEMORY;       /* the bytes read are lost, as a failed reply loses them */
        }
    }
    kmem_free(buf, DEVICE_READ_MAX);
    if (rc == D_SUCCESS) {
        *data = (io_buf_ptr_t)copy;
        *dataCnt = (mach_msg_type_number_t)len;
    }
    return rc;
}

io_return_t
ds_device_read_inband(device_t dev, struct ipc_port *reply_port,
                      mach_msg_type_name_t reply_portPoly, dev_mode_t mode, recnum_t recnum,
                      int bytes_wanted, io_buf_ptr_inband_t data,
                      mach_msg_type_number_t *dataCnt)
{
    size_t len = 0;
    io_return_t rc;

    (void)reply_port;
    (void)reply_portPoly;
    rc = device_read_common(dev, mode, recnum, bytes_wanted, IO_INBAND_MAX, data, &len);
    if (rc == D_SUCCESS) {
        *dataCnt = (mach_msg_type_number_t)len;
    }
    return rc;
}

io_return_t
ds_device_map(device_t dev, int prot, uintptr_t offset, uintptr_t size,
              struct ipc_port **pager, int unmap)
{
    (void)unmap;                    /* unused by GNU Mach too */
    if (dev == DEVICE_NULL || !device_is_open(dev)) {
        return D_NO_SUCH_DEVICE;
    }
    if ((prot & ~VM_MAP_PROT_ALL) != 0) {
        return KERN_INVALID_ARGUMENT;
    }
    if (dev->ops->map == NULL) {
        return D_INVALID_OPERATION;
    }
    return dev->ops->map(dev, (unsigned int)prot, offset, size, pager);
}

io_return_t
ds_device_set_status(device_t dev, dev_flavor_t flavor, const dev_status_t status,
                     mach_msg_type_number_t statusCnt)
{
    if (dev == DEVICE_NULL || !device_is_open(dev)) {
        return D_NO_SUCH_DEVICE;
    }
    if (dev->ops->set_status == NULL) {
        return D_INVALID_OPERATION;
    }
    if (statusCnt > DEV_STATUS_MAX) {
        return D_INVALID_SIZE;
    }
    return dev->ops->set_status(dev, flavor, status, statusCnt);
}

io_return_t
ds_device_get_status(device_t dev, dev_flavor_t flavor, dev_status_t status,
                     mach_msg_type_number_t *statusCnt)
{
    if (dev == DEVICE_NULL || !device_is_open(dev)) {
        return D_NO_SUCH_DEVICE;
    }
    if (dev->ops->get_status == NULL) {
        return D_INVALID_OPERATION;
    }
    if (*statusCnt > DEV_STATUS_MAX) {
        *statusCnt = DEV_STATUS_MAX;
    }
    return dev->ops->get_status(dev, flavor, status, statusCnt);
}

/*
 * Packet filters exist only for network devices (GNU Mach's d_async_in);
 * neither device here has one: the answer is GNU Mach's for its console
 * and time devices. The receive_port right is not consumed on failure.
 */
io_return_t
ds_device_set_filter(device_t dev, struct ipc_port *receive_port, int priority,
                     const filter_array_t filter, mach_msg_type_number_t filterCnt)
{
    (void)receive_port;
    (void)priority;
    (void)filter;
    (void)filterCnt;
    if (dev == DEVICE_NULL || !device_is_open(dev)) {
        return D_NO_SUCH_DEVICE;
    }
    return D_INVALID_OPERATION;
}

/*
 * User interrupt handlers attach to GNU Mach's "irq" device only (with
 * flags 0); there is none here (device_open("irq") is D_NO_SUCH_DEVICE),
 * so an open device is never it: D_INVALID_OPERATION, as GNU Mach
 * answers for any other device.
 */
io_return_t
ds_device_intr_register(device_t dev, int id, int flags, struct ipc_port *receive_port)
{
    (void)id;
    (void)flags;
    (void)receive_port;
    if (dev == DEVICE_NULL || !device_is_open(dev)) {
        return D_NO_SUCH_DEVICE;
    }
    return D_INVALID_OPERATION;
}

io_return_t
ds_device_intr_ack(device_t dev, struct ipc_port *receive_port)
{
    (void)receive_port;
    if (dev == DEVICE_NULL || !device_is_open(dev)) {
        return D_NO_SUCH_DEVICE;
    }
    return D_INVALID_OPERATION;
}

io_return_t
device_status_size(dev_flavor_t flavor, int size, int record_size, int *status,
                   mach_msg_type_number_t *countp)
{
    if (flavor != DEV_GET_SIZE && flavor != DEV_GET_RECORDS) {
        return D_INVALID_OPERATION;
    }
    if (*countp < DEV_GET_SIZE_COUNT) {
        return D_INVALID_SIZE;
    }
    status[0] = (flavor == DEV_GET_SIZE) ? size : size / record_size;
    status[1] = record_size;
    *countp = DEV_GET_SIZE_COUNT;
    return D_SUCCESS;
}
