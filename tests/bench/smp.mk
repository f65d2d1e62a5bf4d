# SPDX-License-Identifier: GPL-2.0-or-later
#
# How kern/kmem.c, vm/vm_page.c and ipc/ scale across CPUs on the host
# (pthreads standing in for CPUs), against glibc, jemalloc, mimalloc and
# tcmalloc: `make bench-smp`. `make check` runs it with --smoke (tiny
# counts, TAP) so that it keeps building. See the comment at the top of
# bench_smp.c; results in doc/benchmarks.md.
BENCHES += smp
bench_smp_SRCS := tests/bench/bench_smp.c kern/kmem.c tests/unit/kmem_host.c vm/vm_page.c \
	kern/qsbr.c kern/rdxtree.c kern/error.c ipc/ipc_entry.c ipc/ipc_port.c ipc/ipc_right.c \
	ipc/ipc_space.c \
	ipc/ipc_kmsg.c ipc/ipc_marequest.c ipc/ipc_mqueue.c ipc/ipc_msg.c ipc/ipc_notify.c tests/unit/kobject_host.c tests/unit/thread_host.c \
	tests/unit/vm_copy_host.c
bench_smp_CFLAGS := -pthread
bench_smp_LIBS := -ljemalloc -lmimalloc -ltcmalloc_minimal -lm
