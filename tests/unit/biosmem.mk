# SPDX-License-Identifier: GPL-2.0-or-later
#
# i386/biosmem.c and its multiboot glue against the reference model of
# tests/unit/biosmem_ref.h, without PAE (physical limit 4 GiB).
UNIT_TESTS += biosmem
unit_biosmem_SRCS := tests/unit/test_biosmem.c i386/biosmem.c i386/biosmem_mb.c
unit_biosmem_CFLAGS :=
