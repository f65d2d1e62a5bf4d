/* SPDX-License-Identifier: GPL-2.0-or-later */
/*
 * The host and the device master as kernel objects: the ports that
 * `${host-port}` and `${device-port}` of the boot script and
 * mach_host_self() hand out. device.defs on the device master is served
 * by device/ (doc/device.md); mach_host.defs comes with the kernel's
 * RPC interface, until then a message to the host ports has nobody to
 * serve it, but the rights are real and can be moved, copied and
 * compared.
 *
 * The three ports are made once at startup and live forever: callers
 * use them without references of their own (a right given to a space
 * takes its own).
 */
#ifndef KERN_HOST_H
#define KERN_HOST_H

struct ipc_port;

/* Create the host, host-priv and device master ports. Once, after ipc_port_setup(). */
void host_setup(void);

/* The unprivileged host port (IPC_KOBJECT_HOST): what mach_host_self() names. */
struct ipc_port *host_port(void);

/* The privileged host port (IPC_KOBJECT_HOST_PRIV): `${host-port}`. */
struct ipc_port *host_priv_port(void);

/* The device master port (IPC_KOBJECT_DEVICE_MASTER): `${device-port}`. */
struct ipc_port *host_device_master_port(void);

#endif /* KERN_HOST_H */
