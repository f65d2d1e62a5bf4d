/* SPDX-License-Identifier: GPL-2.0-or-later */
/*
 * Scheduling policies (GNU Mach's <mach/policy.h>): the values of
 * thread_policy, processor_set_policy_enable/_disable and the policies
 * of processor_set_info and thread_info.
 */
#ifndef MACH_POLICY_H
#define MACH_POLICY_H

#define POLICY_TIMESHARE        1
#define POLICY_FIXEDPRI         2
#define POLICY_LAST             2

/* Not a policy this interface knows. */
#define invalid_policy(policy)  ((policy) <= 0 || (policy) > POLICY_LAST)

#endif /* MACH_POLICY_H */
