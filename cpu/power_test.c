// SPDX-License-Identifier: MIT
/*
 * In-kernel tests of the power-off/reboot registers (cpu/power.c): a
 * register in memory space is mapped when it is prepared at ACPI init, so
 * that writing it after the other CPUs are stopped needs no ioremap (whose
 * shootdown and locks could wait for them forever). QEMU's FADTs put these
 * registers in I/O space, so the memory-space case uses a made-up GAS
 * pointing at a RAM page of the test's own.
 */
#include <xdv/acpi.h>
#include <xdv/ktest.h>
#include <xdv/mm.h>
#include "internal.h"

KTEST(power, fadt_memory_registers_are_mapped_after_init)
{
	KTEST_EXPECT(t, power_regs_mapped());
}

KTEST(power, memory_gas_is_mapped_when_prepared_and_written_through_it)
{
	paddr_t page = pmm_alloc_pages(0, GFP_ZERO);

	if (!KTEST_EXPECT(t, page))
		return;

	struct acpi_gas byte = { .space = ACPI_GAS_MEMORY, .bit_width = 8,
				 .access_size = 1, .address = page + 0x10 };
	struct acpi_gas word = { .space = ACPI_GAS_MEMORY, .bit_width = 16,
				 .access_size = 2, .address = page + 0x20 };
	struct power_reg rb, rw;

	KTEST_EXPECT_EQ(t, power_reg_prepare(&rb, &byte), 0);
	KTEST_EXPECT_EQ(t, power_reg_prepare(&rw, &word), 0);
	if (KTEST_EXPECT(t, rb.mmio && rw.mmio)) {
		/* The mapping is the register's own address. */
		paddr_t pa = 0;
		unsigned flags = 0;

		KTEST_EXPECT_EQ(t, paging_translate((vaddr_t)rb.mmio, &pa, &flags), 0);
		KTEST_EXPECT_EQ(t, pa, page + 0x10);
		power_reg_write(&rb, 0x1A5);  /* 8 bits wide: 0xA5 only */
		power_reg_write(&rw, 0x2BEEF); /* 16 bits wide */
		KTEST_EXPECT_EQ(t, *(volatile uint8_t *)rb.mmio, 0xA5);
		KTEST_EXPECT_EQ(t, *(volatile uint8_t *)((uintptr_t)rb.mmio + 1), 0);
		KTEST_EXPECT_EQ(t, *(volatile uint16_t *)rw.mmio, 0xBEEF);
		KTEST_EXPECT_EQ(t, *(volatile uint16_t *)((uintptr_t)rw.mmio + 2), 0);
	}
	power_reg_release(&rb);
	power_reg_release(&rw);
	KTEST_EXPECT(t, !rb.mmio && !rw.mmio);
	pmm_free_pages(page, 0);
}

KTEST(power, io_gas_needs_no_mapping)
{
	struct acpi_gas io = { .space = ACPI_GAS_IO, .bit_width = 8, .address = 0xCF9 };
	struct power_reg r;

	KTEST_EXPECT_EQ(t, power_reg_prepare(&r, &io), 0);
	KTEST_EXPECT(t, r.mmio == NULL);
}
