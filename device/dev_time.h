/* SPDX-License-Identifier: GPL-2.0-or-later */
/*
 * Device "time": one page laid out as GNU Mach's mapped_time_value_t
 * (include/mach/time_value.h), rewritten at every clock tick with the
 * time of day and the uptime that host_get_time64 and host_get_uptime64
 * report. device_map gives its pager (device/dev_pager.h), which vm_map
 * maps read-only: readers see the seconds advance without a call.
 * Opening it for writing gives D_READ_ONLY; it cannot be read, written
 * or set by I/O calls (D_INVALID_OPERATION).
 */
#ifndef DEVICE_DEV_TIME_H
#define DEVICE_DEV_TIME_H

struct device;
struct mapped_time_value;

extern struct device dev_time;

/* Make the page, its object and its pager. Once, from device_setup(). */
void dev_time_setup(void);

/*
 * Rewrite the page from the clock: every tick, and when the time is set
 * (GNU Mach updates the mapped time then too). Any context; writers are
 * serialised by a spinlock, readers use the page's check fields. Does
 * nothing before dev_time_setup().
 */
void dev_time_update(void);

/* The page, as the kernel writes it (for tests and the shell). */
const volatile struct mapped_time_value *dev_time_page(void);

#endif /* DEVICE_DEV_TIME_H */
