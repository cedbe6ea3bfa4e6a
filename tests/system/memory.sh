#!/bin/bash
# SPDX-License-Identifier: MIT
# Memory sizes: boot the ktest ISO with -m 32M and 128M (pc), 2G, 4G
# (q35: RAM split by the PCI hole) and 8G (RAM above 4 GiB), and 2G with
# -cpu max (1 GiB direct-map pages, SMEP, SMAP, UMIP). Every in-kernel test
# must pass on each, and the memory the kernel reports must add up: RAM as
# given by -m, free + used = RAM, and the kernel's own use small.
# Then a CPU without NX (-cpu qemu64,-nx): every test passes (the NX checks
# skip), and the boot log warns once that W^X is not enforced. And the
# stress_vmalloc suite on four CPUs: vmalloc and vfree racing each other
# must never fail.
. "$(dirname "$0")/lib.sh"

iso=$(make_iso ktest-mem "ktest debug_exit=0xf4") || exit 1

check_size() { # NAME MACHINE MEM_MIB QEMU-ARGS...
	name=$1 machine=$2 mib=$3
	shift 3
	log=$LOGDIR/memory-$name.log
	# shellcheck disable=SC2046
	ktest_boot "$log" "$(machine_timeout "$machine")" $(machine_args "$machine") \
		-m "${mib}M" -cdrom "$iso" "$@"
	ok=$?
	ram=$(sed -n 's/.*mm: \([0-9]*\) MiB RAM in.*/\1/p' <<< "$CLEAN" | head -n1)
	free=$(sed -n 's/.*memory: \([0-9]*\) MiB free.*/\1/p' <<< "$CLEAN" | head -n1)
	used=$(sed -n 's/.*MiB free, \([0-9]*\) MiB used.*/\1/p' <<< "$CLEAN" | head -n1)
	# Used: the image, page tables and 32 bytes of metadata per 4 KiB page.
	max_used=$((8 + mib / 128 + 2))
	if [ "$ok" = 0 ] &&
		[ -n "$ram" ] && [ -n "$free" ] && [ -n "$used" ] &&
		[ "$ram" -le "$mib" ] && [ "$ram" -ge $((mib - 4)) ] &&
		[ $((free + used)) -ge $((ram - 1)) ] && [ $((free + used)) -le "$ram" ] &&
		[ "$used" -le "$max_used" ]; then
		pass "memory_${name}_ktests_pass_and_accounting_adds_up"
	else
		ktest_fail "memory_${name}_ktests_pass_and_accounting_adds_up" "$log" \
			"RAM '$ram' MiB of $mib, free '$free', used '$used' (at most $max_used)"
	fi
}

check_size pc_32M pc 32
check_size pc_128M pc 128
check_size q35_2G q35 2048
check_size q35_4G q35 4096
check_size q35_8G q35 8192
check_size q35_2G_cpu_max q35 2048 -cpu max

# A CPU without NX: all tests pass or skip, and one warning says so.
log=$LOGDIR/memory-no-nx.log
ktest_boot "$log" "$BIOS_TIMEOUT" -machine q35 -m 256M -cpu qemu64,-nx -cdrom "$iso"
ok=$?
warnings=$(grep -c "mm: protection: the CPU has no NX (execute disable): W^X is not enforced" <<< "$CLEAN")
if [ "$ok" = 0 ] && [ "$warnings" = 1 ] &&
	grep -q "ok [0-9]* map_4k_without_vm_exec_is_not_executable # SKIP CPU without NX" <<< "$CLEAN"; then
	pass "memory_cpu_without_nx_ktests_pass_and_boot_warns_once"
else
	ktest_fail "memory_cpu_without_nx_ktests_pass_and_boot_warns_once" "$log" \
		"$warnings warning lines (want 1)"
fi

# vmalloc/vfree from four CPUs at once (stress_vmalloc, run only when named).
stress_iso=$(make_iso ktest-mem-stress "ktest=stress_vmalloc* debug_exit=0xf4") || exit 1
log=$LOGDIR/memory-stress-vmalloc.log
ktest_boot "$log" 300 -machine q35 -smp 4 -m 256M -cdrom "$stress_iso"
ok=$?
report_ktap "$log" "memory_smp4"
grep -h "failed vmallocs" <<< "$CLEAN" | sed 's/^\[[ 0-9.]*\] *#/# smp 4:/'
if [ "$ok" = 0 ]; then
	pass "memory_stress_vmalloc_smp4_run_exits_with_pass_status"
else
	ktest_fail "memory_stress_vmalloc_smp4_run_exits_with_pass_status" "$log"
fi
