// SPDX-License-Identifier: GPL-2.0
/*
 * metabench - metadata micro-benchmark for fsstack.
 *
 *   metabench DIR NFILES
 *
 * In a fresh subdirectory DIR/metabench.PID it measures, one after another:
 *   create   NFILES x openat(O_CREAT|O_EXCL|O_WRONLY) + close
 *   stat     fstatat of all NFILES after one untimed warm-up pass ("stat
 *            warm"), the full pass repeated until >= 0.2 s
 *   readdir  full opendir/readdir listings, repeated until >= 0.2 s,
 *            reported as directory entries per second
 *   unlink   NFILES x unlinkat
 * then removes the subdirectory.  Each phase prints one JSON object a line:
 *   {"workload":"create","value":12345.6,"unit":"ops/s","n":10000,"seconds":0.81}
 * Every system call is checked; on error a message with the errno goes to
 * stderr and the exit status is 1.
 *
 * Plain libc only, so it builds with gcc -O2 -static for the guest.
 */
#define _GNU_SOURCE
#include <dirent.h>
#include <errno.h>
#include <fcntl.h>
#include <limits.h>
#include <stdarg.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/stat.h>
#include <time.h>
#include <unistd.h>

#define MIN_SECONDS 0.2

static const char *prog = "metabench";

static void die_errno(int err, const char *fmt, ...)
{
	va_list ap;

	fprintf(stderr, "%s: ", prog);
	va_start(ap, fmt);
	vfprintf(stderr, fmt, ap);
	va_end(ap);
	fprintf(stderr, ": %s (errno %d)\n", strerror(err), err);
	exit(1);
}

static void die(const char *fmt, ...)
{
	va_list ap;

	fprintf(stderr, "%s: ", prog);
	va_start(ap, fmt);
	vfprintf(stderr, fmt, ap);
	va_end(ap);
	fputc('\n', stderr);
	exit(1);
}

static double now(void)
{
	struct timespec ts;

	if (clock_gettime(CLOCK_MONOTONIC, &ts) != 0)
		die_errno(errno, "clock_gettime(CLOCK_MONOTONIC)");
	return (double)ts.tv_sec + (double)ts.tv_nsec / 1e9;
}

static void report(const char *workload, long n, double seconds)
{
	double rate = seconds > 0 ? (double)n / seconds : 0.0;

	printf("{\"workload\":\"%s\",\"value\":%.1f,\"unit\":\"%s\","
	       "\"n\":%ld,\"seconds\":%.6f}\n",
	       workload, rate, strcmp(workload, "readdir") ? "ops/s" : "entries/s",
	       n, seconds);
	if (fflush(stdout) != 0)
		die_errno(errno, "writing to stdout");
}

static void name_of(char *buf, size_t len, long i)
{
	int r = snprintf(buf, len, "f%08ld", i);

	if (r < 0 || (size_t)r >= len)
		die("file name %ld does not fit", i);
}

static void stat_pass(int dfd, long nfiles)
{
	char name[32];
	struct stat st;
	long i;

	for (i = 0; i < nfiles; i++) {
		name_of(name, sizeof(name), i);
		if (fstatat(dfd, name, &st, AT_SYMLINK_NOFOLLOW) != 0)
			die_errno(errno, "fstatat %s", name);
		if (!S_ISREG(st.st_mode) || st.st_size != 0)
			die("%s: not an empty regular file (mode %o size %lld)",
			    name, (unsigned)st.st_mode, (long long)st.st_size);
	}
}

/* One full listing of path; returns the entries seen besides "." and "..". */
static long list_once(const char *path)
{
	struct dirent *de;
	long entries = 0;
	DIR *d;

	d = opendir(path);
	if (!d)
		die_errno(errno, "opendir %s", path);
	for (;;) {
		errno = 0;
		de = readdir(d);
		if (!de) {
			if (errno != 0)
				die_errno(errno, "readdir %s", path);
			break;
		}
		if (strcmp(de->d_name, ".") == 0 || strcmp(de->d_name, "..") == 0)
			continue;
		entries++;
	}
	if (closedir(d) != 0)
		die_errno(errno, "closedir %s", path);
	return entries;
}

int main(int argc, char **argv)
{
	char sub[PATH_MAX], name[32];
	long nfiles, i, total;
	double t0, t1;
	char *end;
	int dfd, fd;
	int r;

	if (argc != 3) {
		fprintf(stderr, "usage: %s DIR NFILES\n", prog);
		return 2;
	}
	errno = 0;
	nfiles = strtol(argv[2], &end, 10);
	if (errno != 0 || *end != '\0' || end == argv[2] || nfiles < 1 ||
	    nfiles > 99999999)
		die("NFILES must be an integer in 1..99999999, not '%s'", argv[2]);

	r = snprintf(sub, sizeof(sub), "%s/metabench.%ld", argv[1],
		     (long)getpid());
	if (r < 0 || (size_t)r >= sizeof(sub))
		die("path too long: %s", argv[1]);
	if (mkdir(sub, 0755) != 0)
		die_errno(errno, "mkdir %s", sub);
	dfd = open(sub, O_RDONLY | O_DIRECTORY | O_CLOEXEC);
	if (dfd < 0)
		die_errno(errno, "open %s", sub);

	/* create */
	t0 = now();
	for (i = 0; i < nfiles; i++) {
		name_of(name, sizeof(name), i);
		fd = openat(dfd, name, O_CREAT | O_EXCL | O_WRONLY | O_CLOEXEC,
			    0644);
		if (fd < 0)
			die_errno(errno, "create %s/%s", sub, name);
		if (close(fd) != 0)
			die_errno(errno, "close %s/%s", sub, name);
	}
	t1 = now();
	report("create", nfiles, t1 - t0);

	/*
	 * stat: one untimed warm-up pass, then timed passes over all files
	 * until MIN_SECONDS have passed (a single warm pass over 10000
	 * files takes only milliseconds on tmpfs: too short to time well).
	 */
	stat_pass(dfd, nfiles);
	total = 0;
	t0 = now();
	do {
		stat_pass(dfd, nfiles);
		total += nfiles;
		t1 = now();
	} while (t1 - t0 < MIN_SECONDS);
	report("stat", total, t1 - t0);

	/* readdir: whole listings until MIN_SECONDS have passed */
	total = 0;
	t0 = now();
	do {
		long got = list_once(sub);

		if (got != nfiles)
			die("readdir %s: %ld entries, expected %ld", sub, got,
			    nfiles);
		total += got;
		t1 = now();
	} while (t1 - t0 < MIN_SECONDS);
	report("readdir", total, t1 - t0);

	/* unlink */
	t0 = now();
	for (i = 0; i < nfiles; i++) {
		name_of(name, sizeof(name), i);
		if (unlinkat(dfd, name, 0) != 0)
			die_errno(errno, "unlink %s/%s", sub, name);
	}
	t1 = now();
	report("unlink", nfiles, t1 - t0);

	if (close(dfd) != 0)
		die_errno(errno, "close %s", sub);
	if (rmdir(sub) != 0)
		die_errno(errno, "rmdir %s", sub);
	return 0;
}
