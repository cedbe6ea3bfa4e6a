#!/bin/bash
# SPDX-License-Identifier: MIT
# The scheduler's in-kernel tests on one CPU and on four. The sched*
# suites (priorities, RT classes, affinity, spreading and balancing,
# sleeps, FPU state, mutexes, semaphores, workers, processes, moves
# between run queues, wait-queue races, the run-queue checker) and the
# stress_sched suite (a producer/consumer stress across CPUs, the process
# and thread limits, the longer migration and wait-queue race reproducers,
# which need four CPUs) run with QEMU's CPUs truly in parallel; the
# timing_sched suite (fairness, nice levels, preemption latency) runs
# under -icount, where guest time counts guest instructions, so a host
# that stops a virtual CPU cannot skew what it measures. Each KTAP leaf
# counts as a test; QEMU must end with the pass status (33).
. "$(dirname "$0")/lib.sh"

ICOUNT="-icount shift=0,sleep=off"

run() { # run NAME ISO MIN-PASSED QEMU-ARGS...
	local name=$1 image=$2 min=$3
	shift 3
	local log=$LOGDIR/$name.log
	ktest_boot "$log" 300 -machine q35 -m 256M -cdrom "$image" "$@"
	local ok=$?
	report_ktap "$log" "$name"
	if [ "$ok" = 0 ] && [ "$KP" -ge "$min" ]; then
		pass "${name}_run_exits_with_pass_status"
	else
		ktest_fail "${name}_run_exits_with_pass_status" "$log" "(want at least $min passed)"
	fi
}

iso=$(make_iso sched "ktest=sched* debug_exit=0xf4") || exit 1
stress_iso=$(make_iso sched-stress "ktest=stress_sched debug_exit=0xf4") || exit 1
timing_iso=$(make_iso sched-timing "ktest=timing_sched debug_exit=0xf4") || exit 1
for cpus in 1 4; do
	run "sched_smp$cpus" "$iso" 20 -smp "$cpus"
	run "sched_stress_smp$cpus" "$stress_iso" 3 -smp "$cpus"
	# shellcheck disable=SC2086
	run "sched_timing_smp$cpus" "$timing_iso" 3 -smp "$cpus" $ICOUNT
	grep -a -h "# RT thread ran\|# CPU time of" "$LOGDIR/sched_timing_smp$cpus.log" |
		sed "s/^\[[ 0-9.]*\] *#/# smp $cpus:/"
done
