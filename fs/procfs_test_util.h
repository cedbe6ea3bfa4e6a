/* SPDX-License-Identifier: MIT */
/*
 * Helpers shared by procfs's KTAP tests (procfs_test.c: the generators;
 * procfs_vfs_test.c: /proc through the VFS): small parsers, a generator
 * run into a string, whole-file reads and directory searches through the
 * VFS, and a child process that does some work and waits to be let go.
 */
#pragma once

#include "procfs.h"

bool ptest_parse_u64(const char **s, uint64_t *out);
bool ptest_contains(const char *hay, const char *needle);
/* Split one line into space-separated fields, in place. Return: how many. */
unsigned ptest_split_fields(char *line, char **fields, unsigned max);
/* Run a generator into a fresh NUL-terminated string (kfree it); NULL on error. */
char *ptest_gen(procfs_show_t show, struct process *p, size_t *len);
/* The whole of a file read through the VFS (NUL-terminated; kfree it). */
int ptest_read_file(const char *path, char **out, size_t *len);
/* Does the directory at path list name? Return: 1, 0, -errno. */
int ptest_dir_has(const char *path, const char *name);

/* A child process that runs `work`, then waits until released. */
struct ptest_child {
	struct completion ready, release;
	int (*work)(struct ptest_child *c);
	int result;
	pid_t pid;
	char text[256];
	int fd;
};

/* Start a child process running work; returns once work is done. */
int ptest_child_start(struct ptest_child *c, int (*work)(struct ptest_child *c));
/* Let the child go and reap it. */
void ptest_child_finish(struct ptest_child *c);
/* A child's work that does nothing. */
int ptest_child_idle(struct ptest_child *c);
