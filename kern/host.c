/* SPDX-License-Identifier: GPL-2.0-or-later */
/*
 * Host and device master ports (see kern/host.h).
 *
 * Rationale. A port names a kernel object through its kobject pointer,
 * which must point somewhere; the host has no state of its own yet, so
 * the objects are two small static structures whose only job is to be
 * distinct. The device master port is made here with the other two;
 * device/device.c serves it (device_open checks for this port).
 */
#include <ipc/ipc_port.h>
#include <kern/host.h>
#include <kern/panic.h>

struct host {
    const char *name;
};

static struct host host_self = { "host" };
static struct host host_device_master = { "device master" };

static struct ipc_port *host_port_self;
static struct ipc_port *host_port_priv;
static struct ipc_port *host_port_device_master;

void
host_setup(void)
{
    host_port_self = ipc_port_create_kobject(IPC_KOBJECT_HOST, &host_self);
    host_port_priv = ipc_port_create_kobject(IPC_KOBJECT_HOST_PRIV, &host_self);
    host_port_device_master = ipc_port_create_kobject(IPC_KOBJECT_DEVICE_MASTER,
                                                      &host_device_master);
    if (host_port_self == NULL || host_port_priv == NULL || host_port_device_master == NULL) {
        panic("host: no memory for the host and device ports");
    }
}

struct ipc_port *
host_port(void)
{
    return host_port_self;
}

struct ipc_port *
host_priv_port(void)
{
    return host_port_priv;
}

struct ipc_port *
host_device_master_port(void)
{
    return host_port_device_master;
}
