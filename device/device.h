/* SPDX-License-Identifier: GPL-2.0-or-later */
/*
 * The device layer: the server routines of device.defs (base 2800) on
 * the device master port, for the kernel's few devices, "console" and
 * "time" (doc/device.md).
 *
 * Each routine has the prototype MIG generates for GNU Mach's
 * device.defs with KERNEL_SERVER (`tools/mig -DKERNEL_SERVER=1
 * /usr/include/i386-linux-gnu/device/device.defs DIR`, DIR/device_S.h),
 * with the kernel's own types where MIG's header names GNU Mach's
 * (struct ipc_port * for ipc_port_t, uintptr_t for vm_offset_t and
 * vm_size_t, io_return_t for kern_return_t: the same widths on i386),
 * and the conversions MIG's kernel server calls are here by the names
 * device_types.defs gives them: dev_port_lookup() (port to device_t,
 * with a reference), convert_device_to_port() (device_t to a send right,
 * consuming the reference) and device_deallocate() (drop a reference).
 *
 * A device is opened by name on the master port: the first open creates
 * its port (a kernel-object port of kind IPC_KOBJECT_DEVICE); each open
 * counts, and the last device_close kills the port, so that the send
 * rights handed out become dead names and a routine called on such a
 * port gets D_NO_SUCH_DEVICE, as in GNU Mach.
 *
 * Out-of-line data, as GNU Mach's kernel server passes it: device_write's
 * `data` is a `struct vm_copy *` (vm/vm_copy.h), which the routine
 * consumes when it returns D_SUCCESS and leaves to the caller otherwise;
 * device_read's `*data` is a new `struct vm_copy *` holding the bytes
 * read (NULL when none), which the caller owns.
 *
 * Locking: each device has a spinlock over its open count and port;
 * the routines run in the caller's thread (a blocking console read
 * sleeps there, interruptibly). Thread context, no lock held.
 */
#ifndef DEVICE_DEVICE_H
#define DEVICE_DEVICE_H

#include <stdbool.h>
#include <stddef.h>
#include <stdint.h>

#include <include/device/device_types.h>
#include <include/mach/kern_return.h>
#include <include/mach/message.h>
#include <kern/spinlock.h>

struct ipc_port;
struct vm_copy;

typedef struct device *device_t;
typedef char *io_buf_ptr_t;                     /* in the kernel: a struct vm_copy * */
typedef const char *const_io_buf_ptr_inband_t;
#define DEVICE_NULL             ((device_t)0)

/*
 * What a device does. Each operation gets the open device; NULL means
 * the operation is D_INVALID_OPERATION for it. Data pointers are kernel
 * memory. Operations run without the device lock.
 */
struct device_ops {
    /* Check each open's mode, under the device lock (never sleeps); NULL: any mode. */
    io_return_t (*open)(device_t dev, dev_mode_t mode);

    /* Write count bytes at recnum; *writtenp: bytes written. */
    io_return_t (*write)(device_t dev, dev_mode_t mode, recnum_t recnum,
                         const char *data, size_t count, size_t *writtenp);

    /* Read at most want (> 0) bytes into buf; *readp: bytes read. May sleep. */
    io_return_t (*read)(device_t dev, dev_mode_t mode, recnum_t recnum,
                        char *buf, size_t want, size_t *readp);

    /* device_get_status / device_set_status with MIG's count rules. */
    io_return_t (*get_status)(device_t dev, dev_flavor_t flavor, int *status,
                              mach_msg_type_number_t *countp);
    io_return_t (*set_status)(device_t dev, dev_flavor_t flavor, const int *status,
                              mach_msg_type_number_t count);

    /* device_map: a send right to a memory object for the range, in *pagerp. */
    io_return_t (*map)(device_t dev, unsigned int prot, uintptr_t offset, uintptr_t size,
                       struct ipc_port **pagerp);
};

struct device {
    const char *name;                   /* as device_open takes it */
    const struct device_ops *ops;
    struct spinlock lock;               /* open_count, port */
    unsigned int open_count;            /* device_open()s not closed */
    struct ipc_port *port;              /* while open; the creator's reference */
    unsigned int refs;                  /* atomic: device_t references handed out */
};

/*
 * Set the devices up: the time page, the console. Once, after
 * vm_object_setup(), ipc_port_setup() and host_setup(), before the
 * clock calls device_tick().
 */
void device_setup(void);

/* Called at every clock tick (interrupt context): the time page, console readers. */
void device_tick(void);

/*
 * The device behind port (a live device port), with a reference, or
 * DEVICE_NULL (no port, a dead one, or another kind). Takes the port lock.
 */
device_t dev_port_lookup(struct ipc_port *port);

/*
 * A send right to dev's port for a message (the caller's reference to
 * dev is consumed), or NULL when dev is DEVICE_NULL or closed meanwhile.
 */
struct ipc_port *convert_device_to_port(device_t dev);

/* Take / drop a reference to dev (DEVICE_NULL: nothing). Lock-free. */
void device_reference(device_t dev);
void device_deallocate(device_t dev);

/*
 * Make one more send right to port for a message (srights and a
 * reference). port is valid and the caller holds a reference.
 */
struct ipc_port *device_port_make_send(struct ipc_port *port);

/*
 * For devices: answer DEV_GET_SIZE ({size, record_size}) and
 * DEV_GET_RECORDS ({size / record_size, record_size}) into status, whose
 * room *countp says; D_INVALID_SIZE when it is below 2 words,
 * D_INVALID_OPERATION for any other flavor.
 */
io_return_t device_status_size(dev_flavor_t flavor, int size, int record_size, int *status,
                               mach_msg_type_number_t *countp);

/* device.defs, as MIG's KERNEL_SERVER header declares them. */

/*
 * device_open: open the device called name (NUL-terminated within
 * DEV_NAME_MAX) on master_port, the device master port, and return it
 * with a reference in *device. Returns D_SUCCESS, D_INVALID_OPERATION
 * (master_port is not the device master), D_NO_SUCH_DEVICE (unknown
 * name), D_INVALID_OPERATION (a mode bit beyond D_READ|D_WRITE|
 * D_NODELAY|D_NOWAIT), D_NO_MEMORY (no port).
 */
io_return_t ds_device_open(struct ipc_port *master_port, struct ipc_port *reply_port,
                           mach_msg_type_name_t reply_portPoly, dev_mode_t mode,
                           const_dev_name_t name, device_t *device);

/* device_close: one open less; the last kills the port. D_SUCCESS or D_NO_SUCH_DEVICE. */
io_return_t ds_device_close(device_t device);

/*
 * device_write: write the bytes of data (a struct vm_copy *, dataCnt
 * bytes; consumed on D_SUCCESS). D_NO_SUCH_DEVICE, D_INVALID_SIZE (no
 * data, or dataCnt not the copy's size), D_INVALID_OPERATION.
 */
io_return_t ds_device_write(device_t device, struct ipc_port *reply_port,
                            mach_msg_type_name_t reply_portPoly, dev_mode_t mode,
                            recnum_t recnum, io_buf_ptr_t data,
                            mach_msg_type_number_t dataCnt, int *bytes_written);

/* device_write_inband: dataCnt (at most IO_INBAND_MAX) bytes of data. */
io_return_t ds_device_write_inband(device_t device, struct ipc_port *reply_port,
                                   mach_msg_type_name_t reply_portPoly, dev_mode_t mode,
                                   recnum_t recnum, const io_buf_ptr_inband_t data,
                                   mach_msg_type_number_t dataCnt, int *bytes_written);

/*
 * device_read: at most bytes_wanted bytes (at most DEVICE_READ_MAX at
 * once) in a new vm_copy (*data, *dataCnt; NULL and 0 for none).
 * D_INVALID_SIZE for a negative size, D_NO_MEMORY, the device's errors.
 */
#define DEVICE_READ_MAX         4096
io_return_t ds_device_read(device_t device, struct ipc_port *reply_port,
                           mach_msg_type_name_t reply_portPoly, dev_mode_t mode,
                           recnum_t recnum, int bytes_wanted, io_buf_ptr_t *data,
                           mach_msg_type_number_t *dataCnt);

/* device_read_inband: at most min(bytes_wanted, IO_INBAND_MAX) bytes into data. */
io_return_t ds_device_read_inband(device_t device, struct ipc_port *reply_port,
                                  mach_msg_type_name_t reply_portPoly, dev_mode_t mode,
                                  recnum_t recnum, int bytes_wanted,
                                  io_buf_ptr_inband_t data, mach_msg_type_number_t *dataCnt);

/*
 * device_map: a send right to a memory object for [offset, offset +
 * size) with at most prot (VM_PROT_*), in *pager. KERN_INVALID_ARGUMENT
 * for prot bits beyond VM_PROT_ALL, D_NO_SUCH_DEVICE,
 * D_INVALID_OPERATION (the device cannot be mapped), the device's errors.
 */
io_return_t ds_device_map(device_t device, int prot, uintptr_t offset,
                          uintptr_t size, struct ipc_port **pager, int unmap);

/* device_set_status: statusCnt (at most DEV_STATUS_MAX) words of flavor. */
io_return_t ds_device_set_status(device_t device, dev_flavor_t flavor,
                                 const dev_status_t status, mach_msg_type_number_t statusCnt);

/*
 * device_get_status: flavor's words into status, *statusCnt in: room (at
 * most DEV_STATUS_MAX), out: words written. D_INVALID_SIZE when the room
 * is too small, D_INVALID_OPERATION for an unknown flavor.
 */
io_return_t ds_device_get_status(device_t device, dev_flavor_t flavor, dev_status_t status,
                                 mach_msg_type_number_t *statusCnt);

#endif /* DEVICE_DEVICE_H */
