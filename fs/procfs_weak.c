// SPDX-License-Identifier: MIT
/*
 * TEMPORARY (fs-procfs branch only, as fs-core's vfs_weak.c): weak
 * stand-ins for what other parts of issue 10 define, so this branch links
 * and its tests run before they are merged: copy_to_iter/copy_from_iter
 * (the page-cache part's iov_iter.c; these handle kernel kvecs, all there
 * is today) and devices_for_each (the device registry; none here: no
 * devices). The real definitions win once merged; delete this file then.
 *
 * Locks: none.
 */
#include <xdv/string.h>
#include <xdv/vfs.h>

/* Move up to len bytes between buf and the iterator (to_iter: into it). */
static size_t weak_iter_copy(void *buf, size_t len, struct iov_iter *it, bool to_iter)
{
	size_t done = 0;

	while (done < len && it->count && it->nr_segs) {
		const struct kvec *v = it->vec;
		size_t n = v->len - it->seg_offset;

		if (n > len - done)
			n = len - done;
		if (to_iter)
			memcpy((char *)v->base + it->seg_offset, (char *)buf + done, n);
		else
			memcpy((char *)buf + done, (char *)v->base + it->seg_offset, n);
		done += n;
		it->count -= n;
		it->seg_offset += n;
		if (it->seg_offset == v->len) {
			it->vec++;
			it->nr_segs--;
			it->seg_offset = 0;
		}
	}
	return done;
}

__weak size_t copy_to_iter(const void *src, size_t len, struct iov_iter *it)
{
	return weak_iter_copy((void *)src, len, it, true);
}

__weak size_t copy_from_iter(void *dst, size_t len, struct iov_iter *it)
{
	return weak_iter_copy(dst, len, it, false);
}

__weak void devices_for_each(bool block, void (*fn)(unsigned major, const char *name, void *arg),
			     void *arg)
{
}
