# SPDX-License-Identifier: GPL-2.0-or-later
#
# kern/syscall.c: the trap table and its numbering rules, with the trap
# implementations (kern/syscall_subr.c, kern/mach_trap.c) replaced by
# recording stubs.
UNIT_TESTS += syscall
unit_syscall_SRCS := tests/unit/test_syscall.c kern/syscall.c
unit_syscall_CFLAGS :=
