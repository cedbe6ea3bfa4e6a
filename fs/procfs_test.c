// SPDX-License-Identifier: MIT
/*
 * KTAP tests of procfs's generators: seq_buf, and each file's format
 * parsed back (meminfo, cpuinfo and its flags, stat, uptime, loadavg,
 * interrupts, devices, <pid>/stat and status), as Linux's readers parse
 * them. The tests through the VFS are in procfs_vfs_test.c.
 */
#include <xdv/arch/x86.h>
#include <xdv/errno.h>
#include <xdv/irq.h>
#include <xdv/ktest.h>
#include <xdv/mm.h>
#include <xdv/percpu.h>
#include <xdv/printk.h>
#include <xdv/string.h>
#include <xdv/time.h>
#include "internal.h"
#include "procfs_test_util.h"

/* ---- seq_buf --------------------------------------------------------------- */

KTEST(procfs, seq_printf_overflow_sets_overflowed_and_counts)
{
	char buf[8];
	struct seq_buf m;

	seq_buf_init(&m, buf, sizeof(buf));
	seq_printf(&m, "%d", 1234);
	KTEST_EXPECT(t, !seq_buf_overflowed(&m));
	seq_printf(&m, "%s", "56789");
	KTEST_EXPECT(t, seq_buf_overflowed(&m));
	KTEST_EXPECT(t, m.len >= 9);
	KTEST_EXPECT(t, !memcmp(buf, "1234", 4));
}

KTEST(procfs, seq_puts_exact_fit_not_overflowed)
{
	char buf[4];
	struct seq_buf m;

	seq_buf_init(&m, buf, sizeof(buf));
	seq_puts(&m, "abc");
	seq_putc(&m, 'd');
	KTEST_EXPECT(t, !seq_buf_overflowed(&m));
	KTEST_EXPECT_EQ(t, m.len, 4);
	KTEST_EXPECT(t, !memcmp(buf, "abcd", 4));
	seq_putc(&m, 'e');
	KTEST_EXPECT(t, seq_buf_overflowed(&m));
}

KTEST(procfs, seq_escape_separators_octal)
{
	char buf[64];
	struct seq_buf m;

	seq_buf_init(&m, buf, sizeof(buf));
	seq_escape(&m, "a b\tc\nd\\e");
	KTEST_EXPECT_STREQ(t, buf, "a\\040b\\011c\\012d\\134e");
}

static unsigned big_show_calls;

/* 10,000 bytes: more than the first page procfs_generate tries. */
static int show_big(struct seq_buf *m, struct process *p)
{
	big_show_calls++;
	for (int i = 0; i < 1000; i++)
		seq_printf(m, "%09d\n", i);
	return 0;
}

KTEST(procfs, generate_large_text_grows_buffer)
{
	struct procfs_entry e = { .name = "big", .mode = S_IFREG | 0444, .show = show_big };
	char *text;
	size_t len;

	big_show_calls = 0;
	if (!KTEST_EXPECT_EQ(t, procfs_generate(&e, NULL, &text, &len), 0))
		return;
	KTEST_EXPECT_EQ(t, len, 10000);
	KTEST_EXPECT_EQ(t, big_show_calls, 2); /* one page, then the size it asked for */
	KTEST_EXPECT(t, !memcmp(text, "000000000\n000000001\n", 20));
	KTEST_EXPECT(t, !memcmp(text + 9990, "000000999\n", 10));
	kfree(text);
}

/* ---- system files ------------------------------------------------------------ */

KTEST(procfs, meminfo_lines_parse_and_memtotal_is_pmm_total)
{
	struct pmm_stats pmm;
	char *text = ptest_gen(procfs_show_meminfo, NULL, NULL);
	unsigned lines = 0;
	uint64_t memtotal = 0;
	bool ok = true;

	KTEST_EXPECT(t, text != NULL);
	if (!text)
		return;
	pmm_get_stats(&pmm);
	for (const char *s = text; *s;) {
		const char *colon = strchr(s, ':');
		const char *nl = strchr(s, '\n');
		const char *v;
		uint64_t val;

		if (!colon || !nl || colon > nl || colon - s > 17) {
			ok = false;
			break;
		}
		/* "%-16s%8lu kB": the number ends in column 24 (or later if wide). */
		v = colon + 1;
		while (*v == ' ')
			v++;
		if (!ptest_parse_u64(&v, &val) || (v - s) < 24) {
			ok = false;
			break;
		}
		if (strncmp(s, "HugePages_", 10) ? strncmp(v, " kB\n", 4) : *v != '\n') {
			ok = false;
			break;
		}
		if (!strncmp(s, "MemTotal:", 9))
			memtotal = val;
		lines++;
		s = nl + 1;
	}
	KTEST_EXPECT(t, ok);
	KTEST_EXPECT(t, lines >= 45);
	KTEST_EXPECT_EQ(t, memtotal, pmm.total_pages * (PAGE_SIZE / 1024));
	KTEST_EXPECT(t, !strncmp(text, "MemTotal:", 9));
	kfree(text);
}

KTEST(procfs, cpuinfo_one_block_per_cpu)
{
	char *text = ptest_gen(procfs_show_cpuinfo, NULL, NULL);
	unsigned blocks = 0;

	KTEST_EXPECT(t, text != NULL);
	if (!text)
		return;
	for (const char *s = text; s; s = strchr(s, '\n')) {
		if (*s == '\n')
			s++;
		if (!strncmp(s, "processor\t: ", 12)) {
			const char *v = s + 12;
			uint64_t n;

			KTEST_EXPECT(t, ptest_parse_u64(&v, &n) && n == blocks);
			blocks++;
		}
	}
	KTEST_EXPECT_EQ(t, blocks, nr_cpus);
	KTEST_EXPECT(t, ptest_contains(text, "\nflags\t\t: fpu"));
	kfree(text);
}

KTEST(procfs, cpu_flags_linux_names_in_linux_order)
{
	/* Words 0, 1 and 3 are 1:EDX, 80000001h:EDX and 1:ECX. */
	struct procfs_cpu_words w = { .word = { [0] = 1u << 0 | 1u << 4, [1] = 1u << 29,
						[3] = 1u << 0 | 1u << 27 | 1u << 31 } };
	char buf[128];
	struct seq_buf m;

	seq_buf_init(&m, buf, sizeof(buf));
	procfs_cpu_flags(&m, &w);
	/* OSXSAVE (1:ECX bit 27) has no name in Linux's list. */
	KTEST_EXPECT_STREQ(t, buf, " fpu tsc lm pni hypervisor");
}

KTEST(procfs, stat_cpu_lines_and_counters)
{
	char *text = ptest_gen(procfs_show_stat, NULL, NULL);
	char *fields[16], first[256];
	unsigned n;

	KTEST_EXPECT(t, text != NULL);
	if (!text)
		return;
	KTEST_EXPECT(t, !strncmp(text, "cpu  ", 5));
	strlcpy(first, text, sizeof(first));
	n = ptest_split_fields(first, fields, 16);
	KTEST_EXPECT_EQ(t, n, 11); /* "cpu" and ten figures, up to the newline */
	KTEST_EXPECT(t, ptest_contains(text, "\ncpu0 "));
	KTEST_EXPECT(t, ptest_contains(text, "\nintr "));
	KTEST_EXPECT(t, ptest_contains(text, "\nctxt "));
	KTEST_EXPECT(t, ptest_contains(text, "\nbtime "));
	KTEST_EXPECT(t, ptest_contains(text, "\nprocesses "));
	KTEST_EXPECT(t, ptest_contains(text, "\nprocs_running "));
	KTEST_EXPECT(t, ptest_contains(text, "\nsoftirq "));
	kfree(text);
}

KTEST(procfs, uptime_two_figures_growing)
{
	char *a = ptest_gen(procfs_show_uptime, NULL, NULL);
	const char *s;
	uint64_t sec = 0, cs = 0, isec, ics, sec2 = 0, cs2 = 0;

	KTEST_EXPECT(t, a != NULL);
	if (!a)
		return;
	s = a;
	KTEST_EXPECT(t, ptest_parse_u64(&s, &sec) && *s++ == '.' && ptest_parse_u64(&s, &cs) && *s++ == ' ' &&
			       ptest_parse_u64(&s, &isec) && *s++ == '.' && ptest_parse_u64(&s, &ics) &&
			       !strcmp(s, "\n"));
	kfree(a);
	sched_sleep_ns(20 * 1000 * 1000);
	a = ptest_gen(procfs_show_uptime, NULL, NULL);
	s = a;
	KTEST_EXPECT(t, a && ptest_parse_u64(&s, &sec2) && *s++ == '.' && ptest_parse_u64(&s, &cs2));
	KTEST_EXPECT(t, sec2 * 100 + cs2 > sec * 100 + cs);
	kfree(a);
}

KTEST(procfs, loadavg_format_and_counts)
{
	char *text = ptest_gen(procfs_show_loadavg, NULL, NULL);
	const char *s;
	uint64_t v, running = 0, total = 0, last;
	bool ok = true;

	KTEST_EXPECT(t, text != NULL);
	if (!text)
		return;
	s = text;
	for (int i = 0; i < 3 && ok; i++) {
		const char *frac;

		ok = ptest_parse_u64(&s, &v) && *s++ == '.';
		frac = s;
		ok = ok && ptest_parse_u64(&s, &v) && s - frac == 2 && *s++ == ' ';
	}
	ok = ok && ptest_parse_u64(&s, &running) && *s++ == '/' && ptest_parse_u64(&s, &total) &&
	     *s++ == ' ' && ptest_parse_u64(&s, &last) && !strcmp(s, "\n");
	KTEST_EXPECT(t, ok);
	KTEST_EXPECT(t, running >= 1 && running <= total); /* this thread runs */
	kfree(text);
}

KTEST(procfs, hostname_write_then_read)
{
	char *text;

	KTEST_EXPECT_EQ(t, procfs_write_hostname("xdvtest\nignored", 15), 0);
	text = ptest_gen(procfs_show_hostname, NULL, NULL);
	KTEST_EXPECT(t, text && !strcmp(text, "xdvtest\n"));
	kfree(text);
	KTEST_EXPECT_EQ(t, procfs_write_hostname("(none)", 6), 0);
}

/* ---- per-process files --------------------------------------------------- */

KTEST(procfs, pid_stat_pid_comm_ppid_52_fields)
{
	struct ptest_child c;
	struct process *p;
	char *text, *fields[64];
	unsigned n;

	KTEST_EXPECT_EQ(t, ptest_child_start(&c, ptest_child_idle), 0);
	p = process_find_get(c.pid);
	KTEST_EXPECT(t, p != NULL);
	if (!p) {
		ptest_child_finish(&c);
		return;
	}
	text = ptest_gen(procfs_show_pid_stat, p, NULL);
	process_put(p);
	KTEST_EXPECT(t, text != NULL);
	if (text) {
		n = ptest_split_fields(text, fields, 64);
		KTEST_EXPECT_EQ(t, n, 52);
		const char *f1 = fields[0], *f4 = fields[3];
		uint64_t pid, ppid;

		KTEST_EXPECT(t, ptest_parse_u64(&f1, &pid) && pid == (uint64_t)c.pid);
		KTEST_EXPECT_STREQ(t, fields[1], "(proctest)");
		KTEST_EXPECT(t, !strcmp(fields[2], "S") || !strcmp(fields[2], "R"));
		/* The test runs in the kernel process: ppid 0, as Linux's kthreads. */
		KTEST_EXPECT(t, ptest_parse_u64(&f4, &ppid) &&
				       ppid == (uint64_t)process_pid(process_current()));
		kfree(text);
	}
	ptest_child_finish(&c);
}

KTEST(procfs, pid_status_fields_in_linux_order)
{
	static const char *const order[] = { "Name:", "Umask:", "State:", "Tgid:", "Ngid:",
		"Pid:", "PPid:", "TracerPid:", "Uid:", "Gid:", "FDSize:", "Groups:", "Threads:",
		"SigQ:", "CapEff:", "Cpus_allowed:", "voluntary_ctxt_switches:",
		"nonvoluntary_ctxt_switches:" };
	struct ptest_child c;
	struct process *p;
	char *text;
	const char *s;

	KTEST_EXPECT_EQ(t, ptest_child_start(&c, ptest_child_idle), 0);
	p = process_find_get(c.pid);
	text = p ? ptest_gen(procfs_show_pid_status, p, NULL) : NULL;
	if (p)
		process_put(p);
	KTEST_EXPECT(t, text != NULL);
	if (text) {
		s = text;
		for (size_t i = 0; i < ARRAY_SIZE(order); i++) {
			size_t n = strlen(order[i]);

			while (*s && strncmp(s, order[i], n)) {
				s = strchr(s, '\n');
				s = s ? s + 1 : "";
			}
			KTEST_EXPECT(t, *s != '\0');
		}
		KTEST_EXPECT(t, !strncmp(text, "Name:\tproctest\n", 15));
		KTEST_EXPECT(t, ptest_contains(text, "\nThreads:\t1\n"));
		kfree(text);
	}
	ptest_child_finish(&c);
}

KTEST(procfs, process_find_get_after_reap_null)
{
	struct ptest_child c;
	struct process *p;

	KTEST_EXPECT_EQ(t, ptest_child_start(&c, ptest_child_idle), 0);
	p = process_find_get(c.pid);
	KTEST_EXPECT(t, p != NULL);
	if (p)
		process_put(p);
	ptest_child_finish(&c);
	KTEST_EXPECT(t, process_find_get(c.pid) == NULL);
}


KTEST(procfs, devices_lists_mem_major_1)
{
	char *text = ptest_gen(procfs_show_devices, NULL, NULL);

	if (!KTEST_EXPECT(t, text != NULL))
		return;
	KTEST_EXPECT(t, !strncmp(text, "Character devices:\n", 19));
	KTEST_EXPECT(t, ptest_contains(text, "\n  1 mem\n"));
	KTEST_EXPECT(t, ptest_contains(text, "\n\nBlock devices:\n"));
	kfree(text);
}

static bool test_irq_handler(void *data)
{
	return true; /* ours: the test sent it */
}

KTEST(procfs, interrupts_header_and_row_of_a_new_vector)
{
	int vector = irq_alloc_vector(test_irq_handler, NULL, "proctest");
	char want[16], *text, *line;
	uint64_t before, sum = 0;

	if (!KTEST_EXPECT(t, vector >= IRQ_DYNAMIC_FIRST))
		return;
	/* One interrupt on it, sent to this CPU. */
	before = irq_count((unsigned)vector);
	lapic_send_ipi(lapic_id(), (uint8_t)vector);
	for (int i = 0; i < 1000000 && irq_count((unsigned)vector) == before; i++)
		cpu_relax();
	KTEST_EXPECT_EQ(t, irq_count((unsigned)vector), before + 1);
	text = ptest_gen(procfs_show_interrupts, NULL, NULL);
	irq_free_vector((unsigned)vector);
	if (!KTEST_EXPECT(t, text != NULL))
		return;
	/* Header: 11 spaces, then "CPU%-8u" per CPU. */
	KTEST_EXPECT(t, !strncmp(text, "           CPU0       ", 22));
	snprintf(want, sizeof(want), "\n%3d: ", 16 + vector - IRQ_DYNAMIC_FIRST);
	line = NULL;
	for (char *s = text; *s; s++) {
		if (!strncmp(s, want, strlen(want))) {
			line = s + 1;
			break;
		}
	}
	if (KTEST_EXPECT(t, line != NULL)) {
		char *nl = strchr(line, '\n');
		const char *p = line + strlen(want) - 1;

		*nl = '\0';
		/* The per-CPU columns add up to the vector's count. */
		for (unsigned c = 0; c < nr_cpus; c++) {
			uint64_t v;

			while (*p == ' ')
				p++;
			if (!KTEST_EXPECT(t, ptest_parse_u64(&p, &v)))
				break;
			sum += v;
		}
		KTEST_EXPECT_EQ(t, sum, before + 1);
		KTEST_EXPECT(t, ptest_contains(line, " PCI-MSI "));
		KTEST_EXPECT(t, ptest_contains(line, "-edge"));
		KTEST_EXPECT(t, ptest_contains(line, "  proctest"));
		*nl = '\n';
	}
	KTEST_EXPECT(t, ptest_contains(text, "\nLOC: "));
	KTEST_EXPECT(t, ptest_contains(text, "\nRES: "));
	KTEST_EXPECT(t, ptest_contains(text, "\nCAL: "));
	kfree(text);
}

/* The figure after "\n<key> " in /proc/stat's text; UINT64_MAX if absent. */
static uint64_t stat_value(const char *key)
{
	char *text = ptest_gen(procfs_show_stat, NULL, NULL);
	char needle[32];
	uint64_t v = UINT64_MAX;

	snprintf(needle, sizeof(needle), "\n%s ", key);
	for (const char *s = text; s && *s; s++) {
		if (!strncmp(s, needle, strlen(needle))) {
			const char *p = s + strlen(needle);

			if (!ptest_parse_u64(&p, &v))
				v = UINT64_MAX;
			break;
		}
	}
	kfree(text);
	return v;
}

KTEST(procfs, stat_processes_counts_creations_and_btime_is_boot_time)
{
	uint64_t before = stat_value("processes");
	struct ptest_child c;

	KTEST_EXPECT(t, before != UINT64_MAX);
	KTEST_EXPECT_EQ(t, ptest_child_start(&c, ptest_child_idle), 0);
	ptest_child_finish(&c);
	KTEST_EXPECT(t, stat_value("processes") >= before + 1);
	KTEST_EXPECT_EQ(t, stat_value("btime"), (uint64_t)wallclock_boot_unix);
	KTEST_EXPECT(t, stat_value("procs_running") >= 1); /* this thread */
}

static int burn_30ms(void *arg)
{
	uint64_t end = time_since_boot_ns() + 30 * 1000 * 1000;

	while (time_since_boot_ns() < end)
		cpu_relax();
	return 0;
}

/* A second thread of the child burns CPU time and exits. */
static int child_burn_in_thread(struct ptest_child *c)
{
	struct thread *th;
	int err = thread_create(process_current(), burn_30ms, NULL, NULL, &th);

	if (err)
		return err;
	return thread_join(th, NULL);
}

KTEST(procfs, pid_stat_keeps_cpu_time_of_exited_threads)
{
	struct ptest_child c;
	struct process *p;
	char *text = NULL, *fields[64];
	const char *stime;
	uint64_t ticks = 0;

	KTEST_EXPECT_EQ(t, ptest_child_start(&c, child_burn_in_thread), 0);
	KTEST_EXPECT_EQ(t, c.result, 0);
	p = process_find_get(c.pid);
	if (p) {
		text = ptest_gen(procfs_show_pid_stat, p, NULL);
		process_put(p);
	}
	if (KTEST_EXPECT(t, text != NULL) &&
	    KTEST_EXPECT_EQ(t, ptest_split_fields(text, fields, 64), 52)) {
		stime = fields[14];
		KTEST_EXPECT(t, ptest_parse_u64(&stime, &ticks));
		/* 30 ms at USER_HZ 100 is 3 ticks; allow for slices lost to
		 * the other CPUs' work. */
		KTEST_EXPECT(t, ticks >= 2);
		KTEST_EXPECT_STREQ(t, fields[19], "1"); /* num_threads: the burner has gone */
	}
	kfree(text);
	ptest_child_finish(&c);
}
