# SPDX-License-Identifier: GPL-2.0-or-later
#
# The user programs' helpers (tests/user/lib/ulib.c, included by the test).
UNIT_TESTS += ulib
unit_ulib_SRCS := tests/unit/test_ulib.c
unit_ulib_CFLAGS := -Iinclude -Itests/user/lib -Wno-format
