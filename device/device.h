/* SPDX-License-Identifier: GPL-2.0-or-later */
/*
 * The device layer: the server routines of device.defs (base 2800) on
 * the device master port, for the kernel's few devices, "console" and
 * "time" (doc/device.md).
 *
 * Each routine has the prototype MIG generates for GNU Mach's
 * device.defs with KERNEL_SERVER (tools/mig --kernel-server, device_S.h)
 * and the conversions its stubs call are here by the names
 * device_types.defs gives them: dev_port_lookup() (port to device_t,
 * with a reference), convert_device_to_port() (device_t to a send
 * right, consuming the reference) and device_deallocate() (drop a
 * reference); kern/mig_kernel.h maps the types.
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

typedef struct device *device_t;
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
 * For devices: answer DEV_GET_SIZE ({size, record_size}) and
 * DEV_GET_RECORDS ({size / record_size, record_size}) into status, whose
 * room *countp says; D_INVALID_SIZE when it is below 2 words,
 * D_INVALID_OPERATION for any other flavor.
 */
io_return_t device_status_size(dev_flavor_t flavor, int size, int record_size, int *status,
                               mach_msg_type_number_t *countp);

/*
 * The device.defs routines (ds_device_open...) are declared by the
 * header MIG generates, device_S.h, which their implementation
 * (device/device.c) includes so that the compiler checks each against
 * GNU Mach's prototype. Their rules (doc/device.md):
 *
 * ds_device_open: on the device master port only (else
 * D_INVALID_OPERATION); an unknown name, or one without a NUL within
 * 128 bytes, D_NO_SUCH_DEVICE; mode bits beyond D_READ|D_WRITE|
 * D_NODELAY|D_NOWAIT, D_INVALID_OPERATION; the device's own refusal
 * (D_READ_ONLY); D_NO_MEMORY. On success *device has a reference.
 * Every other routine: D_NO_SUCH_DEVICE on DEVICE_NULL or a closed
 * device, D_INVALID_OPERATION when the device lacks the operation.
 * device_write: D_INVALID_SIZE without data or when dataCnt is not the
 * copy's size; the copy consumed on success. write_inband: at most
 * IO_INBAND_MAX bytes. Reads: D_INVALID_SIZE for a negative size, 0
 * bytes for 0; at most DEVICE_READ_MAX (out of line, a new vm_copy or
 * NULL) or IO_INBAND_MAX bytes. device_map: KERN_INVALID_ARGUMENT for
 * prot bits beyond VM_PROT_ALL. get_status: *statusCnt is the room (cut
 * to DEV_STATUS_MAX); set_status: at most DEV_STATUS_MAX words.
 */
#define DEVICE_READ_MAX         4096

#endif /* DEVICE_DEVICE_H */
