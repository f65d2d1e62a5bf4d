/* SPDX-License-Identifier: GPL-2.0-or-later */
/*
 * processor_set_info flavors (mach_host.defs 2640) with GNU Mach's
 * numbers and layouts; counts are in 32-bit words.
 */
#ifndef MACH_PROCESSOR_INFO_H
#define MACH_PROCESSOR_INFO_H

#include "machine/vm_types.h"

typedef integer_t *processor_set_info_t;
typedef integer_t *processor_info_t;

/* processor_info flavors (mach_host.defs 2638). */
#define PROCESSOR_BASIC_INFO            1
struct processor_basic_info {
    integer_t cpu_type;                 /* cpu_type_t (mach/host_info.h) */
    integer_t cpu_subtype;
    integer_t running;                  /* boolean_t */
    integer_t slot_num;
    integer_t is_master;                /* boolean_t */
};
#define PROCESSOR_BASIC_INFO_COUNT      5

#define PROCESSOR_SET_BASIC_INFO        1
struct processor_set_basic_info {
    integer_t processor_count;
    integer_t task_count;
    integer_t thread_count;
    integer_t load_average;             /* scaled by LOAD_SCALE */
    integer_t mach_factor;
};
#define PROCESSOR_SET_BASIC_INFO_COUNT  5

#define PROCESSOR_SET_SCHED_INFO        2
struct processor_set_sched_info {
    integer_t policies;                 /* POLICY_* bits allowed */
    integer_t max_priority;             /* for new threads */
};
#define PROCESSOR_SET_SCHED_INFO_COUNT  2

#endif /* MACH_PROCESSOR_INFO_H */
