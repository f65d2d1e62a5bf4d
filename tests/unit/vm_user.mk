# SPDX-License-Identifier: GPL-2.0-or-later
#
# vm/vm_user.c, vm/vm_fault.c and vm/vm_object.c over the real vm/vm_map.c,
# vm/vm_page.c (synthetic physical memory), kern/kmem.c (host page
# backend), kern/rdxtree.c and kern/qsbr.c, with a recording pmap and a
# single-threaded mutex from the test: GNU Mach's rules case by case and
# random sequences against a page-by-page model of the user map, the
# pmap and the resident pages; out of memory; every page back.
UNIT_TESTS += vm_user
unit_vm_user_SRCS := tests/unit/test_vm_user.c vm/vm_user.c vm/vm_fault.c vm/vm_object.c \
	vm/vm_map.c vm/vm_page.c kern/rbtree.c kern/rdxtree.c kern/qsbr.c kern/kmem.c kern/error.c \
	tests/unit/kmem_host.c
unit_vm_user_CFLAGS := -DCONFIG_DEBUG=1
