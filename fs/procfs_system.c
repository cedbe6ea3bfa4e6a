// SPDX-License-Identifier: MIT
/*
 * procfs: the system-wide generated files, in Linux's exact formats
 * (proc(5), and what busybox's free/top/ps parse): meminfo,
 * uptime, loadavg, stat, version, cmdline, interrupts, partitions and
 * sys/kernel/{hostname,ostype,osrelease,pid_max}. Each generator is a
 * pure function of the kernel's counters into a seq_buf; the file
 * plumbing is procfs_file.c's. /proc/mounts, filesystems and devices,
 * which read VFS tables, are in procfs_mounts.c; cpuinfo in
 * procfs_cpuinfo.c.
 *
 * Where XDV has no such thing yet (swap, user memory, huge pages, LRU
 * lists, softirqs, uninterruptible sleep), the line is printed with the
 * true figure, 0, so that parsers find every field where Linux puts it.
 *
 * Locks: the host name is kernel/utsname.c's (its own leaf spinlock); the rest
 * read counters without locks (each figure is a snapshot).
 */
#include <xdv/arch/x86.h>
#include <xdv/boot.h>
#include <xdv/cpufeature.h>
#include <xdv/errno.h>
#include <xdv/irq.h>
#include <xdv/mm.h>
#include <xdv/percpu.h>
#include <xdv/printk.h>
#include <xdv/spinlock.h>
#include <xdv/string.h>
#include <xdv/time.h>
#include "internal.h"
#include "procfs.h"

#define NS_PER_TICK (1000000000ull / PROCFS_USER_HZ)

/* ---- meminfo ------------------------------------------------------------ */

/* One "Name:      1234 kB" line: the name and colon in 16 columns, then
 * the figure right-aligned in 8 (wider if it needs), as Linux's show_val_kb
 * (names are at most 15 characters). */
static void meminfo_kb(struct seq_buf *m, const char *name, uint64_t kb)
{
	int width = 8 + 15 - (int)strlen(name);

	seq_printf(m, "%s:%*llu kB\n", name, width, (unsigned long long)kb);
}

static void meminfo_pages(struct seq_buf *m, const char *name, uint64_t pages)
{
	meminfo_kb(m, name, pages * (PAGE_SIZE / 1024));
}

int procfs_show_meminfo(struct seq_buf *m, struct process *p)
{
	struct procfs_cache_counts cache;
	struct pmm_stats pmm;
	uint64_t slab = kmem_slab_pages();
	uint64_t stacks_kb = (uint64_t)(sched_nr_threads() + nr_cpus) * (KERNEL_STACK_SIZE / 1024);

	pmm_get_stats(&pmm);
	procfs_count_cache(&cache);
	/* File pages not in tmpfs could be dropped; tmpfs pages cannot (no swap). */
	uint64_t file_pages = cache.cached > cache.shmem ? cache.cached - cache.shmem : 0;

	meminfo_pages(m, "MemTotal", pmm.total_pages);
	meminfo_pages(m, "MemFree", pmm.free_pages);
	meminfo_pages(m, "MemAvailable", pmm.free_pages + file_pages);
	meminfo_pages(m, "Buffers", 0); /* no block devices yet */
	meminfo_pages(m, "Cached", cache.cached);
	meminfo_pages(m, "SwapCached", 0);
	/* No LRU aging yet: every cached page counts as active; tmpfs pages
	 * are on the anonymous side, as Linux keeps shmem. */
	meminfo_pages(m, "Active", cache.cached);
	meminfo_pages(m, "Inactive", 0);
	meminfo_pages(m, "Active(anon)", cache.shmem);
	meminfo_pages(m, "Inactive(anon)", 0);
	meminfo_pages(m, "Active(file)", file_pages);
	meminfo_pages(m, "Inactive(file)", 0);
	meminfo_pages(m, "Unevictable", 0);
	meminfo_pages(m, "Mlocked", 0);
	meminfo_pages(m, "SwapTotal", 0);
	meminfo_pages(m, "SwapFree", 0);
	meminfo_pages(m, "Zswap", 0);
	meminfo_pages(m, "Zswapped", 0);
	meminfo_pages(m, "Dirty", cache.dirty);
	meminfo_pages(m, "Writeback", 0);
	meminfo_pages(m, "AnonPages", 0); /* no user memory yet */
	meminfo_pages(m, "Mapped", 0);
	meminfo_pages(m, "Shmem", cache.shmem);
	meminfo_pages(m, "KReclaimable", 0);
	meminfo_pages(m, "Slab", slab);
	meminfo_pages(m, "SReclaimable", 0);
	meminfo_pages(m, "SUnreclaim", slab);
	meminfo_kb(m, "KernelStack", stacks_kb);
	meminfo_pages(m, "PageTables", paging_table_pages());
	meminfo_pages(m, "NFS_Unstable", 0);
	meminfo_pages(m, "Bounce", 0);
	meminfo_pages(m, "WritebackTmp", 0);
	/* Linux's overcommit_ratio default: half of RAM plus swap. */
	meminfo_pages(m, "CommitLimit", pmm.total_pages / 2);
	meminfo_pages(m, "Committed_AS", 0);
	meminfo_kb(m, "VmallocTotal", (VMALLOC_END - VMALLOC_START) / 1024);
	meminfo_pages(m, "VmallocUsed", 0);
	meminfo_pages(m, "VmallocChunk", 0);
	meminfo_kb(m, "Percpu", (uint64_t)nr_cpus * sizeof(struct percpu) / 1024);
	/* Linux's one line with its own format (the name is too long). */
	seq_printf(m, "HardwareCorrupted: %5u kB\n", 0u);
	meminfo_pages(m, "AnonHugePages", 0);
	meminfo_pages(m, "ShmemHugePages", 0);
	meminfo_pages(m, "ShmemPmdMapped", 0);
	meminfo_pages(m, "FileHugePages", 0);
	meminfo_pages(m, "FilePmdMapped", 0);
	seq_printf(m, "%-16s%8u\n", "HugePages_Total:", 0u);
	seq_printf(m, "%-16s%8u\n", "HugePages_Free:", 0u);
	seq_printf(m, "%-16s%8u\n", "HugePages_Rsvd:", 0u);
	seq_printf(m, "%-16s%8u\n", "HugePages_Surp:", 0u);
	meminfo_kb(m, "Hugepagesize", 2048);
	meminfo_kb(m, "Hugetlb", 0);
	return 0;
}

/* ---- uptime, loadavg, stat ------------------------------------------------ */

static uint64_t idle_ns_all_cpus(void)
{
	uint64_t idle = 0;

	for (unsigned c = 0; c < nr_cpus; c++) {
		struct sched_cpu_stats st;

		sched_get_cpu_stats(c, &st);
		idle += st.idle_ns;
	}
	return idle;
}

int procfs_show_uptime(struct seq_buf *m, struct process *p)
{
	uint64_t up = time_since_boot_ns(), idle = idle_ns_all_cpus();

	seq_printf(m, "%llu.%02llu %llu.%02llu\n", (unsigned long long)(up / 1000000000),
		   (unsigned long long)(up / 10000000 % 100),
		   (unsigned long long)(idle / 1000000000),
		   (unsigned long long)(idle / 10000000 % 100));
	return 0;
}

int procfs_show_loadavg(struct seq_buf *m, struct process *p)
{
	unsigned long avg[3];

	loadavg_get(avg);
	for (int i = 0; i < 3; i++) {
		/* Linux rounds to the printed hundredth (FIXED_1/200). */
		unsigned long v = avg[i] + LOADAVG_FIXED_1 / 200;

		seq_printf(m, "%lu.%02lu ", v >> LOADAVG_FSHIFT,
			   ((v & (LOADAVG_FIXED_1 - 1)) * 100) >> LOADAVG_FSHIFT);
	}
	seq_printf(m, "%u/%u %d\n", sched_nr_running(), sched_nr_threads(),
		   (int)pid_last_allocated());
	return 0;
}

/* "cpu" line fields: user nice system idle iowait irq softirq steal guest
 * guest_nice, in USER_HZ ticks. XDV runs no user code yet and does not
 * split interrupt time out, so busy time is all "system". */
static void stat_cpu_line(struct seq_buf *m, const char *name, uint64_t busy_ns,
			  uint64_t idle_ns)
{
	seq_printf(m, "%s 0 0 %llu %llu 0 0 0 0 0 0\n", name,
		   (unsigned long long)(busy_ns / NS_PER_TICK),
		   (unsigned long long)(idle_ns / NS_PER_TICK));
}

/* Linux's IRQ numbers here: legacy IRQ n is vector 0x20 + n (0-15), the
 * dynamic (MSI) vectors follow as 16 and up. */
#define PROCFS_NR_IRQS (16 + IRQ_DYNAMIC_LAST - IRQ_DYNAMIC_FIRST + 1)

static unsigned irq_vector_of(unsigned irq)
{
	return irq < 16 ? IRQ_LEGACY_BASE + irq : IRQ_DYNAMIC_FIRST + irq - 16;
}

int procfs_show_stat(struct seq_buf *m, struct process *p)
{
	uint64_t busy = 0, idle = 0, switches = 0, intr = 0;
	struct sched_cpu_stats st[MAX_CPUS];

	for (unsigned c = 0; c < nr_cpus; c++) {
		sched_get_cpu_stats(c, &st[c]);
		busy += st[c].busy_ns;
		idle += st[c].idle_ns;
		switches += st[c].switches;
	}
	stat_cpu_line(m, "cpu ", busy, idle);
	for (unsigned c = 0; c < nr_cpus; c++) {
		char name[16];

		snprintf(name, sizeof(name), "cpu%u", c);
		stat_cpu_line(m, name, st[c].busy_ns, st[c].idle_ns);
	}
	/* The total counts every interrupt (the APIC's own too), as Linux. */
	for (unsigned v = IRQ_LEGACY_BASE; v < 256; v++)
		intr += irq_count(v);
	intr += irq_spurious_count();
	seq_printf(m, "intr %llu", (unsigned long long)intr);
	for (unsigned irq = 0; irq < PROCFS_NR_IRQS; irq++)
		seq_printf(m, " %llu", (unsigned long long)irq_count(irq_vector_of(irq)));
	seq_printf(m, "\nctxt %llu\n", (unsigned long long)switches);
	seq_printf(m, "btime %lld\n", (long long)wallclock_boot_unix);
	seq_printf(m, "processes %llu\n", (unsigned long long)sched_nr_forks());
	seq_printf(m, "procs_running %u\n", sched_nr_running());
	seq_printf(m, "procs_blocked 0\n"); /* no uninterruptible sleep in XDV */
	seq_printf(m, "softirq 0 0 0 0 0 0 0 0 0 0 0\n"); /* no softirqs in XDV */
	return 0;
}

/* ---- interrupts --------------------------------------------------------- */

/* One architecture row: "LOC:   n   n   Local timer interrupts". */
static void irq_arch_row(struct seq_buf *m, const char *name, const uint64_t *per_cpu,
			 const char *what)
{
	seq_printf(m, "%3s: ", name);
	for (unsigned c = 0; c < nr_cpus; c++)
		seq_printf(m, "%10llu ", (unsigned long long)per_cpu[c]);
	seq_printf(m, "  %s\n", what);
}

int procfs_show_interrupts(struct seq_buf *m, struct process *p)
{
	uint64_t row[MAX_CPUS];

	seq_printf(m, "%*s", 3 + 8, "");
	for (unsigned c = 0; c < nr_cpus; c++)
		seq_printf(m, "CPU%-8u", c);
	seq_putc(m, '\n');

	for (unsigned irq = 0; irq < PROCFS_NR_IRQS; irq++) {
		unsigned vector = irq_vector_of(irq);
		struct irq_description d;

		irq_describe(vector, &d);
		if (!d.used)
			continue;
		seq_printf(m, "%3u: ", irq);
		for (unsigned c = 0; c < nr_cpus; c++)
			seq_printf(m, "%10u ", irq_count_cpu(vector, c));
		if (irq < 16)
			seq_printf(m, " %8s %3u-%-8s  %s\n", "IO-APIC", d.gsi,
				   d.level ? "fasteoi" : "edge", d.names);
		else
			seq_printf(m, " %8s %3u-%-8s  %s\n", "PCI-MSI", vector, "edge", d.names);
	}

	for (unsigned c = 0; c < nr_cpus; c++)
		row[c] = 0; /* NMIs are not counted by XDV */
	irq_arch_row(m, "NMI", row, "Non-maskable interrupts");
	for (unsigned c = 0; c < nr_cpus; c++)
		row[c] = cpu_areas[c] ? READ_ONCE(cpu_areas[c]->timer_ticks) : 0;
	irq_arch_row(m, "LOC", row, "Local timer interrupts");
	for (unsigned c = 0; c < nr_cpus; c++)
		row[c] = c ? 0 : irq_spurious_count();
	irq_arch_row(m, "SPU", row, "Spurious interrupts");
	for (unsigned c = 0; c < nr_cpus; c++)
		row[c] = cpu_areas[c] ? READ_ONCE(cpu_areas[c]->resched_ipis) : 0;
	irq_arch_row(m, "RES", row, "Rescheduling interrupts");
	for (unsigned c = 0; c < nr_cpus; c++)
		row[c] = cpu_areas[c] ? READ_ONCE(cpu_areas[c]->ipi_count) : 0;
	irq_arch_row(m, "CAL", row, "Function call interrupts");
	for (unsigned c = 0; c < nr_cpus; c++)
		row[c] = 0; /* TLB shootdowns go through CAL in XDV */
	irq_arch_row(m, "TLB", row, "TLB shootdowns");
	seq_printf(m, "%3s: %10llu\n", "ERR", (unsigned long long)irq_count(VECTOR_APIC_ERROR));
	seq_printf(m, "%3s: %10u\n", "MIS", 0u);
	return 0;
}

/* ---- version, cmdline, partitions ---------------------------------------- */

int procfs_show_version(struct seq_buf *m, struct process *p)
{
	/* Linux's shape: "<sys> version <rel> (<user>@<host>) (<cc>) #1 SMP <date>". */
	seq_printf(m, "XDV version 0.2 (xdv@xdv) (gcc version %s) #1 SMP %s %s\n", __VERSION__,
		   __DATE__, __TIME__);
	return 0;
}

int procfs_show_cmdline(struct seq_buf *m, struct process *p)
{
	seq_printf(m, "%s\n", boot_info.cmdline);
	return 0;
}

int procfs_show_partitions(struct seq_buf *m, struct process *p)
{
	/* No block devices yet: Linux's header and its blank line only. */
	seq_puts(m, "major minor  #blocks  name\n\n");
	return 0;
}

/* ---- sys/kernel --------------------------------------------------------- */

/* The host name lives in kernel/utsname.c, shared with uname(2). */
int procfs_show_hostname(struct seq_buf *m, struct process *p)
{
	char copy[UTS_HOSTNAME_MAX + 1];

	utsname_get_hostname(copy, sizeof(copy));
	seq_printf(m, "%s\n", copy);
	return 0;
}

/*
 * Set the host name from a write: the text up to the first newline or
 * NUL, at most UTS_HOSTNAME_MAX bytes (longer text is cut, as Linux's
 * proc_dostring does).
 */
int procfs_write_hostname(const char *buf, size_t len)
{
	size_t n = 0;

	while (n < len && n < UTS_HOSTNAME_MAX && buf[n] != '\n' && buf[n] != '\0')
		n++;
	utsname_set_hostname(buf, n);
	return 0;
}

int procfs_show_ostype(struct seq_buf *m, struct process *p)
{
	/* "Linux": XDV's user ABI is Linux's, and glibc, busybox and
	 * sysctl expect this name for it. */
	seq_printf(m, "%s\n", UTS_SYSNAME);
	return 0;
}

int procfs_show_osrelease(struct seq_buf *m, struct process *p)
{
	/*
	 * A Linux-shaped release: glibc refuses to start on a kernel older
	 * than the one it was built for (it parses "major.minor.patch"), so
	 * XDV says 6.1.0, the Linux whose ABI it follows, with "-xdv".
	 */
	seq_puts(m, PROCFS_OSRELEASE "\n");
	return 0;
}

int procfs_show_pid_max(struct seq_buf *m, struct process *p)
{
	seq_printf(m, "%d\n", CONFIG_PID_MAX);
	return 0;
}
