# SPDX-License-Identifier: GPL-2.0-or-later
#
# kern/cmdline.c. Its string calls (strlen, memcpy, ...) resolve to the C
# library on the host: kern/string.h declares them with their standard
# prototypes, and kern/string.c is only linked into the string test.
UNIT_TESTS += cmdline
unit_cmdline_SRCS := tests/unit/test_cmdline.c kern/cmdline.c
unit_cmdline_CFLAGS :=
