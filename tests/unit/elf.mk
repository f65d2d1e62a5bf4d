# SPDX-License-Identifier: GPL-2.0-or-later
#
# kern/elf.c: hand-built images, every error, random corruptions.
UNIT_TESTS += elf
unit_elf_SRCS := tests/unit/test_elf.c kern/elf.c
unit_elf_CFLAGS :=
