/* SPDX-License-Identifier: GPL-2.0-or-later */
/*
 * Thread state: the machine registers of a thread as thread_get_state,
 * thread_set_state and the thread_set_self_state trap (-77) move them,
 * an array of natural_t words whose meaning a flavor number selects.
 * The flavors and their layouts are the machine's
 * (mach/machine/thread_status.h); the values are GNU Mach's.
 */
#ifndef MACH_THREAD_STATUS_H
#define MACH_THREAD_STATUS_H

#include "machine/vm_types.h"
#include "machine/thread_status.h"

typedef natural_t *thread_state_t;      /* count words, the flavor's layout */

#define THREAD_STATE_MAX                1024    /* longest state array, in words */
typedef natural_t thread_state_data_t[THREAD_STATE_MAX];

/* Get-only flavor of every machine: the flavors the machine lists. */
#define THREAD_STATE_FLAVOR_LIST        0

#endif /* MACH_THREAD_STATUS_H */
