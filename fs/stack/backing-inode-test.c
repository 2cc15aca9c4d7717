// SPDX-License-Identifier: GPL-2.0-only
/*
 * KUnit tests of the inode operations on backing objects
 * (fs/stack/backing-inode.c).
 */

#include <kunit/test.h>
#include <linux/backing-inode.h>
#include <linux/cred.h>
#include <linux/delayed_call.h>
#include <linux/err.h>
#include <linux/fileattr.h>
#include <linux/fs.h>
#include <linux/magic.h>
#include <linux/mnt_idmapping.h>
#include <linux/mount.h>
#include <linux/posix_acl.h>
#include <linux/posix_acl_xattr.h>
#include <linux/stat.h>
#include <linux/statfs.h>
#include <linux/string.h>
#include <linux/xattr.h>

#include "stack-test.h"

KUNIT_DEFINE_ACTION_WRAPPER(inode_test_acl_put, posix_acl_release,
			    struct posix_acl *);

static const char inode_test_target[] = "some/where/else";

/* Set an extended attribute with plain VFS calls. */
static int inode_test_raw_setxattr(const struct path *path, const char *name,
				   const void *value, size_t size)
{
	int err = mnt_want_write(path->mnt);

	if (err)
		return err;
	err = vfs_setxattr(mnt_idmap(path->mnt), path->dentry, name, value,
			   size, 0);
	mnt_drop_write(path->mnt);
	return err;
}

/*
 * An ACL that is not equivalent to a mode, so that it is kept as an ACL:
 * the owner, @uid and the group can read, the owner can write.
 */
static struct posix_acl *inode_test_acl(struct kunit *test, u32 uid)
{
	struct posix_acl *acl = posix_acl_alloc(5, GFP_KERNEL);
	struct posix_acl_entry *e;

	KUNIT_ASSERT_NOT_NULL(test, acl);
	stack_test_defer(test, inode_test_acl_put, acl);
	e = acl->a_entries;
	e[0].e_tag = ACL_USER_OBJ;
	e[0].e_perm = ACL_READ | ACL_WRITE;
	e[1].e_tag = ACL_USER;
	e[1].e_perm = ACL_READ;
	e[1].e_uid = KUIDT_INIT(uid);
	e[2].e_tag = ACL_GROUP_OBJ;
	e[2].e_perm = ACL_READ;
	e[3].e_tag = ACL_MASK;
	e[3].e_perm = ACL_READ;
	e[4].e_tag = ACL_OTHER;
	e[4].e_perm = 0;
	return acl;
}

/* Set an ACL with plain VFS calls. */
static int inode_test_raw_set_acl(const struct path *path, int type,
				  struct posix_acl *acl)
{
	int err = mnt_want_write(path->mnt);

	if (err)
		return err;
	err = vfs_set_acl(mnt_idmap(path->mnt), path->dentry,
			  posix_acl_xattr_name(type), acl);
	mnt_drop_write(path->mnt);
	return err;
}

/* A file of the test case's root. */
static struct path *inode_test_file(struct kunit *test, umode_t mode)
{
	struct stack_test *st = test->priv;

	return stack_test_make(test, &st->root, "f", S_IFREG | mode, NULL);
}

struct inode_permission_case {
	const char *desc;
	bool user;		/* as an unprivileged user, not the test's */
	umode_t mode;
	int mask;
	int err;
};

static const struct inode_permission_case inode_permission_cases[] = {
	{ "mounter_read_0600", false, 0600, MAY_READ, 0 },
	{ "mounter_write_0400", false, 0400, MAY_WRITE, 0 },
	{ "user_read_0600", true, 0600, MAY_READ, -EACCES },
	{ "user_read_0644", true, 0644, MAY_READ, 0 },
	{ "user_write_0644", true, 0644, MAY_WRITE, -EACCES },
	{ "user_exec_0644", true, 0644, MAY_EXEC, -EACCES },
	{ "user_exec_0755", true, 0755, MAY_EXEC, 0 },
};

KUNIT_ARRAY_PARAM_DESC(inode_permission, inode_permission_cases, desc);

/* Access is checked with the credentials of the context. */
static void inode_permission_mask(struct kunit *test)
{
	const struct inode_permission_case *param = test->param_value;
	struct stack_test *st = test->priv;
	struct path *file = inode_test_file(test, param->mode);
	struct backing_ctx *ctx = &st->ctx;

	KUNIT_ASSERT_EQ(test, d_inode(file->dentry)->i_mode,
			S_IFREG | param->mode);
	if (param->user)
		ctx = stack_test_ctx(test, &st->root,
				     stack_test_user_cred(test,
							  STACK_TEST_USER));
	KUNIT_EXPECT_EQ(test, backing_permission(ctx, file, param->mask),
			param->err);
}

/* get_link returns the target, to be released with the delayed call. */
static void inode_get_link(struct kunit *test)
{
	struct stack_test *st = test->priv;
	struct path *link = stack_test_make(test, &st->root, "l",
					    S_IFLNK | 0777, inode_test_target);
	DEFINE_DELAYED_CALL(done);
	const char *target;

	target = backing_get_link(&st->ctx, link, &done);
	KUNIT_ASSERT_NOT_ERR_OR_NULL(test, target);
	KUNIT_EXPECT_STREQ(test, target, inode_test_target);
	do_delayed_call(&done);
}

/* An attribute that was set reads back, whole, or by its size. */
static void inode_getxattr(struct kunit *test)
{
	struct stack_test *st = test->priv;
	struct path *file = inode_test_file(test, 0640);
	char value[8] = {};

	KUNIT_ASSERT_EQ(test, inode_test_raw_setxattr(file, "user.kunit",
						      "value", 5), 0);
	KUNIT_EXPECT_EQ(test, backing_getxattr(&st->ctx, file, "user.kunit",
					       NULL, 0), 5);
	KUNIT_EXPECT_EQ(test, backing_getxattr(&st->ctx, file, "user.kunit",
					       value, sizeof(value)), 5);
	KUNIT_EXPECT_STREQ(test, value, "value");
	KUNIT_EXPECT_EQ(test, backing_getxattr(&st->ctx, file, "user.kunit",
					       value, 2), -ERANGE);
	KUNIT_EXPECT_EQ(test, backing_getxattr(&st->ctx, file, "user.missing",
					       value, sizeof(value)), -ENODATA);
}

/*
 * POSIX ACLs are not extended attributes for the VFS: their names are
 * refused by vfs_getxattr(), so reading one needs backing_get_acl()
 * (review finding 7).
 */
static void inode_getxattr_posix_acl(struct kunit *test)
{
	struct stack_test *st = test->priv;
	struct path *file = inode_test_file(test, 0640);
	struct posix_acl *acl = inode_test_acl(test, STACK_TEST_UID);
	char value[64];

	KUNIT_ASSERT_EQ(test, inode_test_raw_set_acl(file, ACL_TYPE_ACCESS,
						     acl), 0);
	KUNIT_EXPECT_EQ(test, backing_getxattr(&st->ctx, file,
					       XATTR_NAME_POSIX_ACL_ACCESS,
					       value, sizeof(value)),
			-EOPNOTSUPP);
	KUNIT_EXPECT_EQ(test, backing_getxattr(&st->ctx, file,
					       XATTR_NAME_POSIX_ACL_ACCESS,
					       NULL, 0), -EOPNOTSUPP);
}

/* Whether the xattr name list @list of @len bytes holds @name. */
static bool inode_test_list_has(const char *list, ssize_t len,
				const char *name)
{
	ssize_t i;

	for (i = 0; i < len; i += strnlen(list + i, len - i) + 1)
		if (!strcmp(list + i, name))
			return true;
	return false;
}

/* The list holds the names of the attributes that are set, in any order. */
static void inode_listxattr(struct kunit *test)
{
	struct stack_test *st = test->priv;
	struct path *file = inode_test_file(test, 0640);
	ssize_t want = sizeof("user.one") + sizeof("user.two");
	char list[64] = {};
	ssize_t len;

	KUNIT_EXPECT_EQ(test, backing_listxattr(&st->ctx, file, NULL, 0), 0);
	KUNIT_ASSERT_EQ(test, inode_test_raw_setxattr(file, "user.one", "1",
						      1), 0);
	KUNIT_ASSERT_EQ(test, inode_test_raw_setxattr(file, "user.two", "2",
						      1), 0);
	len = backing_listxattr(&st->ctx, file, NULL, 0);
	KUNIT_EXPECT_EQ(test, len, want);
	len = backing_listxattr(&st->ctx, file, list, sizeof(list) - 1);
	KUNIT_ASSERT_EQ(test, len, want);
	KUNIT_EXPECT_TRUE(test, inode_test_list_has(list, len, "user.one"));
	KUNIT_EXPECT_TRUE(test, inode_test_list_has(list, len, "user.two"));
	KUNIT_EXPECT_EQ(test, backing_listxattr(&st->ctx, file, list, 3),
			-ERANGE);
}

/* The inode flags of a new tmpfs file read as none. */
static void inode_fileattr_get(struct kunit *test)
{
	struct stack_test *st = test->priv;
	struct path *file = inode_test_file(test, 0640);
	struct file_kattr fa = {};

	KUNIT_ASSERT_EQ(test, backing_fileattr_get(&st->ctx, file, &fa), 0);
	KUNIT_EXPECT_TRUE(test, fa.flags_valid);
	KUNIT_EXPECT_EQ(test, fa.flags, 0);
}

/* Flags set with plain VFS calls read back. */
static void inode_fileattr_get_flags(struct kunit *test)
{
	struct stack_test *st = test->priv;
	struct path *file = inode_test_file(test, 0640);
	struct file_kattr fa;
	int err;

	fileattr_fill_flags(&fa, FS_NOATIME_FL | FS_NODUMP_FL);
	err = mnt_want_write(file->mnt);
	KUNIT_ASSERT_EQ(test, err, 0);
	err = vfs_fileattr_set(mnt_idmap(file->mnt), file->dentry, &fa);
	mnt_drop_write(file->mnt);
	KUNIT_ASSERT_EQ(test, err, 0);

	memset(&fa, 0, sizeof(fa));
	KUNIT_ASSERT_EQ(test, backing_fileattr_get(&st->ctx, file, &fa), 0);
	KUNIT_EXPECT_EQ(test, fa.flags, FS_NOATIME_FL | FS_NODUMP_FL);
}

/* Objects without inode flags answer as the ioctl would: -ENOTTY. */
static void inode_fileattr_get_symlink(struct kunit *test)
{
	struct stack_test *st = test->priv;
	struct path *link = stack_test_make(test, &st->root, "l",
					    S_IFLNK | 0777, "f");
	struct file_kattr fa = {};

	KUNIT_EXPECT_EQ(test, backing_fileattr_get(&st->ctx, link, &fa),
			-ENOTTY);
}

enum inode_op {
	INODE_PERMISSION,
	INODE_GET_LINK,
	INODE_GET_LINK_NO_DONE,
	INODE_GETXATTR,
	INODE_GETXATTR_NO_NAME,
	INODE_LISTXATTR,
	INODE_FILEATTR_GET,
	INODE_FILEATTR_GET_NO_FA,
};

enum inode_defect {
	INODE_OK,		/* only the operation's own argument */
	INODE_NO_CRED,
	INODE_NO_PATH,
	INODE_NEGATIVE,
};

struct inode_args_case {
	const char *desc;
	enum inode_op op;
	enum inode_defect defect;
	int err;
};

static const struct inode_args_case inode_args_cases[] = {
	{ "permission_no_cred", INODE_PERMISSION, INODE_NO_CRED, -EINVAL },
	{ "permission_no_path", INODE_PERMISSION, INODE_NO_PATH, -EINVAL },
	{ "permission_negative", INODE_PERMISSION, INODE_NEGATIVE, -ENOENT },
	{ "get_link_no_cred", INODE_GET_LINK, INODE_NO_CRED, -EINVAL },
	{ "get_link_negative", INODE_GET_LINK, INODE_NEGATIVE, -ENOENT },
	{ "get_link_no_done", INODE_GET_LINK_NO_DONE, INODE_OK, -EINVAL },
	{ "getxattr_no_cred", INODE_GETXATTR, INODE_NO_CRED, -EINVAL },
	{ "getxattr_negative", INODE_GETXATTR, INODE_NEGATIVE, -ENOENT },
	{ "getxattr_no_name", INODE_GETXATTR_NO_NAME, INODE_OK, -EINVAL },
	{ "listxattr_no_cred", INODE_LISTXATTR, INODE_NO_CRED, -EINVAL },
	{ "listxattr_no_path", INODE_LISTXATTR, INODE_NO_PATH, -EINVAL },
	{ "fileattr_get_no_cred", INODE_FILEATTR_GET, INODE_NO_CRED, -EINVAL },
	{ "fileattr_get_negative", INODE_FILEATTR_GET, INODE_NEGATIVE,
	  -ENOENT },
	{ "fileattr_get_no_fa", INODE_FILEATTR_GET_NO_FA, INODE_OK, -EINVAL },
};

KUNIT_ARRAY_PARAM_DESC(inode_args, inode_args_cases, desc);

/*
 * Bad arguments are refused before anything is done: a context without
 * credentials rather than running with the caller's, a path that names
 * no object with -ENOENT, a missing argument with -EINVAL.
 */
static void inode_bad_args(struct kunit *test)
{
	const struct inode_args_case *param = test->param_value;
	struct stack_test *st = test->priv;
	struct path *obj = stack_test_make(test, &st->root, "l",
					   S_IFLNK | 0777, inode_test_target);
	const struct backing_ctx *ctx = &st->ctx;
	const struct path *path = obj;
	DEFINE_DELAYED_CALL(done);
	struct file_kattr fa = {};
	char value[8];
	long ret;

	switch (param->defect) {
	case INODE_OK:
		break;
	case INODE_NO_CRED:
		ctx = inode_test_nocred(test);
		break;
	case INODE_NO_PATH:
		path = NULL;
		break;
	case INODE_NEGATIVE:
		path = stack_test_get(test, &st->root, "missing");
		break;
	}

	switch (param->op) {
	case INODE_PERMISSION:
		ret = backing_permission(ctx, path, MAY_READ);
		break;
	case INODE_GET_LINK:
		ret = PTR_ERR(backing_get_link(ctx, path, &done));
		break;
	case INODE_GET_LINK_NO_DONE:
		ret = PTR_ERR(backing_get_link(ctx, path, NULL));
		break;
	case INODE_GETXATTR:
		ret = backing_getxattr(ctx, path, "user.x", value,
				       sizeof(value));
		break;
	case INODE_GETXATTR_NO_NAME:
		ret = backing_getxattr(ctx, path, NULL, value, sizeof(value));
		break;
	case INODE_LISTXATTR:
		ret = backing_listxattr(ctx, path, value, sizeof(value));
		break;
	case INODE_FILEATTR_GET:
		ret = backing_fileattr_get(ctx, path, &fa);
		break;
	case INODE_FILEATTR_GET_NO_FA:
		ret = backing_fileattr_get(ctx, path, NULL);
		break;
	default:
		KUNIT_FAIL(test, "unknown operation %d", param->op);
		return;
	}
	KUNIT_EXPECT_EQ(test, ret, param->err);
}

static struct kunit_case inode_test_cases[] = {
	KUNIT_CASE_PARAM(inode_permission_mask, inode_permission_gen_params),
	KUNIT_CASE(inode_get_link),
	KUNIT_CASE(inode_getxattr),
	KUNIT_CASE(inode_getxattr_posix_acl),
	KUNIT_CASE(inode_listxattr),
	KUNIT_CASE(inode_fileattr_get),
	KUNIT_CASE(inode_fileattr_get_flags),
	KUNIT_CASE(inode_fileattr_get_symlink),
	{}
};

static struct kunit_suite inode_test_suite = {
	.name = "fs_stack_inode",
	.init = stack_test_init,
	.test_cases = inode_test_cases,
};

kunit_test_suite(inode_test_suite);
