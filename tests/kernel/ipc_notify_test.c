/* SPDX-License-Identifier: GPL-2.0-or-later */
/*
 * In-kernel test of port notifications (ipc/ipc_notify.c) on the real
 * kmem, scheduler and wait queues:
 *
 *   test=ipc_notify  the scenarios of tests/ipc_notify_cases.h (shared
 *                    with the host test): every notification received
 *                    and checked word by word, every request error,
 *                    and the port, request and notification counters
 *                    back where they were. `ipc_notify*2` also checks
 *                    that memory comes back after each round.
 */
#include <stdbool.h>
#include <stdint.h>

#include <kern/ktest.h>

#define NOTIFY_CHECK(cond, ...) ktest_assert_msg((cond), __VA_ARGS__)

#include <tests/ipc_notify_cases.h>

static void
ipc_notify_test_fn(void)
{
    notify_cases_run();
}

KTEST_DEFINE(ipc_notify, ipc_notify_test_fn, 0);
