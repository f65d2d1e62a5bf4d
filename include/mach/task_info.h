/* SPDX-License-Identifier: GPL-2.0-or-later */
/*
 * task_info flavors (mach.defs 2012) with GNU Mach's numbers and
 * layouts; counts are in 32-bit words. Sizes are in bytes.
 */
#ifndef MACH_TASK_INFO_H
#define MACH_TASK_INFO_H

#include "machine/vm_types.h"
#include "time_value.h"

typedef integer_t *task_info_t;
#define TASK_INFO_MAX                   1024

#define TASK_BASIC_INFO                 1
struct task_basic_info {
    integer_t suspend_count;
    integer_t base_priority;
    natural_t virtual_size;             /* bytes mapped */
    natural_t resident_size;            /* bytes in memory */
    time_value_t user_time;             /* of terminated threads */
    time_value_t system_time;
    time_value_t creation_time;
    /* GNU Mach after 1.8: the same times in 64 bits, filled for a full count only. */
    time_value64_t user_time64;
    time_value64_t system_time64;
    time_value64_t creation_time64;
};
#define TASK_BASIC_INFO_COUNT           22
#define TASK_BASIC_INFO_COUNT_1_8       10  /* the layout up to creation_time: still accepted */

#define TASK_EVENTS_INFO                2
struct task_events_info {
    natural_t faults;
    natural_t zero_fills;
    natural_t reactivations;
    natural_t pageins;
    natural_t cow_faults;
    natural_t messages_sent;
    natural_t messages_received;
};
#define TASK_EVENTS_INFO_COUNT          7

#define TASK_THREAD_TIMES_INFO          3
struct task_thread_times_info {
    time_value_t user_time;             /* of live threads */
    time_value_t system_time;
    time_value64_t user_time64;         /* GNU Mach after 1.8, as in task_basic_info */
    time_value64_t system_time64;
};
#define TASK_THREAD_TIMES_INFO_COUNT    12
#define TASK_THREAD_TIMES_INFO_COUNT_1_8 4

#endif /* MACH_TASK_INFO_H */
