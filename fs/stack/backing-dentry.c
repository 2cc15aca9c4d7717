// SPDX-License-Identifier: GPL-2.0-only
/*
 * Namespace operations of a stacked filesystem on its backing filesystem.
 *
 * Each helper runs the VFS operation with the credentials of the backing
 * context, takes the locks and write access the operation needs, and
 * returns the error of the backing filesystem unchanged.  Lookups never
 * leave the root of the context.
 */

#include <linux/backing_dentry.h>
#include <linux/export.h>
#include <linux/fs.h>
#include <linux/mount.h>
#include <linux/namei.h>
#include <linux/stack_creds.h>
#include <linux/string.h>

#include "internal.h"

/* A single path component, which is neither "." nor "..". */
static int backing_check_name(const struct qstr *name)
{
	if (!name || !name->name || !name->len)
		return -EINVAL;
	if (name->len > NAME_MAX)
		return -ENAMETOOLONG;
	if (name->name[0] == '.' &&
	    (name->len == 1 || (name->len == 2 && name->name[1] == '.')))
		return -EINVAL;
	if (memchr(name->name, '/', name->len) ||
	    memchr(name->name, '\0', name->len))
		return -EINVAL;
	return 0;
}

/*
 * The backing tree is the part of one mount below ctx->root.  is_subdir()
 * is lockless; it does not stop a concurrent rename from moving @path out
 * afterwards, so this guards against a stacked filesystem handing in the
 * wrong directory, not against races in the backing filesystem.  Only
 * backing_resolve() (LOOKUP_BENEATH) holds against those.
 */
static int backing_check_beneath(const struct backing_ctx *ctx,
				 const struct path *path)
{
	if (path->mnt != ctx->root->mnt ||
	    !is_subdir(path->dentry, ctx->root->dentry))
		return -EXDEV;
	return 0;
}

/* A directory of the backing tree, and a valid name to look up in it. */
static int backing_check_dir(const struct backing_ctx *ctx,
			     const struct path *dir, const struct qstr *name)
{
	int err = backing_check_ctx(ctx);

	if (!err && backing_check_path(ctx->root))
		err = -EINVAL;
	if (!err)
		err = backing_check_name(name);
	if (!err)
		err = backing_check_path(dir);
	if (err)
		return err;
	if (!d_can_lookup(dir->dentry))
		return -ENOTDIR;
	return backing_check_beneath(ctx, dir);
}

/* Look @name up in @dir, whose inode the caller holds locked. */
static struct dentry *backing_lookup_locked(const struct path *dir,
					    const struct qstr *name)
{
	return lookup_one(mnt_idmap(dir->mnt), (const char *)name->name,
			  dir->dentry, name->len);
}

static void backing_set_out(struct path *out, const struct path *dir,
			    struct dentry *dentry)
{
	if (!out)
		return;
	out->mnt = mntget(dir->mnt);
	out->dentry = dget(dentry);
}

/**
 * backing_lookup - look a name up in a backing directory
 * @ctx: backing context
 * @dir: directory of the backing filesystem, beneath @ctx->root
 * @name: a single path component
 * @out: on success, the path found; it may be negative
 *
 * Look @name up in @dir without holding @dir's lock, with the credentials
 * of @ctx.  The caller must path_put() @out.
 *
 * Return: 0 on success, -EINVAL if @name is empty, "." or "..", or holds a
 * '/', -ENAMETOOLONG if it is too long, -EXDEV if @dir or the result are
 * not beneath @ctx->root, or the error of the backing filesystem.
 */
int backing_lookup(const struct backing_ctx *ctx, const struct path *dir,
		   const struct qstr *name, struct path *out)
{
	const struct cred *old_cred;
	struct dentry *dentry;
	int err;

	err = backing_check_dir(ctx, dir, name);
	if (err)
		return err;
	if (!out)
		return -EINVAL;

	old_cred = backing_override_creds(ctx);
	dentry = lookup_one_unlocked(mnt_idmap(dir->mnt),
				     (const char *)name->name, dir->dentry,
				     name->len);
	backing_revert_creds(old_cred);
	if (IS_ERR(dentry))
		return PTR_ERR(dentry);

	out->mnt = mntget(dir->mnt);
	out->dentry = dentry;
	/* @dir may have been moved out of the root in the meantime. */
	err = backing_check_beneath(ctx, out);
	if (err)
		path_put(out);
	return err;
}
EXPORT_SYMBOL_GPL(backing_lookup);

#define BACKING_RESOLVE_FLAGS (LOOKUP_FOLLOW | LOOKUP_DIRECTORY | \
			       LOOKUP_AUTOMOUNT | LOOKUP_NO_SYMLINKS | \
			       LOOKUP_NO_MAGICLINKS | LOOKUP_NO_XDEV)

/**
 * backing_resolve - resolve a path relative to the backing root
 * @ctx: backing context, whose @root must be set
 * @relpath: path to resolve, relative to @ctx->root
 * @lookup_flags: LOOKUP_FOLLOW, LOOKUP_DIRECTORY, LOOKUP_AUTOMOUNT,
 *	LOOKUP_NO_SYMLINKS, LOOKUP_NO_MAGICLINKS or LOOKUP_NO_XDEV
 * @out: on success, the path found
 *
 * Walk @relpath from @ctx->root with the credentials of @ctx.  The walk is
 * done with LOOKUP_BENEATH: ".." above the root, absolute symbolic links
 * and symbolic links leading out of the root fail with -EXDEV.  A leading
 * '/' in @relpath is taken to mean @ctx->root.  The caller must path_put()
 * @out.
 *
 * Return: 0 on success, -EINVAL on bad arguments, -EXDEV if the walk would
 * leave @ctx->root, or the error of the backing filesystem.
 */
int backing_resolve(const struct backing_ctx *ctx, const char *relpath,
		    unsigned int lookup_flags, struct path *out)
{
	const struct cred *old_cred;
	int err;

	if (backing_check_ctx(ctx) || !relpath || !out ||
	    backing_check_path(ctx->root))
		return -EINVAL;
	if (lookup_flags & ~BACKING_RESOLVE_FLAGS)
		return -EINVAL;

	old_cred = backing_override_creds(ctx);
	err = vfs_path_lookup(ctx->root->dentry, ctx->root->mnt, relpath,
			      lookup_flags | LOOKUP_BENEATH, out);
	backing_revert_creds(old_cred);
	return err;
}
EXPORT_SYMBOL_GPL(backing_resolve);

/*
 * State of an operation on a name in a locked backing directory:
 * backing_dirop_start() gets write access, switches credentials, locks
 * the directory and looks the name up; backing_dirop_end() undoes it.
 */
struct backing_dirop {
	const struct path *dir;
	struct dentry *dentry;
	const struct cred *old_cred;
};

static int backing_dirop_start(const struct backing_ctx *ctx,
			       const struct path *dir, const struct qstr *name,
			       struct backing_dirop *op)
{
	int err;

	err = backing_check_dir(ctx, dir, name);
	if (err)
		return err;
	err = mnt_want_write(dir->mnt);
	if (err)
		return err;

	op->dir = dir;
	op->old_cred = backing_override_creds(ctx);
	inode_lock_nested(d_inode(dir->dentry), I_MUTEX_PARENT);
	op->dentry = backing_lookup_locked(dir, name);
	if (!IS_ERR(op->dentry))
		return 0;

	err = PTR_ERR(op->dentry);
	inode_unlock(d_inode(dir->dentry));
	backing_revert_creds(op->old_cred);
	mnt_drop_write(dir->mnt);
	return err;
}

static void backing_dirop_end(struct backing_dirop *op)
{
	dput(op->dentry);
	inode_unlock(d_inode(op->dir->dentry));
	backing_revert_creds(op->old_cred);
	mnt_drop_write(op->dir->mnt);
}

/*
 * Some filesystems instantiate another dentry than the one they are given
 * to create, leaving that one unhashed or negative.  Look the new object
 * up again in that case.
 */
static int backing_dirop_relookup(struct backing_dirop *op)
{
	struct dentry *dentry = op->dentry;

	if (!d_unhashed(dentry) && d_really_is_positive(dentry))
		return 0;

	dentry = lookup_one(mnt_idmap(op->dir->mnt), dentry->d_name.name,
			    op->dir->dentry, dentry->d_name.len);
	if (IS_ERR(dentry))
		return PTR_ERR(dentry);
	dput(op->dentry);
	op->dentry = dentry;
	return d_really_is_positive(dentry) ? 0 : -EIO;
}

static int backing_check_create_args(const struct backing_ctx *ctx,
				     const struct backing_create_args *args)
{
	if (!args)
		return -EINVAL;
	/* the security modules label the new object from the stacked dentry */
	if (args->caller && !args->stacked)
		return -EINVAL;

	switch (args->mode & S_IFMT) {
	case S_IFLNK:
		return args->target && *args->target ? 0 : -EINVAL;
	case S_IFREG:
	case S_IFDIR:
	case S_IFCHR:
	case S_IFBLK:
	case S_IFIFO:
	case S_IFSOCK:
		return 0;
	default:
		return -EINVAL;
	}
}

static int backing_do_create(struct mnt_idmap *idmap, struct inode *dir,
			     struct dentry *dentry,
			     const struct backing_create_args *args)
{
	umode_t mode = args->mode;

	switch (mode & S_IFMT) {
	case S_IFREG:
		return vfs_create(idmap, dir, dentry, mode, args->excl);
	case S_IFDIR:
		return vfs_mkdir(idmap, dir, dentry, mode);
	case S_IFLNK:
		return vfs_symlink(idmap, dir, dentry, args->target);
	case S_IFCHR:
	case S_IFBLK:
		return vfs_mknod(idmap, dir, dentry, mode, args->rdev);
	default:
		return vfs_mknod(idmap, dir, dentry, mode, 0);
	}
}

/*
 * Switch to the caller's ownership for the creation, within the override
 * backing_dirop_start() made: backing_dirop_end() reverts both at once.
 */
static int backing_create_as(const struct backing_create_args *args)
{
	if (!args->caller)
		return 0;
	return stack_creds_create_as(args->stacked, args->mode, args->uid,
				     args->gid, args->caller);
}

/**
 * backing_create - create an object in a backing directory
 * @ctx: backing context
 * @dir: directory of the backing filesystem, beneath @ctx->root
 * @name: name of the new object, a single path component
 * @args: what to create; the file type in @args->mode selects between
 *	vfs_create(), vfs_mkdir(), vfs_symlink() and vfs_mknod()
 * @out: optional; on success, the path of the new object
 *
 * Create @name in @dir with the credentials of @ctx, holding write access
 * to @dir's mount and @dir's inode lock.  With @args->caller set, the
 * object is created as that caller (stack_creds_create_as()), labelled by
 * the security modules from @args->stacked.  The caller must path_put()
 * @out.
 *
 * Return: 0 on success, -EINVAL or -ENAMETOOLONG on bad arguments, -EXDEV
 * if @dir is not beneath @ctx->root, -EEXIST if @name exists, or the error
 * of the backing filesystem.
 */
int backing_create(const struct backing_ctx *ctx, const struct path *dir,
		   const struct qstr *name,
		   const struct backing_create_args *args, struct path *out)
{
	struct backing_dirop op;
	int err;

	err = backing_check_create_args(ctx, args);
	if (err)
		return err;
	err = backing_dirop_start(ctx, dir, name, &op);
	if (err)
		return err;

	err = -EEXIST;
	if (d_really_is_negative(op.dentry))
		err = backing_create_as(args);
	if (!err)
		err = backing_do_create(mnt_idmap(dir->mnt),
					d_inode(dir->dentry), op.dentry, args);
	if (!err)
		err = backing_dirop_relookup(&op);
	if (!err)
		backing_set_out(out, dir, op.dentry);
	backing_dirop_end(&op);
	return err;
}
EXPORT_SYMBOL_GPL(backing_create);

/**
 * backing_link - create a hard link in a backing directory
 * @ctx: backing context
 * @old: existing object to link to, on the same mount as @dir
 * @dir: directory of the backing filesystem, beneath @ctx->root
 * @name: name of the new link, a single path component
 * @out: optional; on success, the path of the new link
 *
 * Link @old as @name in @dir with the credentials of @ctx.  The caller
 * must path_put() @out.
 *
 * Return: 0 on success, -EINVAL or -ENAMETOOLONG on bad arguments, -EXDEV
 * if @old and @dir are on different mounts or not beneath @ctx->root,
 * -EEXIST if @name exists, or the error of the backing filesystem.
 */
int backing_link(const struct backing_ctx *ctx, const struct path *old,
		 const struct path *dir, const struct qstr *name,
		 struct path *out)
{
	struct backing_dirop op;
	int err;

	err = backing_check_op(ctx, old);
	if (!err && backing_check_path(ctx->root))
		err = -EINVAL;
	if (err)
		return err;
	if (!dir || old->mnt != dir->mnt)
		return -EXDEV;
	err = backing_check_beneath(ctx, old);
	if (err)
		return err;
	err = backing_dirop_start(ctx, dir, name, &op);
	if (err)
		return err;

	err = -EEXIST;
	if (d_really_is_negative(op.dentry))
		err = vfs_link(old->dentry, mnt_idmap(dir->mnt),
			       d_inode(dir->dentry), op.dentry, NULL);
	if (!err)
		err = backing_dirop_relookup(&op);
	if (!err)
		backing_set_out(out, dir, op.dentry);
	backing_dirop_end(&op);
	return err;
}
EXPORT_SYMBOL_GPL(backing_link);

/* Remove @name from @dir: a directory if @dir_wanted, else anything else. */
static int backing_remove(const struct backing_ctx *ctx, const struct path *dir,
			  const struct qstr *name, bool dir_wanted)
{
	struct mnt_idmap *idmap;
	struct inode *pdir;
	struct backing_dirop op;
	int err;

	err = backing_dirop_start(ctx, dir, name, &op);
	if (err)
		return err;

	idmap = mnt_idmap(dir->mnt);
	pdir = d_inode(dir->dentry);
	if (d_really_is_negative(op.dentry))
		err = -ENOENT;
	else if (d_is_dir(op.dentry) != dir_wanted)
		err = dir_wanted ? -ENOTDIR : -EISDIR;
	else if (dir_wanted)
		err = vfs_rmdir(idmap, pdir, op.dentry);
	else
		err = vfs_unlink(idmap, pdir, op.dentry, NULL);
	backing_dirop_end(&op);
	return err;
}

/**
 * backing_unlink - remove a non-directory from a backing directory
 * @ctx: backing context
 * @dir: directory of the backing filesystem, beneath @ctx->root
 * @name: name to remove, a single path component
 *
 * Return: 0 on success, -EINVAL or -ENAMETOOLONG on bad arguments, -EXDEV
 * if @dir is not beneath @ctx->root, -ENOENT if @name does not exist,
 * -EISDIR if it is a directory, or the error of the backing filesystem.
 */
int backing_unlink(const struct backing_ctx *ctx, const struct path *dir,
		   const struct qstr *name)
{
	return backing_remove(ctx, dir, name, false);
}
EXPORT_SYMBOL_GPL(backing_unlink);

/**
 * backing_rmdir - remove a directory from a backing directory
 * @ctx: backing context
 * @dir: directory of the backing filesystem, beneath @ctx->root
 * @name: name of the directory to remove, a single path component
 *
 * Return: 0 on success, -EINVAL or -ENAMETOOLONG on bad arguments, -EXDEV
 * if @dir is not beneath @ctx->root, -ENOENT if @name does not exist,
 * -ENOTDIR if it is not a directory, or the error of the backing
 * filesystem.
 */
int backing_rmdir(const struct backing_ctx *ctx, const struct path *dir,
		  const struct qstr *name)
{
	return backing_remove(ctx, dir, name, true);
}
EXPORT_SYMBOL_GPL(backing_rmdir);

static int backing_check_rename_flags(unsigned int flags)
{
	if (flags & ~(RENAME_NOREPLACE | RENAME_EXCHANGE | RENAME_WHITEOUT))
		return -EINVAL;
	if ((flags & RENAME_EXCHANGE) &&
	    (flags & (RENAME_NOREPLACE | RENAME_WHITEOUT)))
		return -EINVAL;
	return 0;
}

/* Checks done by do_renameat2() once both names have been looked up. */
static int backing_check_rename_dentries(struct dentry *old, struct dentry *new,
					 struct dentry *trap,
					 unsigned int flags)
{
	if (d_really_is_negative(old))
		return -ENOENT;
	if ((flags & RENAME_EXCHANGE) && d_really_is_negative(new))
		return -ENOENT;
	if ((flags & RENAME_NOREPLACE) && d_really_is_positive(new))
		return -EEXIST;
	/* The source must not be an ancestor of the target... */
	if (old == trap)
		return -EINVAL;
	/* ...nor the target an ancestor of the source. */
	if (new == trap)
		return flags & RENAME_EXCHANGE ? -EINVAL : -ENOTEMPTY;
	return 0;
}

/* Called with both directories locked by lock_rename(). */
static int backing_rename_locked(const struct path *olddir,
				 const struct qstr *oldname,
				 const struct path *newdir,
				 const struct qstr *newname,
				 struct dentry *trap, unsigned int flags)
{
	struct mnt_idmap *idmap = mnt_idmap(olddir->mnt);
	struct renamedata rd = {
		.old_mnt_idmap = idmap,
		.old_dir = d_inode(olddir->dentry),
		.new_mnt_idmap = idmap,
		.new_dir = d_inode(newdir->dentry),
		.flags = flags,
	};
	struct dentry *old, *new;
	int err;

	old = backing_lookup_locked(olddir, oldname);
	if (IS_ERR(old))
		return PTR_ERR(old);
	new = backing_lookup_locked(newdir, newname);
	err = PTR_ERR_OR_ZERO(new);
	if (err)
		goto out_old;

	err = backing_check_rename_dentries(old, new, trap, flags);
	if (!err) {
		rd.old_dentry = old;
		rd.new_dentry = new;
		err = vfs_rename(&rd);
	}
	dput(new);
out_old:
	dput(old);
	return err;
}

/**
 * backing_rename - rename an object of the backing filesystem
 * @ctx: backing context
 * @olddir: directory holding the object, beneath @ctx->root
 * @oldname: name of the object, a single path component
 * @newdir: directory to move the object to, on the same mount as @olddir
 * @newname: new name of the object, a single path component
 * @flags: RENAME_NOREPLACE, RENAME_EXCHANGE or RENAME_WHITEOUT, passed on
 *	to vfs_rename()
 *
 * Rename with the credentials of @ctx, holding write access to the mount
 * and both directories locked with lock_rename().  As rename(2) does, this
 * refuses to move a directory beneath itself.
 *
 * Return: 0 on success, -EINVAL or -ENAMETOOLONG on bad arguments or when
 * moving a directory beneath itself, -EXDEV if the directories are on
 * different mounts or not beneath @ctx->root, -ENOENT, -EEXIST or
 * -ENOTEMPTY as rename(2) would return them, or the error of the backing
 * filesystem.
 */
int backing_rename(const struct backing_ctx *ctx, const struct path *olddir,
		   const struct qstr *oldname, const struct path *newdir,
		   const struct qstr *newname, unsigned int flags)
{
	const struct cred *old_cred;
	struct dentry *trap;
	int err;

	err = backing_check_rename_flags(flags);
	if (!err)
		err = backing_check_dir(ctx, olddir, oldname);
	if (!err)
		err = backing_check_dir(ctx, newdir, newname);
	if (err)
		return err;
	if (olddir->mnt != newdir->mnt)
		return -EXDEV;

	err = mnt_want_write(olddir->mnt);
	if (err)
		return err;
	old_cred = backing_override_creds(ctx);
	trap = lock_rename(newdir->dentry, olddir->dentry);
	if (IS_ERR(trap)) {
		err = PTR_ERR(trap);
	} else {
		err = backing_rename_locked(olddir, oldname, newdir, newname,
					    trap, flags);
		unlock_rename(newdir->dentry, olddir->dentry);
	}
	backing_revert_creds(old_cred);
	mnt_drop_write(olddir->mnt);
	return err;
}
EXPORT_SYMBOL_GPL(backing_rename);
