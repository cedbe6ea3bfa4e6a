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
 * Other CPUs are stopped first (stop_other_cpus: an NMI; each stopped CPU
 * leaves the online mask) so that nothing runs on while the hardware acts.
 * A stopped CPU may have held any lock (page tables, vmalloc, heap,
 * printk), so after stopping them this path takes none: registers in
 * memory space are mapped once at ACPI init (power_init), not by an
 * ioremap here whose TLB shootdown and locks could wait forever, and the
 * messages after the stop go straight to the consoles.
 *
 * Locks: none (power_init runs once at boot; the rest runs alone).
 */
#define pr_fmt(fmt) "power: " fmt
#include <xdv/acpi.h>
#include <xdv/console.h>
#include <xdv/cpu.h>
#include <xdv/errno.h>
#include <xdv/mm.h>
#include <xdv/panic.h>
#include <xdv/printk.h>
#include <xdv/string.h>
#include <xdv/time.h>
#include <xdv/timer.h>
#include <xdv/arch/x86.h>
#include "internal.h"

#define PM1_SCI_EN      (1u << 0)
#define PM1_SLP_TYP_SHIFT 10
#define PM1_SLP_EN      (1u << 13)
#define KBC_STATUS      0x64
#define KBC_INPUT_FULL  (1u << 1)
#define KBC_PULSE_RESET 0xFE
#define TAKE_EFFECT_NS  100000000ULL

static struct power_reg reset_reg, pm1a_cnt, pm1b_cnt;

int power_reg_prepare(struct power_reg *r, const struct acpi_gas *g)
{
	r->gas = *g;
	r->mmio = NULL;
	if (g->space != ACPI_GAS_MEMORY || !g->address)
		return 0;
	r->mmio = ioremap(g->address, sizeof(uint32_t), VM_CACHE_UC);
	return r->mmio ? 0 : -ENOMEM;
}

void power_reg_release(struct power_reg *r)
{
	if (r->mmio)
		iounmap((void *)r->mmio);
	r->mmio = NULL;
}

static unsigned power_reg_bytes(const struct acpi_gas *g)
{
	if (g->bit_width == 8 || g->access_size == 1)
		return 1;
	if (g->bit_width == 32 || g->access_size == 3)
		return 4;
	return 2;
}

void power_reg_write(const struct power_reg *r, uint32_t v)
{
	const struct acpi_gas *g = &r->gas;
	unsigned bytes = power_reg_bytes(g);

	if (g->space == ACPI_GAS_IO) {
		uint16_t port = (uint16_t)g->address;

		if (bytes == 1)
			outb(port, (uint8_t)v);
		else if (bytes == 4)
			outl(port, v);
		else
			outw(port, (uint16_t)v);
	} else if (g->space == ACPI_GAS_MEMORY && r->mmio) {
		if (bytes == 1)
			*(volatile uint8_t *)r->mmio = (uint8_t)v;
		else if (bytes == 4)
			*(volatile uint32_t *)r->mmio = v;
		else
			*(volatile uint16_t *)r->mmio = (uint16_t)v;
	}
}

static uint16_t pm1_read(const struct power_reg *r)
{
	if (r->gas.space == ACPI_GAS_IO)
		return inw((uint16_t)r->gas.address);
	if (r->gas.space == ACPI_GAS_MEMORY && r->mmio)
		return *(volatile uint16_t *)r->mmio;
	return 0;
}

void power_init(const struct acpi_info *acpi)
{
	static const struct acpi_gas none;
	const struct acpi_fadt *f = &acpi->fadt;
	int err = 0;

	if (!acpi->has_fadt)
		return;
	err |= power_reg_prepare(&reset_reg, f->has_reset ? &f->reset_reg : &none);
	err |= power_reg_prepare(&pm1a_cnt, &f->pm1a_cnt);
	err |= power_reg_prepare(&pm1b_cnt, &f->pm1b_cnt);
	if (err)
		pr_warn("cannot map the ACPI reset or PM1 control register\n");
}

bool power_regs_mapped(void)
{
	const struct power_reg *regs[] = { &reset_reg, &pm1a_cnt, &pm1b_cnt };

	for (unsigned i = 0; i < ARRAY_SIZE(regs); i++)
		if (regs[i]->gas.space == ACPI_GAS_MEMORY && regs[i]->gas.address &&
		    !regs[i]->mmio)
			return false;
	return true;
}

/* A message once every other CPU is stopped: straight to the consoles
 * (printk's lock may be held by a CPU that will never run again). */
static void say(const char *msg)
{
	console_write(msg, strlen(msg));
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
	if (acpi && acpi->has_fadt && acpi->has_s5 && pm1a_cnt.gas.address) {
		const struct acpi_fadt *f = &acpi->fadt;

		if (f->smi_cmd && f->acpi_enable && !(pm1_read(&pm1a_cnt) & PM1_SCI_EN)) {
			outb((uint16_t)f->smi_cmd, f->acpi_enable);
			wait_for_effect();
		}
		say("power: powering off (ACPI S5)\n");
		power_reg_write(&pm1a_cnt, (acpi->s5_slp_typ_a << PM1_SLP_TYP_SHIFT) | PM1_SLP_EN);
		if (pm1b_cnt.gas.address)
			power_reg_write(&pm1b_cnt,
					(acpi->s5_slp_typ_b << PM1_SLP_TYP_SHIFT) | PM1_SLP_EN);
		wait_for_effect();
	}
	say("power: cannot power off; it is now safe to turn the machine off\n");
	cpu_halt_forever();
}

__noreturn void machine_reboot(void)
{
	const struct acpi_info *acpi = acpi_get();

	if (!stop_other_cpus())
		cpu_halt_forever();
	if (acpi && acpi->has_fadt && acpi->fadt.has_reset) {
		say("power: rebooting (ACPI reset register)\n");
		power_reg_write(&reset_reg, acpi->fadt.reset_value);
		wait_for_effect();
	}
	say("power: rebooting (keyboard controller)\n");
	for (unsigned i = 0; i < 100000 && (inb(KBC_STATUS) & KBC_INPUT_FULL); i++)
		io_delay();
	outb(KBC_STATUS, KBC_PULSE_RESET);
	wait_for_effect();

	say("power: rebooting (triple fault)\n");
	static const struct { uint16_t limit; uint64_t base; } __packed empty_idt = { 0, 0 };

	lidt(&empty_idt);
	invalid_opcode(); /* no IDT: double, then triple fault: the CPU resets */
	cpu_halt_forever();
}
