// SPDX-License-Identifier: MIT
/*
 * In-kernel test of the real SYSCALL entry under NMIs (suite traps): a
 * ring-3 loop of getppid calls runs on CPU 1 while this thread, on CPU 0,
 * sends it NMI after NMI. Some land in user mode, some in the kernel, and
 * some in the windows where the CPU is in ring 0 with the user's GS base
 * (between SYSCALL and SWAPGS, between SWAPGS and SYSRET); the paranoid
 * NMI entry must find this CPU's per-CPU area every time, and the program
 * must finish with the right exit status.
 *
 * The user page is mapped by hand (PTE_U) at STORM_VA in the kernel's page
 * tables; the program reads its loop count from STORM_VA + 0x800.
 */
#include <xdv/cpu.h>
#include <xdv/irq.h>
#include <xdv/ktest.h>
#include <xdv/mm.h>
#include <xdv/percpu.h>
#include <xdv/sched.h>
#include <xdv/string.h>
#include <xdv/syscall.h>
#include <xdv/arch/x86.h>
#include "internal.h"

#define STORM_VA    0x10400000ULL
#define STORM_LOOPS 1000000ULL
#define MSR_GS_BASE 0xC0000101

extern const char syscall_entry[], user_enter_frame[]; /* cpu/syscall_entry.asm */

/* bits 64; org 0x10400000 */
static const uint8_t storm_code[] = {
	0x48, 0x8b, 0x1c, 0x25, 0x00, 0x08, 0x40, 0x10, /* mov rbx, [0x10400800] */
	/* again: */
	0xb8, 0x6e, 0x00, 0x00, 0x00,                   /* mov eax, 110 (getppid) */
	0x0f, 0x05,                                     /* syscall */
	0x48, 0xff, 0xcb,                               /* dec rbx */
	0x75, 0xf4,                                     /* jnz again */
	0xbf, 0x07, 0x00, 0x00, 0x00,                   /* mov edi, 7 */
	0xb8, 0xe7, 0x00, 0x00, 0x00,                   /* mov eax, 231 (exit_group) */
	0x0f, 0x05,                                     /* syscall */
};

static struct {
	volatile unsigned nmis, from_user, in_entry, wrong_gs;
	struct percpu *target;
} storm;

static bool storm_hook(struct trap_frame *f)
{
	if (f->vector != X86_EXC_NMI)
		return false;
	storm.nmis++;
	if (f->cs & 3)
		storm.from_user++;
	else if (f->rip >= (uintptr_t)syscall_entry && f->rip < (uintptr_t)user_enter_frame)
		storm.in_entry++;
	if (this_cpu() != storm.target || rdmsr(MSR_GS_BASE) != (uintptr_t)storm.target)
		storm.wrong_gs++;
	return true;
}

static int storm_main(void *arg)
{
	user_enter(STORM_VA, STORM_VA + PAGE_SIZE);
}

KTEST(traps, nmis_during_user_syscalls_find_kernel_gs_and_program_finishes)
{
	if (nr_cpus < 2) {
		KTEST_SKIP(t, "needs two CPUs");
		return;
	}

	struct thread *me = thread_current();
	uint64_t old_affinity = thread_affinity(me);
	paddr_t pa = pmm_alloc_pages(0, 0);
	uint8_t *k;

	if (!KTEST_EXPECT(t, pa != 0))
		return;
	k = phys_to_virt(pa);
	memset(k, 0, PAGE_SIZE);
	memcpy(k, storm_code, sizeof(storm_code));
	uint64_t loops = STORM_LOOPS;

	memcpy(k + 0x800, &loops, sizeof(loops));
	if (!KTEST_EXPECT_EQ(t, paging_map(STORM_VA, pa, PAGE_SIZE, VM_USER | VM_WRITE | VM_EXEC), 0))
		goto out_free;
	KTEST_EXPECT_EQ(t, thread_set_affinity(me, 1), 0);

	struct thread_attr attr = { .fpu = true, .affinity = 2 };
	pid_t pid;
	int status = -1;

	memset((void *)&storm, 0, sizeof(storm));
	storm.target = cpu_areas[1];
	trap_test_hook = storm_hook;
	if (!KTEST_EXPECT_EQ(t, process_create("nmistorm", storm_main, NULL, &attr, &pid), 0))
		goto out_hook;
	while (process_wait(pid, &status, PROCESS_WAIT_NOHANG) == 0) {
		lapic_send_nmi(storm.target->apic_id);
		for (volatile unsigned i = 0; i < 500; i++)
			cpu_relax();
	}
	KTEST_EXPECT_EQ(t, status, WAIT_STATUS_EXITED(7));
	KTEST_EXPECT(t, storm.nmis > 0);
	KTEST_EXPECT_EQ(t, storm.wrong_gs, 0);
	ktest_note(t, "%u NMIs: %u in user mode, %u in the syscall entry/exit code", storm.nmis,
		   storm.from_user, storm.in_entry);
out_hook:
	/* Let NMIs still in flight arrive while the hook takes them. */
	for (volatile unsigned i = 0; i < 200000; i++)
		cpu_relax();
	trap_test_hook = NULL;
	KTEST_EXPECT_EQ(t, thread_set_affinity(me, old_affinity ? old_affinity : ~0ULL), 0);
	KTEST_EXPECT_EQ(t, paging_unmap(STORM_VA, PAGE_SIZE), 0);
out_free:
	pmm_free_pages(pa, 0);
}
