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

#include "fuse_i.h"

/**
 * fuse_inode_backing_attach - attach the backing object of an entry reply
 * @inode: the inode the reply named
 * @eb: the backing part of the reply
 *
 * The first object attached to an inode stays until the inode is evicted;
 * a later reply naming another one is ignored, so that the operations
 * already running on the inode keep seeing the object they started on.
 *
 * Return: 0, or -EIO if the reply names no usable object: an unknown id,
 * an object without inode operations, or one whose type is not the type
 * of @inode.
 */
int fuse_inode_backing_attach(struct inode *inode,
			      const struct fuse_entry_backing *eb)
{
	struct fuse_conn *fc = get_fuse_conn(inode);
	struct fuse_inode *fi = get_fuse_inode(inode);
	struct fuse_backing *fb;

	if (!eb->backing_id)
		return 0;
	if (eb->flags || eb->backing_id < 0)
		return -EIO;

	fb = fuse_backing_lookup(fc, eb->backing_id);
	if (!fb)
		return -EIO;
	if (!fb->ops_mask ||
	    inode_wrong_type(inode, d_inode(fuse_backing_path(fb)->dentry)->i_mode)) {
		fuse_backing_put(fb);
		return -EIO;
	}
	if (cmpxchg(&fi->ib, NULL, fb))
		fuse_backing_put(fb);
	return 0;
}

/* Called on eviction: the inode drops its backing object. */
void fuse_inode_backing_detach(struct fuse_inode *fi)
{
	fuse_backing_put(xchg(&fi->ib, NULL));
}
