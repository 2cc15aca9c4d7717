// SPDX-License-Identifier: GPL-2.0-only
/*
 * KUnit tests of backing files (fs/stack/backing-file.c).
 *
 * A file of the test case's tmpfs stands for the user file of a stacked
 * filesystem; its backing file is opened on another file of the tmpfs.
 */

#include <kunit/test.h>
#include <linux/backing-file.h>
#include <linux/falloc.h>
#include <linux/file.h>
#include <linux/fileattr.h>
#include <linux/fs.h>
#include <linux/mm.h>
#include <linux/mman.h>
#include <linux/mount.h>
#include <linux/pipe_fs_i.h>
#include <linux/slab.h>
#include <linux/splice.h>
#include <linux/uaccess.h>
#include <linux/uio.h>

#include "stack-test.h"

KUNIT_DEFINE_ACTION_WRAPPER(file_test_fput, __fput_sync, struct file *);

/**
 * struct file_test_hooks - what the hooks of a backing file context saw
 * @bctx: the backing file context, whose hooks record here
 * @backing: the backing file the user file maps, for file_test_mmap()
 * @accessed: number of calls of the accessed hook
 * @accessed_file: the file it was last called with
 * @written: number of calls of the end_write hook
 * @write_ret: the result it was last called with
 * @write_file: the file of the kiocb it was last called with
 */
struct file_test_hooks {
	struct backing_file_ctx bctx;
	struct file *backing;
	unsigned int accessed;
	struct file *accessed_file;
	unsigned int written;
	ssize_t write_ret;
	struct file *write_file;
};

/* The hooks of the running test case; the cases run one at a time. */
static struct file_test_hooks *file_test_current;

static void file_test_accessed(struct file *file)
{
	file_test_current->accessed++;
	file_test_current->accessed_file = file;
}

static void file_test_end_write(struct kiocb *iocb, ssize_t ret)
{
	file_test_current->written++;
	file_test_current->write_ret = ret;
	file_test_current->write_file = iocb->ki_filp;
}

static void file_test_hooks_clear(void *data)
{
	file_test_current = NULL;
}

/* A backing file context with the test case's backing context. */
static struct file_test_hooks *file_test_hooks(struct kunit *test)
{
	struct stack_test *st = test->priv;
	struct file_test_hooks *h = kunit_kzalloc(test, sizeof(*h), GFP_KERNEL);

	KUNIT_ASSERT_NOT_NULL(test, h);
	h->bctx.backing = &st->ctx;
	h->bctx.accessed = file_test_accessed;
	h->bctx.end_write = file_test_end_write;
	file_test_current = h;
	stack_test_defer(test, file_test_hooks_clear, NULL);
	return h;
}

/* A regular file @name with @len bytes of @data at the start. */
static struct path *file_test_data(struct kunit *test, const struct path *dir,
				   const char *name, const void *data,
				   size_t len)
{
	struct path *path = stack_test_make(test, dir, name, S_IFREG | 0640,
					    NULL);

	if (len)
		stack_test_write(test, path, data, len, 0);
	return path;
}

/* A backing file on @real for @user_file, closed when the test ends. */
static struct file *file_test_backing(struct kunit *test,
				      const struct file *user_file,
				      const struct path *real, int flags)
{
	struct stack_test *st = test->priv;
	struct file *file;

	file = backing_file_open(user_file, flags, real,
				 backing_ctx_cred(&st->ctx));
	KUNIT_ASSERT_NOT_ERR_OR_NULL(test, file);
	stack_test_defer(test, file_test_fput, file);
	return file;
}

/* A user file, on a file of its own, opened with @flags. */
static struct file *file_test_user(struct kunit *test, int flags)
{
	struct stack_test *st = test->priv;
	struct path *user = stack_test_make(test, &st->outside, "user",
					    S_IFREG | 0640, NULL);

	return stack_test_open(test, user, flags);
}

static void file_test_read_back(struct kunit *test, const struct path *path,
				loff_t pos, const void *want, size_t len)
{
	struct file *file = stack_test_open(test, path, O_RDONLY);
	void *buf = kunit_kzalloc(test, len, GFP_KERNEL);

	KUNIT_ASSERT_NOT_NULL(test, buf);
	KUNIT_ASSERT_EQ(test, kernel_read(file, buf, len, &pos), (ssize_t)len);
	KUNIT_EXPECT_MEMEQ(test, buf, want, len);
}

static const char file_test_text[] = "backing data";

/* A backing file opens the real file, reporting the user file's path. */
static void file_open(struct kunit *test)
{
	struct stack_test *st = test->priv;
	struct path *real = file_test_data(test, &st->root, "real", NULL, 0);
	struct file *user_file = file_test_user(test, O_RDONLY);
	struct file *file = file_test_backing(test, user_file, real, O_RDONLY);

	KUNIT_EXPECT_TRUE(test, file->f_mode & FMODE_BACKING);
	KUNIT_EXPECT_PTR_EQ(test, file->f_path.dentry, real->dentry);
	KUNIT_EXPECT_PTR_EQ(test, file->f_path.mnt, real->mnt);
	KUNIT_EXPECT_PTR_EQ(test, file_user_path(file)->dentry,
			    user_file->f_path.dentry);
	KUNIT_EXPECT_PTR_EQ(test, file->f_cred, backing_ctx_cred(&st->ctx));
}

struct file_open_case {
	const char *desc;
	u32 fsflags;		/* FS_*_FL of the real inode */
	int flags;		/* open flags of the backing file */
	int err;
};

static const struct file_open_case file_open_cases[] = {
	{ "immutable_write", FS_IMMUTABLE_FL, O_WRONLY, -EPERM },
	{ "immutable_read", FS_IMMUTABLE_FL, O_RDONLY, 0 },
	{ "append_write", FS_APPEND_FL, O_WRONLY, -EPERM },
	{ "append_append", FS_APPEND_FL, O_WRONLY | O_APPEND, 0 },
	{ "append_read", FS_APPEND_FL, O_RDONLY, 0 },
};

KUNIT_ARRAY_PARAM_DESC(file_open, file_open_cases, desc);

/*
 * may_open() checked the user file's inode only: the flags of the real
 * inode are checked again when the backing file is opened for writing.
 */
static void file_open_inode_flags(struct kunit *test)
{
	const struct file_open_case *param = test->param_value;
	struct stack_test *st = test->priv;
	struct path *real = file_test_data(test, &st->root, "real", NULL, 0);
	struct file *user_file = file_test_user(test, O_RDWR);
	struct file_kattr fa;
	struct file *file;
	int err;

	fileattr_fill_flags(&fa, param->fsflags);
	err = mnt_want_write(real->mnt);
	KUNIT_ASSERT_EQ(test, err, 0);
	err = vfs_fileattr_set(mnt_idmap(real->mnt), real->dentry, &fa);
	mnt_drop_write(real->mnt);
	KUNIT_ASSERT_EQ(test, err, 0);

	file = backing_file_open(user_file, param->flags, real,
				 backing_ctx_cred(&st->ctx));
	if (!IS_ERR(file))
		stack_test_defer(test, file_test_fput, file);
	KUNIT_EXPECT_EQ(test, PTR_ERR_OR_ZERO(file), param->err);
}

/* A read goes to the real file; the accessed hook gets the user file. */
static void file_read(struct kunit *test)
{
	struct stack_test *st = test->priv;
	struct file_test_hooks *h = file_test_hooks(test);
	struct path *real = file_test_data(test, &st->root, "real",
					   file_test_text,
					   sizeof(file_test_text));
	struct file *user_file = file_test_user(test, O_RDONLY);
	struct file *file = file_test_backing(test, user_file, real, O_RDONLY);
	char buf[sizeof(file_test_text)] = {};
	struct kvec kvec = { .iov_base = buf, .iov_len = sizeof(buf) };
	struct iov_iter iter;
	struct kiocb iocb;

	init_sync_kiocb(&iocb, user_file);
	iov_iter_kvec(&iter, ITER_DEST, &kvec, 1, sizeof(buf));
	KUNIT_ASSERT_EQ(test, backing_file_read_iter(file, &iter, &iocb, 0,
						     &h->bctx),
			(ssize_t)sizeof(file_test_text));
	KUNIT_EXPECT_MEMEQ(test, buf, file_test_text, sizeof(file_test_text));
	KUNIT_EXPECT_EQ(test, iocb.ki_pos, (loff_t)sizeof(file_test_text));
	KUNIT_EXPECT_EQ(test, h->accessed, 1);
	KUNIT_EXPECT_PTR_EQ(test, h->accessed_file, user_file);
	KUNIT_EXPECT_EQ(test, h->written, 0);
}

/* A synchronous write goes to the real file; end_write gets the result. */
static void file_write(struct kunit *test)
{
	struct stack_test *st = test->priv;
	struct file_test_hooks *h = file_test_hooks(test);
	struct path *real = file_test_data(test, &st->root, "real", NULL, 0);
	struct file *user_file = file_test_user(test, O_WRONLY);
	struct file *file = file_test_backing(test, user_file, real, O_WRONLY);
	struct kvec kvec = {
		.iov_base = (void *)file_test_text,
		.iov_len = sizeof(file_test_text),
	};
	struct iov_iter iter;
	struct kiocb iocb;

	init_sync_kiocb(&iocb, user_file);
	iocb.ki_pos = 3;
	iov_iter_kvec(&iter, ITER_SOURCE, &kvec, 1, sizeof(file_test_text));
	KUNIT_ASSERT_EQ(test, backing_file_write_iter(file, &iter, &iocb, 0,
						      &h->bctx),
			(ssize_t)sizeof(file_test_text));
	KUNIT_EXPECT_EQ(test, iocb.ki_pos, 3 + (loff_t)sizeof(file_test_text));
	KUNIT_EXPECT_EQ(test, i_size_read(d_inode(real->dentry)),
			3 + (loff_t)sizeof(file_test_text));
	KUNIT_EXPECT_EQ(test, h->written, 1);
	KUNIT_EXPECT_EQ(test, h->write_ret, (ssize_t)sizeof(file_test_text));
	KUNIT_EXPECT_PTR_EQ(test, h->write_file, user_file);
	KUNIT_EXPECT_EQ(test, h->accessed, 0);
	file_test_read_back(test, real, 3, file_test_text,
			    sizeof(file_test_text));
}

/*
 * A backing file in append mode on an append-only inode only takes
 * appending writes: F_SETFL or RWF_NOAPPEND may have taken append mode
 * away from the user file, whose inode need not be append-only.
 */
static void file_write_append_only(struct kunit *test)
{
	struct stack_test *st = test->priv;
	struct file_test_hooks *h = file_test_hooks(test);
	struct path *real = file_test_data(test, &st->root, "real", NULL, 0);
	struct file *user_file = file_test_user(test, O_WRONLY);
	struct kvec kvec = { .iov_base = (void *)"x", .iov_len = 1 };
	struct file_kattr fa;
	struct iov_iter iter;
	struct kiocb iocb;
	struct file *file;
	int err;

	fileattr_fill_flags(&fa, FS_APPEND_FL);
	err = mnt_want_write(real->mnt);
	KUNIT_ASSERT_EQ(test, err, 0);
	err = vfs_fileattr_set(mnt_idmap(real->mnt), real->dentry, &fa);
	mnt_drop_write(real->mnt);
	KUNIT_ASSERT_EQ(test, err, 0);
	file = file_test_backing(test, user_file, real, O_WRONLY | O_APPEND);

	init_sync_kiocb(&iocb, user_file);
	iov_iter_kvec(&iter, ITER_SOURCE, &kvec, 1, 1);
	KUNIT_EXPECT_EQ(test, backing_file_write_iter(file, &iter, &iocb, 0,
						      &h->bctx), -EPERM);
	KUNIT_EXPECT_EQ(test, i_size_read(d_inode(real->dentry)), 0);

	iov_iter_kvec(&iter, ITER_SOURCE, &kvec, 1, 1);
	KUNIT_EXPECT_EQ(test, backing_file_write_iter(file, &iter, &iocb,
						      IOCB_APPEND, &h->bctx),
			1);
	KUNIT_EXPECT_EQ(test, i_size_read(d_inode(real->dentry)), 1);
}

/* A pipe, both ends closed when the test case ends. */
static struct pipe_inode_info *file_test_pipe(struct kunit *test,
					      struct file **ends)
{
	struct pipe_inode_info *pipe;

	KUNIT_ASSERT_EQ(test, create_pipe_files(ends, 0), 0);
	stack_test_defer(test, file_test_fput, ends[0]);
	stack_test_defer(test, file_test_fput, ends[1]);
	pipe = get_pipe_info(ends[0], false);
	KUNIT_ASSERT_NOT_NULL(test, pipe);
	return pipe;
}

/* Splicing from a backing file fills the pipe with the real file's data. */
static void file_splice_read(struct kunit *test)
{
	struct stack_test *st = test->priv;
	struct file_test_hooks *h = file_test_hooks(test);
	struct path *real = file_test_data(test, &st->root, "real",
					   file_test_text,
					   sizeof(file_test_text));
	struct file *user_file = file_test_user(test, O_RDONLY);
	struct file *file = file_test_backing(test, user_file, real, O_RDONLY);
	char buf[sizeof(file_test_text)] = {};
	struct pipe_inode_info *pipe;
	struct file *ends[2];
	struct kiocb iocb;
	ssize_t ret;

	pipe = file_test_pipe(test, ends);
	init_sync_kiocb(&iocb, user_file);
	iocb.ki_pos = 2;
	pipe_lock(pipe);
	ret = backing_file_splice_read(file, &iocb, pipe,
				       sizeof(file_test_text), 0, &h->bctx);
	pipe_unlock(pipe);

	KUNIT_ASSERT_EQ(test, ret, (ssize_t)sizeof(file_test_text) - 2);
	KUNIT_EXPECT_EQ(test, iocb.ki_pos, (loff_t)sizeof(file_test_text));
	KUNIT_EXPECT_EQ(test, h->accessed, 1);
	KUNIT_EXPECT_PTR_EQ(test, h->accessed_file, user_file);
	KUNIT_ASSERT_EQ(test, kernel_read(ends[0], buf, sizeof(buf), NULL),
			ret);
	KUNIT_EXPECT_MEMEQ(test, buf, file_test_text + 2, ret);
}

/* Splicing into a backing file writes the pipe's data to the real file. */
static void file_splice_write(struct kunit *test)
{
	struct stack_test *st = test->priv;
	struct file_test_hooks *h = file_test_hooks(test);
	struct path *real = file_test_data(test, &st->root, "real", NULL, 0);
	struct file *user_file = file_test_user(test, O_WRONLY);
	struct file *file = file_test_backing(test, user_file, real, O_WRONLY);
	struct pipe_inode_info *pipe;
	struct file *ends[2];
	struct kiocb iocb;
	ssize_t len = sizeof(file_test_text);

	pipe = file_test_pipe(test, ends);
	KUNIT_ASSERT_EQ(test, kernel_write(ends[1], file_test_text, len, NULL),
			len);
	init_sync_kiocb(&iocb, user_file);
	KUNIT_ASSERT_EQ(test, backing_file_splice_write(pipe, file, &iocb, len,
							0, &h->bctx), len);
	KUNIT_EXPECT_EQ(test, iocb.ki_pos, (loff_t)len);
	KUNIT_EXPECT_EQ(test, h->written, 1);
	KUNIT_EXPECT_EQ(test, h->write_ret, len);
	KUNIT_EXPECT_PTR_EQ(test, h->write_file, user_file);
	file_test_read_back(test, real, 0, file_test_text, len);
}

/* The ->mmap of the user file: what a stacked filesystem does. */
static int file_test_mmap(struct file *user_file, struct vm_area_struct *vma)
{
	return backing_file_mmap(file_test_current->backing, vma,
				 &file_test_current->bctx);
}

/* The operations of the user file, once it is opened: only ->mmap. */
static const struct file_operations file_test_user_fops = {
	.mmap = file_test_mmap,
};

/*
 * Mapping the user file maps the backing file instead: the mapping holds
 * the backing file, shows the real file's data, and the accessed hook
 * gets the user file.
 */
static void file_mmap(struct kunit *test)
{
	struct stack_test *st = test->priv;
	struct file_test_hooks *h = file_test_hooks(test);
	struct path *real = file_test_data(test, &st->root, "real",
					   file_test_text,
					   sizeof(file_test_text));
	struct file *user_file = file_test_user(test, O_RDONLY);
	char buf[sizeof(file_test_text)] = {};
	struct vm_area_struct *vma;
	struct file *mapped = NULL;
	unsigned long addr;

	h->backing = file_test_backing(test, user_file, real, O_RDONLY);
	replace_fops(user_file, &file_test_user_fops);

	addr = kunit_vm_mmap(test, user_file, 0, PAGE_SIZE, PROT_READ,
			     MAP_PRIVATE, 0);
	KUNIT_ASSERT_NE(test, addr, 0);
	KUNIT_ASSERT_LT(test, addr, (unsigned long)TASK_SIZE);

	mmap_read_lock(current->mm);
	vma = vma_lookup(current->mm, addr);
	if (vma)
		mapped = vma->vm_file;
	mmap_read_unlock(current->mm);
	KUNIT_EXPECT_PTR_EQ(test, mapped, h->backing);
	KUNIT_EXPECT_EQ(test, h->accessed, 1);
	KUNIT_EXPECT_PTR_EQ(test, h->accessed_file, user_file);

	KUNIT_ASSERT_EQ(test, copy_from_user(buf, (void __user *)addr,
					     sizeof(buf)), 0);
	KUNIT_EXPECT_MEMEQ(test, buf, file_test_text, sizeof(buf));
}

/* fsync of a tmpfs file succeeds, whole or in part. */
static void file_fsync(struct kunit *test)
{
	struct stack_test *st = test->priv;
	struct file_test_hooks *h = file_test_hooks(test);
	struct path *real = file_test_data(test, &st->root, "real",
					   file_test_text,
					   sizeof(file_test_text));
	struct file *user_file = file_test_user(test, O_WRONLY);
	struct file *file = file_test_backing(test, user_file, real, O_WRONLY);

	KUNIT_EXPECT_EQ(test, backing_file_fsync(file, 0, LLONG_MAX, 0,
						 &h->bctx), 0);
	KUNIT_EXPECT_EQ(test, backing_file_fsync(file, 0, 3, 1, &h->bctx), 0);
	KUNIT_EXPECT_EQ(test, h->accessed + h->written, 0);
}

struct file_fallocate_case {
	const char *desc;
	int flags;		/* open flags of the backing file */
	int mode;
	loff_t offset;
	loff_t len;
	long ret;
	loff_t size;		/* the size afterwards */
	bool blocks;		/* whether blocks are allocated afterwards */
};

static const struct file_fallocate_case file_fallocate_cases[] = {
	{ "allocate", O_WRONLY, 0, 0, 2 * PAGE_SIZE, 0, 2 * PAGE_SIZE, true },
	{ "allocate_beyond", O_WRONLY, 0, PAGE_SIZE, PAGE_SIZE, 0,
	  2 * PAGE_SIZE, true },
	{ "keep_size", O_WRONLY, FALLOC_FL_KEEP_SIZE, 0, 2 * PAGE_SIZE, 0, 0,
	  true },
	{ "punch_without_keep_size", O_WRONLY, FALLOC_FL_PUNCH_HOLE, 0,
	  PAGE_SIZE, -EOPNOTSUPP, 0, false },
	{ "collapse_unsupported", O_WRONLY, FALLOC_FL_COLLAPSE_RANGE, 0,
	  PAGE_SIZE, -EOPNOTSUPP, 0, false },
	{ "empty_range", O_WRONLY, 0, 0, 0, -EINVAL, 0, false },
	{ "read_only_file", O_RDONLY, 0, 0, PAGE_SIZE, -EBADF, 0, false },
};

KUNIT_ARRAY_PARAM_DESC(file_fallocate, file_fallocate_cases, desc);

/* fallocate does on the real file what vfs_fallocate() does. */
static void file_fallocate(struct kunit *test)
{
	const struct file_fallocate_case *param = test->param_value;
	struct stack_test *st = test->priv;
	struct file_test_hooks *h = file_test_hooks(test);
	struct path *real = file_test_data(test, &st->root, "real", NULL, 0);
	struct file *user_file = file_test_user(test, O_RDWR);
	struct file *file = file_test_backing(test, user_file, real,
					      param->flags);
	struct inode *inode = d_inode(real->dentry);

	KUNIT_EXPECT_EQ(test, backing_file_fallocate(file, param->mode,
						     param->offset, param->len,
						     &h->bctx), param->ret);
	KUNIT_EXPECT_EQ(test, i_size_read(inode), param->size);
	KUNIT_EXPECT_EQ(test, inode->i_blocks > 0, param->blocks);
}

#define FILE_TEST_SIZE	(3 * PAGE_SIZE + 10)

struct file_llseek_case {
	const char *desc;
	loff_t user_pos;	/* position of the user file before */
	loff_t offset;
	int whence;
	loff_t ret;
};

/* The file has data in its first and last page, a hole in between. */
static const struct file_llseek_case file_llseek_cases[] = {
	{ "set", 7, 100, SEEK_SET, 100 },
	{ "cur_from_user_pos", 50, 10, SEEK_CUR, 60 },
	{ "cur_zero", 50, 0, SEEK_CUR, 50 },
	{ "end", 0, -10, SEEK_END, FILE_TEST_SIZE - 10 },
	{ "data_after_hole", 0, PAGE_SIZE, SEEK_DATA, 3 * PAGE_SIZE },
	{ "hole_after_data", 0, 0, SEEK_HOLE, PAGE_SIZE },
	{ "data_past_end", 0, FILE_TEST_SIZE, SEEK_DATA, -ENXIO },
	{ "negative", 7, -1, SEEK_SET, -EINVAL },
	{ "cur_before_start", 5, -10, SEEK_CUR, -EINVAL },
};

KUNIT_ARRAY_PARAM_DESC(file_llseek, file_llseek_cases, desc);

/*
 * The backing file is seeked from the user file's position, which gets
 * the result: the real file knows its holes, the user file's position is
 * the one that counts.  On error the user file's position is left alone.
 */
static void file_llseek(struct kunit *test)
{
	const struct file_llseek_case *param = test->param_value;
	struct stack_test *st = test->priv;
	struct file_test_hooks *h = file_test_hooks(test);
	struct path *real = file_test_data(test, &st->root, "real",
					   file_test_text,
					   sizeof(file_test_text));
	struct file *user_file = file_test_user(test, O_RDONLY);
	struct file *file;

	stack_test_write(test, real, file_test_text, 10, 3 * PAGE_SIZE);
	KUNIT_ASSERT_EQ(test, i_size_read(d_inode(real->dentry)),
			FILE_TEST_SIZE);
	file = file_test_backing(test, user_file, real, O_RDONLY);
	file->f_pos = 12345;
	user_file->f_pos = param->user_pos;

	KUNIT_EXPECT_EQ(test, backing_file_llseek(user_file, file,
						  param->offset, param->whence,
						  &h->bctx), param->ret);
	KUNIT_EXPECT_EQ(test, user_file->f_pos,
			param->ret < 0 ? param->user_pos : param->ret);
}

struct file_copy_case {
	const char *desc;
	bool other_sb;		/* the file copied to is on another tmpfs */
	unsigned int flags;
	ssize_t ret;		/* < 0: the error, else the length */
};

static const struct file_copy_case file_copy_cases[] = {
	{ "same_sb", false, 0, sizeof(file_test_text) },
	{ "other_sb", true, 0, -EXDEV },
	{ "other_sb_splice", true, COPY_FILE_SPLICE, sizeof(file_test_text) },
	{ "bad_flags", false, 1U << 7, -EINVAL },
};

KUNIT_ARRAY_PARAM_DESC(file_copy, file_copy_cases, desc);

/* The target of a copy or a remap, on this tmpfs or on another one. */
static struct path *file_test_target(struct kunit *test, bool other_sb)
{
	struct stack_test *st = test->priv;
	struct path *dir = &st->root;

	if (other_sb)
		dir = stack_test_mount(test, stack_test_make(test, &st->root,
							     "sub",
							     S_IFDIR | 0755,
							     NULL));
	return file_test_data(test, dir, "to", NULL, 0);
}

/* copy_file_range between backing files is vfs_copy_file_range(). */
static void file_copy_file_range(struct kunit *test)
{
	const struct file_copy_case *param = test->param_value;
	struct stack_test *st = test->priv;
	struct file_test_hooks *h = file_test_hooks(test);
	struct path *from = file_test_data(test, &st->root, "from",
					   file_test_text,
					   sizeof(file_test_text));
	struct path *to = file_test_target(test, param->other_sb);
	struct file *user_file = file_test_user(test, O_RDWR);
	struct file *in = file_test_backing(test, user_file, from, O_RDONLY);
	struct file *out = file_test_backing(test, user_file, to, O_WRONLY);

	KUNIT_ASSERT_EQ(test, backing_file_copy_file_range(in, 0, out, 0,
							   sizeof(file_test_text),
							   param->flags,
							   &h->bctx),
			param->ret);
	if (param->ret > 0)
		file_test_read_back(test, to, 0, file_test_text, param->ret);
	else
		KUNIT_EXPECT_EQ(test, i_size_read(d_inode(to->dentry)), 0);
}

struct file_remap_case {
	const char *desc;
	bool other_sb;
	unsigned int flags;
	loff_t ret;
};

/* tmpfs can neither clone nor deduplicate; errors are the VFS's. */
static const struct file_remap_case file_remap_cases[] = {
	{ "clone", false, 0, -EOPNOTSUPP },
	{ "clone_advisory", false, REMAP_FILE_ADVISORY, -EOPNOTSUPP },
	{ "clone_other_sb", true, 0, -EXDEV },
	{ "dedup", false, REMAP_FILE_DEDUP, -EINVAL },
	{ "dedup_other_sb", true, REMAP_FILE_DEDUP, -EXDEV },
	{ "bad_flags", false, 1U << 7, -EINVAL },
};

KUNIT_ARRAY_PARAM_DESC(file_remap, file_remap_cases, desc);

/* remap_range clones, or deduplicates with REMAP_FILE_DEDUP. */
static void file_remap_range(struct kunit *test)
{
	const struct file_remap_case *param = test->param_value;
	struct stack_test *st = test->priv;
	struct file_test_hooks *h = file_test_hooks(test);
	struct path *from = file_test_data(test, &st->root, "from",
					   file_test_text,
					   sizeof(file_test_text));
	struct path *to = file_test_target(test, param->other_sb);
	struct file *user_file = file_test_user(test, O_RDWR);
	struct file *in = file_test_backing(test, user_file, from, O_RDONLY);
	struct file *out = file_test_backing(test, user_file, to, O_RDWR);

	stack_test_write(test, to, file_test_text, sizeof(file_test_text), 0);
	KUNIT_EXPECT_EQ(test, backing_file_remap_range(in, 0, out, 0,
						       sizeof(file_test_text),
						       param->flags, &h->bctx),
			param->ret);
}

/*
 * An O_TMPFILE backing file: unnamed, owned by the current fsuid, and
 * reporting the user file's path.
 */
static void file_tmpfile(struct kunit *test)
{
	struct stack_test *st = test->priv;
	struct file *user_file = file_test_user(test, O_RDWR);
	struct file *file = NULL;
	struct inode *inode;
	loff_t pos = 0;

	with_backing_creds(&st->ctx)
		file = backing_tmpfile_open(user_file, O_RDWR, &st->root,
					    S_IFREG | 0600,
					    backing_ctx_cred(&st->ctx));
	KUNIT_ASSERT_NOT_ERR_OR_NULL(test, file);
	stack_test_defer(test, file_test_fput, file);

	inode = file_inode(file);
	KUNIT_EXPECT_TRUE(test, file->f_mode & FMODE_BACKING);
	KUNIT_EXPECT_EQ(test, inode->i_nlink, 0);
	KUNIT_EXPECT_EQ(test, inode->i_mode, S_IFREG | 0600);
	KUNIT_EXPECT_TRUE(test, uid_eq(inode->i_uid,
				       backing_ctx_cred(&st->ctx)->fsuid));
	KUNIT_EXPECT_PTR_EQ(test, file->f_path.mnt, st->root.mnt);
	KUNIT_EXPECT_PTR_EQ(test, file->f_path.dentry->d_parent,
			    st->root.dentry);
	KUNIT_EXPECT_PTR_EQ(test, file_user_path(file)->dentry,
			    user_file->f_path.dentry);
	KUNIT_EXPECT_PTR_EQ(test, file->f_cred, backing_ctx_cred(&st->ctx));
	KUNIT_EXPECT_EQ(test, kernel_write(file, file_test_text, 4, &pos), 4);
	KUNIT_EXPECT_EQ(test, i_size_read(inode), 4);
}

static struct kunit_case file_test_cases[] = {
	KUNIT_CASE(file_open),
	KUNIT_CASE_PARAM(file_open_inode_flags, file_open_gen_params),
	KUNIT_CASE(file_read),
	KUNIT_CASE(file_write),
	KUNIT_CASE(file_write_append_only),
	KUNIT_CASE(file_splice_read),
	KUNIT_CASE(file_splice_write),
	KUNIT_CASE(file_mmap),
	KUNIT_CASE(file_fsync),
	KUNIT_CASE_PARAM(file_fallocate, file_fallocate_gen_params),
	KUNIT_CASE_PARAM(file_llseek, file_llseek_gen_params),
	KUNIT_CASE_PARAM(file_copy_file_range, file_copy_gen_params),
	KUNIT_CASE_PARAM(file_remap_range, file_remap_gen_params),
	KUNIT_CASE(file_tmpfile),
	{}
};

static struct kunit_suite file_test_suite = {
	.name = "fs_stack_file",
	.init = stack_test_init,
	.test_cases = file_test_cases,
};

kunit_test_suite(file_test_suite);
