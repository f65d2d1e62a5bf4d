/* SPDX-License-Identifier: GPL-2.0-or-later */
/*
 * The mach_debug.defs RPCs other than host_slab_info (gnurpc has that),
 * through GNU MIG's user stubs (kern/host_debug.c):
 *   mach_port_get_srights (send rights counted per holder, not per
 *     uref), mach_port_dnrequest_info (an armed dead-name request),
 *     mach_port_kernel_object (GNU Mach's IKOT_ numbers for our task,
 *     thread, host, host-priv, processor set and its name port; 0 for
 *     an ordinary port), with their errors (no right, wrong right, not a
 *     task);
 *   host_ipc_marequest_info and host_virtual_physical_table_info (empty
 *     tables), host_stack_usage and processor_set_stack_usage (a 16 KiB
 *     stack per thread, all resident);
 *   mach_vm_region_info on a region of ours (bounds, protections,
 *     inheritance, an object, no object name), KERN_NO_SPACE in an
 *     empty task; mach_vm_object_info and _pages (no port names an
 *     object: KERN_INVALID_ARGUMENT);
 *   host_load_symbol_table: MIG_BAD_ID, as in a GNU Mach built without
 *     the kernel debugger (Debian's standard kernel).
 * Boot line:
 *     debugrpc ${host-port} $(task-create) $(task-resume)
 */
#include <mach/message.h>
#include <mach/mig_errors.h>
#include <mach/notify.h>
#include <mach_debug/vm_info.h>

#include "mach.h"
#include "mach_debug.h"
#include "mach_host.h"
#include "mach_port.h"
#include "lib/ulib.h"
#include "lib/mach_traps.h"

#define PAGE            4096u
#define STACK_SIZE      16384u

/* GNU Mach's kernel object types (kern/ipc_kobject.h). */
#define IKOT_NONE       0
#define IKOT_THREAD     1
#define IKOT_TASK       2
#define IKOT_HOST       3
#define IKOT_HOST_PRIV  4
#define IKOT_PSET       6
#define IKOT_PSET_NAME  7

static mach_port_t self;

static void
test_srights(void)
{
    mach_port_rights_t n = 99;
    mach_port_t rp, np, prev = MACH_PORT_NULL;
    unsigned total = 99, used = 99;
    kern_return_t kr;

    mach_port_allocate(self, MACH_PORT_RIGHT_RECEIVE, &rp);
    kr = mach_port_get_srights(self, rp, &n);
    tap_ok(kr == KERN_SUCCESS && n == 0, "get_srights of a new port: %u (%d)", n, kr);
    mach_port_insert_right(self, rp, rp, MACH_MSG_TYPE_MAKE_SEND);
    mach_port_mod_refs(self, rp, MACH_PORT_RIGHT_SEND, 2);
    kr = mach_port_get_srights(self, rp, &n);
    tap_ok(kr == KERN_SUCCESS && n == 1, "one holder with 3 urefs: %u send right (%d)", n, kr);
    mach_port_mod_refs(self, rp, MACH_PORT_RIGHT_SEND, -3);
    kr = mach_port_get_srights(self, rp, &n);
    tap_ok(kr == KERN_SUCCESS && n == 0, "after the last uref: %u (%d)", n, kr);
    kr = mach_port_get_srights(self, mach_host_self(), &n);
    tap_ok(kr == KERN_INVALID_RIGHT, "get_srights of a send right: KERN_INVALID_RIGHT (%d)", kr);
    kr = mach_port_get_srights(self, 0x4321, &n);
    tap_ok(kr == KERN_INVALID_NAME, "get_srights of no name: KERN_INVALID_NAME (%d)", kr);
    kr = mach_port_get_srights(mach_host_self(), rp, &n);
    tap_ok(kr == KERN_INVALID_TASK, "get_srights in the host port: KERN_INVALID_TASK (%d)", kr);

    kr = mach_port_dnrequest_info(self, rp, &total, &used);
    tap_ok(kr == KERN_SUCCESS && total == 0 && used == 0,
           "dnrequest_info, no request: total %u used %u (%d)", total, used, kr);
    mach_port_allocate(self, MACH_PORT_RIGHT_RECEIVE, &np);
    mach_port_insert_right(self, rp, rp, MACH_MSG_TYPE_MAKE_SEND);
    kr = mach_port_request_notification(self, rp, MACH_NOTIFY_DEAD_NAME, 0, np,
                                        MACH_MSG_TYPE_MAKE_SEND_ONCE, &prev);
    tap_ok(kr == KERN_SUCCESS && prev == MACH_PORT_NULL, "a dead-name request armed (%d)", kr);
    kr = mach_port_dnrequest_info(self, rp, &total, &used);
    tap_ok(kr == KERN_SUCCESS && used == 1 && total >= used,
           "dnrequest_info: total %u used %u (%d)", total, used, kr);
    kr = mach_port_dnrequest_info(self, mach_host_self(), &total, &used);
    tap_ok(kr == KERN_INVALID_RIGHT, "dnrequest_info of a send right: KERN_INVALID_RIGHT (%d)",
           kr);
    mach_port_destroy(self, rp);        /* the request fires a dead-name notification to np */
    mach_port_destroy(self, np);
}

/* mach_port_kernel_object of name: its type, or ~0 on error. */
static unsigned
ikot(mach_port_t name, vm_offset_t *addr)
{
    unsigned type = ~0u;

    *addr = 0;
    if (mach_port_kernel_object(self, name, &type, addr) != KERN_SUCCESS) {
        return ~0u;
    }
    return type;
}

static void
test_kernel_object(mach_port_t host_priv)
{
    mach_port_t thread = mach_thread_self(), host = mach_host_self(), pset, pset_name, rp, dead;
    vm_offset_t addr, addr2;
    unsigned type;
    kern_return_t kr;

    type = ikot(self, &addr);
    tap_ok(type == IKOT_TASK && addr != 0, "our task port: IKOT_TASK at 0x%x", (unsigned)addr);
    tap_ok(ikot(thread, &addr) == IKOT_THREAD && addr != 0, "our thread port: IKOT_THREAD");
    tap_ok(ikot(host, &addr) == IKOT_HOST && ikot(host_priv, &addr2) == IKOT_HOST_PRIV
           && addr != 0 && addr == addr2, "host and host-priv ports: one host object at 0x%x",
           (unsigned)addr);
    kr = processor_set_default(host, &pset_name);
    kr |= host_processor_set_priv(host_priv, pset_name, &pset);
    tap_ok(kr == KERN_SUCCESS && ikot(pset, &addr) == IKOT_PSET
           && ikot(pset_name, &addr2) == IKOT_PSET_NAME && addr == addr2,
           "the default set's control and name ports: IKOT_PSET, IKOT_PSET_NAME");
    mach_port_allocate(self, MACH_PORT_RIGHT_RECEIVE, &rp);
    tap_ok(ikot(rp, &addr) == IKOT_NONE && addr == 0, "an ordinary port: IKOT_NONE, address 0");
    kr = mach_port_kernel_object(self, 0x4321, &type, &addr);
    tap_ok(kr == KERN_INVALID_NAME, "kernel_object of no name: KERN_INVALID_NAME (%d)", kr);
    mach_port_allocate(self, MACH_PORT_RIGHT_DEAD_NAME, &dead);
    kr = mach_port_kernel_object(self, dead, &type, &addr);
    tap_ok(kr == KERN_INVALID_RIGHT, "kernel_object of a dead name: KERN_INVALID_RIGHT (%d)", kr);
    kr = mach_port_kernel_object(thread, rp, &type, &addr);
    tap_ok(kr == KERN_INVALID_TASK, "kernel_object in a thread port: KERN_INVALID_TASK (%d)", kr);
    mach_port_destroy(self, rp);
    mach_port_destroy(self, dead);
    mach_port_deallocate(self, pset);
    mach_port_deallocate(self, pset_name);
    mach_port_deallocate(self, thread);
    mach_port_deallocate(self, host);
}

static void
test_host_tables(void)
{
    mach_port_t host = mach_host_self(), pset;
    hash_info_bucket_t buf[4];
    hash_info_bucket_array_t info = buf;
    mach_msg_type_number_t count = 4;
    vm_size_t reserved = 0, space = 0, resident = 0, maxusage = 1, space2 = 0;
    vm_offset_t maxstack = 1;
    unsigned max = 99, total = 0, total2 = 0;
    kern_return_t kr;

    kr = host_ipc_marequest_info(host, &max, &info, &count);
    tap_ok(kr == KERN_SUCCESS && max == 0 && count == 0,
           "marequest_info: no table (max %u, %u buckets, %d)", max, count, kr);
    count = 4;
    kr = host_virtual_physical_table_info(host, &info, &count);
    tap_ok(kr == KERN_SUCCESS && count == 0, "virtual_physical_table_info: no hash (%u, %d)",
           count, kr);
    kr = host_ipc_marequest_info(self, &max, &info, &count);
    tap_ok(kr == KERN_INVALID_HOST, "marequest_info on a task port: KERN_INVALID_HOST (%d)", kr);

    kr = host_stack_usage(host, &reserved, &total, &space, &resident, &maxusage, &maxstack);
    tap_ok(kr == KERN_SUCCESS && total >= 2 && space == total * STACK_SIZE && resident == space
           && reserved > 0 && reserved < STACK_SIZE,
           "host_stack_usage: %u stacks, %u bytes, reserved %u (%d)", total, (unsigned)space,
           (unsigned)reserved, kr);
    processor_set_default(host, &pset);
    kr = processor_set_stack_usage(pset, &total2, &space2, &resident, &maxusage, &maxstack);
    tap_ok(kr == KERN_SUCCESS && total2 >= 2 && space2 == total2 * STACK_SIZE,
           "processor_set_stack_usage on the name port: %u stacks (%d)", total2, kr);
    kr = processor_set_stack_usage(host, &total2, &space2, &resident, &maxusage, &maxstack);
    tap_ok(kr == KERN_INVALID_ARGUMENT,
           "processor_set_stack_usage on the host port: KERN_INVALID_ARGUMENT (%d)", kr);
    kr = host_stack_usage(self, &reserved, &total, &space, &resident, &maxusage, &maxstack);
    tap_ok(kr == KERN_INVALID_HOST, "host_stack_usage on a task port: KERN_INVALID_HOST (%d)", kr);
    mach_port_deallocate(self, pset);
    mach_port_deallocate(self, host);
}

static void
test_vm(mach_port_t host_priv)
{
    vm_region_info_t r;
    vm_object_info_t oi;
    vm_page_info_array_t pages;
    mach_msg_type_number_t count = 0;
    mach_port_t obj = 99, shadow, copy, child;
    vm_address_t a = 0;
    kern_return_t kr;

    vm_allocate(self, &a, 3 * PAGE, TRUE);
    vm_protect(self, a, 3 * PAGE, FALSE, VM_PROT_READ);
    memset(&r, 0xff, sizeof(r));
    kr = mach_vm_region_info(self, a + PAGE, &r, &obj);
    tap_ok(kr == KERN_SUCCESS && r.vri_start == a && r.vri_end == a + 3 * PAGE
           && r.vri_protection == VM_PROT_READ && r.vri_max_protection == VM_PROT_ALL
           && r.vri_inheritance == VM_INHERIT_COPY && r.vri_wired_count == 0
           && r.vri_object != 0 && r.vri_offset == 0 && r.vri_sharing == 0
           && obj == MACH_PORT_NULL,
           "mach_vm_region_info: [0x%x, 0x%x) prot %d/%d, object 0x%x, no name (%d)",
           (unsigned)r.vri_start, (unsigned)r.vri_end, r.vri_protection, r.vri_max_protection,
           (unsigned)r.vri_object, kr);
    kr = task_create(self, FALSE, &child);
    kr |= mach_vm_region_info(child, 0, &r, &obj);
    tap_ok(kr == KERN_NO_SPACE, "in an empty task: KERN_NO_SPACE (%d)", kr);
    task_terminate(child);
    mach_port_deallocate(self, child);
    kr = mach_vm_region_info(mach_host_self(), a, &r, &obj);
    tap_ok(kr == KERN_INVALID_TASK, "on the host port: KERN_INVALID_TASK (%d)", kr);

    /* Sent to a kernel port that names no object (ours would just queue the request). */
    kr = mach_vm_object_info(self, &oi, &shadow, &copy);
    tap_ok(kr == KERN_INVALID_ARGUMENT, "mach_vm_object_info of a port that names no object: "
           "KERN_INVALID_ARGUMENT (%d)", kr);
    kr = mach_vm_object_pages(self, &pages, &count);
    tap_ok(kr == KERN_INVALID_ARGUMENT, "mach_vm_object_pages of it: KERN_INVALID_ARGUMENT (%d)",
           kr);

    kr = host_load_symbol_table(host_priv, self, "mach", a, 16);
    tap_ok(kr == MIG_BAD_ID, "host_load_symbol_table: MIG_BAD_ID, no kernel debugger (%d)", kr);
    vm_deallocate(self, a, 3 * PAGE);
}

int
main(int argc, char **argv)
{
    mach_port_t host_priv = argc > 1 ? u_parse_uint(argv[1]) : MACH_PORT_NULL;

    self = mach_task_self();
    tap_plan(31);
    test_srights();
    test_kernel_object(host_priv);
    test_host_tables();
    test_vm(host_priv);
    tap_done();
}
