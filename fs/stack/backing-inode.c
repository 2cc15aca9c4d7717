// SPDX-License-Identifier: GPL-2.0-only
/*
 * Inode operations of a stacked filesystem on its backing filesystem.
 *
 * Each helper runs the VFS operation on the backing object with the
 * credentials of the backing context, takes the locks and write access
 * the operation needs, and returns the error of the backing filesystem
 * unchanged.  Helpers given a stacked inode let it follow the backing
 * object after a successful call, through the copy_attr hook.
 */

#include <linux/backing_inode.h>
#include <linux/export.h>
#include <linux/fileattr.h>
#include <linux/fs.h>
#include <linux/mount.h>
#include <linux/namei.h>
#include <linux/security.h>
#include <linux/stat.h>
#include <linux/statfs.h>
#include <linux/xattr.h>

#include "internal.h"

/**
 * backing_getattr - get the attributes of a backing object
 * @ctx: backing context
 * @stacked: optional; stacked inode to update from the backing object
 * @path: the backing object
 * @stat: where to store the attributes
 * @request_mask: STATX_* fields wanted
 * @query_flags: AT_STATX_* and AT_* flags, as for vfs_getattr()
 *
 * Return: 0 on success, -EINVAL or -ENOENT on bad arguments, or the error
 * of vfs_getattr().
 */
int backing_getattr(const struct backing_ctx *ctx, struct inode *stacked,
		    const struct path *path, struct kstat *stat,
		    u32 request_mask, unsigned int query_flags)
{
	const struct cred *old_cred;
	int err;

	err = backing_check_op(ctx, path);
	if (err)
		return err;
	if (!stat)
		return -EINVAL;

	old_cred = backing_override_creds(ctx);
	err = vfs_getattr(path, stat, request_mask, query_flags);
	backing_revert_creds(old_cred);
	if (!err)
		backing_follow(ctx, stacked, path);
	return err;
}
EXPORT_SYMBOL_GPL(backing_getattr);

/*
 * Turn the attribute change the VFS asked of the stacked inode into the
 * one to ask of the backing inode.
 */
static void backing_prepare_iattr(struct iattr *attr)
{
	/*
	 * The VFS sets ATTR_KILL_SUID/ATTR_KILL_SGID when a change (of size
	 * or owner, or a write) must clear the set-id bits, and may then
	 * also pass ATTR_MODE with a mode computed from the stacked inode.
	 * Let notify_change() compute the new mode from the backing inode
	 * instead: it refuses ATTR_MODE together with ATTR_KILL_*.
	 */
	if (attr->ia_valid & (ATTR_KILL_SUID | ATTR_KILL_SGID))
		attr->ia_valid &= ~ATTR_MODE;
	/* The open file, if any, is a stacked one: keep it from the backing fs */
	attr->ia_valid &= ~ATTR_FILE;
	/*
	 * The backing file was not opened with O_TRUNC, so the backing fs
	 * must not assume the truncation was done at open time.
	 */
	attr->ia_valid &= ~ATTR_OPEN;
}

/*
 * A change of a backing object: write access to its mount, then the
 * credentials of @ctx.  backing_change_end() undoes both and, if the
 * change succeeded, lets the stacked inode follow.
 */
static int backing_change_start(const struct backing_ctx *ctx,
				const struct path *path,
				const struct cred **old_cred)
{
	int err = mnt_want_write(path->mnt);

	if (!err)
		*old_cred = backing_override_creds(ctx);
	return err;
}

static int backing_change_end(const struct backing_ctx *ctx,
			      struct inode *stacked, const struct path *path,
			      const struct cred *old_cred, int err)
{
	backing_revert_creds(old_cred);
	mnt_drop_write(path->mnt);
	if (!err)
		backing_follow(ctx, stacked, path);
	return err;
}

static int backing_notify_change(const struct backing_ctx *ctx,
				 struct inode *stacked, const struct path *path,
				 struct iattr *attr)
{
	struct inode *inode = d_inode(path->dentry);
	const struct cred *old_cred;
	int err;

	err = mnt_want_write(path->mnt);
	if (err)
		return err;

	inode_lock(inode);
	old_cred = backing_override_creds(ctx);
	err = notify_change(mnt_idmap(path->mnt), path->dentry, attr, NULL);
	backing_revert_creds(old_cred);
	if (!err)
		backing_follow(ctx, stacked, path);
	inode_unlock(inode);
	mnt_drop_write(path->mnt);
	return err;
}

/**
 * backing_setattr - change the attributes of a backing object
 * @ctx: backing context
 * @stacked: optional; stacked inode to update from the backing object
 * @path: the backing object
 * @attr: the change, as the VFS passed it to the stacked ->setattr(),
 *	after setattr_prepare()
 *
 * Apply @attr to the backing object with notify_change(), with the
 * credentials of @ctx, holding write access to the mount and the inode
 * lock of the backing object.  @attr is not modified: a copy is adjusted
 * the way overlayfs does it:
 *
 *  - when the change kills the set-user-ID or set-group-ID bit
 *    (ATTR_KILL_SUID or ATTR_KILL_SGID, set by the VFS for a change of
 *    owner, or for a truncate or write by a task without CAP_FSETID),
 *    ATTR_MODE is dropped so that notify_change() clears the bits from
 *    the mode of the backing inode, not from a mode computed for the
 *    stacked inode;
 *  - ATTR_FILE and ATTR_OPEN are dropped: the file belongs to the stacked
 *    filesystem and the backing file was not opened with O_TRUNC.
 *
 * A size change (ATTR_SIZE) takes write access to the backing inode for
 * its duration, so that it fails with -ETXTBSY on a running executable.
 *
 * Return: 0 on success, -EINVAL or -ENOENT on bad arguments, or the error
 * of the backing filesystem.
 */
int backing_setattr(const struct backing_ctx *ctx, struct inode *stacked,
		    const struct path *path, const struct iattr *attr)
{
	struct inode *inode;
	struct iattr battr;
	int err;

	err = backing_check_op(ctx, path);
	if (err)
		return err;
	if (!attr)
		return -EINVAL;

	battr = *attr;
	backing_prepare_iattr(&battr);
	inode = d_inode(path->dentry);
	if (battr.ia_valid & ATTR_SIZE) {
		err = get_write_access(inode);
		if (err)
			return err;
	}
	err = backing_notify_change(ctx, stacked, path, &battr);
	if (battr.ia_valid & ATTR_SIZE)
		put_write_access(inode);
	return err;
}
EXPORT_SYMBOL_GPL(backing_setattr);

/**
 * backing_permission - check access to a backing inode
 * @ctx: backing context
 * @path: the backing object
 * @mask: MAY_* access wanted
 *
 * Check with inode_permission(), through the idmap of the backing mount
 * and with the credentials of @ctx, so the mounter's access to the
 * backing object is checked.  The caller checks the access of the current
 * task to the stacked inode itself.
 *
 * Return: 0 if access is allowed, -EINVAL or -ENOENT on bad arguments, or
 * the error of inode_permission().
 */
int backing_permission(const struct backing_ctx *ctx, const struct path *path,
		       int mask)
{
	const struct cred *old_cred;
	int err;

	err = backing_check_op(ctx, path);
	if (err)
		return err;

	old_cred = backing_override_creds(ctx);
	err = inode_permission(mnt_idmap(path->mnt), d_inode(path->dentry),
			       mask);
	backing_revert_creds(old_cred);
	return err;
}
EXPORT_SYMBOL_GPL(backing_permission);

/**
 * backing_readlink - read the target of a backing symbolic link
 * @ctx: backing context
 * @path: the backing symbolic link
 * @buf: user buffer to copy the target to
 * @bufsiz: size of @buf
 *
 * Return: the length copied, -EINVAL or -ENOENT on bad arguments, or the
 * error of vfs_readlink().
 */
int backing_readlink(const struct backing_ctx *ctx, const struct path *path,
		     char __user *buf, int bufsiz)
{
	const struct cred *old_cred;
	int ret;

	ret = backing_check_op(ctx, path);
	if (ret)
		return ret;

	old_cred = backing_override_creds(ctx);
	ret = vfs_readlink(path->dentry, buf, bufsiz);
	backing_revert_creds(old_cred);
	return ret;
}
EXPORT_SYMBOL_GPL(backing_readlink);

/**
 * backing_get_link - get the target of a backing symbolic link
 * @ctx: backing context
 * @path: the backing symbolic link
 * @done: to be called once the caller is done with the target
 *
 * This may block: in RCU walk mode, where the stacked ->get_link() gets
 * no dentry, the caller returns -ECHILD instead of calling it.
 *
 * Return: the target, ERR_PTR(-EINVAL) or ERR_PTR(-ENOENT) on bad
 * arguments, or the error of vfs_get_link().
 */
const char *backing_get_link(const struct backing_ctx *ctx,
			     const struct path *path,
			     struct delayed_call *done)
{
	const struct cred *old_cred;
	const char *link;
	int err;

	err = backing_check_op(ctx, path);
	if (err)
		return ERR_PTR(err);
	if (!done)
		return ERR_PTR(-EINVAL);

	old_cred = backing_override_creds(ctx);
	link = vfs_get_link(path->dentry, done);
	backing_revert_creds(old_cred);
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
 * Return: the size of the value, -EINVAL or -ENOENT on bad arguments, or
 * the error of vfs_getxattr().
 */
ssize_t backing_getxattr(const struct backing_ctx *ctx,
			 const struct path *path, const char *name,
			 void *value, size_t size)
{
	const struct cred *old_cred;
	ssize_t ret;

	ret = backing_check_op(ctx, path);
	if (ret)
		return ret;
	if (!name)
		return -EINVAL;

	old_cred = backing_override_creds(ctx);
	ret = vfs_getxattr(mnt_idmap(path->mnt), path->dentry, name, value,
			   size);
	backing_revert_creds(old_cred);
	return ret;
}
EXPORT_SYMBOL_GPL(backing_getxattr);

/**
 * backing_setxattr - set an extended attribute of a backing object
 * @ctx: backing context
 * @stacked: optional; stacked inode to update from the backing object
 * @path: the backing object
 * @name: name of the attribute
 * @value: the value
 * @size: size of @value
 * @flags: XATTR_CREATE or XATTR_REPLACE, or 0
 *
 * Set the attribute with vfs_setxattr() and the credentials of @ctx,
 * holding write access to the mount.
 *
 * Return: 0 on success, -EINVAL or -ENOENT on bad arguments, or the error
 * of vfs_setxattr().
 */
int backing_setxattr(const struct backing_ctx *ctx, struct inode *stacked,
		     const struct path *path, const char *name,
		     const void *value, size_t size, int flags)
{
	const struct cred *old_cred;
	int err;

	err = backing_check_op(ctx, path);
	if (err)
		return err;
	if (!name)
		return -EINVAL;
	err = backing_change_start(ctx, path, &old_cred);
	if (err)
		return err;

	err = vfs_setxattr(mnt_idmap(path->mnt), path->dentry, name, value,
			   size, flags);
	return backing_change_end(ctx, stacked, path, old_cred, err);
}
EXPORT_SYMBOL_GPL(backing_setxattr);

/**
 * backing_listxattr - list the extended attributes of a backing object
 * @ctx: backing context
 * @path: the backing object
 * @list: buffer for the list, may be NULL when @size is 0
 * @size: size of @list; 0 asks for the size of the list
 *
 * Return: the size of the list, -EINVAL or -ENOENT on bad arguments, or
 * the error of vfs_listxattr().
 */
ssize_t backing_listxattr(const struct backing_ctx *ctx,
			  const struct path *path, char *list, size_t size)
{
	const struct cred *old_cred;
	ssize_t ret;

	ret = backing_check_op(ctx, path);
	if (ret)
		return ret;

	old_cred = backing_override_creds(ctx);
	ret = vfs_listxattr(path->dentry, list, size);
	backing_revert_creds(old_cred);
	return ret;
}
EXPORT_SYMBOL_GPL(backing_listxattr);

/**
 * backing_removexattr - remove an extended attribute of a backing object
 * @ctx: backing context
 * @stacked: optional; stacked inode to update from the backing object
 * @path: the backing object
 * @name: name of the attribute
 *
 * Remove the attribute with vfs_removexattr() and the credentials of
 * @ctx, holding write access to the mount.
 *
 * Return: 0 on success, -EINVAL or -ENOENT on bad arguments, or the error
 * of vfs_removexattr().
 */
int backing_removexattr(const struct backing_ctx *ctx, struct inode *stacked,
			const struct path *path, const char *name)
{
	const struct cred *old_cred;
	int err;

	err = backing_check_op(ctx, path);
	if (err)
		return err;
	if (!name)
		return -EINVAL;
	err = backing_change_start(ctx, path, &old_cred);
	if (err)
		return err;

	err = vfs_removexattr(mnt_idmap(path->mnt), path->dentry, name);
	return backing_change_end(ctx, stacked, path, old_cred, err);
}
EXPORT_SYMBOL_GPL(backing_removexattr);

/**
 * backing_statfs - get statistics of the backing filesystem
 * @ctx: backing context
 * @path: an object of the backing filesystem
 * @buf: where to store the statistics
 *
 * Return: 0 on success, -EINVAL or -ENOENT on bad arguments, or the error
 * of vfs_statfs().
 */
int backing_statfs(const struct backing_ctx *ctx, const struct path *path,
		   struct kstatfs *buf)
{
	const struct cred *old_cred;
	int err;

	err = backing_check_op(ctx, path);
	if (err)
		return err;
	if (!buf)
		return -EINVAL;

	old_cred = backing_override_creds(ctx);
	err = vfs_statfs(path, buf);
	backing_revert_creds(old_cred);
	return err;
}
EXPORT_SYMBOL_GPL(backing_statfs);

/*
 * vfs_fileattr_get() and vfs_fileattr_set() leave the security modules to
 * the ioctl path that normally calls them.  Ask them about the ioctl a user
 * of the backing filesystem would have made, on a file opened for it.
 */
static int backing_fileattr_security(const struct path *path,
				     const struct fileattr *fa, bool set)
{
	struct file *file;
	unsigned int cmd;
	int err;

	if (!d_is_reg(path->dentry) && !d_is_dir(path->dentry))
		return -ENOTTY;
	if (fa->fsx_valid)
		cmd = set ? FS_IOC_FSSETXATTR : FS_IOC_FSGETXATTR;
	else
		cmd = set ? FS_IOC_SETFLAGS : FS_IOC_GETFLAGS;

	file = dentry_open(path, O_RDONLY, current_cred());
	if (IS_ERR(file))
		return PTR_ERR(file);
	err = security_file_ioctl(file, cmd, 0);
	fput(file);
	return err;
}

/* "Not supported here" leaves the kernel as ENOTTY, as from the ioctl. */
static int backing_fileattr_errno(int err)
{
	return err == -ENOIOCTLCMD ? -ENOTTY : err;
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
 * Return: 0 on success, -EINVAL or -ENOENT on bad arguments, -ENOTTY if
 * the backing object or filesystem has no inode flags, or the error of the
 * security modules or of vfs_fileattr_get().
 */
int backing_fileattr_get(const struct backing_ctx *ctx,
			 const struct path *path, struct fileattr *fa)
{
	const struct cred *old_cred;
	int err;

	err = backing_check_op(ctx, path);
	if (err)
		return err;
	if (!fa)
		return -EINVAL;

	old_cred = backing_override_creds(ctx);
	err = backing_fileattr_security(path, fa, false);
	if (!err)
		err = vfs_fileattr_get(path->dentry, fa);
	backing_revert_creds(old_cred);
	return backing_fileattr_errno(err);
}
EXPORT_SYMBOL_GPL(backing_fileattr_get);

/**
 * backing_fileattr_set - set the inode flags of a backing object
 * @ctx: backing context
 * @stacked: optional; stacked inode to update from the backing object
 * @path: the backing object
 * @fa: the flags to set
 *
 * Set the flags with vfs_fileattr_set() and the credentials of @ctx,
 * holding write access to the mount.
 *
 * The security modules are asked about FS_IOC_SETFLAGS or
 * FS_IOC_FSSETXATTR on the backing object first, as the ioctl would.
 *
 * Return: 0 on success, -EINVAL or -ENOENT on bad arguments, -ENOTTY if
 * the backing object or filesystem has no inode flags, or the error of the
 * security modules or of vfs_fileattr_set().
 */
int backing_fileattr_set(const struct backing_ctx *ctx, struct inode *stacked,
			 const struct path *path, struct fileattr *fa)
{
	const struct cred *old_cred;
	int err;

	err = backing_check_op(ctx, path);
	if (err)
		return err;
	if (!fa)
		return -EINVAL;
	err = backing_change_start(ctx, path, &old_cred);
	if (err)
		return err;

	err = backing_fileattr_security(path, fa, true);
	if (!err)
		err = vfs_fileattr_set(mnt_idmap(path->mnt), path->dentry, fa);
	err = backing_change_end(ctx, stacked, path, old_cred, err);
	return backing_fileattr_errno(err);
}
EXPORT_SYMBOL_GPL(backing_fileattr_set);
