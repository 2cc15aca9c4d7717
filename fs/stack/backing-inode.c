// SPDX-License-Identifier: GPL-2.0-only
/*
 * Inode operations of a stacked filesystem on its backing filesystem.
 *
 * Each helper runs one VFS operation on the backing object with the
 * credentials of the backing context, takes the locks and write access
 * the operation needs, and returns the error of the backing filesystem
 * unchanged.
 */

#include <linux/backing-inode.h>
#include <linux/export.h>
#include <linux/fileattr.h>
#include <linux/fs.h>
#include <linux/mount.h>
#include <linux/namei.h>
#include <linux/security.h>
#include <linux/xattr.h>

/**
 * backing_permission - check the mounter's access to a backing inode
 * @ctx: backing context
 * @path: the backing object
 * @mask: MAY_* access wanted; MAY_NOT_BLOCK in RCU walk mode
 *
 * Check with inode_permission(), through the idmap of the backing mount
 * and with the credentials of @ctx: this is the backing half of a stacked
 * ->permission(); the caller checks the access of the current task to the
 * stacked inode itself.  In RCU walk mode the backing dentry may lose its
 * inode at any time: it is read once, and its absence makes the walk
 * retry in ref mode.
 *
 * Return: 0 if access is allowed, -ECHILD (MAY_NOT_BLOCK) or -ENOENT if
 * the backing object has no inode, or the error of inode_permission().
 */
int backing_permission(const struct backing_ctx *ctx, const struct path *path,
		       int mask)
{
	struct inode *inode;
	int err;

	inode = d_inode_rcu(path->dentry);
	if (!inode)
		return mask & MAY_NOT_BLOCK ? -ECHILD : -ENOENT;

	with_backing_creds(ctx)
		err = inode_permission(mnt_idmap(path->mnt), inode, mask);
	return err;
}
EXPORT_SYMBOL_GPL(backing_permission);

/**
 * backing_get_link - get the target of a backing symbolic link
 * @ctx: backing context
 * @path: the backing symbolic link
 * @done: to be called once the caller is done with the target
 *
 * vfs_get_link() asks the security modules (security_inode_readlink())
 * first.  This may block: in RCU walk mode, where the stacked ->get_link()
 * gets no dentry, the caller returns -ECHILD instead of calling it.
 *
 * Return: the target, or the error of vfs_get_link().
 */
const char *backing_get_link(const struct backing_ctx *ctx,
			     const struct path *path,
			     struct delayed_call *done)
{
	const char *link;

	with_backing_creds(ctx)
		link = vfs_get_link(path->dentry, done);
	return link;
}
EXPORT_SYMBOL_GPL(backing_get_link);

/**
 * backing_getxattr - read an extended attribute of a backing object
 * @ctx: backing context
 * @path: the backing object
 * @name: name of the attribute
 * @value: buffer for the value, may be NULL when @size is 0
 * @size: size of @value; 0 asks for the size of the value
 *
 * POSIX ACLs are not extended attributes for the VFS: vfs_getxattr()
 * refuses their names.
 *
 * Return: the size of the value, or the error of vfs_getxattr().
 */
ssize_t backing_getxattr(const struct backing_ctx *ctx,
			 const struct path *path, const char *name,
			 void *value, size_t size)
{
	ssize_t ret;

	with_backing_creds(ctx)
		ret = vfs_getxattr(mnt_idmap(path->mnt), path->dentry, name,
				   value, size);
	return ret;
}
EXPORT_SYMBOL_GPL(backing_getxattr);

/**
 * backing_listxattr - list the extended attributes of a backing object
 * @ctx: backing context
 * @path: the backing object
 * @list: buffer for the list, may be NULL when @size is 0
 * @size: size of @list; 0 asks for the size of the list
 *
 * Return: the size of the list, or the error of vfs_listxattr().
 */
ssize_t backing_listxattr(const struct backing_ctx *ctx,
			  const struct path *path, char *list, size_t size)
{
	ssize_t ret;

	with_backing_creds(ctx)
		ret = vfs_listxattr(path->dentry, list, size);
	return ret;
}
EXPORT_SYMBOL_GPL(backing_listxattr);

/*
 * vfs_fileattr_get() and vfs_fileattr_set() leave the ioctl check of the
 * security modules to the ioctl path.  Ask them about the ioctl a user of
 * the backing filesystem would have made, on a file opened for it.  Only
 * regular files and directories are opened: opening anything else (a
 * FIFO, a device) has side effects, and they have no inode flags to
 * show anyway.
 */
static int backing_fileattr_security(const struct path *path,
				     const struct file_kattr *fa, bool set)
{
	struct file *file;
	unsigned int cmd;
	int flags = O_RDONLY;
	int err;

	if (!d_is_reg(path->dentry) && !d_is_dir(path->dentry))
		return -ENOTTY;
	if (force_o_largefile())
		flags |= O_LARGEFILE;
	if (set)
		cmd = fa->fsx_valid ? FS_IOC_FSSETXATTR : FS_IOC_SETFLAGS;
	else
		cmd = fa->fsx_valid ? FS_IOC_FSGETXATTR : FS_IOC_GETFLAGS;

	file = dentry_open(path, flags, current_cred());
	if (IS_ERR(file))
		return PTR_ERR(file);
	err = security_file_ioctl(file, cmd, 0);
	fput(file);
	return err;
}

/**
 * backing_fileattr_get - get the inode flags of a backing object
 * @ctx: backing context
 * @path: the backing object
 * @fa: where to store the flags
 *
 * The security modules are asked about FS_IOC_GETFLAGS or
 * FS_IOC_FSGETXATTR on the backing object first, as the ioctl would.
 *
 * Return: 0 on success, -ENOTTY if the backing object or filesystem has
 * no inode flags (never the kernel-internal -ENOIOCTLCMD), or the error of
 * the security modules or of vfs_fileattr_get().
 */
int backing_fileattr_get(const struct backing_ctx *ctx,
			 const struct path *path, struct file_kattr *fa)
{
	int err;

	with_backing_creds(ctx) {
		err = backing_fileattr_security(path, fa, false);
		if (!err)
			err = vfs_fileattr_get(path->dentry, fa);
	}
	return err == -ENOIOCTLCMD ? -ENOTTY : err;
}
EXPORT_SYMBOL_GPL(backing_fileattr_get);
