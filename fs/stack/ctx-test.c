// SPDX-License-Identifier: GPL-2.0-only
/*
 * KUnit tests of backing contexts and their credentials (fs/stack/ctx.c).
 */

#include <kunit/test.h>
#include <linux/backing-ctx.h>
#include <linux/capability.h>
#include <linux/cred.h>
#include <linux/dcache.h>
#include <linux/err.h>
#include <linux/fs.h>
#include <linux/sched.h>
#include <linux/stat.h>

#include "stack-test.h"

static long stack_cred_usage(const struct cred *cred)
{
	return atomic_long_read(&cred->usage);
}

/* The copy lacks CAP_SYS_RESOURCE in its effective set, and only that. */
static void ctx_init_caps(struct kunit *test)
{
	struct stack_test *st = test->priv;
	const struct cred *cur = current_cred();
	const struct cred *cred = backing_ctx_cred(&st->ctx);
	int cap;

	KUNIT_ASSERT_NOT_NULL(test, cred);
	KUNIT_ASSERT_TRUE(test, cap_raised(cur->cap_effective,
					   CAP_SYS_RESOURCE));
	KUNIT_EXPECT_PTR_NE(test, cred, cur);
	KUNIT_EXPECT_FALSE(test, cap_raised(cred->cap_effective,
					    CAP_SYS_RESOURCE));
	for (cap = 0; cap <= CAP_LAST_CAP; cap++) {
		if (cap == CAP_SYS_RESOURCE)
			continue;
		KUNIT_EXPECT_EQ_MSG(test, !!cap_raised(cred->cap_effective, cap),
				    !!cap_raised(cur->cap_effective, cap),
				    "capability %d", cap);
	}
	KUNIT_EXPECT_EQ(test, cred->cap_permitted.val, cur->cap_permitted.val);
	KUNIT_EXPECT_TRUE(test, uid_eq(cred->fsuid, cur->fsuid));
	KUNIT_EXPECT_TRUE(test, gid_eq(cred->fsgid, cur->fsgid));
}

/* The credentials are those of the task that set the context up. */
/*
 * backing_ctx_init_cred() keeps the credentials it is given as they are,
 * CAP_SYS_RESOURCE included, holds a reference for the context's life
 * and gives it back with the last put.
 */
static void ctx_init_cred_as_given(struct kunit *test)
{
	const struct cred *cur = current_cred();
	long usage = stack_cred_usage(cur);
	struct backing_ctx ctx;

	backing_ctx_init_cred(&ctx, NULL, NULL, cur);
	KUNIT_EXPECT_PTR_EQ(test, backing_ctx_cred(&ctx), cur);
	KUNIT_EXPECT_TRUE(test, cap_raised(backing_ctx_cred(&ctx)->cap_effective,
					   CAP_SYS_RESOURCE));
	KUNIT_EXPECT_EQ(test, stack_cred_usage(cur), usage + 1);
	backing_ctx_put(&ctx);
	KUNIT_EXPECT_EQ(test, stack_cred_usage(cur), usage);
	KUNIT_EXPECT_FALSE(test, backing_ctx_ready(&ctx));
}

static void ctx_init_captures_task(struct kunit *test)
{
	struct stack_test *st = test->priv;
	const struct cred *user = stack_test_user_cred(test, STACK_TEST_USER);
	struct backing_ctx *ctx = stack_test_ctx(test, &st->root, user);
	const struct cred *cred = backing_ctx_cred(ctx);

	KUNIT_EXPECT_PTR_NE(test, cred, user);
	KUNIT_EXPECT_EQ(test, __kuid_val(cred->fsuid), STACK_TEST_USER);
	KUNIT_EXPECT_EQ(test, __kgid_val(cred->fsgid), STACK_TEST_USER);
	KUNIT_EXPECT_EQ(test, cred->cap_effective.val, 0);
	/* a private copy, whose only reference is the context's */
	KUNIT_EXPECT_EQ(test, stack_cred_usage(cred), 1);
}

/* The root is referenced by the context until its last put. */
static void ctx_root_reference(struct kunit *test)
{
	struct stack_test *st = test->priv;
	struct backing_ctx *ctx = kunit_kzalloc(test, sizeof(*ctx), GFP_KERNEL);
	unsigned int count = d_count(st->root.dentry);

	KUNIT_ASSERT_NOT_NULL(test, ctx);
	KUNIT_ASSERT_EQ(test, backing_ctx_init(ctx, &st->root, NULL), 0);
	KUNIT_EXPECT_PTR_EQ(test, ctx->root.mnt, st->root.mnt);
	KUNIT_EXPECT_PTR_EQ(test, ctx->root.dentry, st->root.dentry);
	KUNIT_EXPECT_EQ(test, d_count(st->root.dentry), count + 1);

	backing_ctx_get(ctx);
	backing_ctx_put(ctx);
	KUNIT_EXPECT_EQ(test, d_count(st->root.dentry), count + 1);
	backing_ctx_put(ctx);
	KUNIT_EXPECT_EQ(test, d_count(st->root.dentry), count);
	KUNIT_EXPECT_FALSE(test, backing_ctx_ready(ctx));
}

/* Without a root, the context has an empty one. */
static void ctx_no_root(struct kunit *test)
{
	struct backing_ctx *ctx = stack_test_ctx(test, NULL, NULL);

	KUNIT_EXPECT_NULL(test, ctx->root.mnt);
	KUNIT_EXPECT_NULL(test, ctx->root.dentry);
	KUNIT_EXPECT_NOT_NULL(test, backing_ctx_cred(ctx));
}

struct ctx_release_probe {
	struct backing_ctx ctx;
	struct dentry *root;
	unsigned int released;
	unsigned int root_count;
	bool cred_gone;
};

static void ctx_release_count(struct backing_ctx *ctx)
{
	struct ctx_release_probe *p =
		container_of(ctx, struct ctx_release_probe, ctx);

	p->released++;
	/* The test holds the only other reference */
	p->cred_gone = stack_cred_usage(ctx->cred) == 1;
	p->root_count = d_count(p->root);
}

static const struct backing_ctx_ops ctx_release_ops = {
	.release = ctx_release_count,
};

/*
 * ->release is called once, by the last put, with the credentials and the
 * root put; the credentials stay where they were, for RCU readers.
 */
static void ctx_release_last_put(struct kunit *test)
{
	struct stack_test *st = test->priv;
	struct ctx_release_probe *p = kunit_kzalloc(test, sizeof(*p),
						    GFP_KERNEL);
	unsigned int count = d_count(st->root.dentry);
	const struct cred *cred;

	KUNIT_ASSERT_NOT_NULL(test, p);
	p->root = st->root.dentry;
	KUNIT_ASSERT_EQ(test, backing_ctx_init(&p->ctx, &st->root,
					       &ctx_release_ops), 0);
	backing_ctx_get(&p->ctx);
	backing_ctx_put(&p->ctx);
	KUNIT_EXPECT_EQ(test, p->released, 0);
	cred = get_cred(backing_ctx_cred(&p->ctx));
	backing_ctx_put(&p->ctx);
	KUNIT_EXPECT_EQ(test, p->released, 1);
	KUNIT_EXPECT_PTR_EQ(test, backing_ctx_cred(&p->ctx), cred);
	KUNIT_EXPECT_FALSE(test, backing_ctx_ready(&p->ctx));
	put_cred(cred);
	/* the credentials and the root were released before ->release */
	KUNIT_EXPECT_TRUE(test, p->cred_gone);
	KUNIT_EXPECT_EQ(test, p->root_count, count);
}

/* Putting NULL does nothing. */
static void ctx_put_null(struct kunit *test)
{
	backing_ctx_put(NULL);
	KUNIT_SUCCEED(test);
}

/* tryget takes a reference on a live context only. */
static void ctx_tryget(struct kunit *test)
{
	struct backing_ctx *ctx = kunit_kzalloc(test, sizeof(*ctx), GFP_KERNEL);

	KUNIT_ASSERT_NOT_NULL(test, ctx);
	KUNIT_EXPECT_NULL(test, backing_ctx_tryget(NULL));

	KUNIT_ASSERT_EQ(test, backing_ctx_init(ctx, NULL, NULL), 0);
	KUNIT_EXPECT_PTR_EQ(test, backing_ctx_tryget(ctx), ctx);
	KUNIT_EXPECT_EQ(test, refcount_read(&ctx->ref), 2);
	backing_ctx_put(ctx);
	backing_ctx_put(ctx);

	/* the memory is still there, as under RCU: the context is not */
	KUNIT_EXPECT_EQ(test, refcount_read(&ctx->ref), 0);
	KUNIT_EXPECT_NULL(test, backing_ctx_tryget(ctx));
	KUNIT_EXPECT_EQ(test, refcount_read(&ctx->ref), 0);
}

/*
 * The switch installs the context's own credentials, takes no reference,
 * and nested switches are undone level by level, in reverse order.
 */
static void ctx_override_nesting(struct kunit *test)
{
	struct stack_test *st = test->priv;
	const struct cred *orig = current_cred();
	const struct cred *outer = backing_ctx_cred(&st->ctx);
	struct backing_ctx *inner_ctx = stack_test_ctx(test, NULL, NULL);
	const struct cred *inner = backing_ctx_cred(inner_ctx);
	const struct cred *old1, *old2, *in1, *in2, *back1, *back0;
	long usage_orig = stack_cred_usage(orig);
	long usage_outer = stack_cred_usage(outer);
	long usage_inner = stack_cred_usage(inner);

	old1 = backing_creds_override(&st->ctx);
	in1 = current_cred();
	old2 = backing_creds_override(inner_ctx);
	in2 = current_cred();
	backing_creds_revert(old2);
	back1 = current_cred();
	backing_creds_revert(old1);
	back0 = current_cred();

	KUNIT_EXPECT_PTR_EQ(test, old1, orig);
	KUNIT_EXPECT_PTR_EQ(test, in1, outer);
	KUNIT_EXPECT_PTR_EQ(test, old2, outer);
	KUNIT_EXPECT_PTR_EQ(test, in2, inner);
	KUNIT_EXPECT_PTR_EQ(test, back1, outer);
	KUNIT_EXPECT_PTR_EQ(test, back0, orig);
	KUNIT_EXPECT_EQ(test, stack_cred_usage(orig), usage_orig);
	KUNIT_EXPECT_EQ(test, stack_cred_usage(outer), usage_outer);
	KUNIT_EXPECT_EQ(test, stack_cred_usage(inner), usage_inner);
}

/* Leave a with_backing_creds() scope by return, from inside it. */
static const struct cred *ctx_scope_return(const struct backing_ctx *ctx)
{
	with_backing_creds(ctx)
		return current_cred();
	return NULL;
}

/* The scope ends with the previous credentials, whichever way it is left. */
static void ctx_with_creds_scope(struct kunit *test)
{
	struct stack_test *st = test->priv;
	const struct cred *orig = current_cred();
	const struct cred *inside = NULL, *skipped = NULL;

	with_backing_creds(&st->ctx)
		inside = current_cred();
	KUNIT_EXPECT_PTR_EQ(test, inside, backing_ctx_cred(&st->ctx));
	KUNIT_EXPECT_PTR_EQ(test, current_cred(), orig);

	KUNIT_EXPECT_PTR_EQ(test, ctx_scope_return(&st->ctx),
			    backing_ctx_cred(&st->ctx));
	KUNIT_EXPECT_PTR_EQ(test, current_cred(), orig);

	/* break leaves the scope, as it does a scoped_guard() */
	with_backing_creds(&st->ctx) {
		if (current_cred() != orig)
			break;
		skipped = current_cred();
	}
	KUNIT_EXPECT_NULL(test, skipped);
	KUNIT_EXPECT_PTR_EQ(test, current_cred(), orig);

	{
		CLASS(backing_creds, old)(&st->ctx);

		KUNIT_EXPECT_PTR_EQ(test, old, orig);
		KUNIT_EXPECT_PTR_EQ(test, current_cred(),
				    backing_ctx_cred(&st->ctx));
	}
	KUNIT_EXPECT_PTR_EQ(test, current_cred(), orig);
}

/*
 * create_as installs a copy of the context's credentials with the ids
 * given and the context's capabilities; create_end brings back exactly
 * the context's credentials.  No reference of anyone else's is taken or
 * dropped: the old code put one it did not own (review finding 2).
 */
static void ctx_create_as_ids(struct kunit *test)
{
	struct stack_test *st = test->priv;
	struct path *neg = stack_test_get(test, &st->outside, "new");
	const struct cred *orig = current_cred();
	const struct cred *mounter = backing_ctx_cred(&st->ctx);
	const struct cred *old = NULL, *installed = NULL, *back = NULL;
	long usage_orig = stack_cred_usage(orig);
	long usage_real = stack_cred_usage(current_real_cred());
	long usage_mounter = stack_cred_usage(mounter);
	kuid_t fsuid = INVALID_UID;
	kgid_t fsgid = INVALID_GID;
	kernel_cap_t caps = {};

	with_backing_creds(&st->ctx) {
		old = backing_creds_create_as(&st->ctx, neg->dentry,
					      S_IFREG | 0640,
					      KUIDT_INIT(STACK_TEST_UID),
					      KGIDT_INIT(STACK_TEST_GID), orig);
		if (!IS_ERR(old)) {
			installed = current_cred();
			fsuid = current_fsuid();
			fsgid = current_fsgid();
			caps = installed->cap_effective;
			backing_creds_create_end(old);
		}
		back = current_cred();
	}

	KUNIT_ASSERT_FALSE(test, IS_ERR(old));
	KUNIT_EXPECT_PTR_EQ(test, old, mounter);
	KUNIT_EXPECT_PTR_NE(test, installed, mounter);
	KUNIT_EXPECT_PTR_NE(test, installed, orig);
	KUNIT_EXPECT_EQ(test, __kuid_val(fsuid), STACK_TEST_UID);
	KUNIT_EXPECT_EQ(test, __kgid_val(fsgid), STACK_TEST_GID);
	KUNIT_EXPECT_EQ(test, caps.val, mounter->cap_effective.val);
	KUNIT_EXPECT_PTR_EQ(test, back, mounter);
	KUNIT_EXPECT_PTR_EQ(test, current_cred(), orig);
	KUNIT_EXPECT_EQ(test, stack_cred_usage(orig), usage_orig);
	KUNIT_EXPECT_EQ(test, stack_cred_usage(current_real_cred()), usage_real);
	KUNIT_EXPECT_EQ(test, stack_cred_usage(mounter), usage_mounter);
}

/* The class ends what it started. */
static void ctx_create_as_class(struct kunit *test)
{
	struct stack_test *st = test->priv;
	struct path *neg = stack_test_get(test, &st->outside, "new");
	const struct cred *mounter = backing_ctx_cred(&st->ctx);
	const struct cred *orig = current_cred();
	const struct cred *in_ok = NULL, *after_ok = NULL;
	long usage_mounter = stack_cred_usage(mounter);

	with_backing_creds(&st->ctx) {
		{
			CLASS(backing_creds_create_as, old)(&st->ctx,
							    neg->dentry,
							    S_IFDIR | 0750,
							    GLOBAL_ROOT_UID,
							    GLOBAL_ROOT_GID,
							    orig);
			if (!IS_ERR(old))
				in_ok = current_cred();
		}
		after_ok = current_cred();
	}

	KUNIT_EXPECT_NOT_NULL(test, in_ok);
	KUNIT_EXPECT_PTR_NE(test, in_ok, mounter);
	KUNIT_EXPECT_PTR_EQ(test, after_ok, mounter);
	KUNIT_EXPECT_PTR_EQ(test, current_cred(), orig);
	KUNIT_EXPECT_EQ(test, stack_cred_usage(mounter), usage_mounter);
}

static struct kunit_case ctx_test_cases[] = {
	KUNIT_CASE(ctx_init_caps),
	KUNIT_CASE(ctx_init_cred_as_given),
	KUNIT_CASE(ctx_init_captures_task),
	KUNIT_CASE(ctx_root_reference),
	KUNIT_CASE(ctx_no_root),
	KUNIT_CASE(ctx_release_last_put),
	KUNIT_CASE(ctx_put_null),
	KUNIT_CASE(ctx_tryget),
	KUNIT_CASE(ctx_override_nesting),
	KUNIT_CASE(ctx_with_creds_scope),
	KUNIT_CASE(ctx_create_as_ids),
	KUNIT_CASE(ctx_create_as_class),
	{}
};

static struct kunit_suite ctx_test_suite = {
	.name = "fs_stack_ctx",
	.init = stack_test_init,
	.test_cases = ctx_test_cases,
};

kunit_test_suite(ctx_test_suite);
