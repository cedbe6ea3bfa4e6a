// SPDX-License-Identifier: MIT
/*
 * The dentry cache: every name the VFS has looked up, hashed by (parent,
 * name), positive (naming an inode) or negative ("no such name", so a
 * second lookup of a missing name costs no call into the file system).
 *
 * A dentry holds a reference on its parent and, when positive, on its
 * inode, so a cached name pins the directories above it. A dentry whose
 * count falls to zero stays hashed on the LRU list of unused dentries
 * (it has no children then: each child holds a reference on it) until
 * dcache_shrink() or the file system's unmount frees it; a dead one
 * (unlinked, DENTRY_DEAD) or a DENTRY_NOCACHE one is freed at once.
 *
 * Locks: dcache_lock (spinlock) guards the hash, every children list,
 * the LRU, each dentry's parent, name and flags, and the 0 <-> 1 moves of
 * the count (d_get of a dentry the caller already holds is a plain atomic
 * increment). inode_put of a freed dentry's inode runs after dcache_lock
 * is dropped: eviction may sleep.
 */
#include <xdv/errno.h>
#include <xdv/mm.h>
#include <xdv/panic.h>
#include <xdv/printk.h>
#include <xdv/string.h>
#include "vfs_internal.h"

#define D_HASH_BITS 12
#define D_HASH_SIZE (1u << D_HASH_BITS)

static struct spinlock dcache_lock = SPINLOCK_INIT("dcache");
static struct list_node *d_hash_table;
static struct list_node d_lru = LIST_INIT(d_lru);
static struct kmem_cache *dentry_cache;
/* Guarded by dcache_lock. */
static uint64_t nr_dentries, nr_negative, nr_unused;
/* Atomic. */
static uint64_t nr_hits, nr_misses;

uint32_t d_hash_name(const struct dentry *parent, const char *name, size_t len)
{
	/* FNV-1a over the name, seeded with the parent's address. */
	uint64_t h = 0xcbf29ce484222325ull ^ ((uintptr_t)parent >> 4);

	for (size_t i = 0; i < len; i++) {
		h ^= (uint8_t)name[i];
		h *= 0x100000001b3ull;
	}
	return (uint32_t)(h ^ (h >> 32));
}

static struct list_node *d_bucket(uint32_t hash)
{
	return &d_hash_table[hash & (D_HASH_SIZE - 1)];
}

/*
 * Set up the hash table and the dentry slab. Context: boot, once, before
 * any file system is mounted.
 */
void dcache_init(void)
{
	d_hash_table = kcalloc(D_HASH_SIZE, sizeof(*d_hash_table), 0);
	dentry_cache = kmem_cache_create("dentry", sizeof(struct dentry), 0);
	if (!d_hash_table || !dentry_cache)
		panic("dcache: no memory for the hash table");
	for (unsigned i = 0; i < D_HASH_SIZE; i++)
		list_init(&d_hash_table[i]);
}

/* A dentry named name under parent (NULL: a root), unhashed, count 1. */
static struct dentry *d_new(struct super_block *sb, const char *name, size_t len)
{
	struct dentry *d = kmem_cache_alloc(dentry_cache, GFP_ZERO);

	if (!d)
		return NULL;
	if (len < DNAME_INLINE_LEN) {
		d->name = d->inline_name;
	} else {
		char *heap = kmalloc(len + 1, 0);

		if (!heap) {
			kmem_cache_free(dentry_cache, d);
			return NULL;
		}
		d->name = heap;
	}
	memcpy((char *)d->name, name, len);
	((char *)d->name)[len] = '\0';
	d->name_len = len;
	d->sb = sb;
	d->refs = 1;
	list_init(&d->hash_link);
	list_init(&d->children);
	list_init(&d->child_link);
	list_init(&d->lru_link);
	return d;
}

static void d_free_name(struct dentry *d)
{
	if (d->name != d->inline_name)
		kfree(d->name);
}

struct dentry *d_alloc(struct dentry *parent, const char *name, size_t len)
{
	struct dentry *d = d_new(parent->sb, name, len);

	if (!d)
		return NULL;
	d->parent = d_get(parent);
	d->hash = d_hash_name(parent, name, len);
	spin_lock(&dcache_lock);
	list_add_head(d_bucket(d->hash), &d->hash_link);
	list_add_tail(&parent->children, &d->child_link);
	nr_dentries++;
	nr_negative++;
	spin_unlock(&dcache_lock);
	return d;
}

struct dentry *d_make_root(struct inode *root)
{
	struct dentry *d;

	if (!root)
		return NULL;
	d = d_new(root->sb, "/", 1);
	if (!d) {
		inode_put(root);
		return NULL;
	}
	d->parent = d;
	d->inode = root;
	spin_lock(&dcache_lock);
	nr_dentries++;
	spin_unlock(&dcache_lock);
	return d;
}

void d_instantiate(struct dentry *dentry, struct inode *inode)
{
	spin_lock(&dcache_lock);
	if (!dentry->inode && inode && d_is_hashed(dentry))
		nr_negative--;
	dentry->inode = inode;
	spin_unlock(&dcache_lock);
}

/* Context: the caller holds a reference on dentry. */
struct dentry *d_get(struct dentry *dentry)
{
	__atomic_fetch_add(&dentry->refs, 1, __ATOMIC_RELAXED);
	return dentry;
}

bool d_is_hashed(const struct dentry *dentry)
{
	return !(READ_ONCE(dentry->flags) & DENTRY_DEAD) && dentry->parent != dentry;
}

/* Take d off the hash and its parent's list. Locks: dcache_lock. */
static void d_unhash_locked(struct dentry *d)
{
	lockdep_assert_held(&dcache_lock);
	if (!(d->flags & DENTRY_DEAD) && d->parent != d && !d->inode)
		nr_negative--;
	d->flags |= DENTRY_DEAD;
	list_remove(&d->hash_link);
	list_remove(&d->child_link);
}

/*
 * Free d (count 0, no children) and return its parent, whose reference
 * the caller must drop, or NULL for a root. Locks: dcache_lock, dropped
 * here before the inode is put.
 */
static struct dentry *d_kill_unlock(struct dentry *d)
{
	struct dentry *parent = d->parent == d ? NULL : d->parent;
	struct inode *inode = d->inode;

	lockdep_assert_held(&dcache_lock);
	if (list_is_linked(&d->lru_link)) {
		list_remove(&d->lru_link);
		nr_unused--;
	}
	d_unhash_locked(d);
	nr_dentries--;
	spin_unlock(&dcache_lock);
	if (inode)
		inode_put(inode);
	d_free_name(d);
	kmem_cache_free(dentry_cache, d);
	return parent;
}

void d_put(struct dentry *dentry)
{
	while (dentry) {
		int refs = __atomic_load_n(&dentry->refs, __ATOMIC_RELAXED);

		/* Not the last reference: no lock (only 1 -> 0 needs it). */
		while (refs > 1)
			if (__atomic_compare_exchange_n(&dentry->refs, &refs, refs - 1, false,
							__ATOMIC_RELEASE, __ATOMIC_RELAXED))
				return;
		spin_lock(&dcache_lock);
		if (__atomic_sub_fetch(&dentry->refs, 1, __ATOMIC_ACQ_REL)) {
			spin_unlock(&dcache_lock);
			return;
		}
		if (!(dentry->flags & (DENTRY_DEAD | DENTRY_NOCACHE)) && dentry->parent != dentry) {
			list_add_tail(&d_lru, &dentry->lru_link);
			nr_unused++;
			spin_unlock(&dcache_lock);
			return;
		}
		dentry = d_kill_unlock(dentry);
	}
}

struct dentry *d_get_parent(struct dentry *dentry)
{
	struct dentry *parent;

	spin_lock(&dcache_lock);
	parent = dentry->parent;
	__atomic_fetch_add(&parent->refs, 1, __ATOMIC_RELAXED);
	spin_unlock(&dcache_lock);
	return parent;
}

size_t d_name_copy(struct dentry *dentry, char *buf, size_t size)
{
	size_t n;

	spin_lock(&dcache_lock);
	n = MIN((size_t)dentry->name_len, size - 1);
	memcpy(buf, dentry->name, n);
	spin_unlock(&dcache_lock);
	buf[n] = '\0';
	return n;
}

struct dentry *d_lookup(struct dentry *parent, const char *name, size_t len)
{
	struct dentry *found = __d_lookup(parent, name, len);

	__atomic_fetch_add(found ? &nr_hits : &nr_misses, 1, __ATOMIC_RELAXED);
	return found;
}

struct dentry *__d_lookup(struct dentry *parent, const char *name, size_t len)
{
	uint32_t hash = d_hash_name(parent, name, len);
	struct dentry *found = NULL;

	spin_lock(&dcache_lock);
	list_for_each(node, d_bucket(hash)) {
		struct dentry *d = list_entry(node, struct dentry, hash_link);

		if (d->hash != hash || d->parent != parent || d->name_len != len ||
		    memcmp(d->name, name, len))
			continue;
		if (__atomic_fetch_add(&d->refs, 1, __ATOMIC_RELAXED) == 0 &&
		    list_is_linked(&d->lru_link)) {
			list_remove(&d->lru_link);
			nr_unused--;
		}
		found = d;
		break;
	}
	spin_unlock(&dcache_lock);
	return found;
}

/*
 * Unhash d and, depth first, every cached name below it. Unused ones (count
 * 0: no children left) go from the LRU to kill, for d_kill_list to free:
 * kept, they would pin their dead parents, and through them the inodes of
 * removed directories. Locks: dcache_lock.
 */
static void d_invalidate_locked(struct dentry *d, struct list_node *kill)
{
	struct dentry *top = d;

	for (;;) {
		if (!list_is_empty(&d->children)) {
			d = list_first_entry(&d->children, struct dentry, child_link);
			continue;
		}
		struct dentry *parent = d->parent;

		d_unhash_locked(d);
		if (!__atomic_load_n(&d->refs, __ATOMIC_RELAXED) && list_is_linked(&d->lru_link)) {
			list_remove(&d->lru_link);
			nr_unused--;
			list_add_tail(kill, &d->lru_link);
		}
		if (d == top)
			return;
		d = parent;
	}
}

/* Free what d_invalidate_locked put on kill (and the dead parents they held). */
static void d_kill_list(struct list_node *kill)
{
	for (;;) {
		spin_lock(&dcache_lock);
		if (list_is_empty(kill)) {
			spin_unlock(&dcache_lock);
			return;
		}
		struct dentry *d = list_first_entry(kill, struct dentry, lru_link);

		list_remove(&d->lru_link);
		struct dentry *parent = d_kill_unlock(d);

		if (parent)
			d_put(parent);
	}
}

void d_invalidate(struct dentry *dentry)
{
	struct list_node kill = LIST_INIT(kill);

	spin_lock(&dcache_lock);
	if (dentry->parent != dentry)
		d_invalidate_locked(dentry, &kill);
	spin_unlock(&dcache_lock);
	d_kill_list(&kill);
}

int d_move(struct dentry *dentry, struct dentry *new_parent, const char *name, size_t len,
	   struct dentry *target)
{
	struct list_node kill = LIST_INIT(kill);
	char *heap = NULL;
	const char *old_name = NULL;
	struct dentry *old_parent;

	if (len >= DNAME_INLINE_LEN) {
		heap = kmalloc(len + 1, 0);
		if (!heap)
			return -ENOMEM;
		memcpy(heap, name, len);
		heap[len] = '\0';
	}
	d_get(new_parent);
	spin_lock(&dcache_lock);
	if (target && target != dentry)
		d_invalidate_locked(target, &kill);
	old_parent = dentry->parent;
	if (dentry->name != dentry->inline_name)
		old_name = dentry->name;
	if (heap) {
		dentry->name = heap;
	} else {
		memcpy(dentry->inline_name, name, len);
		dentry->inline_name[len] = '\0';
		dentry->name = dentry->inline_name;
	}
	dentry->name_len = len;
	dentry->parent = new_parent;
	dentry->hash = d_hash_name(new_parent, name, len);
	list_remove(&dentry->hash_link);
	list_remove(&dentry->child_link);
	if (!(dentry->flags & DENTRY_DEAD)) {
		list_add_head(d_bucket(dentry->hash), &dentry->hash_link);
		list_add_tail(&new_parent->children, &dentry->child_link);
	}
	spin_unlock(&dcache_lock);
	d_kill_list(&kill);
	kfree(old_name);
	d_put(old_parent);
	return 0;
}

void dcache_get_stats(struct dcache_stats *out)
{
	spin_lock(&dcache_lock);
	out->entries = nr_dentries;
	out->negative = nr_negative;
	out->unused = nr_unused;
	spin_unlock(&dcache_lock);
	out->hits = __atomic_load_n(&nr_hits, __ATOMIC_RELAXED);
	out->misses = __atomic_load_n(&nr_misses, __ATOMIC_RELAXED);
}

/* Free up to nr unused dentries (of sb only, unless sb is NULL), oldest first. */
static unsigned d_shrink_some(unsigned nr, struct super_block *sb)
{
	unsigned freed = 0;

	while (freed < nr) {
		struct dentry *victim = NULL;

		spin_lock(&dcache_lock);
		list_for_each(node, &d_lru) {
			struct dentry *d = list_entry(node, struct dentry, lru_link);

			if (!sb || d->sb == sb) {
				victim = d;
				break;
			}
		}
		if (!victim) {
			spin_unlock(&dcache_lock);
			break;
		}
		struct dentry *parent = d_kill_unlock(victim);

		freed++;
		if (parent)
			d_put(parent); /* may put the parent on the LRU in turn */
	}
	return freed;
}

unsigned dcache_shrink(unsigned nr)
{
	return d_shrink_some(nr, NULL);
}

void dcache_prune_sb(struct super_block *sb)
{
	while (d_shrink_some(~0u, sb))
		;
}
