// SPDX-License-Identifier: MIT
/*
 * A new thread's first context (include/xdv/cpu.h): its stack is made to
 * look as if cpu_context_switch() had saved it, so the first switch to it
 * pops zeroed callee-saved registers and "returns" into
 * cpu_context_first_entry, which calls the C entry kept in r12.
 */
#include <xdv/cpu.h>

extern const char cpu_context_first_entry[];

/* The frame cpu_context_switch pops, lowest address first. */
struct switch_frame {
	uint64_t r15, r14, r13, r12, rbp, rbx;
	uint64_t ret;
	uint64_t pad[2]; /* after ret, rsp is 16-byte aligned again for the call */
};

void cpu_context_init(struct cpu_context *ctx, void *stack_top,
		      void (*entry)(struct cpu_context *prev), void *fpu)
{
	struct switch_frame *f = (struct switch_frame *)stack_top - 1;

	*f = (struct switch_frame){
		.r12 = (uint64_t)(uintptr_t)entry,
		.rbp = 0, /* ends every backtrace of the thread */
		.ret = (uint64_t)(uintptr_t)cpu_context_first_entry,
	};
	ctx->rsp = (uint64_t)(uintptr_t)f;
	ctx->fs_base = 0;
	ctx->gs_base = 0;
	ctx->fpu = fpu;
}
