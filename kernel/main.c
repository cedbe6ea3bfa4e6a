// SPDX-License-Identifier: MIT
/*
 * kernel_main: the boot order of XDV on one screen. The boot stub
 * (boot/entry32.asm, boot/entry64.asm) has entered long mode, mapped the
 * kernel and the first 4 GiB, and loaded the IDT; everything else starts
 * here, one subsystem per line.
 */
#include <xdv/boot.h>
#include <xdv/cmdline.h>
#include <xdv/console.h>
#include <xdv/cpu.h>
#include <xdv/cpufeature.h>
#include <xdv/drivers.h>
#include <xdv/kbench.h>
#include <xdv/ktest.h>
#include <xdv/mm.h>
#include <xdv/panic.h>
#include <xdv/printk.h>
#include <xdv/sched.h>
#include <xdv/time.h>
#include <xdv/vfs.h>
#include "internal.h"

void kernel_main(paddr_t boot_info_phys);

__noreturn void kernel_main(paddr_t boot_info_phys)
{
	boot_info_load(boot_info_phys);   /* Multiboot2 tags -> boot_info */
	cmdline_setup();                  /* command line, loglevel=, quiet */
	debug_exit_init();                /* test builds: QEMU exit port */
	consoles_init();                  /* serial, VGA text, framebuffer */
	time_init();                      /* TSC calibration: timestamps */
	cpu_features_init();              /* CPUID, once: the feature table */
	banner_print();                   /* who we are, how we booted */
	boot_info_print(&boot_info);      /* memory map, modules, video */
	mm_init();                        /* page tables, page allocator, heap */
	consoles_remap();                 /* framebuffer write-combining */
	acpi_init();                      /* tables; HPET; I/O APICs, overrides */
	cpu_init_boot();                  /* features, FPU, CRNG, GDT/TSS/IST, APIC, timer */
	wallclock_init();                 /* CMOS clock: the time of day */
	sched_init();                     /* boot and idle threads: may sleep now */
	acpi_start_cpus();                /* every other CPU in the MADT */
	workqueue_init();                 /* a kworker thread per CPU */
	loadavg_init();                   /* /proc/loadavg's 5 s sampling timer */
	vfs_init();                       /* tmpfs root, initramfs, /dev, /proc */
	vfs_list_requested();             /* vfs_list=PATH: print that tree */

	initialized_print();              /* "XDV Kernel v0.2 initialized" */
	ktest_run_requested();            /* ktest on the command line */
	kbench_run_requested();           /* bench on the command line */
	after_init_action();              /* after_init=poweroff|reboot */
	thread_exit(0);                   /* the idle threads take over */
}
