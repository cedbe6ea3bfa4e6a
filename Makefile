# SPDX-License-Identifier: MIT
#
# The one build of XDV (no recursive make). Sources are found by wildcard in
# the subsystem folders; objects go to build/, mirroring the source tree.
# `make help` lists the targets.

# ---- tools and knobs -------------------------------------------------------
CROSS   ?=
CC      := $(CROSS)gcc
LD      := $(CROSS)ld
OBJCOPY := $(CROSS)objcopy
NM      := $(CROSS)nm
NASM    ?= nasm
HOSTCC  ?= gcc
QEMU    ?= qemu-system-x86_64
GDB     ?= gdb
OVMF    ?= /usr/share/ovmf/OVMF.fd

SMP        ?= 2
MEM        ?= 256M
QEMU_FLAGS ?=
GDB_PORT   ?= 1234
DEBUG      ?= 0
V          ?= 0

ifeq ($(V),1)
Q :=
else
Q := @
endif

BUILD ?= build

# ---- kernel sources --------------------------------------------------------
KERNEL_DIRS := boot cpu drivers kernel memory process fs net security
C_SRCS   := $(sort $(wildcard $(addsuffix /*.c,$(KERNEL_DIRS)) $(addsuffix /*/*.c,$(KERNEL_DIRS))))
ASM_SRCS := $(sort $(wildcard $(addsuffix /*.asm,$(KERNEL_DIRS))))
OBJS := $(C_SRCS:%.c=$(BUILD)/%.o) $(ASM_SRCS:%.asm=$(BUILD)/%.asm.o)

KERNEL_CFLAGS := -std=gnu11 -ffreestanding -fno-pic -fno-pie -mcmodel=kernel \
	-mno-red-zone -mno-sse -mno-mmx -mno-80387 -mno-sse2 \
	-fno-omit-frame-pointer -mno-omit-leaf-frame-pointer \
	-fno-stack-protector -fno-asynchronous-unwind-tables -fcf-protection=none \
	-Wall -Wextra -Werror -Wno-unused-parameter -Wstrict-prototypes -Wvla \
	-g -Iinclude -MMD -MP -DCONFIG_DEBUG=$(DEBUG)
ifeq ($(DEBUG),1)
KERNEL_CFLAGS += -O1
else
KERNEL_CFLAGS += -O2
endif
NASMFLAGS := -f elf64 -g -F dwarf -Iboot/ -Icpu/
LDFLAGS   := -nostdlib -z max-page-size=0x1000 -z noexecstack --no-warn-rwx-segments -T linker.ld

# ---- host unit tests -------------------------------------------------------
# Kernel files that are pure logic and so also build for the host. A file
# added here must not use inline assembly or kernel-only globals.
UNIT_KERNEL_SRCS := kernel/format.c kernel/strlcpy.c kernel/cmdline.c boot/multiboot2.c \
	kernel/log_ring.c kernel/printk.c kernel/console.c drivers/textgrid.c \
	memory/buddy.c memory/memmap.c memory/slab.c memory/slab_debug.c memory/kmalloc.c \
	cpu/acpi_tables.c cpu/acpi_madt.c cpu/acpi_aml.c cpu/mptable.c cpu/cpufeature_decode.c \
	drivers/rtc_time.c kernel/crng.c process/prio_array.c kernel/lockdep_graph.c \
	fs/cpio.c fs/page_tree.c fs/seq_buf.c memory/vma.c \
	process/elf_check.c process/elf_plan.c process/user_stack.c process/shebang.c
UNIT_TEST_SRCS   := $(sort $(wildcard tests/unit/*.c tests/unit/*/*.c))
UNIT_OBJS := $(UNIT_KERNEL_SRCS:%.c=$(BUILD)/host/%.o) $(UNIT_TEST_SRCS:%.c=$(BUILD)/host/%.o)
UNIT_BIN  := $(BUILD)/unit/xdv-unit
HOST_CFLAGS := -std=gnu11 -g -O1 -Wall -Wextra -Werror -Wno-unused-parameter \
	-Iinclude -Itests/unit -DXDV_HOST_TEST -DCONFIG_DEBUG=0 -MMD -MP \
	-fsanitize=address,undefined -fno-sanitize-recover=all -fno-omit-frame-pointer

# ---- user programs -----------------------------------------------------------
# XDV's own user programs (user/), static Linux x86-64 binaries built with
# musl-gcc: the user-space tests (user/tests/, KTAP), the output-check
# programs (user/progs/), the benchmark (user/bench.c) and its init
# (user/bench_init.c). exec_helper is built a second time as a static-PIE
# (musl-gcc's specs always name the dynamic loader and Scrt1.o, so the
# static-PIE is linked by hand with musl's self-relocating rcrt1.o).
# They go into the initramfs under /tests, /progs and /bin.
MUSL_GCC    ?= musl-gcc
MUSL_LIBDIR ?= /usr/lib/x86_64-linux-musl
USER_CFLAGS := -std=gnu11 -O2 -D_GNU_SOURCE -Wall -Wextra -Werror
USER_HDRS   := $(wildcard user/lib/*.h)
USER_TESTS  := $(sort $(basename $(notdir $(wildcard user/tests/*.c))))
USER_PROGS  := $(sort $(basename $(notdir $(wildcard user/progs/*.c))))
USER_TEST_BINS := $(USER_TESTS:%=$(BUILD)/user/tests/%) $(BUILD)/user/tests/exec_helper_pie
USER_PROG_BINS := $(USER_PROGS:%=$(BUILD)/user/progs/%)
USER_BINS := $(USER_TEST_BINS) $(USER_PROG_BINS) $(BUILD)/user/bench $(BUILD)/user/bench_init

INITRAMFS_PROGRAMS += $(foreach f,$(USER_TEST_BINS),/tests/$(notdir $(f))=$(f)) \
	$(foreach f,$(USER_PROG_BINS),/progs/$(notdir $(f))=$(f)) \
	/bin/true=$(BUILD)/user/progs/true /bin/bench=$(BUILD)/user/bench \
	/bin/bench-init=$(BUILD)/user/bench_init

# ---- images ----------------------------------------------------------------
KERNEL_ELF := $(BUILD)/kernel.elf
KERNEL_BIN := $(BUILD)/kernel.bin
ISO        := $(BUILD)/xdv.iso
# The initramfs (see "initramfs" below). User programs go in
# INITRAMFS_PROGRAMS as DEST=SRC pairs, e.g.
#   INITRAMFS_PROGRAMS += /sbin/init=$(BUILD)/user/init
INITRAMFS_PROGRAMS ?=
INITRAMFS      := $(BUILD)/initramfs.cpio
INITRAMFS_LIST := $(BUILD)/initramfs.list
GEN_CPIO       := $(BUILD)/tools/gen_cpio
ROOTFS_FILES   := $(shell find iso/rootfs 2>/dev/null)

.PHONY: all kernel iso run run-uefi debug test unit bench bench-boot bench-linux user deps clean help
.DEFAULT_GOAL := all

all: $(KERNEL_ELF) $(KERNEL_BIN) $(INITRAMFS)
kernel: all

help:
	@echo "XDV make targets:"
	@echo "  make            build build/kernel.elf (with symbols), kernel.bin, initramfs.cpio"
	@echo "  make iso        build build/xdv.iso (GRUB2, BIOS + UEFI hybrid)"
	@echo "  make initramfs  build build/initramfs.cpio (iso/rootfs + user programs)"
	@echo "  make user       build the user programs (user/, musl-gcc -static) into build/user/"
	@echo "  make run        boot the ISO in QEMU (BIOS), serial on this terminal"
	@echo "  make run-uefi   the same under UEFI firmware (OVMF)"
	@echo "  make debug      QEMU halted with a gdb server, and gdb attached"
	@echo "  make test       host unit tests, in-kernel tests, system and gdb tests"
	@echo "  make unit       host unit tests only"
	@echo "  make bench      in-kernel benchmarks (ns per operation, under -icount)"
	@echo "  make bench-boot boot several times; median ms to 'initialized'"
	@echo "  make bench-linux user/bench on Debian 12's Linux and on XDV under QEMU, side by side"
	@echo "  make deps       install missing Debian packages"
	@echo "  make clean      remove build/"
	@echo "Variables: SMP=$(SMP) MEM=$(MEM) QEMU_FLAGS='...' DEBUG=0|1 V=0|1 CROSS=prefix-"

deps:
	$(Q)tools/deps.sh

# ---- kernel build ----------------------------------------------------------
$(BUILD)/%.o: %.c
	@mkdir -p $(@D)
	@$(if $(Q),echo "  CC      $<")
	$(Q)$(CC) $(KERNEL_CFLAGS) -c $< -o $@

$(BUILD)/%.asm.o: %.asm
	@mkdir -p $(@D)
	@$(if $(Q),echo "  NASM    $<")
	$(Q)$(NASM) $(NASMFLAGS) -MD $(@:.o=.d) -MT $@ $< -o $@

# The kernel carries its own symbol table for backtraces. It is made in two
# links: the first with an empty table, whose function addresses give the
# table for the second. The table sits at the very end of .rodata, after all
# code, so the second link cannot move any function; the check below proves it.
$(BUILD)/ksyms_empty.c:
	@mkdir -p $(@D)
	$(Q)tools/gen-ksyms.sh /dev/null > $@

$(BUILD)/ksyms_empty.o $(BUILD)/ksyms.o: %.o: %.c
	$(Q)$(CC) $(KERNEL_CFLAGS) -c $< -o $@

$(BUILD)/kernel.pass1.elf: $(OBJS) $(BUILD)/ksyms_empty.o linker.ld
	@$(if $(Q),echo "  LD      $@")
	$(Q)$(LD) $(LDFLAGS) -o $@ $(OBJS) $(BUILD)/ksyms_empty.o

$(BUILD)/ksyms.c: $(BUILD)/kernel.pass1.elf tools/gen-ksyms.sh
	$(Q)$(NM) -n --defined-only $< | tools/gen-ksyms.sh - > $@

$(KERNEL_ELF): $(OBJS) $(BUILD)/ksyms.o linker.ld
	@$(if $(Q),echo "  LD      $@")
	$(Q)$(LD) $(LDFLAGS) -o $@ $(OBJS) $(BUILD)/ksyms.o
	$(Q)$(NM) -n --defined-only $(BUILD)/kernel.pass1.elf | grep -i ' t ' > $(BUILD)/text.pass1
	$(Q)$(NM) -n --defined-only $@ | grep -i ' t ' > $(BUILD)/text.pass2
	$(Q)cmp -s $(BUILD)/text.pass1 $(BUILD)/text.pass2 || \
		{ echo "error: symbol table moved code between links"; rm -f $@; exit 1; }

$(KERNEL_BIN): $(KERNEL_ELF)
	$(Q)$(OBJCOPY) -O binary $< $@

# ---- initramfs -------------------------------------------------------------
# The root file system GRUB loads as a module: the skeleton iso/rootfs/
# (files) and iso/initramfs.list (directories with their modes, device
# nodes), owned by root through tools/gen_cpio without root on the host.
# User programs: INITRAMFS_PROGRAMS (above).

$(GEN_CPIO): tools/gen_cpio.c
	@mkdir -p $(@D)
	@$(if $(Q),echo "  HOSTCC  $<")
	$(Q)$(HOSTCC) -std=gnu11 -O2 -Wall -Wextra -Werror -o $@ $<

# Rewritten only when it changes, so the archive is not remade for nothing.
$(INITRAMFS_LIST): tools/gen-initramfs-list.sh iso/initramfs.list $(ROOTFS_FILES) FORCE
	@mkdir -p $(@D)
	$(Q)tools/gen-initramfs-list.sh iso/rootfs iso/initramfs.list $(INITRAMFS_PROGRAMS) > $@.tmp
	$(Q)cmp -s $@.tmp $@ && rm $@.tmp || mv $@.tmp $@

$(INITRAMFS): $(INITRAMFS_LIST) $(GEN_CPIO) $(foreach p,$(INITRAMFS_PROGRAMS),$(lastword $(subst =, ,$(p))))
	@$(if $(Q),echo "  CPIO    $@")
	$(Q)$(GEN_CPIO) $(INITRAMFS_LIST) > $@.tmp && mv $@.tmp $@

initramfs: $(INITRAMFS)

.PHONY: initramfs FORCE
FORCE:

# ---- user program build --------------------------------------------------------
$(BUILD)/user/%: user/%.c $(USER_HDRS)
	@mkdir -p $(@D)
	@$(if $(Q),echo "  MUSLCC  $<")
	$(Q)$(MUSL_GCC) -static $(USER_CFLAGS) -o $@ $< -lm

$(BUILD)/user/tests/exec_helper_pie: user/tests/exec_helper.c $(USER_HDRS)
	@mkdir -p $(@D)
	@$(if $(Q),echo "  MUSLCC  $< (static-pie)")
	$(Q)$(MUSL_GCC) $(USER_CFLAGS) -fPIE -static-pie -nostartfiles \
		-Wl,-static -Wl,--no-dynamic-linker -Wl,-z,text \
		$(MUSL_LIBDIR)/rcrt1.o $(MUSL_LIBDIR)/crti.o $$($(MUSL_GCC) -print-file-name=crtbeginS.o) \
		$< $$($(MUSL_GCC) -print-file-name=crtendS.o) $(MUSL_LIBDIR)/crtn.o -o $@

user: $(USER_BINS)

# ---- ISO -------------------------------------------------------------------
$(ISO): $(KERNEL_ELF) $(INITRAMFS) iso/grub.cfg
	@rm -rf $(BUILD)/isodir && mkdir -p $(BUILD)/isodir/boot/grub
	$(Q)cp $(KERNEL_ELF) $(BUILD)/isodir/boot/kernel.elf
	$(Q)cp $(INITRAMFS) $(BUILD)/isodir/boot/initramfs.cpio
	$(Q)cp iso/grub.cfg $(BUILD)/isodir/boot/grub/grub.cfg
	@$(if $(Q),echo "  ISO     $@")
	$(Q)grub-mkrescue -o $@ $(BUILD)/isodir 2> $(BUILD)/grub-mkrescue.log || \
		{ cat $(BUILD)/grub-mkrescue.log; exit 1; }

iso: $(ISO)

# ---- run and debug ---------------------------------------------------------
# Without a graphical session QEMU gets no window; the serial port is the
# terminal either way (Ctrl-A X quits).
QEMU_DISPLAY := $(if $(DISPLAY),,-display none)
QEMU_COMMON  := -cdrom $(ISO) -m $(MEM) -smp $(SMP) -serial mon:stdio \
	-no-reboot $(QEMU_DISPLAY) $(QEMU_FLAGS)

run: deps $(ISO)
	$(QEMU) -machine pc $(QEMU_COMMON)

run-uefi: deps $(ISO)
	$(QEMU) -machine q35 -bios $(OVMF) $(QEMU_COMMON)

debug: deps $(ISO)
	tools/debug.sh $(ISO) $(KERNEL_ELF) $(GDB_PORT) "-m $(MEM) -smp $(SMP) $(QEMU_FLAGS)"

# ---- tests -----------------------------------------------------------------
$(BUILD)/host/%.o: %.c
	@mkdir -p $(@D)
	@$(if $(Q),echo "  HOSTCC  $<")
	$(Q)$(HOSTCC) $(HOST_CFLAGS) -c $< -o $@

# Archives written by the host's cpio for tests/unit/fs/test_cpio.c.
CPIO_FIXTURES := $(abspath $(BUILD)/unit/cpio-fixtures)
$(BUILD)/host/tests/unit/fs/test_cpio.o: HOST_CFLAGS += -DCPIO_FIXTURES='"$(CPIO_FIXTURES)"'
$(CPIO_FIXTURES)/newc.cpio: tests/unit/fs/make-cpio-fixtures.sh
	$(Q)tests/unit/fs/make-cpio-fixtures.sh $(CPIO_FIXTURES)

# Real executables (musl-gcc -static, static-pie, dynamic) and their
# readelf output, for tests/unit/process/test_elf.c.
ELF_FIXTURES := $(abspath $(BUILD)/unit/elf-fixtures)
$(BUILD)/host/tests/unit/process/test_elf.o: HOST_CFLAGS += -DELF_FIXTURES='"$(ELF_FIXTURES)"'
$(ELF_FIXTURES)/static.readelf: tests/unit/process/make-elf-fixtures.sh
	$(Q)tests/unit/process/make-elf-fixtures.sh $(ELF_FIXTURES)

$(UNIT_BIN): $(UNIT_OBJS) $(CPIO_FIXTURES)/newc.cpio $(ELF_FIXTURES)/static.readelf
	@mkdir -p $(@D)
	$(Q)$(HOSTCC) $(HOST_CFLAGS) -o $@ $(UNIT_OBJS) -lcriterion

unit: $(UNIT_BIN)
	$(UNIT_BIN)

test: deps
	$(Q)$(MAKE) --no-print-directory all $(ISO) $(INITRAMFS) $(UNIT_BIN) $(USER_BINS)
	$(Q)tests/run.sh

bench: deps $(ISO)
	$(Q)tests/system/bench.sh

bench-boot: deps $(ISO)
	$(Q)tests/system/bench-boot.sh

bench-linux: deps $(ISO) $(USER_BINS) $(GEN_CPIO)
	$(Q)tests/system/bench-linux.sh

clean:
	rm -rf $(BUILD)

-include $(OBJS:.o=.d) $(UNIT_OBJS:.o=.d)
