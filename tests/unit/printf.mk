# SPDX-License-Identifier: GPL-2.0-or-later
#
# kern/printf.c against the C library's snprintf. The kernel's functions
# are renamed on the command line (snprintf -> ksnprintf, ...) so that
# they do not clash with the C library; test_printf.c undoes the renaming
# for its own text and declares the k* functions itself. console_write()
# is a capturing stub in the test.
UNIT_TESTS += printf
unit_printf_SRCS := tests/unit/test_printf.c kern/printf.c
unit_printf_CFLAGS := -Dvsnprintf=kvsnprintf -Dsnprintf=ksnprintf \
    -Dvprintf=kvprintf -Dprintf=kprintf
