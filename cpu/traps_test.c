// SPDX-License-Identifier: MIT
/*
 * In-kernel tests of the trap path: the IDT in use is ours, exceptions
 * reach trap_dispatch with the right vector, and the exception table
 * resumes execution where it says.
 */
#include <xdv/ktest.h>
#include <xdv/cpu.h>
#include <xdv/string.h>
#include <xdv/arch/x86.h>

struct idtr {
	uint16_t limit;
	uint64_t base;
} __packed;

static inline void store_idtr(struct idtr *out)
{
	__asm__ __volatile__("sidt %0" : "=m"(*out));
}

KTEST(traps, idt_has_256_gates)
{
	struct idtr idtr;

	store_idtr(&idtr);
	KTEST_EXPECT_EQ(t, idtr.limit, 256 * 16 - 1);
	KTEST_EXPECT(t, idtr.base >= 0xFFFFFFFF80000000ULL);
}

KTEST(traps, invalid_opcode_reaches_handler_and_resumes)
{
	unsigned long before = trap_fixups_taken;

	probe_invalid_opcode();
	KTEST_EXPECT_EQ(t, trap_fixups_taken, before + 1);
	KTEST_EXPECT_EQ(t, trap_last_fixup_vector, X86_EXC_UD);
}

KTEST(traps, exception_names_are_known)
{
	KTEST_EXPECT_STREQ(t, trap_name(X86_EXC_PF), "page fault");
	KTEST_EXPECT_STREQ(t, trap_name(X86_EXC_GP), "general protection fault");
	KTEST_EXPECT_STREQ(t, trap_name(15), "reserved exception");
	KTEST_EXPECT_STREQ(t, trap_name(200), "interrupt");
}

KTEST(traps, extable_finds_only_listed_instructions)
{
	KTEST_EXPECT_EQ(t, extable_find(0), 0);
	KTEST_EXPECT_EQ(t, extable_find((uint64_t)(uintptr_t)&extable_find), 0);
}
