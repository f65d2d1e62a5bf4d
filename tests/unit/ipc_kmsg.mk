# SPDX-License-Identifier: GPL-2.0-or-later
#
# ipc/ipc_kmsg.c and the message rights of ipc/ipc_right.c, over the
# real ipc/, kmem (host page backend), qsbr and rdxtree: every
# disposition, every send error, random traffic checked by a census.
UNIT_TESTS += ipc_kmsg
unit_ipc_kmsg_SRCS := tests/unit/test_ipc_kmsg.c tests/unit/kmem_host.c kern/kmem.c \
	kern/qsbr.c kern/rdxtree.c kern/error.c ipc/ipc_entry.c ipc/ipc_kmsg.c ipc/ipc_mqueue.c ipc/ipc_msg.c ipc/ipc_marequest.c ipc/ipc_notify.c \
	ipc/ipc_port.c ipc/ipc_right.c ipc/ipc_space.c tests/unit/thread_host.c tests/unit/kobject_host.c \
	tests/unit/vm_copy_host.c
unit_ipc_kmsg_CFLAGS := -DCONFIG_DEBUG
