// SPDX-License-Identifier: MIT
/*
 * struct iov_iter: a cursor over a list of buffers, the one way data moves
 * between the VFS and its callers. read_iter fills it (copy_to_iter,
 * iov_iter_zero), write_iter drains it (copy_from_iter); neither side needs
 * to know where the memory is.
 *
 * ITER_KVEC segments are kernel buffers; ITER_UVEC segments are user
 * addresses, and the one place that touches them is iov_iter_seg_copy()
 * below, which calls copy_to_user/copy_from_user/clear_user and stops
 * short on a fault (the callers treat a short copy as -EFAULT or a short
 * count, as Linux's).
 *
 * Locks: none; an iterator belongs to one caller.
 */
#include <xdv/string.h>
#include <xdv/uaccess.h>
#include <xdv/vfs.h>

/*
 * Start it over nr_segs kernel buffers. Empty segments are allowed (they
 * are skipped). Context: any.
 */
void iov_iter_kvec(struct iov_iter *it, const struct kvec *vec, unsigned nr_segs)
{
	it->kind = ITER_KVEC;
	it->vec = vec;
	it->nr_segs = nr_segs;
	it->seg_offset = 0;
	it->count = 0;
	for (unsigned i = 0; i < nr_segs; i++)
		it->count += vec[i].len;
}

/*
 * Start it over nr_segs user buffers (addresses not yet checked: each
 * copy checks its range). Context: process context.
 */
void iov_iter_uvec(struct iov_iter *it, const struct uvec *vec, unsigned nr_segs)
{
	it->kind = ITER_UVEC;
	it->uvec = vec;
	it->nr_segs = nr_segs;
	it->seg_offset = 0;
	it->count = 0;
	for (unsigned i = 0; i < nr_segs; i++)
		it->count += vec[i].len;
}

enum iter_dir { ITER_TO, ITER_FROM, ITER_ZERO, ITER_SKIP };

/* User memory: n bytes at user address seg. Return: bytes moved. */
static size_t iov_iter_user_copy(uintptr_t seg, void *buf, size_t n, enum iter_dir dir)
{
	switch (dir) {
	case ITER_TO:
		return n - copy_to_user(uptr(seg), buf, n);
	case ITER_FROM:
		return n - copy_from_user(buf, uptr(seg), n);
	case ITER_ZERO:
		return n - clear_user(uptr(seg), n);
	case ITER_SKIP:
		break;
	}
	return n;
}

/*
 * Move n bytes between buf and the segment memory at seg (a kernel
 * pointer, or a user address for ITER_UVEC). Return: bytes moved (short
 * only on a fault in user memory).
 */
static size_t iov_iter_seg_copy(struct iov_iter *it, char *seg, void *buf, size_t n,
				enum iter_dir dir)
{
	if (it->kind == ITER_UVEC)
		return iov_iter_user_copy((uintptr_t)seg, buf, n, dir);
	switch (dir) {
	case ITER_TO:
		memcpy(seg, buf, n);
		break;
	case ITER_FROM:
		memcpy(buf, seg, n);
		break;
	case ITER_ZERO:
		memset(seg, 0, n);
		break;
	case ITER_SKIP:
		break;
	}
	return n;
}

/* The common walk: up to len bytes, segment by segment, advancing it. */
static size_t iov_iter_move(struct iov_iter *it, void *buf, size_t len, enum iter_dir dir)
{
	size_t done = 0;

	if (len > it->count)
		len = it->count;
	while (done < len && it->nr_segs) {
		bool user = it->kind == ITER_UVEC;
		size_t seg_len = user ? it->uvec->len : it->vec->len;
		char *seg_base = user ? (char *)it->uvec->base.addr : (char *)it->vec->base;
		size_t room = seg_len - it->seg_offset;
		size_t n = len - done < room ? len - done : room;
		size_t moved = 0;

		if (n)
			moved = iov_iter_seg_copy(it, seg_base + it->seg_offset,
						  buf ? (char *)buf + done : NULL, n, dir);
		done += moved;
		it->count -= moved;
		it->seg_offset += moved;
		if (moved < n)
			break; /* a fault */
		if (it->seg_offset == seg_len) {
			if (user)
				it->uvec++;
			else
				it->vec++;
			it->nr_segs--;
			it->seg_offset = 0;
		}
	}
	return done;
}

/*
 * Copy len bytes from src into the iterator and advance it.
 * Context: any (may fault and sleep once user memory is supported).
 * Return: bytes copied; short when the iterator runs out (or on a fault).
 */
size_t copy_to_iter(const void *src, size_t len, struct iov_iter *it)
{
	return iov_iter_move(it, (void *)src, len, ITER_TO);
}

/*
 * Copy len bytes out of the iterator into dst and advance it.
 * Return: bytes copied; short when the iterator runs out (or on a fault).
 */
size_t copy_from_iter(void *dst, size_t len, struct iov_iter *it)
{
	return iov_iter_move(it, dst, len, ITER_FROM);
}

/* Fill len bytes of the iterator with zeros (holes). Return: bytes filled. */
size_t iov_iter_zero(size_t len, struct iov_iter *it)
{
	return iov_iter_move(it, NULL, len, ITER_ZERO);
}

/* Skip len bytes of the iterator without touching them. Return: skipped. */
size_t iov_iter_advance(struct iov_iter *it, size_t len)
{
	return iov_iter_move(it, NULL, len, ITER_SKIP);
}
