# SPDX-License-Identifier: GPL-2.0-or-later
#
# kern/kmem.c over the host page backend of tests/unit/kmem_host.c, with
# pthreads as CPUs: geometry, size classes, random sequences with content
# checks, constructors, magazines, verify-mode errors, reaping, exhaustion.
UNIT_TESTS += kmem
unit_kmem_SRCS := tests/unit/test_kmem.c tests/unit/kmem_host.c kern/kmem.c
unit_kmem_CFLAGS := -pthread
