# SPDX-License-Identifier: GPL-2.0-or-later
#
# Random memory maps, boot data, allocations and releases through biosmem,
# checked against the reference model; built without and with PAE.
FUZZERS += biosmem biosmem_pae
fuzz_biosmem_SRCS := tests/fuzz/fuzz_biosmem.c i386/biosmem.c i386/biosmem_mb.c
fuzz_biosmem_CFLAGS :=
fuzz_biosmem_pae_SRCS := $(fuzz_biosmem_SRCS)
fuzz_biosmem_pae_CFLAGS := -DCONFIG_PAE=1
