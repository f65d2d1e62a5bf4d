# SPDX-License-Identifier: GPL-2.0-or-later
#
# User test programs: every tests/user/*.c is a program, linked with the
# start file, the trap stubs and the helpers of tests/user/lib/ into a
# static i386 ELF executable (ET_EXEC at 0x08048000) in build/user/,
# with the host compiler and no C library. Included by the Makefile.
USER_PROGS := $(patsubst tests/user/%.c,$(B)/user/%,$(wildcard tests/user/*.c))

# Programs that make RPCs (tests/user/*.c including a generated user
# header) are built as a GNU Mach program is: against GNU Mach's headers
# (gnumach-dev:i386) and MIG user stubs generated from its definitions,
# linked with tests/user/lib/mig_support.c; the others see mach's
# include/. USER_MIG lists the interfaces with stubs. Programs that
# serve an interface the kernel calls (exc.defs: exception_raise)
# include its server header "BASE_S.h" and link its server stub;
# USER_MIG_SERVERS lists those interfaces.
USER_MIG := mach mach_host mach_port device gnumach gnumach_ext mach_i386 mach_i386_ext \
	mach_debug mach_host_ext
USER_MIG_SERVERS := exc
USER_MIG_DIR := $(B)/user/mig
USER_MIG_OBJS := $(USER_MIG:%=$(USER_MIG_DIR)/%User.o) $(B)/user/lib/mig_support.o
USER_MIG_SERVER_OBJS := $(USER_MIG_SERVERS:%=$(USER_MIG_DIR)/%Server.o)
USER_SERVER_PROGS := $(patsubst tests/user/%.c,$(B)/user/%,\
	$(shell grep -l $(USER_MIG_SERVERS:%=-e '^\#include "%_S.h"') tests/user/*.c))
USER_RPC_PROGS := $(USER_SERVER_PROGS) $(patsubst tests/user/%.c,$(B)/user/%,\
	$(shell grep -l $(USER_MIG:%=-e '^\#include "%.h"') tests/user/*.c))
UINC := -Iinclude
UINC_MIG := -I$(USER_MIG_DIR) -I$(MIG_DEFS_DIR)
USER_LIB_OBJS := $(B)/user/lib/start.o $(B)/user/lib/crt.o $(B)/user/lib/traps.o \
	$(B)/user/lib/ulib.o
UCC := gcc
UCFLAGS = -m32 -std=gnu11 -ffreestanding -fno-pic -fno-pie -fno-stack-protector \
	-fno-builtin -O2 -g -Wall -Wextra -Werror $(UINC) -Itests/user -Itests/user/lib -MMD -MP
ULDFLAGS := -m32 -nostdlib -static -no-pie -Wl,-e,_start -Wl,--build-id=none \
	-Wl,-z,noexecstack

# The .defs are found as the kernel's are (vpath in the Makefile).
$(USER_MIG_DIR)/%User.c $(USER_MIG_DIR)/%.h $(USER_MIG_DIR)/%Server.c $(USER_MIG_DIR)/%_S.h: \
		%.defs tools/mig
	@mkdir -p $(@D)
	$(call quiet,MIG,$<)
	$(Q)MIG_MACH_INCLUDE=$(MIG_DEFS_DIR) tools/mig $< $(USER_MIG_DIR)

$(USER_MIG_DIR)/%User.c $(USER_MIG_DIR)/%.h: $(MIG_DEFS_DIR)/device/%.defs tools/mig
	@mkdir -p $(@D)
	$(call quiet,MIG,$<)
	$(Q)MIG_MACH_INCLUDE=$(MIG_DEFS_DIR) tools/mig $< $(USER_MIG_DIR)

# The project's .defs import the C types GNU Mach added after 1.8.
$(USER_MIG_DIR)/gnumach_ext_types.h: include/mach/gnumach_ext_types.h
	@mkdir -p $(@D)
	$(Q)cp $< $@
$(USER_MIG_DIR)/gnumach_ext.h $(USER_MIG_DIR)/mach_host_ext.h: $(USER_MIG_DIR)/gnumach_ext_types.h

$(USER_MIG_DIR)/%.o: $(USER_MIG_DIR)/%.c
	$(call quiet,UCC,$<)
	$(Q)$(UCC) $(UCFLAGS) -Wno-sign-compare -c $< -o $@

$(USER_MIG_OBJS) $(USER_MIG_SERVER_OBJS) $(USER_RPC_PROGS:%=%.o): UINC := $(UINC_MIG)
$(USER_MIG_OBJS) $(USER_MIG_SERVER_OBJS) $(USER_RPC_PROGS:%=%.o): \
	$(USER_MIG:%=$(USER_MIG_DIR)/%.h) $(USER_MIG_SERVERS:%=$(USER_MIG_DIR)/%_S.h)
$(USER_RPC_PROGS): $(USER_MIG_OBJS)
$(USER_SERVER_PROGS): $(USER_MIG_SERVER_OBJS)

$(B)/user/lib/%.o: tests/user/lib/%.c
	@mkdir -p $(@D)
	$(call quiet,UCC,$<)
	$(Q)$(UCC) $(UCFLAGS) -c $< -o $@

$(B)/user/lib/%.o: tests/user/lib/%.S
	@mkdir -p $(@D)
	$(call quiet,UAS,$<)
	$(Q)$(UCC) $(UCFLAGS) -c $< -o $@

$(B)/user/%.o: tests/user/%.c
	@mkdir -p $(@D)
	$(call quiet,UCC,$<)
	$(Q)$(UCC) $(UCFLAGS) -c $< -o $@

$(B)/user/%: $(B)/user/%.o $(USER_LIB_OBJS)
	$(call quiet,ULD,$@)
	$(Q)$(UCC) $(ULDFLAGS) -o $@ $< $(filter $(USER_MIG_OBJS) $(USER_MIG_SERVER_OBJS),$^) \
		$(USER_LIB_OBJS) \
		$(shell $(UCC) -m32 -print-libgcc-file-name)

user: $(USER_PROGS)

# The stub bytes, the ELF headers of every program, and kern/elf.c's view of them.
$(B)/check/user.tap: $(USER_PROGS) $(USER_LIB_OBJS) $(B)/unit/elf_check tests/user/check tools/tap-run
	@mkdir -p $(@D)
	@tools/tap-run user $@ tests/user/check $(B)/user/lib/traps.o $(B)/unit/elf_check $(USER_PROGS)

# A host tool: kern/elf.c parsing the given files, one line per segment.
$(B)/unit/elf_check: tests/user/host/elf_check.c kern/elf.c kern/elf.h
	@mkdir -p $(@D)
	$(call quiet,HOSTCC,$@)
	$(Q)$(HOSTCC) $(UNIT_CFLAGS) -o $@ tests/user/host/elf_check.c kern/elf.c

.PHONY: user
.SECONDARY: $(USER_PROGS:%=%.o)
