# SPDX-License-Identifier: GPL-2.0-or-later
#
# vm/vm_map.c with its entries from kern/kmem.c over the host page backend:
# hand-written cases, random sequences against a page-by-page model (every
# search must return the lowest fitting address), exhaustion, threads.
UNIT_TESTS += vm_map
unit_vm_map_SRCS := tests/unit/test_vm_map.c vm/vm_map.c kern/rbtree.c kern/kmem.c \
	tests/unit/kmem_host.c
unit_vm_map_CFLAGS := -pthread
