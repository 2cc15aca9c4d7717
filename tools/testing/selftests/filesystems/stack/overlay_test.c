// SPDX-License-Identifier: GPL-2.0
/*
 * Behaviour tests for overlayfs as seen from userspace.
 *
 * The fsstack series moves overlayfs onto a common stacking library.  These
 * tests record what overlayfs does on an unmodified kernel so that the
 * conversion can be checked against it: copy-up, whiteouts, opaque
 * directories, renames, xattr handling, hard links, credentials and statfs.
 *
 * Every test runs in its own mount namespace on a private tmpfs holding
 * lower/, upper/, work/ and merged/, so trusted.* xattrs and whiteouts work
 * whatever /tmp is backed by.
 *
 * The results of renaming a lower directory and of copying up one of several
 * lower hard links depend on the redirect_dir and index features.  Their
 * state is read from the mount's super options in /proc/self/mountinfo
 * (overlayfs lists them there when they differ from the module default) and
 * otherwise from /sys/module/overlay/parameters.  Extra mount options for a
 * whole run can be given in OVL_TEST_MOUNT_OPTS, e.g. "index=on".
 */

#define _GNU_SOURCE
#include <dirent.h>
#include <errno.h>
#include <fcntl.h>
#include <grp.h>
#include <limits.h>
#include <sched.h>
#include <stdbool.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <unistd.h>
#include <linux/magic.h>
#include <sys/mount.h>
#include <sys/stat.h>
#include <sys/statfs.h>
#include <sys/syscall.h>
#include <sys/sysmacros.h>
#include <sys/types.h>
#include <sys/wait.h>
#include <sys/xattr.h>

#include "../../kselftest_harness.h"

#ifndef RENAME_NOREPLACE
#define RENAME_NOREPLACE	0x1
#endif
#ifndef RENAME_EXCHANGE
#define RENAME_EXCHANGE		0x2
#endif

#define NOBODY_ID	65534
#define FILE_UID	1234
#define FILE_GID	5678
#define SUID_UID	1000
#define OLD_MTIME	1000000000
#define NEW_MTIME	1200000000

#define FILE_DATA	"data of the lower file\n"
#define FILE2_DATA	"second lower file\n"
#define A_DATA		"lower a\n"
#define B_DATA		"lower b\n"
#define SUID_DATA	"setuid file\n"
#define HL_DATA		"hard linked\n"
#define MORE_DATA	"appended\n"
#define XATTR_VAL	"lower value"

/* Longest trusted.overlay.* name that fits once escaped with "overlay." */
#define ESCAPE_MAX_NAME	(XATTR_NAME_MAX - 8)

enum layer { LOWER, UPPER, WORK, MERGED };

static const char * const layer_dirs[] = {
	[LOWER] = "lower",
	[UPPER] = "upper",
	[WORK] = "work",
	[MERGED] = "merged",
};

struct layer_entry {
	const char *name;	/* relative to test_dir */
	mode_t mode;		/* S_IFDIR, S_IFREG or S_IFLNK and permissions */
	uid_t uid;
	gid_t gid;
	const char *data;	/* file contents or symlink target */
	const char *link;	/* make a hard link to this entry instead */
	const char *xattr;	/* value of user.test */
	time_t mtime;		/* if not zero */
};

static const struct layer_entry layout[] = {
	{ .name = "lower", .mode = S_IFDIR | 0755 },
	{ .name = "upper", .mode = S_IFDIR | 0755 },
	{ .name = "work", .mode = S_IFDIR | 0755 },
	{ .name = "merged", .mode = S_IFDIR | 0755 },
	{ .name = "lower/file", .mode = S_IFREG | 0640, .uid = FILE_UID,
	  .gid = FILE_GID, .data = FILE_DATA, .mtime = OLD_MTIME },
	{ .name = "lower/file2", .mode = S_IFREG | 0644, .data = FILE2_DATA },
	{ .name = "lower/a_file", .mode = S_IFREG | 0644, .data = A_DATA },
	{ .name = "lower/b_file", .mode = S_IFREG | 0644, .data = B_DATA },
	{ .name = "lower/secret", .mode = S_IFREG | 0600, .data = "secret\n" },
	{ .name = "lower/suid", .mode = S_IFREG | 04777, .uid = SUID_UID,
	  .gid = SUID_UID, .data = SUID_DATA, .mtime = OLD_MTIME },
	{ .name = "lower/xattr_file", .mode = S_IFREG | 0644,
	  .data = "has xattr\n", .xattr = XATTR_VAL },
	{ .name = "lower/hl1", .mode = S_IFREG | 0644, .data = HL_DATA },
	{ .name = "lower/hl2", .link = "lower/hl1" },
	{ .name = "lower/symlink", .mode = S_IFLNK, .data = "file" },
	{ .name = "lower/dir", .mode = S_IFDIR | 0755 },
	{ .name = "lower/dir/child1", .mode = S_IFREG | 0644, .data = "c1\n" },
	{ .name = "lower/dir/child2", .mode = S_IFREG | 0644, .data = "c2\n" },
	{ .name = "lower/dir2", .mode = S_IFDIR | 0755 },
	{ .name = "lower/dir2/x", .mode = S_IFREG | 0644, .data = "x\n" },
	{ .name = "lower/emptydir", .mode = S_IFDIR | 0755 },
	{ .name = "lower/pubdir", .mode = S_IFDIR | 0777 },
	{ .name = "lower/mix", .mode = S_IFDIR | 0755 },
	{ .name = "lower/mix/a", .mode = S_IFREG | 0644, .data = "a\n" },
	{ .name = "lower/mix/b", .mode = S_IFREG | 0644, .data = "b\n" },
	{ .name = "lower/mix/common", .mode = S_IFREG | 0644,
	  .data = "lower common\n" },
	{ .name = "upper/mix", .mode = S_IFDIR | 0755 },
	{ .name = "upper/mix/c", .mode = S_IFREG | 0644, .data = "c\n" },
	{ .name = "upper/mix/common", .mode = S_IFREG | 0644,
	  .data = "upper common\n" },
};

/* Rotating result buffers, so that several results fit in one assertion */
#define NBUFS	16
static char bufs[NBUFS][PATH_MAX];
static unsigned int next_buf;

static char *get_buf(void)
{
	return bufs[next_buf++ % NBUFS];
}

static const char *err_str(int err)
{
	char *buf = get_buf();

	snprintf(buf, PATH_MAX, "<error: %s>", strerror(err));
	return buf;
}

/* Contents of a file, or an error string that no test expects */
static const char *read_file(const char *path)
{
	char *buf = get_buf();
	ssize_t len;
	int fd, err;

	fd = open(path, O_RDONLY | O_CLOEXEC);
	if (fd < 0)
		return err_str(errno);
	len = read(fd, buf, PATH_MAX - 1);
	err = errno;
	close(fd);
	if (len < 0)
		return err_str(err);
	buf[len] = '\0';
	return buf;
}

/* Write data to a file opened O_WRONLY | flags; 0 or -errno */
static int write_file(const char *path, const char *data, int flags,
		      mode_t mode)
{
	size_t len = strlen(data);
	ssize_t ret;
	int fd;

	fd = open(path, O_WRONLY | O_CLOEXEC | flags, mode);
	if (fd < 0)
		return -errno;
	ret = write(fd, data, len);
	if (ret < 0)
		ret = -errno;
	else
		ret = (size_t)ret == len ? 0 : -EIO;
	if (close(fd) && !ret)
		ret = -errno;
	return ret;
}

/* Any directory entry, a whiteout included */
static bool file_exists(const char *path)
{
	struct stat st;

	return lstat(path, &st) == 0;
}

static bool is_whiteout(const char *path)
{
	struct stat st;

	if (lstat(path, &st))
		return false;
	return S_ISCHR(st.st_mode) && st.st_rdev == makedev(0, 0);
}

/*
 * A regular file; used for copies made by rename, which with metacopy=on
 * may hold only metadata, the data staying in lower.
 */
static bool is_regular(const char *path)
{
	struct stat st;

	return !lstat(path, &st) && S_ISREG(st.st_mode);
}

/* errno of lstat(), 0 if the entry exists */
static int lstat_err(const char *path)
{
	struct stat st;

	return lstat(path, &st) ? errno : 0;
}

/*
 * Count the entries of a directory other than "." and "..", or only those
 * called name if it is not NULL; -errno on error.
 */
static int dir_count(const char *path, const char *name)
{
	struct dirent *de;
	int count = 0;
	DIR *dir;

	dir = opendir(path);
	if (!dir)
		return -errno;
	while ((de = readdir(dir))) {
		if (!strcmp(de->d_name, ".") || !strcmp(de->d_name, ".."))
			continue;
		if (!name || !strcmp(de->d_name, name))
			count++;
	}
	closedir(dir);
	return count;
}

/* Value of an xattr as a string, or an error string */
static const char *xattr_str(const char *path, const char *name)
{
	char *buf = get_buf();
	ssize_t len;

	len = lgetxattr(path, name, buf, PATH_MAX - 1);
	if (len < 0)
		return err_str(errno);
	buf[len] = '\0';
	return buf;
}

/* errno of lgetxattr(), 0 if the xattr exists */
static int xattr_err(const char *path, const char *name)
{
	return lgetxattr(path, name, NULL, 0) < 0 ? errno : 0;
}

/* 1 if listxattr() shows name, 0 if not, -errno on error */
static int xattr_listed(const char *path, const char *name)
{
	char list[4096];
	ssize_t len;
	char *s;

	len = llistxattr(path, list, sizeof(list));
	if (len < 0)
		return -errno;
	for (s = list; s < list + len; s += strlen(s) + 1) {
		if (!strcmp(s, name))
			return 1;
	}
	return 0;
}

static int sys_renameat2(const char *from, const char *to, unsigned int flags)
{
	return syscall(__NR_renameat2, AT_FDCWD, from, AT_FDCWD, to, flags);
}

/* errno of renameat2(), 0 on success */
static int rename_err(const char *from, const char *to, unsigned int flags)
{
	return sys_renameat2(from, to, flags) ? errno : 0;
}

/* Mount point of the test's private tmpfs */
static char test_dir[256];

/*
 * Path of name in a layer, or of the layer itself if name is empty; the
 * result lives in a rotating buffer.
 */
static const char *ovl_path(enum layer layer, const char *name)
{
	char *buf = get_buf();

	snprintf(buf, PATH_MAX, "%s/%s%s%s", test_dir, layer_dirs[layer],
		 *name ? "/" : "", name);
	return buf;
}

static int create_entry(const struct layer_entry *e)
{
	char path[PATH_MAX], target[PATH_MAX];
	struct timespec times[2];
	int ret;

	snprintf(path, sizeof(path), "%s/%s", test_dir, e->name);
	if (e->link) {
		snprintf(target, sizeof(target), "%s/%s", test_dir, e->link);
		return link(target, path) ? -errno : 0;
	}

	switch (e->mode & S_IFMT) {
	case S_IFDIR:
		ret = mkdir(path, 0700) ? -errno : 0;
		break;
	case S_IFLNK:
		ret = symlink(e->data, path) ? -errno : 0;
		break;
	default:
		ret = write_file(path, e->data, O_CREAT | O_EXCL, 0600);
		break;
	}
	if (ret)
		return ret;

	/* chown() clears S_ISUID, so the mode goes on after the owner */
	if (lchown(path, e->uid, e->gid))
		return -errno;
	if (!S_ISLNK(e->mode) && chmod(path, e->mode & 07777))
		return -errno;
	if (e->xattr &&
	    lsetxattr(path, "user.test", e->xattr, strlen(e->xattr), 0))
		return -errno;
	if (e->mtime) {
		times[0].tv_sec = e->mtime;
		times[0].tv_nsec = 0;
		times[1] = times[0];
		if (utimensat(AT_FDCWD, path, times, AT_SYMLINK_NOFOLLOW))
			return -errno;
	}
	return 0;
}

/*
 * Whether an overlayfs feature is on for the mount at mnt: 1 on, 0 off,
 * -1 unknown.
 */
static int ovl_feature(const char *mnt, const char *feature)
{
	char line[4096], mpoint[PATH_MAX], opt[64];
	size_t optlen;
	int ret = -1;
	FILE *f;

	optlen = snprintf(opt, sizeof(opt), "%s=", feature);
	f = fopen("/proc/self/mountinfo", "re");
	while (f && ret < 0 && fgets(line, sizeof(line), f)) {
		char *opts, *tok, *save;

		/* Field 5 is the mount point, the last one the super options */
		if (sscanf(line, "%*s %*s %*s %*s %4095s", mpoint) != 1 ||
		    strcmp(mpoint, mnt))
			continue;
		line[strcspn(line, "\n")] = '\0';
		opts = strrchr(line, ' ');
		if (!opts)
			continue;
		for (tok = strtok_r(opts + 1, ",", &save); tok;
		     tok = strtok_r(NULL, ",", &save)) {
			if (!strncmp(tok, opt, optlen))
				ret = !strcmp(tok + optlen, "on");
		}
		/* Not listed: the module default applies */
		break;
	}
	if (f)
		fclose(f);
	if (ret >= 0)
		return ret;

	snprintf(mpoint, sizeof(mpoint), "/sys/module/overlay/parameters/%s",
		 feature);
	f = fopen(mpoint, "re");
	if (!f)
		return -1;
	switch (fgetc(f)) {
	case 'Y':
		ret = 1;
		break;
	case 'N':
		ret = 0;
		break;
	}
	fclose(f);
	return ret;
}

/*
 * Run op(path) in a child with all ids set to nobody.  Returns what op
 * returned (0 or an errno value), 255 if the ids could not be changed, or
 * -errno if the child could not be run.
 */
static int run_as_nobody(int (*op)(const char *path), const char *path)
{
	int status;
	pid_t pid;

	pid = fork();
	if (pid < 0)
		return -errno;
	if (pid == 0) {
		if (setgroups(0, NULL) ||
		    setresgid(NOBODY_ID, NOBODY_ID, NOBODY_ID) ||
		    setresuid(NOBODY_ID, NOBODY_ID, NOBODY_ID))
			_exit(255);
		_exit(op(path));
	}
	if (waitpid(pid, &status, 0) != pid)
		return -errno;
	if (!WIFEXITED(status))
		return -ECHILD;
	return WEXITSTATUS(status);
}

static int op_read(const char *path)
{
	int fd, err = 0;
	char c;

	fd = open(path, O_RDONLY | O_CLOEXEC);
	if (fd < 0)
		return errno;
	if (read(fd, &c, 1) < 0)
		err = errno;
	close(fd);
	return err;
}

static int op_create(const char *path)
{
	return -write_file(path, "new\n", O_CREAT | O_EXCL, 0644);
}

static int op_append(const char *path)
{
	return -write_file(path, MORE_DATA, O_APPEND, 0);
}

FIXTURE(ovl) {
	int redirect_dir;	/* 1 on, 0 off, -1 unknown */
	int index;		/* likewise */
};

static int build_overlay(void)
{
	const char *extra = getenv("OVL_TEST_MOUNT_OPTS");
	char opts[4 * PATH_MAX];
	unsigned int i;
	int ret;

	for (i = 0; i < ARRAY_SIZE(layout); i++) {
		ret = create_entry(&layout[i]);
		if (ret) {
			fprintf(stderr, "# creating %s: %s\n", layout[i].name,
				strerror(-ret));
			return ret;
		}
	}

	snprintf(opts, sizeof(opts),
		 "lowerdir=%s/lower,upperdir=%s/upper,workdir=%s/work%s%s",
		 test_dir, test_dir, test_dir, extra ? "," : "",
		 extra ? extra : "");
	if (mount("overlay", ovl_path(MERGED, ""), "overlay", 0, opts))
		return -errno;
	return 0;
}

FIXTURE_SETUP(ovl)
{
	char tmpl[] = "/tmp/ovl_test.XXXXXX";
	char *real;
	int ret;

	if (geteuid() != 0)
		SKIP(return, "overlayfs tests need root");

	/* Mounts go away with the test even if teardown does not run */
	ASSERT_EQ(0, unshare(CLONE_NEWNS));
	ASSERT_EQ(0, mount(NULL, "/", NULL, MS_REC | MS_PRIVATE, NULL));
	umask(022);

	ASSERT_NE(NULL, mkdtemp(tmpl));
	/* mountinfo shows the resolved path */
	real = realpath(tmpl, NULL);
	ASSERT_NE(NULL, real);
	ASSERT_GT(sizeof(test_dir), strlen(real));
	snprintf(test_dir, sizeof(test_dir), "%s", real);
	free(real);
	if (mount("tmpfs", test_dir, "tmpfs", 0, "mode=0755")) {
		ret = errno;
		rmdir(test_dir);
		ASSERT_EQ(0, ret) TH_LOG("tmpfs: %s", strerror(ret));
	}

	ret = build_overlay();
	if (ret) {
		umount2(test_dir, MNT_DETACH);
		rmdir(test_dir);
	}
	if (ret == -ENODEV)
		SKIP(return, "no overlayfs in this kernel");
	ASSERT_EQ(0, ret) TH_LOG("overlay setup: %s", strerror(-ret));

	self->redirect_dir = ovl_feature(ovl_path(MERGED, ""),
					 "redirect_dir");
	self->index = ovl_feature(ovl_path(MERGED, ""), "index");
}

FIXTURE_TEARDOWN(ovl)
{
	EXPECT_EQ(0, umount2(ovl_path(MERGED, ""), MNT_DETACH));
	EXPECT_EQ(0, umount2(test_dir, MNT_DETACH));
	EXPECT_EQ(0, rmdir(test_dir));
}

/* Reading through the overlay serves lower data and copies nothing up */
TEST_F(ovl, read_lower)
{
	struct stat lst, mst, root;
	char target[PATH_MAX];
	ssize_t len;

	ASSERT_STREQ(FILE_DATA, read_file(ovl_path(MERGED, "file")));
	ASSERT_STREQ("c1\n", read_file(ovl_path(MERGED, "dir/child1")));

	len = readlink(ovl_path(MERGED, "symlink"), target,
		       sizeof(target) - 1);
	ASSERT_EQ(strlen("file"), len);
	target[len] = '\0';
	ASSERT_STREQ("file", target);
	ASSERT_STREQ(FILE_DATA, read_file(ovl_path(MERGED, "symlink")));

	/* Attributes are the lower ones; st_dev is the overlay's own */
	ASSERT_EQ(0, lstat(ovl_path(LOWER, "file"), &lst));
	ASSERT_EQ(0, lstat(ovl_path(MERGED, "file"), &mst));
	ASSERT_EQ(0, lstat(ovl_path(MERGED, ""), &root));
	EXPECT_EQ(lst.st_mode, mst.st_mode);
	EXPECT_EQ(FILE_UID, mst.st_uid);
	EXPECT_EQ(FILE_GID, mst.st_gid);
	EXPECT_EQ(OLD_MTIME, mst.st_mtime);
	EXPECT_EQ(lst.st_ino, mst.st_ino);
	EXPECT_EQ(root.st_dev, mst.st_dev);
	EXPECT_NE(lst.st_dev, mst.st_dev);

	EXPECT_FALSE(file_exists(ovl_path(UPPER, "file")));
	EXPECT_FALSE(file_exists(ovl_path(UPPER, "symlink")));
	EXPECT_FALSE(file_exists(ovl_path(UPPER, "dir")));
}

/* Opening for write copies up with mode, owner and times preserved */
TEST_F(ovl, write_copies_up)
{
	struct stat lst, ust, mst;
	int fd;

	ASSERT_EQ(0, lstat(ovl_path(LOWER, "file"), &lst));

	fd = open(ovl_path(MERGED, "file"), O_WRONLY | O_APPEND);
	ASSERT_LE(0, fd);
	ASSERT_EQ(0, lstat(ovl_path(UPPER, "file"), &ust));
	EXPECT_EQ(lst.st_mode, ust.st_mode);
	EXPECT_EQ(lst.st_uid, ust.st_uid);
	EXPECT_EQ(lst.st_gid, ust.st_gid);
	EXPECT_EQ(lst.st_size, ust.st_size);
	EXPECT_EQ(lst.st_mtim.tv_sec, ust.st_mtim.tv_sec);
	EXPECT_EQ(lst.st_mtim.tv_nsec, ust.st_mtim.tv_nsec);
	EXPECT_EQ(lst.st_atim.tv_sec, ust.st_atim.tv_sec);

	ASSERT_EQ(strlen(MORE_DATA), write(fd, MORE_DATA, strlen(MORE_DATA)));
	ASSERT_EQ(0, close(fd));

	EXPECT_STREQ(FILE_DATA MORE_DATA,
		     read_file(ovl_path(MERGED, "file")));
	EXPECT_STREQ(FILE_DATA MORE_DATA,
		     read_file(ovl_path(UPPER, "file")));
	EXPECT_STREQ(FILE_DATA, read_file(ovl_path(LOWER, "file")));

	/* The lower file is untouched; the overlay keeps its st_ino */
	ASSERT_EQ(0, lstat(ovl_path(LOWER, "file"), &ust));
	EXPECT_EQ(OLD_MTIME, ust.st_mtime);
	EXPECT_EQ(strlen(FILE_DATA), ust.st_size);
	ASSERT_EQ(0, lstat(ovl_path(MERGED, "file"), &mst));
	EXPECT_NE(OLD_MTIME, mst.st_mtime);
	EXPECT_EQ(lst.st_ino, mst.st_ino);
}

/* Unlinking a lower file leaves a 0/0 char device whiteout in upper */
TEST_F(ovl, unlink_whiteout)
{
	ASSERT_EQ(0, unlink(ovl_path(MERGED, "file2")));

	EXPECT_TRUE(is_whiteout(ovl_path(UPPER, "file2")));
	EXPECT_EQ(ENOENT, lstat_err(ovl_path(MERGED, "file2")));
	EXPECT_EQ(0, dir_count(ovl_path(MERGED, ""), "file2"));
	EXPECT_EQ(1, dir_count(ovl_path(MERGED, ""), "file"));
	EXPECT_STREQ(FILE2_DATA, read_file(ovl_path(LOWER, "file2")));
	EXPECT_EQ(-1, unlink(ovl_path(MERGED, "file2")));
	EXPECT_EQ(ENOENT, errno);

	/* Creating the name again replaces the whiteout */
	ASSERT_EQ(0, write_file(ovl_path(MERGED, "file2"), "new\n",
				O_CREAT | O_EXCL, 0644));
	EXPECT_FALSE(is_whiteout(ovl_path(UPPER, "file2")));
	EXPECT_STREQ("new\n", read_file(ovl_path(UPPER, "file2")));
	EXPECT_STREQ("new\n", read_file(ovl_path(MERGED, "file2")));
}

/* A directory made where a lower one was removed is opaque */
TEST_F(ovl, rmdir_mkdir_opaque)
{
	EXPECT_EQ(-1, rmdir(ovl_path(MERGED, "dir")));
	EXPECT_EQ(ENOTEMPTY, errno);

	ASSERT_EQ(0, unlink(ovl_path(MERGED, "dir/child1")));
	ASSERT_EQ(0, unlink(ovl_path(MERGED, "dir/child2")));
	EXPECT_TRUE(is_whiteout(ovl_path(UPPER, "dir/child1")));
	EXPECT_EQ(0, dir_count(ovl_path(MERGED, "dir"), NULL));

	ASSERT_EQ(0, rmdir(ovl_path(MERGED, "dir")));
	EXPECT_TRUE(is_whiteout(ovl_path(UPPER, "dir")));
	EXPECT_EQ(ENOENT, lstat_err(ovl_path(MERGED, "dir")));

	ASSERT_EQ(0, mkdir(ovl_path(MERGED, "dir"), 0755));
	EXPECT_STREQ("y", xattr_str(ovl_path(UPPER, "dir"),
				    "trusted.overlay.opaque"));
	EXPECT_EQ(0, dir_count(ovl_path(UPPER, "dir"), NULL));
	EXPECT_EQ(0, dir_count(ovl_path(MERGED, "dir"), NULL));
	EXPECT_EQ(ENOENT, lstat_err(ovl_path(MERGED, "dir/child1")));
	EXPECT_EQ(2, dir_count(ovl_path(LOWER, "dir"), NULL));
}

/* Renaming a lower file copies it up and whiteouts the old name */
TEST_F(ovl, rename_file)
{
	ASSERT_EQ(0, rename(ovl_path(MERGED, "file2"),
			    ovl_path(MERGED, "file2_new")));

	EXPECT_EQ(ENOENT, lstat_err(ovl_path(MERGED, "file2")));
	EXPECT_STREQ(FILE2_DATA,
		     read_file(ovl_path(MERGED, "file2_new")));
	EXPECT_TRUE(is_regular(ovl_path(UPPER, "file2_new")));
	EXPECT_TRUE(is_whiteout(ovl_path(UPPER, "file2")));
	EXPECT_STREQ(FILE2_DATA, read_file(ovl_path(LOWER, "file2")));
	EXPECT_FALSE(file_exists(ovl_path(LOWER, "file2_new")));
}

/*
 * Moving a directory that has a lower layer needs redirect_dir.  Without it
 * the rename fails with EXDEV before anything is copied up, so that
 * userspace falls back to copying; with it the directory is copied up alone
 * and carries a relative redirect to its lower name.
 */
TEST_F(ovl, rename_lower_dir)
{
	const char *from = ovl_path(MERGED, "dir2");
	const char *to = ovl_path(MERGED, "dir2_moved");
	int redirect = self->redirect_dir;
	int err;

	err = rename(from, to) ? errno : 0;
	if (redirect < 0) {
		TH_LOG("redirect_dir state unknown, rename gave %d", err);
		redirect = !err;
	}

	if (!redirect) {
		ASSERT_EQ(EXDEV, err);
		EXPECT_STREQ("x\n", read_file(ovl_path(MERGED,
						       "dir2/x")));
		EXPECT_EQ(ENOENT, lstat_err(to));
		EXPECT_FALSE(file_exists(ovl_path(UPPER, "dir2")));
		EXPECT_FALSE(file_exists(ovl_path(UPPER, "dir2_moved")));
		return;
	}

	ASSERT_EQ(0, err);
	EXPECT_STREQ("x\n", read_file(ovl_path(MERGED,
					       "dir2_moved/x")));
	EXPECT_EQ(ENOENT, lstat_err(from));
	EXPECT_TRUE(is_whiteout(ovl_path(UPPER, "dir2")));
	EXPECT_STREQ("dir2", xattr_str(ovl_path(UPPER, "dir2_moved"),
				       "trusted.overlay.redirect"));
	EXPECT_FALSE(file_exists(ovl_path(UPPER, "dir2_moved/x")));
	EXPECT_STREQ("x\n", read_file(ovl_path(LOWER, "dir2/x")));
}

/* A directory that exists only in upper moves whatever the features */
TEST_F(ovl, rename_upper_dir)
{
	ASSERT_EQ(0, mkdir(ovl_path(MERGED, "newdir"), 0755));
	ASSERT_EQ(0, write_file(ovl_path(MERGED, "newdir/f"), "f\n",
				O_CREAT | O_EXCL, 0644));
	ASSERT_EQ(0, rename(ovl_path(MERGED, "newdir"),
			    ovl_path(MERGED, "newdir2")));
	EXPECT_STREQ("f\n", read_file(ovl_path(MERGED, "newdir2/f")));
	EXPECT_STREQ("f\n", read_file(ovl_path(UPPER, "newdir2/f")));
	EXPECT_FALSE(file_exists(ovl_path(UPPER, "newdir")));
}

TEST_F(ovl, rename_noreplace)
{
	const char *a = ovl_path(MERGED, "a_file");
	const char *b = ovl_path(MERGED, "b_file");

	/* Onto an existing lower file: EEXIST and nothing copied up */
	EXPECT_EQ(EEXIST, rename_err(a, b, RENAME_NOREPLACE));
	EXPECT_STREQ(A_DATA, read_file(a));
	EXPECT_STREQ(B_DATA, read_file(b));
	EXPECT_FALSE(file_exists(ovl_path(UPPER, "a_file")));
	EXPECT_FALSE(file_exists(ovl_path(UPPER, "b_file")));

	/* Onto a whiteout: the name is free */
	ASSERT_EQ(0, unlink(b));
	ASSERT_EQ(0, rename_err(a, b, RENAME_NOREPLACE));
	EXPECT_STREQ(A_DATA, read_file(b));
	EXPECT_EQ(ENOENT, lstat_err(a));
	EXPECT_TRUE(is_regular(ovl_path(UPPER, "b_file")));
	EXPECT_TRUE(is_whiteout(ovl_path(UPPER, "a_file")));
	EXPECT_STREQ(B_DATA, read_file(ovl_path(LOWER, "b_file")));
}

TEST_F(ovl, rename_exchange)
{
	const char *u1 = ovl_path(MERGED, "u1");
	const char *u2 = ovl_path(MERGED, "u2");
	const char *a = ovl_path(MERGED, "a_file");

	ASSERT_EQ(0, write_file(u1, "one\n", O_CREAT | O_EXCL, 0644));
	ASSERT_EQ(0, write_file(u2, "two\n", O_CREAT | O_EXCL, 0644));

	ASSERT_EQ(0, rename_err(u1, u2, RENAME_EXCHANGE));
	EXPECT_STREQ("two\n", read_file(u1));
	EXPECT_STREQ("one\n", read_file(u2));
	EXPECT_STREQ("two\n", read_file(ovl_path(UPPER, "u1")));
	EXPECT_STREQ("one\n", read_file(ovl_path(UPPER, "u2")));

	/* With a lower file, which is copied up first */
	ASSERT_EQ(0, rename_err(u1, a, RENAME_EXCHANGE));
	EXPECT_STREQ(A_DATA, read_file(u1));
	EXPECT_STREQ("two\n", read_file(a));
	EXPECT_TRUE(is_regular(ovl_path(UPPER, "u1")));
	EXPECT_STREQ("two\n", read_file(ovl_path(UPPER, "a_file")));
	EXPECT_STREQ(A_DATA, read_file(ovl_path(LOWER, "a_file")));
}

/* user.* xattrs: lower ones show through, changes copy up first */
TEST_F(ovl, xattr_user)
{
	const char *merged = ovl_path(MERGED, "xattr_file");
	const char *upper = ovl_path(UPPER, "xattr_file");
	const char *lower = ovl_path(LOWER, "xattr_file");

	EXPECT_STREQ(XATTR_VAL, xattr_str(merged, "user.test"));
	EXPECT_EQ(1, xattr_listed(merged, "user.test"));
	EXPECT_FALSE(file_exists(upper));

	ASSERT_EQ(0, lsetxattr(merged, "user.new", "v", 1, 0));
	EXPECT_STREQ("v", xattr_str(merged, "user.new"));
	EXPECT_STREQ("v", xattr_str(upper, "user.new"));
	EXPECT_STREQ(XATTR_VAL, xattr_str(upper, "user.test"));
	EXPECT_EQ(ENODATA, xattr_err(lower, "user.new"));

	ASSERT_EQ(0, lremovexattr(merged, "user.test"));
	EXPECT_EQ(ENODATA, xattr_err(merged, "user.test"));
	EXPECT_EQ(ENODATA, xattr_err(upper, "user.test"));
	EXPECT_STREQ(XATTR_VAL, xattr_str(lower, "user.test"));
}

/*
 * trusted.overlay.* through the overlay: overlayfs' own xattrs are hidden,
 * and since v6.7 a client's trusted.overlay.NAME is stored escaped as
 * trusted.overlay.overlay.NAME in the layer, so setting it succeeds and does
 * not change how overlayfs sees the layer.  A name too long to escape gets
 * EOPNOTSUPP.
 */
TEST_F(ovl, xattr_private)
{
	const char *merged = ovl_path(MERGED, "file");
	const char *upper = ovl_path(UPPER, "file");
	const char *mdir = ovl_path(MERGED, "emptydir");
	char name[XATTR_NAME_MAX + 1];

	ASSERT_EQ(0, lsetxattr(merged, "trusted.overlay.foo", "bar", 3, 0));
	EXPECT_STREQ("bar", xattr_str(merged, "trusted.overlay.foo"));
	EXPECT_STREQ("bar", xattr_str(upper, "trusted.overlay.overlay.foo"));
	EXPECT_EQ(ENODATA, xattr_err(upper, "trusted.overlay.foo"));
	EXPECT_EQ(1, xattr_listed(merged, "trusted.overlay.foo"));
	EXPECT_EQ(0, xattr_listed(merged, "trusted.overlay.overlay.foo"));

	/* Names that no longer fit in XATTR_NAME_MAX once escaped */
	memset(name, 'n', sizeof(name));
	memcpy(name, "trusted.overlay.", strlen("trusted.overlay."));
	name[ESCAPE_MAX_NAME] = '\0';
	EXPECT_EQ(0, lsetxattr(merged, name, "v", 1, 0));
	name[ESCAPE_MAX_NAME] = 'n';
	name[ESCAPE_MAX_NAME + 1] = '\0';
	EXPECT_EQ(-1, lsetxattr(merged, name, "v", 1, 0));
	EXPECT_EQ(EOPNOTSUPP, errno);

	/* The real opaque xattr of a directory is not visible */
	ASSERT_EQ(0, rmdir(mdir));
	ASSERT_EQ(0, mkdir(mdir, 0755));
	EXPECT_STREQ("y", xattr_str(ovl_path(UPPER, "emptydir"),
				    "trusted.overlay.opaque"));
	EXPECT_EQ(ENODATA, xattr_err(mdir, "trusted.overlay.opaque"));
	EXPECT_EQ(0, xattr_listed(mdir, "trusted.overlay.opaque"));

	/* and setting it from above does not make a directory opaque */
	ASSERT_EQ(0, lsetxattr(ovl_path(MERGED, "dir"),
			       "trusted.overlay.opaque", "y", 1, 0));
	EXPECT_EQ(ENODATA, xattr_err(ovl_path(UPPER, "dir"),
				     "trusted.overlay.opaque"));
	EXPECT_STREQ("y", xattr_str(ovl_path(UPPER, "dir"),
				    "trusted.overlay.overlay.opaque"));
	EXPECT_EQ(1, dir_count(ovl_path(MERGED, "dir"), "child1"));
}

/* link() of a lower file copies it up and links in upper */
TEST_F(ovl, link_lower_file)
{
	const char *mfile = ovl_path(MERGED, "file");
	const char *mlink = ovl_path(MERGED, "file_link");
	struct stat lst, st1, st2;

	ASSERT_EQ(0, lstat(ovl_path(LOWER, "file"), &lst));
	ASSERT_EQ(0, link(mfile, mlink));

	/* (an index entry, if any, is a further link of the upper inode) */
	ASSERT_EQ(0, lstat(ovl_path(UPPER, "file"), &st1));
	ASSERT_EQ(0, lstat(ovl_path(UPPER, "file_link"), &st2));
	EXPECT_EQ(st1.st_ino, st2.st_ino);
	EXPECT_LE(2, st1.st_nlink);

	ASSERT_EQ(0, lstat(mfile, &st1));
	ASSERT_EQ(0, lstat(mlink, &st2));
	EXPECT_EQ(2, st1.st_nlink);
	EXPECT_EQ(2, st2.st_nlink);
	EXPECT_EQ(st1.st_ino, st2.st_ino);
	/* The copy-up origin had one link, so its st_ino is kept */
	EXPECT_EQ(lst.st_ino, st1.st_ino);

	ASSERT_EQ(0, write_file(mlink, MORE_DATA, O_APPEND, 0));
	EXPECT_STREQ(FILE_DATA MORE_DATA, read_file(mfile));
	EXPECT_STREQ(FILE_DATA, read_file(ovl_path(LOWER, "file")));
	ASSERT_EQ(0, lstat(ovl_path(LOWER, "file"), &lst));
	EXPECT_EQ(1, lst.st_nlink);
	EXPECT_FALSE(file_exists(ovl_path(LOWER, "file_link")));
}

/*
 * Copying up one of two lower hard links.  With index=off (the default
 * unless CONFIG_OVERLAY_FS_INDEX) the link is broken: the copied-up name
 * gets its own inode and the other name keeps showing the lower file.  With
 * index=on both names follow the copy through the index.
 */
TEST_F(ovl, lower_hardlink_copy_up)
{
	const char *hl1 = ovl_path(MERGED, "hl1");
	const char *hl2 = ovl_path(MERGED, "hl2");
	int index = self->index;
	struct stat lst, st1, st2;

	ASSERT_EQ(0, lstat(ovl_path(LOWER, "hl1"), &lst));
	ASSERT_EQ(0, lstat(hl1, &st1));
	ASSERT_EQ(0, lstat(hl2, &st2));
	EXPECT_EQ(2, st1.st_nlink);
	EXPECT_EQ(2, st2.st_nlink);
	EXPECT_EQ(lst.st_ino, st1.st_ino);
	EXPECT_EQ(lst.st_ino, st2.st_ino);

	ASSERT_EQ(0, write_file(hl1, MORE_DATA, O_APPEND, 0));
	EXPECT_STREQ(HL_DATA MORE_DATA, read_file(hl1));
	EXPECT_STREQ(HL_DATA, read_file(ovl_path(LOWER, "hl1")));
	EXPECT_STREQ(HL_DATA, read_file(ovl_path(LOWER, "hl2")));
	if (index < 0) {
		TH_LOG("index state unknown, judging by the data of hl2");
		index = !strcmp(HL_DATA MORE_DATA, read_file(hl2));
	}

	ASSERT_EQ(0, lstat(hl1, &st1));
	ASSERT_EQ(0, lstat(hl2, &st2));
	if (!index) {
		EXPECT_STREQ(HL_DATA, read_file(hl2));
		EXPECT_EQ(1, st1.st_nlink);
		EXPECT_EQ(2, st2.st_nlink);
		EXPECT_NE(st1.st_ino, st2.st_ino);
		EXPECT_EQ(lst.st_ino, st2.st_ino);
		EXPECT_FALSE(file_exists(ovl_path(UPPER, "hl2")));
		return;
	}

	EXPECT_STREQ(HL_DATA MORE_DATA, read_file(hl2));
	EXPECT_EQ(st1.st_ino, st2.st_ino);
	EXPECT_EQ(lst.st_ino, st1.st_ino);
	EXPECT_EQ(1, dir_count(ovl_path(WORK, "index"), NULL));
}

/*
 * Permission checks use the caller's credentials, and new objects are owned
 * by the caller's fsuid/fsgid although the layers are written with the
 * mounter's credentials.
 */
TEST_F(ovl, nobody_permissions)
{
	struct stat st;

	EXPECT_EQ(EACCES, run_as_nobody(op_read,
					ovl_path(MERGED, "secret")));
	EXPECT_EQ(0, run_as_nobody(op_read, ovl_path(MERGED, "a_file")));

	EXPECT_EQ(EACCES, run_as_nobody(op_create,
					ovl_path(MERGED, "dir/new")));
	EXPECT_FALSE(file_exists(ovl_path(UPPER, "dir")));
	EXPECT_EQ(EACCES, run_as_nobody(op_create,
					ovl_path(MERGED, "new")));
	EXPECT_FALSE(file_exists(ovl_path(UPPER, "new")));

	ASSERT_EQ(0, run_as_nobody(op_create,
				   ovl_path(MERGED, "pubdir/new")));
	ASSERT_EQ(0, lstat(ovl_path(UPPER, "pubdir/new"), &st));
	EXPECT_EQ(NOBODY_ID, st.st_uid);
	EXPECT_EQ(NOBODY_ID, st.st_gid);
	ASSERT_EQ(0, lstat(ovl_path(MERGED, "pubdir/new"), &st));
	EXPECT_EQ(NOBODY_ID, st.st_uid);
	EXPECT_EQ(NOBODY_ID, st.st_gid);

	/* The parent was copied up as it was in lower */
	ASSERT_EQ(0, lstat(ovl_path(UPPER, "pubdir"), &st));
	EXPECT_EQ(S_IFDIR | 0777, st.st_mode);
	EXPECT_EQ(0, st.st_uid);
	EXPECT_EQ(0, st.st_gid);
}

/* A write by a user without CAP_FSETID clears S_ISUID on the copy */
TEST_F(ovl, nobody_write_clears_setuid)
{
	struct stat st;

	ASSERT_EQ(0, run_as_nobody(op_append, ovl_path(MERGED, "suid")));

	ASSERT_EQ(0, lstat(ovl_path(UPPER, "suid"), &st));
	EXPECT_EQ(S_IFREG | 0777, st.st_mode);
	EXPECT_EQ(SUID_UID, st.st_uid);
	ASSERT_EQ(0, lstat(ovl_path(MERGED, "suid"), &st));
	EXPECT_EQ(S_IFREG | 0777, st.st_mode);
	EXPECT_STREQ(SUID_DATA MORE_DATA,
		     read_file(ovl_path(UPPER, "suid")));

	ASSERT_EQ(0, lstat(ovl_path(LOWER, "suid"), &st));
	EXPECT_EQ(S_IFREG | 04777, st.st_mode);
}

/* Root has CAP_FSETID: writing keeps S_ISUID */
TEST_F(ovl, root_write_keeps_setuid)
{
	struct stat st;

	ASSERT_EQ(0, write_file(ovl_path(MERGED, "suid"), MORE_DATA,
				O_APPEND, 0));
	ASSERT_EQ(0, lstat(ovl_path(UPPER, "suid"), &st));
	EXPECT_EQ(S_IFREG | 04777, st.st_mode);
	EXPECT_EQ(SUID_UID, st.st_uid);
	EXPECT_STREQ(SUID_DATA MORE_DATA,
		     read_file(ovl_path(MERGED, "suid")));
}

/* A metadata-only change copies up with S_ISUID and owner intact */
TEST_F(ovl, copy_up_keeps_setuid)
{
	struct timespec times[2] = {
		{ .tv_sec = NEW_MTIME }, { .tv_sec = NEW_MTIME },
	};
	struct stat st;

	ASSERT_EQ(0, utimensat(AT_FDCWD, ovl_path(MERGED, "suid"),
			       times, 0));

	ASSERT_EQ(0, lstat(ovl_path(UPPER, "suid"), &st));
	EXPECT_EQ(S_IFREG | 04777, st.st_mode);
	EXPECT_EQ(SUID_UID, st.st_uid);
	EXPECT_EQ(SUID_UID, st.st_gid);
	EXPECT_EQ(NEW_MTIME, st.st_mtime);
	ASSERT_EQ(0, lstat(ovl_path(MERGED, "suid"), &st));
	EXPECT_EQ(S_IFREG | 04777, st.st_mode);
	EXPECT_EQ(NEW_MTIME, st.st_mtime);
	EXPECT_STREQ(SUID_DATA, read_file(ovl_path(MERGED, "suid")));

	ASSERT_EQ(0, lstat(ovl_path(LOWER, "suid"), &st));
	EXPECT_EQ(OLD_MTIME, st.st_mtime);
}

/* statfs: upper's numbers under the overlayfs magic */
TEST_F(ovl, statfs_magic)
{
	struct statfs msf, usf, fsf;
	int fd;

	ASSERT_EQ(0, statfs(ovl_path(MERGED, ""), &msf));
	ASSERT_EQ(0, statfs(ovl_path(UPPER, ""), &usf));
	EXPECT_EQ(OVERLAYFS_SUPER_MAGIC, msf.f_type);
	EXPECT_EQ(TMPFS_MAGIC, usf.f_type);
	EXPECT_EQ(usf.f_bsize, msf.f_bsize);
	EXPECT_EQ(usf.f_blocks, msf.f_blocks);
	EXPECT_EQ(NAME_MAX, msf.f_namelen);

	fd = open(ovl_path(MERGED, "file"), O_RDONLY);
	ASSERT_LE(0, fd);
	ASSERT_EQ(0, fstatfs(fd, &fsf));
	close(fd);
	EXPECT_EQ(OVERLAYFS_SUPER_MAGIC, fsf.f_type);
}

/* readdir merges both layers, listing each name once */
TEST_F(ovl, readdir_merge)
{
	const char *mix = ovl_path(MERGED, "mix");

	EXPECT_EQ(1, dir_count(ovl_path(MERGED, ""), "mix"));
	EXPECT_EQ(4, dir_count(mix, NULL));
	EXPECT_EQ(1, dir_count(mix, "a"));
	EXPECT_EQ(1, dir_count(mix, "b"));
	EXPECT_EQ(1, dir_count(mix, "c"));
	EXPECT_EQ(1, dir_count(mix, "common"));
	EXPECT_STREQ("upper common\n",
		     read_file(ovl_path(MERGED, "mix/common")));

	ASSERT_EQ(0, mkdir(ovl_path(MERGED, "mix/newdir"), 0755));
	EXPECT_EQ(1, dir_count(mix, "newdir"));
	EXPECT_EQ(5, dir_count(mix, NULL));
	ASSERT_EQ(0, rmdir(ovl_path(MERGED, "mix/newdir")));
	EXPECT_EQ(0, dir_count(mix, "newdir"));
	EXPECT_FALSE(file_exists(ovl_path(UPPER, "mix/newdir")));

	/* An upper-only entry goes without leaving a whiteout */
	ASSERT_EQ(0, unlink(ovl_path(MERGED, "mix/c")));
	EXPECT_EQ(0, dir_count(mix, "c"));
	EXPECT_FALSE(file_exists(ovl_path(UPPER, "mix/c")));

	/* Names with a lower entry are whited out */
	ASSERT_EQ(0, unlink(ovl_path(MERGED, "mix/common")));
	ASSERT_EQ(0, unlink(ovl_path(MERGED, "mix/a")));
	EXPECT_TRUE(is_whiteout(ovl_path(UPPER, "mix/common")));
	EXPECT_TRUE(is_whiteout(ovl_path(UPPER, "mix/a")));
	EXPECT_EQ(1, dir_count(mix, NULL));
	EXPECT_EQ(1, dir_count(mix, "b"));
	EXPECT_EQ(3, dir_count(ovl_path(LOWER, "mix"), NULL));
}

TEST_HARNESS_MAIN
