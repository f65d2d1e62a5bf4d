/* SPDX-License-Identifier: GPL-2.0-or-later */
/*
 * The device routines of device.defs (device/device.c) called directly,
 * as MIG's kernel server will call them:
 *
 *  test=device          device_open on the master port only, names,
 *                       modes; open counts and one port per open
 *                       device; dev_port_lookup, convert_device_to_port
 *                       (a send right), device_close killing the port
 *                       (lookups of it fail, routines on the closed
 *                       device give D_NO_SUCH_DEVICE)
 *  test=device_console  writes (in-band and out-of-line, printed on the
 *                       console: "device_console: ..."), their size
 *                       errors; reads from a scripted input: in-band and
 *                       out-of-line, at most what is pending and what was
 *                       asked, D_NOWAIT's D_WOULD_BLOCK, a blocking read
 *                       woken by input and one ended by thread_interrupt
 *                       (KERN_ABORTED); status, set_status, map errors
 *  test=device_time     open modes, I/O errors, status; device_map's
 *                       errors; vm_map of the pager into a user map: the
 *                       page read-only (writes and vm_protect refused),
 *                       its seconds and microseconds advancing with the
 *                       tick and agreeing with host_get_time64 and
 *                       host_get_uptime64; a copy=TRUE mapping frozen;
 *                       vm_map's errors; the page kept after the map dies
 */
#include <stdbool.h>
#include <stddef.h>
#include <stdint.h>

#include <device/dev_console.h>
#include <device/dev_pager.h>
#include <device/dev_time.h>
#include <device/device.h>
#include <i386/probe.h>
#include <include/device/device_types.h>
#include <include/mach/kern_return.h>
#include <include/mach/time_value.h>
#include <ipc/ipc_port.h>
#include <ipc/ipc_right.h>
#include <kern/clock.h>
#include <kern/error.h>
#include <kern/host.h>
#include <kern/host_calls.h>
#include <kern/ktest.h>
#include <kern/mig_kernel.h>
#include <kern/string.h>
#include <kern/thread.h>
#include <machine/param.h>
#include <vm/vm_copy.h>
#include <vm/vm_fault.h>
#include <vm/vm_map.h>
#include <vm/vm_object.h>
#include <vm/vm_user.h>

#include "device_S.h"

static const char device_test_x[IO_INBAND_MAX] = "x";

/* Open name with mode on the master port; the device, or DEVICE_NULL with the code in *rcp. */
static device_t
device_test_open(const char *name, dev_mode_t mode, io_return_t *rcp)
{
    dev_name_t buf;
    device_t dev = DEVICE_NULL;

    memset(buf, 0, sizeof(buf));
    strlcpy(buf, name, sizeof(buf));
    *rcp = ds_device_open(host_device_master_port(), NULL, 0, mode, buf, &dev);
    return (*rcp == D_SUCCESS) ? dev : DEVICE_NULL;
}

/* Close dev and drop the reference its open gave. */
static io_return_t
device_test_close(device_t dev)
{
    io_return_t rc = ds_device_close(dev);

    device_deallocate(dev);
    return rc;
}

static void
device_test_fn(void)
{
    dev_name_t name;
    device_t dev, dev2, found;
    struct ipc_port *port, *right;
    unsigned int refs, srights;
    mach_msg_type_number_t count = 2;
    int status[2];
    io_return_t rc;

    /* Only the master port opens, only known names, only known mode bits. */
    memset(name, 0, sizeof(name));
    strlcpy(name, "console", sizeof(name));
    KTEST_ASSERT(ds_device_open(host_port(), NULL, 0, D_READ, name, &dev) == D_INVALID_OPERATION);
    KTEST_ASSERT(ds_device_open(NULL, NULL, 0, D_READ, name, &dev) == D_INVALID_OPERATION);
    KTEST_ASSERT(device_test_open("nosuch", D_READ, &rc) == DEVICE_NULL
                 && rc == D_NO_SUCH_DEVICE);
    KTEST_ASSERT(device_test_open("", D_READ, &rc) == DEVICE_NULL && rc == D_NO_SUCH_DEVICE);
    KTEST_ASSERT(device_test_open("consol", D_READ, &rc) == DEVICE_NULL
                 && rc == D_NO_SUCH_DEVICE);
    memset(name, 'a', sizeof(name));                /* no NUL within 128 bytes */
    KTEST_ASSERT(ds_device_open(host_device_master_port(), NULL, 0, D_READ, name, &dev)
                 == D_NO_SUCH_DEVICE);
    KTEST_ASSERT(device_test_open("console", 0x10, &rc) == DEVICE_NULL
                 && rc == D_INVALID_OPERATION);

    /* Two opens: one device, one port, two counts. */
    dev = device_test_open("console", D_READ | D_WRITE, &rc);
    KTEST_ASSERT(dev != DEVICE_NULL && rc == D_SUCCESS);
    if (dev == DEVICE_NULL) {
        return;
    }
    refs = __atomic_load_n(&dev->refs, __ATOMIC_RELAXED);
    dev2 = device_test_open("console", D_WRITE | D_NOWAIT, &rc);
    KTEST_ASSERT(dev2 == dev && dev->open_count == 2 && dev->refs == refs + 1);
    port = dev->port;
    KTEST_ASSERT(port != NULL && port->kotype == IPC_KOBJECT_DEVICE);
    ipc_port_ref(port);                     /* kept to look it up after the close */

    found = dev_port_lookup(port);
    KTEST_ASSERT(found == dev && dev->refs == refs + 2);
    device_deallocate(found);
    KTEST_ASSERT(dev_port_lookup(NULL) == DEVICE_NULL);
    KTEST_ASSERT(dev_port_lookup(IPC_PORT_DEAD) == DEVICE_NULL);
    KTEST_ASSERT(dev_port_lookup(host_device_master_port()) == DEVICE_NULL);

    /* convert_device_to_port: a send right for a message, the reference consumed. */
    srights = port->srights;
    device_reference(dev);
    right = convert_device_to_port(dev);
    KTEST_ASSERT(right == port && port->srights == srights + 1 && dev->refs == refs + 1);
    ipc_right_release_send(right, MACH_MSG_TYPE_PORT_SEND);
    KTEST_ASSERT(port->srights == srights);
    KTEST_ASSERT(convert_device_to_port(DEVICE_NULL) == NULL);

    /* The first close keeps it open; the second kills the port. */
    KTEST_ASSERT(device_test_close(dev2) == D_SUCCESS);
    KTEST_ASSERT(dev->open_count == 1 && dev->port == port && port->active);
    KTEST_ASSERT(ds_device_close(dev) == D_SUCCESS);
    KTEST_ASSERT(dev->open_count == 0 && dev->port == NULL && !port->active);
    KTEST_ASSERT(dev_port_lookup(port) == DEVICE_NULL);

    /* A closed device, as a stale device_t: everything gives D_NO_SUCH_DEVICE. */
    KTEST_ASSERT(ds_device_close(dev) == D_NO_SUCH_DEVICE);
    KTEST_ASSERT(ds_device_get_status(dev, DEV_GET_SIZE, status, &count) == D_NO_SUCH_DEVICE);
    KTEST_ASSERT(ds_device_set_status(dev, DEV_GET_SIZE, status, 2) == D_NO_SUCH_DEVICE);
    KTEST_ASSERT(ds_device_write_inband(dev, NULL, 0, 0, 0, device_test_x, 1, &status[0])
                 == D_NO_SUCH_DEVICE);
    device_reference(dev);
    KTEST_ASSERT(convert_device_to_port(dev) == NULL);  /* closed: no right */
    device_deallocate(dev);                              /* the first open's reference */
    KTEST_ASSERT(dev->refs == refs - 1);

    /* DEVICE_NULL (what MIG passes for a dead or foreign port). */
    KTEST_ASSERT(ds_device_close(DEVICE_NULL) == D_NO_SUCH_DEVICE);
    KTEST_ASSERT(ds_device_map(DEVICE_NULL, 1, 0, 60, &right, 0) == D_NO_SUCH_DEVICE);
    KTEST_ASSERT(ds_device_read_inband(DEVICE_NULL, NULL, 0, 0, 0, 1, name, &count)
                 == D_NO_SUCH_DEVICE);

    /* Open again: a new port. */
    dev = device_test_open("console", D_READ, &rc);
    KTEST_ASSERT(dev != DEVICE_NULL && dev->port != NULL && dev->port != port);
    KTEST_ASSERT(device_test_close(dev) == D_SUCCESS && dev->open_count == 0);
    ipc_port_unref(port);
}

KTEST_DEFINE(device, device_test_fn, 0);

/* Scripted console input: the bytes left, then -1. */
static const char *volatile device_test_input;
static volatile size_t device_test_input_len;

static int
device_test_getc(void)
{
    if (device_test_input_len == 0) {
        return -1;
    }
    device_test_input_len--;
    return (unsigned char)*device_test_input++;
}

static void
device_test_input_give(const char *s, size_t len)
{
    device_test_input = s;
    __atomic_store_n(&device_test_input_len, len, __ATOMIC_RELEASE);
}

static device_t device_test_reader_dev;
static volatile bool device_test_reader_done;
static volatile io_return_t device_test_reader_rc;
static volatile mach_msg_type_number_t device_test_reader_count;
static char device_test_reader_buf[IO_INBAND_MAX];
static struct thread *volatile device_test_reader;

static void
device_test_reader_fn(void *arg)
{
    mach_msg_type_number_t count = 0;

    (void)arg;
    device_test_reader = thread_self();
    device_test_reader_rc = ds_device_read_inband(device_test_reader_dev, NULL, 0, 0, 0, 16,
                                                  device_test_reader_buf, &count);
    device_test_reader_count = count;
    device_test_reader_done = true;
}

/* Start a blocking reader and wait until it sleeps in the read. */
static bool
device_test_reader_start(device_t dev)
{
    device_test_reader_dev = dev;
    device_test_reader_done = false;
    device_test_reader = NULL;
    device_test_reader_count = 0;
    if (thread_create_kernel("dev-reader", device_test_reader_fn, NULL, 0) == NULL) {
        return false;
    }
    for (unsigned int i = 0; i < 10 * CLOCK_HZ; i++) {
        struct thread *t = device_test_reader;

        if (t != NULL && t->state == THREAD_SLEEPING) {
            return true;
        }
        thread_delay(1);
    }
    return false;
}

/*
 * Wait for the reader to return; true if it did within 5 s. Otherwise
 * feed it a byte so that it ends anyway (the test fails, never hangs).
 */
static bool
device_test_reader_wait(void)
{
    for (unsigned int i = 0; i < 5 * CLOCK_HZ; i++) {
        if (device_test_reader_done) {
            return true;
        }
        thread_delay(1);
    }
    device_test_input_give("!", 1);
    while (!device_test_reader_done) {
        thread_delay(1);
    }
    return false;
}

static void
device_test_console_fn(void)
{
    static const char inband[IO_INBAND_MAX] = "device_console: write_inband\n";
    static const char ool[] = "device_console: write out of line\n";
    static char big[DEVICE_READ_MAX + 100];
    unsigned int threads = thread_count();
    io_buf_ptr_inband_t buf;
    mach_msg_type_number_t count;
    struct vm_copy *copy;
    io_buf_ptr_t data;
    struct ipc_port *pager;
    int status[4], written;
    io_return_t rc;
    device_t dev;
    char c;

    dev = device_test_open("console", D_READ | D_WRITE, &rc);
    KTEST_ASSERT(dev != DEVICE_NULL);
    if (dev == DEVICE_NULL) {
        return;
    }

    /* Writes. */
    written = -1;
    KTEST_ASSERT(ds_device_write_inband(dev, NULL, 0, 0, 0, inband, strlen(inband),
                                        &written) == D_SUCCESS
                 && written == (int)strlen(inband));
    KTEST_ASSERT(ds_device_write_inband(dev, NULL, 0, 0, 0, inband, 0, &written) == D_SUCCESS
                 && written == 0);
    KTEST_ASSERT(ds_device_write_inband(dev, NULL, 0, 0, 0, inband, IO_INBAND_MAX + 1,
                                        &written) == D_INVALID_SIZE);
    KTEST_ASSERT(ds_device_write_inband(dev, NULL, 0, 0, 0, NULL, 1, &written)
                 == D_INVALID_SIZE);
    KTEST_ASSERT(vm_copy_create(sizeof(ool) - 1, &copy) == 0);
    vm_copy_write(copy, 0, ool, sizeof(ool) - 1);
    KTEST_ASSERT(ds_device_write(dev, NULL, 0, 0, 0, (io_buf_ptr_t)copy, sizeof(ool),
                                 &written) == D_INVALID_SIZE);     /* not the copy's size */
    written = -1;
    KTEST_ASSERT(ds_device_write(dev, NULL, 0, 0, 0, (io_buf_ptr_t)copy, sizeof(ool) - 1,
                                 &written) == D_SUCCESS
                 && written == (int)sizeof(ool) - 1);              /* the copy consumed */
    KTEST_ASSERT(ds_device_write(dev, NULL, 0, 0, 0, NULL, 0, &written) == D_INVALID_SIZE);

    /* Reads, from a scripted input. */
    dev_console_input_set(device_test_getc);
    device_test_input_give("abc", 3);
    count = 0;
    KTEST_ASSERT(ds_device_read_inband(dev, NULL, 0, 0, 0, 2, buf, &count) == D_SUCCESS
                 && count == 2 && buf[0] == 'a' && buf[1] == 'b');
    KTEST_ASSERT(ds_device_read_inband(dev, NULL, 0, D_NOWAIT, 0, 10, buf, &count) == D_SUCCESS
                 && count == 1 && buf[0] == 'c');
    KTEST_ASSERT(ds_device_read_inband(dev, NULL, 0, D_NOWAIT, 0, 10, buf, &count)
                 == D_WOULD_BLOCK);
    KTEST_ASSERT(ds_device_read_inband(dev, NULL, 0, 0, 0, -1, buf, &count) == D_INVALID_SIZE);
    KTEST_ASSERT(ds_device_read_inband(dev, NULL, 0, 0, 0, 0, buf, &count) == D_SUCCESS
                 && count == 0);
    data = (io_buf_ptr_t)1;
    KTEST_ASSERT(ds_device_read(dev, NULL, 0, D_NOWAIT, 0, 100, &data, &count)
                 == D_WOULD_BLOCK);
    KTEST_ASSERT(ds_device_read(dev, NULL, 0, 0, 0, 0, &data, &count) == D_SUCCESS
                 && data == NULL && count == 0);

    /* Out of line: at most DEVICE_READ_MAX at once, the rest stays pending. */
    for (size_t i = 0; i < sizeof(big); i++) {
        big[i] = (char)('A' + i % 26);
    }
    device_test_input_give(big, sizeof(big));
    KTEST_ASSERT(ds_device_read(dev, NULL, 0, 0, 0, (int)sizeof(big), &data, &count)
                 == D_SUCCESS && count == DEVICE_READ_MAX && data != NULL);
    if (data != NULL) {
        copy = (struct vm_copy *)data;
        KTEST_ASSERT(vm_copy_size(copy) == DEVICE_READ_MAX);
        vm_copy_read(copy, DEVICE_READ_MAX - 1, &c, 1);
        KTEST_ASSERT(c == big[DEVICE_READ_MAX - 1]);
        vm_copy_read(copy, 0, &c, 1);
        KTEST_ASSERT(c == 'A');
        vm_copy_discard(copy);
    }
    KTEST_ASSERT(ds_device_read(dev, NULL, 0, 0, 0, 1000, &data, &count) == D_SUCCESS
                 && count == 100 && data != NULL);
    if (data != NULL) {
        vm_copy_read((struct vm_copy *)data, 0, &c, 1);
        KTEST_ASSERT(c == big[DEVICE_READ_MAX]);
        vm_copy_discard((struct vm_copy *)data);
    }

    /* A blocking read sleeps until input comes. */
    device_test_input_give("", 0);
    KTEST_ASSERT(device_test_reader_start(dev));
    device_test_input_give("xyz", 3);
    KTEST_ASSERT(device_test_reader_wait());
    KTEST_ASSERT(device_test_reader_rc == D_SUCCESS && device_test_reader_count == 3
                 && memcmp(device_test_reader_buf, "xyz", 3) == 0);

    /* ... or until it is interrupted (thread_abort, the task going). */
    KTEST_ASSERT(device_test_reader_start(dev));
    thread_interrupt(device_test_reader);
    KTEST_ASSERT(device_test_reader_wait());
    KTEST_ASSERT(device_test_reader_rc == KERN_ABORTED && device_test_reader_count == 0);
    KTEST_ASSERT(ktest_wait_threads(threads));
    dev_console_input_set(NULL);

    /* Status: the size flavors only; nothing to set; nothing to map. */
    count = 4;
    KTEST_ASSERT(ds_device_get_status(dev, DEV_GET_SIZE, status, &count) == D_SUCCESS
                 && count == 2 && status[0] == 0 && status[1] == 1);
    count = 1;
    KTEST_ASSERT(ds_device_get_status(dev, DEV_GET_RECORDS, status, &count) == D_INVALID_SIZE);
    count = 4;
    KTEST_ASSERT(ds_device_get_status(dev, 99, status, &count) == D_INVALID_OPERATION);
    KTEST_ASSERT(ds_device_set_status(dev, DEV_GET_SIZE, status, 2) == D_INVALID_OPERATION);
    KTEST_ASSERT(ds_device_map(dev, 1, 0, PAGE_SIZE, &pager, 0) == D_INVALID_OPERATION);

    KTEST_ASSERT(device_test_close(dev) == D_SUCCESS);
}

KTEST_DEFINE(device_console, device_test_console_fn, 0);

#define DEVICE_TEST_VA          0x30000000u

/* The seconds and microseconds of the page at va of map, read through the user mapping. */
static bool
device_test_user_time(struct vm_user_map *map, uintptr_t va, uint32_t *secp, uint32_t *usp,
                      uint64_t *upnsp)
{
    uint32_t s, us, check, w[4];
    unsigned int tries = 0;
    bool ok;

    thread_pmap_set(vm_user_map_pmap(map));
    ok = vm_fault(map, va, VM_MAP_PROT_READ) == 0;
    do {
        ok = ok && probe_read32((const void *)(va + 0), &s) == 0
             && probe_read32((const void *)(va + 4), &us) == 0
             && probe_read32((const void *)(va + 36), &w[0]) == 0      /* uptime seconds, low */
             && probe_read32((const void *)(va + 44), &w[2]) == 0      /* uptime ns, low */
             && probe_read32((const void *)(va + 8), &check) == 0;
    } while (ok && s != check && ++tries < 100);
    thread_pmap_set(NULL);
    *secp = s;
    *usp = us;
    *upnsp = (uint64_t)w[0] * 1000000000ULL + w[2];
    return ok && s == check;
}

static void
device_test_time_fn(void)
{
    struct host *host = ipc_port_kobject(host_port(), IPC_KOBJECT_HOST, NULL);
    const volatile mapped_time_value_t *page = dev_time_page();
    struct ipc_port *pager = NULL;
    struct vm_user_map *map;
    time_value64_t tod;
    uintptr_t va, va_copy;
    uint32_t s1, us1, s2, us2, s3, us3;
    uint64_t up1, up2, up3, now;
    mach_msg_type_number_t count;
    int status[2], written;
    io_buf_ptr_inband_t buf;
    io_return_t rc;
    device_t dev;

    KTEST_ASSERT(page != NULL && page->seconds == page->check_seconds);
    KTEST_ASSERT(device_test_open("time", D_READ | D_WRITE, &rc) == DEVICE_NULL
                 && rc == D_READ_ONLY);
    dev = device_test_open("time", D_READ, &rc);
    KTEST_ASSERT(dev != DEVICE_NULL);
    if (dev == DEVICE_NULL) {
        return;
    }
    KTEST_ASSERT(device_test_open("time", D_WRITE, &rc) == DEVICE_NULL && rc == D_READ_ONLY
                 && dev->open_count == 1);

    /* No I/O, the size flavors. */
    KTEST_ASSERT(ds_device_write_inband(dev, NULL, 0, 0, 0, device_test_x, 1, &written)
                 == D_INVALID_OPERATION);
    KTEST_ASSERT(ds_device_read_inband(dev, NULL, 0, 0, 0, 4, buf, &count)
                 == D_INVALID_OPERATION);
    count = 2;
    KTEST_ASSERT(ds_device_get_status(dev, DEV_GET_SIZE, status, &count) == D_SUCCESS
                 && count == 2 && status[0] == (int)sizeof(mapped_time_value_t)
                 && status[1] == 1);
    KTEST_ASSERT(ds_device_set_status(dev, 0, status, 1) == D_INVALID_OPERATION);

    /* device_map's errors, then the pager. */
    KTEST_ASSERT(ds_device_map(dev, 8, 0, 60, &pager, 0) == KERN_INVALID_ARGUMENT);
    KTEST_ASSERT(ds_device_map(dev, 3, 0, 60, &pager, 0) == D_READ_ONLY);
    KTEST_ASSERT(ds_device_map(dev, 1, 0, 0, &pager, 0) == D_INVALID_SIZE);
    KTEST_ASSERT(ds_device_map(dev, 1, PAGE_SIZE, 1, &pager, 0) == D_INVALID_SIZE);
    KTEST_ASSERT(ds_device_map(dev, 1, 0, PAGE_SIZE + 1, &pager, 0) == D_INVALID_SIZE);
    KTEST_ASSERT(ds_device_map(dev, 1, 0, sizeof(mapped_time_value_t), &pager, 0)
                 == D_SUCCESS && pager != NULL && pager->kotype == IPC_KOBJECT_PAGER);
    KTEST_ASSERT(device_test_close(dev) == D_SUCCESS);
    if (pager == NULL) {
        return;
    }

    /* vm_map of the pager (it outlives the device's port, as in GNU Mach). */
    KTEST_ASSERT(vm_user_map_create(&map) == 0);
    va = DEVICE_TEST_VA;
    KTEST_ASSERT(dev_pager_vm_map(host_port(), map, &va, 60, 0, false, false, 0, 1, 1, 2)
                 == KERN_INVALID_ARGUMENT);
    KTEST_ASSERT(dev_pager_vm_map(pager, map, &va, 60, 0, false, false, 0, 3, 3, 2)
                 == KERN_PROTECTION_FAILURE);
    KTEST_ASSERT(dev_pager_vm_map(pager, map, &va, 60, 0, false, false, PAGE_SIZE, 1, 1, 2)
                 == KERN_INVALID_ARGUMENT);
    KTEST_ASSERT(dev_pager_vm_map(pager, map, &va, 60, 0, false, false, 1, 1, 1, 2)
                 == KERN_INVALID_ARGUMENT);
    KTEST_ASSERT(dev_pager_vm_map(pager, map, &va, 2 * PAGE_SIZE, 0, false, false, 0, 1, 1, 2)
                 == KERN_INVALID_ARGUMENT);
    KTEST_ASSERT(dev_pager_vm_map(pager, map, &va, 0, 0, false, false, 0, 1, 1, 2)
                 == KERN_INVALID_ARGUMENT);
    KTEST_ASSERT(dev_pager_vm_map(pager, map, &va, 60, 0, false, false, 0, 1, 7, 2)
                 == KERN_SUCCESS && va == DEVICE_TEST_VA);        /* max cut to READ|EXECUTE */
    va_copy = 0;                            /* anywhere: the lowest free page, 0 */
    KTEST_ASSERT(dev_pager_vm_map(pager, map, &va_copy, 60, 0, true, false, 0, 1, 1, 2)
                 == KERN_SUCCESS && va_copy == 0);
    KTEST_ASSERT(vm_user_deallocate(map, va_copy, PAGE_SIZE) == KERN_SUCCESS);
    va_copy = va + PAGE_SIZE;
    KTEST_ASSERT(dev_pager_vm_map(pager, map, &va_copy, 60, 0, false, true, 0, 1, 1, 2)
                 == KERN_SUCCESS && va_copy == va + PAGE_SIZE);

    /* Read-only: no write fault, no raising the protection. */
    thread_pmap_set(vm_user_map_pmap(map));
    KTEST_ASSERT(vm_fault(map, va, VM_MAP_PROT_WRITE) == ERROR_PROT);
    KTEST_ASSERT(probe_write32((void *)va, 0) != 0);
    thread_pmap_set(NULL);
    KTEST_ASSERT(vm_user_protect(map, va, PAGE_SIZE, false, VM_MAP_PROT_RW)
                 == KERN_PROTECTION_FAILURE);
    KTEST_ASSERT(vm_user_protect(map, va, PAGE_SIZE, false, VM_MAP_PROT_READ
                                                          | VM_MAP_PROT_EXECUTE)
                 == KERN_SUCCESS);

    /* The time advances in the mapping, agreeing with the host calls. */
    KTEST_ASSERT(device_test_user_time(map, va, &s1, &us1, &up1));
    KTEST_ASSERT(host_get_time64(host, &tod) == KERN_SUCCESS);
    now = (uint64_t)tod.seconds * 1000000 + (uint64_t)tod.nanoseconds / 1000;
    ktest_assert_msg(now >= (uint64_t)s1 * 1000000 + us1
                     && now - ((uint64_t)s1 * 1000000 + us1) <= 1000000,
                     "mapped %u.%06u, host_get_time64 %u.%06u", s1, us1,
                     (unsigned int)tod.seconds, (unsigned int)(tod.nanoseconds / 1000));
    KTEST_ASSERT(host_get_uptime64(host, &tod) == KERN_SUCCESS);
    KTEST_ASSERT((uint64_t)tod.seconds * 1000000000ULL + (uint64_t)tod.nanoseconds >= up1);
    thread_delay(CLOCK_HZ / 10 + 1);
    KTEST_ASSERT(device_test_user_time(map, va, &s2, &us2, &up2));
    ktest_assert_msg((uint64_t)s2 * 1000000 + us2 >= (uint64_t)s1 * 1000000 + us1 + 100000,
                     "%u.%06u then %u.%06u after 110 ms", s1, us1, s2, us2);
    KTEST_ASSERT(up2 >= up1 + 100000000ULL);
    ktest_diag("device_time: mapped time %u.%06u, then %u.%06u; uptime %u ms", s1, us1, s2,
               us2, (unsigned int)(up2 / 1000000));

    /* The copy is frozen at its mapping. */
    KTEST_ASSERT(device_test_user_time(map, va_copy, &s3, &us3, &up3));
    KTEST_ASSERT((uint64_t)s3 * 1000000 + us3 <= (uint64_t)s1 * 1000000 + us1 && up3 <= up1);

    /* Unmapping and destroying the map leave the kernel's page alone. */
    KTEST_ASSERT(vm_user_deallocate(map, va, PAGE_SIZE) == KERN_SUCCESS);
    vm_user_map_destroy(map);
    KTEST_ASSERT(vm_object_nr_pages(((struct dev_pager *)pager->kobject)->object) == 1);
    s1 = (uint32_t)page->uptime_value.nanoseconds;
    thread_delay(2);
    KTEST_ASSERT((uint32_t)page->uptime_value.nanoseconds != s1);
    ipc_right_release_send(pager, MACH_MSG_TYPE_PORT_SEND);
}

KTEST_DEFINE(device_time, device_test_time_fn, 0);
