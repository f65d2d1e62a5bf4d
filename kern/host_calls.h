/* SPDX-License-Identifier: GPL-2.0-or-later */
/*
 * The server routines of mach_host.defs on the host itself, as plain
 * kernel functions with GNU Mach's argument order, layouts and errors,
 * for the MIG server stubs: host_info, the kernel version, the time of
 * day and the uptime. host is the kernel object of the host port or the
 * privileged one (kern/host.h); a NULL host is GNU Mach's HOST_NULL.
 *
 * Time: the time of day is the machine's clock (the CMOS clock on a
 * PC), read once at the first call and carried on by the clock tick
 * (CLOCK_HZ, 10 ms); without a valid clock it starts at the epoch.
 * host_set_time sets it and host_adjust_time slews it (kern/clock.h);
 * the clock chip is never written.
 *
 * kern/host_calls.c checks these prototypes against the MIG-generated
 * mach_host_S.h.
 */
#ifndef KERN_HOST_CALLS_H
#define KERN_HOST_CALLS_H

#include <include/mach/host_info.h>
#include <include/mach/kern_return.h>
#include <include/mach/time_value.h>

struct host;

/*
 * host_info: HOST_BASIC_INFO (CPUs configured and online, memory the
 * kernel manages in bytes, capped below 4 GiB, CPU type),
 * HOST_PROCESSOR_SLOTS (the online CPUs' numbers; the room must be at
 * least CONFIG_NCPUS words), HOST_SCHED_INFO (the tick and the time
 * slice in milliseconds), HOST_LOAD_INFO (not computed yet: zeros).
 * Errors as GNU Mach: NULL host or unknown flavor →
 * KERN_INVALID_ARGUMENT; too little room → KERN_FAILURE, but
 * KERN_INVALID_ARGUMENT for the slots. Any thread context.
 */
kern_return_t host_info(struct host *host, int flavor, integer_t *host_info_out,
                        natural_t *host_info_outCnt);

/*
 * host_kernel_version (i386 only in GNU Mach) and
 * host_get_kernel_version: the kernel's version line, NUL-terminated,
 * into kernel_version[KERNEL_VERSION_MAX]. KERN_INVALID_ARGUMENT for a
 * NULL host.
 */
kern_return_t host_kernel_version(struct host *host, kernel_version_t kernel_version);
kern_return_t host_get_kernel_version(struct host *host, kernel_version_t kernel_version);

/*
 * host_get_time, host_get_time64: the time of day (since the epoch,
 * UTC). host_get_uptime64: the time since boot. KERN_INVALID_HOST for a
 * NULL host, as GNU Mach. Thread context (the first call reads the
 * clock chip).
 */
kern_return_t host_get_time(struct host *host, time_value_t *current_time);
kern_return_t host_get_time64(struct host *host, time_value64_t *current_time);
kern_return_t host_get_uptime64(struct host *host, time_value64_t *uptime);

/*
 * host_set_time, host_set_time64 (host-priv): the time of day becomes
 * new_time, for host_get_time, host_get_time64 and the mapped "time"
 * page alike (the clock chip keeps its time). KERN_INVALID_HOST for
 * NULL; KERN_INVALID_ARGUMENT for a time 64-bit nanoseconds cannot hold
 * (about 292 years from the epoch; GNU Mach stores anything) or
 * sub-second parts beyond a second either way. Any thread context.
 */
kern_return_t host_set_time(struct host *host_priv, time_value_t new_time);
kern_return_t host_set_time64(struct host *host_priv, time_value64_t new_time);

/*
 * host_adjust_time, host_adjust_time64 (host-priv): slew the time of day
 * by new_adjustment (microsecond precision) from now on, replacing what
 * was left of the last one, which goes back in *old_adjustment (both
 * parts negative for a negative one, as GNU Mach). GNU Mach's rate: 5 us
 * a 10 ms tick, 50 us when the new adjustment is over a second and none
 * was under way; truncated to a multiple of that step. Nanoseconds of
 * MACH_ADJTIME_NSECS_OMIT (host_adjust_time: 1000000 microseconds, as in
 * GNU Mach) only report. KERN_INVALID_HOST for NULL;
 * KERN_INVALID_ARGUMENT beyond what GNU Mach's int of microseconds holds
 * (2147 s; it would wrap). Any thread context.
 */
kern_return_t host_adjust_time(struct host *host_priv, time_value_t new_adjustment,
                               time_value_t *old_adjustment);
kern_return_t host_adjust_time64(struct host *host_priv, time_value64_t new_adjustment,
                                 time_value64_t *old_adjustment);

/*
 * host_get_boot_info (host-priv): GNU Mach's answer, an empty string
 * (the whole buffer zeroed). KERN_INVALID_HOST for NULL.
 */
kern_return_t host_get_boot_info(struct host *host_priv, kernel_boot_info_t boot_info);

/* host_reboot options (GNU Mach's <sys/reboot.h>). */
#define RB_AUTOBOOT     0x0000
#define RB_HALT         0x0008
#define RB_DEBUGGER     0x1000

/*
 * host_reboot (host-priv): print who asked on the console, then halt
 * (RB_HALT: power off, which ends QEMU) or reboot; does not return
 * then. RB_DEBUGGER asks for a kernel debugger, which mach lacks:
 * KERN_FAILURE, nothing else happens. KERN_INVALID_HOST for NULL (the
 * unprivileged host port converts to NULL). Thread context.
 */
kern_return_t host_reboot(struct host *host_priv, int options);

#endif /* KERN_HOST_CALLS_H */
