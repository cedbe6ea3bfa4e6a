// SPDX-License-Identifier: MIT
/*
 * In-kernel test of the SMAP rule of every trap entry (cpu/trap_entry.asm):
 * an exception taken inside a stac()..clac() window runs its handler with
 * RFLAGS.AC clear, and the return gives the interrupted code its AC back.
 */
#include <xdv/cpu.h>
#include <xdv/cpufeature.h>
#include <xdv/ktest.h>
#include <xdv/arch/x86.h>
#include "internal.h"

#define RFLAGS_AC (1ULL << 18)

static volatile bool hook_ran, frame_ac, handler_ac;

static bool ud_hook(struct trap_frame *f)
{
	if (f->vector != X86_EXC_UD)
		return false;
	hook_ran = true;
	frame_ac = f->rflags & RFLAGS_AC;
	handler_ac = read_rflags() & RFLAGS_AC;
	f->rip += 2; /* past the ud2 */
	return true;
}

KTEST(traps, entry_inside_stac_window_runs_handler_with_ac_clear)
{
	if (!cpu_has(X86_FEATURE_SMAP)) {
		KTEST_SKIP(t, "no SMAP on this CPU");
		return;
	}
	KTEST_EXPECT(t, trap_entry_clac);

	uint64_t flags = read_rflags();
	bool ac_after;

	cli();
	hook_ran = frame_ac = handler_ac = false;
	trap_test_hook = ud_hook;
	stac();
	invalid_opcode();
	ac_after = read_rflags() & RFLAGS_AC;
	clac();
	trap_test_hook = NULL;
	irq_restore(flags);
	KTEST_EXPECT(t, hook_ran);
	KTEST_EXPECT(t, frame_ac);    /* the interrupted code had AC set */
	KTEST_EXPECT(t, !handler_ac); /* the handler did not */
	KTEST_EXPECT(t, ac_after);    /* and got it back */
}
