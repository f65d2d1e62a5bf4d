# SPDX-License-Identifier: GPL-2.0-or-later
#
# kern/rdxtree.c and kern/qsbr.c, nodes from the real kern/kmem.c over
# the host page backend: random sequences against a reference map,
# structure checks, lowest-key allocation, shrinking, exhaustion, grace
# periods driven by hand, and lockless readers (threads) during writes.
# The debug build puts every kmem cache in verify mode, so that a node
# freed too early is filled with the free pattern under the readers.
UNIT_TESTS += rdxtree rdxtree_debug
unit_rdxtree_SRCS := tests/unit/test_rdxtree.c tests/unit/kmem_host.c kern/kmem.c \
	kern/qsbr.c kern/rdxtree.c
unit_rdxtree_CFLAGS := -pthread
unit_rdxtree_debug_SRCS := $(unit_rdxtree_SRCS)
unit_rdxtree_debug_CFLAGS := -pthread -DCONFIG_DEBUG=1
