# SPDX-License-Identifier: GPL-2.0-or-later
#
# kern/console.c with fake devices: registration order, console=
# selection (unknown names, none known, empty items), input from any
# device. kern/printf.c and kern/cmdline.c are the real ones; the
# kernel's printf family is renamed as in printf.mk so that the test's
# own output still goes through the C library.
UNIT_TESTS += console
unit_console_SRCS := tests/unit/test_console.c kern/console.c kern/cmdline.c kern/printf.c
unit_console_CFLAGS := -Dvsnprintf=kvsnprintf -Dsnprintf=ksnprintf \
    -Dvprintf=kvprintf -Dprintf=kprintf
