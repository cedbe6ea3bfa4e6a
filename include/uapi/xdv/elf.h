/* SPDX-License-Identifier: MIT */
/*
 * ELF64 as x86-64 Linux uses it: the file header, the program header, the
 * constants the loader checks, and the auxiliary vector (auxv) tags a new
 * program finds above its envp. Layouts and numbers are the System V ABI's
 * and Linux's (include/uapi/linux/elf.h, auxvec.h), so user programs see
 * the same values they see on Linux. Append only.
 */
#pragma once

#include <stdint.h>

/* e_ident[] */
#define EI_NIDENT     16
#define EI_MAG0       0
#define EI_CLASS      4
#define EI_DATA       5
#define EI_VERSION    6
#define EI_OSABI      7
#define ELFMAG        "\177ELF"
#define SELFMAG       4
#define ELFCLASS32    1
#define ELFCLASS64    2
#define ELFDATA2LSB   1
#define ELFDATA2MSB   2
#define EV_CURRENT    1

/* e_type */
#define ET_NONE 0
#define ET_REL  1
#define ET_EXEC 2
#define ET_DYN  3
#define ET_CORE 4

/* e_machine */
#define EM_386    3
#define EM_X86_64 62

/* p_type */
#define PT_NULL         0
#define PT_LOAD         1
#define PT_DYNAMIC      2
#define PT_INTERP       3
#define PT_NOTE         4
#define PT_SHLIB        5
#define PT_PHDR         6
#define PT_TLS          7
#define PT_GNU_EH_FRAME 0x6474e550
#define PT_GNU_STACK    0x6474e551
#define PT_GNU_RELRO    0x6474e552
#define PT_GNU_PROPERTY 0x6474e553

/* p_flags */
#define PF_X 0x1
#define PF_W 0x2
#define PF_R 0x4

struct elf64_ehdr {
	unsigned char e_ident[EI_NIDENT];
	uint16_t e_type;
	uint16_t e_machine;
	uint32_t e_version;
	uint64_t e_entry;
	uint64_t e_phoff;
	uint64_t e_shoff;
	uint32_t e_flags;
	uint16_t e_ehsize;
	uint16_t e_phentsize;
	uint16_t e_phnum;
	uint16_t e_shentsize;
	uint16_t e_shnum;
	uint16_t e_shstrndx;
};

struct elf64_phdr {
	uint32_t p_type;
	uint32_t p_flags;
	uint64_t p_offset;
	uint64_t p_vaddr;
	uint64_t p_paddr;
	uint64_t p_filesz;
	uint64_t p_memsz;
	uint64_t p_align;
};

_Static_assert(sizeof(struct elf64_ehdr) == 64, "ELF64 file header is 64 bytes");
_Static_assert(sizeof(struct elf64_phdr) == 56, "ELF64 program header is 56 bytes");

/* Auxiliary vector tags (Linux include/uapi/linux/auxvec.h, asm/auxvec.h). */
#define AT_NULL          0
#define AT_IGNORE        1
#define AT_EXECFD        2
#define AT_PHDR          3
#define AT_PHENT         4
#define AT_PHNUM         5
#define AT_PAGESZ        6
#define AT_BASE          7
#define AT_FLAGS         8
#define AT_ENTRY         9
#define AT_NOTELF        10
#define AT_UID           11
#define AT_EUID          12
#define AT_GID           13
#define AT_EGID          14
#define AT_PLATFORM      15
#define AT_HWCAP         16
#define AT_CLKTCK        17
#define AT_SECURE        23
#define AT_BASE_PLATFORM 24
#define AT_RANDOM        25
#define AT_HWCAP2        26
#define AT_EXECFN        31
#define AT_SYSINFO_EHDR  33
#define AT_MINSIGSTKSZ   51

/* AT_FLAGS bits */
#define AT_FLAGS_PRESERVE_ARGV0 (1 << 0)
