/* SPDX-License-Identifier: GPL-2.0-or-later */
/*
 * Device "time" (see device/dev_time.h).
 *
 * Rationale. The page is an ordinary VM object page, taken from the
 * direct map so the tick can write it through the kernel's own mapping,
 * and owned by a shared VM object that the device keeps forever: user
 * mappings fault it in like any object page, and unmapping one never
 * frees it. The tick runs in the clock interrupt, so it takes no lock
 * and reads no clock chip: the time of day is kern/clock.c's offset,
 * which host_get_time64 also uses (set from the clock chip by the first
 * read, at setup at the latest, in thread context; moved by
 * host_set_time and host_adjust_time), plus the tick count: the same sum
 * host_get_time64 makes, to the nanosecond. Each group of fields is written check word
 * first, then the value, then the seconds, with compiler and store
 * barriers between (x86 keeps stores in order), so a reader that finds
 * the seconds equal to the check word read a consistent value.
 */
#include <stdbool.h>
#include <stddef.h>
#include <stdint.h>

#include <device/dev_pager.h>
#include <device/dev_time.h>
#include <device/device.h>
#include <include/device/device_types.h>
#include <include/mach/time_value.h>
#include <ipc/ipc_port.h>
#include <kern/clock.h>
#include <kern/host.h>
#include <kern/spinlock.h>
#include <kern/host_calls.h>
#include <kern/macros.h>
#include <kern/panic.h>
#include <kern/string.h>
#include <machine/cpu.h>
#include <machine/param.h>
#include <vm/vm_map.h>
#include <vm/vm_object.h>
#include <vm/vm_page.h>

_Static_assert(sizeof(mapped_time_value_t) == 60, "mapped_time_value_t is 60 bytes on i386");
_Static_assert(offsetof(mapped_time_value_t, time_value) == 12, "time_value at 12");
_Static_assert(offsetof(mapped_time_value_t, check_seconds64) == 28, "check_seconds64 at 28");
_Static_assert(offsetof(mapped_time_value_t, uptime_value) == 36, "uptime_value at 36");
_Static_assert(offsetof(mapped_time_value_t, check_upseconds64) == 52, "check_upseconds64 at 52");


static volatile mapped_time_value_t *dev_time_mtime;
static bool dev_time_ready;            /* atomic */
static struct dev_pager dev_time_pager;
static struct spinlock dev_time_lock = SPINLOCK_INITIALIZER;   /* one writer at a time */

static void
dev_time_store(volatile mapped_time_value_t *t, const time_value64_t *tod,
               const time_value64_t *up)
{
    t->check_seconds = (integer_t)tod->seconds;
    t->check_seconds64 = tod->seconds;
    t->check_upseconds64 = up->seconds;
    __atomic_thread_fence(__ATOMIC_RELEASE);
    t->microseconds = (integer_t)(tod->nanoseconds / 1000);
    t->time_value.nanoseconds = tod->nanoseconds;
    t->uptime_value.nanoseconds = up->nanoseconds;
    __atomic_thread_fence(__ATOMIC_RELEASE);
    t->seconds = (integer_t)tod->seconds;
    t->time_value.seconds = tod->seconds;
    t->uptime_value.seconds = up->seconds;
}

void
dev_time_update(void)
{
    time_value64_t tod, up;
    uint64_t ticks;
    int64_t tod_ns;
    uint32_t flags;

    if (!__atomic_load_n(&dev_time_ready, __ATOMIC_ACQUIRE)) {
        return;
    }
    /* Read and store under the lock: the page never goes back a tick. */
    flags = spinlock_lock_intr_save(&dev_time_lock);
    ticks = clock_ticks();
    if (clock_tod_read(ticks, &tod_ns)) {   /* else not set yet */
        clock_ns_split((int64_t)ticks * CLOCK_NS_PER_TICK, &up);
        clock_ns_split(tod_ns, &tod);
        dev_time_store(dev_time_mtime, &tod, &up);
    }
    spinlock_unlock_intr_restore(&dev_time_lock, flags);
}

void
dev_time_setup(void)
{
    struct host *host = ipc_port_kobject(host_port(), IPC_KOBJECT_HOST, NULL);
    struct vm_object *object;
    struct vm_page *page;
    time_value64_t tod;
    kern_return_t kr;
    uint32_t flags;

    /* Setup runs once at boot; without memory for one page the kernel cannot go on. */
    page = vm_page_alloc(0, VM_PAGE_SEL_DIRECTMAP, VM_PAGE_OBJECT);
    if (page == NULL || vm_object_create(PAGE_SIZE, &object) != 0) {
        panic("dev_time: no memory for the time page");
    }
    dev_time_mtime = vm_page_direct_va(page);
    memset((void *)dev_time_mtime, 0, PAGE_SIZE);
    if (vm_object_page_insert(object, 0, page) != 0
        || dev_pager_init(&dev_time_pager, object,
                          VM_MAP_PROT_READ | VM_MAP_PROT_EXECUTE) != 0) {
        panic("dev_time: no memory for the time pager");
    }

    /* The first read of the time of day sets kern/clock.c's offset from the clock chip. */
    kr = host_get_time64(host, &tod);
    assert(kr == KERN_SUCCESS);
    (void)kr;
    /* The first value now, not at the next tick; the tick cannot interleave. */
    flags = cpu_intr_save();
    __atomic_store_n(&dev_time_ready, true, __ATOMIC_RELEASE);
    dev_time_update();
    cpu_intr_restore(flags);
}

const volatile struct mapped_time_value *
dev_time_page(void)
{
    return dev_time_mtime;
}

static io_return_t
dev_time_open(struct device *dev, dev_mode_t mode)
{
    (void)dev;
    return (mode & D_WRITE) ? D_READ_ONLY : D_SUCCESS;
}

static io_return_t
dev_time_get_status(struct device *dev, dev_flavor_t flavor, int *status,
                    mach_msg_type_number_t *countp)
{
    (void)dev;
    return device_status_size(flavor, sizeof(mapped_time_value_t), 1, status, countp);
}

static io_return_t
dev_time_map(struct device *dev, unsigned int prot, uintptr_t offset, uintptr_t size,
             struct ipc_port **pagerp)
{
    (void)dev;
    if ((prot & VM_MAP_PROT_WRITE) != 0) {
        return D_READ_ONLY;
    }
    if (size == 0 || offset >= PAGE_SIZE || size > PAGE_SIZE - offset) {
        return D_INVALID_SIZE;
    }
    *pagerp = dev_pager_port(&dev_time_pager);
    return D_SUCCESS;
}

static const struct device_ops dev_time_ops = {
    .open = dev_time_open,
    .get_status = dev_time_get_status,
    .map = dev_time_map,
};

struct device dev_time = {
    .name = "time",
    .ops = &dev_time_ops,
};
