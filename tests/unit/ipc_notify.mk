# SPDX-License-Identifier: GPL-2.0-or-later
#
# Port notifications (ipc/ipc_notify.c and its hooks in ipc/) over the
# real ipc/, kmem and rdxtree: the scenarios shared with the in-kernel
# test (tests/ipc_notify_cases.h), notifications lost when memory is out.
UNIT_TESTS += ipc_notify
unit_ipc_notify_SRCS := tests/unit/test_ipc_notify.c tests/unit/kmem_host.c kern/kmem.c \
	kern/qsbr.c kern/rdxtree.c kern/error.c ipc/ipc_entry.c ipc/ipc_kmsg.c ipc/ipc_mqueue.c \
	ipc/ipc_msg.c ipc/ipc_marequest.c ipc/ipc_notify.c ipc/ipc_port.c ipc/ipc_right.c ipc/ipc_space.c \
	tests/unit/thread_host.c tests/unit/kobject_host.c tests/unit/vm_copy_host.c
unit_ipc_notify_CFLAGS := -DCONFIG_DEBUG
