/* SPDX-License-Identifier: MIT */
/*
 * fs/ private declarations: how the parts of the file-system sector reach
 * each other. Nothing outside fs/ includes this; they use <xdv/vfs.h>.
 *
 *   VFS core     dcache.c namei.c mount.c inode.c file.c fd_table.c
 *                open.c read_write.c readdir.c stat.c attr.c namespace.c
 *                permission.c fs_context.c iov_iter.c init.c
 *   page cache   page_cache.c (+ generic_file_read_iter/write_iter)
 *   tmpfs        tmpfs*.c: the root file system and /tmp
 *   devices      devices.c (char/block registry, open by dev_t),
 *                devtmpfs.c, mem_devices.c, console_device.c, kmsg.c
 *   procfs       procfs*.c, seq_buf.c
 *   initramfs    cpio.c (pure parser, also built for host unit tests),
 *                initramfs.c (unpacks into the root)
 */
#pragma once

#include <xdv/vfs.h>

/* ---- registration at boot (called in order by vfs_init, fs/init.c) ------ */
void dcache_init(void);
void tmpfs_init(void);        /* registers "tmpfs" */
void devices_init(void);      /* registers "devtmpfs", the mem devices, console, kmsg */
void procfs_init(void);       /* registers "proc" */
/* Unpack every Multiboot2 module that is a cpio archive into "/". */
void initramfs_unpack_all(void);

/* ---- page cache (page_cache.c, for page_cache_rw.c) ---------------------- */
/*
 * Write the whole page at index from the iterator without zeroing or
 * reading it first. Return: bytes copied (short on a fault) or -errno.
 */
ssize_t page_cache_write_whole_page(struct page_cache *cache, uint64_t index,
				    struct iov_iter *from);

/* ---- tmpfs for devtmpfs --------------------------------------------------- */
/*
 * A new tmpfs super block with the given options ("size=...,mode=...",
 * may be NULL) and MS_* flags, for devtmpfs's internal instance.
 * Return: 0 and *out, or -errno.
 */
int tmpfs_make_sb(struct fs_type *type, unsigned long flags, const char *options,
		  struct super_block **out);
/* Free a super block made by tmpfs_make_sb (devtmpfs's kill_sb calls it). */
void tmpfs_kill_sb(struct super_block *sb);

/* ---- device nodes ----------------------------------------------------------- */
/*
 * open() of a character or block device inode: find the driver that
 * registered inode->rdev and run its open (file->ops becomes the
 * driver's). Return: 0, or -ENXIO when no driver serves the number.
 */
int chrdev_open(struct inode *inode, struct file *file);
int blkdev_open(struct inode *inode, struct file *file);
/* The parts devices_init() (devices.c) starts, in this order. */
void devtmpfs_init(void);       /* registers "devtmpfs", makes its one instance */
void mem_devices_init(void);    /* 1:3 null, 1:5 zero, 1:7 full, 1:8 random, 1:9 urandom */
void console_device_init(void); /* 5:1 console */
void kmsg_device_init(void);    /* 1:11 kmsg */

/* ---- initramfs (initramfs.c, vfs_list.c) -------------------------------- */
/*
 * The init program chosen after unpacking (rdinit=, default /init; else
 * init=; else /sbin/init, /etc/init, /bin/init, /bin/sh), for the first
 * user process. Return: its path, or NULL when none was found.
 */
const char *initramfs_init_path(void);
