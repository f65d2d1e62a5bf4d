# SPDX-License-Identifier: GPL-2.0-or-later
#
# kern/account.c (CPU time sampled by the clock tick) over a clock the
# test moves, against a floating-point model of GNU Mach's ageing.
UNIT_TESTS += account
unit_account_SRCS := tests/unit/test_account.c kern/account.c
unit_account_CFLAGS :=
