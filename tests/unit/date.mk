# SPDX-License-Identifier: GPL-2.0-or-later
#
# kern/date.c against the C library's timegm().
UNIT_TESTS += date
unit_date_SRCS := tests/unit/test_date.c kern/date.c
unit_date_CFLAGS :=
