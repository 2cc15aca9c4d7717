/* SPDX-License-Identifier: GPL-2.0-only */
/*
 * Inodes of stacked filesystems that follow an inode of a backing
 * filesystem.
 */
#ifndef _LINUX_BACKING_INODE_H
#define _LINUX_BACKING_INODE_H

#include <linux/bits.h>
#include <linux/fs.h>

struct mnt_idmap;

/**
 * enum backing_attr - attributes copied by backing_inode_copy_attr()
 * @BACKING_ATTR_OWNER: i_uid and i_gid, mapped through the idmap of the
 *	backing mount
 * @BACKING_ATTR_MODE: i_mode
 * @BACKING_ATTR_TIMES: access, modification and change times
 * @BACKING_ATTR_ATIME: access time only
 * @BACKING_ATTR_SIZE: i_size
 * @BACKING_ATTR_BLOCKS: i_blocks
 * @BACKING_ATTR_NLINK: link count
 * @BACKING_ATTR_RDEV: device number of special files
 * @BACKING_ATTR_BLKBITS: block size
 * @BACKING_ATTR_FLAGS: the inode flags the VFS acts on (S_SYNC, S_NOATIME,
 *	S_APPEND, S_IMMUTABLE, S_DIRSYNC), set with inode_set_flags(); the
 *	other flags describe the backing inode and are left alone
 * @BACKING_ATTR_ALL: all of the above
 * @BACKING_ATTR_RAW_FLAGS: all of i_flags, stored as they are, as eCryptfs
 *	has always done; not part of BACKING_ATTR_ALL
 */
enum backing_attr {
	BACKING_ATTR_OWNER	= BIT(0),
	BACKING_ATTR_MODE	= BIT(1),
	BACKING_ATTR_TIMES	= BIT(2),
	BACKING_ATTR_ATIME	= BIT(3),
	BACKING_ATTR_SIZE	= BIT(4),
	BACKING_ATTR_BLOCKS	= BIT(5),
	BACKING_ATTR_NLINK	= BIT(6),
	BACKING_ATTR_RDEV	= BIT(7),
	BACKING_ATTR_BLKBITS	= BIT(8),
	BACKING_ATTR_FLAGS	= BIT(9),
	BACKING_ATTR_ALL	= BIT(10) - 1,
	BACKING_ATTR_RAW_FLAGS	= BIT(10),
};

void backing_inode_copy_attr(struct inode *dst, const struct inode *src,
			     struct mnt_idmap *idmap, unsigned int what);

/**
 * backing_inode_copy_times - copy access, modification and change times
 * @dst: inode of the stacked filesystem
 * @src: inode of the backing filesystem
 */
static inline void backing_inode_copy_times(struct inode *dst,
					    const struct inode *src)
{
	backing_inode_copy_attr(dst, src, NULL, BACKING_ATTR_TIMES);
}

/**
 * backing_inode_copy_atime - copy the access time
 * @dst: inode of the stacked filesystem
 * @src: inode of the backing filesystem
 */
static inline void backing_inode_copy_atime(struct inode *dst,
					    const struct inode *src)
{
	backing_inode_copy_attr(dst, src, NULL, BACKING_ATTR_ATIME);
}

/**
 * backing_inode_copy_size - copy the file size and the number of blocks
 * @dst: inode of the stacked filesystem
 * @src: inode of the backing filesystem
 */
static inline void backing_inode_copy_size(struct inode *dst,
					   const struct inode *src)
{
	backing_inode_copy_attr(dst, src, NULL,
				BACKING_ATTR_SIZE | BACKING_ATTR_BLOCKS);
}

#endif /* _LINUX_BACKING_INODE_H */
