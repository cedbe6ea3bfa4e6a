// SPDX-License-Identifier: MIT
/*
 * In-kernel tests of the exec preparation (elf_check.c, elf_plan.c,
 * user_stack.c): a small static ELF image is written to a file through the
 * VFS, read back through an elf_source over kernel_read() (as execve will
 * read it) and planned; a truncated copy is refused; an initial stack is
 * built for the plan; and the real static and static-PIE musl programs of
 * the initramfs (/tests/exec_helper, exec_helper_pie) are planned.
 */
#include <xdv/errno.h>
#include <xdv/exec.h>
#include <xdv/ktest.h>
#include <xdv/mm.h>
#include <xdv/string.h>
#include <xdv/vfs.h>

#define ELF_TEST_PATH "/ktest-elf"
#define ELF_TEST_SIZE 0x1100

/* An ET_EXEC: text R-X at 0x400000 (file 0..0x1000), data RW- at 0x401000. */
static void elf_test_image(uint8_t *buf)
{
	struct elf64_ehdr eh = {
		.e_type = ET_EXEC, .e_machine = EM_X86_64, .e_version = EV_CURRENT,
		.e_entry = 0x400100, .e_phoff = sizeof(eh), .e_ehsize = sizeof(eh),
		.e_phentsize = sizeof(struct elf64_phdr), .e_phnum = 2,
	};
	struct elf64_phdr ph[2] = {
		{ .p_type = PT_LOAD, .p_flags = PF_R | PF_X, .p_offset = 0, .p_vaddr = 0x400000,
		  .p_filesz = 0x1000, .p_memsz = 0x1000, .p_align = 0x1000 },
		{ .p_type = PT_LOAD, .p_flags = PF_R | PF_W, .p_offset = 0x1000,
		  .p_vaddr = 0x401000, .p_filesz = 0x100, .p_memsz = 0x3000, .p_align = 0x1000 },
	};

	memset(buf, 0xcc, ELF_TEST_SIZE);
	memcpy(eh.e_ident, ELFMAG, SELFMAG);
	eh.e_ident[EI_CLASS] = ELFCLASS64;
	eh.e_ident[EI_DATA] = ELFDATA2LSB;
	eh.e_ident[EI_VERSION] = EV_CURRENT;
	memcpy(buf, &eh, sizeof(eh));
	memcpy(buf + sizeof(eh), ph, sizeof(ph));
}

static int elf_test_read(void *priv, uint64_t off, void *buf, size_t len)
{
	loff_t pos = (loff_t)off;
	ssize_t n = kernel_read(priv, buf, len, &pos);

	if (n < 0)
		return (int)n;
	return (size_t)n == len ? 0 : -EIO;
}

static int elf_test_plan_file(uint64_t size, struct elf_plan *plan)
{
	struct elf_image *img = kmalloc(sizeof(*img), GFP_KERNEL);
	struct elf_source src = { .size = size, .read = elf_test_read };
	struct file *f;
	int ret = -ENOMEM;

	if (!img)
		return ret;
	ret = vfs_open(ELF_TEST_PATH, O_RDONLY, 0, &f);
	if (ret)
		goto out_free;
	src.priv = f;
	ret = elf_check_and_plan(&src, &(struct elf_random){ .load = 3, .brk = 2 }, img, plan);
	file_put(f);
out_free:
	kfree(img);
	return ret;
}

KTEST(exec, elf_plan_image_read_through_vfs_exact)
{
	uint8_t *buf = kmalloc(ELF_TEST_SIZE, GFP_KERNEL);
	struct elf_plan *plan = kmalloc(sizeof(*plan), GFP_KERNEL);
	struct file *f = NULL;
	loff_t pos = 0;

	KTEST_EXPECT(t, buf && plan);
	if (!buf || !plan)
		goto out;
	elf_test_image(buf);
	KTEST_EXPECT_EQ(t, vfs_open(ELF_TEST_PATH, O_CREAT | O_TRUNC | O_WRONLY, 0755, &f), 0);
	if (!f)
		goto out;
	KTEST_EXPECT_EQ(t, kernel_write(f, buf, ELF_TEST_SIZE, &pos), ELF_TEST_SIZE);
	file_put(f);

	KTEST_EXPECT_EQ(t, elf_test_plan_file(ELF_TEST_SIZE, plan), 0);
	KTEST_EXPECT_EQ(t, plan->nr_segments, 2);
	KTEST_EXPECT_EQ(t, plan->entry, 0x400100);
	KTEST_EXPECT_EQ(t, plan->phdr_addr, 0x400040);
	KTEST_EXPECT_EQ(t, plan->seg[0].prot, EXEC_PROT_READ | EXEC_PROT_EXEC);
	KTEST_EXPECT_EQ(t, plan->seg[1].prot, EXEC_PROT_READ | EXEC_PROT_WRITE);
	KTEST_EXPECT_EQ(t, plan->seg[1].zero_start, 0x401100);
	KTEST_EXPECT_EQ(t, plan->seg[1].zero_end, 0x402000);
	KTEST_EXPECT_EQ(t, plan->seg[1].end, 0x404000);
	KTEST_EXPECT_EQ(t, plan->brk_start, 0x404000 + 2 * PAGE_SIZE);
	/* one byte short of its data segment: refused */
	KTEST_EXPECT_EQ(t, elf_test_plan_file(ELF_TEST_SIZE - 1, plan), -EINVAL);
	KTEST_EXPECT_EQ(t, vfs_unlinkat(AT_FDCWD, ELF_TEST_PATH, 0), 0);
out:
	kfree(plan);
	kfree(buf);
}

KTEST(exec, user_stack_build_in_kernel_aligned)
{
	static const char *const argv[] = { "/bin/prog", "arg" };
	static const char *const envp[] = { "HOME=/" };
	struct user_stack_args a = {
		.argv = argv, .argc = 2, .envp = envp, .envc = 1, .execfn = "/bin/prog",
		.stack_rlimit = STK_LIM, .align_rnd = 100, .phnum = 2, .phent = 56,
	};
	struct user_stack_layout l;
	size_t size = 2 * PAGE_SIZE;
	uint8_t *buf = kmalloc(size, GFP_KERNEL);
	uint64_t top = 0x7ffffffff000ULL, v;

	KTEST_EXPECT(t, buf);
	if (!buf)
		return;
	KTEST_EXPECT_EQ(t, user_stack_build(&a, top, buf, size, &l), 0);
	KTEST_EXPECT_EQ(t, l.sp % 16, 0);
	memcpy(&v, buf + size - (top - l.sp), 8);
	KTEST_EXPECT_EQ(t, v, 2);
	memcpy(&v, buf + size - (top - l.argv) + 8, 8);
	KTEST_EXPECT_STREQ(t, (const char *)buf + size - (top - v), "arg");
	kfree(buf);
}

/* Plan a real program of the initramfs (user/tests/exec_helper, musl-gcc). */
static int elf_test_plan_path(const char *path, struct elf_image *img, struct elf_plan *plan)
{
	struct elf_source src = { .read = elf_test_read };
	struct kstat st;
	struct file *f;
	int ret;

	ret = vfs_open(path, O_RDONLY, 0, &f);
	if (ret)
		return ret;
	ret = vfs_fstat(f, &st);
	if (!ret) {
		src.size = st.size;
		src.priv = f;
		ret = elf_check_and_plan(&src, NULL, img, plan);
	}
	file_put(f);
	return ret;
}

static bool elf_test_entry_in_text(const struct elf_plan *plan)
{
	for (unsigned i = 0; i < plan->nr_segments; i++) {
		const struct elf_segment *s = &plan->seg[i];

		if ((s->prot & EXEC_PROT_EXEC) && plan->entry >= s->vaddr &&
		    plan->entry < s->vaddr + s->memsz)
			return true;
	}
	return false;
}

KTEST(exec, elf_plan_initramfs_static_and_static_pie)
{
	struct elf_image *img = kmalloc(sizeof(*img), GFP_KERNEL);
	struct elf_plan *plan = kmalloc(sizeof(*plan), GFP_KERNEL);
	int ret;

	KTEST_EXPECT(t, img && plan);
	if (!img || !plan)
		goto out;
	ret = elf_test_plan_path("/tests/exec_helper", img, plan);
	if (ret == -ENOENT) {
		KTEST_SKIP(t, "no /tests/exec_helper in the initramfs");
		goto out;
	}
	KTEST_EXPECT_EQ(t, ret, 0);
	KTEST_EXPECT_EQ(t, plan->type, ET_EXEC);
	KTEST_EXPECT_EQ(t, plan->load_bias, 0);
	KTEST_EXPECT_EQ(t, plan->phdr_addr, 0x400040);
	KTEST_EXPECT(t, plan->nr_segments >= 2);
	KTEST_EXPECT(t, elf_test_entry_in_text(plan));
	KTEST_EXPECT(t, !plan->exec_stack);
	KTEST_EXPECT_EQ(t, plan->entry, img->ehdr.e_entry);

	ret = elf_test_plan_path("/tests/exec_helper_pie", img, plan);
	KTEST_EXPECT_EQ(t, ret, 0);
	KTEST_EXPECT_EQ(t, plan->type, ET_DYN);
	KTEST_EXPECT_EQ(t, plan->load_bias, EXEC_ET_DYN_BASE);
	KTEST_EXPECT_EQ(t, plan->entry, EXEC_ET_DYN_BASE + img->ehdr.e_entry);
	KTEST_EXPECT(t, elf_test_entry_in_text(plan));
out:
	kfree(plan);
	kfree(img);
}
