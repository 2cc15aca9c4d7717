// SPDX-License-Identifier: GPL-2.0-only
/*
 * Copy attributes of a backing inode to the inode stacked on top of it.
 */

#include <linux/backing-inode.h>
#include <linux/export.h>
#include <linux/fs.h>
#include <linux/mnt_idmapping.h>
#include <linux/spinlock.h>

/*
 * i_blocks is 64 bits wide.  Where that is wider than a long it cannot
 * be read in one go, and filesystems that account blocks update it under
 * i_lock (see inode_add_bytes()), so take that lock to get a value that
 * is not torn.  This is done before the destination's i_lock is taken,
 * as the two locks are of the same class and must not nest.
 */
static blkcnt_t backing_read_blocks(const struct inode *src)
{
	struct inode *inode = (struct inode *)src;	/* for the lock only */
	blkcnt_t blocks;

	if (sizeof(blocks) <= sizeof(long))
		return READ_ONCE(src->i_blocks);

	spin_lock(&inode->i_lock);
	blocks = inode->i_blocks;
	spin_unlock(&inode->i_lock);
	return blocks;
}

static void backing_copy_owner(struct inode *dst, const struct inode *src,
			       struct mnt_idmap *idmap)
{
	dst->i_uid = vfsuid_into_kuid(i_uid_into_vfsuid(idmap, src));
	dst->i_gid = vfsgid_into_kgid(i_gid_into_vfsgid(idmap, src));
}

static void backing_copy_times(struct inode *dst, const struct inode *src,
			       unsigned int what)
{
	if (what & (BACKING_ATTR_TIMES | BACKING_ATTR_ATIME))
		inode_set_atime_to_ts(dst, inode_get_atime(src));
	if (what & BACKING_ATTR_TIMES) {
		inode_set_mtime_to_ts(dst, inode_get_mtime(src));
		inode_set_ctime_to_ts(dst, inode_get_ctime(src));
	}
}

/* The inode flags that change what the VFS does with an inode. */
#define BACKING_VFS_FLAGS \
	(S_SYNC | S_NOATIME | S_APPEND | S_IMMUTABLE | S_DIRSYNC)

/**
 * backing_inode_copy_attr - make a stacked inode follow its backing inode
 * @dst: inode of the stacked filesystem
 * @src: inode of the backing filesystem
 * @idmap: idmap of the backing mount, used for the owner; NULL means the
 *	mount is not idmapped
 * @what: which attributes to copy, a mask of &enum backing_attr
 *
 * Copy the attributes selected by @what from @src to @dst.  The owner is
 * copied as seen through @idmap, so that an idmapped backing mount shows
 * the mapped owner in the stacked filesystem.
 *
 * The caller need not hold the inode lock of either inode: the copy is
 * done under @dst's i_lock, which also serialises the update of i_size as
 * i_size_write() requires on 32-bit SMP.  A concurrent change to @src may
 * still be seen half applied, as the backing filesystem's own locks are
 * not taken.
 *
 * Context: may be called in atomic context, but not with @dst's or @src's
 * i_lock held.
 */
void backing_inode_copy_attr(struct inode *dst, const struct inode *src,
			     struct mnt_idmap *idmap, unsigned int what)
{
	blkcnt_t blocks = 0;

	if (!idmap)
		idmap = &nop_mnt_idmap;
	if (what & BACKING_ATTR_BLOCKS)
		blocks = backing_read_blocks(src);

	spin_lock(&dst->i_lock);
	if (what & BACKING_ATTR_OWNER)
		backing_copy_owner(dst, src, idmap);
	if (what & BACKING_ATTR_MODE)
		dst->i_mode = src->i_mode;
	backing_copy_times(dst, src, what);
	if (what & BACKING_ATTR_SIZE)
		i_size_write(dst, i_size_read(src));
	if (what & BACKING_ATTR_BLOCKS)
		dst->i_blocks = blocks;
	if (what & BACKING_ATTR_NLINK)
		set_nlink(dst, src->i_nlink);
	if (what & BACKING_ATTR_RDEV)
		dst->i_rdev = src->i_rdev;
	if (what & BACKING_ATTR_BLKBITS)
		dst->i_blkbits = src->i_blkbits;
	if (what & BACKING_ATTR_RAW_FLAGS)
		dst->i_flags = src->i_flags;
	else if (what & BACKING_ATTR_FLAGS)
		inode_set_flags(dst, src->i_flags & BACKING_VFS_FLAGS,
				BACKING_VFS_FLAGS);
	spin_unlock(&dst->i_lock);
}
EXPORT_SYMBOL_GPL(backing_inode_copy_attr);
