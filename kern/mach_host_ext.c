/* SPDX-License-Identifier: GPL-2.0-or-later */
/*
 * The routines of the project's mach_host_ext.defs (mach_host.defs ids
 * 2643-2649, newer than the packaged definitions), as the MIG-generated
 * kernel server calls them (doc/interface.md).
 *
 * Rationale. host_get_time64, host_set_time64, host_adjust_time64,
 * host_get_kernel_version and host_get_uptime64 are kern/host_calls.c's
 * functions, and
 * processor_set_processors kern/processor.c's, called by the stubs
 * directly; including their headers beside the generated one makes the
 * compiler check their prototypes against GNU Mach's (processor.c
 * includes it too). task_max_priority takes a plain port, host or
 * host-priv, and tells kern/processor.c which it was.
 */
#include <stdbool.h>

#include <include/mach/kern_return.h>
#include <ipc/ipc_port.h>
#include <kern/host_calls.h>
#include <kern/mig_kernel.h>
#include <kern/processor.h>

#include "mach_host_ext_S.h"

kern_return_t
task_max_priority(ipc_port_t host, task_t task, int max_priority, boolean_t set_priority,
                  boolean_t change_threads)
{
    host_t priv = NULL, any = NULL;

    if (IP_VALID(host)) {
        priv = ipc_port_kobject(host, IPC_KOBJECT_HOST_PRIV, NULL);
        any = priv != NULL ? priv : ipc_port_kobject(host, IPC_KOBJECT_HOST, NULL);
    }
    return processor_task_max_priority(any, priv != NULL, task, max_priority, set_priority,
                                       change_threads);
}
