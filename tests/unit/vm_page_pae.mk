# SPDX-License-Identifier: GPL-2.0-or-later
#
# The vm_page test again, built with PAE (DMA32 segment, HIGHMEM above 4 GiB).
UNIT_TESTS += vm_page_pae
unit_vm_page_pae_SRCS := tests/unit/test_vm_page.c vm/vm_page.c
unit_vm_page_pae_CFLAGS := -pthread -DCONFIG_DEBUG=1 -DCONFIG_PAE=1 \
    -DVM_PAGE_DESC_BUDGET=0x2000000
