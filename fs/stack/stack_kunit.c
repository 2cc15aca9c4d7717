// SPDX-License-Identifier: GPL-2.0-only
/*
 * KUnit tests of the fs/stack library.
 *
 * The tests work on a private tmpfs mount.  Each test case gets a fresh
 * directory of its own, which is the root of its backing context, and a
 * copy of the test thread's credentials as the mounter's.  Fixtures are
 * built and torn down with plain VFS calls, so that the helpers under
 * test are only ever checked against the VFS itself.
 */

#include <kunit/test.h>
#include <kunit/test-bug.h>
#include <linux/atomic.h>
#include <linux/backing-file.h>
#include <linux/backing_dentry.h>
#include <linux/backing_inode.h>
#include <linux/capability.h>
#include <linux/cred.h>
#include <linux/dcache.h>
#include <linux/delayed_call.h>
#include <linux/fileattr.h>
#include <linux/fs.h>
#include <linux/magic.h>
#include <linux/module.h>
#include <linux/mman.h>
#include <linux/mnt_idmapping.h>
#include <linux/mount.h>
#include <linux/namei.h>
#include <linux/slab.h>
#include <linux/stack_creds.h>
#include <linux/stat.h>
#include <linux/statfs.h>
#include <linux/string.h>
#include <linux/uaccess.h>
#include <linux/uio.h>
#include <linux/xattr.h>

#define STACK_TEST_UID		1234U
#define STACK_TEST_GID		5678U
#define STACK_TEST_MOUNTER	4321U
#define STACK_TEST_USER		1000U

static struct vfsmount *stack_test_mnt;
static atomic_t stack_test_seq = ATOMIC_INIT(0);

/**
 * struct stack_test - state of one test case
 * @root: the test case's directory, the root of @ctx
 * @sc: the mounter's credentials, captured from the test thread
 * @ctx: backing context using @sc and confined to @root
 * @sb: superblock of the stacked inodes the tests make
 * @followed: number of calls of the copy_attr hook of @ctx
 */
struct stack_test {
	struct path root;
	struct stack_creds sc;
	struct backing_ctx ctx;
	struct super_block *sb;
	unsigned int followed;
};

KUNIT_DEFINE_ACTION_WRAPPER(stack_test_creds_release, stack_creds_put,
			    struct stack_creds *);
KUNIT_DEFINE_ACTION_WRAPPER(stack_test_cred_release, put_cred,
			    const struct cred *);
KUNIT_DEFINE_ACTION_WRAPPER(stack_test_file_release, __fput_sync,
			    struct file *);

/* ---------------------------------------------------------------------
 * Fixtures, made with plain VFS calls
 */

/* Have @action called on @data when the test case ends. */
static void stack_test_defer(struct kunit *test, kunit_action_t *action,
			     void *data)
{
	KUNIT_ASSERT_EQ(test, kunit_add_action_or_reset(test, action, data), 0);
}

static void stack_test_path_release(void *data)
{
	struct path *path = data;

	if (path->dentry)
		path_put(path);
}

/* A path that is put when the test case ends, if it is set by then. */
static struct path *stack_test_path(struct kunit *test)
{
	struct path *path = kunit_kzalloc(test, sizeof(*path), GFP_KERNEL);

	KUNIT_ASSERT_NOT_NULL(test, path);
	stack_test_defer(test, stack_test_path_release, path);
	return path;
}

static int stack_test_mkobj(const struct path *dir, const char *name,
			    umode_t mode, const char *target, struct path *out)
{
	struct mnt_idmap *idmap = mnt_idmap(dir->mnt);
	struct inode *inode = d_inode(dir->dentry);
	struct dentry *dentry;
	int err;

	err = mnt_want_write(dir->mnt);
	if (err)
		return err;
	inode_lock_nested(inode, I_MUTEX_PARENT);
	dentry = lookup_one_len(name, dir->dentry, strlen(name));
	err = PTR_ERR_OR_ZERO(dentry);
	if (err)
		goto out;

	switch (mode & S_IFMT) {
	case S_IFDIR:
		err = vfs_mkdir(idmap, inode, dentry, mode);
		break;
	case S_IFLNK:
		err = vfs_symlink(idmap, inode, dentry, target);
		break;
	default:
		err = vfs_create(idmap, inode, dentry, mode, true);
		break;
	}
	if (!err && out) {
		out->mnt = mntget(dir->mnt);
		out->dentry = dget(dentry);
	}
	dput(dentry);
out:
	inode_unlock(inode);
	mnt_drop_write(dir->mnt);
	return err;
}

/* Make @name in @dir; the path returned is put when the test ends. */
static struct path *stack_test_make(struct kunit *test, const struct path *dir,
				    const char *name, umode_t mode,
				    const char *target)
{
	struct path *path = stack_test_path(test);

	KUNIT_ASSERT_EQ_MSG(test, stack_test_mkobj(dir, name, mode, target,
						   path), 0, "making %s", name);
	return path;
}

/* Look @name up in @dir; the result may be negative. */
static struct path *stack_test_get(struct kunit *test, const struct path *dir,
				   const char *name)
{
	struct path *path = stack_test_path(test);
	struct dentry *dentry;

	dentry = lookup_one_unlocked(mnt_idmap(dir->mnt), name, dir->dentry,
				     strlen(name));
	KUNIT_ASSERT_NOT_ERR_OR_NULL(test, dentry);
	path->mnt = mntget(dir->mnt);
	path->dentry = dentry;
	return path;
}

static int stack_test_raw_setattr(const struct path *path, struct iattr *attr)
{
	struct inode *inode = d_inode(path->dentry);
	int err;

	err = mnt_want_write(path->mnt);
	if (err)
		return err;
	inode_lock(inode);
	err = notify_change(mnt_idmap(path->mnt), path->dentry, attr, NULL);
	inode_unlock(inode);
	mnt_drop_write(path->mnt);
	return err;
}

static struct file *stack_test_open(struct kunit *test, const struct path *path,
				    int flags)
{
	struct file *file = dentry_open(path, flags, current_cred());

	KUNIT_ASSERT_NOT_ERR_OR_NULL(test, file);
	stack_test_defer(test, stack_test_file_release, file);
	return file;
}

static void stack_test_write(struct kunit *test, const struct path *path,
			     const void *buf, size_t len)
{
	struct file *file = stack_test_open(test, path, O_WRONLY);
	loff_t pos = 0;

	KUNIT_ASSERT_EQ(test, kernel_write(file, buf, len, &pos), (ssize_t)len);
}

/*
 * A stacked inode: not hashed, not on any list, on a superblock of its
 * own.  Only what backing_inode_copy_attr() touches is set up.
 */
static struct inode *stack_test_inode(struct kunit *test)
{
	struct stack_test *st = test->priv;
	struct inode *inode;

	inode = kunit_kzalloc(test, sizeof(*inode), GFP_KERNEL);
	KUNIT_ASSERT_NOT_NULL(test, inode);
	inode_init_once(inode);
	spin_lock_init(&inode->i_lock);
	inode->i_sb = st->sb;
	inode->__i_nlink = 1;
	return inode;
}

/* The copy_attr hook of the test contexts. */
static void stack_test_copy_attr(struct inode *stacked,
				 const struct path *backing)
{
	struct kunit *test = kunit_get_current_test();
	struct stack_test *st = test ? test->priv : NULL;

	if (st)
		st->followed++;
	backing_inode_copy_attr(stacked, d_inode(backing->dentry),
				mnt_idmap(backing->mnt), BACKING_ATTR_ALL);
}

/* Credentials of an unprivileged user, put when the test ends. */
static const struct cred *stack_test_user_cred(struct kunit *test, u32 id)
{
	struct cred *cred = prepare_creds();

	KUNIT_ASSERT_NOT_NULL(test, cred);
	cred->uid = KUIDT_INIT(id);
	cred->euid = cred->uid;
	cred->suid = cred->uid;
	cred->fsuid = cred->uid;
	cred->gid = KGIDT_INIT(id);
	cred->egid = cred->gid;
	cred->sgid = cred->gid;
	cred->fsgid = cred->gid;
	cred->cap_effective = CAP_EMPTY_SET;
	cred->cap_permitted = CAP_EMPTY_SET;
	stack_test_defer(test, stack_test_cred_release, cred);
	return cred;
}

/*
 * Captured credentials, released when the test case ends.  They must
 * outlive the test function: the test case is cleaned up after it returns.
 */
static struct stack_creds *stack_test_capture(struct kunit *test)
{
	struct stack_creds *sc = kunit_kzalloc(test, sizeof(*sc), GFP_KERNEL);

	KUNIT_ASSERT_NOT_NULL(test, sc);
	KUNIT_ASSERT_EQ(test, stack_creds_init(sc), 0);
	stack_test_defer(test, stack_test_creds_release, sc);
	return sc;
}

/*
 * The captured credentials of a mounter whose fsuid and fsgid are @id, so
 * that objects it creates can be told from the test thread's.
 */
static struct stack_creds *stack_test_mounter(struct kunit *test, u32 id)
{
	struct stack_creds *sc;
	const struct cred *old;
	struct cred *cred;

	cred = prepare_creds();
	KUNIT_ASSERT_NOT_NULL(test, cred);
	cred->fsuid = KUIDT_INIT(id);
	cred->fsgid = KGIDT_INIT(id);
	stack_test_defer(test, stack_test_cred_release, cred);

	old = override_creds(cred);
	sc = kunit_kzalloc(test, sizeof(*sc), GFP_KERNEL);
	if (sc && stack_creds_init(sc))
		sc = NULL;
	revert_creds(old);
	KUNIT_ASSERT_NOT_NULL(test, sc);
	stack_test_defer(test, stack_test_creds_release, sc);
	return sc;
}

/* ---------------------------------------------------------------------
 * Removal of a test case's directory
 */

#define STACK_TEST_BATCH 8

struct stack_test_names {
	struct dir_context ctx;
	unsigned int count;
	char name[STACK_TEST_BATCH][NAME_MAX + 1];
};

static bool stack_test_collect(struct dir_context *ctx, const char *name,
			       int len, loff_t off, u64 ino, unsigned int type)
{
	struct stack_test_names *names =
		container_of(ctx, struct stack_test_names, ctx);

	if (is_dot_dotdot(name, len))
		return true;
	if (names->count == STACK_TEST_BATCH || len > NAME_MAX)
		return false;
	memcpy(names->name[names->count], name, len);
	names->name[names->count][len] = '\0';
	names->count++;
	return true;
}

static int stack_test_remove(const struct path *dir, const char *name);

/* Remove everything in @dir; returns the first error. */
static int stack_test_empty(const struct path *dir)
{
	struct stack_test_names *names;
	struct file *file;
	unsigned int i;
	int err = 0;

	names = kmalloc(sizeof(*names), GFP_KERNEL);
	if (!names)
		return -ENOMEM;
	do {
		names->ctx.actor = stack_test_collect;
		names->ctx.pos = 0;
		names->count = 0;
		file = dentry_open(dir, O_RDONLY | O_DIRECTORY, current_cred());
		if (IS_ERR(file)) {
			err = PTR_ERR(file);
			break;
		}
		err = iterate_dir(file, &names->ctx);
		__fput_sync(file);
		for (i = 0; !err && i < names->count; i++)
			err = stack_test_remove(dir, names->name[i]);
	} while (!err && names->count);
	kfree(names);
	return err;
}

static int stack_test_remove(const struct path *dir, const char *name)
{
	struct mnt_idmap *idmap = mnt_idmap(dir->mnt);
	struct inode *inode = d_inode(dir->dentry);
	struct dentry *dentry;
	int err;

	dentry = lookup_one_unlocked(idmap, name, dir->dentry, strlen(name));
	if (IS_ERR(dentry))
		return PTR_ERR(dentry);
	if (d_is_dir(dentry)) {
		struct path sub = { .mnt = dir->mnt, .dentry = dentry };

		err = stack_test_empty(&sub);
		if (err)
			goto out;
	}

	err = mnt_want_write(dir->mnt);
	if (err)
		goto out;
	inode_lock_nested(inode, I_MUTEX_PARENT);
	if (d_really_is_negative(dentry) || d_unhashed(dentry))
		err = -ENOENT;
	else if (d_is_dir(dentry))
		err = vfs_rmdir(idmap, inode, dentry);
	else
		err = vfs_unlink(idmap, inode, dentry, NULL);
	inode_unlock(inode);
	mnt_drop_write(dir->mnt);
out:
	dput(dentry);
	return err;
}

static void stack_test_drop_root(void *data)
{
	struct stack_test *st = data;
	struct path top = {
		.mnt = stack_test_mnt,
		.dentry = stack_test_mnt->mnt_root,
	};
	const char *name = st->root.dentry->d_name.name;
	int err;

	err = stack_test_empty(&st->root);
	if (!err)
		err = stack_test_remove(&top, name);
	if (err)
		pr_warn("stack_kunit: cannot remove /%s: %d\n", name, err);
	path_put(&st->root);
}

/* ---------------------------------------------------------------------
 * Suite and test case set-up
 */

static int stack_test_suite_init(struct kunit_suite *suite)
{
	struct file_system_type *type = get_fs_type("tmpfs");
	struct vfsmount *mnt;

	if (!type)
		return -ENODEV;
	mnt = kern_mount(type);
	/* put_filesystem(), which is not exported */
	module_put(type->owner);
	if (IS_ERR(mnt))
		return PTR_ERR(mnt);
	stack_test_mnt = mnt;
	return 0;
}

static void stack_test_suite_exit(struct kunit_suite *suite)
{
	kern_unmount(stack_test_mnt);
	stack_test_mnt = NULL;
}

static int stack_test_init(struct kunit *test)
{
	struct path top;
	struct stack_test *st;
	char name[16];
	int err;

	if (!stack_test_mnt)
		return -ENODEV;
	top.mnt = stack_test_mnt;
	top.dentry = stack_test_mnt->mnt_root;

	st = kunit_kzalloc(test, sizeof(*st), GFP_KERNEL);
	if (!st)
		return -ENOMEM;
	st->sb = kunit_kzalloc(test, sizeof(*st->sb), GFP_KERNEL);
	if (!st->sb)
		return -ENOMEM;
	test->priv = st;

	snprintf(name, sizeof(name), "t%d", atomic_inc_return(&stack_test_seq));
	err = stack_test_mkobj(&top, name, S_IFDIR | 0755, NULL, &st->root);
	if (err)
		return err;
	err = kunit_add_action_or_reset(test, stack_test_drop_root, st);
	if (err)
		return err;

	err = stack_creds_init(&st->sc);
	if (err)
		return err;
	err = kunit_add_action_or_reset(test, stack_test_creds_release,
					&st->sc);
	if (err)
		return err;

	st->ctx.cred = stack_creds_get(&st->sc);
	st->ctx.root = &st->root;
	st->ctx.copy_attr = stack_test_copy_attr;
	return 0;
}

/* ---------------------------------------------------------------------
 * backing_inode_copy_attr()
 */

/* Attributes of an inode, as compared by stack_copy_attr_bits() */
enum {
	F_UID, F_GID, F_MODE, F_ATIME, F_ATIME_NS, F_MTIME, F_MTIME_NS,
	F_CTIME, F_CTIME_NS, F_SIZE, F_BLOCKS, F_NLINK, F_RDEV, F_BLKBITS,
	F_FLAGS, F_COUNT
};

static const char * const stack_attr_field[F_COUNT] = {
	"uid", "gid", "mode", "atime", "atime_ns", "mtime", "mtime_ns",
	"ctime", "ctime_ns", "size", "blocks", "nlink", "rdev", "blkbits",
	"flags",
};

#define A_OWNER	(BIT(F_UID) | BIT(F_GID))
#define A_ATIME	(BIT(F_ATIME) | BIT(F_ATIME_NS))
#define A_TIMES	(A_ATIME | BIT(F_MTIME) | BIT(F_MTIME_NS) | \
		 BIT(F_CTIME) | BIT(F_CTIME_NS))
#define A_SIZE	(BIT(F_SIZE) | BIT(F_BLOCKS))
#define A_ALL	(BIT(F_COUNT) - 1)

static void stack_attr_get(const struct inode *inode, u64 *v)
{
	v[F_UID] = __kuid_val(inode->i_uid);
	v[F_GID] = __kgid_val(inode->i_gid);
	v[F_MODE] = inode->i_mode;
	v[F_ATIME] = inode_get_atime_sec(inode);
	v[F_ATIME_NS] = inode_get_atime_nsec(inode);
	v[F_MTIME] = inode_get_mtime_sec(inode);
	v[F_MTIME_NS] = inode_get_mtime_nsec(inode);
	v[F_CTIME] = inode_get_ctime_sec(inode);
	v[F_CTIME_NS] = inode_get_ctime_nsec(inode);
	v[F_SIZE] = i_size_read(inode);
	v[F_BLOCKS] = inode->i_blocks;
	v[F_NLINK] = inode->i_nlink;
	v[F_RDEV] = inode->i_rdev;
	v[F_BLKBITS] = inode->i_blkbits;
	v[F_FLAGS] = inode->i_flags;
}

struct stack_attr_case {
	const char *desc;
	unsigned int what;
	void (*copy)(struct inode *dst, const struct inode *src);
	unsigned int fields;
};

static const struct stack_attr_case stack_attr_cases[] = {
	{ "none", 0, NULL, 0 },
	{ "OWNER", BACKING_ATTR_OWNER, NULL, A_OWNER },
	{ "MODE", BACKING_ATTR_MODE, NULL, BIT(F_MODE) },
	{ "TIMES", BACKING_ATTR_TIMES, NULL, A_TIMES },
	{ "ATIME", BACKING_ATTR_ATIME, NULL, A_ATIME },
	{ "SIZE", BACKING_ATTR_SIZE, NULL, A_SIZE },
	{ "NLINK", BACKING_ATTR_NLINK, NULL, BIT(F_NLINK) },
	{ "RDEV", BACKING_ATTR_RDEV, NULL, BIT(F_RDEV) },
	{ "BLKBITS", BACKING_ATTR_BLKBITS, NULL, BIT(F_BLKBITS) },
	{ "FLAGS", BACKING_ATTR_FLAGS, NULL, BIT(F_FLAGS) },
	{ "RAW_FLAGS", BACKING_ATTR_RAW_FLAGS, NULL, BIT(F_FLAGS) },
	{ "ALL", BACKING_ATTR_ALL, NULL, A_ALL },
	{ "copy_times", 0, backing_inode_copy_times, A_TIMES },
	{ "copy_atime", 0, backing_inode_copy_atime, A_ATIME },
	{ "copy_size", 0, backing_inode_copy_size, A_SIZE },
};

KUNIT_ARRAY_PARAM_DESC(stack_attr, stack_attr_cases, desc);

/* Give every attribute of @inode a value that depends on @v. */
static void stack_attr_fill(struct inode *inode, unsigned int v)
{
	inode->i_uid = KUIDT_INIT(1000 + v);
	inode->i_gid = KGIDT_INIT(2000 + v);
	inode->i_mode = S_IFCHR | 0400 | v;
	inode_set_atime(inode, 100 + v, v);
	inode_set_mtime(inode, 200 + v, v);
	inode_set_ctime(inode, 300 + v, v);
	inode->i_size = 4096 * v + v;
	inode->i_blocks = 8 * v;
	inode->__i_nlink = v;
	inode->i_rdev = MKDEV(v, v);
	inode->i_blkbits = 9 + v;
	inode->i_flags = v;
}

/* Each BACKING_ATTR_* bit copies what it says and nothing else. */
static void stack_copy_attr_bits(struct kunit *test)
{
	const struct stack_attr_case *param = test->param_value;
	struct inode *src = stack_test_inode(test);
	struct inode *dst = stack_test_inode(test);
	u64 before[F_COUNT], from[F_COUNT], after[F_COUNT];
	int i;

	stack_attr_fill(src, 1);
	stack_attr_fill(dst, 2);
	stack_attr_get(src, from);
	stack_attr_get(dst, before);

	if (param->copy)
		param->copy(dst, src);
	else
		backing_inode_copy_attr(dst, src, NULL, param->what);

	stack_attr_get(dst, after);
	for (i = 0; i < F_COUNT; i++) {
		KUNIT_ASSERT_NE(test, from[i], before[i]);
		KUNIT_EXPECT_EQ_MSG(test, after[i],
				    param->fields & BIT(i) ? from[i] : before[i],
				    "%s", stack_attr_field[i]);
	}
}

/*
 * BACKING_ATTR_FLAGS mirrors only the flags the VFS acts on; the raw copy
 * takes the backing inode's own flags too.
 */
static void stack_copy_attr_flags_mask(struct kunit *test)
{
	struct inode *src = stack_test_inode(test);
	struct inode *dst = stack_test_inode(test);
	struct inode *raw = stack_test_inode(test);

	src->i_flags = S_APPEND | S_NOATIME | S_SWAPFILE | S_DAX;
	dst->i_flags = S_IMMUTABLE | S_PRIVATE;
	raw->i_flags = S_IMMUTABLE | S_PRIVATE;

	backing_inode_copy_attr(dst, src, NULL, BACKING_ATTR_FLAGS);
	backing_inode_copy_attr(raw, src, NULL, BACKING_ATTR_RAW_FLAGS);

	KUNIT_EXPECT_EQ(test, dst->i_flags, S_APPEND | S_NOATIME | S_PRIVATE);
	KUNIT_EXPECT_EQ(test, raw->i_flags, src->i_flags);
}

/* The owner is copied as seen through the idmap of the backing mount. */
static void stack_copy_attr_owner_idmap(struct kunit *test)
{
	struct stack_test *st = test->priv;
	struct path *file = stack_test_make(test, &st->root, "f",
					    S_IFREG | 0640, NULL);
	struct inode *dst = stack_test_inode(test);
	struct inode *src = d_inode(file->dentry);
	struct iattr attr = {
		.ia_valid = ATTR_UID | ATTR_GID,
		.ia_vfsuid = VFSUIDT_INIT(KUIDT_INIT(STACK_TEST_UID)),
		.ia_vfsgid = VFSGIDT_INIT(KGIDT_INIT(STACK_TEST_GID)),
	};

	KUNIT_ASSERT_EQ(test, stack_test_raw_setattr(file, &attr), 0);
	KUNIT_ASSERT_PTR_EQ(test, mnt_idmap(file->mnt), &nop_mnt_idmap);

	backing_inode_copy_attr(dst, src, &nop_mnt_idmap, BACKING_ATTR_OWNER);
	KUNIT_EXPECT_EQ(test, __kuid_val(dst->i_uid), STACK_TEST_UID);
	KUNIT_EXPECT_EQ(test, __kgid_val(dst->i_gid), STACK_TEST_GID);

	/* NULL stands for a mount that is not idmapped */
	dst->i_uid = GLOBAL_ROOT_UID;
	dst->i_gid = GLOBAL_ROOT_GID;
	backing_inode_copy_attr(dst, src, NULL, BACKING_ATTR_OWNER);
	KUNIT_EXPECT_EQ(test, __kuid_val(dst->i_uid), STACK_TEST_UID);
	KUNIT_EXPECT_EQ(test, __kgid_val(dst->i_gid), STACK_TEST_GID);
}

/* Size and block count of a real file with data follow together. */
static void stack_copy_attr_size_blocks(struct kunit *test)
{
	struct stack_test *st = test->priv;
	struct path *file = stack_test_make(test, &st->root, "f",
					    S_IFREG | 0640, NULL);
	struct inode *src = d_inode(file->dentry);
	struct inode *dst = stack_test_inode(test);
	size_t len = 3 * PAGE_SIZE + 1;
	void *buf;

	buf = kunit_kzalloc(test, len, GFP_KERNEL);
	KUNIT_ASSERT_NOT_NULL(test, buf);
	stack_test_write(test, file, buf, len);
	KUNIT_ASSERT_EQ(test, i_size_read(src), (loff_t)len);
	KUNIT_ASSERT_GT(test, src->i_blocks, 0);

	dst->i_mode = S_IFREG | 0600;
	backing_inode_copy_size(dst, src);
	KUNIT_EXPECT_EQ(test, i_size_read(dst), (loff_t)len);
	KUNIT_EXPECT_EQ(test, dst->i_blocks, src->i_blocks);
	KUNIT_EXPECT_EQ(test, dst->i_mode, S_IFREG | 0600);
}

/* ---------------------------------------------------------------------
 * stack_creds
 */

/* The copy lacks CAP_SYS_RESOURCE in its effective set, and only that. */
static void stack_creds_init_caps(struct kunit *test)
{
	struct stack_test *st = test->priv;
	const struct cred *cur = current_cred();
	const struct cred *cred = stack_creds_get(&st->sc);
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

/* stack_creds_put() takes NULL, an empty structure, and repeated calls. */
static void stack_creds_put_safe(struct kunit *test)
{
	struct stack_creds sc = {};

	stack_creds_put(NULL);
	stack_creds_put(&sc);
	KUNIT_EXPECT_NULL(test, sc.cred);

	KUNIT_ASSERT_EQ(test, stack_creds_init(&sc), 0);
	KUNIT_ASSERT_NOT_NULL(test, sc.cred);
	KUNIT_EXPECT_EQ(test, atomic_long_read(&sc.cred->usage), 1);
	stack_creds_put(&sc);
	KUNIT_EXPECT_NULL(test, sc.cred);
	stack_creds_put(&sc);
	KUNIT_EXPECT_NULL(test, sc.cred);
}

/* Nested overrides are undone level by level, in reverse order. */
static void stack_creds_override_nesting(struct kunit *test)
{
	struct stack_test *st = test->priv;
	const struct cred *orig = current_cred();
	const struct cred *outer = stack_creds_get(&st->sc);
	struct stack_creds *inner = stack_test_capture(test);
	const struct cred *old1, *old2, *in1, *in2, *back1, *back0;
	long usage_outer = atomic_long_read(&outer->usage);
	long usage_inner = atomic_long_read(&inner->cred->usage);

	old1 = stack_creds_override(&st->sc);
	in1 = current_cred();
	old2 = stack_creds_override(inner);
	in2 = current_cred();
	stack_creds_revert(old2);
	back1 = current_cred();
	stack_creds_revert(old1);
	back0 = current_cred();

	KUNIT_EXPECT_PTR_EQ(test, old1, orig);
	KUNIT_EXPECT_PTR_EQ(test, in1, outer);
	KUNIT_EXPECT_PTR_EQ(test, old2, outer);
	KUNIT_EXPECT_PTR_EQ(test, in2, inner->cred);
	KUNIT_EXPECT_PTR_EQ(test, back1, outer);
	KUNIT_EXPECT_PTR_EQ(test, back0, orig);
	KUNIT_EXPECT_EQ(test, atomic_long_read(&outer->usage), usage_outer);
	KUNIT_EXPECT_EQ(test, atomic_long_read(&inner->cred->usage),
			usage_inner);
}

/* create_as installs the given fsuid/fsgid; revert drops them again. */
static void stack_creds_create_as_ids(struct kunit *test)
{
	struct stack_test *st = test->priv;
	struct path *neg = stack_test_get(test, &st->root, "new");
	const struct cred *orig = current_cred();
	const struct cred *mounter = stack_creds_get(&st->sc);
	const struct cred *old, *installed;
	long usage = atomic_long_read(&mounter->usage);
	kuid_t fsuid;
	kgid_t fsgid;
	kernel_cap_t caps;
	int err;

	old = stack_creds_override(&st->sc);
	err = stack_creds_create_as(neg->dentry, S_IFREG | 0640,
				    KUIDT_INIT(STACK_TEST_UID),
				    KGIDT_INIT(STACK_TEST_GID), old);
	installed = current_cred();
	fsuid = current_fsuid();
	fsgid = current_fsgid();
	caps = installed->cap_effective;
	stack_creds_revert(old);

	KUNIT_EXPECT_EQ(test, err, 0);
	KUNIT_EXPECT_PTR_NE(test, installed, mounter);
	KUNIT_EXPECT_EQ(test, __kuid_val(fsuid), STACK_TEST_UID);
	KUNIT_EXPECT_EQ(test, __kgid_val(fsgid), STACK_TEST_GID);
	KUNIT_EXPECT_EQ(test, caps.val, mounter->cap_effective.val);
	KUNIT_EXPECT_PTR_EQ(test, current_cred(), orig);
	KUNIT_EXPECT_EQ(test, atomic_long_read(&mounter->usage), usage);
}

static const struct backing_create_args stack_reg_args = {
	.mode = S_IFREG | 0640,
};

/*
 * backing_create() with a caller in its arguments creates as that caller:
 * the new file is owned by the ids given, not by the mounter.
 */
static void stack_create_as_caller_owner(struct kunit *test)
{
	struct stack_test *st = test->priv;
	struct backing_ctx ctx = st->ctx;
	struct path *stacked = stack_test_get(test, &st->root, "new");
	struct path *out = stack_test_path(test);
	struct qstr name = QSTR("new");
	struct stack_creds *mounter = stack_test_mounter(test,
							  STACK_TEST_MOUNTER);
	struct backing_create_args args = {
		.mode = S_IFREG | 0640,
		.caller = current_cred(),
		.uid = KUIDT_INIT(STACK_TEST_UID),
		.gid = KGIDT_INIT(STACK_TEST_GID),
		.stacked = stacked->dentry,
	};
	const struct cred *before = current_cred();

	ctx.cred = stack_creds_get(mounter);

	KUNIT_ASSERT_EQ(test, backing_create(&ctx, &st->root, &name, &args,
					     out), 0);
	KUNIT_EXPECT_EQ(test, __kuid_val(d_inode(out->dentry)->i_uid),
			STACK_TEST_UID);
	KUNIT_EXPECT_EQ(test, __kgid_val(d_inode(out->dentry)->i_gid),
			STACK_TEST_GID);
	KUNIT_EXPECT_PTR_EQ(test, current_cred(), before);
}

/* Creating as a caller needs the stacked dentry for the LSMs. */
static void stack_create_as_caller_needs_dentry(struct kunit *test)
{
	struct stack_test *st = test->priv;
	struct path *out = stack_test_path(test);
	struct qstr name = QSTR("new");
	struct backing_create_args args = {
		.mode = S_IFREG | 0640,
		.caller = current_cred(),
		.uid = KUIDT_INIT(STACK_TEST_UID),
		.gid = KGIDT_INIT(STACK_TEST_GID),
	};

	KUNIT_EXPECT_EQ(test, backing_create(&st->ctx, &st->root, &name,
					     &args, out), -EINVAL);
	KUNIT_EXPECT_NULL(test, out->dentry);
}

/*
 * A context without credentials is refused by every helper family rather
 * than run with the caller's credentials, and the namespace helpers need a
 * root to stay beneath.
 */
static void stack_ctx_required(struct kunit *test)
{
	struct stack_test *st = test->priv;
	struct path *file = stack_test_make(test, &st->root, "f",
					    S_IFREG | 0640, NULL);
	struct backing_ctx nocred = st->ctx;
	struct backing_ctx noroot = st->ctx;
	struct qstr name = QSTR("f");
	struct path out = {};
	struct kstat stat;

	nocred.cred = NULL;
	noroot.root = NULL;
	KUNIT_EXPECT_EQ(test, backing_getattr(&nocred, NULL, file, &stat,
					      STATX_BASIC_STATS, 0), -EINVAL);
	KUNIT_EXPECT_EQ(test, backing_lookup(&nocred, &st->root, &name, &out),
			-EINVAL);
	KUNIT_EXPECT_EQ(test, backing_resolve(&nocred, "f", 0, &out), -EINVAL);
	KUNIT_EXPECT_EQ(test, backing_lookup(&noroot, &st->root, &name, &out),
			-EINVAL);
	KUNIT_EXPECT_EQ(test, backing_unlink(&noroot, &st->root, &name),
			-EINVAL);
	KUNIT_EXPECT_NULL(test, out.dentry);
	KUNIT_EXPECT_TRUE(test, d_really_is_positive(file->dentry));
}

/* Without stack_creds_create_as(), the mounter owns what it creates. */
static void stack_create_mounter_owner(struct kunit *test)
{
	struct stack_test *st = test->priv;
	struct backing_ctx ctx = st->ctx;
	struct path *out = stack_test_path(test);
	struct qstr name = QSTR("new");
	struct stack_creds *mounter = stack_test_mounter(test,
							  STACK_TEST_MOUNTER);

	ctx.cred = stack_creds_get(mounter);

	KUNIT_ASSERT_EQ(test, backing_create(&ctx, &st->root, &name,
					     &stack_reg_args, out), 0);
	KUNIT_EXPECT_EQ(test, __kuid_val(d_inode(out->dentry)->i_uid),
			STACK_TEST_MOUNTER);
	KUNIT_EXPECT_EQ(test, __kgid_val(d_inode(out->dentry)->i_gid),
			STACK_TEST_MOUNTER);
}

/* ---------------------------------------------------------------------
 * backing_lookup() and backing_resolve()
 */

struct stack_name_case {
	const char *desc;
	const char *name;
	unsigned int len;
	int err;
};

static const struct stack_name_case stack_lookup_cases[] = {
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

KUNIT_ARRAY_PARAM_DESC(stack_lookup, stack_lookup_cases, desc);

/* backing_lookup() takes one path component and nothing else. */
static void stack_lookup_bad_name(struct kunit *test)
{
	const struct stack_name_case *param = test->param_value;
	struct stack_test *st = test->priv;
	struct path out = {};
	struct qstr name;
	char *buf;

	stack_test_make(test, &st->root, "a", S_IFDIR | 0755, NULL);
	stack_test_make(test, &st->root, "f", S_IFREG | 0640, NULL);
	if (param->name) {
		name = (struct qstr)QSTR_INIT(param->name, param->len);
	} else {
		buf = kunit_kzalloc(test, param->len + 1, GFP_KERNEL);
		KUNIT_ASSERT_NOT_NULL(test, buf);
		memset(buf, 'x', param->len);
		name = (struct qstr)QSTR_INIT(buf, param->len);
	}

	KUNIT_EXPECT_EQ(test, backing_lookup(&st->ctx, &st->root, &name, &out),
			param->err);
	KUNIT_EXPECT_NULL(test, out.dentry);
	KUNIT_EXPECT_NULL(test, out.mnt);
}

/* A directory outside of the root cannot be looked in. */
static void stack_lookup_outside_root(struct kunit *test)
{
	struct stack_test *st = test->priv;
	struct path top = {
		.mnt = stack_test_mnt,
		.dentry = stack_test_mnt->mnt_root,
	};
	struct qstr name = QSTR_INIT(st->root.dentry->d_name.name,
				     st->root.dentry->d_name.len);
	struct path out = {};

	KUNIT_EXPECT_EQ(test, backing_lookup(&st->ctx, &top, &name, &out),
			-EXDEV);
	KUNIT_EXPECT_NULL(test, out.dentry);
}

/* Lookups find existing objects, and return negative paths otherwise. */
static void stack_lookup_found(struct kunit *test)
{
	struct stack_test *st = test->priv;
	struct path *file = stack_test_make(test, &st->root, "f",
					    S_IFREG | 0640, NULL);
	struct path *pos = stack_test_path(test);
	struct path *neg = stack_test_path(test);
	struct qstr f = QSTR("f"), missing = QSTR("missing");

	KUNIT_ASSERT_EQ(test, backing_lookup(&st->ctx, &st->root, &f, pos), 0);
	KUNIT_EXPECT_PTR_EQ(test, pos->dentry, file->dentry);
	KUNIT_EXPECT_PTR_EQ(test, pos->mnt, st->root.mnt);

	KUNIT_ASSERT_EQ(test, backing_lookup(&st->ctx, &st->root, &missing,
					     neg), 0);
	KUNIT_EXPECT_TRUE(test, d_really_is_negative(neg->dentry));
	KUNIT_EXPECT_PTR_EQ(test, neg->dentry->d_parent, st->root.dentry);
}

struct stack_resolve_case {
	const char *desc;
	const char *path;
	unsigned int flags;
	int err;
	const char *want;	/* on success: what it names, from the root */
};

static const struct stack_resolve_case stack_resolve_cases[] = {
	{ "dotdot", "..", 0, -EXDEV },
	{ "dotdot_after_dir", "a/../../x", 0, -EXDEV },
	{ "dotdot_inside", "a/../f", 0, 0, "f" },
	{ "absolute", "/f", 0, 0, "f" },
	{ "absolute_dotdot", "/../x", 0, -EXDEV },
	{ "abs_symlink", "abs", LOOKUP_FOLLOW, -EXDEV },
	{ "abs_symlink_inside_path", "abs/f", 0, -EXDEV },
	{ "abs_symlink_nofollow", "abs", 0, 0, "abs" },
	{ "rel_symlink_out", "up", LOOKUP_FOLLOW, -EXDEV },
	{ "rel_symlink_out_inside_path", "up/x", 0, -EXDEV },
	{ "rel_symlink_in", "in/g", 0, 0, "a/g" },
	{ "no_symlinks", "in/g", LOOKUP_NO_SYMLINKS, -ELOOP },
	{ "dot", ".", 0, 0, "." },
	{ "empty", "", 0, 0, "." },
	{ "missing", "missing", 0, -ENOENT },
	{ "not_a_directory", "f", LOOKUP_DIRECTORY, -ENOTDIR },
	{ "beneath_flag", "f", LOOKUP_BENEATH, -EINVAL },
};

KUNIT_ARRAY_PARAM_DESC(stack_resolve, stack_resolve_cases, desc);

/* backing_resolve() never leaves the root, and fails as documented. */
static void stack_resolve(struct kunit *test)
{
	const struct stack_resolve_case *param = test->param_value;
	struct stack_test *st = test->priv;
	struct path *out = stack_test_path(test);
	struct path *want = stack_test_path(test);
	struct path *dir;
	int err;

	dir = stack_test_make(test, &st->root, "a", S_IFDIR | 0755, NULL);
	stack_test_make(test, dir, "g", S_IFREG | 0640, NULL);
	stack_test_make(test, &st->root, "f", S_IFREG | 0640, NULL);
	stack_test_make(test, &st->root, "abs", S_IFLNK | 0777, "/");
	stack_test_make(test, &st->root, "up", S_IFLNK | 0777, "../x");
	stack_test_make(test, &st->root, "in", S_IFLNK | 0777, "a");

	err = backing_resolve(&st->ctx, param->path, param->flags, out);
	KUNIT_ASSERT_EQ(test, err, param->err);
	if (err) {
		KUNIT_EXPECT_NULL(test, out->dentry);
		return;
	}
	KUNIT_ASSERT_EQ(test, vfs_path_lookup(st->root.dentry, st->root.mnt,
					      param->want, 0, want), 0);
	KUNIT_EXPECT_PTR_EQ(test, out->dentry, want->dentry);
	KUNIT_EXPECT_PTR_EQ(test, out->mnt, want->mnt);
}

/* Without a root to be confined to, nothing can be resolved. */
static void stack_resolve_needs_root(struct kunit *test)
{
	struct stack_test *st = test->priv;
	struct backing_ctx ctx = st->ctx;
	struct path out = {};

	ctx.root = NULL;
	KUNIT_EXPECT_EQ(test, backing_resolve(&ctx, "f", 0, &out), -EINVAL);
	KUNIT_EXPECT_NULL(test, out.dentry);
}

/* ---------------------------------------------------------------------
 * backing_create(), backing_link(), backing_unlink(), backing_rmdir(),
 * backing_rename()
 */

struct stack_create_case {
	const char *desc;
	struct backing_create_args args;
};

static const struct stack_create_case stack_create_cases[] = {
	{ "file", { .mode = S_IFREG | 0640 } },
	{ "directory", { .mode = S_IFDIR | 0750 } },
	{ "char_device", { .mode = S_IFCHR | 0600, .rdev = MKDEV(1, 3) } },
	{ "block_device", { .mode = S_IFBLK | 0600, .rdev = MKDEV(7, 1) } },
	{ "fifo", { .mode = S_IFIFO | 0640 } },
	{ "socket", { .mode = S_IFSOCK | 0750 } },
	{ "symlink", { .mode = S_IFLNK | 0777, .target = "some/where" } },
};

KUNIT_ARRAY_PARAM_DESC(stack_create, stack_create_cases, desc);

/* Each file type is created as asked, owned by the context's creds. */
static void stack_create_type(struct kunit *test)
{
	const struct stack_create_case *param = test->param_value;
	const struct backing_create_args *args = &param->args;
	struct stack_test *st = test->priv;
	struct path *out = stack_test_path(test);
	struct qstr name = QSTR("new");
	struct path *found;
	struct inode *inode;

	KUNIT_ASSERT_EQ(test, backing_create(&st->ctx, &st->root, &name, args,
					     out), 0);
	KUNIT_ASSERT_TRUE(test, d_really_is_positive(out->dentry));
	KUNIT_EXPECT_PTR_EQ(test, out->mnt, st->root.mnt);
	found = stack_test_get(test, &st->root, "new");
	KUNIT_EXPECT_PTR_EQ(test, found->dentry, out->dentry);

	inode = d_inode(out->dentry);
	KUNIT_EXPECT_EQ(test, inode->i_mode, args->mode);
	KUNIT_EXPECT_TRUE(test, uid_eq(inode->i_uid, st->ctx.cred->fsuid));
	if (S_ISCHR(args->mode) || S_ISBLK(args->mode))
		KUNIT_EXPECT_EQ(test, inode->i_rdev, args->rdev);
	if (S_ISLNK(args->mode))
		KUNIT_EXPECT_EQ(test, i_size_read(inode),
				(loff_t)strlen(args->target));
}

/* What is not a valid object to create is refused before any lookup. */
static void stack_create_bad_args(struct kunit *test)
{
	static const struct backing_create_args no_target = {
		.mode = S_IFLNK | 0777,
	};
	static const struct backing_create_args no_type = { .mode = 0640 };
	struct stack_test *st = test->priv;
	struct qstr name = QSTR("new");
	struct path *found;

	KUNIT_EXPECT_EQ(test, backing_create(&st->ctx, &st->root, &name,
					     &no_target, NULL), -EINVAL);
	KUNIT_EXPECT_EQ(test, backing_create(&st->ctx, &st->root, &name,
					     &no_type, NULL), -EINVAL);
	KUNIT_EXPECT_EQ(test, backing_create(&st->ctx, &st->root, &name,
					     NULL, NULL), -EINVAL);
	found = stack_test_get(test, &st->root, "new");
	KUNIT_EXPECT_TRUE(test, d_really_is_negative(found->dentry));
}

/* A hard link names the same inode, in another directory. */
static void stack_link(struct kunit *test)
{
	struct stack_test *st = test->priv;
	struct path *file = stack_test_make(test, &st->root, "f",
					    S_IFREG | 0640, NULL);
	struct path *dir = stack_test_make(test, &st->root, "d",
					   S_IFDIR | 0755, NULL);
	struct path *out = stack_test_path(test);
	struct qstr name = QSTR("l");

	KUNIT_ASSERT_EQ(test, backing_link(&st->ctx, file, dir, &name, out), 0);
	KUNIT_EXPECT_PTR_EQ(test, d_inode(out->dentry), d_inode(file->dentry));
	KUNIT_EXPECT_PTR_EQ(test, out->dentry->d_parent, dir->dentry);
	KUNIT_EXPECT_EQ(test, d_inode(file->dentry)->i_nlink, 2);
}

/* Unlinking removes the name. */
static void stack_unlink(struct kunit *test)
{
	struct stack_test *st = test->priv;
	struct path *file = stack_test_make(test, &st->root, "f",
					    S_IFREG | 0640, NULL);
	struct qstr name = QSTR("f");
	struct path *found;

	KUNIT_ASSERT_EQ(test, backing_unlink(&st->ctx, &st->root, &name), 0);
	KUNIT_EXPECT_EQ(test, d_inode(file->dentry)->i_nlink, 0);
	found = stack_test_get(test, &st->root, "f");
	KUNIT_EXPECT_TRUE(test, d_really_is_negative(found->dentry));
}

/* Removing an empty directory removes the name. */
static void stack_rmdir(struct kunit *test)
{
	struct stack_test *st = test->priv;
	struct path *dir = stack_test_make(test, &st->root, "d",
					   S_IFDIR | 0755, NULL);
	struct qstr name = QSTR("d");
	struct path *found;

	KUNIT_ASSERT_EQ(test, backing_rmdir(&st->ctx, &st->root, &name), 0);
	KUNIT_EXPECT_TRUE(test, IS_DEADDIR(d_inode(dir->dentry)));
	found = stack_test_get(test, &st->root, "d");
	KUNIT_EXPECT_TRUE(test, d_really_is_negative(found->dentry));
}

/* A rename moves an object to another name in another directory. */
static void stack_rename_move(struct kunit *test)
{
	struct stack_test *st = test->priv;
	struct path *file = stack_test_make(test, &st->root, "f",
					    S_IFREG | 0640, NULL);
	struct path *dir = stack_test_make(test, &st->root, "d",
					   S_IFDIR | 0755, NULL);
	struct qstr oldname = QSTR("f"), newname = QSTR("g");
	struct inode *inode = d_inode(file->dentry);
	struct path *old, *new;

	KUNIT_ASSERT_EQ(test, backing_rename(&st->ctx, &st->root, &oldname,
					     dir, &newname, 0), 0);
	old = stack_test_get(test, &st->root, "f");
	new = stack_test_get(test, dir, "g");
	KUNIT_EXPECT_TRUE(test, d_really_is_negative(old->dentry));
	KUNIT_EXPECT_PTR_EQ(test, d_inode(new->dentry), inode);
}

/* RENAME_EXCHANGE swaps two names, even of different types. */
static void stack_rename_exchange(struct kunit *test)
{
	struct stack_test *st = test->priv;
	struct path *file = stack_test_make(test, &st->root, "f",
					    S_IFREG | 0640, NULL);
	struct path *dir = stack_test_make(test, &st->root, "d",
					   S_IFDIR | 0755, NULL);
	struct inode *file_inode = d_inode(file->dentry);
	struct inode *dir_inode = d_inode(dir->dentry);
	struct qstr f = QSTR("f"), d = QSTR("d");
	struct path *now_f, *now_d;

	KUNIT_ASSERT_EQ(test, backing_rename(&st->ctx, &st->root, &f,
					     &st->root, &d, RENAME_EXCHANGE),
			0);
	now_f = stack_test_get(test, &st->root, "f");
	now_d = stack_test_get(test, &st->root, "d");
	KUNIT_EXPECT_PTR_EQ(test, d_inode(now_f->dentry), dir_inode);
	KUNIT_EXPECT_PTR_EQ(test, d_inode(now_d->dentry), file_inode);
}

/* ---------------------------------------------------------------------
 * Errors of the backing filesystem, and of the helpers' own checks
 */

enum stack_error_op {
	UNLINK_MISSING,
	UNLINK_DIR,
	RMDIR_NOT_EMPTY,
	RMDIR_FILE,
	RMDIR_MISSING,
	CREATE_EXCL_EXISTING,
	MKDIR_EXISTING,
	LINK_EXISTING,
	RENAME_NOREPLACE_EXISTING,
	RENAME_MISSING,
	RENAME_EXCHANGE_MISSING,
	RENAME_INTO_ITSELF,
	RENAME_ONTO_NOT_EMPTY,
	RENAME_BAD_FLAGS,
	GETXATTR_MISSING,
	REMOVEXATTR_MISSING,
	SETXATTR_REPLACE_MISSING,
	GETATTR_NEGATIVE,
};

struct stack_error_case {
	const char *desc;
	enum stack_error_op op;
	int err;
};

static const struct stack_error_case stack_error_cases[] = {
	{ "unlink_missing", UNLINK_MISSING, -ENOENT },
	{ "unlink_dir", UNLINK_DIR, -EISDIR },
	{ "rmdir_not_empty", RMDIR_NOT_EMPTY, -ENOTEMPTY },
	{ "rmdir_file", RMDIR_FILE, -ENOTDIR },
	{ "rmdir_missing", RMDIR_MISSING, -ENOENT },
	{ "create_excl_existing", CREATE_EXCL_EXISTING, -EEXIST },
	{ "mkdir_existing", MKDIR_EXISTING, -EEXIST },
	{ "link_existing", LINK_EXISTING, -EEXIST },
	{ "rename_noreplace_existing", RENAME_NOREPLACE_EXISTING, -EEXIST },
	{ "rename_missing", RENAME_MISSING, -ENOENT },
	{ "rename_exchange_missing", RENAME_EXCHANGE_MISSING, -ENOENT },
	{ "rename_into_itself", RENAME_INTO_ITSELF, -EINVAL },
	{ "rename_onto_not_empty", RENAME_ONTO_NOT_EMPTY, -ENOTEMPTY },
	{ "rename_bad_flags", RENAME_BAD_FLAGS, -EINVAL },
	{ "getxattr_missing", GETXATTR_MISSING, -ENODATA },
	{ "removexattr_missing", REMOVEXATTR_MISSING, -ENODATA },
	{ "setxattr_replace_missing", SETXATTR_REPLACE_MISSING, -ENODATA },
	{ "getattr_negative", GETATTR_NEGATIVE, -ENOENT },
};

KUNIT_ARRAY_PARAM_DESC(stack_error, stack_error_cases, desc);

/* Each failure comes back with the errno rename(2) and friends give. */
static void stack_error(struct kunit *test)
{
	static const struct backing_create_args excl = {
		.mode = S_IFREG | 0640,
		.excl = true,
	};
	static const struct backing_create_args mkdir = {
		.mode = S_IFDIR | 0755,
	};
	const struct stack_error_case *param = test->param_value;
	struct stack_test *st = test->priv;
	const struct backing_ctx *ctx = &st->ctx;
	const struct path *root = &st->root;
	struct qstr f = QSTR("f"), g = QSTR("g"), d = QSTR("d"), e = QSTR("e");
	struct qstr missing = QSTR("missing"), sub = QSTR("sub");
	struct path *file, *dir, *neg;
	struct kstat stat;
	char value[8];
	int err;

	file = stack_test_make(test, root, "f", S_IFREG | 0640, NULL);
	stack_test_make(test, root, "g", S_IFREG | 0640, NULL);
	dir = stack_test_make(test, root, "d", S_IFDIR | 0755, NULL);
	stack_test_make(test, dir, "x", S_IFREG | 0640, NULL);
	stack_test_make(test, root, "e", S_IFDIR | 0755, NULL);

	switch (param->op) {
	case UNLINK_MISSING:
		err = backing_unlink(ctx, root, &missing);
		break;
	case UNLINK_DIR:
		err = backing_unlink(ctx, root, &d);
		break;
	case RMDIR_NOT_EMPTY:
		err = backing_rmdir(ctx, root, &d);
		break;
	case RMDIR_FILE:
		err = backing_rmdir(ctx, root, &f);
		break;
	case RMDIR_MISSING:
		err = backing_rmdir(ctx, root, &missing);
		break;
	case CREATE_EXCL_EXISTING:
		err = backing_create(ctx, root, &f, &excl, NULL);
		break;
	case MKDIR_EXISTING:
		err = backing_create(ctx, root, &d, &mkdir, NULL);
		break;
	case LINK_EXISTING:
		err = backing_link(ctx, file, root, &g, NULL);
		break;
	case RENAME_NOREPLACE_EXISTING:
		err = backing_rename(ctx, root, &f, root, &g, RENAME_NOREPLACE);
		break;
	case RENAME_MISSING:
		err = backing_rename(ctx, root, &missing, root, &sub, 0);
		break;
	case RENAME_EXCHANGE_MISSING:
		err = backing_rename(ctx, root, &f, root, &missing,
				     RENAME_EXCHANGE);
		break;
	case RENAME_INTO_ITSELF:
		err = backing_rename(ctx, root, &d, dir, &sub, 0);
		break;
	case RENAME_ONTO_NOT_EMPTY:
		err = backing_rename(ctx, root, &e, root, &d, 0);
		break;
	case RENAME_BAD_FLAGS:
		err = backing_rename(ctx, root, &f, root, &g,
				     RENAME_EXCHANGE | RENAME_NOREPLACE);
		break;
	case GETXATTR_MISSING:
		err = backing_getxattr(ctx, file, "user.missing", value,
				       sizeof(value));
		break;
	case REMOVEXATTR_MISSING:
		err = backing_removexattr(ctx, NULL, file, "user.missing");
		break;
	case SETXATTR_REPLACE_MISSING:
		err = backing_setxattr(ctx, NULL, file, "user.missing", "v", 1,
				       XATTR_REPLACE);
		break;
	case GETATTR_NEGATIVE:
		neg = stack_test_get(test, root, "missing");
		err = backing_getattr(ctx, NULL, neg, &stat, STATX_BASIC_STATS,
				      AT_STATX_SYNC_AS_STAT);
		break;
	default:
		KUNIT_FAIL(test, "unknown operation %d", param->op);
		return;
	}
	KUNIT_EXPECT_EQ(test, err, param->err);
	KUNIT_EXPECT_EQ(test, st->followed, 0);
}

/* ---------------------------------------------------------------------
 * Inode operations
 */

/* getattr returns the backing attributes, and the stacked inode follows. */
static void stack_getattr(struct kunit *test)
{
	struct stack_test *st = test->priv;
	struct path *file = stack_test_make(test, &st->root, "f",
					    S_IFREG | 0640, NULL);
	struct inode *inode = d_inode(file->dentry);
	struct inode *stacked = stack_test_inode(test);
	struct kstat stat = {};

	KUNIT_ASSERT_EQ(test, backing_getattr(&st->ctx, stacked, file, &stat,
					      STATX_BASIC_STATS,
					      AT_STATX_SYNC_AS_STAT), 0);
	KUNIT_EXPECT_EQ(test, stat.ino, inode->i_ino);
	KUNIT_EXPECT_EQ(test, stat.mode, inode->i_mode);
	KUNIT_EXPECT_EQ(test, st->followed, 1);
	KUNIT_EXPECT_EQ(test, stacked->i_mode, inode->i_mode);
	KUNIT_EXPECT_EQ(test, stacked->i_nlink, 1);

	KUNIT_ASSERT_EQ(test, backing_getattr(&st->ctx, NULL, file, &stat,
					      STATX_BASIC_STATS,
					      AT_STATX_SYNC_AS_STAT), 0);
	KUNIT_EXPECT_EQ(test, st->followed, 1);
}

/* setattr changes size and mode; the stacked inode follows. */
static void stack_setattr_size_mode(struct kunit *test)
{
	struct stack_test *st = test->priv;
	struct path *file = stack_test_make(test, &st->root, "f",
					    S_IFREG | 0640, NULL);
	struct inode *inode = d_inode(file->dentry);
	struct inode *stacked = stack_test_inode(test);
	struct iattr attr = {
		.ia_valid = ATTR_SIZE | ATTR_MODE,
		.ia_size = 1000,
		.ia_mode = S_IFREG | 0600,
	};

	KUNIT_ASSERT_EQ(test, backing_setattr(&st->ctx, stacked, file, &attr),
			0);
	KUNIT_EXPECT_EQ(test, i_size_read(inode), 1000);
	KUNIT_EXPECT_EQ(test, inode->i_mode, S_IFREG | 0600);
	KUNIT_EXPECT_EQ(test, attr.ia_valid, ATTR_SIZE | ATTR_MODE);
	KUNIT_EXPECT_EQ(test, st->followed, 1);
	KUNIT_EXPECT_EQ(test, i_size_read(stacked), 1000);
	KUNIT_EXPECT_EQ(test, stacked->i_mode, S_IFREG | 0600);
}

/* A change that kills the set-user-ID bit does so on the backing mode. */
static void stack_setattr_kill_suid(struct kunit *test)
{
	struct stack_test *st = test->priv;
	struct path *file = stack_test_make(test, &st->root, "f",
					    S_IFREG | 0640, NULL);
	struct inode *inode = d_inode(file->dentry);
	struct iattr chmod = {
		.ia_valid = ATTR_MODE,
		.ia_mode = S_IFREG | S_ISUID | 0755,
	};
	struct iattr attr = {
		.ia_valid = ATTR_SIZE | ATTR_KILL_SUID | ATTR_MODE,
		.ia_size = 0,
		.ia_mode = S_IFREG | 0777,
	};

	KUNIT_ASSERT_EQ(test, stack_test_raw_setattr(file, &chmod), 0);
	KUNIT_ASSERT_EQ(test, backing_setattr(&st->ctx, NULL, file, &attr), 0);
	KUNIT_EXPECT_EQ(test, inode->i_mode, S_IFREG | 0755);
}

struct stack_permission_case {
	const char *desc;
	bool user;		/* as an unprivileged user, not the test's */
	umode_t mode;
	int mask;
	int err;
};

static const struct stack_permission_case stack_permission_cases[] = {
	{ "mounter_read_0600", false, 0600, MAY_READ, 0 },
	{ "mounter_write_0400", false, 0400, MAY_WRITE, 0 },
	{ "user_read_0600", true, 0600, MAY_READ, -EACCES },
	{ "user_read_0644", true, 0644, MAY_READ, 0 },
	{ "user_write_0644", true, 0644, MAY_WRITE, -EACCES },
	{ "user_exec_0644", true, 0644, MAY_EXEC, -EACCES },
};

KUNIT_ARRAY_PARAM_DESC(stack_permission, stack_permission_cases, desc);

/* Access is checked with the credentials of the context. */
static void stack_permission(struct kunit *test)
{
	const struct stack_permission_case *param = test->param_value;
	struct stack_test *st = test->priv;
	struct backing_ctx ctx = st->ctx;
	struct path *file = stack_test_make(test, &st->root, "f",
					    S_IFREG | param->mode, NULL);

	KUNIT_ASSERT_EQ(test, d_inode(file->dentry)->i_mode,
			S_IFREG | param->mode);
	if (param->user)
		ctx.cred = stack_test_user_cred(test, STACK_TEST_USER);
	KUNIT_EXPECT_EQ(test, backing_permission(&ctx, file, param->mask),
			param->err);
}

static const char stack_link_target[] = "some/where/else";

/* readlink copies the target to a user buffer, cut to its size. */
static void stack_readlink(struct kunit *test)
{
	struct stack_test *st = test->priv;
	struct path *link = stack_test_make(test, &st->root, "l",
					    S_IFLNK | 0777, stack_link_target);
	int len = strlen(stack_link_target);
	char buf[sizeof(stack_link_target)] = {};
	unsigned long addr;
	char __user *ubuf;

	addr = kunit_vm_mmap(test, NULL, 0, PAGE_SIZE, PROT_READ | PROT_WRITE,
			     MAP_ANONYMOUS | MAP_PRIVATE, 0);
	KUNIT_ASSERT_NE_MSG(test, addr, 0, "no user memory");
	KUNIT_ASSERT_LT(test, addr, (unsigned long)TASK_SIZE);
	ubuf = (char __user *)addr;

	KUNIT_ASSERT_EQ(test, backing_readlink(&st->ctx, link, ubuf,
					       PAGE_SIZE), len);
	KUNIT_ASSERT_EQ(test, copy_from_user(buf, ubuf, len), 0);
	KUNIT_EXPECT_MEMEQ(test, buf, stack_link_target, len);

	KUNIT_EXPECT_EQ(test, backing_readlink(&st->ctx, link, ubuf, 4), 4);
}

/* get_link returns the target, to be released with the delayed call. */
static void stack_get_link(struct kunit *test)
{
	struct stack_test *st = test->priv;
	struct path *link = stack_test_make(test, &st->root, "l",
					    S_IFLNK | 0777, stack_link_target);
	DEFINE_DELAYED_CALL(done);
	const char *target;

	target = backing_get_link(&st->ctx, link, &done);
	KUNIT_ASSERT_NOT_ERR_OR_NULL(test, target);
	KUNIT_EXPECT_STREQ(test, target, stack_link_target);
	do_delayed_call(&done);
}

/* An attribute that was set can be read back; the stacked inode follows. */
static void stack_xattr_set_get(struct kunit *test)
{
	struct stack_test *st = test->priv;
	struct path *file = stack_test_make(test, &st->root, "f",
					    S_IFREG | 0640, NULL);
	struct inode *stacked = stack_test_inode(test);
	char value[8] = {};

	KUNIT_ASSERT_EQ(test, backing_setxattr(&st->ctx, stacked, file,
					       "user.kunit", "value", 5,
					       XATTR_CREATE), 0);
	KUNIT_EXPECT_EQ(test, st->followed, 1);
	KUNIT_EXPECT_EQ(test, stacked->i_mode, d_inode(file->dentry)->i_mode);
	KUNIT_EXPECT_EQ(test, backing_getxattr(&st->ctx, file, "user.kunit",
					       NULL, 0), 5);
	KUNIT_EXPECT_EQ(test, backing_getxattr(&st->ctx, file, "user.kunit",
					       value, sizeof(value)), 5);
	KUNIT_EXPECT_STREQ(test, value, "value");
	KUNIT_EXPECT_EQ(test, backing_getxattr(&st->ctx, file, "user.kunit",
					       value, 2), -ERANGE);
}

/* Whether the xattr name list @list of @len bytes holds @name. */
static bool stack_test_list_has(const char *list, ssize_t len,
				const char *name)
{
	ssize_t i;

	for (i = 0; i < len; i += strnlen(list + i, len - i) + 1)
		if (!strcmp(list + i, name))
			return true;
	return false;
}

/* The list holds the names of the attributes that are set, in any order. */
static void stack_xattr_list(struct kunit *test)
{
	struct stack_test *st = test->priv;
	struct path *file = stack_test_make(test, &st->root, "f",
					    S_IFREG | 0640, NULL);
	ssize_t want = sizeof("user.one") + sizeof("user.two");
	char list[64] = {};
	ssize_t len;

	KUNIT_ASSERT_EQ(test, backing_setxattr(&st->ctx, NULL, file,
					       "user.one", "1", 1, 0), 0);
	KUNIT_ASSERT_EQ(test, backing_setxattr(&st->ctx, NULL, file,
					       "user.two", "2", 1, 0), 0);
	len = backing_listxattr(&st->ctx, file, NULL, 0);
	KUNIT_EXPECT_EQ(test, len, want);
	len = backing_listxattr(&st->ctx, file, list, sizeof(list) - 1);
	KUNIT_ASSERT_EQ(test, len, want);
	KUNIT_EXPECT_TRUE(test, stack_test_list_has(list, len, "user.one"));
	KUNIT_EXPECT_TRUE(test, stack_test_list_has(list, len, "user.two"));
}

/* A removed attribute is gone. */
static void stack_xattr_remove(struct kunit *test)
{
	struct stack_test *st = test->priv;
	struct path *file = stack_test_make(test, &st->root, "f",
					    S_IFREG | 0640, NULL);
	struct inode *stacked = stack_test_inode(test);

	KUNIT_ASSERT_EQ(test, backing_setxattr(&st->ctx, NULL, file,
					       "user.kunit", "v", 1, 0), 0);
	KUNIT_ASSERT_EQ(test, backing_removexattr(&st->ctx, stacked, file,
						  "user.kunit"), 0);
	KUNIT_EXPECT_EQ(test, st->followed, 1);
	KUNIT_EXPECT_EQ(test, backing_getxattr(&st->ctx, file, "user.kunit",
					       NULL, 0), -ENODATA);
	KUNIT_EXPECT_EQ(test, backing_listxattr(&st->ctx, file, NULL, 0), 0);
}

/* statfs describes the backing filesystem. */
static void stack_statfs(struct kunit *test)
{
	struct stack_test *st = test->priv;
	struct kstatfs buf = {};

	KUNIT_ASSERT_EQ(test, backing_statfs(&st->ctx, &st->root, &buf), 0);
	KUNIT_EXPECT_EQ(test, buf.f_type, TMPFS_MAGIC);
	KUNIT_EXPECT_EQ(test, buf.f_bsize, PAGE_SIZE);
	KUNIT_EXPECT_EQ(test, buf.f_namelen, NAME_MAX);
}

/* The inode flags of a new tmpfs file read as none. */
static void stack_fileattr_get(struct kunit *test)
{
	struct stack_test *st = test->priv;
	struct path *file = stack_test_make(test, &st->root, "f",
					    S_IFREG | 0640, NULL);
	struct fileattr fa = {};

	KUNIT_ASSERT_EQ(test, backing_fileattr_get(&st->ctx, file, &fa), 0);
	KUNIT_EXPECT_TRUE(test, fa.flags_valid);
	KUNIT_EXPECT_EQ(test, fa.flags, 0);
}

/* Objects without inode flags answer as the ioctl would: -ENOTTY. */
static void stack_fileattr_symlink(struct kunit *test)
{
	struct stack_test *st = test->priv;
	struct path *link = stack_test_make(test, &st->root, "l",
					    S_IFLNK | 0777, "f");
	struct fileattr fa;

	memset(&fa, 0, sizeof(fa));
	KUNIT_EXPECT_EQ(test, backing_fileattr_get(&st->ctx, link, &fa),
			-ENOTTY);
	fileattr_fill_flags(&fa, FS_NOATIME_FL);
	KUNIT_EXPECT_EQ(test, backing_fileattr_set(&st->ctx, NULL, link, &fa),
			-ENOTTY);
}

/* Flags that were set read back, and the stacked inode follows. */
static void stack_fileattr_set(struct kunit *test)
{
	struct stack_test *st = test->priv;
	struct path *file = stack_test_make(test, &st->root, "f",
					    S_IFREG | 0640, NULL);
	struct inode *stacked = stack_test_inode(test);
	struct fileattr fa;

	fileattr_fill_flags(&fa, FS_NOATIME_FL);
	KUNIT_ASSERT_EQ(test, backing_fileattr_set(&st->ctx, stacked, file,
						   &fa), 0);
	KUNIT_EXPECT_EQ(test, st->followed, 1);
	KUNIT_EXPECT_TRUE(test, stacked->i_flags & S_NOATIME);

	memset(&fa, 0, sizeof(fa));
	KUNIT_ASSERT_EQ(test, backing_fileattr_get(&st->ctx, file, &fa), 0);
	KUNIT_EXPECT_EQ(test, fa.flags, FS_NOATIME_FL);
}

/* ---------------------------------------------------------------------
 * backing_iterate_dir()
 */

struct stack_test_dirents {
	struct dir_context ctx;
	unsigned int count;
	char name[STACK_TEST_BATCH][16];
};

static bool stack_test_record(struct dir_context *ctx, const char *name,
			      int len, loff_t off, u64 ino, unsigned int type)
{
	struct stack_test_dirents *d =
		container_of(ctx, struct stack_test_dirents, ctx);

	if (d->count == STACK_TEST_BATCH || len >= (int)sizeof(d->name[0]))
		return false;
	memcpy(d->name[d->count], name, len);
	d->name[d->count][len] = '\0';
	d->count++;
	return true;
}

static bool stack_test_hide(struct dir_context *stacked, const char *name,
			    int len, loff_t off, u64 ino, unsigned int type)
{
	return !(len == 4 && !memcmp(name, "hide", 4));
}

static bool stack_test_dirents_has(struct stack_test_dirents *d,
				   const char *name)
{
	unsigned int i;

	for (i = 0; i < d->count; i++)
		if (!strcmp(d->name[i], name))
			return true;
	return false;
}

/* The filter hides one name; all others reach the stacked directory. */
static void stack_iterate_dir_filter(struct kunit *test)
{
	struct stack_test *st = test->priv;
	struct stack_test_dirents *d;
	struct file *dir;

	d = kunit_kzalloc(test, sizeof(*d), GFP_KERNEL);
	KUNIT_ASSERT_NOT_NULL(test, d);
	d->ctx.actor = stack_test_record;
	stack_test_make(test, &st->root, "keep1", S_IFREG | 0640, NULL);
	stack_test_make(test, &st->root, "hide", S_IFREG | 0640, NULL);
	stack_test_make(test, &st->root, "keep2", S_IFDIR | 0750, NULL);
	dir = stack_test_open(test, &st->root, O_RDONLY | O_DIRECTORY);

	KUNIT_ASSERT_EQ(test, backing_iterate_dir(&st->ctx, dir, &d->ctx,
						  stack_test_hide), 0);
	KUNIT_EXPECT_EQ(test, d->count, 4);
	KUNIT_EXPECT_TRUE(test, stack_test_dirents_has(d, "."));
	KUNIT_EXPECT_TRUE(test, stack_test_dirents_has(d, ".."));
	KUNIT_EXPECT_TRUE(test, stack_test_dirents_has(d, "keep1"));
	KUNIT_EXPECT_TRUE(test, stack_test_dirents_has(d, "keep2"));
	KUNIT_EXPECT_FALSE(test, stack_test_dirents_has(d, "hide"));
	KUNIT_EXPECT_EQ(test, d->ctx.pos, dir->f_pos);

	/* At the end of the directory, nothing more comes. */
	KUNIT_ASSERT_EQ(test, backing_iterate_dir(&st->ctx, dir, &d->ctx,
						  stack_test_hide), 0);
	KUNIT_EXPECT_EQ(test, d->count, 4);
}

/* ---------------------------------------------------------------------
 * backing_file
 */

/* A backing file reads the real file and reports the user's path. */
static void stack_backing_file_read(struct kunit *test)
{
	static const char data[] = "backing data";
	struct stack_test *st = test->priv;
	struct path *real = stack_test_make(test, &st->root, "real",
					    S_IFREG | 0640, NULL);
	struct path *user = stack_test_make(test, &st->root, "user",
					    S_IFREG | 0640, NULL);
	struct backing_file_ctx bctx = { .cred = st->ctx.cred };
	char buf[sizeof(data)] = {};
	struct file *user_file, *file;
	struct kvec kvec = { .iov_base = buf, .iov_len = sizeof(buf) };
	struct iov_iter iter;
	struct kiocb iocb;

	stack_test_write(test, real, data, sizeof(data));
	user_file = stack_test_open(test, user, O_RDONLY);

	file = backing_file_open(user_file, O_RDONLY, real, st->ctx.cred);
	KUNIT_ASSERT_NOT_ERR_OR_NULL(test, file);
	stack_test_defer(test, stack_test_file_release, file);
	KUNIT_EXPECT_TRUE(test, file->f_mode & FMODE_BACKING);
	KUNIT_EXPECT_PTR_EQ(test, file->f_path.dentry, real->dentry);
	KUNIT_EXPECT_PTR_EQ(test, file_user_path(file)->dentry, user->dentry);
	KUNIT_EXPECT_PTR_EQ(test, file->f_cred, st->ctx.cred);

	bctx.user_file = user_file;
	init_sync_kiocb(&iocb, user_file);
	iov_iter_kvec(&iter, ITER_DEST, &kvec, 1, sizeof(buf));
	KUNIT_ASSERT_EQ(test, backing_file_read_iter(file, &iter, &iocb, 0,
						     &bctx),
			(ssize_t)sizeof(data));
	KUNIT_EXPECT_MEMEQ(test, buf, data, sizeof(data));
	KUNIT_EXPECT_EQ(test, iocb.ki_pos, (loff_t)sizeof(data));
}

static struct kunit_case stack_test_cases[] = {
	KUNIT_CASE_PARAM(stack_copy_attr_bits, stack_attr_gen_params),
	KUNIT_CASE(stack_copy_attr_owner_idmap),
	KUNIT_CASE(stack_copy_attr_flags_mask),
	KUNIT_CASE(stack_copy_attr_size_blocks),
	KUNIT_CASE(stack_creds_init_caps),
	KUNIT_CASE(stack_creds_put_safe),
	KUNIT_CASE(stack_creds_override_nesting),
	KUNIT_CASE(stack_creds_create_as_ids),
	KUNIT_CASE(stack_create_as_caller_owner),
	KUNIT_CASE(stack_create_as_caller_needs_dentry),
	KUNIT_CASE(stack_ctx_required),
	KUNIT_CASE(stack_create_mounter_owner),
	KUNIT_CASE_PARAM(stack_lookup_bad_name, stack_lookup_gen_params),
	KUNIT_CASE(stack_lookup_outside_root),
	KUNIT_CASE(stack_lookup_found),
	KUNIT_CASE_PARAM(stack_resolve, stack_resolve_gen_params),
	KUNIT_CASE(stack_resolve_needs_root),
	KUNIT_CASE_PARAM(stack_create_type, stack_create_gen_params),
	KUNIT_CASE(stack_create_bad_args),
	KUNIT_CASE(stack_link),
	KUNIT_CASE(stack_unlink),
	KUNIT_CASE(stack_rmdir),
	KUNIT_CASE(stack_rename_move),
	KUNIT_CASE(stack_rename_exchange),
	KUNIT_CASE_PARAM(stack_error, stack_error_gen_params),
	KUNIT_CASE(stack_getattr),
	KUNIT_CASE(stack_setattr_size_mode),
	KUNIT_CASE(stack_setattr_kill_suid),
	KUNIT_CASE_PARAM(stack_permission, stack_permission_gen_params),
	KUNIT_CASE(stack_readlink),
	KUNIT_CASE(stack_get_link),
	KUNIT_CASE(stack_xattr_set_get),
	KUNIT_CASE(stack_xattr_list),
	KUNIT_CASE(stack_xattr_remove),
	KUNIT_CASE(stack_statfs),
	KUNIT_CASE(stack_fileattr_get),
	KUNIT_CASE(stack_fileattr_symlink),
	KUNIT_CASE(stack_fileattr_set),
	KUNIT_CASE(stack_iterate_dir_filter),
	KUNIT_CASE(stack_backing_file_read),
	{}
};

static struct kunit_suite stack_test_suite = {
	.name = "fs_stack",
	.suite_init = stack_test_suite_init,
	.suite_exit = stack_test_suite_exit,
	.init = stack_test_init,
	.test_cases = stack_test_cases,
};

kunit_test_suite(stack_test_suite);

MODULE_DESCRIPTION("KUnit tests of the fs/stack library");
MODULE_LICENSE("GPL");
