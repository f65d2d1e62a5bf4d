# SPDX-License-Identifier: GPL-2.0-or-later
#
# vm/vm_page.c over synthetic physical memory, against a reference model,
# without PAE. CONFIG_DEBUG turns the allocator's assertions on (panic()
# is the test's); the descriptor budget is lowered to 32 MiB so that the
# cut-off of memory beyond it can be tested in a small arena.
UNIT_TESTS += vm_page
unit_vm_page_SRCS := tests/unit/test_vm_page.c vm/vm_page.c
unit_vm_page_CFLAGS := -pthread -DCONFIG_DEBUG=1 -DVM_PAGE_DESC_BUDGET=0x2000000
