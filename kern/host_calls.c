/* SPDX-License-Identifier: GPL-2.0-or-later */
/*
 * Host calls (see host_calls.h).
 *
 * The time of day is kept as an offset: the clock chip's time minus the
 * uptime at the moment it was read, taken once (the chip's one-second
 * resolution would make every later read a port-I/O round trip for no
 * gain); time = offset + uptime. The uptime is the tick count, so both
 * advance in 10 ms steps. The 64-bit offset is read and published
 * under a spinlock (i386 has no plain 64-bit atomics); concurrent first
 * calls each read the chip, outside the lock, and the first to publish
 * wins, so every caller sees one offset.
 */
#include <stdbool.h>
#include <stddef.h>
#include <stdint.h>

#include <include/mach/host_info.h>
#include <include/mach/kern_return.h>
#include <include/mach/time_value.h>
#include <kern/account.h>
#include <kern/clock.h>
#include <kern/host_calls.h>
#include <kern/macros.h>
#include <kern/printf.h>
#include <kern/spinlock.h>
#include <kern/string.h>
#include <kern/task.h>
#include <kern/thread.h>
#include <machine/machine.h>
#include <machine/param.h>
#include <machine/smp.h>
#include <vm/vm_page.h>

#include "mach_host_S.h"

#define HOST_VERSION            PACKAGE_STRING " (i386)"
#define HOST_NS_PER_TICK        (1000000000ULL / CLOCK_HZ)

static struct spinlock host_tod_lock = SPINLOCK_INITIALIZER;
static bool host_tod_valid;
static int64_t host_tod_offset_ns;      /* time of day - uptime (host_tod_lock) */

/* Nanoseconds since boot. */
static uint64_t
host_uptime_ns(void)
{
    return clock_ticks() * HOST_NS_PER_TICK;
}

/* Nanoseconds since the epoch. */
static int64_t
host_time_ns(void)
{
    int64_t offset, secs;
    bool valid;

    spinlock_lock(&host_tod_lock);
    valid = host_tod_valid;
    offset = host_tod_offset_ns;
    spinlock_unlock(&host_tod_lock);
    if (!valid) {
        secs = machine_time_of_day();
        offset = (secs < 0 ? 0 : secs * 1000000000LL) - (int64_t)host_uptime_ns();
        spinlock_lock(&host_tod_lock);
        if (!host_tod_valid) {
            host_tod_offset_ns = offset;
            host_tod_valid = true;
        }
        offset = host_tod_offset_ns;
        spinlock_unlock(&host_tod_lock);
    }
    return offset + (int64_t)host_uptime_ns();
}

static void
host_time_value64(int64_t ns, time_value64_t *tv)
{
    tv->seconds = ns / 1000000000LL;
    tv->nanoseconds = ns % 1000000000LL;
}

/* Bytes the kernel manages, capped to what a 32-bit memory_size holds. */
static natural_t
host_memory_size(void)
{
    struct vm_page_seg_stats stats;
    uint64_t pages = 0;

    for (unsigned int seg = 0; vm_page_seg_stats_get(seg, &stats) == 0; seg++) {
        pages += stats.nr_managed;
    }
    return (natural_t)MIN(pages * PAGE_SIZE, (uint64_t)(UINT32_MAX - PAGE_SIZE + 1));
}

kern_return_t
host_info(struct host *host, int flavor, integer_t *host_info_out, natural_t *host_info_outCnt)
{
    if (host == NULL) {
        return KERN_INVALID_ARGUMENT;
    }
    switch (flavor) {
    case HOST_BASIC_INFO: {
        struct host_basic_info info;

        if (*host_info_outCnt < HOST_BASIC_INFO_COUNT) {
            return KERN_FAILURE;
        }
        info.max_cpus = CONFIG_NCPUS;
        info.avail_cpus = (integer_t)smp_nr_cpus();
        info.memory_size = host_memory_size();
        machine_cpu_type(&info.cpu_type, &info.cpu_subtype);
        memcpy(host_info_out, &info, sizeof(info));
        *host_info_outCnt = HOST_BASIC_INFO_COUNT;
        return KERN_SUCCESS;
    }
    case HOST_PROCESSOR_SLOTS: {
        unsigned int n = smp_nr_cpus();

        if (*host_info_outCnt < CONFIG_NCPUS) {
            return KERN_INVALID_ARGUMENT;
        }
        for (unsigned int i = 0; i < n; i++) {
            host_info_out[i] = (integer_t)i;
        }
        *host_info_outCnt = n;
        return KERN_SUCCESS;
    }
    case HOST_SCHED_INFO: {
        struct host_sched_info info = {
            .min_timeout = 1000 / CLOCK_HZ,
            .min_quantum = THREAD_SLICE_TICKS * 1000 / CLOCK_HZ,
        };

        if (*host_info_outCnt < HOST_SCHED_INFO_COUNT) {
            return KERN_FAILURE;
        }
        memcpy(host_info_out, &info, sizeof(info));
        *host_info_outCnt = HOST_SCHED_INFO_COUNT;
        return KERN_SUCCESS;
    }
    case HOST_LOAD_INFO:
        if (*host_info_outCnt < HOST_LOAD_INFO_COUNT) {
            return KERN_FAILURE;
        }
        account_load_get(&host_info_out[0], &host_info_out[3]);   /* avenrun, mach_factor */
        *host_info_outCnt = HOST_LOAD_INFO_COUNT;
        return KERN_SUCCESS;
    default:
        return KERN_INVALID_ARGUMENT;
    }
}

kern_return_t
host_get_kernel_version(struct host *host, kernel_version_t kernel_version)
{
    _Static_assert(sizeof(HOST_VERSION) <= KERNEL_VERSION_MAX, "the version fits");

    if (host == NULL) {
        return KERN_INVALID_ARGUMENT;
    }
    memcpy(kernel_version, HOST_VERSION, sizeof(HOST_VERSION));
    return KERN_SUCCESS;
}

kern_return_t
host_kernel_version(struct host *host, kernel_version_t kernel_version)
{
    return host_get_kernel_version(host, kernel_version);
}

kern_return_t
host_get_time64(struct host *host, time_value64_t *current_time)
{
    if (host == NULL) {
        return KERN_INVALID_HOST;
    }
    host_time_value64(host_time_ns(), current_time);
    return KERN_SUCCESS;
}

kern_return_t
host_get_time(struct host *host, time_value_t *current_time)
{
    time_value64_t tv;
    kern_return_t kr = host_get_time64(host, &tv);

    if (kr == KERN_SUCCESS) {
        current_time->seconds = (integer_t)tv.seconds;
        current_time->microseconds = (integer_t)(tv.nanoseconds / 1000);
    }
    return kr;
}

kern_return_t
host_get_uptime64(struct host *host, time_value64_t *uptime)
{
    if (host == NULL) {
        return KERN_INVALID_HOST;
    }
    host_time_value64((int64_t)host_uptime_ns(), uptime);
    return KERN_SUCCESS;
}

kern_return_t
host_reboot(struct host *host_priv, int options)
{
    struct task *task = thread_self()->task;
    const char *who = task != NULL ? task->name : "the kernel";

    if (host_priv == NULL) {
        return KERN_INVALID_HOST;
    }
    if (options & RB_DEBUGGER) {
        printf("host_reboot: %s asked for the kernel debugger: there is none\n", who);
        return KERN_FAILURE;
    }
    if (options & RB_HALT) {
        printf("host_reboot: halt, asked by %s\n", who);
        machine_halt();
    }
    printf("host_reboot: reboot, asked by %s\n", who);
    machine_reboot();
}
