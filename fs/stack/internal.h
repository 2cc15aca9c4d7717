/* SPDX-License-Identifier: GPL-2.0-only */
/*
 * Helpers private to the fs/stack library.
 */
#ifndef _FS_STACK_INTERNAL_H
#define _FS_STACK_INTERNAL_H

#include <linux/backing-ctx.h>
#include <linux/backing-inode.h>
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
