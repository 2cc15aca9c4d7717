// SPDX-License-Identifier: GPL-2.0-only
/*
 * Namespace operations of a stacked filesystem on its backing filesystem.
 *
 * Each helper runs the VFS operation with the credentials of the backing
 * context, takes the locks and write access the operation needs, and
 * returns the error of the backing filesystem unchanged.
 *
 * The backing tree is what lies beneath ctx->root on the mount of
 * ctx->root, and no helper leaves it:
 *
 *  - A directory or an object handed in must be on that mount and beneath
 *    the root, or the helper fails with -EXDEV.
 *  - Mounts beneath the root are not part of the backing tree.
 *    backing_lookup() refuses a name that something is mounted on with
 *    -EXDEV: no helper hands out a path on another mount, which every
 *    helper would then refuse, nor the object such a mount hides.  The root itself is
 *    what the stacked filesystem chose, whatever is mounted on it.
 *  - Automount points, autofs directories in transit and objects of no
 *    type the VFS can walk are refused with -EREMOTE by the lookups, as
 *    overlayfs refuses them in its layers (ovl_dentry_weird()).
 *
 * Whether a directory is beneath the root is checked without locks first
 * (is_subdir()), so that a wrong directory is refused early, then again
 * once the directory is locked for the operation: a directory cannot be
 * moved to another parent while its inode lock is held.  One of its
 * ancestors can: only a rename between two directories, which holds the
 * rename lock of the superblock, is safe from that too.  backing_lookup()
 * holds no lock and checks its result instead.
 */

#include <linux/backing-ctx.h>
#include <linux/backing-dentry.h>
#include <linux/dcache.h>
#include <linux/file.h>
#include <linux/export.h>
#include <linux/fs.h>
#include <linux/mount.h>
#include <linux/namei.h>
#include <linux/string.h>

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

/* Whether @dentry of the mount of ctx->root is beneath ctx->root. */
static bool backing_is_beneath(const struct backing_ctx *ctx,
			       struct dentry *dentry)
{
	return is_subdir(dentry, ctx->root.dentry);
}

/*
 * The same, in RCU walk: without the rename lock, which is_subdir() may
 * take; a rename anywhere meanwhile counts as "not beneath", so that the
 * walk retries in ref mode.
 */
static bool backing_is_beneath_rcu(const struct backing_ctx *ctx,
				   struct dentry *dentry)
{
	unsigned int seq = read_seqbegin(&rename_lock);
	bool beneath = dentry == ctx->root.dentry ||
		       d_ancestor(ctx->root.dentry, dentry);

	return beneath && !read_seqretry(&rename_lock, seq);
}

static int backing_check_beneath(const struct backing_ctx *ctx,
				 const struct path *path)
{
	if (path->mnt != ctx->root.mnt ||
	    !backing_is_beneath(ctx, path->dentry))
		return -EXDEV;
	return 0;
}

/* A directory of the backing tree. */
static int backing_check_parent(const struct backing_ctx *ctx,
				const struct path *dir)
{
	if (!d_can_lookup(dir->dentry))
		return -ENOTDIR;
	return backing_check_beneath(ctx, dir);
}

/* A directory of the backing tree, and a valid name to look up in it. */
static int backing_check_dir(const struct backing_ctx *ctx,
			     const struct path *dir, const struct qstr *name)
{
	int err = backing_check_name(name);

	if (err)
		return err;
	return backing_check_parent(ctx, dir);
}

/*
 * What overlayfs calls weird (ovl_dentry_weird()): an automount point, an
 * autofs directory that may be in transit, or an object that is neither
 * a directory one can look up in, nor a file, nor a symbolic link.  A
 * negative dentry has no type, only the flags count.
 *
 * Unlike overlayfs, names with their own hash or compare operations are
 * accepted: overlayfs compares names across layers, these helpers only
 * ever look names up in one filesystem, which applies its own operations.
 */
static bool backing_dentry_weird(const struct dentry *dentry)
{
	if (READ_ONCE(dentry->d_flags) &
	    (DCACHE_NEED_AUTOMOUNT | DCACHE_MANAGE_TRANSIT))
		return true;
	if (d_is_negative(dentry))
		return false;
	return !d_can_lookup(dentry) && !d_is_file(dentry) &&
	       !d_is_symlink(dentry);
}

/*
 * What a lookup found, before it is handed out: still beneath the root
 * (the directory it was found in may have moved since it was checked),
 * and not weird.
 */
static int backing_check_found(const struct backing_ctx *ctx,
			       const struct path *path)
{
	int err = backing_check_beneath(ctx, path);

	if (err)
		return err;
	return backing_dentry_weird(path->dentry) ? -EREMOTE : 0;
}

/**
 * backing_lookup - look a name up in a backing directory
 * @ctx: backing context
 * @dir: directory of the backing filesystem, beneath @ctx->root
 * @name: a single path component
 * @out: on success, the path found, which may be negative; cleared on
 *	error
 *
 * Look @name up in @dir without holding @dir's lock, with the credentials
 * of @ctx.  Mounts are not followed: a name that something is mounted on
 * is refused, as are automount points and objects overlayfs would not
 * take in a layer.  The caller must path_put() @out.
 *
 * Return: 0 on success, -EINVAL if @name is empty, "." or "..", or holds a
 * '/', -ENAMETOOLONG if it is too long, -ENOTDIR if @dir is not a
 * directory, -EXDEV if @dir or the result are not beneath @ctx->root or
 * something is mounted on the result, -EREMOTE if the result is an
 * automount point or of a type the VFS cannot walk, or the error of the
 * backing filesystem.
 */
int backing_lookup(const struct backing_ctx *ctx, const struct path *dir,
		   const struct qstr *name, struct path *out)
{
	struct dentry *dentry;
	struct qstr this;
	struct path found;
	int err;

	*out = (struct path) {};

	err = backing_check_dir(ctx, dir, name);
	if (err)
		return err;

	this = QSTR_LEN(name->name, name->len);
	with_backing_creds(ctx)
		dentry = lookup_one_unlocked(mnt_idmap(dir->mnt), &this,
					     dir->dentry);
	if (IS_ERR(dentry))
		return PTR_ERR(dentry);

	found.mnt = mntget(dir->mnt);
	found.dentry = dentry;
	err = backing_check_found(ctx, &found);
	/* a mount beneath the root: not part of the backing tree */
	if (!err && path_is_mountpoint(&found))
		err = -EXDEV;
	if (err) {
		path_put(&found);
		return err;
	}
	*out = found;
	return 0;
}
EXPORT_SYMBOL_GPL(backing_lookup);

/*
 * Is @dentry's name @name?  Compared as the dcache compares names in RCU
 * lookup: the name is NUL-terminated and the comparison stops at the
 * first difference, so a name being replaced is never read past its end;
 * @dentry's d_seq says afterwards whether what was read holds.
 */
static bool backing_dentry_named(const struct dentry *dentry,
				 const struct qstr *name)
{
	/* Pairs with the store of a new name by __d_move(), as in dcache.c */
	const unsigned char *cs = smp_load_acquire(&dentry->d_name.name);
	unsigned int i;

	for (i = 0; i < name->len; i++)
		if (cs[i] != name->name[i])
			return false;
	return !cs[i];
}

/*
 * RCU walk: what can be read without blocking.  Anything but "this very
 * dentry, still hashed under @dir with @name" is left to ref-walk: the
 * backing filesystem may compare names in its own way, and a dentry that
 * its filesystem revalidates must be revalidated by it.
 */
static int backing_revalidate_rcu(const struct backing_ctx *ctx,
				  const struct path *dir,
				  const struct qstr *name,
				  const struct path *child)
{
	struct dentry *dentry = child->dentry;
	unsigned int seq;
	bool same;

	if (child->mnt != dir->mnt ||
	    (READ_ONCE(dentry->d_flags) & DCACHE_OP_REVALIDATE))
		return -ECHILD;
	/*
	 * A walk may start below the stacked root (a working directory, an
	 * open directory): @dir itself may have been moved out of the
	 * backing tree since it was looked up.
	 */
	if (dir->mnt != ctx->root.mnt ||
	    !backing_is_beneath_rcu(ctx, dir->dentry))
		return -ECHILD;
	seq = raw_seqcount_begin(&dentry->d_seq);
	same = READ_ONCE(dentry->d_parent) == dir->dentry &&
	       !d_unhashed(dentry) && !d_mountpoint(dentry) &&
	       backing_dentry_named(dentry, name);
	if (read_seqcount_retry(&dentry->d_seq, seq) || !same)
		return -ECHILD;
	return 1;
}

/**
 * backing_revalidate - is a backing object still a name of its directory?
 * @ctx: backing context
 * @dir: backing directory, beneath @ctx->root
 * @name: a single path component
 * @child: the backing object a stacked dentry named @name stands for
 * @flags: the flags of ->d_revalidate(); LOOKUP_RCU in RCU walk
 *
 * For a stacked filesystem whose directories follow backing directories
 * that can change beneath it: its dentry stays valid while @name in @dir
 * still leads to the inode of @child (another hard link of it will do),
 * that is, while it was not unlinked, renamed or replaced in the backing
 * directory, and nothing was mounted on it.  Outside RCU walk, @name is
 * looked up again as backing_lookup() does.
 *
 * Return: 1 if valid, 0 if not, -ECHILD in RCU walk when that cannot be
 * told without blocking, or the error of the backing filesystem when the
 * lookup failed for another reason than the name (out of memory,
 * interrupted, I/O error).
 */
int backing_revalidate(const struct backing_ctx *ctx, const struct path *dir,
		       const struct qstr *name, const struct path *child,
		       unsigned int flags)
{
	struct path found;
	int err;

	if (flags & LOOKUP_RCU)
		return backing_revalidate_rcu(ctx, dir, name, child);

	err = backing_lookup(ctx, dir, name, &found);
	switch (err) {
	case 0:
		break;
	case -ENOMEM:
	case -EINTR:
	case -EIO:
		return err;
	default:	/* no such name, or one the helpers refuse */
		return 0;
	}
	err = found.mnt == child->mnt &&
	      d_inode(found.dentry) == d_inode(child->dentry);
	path_put(&found);
	return err;
}
EXPORT_SYMBOL_GPL(backing_revalidate);

/*
 * Done with the directory an operation works in locked: it is still
 * beneath the root (see the comment at the top of this file).
 */
static int backing_check_locked_dir(const struct backing_ctx *ctx,
				    struct dentry *dir)
{
	return backing_is_beneath(ctx, dir) ? 0 : -EXDEV;
}

static void backing_set_out(struct path *out, const struct path *dir,
			    struct dentry *dentry)
{
	if (!out)
		return;
	out->mnt = mntget(dir->mnt);
	out->dentry = dget(dentry);
}

static int backing_check_create_args(const struct backing_create_args *args)
{
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

/*
 * Some filesystems instantiate another dentry than the one they are given
 * to create, leaving that one unhashed or negative.  Look the new object
 * up again in that case, still under the lock of @parent.
 *
 * Like vfs_mkdir(), this consumes @dentry: it returns the dentry to end
 * the creation with, or an error after ending it.
 */
static struct dentry *backing_create_relookup(struct mnt_idmap *idmap,
					      struct dentry *parent,
					      struct qstr *name,
					      struct dentry *dentry)
{
	struct dentry *found;

	if (!d_unhashed(dentry) && d_really_is_positive(dentry))
		return dentry;

	found = lookup_one(idmap, name, parent);
	if (IS_ERR(found)) {
		end_creating(dentry);
		return found;
	}
	dput(dentry);
	if (d_really_is_negative(found)) {
		end_creating(found);
		return ERR_PTR(-EIO);
	}
	return found;
}

/*
 * Create the object @args describe at the negative @dentry, with the
 * credentials in effect.  Consumes @dentry as vfs_mkdir() does.
 */
static struct dentry *backing_do_create(struct mnt_idmap *idmap,
					struct inode *dir, struct dentry *dentry,
					const struct backing_create_args *args)
{
	umode_t mode = args->mode;
	int err;

	switch (mode & S_IFMT) {
	case S_IFDIR:
		return vfs_mkdir(idmap, dir, dentry, mode, NULL);
	case S_IFREG:
		err = vfs_create(idmap, dentry, mode, NULL);
		break;
	case S_IFLNK:
		err = vfs_symlink(idmap, dir, dentry, args->target, NULL);
		break;
	case S_IFCHR:
	case S_IFBLK:
		err = vfs_mknod(idmap, dir, dentry, mode, args->rdev, NULL);
		break;
	default:
		err = vfs_mknod(idmap, dir, dentry, mode, 0, NULL);
		break;
	}
	if (err) {
		end_creating(dentry);
		return ERR_PTR(err);
	}
	return dentry;
}

/*
 * Create as the caller, between the switch to the context's credentials
 * and its end.  Consumes @dentry as vfs_mkdir() does.
 */
static struct dentry *backing_create_as(const struct backing_ctx *ctx,
					struct mnt_idmap *idmap,
					struct inode *dir, struct dentry *dentry,
					const struct backing_create_args *args)
{
	CLASS(backing_creds_create_as, old)(ctx, args->stacked, args->mode,
					    args->uid, args->gid,
					    args->caller);

	if (IS_ERR(old)) {
		end_creating(dentry);
		return ERR_CAST(old);
	}
	return backing_do_create(idmap, dir, dentry, args);
}

/* The negative dentry of @name in the locked @dir, or an error. */
static struct dentry *backing_start_creating(const struct backing_ctx *ctx,
					     const struct path *dir,
					     struct qstr *name)
{
	struct dentry *dentry;
	int err;

	dentry = start_creating(mnt_idmap(dir->mnt), dir->dentry, name);
	if (IS_ERR(dentry))
		return dentry;

	err = backing_check_locked_dir(ctx, dir->dentry);
	if (!err && d_really_is_positive(dentry))
		err = -EEXIST;
	if (err) {
		end_creating(dentry);
		return ERR_PTR(err);
	}
	return dentry;
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
 * Create @name in @dir, holding write access to @dir's mount and @dir's
 * inode lock.  The name is looked up with the credentials of @ctx, and
 * the object created as @args->caller (backing_creds_create_as()): it is
 * owned by @args->uid and @args->gid and labelled by the security modules
 * from @args->stacked, with the capabilities of @ctx.  The caller must
 * path_put() @out.
 *
 * Return: 0 on success, -EINVAL or -ENAMETOOLONG on a bad name or type,
 * -ENOTDIR if @dir is not a directory, -EXDEV if @dir is not beneath
 * @ctx->root, -EEXIST if @name exists, or the error of the security
 * modules or of the backing filesystem.
 */
int backing_create(const struct backing_ctx *ctx, const struct path *dir,
		   const struct qstr *name,
		   const struct backing_create_args *args, struct path *out)
{
	struct dentry *dentry;
	struct qstr this;
	int err;

	if (out)
		*out = (struct path) {};
	err = backing_check_create_args(args);
	if (!err)
		err = backing_check_dir(ctx, dir, name);
	if (err)
		return err;

	err = mnt_want_write(dir->mnt);
	if (err)
		return err;

	this = QSTR_LEN(name->name, name->len);
	with_backing_creds(ctx) {
		struct mnt_idmap *idmap = mnt_idmap(dir->mnt);

		dentry = backing_start_creating(ctx, dir, &this);
		if (!IS_ERR(dentry))
			dentry = backing_create_as(ctx, idmap,
						   d_inode(dir->dentry),
						   dentry, args);
		if (!IS_ERR(dentry))
			dentry = backing_create_relookup(idmap, dir->dentry,
							 &this, dentry);
		if (!IS_ERR(dentry)) {
			backing_set_out(out, dir, dentry);
			end_creating(dentry);
		}
	}
	mnt_drop_write(dir->mnt);
	return PTR_ERR_OR_ZERO(dentry);
}
EXPORT_SYMBOL_GPL(backing_create);

/**
 * backing_tmpfile - create an unnamed file in a backing directory
 * @ctx: backing context
 * @dir: directory of the backing filesystem, beneath @ctx->root
 * @args: what to create: a regular file of mode @args->mode
 * @out: on success, the path of the new file, which has no name
 *
 * The O_TMPFILE counterpart of backing_create(): the file is made by
 * vfs_tmpfile() in @dir, holding write access to @dir's mount, as
 * @args->caller (owned by @args->uid and @args->gid, labelled from
 * @args->stacked) with the capabilities of @ctx.  It may be given a name
 * with backing_link() later.  The caller must path_put() @out.
 *
 * Return: 0 on success, -EINVAL on bad arguments (a type other than a
 * regular file among them), -ENOTDIR if @dir is not a directory, -EXDEV if
 * @dir is not beneath @ctx->root, -EOPNOTSUPP if the backing filesystem
 * cannot make unnamed files, or the error of the security modules or of
 * the backing filesystem.
 */
int backing_tmpfile(const struct backing_ctx *ctx, const struct path *dir,
		    const struct backing_create_args *args, struct path *out)
{
	struct file *file;
	int err;

	*out = (struct path) {};
	err = backing_check_create_args(args);
	if (!err && !S_ISREG(args->mode))
		err = -EINVAL;
	if (!err)
		err = backing_check_parent(ctx, dir);
	if (err)
		return err;

	err = mnt_want_write(dir->mnt);
	if (err)
		return err;
	with_backing_creds(ctx) {
		CLASS(backing_creds_create_as, old)(ctx, args->stacked,
						    args->mode, args->uid,
						    args->gid, args->caller);

		file = ERR_CAST(old);
		if (!IS_ERR(old))
			file = kernel_tmpfile_open(mnt_idmap(dir->mnt), dir,
						   args->mode, O_RDWR,
						   current_cred());
	}
	mnt_drop_write(dir->mnt);
	if (IS_ERR(file))
		return PTR_ERR(file);
	*out = file->f_path;
	path_get(out);
	fput(file);
	return 0;
}
EXPORT_SYMBOL_GPL(backing_tmpfile);

/**
 * backing_link - create a hard link in a backing directory
 * @ctx: backing context
 * @old: existing object to link to, beneath @ctx->root
 * @dir: directory of the backing filesystem, beneath @ctx->root
 * @name: name of the new link, a single path component
 * @out: optional; on success, the path of the new link
 *
 * Link @old as @name in @dir with the credentials of @ctx: a link creates
 * no inode, so there is no owner to give it.  The caller must path_put()
 * @out.
 *
 * Return: 0 on success, -EINVAL or -ENAMETOOLONG on bad arguments,
 * -ENOTDIR if @dir is not a directory, -EXDEV if @old or @dir are not
 * beneath @ctx->root, -EEXIST if @name exists, or the error of the
 * backing filesystem.
 */
int backing_link(const struct backing_ctx *ctx, const struct path *old,
		 const struct path *dir, const struct qstr *name,
		 struct path *out)
{
	struct dentry *dentry;
	struct qstr this;
	int err;

	if (out)
		*out = (struct path) {};
	err = backing_check_beneath(ctx, old);
	if (!err)
		err = backing_check_dir(ctx, dir, name);
	if (err)
		return err;

	err = mnt_want_write(dir->mnt);
	if (err)
		return err;

	this = QSTR_LEN(name->name, name->len);
	with_backing_creds(ctx) {
		struct mnt_idmap *idmap = mnt_idmap(dir->mnt);

		dentry = backing_start_creating(ctx, dir, &this);
		if (!IS_ERR(dentry)) {
			err = vfs_link(old->dentry, idmap, d_inode(dir->dentry),
				       dentry, NULL);
			if (err) {
				end_creating(dentry);
				dentry = ERR_PTR(err);
			}
		}
		if (!IS_ERR(dentry))
			dentry = backing_create_relookup(idmap, dir->dentry,
							 &this, dentry);
		if (!IS_ERR(dentry)) {
			backing_set_out(out, dir, dentry);
			end_creating(dentry);
		}
	}
	mnt_drop_write(dir->mnt);
	return PTR_ERR_OR_ZERO(dentry);
}
EXPORT_SYMBOL_GPL(backing_link);

/* Remove @name from @dir: a directory if @dir_wanted, else anything else. */
static int backing_remove(const struct backing_ctx *ctx, const struct path *dir,
			  const struct qstr *name, const struct inode *victim,
			  bool dir_wanted)
{
	struct mnt_idmap *idmap;
	struct dentry *dentry;
	struct qstr this;
	int err;

	err = backing_check_dir(ctx, dir, name);
	if (err)
		return err;

	err = mnt_want_write(dir->mnt);
	if (err)
		return err;

	idmap = mnt_idmap(dir->mnt);
	this = QSTR_LEN(name->name, name->len);
	with_backing_creds(ctx) {
		dentry = start_removing(idmap, dir->dentry, &this);
		err = PTR_ERR_OR_ZERO(dentry);
		if (!err)
			err = backing_check_locked_dir(ctx, dir->dentry);
		if (!err && d_is_dir(dentry) != dir_wanted)
			err = dir_wanted ? -ENOTDIR : -EISDIR;
		/* Replaced since the caller looked: not the one it may remove */
		if (!err && victim && d_inode(dentry) != victim)
			err = -ESTALE;
		if (!err && dir_wanted)
			err = vfs_rmdir(idmap, d_inode(dir->dentry), dentry,
					NULL);
		else if (!err)
			err = vfs_unlink(idmap, d_inode(dir->dentry), dentry,
					 NULL);
		end_removing(dentry);
	}
	mnt_drop_write(dir->mnt);
	return err;
}

/**
 * backing_unlink - remove a non-directory from a backing directory
 * @ctx: backing context
 * @dir: directory of the backing filesystem, beneath @ctx->root
 * @name: name to remove, a single path component
 * @victim: optional; the backing inode the caller was allowed to remove
 *
 * Remove @name with the credentials of @ctx, holding write access to
 * @dir's mount and @dir's inode lock.  With @victim, @name must still be
 * that inode under the lock: the credentials of @ctx must not remove
 * whatever was put in its place since the caller checked.
 *
 * Return: 0 on success, -EINVAL or -ENAMETOOLONG on bad arguments,
 * -ENOTDIR if @dir is not a directory, -EXDEV if @dir is not beneath
 * @ctx->root, -ENOENT if @name does not exist, -EISDIR if it is a
 * directory, -ESTALE if it is not @victim, or the error of the backing
 * filesystem.
 */
int backing_unlink(const struct backing_ctx *ctx, const struct path *dir,
		   const struct qstr *name, const struct inode *victim)
{
	return backing_remove(ctx, dir, name, victim, false);
}
EXPORT_SYMBOL_GPL(backing_unlink);

/**
 * backing_rmdir - remove a directory from a backing directory
 * @ctx: backing context
 * @dir: directory of the backing filesystem, beneath @ctx->root
 * @name: name of the directory to remove, a single path component
 * @victim: optional; the backing inode the caller was allowed to remove
 *
 * Remove @name with the credentials of @ctx, holding write access to
 * @dir's mount and @dir's inode lock.
 *
 * Return: 0 on success, -EINVAL or -ENAMETOOLONG on bad arguments,
 * -ENOTDIR if @dir or @name is not a directory, -EXDEV if @dir is not
 * beneath @ctx->root, -ENOENT if @name does not exist, -ESTALE if it is
 * not @victim (see backing_unlink()), or the error of the backing
 * filesystem.
 */
int backing_rmdir(const struct backing_ctx *ctx, const struct path *dir,
		  const struct qstr *name, const struct inode *victim)
{
	return backing_remove(ctx, dir, name, victim, true);
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

/*
 * Rename with both directories locked by start_renaming().  With two
 * directories, the rename lock of the superblock is held too: no other
 * rename can move either of them, or any of their ancestors, to another
 * directory, so whether they are beneath the root cannot change.
 */
static int backing_rename_locked(const struct backing_ctx *ctx,
				 struct renamedata *rd,
				 const struct inode *source,
				 const struct inode *target)
{
	int err = backing_check_locked_dir(ctx, rd->old_parent);

	if (!err)
		err = backing_check_locked_dir(ctx, rd->new_parent);
	/* Replaced since the caller looked: not the ones it may move */
	if (!err && source && d_inode(rd->old_dentry) != source)
		err = -ESTALE;
	if (!err && target && d_inode(rd->new_dentry) != target)
		err = -ESTALE;
	if (!err)
		err = vfs_rename(rd);
	return err;
}

/**
 * backing_rename - rename an object of the backing filesystem
 * @ctx: backing context
 * @olddir: directory holding the object, beneath @ctx->root
 * @oldname: name of the object, a single path component
 * @newdir: directory to move the object to, beneath @ctx->root
 * @newname: new name of the object, a single path component
 * @flags: RENAME_NOREPLACE, RENAME_EXCHANGE or RENAME_WHITEOUT, passed on
 *	to vfs_rename()
 * @source: optional; the backing inode the caller was allowed to move
 * @target: optional; the backing inode the caller was allowed to replace
 *	(or, with RENAME_EXCHANGE, to move)
 *
 * Rename with the credentials of @ctx, holding write access to the mount
 * and both directories locked by start_renaming(), which looks both names
 * up.  Both directories are checked to be beneath @ctx->root again under
 * that lock, and @source and @target, when given, to be what the names
 * still lead to: the credentials of @ctx must not move or replace what
 * was put in their place since the caller checked.  As rename(2) does,
 * this refuses to move a directory beneath itself.
 *
 * Return: 0 on success, -EINVAL or -ENAMETOOLONG on bad arguments or when
 * moving a directory beneath itself, -ENOTDIR if a directory is not one,
 * -EXDEV if the directories are not beneath @ctx->root, -ENOENT, -EEXIST
 * or -ENOTEMPTY as rename(2) would return them, -ESTALE if a name does
 * not lead to @source or @target, or the error of the backing filesystem.
 */
int backing_rename(const struct backing_ctx *ctx, const struct path *olddir,
		   const struct qstr *oldname, const struct path *newdir,
		   const struct qstr *newname, unsigned int flags,
		   const struct inode *source, const struct inode *target)
{
	struct renamedata rd = {};
	struct qstr oldq, newq;
	int err;

	err = backing_check_rename_flags(flags);
	if (!err)
		err = backing_check_dir(ctx, olddir, oldname);
	if (!err)
		err = backing_check_dir(ctx, newdir, newname);
	if (err)
		return err;

	err = mnt_want_write(olddir->mnt);
	if (err)
		return err;

	rd.mnt_idmap = mnt_idmap(olddir->mnt);
	rd.old_parent = olddir->dentry;
	rd.new_parent = newdir->dentry;
	rd.flags = flags;
	oldq = QSTR_LEN(oldname->name, oldname->len);
	newq = QSTR_LEN(newname->name, newname->len);
	with_backing_creds(ctx) {
		err = start_renaming(&rd, 0, &oldq, &newq);
		if (!err) {
			err = backing_rename_locked(ctx, &rd, source, target);
			end_renaming(&rd);
		}
	}
	mnt_drop_write(olddir->mnt);
	return err;
}
EXPORT_SYMBOL_GPL(backing_rename);
