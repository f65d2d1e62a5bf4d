# SPDX-License-Identifier: GPL-2.0-or-later
#
# Operation sequences on IPC spaces, real code against the reference
# model of tests/unit/ipc_model.h, every page back after each input.
FUZZERS += ipc_space
fuzz_ipc_space_SRCS := tests/fuzz/fuzz_ipc_space.c tests/unit/kmem_host.c kern/kmem.c \
	kern/qsbr.c kern/rdxtree.c kern/error.c ipc/ipc_entry.c ipc/ipc_kmsg.c ipc/ipc_mqueue.c ipc/ipc_msg.c ipc/ipc_marequest.c ipc/ipc_notify.c ipc/ipc_port.c \
	ipc/ipc_right.c ipc/ipc_space.c tests/unit/thread_host.c tests/unit/kobject_host.c \
	tests/unit/vm_copy_host.c
fuzz_ipc_space_CFLAGS :=
