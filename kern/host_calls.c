/* SPDX-License-Identifier: GPL-2.0-or-later */
/*
 * Host calls (see host_calls.h).
 *
 * The time of day is kern/clock.c's: an offset from the uptime, which
 * the first read sets from the clock chip (read once: its one-second
 * resolution would make every later read a port-I/O round trip for no
 * gain), host_set_time sets again and host_adjust_time slews. The
 * uptime is the tick count, so both advance in 10 ms steps. Concurrent
 * first reads each read the chip, and the first to publish wins, so
 * every caller sees one offset.
 *
 * Setting the time does not write the clock chip (GNU Mach's resettodr):
 * the new time lasts until the machine restarts.
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
#include <kern/string.h>
#include <kern/task.h>
#include <kern/thread.h>
#include <machine/machine.h>
#include <machine/param.h>
#include <machine/smp.h>
#include <vm/vm_page.h>

#include "mach_host_S.h"
#include "mach_host_ext_S.h"

#define HOST_VERSION            PACKAGE_STRING " (i386)"
#define HOST_TIME_SECONDS_MAX   (INT64_MAX / CLOCK_NS_PER_SEC - 1)
#define HOST_ADJUST_SECONDS_MAX (INT32_MAX / 1000000 - 1)

/* Nanoseconds since the epoch. */
static int64_t
host_time_ns(void)
{
    int64_t ns, secs;

    if (!clock_tod_read(clock_ticks(), &ns)) {
        secs = machine_time_of_day();
        clock_tod_set(secs < 0 ? 0 : secs * CLOCK_NS_PER_SEC, true);
        clock_tod_read(clock_ticks(), &ns);
    }
    return ns;
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
    clock_ns_split(host_time_ns(), current_time);
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
    clock_ns_split((int64_t)clock_ticks() * CLOCK_NS_PER_TICK, uptime);
    return KERN_SUCCESS;
}

kern_return_t
host_set_time64(struct host *host_priv, time_value64_t new_time)
{
    if (host_priv == NULL) {
        return KERN_INVALID_HOST;
    }
    /* Nanoseconds in 64 bits: about 292 years either side of the epoch. */
    if (new_time.seconds > HOST_TIME_SECONDS_MAX || new_time.seconds < -HOST_TIME_SECONDS_MAX
        || new_time.nanoseconds > CLOCK_NS_PER_SEC || new_time.nanoseconds < -CLOCK_NS_PER_SEC) {
        return KERN_INVALID_ARGUMENT;
    }
    clock_tod_set(new_time.seconds * CLOCK_NS_PER_SEC + new_time.nanoseconds, false);
    return KERN_SUCCESS;
}

kern_return_t
host_set_time(struct host *host_priv, time_value_t new_time)
{
    time_value64_t tv = {
        .seconds = new_time.seconds,
        .nanoseconds = (long long)new_time.microseconds * 1000,
    };

    return host_set_time64(host_priv, tv);
}

kern_return_t
host_adjust_time64(struct host *host_priv, time_value64_t new_adjustment,
                   time_value64_t *old_adjustment)
{
    bool change = new_adjustment.nanoseconds != MACH_ADJTIME_NSECS_OMIT;
    int64_t new_us = 0, old_us;

    if (host_priv == NULL) {
        return KERN_INVALID_HOST;
    }
    if (change) {
        /* GNU Mach keeps the adjustment in an int of microseconds: no more fits. */
        if (new_adjustment.seconds > HOST_ADJUST_SECONDS_MAX
            || new_adjustment.seconds < -HOST_ADJUST_SECONDS_MAX
            || new_adjustment.nanoseconds > CLOCK_NS_PER_SEC
            || new_adjustment.nanoseconds < -CLOCK_NS_PER_SEC) {
            return KERN_INVALID_ARGUMENT;
        }
        new_us = new_adjustment.seconds * 1000000 + new_adjustment.nanoseconds / 1000;
    }
    old_us = clock_tod_adjust(new_us, change);
    /* As GNU Mach: both parts carry the sign of a negative adjustment. */
    old_adjustment->seconds = old_us / 1000000;
    old_adjustment->nanoseconds = old_us % 1000000 * 1000;
    return KERN_SUCCESS;
}

kern_return_t
host_adjust_time(struct host *host_priv, time_value_t new_adjustment,
                 time_value_t *old_adjustment)
{
    time_value64_t new64 = {
        .seconds = new_adjustment.seconds,
        .nanoseconds = (long long)new_adjustment.microseconds * 1000,
    }, old64;
    kern_return_t kr = host_adjust_time64(host_priv, new64, &old64);

    if (kr == KERN_SUCCESS) {
        old_adjustment->seconds = (integer_t)old64.seconds;
        old_adjustment->microseconds = (integer_t)(old64.nanoseconds / 1000);
    }
    return kr;
}

kern_return_t
host_get_boot_info(struct host *host_priv, kernel_boot_info_t boot_info)
{
    if (host_priv == NULL) {
        return KERN_INVALID_HOST;
    }
    memset(boot_info, 0, sizeof(kernel_boot_info_t));
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
