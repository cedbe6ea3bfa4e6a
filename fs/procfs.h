/* SPDX-License-Identifier: MIT */
/*
 * procfs private: the generators (pure functions that write a file's text
 * into a seq_buf: procfs_system.c, procfs_pid.c), the table of entries
 * (procfs.c) and the generated-file plumbing (procfs_file.c).
 *
 * A generator takes the process the file belongs to (/proc/<pid>/...),
 * or, for the system-wide files, the process reading (NULL: the kernel's
 * view). It must be repeatable: procfs_file.c may run it again with a
 * bigger buffer when the text did not fit.
 */
#pragma once

#include <xdv/sched.h>
#include <xdv/utsname.h>
#include <xdv/vfs.h>

/* Fill m; p as above. Return: 0 or -errno (-ESRCH: the process is gone). */
typedef int (*procfs_show_t)(struct seq_buf *m, struct process *p);
/* A write to a writable file (the whole text written at offset 0). */
typedef int (*procfs_write_t)(const char *buf, size_t len);
/* The target of a symbolic link of p (not NUL-terminated, at most len).
 * Return: its length, or -errno (-ENOENT: no such link, as exe of a
 * kernel thread). */
typedef int (*procfs_link_t)(struct process *p, char *buf, size_t len);

/* One name in a procfs directory (a static table, ends with name NULL). */
struct procfs_entry {
	const char *name;
	umode_t mode;                        /* S_IFREG/S_IFDIR/S_IFLNK | perms */
	procfs_show_t show;                  /* regular files */
	procfs_write_t write;                /* writable files, else NULL */
	procfs_link_t link;                  /* symbolic links */
	const struct procfs_entry *children; /* directories with fixed contents */
	unsigned kind;                       /* PROCFS_DIR_* for special dirs */
};

#define PROCFS_DIR_PLAIN 0 /* its children table */
#define PROCFS_DIR_ROOT  1 /* the table and one directory per pid */
#define PROCFS_DIR_FD    2 /* one symlink per open descriptor of the pid */

/* ---- generators: system (procfs_system.c) ------------------------------- */
int procfs_show_meminfo(struct seq_buf *m, struct process *p);
int procfs_show_cpuinfo(struct seq_buf *m, struct process *p);
int procfs_show_uptime(struct seq_buf *m, struct process *p);
int procfs_show_loadavg(struct seq_buf *m, struct process *p);
int procfs_show_stat(struct seq_buf *m, struct process *p);
int procfs_show_version(struct seq_buf *m, struct process *p);
int procfs_show_cmdline(struct seq_buf *m, struct process *p);
int procfs_show_interrupts(struct seq_buf *m, struct process *p);
int procfs_show_partitions(struct seq_buf *m, struct process *p);
int procfs_show_hostname(struct seq_buf *m, struct process *p);
int procfs_show_ostype(struct seq_buf *m, struct process *p);
int procfs_show_osrelease(struct seq_buf *m, struct process *p);
int procfs_show_pid_max(struct seq_buf *m, struct process *p);
int procfs_write_hostname(const char *buf, size_t len);
/* Also /proc/<pid>/mounts (every process shares the one name space). */
int procfs_show_mounts(struct seq_buf *m, struct process *p);
int procfs_show_filesystems(struct seq_buf *m, struct process *p);
int procfs_show_devices(struct seq_buf *m, struct process *p);

#define PROCFS_HOSTNAME_MAX UTS_HOSTNAME_MAX /* include/xdv/utsname.h */
#define PROCFS_OSRELEASE   UTS_RELEASE
#define PROCFS_USER_HZ     100     /* clock ticks of /proc/stat and <pid>/stat */

/* ---- cpuinfo (procfs_cpuinfo.c) --------------------------------------- */
/* The CPUID registers the flags line is decoded from, in Linux's word
 * order (see procfs_cpuinfo.c), plus the word of Linux-defined flags. */
struct procfs_cpu_words {
	uint32_t word[10];
};
/* Append " name" for every flag set in w, in Linux's order. Pure. */
void procfs_cpu_flags(struct seq_buf *m, const struct procfs_cpu_words *w);

/* ---- generators: per process (procfs_pid.c) ----------------------------- */
int procfs_show_pid_stat(struct seq_buf *m, struct process *p);
int procfs_show_pid_status(struct seq_buf *m, struct process *p);
int procfs_show_pid_cmdline(struct seq_buf *m, struct process *p);
int procfs_show_pid_comm(struct seq_buf *m, struct process *p);
int procfs_show_pid_environ(struct seq_buf *m, struct process *p);
int procfs_show_pid_maps(struct seq_buf *m, struct process *p);
int procfs_link_cwd(struct process *p, char *buf, size_t len);
int procfs_link_root(struct process *p, char *buf, size_t len);
int procfs_link_exe(struct process *p, char *buf, size_t len);
/* The path of p's descriptor fd. Return: length, -ENOENT (not open). */
int procfs_link_fd(struct process *p, int fd, char *buf, size_t len);
/* The open descriptor of p after `after` (-1: the first), or -1 if none. */
int procfs_next_fd(struct process *p, int after);

/* ---- files (procfs_file.c) ---------------------------------------------- */

/* What a procfs inode is (inode->private). */
struct procfs_inode {
	const struct procfs_entry *entry;
	pid_t pid;       /* -1: not under a /proc/<pid> */
	int fd;          /* /proc/<pid>/fd/<fd> links, else -1 */
};

/* Free unused directory inodes of gone processes (procfs.c). Return: how many. */
unsigned procfs_reap_dead_dirs(struct super_block *sb);
/* The procfs part of one of procfs's inodes (procfs.c). */
const struct procfs_inode *procfs_inode_of(struct inode *inode);
extern const struct file_ops procfs_file_ops;
/* Generate entry's text for p into a fresh buffer grown until it fits.
 * Return: 0 and *out / *len (kfree it), or -errno. */
int procfs_generate(const struct procfs_entry *entry, struct process *p, char **out,
		    size_t *len);

/* ---- page-cache figures for meminfo (procfs_mounts.c) ------------------- */
struct procfs_cache_counts {
	uint64_t cached; /* pages in every file's page cache */
	uint64_t shmem;  /* of which in tmpfs (no backing store) */
	uint64_t dirty;  /* dirty pages with a backing store */
};
void procfs_count_cache(struct procfs_cache_counts *out);

/* ---- a process's file-system state (procfs_links.c) ---------------------- */
/* Its umask (0022 for the kernel, as Linux's init_fs). */
unsigned procfs_process_umask(struct process *p);
/* Linux's FDSize: the descriptor table's capacity (0: no table, exited). */
unsigned procfs_process_fd_size(struct process *p);
