# SPDX-License-Identifier: GPL-2.0-or-later
#
# IPC spaces (ipc/) over kern/rdxtree.c, kern/qsbr.c and the real
# kern/kmem.c with the host page backend: Mach's rules scenario by
# scenario, random sequences against the model of tests/unit/ipc_model.h,
# exhaustion, and 300,000 names in one space with every page back.
UNIT_TESTS += ipc_space
unit_ipc_space_SRCS := tests/unit/test_ipc_space.c tests/unit/kmem_host.c kern/kmem.c \
	kern/qsbr.c kern/rdxtree.c kern/error.c ipc/ipc_entry.c ipc/ipc_kmsg.c ipc/ipc_mqueue.c ipc/ipc_msg.c ipc/ipc_marequest.c ipc/ipc_notify.c ipc/ipc_port.c \
	ipc/ipc_right.c ipc/ipc_space.c tests/unit/thread_host.c tests/unit/kobject_host.c \
	tests/unit/vm_copy_host.c
unit_ipc_space_CFLAGS :=
