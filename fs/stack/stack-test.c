// SPDX-License-Identifier: GPL-2.0-only
/*
 * Fixture shared by the KUnit tests of the fs/stack library.
 *
 * Each test case runs in a mount namespace of its own, made empty with
 * UNSHARE_EMPTY_MNTNS, on a tmpfs mounted over its root.  The namespace
 * and the tmpfs go away with the test case's task, so no test case has to
 * undo what it made; mounts and bind mounts beneath the root of the test
 * case are possible, as they are for a task in a mount namespace.
 *
 * Fixtures are built with plain VFS calls, so that the helpers under test
 * are only ever checked against the VFS itself.
 */

#include <kunit/test.h>
#include <linux/backing-ctx.h>
#include <linux/capability.h>
#include <linux/cred.h>
#include <linux/dcache.h>
#include <linux/delay.h>
#include <linux/err.h>
#include <linux/fs.h>
#include <linux/fs_struct.h>
#include <linux/jiffies.h>
#include <linux/kthread.h>
#include <linux/mnt_idmapping.h>
#include <linux/mount.h>
#include <linux/namei.h>
#include <linux/sched.h>
#include <linux/sched/task.h>
#include <linux/slab.h>
#include <linux/syscalls.h>
#include <linux/uidgid.h>
#include <linux/user_namespace.h>
#include <uapi/linux/mount.h>

#include "../internal.h"
#include "stack-test.h"

KUNIT_DEFINE_ACTION_WRAPPER(stack_test_cred_put, put_cred,
			    const struct cred *);
KUNIT_DEFINE_ACTION_WRAPPER(stack_test_file_put, __fput_sync, struct file *);
KUNIT_DEFINE_ACTION_WRAPPER(stack_test_ctx_put, backing_ctx_put,
			    struct backing_ctx *);
KUNIT_DEFINE_ACTION_WRAPPER(stack_test_idmap_put, mnt_idmap_put,
			    struct mnt_idmap *);

/**
 * stack_test_defer - have @action called on @data when the test case ends
 * @test: the test case
 * @action: the action
 * @data: its argument
 *
 * Actions run in the reverse order of their registration, after the test
 * case's task has ended.
 */
void stack_test_defer(struct kunit *test, kunit_action_t *action, void *data)
{
	KUNIT_ASSERT_EQ(test, kunit_add_action_or_reset(test, action, data), 0);
}

static void stack_test_path_put(void *data)
{
	struct path *path = data;

	if (path->dentry)
		path_put(path);
}

/**
 * stack_test_path - a path that is put when the test case ends
 * @test: the test case
 *
 * Return: an empty path, put at the end of the test case if it is set by
 * then.
 */
struct path *stack_test_path(struct kunit *test)
{
	struct path *path = kunit_kzalloc(test, sizeof(*path), GFP_KERNEL);

	KUNIT_ASSERT_NOT_NULL(test, path);
	stack_test_defer(test, stack_test_path_put, path);
	return path;
}

/**
 * stack_test_mkobj - make an object with plain VFS calls
 * @dir: the directory to make it in
 * @name: its name
 * @mode: its type and mode: a directory, symbolic link, regular file,
 *	FIFO or socket
 * @target: the target of a symbolic link
 * @out: optional; the path of the new object, to be put by the caller
 *
 * Return: 0 or the error of the VFS.
 */
int stack_test_mkobj(const struct path *dir, const char *name, umode_t mode,
		     const char *target, struct path *out)
{
	struct mnt_idmap *idmap = mnt_idmap(dir->mnt);
	struct inode *inode = d_inode(dir->dentry);
	struct dentry *dentry;
	int err;

	err = mnt_want_write(dir->mnt);
	if (err)
		return err;
	dentry = start_creating(idmap, dir->dentry, &QSTR(name));
	if (IS_ERR(dentry)) {
		err = PTR_ERR(dentry);
		goto out;
	}

	if (d_really_is_positive(dentry)) {
		err = -EEXIST;
	} else {
		switch (mode & S_IFMT) {
		case S_IFDIR:
			dentry = vfs_mkdir(idmap, inode, dentry, mode, NULL);
			err = PTR_ERR_OR_ZERO(dentry);
			break;
		case S_IFLNK:
			err = vfs_symlink(idmap, inode, dentry, target, NULL);
			break;
		case S_IFREG:
			err = vfs_create(idmap, dentry, mode, NULL);
			break;
		default:
			err = vfs_mknod(idmap, inode, dentry, mode, 0, NULL);
			break;
		}
	}
	if (!err && out) {
		out->mnt = mntget(dir->mnt);
		out->dentry = dget(dentry);
	}
	end_creating(dentry);
out:
	mnt_drop_write(dir->mnt);
	return err;
}

/**
 * stack_test_make - make an object, or fail the test case
 * @test: the test case
 * @dir: the directory to make it in
 * @name: its name
 * @mode: its type and mode, as for stack_test_mkobj()
 * @target: the target of a symbolic link
 *
 * Return: the path of the new object, put when the test case ends.
 */
struct path *stack_test_make(struct kunit *test, const struct path *dir,
			     const char *name, umode_t mode, const char *target)
{
	struct path *path = stack_test_path(test);

	KUNIT_ASSERT_EQ_MSG(test, stack_test_mkobj(dir, name, mode, target,
						   path), 0, "making %s", name);
	return path;
}

/**
 * stack_test_get - look a name up, or fail the test case
 * @test: the test case
 * @dir: the directory to look in
 * @name: the name
 *
 * Return: the path found, which may be negative, put when the test case
 * ends.
 */
struct path *stack_test_get(struct kunit *test, const struct path *dir,
			    const char *name)
{
	struct path *path = stack_test_path(test);
	struct dentry *dentry;

	dentry = lookup_one_unlocked(mnt_idmap(dir->mnt), &QSTR(name),
				     dir->dentry);
	KUNIT_ASSERT_NOT_ERR_OR_NULL(test, dentry);
	path->mnt = mntget(dir->mnt);
	path->dentry = dentry;
	return path;
}

/**
 * stack_test_exists - whether a name exists
 * @test: the test case
 * @dir: the directory to look in
 * @name: the name
 *
 * Return: whether @name names an object in @dir.
 */
bool stack_test_exists(struct kunit *test, const struct path *dir,
		       const char *name)
{
	return d_really_is_positive(stack_test_get(test, dir, name)->dentry);
}

/**
 * stack_test_raw_setattr - change attributes with plain VFS calls
 * @path: the object
 * @attr: the change
 *
 * Return: 0 or the error of notify_change().
 */
int stack_test_raw_setattr(const struct path *path, struct iattr *attr)
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

/**
 * stack_test_raw_rename - rename with plain VFS calls
 * @olddir: directory holding the object
 * @oldname: its name
 * @newdir: directory to move it to, on the same mount
 * @newname: its new name
 *
 * Return: 0 or the error of the VFS.
 */
int stack_test_raw_rename(const struct path *olddir, const char *oldname,
			  const struct path *newdir, const char *newname)
{
	struct renamedata rd = {
		.mnt_idmap = mnt_idmap(olddir->mnt),
		.old_parent = olddir->dentry,
		.new_parent = newdir->dentry,
	};
	int err;

	err = mnt_want_write(olddir->mnt);
	if (err)
		return err;
	err = start_renaming(&rd, 0, &QSTR(oldname), &QSTR(newname));
	if (!err) {
		err = vfs_rename(&rd);
		end_renaming(&rd);
	}
	mnt_drop_write(olddir->mnt);
	return err;
}

/**
 * stack_test_open - open a file, or fail the test case
 * @test: the test case
 * @path: what to open
 * @flags: open flags
 *
 * Return: the file, closed when the test case ends.
 */
struct file *stack_test_open(struct kunit *test, const struct path *path,
			     int flags)
{
	struct file *file = dentry_open(path, flags, current_cred());

	KUNIT_ASSERT_NOT_ERR_OR_NULL(test, file);
	stack_test_defer(test, stack_test_file_put, file);
	return file;
}

/**
 * stack_test_write - write to a file, or fail the test case
 * @test: the test case
 * @path: the file
 * @buf: what to write
 * @len: how much
 * @pos: where
 */
void stack_test_write(struct kunit *test, const struct path *path,
		      const void *buf, size_t len, loff_t pos)
{
	struct file *file = stack_test_open(test, path, O_WRONLY);

	KUNIT_ASSERT_EQ(test, kernel_write(file, buf, len, &pos), (ssize_t)len);
}

/**
 * stack_test_inode - a stacked inode for the attribute helpers to update
 * @test: the test case
 *
 * The inode is not hashed, not on any list and on a superblock of its
 * own: only what backing_inode_copy_attr() touches is set up.
 *
 * Return: the inode, freed when the test case ends.
 */
struct inode *stack_test_inode(struct kunit *test)
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

/**
 * stack_test_user_cred - credentials of an unprivileged user
 * @test: the test case
 * @id: its uid and gid, real, effective, saved and filesystem
 *
 * Return: the credentials, without any capability, put when the test case
 * ends.
 */
const struct cred *stack_test_user_cred(struct kunit *test, u32 id)
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
	cred->cap_ambient = CAP_EMPTY_SET;
	stack_test_defer(test, stack_test_cred_put, cred);
	return cred;
}

/**
 * stack_test_ctx - a backing context captured from given credentials
 * @test: the test case
 * @root: root of the context, or NULL
 * @cred: the credentials to capture, or NULL for those of the test case
 *
 * The context is made by backing_ctx_init() while @cred are the current
 * credentials, as a stacked filesystem makes it while its mounter mounts
 * it.
 *
 * Return: the context, put when the test case ends.
 */
struct backing_ctx *stack_test_ctx(struct kunit *test, const struct path *root,
				   const struct cred *cred)
{
	struct backing_ctx *ctx = kunit_kzalloc(test, sizeof(*ctx), GFP_KERNEL);
	const struct cred *old = NULL;
	int err;

	KUNIT_ASSERT_NOT_NULL(test, ctx);
	if (cred)
		old = override_creds(cred);
	err = backing_ctx_init(ctx, root, NULL);
	if (cred)
		revert_creds(old);
	KUNIT_ASSERT_EQ(test, err, 0);
	stack_test_defer(test, stack_test_ctx_put, ctx);
	return ctx;
}

/**
 * stack_test_mount - mount a new tmpfs on a directory
 * @test: the test case
 * @dir: the directory, in the test case's mount namespace
 *
 * Return: the root of the new mount, put when the test case ends.
 */
struct path *stack_test_mount(struct kunit *test, const struct path *dir)
{
	struct path *path = stack_test_path(test);

	KUNIT_ASSERT_EQ(test, path_mount("stack_test", dir, "tmpfs",
					 MS_SILENT, NULL), 0);
	*path = *dir;
	path_get(path);
	KUNIT_ASSERT_EQ(test, follow_down_one(path), 1);
	return path;
}

/**
 * stack_test_ro_bind - a read-only bind mount
 * @test: the test case
 * @src: what to bind, in the test case's mount namespace
 *
 * Bind @src on a new directory of the test case's tmpfs and make the bind
 * mount read-only, as mount --bind and mount -o remount,bind,ro do.
 *
 * Return: the root of the bind mount, put when the test case ends.
 */
struct path *stack_test_ro_bind(struct kunit *test, const struct path *src)
{
	static atomic_t seq = ATOMIC_INIT(0);
	struct stack_test *st = test->priv;
	struct path *target = stack_test_path(test);
	struct path *path = stack_test_path(test);
	char name[16], *buf, *source;

	snprintf(name, sizeof(name), "ro%d", atomic_inc_return(&seq));
	KUNIT_ASSERT_EQ(test, stack_test_mkobj(&st->base, name, S_IFDIR | 0755,
					       NULL, target), 0);
	buf = kunit_kmalloc(test, PATH_MAX, GFP_KERNEL);
	KUNIT_ASSERT_NOT_NULL(test, buf);
	source = d_path(src, buf, PATH_MAX);
	KUNIT_ASSERT_FALSE(test, IS_ERR(source));

	KUNIT_ASSERT_EQ(test, path_mount(source, target, NULL, MS_BIND, NULL),
			0);
	*path = *target;
	path_get(path);
	KUNIT_ASSERT_EQ(test, follow_down_one(path), 1);
	KUNIT_ASSERT_EQ(test, path_mount(NULL, path, NULL,
					 MS_REMOUNT | MS_BIND | MS_RDONLY,
					 NULL), 0);
	KUNIT_ASSERT_TRUE(test, __mnt_is_readonly(path->mnt));
	return path;
}

/**
 * stack_test_idmap - an idmapping, as an idmapped mount has
 * @test: the test case
 * @first: first id of the range the mapping maps
 * @lower_first: what @first maps to
 * @count: size of the range
 *
 * alloc_mnt_idmap() takes the mappings of a user namespace, as
 * mount_setattr(MOUNT_ATTR_IDMAP) does; it reads nothing but them, so a
 * user namespace that holds only the mappings stands in for a real one.
 * Ids below @first or past the range are not mapped.
 *
 * Return: the idmap, put when the test case ends.
 */
struct mnt_idmap *stack_test_idmap(struct kunit *test, u32 first,
				   u32 lower_first, u32 count)
{
	struct user_namespace *ns;
	struct mnt_idmap *idmap;

	ns = kunit_kzalloc(test, sizeof(*ns), GFP_KERNEL);
	KUNIT_ASSERT_NOT_NULL(test, ns);
	ns->uid_map.extent[0].first = first;
	ns->uid_map.extent[0].lower_first = lower_first;
	ns->uid_map.extent[0].count = count;
	ns->uid_map.nr_extents = 1;
	ns->gid_map = ns->uid_map;

	idmap = alloc_mnt_idmap(ns);
	KUNIT_ASSERT_NOT_ERR_OR_NULL(test, idmap);
	stack_test_defer(test, stack_test_idmap_put, idmap);
	return idmap;
}

static int stack_test_task_fn(void *data)
{
	struct stack_test_task *t = data;

	t->ret = t->fn(t->arg);
	complete(&t->done);
	return 0;
}

/**
 * stack_test_task_start - run a function in a task of its own
 * @t: the task to start, to be waited for with stack_test_task_wait()
 * @fn: the function
 * @arg: its argument
 *
 * The test case must wait for the task whatever happens, so it must not
 * assert anything between this and stack_test_task_wait(); nor does this
 * assert anything, so that it can be called with locks held.
 *
 * Return: 0, or the error of kthread_create(), in which case there is no
 * task to wait for.
 */
int stack_test_task_start(struct stack_test_task *t, int (*fn)(void *arg),
			  void *arg)
{
	struct task_struct *task;

	t->fn = fn;
	t->arg = arg;
	init_completion(&t->done);
	task = kthread_create(stack_test_task_fn, t, "stack_test");
	if (IS_ERR(task))
		return PTR_ERR(task);
	t->task = get_task_struct(task);
	wake_up_process(task);
	return 0;
}

/**
 * stack_test_task_wait - wait for a task stack_test_task_start() started
 * @t: the task
 *
 * Return: what its function returned.
 */
int stack_test_task_wait(struct stack_test_task *t)
{
	wait_for_completion(&t->done);
	put_task_struct(t->task);
	t->task = NULL;
	return t->ret;
}

/**
 * stack_test_wait_for - wait for a condition, for ten seconds at most
 * @cond: the condition
 * @data: its argument
 *
 * Return: whether @cond became true in time.
 */
bool stack_test_wait_for(bool (*cond)(void *data), void *data)
{
	unsigned long timeout = jiffies + 10 * HZ;

	while (!cond(data)) {
		if (time_after(jiffies, timeout))
			return false;
		usleep_range(1000, 2000);
	}
	return true;
}

/*
 * Enter a mount namespace of our own, with nothing in it but a tmpfs
 * mounted over its root, and make that tmpfs the root and working
 * directory of the task.  A kernel thread shares its fs_struct with
 * kthreadd; unsharing the mount namespace unshares that too.
 */
static int stack_test_enter(struct kunit *test, struct path *base)
{
	struct path root;
	int err;

	err = ksys_unshare(UNSHARE_EMPTY_MNTNS);
	if (err)
		return err;

	get_fs_root(current->fs, &root);
	err = path_mount("stack_test", &root, "tmpfs", MS_SILENT, NULL);
	if (!err && !follow_down_one(&root))
		err = -ENOENT;
	if (err) {
		path_put(&root);
		return err;
	}
	set_fs_root(current->fs, &root);
	set_fs_pwd(current->fs, &root);
	/* modes are what the test cases ask for */
	current->fs->umask = 0;
	*base = root;
	return kunit_add_action_or_reset(test, stack_test_path_put, base);
}

static int stack_test_mkdir(struct kunit *test, struct path *dir,
			    const char *name, struct path *out)
{
	int err = stack_test_mkobj(dir, name, S_IFDIR | 0755, NULL, out);

	if (err)
		return err;
	return kunit_add_action_or_reset(test, stack_test_path_put, out);
}

/**
 * stack_test_init - set a test case up
 * @test: the test case
 *
 * The init function of every suite of the fs/stack tests.
 *
 * Return: 0 or an error, which fails the test case.
 */
int stack_test_init(struct kunit *test)
{
	struct stack_test *st;
	int err;

	st = kunit_kzalloc(test, sizeof(*st), GFP_KERNEL);
	if (!st)
		return -ENOMEM;
	st->sb = kunit_kzalloc(test, sizeof(*st->sb), GFP_KERNEL);
	if (!st->sb)
		return -ENOMEM;
	/* ids of the stacked inodes are those of the initial namespace */
	st->sb->s_user_ns = &init_user_ns;
	test->priv = st;

	err = stack_test_enter(test, &st->base);
	if (!err)
		err = stack_test_mkdir(test, &st->base, "root", &st->root);
	if (!err)
		err = stack_test_mkdir(test, &st->base, "out", &st->outside);
	if (err)
		return err;

	err = backing_ctx_init(&st->ctx, &st->root, NULL);
	if (err)
		return err;
	return kunit_add_action_or_reset(test, stack_test_ctx_put, &st->ctx);
}
