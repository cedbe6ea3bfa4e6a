#!/bin/bash
# SPDX-License-Identifier: MIT
# Tests that drive the kernel through gdb's remote protocol:
# - tools/debug.sh (what `make debug` runs) attaches gdb to a halted QEMU,
#   breaks at kernel_main and at a function it calls, and prints backtraces
#   with symbol names (in batch mode);
# - bad input the boot path must survive, injected at the exact moment it
#   matters: a wrong boot magic in EAX at the kernel's entry, and a
#   corrupted Multiboot2 block at kernel_main.
. "$(dirname "$0")/lib.sh"

ELF=$BUILD/kernel.elf
PORT_BASE=$((20000 + $$ % 20000))

# gdb_session NAME LOG GDB-COMMANDS-FILE: start QEMU halted (BIOS pc, the
# real ISO), run gdb in batch mode against it; gdb's output goes to
# LOG.gdb. QEMU keeps running after gdb detaches, until PATTERN or timeout
# (see the callers).
gdb_start() {
	name=$1 cmds=$2
	port=$((PORT_BASE + RANDOM % 1000))
	log=$LOGDIR/gdb-$name.log
	rm -f "$log"
	qemu-system-x86_64 -machine pc -m 128M -cdrom "$ISO" -display none -no-reboot \
		-serial "file:$log" -S -gdb "tcp:127.0.0.1:$port" > "$log.qemu" 2>&1 &
	qpid=$!
	timeout 120 gdb -q -batch -nx -x tools/gdbinit \
		-ex "target remote 127.0.0.1:$port" -x "$cmds" "$ELF" > "$log.gdb" 2>&1
}

# Wait up to BIOS_TIMEOUT for PATTERN in the serial log, then stop QEMU.
gdb_wait_serial() {
	pattern=$1
	for _ in $(seq $((BIOS_TIMEOUT * 5))); do
		tr -d '\r' < "$log" 2>/dev/null | grep -qF -- "$pattern" && break
		kill -0 "$qpid" 2>/dev/null || break
		sleep 0.2
	done
	kill "$qpid" 2>/dev/null
	wait "$qpid" 2>/dev/null
	tr -d '\r' < "$log" | grep -qF -- "$pattern"
}

cmds=$(mktemp)
trap 'rm -f "$cmds"' EXIT

# 1. The `make debug` script itself, in batch mode: it stops at
# kernel_main; then break at time_init too. Backtraces name the functions.
log=$LOGDIR/gdb-backtrace.log
timeout 120 tools/debug.sh "$ISO" "$ELF" $((PORT_BASE + RANDOM % 1000)) "-m 128M" \
	-batch -ex backtrace -ex "hbreak time_init" -ex continue -ex backtrace \
	-ex 'info symbol $pc' -ex kill > "$log.gdb" 2>&1 < /dev/null
out=$(cat "$log.gdb")
if grep -qE "^#0 +kernel_main \(boot_info_phys=[0-9x]+\) at kernel/main.c" <<< "$out" &&
	grep -qE "^#0 +time_init \(\) at [A-Za-z0-9_/]+\.[ch]:[0-9]+" <<< "$out" &&
	grep -qE "^#1 +0x[0-9a-f]+ in kernel_main \(" <<< "$out" &&
	grep -q "time_init in section .text" <<< "$out"; then
	pass "make_debug_breaks_at_kernel_main_and_prints_symbolic_backtrace"
else
	fail "make_debug_breaks_at_kernel_main_and_prints_symbolic_backtrace"
	show_log "$log.gdb"
fi

# 2. Wrong boot magic: GRUB's jump to _start also passes through that
# address before the kernel is loaded (FACTS.md), so stop only on the hit
# that carries the Multiboot2 magic, then replace it with Multiboot1's.
cat > "$cmds" <<'GDB'
hbreak _start
condition 1 $eax == 0x36d76289
continue
set $eax = 0x2badb002
detach
GDB
gdb_start bad-magic "$cmds"
if gdb_wait_serial "XDV: not started by a Multiboot2 boot loader (EAX=2badb002); halting."; then
	pass "entry_with_wrong_boot_magic_explains_and_halts"
else
	fail "entry_with_wrong_boot_magic_explains_and_halts"
	show_log "$log"; show_log "$log.gdb"
fi

# 3. Corrupted Multiboot2 information, seen by a live kernel: a total_size
# beyond anything valid, and (separately) a first tag whose size runs past
# the end of the block. The kernel must say so and still boot (finding its
# RAM, with no memory map, from the CMOS memory size: -m 128M).
cat > "$cmds" <<'GDB'
hbreak kernel_main
continue
set {unsigned int}(0xffff800000000000 + $rdi) = 0xfffffff0
detach
GDB
gdb_start bad-info-size "$cmds"
if gdb_wait_serial "$INITIALIZED" &&
	tr -d '\r' < "$log" | grep -q "Multiboot2 information at 0x[0-9a-f]* is unusable" &&
	tr -d '\r' < "$log" | grep -q "mm: no memory map from the loader: using the CMOS memory size, 127 MiB"; then
	pass "corrupt_multiboot2_total_size_is_refused_and_boot_continues"
else
	fail "corrupt_multiboot2_total_size_is_refused_and_boot_continues"
	show_log "$log"; show_log "$log.gdb"
fi

cat > "$cmds" <<'GDB'
hbreak kernel_main
continue
set {unsigned int}(0xffff800000000000 + $rdi + 12) = 0x7ffffff8
detach
GDB
gdb_start bad-tag-size "$cmds"
if gdb_wait_serial "$INITIALIZED" &&
	tr -d '\r' < "$log" | grep -q "boot: mb2: tag runs past end of block; rest ignored"; then
	pass "multiboot2_tag_running_past_the_end_is_skipped_and_boot_continues"
else
	fail "multiboot2_tag_running_past_the_end_is_skipped_and_boot_continues"
	show_log "$log"; show_log "$log.gdb"
fi
