// SPDX-License-Identifier: MIT
/*
 * Turning the machine off and restarting it, the ways a PC offers:
 *
 *   poweroff  ACPI sleep state S5: SLP_TYPa/b from the DSDT's \_S5 object
 *             written with SLP_EN into the PM1a/PM1b control registers
 *             (after switching the chipset to ACPI mode through the SMI
 *             command port if the firmware left it in legacy mode);
 *   reboot    the FADT's reset register, then the 8042 keyboard
 *             controller's reset line, then a triple fault (an empty IDT
 *             and an exception), each tried when the one before did not
 *             take within 100 ms.
 *
 * Other CPUs are stopped first (stop_other_cpus: an NMI) so that nothing
 * runs on while the hardware acts.
 */
#define pr_fmt(fmt) "power: " fmt
#include <xdv/acpi.h>
#include <xdv/cpu.h>
#include <xdv/mm.h>
#include <xdv/panic.h>
#include <xdv/printk.h>
#include <xdv/time.h>
#include <xdv/timer.h>
#include <xdv/arch/x86.h>

#define PM1_SCI_EN      (1u << 0)
#define PM1_SLP_TYP_SHIFT 10
#define PM1_SLP_EN      (1u << 13)
#define KBC_STATUS      0x64
#define KBC_INPUT_FULL  (1u << 1)
#define KBC_PULSE_RESET 0xFE
#define TAKE_EFFECT_NS  100000000ULL

/* Write v to a generic address (I/O port or memory), at its width. */
static void gas_write(const struct acpi_gas *g, uint32_t v)
{
	if (g->space == ACPI_GAS_IO) {
		uint16_t port = (uint16_t)g->address;

		if (g->bit_width == 8 || g->access_size == 1)
			outb(port, (uint8_t)v);
		else if (g->bit_width == 32 || g->access_size == 3)
			outl(port, v);
		else
			outw(port, (uint16_t)v);
	} else if (g->space == ACPI_GAS_MEMORY) {
		volatile uint8_t *reg = ioremap(g->address, 4, VM_CACHE_UC);

		if (!reg)
			return;
		if (g->bit_width == 8 || g->access_size == 1)
			*reg = (uint8_t)v;
		else if (g->bit_width == 32 || g->access_size == 3)
			*(volatile uint32_t *)reg = v;
		else
			*(volatile uint16_t *)reg = (uint16_t)v;
	}
}

static uint16_t pm1_read(const struct acpi_gas *g)
{
	return g->space == ACPI_GAS_IO ? inw((uint16_t)g->address) : 0;
}

static void wait_for_effect(void)
{
	if (time_tsc_khz())
		udelay_ns(TAKE_EFFECT_NS);
	else
		for (volatile unsigned i = 0; i < 100000000u; i++)
			;
}

__noreturn void machine_poweroff(void)
{
	const struct acpi_info *acpi = acpi_get();

	if (!stop_other_cpus())
		cpu_halt_forever(); /* a panic has the machine */
	if (acpi && acpi->has_fadt && acpi->has_s5 && acpi->fadt.pm1a_cnt.address) {
		const struct acpi_fadt *f = &acpi->fadt;

		if (f->smi_cmd && f->acpi_enable && !(pm1_read(&f->pm1a_cnt) & PM1_SCI_EN)) {
			outb((uint16_t)f->smi_cmd, f->acpi_enable);
			wait_for_effect();
		}
		printk(LOG_NOTICE, "power: powering off (ACPI S5)\n");
		gas_write(&f->pm1a_cnt, (acpi->s5_slp_typ_a << PM1_SLP_TYP_SHIFT) | PM1_SLP_EN);
		if (f->pm1b_cnt.address)
			gas_write(&f->pm1b_cnt,
				  (acpi->s5_slp_typ_b << PM1_SLP_TYP_SHIFT) | PM1_SLP_EN);
		wait_for_effect();
	}
	printk(LOG_EMERG, "power: cannot power off; it is now safe to turn the machine off\n");
	cpu_halt_forever();
}

__noreturn void machine_reboot(void)
{
	const struct acpi_info *acpi = acpi_get();

	if (!stop_other_cpus())
		cpu_halt_forever();
	if (acpi && acpi->has_fadt && acpi->fadt.has_reset) {
		printk(LOG_NOTICE, "power: rebooting (ACPI reset register)\n");
		gas_write(&acpi->fadt.reset_reg, acpi->fadt.reset_value);
		wait_for_effect();
	}
	printk(LOG_NOTICE, "power: rebooting (keyboard controller)\n");
	for (unsigned i = 0; i < 100000 && (inb(KBC_STATUS) & KBC_INPUT_FULL); i++)
		io_delay();
	outb(KBC_STATUS, KBC_PULSE_RESET);
	wait_for_effect();

	printk(LOG_NOTICE, "power: rebooting (triple fault)\n");
	static const struct { uint16_t limit; uint64_t base; } __packed empty_idt = { 0, 0 };

	lidt(&empty_idt);
	invalid_opcode(); /* no IDT: double, then triple fault: the CPU resets */
	cpu_halt_forever();
}
