# SPDX-License-Identifier: GPL-2.0-or-later
#
# kern/elf.c on raw and patched images; accepted images are re-checked.
FUZZERS += elf
fuzz_elf_SRCS := tests/fuzz/fuzz_elf.c kern/elf.c
fuzz_elf_CFLAGS :=
