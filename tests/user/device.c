/* SPDX-License-Identifier: GPL-2.0-or-later */
/*
 * The device.defs RPCs from a program built as a GNU Mach program is
 * (GNU Mach's headers, MIG user stubs), on the device master port the
 * boot script gives it: device_open's errors; "console" written in band
 * and out of line (the lines "device: ..." on the console), read with
 * D_NOWAIT (nothing typed: D_WOULD_BLOCK), its status, closed (the right
 * becomes a dead name), device_set_filter, device_intr_register and
 * device_intr_ack refused as GNU Mach refuses them for such devices;
 * "time" opened read-only, device_map, vm_map of
 * the pager (the syscall_vm_map trap), the mapped seconds and
 * microseconds advancing across a 200 ms wait, vm_map's refusal of
 * write access. Boot line:
 *     device ${device-port} $(task-create) $(task-resume)
 */
#include <mach/message.h>
#include <mach/mig_errors.h>
#include <mach/time_value.h>
#include <device/device_types.h>

#include "device.h"
#include "mach_port.h"
#include "lib/ulib.h"
#include "lib/mach_traps.h"

#define SWITCH_OPTION_WAIT      2
#define TIME_VA                 0x20000000u     /* where the page is mapped */

/* A time read from the mapped page: seconds, microseconds, uptime in ms. */
struct sample {
    unsigned int sec, usec;
    unsigned long long up_ms;
};

/* Read the page as GNU Mach's readers do: retry while seconds and check differ. */
static void
sample(volatile const mapped_time_value_t *t, struct sample *s)
{
    volatile const char *raw = (volatile const char *)t;
    long long up_s, up_ns;

    do {
        s->sec = (unsigned int)t->seconds;
        s->usec = (unsigned int)t->microseconds;
    } while ((int)s->sec != t->check_seconds);
    /* The uptime (offsets 36 and 44; GNU Mach's 1.8 header stops at check_seconds). */
    do {
        up_s = *(volatile const long long *)(raw + 36);
        up_ns = *(volatile const long long *)(raw + 44);
    } while (up_s != *(volatile const long long *)(raw + 52));
    s->up_ms = (unsigned long long)up_s * 1000 + (unsigned long long)up_ns / 1000000;
}

/*
 * Packet filters and user interrupts: GNU Mach's answers for a device
 * that has neither (D_INVALID_OPERATION) and for a port that is no open
 * device (D_NO_SUCH_DEVICE); the rights sent along come back to nobody
 * and leave nothing behind.
 */
static void
test_no_filter(mach_port_t master, mach_port_t con)
{
    filter_t filter[2] = { 0, 0 };
    mach_port_urefs_t refs = 99;
    mach_port_t rp;
    kern_return_t kr;

    mach_port_allocate(mach_task_self(), MACH_PORT_RIGHT_RECEIVE, &rp);
    kr = device_set_filter(con, rp, MACH_MSG_TYPE_MAKE_SEND, 0, filter, 2);
    tap_ok(kr == D_INVALID_OPERATION, "device_set_filter on the console: %d", kr);
    kr = device_set_filter(master, rp, MACH_MSG_TYPE_MAKE_SEND, 0, filter, 2);
    tap_ok(kr == D_NO_SUCH_DEVICE, "device_set_filter on the master port: %d", kr);
    kr = device_intr_register(con, 1, 0, rp, MACH_MSG_TYPE_MAKE_SEND);
    tap_ok(kr == D_INVALID_OPERATION, "device_intr_register on the console: %d", kr);
    kr = device_intr_register(mach_task_self(), 1, 0, rp, MACH_MSG_TYPE_MAKE_SEND);
    tap_ok(kr == D_NO_SUCH_DEVICE, "device_intr_register on the task port: %d", kr);
    mach_port_insert_right(mach_task_self(), rp, rp, MACH_MSG_TYPE_MAKE_SEND);
    kr = device_intr_ack(con, rp, MACH_MSG_TYPE_COPY_SEND);
    tap_ok(kr == D_INVALID_OPERATION, "device_intr_ack on the console: %d", kr);
    kr = device_intr_ack(master, rp, MACH_MSG_TYPE_COPY_SEND);
    tap_ok(kr == D_NO_SUCH_DEVICE, "device_intr_ack on the master port: %d", kr);
    kr = mach_port_get_refs(mach_task_self(), rp, MACH_PORT_RIGHT_SEND, &refs);
    tap_ok(kr == KERN_SUCCESS && refs == 1, "our send right is untouched: %u uref(s)", refs);
    mach_port_destroy(mach_task_self(), rp);
}

static void
test_console(mach_port_t master)
{
    static char line[] = "device: hello from device_write (out of line)\n";
    static const io_buf_ptr_inband_t inband = "device: hello from device_write_inband\n";
    io_buf_ptr_inband_t buf;
    mach_msg_type_number_t count;
    dev_status_data_t status;
    mach_port_t con, other;
    kern_return_t kr;
    int written = -1;

    kr = device_open(mach_task_self(), D_READ, "console", &other);
    tap_ok(kr == D_INVALID_OPERATION, "device_open on the task port: %d", kr);
    kr = device_open(master, D_READ, "nosuch", &other);
    tap_ok(kr == D_NO_SUCH_DEVICE, "device_open \"nosuch\": %d", kr);
    kr = device_open(master, D_READ | D_WRITE, "console", &con);
    tap_ok(kr == D_SUCCESS && MACH_PORT_VALID(con), "device_open \"console\": %d, name %u", kr,
           con);

    kr = device_write_inband(con, 0, 0, inband, strlen(inband), &written);
    tap_ok(kr == D_SUCCESS && written == (int)strlen(inband),
           "device_write_inband: %d, %d bytes", kr, written);
    written = -1;
    kr = device_write(con, 0, 0, line, sizeof(line) - 1, &written);
    tap_ok(kr == D_SUCCESS && written == (int)sizeof(line) - 1, "device_write: %d, %d bytes",
           kr, written);

    count = sizeof(buf);
    kr = device_read_inband(con, D_NOWAIT, 0, 10, buf, &count);
    tap_ok(kr == D_WOULD_BLOCK, "device_read_inband D_NOWAIT, nothing typed: %d", kr);

    count = DEV_GET_SIZE_COUNT;
    kr = device_get_status(con, DEV_GET_SIZE, status, &count);
    tap_ok(kr == D_SUCCESS && count == DEV_GET_SIZE_COUNT && status[0] == 0 && status[1] == 1,
           "device_get_status DEV_GET_SIZE: %d, count %u, {%d, %d}", kr, count, status[0],
           status[1]);
    count = DEV_STATUS_MAX;
    kr = device_get_status(con, 42, status, &count);
    tap_ok(kr == D_INVALID_OPERATION, "device_get_status flavor 42: %d", kr);

    test_no_filter(master, con);

    kr = device_close(con);
    tap_ok(kr == D_SUCCESS, "device_close: %d", kr);
    kr = device_write_inband(con, 0, 0, inband, 1, &written);
    tap_ok(kr == MACH_SEND_INVALID_DEST, "write after the last close: 0x%x (a dead name)", kr);
    syscall_mach_port_deallocate(mach_task_self(), con);
}

static void
test_time(mach_port_t master)
{
    volatile const mapped_time_value_t *t;
    struct sample a, b;
    mach_port_t dev, pager = MACH_PORT_NULL, other;
    vm_address_t addr = TIME_VA, addr2 = 0;
    unsigned long long us_a, us_b;
    kern_return_t kr;

    kr = device_open(master, D_READ | D_WRITE, "time", &other);
    tap_ok(kr == D_READ_ONLY, "device_open \"time\" for writing: %d", kr);
    kr = device_open(master, D_READ, "time", &dev);
    tap_ok(kr == D_SUCCESS, "device_open \"time\": %d", kr);
    kr = device_map(dev, VM_PROT_READ | VM_PROT_WRITE, 0, 60, &pager, 0);
    tap_ok(kr == D_READ_ONLY, "device_map for writing: %d", kr);
    kr = device_map(dev, VM_PROT_READ, 0, 60, &pager, 0);
    tap_ok(kr == D_SUCCESS && MACH_PORT_VALID(pager), "device_map: %d, pager %u", kr, pager);

    kr = syscall_vm_map(mach_task_self(), &addr2, 60, 0, 1, pager, 0, 0,
                        VM_PROT_READ | VM_PROT_WRITE, VM_PROT_ALL, VM_INHERIT_NONE);
    tap_ok(kr == KERN_PROTECTION_FAILURE, "vm_map of the pager for writing: %d", kr);
    kr = syscall_vm_map(mach_task_self(), &addr, 60, 0, 0, pager, 0, 0, VM_PROT_READ,
                        VM_PROT_READ, VM_INHERIT_NONE);
    tap_ok(kr == KERN_SUCCESS && addr == TIME_VA, "vm_map of the pager: %d at 0x%x", kr,
           (unsigned int)addr);
    if (kr != KERN_SUCCESS) {
        tap_ok(false, "no mapping to read");
        tap_ok(false, "no mapping to read");
        return;
    }
    t = (volatile const mapped_time_value_t *)addr;
    sample(t, &a);
    thread_switch(MACH_PORT_NULL, SWITCH_OPTION_WAIT, 200);
    sample(t, &b);
    us_a = (unsigned long long)a.sec * 1000000 + a.usec;
    us_b = (unsigned long long)b.sec * 1000000 + b.usec;
    tap_diag("mapped time %u.%06u, 200 ms later %u.%06u; uptime %u ms then %u ms", a.sec,
             a.usec, b.sec, b.usec, (unsigned int)a.up_ms, (unsigned int)b.up_ms);
    tap_ok(a.sec > 1577836800u && us_b >= us_a + 190000 && us_b <= us_a + 10000000,
           "the mapped time of day advances by the wait");
    tap_ok(b.up_ms >= a.up_ms + 190 && b.up_ms <= a.up_ms + 10000,
           "the mapped uptime advances by the wait");

    kr = device_close(dev);
    tap_ok(kr == D_SUCCESS && t->seconds == t->check_seconds,
           "device_close: %d; the mapping stays", kr);
    kr = syscall_vm_deallocate(mach_task_self(), addr, 60);
    tap_ok(kr == KERN_SUCCESS, "vm_deallocate of the mapping: %d", kr);
    syscall_mach_port_deallocate(mach_task_self(), pager);
    syscall_mach_port_deallocate(mach_task_self(), dev);
}

int
main(int argc, char **argv)
{
    mach_port_t master = argc > 1 ? u_parse_uint(argv[1]) : MACH_PORT_NULL;

    tap_plan(28);
    tap_ok(MACH_PORT_VALID(master), "the device master port: %u", master);
    test_console(master);
    test_time(master);
    tap_done();
}
