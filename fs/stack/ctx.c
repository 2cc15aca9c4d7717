// SPDX-License-Identifier: GPL-2.0-only
/*
 * Backing contexts: the credentials and the root a stacked filesystem
 * uses to access its backing filesystem.
 *
 * The credentials are captured once, from the mounter or the server, when
 * the context is set up.  Every backing operation switches to them for its
 * duration (with_backing_creds()), so that what a stacked filesystem can
 * do on the backing one is bounded by what its mounter could do there,
 * whoever the caller is.  New objects are created as the caller instead
 * (backing_creds_create_as()).
 */

#include <linux/backing-ctx.h>
#include <linux/bug.h>
#include <linux/capability.h>
#include <linux/cred.h>
#include <linux/dcache.h>
#include <linux/err.h>
#include <linux/export.h>
#include <linux/security.h>

/**
 * backing_ctx_init - set up a backing context
 * @ctx: the context to set up, embedded in the stacked filesystem's object
 * @root: root of the backing tree, or NULL if the stacked filesystem does
 *	its own lookups; a reference is taken
 * @ops: callbacks of the stacked filesystem, or NULL
 *
 * Capture a private copy of the calling task's credentials, normally those
 * of the mounter or the FUSE server.  CAP_SYS_RESOURCE is removed from the
 * effective set of the copy: accesses done on behalf of the users of the
 * stacked filesystem must not exceed the disk quotas of the backing
 * filesystem, nor use the space it reserves for privileged users.
 *
 * The context starts with one reference, dropped by backing_ctx_put().
 *
 * Return: 0 on success, -ENOMEM if the credentials could not be copied, in
 * which case @ctx holds nothing and must not be put.
 */
int backing_ctx_init(struct backing_ctx *ctx, const struct path *root,
		     const struct backing_ctx_ops *ops)
{
	struct cred *cred;

	cred = prepare_creds();
	if (!cred)
		return -ENOMEM;
	cap_lower(cred->cap_effective, CAP_SYS_RESOURCE);

	refcount_set(&ctx->ref, 1);
	ctx->cred = cred;
	ctx->ops = ops;
	ctx->root = (struct path) {};
	if (root) {
		ctx->root = *root;
		path_get(&ctx->root);
	}
	return 0;
}
EXPORT_SYMBOL_GPL(backing_ctx_init);

/**
 * backing_ctx_put - drop a reference on a backing context
 * @ctx: the context, or NULL
 *
 * When the last reference goes, release the credentials and the root, then
 * call @ctx->ops->release, if any, which may free the embedding structure.
 * The credentials, and the root's dentry and inode, are freed after an RCU
 * grace period: a reader that found @ctx under rcu_read_lock() (RCU path
 * walk) may still read them, but must expect the dentry to have lost its
 * inode.
 *
 * Context: any context, even an RCU callback, for a context without a
 * root (put_cred() defers the free); process context for one with a root,
 * whose dentry is put here.
 */
void backing_ctx_put(struct backing_ctx *ctx)
{
	if (!ctx || !refcount_dec_and_test(&ctx->ref))
		return;

	put_cred(ctx->cred);
	path_put(&ctx->root);
	if (ctx->ops && ctx->ops->release)
		ctx->ops->release(ctx);
}
EXPORT_SYMBOL_GPL(backing_ctx_put);

/**
 * backing_creds_override - start using the credentials of a context
 * @ctx: the backing context
 *
 * Make the credentials of @ctx the subjective credentials of the current
 * task, without taking a reference: the caller's reference on @ctx keeps
 * them alive.  Pair with backing_creds_revert(), or use
 * with_backing_creds().  Calls nest: each level restores what it replaced.
 *
 * A context without credentials is a bug of the caller: this warns once
 * and keeps the current credentials, so that the pairing stays balanced.
 *
 * Return: the credentials in effect before the call.
 */
const struct cred *backing_creds_override(const struct backing_ctx *ctx)
{
	if (WARN_ON_ONCE(!ctx || !ctx->cred))
		return override_creds(current_cred());

	return override_creds(ctx->cred);
}
EXPORT_SYMBOL_GPL(backing_creds_override);

/**
 * backing_creds_revert - stop using the credentials of a context
 * @old: what the matching backing_creds_override() returned
 */
void backing_creds_revert(const struct cred *old)
{
	revert_creds(old);
}
EXPORT_SYMBOL_GPL(backing_creds_revert);

/**
 * backing_creds_create_as - create new objects as the caller
 * @ctx: the backing context, whose credentials must be the current ones
 * @dentry: the stacked dentry about to be created, which the security
 *	modules label the new object from
 * @mode: mode of the new object, including its file type
 * @fsuid: owner the new object gets in the backing filesystem
 * @fsgid: group the new object gets in the backing filesystem
 * @caller: credentials of the task that asked for the creation, as they
 *	were before the context's credentials were switched to; required
 *
 * A file, directory, device node or symbolic link created through a
 * stacked filesystem must belong to the user who asked for it, not to the
 * mounter.  Between with_backing_creds() (or backing_creds_override()) and
 * its end, copy the context's credentials, give the copy @fsuid and @fsgid,
 * let the security modules adjust it for @caller and switch to it.  Undo
 * with backing_creds_create_end(), or use the backing_creds_create_as
 * class.
 *
 * Hard links create no inode: they keep the context's fsuid and fsgid and
 * do not come here.
 *
 * Return: the context's credentials, to hand to backing_creds_create_end();
 * ERR_PTR(-EINVAL) if the context's credentials are not the current ones,
 * ERR_PTR(-ENOMEM), or the error of a security module.  On error the
 * current credentials are unchanged.
 */
const struct cred *backing_creds_create_as(const struct backing_ctx *ctx,
					   struct dentry *dentry, umode_t mode,
					   kuid_t fsuid, kgid_t fsgid,
					   const struct cred *caller)
{
	struct cred *new;
	int err;

	if (WARN_ON_ONCE(current_cred() != ctx->cred))
		return ERR_PTR(-EINVAL);

	new = prepare_creds();
	if (!new)
		return ERR_PTR(-ENOMEM);

	new->fsuid = fsuid;
	new->fsgid = fsgid;
	err = security_dentry_create_files_as(dentry, mode, &dentry->d_name,
					      caller, new);
	if (err) {
		put_cred(new);
		return ERR_PTR(err);
	}
	return override_creds(new);
}
EXPORT_SYMBOL_GPL(backing_creds_create_as);

/**
 * backing_creds_create_end - go back to the context's credentials
 * @old: what the matching backing_creds_create_as() returned
 *
 * Restore the context's credentials and free the ones created for the
 * caller.  An error returned by backing_creds_create_as() installed
 * nothing: it is ignored here, so that the class can end every scope.
 */
void backing_creds_create_end(const struct cred *old)
{
	if (IS_ERR_OR_NULL(old))
		return;
	put_cred(revert_creds(old));
}
EXPORT_SYMBOL_GPL(backing_creds_create_end);
