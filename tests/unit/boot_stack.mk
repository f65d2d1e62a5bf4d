# SPDX-License-Identifier: GPL-2.0-or-later
#
# kern/boot_stack.c: the initial stack layout of a boot task.
UNIT_TESTS += boot_stack
unit_boot_stack_SRCS := tests/unit/test_boot_stack.c kern/boot_stack.c
unit_boot_stack_CFLAGS :=
