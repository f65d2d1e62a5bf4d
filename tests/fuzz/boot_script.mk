# SPDX-License-Identifier: GPL-2.0-or-later
#
# kern/boot_script.c on random scripts, callbacks failing at random.
FUZZERS += boot_script
fuzz_boot_script_SRCS := tests/fuzz/fuzz_boot_script.c kern/boot_script.c
fuzz_boot_script_CFLAGS :=
