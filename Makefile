# SPDX-License-Identifier: GPL-2.0-or-later
#
# Non-recursive build of the mach kernel, its GRUB ISO and every test.
#
#   make            build mach (multiboot ELF) and mach.iso (GRUB rescue ISO),
#                   the production kernel: no in-kernel tests
#   make run        boot mach.iso in QEMU (TCG), serial console on this terminal
#   make debug      same, paused, with a gdb stub on :1234 (see tools/gdbinit)
#   make run-test   boot the test image build/test/mach (TEST=NAME,... runs tests);
#                   make debug-test: the same, paused for gdb
#   make check      host unit tests, fuzzers (briefly), in-kernel and boot tests
#   make fuzz       run every fuzzer for FUZZ_SECONDS (default 60) each
#   make soak       long boots (minutes): random messages between tasks
#   make bench      benchmarks: host (callgrind, peers) and kernel (-icount)
#   make bench-smp  host scaling across CPUs (threads), kmem/vm_page/IPC vs peers
#
# Configuration comes from ./configure (run automatically with defaults on
# the first build); re-run it by hand for other settings, e.g.
# `./configure --enable-pae --with-ncpus=4 --enable-debug`.

.DEFAULT_GOAL := all
MAKEFLAGS += --no-builtin-rules
.SUFFIXES:
.DELETE_ON_ERROR:

-include config.mk

B := build

# `make V=1` shows full commands.
ifeq ($(V),1)
Q :=
quiet = @true
else
Q := @
quiet = @printf '  %-7s %s\n' $(1) $(2)
endif

# ---------------------------------------------------------------- configure

configure config.h.in: configure.ac
	@tools/install-deps
	autoheader
	autoconf
	@touch configure config.h.in

config.mk config.h: configure config.mk.in config.h.in
	@if [ -x config.status ]; then ./config.status --recheck && ./config.status; \
	 else ./configure; fi
	@touch config.mk config.h

# ---------------------------------------------------------------- kernel

# A kernel variant is built with B=DIR CONFIG_DIR=DIR KERNEL=DIR/mach, DIR
# holding the config.h of its own configure run (see the PAE variant below).
# KTEST=1 makes a test image: the same sources plus the in-kernel tests.
CONFIG_DIR ?= .
KERNEL ?= mach

# Include paths, for the kernel and the host builds alike: <kern/...>,
# <vm/...>, <ipc/...> from the top; <machine/...>, the machine layer that
# machine-independent code sees (doc/layout.md); <mach/...>, the public
# headers of the user interface, as MIG-generated code names them.
INCLUDES := -I. -Ii386/include -Iinclude
KTEST ?= 0
KCC := gcc
LD := ld
NM := nm
KCFLAGS = -m32 -std=gnu11 -ffreestanding -nostdinc \
	-isystem $(shell $(KCC) -m32 -print-file-name=include) \
	-fno-pic -fno-pie -fno-stack-protector -fno-omit-frame-pointer \
	-fno-strict-aliasing -fno-common -mno-sse -mno-mmx -mno-80387 \
	-O2 -g -Wall -Wextra -Werror $(INCLUDES) -include $(CONFIG_DIR)/config.h -MMD -MP
LIBGCC = $(shell $(KCC) -m32 -print-libgcc-file-name)
KLDFLAGS := -m elf_i386 -nostdlib -z noexecstack --no-warn-rwx-segments -T i386/kernel.ld

KERNEL_SRCS := \
	i386/boot.S \
	i386/trap_entry.S \
	i386/ap_boot.S \
	i386/acpi.c \
	i386/backtrace.c \
	i386/biosmem.c \
	i386/biosmem_mb.c \
	i386/boot_main.c \
	i386/boot_map.c \
	i386/copy_loop.S \
	i386/copy.c \
	i386/cpu.c \
	i386/fpu.c \
	i386/gdt.c \
	i386/intr.c \
	i386/io_perm.c \
	i386/lapic.c \
	i386/mach_i386.c \
	i386/machine.c \
	i386/mptable.c \
	i386/pcb.c \
	i386/pcb_state.c \
	i386/pic.c \
	i386/pit.c \
	i386/platform.c \
	i386/pmap.c \
	i386/rtc.c \
	i386/pmem.c \
	i386/probe.S \
	i386/serial.c \
	i386/smp.c \
	i386/thread_switch.S \
	i386/trap.c \
	i386/trap_user.c \
	i386/vga.c \
	device/dev_console.c \
	device/dev_pager.c \
	device/dev_time.c \
	device/device.c \
	ipc/ipc_entry.c \
	ipc/ipc_kmsg.c \
	ipc/ipc_mqueue.c \
	ipc/ipc_msg.c \
	ipc/ipc_marequest.c \
	ipc/ipc_notify.c \
	ipc/ipc_port.c \
	ipc/ipc_right.c \
	ipc/ipc_space.c \
	ipc/mach_msg.c \
	ipc/mach_port.c \
	kern/boot_script.c \
	kern/boot_stack.c \
	kern/bootstrap.c \
	kern/account.c \
	kern/clock.c \
	kern/cmdline.c \
	kern/date.c \
	kern/console.c \
	kern/elf.c \
	kern/error.c \
	kern/gsync.c \
	kern/gnumach.c \
	kern/exception.c \
	kern/host.c \
	kern/host_calls.c \
	kern/host_debug.c \
	kern/ipc_kobject.c \
	kern/kmem.c \
	kern/kmem_backend.c \
	kern/ksyms.c \
	kern/mach_host_ext.c \
	kern/mach_trap.c \
	kern/mig_convert.c \
	kern/mutex.c \
	kern/panic.c \
	kern/printf.c \
	kern/processor.c \
	kern/qsbr.c \
	kern/rbtree.c \
	kern/rdxtree.c \
	kern/shell.c \
	kern/startup.c \
	kern/string.c \
	kern/syscall.c \
	kern/syscall_subr.c \
	kern/task.c \
	kern/task_control.c \
	kern/task_emulation.c \
	kern/task_rpc.c \
	kern/thread_control.c \
	kern/thread_state.c \
	kern/thread.c \
	vm/vm_copy.c \
	vm/vm_fault.c \
	vm/vm_kmem.c \
	vm/vm_map.c \
	vm/vm_object.c \
	vm/vm_page.c \
	vm/vm_pager.c \
	vm/vm_rpc.c \
	vm/vm_user.c

# The in-kernel tests and their harness: test images only. Code that
# registers a test next to what it tests sits in #ifdef CONFIG_KTEST.
KTEST_SRCS := \
	kern/ktest.c \
	kern/ktest_account.c \
	tests/kernel/alloc_smp_test.c \
	tests/kernel/biosmem_test.c \
	tests/kernel/boot_modules_test.c \
	tests/kernel/bootstrap_test.c \
	tests/kernel/bootstrap_pieces_test.c \
	tests/kernel/device_test.c \
	tests/kernel/exception_test.c \
	tests/kernel/gnumach_test.c \
	tests/kernel/gsync_test.c \
	tests/kernel/ipc_bench.c \
	tests/kernel/ipc_notify_test.c \
	tests/kernel/ipc_space_test.c \
	tests/kernel/host_test.c \
	tests/kernel/kmem_test.c \
	tests/kernel/ldt_test.c \
	tests/kernel/ktest_selftest.c \
	tests/kernel/mutex_test.c \
	tests/kernel/rdxtree_test.c \
	tests/kernel/pmap_test.c \
	tests/kernel/rpc_bench.c \
	tests/kernel/sched_test.c \
	tests/kernel/slab_info_test.c \
	tests/kernel/smp_test.c \
	tests/kernel/switch_wait_test.c \
	tests/kernel/task_bench.c \
	tests/kernel/task_emulation_test.c \
	tests/kernel/task_life_test.c \
	tests/kernel/task_test.c \
	tests/kernel/thread_stack_test.c \
	tests/kernel/thread_state_test.c \
	tests/kernel/user_blobs.S \
	tests/kernel/user_test.c \
	tests/kernel/vm_calls_test.c \
	tests/kernel/vm_copy_test.c \
	tests/kernel/vm_map_test.c \
	tests/kernel/vm_page_test.c \
	tests/kernel/vm_pager_test.c \
	tests/kernel/vm_user_test.c

ifeq ($(KTEST),1)
KERNEL_SRCS += $(KTEST_SRCS)
KCFLAGS += -DCONFIG_KTEST=1
endif

# The kernel's MIG servers: stubs generated from GNU Mach's interface
# definitions (gnumach-dev:i386) by tools/mig --kernel-server into
# $(B)/mig-kernel, never kept in git; the file implementing a
# subsystem's routines includes its generated BASE_S.h.
MIG_DEFS_DIR ?= /usr/include/i386-linux-gnu
KERNEL_MIG := mach mach_host mach_port device gnumach gnumach_ext mach_i386 mach_i386_ext \
	mach_debug mach_host_ext
MIG_KDIR := $(B)/mig-kernel
KERNEL_MIG_SRCS := $(KERNEL_MIG:%=$(MIG_KDIR)/%Server.c)
KERNEL_MIG_HDRS := $(KERNEL_MIG:%=$(MIG_KDIR)/%_S.h)
KCFLAGS += -I$(MIG_KDIR)

# Where a subsystem's .defs is: the project's include/mach for routines
# newer than the packaged definitions (doc/interface.md), then GNU Mach's.
vpath %.defs include/mach $(MIG_DEFS_DIR)/mach $(MIG_DEFS_DIR)/mach/i386 $(MIG_DEFS_DIR)/mach_debug

$(MIG_KDIR)/%Server.c $(MIG_KDIR)/%_S.h: %.defs tools/mig
	@mkdir -p $(@D)
	$(call quiet,MIG,$<)
	$(Q)MIG_MACH_INCLUDE=$(MIG_DEFS_DIR) tools/mig --kernel-server $< $(MIG_KDIR)

$(MIG_KDIR)/%Server.c $(MIG_KDIR)/%_S.h: $(MIG_DEFS_DIR)/device/%.defs tools/mig
	@mkdir -p $(@D)
	$(call quiet,MIG,$<)
	$(Q)MIG_MACH_INCLUDE=$(MIG_DEFS_DIR) tools/mig --kernel-server $< $(MIG_KDIR)

$(B)/k/mig/%.o: $(MIG_KDIR)/%.c $(CONFIG_DIR)/config.h
	@mkdir -p $(@D)
	$(call quiet,CC,$<)
	$(Q)$(KCC) $(KCFLAGS) -Wno-unused-parameter -Wno-sign-compare -c $< -o $@

KOBJS := $(patsubst %,$(B)/k/%.o,$(basename $(KERNEL_SRCS))) \
	$(KERNEL_MIG:%=$(B)/k/mig/%Server.o)

# Sources that include generated headers wait for them.
$(B)/k/ipc/mach_port.o: $(MIG_KDIR)/mach_port_S.h
$(B)/k/device/device.o $(B)/k/tests/kernel/device_test.o: $(MIG_KDIR)/device_S.h
$(B)/k/vm/vm_rpc.o $(B)/k/vm/vm_pager.o $(B)/k/kern/task_rpc.o $(B)/k/kern/task.o $(B)/k/kern/task_control.o \
	$(B)/k/kern/task_emulation.o $(B)/k/kern/thread_control.o $(B)/k/kern/thread_state.o: \
	$(MIG_KDIR)/mach_S.h
$(B)/k/kern/host_calls.o $(B)/k/kern/processor.o $(B)/k/vm/vm_rpc.o: $(MIG_KDIR)/mach_host_S.h
$(B)/k/kern/processor.o $(B)/k/kern/host_calls.o: $(MIG_KDIR)/mach_host_ext_S.h
$(B)/k/kern/gnumach.o: $(MIG_KDIR)/gnumach_S.h $(MIG_KDIR)/gnumach_ext_S.h
$(B)/k/tests/kernel/gnumach_test.o: $(MIG_KDIR)/gnumach_S.h
$(B)/k/tests/kernel/vm_pager_test.o: $(MIG_KDIR)/mach_S.h
$(B)/k/kern/mach_host_ext.o: $(MIG_KDIR)/mach_host_ext_S.h
$(B)/k/kern/host_debug.o: $(MIG_KDIR)/mach_debug_S.h
$(B)/k/i386/mach_i386.o: $(MIG_KDIR)/mach_i386_S.h $(MIG_KDIR)/mach_i386_ext_S.h
$(B)/k/i386/io_perm.o: $(MIG_KDIR)/mach_i386_S.h

$(B)/k/%.o: %.c $(CONFIG_DIR)/config.h
	@mkdir -p $(@D)
	$(call quiet,CC,$<)
	$(Q)$(KCC) $(KCFLAGS) -c $< -o $@

$(B)/k/%.o: %.S $(CONFIG_DIR)/config.h
	@mkdir -p $(@D)
	$(call quiet,AS,$<)
	$(Q)$(KCC) $(KCFLAGS) -D__ASSEMBLER__ -c $< -o $@

# Two links: the first with an empty symbol table, whose symbols make the
# table of the second. The table lies after all code, so function
# addresses must come out identical; the recipe checks that.
$(B)/ksyms-empty.S: tools/gen-ksyms
	@mkdir -p $(@D)
	$(Q)tools/gen-ksyms --empty > $@

$(B)/mach.pass1: $(KOBJS) $(B)/k/ksyms-empty.o i386/kernel.ld
	$(call quiet,LD,$@)
	$(Q)$(LD) $(KLDFLAGS) -o $@ $(KOBJS) $(B)/k/ksyms-empty.o $(LIBGCC)

$(B)/ksyms.S: $(B)/mach.pass1 tools/gen-ksyms
	$(call quiet,GEN,$@)
	$(Q)NM=$(NM) tools/gen-ksyms $< > $@

$(B)/k/ksyms-empty.o $(B)/k/ksyms.o: $(B)/k/%.o: $(B)/%.S
	$(call quiet,AS,$<)
	$(Q)$(KCC) $(KCFLAGS) -D__ASSEMBLER__ -c $< -o $@

$(KERNEL): $(KOBJS) $(B)/k/ksyms.o i386/kernel.ld
	$(call quiet,LD,$@)
	$(Q)$(LD) $(KLDFLAGS) -o $@ $(KOBJS) $(B)/k/ksyms.o $(LIBGCC)
	@$(NM) -n $(B)/mach.pass1 | grep ' [tT] ' > $(B)/syms.pass1
	@$(NM) -n $@ | grep ' [tT] ' > $(B)/syms.final
	@cmp -s $(B)/syms.pass1 $(B)/syms.final || \
	 { echo "error: function addresses moved between links"; rm -f $@; exit 1; }
	@grub-file --is-x86-multiboot $@ || { echo "error: $@ is not multiboot"; rm -f $@; exit 1; }

mach.iso: mach tools/mkiso
	$(call quiet,MKISO,$@)
	$(Q)tools/mkiso --timeout 1 mach $@ "console=com1,vga"

all: mach mach.iso

# The test image: this configuration plus the in-kernel tests, in its own
# objects. The boot matrix, `make run-test` and the kernel benchmarks
# boot it; `make`, `make run` and `make debug` never include tests.
TEST_DIR := $(B)/test
$(TEST_DIR)/mach: config.h FORCE
	$(Q)$(MAKE) --no-print-directory B=$(TEST_DIR) KTEST=1 \
	    KERNEL=$(TEST_DIR)/mach $(TEST_DIR)/mach

# The PAE variant, for the boot matrix: its own configure run and objects,
# with the in-kernel tests. It is also the debug build (assertions, lock
# debugging, kmem verify mode), so the matrix covers both settings without
# a third kernel.
PAE_DIR := $(B)/pae
$(PAE_DIR)/config.h: configure config.mk.in config.h.in
	@mkdir -p $(PAE_DIR)
	$(Q)cd $(PAE_DIR) && $(CURDIR)/configure -q --enable-pae --enable-debug
	@touch $@

$(PAE_DIR)/mach: $(PAE_DIR)/config.h FORCE
	$(Q)$(MAKE) --no-print-directory B=$(PAE_DIR) CONFIG_DIR=$(PAE_DIR) KTEST=1 \
	    KERNEL=$(PAE_DIR)/mach $(PAE_DIR)/mach

FORCE:

# ---------------------------------------------------------------- running

QEMU := qemu-system-i386
RUN_MEM ?= 128M
RUN_SMP ?= 1
QEMU_FLAGS := -accel tcg -m $(RUN_MEM) -smp $(RUN_SMP) -display none \
	-serial mon:stdio -no-reboot \
	-device isa-debug-exit,iobase=0xf4,iosize=0x04

deps:
	@tools/install-deps

run: deps mach.iso
	@echo "QEMU: type 'halt' to power off, or Ctrl-A X to quit"
	$(QEMU) $(QEMU_FLAGS) -cdrom mach.iso -boot d

debug: deps mach.iso
	@echo "QEMU paused with a gdb stub on :1234; in another terminal: gdb -x tools/gdbinit"
	$(QEMU) $(QEMU_FLAGS) -cdrom mach.iso -boot d -s -S

# The test image, booted directly (-kernel): the shell, or with TEST=a,b
# (or TEST=all) those in-kernel tests, after which QEMU exits.
RUN_TEST_CMDLINE = console=com1,vga$(if $(TEST), test=$(TEST))
run-test: deps $(TEST_DIR)/mach
	@echo "QEMU: test image $(TEST_DIR)/mach; type 'halt' to power off, or Ctrl-A X to quit"
	$(QEMU) $(QEMU_FLAGS) -kernel $(TEST_DIR)/mach -append "$(RUN_TEST_CMDLINE)"

debug-test: deps $(TEST_DIR)/mach
	@echo "QEMU paused with a gdb stub on :1234; in another terminal:"
	@echo "  gdb -ex 'file $(TEST_DIR)/mach' -ex 'target remote localhost:1234'"
	$(QEMU) $(QEMU_FLAGS) -kernel $(TEST_DIR)/mach -append "$(RUN_TEST_CMDLINE)" -s -S

# ---------------------------------------------------------------- tests

HOSTCC := gcc
UNIT_CFLAGS := -std=gnu11 -g -O1 -Wall -Wextra -Werror \
	-fsanitize=address,undefined -fno-sanitize-recover=all $(INCLUDES) -DMACH_HOST=1
FUZZCC := clang
FUZZ_CFLAGS := -std=gnu11 -g -O1 -fsanitize=fuzzer,address,undefined $(INCLUDES) -DMACH_HOST=1
FUZZ_SECONDS ?= 60
FUZZ_CHECK_RUNS ?= 200000

UNIT_TESTS :=
FUZZERS :=
BENCHES :=
include $(sort $(wildcard tests/unit/*.mk))
include $(sort $(wildcard tests/fuzz/*.mk))
include $(sort $(wildcard tests/bench/*.mk))
include tests/user/user.mk

define unit_rule
$(B)/unit/$(1): $$(unit_$(1)_SRCS)
	@mkdir -p $$(@D)
	$$(call quiet,HOSTCC,$$@)
	$$(Q)$$(HOSTCC) $$(UNIT_CFLAGS) $$(unit_$(1)_CFLAGS) -MMD -MP -o $$@ $$(unit_$(1)_SRCS)
$(B)/check/unit-$(1).tap: $(B)/unit/$(1) tools/tap-run
	@mkdir -p $$(@D)
	@tools/tap-run unit/$(1) $$@ $(B)/unit/$(1)
endef
$(foreach t,$(UNIT_TESTS),$(eval $(call unit_rule,$(t))))

define fuzz_rule
$(B)/fuzz/$(1): $$(fuzz_$(1)_SRCS)
	@mkdir -p $$(@D)
	$$(call quiet,FUZZCC,$$@)
	$$(Q)$$(FUZZCC) $$(FUZZ_CFLAGS) $$(fuzz_$(1)_CFLAGS) -MMD -MP -o $$@ $$(fuzz_$(1)_SRCS)
$(B)/check/fuzz-$(1).tap: $(B)/fuzz/$(1) tools/tap-run
	@mkdir -p $$(@D) $(B)/fuzz/$(1).corpus
	@tools/tap-run fuzz/$(1) $$@ $(B)/fuzz/$(1) -runs=$(FUZZ_CHECK_RUNS) \
	    -seed=1 $(B)/fuzz/$(1).corpus
endef
$(foreach f,$(FUZZERS),$(eval $(call fuzz_rule,$(f))))

CHECK_TAPS := $(UNIT_TESTS:%=$(B)/check/unit-%.tap) \
	$(FUZZERS:%=$(B)/check/fuzz-%.tap) $(B)/check/image.tap \
	$(B)/check/boot.tap $(B)/check/shell.tap \
	$(B)/check/layout-includes.tap $(B)/check/layout-calls.tap \
	$(B)/check/user.tap $(B)/check/judge-user.tap $(B)/check/mig.tap \
	$(B)/check/bench-smp.tap

$(B)/check/boot.tap: $(TEST_DIR)/mach $(PAE_DIR)/mach tools/mkiso tests/boot/run \
		tests/boot/configs tests/boot/judge-user $(USER_PROGS)
	@mkdir -p $(@D)
	@MACH_KERNEL=$(TEST_DIR)/mach MACH_PAE=$(PAE_DIR)/mach \
	    tests/boot/run tests/boot/configs > $@.tmp || true
	@mv $@.tmp $@; cat $@

# The seams of doc/layout.md: machine-independent code includes no i386/
# header; the bottom of kern/ calls nothing above it (on the objects).
$(B)/check/layout-includes.tap: tests/layout/check-includes tools/tap-run FORCE
	@mkdir -p $(@D)
	@tools/tap-run layout-includes $@ tests/layout/check-includes

$(B)/check/layout-calls.tap: mach tests/layout/check-calls tools/tap-run
	@mkdir -p $(@D)
	@NM=$(NM) tools/tap-run layout-calls $@ tests/layout/check-calls $(B)/k

# The production kernel holds no test code; the test image does.
$(B)/check/image.tap: mach $(TEST_DIR)/mach tests/boot/image-test tools/tap-run
	@mkdir -p $(@D)
	@tools/tap-run image $@ tests/boot/image-test mach $(TEST_DIR)/mach $(TEST_DIR)/k

# The judging of user test programs, on made-up console logs.
$(B)/check/judge-user.tap: tests/boot/judge-user tests/boot/judge-user-test tools/tap-run
	@mkdir -p $(@D)
	@tools/tap-run judge-user $@ tests/boot/judge-user-test

# GNU MIG through tools/mig: stubs of mach.defs and mach_port.defs.
$(B)/check/mig.tap: tools/mig tests/user/check-mig tests/user/lib/mach/mig_support.h tools/tap-run
	@mkdir -p $(@D)
	@tools/tap-run mig $@ tests/user/check-mig $(B)/mig

# `make run` driven through the shell: prompt, commands, halt ends QEMU.
$(B)/check/shell.tap: mach.iso tests/boot/shell-test tools/tap-run
	@mkdir -p $(@D)
	@tools/tap-run shell $@ tests/boot/shell-test

# Every level always runs; the summary decides the exit status. The builds
# and host tests run CHECK_JOBS at a time (default: one per CPU); the QEMU
# boots come after them, alone, since tests/boot/run spreads its guests
# over the CPUs itself and SMP guests need the host's cores to themselves.
CHECK_JOBS ?= $(shell nproc)
CHECK_BOOTS := $(B)/check/boot.tap $(B)/check/shell.tap
check: deps
	@rm -f $(CHECK_TAPS)
	@$(MAKE) --no-print-directory -k -j$(CHECK_JOBS) \
	    $(filter-out $(CHECK_BOOTS),$(CHECK_TAPS)) \
	    $(TEST_DIR)/mach $(PAE_DIR)/mach $(USER_PROGS) mach.iso || true
	@$(MAKE) --no-print-directory -k $(CHECK_BOOTS) || true
	@tools/tap-summary $(CHECK_TAPS)

# Long boots, minutes each (tests/boot/soak-configs); not part of check.
soak: deps $(TEST_DIR)/mach $(PAE_DIR)/mach user
	BOOT_TIMEOUT=1200 tests/boot/run tests/boot/soak-configs

fuzz: deps $(FUZZERS:%=$(B)/fuzz/%)
	@for f in $(FUZZERS); do mkdir -p $(B)/fuzz/$$f.corpus; \
	  $(B)/fuzz/$$f -max_total_time=$(FUZZ_SECONDS) $(B)/fuzz/$$f.corpus || exit 1; done

define bench_rule
$(B)/bench/$(1): $$(bench_$(1)_SRCS)
	@mkdir -p $$(@D)
	$$(call quiet,HOSTCC,$$@)
	$$(Q)$$(HOSTCC) -std=gnu11 -O2 -g $(INCLUDES) -DMACH_HOST=1 $$(bench_$(1)_CFLAGS) \
	    -o $$@ $$(bench_$(1)_SRCS) $$(bench_$(1)_LIBS)
endef
$(foreach b,$(BENCHES),$(eval $(call bench_rule,$(b))))

# bench_smp with tiny counts: it keeps building and running (its figures
# mean nothing at that size; `make bench-smp` gives them).
$(B)/check/bench-smp.tap: $(B)/bench/smp tools/tap-run
	@mkdir -p $(@D)
	@tools/tap-run bench-smp $@ $(B)/bench/smp --smoke

# Scaling across CPUs (host threads); wants idle cores. doc/benchmarks.md.
bench-smp: deps $(B)/bench/smp
	$(B)/bench/smp

# Results and their meaning: doc/benchmarks.md.
bench: deps $(TEST_DIR)/mach $(BENCHES:%=$(B)/bench/%) $(B)/user/ubench $(B)/user/rpcbench \
		$(B)/user/devbench $(B)/user/machbench
	$(B)/bench/kmem
	$(B)/bench/vm_map
	tools/bench-vm-page --kernel $(TEST_DIR)/mach 128M
	tools/bench-kernel kmem_bench $(TEST_DIR)/mach
	tools/bench-kernel alloc_smp $(TEST_DIR)/mach 128M 4
	$(B)/bench/ipc
	tools/bench-kernel ipc_bench $(TEST_DIR)/mach 256M
	tools/bench-kernel rpc_bench $(TEST_DIR)/mach
	tools/bench-kernel task_bench $(TEST_DIR)/mach 256M
	tools/bench-kernel user_bench $(TEST_DIR)/mach
	tools/bench-user ubench $(TEST_DIR)/mach
	tools/bench-user rpcbench $(TEST_DIR)/mach
	BENCH_ARGS='$${device-port}' tools/bench-user devbench $(TEST_DIR)/mach
	tools/bench-user machbench $(TEST_DIR)/mach

clean:
	rm -rf $(B) mach mach.iso

distclean: clean
	rm -rf config.mk config.h config.log config.status configure config.h.in \
	    autom4te.cache

.PHONY: all run debug run-test debug-test deps check fuzz soak bench bench-smp clean distclean FORCE

-include $(shell find $(B) -name '*.d' 2>/dev/null)
