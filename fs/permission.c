// SPDX-License-Identifier: MIT
/*
 * Permission checks: the one place that decides whether a credential may
 * read, write or search an inode (Unix owner/group/other rules, uid 0
 * passing all but execute of a file without any x bit), and the
 * sticky-directory rule for removing names. The security issue extends
 * these with capabilities and policy.
 *
 * Locks: none; the mode and owner are read once each.
 */
#include <xdv/errno.h>
#include "vfs_internal.h"

static const struct cred root_cred; /* all zero: uid 0, gid 0 */

/* The calling process's credentials (root's before processes have any). */
const struct cred *cred_current(void)
{
	struct cred *c = process_cred(process_current());

	return c ? c : &root_cred;
}

bool cred_is_root(const struct cred *cred)
{
	return cred->fsuid == 0;
}

bool cred_owns(const struct cred *cred, const struct inode *inode)
{
	return cred->fsuid == READ_ONCE(inode->uid);
}

int inode_permission(const struct cred *cred, struct inode *inode, int mask)
{
	umode_t mode = READ_ONCE(inode->mode);
	unsigned want = 0, have;

	if (mask & (MAY_WRITE | MAY_APPEND))
		want |= 2;
	if (mask & MAY_READ)
		want |= 4;
	if (mask & MAY_EXEC)
		want |= 1;
	if (cred_is_root(cred)) {
		/* Root may execute only what someone may execute; dirs: always. */
		if ((want & 1) && !S_ISDIR(mode) && !(mode & 0111))
			return -EACCES;
		return 0;
	}
	if (cred->fsuid == READ_ONCE(inode->uid))
		have = (mode >> 6) & 7;
	else if (cred->fsgid == READ_ONCE(inode->gid))
		have = (mode >> 3) & 7;
	else
		have = mode & 7;
	return (have & want) == want ? 0 : -EACCES;
}

int may_delete_sticky(const struct cred *cred, struct inode *dir, struct inode *victim)
{
	if (!(READ_ONCE(dir->mode) & S_ISVTX) || cred_is_root(cred))
		return 0;
	if (cred_owns(cred, dir) || cred_owns(cred, victim))
		return 0;
	return -EPERM;
}
