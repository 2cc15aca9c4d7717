/* SPDX-License-Identifier: GPL-2.0-only */
/*
 * Credentials of the mounter of a stacked filesystem.
 *
 * A stacked filesystem accesses its backing filesystem with the
 * credentials of whoever set it up (the mounter, or a server) rather
 * than those of the task doing the access.
 */
#ifndef _LINUX_STACK_CREDS_H
#define _LINUX_STACK_CREDS_H

#include <linux/cred.h>
#include <linux/types.h>
#include <linux/uidgid.h>

struct dentry;

/**
 * struct stack_creds - credentials used to access the backing filesystem
 * @cred: reference to the captured credentials, or NULL if there are none
 *
 * Filled in by stack_creds_init() and released by stack_creds_put().
 * A zeroed structure holds no credentials.
 */
struct stack_creds {
	const struct cred *cred;
};

int stack_creds_init(struct stack_creds *sc);
void stack_creds_put(struct stack_creds *sc);
const struct cred *stack_creds_override(const struct stack_creds *sc);
void stack_creds_revert(const struct cred *old);
int stack_creds_create_as(struct dentry *dentry, umode_t mode, kuid_t fsuid,
			  kgid_t fsgid, const struct cred *caller);

/**
 * stack_creds_get - look at the captured credentials
 * @sc: the stacked filesystem's credentials
 *
 * No reference is taken: the result is valid for as long as @sc holds
 * its reference, which is typically the life time of the superblock.
 *
 * Return: the captured credentials, or NULL if @sc holds none.
 */
static inline const struct cred *stack_creds_get(const struct stack_creds *sc)
{
	return sc->cred;
}

#endif /* _LINUX_STACK_CREDS_H */
