// SPDX-License-Identifier: MIT
/*
 * procfs: the files of one process, /proc/<pid>/{stat,status,cmdline,
 * comm,environ,maps} and the targets of its links (cwd, root, exe, fd/N),
 * in Linux's formats (proc(5); busybox's ps/top parse stat and status).
 *
 * Every generator works from one process_info snapshot, so the fields of
 * one read agree with each other. XDV's processes are all kernel-only
 * until user address spaces come, and they show what Linux shows for its
 * kernel threads: no memory fields, empty cmdline/environ/maps, and exe
 * giving ENOENT. Fields for things XDV lacks (process groups, sessions,
 * terminals, signals, page faults) are printed as 0 where Linux would
 * print them, so every field stays at its place.
 *
 * Locks: none of its own; process_get_info takes the process locks, and
 * the fd and path helpers take the fd table's and fs_context's.
 */
#include <xdv/errno.h>
#include <xdv/percpu.h>
#include <xdv/printk.h>
#include <xdv/string.h>
#include "internal.h"
#include "procfs.h"

#define NS_PER_TICK (1000000000ull / PROCFS_USER_HZ)
#define PF_KTHREAD 0x00200000u   /* Linux's flag for kernel threads */
#define SIGCHLD_NR 17
#define CAP_FULL 0x000001ffffffffffull /* CAP_LAST_CAP 40 (Linux 6.1) */

static unsigned long long ticks(uint64_t ns)
{
	return (unsigned long long)(ns / NS_PER_TICK);
}

int procfs_show_pid_stat(struct seq_buf *m, struct process *p)
{
	struct process_info pi;

	process_get_info(p, &pi);
	/* 1-13: pid (comm) state ppid pgrp session tty_nr tpgid flags
	 * minflt cminflt majflt cmajflt */
	seq_printf(m, "%d (%s) %c %d 0 0 0 -1 %u 0 0 0 0 ", pi.pid, pi.name, pi.state, pi.ppid,
		   pi.is_kernel ? PF_KTHREAD : 0u);
	/* 14-22: utime stime cutime cstime priority nice num_threads
	 * itrealvalue starttime */
	seq_printf(m, "%llu %llu 0 0 %d %d %u 0 %llu ", ticks(pi.utime_ns), ticks(pi.stime_ns),
		   pi.prio, pi.nice, pi.nr_threads, ticks(pi.start_ns));
	/* 23-37: vsize rss rsslim startcode endcode startstack kstkesp
	 * kstkeip signal blocked sigignore sigcatch wchan nswap cnswap */
	seq_puts(m, "0 0 18446744073709551615 0 0 0 0 0 0 0 0 0 0 0 0 ");
	/* 38-44: exit_signal processor rt_priority policy
	 * delayacct_blkio_ticks guest_time cguest_time */
	seq_printf(m, "%d %u %u %u 0 0 0 ", SIGCHLD_NR, pi.cpu, pi.rt_priority, pi.policy);
	/* 45-52: start_data end_data start_brk arg_start arg_end env_start
	 * env_end exit_code (a wait status, as Linux: code << 8) */
	seq_printf(m, "0 0 0 0 0 0 0 %d\n",
		   pi.state == 'Z' ? (pi.exit_code & 0xFF) << 8 : 0);
	return 0;
}

static const char *state_name(char state)
{
	switch (state) {
	case 'R':
		return "R (running)";
	case 'Z':
		return "Z (zombie)";
	default:
		return "S (sleeping)";
	}
}

/* A CPU mask as Linux's %*pb (hex, 32-bit groups) and %*pbl ("0-3,5"). */
static void show_cpu_mask(struct seq_buf *m, uint64_t mask)
{
	if (nr_cpus > 32)
		seq_printf(m, "%08x,%08x\n", (unsigned)(mask >> 32), (unsigned)mask);
	else
		seq_printf(m, "%x\n", (unsigned)mask);
}

static void show_cpu_list(struct seq_buf *m, uint64_t mask)
{
	bool first = true;

	for (unsigned c = 0; c < 64; c++) {
		unsigned end = c;

		if (!(mask & (1ull << c)))
			continue;
		while (end + 1 < 64 && (mask & (1ull << (end + 1))))
			end++;
		seq_printf(m, first ? "%u" : ",%u", c);
		if (end > c)
			seq_printf(m, "-%u", end);
		first = false;
		c = end;
	}
	seq_putc(m, '\n');
}

int procfs_show_pid_status(struct seq_buf *m, struct process *p)
{
	struct process_info pi;
	uint64_t online = nr_cpus >= 64 ? ~0ull : (1ull << nr_cpus) - 1;
	uint64_t cpus;
	uint64_t caps;

	process_get_info(p, &pi);
	cpus = (pi.affinity ? pi.affinity : online) & online;
	caps = pi.euid == 0 ? CAP_FULL : 0;

	seq_printf(m, "Name:\t%s\n", pi.name);
	seq_printf(m, "Umask:\t%04o\n", procfs_process_umask(p));
	seq_printf(m, "State:\t%s\n", state_name(pi.state));
	seq_printf(m, "Tgid:\t%d\nNgid:\t0\nPid:\t%d\nPPid:\t%d\nTracerPid:\t0\n", pi.pid,
		   pi.pid, pi.ppid);
	seq_printf(m, "Uid:\t%u\t%u\t%u\t%u\n", pi.uid, pi.euid, pi.euid, pi.fsuid);
	seq_printf(m, "Gid:\t%u\t%u\t%u\t%u\n", pi.gid, pi.egid, pi.egid, pi.fsgid);
	seq_printf(m, "FDSize:\t%u\n", procfs_process_fd_size(p));
	seq_puts(m, "Groups:\t \n");
	seq_printf(m, "NStgid:\t%d\nNSpid:\t%d\nNSpgid:\t0\nNSsid:\t0\n", pi.pid, pi.pid);
	seq_printf(m, "Threads:\t%u\n", pi.nr_threads);
	seq_printf(m, "SigQ:\t0/%u\n", CONFIG_MAX_THREADS);
	seq_printf(m, "SigPnd:\t%016x\nShdPnd:\t%016x\nSigBlk:\t%016x\nSigIgn:\t%016x\n"
		      "SigCgt:\t%016x\n", 0u, 0u, 0u, 0u, 0u);
	seq_printf(m, "CapInh:\t%016x\nCapPrm:\t%016llx\nCapEff:\t%016llx\nCapBnd:\t%016llx\n"
		      "CapAmb:\t%016x\n", 0u, (unsigned long long)caps, (unsigned long long)caps,
		   (unsigned long long)CAP_FULL, 0u);
	seq_puts(m, "NoNewPrivs:\t0\nSeccomp:\t0\nSeccomp_filters:\t0\n");
	seq_puts(m, "Speculation_Store_Bypass:\tunknown\nSpeculationIndirectBranch:\tunknown\n");
	seq_puts(m, "Cpus_allowed:\t");
	show_cpu_mask(m, cpus);
	seq_puts(m, "Cpus_allowed_list:\t");
	show_cpu_list(m, cpus);
	seq_puts(m, "Mems_allowed:\t1\nMems_allowed_list:\t0\n");
	seq_printf(m, "voluntary_ctxt_switches:\t%llu\nnonvoluntary_ctxt_switches:\t%llu\n",
		   (unsigned long long)pi.nvcsw, (unsigned long long)pi.nivcsw);
	return 0;
}

int procfs_show_pid_comm(struct seq_buf *m, struct process *p)
{
	struct process_info pi;

	process_get_info(p, &pi);
	seq_printf(m, "%s\n", pi.name);
	return 0;
}

/*
 * cmdline, environ and maps come from a user address space: XDV's
 * processes have none yet, and show what Linux's kernel threads show:
 * nothing. (The user-process issue fills these from the mm.)
 */
int procfs_show_pid_cmdline(struct seq_buf *m, struct process *p)
{
	return 0;
}

int procfs_show_pid_environ(struct seq_buf *m, struct process *p)
{
	return 0;
}

int procfs_show_pid_maps(struct seq_buf *m, struct process *p)
{
	return 0;
}
