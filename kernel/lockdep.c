// SPDX-License-Identifier: MIT
/*
 * The lock validator of the DEBUG build (in the spirit of Linux's lockdep;
 * the rules are summed up in include/xdv/spinlock.h). kernel/spinlock.c
 * calls in here on every lock and unlock when IS_ENABLED(CONFIG_DEBUG).
 *
 * Classes are keyed by the lock's name: the locks of many objects of one
 * kind (every run queue, every process) are initialised with one name and
 * so share a class, statically and dynamically initialised locks are
 * treated alike, and a report can name the class the way the code does.
 * (Linux keys by the address of a static key at the init site; XDV's
 * SPINLOCK_INIT has no call site, and names are already unique per kind.)
 * The class is looked up once per lock and cached in lock->class_id.
 *
 * Each CPU keeps a stack of the locks it holds, with the interrupt context
 * each was taken in (interrupt nesting depth, and whether a cross-CPU call
 * runs) and the return address of the lock call. Taking a lock while
 * others of the same context are held records "held class -> new class"
 * in the graph (lockdep_graph.c) the first time that order is seen; an
 * order whose opposite is already reachable in the graph is reported as a
 * possible deadlock, with the chain and where each of its orders was first
 * seen, and is not recorded. A class taken in interrupt context and
 * somewhere else with interrupts on is reported once, and so is an
 * irq-safe class (one taken in interrupt context) held, directly or
 * through a chain of orders, while an irq-unsafe class (one taken with
 * interrupts on) is taken: the two CPUs of that deadlock each hold what
 * the other waits for. Reports print
 * "lockdep: WARNING: ..." (or "lockdep: expected (ktest): ..." while a
 * test on that CPU expects one), count, and the kernel goes on: the DEBUG
 * test run (tests/system/debug.sh) fails on the WARNING line, and every
 * other test still runs.
 *
 * Locks: the graph is guarded by graph_lock, a bare test-and-set lock that
 * is not validated; each CPU's held-lock stack is touched only by its own
 * CPU with interrupts off. A CPU already inside the validator (an NMI, the
 * printk of a report) passes straight through (`busy`), and so does every
 * CPU once a panic started. Reports are printed after graph_lock is
 * dropped. Nothing here allocates: all tables are static and bounded; when
 * one is full the validator says so and stops.
 */
#include "lockdep.h"
#include <xdv/spinlock.h>
#include <xdv/config.h>
#include <xdv/panic.h>
#include <xdv/percpu.h>
#include <xdv/printk.h>
#include <xdv/string.h>
#include <xdv/arch/x86.h>

/* The release build keeps one-entry tables: the code compiles, costs nothing. */
#define LD_MAX_CLASSES (IS_ENABLED(CONFIG_DEBUG) ? 256 : 1)
#define LD_MAX_EDGES   (IS_ENABLED(CONFIG_DEBUG) ? 4096 : 1)
#define LD_MAX_CPUS    (IS_ENABLED(CONFIG_DEBUG) ? MAX_CPUS : 1)
#define LD_MAX_HELD    32 /* locks one CPU holds at once, all contexts */
#define LD_MAX_CHAIN   16 /* edges of a chain that a report prints */
#define LD_MAX_PRINTED 20 /* reports printed in full; later ones only counted */

struct ld_held {
	const struct spinlock *lock;
	uint16_t class_id;
	uint8_t ctx;      /* interrupt nesting * 2 + in a cross-CPU call */
	bool trylock;
	uintptr_t ip;     /* return address of the lock call */
};

struct ld_cpu {
	struct ld_held held[LD_MAX_HELD];
	unsigned depth;
	volatile bool busy;   /* inside the validator on this CPU */
	bool expect;          /* a ktest on this CPU expects a report */
	unsigned unprinted;   /* reports not printed (printk's lock was held) */
};

static struct ld_class classes[LD_MAX_CLASSES];
static struct ld_edge edges[LD_MAX_EDGES];
static uint8_t deps[(LD_MAX_CLASSES * LD_MAX_CLASSES + 7) / 8];
static uint8_t refused[(LD_MAX_CLASSES * LD_MAX_CLASSES + 7) / 8]; /* reported pairs */
static uint8_t irq_pairs[(LD_MAX_CLASSES * LD_MAX_CLASSES + 7) / 8]; /* safe -> unsafe, reported */
static uint16_t work_queue[LD_MAX_CLASSES], work_via[LD_MAX_CLASSES];
static struct ld_graph graph = {
	.classes = classes, .max_classes = LD_MAX_CLASSES,
	.edges = edges, .max_edges = LD_MAX_EDGES,
	.deps = deps, .queue = work_queue, .via = work_via,
};
static struct ld_cpu ld_cpus[LD_MAX_CPUS];

static volatile uint32_t graph_lock;
static volatile bool ld_stopped;   /* a table overflowed */
static unsigned ld_reports;        /* reports made, expected ones included */
static struct ld_report last_report;

/* ---- entry, exit and the graph lock ------------------------------------------ */

/* Enter the validator on this CPU: interrupts off, not re-entered. NULL: pass. */
static struct ld_cpu *ld_enter(uint64_t *flags)
{
	if (!IS_ENABLED(CONFIG_DEBUG) || ld_stopped || panic_in_progress)
		return NULL;
	*flags = read_rflags();
	cli();

	struct ld_cpu *lc = &ld_cpus[this_cpu_id()];

	if (lc->busy) {
		irq_restore(*flags);
		return NULL;
	}
	lc->busy = true;
	barrier();
	return lc;
}

static void ld_exit(struct ld_cpu *lc, uint64_t flags)
{
	barrier();
	lc->busy = false;
	irq_restore(flags);
}

static void graph_lock_take(void)
{
	while (__atomic_exchange_n(&graph_lock, 1, __ATOMIC_ACQUIRE))
		while (__atomic_load_n(&graph_lock, __ATOMIC_RELAXED))
			cpu_relax();
}

static void graph_lock_drop(void)
{
	__atomic_store_n(&graph_lock, 0, __ATOMIC_RELEASE);
}

/* The context a lock is taken in; *in_irq: interrupt or cross-CPU call. */
static uint8_t ld_context(bool *in_irq)
{
	if (!nr_cpus) {
		*in_irq = false;
		return 0;
	}

	struct percpu *p = this_cpu();

	*in_irq = p->irq_nesting || p->in_smp_call;
	return (uint8_t)(p->irq_nesting * 2 + (p->in_smp_call ? 1 : 0));
}

/* Up to LD_TRACE_DEPTH return addresses, starting at the lock call's frame. */
static void ld_trace(const void *frame, uintptr_t out[LD_TRACE_DEPTH])
{
	uintptr_t rbp = (uintptr_t)frame;

	for (unsigned i = 0; i < LD_TRACE_DEPTH; i++)
		out[i] = 0;
	for (unsigned i = 0; i < LD_TRACE_DEPTH; i++) {
		/* The same guards as panic's backtrace: a bad chain ends the walk. */
		if (rbp < 0xFFFF800000000000UL || !IS_ALIGNED(rbp, 8))
			break;

		const uintptr_t *f = (const uintptr_t *)rbp;

		if (!f[1])
			break;
		out[i] = f[1];
		if (f[0] <= rbp)
			break;
		rbp = f[0];
	}
}

/* ---- printing ------------------------------------------------------------------ */

static const char *class_name(unsigned id, char *buf, size_t size)
{
	const struct ld_class *c = &classes[id];

	if (!c->subclass)
		snprintf(buf, size, "%s", c->name);
	else
		snprintf(buf, size, "%s/%u", c->name, c->subclass);
	return buf;
}

/* "func+0xoff" of the call before return address ret. */
static void print_site(const char *prefix, uintptr_t ret)
{
	uintptr_t off;
	const char *sym = ret ? ksym_lookup(ret - 1, &off) : NULL;

	if (sym)
		pr_err("lockdep: %s%s+0x%lx\n", prefix, sym, (unsigned long)(off + 1));
	else
		pr_err("lockdep: %s0x%lx\n", prefix, (unsigned long)ret);
}

static void print_trace(const uintptr_t trace[LD_TRACE_DEPTH])
{
	for (unsigned i = 0; i < LD_TRACE_DEPTH && trace[i]; i++)
		print_site("      ", trace[i]);
}

static unsigned print_held(const struct ld_cpu *lc)
{
	char buf[48];

	pr_err("lockdep: CPU %u holds %u lock(s), innermost last:\n", this_cpu_id(),
	       lc->depth);
	for (unsigned i = 0; i < lc->depth; i++) {
		const struct ld_held *h = &lc->held[i];
		char prefix[96];

		snprintf(prefix, sizeof(prefix), "  #%u \"%s\"%s%s, context %u, taken at ", i,
			 class_name(h->class_id, buf, sizeof(buf)), h->trylock ? " (trylock)" : "",
			 h->lock->owner_cpu == (int16_t)this_cpu_id() ? "" : " (not yet owned)",
			 h->ctx);
		print_site(prefix, h->ip);
	}
	return lc->depth;
}

static void print_backtrace(void)
{
	uintptr_t rbp = read_rbp();

	pr_err("lockdep: backtrace:\n");
	for (unsigned i = 0; i < 16; i++) {
		if (rbp < 0xFFFF800000000000UL || !IS_ALIGNED(rbp, 8))
			break;

		const uintptr_t *f = (const uintptr_t *)rbp;

		if (!f[1])
			break;
		print_site("  ", f[1]);
		if (f[0] <= rbp)
			break;
		rbp = f[0];
	}
}

/*
 * Count a report and decide whether to print it (and how: expected or
 * not). Return: the header prefix to print with, NULL to stay quiet.
 */
static const char *report_begin(struct ld_cpu *lc, const struct ld_report *r)
{
	graph_lock_take();
	unsigned n = ++ld_reports;

	last_report = *r;
	graph_lock_drop();

	/* printk's own lock held here: printing would take it again. */
	for (unsigned i = 0; i < lc->depth; i++)
		if (!strcmp(classes[lc->held[i].class_id].name, "printk")) {
			lc->unprinted++;
			return NULL;
		}
	if (n > LD_MAX_PRINTED) {
		if (n == LD_MAX_PRINTED + 1)
			pr_err("lockdep: WARNING: more than %u reports; the rest are only counted\n",
			       LD_MAX_PRINTED);
		return NULL;
	}
	if (lc->unprinted) {
		pr_err("lockdep: WARNING: %u report(s) made under printk's lock were not printed\n",
		       lc->unprinted);
		lc->unprinted = 0;
	}
	return lc->expect ? "lockdep: expected (ktest):" : "lockdep: WARNING:";
}

static void report_end(struct ld_cpu *lc)
{
	print_held(lc);
	print_backtrace();
	pr_err("lockdep: end of report\n");
}

static void report_stop(struct ld_cpu *lc, const char *what)
{
	struct ld_report r = { .kind = LD_REPORT_OVERFLOW, .class_a = what };

	ld_stopped = true;
	if (report_begin(lc, &r))
		pr_err("lockdep: WARNING: %s is full; the validator stops here\n", what);
}

/* ---- the checks ------------------------------------------------------------------ */

/* The class of lock (with subclass), looked up once per lock. -1: stopped. */
static int ld_lock_class(struct ld_cpu *lc, struct spinlock *lock, unsigned subclass)
{
	unsigned cached = __atomic_load_n(&lock->class_id, __ATOMIC_ACQUIRE);

	if (cached && !subclass)
		return (int)cached - 1;
	if (cached && classes[cached - 1].nested[subclass] != LD_NONE)
		return classes[cached - 1].nested[subclass];

	graph_lock_take();
	int base = ld_class_get(&graph, lock->name, 0);
	int id = base < 0 || !subclass ? base : ld_class_get(&graph, lock->name, subclass);

	graph_lock_drop();
	if (id < 0) {
		report_stop(lc, "the class table");
		return -1;
	}
	__atomic_store_n(&lock->class_id, (uint16_t)(base + 1), __ATOMIC_RELEASE);
	return id;
}

static bool test_bit8(const uint8_t *map, unsigned bit)
{
	return __atomic_load_n(&map[bit / 8], __ATOMIC_RELAXED) & (1u << (bit % 8));
}

static bool test_and_set_bit8(uint8_t *map, unsigned bit)
{
	uint8_t m = (uint8_t)(1u << (bit % 8));

	return __atomic_fetch_or(&map[bit / 8], m, __ATOMIC_RELAXED) & m;
}

/* Each edge of a chain with the sites where its order was first seen. */
static void print_chain(const uint16_t *chain, unsigned n)
{
	char ba[48], bb[48];

	for (unsigned i = 0; i < n; i++) {
		const struct ld_edge *e = &edges[chain[i]];

		class_name(e->from, ba, sizeof(ba));
		class_name(e->to, bb, sizeof(bb));
		pr_err("lockdep:   \"%s\" -> \"%s\" first seen: \"%s\" was taken at\n", ba, bb,
		       ba);
		print_site("      ", e->from_ip);
		pr_err("lockdep:     then \"%s\" at:\n", bb);
		print_trace(e->trace);
	}
}

/*
 * Irq-safe class safe is held (through chain, n edges) while irq-unsafe
 * class unsafe is taken: report it once per pair. Called without graph_lock.
 */
static void report_irq_order(struct ld_cpu *lc, unsigned safe, unsigned unsafe,
			     const uint16_t *chain, unsigned n)
{
	char ba[48], bb[48];

	if (test_and_set_bit8(irq_pairs, safe * LD_MAX_CLASSES + unsafe))
		return;

	struct ld_report r = { .kind = LD_REPORT_IRQ_ORDER, .class_a = classes[safe].name,
			       .class_b = classes[unsafe].name, .chain_len = n };
	const char *hdr = report_begin(lc, &r);

	if (!hdr)
		return;
	class_name(safe, ba, sizeof(ba));
	class_name(unsafe, bb, sizeof(bb));
	pr_err("%s irq-safe \"%s\" is held while irq-unsafe \"%s\" is taken, on CPU %u\n",
	       hdr, ba, bb, this_cpu_id());
	pr_err("lockdep: \"%s\" is taken in interrupt context, first at:\n", ba);
	print_trace(classes[safe].usage_trace[0]);
	pr_err("lockdep: \"%s\" is taken with interrupts enabled, first at:\n", bb);
	print_trace(classes[unsafe].usage_trace[1]);
	pr_err("lockdep: the order (%u step(s)):\n", n);
	print_chain(chain, MIN(n, (unsigned)LD_MAX_CHAIN * 2));
	pr_err("lockdep: a CPU holding \"%s\" with interrupts on takes an interrupt that wants"
	       " \"%s\", held by a CPU waiting for \"%s\": deadlock\n", bb, ba, bb);
	report_end(lc);
}

static void ld_mark_usage(struct ld_cpu *lc, unsigned cls, unsigned bit, const void *frame)
{
	struct ld_class *c = &classes[cls];
	uintptr_t trace[LD_TRACE_DEPTH];

	ld_trace(frame, trace);
	graph_lock_take();
	if (c->usage & bit) {
		graph_lock_drop();
		return;
	}
	memcpy(c->usage_trace[bit == LD_USED_IN_IRQ ? 0 : 1], trace, sizeof(trace));
	c->usage |= bit;

	bool both = (c->usage & (LD_USED_IN_IRQ | LD_USED_IRQS_ON)) ==
		    (LD_USED_IN_IRQ | LD_USED_IRQS_ON);
	bool bad = both && !c->irq_reported;
	uint16_t chain[LD_MAX_CHAIN];
	unsigned n = 0;
	int other = -1;

	if (bad)
		c->irq_reported = true;
	/* Not both here: is an irq-safe class held while this unsafe one is taken, or so? */
	if (!both && bit == LD_USED_IN_IRQ)
		other = ld_search(&graph, cls, false, 0, LD_USED_IRQS_ON, chain, LD_MAX_CHAIN, &n);
	else if (!both)
		other = ld_search(&graph, cls, true, 0, LD_USED_IN_IRQ, chain, LD_MAX_CHAIN, &n);
	graph_lock_drop();
	if (other >= 0 && bit == LD_USED_IN_IRQ)
		report_irq_order(lc, cls, (unsigned)other, chain, MIN(n, (unsigned)LD_MAX_CHAIN));
	else if (other >= 0)
		report_irq_order(lc, (unsigned)other, cls, chain, MIN(n, (unsigned)LD_MAX_CHAIN));
	if (!bad)
		return;

	char buf[48];
	const char *name = class_name(cls, buf, sizeof(buf));
	struct ld_report r = { .kind = LD_REPORT_IRQ_UNSAFE, .class_a = c->name,
			       .ip = trace[0] };
	const char *hdr = report_begin(lc, &r);

	if (!hdr)
		return;
	pr_err("%s inconsistent interrupt safety of \"%s\" on CPU %u\n", hdr, name,
	       this_cpu_id());
	/* Each trace is written before its bit is set, and never again. */
	pr_err("lockdep: taken in interrupt context first at:\n");
	print_trace(c->usage_trace[0]);
	pr_err("lockdep: taken with interrupts enabled first at:\n");
	print_trace(c->usage_trace[1]);
	pr_err("lockdep: an interrupt that comes while it is held with interrupts on deadlocks"
	       " (take it with spin_lock_irqsave)\n");
	report_end(lc);
}

static void report_recursion(struct ld_cpu *lc, const struct ld_held *h, unsigned cls,
			     uintptr_t ip)
{
	char buf[48];
	struct ld_report r = { .kind = LD_REPORT_RECURSION, .class_a = classes[cls].name,
			       .class_b = classes[cls].name, .ip = ip };

	if (test_and_set_bit8(refused, cls * LD_MAX_CLASSES + cls))
		return;

	const char *hdr = report_begin(lc, &r);

	if (!hdr)
		return;
	pr_err("%s possible recursive locking of \"%s\" on CPU %u\n", hdr,
	       class_name(cls, buf, sizeof(buf)), this_cpu_id());
	print_site("a lock of it is held since ", h->ip);
	print_site("another one is taken at ", ip);
	pr_err("lockdep: (locks of one class nested in a fixed order: spin_lock_nested)\n");
	report_end(lc);
}

/* held -> cls is new: record it, or report the cycle it would close. */
static void ld_new_dep(struct ld_cpu *lc, const struct ld_held *h, unsigned cls,
		       const void *frame)
{
	uint16_t path[LD_MAX_CHAIN];
	uintptr_t trace[LD_TRACE_DEPTH];
	unsigned from = h->class_id;

	ld_trace(frame, trace);
	graph_lock_take();
	if (ld_has_dep(&graph, from, cls) || test_bit8(refused, from * LD_MAX_CLASSES + cls)) {
		graph_lock_drop();
		return;
	}

	unsigned len = ld_find_path(&graph, cls, from, path, ARRAY_SIZE(path));

	if (!len) {
		int e = ld_add_dep(&graph, from, cls, h->ip, trace);

		if (e < 0) {
			graph_lock_drop();
			report_stop(lc, "the dependency table");
			return;
		}
		/* irq-safe ... -> from -> cls -> ... irq-unsafe? */
		uint16_t chain[LD_MAX_CHAIN * 2 + 1];
		unsigned n1, n2;
		int safe = ld_search(&graph, from, true, 0, LD_USED_IN_IRQ, chain, LD_MAX_CHAIN, &n1);
		int unsafe = -1;

		if (safe >= 0) {
			n1 = MIN(n1, (unsigned)LD_MAX_CHAIN);
			chain[n1] = (uint16_t)e;
			unsafe = ld_search(&graph, cls, false, 0, LD_USED_IRQS_ON, chain + n1 + 1,
					   LD_MAX_CHAIN, &n2);
		}
		graph_lock_drop();
		/* The same class both ways is the direct case, reported on its own. */
		if (unsafe >= 0 && safe != unsafe)
			report_irq_order(lc, (unsigned)safe, (unsigned)unsafe, chain,
					 n1 + 1 + MIN(n2, (unsigned)LD_MAX_CHAIN));
		return;
	}
	test_and_set_bit8(refused, from * LD_MAX_CLASSES + cls);
	graph_lock_drop();

	/* Edges are immutable once published: print them without the lock. */
	char ba[48], bb[48], held[112];
	struct ld_report r = { .kind = LD_REPORT_INVERSION, .class_a = classes[from].name,
			       .class_b = classes[cls].name, .chain_len = len, .ip = trace[0] };
	const char *hdr = report_begin(lc, &r);

	if (!hdr)
		return;
	pr_err("%s possible circular locking dependency on CPU %u\n", hdr, this_cpu_id());
	pr_err("lockdep: taking \"%s\" while holding \"%s\":\n", class_name(cls, bb, sizeof(bb)),
	       class_name(from, ba, sizeof(ba)));
	snprintf(held, sizeof(held), "  \"%s\" was taken at ", ba);
	print_site(held, h->ip);
	pr_err("lockdep:   \"%s\" is being taken at:\n", bb);
	print_trace(trace);
	pr_err("lockdep: but the opposite order was seen before (%u step(s)):\n", len);
	print_chain(path, MIN(len, (unsigned)ARRAY_SIZE(path)));
	report_end(lc);
}

/* ---- called by kernel/spinlock.c ------------------------------------------------ */

void lockdep_acquire(struct spinlock *lock, unsigned subclass, bool trylock,
		     const void *frame)
{
	uint64_t flags;
	struct ld_cpu *lc = ld_enter(&flags);

	if (!lc)
		return;

	uintptr_t ip = ((const uintptr_t *)frame)[1];
	int cls = ld_lock_class(lc, lock, subclass);

	if (cls < 0)
		goto out;

	bool in_irq;
	uint8_t ctx = ld_context(&in_irq);
	unsigned bit = in_irq ? LD_USED_IN_IRQ : (flags & RFLAGS_IF) ? LD_USED_IRQS_ON : 0;

	if (bit && !(READ_ONCE(classes[cls].usage) & bit))
		ld_mark_usage(lc, (unsigned)cls, bit, frame);

	/* A trylock cannot wait, so it adds no order of its own. */
	for (unsigned i = lc->depth; !trylock && i-- > 0;) {
		const struct ld_held *h = &lc->held[i];

		if (h->ctx != ctx)
			continue;
		if (h->class_id == cls)
			report_recursion(lc, h, (unsigned)cls, ip);
		else if (!ld_has_dep(&graph, h->class_id, (unsigned)cls))
			ld_new_dep(lc, h, (unsigned)cls, frame);
	}

	if (lc->depth >= LD_MAX_HELD) {
		report_stop(lc, "a CPU's held-lock stack");
		goto out;
	}
	lc->held[lc->depth++] = (struct ld_held){ lock, (uint16_t)cls, ctx, trylock, ip };
out:
	ld_exit(lc, flags);
}

void lockdep_release(struct spinlock *lock)
{
	uint64_t flags;
	struct ld_cpu *lc = ld_enter(&flags);

	if (!lc)
		return;
	/* Not found: it was taken while the validator passed (NMI, report). */
	for (unsigned i = lc->depth; i-- > 0;) {
		if (lc->held[i].lock != lock)
			continue;
		memmove(&lc->held[i], &lc->held[i + 1], (lc->depth - i - 1) * sizeof(lc->held[0]));
		lc->depth--;
		break;
	}
	ld_exit(lc, flags);
}

void lockdep_report_bad_unlock(struct spinlock *lock, const void *frame)
{
	uint64_t flags;
	struct ld_cpu *lc = ld_enter(&flags);

	if (!lc)
		return;

	uintptr_t ip = ((const uintptr_t *)frame)[1];
	struct ld_report r = { .kind = LD_REPORT_BAD_UNLOCK, .class_a = lock->name, .ip = ip };
	const char *hdr = report_begin(lc, &r);

	if (hdr) {
		pr_err("%s CPU %u unlocks \"%s\", which CPU %d holds\n", hdr, this_cpu_id(),
		       lock->name, lock->owner_cpu);
		print_site("unlocked at ", ip);
		report_end(lc);
	}
	ld_exit(lc, flags);
}

bool lockdep_is_held(const struct spinlock *lock)
{
	uint64_t flags;
	struct ld_cpu *lc = ld_enter(&flags);

	if (!lc)
		return true; /* cannot tell: do not fail the assertion */

	bool in_irq, found = false;
	uint8_t ctx = ld_context(&in_irq);

	for (unsigned i = 0; i < lc->depth; i++)
		if (lc->held[i].lock == lock && lc->held[i].ctx == ctx)
			found = true;
	ld_exit(lc, flags);
	return found;
}

/* ---- public (include/xdv/spinlock.h) and ktest hooks (lockdep.h) ------------------ */

unsigned lockdep_print_held_locks(void)
{
	uint64_t flags;
	struct ld_cpu *lc = ld_enter(&flags);

	if (!lc)
		return 0;

	unsigned n = print_held(lc);

	ld_exit(lc, flags);
	return n;
}

unsigned lockdep_report_count(void)
{
	return __atomic_load_n(&ld_reports, __ATOMIC_RELAXED);
}

void lockdep_test_expect(bool on)
{
	uint64_t flags = read_rflags();

	cli();
	ld_cpus[this_cpu_id()].expect = on;
	irq_restore(flags);
}

void lockdep_last_report(struct ld_report *out)
{
	uint64_t flags = read_rflags();

	cli(); /* an interrupt here must not wait for graph_lock */
	graph_lock_take();
	*out = last_report;
	graph_lock_drop();
	irq_restore(flags);
}

void lockdep_table_use(unsigned *nc, unsigned *max_classes, unsigned *ne,
		       unsigned *max_edges)
{
	*nc = __atomic_load_n(&graph.nr_classes, __ATOMIC_ACQUIRE);
	*ne = __atomic_load_n(&graph.nr_edges, __ATOMIC_ACQUIRE);
	*max_classes = LD_MAX_CLASSES;
	*max_edges = LD_MAX_EDGES;
}

void lockdep_print_orders(void)
{
	unsigned n = __atomic_load_n(&graph.nr_edges, __ATOMIC_ACQUIRE);
	char ba[48], bb[48];

	/* Published edges never change: no lock needed to read them. */
	for (unsigned i = 0; i < n && IS_ENABLED(CONFIG_DEBUG); i++) {
		char prefix[128];

		snprintf(prefix, sizeof(prefix), "order \"%s\" -> \"%s\" at ",
			 class_name(edges[i].from, ba, sizeof(ba)),
			 class_name(edges[i].to, bb, sizeof(bb)));
		print_site(prefix, edges[i].trace[0]);
	}
}

bool lockdep_is_active(void)
{
	return IS_ENABLED(CONFIG_DEBUG) && !ld_stopped;
}
