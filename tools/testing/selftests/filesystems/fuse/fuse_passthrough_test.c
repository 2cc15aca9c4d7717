// SPDX-License-Identifier: GPL-2.0
/*
 * Tests for the stackfs FUSE server (tools/fuse/stackfs.c), which mirrors a
 * backing directory, once with cached I/O and once with FUSE passthrough.
 *
 * Each test mounts a fresh stackfs instance over an empty backing directory
 * below /tmp, changes files on one side and checks the other side.  stackfs
 * appends one line per request it receives to a log file; the passthrough
 * tests use it to check that read/write I/O bypassed the server.
 *
 * The stackfs binary is expected next to this test's executable.
 */

#define _GNU_SOURCE
#include <dirent.h>
#include <errno.h>
#include <fcntl.h>
#include <ftw.h>
#include <limits.h>
#include <stdbool.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <time.h>
#include <unistd.h>
#include <sys/mman.h>
#include <sys/mount.h>
#include <sys/stat.h>
#include <sys/statfs.h>
#include <sys/types.h>
#include <sys/wait.h>
#include <sys/xattr.h>
#include <linux/magic.h>

#include "../../kselftest_harness.h"

/* stackfs exit status when the kernel has no FUSE passthrough */
#define STACKFS_NO_PASSTHROUGH	2

static const char *join(char *buf, const char *dir, const char *name)
{
	if (snprintf(buf, PATH_MAX, "%s/%s", dir, name) >= PATH_MAX)
		abort();
	return buf;
}

/* Create or truncate @path and fill it with @len bytes of @data. */
static int write_file(const char *path, const void *data, size_t len)
{
	ssize_t n;
	int fd;

	fd = open(path, O_WRONLY | O_CREAT | O_TRUNC | O_CLOEXEC, 0644);
	if (fd < 0)
		return -errno;
	while (len) {
		n = write(fd, data, len);
		if (n <= 0) {
			close(fd);
			return n ? -errno : -EIO;
		}
		data = (const char *)data + n;
		len -= n;
	}
	return close(fd) ? -errno : 0;
}

/* Read up to @size bytes of @path; returns the length or -errno. */
static ssize_t read_file(const char *path, void *buf, size_t size)
{
	size_t len = 0;
	ssize_t n;
	int fd;

	fd = open(path, O_RDONLY | O_CLOEXEC);
	if (fd < 0)
		return -errno;
	while (len < size) {
		n = read(fd, (char *)buf + len, size - len);
		if (n < 0) {
			close(fd);
			return -errno;
		}
		if (n == 0)
			break;
		len += n;
	}
	close(fd);
	return len;
}

static void fill_pattern(char *buf, size_t len, unsigned int seed)
{
	size_t i;

	for (i = 0; i < len; i++)
		buf[i] = (char)(i * 31 + seed + (i >> 12));
}

static off_t file_size(const char *path)
{
	struct stat st;

	return stat(path, &st) ? -1 : st.st_size;
}

/* Count log lines after offset @from whose first word is @op. */
static int count_ops(const char *log, off_t from, const char *op)
{
	char line[256], name[64];
	int count = 0;
	FILE *f;

	f = fopen(log, "re");
	if (!f)
		return -1;
	if (fseeko(f, from, SEEK_SET)) {
		fclose(f);
		return -1;
	}
	while (fgets(line, sizeof(line), f))
		if (sscanf(line, "%63s", name) == 1 && !strcmp(name, op))
			count++;
	fclose(f);
	return count;
}

static bool has_name(const char *list, ssize_t len, const char *name)
{
	ssize_t off = 0;

	while (off < len) {
		if (!strcmp(list + off, name))
			return true;
		off += strlen(list + off) + 1;
	}
	return false;
}

static int remove_cb(const char *path, const struct stat *st, int type,
		     struct FTW *ftw)
{
	remove(path);
	return 0;
}

/* The stackfs binary lives in the same directory as this test. */
static int find_stackfs(char *buf, size_t size)
{
	ssize_t len;
	char *slash;

	len = readlink("/proc/self/exe", buf, size - 1);
	if (len < 0)
		return -1;
	buf[len] = '\0';
	slash = strrchr(buf, '/');
	if (!slash || (size_t)(slash - buf) + sizeof("/stackfs") > size)
		return -1;
	memcpy(slash, "/stackfs", sizeof("/stackfs"));
	return 0;
}

/* Run stackfs, which returns once the file system is mounted. */
static int run_stackfs(const char *prog, const char *log_opt, bool passthrough,
		       const char *backing, const char *mnt)
{
	char *argv[6];
	int argc = 0, status;
	pid_t pid;

	argv[argc++] = (char *)prog;
	if (passthrough)
		argv[argc++] = "--passthrough";
	argv[argc++] = (char *)log_opt;
	argv[argc++] = (char *)backing;
	argv[argc++] = (char *)mnt;
	argv[argc] = NULL;

	pid = fork();
	if (pid < 0)
		return -1;
	if (pid == 0) {
		execv(prog, argv);
		_exit(127);
	}
	if (waitpid(pid, &status, 0) != pid || !WIFEXITED(status))
		return -1;
	return WEXITSTATUS(status);
}

FIXTURE(stackfs) {
	char base[PATH_MAX];
	char backing[PATH_MAX];
	char mnt[PATH_MAX];
	char log[PATH_MAX];
	bool mounted;
};

FIXTURE_VARIANT(stackfs) {
	bool passthrough;
};

FIXTURE_VARIANT_ADD(stackfs, cached) {
	.passthrough = false,
};

FIXTURE_VARIANT_ADD(stackfs, passthrough) {
	.passthrough = true,
};

/* Unmount @mnt if @mounted, then remove the whole tree below @base. */
static void cleanup(char *base, const char *mnt, bool *mounted)
{
	if (*mounted && umount2(mnt, MNT_DETACH))
		perror("umount2");
	*mounted = false;
	if (base[0])
		nftw(base, remove_cb, 16, FTW_DEPTH | FTW_PHYS | FTW_MOUNT);
	base[0] = '\0';
}

FIXTURE_SETUP(stackfs)
{
	char prog[PATH_MAX], log_opt[PATH_MAX + 8];
	int ret;

	if (geteuid() != 0)
		SKIP(return, "mounting FUSE needs root");
	if (access("/dev/fuse", R_OK | W_OK))
		SKIP(return, "no /dev/fuse");
	ASSERT_EQ(find_stackfs(prog, sizeof(prog)), 0);
	ASSERT_EQ(access(prog, X_OK), 0) {
		TH_LOG("%s: %s", prog, strerror(errno));
	}

	snprintf(self->base, sizeof(self->base), "/tmp/stackfs_test.XXXXXX");
	ASSERT_NE(NULL, mkdtemp(self->base));
	join(self->backing, self->base, "backing");
	join(self->mnt, self->base, "mnt");
	join(self->log, self->base, "log");
	if (mkdir(self->backing, 0755) || mkdir(self->mnt, 0755)) {
		ret = errno;
		cleanup(self->base, self->mnt, &self->mounted);
		ASSERT_EQ(ret, 0);
	}

	snprintf(log_opt, sizeof(log_opt), "--log=%s", self->log);
	ret = run_stackfs(prog, log_opt, variant->passthrough, self->backing,
			  self->mnt);
	if (ret == STACKFS_NO_PASSTHROUGH && variant->passthrough) {
		cleanup(self->base, self->mnt, &self->mounted);
		SKIP(return, "kernel without FUSE passthrough");
	}
	if (ret != 0)
		cleanup(self->base, self->mnt, &self->mounted);
	ASSERT_EQ(ret, 0);
	self->mounted = true;
	umask(022);
}

/*
 * Tear down from the parent: it runs even when a failed ASSERT ended the
 * test process, and by then no file on the mount is open any more, so the
 * unmount lets stackfs exit.
 */
FIXTURE_TEARDOWN_PARENT(stackfs)
{
	cleanup(self->base, self->mnt, &self->mounted);
}

TEST_F(stackfs, statfs)
{
	struct statfs sm, sb;

	ASSERT_EQ(statfs(self->mnt, &sm), 0);
	ASSERT_EQ(statfs(self->backing, &sb), 0);
	EXPECT_EQ(sm.f_type, FUSE_SUPER_MAGIC);
	EXPECT_EQ(sm.f_bsize, sb.f_bsize);
	EXPECT_EQ(sm.f_blocks, sb.f_blocks);
	EXPECT_EQ(sm.f_files, sb.f_files);
	EXPECT_EQ(sm.f_namelen, sb.f_namelen);
}

TEST_F(stackfs, write_mount_read_backing)
{
	const size_t len = 3 * 1024 * 1024 + 123;	/* > max_write */
	char m[PATH_MAX], b[PATH_MAX];
	char *data, *buf;

	data = malloc(len);
	buf = malloc(len + 1);
	ASSERT_NE(NULL, data);
	ASSERT_NE(NULL, buf);
	fill_pattern(data, len, 1);

	ASSERT_EQ(write_file(join(m, self->mnt, "small"), "hello\n", 6), 0);
	ASSERT_EQ(read_file(join(b, self->backing, "small"), buf, len), 6);
	EXPECT_EQ(memcmp(buf, "hello\n", 6), 0);

	ASSERT_EQ(write_file(join(m, self->mnt, "big"), data, len), 0);
	ASSERT_EQ(read_file(join(b, self->backing, "big"), buf, len + 1), len);
	EXPECT_EQ(memcmp(buf, data, len), 0);
	EXPECT_EQ(file_size(m), len);
	free(data);
	free(buf);
}

TEST_F(stackfs, write_backing_read_mount)
{
	const size_t len = 2 * 1024 * 1024 + 7;
	char m[PATH_MAX], b[PATH_MAX];
	char *data, *buf;

	data = malloc(len);
	buf = malloc(len + 1);
	ASSERT_NE(NULL, data);
	ASSERT_NE(NULL, buf);
	fill_pattern(data, len, 2);

	ASSERT_EQ(write_file(join(b, self->backing, "file"), data, len), 0);
	ASSERT_EQ(read_file(join(m, self->mnt, "file"), buf, len + 1), len);
	EXPECT_EQ(memcmp(buf, data, len), 0);
	free(data);
	free(buf);
}

TEST_F(stackfs, pread_pwrite)
{
	static const off_t offsets[] = { 0, 4095, 8192 + 17, 1024 * 1024 + 3 };
	char m[PATH_MAX], b[PATH_MAX], buf[64], zero[64] = { 0 };
	int fd, bfd;
	size_t i;

	fd = open(join(m, self->mnt, "sparse"), O_RDWR | O_CREAT, 0644);
	ASSERT_GE(fd, 0);
	for (i = 0; i < ARRAY_SIZE(offsets); i++) {
		snprintf(buf, sizeof(buf), "chunk-%zu", i);
		ASSERT_EQ(pwrite(fd, buf, 8, offsets[i]), 8);
	}
	EXPECT_EQ(file_size(m), offsets[3] + 8);

	bfd = open(join(b, self->backing, "sparse"), O_RDWR);
	ASSERT_GE(bfd, 0);
	for (i = 0; i < ARRAY_SIZE(offsets); i++) {
		char want[16];

		snprintf(want, sizeof(want), "chunk-%zu", i);
		ASSERT_EQ(pread(bfd, buf, 8, offsets[i]), 8);
		EXPECT_EQ(memcmp(buf, want, 8), 0);
		ASSERT_EQ(pread(fd, buf, 8, offsets[i]), 8);
		EXPECT_EQ(memcmp(buf, want, 8), 0);
	}
	/* Holes read back as zeroes on both sides. */
	ASSERT_EQ(pread(fd, buf, sizeof(buf), 65536), sizeof(buf));
	EXPECT_EQ(memcmp(buf, zero, sizeof(buf)), 0);
	ASSERT_EQ(pread(bfd, buf, sizeof(buf), 65536), sizeof(buf));
	EXPECT_EQ(memcmp(buf, zero, sizeof(buf)), 0);
	/* Reading at EOF returns nothing. */
	EXPECT_EQ(pread(fd, buf, sizeof(buf), offsets[3] + 8), 0);

	/* The backing side writes, the mount side reads after reopening. */
	ASSERT_EQ(pwrite(bfd, "BACKING!", 8, 4095), 8);
	close(fd);
	fd = open(m, O_RDONLY);
	ASSERT_GE(fd, 0);
	ASSERT_EQ(pread(fd, buf, 8, 4095), 8);
	EXPECT_EQ(memcmp(buf, "BACKING!", 8), 0);
	close(fd);
	close(bfd);
}

TEST_F(stackfs, create_unlink)
{
	char m[PATH_MAX], b[PATH_MAX];
	struct stat st;
	int fd;

	fd = open(join(m, self->mnt, "new"), O_WRONLY | O_CREAT | O_EXCL, 0640);
	ASSERT_GE(fd, 0);
	ASSERT_EQ(write(fd, "x", 1), 1);
	close(fd);

	ASSERT_EQ(lstat(join(b, self->backing, "new"), &st), 0);
	EXPECT_TRUE(S_ISREG(st.st_mode));
	EXPECT_EQ(st.st_mode & 07777, 0640);
	EXPECT_EQ(st.st_size, 1);

	ASSERT_EQ(mknod(join(m, self->mnt, "fifo"), S_IFIFO | 0600, 0), 0);
	ASSERT_EQ(lstat(join(b, self->backing, "fifo"), &st), 0);
	EXPECT_TRUE(S_ISFIFO(st.st_mode));

	ASSERT_EQ(unlink(join(m, self->mnt, "new")), 0);
	EXPECT_EQ(lstat(join(b, self->backing, "new"), &st), -1);
	EXPECT_EQ(errno, ENOENT);
	EXPECT_EQ(lstat(m, &st), -1);
	EXPECT_EQ(errno, ENOENT);
}

TEST_F(stackfs, mkdir_rmdir)
{
	char m[PATH_MAX], b[PATH_MAX];
	struct stat st;

	ASSERT_EQ(mkdir(join(m, self->mnt, "dir"), 0751), 0);
	ASSERT_EQ(stat(join(b, self->backing, "dir"), &st), 0);
	EXPECT_TRUE(S_ISDIR(st.st_mode));
	EXPECT_EQ(st.st_mode & 07777, 0751);

	ASSERT_EQ(mkdir(join(m, self->mnt, "dir/sub"), 0755), 0);
	ASSERT_EQ(stat(join(b, self->backing, "dir/sub"), &st), 0);
	ASSERT_EQ(write_file(join(m, self->mnt, "dir/sub/f"), "f", 1), 0);
	ASSERT_EQ(stat(join(b, self->backing, "dir/sub/f"), &st), 0);

	ASSERT_EQ(unlink(join(m, self->mnt, "dir/sub/f")), 0);
	ASSERT_EQ(rmdir(join(m, self->mnt, "dir/sub")), 0);
	ASSERT_EQ(rmdir(join(m, self->mnt, "dir")), 0);
	EXPECT_EQ(stat(join(b, self->backing, "dir"), &st), -1);
	EXPECT_EQ(errno, ENOENT);
}

TEST_F(stackfs, rename)
{
	char m[PATH_MAX], m2[PATH_MAX], b[PATH_MAX], buf[16];
	struct stat st;

	ASSERT_EQ(write_file(join(m, self->mnt, "old"), "content", 7), 0);
	ASSERT_EQ(rename(m, join(m2, self->mnt, "new")), 0);
	EXPECT_EQ(stat(join(b, self->backing, "old"), &st), -1);
	EXPECT_EQ(errno, ENOENT);
	ASSERT_EQ(read_file(join(b, self->backing, "new"), buf, sizeof(buf)), 7);
	EXPECT_EQ(memcmp(buf, "content", 7), 0);

	/* Across directories. */
	ASSERT_EQ(mkdir(join(m, self->mnt, "dir"), 0755), 0);
	ASSERT_EQ(rename(m2, join(m, self->mnt, "dir/moved")), 0);
	ASSERT_EQ(read_file(join(b, self->backing, "dir/moved"), buf,
			    sizeof(buf)), 7);
	EXPECT_EQ(memcmp(buf, "content", 7), 0);
	ASSERT_EQ(read_file(m, buf, sizeof(buf)), 7);
}

TEST_F(stackfs, rename_flags)
{
	char x[PATH_MAX], y[PATH_MAX], b[PATH_MAX], buf[16];

	ASSERT_EQ(write_file(join(x, self->mnt, "x"), "xxx", 3), 0);
	ASSERT_EQ(write_file(join(y, self->mnt, "y"), "yyyy", 4), 0);

	EXPECT_EQ(renameat2(AT_FDCWD, x, AT_FDCWD, y, RENAME_NOREPLACE), -1);
	EXPECT_EQ(errno, EEXIST);
	ASSERT_EQ(read_file(join(b, self->backing, "x"), buf, sizeof(buf)), 3);
	ASSERT_EQ(read_file(join(b, self->backing, "y"), buf, sizeof(buf)), 4);

	ASSERT_EQ(renameat2(AT_FDCWD, x, AT_FDCWD, y, RENAME_EXCHANGE), 0);
	ASSERT_EQ(read_file(join(b, self->backing, "x"), buf, sizeof(buf)), 4);
	EXPECT_EQ(memcmp(buf, "yyyy", 4), 0);
	ASSERT_EQ(read_file(join(b, self->backing, "y"), buf, sizeof(buf)), 3);
	EXPECT_EQ(memcmp(buf, "xxx", 3), 0);

	ASSERT_EQ(renameat2(AT_FDCWD, x, AT_FDCWD,
			    join(y, self->mnt, "z"), RENAME_NOREPLACE), 0);
	ASSERT_EQ(read_file(join(b, self->backing, "z"), buf, sizeof(buf)), 4);
}

TEST_F(stackfs, readdir)
{
	static const struct {
		const char *name;
		unsigned char type;
	} expect[] = {
		{ "file1", DT_REG }, { "file2", DT_REG },
		{ "subdir", DT_DIR }, { "link", DT_LNK },
	};
	const int nr_many = 300;
	char b[PATH_MAX], name[NAME_MAX + 1];
	bool seen[4] = { false };
	int i, others = 0, many = 0;
	struct dirent *de;
	DIR *dir;

	ASSERT_EQ(write_file(join(b, self->backing, "file1"), "1", 1), 0);
	ASSERT_EQ(write_file(join(b, self->backing, "file2"), "2", 1), 0);
	ASSERT_EQ(mkdir(join(b, self->backing, "subdir"), 0755), 0);
	ASSERT_EQ(symlink("file1", join(b, self->backing, "link")), 0);

	dir = opendir(self->mnt);
	ASSERT_NE(NULL, dir);
	while ((de = readdir(dir))) {
		if (!strcmp(de->d_name, ".") || !strcmp(de->d_name, ".."))
			continue;
		for (i = 0; i < 4; i++)
			if (!strcmp(de->d_name, expect[i].name))
				break;
		if (i == 4) {
			others++;
			continue;
		}
		EXPECT_FALSE(seen[i]);
		seen[i] = true;
		EXPECT_EQ(de->d_type, expect[i].type);
	}
	closedir(dir);
	EXPECT_EQ(others, 0);
	EXPECT_TRUE(seen[0] && seen[1] && seen[2] && seen[3]);

	/* Enough long names to need several READDIR requests. */
	ASSERT_EQ(mkdir(join(b, self->backing, "many"), 0755), 0);
	for (i = 0; i < nr_many; i++) {
		snprintf(name, sizeof(name), "many/%0200d", i);
		ASSERT_EQ(write_file(join(b, self->backing, name), "", 0), 0);
	}
	dir = opendir(join(b, self->mnt, "many"));
	ASSERT_NE(NULL, dir);
	while ((de = readdir(dir)))
		if (de->d_name[0] != '.')
			many++;
	closedir(dir);
	EXPECT_EQ(many, nr_many);
}

TEST_F(stackfs, symlink)
{
	char m[PATH_MAX], b[PATH_MAX], buf[PATH_MAX];
	struct stat st;
	ssize_t len;

	ASSERT_EQ(symlink("some/target", join(m, self->mnt, "sl")), 0);
	len = readlink(join(b, self->backing, "sl"), buf, sizeof(buf));
	ASSERT_EQ(len, 11);
	EXPECT_EQ(memcmp(buf, "some/target", 11), 0);
	len = readlink(m, buf, sizeof(buf));
	ASSERT_EQ(len, 11);
	EXPECT_EQ(memcmp(buf, "some/target", 11), 0);
	ASSERT_EQ(lstat(m, &st), 0);
	EXPECT_TRUE(S_ISLNK(st.st_mode));

	/* Made in the backing directory, followed through the mount. */
	ASSERT_EQ(write_file(join(b, self->backing, "target"), "tgt", 3), 0);
	ASSERT_EQ(symlink("target", join(b, self->backing, "bl")), 0);
	len = readlink(join(m, self->mnt, "bl"), buf, sizeof(buf));
	ASSERT_EQ(len, 6);
	EXPECT_EQ(memcmp(buf, "target", 6), 0);
	ASSERT_EQ(read_file(m, buf, sizeof(buf)), 3);
	EXPECT_EQ(memcmp(buf, "tgt", 3), 0);
}

TEST_F(stackfs, hardlink)
{
	char a[PATH_MAX], l[PATH_MAX], b[PATH_MAX], buf[16];
	struct stat sa, sl, sb;

	ASSERT_EQ(write_file(join(a, self->mnt, "a"), "first", 5), 0);
	ASSERT_EQ(link(a, join(l, self->mnt, "l")), 0);
	ASSERT_EQ(stat(a, &sa), 0);
	ASSERT_EQ(stat(l, &sl), 0);
	EXPECT_EQ(sa.st_nlink, 2);
	EXPECT_EQ(sl.st_nlink, 2);
	EXPECT_EQ(sa.st_ino, sl.st_ino);
	ASSERT_EQ(stat(join(b, self->backing, "l"), &sb), 0);
	EXPECT_EQ(sb.st_nlink, 2);
	EXPECT_EQ(sb.st_ino, sa.st_ino);

	ASSERT_EQ(write_file(l, "second", 6), 0);
	ASSERT_EQ(read_file(a, buf, sizeof(buf)), 6);
	EXPECT_EQ(memcmp(buf, "second", 6), 0);

	ASSERT_EQ(unlink(a), 0);
	ASSERT_EQ(stat(l, &sl), 0);
	EXPECT_EQ(sl.st_nlink, 1);
}

TEST_F(stackfs, chmod_chown_truncate)
{
	char m[PATH_MAX], b[PATH_MAX], buf[128];
	struct stat st;
	int fd;

	fill_pattern(buf, sizeof(buf), 3);
	ASSERT_EQ(write_file(join(m, self->mnt, "f"), buf, sizeof(buf)), 0);
	join(b, self->backing, "f");

	ASSERT_EQ(chmod(m, 0604), 0);
	ASSERT_EQ(stat(b, &st), 0);
	EXPECT_EQ(st.st_mode & 07777, 0604);
	ASSERT_EQ(stat(m, &st), 0);
	EXPECT_EQ(st.st_mode & 07777, 0604);

	ASSERT_EQ(chown(m, 1234, 5678), 0);
	ASSERT_EQ(stat(b, &st), 0);
	EXPECT_EQ(st.st_uid, 1234);
	EXPECT_EQ(st.st_gid, 5678);

	ASSERT_EQ(truncate(m, 12345), 0);
	EXPECT_EQ(file_size(b), 12345);
	EXPECT_EQ(file_size(m), 12345);

	/* ftruncate() goes through the open file. */
	fd = open(m, O_RDWR);
	ASSERT_GE(fd, 0);
	ASSERT_EQ(ftruncate(fd, 10), 0);
	ASSERT_EQ(fstat(fd, &st), 0);
	EXPECT_EQ(st.st_size, 10);
	close(fd);
	EXPECT_EQ(file_size(b), 10);
	ASSERT_EQ(read_file(b, buf + 64, 64), 10);
	EXPECT_EQ(memcmp(buf, buf + 64, 10), 0);
}

TEST_F(stackfs, utimens)
{
	const struct timespec times[2] = {
		{ .tv_sec = 1000000000, .tv_nsec = 123456789 },
		{ .tv_sec = 1200000000, .tv_nsec = 987654321 },
	};
	const struct timespec now[2] = {
		{ .tv_nsec = UTIME_OMIT },
		{ .tv_nsec = UTIME_NOW },
	};
	char m[PATH_MAX], b[PATH_MAX];
	struct stat st;
	time_t start;

	ASSERT_EQ(write_file(join(m, self->mnt, "t"), "t", 1), 0);
	join(b, self->backing, "t");

	ASSERT_EQ(utimensat(AT_FDCWD, m, times, 0), 0);
	ASSERT_EQ(stat(b, &st), 0);
	EXPECT_EQ(st.st_atim.tv_sec, times[0].tv_sec);
	EXPECT_EQ(st.st_mtim.tv_sec, times[1].tv_sec);
	EXPECT_EQ(st.st_mtim.tv_nsec, times[1].tv_nsec);
	ASSERT_EQ(stat(m, &st), 0);
	EXPECT_EQ(st.st_mtim.tv_sec, times[1].tv_sec);

	start = time(NULL);
	ASSERT_EQ(utimensat(AT_FDCWD, m, now, 0), 0);
	ASSERT_EQ(stat(b, &st), 0);
	EXPECT_EQ(st.st_atim.tv_sec, times[0].tv_sec);
	EXPECT_GE(st.st_mtim.tv_sec, start - 1);
}

TEST_F(stackfs, xattr)
{
	char m[PATH_MAX], b[PATH_MAX], buf[256];
	ssize_t len;

	ASSERT_EQ(write_file(join(m, self->mnt, "x"), "x", 1), 0);
	join(b, self->backing, "x");
	if (setxattr(b, "user.probe", "1", 1, 0)) {
		if (errno == EOPNOTSUPP)
			SKIP(return, "backing fs has no user xattrs");
		ASSERT_EQ(errno, 0);
	}

	ASSERT_EQ(setxattr(m, "user.stackfs", "value1", 6, 0), 0);
	len = getxattr(b, "user.stackfs", buf, sizeof(buf));
	ASSERT_EQ(len, 6);
	EXPECT_EQ(memcmp(buf, "value1", 6), 0);

	EXPECT_EQ(getxattr(m, "user.stackfs", NULL, 0), 6);
	len = getxattr(m, "user.stackfs", buf, sizeof(buf));
	ASSERT_EQ(len, 6);
	EXPECT_EQ(memcmp(buf, "value1", 6), 0);
	EXPECT_EQ(getxattr(m, "user.stackfs", buf, 2), -1);
	EXPECT_EQ(errno, ERANGE);
	EXPECT_EQ(setxattr(m, "user.stackfs", "v", 1, XATTR_CREATE), -1);
	EXPECT_EQ(errno, EEXIST);

	len = listxattr(m, buf, sizeof(buf));
	ASSERT_GT(len, 0);
	EXPECT_TRUE(has_name(buf, len, "user.stackfs"));
	EXPECT_TRUE(has_name(buf, len, "user.probe"));
	EXPECT_EQ(listxattr(m, NULL, 0), len);

	ASSERT_EQ(removexattr(m, "user.stackfs"), 0);
	EXPECT_EQ(getxattr(b, "user.stackfs", buf, sizeof(buf)), -1);
	EXPECT_EQ(errno, ENODATA);
	EXPECT_EQ(getxattr(m, "user.stackfs", buf, sizeof(buf)), -1);
	EXPECT_EQ(errno, ENODATA);
}

TEST_F(stackfs, errors)
{
	char m[PATH_MAX], buf[16];
	struct stat st;

	EXPECT_EQ(open(join(m, self->mnt, "missing"), O_RDONLY), -1);
	EXPECT_EQ(errno, ENOENT);
	EXPECT_EQ(stat(m, &st), -1);
	EXPECT_EQ(errno, ENOENT);
	EXPECT_EQ(unlink(m), -1);
	EXPECT_EQ(errno, ENOENT);

	ASSERT_EQ(mkdir(join(m, self->mnt, "d"), 0755), 0);
	EXPECT_EQ(mkdir(m, 0755), -1);
	EXPECT_EQ(errno, EEXIST);
	EXPECT_EQ(unlink(m), -1);
	EXPECT_EQ(errno, EISDIR);
	ASSERT_EQ(write_file(join(m, self->mnt, "d/f"), "f", 1), 0);
	EXPECT_EQ(open(m, O_WRONLY | O_CREAT | O_EXCL, 0644), -1);
	EXPECT_EQ(errno, EEXIST);
	EXPECT_EQ(rmdir(m), -1);
	EXPECT_EQ(errno, ENOTDIR);
	EXPECT_EQ(readlink(m, buf, sizeof(buf)), -1);
	EXPECT_EQ(errno, EINVAL);
	EXPECT_EQ(rmdir(join(m, self->mnt, "d")), -1);
	EXPECT_EQ(errno, ENOTEMPTY);
}

/* Several open files on one inode share the node's backing file. */
TEST_F(stackfs, shared_opens)
{
	char m[PATH_MAX], b[PATH_MAX], buf[16];
	int fd1, fd2, fd3;

	fd1 = open(join(m, self->mnt, "shared"), O_RDWR | O_CREAT, 0644);
	ASSERT_GE(fd1, 0);
	fd2 = open(m, O_RDONLY);
	ASSERT_GE(fd2, 0);
	fd3 = open(m, O_WRONLY | O_APPEND);
	ASSERT_GE(fd3, 0);

	ASSERT_EQ(pwrite(fd1, "abc", 3, 0), 3);
	ASSERT_EQ(pread(fd2, buf, sizeof(buf), 0), 3);
	EXPECT_EQ(memcmp(buf, "abc", 3), 0);
	ASSERT_EQ(write(fd3, "def", 3), 3);
	ASSERT_EQ(pread(fd2, buf, sizeof(buf), 0), 6);
	EXPECT_EQ(memcmp(buf, "abcdef", 6), 0);

	close(fd1);
	ASSERT_EQ(pread(fd2, buf, sizeof(buf), 3), 3);
	EXPECT_EQ(memcmp(buf, "def", 3), 0);
	close(fd2);
	close(fd3);

	ASSERT_EQ(read_file(join(b, self->backing, "shared"), buf,
			    sizeof(buf)), 6);
	EXPECT_EQ(memcmp(buf, "abcdef", 6), 0);

	/* Reopening after the last close works as well. */
	ASSERT_EQ(read_file(m, buf, sizeof(buf)), 6);
}

TEST_F(stackfs, mmap)
{
	const size_t len = 3 * 4096;
	char m[PATH_MAX], b[PATH_MAX], data[3 * 4096], buf[16];
	char *p;
	int fd;

	fill_pattern(data, len, 4);
	ASSERT_EQ(write_file(join(b, self->backing, "mapped"), data, len), 0);

	fd = open(join(m, self->mnt, "mapped"), O_RDWR);
	ASSERT_GE(fd, 0);
	p = mmap(NULL, len, PROT_READ | PROT_WRITE, MAP_SHARED, fd, 0);
	ASSERT_NE(MAP_FAILED, p);
	EXPECT_EQ(memcmp(p, data, len), 0);
	memcpy(p + 5000, "mmapped", 7);
	ASSERT_EQ(msync(p, len, MS_SYNC), 0);
	munmap(p, len);
	close(fd);

	fd = open(b, O_RDONLY);
	ASSERT_GE(fd, 0);
	ASSERT_EQ(pread(fd, buf, 7, 5000), 7);
	EXPECT_EQ(memcmp(buf, "mmapped", 7), 0);
	close(fd);
}

/*
 * The key check: with passthrough, read and write I/O on an open file goes
 * straight to the backing file, so stackfs never sees READ or WRITE
 * requests; without it, it does.
 */
TEST_F(stackfs, passthrough_io)
{
	const size_t len = 64 * 1024;
	char m[PATH_MAX], b[PATH_MAX], data[64 * 1024], buf[64 * 1024];
	int fd, bfd, reads, writes, opens;
	off_t start;

	fill_pattern(data, len, 5);
	ASSERT_EQ(write_file(join(b, self->backing, "io"), data, len), 0);
	start = file_size(self->log);
	ASSERT_GE(start, 0);

	fd = open(join(m, self->mnt, "io"), O_RDWR);
	ASSERT_GE(fd, 0);
	ASSERT_EQ(pread(fd, buf, len, 0), len);
	EXPECT_EQ(memcmp(buf, data, len), 0);
	ASSERT_EQ(pwrite(fd, "through", 7, 5000), 7);

	/* The write reached the backing file before close(). */
	bfd = open(b, O_RDONLY);
	ASSERT_GE(bfd, 0);
	ASSERT_EQ(pread(bfd, buf, 7, 5000), 7);
	EXPECT_EQ(memcmp(buf, "through", 7), 0);
	close(bfd);
	close(fd);

	opens = count_ops(self->log, start, "OPEN");
	reads = count_ops(self->log, start, "READ");
	writes = count_ops(self->log, start, "WRITE");
	EXPECT_EQ(opens, 1);
	if (variant->passthrough) {
		EXPECT_EQ(reads, 0) {
			TH_LOG("passthrough read went to the server");
		}
		EXPECT_EQ(writes, 0) {
			TH_LOG("passthrough write went to the server");
		}
	} else {
		/* Proves that the log does record READ and WRITE. */
		EXPECT_GE(reads, 1);
		EXPECT_GE(writes, 1);
	}
}

TEST_HARNESS_MAIN
