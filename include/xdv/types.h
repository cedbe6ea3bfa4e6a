/* SPDX-License-Identifier: MIT */
/* Scalar types with a meaning of their own (DESIGN.md: typedefs only for these). */
#pragma once

#include <xdv/compiler.h>

typedef uint64_t paddr_t; /* a physical address */
typedef uint64_t vaddr_t; /* a kernel or user virtual address */
#ifndef __ssize_t_defined
typedef long ssize_t;
#define __ssize_t_defined
#endif
