/* SPDX-License-Identifier: GPL-2.0-or-later */
/*
 * Types and codes of the device interface (device.defs), with GNU
 * Mach's values on i386 (../shared/MACH-ABI.md §6.2): open and I/O
 * modes, the status flavors every device answers, and the io_return_t
 * codes the device routines return in place of a kern_return_t.
 */
#ifndef DEVICE_DEVICE_TYPES_H
#define DEVICE_DEVICE_TYPES_H

#include "mach/machine/vm_types.h"

/* A device name: at most 127 characters and a NUL (device_types.defs). */
#define DEV_NAME_MAX            128
typedef char dev_name_t[DEV_NAME_MAX];
typedef const char *const_dev_name_t;

/* Modes of device_open and of each read and write. */
typedef unsigned int dev_mode_t;
#define D_READ                  0x1     /* open for reading */
#define D_WRITE                 0x2     /* open for writing */
#define D_NODELAY               0x4     /* open: do not wait */
#define D_NOWAIT                0x8     /* read: do not wait for data */

/* Record numbers (long_natural_t: 32 bits on i386). */
typedef natural_t recnum_t;

/* In-band data: at most IO_INBAND_MAX bytes inside the message. */
#define IO_INBAND_MAX           128
typedef char io_buf_ptr_inband_t[IO_INBAND_MAX];

/* Status: a flavor and an array of at most DEV_STATUS_MAX integers. */
typedef unsigned int dev_flavor_t;
typedef int *dev_status_t;
#define DEV_STATUS_MAX          1024

/* Flavors every device answers: its size in bytes, or in records. */
#define DEV_GET_SIZE                    0
#define DEV_GET_SIZE_DEVICE_SIZE        0       /* bytes; 0 if unknown */
#define DEV_GET_SIZE_RECORD_SIZE        1       /* bytes a record; 1 if sequential */
#define DEV_GET_SIZE_COUNT              2
#define DEV_GET_RECORDS                 1
#define DEV_GET_RECORDS_DEVICE_RECORDS  0       /* records; 0 if unknown */
#define DEV_GET_RECORDS_RECORD_SIZE     1
#define DEV_GET_RECORDS_COUNT           2

/* io_return_t: D_SUCCESS, or one of these (device_types.h:135-146 of GNU Mach). */
typedef int io_return_t;
#define D_IO_QUEUED             (-1)    /* the reply comes later (kernel only) */
#define D_SUCCESS               0
#define D_IO_ERROR              2500    /* hardware I/O error */
#define D_WOULD_BLOCK           2501    /* would block, and D_NOWAIT was given */
#define D_NO_SUCH_DEVICE        2502    /* no device of that name, or closed */
#define D_ALREADY_OPEN          2503    /* exclusive device already open */
#define D_DEVICE_DOWN           2504    /* device shut down */
#define D_INVALID_OPERATION     2505    /* the device does not do that */
#define D_INVALID_RECNUM        2506    /* record number out of range */
#define D_INVALID_SIZE          2507    /* bad I/O size */
#define D_NO_MEMORY             2508    /* memory allocation failed */
#define D_READ_ONLY             2509    /* the device cannot be written */

#endif /* DEVICE_DEVICE_TYPES_H */
