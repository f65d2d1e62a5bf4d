# SPDX-License-Identifier: GPL-2.0-or-later
# kern/error.c: descriptions and the conversion to kern_return_t.
UNIT_TESTS += error
unit_error_SRCS := tests/unit/test_error.c kern/error.c
unit_error_CFLAGS :=
