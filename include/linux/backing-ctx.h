/* SPDX-License-Identifier: GPL-2.0-only */
/*
 * The context a stacked filesystem accesses its backing filesystem in:
 * credentials captured from the mounter or the server, and the root of
 * the backing tree.
 */
#ifndef _LINUX_BACKING_CTX_H
#define _LINUX_BACKING_CTX_H

#include <linux/cleanup.h>
#include <linux/cred.h>
#include <linux/path.h>
#include <linux/refcount.h>
#include <linux/types.h>
#include <linux/uidgid.h>

struct backing_ctx;
struct dentry;

/**
 * struct backing_ctx_ops - what a stacked filesystem adds to a context
 * @release: called when the last reference is dropped, after the
 *	credentials and the root were released, so that the structure
 *	embedding the context can be freed; may be NULL when the embedder
 *	frees it by other means
 */
struct backing_ctx_ops {
	void (*release)(struct backing_ctx *ctx);
};

/**
 * struct backing_ctx - how a stacked filesystem accesses its backing one
 * @ref: reference count; the context and what embeds it live until the
 *	last backing_ctx_put()
 * @cred: credentials the backing operations run with: those of the mounter
 *	or the server, captured by backing_ctx_init(); never the caller's
 * @root: the backing tree: names and directories handed to the helpers
 *	must be beneath it; empty when the stacked filesystem does its own
 *	lookups (overlayfs)
 * @ops: callbacks of the stacked filesystem, may be NULL
 *
 * A stacked filesystem embeds one context per superblock (overlayfs) or
 * per backing object (FUSE, whose server can register and close backing
 * objects while operations run on them: each operation holds a reference).
 * The fields are set by backing_ctx_init() and never change afterwards.
 */
struct backing_ctx {
	refcount_t ref;
	const struct cred *cred;
	struct path root;
	const struct backing_ctx_ops *ops;
};

int backing_ctx_init(struct backing_ctx *ctx, const struct path *root,
		     const struct backing_ctx_ops *ops);
void backing_ctx_put(struct backing_ctx *ctx);

/**
 * backing_ctx_ready - whether a context was set up
 * @ctx: a context, zeroed or set up by backing_ctx_init()
 *
 * For a stacked filesystem that embeds a context in a zeroed structure and
 * may have to free it before backing_ctx_init() was called or succeeded.
 *
 * Return: true if backing_ctx_init() set @ctx up, and it was not released.
 */
static inline bool backing_ctx_ready(const struct backing_ctx *ctx)
{
	return refcount_read(&ctx->ref);
}

/**
 * backing_ctx_get - take a reference on a context
 * @ctx: a context the caller already holds a reference on
 *
 * Return: @ctx.
 */
static inline struct backing_ctx *backing_ctx_get(struct backing_ctx *ctx)
{
	refcount_inc(&ctx->ref);
	return ctx;
}

/**
 * backing_ctx_tryget - take a reference on a context found under RCU
 * @ctx: a context whose last reference may be going away, or NULL
 *
 * Return: @ctx with a new reference, or NULL if @ctx is NULL or on its way
 * to being released.
 */
static inline struct backing_ctx *backing_ctx_tryget(struct backing_ctx *ctx)
{
	if (ctx && refcount_inc_not_zero(&ctx->ref))
		return ctx;
	return NULL;
}

/**
 * backing_ctx_cred - the credentials of a context
 * @ctx: the context
 *
 * No reference is taken: the result lives as long as the caller's
 * reference on @ctx.
 *
 * Return: the captured credentials.
 */
static inline const struct cred *backing_ctx_cred(const struct backing_ctx *ctx)
{
	return ctx->cred;
}

const struct cred *backing_creds_override(const struct backing_ctx *ctx);
void backing_creds_revert(const struct cred *old);

DEFINE_CLASS(backing_creds, const struct cred *,
	     backing_creds_revert(_T), backing_creds_override(ctx),
	     const struct backing_ctx *ctx)

/**
 * with_backing_creds - run a scope with the credentials of a context
 * @ctx: the backing context
 *
 * The credentials of @ctx replace the subjective credentials of the task
 * for the scope that follows, and the previous ones are restored when it
 * is left, whichever way.
 */
#define with_backing_creds(ctx) \
	scoped_class(backing_creds, __UNIQUE_ID(label), ctx)

const struct cred *backing_creds_create_as(const struct backing_ctx *ctx,
					   struct dentry *dentry, umode_t mode,
					   kuid_t fsuid, kgid_t fsgid,
					   const struct cred *caller);
void backing_creds_create_end(const struct cred *old);

DEFINE_CLASS(backing_creds_create_as, const struct cred *,
	     backing_creds_create_end(_T),
	     backing_creds_create_as(ctx, dentry, mode, fsuid, fsgid, caller),
	     const struct backing_ctx *ctx, struct dentry *dentry, umode_t mode,
	     kuid_t fsuid, kgid_t fsgid, const struct cred *caller)

#endif /* _LINUX_BACKING_CTX_H */
