# SPDX-License-Identifier: GPL-2.0-or-later
#
# IPC name spaces on the host (x86-64): callgrind instructions per lookup
# at 1k-1M names and per allocate+free pair, and the costliest insertion
# while growing to 1M names against a realloc'ed table. See the comment
# at the top of bench_ipc.c; the kernel twin is test=ipc_bench.
BENCHES += ipc
bench_ipc_SRCS := tests/bench/bench_ipc.c kern/kmem.c tests/unit/kmem_host.c kern/qsbr.c \
	kern/rdxtree.c kern/error.c ipc/ipc_entry.c ipc/ipc_port.c ipc/ipc_right.c ipc/ipc_space.c \
	ipc/ipc_kmsg.c ipc/ipc_marequest.c ipc/ipc_mqueue.c ipc/ipc_msg.c ipc/ipc_notify.c tests/unit/kobject_host.c tests/unit/thread_host.c \
	tests/unit/vm_copy_host.c
bench_ipc_LIBS :=
