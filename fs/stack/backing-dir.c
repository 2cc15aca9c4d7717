// SPDX-License-Identifier: GPL-2.0-only
/*
 * Reading a backing directory on behalf of a stacked directory.
 */

#include <linux/backing-ctx.h>
#include <linux/backing-dentry.h>
#include <linux/export.h>
#include <linux/fs.h>

/*
 * The directory context handed to the backing filesystem: it passes the
 * entries the filter accepts on to the stacked directory context.
 */
struct backing_dir_context {
	struct dir_context ctx;
	struct dir_context *stacked;
	backing_dir_filter_t filter;
};

static bool backing_filldir(struct dir_context *ctx, const char *name,
			    int len, loff_t off, u64 ino, unsigned int type)
{
	struct backing_dir_context *bdc =
		container_of(ctx, struct backing_dir_context, ctx);
	struct dir_context *stacked = bdc->stacked;

	if (bdc->filter && !bdc->filter(stacked, name, len, off, ino, type))
		return true;

	stacked->pos = ctx->pos;
	return stacked->actor(stacked, name, len, off, ino, type);
}

/**
 * backing_iterate_dir - read a backing directory into a stacked one
 * @ctx: backing context
 * @backing_dir: open backing directory
 * @stacked: directory context of the stacked directory being read
 * @filter: optional; decides which entries are passed on to @stacked
 *
 * Read @backing_dir from its current position with iterate_dir() and the
 * credentials of @ctx, and hand each entry that @filter accepts to
 * @stacked.  Entries @filter rejects are skipped; the walk stops when
 * @stacked's actor asks for it, and the next call resumes with the entry
 * it refused.  The count hint and the d_type flags @stacked takes are
 * passed on to the backing filesystem.  The position of @stacked is set
 * to that of @backing_dir afterwards.  The caller keeps the position of
 * @backing_dir in step with the stacked directory across seeks.
 *
 * Return: 0 on success, or the error of iterate_dir().
 */
int backing_iterate_dir(const struct backing_ctx *ctx,
			struct file *backing_dir, struct dir_context *stacked,
			backing_dir_filter_t filter)
{
	struct backing_dir_context bdc = {
		.ctx.actor = backing_filldir,
		.stacked = stacked,
		.filter = filter,
	};
	int err;

	/* Left alone if iterate_dir() fails before reading anything. */
	bdc.ctx.pos = stacked->pos;
	/* What the stacked actor can take is what the backing one can. */
	bdc.ctx.count = stacked->count;
	bdc.ctx.dt_flags_mask = stacked->dt_flags_mask;
	with_backing_creds(ctx)
		err = iterate_dir(backing_dir, &bdc.ctx);
	stacked->pos = bdc.ctx.pos;
	return err;
}
EXPORT_SYMBOL_GPL(backing_iterate_dir);
