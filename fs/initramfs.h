/* SPDX-License-Identifier: MIT */
/*
 * The initramfs unpacker's own interface (fs/initramfs.c), for its
 * in-kernel tests: unpack an archive from memory into "/".
 */
#pragma once

#include <xdv/compiler.h>

/* What one buffer gave: counts, and where and why it stopped if bad. */
struct initramfs_stats {
	unsigned entries, files, dirs, symlinks, nodes, hardlinks, errors;
	size_t bad_offset;
	const char *bad_reason; /* NULL: the archive was good to its end */
};

int __must_check initramfs_unpack_buffer(const void *buf, size_t len, const char *label,
					 struct initramfs_stats *stats);
