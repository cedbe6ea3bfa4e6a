/* SPDX-License-Identifier: MIT */
/*
 * Kernel error codes. Kernel functions return 0 or a negative one of these;
 * the values are Linux's, so they pass unchanged to user space later.
 */
#pragma once

#define EPERM    1
#define ENOENT   2
#define ESRCH    3
#define EIO      5
#define E2BIG    7
#define ENOEXEC  8
#define ECHILD   10
#define EAGAIN   11
#define ENOMEM   12
#define EFAULT   14
#define EBUSY    16
#define EEXIST   17
#define ENODEV   19
#define EINVAL   22
#define ENOSPC   28
#define ERANGE   34
#define ENOSYS   38
#define EOVERFLOW 75
#define ENOTSUP  95
