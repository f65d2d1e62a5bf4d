# SPDX-License-Identifier: GPL-2.0-or-later
#
# The biosmem test again, built with PAE (DMA32 segment, memory above 4 GiB).
UNIT_TESTS += biosmem_pae
unit_biosmem_pae_SRCS := tests/unit/test_biosmem.c i386/biosmem.c i386/biosmem_mb.c
unit_biosmem_pae_CFLAGS := -DCONFIG_PAE=1
