/* SPDX-License-Identifier: MIT */
/* uname(2)'s structure: Linux's struct new_utsname (six 65-byte fields). */
#pragma once

#define NEW_UTS_LEN 64

struct new_utsname {
	char sysname[NEW_UTS_LEN + 1];
	char nodename[NEW_UTS_LEN + 1];
	char release[NEW_UTS_LEN + 1];
	char version[NEW_UTS_LEN + 1];
	char machine[NEW_UTS_LEN + 1];
	char domainname[NEW_UTS_LEN + 1];
};
