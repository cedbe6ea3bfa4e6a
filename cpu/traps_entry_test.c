// SPDX-License-Identifier: MIT
/*
 * In-kernel tests of the paranoid trap entries (cpu/trap_entry.asm): NMI
 * and #DB find the kernel's GS base by reading MSR_GS_BASE, not by the
 * interrupted CS, so they work even when they land between SYSCALL and
 * its SWAPGS (kernel CS, user GS base), and put the GS bases back as they
 * found them; and an NMI that arrives while the NMI handler runs (after
 * an IRET inside it, here the #UD fixup's, re-enabled NMIs) does not
 * overwrite the first one's frame on the NMI stack, but makes the handler
 * run once more after it.
 *
 * The "between SYSCALL and SWAPGS" state is made with one SWAPGS (and a
 * user-looking KERNEL_GS_BASE): until it is undone, nothing here may touch
 * %gs (this_cpu, spinlocks, printk), so that window is one small function.
 */
#include <xdv/irq.h>
#include <xdv/ktest.h>
#include <xdv/percpu.h>
#include <xdv/cpu.h>
#include <xdv/arch/x86.h>
#include "internal.h"

extern const char repeat_nmi[]; /* cpu/trap_entry.asm */

#define MSR_GS_BASE        0xC0000101
#define MSR_KERNEL_GS_BASE 0xC0000102
#define FAKE_USER_GS       0x00007F0000001000ULL /* canonical, user half, unmapped */
#define WAIT_SPINS         50000000u
#define RFLAGS_TF          (1ULL << 8)

static struct {
	volatile unsigned nmis, dbs;
	volatile unsigned depth, max_depth;
	struct percpu *volatile seen_area;   /* this_cpu() inside the handler */
	volatile uint64_t seen_gs, seen_kgs; /* the GS bases the handler ran with */
	volatile bool nest; /* first NMI: IRET through a fixup, then another NMI */
	volatile bool nested_seen; /* ...which arrived inside the first one */
	uint32_t apic_id;
} hk;

static bool record(struct trap_frame *f)
{
	if (f->vector != X86_EXC_NMI && f->vector != X86_EXC_DB)
		return false;

	unsigned d = ++hk.depth;

	if (d > hk.max_depth)
		hk.max_depth = d;
	hk.seen_area = this_cpu();
	hk.seen_gs = rdmsr(MSR_GS_BASE);
	hk.seen_kgs = rdmsr(MSR_KERNEL_GS_BASE);
	if (f->vector == X86_EXC_NMI) {
		if (++hk.nmis == 1 && hk.nest) {
			probe_invalid_opcode();       /* its IRET unblocks NMIs */
			lapic_send_nmi(hk.apic_id);   /* so this one nests, now */
			for (volatile unsigned i = 0; i < 200000; i++)
				;
			/* The nested NMI pointed the outer one's return ("iret"
			 * frame, T-96 on the NMI stack) at repeat_nmi. */
			uint64_t top = this_cpu()->tss.ist[IST_NMI - 1];

			hk.nested_seen = *(uint64_t *)(top - 96) == (uint64_t)(uintptr_t)repeat_nmi;
		}
	} else {
		hk.dbs++;
		f->rflags &= ~RFLAGS_TF; /* one step only */
	}
	hk.depth--;
	return true;
}

static uint64_t hook_on(void)
{
	uint64_t flags = read_rflags();

	cli();
	hk.nmis = hk.dbs = hk.depth = hk.max_depth = 0;
	hk.seen_area = NULL;
	hk.seen_gs = hk.seen_kgs = 0;
	hk.nest = hk.nested_seen = false;
	hk.apic_id = this_cpu()->apic_id;
	trap_test_hook = record;
	return flags;
}

static void hook_off(uint64_t flags)
{
	trap_test_hook = NULL;
	irq_restore(flags);
}

static void wait_nmis(unsigned want)
{
	for (unsigned i = 0; i < WAIT_SPINS && hk.nmis < want; i++)
		cpu_relax();
}

struct gs_state {
	uint64_t gs, kgs;
};

/*
 * As if between SYSCALL and SWAPGS: user GS base live, the kernel's in
 * KERNEL_GS_BASE; take an NMI (or #DB) there; note the bases on return;
 * undo. No %gs use in here.
 */
static __attribute__((noinline)) void trap_with_user_gs(bool nmi, struct gs_state *after)
{
	swapgs();
	if (nmi) {
		lapic_send_nmi(hk.apic_id);
		wait_nmis(1);
	} else {
		single_step_nop();
	}
	after->gs = rdmsr(MSR_GS_BASE);
	after->kgs = rdmsr(MSR_KERNEL_GS_BASE);
	swapgs();
}

static void check_user_gs_case(struct ktest *t, bool nmi)
{
	uint64_t flags = hook_on();
	struct percpu *me = this_cpu();
	uint64_t saved_kgs = rdmsr(MSR_KERNEL_GS_BASE);
	struct gs_state after;

	wrmsr(MSR_KERNEL_GS_BASE, FAKE_USER_GS);
	trap_with_user_gs(nmi, &after);
	wrmsr(MSR_KERNEL_GS_BASE, saved_kgs);
	hook_off(flags);

	KTEST_EXPECT_EQ(t, nmi ? hk.nmis : hk.dbs, 1);
	KTEST_EXPECT(t, hk.seen_area == me);          /* handler found its CPU */
	KTEST_EXPECT_EQ(t, hk.seen_gs, (uint64_t)(uintptr_t)me);
	KTEST_EXPECT_EQ(t, hk.seen_kgs, FAKE_USER_GS);
	KTEST_EXPECT_EQ(t, after.gs, FAKE_USER_GS);   /* put back as found */
	KTEST_EXPECT_EQ(t, after.kgs, (uint64_t)(uintptr_t)me);
	KTEST_EXPECT(t, this_cpu() == me);
}

KTEST(traps, nmi_from_kernel_keeps_kernel_gs_and_returns)
{
	uint64_t flags = hook_on();
	struct percpu *me = this_cpu();
	uint64_t kgs = rdmsr(MSR_KERNEL_GS_BASE);

	lapic_send_nmi(hk.apic_id);
	wait_nmis(1);
	hook_off(flags);
	KTEST_EXPECT_EQ(t, hk.nmis, 1);
	KTEST_EXPECT(t, hk.seen_area == me);
	KTEST_EXPECT_EQ(t, hk.seen_kgs, kgs);
	KTEST_EXPECT_EQ(t, rdmsr(MSR_GS_BASE), (uint64_t)(uintptr_t)me);
	KTEST_EXPECT_EQ(t, rdmsr(MSR_KERNEL_GS_BASE), kgs);
}

KTEST(traps, debug_trap_from_kernel_keeps_kernel_gs_and_returns)
{
	uint64_t flags = hook_on();
	struct percpu *me = this_cpu();

	single_step_nop();
	hook_off(flags);
	KTEST_EXPECT_EQ(t, hk.dbs, 1);
	KTEST_EXPECT(t, hk.seen_area == me);
	KTEST_EXPECT_EQ(t, rdmsr(MSR_GS_BASE), (uint64_t)(uintptr_t)me);
}

KTEST(traps, nmi_between_syscall_and_swapgs_uses_kernel_gs_and_restores_user_gs)
{
	check_user_gs_case(t, true);
}

KTEST(traps, debug_trap_between_syscall_and_swapgs_uses_kernel_gs_and_restores_user_gs)
{
	check_user_gs_case(t, false);
}

KTEST(traps, nmi_nested_after_iret_in_handler_reruns_handler_not_recursively)
{
	uint64_t flags = hook_on();
	struct percpu *me = this_cpu();
	uint64_t fixups = trap_fixups_taken;

	hk.nest = true;
	lapic_send_nmi(hk.apic_id);
	wait_nmis(2);
	KTEST_EXPECT(t, hk.nested_seen);      /* it did arrive inside */
	KTEST_EXPECT_EQ(t, hk.nmis, 2);       /* and the handler ran again, after */
	KTEST_EXPECT_EQ(t, hk.max_depth, 1);  /* never inside the first */
	KTEST_EXPECT_EQ(t, trap_fixups_taken, fixups + 1);
	/* NMIs still work afterwards (and are blocked again in the handler). */
	hk.nest = false;
	lapic_send_nmi(hk.apic_id);
	wait_nmis(3);
	hook_off(flags);
	KTEST_EXPECT_EQ(t, hk.nmis, 3);
	KTEST_EXPECT_EQ(t, hk.max_depth, 1);
	KTEST_EXPECT(t, this_cpu() == me);
}
