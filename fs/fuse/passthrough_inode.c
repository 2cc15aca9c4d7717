// SPDX-License-Identifier: GPL-2.0
/*
 * FUSE passthrough of inode operations to a backing object.
 *
 * A server that negotiated FUSE_PASSTHROUGH_INODE registers a backing
 * object of any type with an operation mask (FUSE_DEV_IOC_BACKING_OPEN)
 * and names it in the entry reply that makes the inode known to the
 * kernel (struct fuse_entry_backing).  The inode keeps the object until
 * it is evicted.
 */

#include "dev.h"
#include "fuse_i.h"
#include "passthrough.h"

/*
 * Attach the object of @backing_id to @inode, unless it has one (-EBUSY).
 * Attributes that pass through are the object's from then on: what a
 * reply gave the inode is stale at once.
 * Return: 0, -ENOENT for an unknown id, -EINVAL for an object without
 * inode operations, -ENOTDIR or -EISDIR for one of another type (-EINVAL
 * between two types that are not directories).
 */
static int fuse_inode_backing_attach_id(struct inode *inode, int backing_id)
{
	struct fuse_backing *fb;
	umode_t mode;
	int err;

	fb = fuse_backing_lookup(get_fuse_conn(inode), backing_id);
	if (!fb)
		return -ENOENT;
	if (!fb->ops_mask) {
		err = -EINVAL;
		goto out_put;
	}
	mode = d_inode(fuse_backing_path(fb)->dentry)->i_mode;
	if (inode_wrong_type(inode, mode)) {
		err = S_ISDIR(inode->i_mode) ? -ENOTDIR :
		      S_ISDIR(mode) ? -EISDIR : -EINVAL;
		goto out_put;
	}
	if (!cmpxchg(&get_fuse_inode(inode)->ib, NULL, fb)) {
		if (fb->ops_mask & FUSE_PT_OP(GETATTR))
			fuse_invalidate_attr(inode);
		return 0;
	}
	err = -EBUSY;
out_put:
	fuse_backing_put(fb);
	return err;
}

/**
 * fuse_inode_backing_attach - attach the backing object of an entry reply
 * @inode: the inode the reply named
 * @eb: the backing part of the reply
 *
 * Called for a new inode, before another lookup can find it
 * (fuse_iget_entry()); the object stays until the inode is evicted.
 *
 * Return: 0, or -EIO if the reply names no usable object: an unknown id,
 * an object without inode operations, or one whose type is not the type
 * of @inode.
 */
int fuse_inode_backing_attach(struct inode *inode,
			      const struct fuse_entry_backing *eb)
{
	int err;

	if (fuse_entry_backing_bad(eb))
		return -EIO;
	if (!eb->backing_id)
		return 0;

	err = fuse_inode_backing_attach_id(inode, eb->backing_id);
	return err ? -EIO : 0;
}

/**
 * fuse_backing_root - attach a backing object to the root (ioctl)
 * @fc: the connection
 * @backing_id: an id from FUSE_DEV_IOC_BACKING_OPEN
 *
 * No entry reply names the root: the server names its backing object
 * with FUSE_DEV_IOC_BACKING_ROOT, once, after the INIT reply; operations
 * on the root that come before go to the server, as they would without
 * passthrough.  The object stays until the root is evicted at unmount.
 *
 * Return: 0; -EPERM without passthrough (before the INIT reply, or not
 * negotiated) or without CAP_SYS_ADMIN, as for FUSE_DEV_IOC_BACKING_OPEN;
 * -EINVAL without FUSE_PASSTHROUGH_INODE, or for an id that cannot be
 * one; -ENODEV when the mount is gone; -EBUSY when the root has an
 * object; or another error of fuse_inode_backing_attach_id().
 */
int fuse_backing_root(struct fuse_conn *fc, int backing_id)
{
	struct fuse_mount *fm;
	int err = -ENODEV;

	if (!fc->passthrough || !capable(CAP_SYS_ADMIN))
		return -EPERM;
	if (!fc->passthrough_ino || backing_id <= 0)
		return -EINVAL;

	/* A mount in the list has its superblock until it leaves the list */
	down_read(&fc->killsb);
	fm = list_first_entry_or_null(&fc->mounts, struct fuse_mount, fc_entry);
	if (fm && fm->sb && fm->sb->s_root &&
	    get_node_id(d_inode(fm->sb->s_root)) == FUSE_ROOT_ID)
		err = fuse_inode_backing_attach_id(d_inode(fm->sb->s_root),
						   backing_id);
	up_read(&fc->killsb);
	return err;
}

/* Called on eviction: the inode drops its backing object. */
void fuse_inode_backing_detach(struct fuse_inode *fi)
{
	fuse_backing_put(xchg(&fi->ib, NULL));
}
