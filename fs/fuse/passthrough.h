/* SPDX-License-Identifier: GPL-2.0 */
/*
 * FUSE passthrough of inode operations: the operations a backing object
 * may pass through, by the type of its inode.
 */

#ifndef _FS_FUSE_PASSTHROUGH_H
#define _FS_FUSE_PASSTHROUGH_H

#include "fuse_i.h"

#define FUSE_PT_OP(op)	FUSE_PASSTHROUGH_OP(FUSE_##op)

/* Operations on an inode of any type */
#define FUSE_PASSTHROUGH_INODE_OPS \
	(FUSE_PT_OP(GETATTR) | FUSE_PT_OP(ACCESS) | FUSE_PT_OP(GETXATTR) | \
	 FUSE_PT_OP(LISTXATTR) | FUSE_PT_OP(STATFS))
/* Operations on a directory */
#define FUSE_PASSTHROUGH_DIR_OPS \
	(FUSE_PT_OP(OPENDIR) | FUSE_PT_OP(READDIR) | FUSE_PT_OP(RELEASEDIR))
/* Operations on a symbolic link */
#define FUSE_PASSTHROUGH_LINK_OPS	FUSE_PT_OP(READLINK)
/* Operations on a regular file; the ones FOPEN_PASSTHROUGH implies */
#define FUSE_PASSTHROUGH_RW_OPS		(FUSE_PT_OP(READ) | FUSE_PT_OP(WRITE))

#endif /* _FS_FUSE_PASSTHROUGH_H */
