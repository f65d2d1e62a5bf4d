# SPDX-License-Identifier: GPL-2.0-or-later
#
# kern/kmem.c on the host against glibc, jemalloc, mimalloc and tcmalloc
# (Debian: libjemalloc-dev, libmimalloc-dev, libgoogle-perftools-dev; and
# valgrind for the instruction counts). All three are linked, jemalloc
# first (it becomes the program's malloc); glibc's own allocator is called
# through __libc_malloc. See the comment at the top of bench_kmem.c.
BENCHES += kmem
bench_kmem_SRCS := tests/bench/bench_kmem.c kern/kmem.c tests/unit/kmem_host.c
bench_kmem_LIBS := -ljemalloc -lmimalloc -ltcmalloc_minimal -pthread
