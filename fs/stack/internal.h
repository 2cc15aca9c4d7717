/* SPDX-License-Identifier: GPL-2.0-only */
/*
 * Helpers private to the fs/stack library.
 */
#ifndef _FS_STACK_INTERNAL_H
#define _FS_STACK_INTERNAL_H

#include <linux/backing_inode.h>
#include <linux/cred.h>
#include <linux/dcache.h>
#include <linux/path.h>

/*
 * Every backing operation runs with the credentials of its context.  A
 * context without them is refused rather than run with the caller's.
 */
static inline int backing_check_ctx(const struct backing_ctx *ctx)
{
	return ctx && ctx->cred ? 0 : -EINVAL;
}

/* Switch to the credentials of @ctx; hand the result to the revert. */
static inline const struct cred *
backing_override_creds(const struct backing_ctx *ctx)
{
	return override_creds(ctx->cred);
}

static inline void backing_revert_creds(const struct cred *old)
{
	revert_creds(old);
}

/* Let the stacked inode, if any, follow the backing object at @path. */
static inline void backing_follow(const struct backing_ctx *ctx,
				  struct inode *stacked,
				  const struct path *path)
{
	if (stacked && ctx->copy_attr)
		ctx->copy_attr(stacked, path);
}

/*
 * A path the helpers can work on: complete, and naming an existing object.
 */
static inline int backing_check_path(const struct path *path)
{
	if (!path || !path->mnt || !path->dentry)
		return -EINVAL;
	if (d_really_is_negative(path->dentry))
		return -ENOENT;
	return 0;
}

/* A context to run with and an existing backing object to run on. */
static inline int backing_check_op(const struct backing_ctx *ctx,
				   const struct path *path)
{
	int err = backing_check_ctx(ctx);

	return err ? err : backing_check_path(path);
}

#endif /* _FS_STACK_INTERNAL_H */
