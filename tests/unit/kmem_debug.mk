# SPDX-License-Identifier: GPL-2.0-or-later
#
# The kmem test with CONFIG_DEBUG: every cache in verify mode (kmem_alloc
# classes and page blocks included), assertions on.
UNIT_TESTS += kmem_debug
unit_kmem_debug_SRCS := tests/unit/test_kmem.c tests/unit/kmem_host.c kern/kmem.c
unit_kmem_debug_CFLAGS := -pthread -DCONFIG_DEBUG=1
