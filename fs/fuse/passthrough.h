/* SPDX-License-Identifier: GPL-2.0 */
/*
 * FUSE passthrough of inode operations: one entry point per operation,
 * called where fuse would have sent the request to the server.  Each
 * takes the fuse inode the operation is on and the backing object found
 * for it, and gives what the server's reply would have held.
 *
 * A caller that found the object itself, or the file with
 * fuse_file_passthrough(), calls the entry point only when it did: without
 * CONFIG_FUSE_PASSTHROUGH those lookups give NULL and the calls are
 * compiled out.  The entry points reached otherwise have stubs.
 */

#ifndef _FS_FUSE_PASSTHROUGH_H
#define _FS_FUSE_PASSTHROUGH_H

#include "fuse_i.h"

/* Attributes, permissions and extended attributes */
int fuse_pt_getattr(struct inode *inode, struct fuse_backing *fb,
		    struct fuse_attr_out *out);
int fuse_pt_access(struct inode *inode, struct fuse_backing *fb, int mask);
const char *fuse_pt_readlink(struct inode *inode, struct fuse_backing *fb,
			     struct delayed_call *done);
ssize_t fuse_pt_getxattr(struct inode *inode, struct fuse_backing *fb,
			 const char *name, void *value, size_t size);
ssize_t fuse_pt_listxattr(struct inode *inode, struct fuse_backing *fb,
			  char *list, size_t size);
int fuse_pt_statfs(struct inode *inode, struct fuse_backing *fb,
		   struct fuse_kstatfs *out);

/* Directories the kernel opens */
int fuse_pt_opendir(struct inode *inode, struct fuse_backing *fb,
		    struct file *file);
int fuse_pt_readdir(struct inode *inode, struct fuse_backing *fb,
		    struct file *file, struct dir_context *ctx);
int fuse_pt_fsyncdir(struct inode *inode, struct fuse_backing *fb,
		     struct file *file, loff_t start, loff_t end, int datasync);

#endif /* _FS_FUSE_PASSTHROUGH_H */
