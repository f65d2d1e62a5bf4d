# SPDX-License-Identifier: GPL-2.0-or-later
#
# Host benchmark of vm/vm_page.c (x86-64 build). tools/bench-vm-page
# builds it and its i386 twin (vm_page.c compiled as for the kernel) and
# prints callgrind instruction counts per alloc+free pair.
BENCHES += vm_page
bench_vm_page_SRCS := tests/bench/bench_vm_page.c vm/vm_page.c
bench_vm_page_CFLAGS :=
