# SPDX-License-Identifier: GPL-2.0-or-later
#
# kern/boot_script.c against a model of the kernel side (tasks, name spaces).
UNIT_TESTS += boot_script
unit_boot_script_SRCS := tests/unit/test_boot_script.c kern/boot_script.c
unit_boot_script_CFLAGS :=
