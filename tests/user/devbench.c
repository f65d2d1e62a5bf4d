/* SPDX-License-Identifier: GPL-2.0-or-later */
/*
 * Device RPCs and the mapped time in instructions, through GNU MIG's
 * user stubs: run under QEMU with -icount shift=0,sleep=off
 * (BENCH_ARGS='${device-port}' tools/bench-user devbench), where rdtsc
 * counts the guest's instructions. Each figure is N calls timed with
 * rdtsc, minus the empty loop, divided by N:
 *  - device_write_inband of 0 bytes to "console": the device RPC round
 *    trip (the routine writes nothing);
 *  - device_read_inband with D_NOWAIT and nothing typed: D_WOULD_BLOCK,
 *    an error reply;
 *  - device_get_status DEV_GET_SIZE;
 *  - the time of day read from the mapped "time" page (retry loop on
 *    the check word) against host_get_time by RPC: why the page exists.
 * The checks say only that every call worked. Boot line:
 *     devbench ${device-port} $(task-create) $(task-resume)
 */
#include <stdint.h>

#include <mach/message.h>
#include <mach/mig_support.h>
#include <mach/time_value.h>
#include <device/device_types.h>

#include "device.h"
#include "mach_host.h"
#include "lib/ulib.h"
#include "lib/mach_traps.h"

#define N_CALLS         1000
#define TIME_VA         0x20000000u

int
main(int argc, char **argv)
{
    static const io_buf_ptr_inband_t none = "";
    mach_port_t master = argc > 1 ? u_parse_uint(argv[1]) : MACH_PORT_NULL, con, dev, pager;
    volatile const mapped_time_value_t *t = (volatile const mapped_time_value_t *)TIME_VA;
    mach_port_t host = mach_host_self();
    io_buf_ptr_inband_t buf;
    mach_msg_type_number_t count;
    dev_status_data_t status;
    vm_address_t addr = TIME_VA;
    time_value_t tv;
    uint64_t start, empty;
    unsigned int bad = 0, sec = 0, usec = 0;
    int written;

    tap_plan(6);
    mig_get_reply_port();               /* made once, outside the loops */
    empty = u_bench_empty(N_CALLS);
    bad += device_open(master, D_READ | D_WRITE, "console", &con) != D_SUCCESS;
    bad += device_open(master, D_READ, "time", &dev) != D_SUCCESS;
    bad += device_map(dev, VM_PROT_READ, 0, sizeof(*t), &pager, 0) != D_SUCCESS;
    bad += syscall_vm_map(mach_task_self(), &addr, sizeof(*t), 0, 0, pager, 0, 0, VM_PROT_READ,
                          VM_PROT_READ, VM_INHERIT_NONE) != KERN_SUCCESS;
    tap_ok(bad == 0, "console and time open, the time page mapped");

    bad = 0;
    start = u_rdtsc();
    for (unsigned int i = 0; i < N_CALLS; i++) {
        bad += device_write_inband(con, 0, 0, none, 0, &written) != D_SUCCESS;
    }
    u_bench_report("device_write_inband of 0 bytes, RPC round trip",
                   u_rdtsc() - start, empty, N_CALLS);
    tap_ok(bad == 0, "%u device_write_inband calls", N_CALLS);

    bad = 0;
    start = u_rdtsc();
    for (unsigned int i = 0; i < N_CALLS; i++) {
        count = sizeof(buf);
        bad += device_read_inband(con, D_NOWAIT, 0, 1, buf, &count) != D_WOULD_BLOCK;
    }
    u_bench_report("device_read_inband D_NOWAIT, D_WOULD_BLOCK",
                   u_rdtsc() - start, empty, N_CALLS);
    tap_ok(bad == 0, "%u device_read_inband calls", N_CALLS);

    bad = 0;
    start = u_rdtsc();
    for (unsigned int i = 0; i < N_CALLS; i++) {
        count = DEV_STATUS_MAX;
        bad += device_get_status(con, DEV_GET_SIZE, status, &count) != D_SUCCESS;
    }
    u_bench_report("device_get_status DEV_GET_SIZE",
                   u_rdtsc() - start, empty, N_CALLS);
    tap_ok(bad == 0, "%u device_get_status calls", N_CALLS);

    start = u_rdtsc();
    for (unsigned int i = 0; i < N_CALLS; i++) {
        do {
            sec = (unsigned int)t->seconds;
            usec = (unsigned int)t->microseconds;
        } while ((int)sec != t->check_seconds);
    }
    u_bench_report("time of day from the mapped page",
                   u_rdtsc() - start, empty, N_CALLS);
    bad = 0;
    start = u_rdtsc();
    for (unsigned int i = 0; i < N_CALLS; i++) {
        bad += host_get_time(host, &tv) != KERN_SUCCESS;
    }
    u_bench_report("time of day by host_get_time RPC",
                   u_rdtsc() - start, empty, N_CALLS);
    tap_ok(bad == 0 && sec > 1577836800u && usec < 1000000
           && (unsigned int)tv.seconds + 1 >= sec, "%u host_get_time calls; page %u.%06u",
           N_CALLS, sec, usec);

    bad = device_close(con) != D_SUCCESS;
    bad += device_close(dev) != D_SUCCESS;
    bad += syscall_vm_deallocate(mach_task_self(), addr, sizeof(*t)) != KERN_SUCCESS;
    tap_ok(bad == 0, "closed and unmapped");
    syscall_mach_port_deallocate(mach_task_self(), pager);
    tap_done();
}
