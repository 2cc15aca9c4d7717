/* SPDX-License-Identifier: GPL-2.0-only */
/*
 * Namespace operations of stacked filesystems on their backing filesystem.
 */
#ifndef _LINUX_BACKING_DENTRY_H
#define _LINUX_BACKING_DENTRY_H

#include <linux/backing-ctx.h>
#include <linux/fs.h>
#include <linux/types.h>
#include <linux/uidgid.h>

struct cred;
struct dentry;
struct path;
struct qstr;

/**
 * struct backing_create_args - what backing_create() should create
 * @mode: file type and permission bits; the file type selects the
 *	operation: S_IFREG a regular file, S_IFDIR a directory, S_IFLNK a
 *	symbolic link, S_IFCHR, S_IFBLK, S_IFIFO and S_IFSOCK a special file
 * @rdev: device number, for S_IFCHR and S_IFBLK
 * @target: contents of a symbolic link, for S_IFLNK
 * @caller: credentials of the task that asked for the creation, as they
 *	were before the context's credentials were switched to; required:
 *	the object is created as that caller (backing_creds_create_as())
 * @uid: owner of the new object in the backing filesystem
 * @gid: group of the new object in the backing filesystem
 * @stacked: the stacked dentry being created, from which the security
 *	modules label the new object; required
 *
 * Hard links create no inode and are made with backing_link(), with the
 * credentials of the context.
 */
struct backing_create_args {
	umode_t mode;
	dev_t rdev;
	const char *target;
	const struct cred *caller;
	kuid_t uid;
	kgid_t gid;
	struct dentry *stacked;
};

/**
 * typedef backing_dir_filter_t - choose the entries a stacked directory shows
 * @stacked: the directory context of the stacked filesystem
 * @name: name of the entry in the backing directory, not NUL terminated
 * @len: length of @name
 * @off: position of the entry
 * @ino: inode number of the entry
 * @type: DT_* type of the entry
 *
 * Return: true to pass the entry on to @stacked, false to hide it.
 */
typedef bool (*backing_dir_filter_t)(struct dir_context *stacked,
				     const char *name, int len, loff_t off,
				     u64 ino, unsigned int type);

int backing_lookup(const struct backing_ctx *ctx, const struct path *dir,
		   const struct qstr *name, struct path *out);
int backing_revalidate(const struct backing_ctx *ctx, const struct path *dir,
		       const struct qstr *name, const struct path *child,
		       unsigned int flags);
int backing_create(const struct backing_ctx *ctx, const struct path *dir,
		   const struct qstr *name,
		   const struct backing_create_args *args, struct path *out);
int backing_tmpfile(const struct backing_ctx *ctx, const struct path *dir,
		    const struct backing_create_args *args, struct path *out);
int backing_link(const struct backing_ctx *ctx, const struct path *old,
		 const struct path *dir, const struct qstr *name,
		 struct path *out);
int backing_unlink(const struct backing_ctx *ctx, const struct path *dir,
		   const struct qstr *name, const struct inode *victim);
int backing_rmdir(const struct backing_ctx *ctx, const struct path *dir,
		  const struct qstr *name, const struct inode *victim);
int backing_rename(const struct backing_ctx *ctx, const struct path *olddir,
		   const struct qstr *oldname, const struct path *newdir,
		   const struct qstr *newname, unsigned int flags,
		   const struct inode *source, const struct inode *target);
int backing_iterate_dir(const struct backing_ctx *ctx,
			struct file *backing_dir, struct dir_context *stacked,
			backing_dir_filter_t filter);

#endif /* _LINUX_BACKING_DENTRY_H */
