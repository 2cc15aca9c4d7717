// SPDX-License-Identifier: GPL-2.0-only
/*
 * Credentials of the mounter of a stacked filesystem.
 *
 * Operations on the backing filesystem are done with the credentials of
 * the task that set up the stacked filesystem.  The helpers here capture
 * those credentials once and switch to them around each access.
 */

#include <linux/bug.h>
#include <linux/capability.h>
#include <linux/cred.h>
#include <linux/dcache.h>
#include <linux/export.h>
#include <linux/security.h>
#include <linux/stack_creds.h>

/**
 * stack_creds_init - capture the current task's credentials
 * @sc: where to store them
 *
 * Take a private copy of the credentials of the calling task, normally
 * the task mounting the stacked filesystem.  CAP_SYS_RESOURCE is removed
 * from the effective set of the copy: accesses done on behalf of users of
 * the stacked filesystem must never exceed disk quota limits or dig into
 * space the backing filesystem reserves for privileged users.
 *
 * @sc must not hold credentials already.
 *
 * Return: 0 on success, -ENOMEM if the copy could not be allocated, in
 * which case @sc holds no credentials.
 */
int stack_creds_init(struct stack_creds *sc)
{
	struct cred *cred;

	sc->cred = NULL;
	cred = prepare_creds();
	if (!cred)
		return -ENOMEM;

	cap_lower(cred->cap_effective, CAP_SYS_RESOURCE);
	sc->cred = cred;
	return 0;
}
EXPORT_SYMBOL_GPL(stack_creds_init);

/**
 * stack_creds_put - release captured credentials
 * @sc: the credentials to release, may be NULL
 *
 * Drop the reference taken by stack_creds_init().  Calling this on a NULL
 * pointer, on a zeroed structure or more than once is harmless.
 */
void stack_creds_put(struct stack_creds *sc)
{
	if (!sc || !sc->cred)
		return;

	put_cred(sc->cred);
	sc->cred = NULL;
}
EXPORT_SYMBOL_GPL(stack_creds_put);

/**
 * stack_creds_override - start using the captured credentials
 * @sc: the stacked filesystem's credentials
 *
 * Make the credentials in @sc the subjective credentials of the current
 * task.  Each call must be paired with stack_creds_revert() on the value
 * returned.  Calls may nest, because every level restores exactly what it
 * replaced.
 *
 * If @sc holds no credentials (a bug in the caller) this warns once and
 * keeps the current credentials, so that the pairing stays balanced.
 *
 * Return: the credentials that were in effect before the call.
 */
const struct cred *stack_creds_override(const struct stack_creds *sc)
{
	if (WARN_ON_ONCE(!sc || !sc->cred))
		return override_creds(current_cred());

	return override_creds(sc->cred);
}
EXPORT_SYMBOL_GPL(stack_creds_override);

/**
 * stack_creds_revert - stop using the captured credentials
 * @old: the value returned by the matching stack_creds_override()
 *
 * Restore the credentials that were in effect before the matching
 * stack_creds_override(), and drop whatever was installed in between,
 * including credentials set up by stack_creds_create_as().
 */
void stack_creds_revert(const struct cred *old)
{
	revert_creds(old);
}
EXPORT_SYMBOL_GPL(stack_creds_revert);

/**
 * stack_creds_create_as - create new objects owned by the caller
 * @dentry: the stacked dentry about to be created
 * @mode: mode of the new object, including its file type
 * @fsuid: owner the new object should get in the backing filesystem
 * @fsgid: group the new object should get in the backing filesystem
 * @caller: credentials of the task that asked for the creation, as
 *	returned by stack_creds_override()
 *
 * When a stacked filesystem creates a file, directory, device node or
 * symbolic link, the backing object must be owned by the user who asked
 * for it, not by the mounter.  This must be called between
 * stack_creds_override() and stack_creds_revert().  It copies the current
 * (mounter's) credentials, sets their fsuid and fsgid to @fsuid and
 * @fsgid, lets the security modules adjust them for @caller, and installs
 * the result.  The enclosing stack_creds_revert() puts the caller's
 * credentials back and frees the copy.
 *
 * Hard links do not create a new inode: they are made with the mounter's
 * fsuid and fsgid, so callers do not use this for link().
 *
 * Return: 0 on success, -ENOMEM, or the error of the security module.  On
 * error the current credentials are left unchanged.
 */
int stack_creds_create_as(struct dentry *dentry, umode_t mode, kuid_t fsuid,
			  kgid_t fsgid, const struct cred *caller)
{
	struct cred *new;
	int err;

	new = prepare_creds();
	if (!new)
		return -ENOMEM;

	new->fsuid = fsuid;
	new->fsgid = fsgid;
	err = security_dentry_create_files_as(dentry, mode, &dentry->d_name,
					      caller, new);
	if (err) {
		put_cred(new);
		return err;
	}

	/*
	 * override_creds() takes its own reference on @new and hands back
	 * the mounter's credentials with the reference the enclosing
	 * stack_creds_override() took.  Neither is needed any more: the
	 * enclosing stack_creds_revert() releases @new.
	 */
	put_cred(override_creds(new));
	put_cred(new);
	return 0;
}
EXPORT_SYMBOL_GPL(stack_creds_create_as);
