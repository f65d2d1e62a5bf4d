# SPDX-License-Identifier: GPL-2.0-or-later
#
# vm/vm_map.c (entries from kern/kmem.c over the host page backend)
# against a linear list: lookups and free-range searches at 100, 10k and
# 1M entries, ns and callgrind instruction counts. See the comment at the
# top of bench_vm_map.c; results in doc/benchmarks.md.
BENCHES += vm_map
bench_vm_map_SRCS := tests/bench/bench_vm_map.c vm/vm_map.c kern/rbtree.c kern/kmem.c \
	tests/unit/kmem_host.c
bench_vm_map_LIBS := -pthread
