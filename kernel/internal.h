/* SPDX-License-Identifier: MIT */
/* Private to kernel/: the steps of kernel_main that live in kernel/setup.c. */
#pragma once

#include <xdv/types.h>

void boot_info_load(paddr_t boot_info_phys);
void cmdline_setup(void);
void consoles_init(void);
void banner_print(void);
void consoles_remap(void);
void initialized_print(void);
void after_init_action(void);
