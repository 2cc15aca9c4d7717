// SPDX-License-Identifier: GPL-2.0-only
/*
 * KUnit tests of the namespace operations on backing directories
 * (fs/stack/backing-dentry.c and fs/stack/backing-dir.c).
 *
 * Which case covers which finding of the review:
 *  3. the rename rechecks its directories under the rename lock:
 *     dentry_rename_dir_moved;
 *  4. a failed lookup leaves no path behind: dentry_lookup_dir_moved
 *     ("lookup"), and every lookup failure (out is checked cleared);
 *  5. mounts beneath the root are refused the same way everywhere:
 *     dentry_lookup_mountpoint and dentry_exdev;
 *  9. automount points and dentries in transit are refused:
 *     dentry_lookup_weird.
 */

#include <kunit/test.h>
#include <linux/backing-dentry.h>
#include <linux/cred.h>
#include <linux/dcache.h>
#include <linux/fs.h>
#include <linux/kdev_t.h>
#include <linux/mount.h>
#include <linux/namei.h>
#include <linux/rcupdate.h>
#include <linux/rwsem.h>
#include <linux/sched.h>
#include <linux/slab.h>
#include <linux/spinlock.h>
#include <linux/stat.h>
#include <linux/string.h>

#include "stack-test.h"

/*
 * What backing_create() needs besides the mode: the caller, the owner and
 * group it gives the new object, and a stacked dentry (a negative one,
 * outside of the root) for the security modules to label it from.
 */
static struct backing_create_args *dentry_test_args(struct kunit *test,
						    umode_t mode)
{
	struct stack_test *st = test->priv;
	struct backing_create_args *args;

	args = kunit_kzalloc(test, sizeof(*args), GFP_KERNEL);
	KUNIT_ASSERT_NOT_NULL(test, args);
	args->mode = mode;
	args->caller = current_cred();
	args->uid = KUIDT_INIT(STACK_TEST_UID);
	args->gid = KGIDT_INIT(STACK_TEST_GID);
	args->stacked = stack_test_get(test, &st->outside, "stacked")->dentry;
	return args;
}

static bool dentry_test_out_cleared(const struct path *out)
{
	return !out->mnt && !out->dentry;
}

/* ---------------------------------------------------------------------
 * backing_lookup()
 */

struct dentry_name_case {
	const char *desc;
	const char *name;
	unsigned int len;
	int err;
};

static const struct dentry_name_case dentry_name_cases[] = {
	{ "dotdot", "..", 2, -EINVAL },
	{ "dot", ".", 1, -EINVAL },
	{ "empty", "", 0, -EINVAL },
	{ "slash_inside", "a/g", 3, -EINVAL },
	{ "slash_only", "/", 1, -EINVAL },
	{ "absolute", "/f", 2, -EINVAL },
	{ "dotdot_path", "a/../../x", 9, -EINVAL },
	{ "nul_inside", "a\0g", 3, -EINVAL },
	{ "too_long", NULL, NAME_MAX + 1, -ENAMETOOLONG },
};

KUNIT_ARRAY_PARAM_DESC(dentry_name, dentry_name_cases, desc);

/* backing_lookup() takes one path component and nothing else. */
static void dentry_lookup_bad_name(struct kunit *test)
{
	const struct dentry_name_case *param = test->param_value;
	struct stack_test *st = test->priv;
	struct path out = { .mnt = st->root.mnt, .dentry = st->root.dentry };
	struct qstr name;
	char *buf;

	stack_test_make(test, &st->root, "a", S_IFDIR | 0755, NULL);
	stack_test_make(test, &st->root, "f", S_IFREG | 0640, NULL);
	if (param->name) {
		name = QSTR_LEN(param->name, param->len);
	} else {
		buf = kunit_kzalloc(test, param->len + 1, GFP_KERNEL);
		KUNIT_ASSERT_NOT_NULL(test, buf);
		memset(buf, 'x', param->len);
		name = QSTR_LEN(buf, param->len);
	}

	KUNIT_EXPECT_EQ(test, backing_lookup(&st->ctx, &st->root, &name, &out),
			param->err);
	KUNIT_EXPECT_TRUE(test, dentry_test_out_cleared(&out));
}

/* Lookups find existing objects, and return negative paths otherwise. */
static void dentry_lookup_found(struct kunit *test)
{
	struct stack_test *st = test->priv;
	struct path *file = stack_test_make(test, &st->root, "f",
					    S_IFREG | 0640, NULL);
	struct path *pos = stack_test_path(test);
	struct path *neg = stack_test_path(test);

	KUNIT_ASSERT_EQ(test, backing_lookup(&st->ctx, &st->root, &QSTR("f"),
					     pos), 0);
	KUNIT_EXPECT_PTR_EQ(test, pos->dentry, file->dentry);
	KUNIT_EXPECT_PTR_EQ(test, pos->mnt, st->root.mnt);

	KUNIT_ASSERT_EQ(test, backing_lookup(&st->ctx, &st->root,
					     &QSTR("missing"), neg), 0);
	KUNIT_EXPECT_TRUE(test, d_really_is_negative(neg->dentry));
	KUNIT_EXPECT_PTR_EQ(test, neg->dentry->d_parent, st->root.dentry);
	KUNIT_EXPECT_PTR_EQ(test, neg->mnt, st->root.mnt);
}

/* A directory outside of the root cannot be looked in. */
static void dentry_lookup_outside_root(struct kunit *test)
{
	struct stack_test *st = test->priv;
	struct path out = {};

	stack_test_make(test, &st->outside, "f", S_IFREG | 0640, NULL);
	KUNIT_EXPECT_EQ(test, backing_lookup(&st->ctx, &st->base,
					     &QSTR("root"), &out), -EXDEV);
	KUNIT_EXPECT_TRUE(test, dentry_test_out_cleared(&out));
	KUNIT_EXPECT_EQ(test, backing_lookup(&st->ctx, &st->outside,
					     &QSTR("f"), &out), -EXDEV);
	KUNIT_EXPECT_TRUE(test, dentry_test_out_cleared(&out));
}

/* What is looked in must be a directory. */
static void dentry_lookup_not_dir(struct kunit *test)
{
	struct stack_test *st = test->priv;
	struct path *file = stack_test_make(test, &st->root, "f",
					    S_IFREG | 0640, NULL);
	struct path out = {};

	KUNIT_EXPECT_EQ(test, backing_lookup(&st->ctx, file, &QSTR("x"), &out),
			-ENOTDIR);
	KUNIT_EXPECT_TRUE(test, dentry_test_out_cleared(&out));
}

/*
 * A name something is mounted on is refused, as a walk that does not
 * cross mounts would refuse it, and so is a directory of the mount itself
 * (review finding 5).
 */
static void dentry_lookup_mountpoint(struct kunit *test)
{
	struct stack_test *st = test->priv;
	struct path *sub = stack_test_make(test, &st->root, "sub",
					   S_IFDIR | 0755, NULL);
	struct path *mounted = stack_test_mount(test, sub);
	struct path out = {};

	stack_test_make(test, mounted, "h", S_IFREG | 0640, NULL);
	KUNIT_EXPECT_EQ(test, backing_lookup(&st->ctx, &st->root,
					     &QSTR("sub"), &out), -EXDEV);
	KUNIT_EXPECT_TRUE(test, dentry_test_out_cleared(&out));
	KUNIT_EXPECT_EQ(test, backing_lookup(&st->ctx, mounted, &QSTR("h"),
					     &out), -EXDEV);
	KUNIT_EXPECT_TRUE(test, dentry_test_out_cleared(&out));
}

struct dentry_flag {
	struct dentry *dentry;
	unsigned int flag;
};

static void dentry_test_clear_flag(void *data)
{
	struct dentry_flag *f = data;

	spin_lock(&f->dentry->d_lock);
	f->dentry->d_flags &= ~f->flag;
	spin_unlock(&f->dentry->d_lock);
}

/*
 * Mark @dentry as the VFS marks automount points or autofs dentries, until
 * the test case ends.  tmpfs has neither d_automount nor d_manage: nothing
 * may walk through the dentry while it is marked, which the helpers, that
 * refuse it, do not do.
 */
static void dentry_test_set_flag(struct kunit *test, struct dentry *dentry,
				 unsigned int flag)
{
	struct dentry_flag *f = kunit_kzalloc(test, sizeof(*f), GFP_KERNEL);

	KUNIT_ASSERT_NOT_NULL(test, f);
	f->dentry = dentry;
	f->flag = flag;
	spin_lock(&dentry->d_lock);
	dentry->d_flags |= flag;
	spin_unlock(&dentry->d_lock);
	stack_test_defer(test, dentry_test_clear_flag, f);
}

struct dentry_weird_case {
	const char *desc;
	umode_t mode;		/* 0: a negative dentry */
	unsigned int flag;
	int err;
};

static const struct dentry_weird_case dentry_weird_cases[] = {
	{ "automount_dir", S_IFDIR | 0755, DCACHE_NEED_AUTOMOUNT, -EREMOTE },
	{ "automount_negative", 0, DCACHE_NEED_AUTOMOUNT, -EREMOTE },
	{ "transit_dir", S_IFDIR | 0755, DCACHE_MANAGE_TRANSIT, -EREMOTE },
	{ "plain_dir", S_IFDIR | 0755, 0, 0 },
	{ "fifo", S_IFIFO | 0640, 0, 0 },
	{ "symlink", S_IFLNK | 0777, 0, 0 },
};

KUNIT_ARRAY_PARAM_DESC(dentry_weird, dentry_weird_cases, desc);

/*
 * Automount points and dentries an autofs daemon manages are refused
 * with -EREMOTE, as overlayfs refuses them in a layer (review finding 9);
 * directories, special files and symbolic links are not.
 */
static void dentry_lookup_weird(struct kunit *test)
{
	const struct dentry_weird_case *param = test->param_value;
	struct stack_test *st = test->priv;
	struct path out = { .mnt = st->root.mnt, .dentry = st->root.dentry };
	struct path *held = stack_test_path(test);
	struct path *obj;
	int err;

	if (param->mode)
		obj = stack_test_make(test, &st->root, "w", param->mode,
				      "target");
	else
		obj = stack_test_get(test, &st->root, "w");
	if (param->flag)
		dentry_test_set_flag(test, obj->dentry, param->flag);

	err = backing_lookup(&st->ctx, &st->root, &QSTR("w"), &out);
	if (!err)
		*held = out;
	KUNIT_EXPECT_EQ(test, err, param->err);
	if (param->err)
		KUNIT_EXPECT_TRUE(test, dentry_test_out_cleared(&out));
	else
		KUNIT_EXPECT_PTR_EQ(test, out.dentry, obj->dentry);
}

enum dentry_moved_op {
	MOVED_LOOKUP,
	MOVED_CREATE,
	MOVED_LINK,
	MOVED_UNLINK,
	MOVED_RMDIR,
};

struct dentry_moved_case {
	const char *desc;
	enum dentry_moved_op op;
	const char *name;	/* what the operation works on */
	bool exists;		/* whether that exists before and after */
};

static const struct dentry_moved_case dentry_moved_cases[] = {
	{ "lookup", MOVED_LOOKUP, "n", false },
	{ "create", MOVED_CREATE, "n", false },
	{ "link", MOVED_LINK, "n", false },
	{ "unlink", MOVED_UNLINK, "x", true },
	{ "rmdir", MOVED_RMDIR, "e", true },
};

KUNIT_ARRAY_PARAM_DESC(dentry_moved, dentry_moved_cases, desc);

/**
 * struct dentry_moved - an operation in a directory moved out from under it
 * @param: the case
 * @ctx: the context of the operation
 * @dir: the directory it works in
 * @old: what a link links to
 * @args: what a creation creates
 * @out: what a lookup found
 * @locked: completed once the holder task holds the lock of @dir
 * @release: completed to have the holder task release it
 */
struct dentry_moved {
	const struct dentry_moved_case *param;
	const struct backing_ctx *ctx;
	const struct path *dir;
	const struct path *old;
	const struct backing_create_args *args;
	struct path out;
	struct completion locked;
	struct completion release;
};

static int dentry_moved_hold(void *arg)
{
	struct dentry_moved *m = arg;
	struct inode *inode = d_inode(m->dir->dentry);

	inode_lock(inode);
	complete(&m->locked);
	wait_for_completion(&m->release);
	inode_unlock(inode);
	return 0;
}

static int dentry_moved_run(void *arg)
{
	struct dentry_moved *m = arg;
	struct qstr name = QSTR(m->param->name);

	switch (m->param->op) {
	case MOVED_LOOKUP:
		return backing_lookup(m->ctx, m->dir, &name, &m->out);
	case MOVED_CREATE:
		return backing_create(m->ctx, m->dir, &name, m->args, NULL);
	case MOVED_LINK:
		return backing_link(m->ctx, m->old, m->dir, &name, NULL);
	case MOVED_UNLINK:
		return backing_unlink(m->ctx, m->dir, &name, NULL);
	case MOVED_RMDIR:
		return backing_rmdir(m->ctx, m->dir, &name, NULL);
	}
	return -EINVAL;
}

static bool dentry_test_contended(void *data)
{
	struct inode *inode = data;

	return rwsem_is_contended(&inode->i_rwsem);
}

/*
 * The directory an operation works in is moved out of the root while the
 * operation waits for its lock, after it was found beneath the root: the
 * operation is refused once it holds the lock, or, for a lookup, once it
 * found its result, and a failed lookup leaves no path behind (review
 * finding 4: backing_lookup() left @out set after putting it).
 */
static void dentry_lookup_dir_moved(struct kunit *test)
{
	const struct dentry_moved_case *param = test->param_value;
	struct stack_test *st = test->priv;
	struct path *p = stack_test_make(test, &st->root, "p", S_IFDIR | 0755,
					 NULL);
	struct path *d = stack_test_make(test, p, "d", S_IFDIR | 0755, NULL);
	struct stack_test_task holder, op;
	struct dentry_moved *m;
	bool blocked = false;
	int moved = -EINVAL, err;

	m = kunit_kzalloc(test, sizeof(*m), GFP_KERNEL);
	KUNIT_ASSERT_NOT_NULL(test, m);
	stack_test_make(test, d, "x", S_IFREG | 0640, NULL);
	stack_test_make(test, d, "e", S_IFDIR | 0755, NULL);
	m->param = param;
	m->ctx = &st->ctx;
	m->dir = d;
	m->old = stack_test_make(test, &st->root, "f", S_IFREG | 0640, NULL);
	m->args = dentry_test_args(test, S_IFREG | 0640);
	init_completion(&m->locked);
	init_completion(&m->release);

	KUNIT_ASSERT_EQ(test, stack_test_task_start(&holder, dentry_moved_hold,
						    m), 0);
	wait_for_completion(&m->locked);
	err = stack_test_task_start(&op, dentry_moved_run, m);
	if (!err) {
		blocked = stack_test_wait_for(dentry_test_contended,
					      d_inode(d->dentry));
		moved = stack_test_raw_rename(&st->root, "p", &st->outside,
					      "p");
	}
	complete(&m->release);
	if (!err)
		err = stack_test_task_wait(&op);
	stack_test_task_wait(&holder);

	KUNIT_EXPECT_TRUE_MSG(test, blocked, "never waited for the lock");
	KUNIT_EXPECT_EQ(test, moved, 0);
	KUNIT_EXPECT_EQ(test, err, -EXDEV);
	/* never put here: the old code had put it already */
	KUNIT_EXPECT_TRUE(test, dentry_test_out_cleared(&m->out));
	KUNIT_EXPECT_EQ(test, stack_test_exists(test, d, param->name),
			param->exists);
}

/* ---------------------------------------------------------------------
 * backing_create(), backing_link(), backing_unlink(), backing_rmdir()
 */

struct dentry_create_case {
	const char *desc;
	umode_t mode;
	dev_t rdev;
	const char *target;
};

static const struct dentry_create_case dentry_create_cases[] = {
	{ "file", S_IFREG | 0640 },
	{ "directory", S_IFDIR | 0750 },
	{ "char_device", S_IFCHR | 0600, MKDEV(1, 3) },
	{ "block_device", S_IFBLK | 0600, MKDEV(7, 1) },
	{ "fifo", S_IFIFO | 0640 },
	{ "socket", S_IFSOCK | 0750 },
	{ "symlink", S_IFLNK | 0777, 0, "some/where" },
};

KUNIT_ARRAY_PARAM_DESC(dentry_create, dentry_create_cases, desc);

/*
 * Each file type is created as asked, owned by the ids given for the
 * caller, and @out names it; the credentials are back to the caller's.
 */
static void dentry_create_type(struct kunit *test)
{
	const struct dentry_create_case *param = test->param_value;
	struct stack_test *st = test->priv;
	struct backing_create_args *args = dentry_test_args(test, param->mode);
	const struct cred *before = current_cred();
	struct path *out = stack_test_path(test);
	struct path *found;
	struct inode *inode;

	args->rdev = param->rdev;
	args->target = param->target;
	KUNIT_ASSERT_EQ(test, backing_create(&st->ctx, &st->root,
					     &QSTR("new"), args, out), 0);
	KUNIT_EXPECT_PTR_EQ(test, current_cred(), before);
	KUNIT_ASSERT_TRUE(test, d_really_is_positive(out->dentry));
	KUNIT_EXPECT_PTR_EQ(test, out->mnt, st->root.mnt);
	found = stack_test_get(test, &st->root, "new");
	KUNIT_EXPECT_PTR_EQ(test, found->dentry, out->dentry);

	inode = d_inode(out->dentry);
	KUNIT_EXPECT_EQ(test, inode->i_mode, param->mode);
	KUNIT_EXPECT_EQ(test, __kuid_val(inode->i_uid), STACK_TEST_UID);
	KUNIT_EXPECT_EQ(test, __kgid_val(inode->i_gid), STACK_TEST_GID);
	if (S_ISCHR(param->mode) || S_ISBLK(param->mode))
		KUNIT_EXPECT_EQ(test, inode->i_rdev, param->rdev);
	if (S_ISLNK(param->mode))
		KUNIT_EXPECT_EQ(test, i_size_read(inode),
				(loff_t)strlen(param->target));
}

/*
 * The object belongs to the caller's ids even when the mounter's fsuid and
 * fsgid are others, and the directory of a context whose mounter has them
 * keeps its owner.
 */
static void dentry_create_as_caller(struct kunit *test)
{
	struct stack_test *st = test->priv;
	struct backing_create_args *args = dentry_test_args(test,
							    S_IFDIR | 0750);
	struct path *out = stack_test_path(test);
	struct backing_ctx *ctx;
	struct cred *mounter;

	mounter = prepare_creds();
	KUNIT_ASSERT_NOT_NULL(test, mounter);
	mounter->fsuid = KUIDT_INIT(STACK_TEST_MOUNTER);
	mounter->fsgid = KGIDT_INIT(STACK_TEST_MOUNTER);
	ctx = stack_test_ctx(test, &st->root, mounter);
	put_cred(mounter);
	KUNIT_ASSERT_EQ(test, __kuid_val(backing_ctx_cred(ctx)->fsuid),
			STACK_TEST_MOUNTER);

	KUNIT_ASSERT_EQ(test, backing_create(ctx, &st->root, &QSTR("new"),
					     args, out), 0);
	KUNIT_EXPECT_EQ(test, __kuid_val(d_inode(out->dentry)->i_uid),
			STACK_TEST_UID);
	KUNIT_EXPECT_EQ(test, __kgid_val(d_inode(out->dentry)->i_gid),
			STACK_TEST_GID);
	KUNIT_EXPECT_TRUE(test, uid_eq(d_inode(st->root.dentry)->i_uid,
				       GLOBAL_ROOT_UID));
}

/* What is not a valid object to create is refused before any lookup. */
static void dentry_create_bad_args(struct kunit *test)
{
	struct stack_test *st = test->priv;
	struct backing_create_args *no_target = dentry_test_args(test,
								 S_IFLNK | 0777);
	struct backing_create_args *empty = dentry_test_args(test,
							     S_IFLNK | 0777);
	struct backing_create_args *no_type = dentry_test_args(test, 0640);

	empty->target = "";
	KUNIT_EXPECT_EQ(test, backing_create(&st->ctx, &st->root, &QSTR("new"),
					     no_target, NULL), -EINVAL);
	KUNIT_EXPECT_EQ(test, backing_create(&st->ctx, &st->root, &QSTR("new"),
					     empty, NULL), -EINVAL);
	KUNIT_EXPECT_EQ(test, backing_create(&st->ctx, &st->root, &QSTR("new"),
					     no_type, NULL), -EINVAL);
	KUNIT_EXPECT_FALSE(test, stack_test_exists(test, &st->root, "new"));
}

/*
 * An unnamed file is made as the caller, with no link; backing_link()
 * gives it a name.
 */
static void dentry_tmpfile(struct kunit *test)
{
	struct stack_test *st = test->priv;
	struct backing_create_args *args = dentry_test_args(test,
							    S_IFREG | 0600);
	const struct cred *before = current_cred();
	struct path *out = stack_test_path(test);
	struct path *named = stack_test_path(test);
	struct inode *inode;

	KUNIT_ASSERT_EQ(test, backing_tmpfile(&st->ctx, &st->root, args, out),
			0);
	KUNIT_EXPECT_PTR_EQ(test, current_cred(), before);
	inode = d_inode(out->dentry);
	KUNIT_ASSERT_NOT_NULL(test, inode);
	KUNIT_EXPECT_EQ(test, inode->i_mode, S_IFREG | 0600);
	KUNIT_EXPECT_EQ(test, inode->i_nlink, 0);
	KUNIT_EXPECT_EQ(test, __kuid_val(inode->i_uid), STACK_TEST_UID);
	KUNIT_EXPECT_EQ(test, __kgid_val(inode->i_gid), STACK_TEST_GID);

	KUNIT_ASSERT_EQ(test, backing_link(&st->ctx, out, &st->root,
					   &QSTR("named"), named), 0);
	KUNIT_EXPECT_PTR_EQ(test, d_inode(named->dentry), inode);
	KUNIT_EXPECT_EQ(test, inode->i_nlink, 1);
}

/* Only regular files are made unnamed, and only in a directory. */
static void dentry_tmpfile_refused(struct kunit *test)
{
	struct stack_test *st = test->priv;
	struct backing_create_args *dir = dentry_test_args(test,
							   S_IFDIR | 0700);
	struct backing_create_args *reg = dentry_test_args(test,
							   S_IFREG | 0600);
	struct path *file = stack_test_make(test, &st->root, "f",
					    S_IFREG | 0640, NULL);
	struct path out = { .mnt = st->root.mnt, .dentry = st->root.dentry };

	KUNIT_EXPECT_EQ(test, backing_tmpfile(&st->ctx, &st->root, dir, &out),
			-EINVAL);
	KUNIT_EXPECT_TRUE(test, dentry_test_out_cleared(&out));
	KUNIT_EXPECT_EQ(test, backing_tmpfile(&st->ctx, file, reg, &out),
			-ENOTDIR);
}

/* A hard link names the same inode, in another directory. */
static void dentry_link(struct kunit *test)
{
	struct stack_test *st = test->priv;
	struct path *file = stack_test_make(test, &st->root, "f",
					    S_IFREG | 0640, NULL);
	struct path *dir = stack_test_make(test, &st->root, "d",
					   S_IFDIR | 0755, NULL);
	struct path *out = stack_test_path(test);

	KUNIT_ASSERT_EQ(test, backing_link(&st->ctx, file, dir, &QSTR("l"),
					   out), 0);
	KUNIT_EXPECT_PTR_EQ(test, d_inode(out->dentry), d_inode(file->dentry));
	KUNIT_EXPECT_PTR_EQ(test, out->dentry->d_parent, dir->dentry);
	KUNIT_EXPECT_PTR_EQ(test, out->mnt, dir->mnt);
	KUNIT_EXPECT_EQ(test, d_inode(file->dentry)->i_nlink, 2);
}

/* Unlinking removes the name. */
static void dentry_unlink(struct kunit *test)
{
	struct stack_test *st = test->priv;
	struct path *file = stack_test_make(test, &st->root, "f",
					    S_IFREG | 0640, NULL);

	KUNIT_ASSERT_EQ(test, backing_unlink(&st->ctx, &st->root, &QSTR("f"),
					     NULL), 0);
	KUNIT_EXPECT_EQ(test, d_inode(file->dentry)->i_nlink, 0);
	KUNIT_EXPECT_FALSE(test, stack_test_exists(test, &st->root, "f"));
}

/* Removing an empty directory removes the name. */
static void dentry_rmdir(struct kunit *test)
{
	struct stack_test *st = test->priv;
	struct path *dir = stack_test_make(test, &st->root, "d",
					   S_IFDIR | 0755, NULL);

	KUNIT_ASSERT_EQ(test, backing_rmdir(&st->ctx, &st->root, &QSTR("d"),
					    NULL), 0);
	KUNIT_EXPECT_TRUE(test, IS_DEADDIR(d_inode(dir->dentry)));
	KUNIT_EXPECT_FALSE(test, stack_test_exists(test, &st->root, "d"));
}

/* ---------------------------------------------------------------------
 * backing_rename()
 */

/* A rename moves an object to another name in another directory. */
static void dentry_rename_move(struct kunit *test)
{
	struct stack_test *st = test->priv;
	struct path *file = stack_test_make(test, &st->root, "f",
					    S_IFREG | 0640, NULL);
	struct path *dir = stack_test_make(test, &st->root, "d",
					   S_IFDIR | 0755, NULL);
	struct inode *inode = d_inode(file->dentry);

	KUNIT_ASSERT_EQ(test, backing_rename(&st->ctx, &st->root, &QSTR("f"),
					     dir, &QSTR("g"), 0, NULL, NULL), 0);
	KUNIT_EXPECT_FALSE(test, stack_test_exists(test, &st->root, "f"));
	KUNIT_EXPECT_PTR_EQ(test, d_inode(stack_test_get(test, dir,
							 "g")->dentry),
			    inode);
}

/* RENAME_EXCHANGE swaps two names, even of different types. */
static void dentry_rename_exchange(struct kunit *test)
{
	struct stack_test *st = test->priv;
	struct path *file = stack_test_make(test, &st->root, "f",
					    S_IFREG | 0640, NULL);
	struct path *dir = stack_test_make(test, &st->root, "d",
					   S_IFDIR | 0755, NULL);
	struct inode *file_inode = d_inode(file->dentry);
	struct inode *dir_inode = d_inode(dir->dentry);

	KUNIT_ASSERT_EQ(test, backing_rename(&st->ctx, &st->root, &QSTR("f"),
					     &st->root, &QSTR("d"),
					     RENAME_EXCHANGE, NULL, NULL), 0);
	KUNIT_EXPECT_PTR_EQ(test, d_inode(stack_test_get(test, &st->root,
							 "f")->dentry),
			    dir_inode);
	KUNIT_EXPECT_PTR_EQ(test, d_inode(stack_test_get(test, &st->root,
							 "d")->dentry),
			    file_inode);
}

/*
 * RENAME_WHITEOUT leaves a whiteout in place of the old name, which
 * backing_lookup() hands out as the special file it is.
 */
static void dentry_rename_whiteout(struct kunit *test)
{
	struct stack_test *st = test->priv;
	struct path *file = stack_test_make(test, &st->root, "f",
					    S_IFREG | 0640, NULL);
	struct inode *inode = d_inode(file->dentry);
	struct path *wh = stack_test_path(test);

	KUNIT_ASSERT_EQ(test, backing_rename(&st->ctx, &st->root, &QSTR("f"),
					     &st->root, &QSTR("g"),
					     RENAME_WHITEOUT, NULL, NULL), 0);
	KUNIT_EXPECT_PTR_EQ(test, d_inode(stack_test_get(test, &st->root,
							 "g")->dentry),
			    inode);
	KUNIT_ASSERT_EQ(test, backing_lookup(&st->ctx, &st->root, &QSTR("f"),
					     wh), 0);
	KUNIT_ASSERT_TRUE(test, d_really_is_positive(wh->dentry));
	KUNIT_EXPECT_TRUE(test, IS_WHITEOUT(d_inode(wh->dentry)));
	KUNIT_EXPECT_PTR_NE(test, d_inode(wh->dentry), inode);
}

/*
 * A rename told which inodes the caller was allowed to move and replace
 * refuses with -ESTALE when a name leads elsewhere, and moves nothing.
 */
static void dentry_rename_stale(struct kunit *test)
{
	struct stack_test *st = test->priv;
	struct path *f = stack_test_make(test, &st->root, "f",
					 S_IFREG | 0640, NULL);
	struct path *g = stack_test_make(test, &st->root, "g",
					 S_IFREG | 0640, NULL);
	struct inode *fi = d_inode(f->dentry), *gi = d_inode(g->dentry);

	KUNIT_EXPECT_EQ(test, backing_rename(&st->ctx, &st->root, &QSTR("f"),
					     &st->root, &QSTR("g"), 0, gi,
					     NULL), -ESTALE);
	KUNIT_EXPECT_EQ(test, backing_rename(&st->ctx, &st->root, &QSTR("f"),
					     &st->root, &QSTR("g"), 0, fi,
					     fi), -ESTALE);
	KUNIT_EXPECT_PTR_EQ(test, d_inode(stack_test_get(test, &st->root,
							 "g")->dentry), gi);
	KUNIT_EXPECT_EQ(test, backing_rename(&st->ctx, &st->root, &QSTR("f"),
					     &st->root, &QSTR("g"), 0, fi,
					     gi), 0);
	KUNIT_EXPECT_FALSE(test, stack_test_exists(test, &st->root, "f"));
	KUNIT_EXPECT_PTR_EQ(test, d_inode(stack_test_get(test, &st->root,
							 "g")->dentry), fi);
}

/* A task, and a mutex it may be waiting for. */
struct dentry_blocked {
	struct task_struct *task;
	struct mutex *lock;	/* only compared, never taken */
};

/* Whether the task sleeps waiting for the mutex. */
static bool dentry_test_blocked_on(void *data)
{
	struct dentry_blocked *b = data;
#ifndef CONFIG_PREEMPT_RT
	unsigned long flags;
	bool blocked;

	raw_spin_lock_irqsave(&b->task->blocked_lock, flags);
	blocked = __get_task_blocked_on(b->task) == b->lock;
	raw_spin_unlock_irqrestore(&b->task->blocked_lock, flags);
	return blocked;
#else
	return READ_ONCE(b->task->__state) & TASK_UNINTERRUPTIBLE;
#endif
}

struct dentry_race {
	const struct backing_ctx *ctx;
	const struct path *a;
	const struct path *b;
};

static int dentry_race_rename(void *arg)
{
	struct dentry_race *r = arg;

	return backing_rename(r->ctx, r->a, &QSTR("x"), r->b, &QSTR("y"), 0,
			      NULL, NULL);
}

/*
 * One of the directories of a rename is moved out of the root while the
 * rename waits for the rename lock, after both were found beneath the
 * root: the rename is refused under the lock, nothing is moved (review
 * finding 3: the check was only made before lock_rename()).
 */
static void dentry_rename_dir_moved(struct kunit *test)
{
	struct stack_test *st = test->priv;
	struct path *a = stack_test_make(test, &st->root, "a", S_IFDIR | 0755,
					 NULL);
	struct path *b = stack_test_make(test, &st->root, "b", S_IFDIR | 0755,
					 NULL);
	struct super_block *sb = st->root.mnt->mnt_sb;
	struct renamedata rd = {
		.mnt_idmap = mnt_idmap(st->root.mnt),
		.old_parent = st->root.dentry,
		.new_parent = st->outside.dentry,
	};
	struct dentry_race race = { .ctx = &st->ctx, .a = a, .b = b };
	struct dentry_blocked blocked = { .lock = &sb->s_vfs_rename_mutex };
	struct stack_test_task task;
	bool waited = false, started;
	int err, moved = -ECHILD;

	stack_test_make(test, a, "x", S_IFREG | 0640, NULL);
	KUNIT_ASSERT_EQ(test, mnt_want_write(st->root.mnt), 0);
	/* what a rename of a to out/a takes: the rename lock among others */
	err = start_renaming(&rd, 0, &QSTR("a"), &QSTR("a"));
	if (err) {
		mnt_drop_write(st->root.mnt);
		KUNIT_FAIL(test, "start_renaming: %d", err);
		return;
	}
	started = !stack_test_task_start(&task, dentry_race_rename, &race);
	if (started) {
		blocked.task = task.task;
		waited = stack_test_wait_for(dentry_test_blocked_on, &blocked);
		moved = vfs_rename(&rd);
	}
	end_renaming(&rd);
	mnt_drop_write(st->root.mnt);
	err = started ? stack_test_task_wait(&task) : -ECHILD;

	KUNIT_EXPECT_TRUE_MSG(test, waited, "never waited for the lock");
	KUNIT_EXPECT_EQ(test, moved, 0);
	KUNIT_EXPECT_EQ(test, err, -EXDEV);
	KUNIT_EXPECT_TRUE(test, stack_test_exists(test, a, "x"));
	KUNIT_EXPECT_FALSE(test, stack_test_exists(test, b, "y"));
	KUNIT_EXPECT_PTR_EQ(test, a->dentry->d_parent, st->outside.dentry);
}

/* ---------------------------------------------------------------------
 * Errors of the backing filesystem, and of the helpers' own checks
 */

enum dentry_error_op {
	UNLINK_MISSING,
	UNLINK_DIR,
	RMDIR_NOT_EMPTY,
	RMDIR_FILE,
	RMDIR_MISSING,
	CREATE_EXISTING,
	MKDIR_EXISTING,
	CREATE_IN_FILE,
	LINK_EXISTING,
	LINK_DIR,
	LINK_NEGATIVE,
	RENAME_NOREPLACE_EXISTING,
	RENAME_MISSING,
	RENAME_EXCHANGE_MISSING,
	RENAME_INTO_ITSELF,
	RENAME_ONTO_NOT_EMPTY,
	RENAME_EXCHANGE_NOREPLACE,
	RENAME_EXCHANGE_WHITEOUT,
	RENAME_UNKNOWN_FLAG,
	RENAME_NOT_DIR,
};

struct dentry_error_case {
	const char *desc;
	enum dentry_error_op op;
	int err;
};

static const struct dentry_error_case dentry_error_cases[] = {
	{ "unlink_missing", UNLINK_MISSING, -ENOENT },
	{ "unlink_dir", UNLINK_DIR, -EISDIR },
	{ "rmdir_not_empty", RMDIR_NOT_EMPTY, -ENOTEMPTY },
	{ "rmdir_file", RMDIR_FILE, -ENOTDIR },
	{ "rmdir_missing", RMDIR_MISSING, -ENOENT },
	{ "create_existing", CREATE_EXISTING, -EEXIST },
	{ "mkdir_existing", MKDIR_EXISTING, -EEXIST },
	{ "create_in_file", CREATE_IN_FILE, -ENOTDIR },
	{ "link_existing", LINK_EXISTING, -EEXIST },
	{ "link_dir", LINK_DIR, -EPERM },
	{ "link_negative", LINK_NEGATIVE, -ENOENT },
	{ "rename_noreplace_existing", RENAME_NOREPLACE_EXISTING, -EEXIST },
	{ "rename_missing", RENAME_MISSING, -ENOENT },
	{ "rename_exchange_missing", RENAME_EXCHANGE_MISSING, -ENOENT },
	{ "rename_into_itself", RENAME_INTO_ITSELF, -EINVAL },
	{ "rename_onto_not_empty", RENAME_ONTO_NOT_EMPTY, -ENOTEMPTY },
	{ "rename_exchange_noreplace", RENAME_EXCHANGE_NOREPLACE, -EINVAL },
	{ "rename_exchange_whiteout", RENAME_EXCHANGE_WHITEOUT, -EINVAL },
	{ "rename_unknown_flag", RENAME_UNKNOWN_FLAG, -EINVAL },
	{ "rename_not_dir", RENAME_NOT_DIR, -ENOTDIR },
};

KUNIT_ARRAY_PARAM_DESC(dentry_error, dentry_error_cases, desc);

/* Each failure comes back with the errno rename(2) and friends give. */
static void dentry_error(struct kunit *test)
{
	const struct dentry_error_case *param = test->param_value;
	struct stack_test *st = test->priv;
	struct backing_create_args *file_args = dentry_test_args(test,
							S_IFREG | 0640);
	struct backing_create_args *dir_args = dentry_test_args(test,
							S_IFDIR | 0755);
	const struct backing_ctx *ctx = &st->ctx;
	const struct path *root = &st->root;
	struct path *file, *dir, *neg;
	int err;

	file = stack_test_make(test, root, "f", S_IFREG | 0640, NULL);
	stack_test_make(test, root, "g", S_IFREG | 0640, NULL);
	dir = stack_test_make(test, root, "d", S_IFDIR | 0755, NULL);
	stack_test_make(test, dir, "x", S_IFREG | 0640, NULL);
	stack_test_make(test, root, "e", S_IFDIR | 0755, NULL);

	switch (param->op) {
	case UNLINK_MISSING:
		err = backing_unlink(ctx, root, &QSTR("missing"), NULL);
		break;
	case UNLINK_DIR:
		err = backing_unlink(ctx, root, &QSTR("d"), NULL);
		break;
	case RMDIR_NOT_EMPTY:
		err = backing_rmdir(ctx, root, &QSTR("d"), NULL);
		break;
	case RMDIR_FILE:
		err = backing_rmdir(ctx, root, &QSTR("f"), NULL);
		break;
	case RMDIR_MISSING:
		err = backing_rmdir(ctx, root, &QSTR("missing"), NULL);
		break;
	case CREATE_EXISTING:
		err = backing_create(ctx, root, &QSTR("f"), file_args, NULL);
		break;
	case MKDIR_EXISTING:
		err = backing_create(ctx, root, &QSTR("d"), dir_args, NULL);
		break;
	case CREATE_IN_FILE:
		err = backing_create(ctx, file, &QSTR("n"), file_args, NULL);
		break;
	case LINK_EXISTING:
		err = backing_link(ctx, file, root, &QSTR("g"), NULL);
		break;
	case LINK_DIR:
		err = backing_link(ctx, dir, root, &QSTR("n"), NULL);
		break;
	case LINK_NEGATIVE:
		neg = stack_test_get(test, root, "missing");
		err = backing_link(ctx, neg, root, &QSTR("n"), NULL);
		break;
	case RENAME_NOREPLACE_EXISTING:
		err = backing_rename(ctx, root, &QSTR("f"), root, &QSTR("g"),
				     RENAME_NOREPLACE, NULL, NULL);
		break;
	case RENAME_MISSING:
		err = backing_rename(ctx, root, &QSTR("missing"), root,
				     &QSTR("n"), 0, NULL, NULL);
		break;
	case RENAME_EXCHANGE_MISSING:
		err = backing_rename(ctx, root, &QSTR("f"), root,
				     &QSTR("missing"), RENAME_EXCHANGE, NULL, NULL);
		break;
	case RENAME_INTO_ITSELF:
		err = backing_rename(ctx, root, &QSTR("d"), dir, &QSTR("n"), 0, NULL, NULL);
		break;
	case RENAME_ONTO_NOT_EMPTY:
		err = backing_rename(ctx, root, &QSTR("e"), root, &QSTR("d"), 0, NULL, NULL);
		break;
	case RENAME_EXCHANGE_NOREPLACE:
		err = backing_rename(ctx, root, &QSTR("f"), root, &QSTR("g"),
				     RENAME_EXCHANGE | RENAME_NOREPLACE, NULL, NULL);
		break;
	case RENAME_EXCHANGE_WHITEOUT:
		err = backing_rename(ctx, root, &QSTR("f"), root, &QSTR("g"),
				     RENAME_EXCHANGE | RENAME_WHITEOUT, NULL, NULL);
		break;
	case RENAME_UNKNOWN_FLAG:
		err = backing_rename(ctx, root, &QSTR("f"), root, &QSTR("n"),
				     1U << 7, NULL, NULL);
		break;
	case RENAME_NOT_DIR:
		err = backing_rename(ctx, file, &QSTR("x"), root, &QSTR("n"),
				     0, NULL, NULL);
		break;
	default:
		KUNIT_FAIL(test, "unknown operation %d", param->op);
		return;
	}
	KUNIT_EXPECT_EQ(test, err, param->err);
	KUNIT_EXPECT_FALSE(test, stack_test_exists(test, root, "n"));
	KUNIT_EXPECT_TRUE(test, stack_test_exists(test, root, "f"));
	KUNIT_EXPECT_TRUE(test, stack_test_exists(test, root, "d"));
	KUNIT_EXPECT_TRUE(test, stack_test_exists(test, dir, "x"));
}

enum dentry_place_op {
	PLACE_LOOKUP,
	PLACE_CREATE,
	PLACE_LINK_FROM,
	PLACE_LINK_INTO,
	PLACE_UNLINK,
	PLACE_RMDIR,
	PLACE_RENAME_IN,
	PLACE_RENAME_OUT,
	PLACE_RENAME_EXCHANGE,
};

struct dentry_place_case {
	const char *desc;
	enum dentry_place_op op;
	bool submount;		/* the other place is a mount beneath the root */
};

static const struct dentry_place_case dentry_exdev_cases[] = {
	{ "lookup_outside", PLACE_LOOKUP, false },
	{ "lookup_submount", PLACE_LOOKUP, true },
	{ "create_outside", PLACE_CREATE, false },
	{ "create_submount", PLACE_CREATE, true },
	{ "link_from_outside", PLACE_LINK_FROM, false },
	{ "link_from_submount", PLACE_LINK_FROM, true },
	{ "link_into_outside", PLACE_LINK_INTO, false },
	{ "link_into_submount", PLACE_LINK_INTO, true },
	{ "unlink_outside", PLACE_UNLINK, false },
	{ "unlink_submount", PLACE_UNLINK, true },
	{ "rmdir_outside", PLACE_RMDIR, false },
	{ "rmdir_submount", PLACE_RMDIR, true },
	{ "rename_into_root", PLACE_RENAME_IN, false },
	{ "rename_from_submount", PLACE_RENAME_IN, true },
	{ "rename_out_of_root", PLACE_RENAME_OUT, false },
	{ "rename_to_submount", PLACE_RENAME_OUT, true },
	{ "exchange_outside", PLACE_RENAME_EXCHANGE, false },
	{ "exchange_submount", PLACE_RENAME_EXCHANGE, true },
};

KUNIT_ARRAY_PARAM_DESC(dentry_exdev, dentry_exdev_cases, desc);

/*
 * Nothing is done outside of the root, nor on a mount beneath it: the
 * helpers refuse with -EXDEV, whichever side of the operation is there,
 * and leave both sides as they were.
 */
static void dentry_exdev(struct kunit *test)
{
	const struct dentry_place_case *param = test->param_value;
	struct stack_test *st = test->priv;
	struct backing_create_args *args = dentry_test_args(test,
							    S_IFREG | 0640);
	const struct backing_ctx *ctx = &st->ctx;
	const struct path *root = &st->root;
	struct path *place = &st->outside;
	struct path out = { .mnt = st->root.mnt, .dentry = st->root.dentry };
	struct path *in_root, *there;
	int err;

	if (param->submount)
		place = stack_test_mount(test, stack_test_make(test, root,
							       "sub",
							       S_IFDIR | 0755,
							       NULL));
	there = stack_test_make(test, place, "f", S_IFREG | 0640, NULL);
	stack_test_make(test, place, "d", S_IFDIR | 0755, NULL);
	in_root = stack_test_make(test, root, "g", S_IFREG | 0640, NULL);

	switch (param->op) {
	case PLACE_LOOKUP:
		err = backing_lookup(ctx, place, &QSTR("f"), &out);
		KUNIT_EXPECT_TRUE(test, dentry_test_out_cleared(&out));
		break;
	case PLACE_CREATE:
		err = backing_create(ctx, place, &QSTR("n"), args, NULL);
		break;
	case PLACE_LINK_FROM:
		err = backing_link(ctx, there, root, &QSTR("n"), NULL);
		break;
	case PLACE_LINK_INTO:
		err = backing_link(ctx, in_root, place, &QSTR("n"), NULL);
		break;
	case PLACE_UNLINK:
		err = backing_unlink(ctx, place, &QSTR("f"), NULL);
		break;
	case PLACE_RMDIR:
		err = backing_rmdir(ctx, place, &QSTR("d"), NULL);
		break;
	case PLACE_RENAME_IN:
		err = backing_rename(ctx, place, &QSTR("f"), root, &QSTR("n"),
				     0, NULL, NULL);
		break;
	case PLACE_RENAME_OUT:
		err = backing_rename(ctx, root, &QSTR("g"), place, &QSTR("n"),
				     0, NULL, NULL);
		break;
	case PLACE_RENAME_EXCHANGE:
		err = backing_rename(ctx, root, &QSTR("g"), place, &QSTR("f"),
				     RENAME_EXCHANGE, NULL, NULL);
		break;
	default:
		KUNIT_FAIL(test, "unknown operation %d", param->op);
		return;
	}
	KUNIT_EXPECT_EQ(test, err, -EXDEV);
	KUNIT_EXPECT_FALSE(test, stack_test_exists(test, root, "n"));
	KUNIT_EXPECT_FALSE(test, stack_test_exists(test, place, "n"));
	KUNIT_EXPECT_TRUE(test, stack_test_exists(test, root, "g"));
	KUNIT_EXPECT_TRUE(test, stack_test_exists(test, place, "f"));
	KUNIT_EXPECT_TRUE(test, stack_test_exists(test, place, "d"));
	KUNIT_EXPECT_PTR_EQ(test, d_inode(there->dentry),
			    d_inode(stack_test_get(test, place, "f")->dentry));
}

enum dentry_rofs_op {
	ROFS_CREATE,
	ROFS_MKDIR,
	ROFS_LINK,
	ROFS_UNLINK,
	ROFS_RMDIR,
	ROFS_RENAME,
	ROFS_RENAME_EXCHANGE,
	ROFS_RENAME_WHITEOUT,
};

struct dentry_rofs_case {
	const char *desc;
	enum dentry_rofs_op op;
};

static const struct dentry_rofs_case dentry_rofs_cases[] = {
	{ "create", ROFS_CREATE },
	{ "mkdir", ROFS_MKDIR },
	{ "link", ROFS_LINK },
	{ "unlink", ROFS_UNLINK },
	{ "rmdir", ROFS_RMDIR },
	{ "rename", ROFS_RENAME },
	{ "rename_exchange", ROFS_RENAME_EXCHANGE },
	{ "rename_whiteout", ROFS_RENAME_WHITEOUT },
};

KUNIT_ARRAY_PARAM_DESC(dentry_rofs, dentry_rofs_cases, desc);

/*
 * Every modifying helper fails with -EROFS on a read-only mount, a
 * read-only bind mount of the test case's root here, and changes nothing.
 */
static void dentry_rofs(struct kunit *test)
{
	const struct dentry_rofs_case *param = test->param_value;
	struct stack_test *st = test->priv;
	struct backing_create_args *args;
	struct path *ro, *file;
	struct backing_ctx *ctx;
	int err;

	stack_test_make(test, &st->root, "f", S_IFREG | 0640, NULL);
	stack_test_make(test, &st->root, "d", S_IFDIR | 0755, NULL);
	ro = stack_test_ro_bind(test, &st->root);
	ctx = stack_test_ctx(test, ro, NULL);
	file = stack_test_get(test, ro, "f");
	args = dentry_test_args(test, param->op == ROFS_MKDIR ?
				S_IFDIR | 0755 : S_IFREG | 0640);

	switch (param->op) {
	case ROFS_CREATE:
	case ROFS_MKDIR:
		err = backing_create(ctx, ro, &QSTR("n"), args, NULL);
		break;
	case ROFS_LINK:
		err = backing_link(ctx, file, ro, &QSTR("n"), NULL);
		break;
	case ROFS_UNLINK:
		err = backing_unlink(ctx, ro, &QSTR("f"), NULL);
		break;
	case ROFS_RMDIR:
		err = backing_rmdir(ctx, ro, &QSTR("d"), NULL);
		break;
	case ROFS_RENAME:
		err = backing_rename(ctx, ro, &QSTR("f"), ro, &QSTR("n"), 0, NULL, NULL);
		break;
	case ROFS_RENAME_EXCHANGE:
		err = backing_rename(ctx, ro, &QSTR("f"), ro, &QSTR("d"),
				     RENAME_EXCHANGE, NULL, NULL);
		break;
	case ROFS_RENAME_WHITEOUT:
		err = backing_rename(ctx, ro, &QSTR("f"), ro, &QSTR("n"),
				     RENAME_WHITEOUT, NULL, NULL);
		break;
	default:
		KUNIT_FAIL(test, "unknown operation %d", param->op);
		return;
	}
	KUNIT_EXPECT_EQ(test, err, -EROFS);
	KUNIT_EXPECT_FALSE(test, stack_test_exists(test, &st->root, "n"));
	KUNIT_EXPECT_TRUE(test, stack_test_exists(test, &st->root, "f"));
	KUNIT_EXPECT_TRUE(test, stack_test_exists(test, &st->root, "d"));
	KUNIT_EXPECT_TRUE(test, d_is_reg(stack_test_get(test, &st->root,
							"f")->dentry));
}

enum dentry_ctx_op {
	CTX_LOOKUP,
	CTX_CREATE,
	CTX_LINK,
	CTX_UNLINK,
	CTX_RMDIR,
	CTX_RENAME,
};

struct dentry_ctx_case {
	const char *desc;
	enum dentry_ctx_op op;
};

static const struct dentry_ctx_case dentry_ctx_cases[] = {
	{ "lookup_no_root", CTX_LOOKUP },
	{ "create_no_root", CTX_CREATE },
	{ "link_no_root", CTX_LINK },
	{ "unlink_no_root", CTX_UNLINK },
	{ "rmdir_no_root", CTX_RMDIR },
	{ "rename_no_root", CTX_RENAME },
};

KUNIT_ARRAY_PARAM_DESC(dentry_ctx, dentry_ctx_cases, desc);

/*
 * The namespace helpers reach nothing with a context without a root:
 * nothing is beneath it.
 */
static void dentry_ctx_required(struct kunit *test)
{
	const struct dentry_ctx_case *param = test->param_value;
	struct stack_test *st = test->priv;
	struct backing_create_args *args = dentry_test_args(test,
							    S_IFREG | 0640);
	struct path *file = stack_test_make(test, &st->root, "f",
					    S_IFREG | 0640, NULL);
	const struct path *root = &st->root;
	struct path out = { .mnt = root->mnt, .dentry = root->dentry };
	const struct backing_ctx *ctx = stack_test_ctx(test, NULL, NULL);
	int err;

	stack_test_make(test, root, "d", S_IFDIR | 0755, NULL);

	switch (param->op) {
	case CTX_LOOKUP:
		err = backing_lookup(ctx, root, &QSTR("f"), &out);
		KUNIT_EXPECT_TRUE(test, dentry_test_out_cleared(&out));
		break;
	case CTX_CREATE:
		err = backing_create(ctx, root, &QSTR("n"), args, NULL);
		break;
	case CTX_LINK:
		err = backing_link(ctx, file, root, &QSTR("n"), NULL);
		break;
	case CTX_UNLINK:
		err = backing_unlink(ctx, root, &QSTR("f"), NULL);
		break;
	case CTX_RMDIR:
		err = backing_rmdir(ctx, root, &QSTR("d"), NULL);
		break;
	case CTX_RENAME:
		err = backing_rename(ctx, root, &QSTR("f"), root, &QSTR("n"),
				     0, NULL, NULL);
		break;
	default:
		KUNIT_FAIL(test, "unknown operation %d", param->op);
		return;
	}
	KUNIT_EXPECT_EQ(test, err, -EXDEV);
	KUNIT_EXPECT_FALSE(test, stack_test_exists(test, root, "n"));
	KUNIT_EXPECT_TRUE(test, stack_test_exists(test, root, "f"));
	KUNIT_EXPECT_TRUE(test, stack_test_exists(test, root, "d"));
}

/* ---------------------------------------------------------------------
 * backing_iterate_dir()
 */

#define DENTRY_TEST_NAMES 16

struct dentry_test_dirents {
	struct dir_context ctx;
	unsigned int count;
	unsigned int limit;	/* entries taken per call, 0 for no limit */
	unsigned int batch;	/* entries taken in this call */
	char name[DENTRY_TEST_NAMES][16];
};

static bool dentry_test_record(struct dir_context *ctx, const char *name,
			       int len, loff_t off, u64 ino, unsigned int type)
{
	struct dentry_test_dirents *d =
		container_of(ctx, struct dentry_test_dirents, ctx);

	if (d->limit && d->batch == d->limit)
		return false;
	if (d->count == DENTRY_TEST_NAMES || len >= (int)sizeof(d->name[0]))
		return false;
	memcpy(d->name[d->count], name, len);
	d->name[d->count][len] = '\0';
	d->count++;
	d->batch++;
	return true;
}

static bool dentry_test_hide(struct dir_context *stacked, const char *name,
			     int len, loff_t off, u64 ino, unsigned int type)
{
	return !(len == 4 && !memcmp(name, "hide", 4));
}

/* How many times @name was passed on. */
static unsigned int dentry_test_seen(const struct dentry_test_dirents *d,
				     const char *name)
{
	unsigned int i, n = 0;

	for (i = 0; i < d->count; i++)
		if (!strcmp(d->name[i], name))
			n++;
	return n;
}

static struct dentry_test_dirents *dentry_test_dirents(struct kunit *test,
						       unsigned int limit)
{
	struct dentry_test_dirents *d = kunit_kzalloc(test, sizeof(*d),
						      GFP_KERNEL);

	KUNIT_ASSERT_NOT_NULL(test, d);
	d->ctx.actor = dentry_test_record;
	d->limit = limit;
	return d;
}

/* The filter hides one name; all others reach the stacked directory. */
static void dentry_iterate_filter(struct kunit *test)
{
	struct stack_test *st = test->priv;
	struct dentry_test_dirents *d = dentry_test_dirents(test, 0);
	struct file *dir;

	stack_test_make(test, &st->root, "keep1", S_IFREG | 0640, NULL);
	stack_test_make(test, &st->root, "hide", S_IFREG | 0640, NULL);
	stack_test_make(test, &st->root, "keep2", S_IFDIR | 0750, NULL);
	dir = stack_test_open(test, &st->root, O_RDONLY | O_DIRECTORY);

	KUNIT_ASSERT_EQ(test, backing_iterate_dir(&st->ctx, dir, &d->ctx,
						  dentry_test_hide), 0);
	KUNIT_EXPECT_EQ(test, d->count, 4);
	KUNIT_EXPECT_EQ(test, dentry_test_seen(d, "."), 1);
	KUNIT_EXPECT_EQ(test, dentry_test_seen(d, ".."), 1);
	KUNIT_EXPECT_EQ(test, dentry_test_seen(d, "keep1"), 1);
	KUNIT_EXPECT_EQ(test, dentry_test_seen(d, "keep2"), 1);
	KUNIT_EXPECT_EQ(test, dentry_test_seen(d, "hide"), 0);
	KUNIT_EXPECT_EQ(test, d->ctx.pos, dir->f_pos);

	/* At the end of the directory, nothing more comes. */
	KUNIT_ASSERT_EQ(test, backing_iterate_dir(&st->ctx, dir, &d->ctx,
						  dentry_test_hide), 0);
	KUNIT_EXPECT_EQ(test, d->count, 4);
}

static const char * const dentry_test_files[] = {
	"f0", "f1", "hide", "f2", "f3", "f4", "f5",
};

/*
 * A stacked directory that stops taking entries gets the rest on the next
 * call, from where it stopped: every entry the filter lets through comes
 * exactly once, and the stacked position follows the backing one.
 */
static void dentry_iterate_resume(struct kunit *test)
{
	struct stack_test *st = test->priv;
	struct dentry_test_dirents *d = dentry_test_dirents(test, 3);
	unsigned int i, calls = 0, last;
	struct file *dir;

	for (i = 0; i < ARRAY_SIZE(dentry_test_files); i++)
		stack_test_make(test, &st->root, dentry_test_files[i],
				S_IFREG | 0640, NULL);
	dir = stack_test_open(test, &st->root, O_RDONLY | O_DIRECTORY);

	do {
		last = d->count;
		d->batch = 0;
		KUNIT_ASSERT_EQ(test, backing_iterate_dir(&st->ctx, dir,
							  &d->ctx,
							  dentry_test_hide),
				0);
		KUNIT_EXPECT_LE(test, d->batch, 3);
		KUNIT_EXPECT_EQ(test, d->ctx.pos, dir->f_pos);
		calls++;
	} while (d->count != last && calls < 10);

	/* 8 entries, 3 at a time, and a last call that finds nothing */
	KUNIT_EXPECT_EQ(test, calls, 4);
	KUNIT_EXPECT_EQ(test, d->count, 8);
	KUNIT_EXPECT_EQ(test, dentry_test_seen(d, "."), 1);
	KUNIT_EXPECT_EQ(test, dentry_test_seen(d, ".."), 1);
	KUNIT_EXPECT_EQ(test, dentry_test_seen(d, "hide"), 0);
	for (i = 0; i < ARRAY_SIZE(dentry_test_files); i++) {
		const char *name = dentry_test_files[i];

		if (strcmp(name, "hide"))
			KUNIT_EXPECT_EQ_MSG(test, dentry_test_seen(d, name), 1,
					    "%s", name);
	}
}

/* What is not a directory cannot be read, and its position stays. */
static void dentry_iterate_not_dir(struct kunit *test)
{
	struct stack_test *st = test->priv;
	struct dentry_test_dirents *d = dentry_test_dirents(test, 0);
	struct path *file = stack_test_make(test, &st->root, "f",
					    S_IFREG | 0640, NULL);
	struct file *reg = stack_test_open(test, file, O_RDONLY);

	d->ctx.pos = 42;
	KUNIT_EXPECT_EQ(test, backing_iterate_dir(&st->ctx, reg, &d->ctx,
						  NULL), -ENOTDIR);
	KUNIT_EXPECT_EQ(test, d->count, 0);
	KUNIT_EXPECT_EQ(test, d->ctx.pos, 42);
}

/* A name replaced since the caller checked it is not removed. */
static void dentry_remove_victim(struct kunit *test)
{
	struct stack_test *st = test->priv;
	struct path *f = stack_test_make(test, &st->root, "f", S_IFREG | 0640,
					 NULL);
	struct path *d = stack_test_make(test, &st->root, "d", S_IFDIR | 0755,
					 NULL);

	stack_test_make(test, &st->root, "g", S_IFREG | 0640, NULL);
	KUNIT_EXPECT_EQ(test, backing_unlink(&st->ctx, &st->root, &QSTR("g"),
					     d_inode(f->dentry)), -ESTALE);
	KUNIT_EXPECT_TRUE(test, stack_test_exists(test, &st->root, "g"));
	KUNIT_EXPECT_EQ(test, backing_unlink(&st->ctx, &st->root, &QSTR("f"),
					     d_inode(f->dentry)), 0);
	stack_test_make(test, &st->root, "e", S_IFDIR | 0755, NULL);
	KUNIT_EXPECT_EQ(test, backing_rmdir(&st->ctx, &st->root, &QSTR("e"),
					    d_inode(d->dentry)), -ESTALE);
	KUNIT_EXPECT_TRUE(test, stack_test_exists(test, &st->root, "e"));
	KUNIT_EXPECT_EQ(test, backing_rmdir(&st->ctx, &st->root, &QSTR("d"),
					    d_inode(d->dentry)), 0);
}

/* backing_revalidate() in ref-walk and in RCU walk */
static int dentry_test_revalidate_rcu(struct stack_test *st, const char *name,
				      const struct path *child)
{
	int ret;

	rcu_read_lock();
	ret = backing_revalidate(&st->ctx, &st->root, &QSTR(name), child,
				 LOOKUP_RCU);
	rcu_read_unlock();
	return ret;
}

/* An object still named as it was is valid, in both walks. */
static void dentry_revalidate_same(struct kunit *test)
{
	struct stack_test *st = test->priv;
	struct path *f = stack_test_make(test, &st->root, "f", S_IFREG | 0640,
					 NULL);

	KUNIT_EXPECT_EQ(test, backing_revalidate(&st->ctx, &st->root,
						 &QSTR("f"), f, 0), 1);
	KUNIT_EXPECT_EQ(test, dentry_test_revalidate_rcu(st, "f", f), 1);
}

/*
 * Replaced, renamed away, or covered by a mount in the backing directory:
 * no longer valid; RCU walk cannot tell and leaves it to ref-walk.
 */
static void dentry_revalidate_changed(struct kunit *test)
{
	struct stack_test *st = test->priv;
	struct path *f = stack_test_make(test, &st->root, "f", S_IFREG | 0640,
					 NULL);
	struct path *g = stack_test_make(test, &st->root, "g", S_IFREG | 0640,
					 NULL);
	struct path *sub = stack_test_make(test, &st->root, "sub",
					   S_IFDIR | 0755, NULL);

	/* g renamed over f: the old f is gone, "f" is another object */
	KUNIT_ASSERT_EQ(test, stack_test_raw_rename(&st->root, "g", &st->root,
						    "f"), 0);
	KUNIT_EXPECT_EQ(test, backing_revalidate(&st->ctx, &st->root,
						 &QSTR("f"), f, 0), 0);
	KUNIT_EXPECT_EQ(test, dentry_test_revalidate_rcu(st, "f", f), -ECHILD);
	KUNIT_EXPECT_EQ(test, backing_revalidate(&st->ctx, &st->root,
						 &QSTR("f"), g, 0), 1);

	/* renamed away: "f" is no name of it any more */
	KUNIT_ASSERT_EQ(test, stack_test_raw_rename(&st->root, "f", &st->root,
						    "h"), 0);
	KUNIT_EXPECT_EQ(test, backing_revalidate(&st->ctx, &st->root,
						 &QSTR("f"), g, 0), 0);
	KUNIT_EXPECT_EQ(test, dentry_test_revalidate_rcu(st, "f", g), -ECHILD);

	/* another hard link of the same inode is valid too */
	KUNIT_ASSERT_EQ(test, backing_link(&st->ctx, g, &st->root, &QSTR("l"),
					   NULL), 0);
	KUNIT_EXPECT_EQ(test, backing_revalidate(&st->ctx, &st->root,
						 &QSTR("l"), g, 0), 1);
	/* a name of the same length that is not the dentry's */
	KUNIT_EXPECT_EQ(test, dentry_test_revalidate_rcu(st, "l", g), -ECHILD);

	/* something mounted on it */
	stack_test_mount(test, sub);
	KUNIT_EXPECT_EQ(test, backing_revalidate(&st->ctx, &st->root,
						 &QSTR("sub"), sub, 0), 0);
	KUNIT_EXPECT_EQ(test, dentry_test_revalidate_rcu(st, "sub", sub),
			-ECHILD);
}

static void dentry_revalidate_dotdot(struct kunit *test)
{
	struct stack_test *st = test->priv;
	struct path *f = stack_test_make(test, &st->root, "f", S_IFREG | 0640,
					 NULL);

	/* A name that cannot be looked up is no valid name of anything */
	KUNIT_EXPECT_EQ(test, backing_revalidate(&st->ctx, &st->root,
						 &QSTR(".."), f, 0), 0);
}

static struct kunit_case dentry_test_cases[] = {
	KUNIT_CASE_PARAM(dentry_lookup_bad_name, dentry_name_gen_params),
	KUNIT_CASE(dentry_lookup_found),
	KUNIT_CASE(dentry_lookup_outside_root),
	KUNIT_CASE(dentry_lookup_not_dir),
	KUNIT_CASE(dentry_lookup_mountpoint),
	KUNIT_CASE_PARAM(dentry_lookup_weird, dentry_weird_gen_params),
	KUNIT_CASE_PARAM(dentry_lookup_dir_moved, dentry_moved_gen_params),
	KUNIT_CASE_PARAM(dentry_create_type, dentry_create_gen_params),
	KUNIT_CASE(dentry_create_as_caller),
	KUNIT_CASE(dentry_create_bad_args),
	KUNIT_CASE(dentry_tmpfile),
	KUNIT_CASE(dentry_tmpfile_refused),
	KUNIT_CASE(dentry_link),
	KUNIT_CASE(dentry_unlink),
	KUNIT_CASE(dentry_rmdir),
	KUNIT_CASE(dentry_rename_move),
	KUNIT_CASE(dentry_rename_exchange),
	KUNIT_CASE(dentry_rename_whiteout),
	KUNIT_CASE(dentry_rename_stale),
	KUNIT_CASE(dentry_rename_dir_moved),
	KUNIT_CASE_PARAM(dentry_error, dentry_error_gen_params),
	KUNIT_CASE_PARAM(dentry_exdev, dentry_exdev_gen_params),
	KUNIT_CASE_PARAM(dentry_rofs, dentry_rofs_gen_params),
	KUNIT_CASE_PARAM(dentry_ctx_required, dentry_ctx_gen_params),
	KUNIT_CASE(dentry_iterate_filter),
	KUNIT_CASE(dentry_iterate_resume),
	KUNIT_CASE(dentry_iterate_not_dir),
	KUNIT_CASE(dentry_remove_victim),
	KUNIT_CASE(dentry_revalidate_same),
	KUNIT_CASE(dentry_revalidate_changed),
	KUNIT_CASE(dentry_revalidate_dotdot),
	{}
};

static struct kunit_suite dentry_test_suite = {
	.name = "fs_stack_dentry",
	.init = stack_test_init,
	.test_cases = dentry_test_cases,
};

kunit_test_suite(dentry_test_suite);
