/* SPDX-License-Identifier: GPL-2.0-only */
/*
 * Fixture shared by the KUnit tests of the fs/stack library.
 */
#ifndef _FS_STACK_STACK_TEST_H
#define _FS_STACK_STACK_TEST_H

#include <kunit/test.h>
#include <linux/backing-ctx.h>
#include <linux/completion.h>
#include <linux/path.h>
#include <linux/types.h>

struct cred;
struct file;
struct iattr;
struct inode;
struct mnt_idmap;
struct task_struct;

#define STACK_TEST_UID		1234U
#define STACK_TEST_GID		5678U
#define STACK_TEST_MOUNTER	4321U
#define STACK_TEST_USER		1000U

/**
 * struct stack_test - state of one test case
 * @base: root of the test case's own tmpfs, and of its task
 * @root: @base/root, the root of @ctx
 * @outside: @base/out, on the same mount as @root but not beneath it
 * @ctx: backing context with the credentials of the test and @root
 * @sb: superblock of the stacked inodes the tests make
 */
struct stack_test {
	struct path base;
	struct path root;
	struct path outside;
	struct backing_ctx ctx;
	struct super_block *sb;
};

int stack_test_init(struct kunit *test);

void stack_test_defer(struct kunit *test, kunit_action_t *action, void *data);
struct path *stack_test_path(struct kunit *test);
int stack_test_mkobj(const struct path *dir, const char *name, umode_t mode,
		     const char *target, struct path *out);
struct path *stack_test_make(struct kunit *test, const struct path *dir,
			     const char *name, umode_t mode,
			     const char *target);
struct path *stack_test_get(struct kunit *test, const struct path *dir,
			    const char *name);
bool stack_test_exists(struct kunit *test, const struct path *dir,
		       const char *name);
int stack_test_raw_setattr(const struct path *path, struct iattr *attr);
int stack_test_raw_rename(const struct path *olddir, const char *oldname,
			  const struct path *newdir, const char *newname);
struct file *stack_test_open(struct kunit *test, const struct path *path,
			     int flags);
void stack_test_write(struct kunit *test, const struct path *path,
		      const void *buf, size_t len, loff_t pos);
struct inode *stack_test_inode(struct kunit *test);
const struct cred *stack_test_user_cred(struct kunit *test, u32 id);
struct backing_ctx *stack_test_ctx(struct kunit *test, const struct path *root,
				   const struct cred *cred);
struct path *stack_test_mount(struct kunit *test, const struct path *dir);
struct path *stack_test_ro_bind(struct kunit *test, const struct path *src);
struct mnt_idmap *stack_test_idmap(struct kunit *test, u32 first,
				   u32 lower_first, u32 count);

/**
 * struct stack_test_task - a function run by a task of its own
 * @fn: the function
 * @arg: its argument
 * @ret: what it returned, once @done is complete
 * @done: completed when @fn has returned
 * @task: the task, referenced until stack_test_task_wait()
 *
 * For the tests that need an operation to block in the middle, on a lock
 * the test case holds, while the test case changes the tree under it.
 */
struct stack_test_task {
	int (*fn)(void *arg);
	void *arg;
	int ret;
	struct completion done;
	struct task_struct *task;
};

int stack_test_task_start(struct stack_test_task *t, int (*fn)(void *arg),
			  void *arg);
int stack_test_task_wait(struct stack_test_task *t);
bool stack_test_wait_for(bool (*cond)(void *data), void *data);

#endif /* _FS_STACK_STACK_TEST_H */
