# SPDX-License-Identifier: GPL-2.0-or-later
# kern/list.h (header only).
UNIT_TESTS += list
unit_list_SRCS := tests/unit/test_list.c
unit_list_CFLAGS :=
