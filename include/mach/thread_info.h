/* SPDX-License-Identifier: GPL-2.0-or-later */
/*
 * thread_info flavors (mach.defs 2019) with GNU Mach's numbers and
 * layouts; counts are in 32-bit words.
 */
#ifndef MACH_THREAD_INFO_H
#define MACH_THREAD_INFO_H

#include "machine/vm_types.h"
#include "policy.h"
#include "time_value.h"

typedef integer_t *thread_info_t;
#define THREAD_INFO_MAX                 1024

#define THREAD_BASIC_INFO               1
struct thread_basic_info {
    time_value_t user_time;
    time_value_t system_time;
    integer_t cpu_usage;                /* scaled by TH_USAGE_SCALE */
    integer_t base_priority;
    integer_t cur_priority;
    integer_t run_state;                /* TH_STATE_* */
    integer_t flags;                    /* TH_FLAGS_* */
    integer_t suspend_count;
    integer_t sleep_time;               /* seconds asleep */
    time_value_t creation_time;
};
#define THREAD_BASIC_INFO_COUNT         13

#define TH_USAGE_SCALE                  1000

#define TH_STATE_RUNNING                1
#define TH_STATE_STOPPED                2
#define TH_STATE_WAITING                3
#define TH_STATE_UNINTERRUPTIBLE        4
#define TH_STATE_HALTED                 5

#define TH_FLAGS_SWAPPED                0x1
#define TH_FLAGS_IDLE                   0x2

#define THREAD_SCHED_INFO               2
struct thread_sched_info {
    integer_t policy;                   /* POLICY_TIMESHARE 1 */
    integer_t data;
    integer_t base_priority;
    integer_t max_priority;
    integer_t cur_priority;
    integer_t depressed;                /* a boolean */
    integer_t depress_priority;         /* -1: not depressed */
    integer_t last_processor;
};
#define THREAD_SCHED_INFO_COUNT         8

#endif /* MACH_THREAD_INFO_H */
