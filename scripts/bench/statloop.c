// SPDX-License-Identifier: GPL-2.0
/*
 * statloop - the stat workload of metabench, alone, for profiling.
 *
 *   statloop DIR NFILES SECONDS
 *
 * Creates NFILES empty files in a fresh DIR/statloop.PID, stats them once
 * untimed, then fstatat()s all of them over and over for SECONDS and prints
 * {"workload":"stat","value":OPS_PER_S,"unit":"ops/s","n":N,"seconds":S}.
 * The files are removed at the end.  Every call is checked.
 */
#define _GNU_SOURCE
#include <errno.h>
#include <fcntl.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/stat.h>
#include <time.h>
#include <unistd.h>

static double now(void)
{
	struct timespec ts;

	clock_gettime(CLOCK_MONOTONIC, &ts);
	return ts.tv_sec + ts.tv_nsec / 1e9;
}

static void fail(const char *what, const char *name)
{
	fprintf(stderr, "statloop: %s %s: %s\n", what, name, strerror(errno));
	exit(1);
}

int main(int argc, char **argv)
{
	char sub[4096], name[32];
	long nfiles, i, total = 0;
	double secs, t0, t1;
	struct stat st;
	int dfd, fd;

	if (argc != 4) {
		fprintf(stderr, "usage: statloop DIR NFILES SECONDS\n");
		return 2;
	}
	nfiles = atol(argv[2]);
	secs = atof(argv[3]);
	if (nfiles < 1 || secs <= 0) {
		fprintf(stderr, "statloop: NFILES and SECONDS must be positive\n");
		return 2;
	}
	snprintf(sub, sizeof(sub), "%s/statloop.%ld", argv[1], (long)getpid());
	if (mkdir(sub, 0755))
		fail("mkdir", sub);
	dfd = open(sub, O_RDONLY | O_DIRECTORY | O_CLOEXEC);
	if (dfd < 0)
		fail("open", sub);
	for (i = 0; i < nfiles; i++) {
		snprintf(name, sizeof(name), "f%07ld", i);
		fd = openat(dfd, name, O_CREAT | O_EXCL | O_WRONLY | O_CLOEXEC,
			    0644);
		if (fd < 0 || close(fd))
			fail("create", name);
	}
	for (i = 0; i < nfiles; i++) {
		snprintf(name, sizeof(name), "f%07ld", i);
		if (fstatat(dfd, name, &st, AT_SYMLINK_NOFOLLOW))
			fail("stat", name);
	}
	t0 = now();
	do {
		for (i = 0; i < nfiles; i++) {
			snprintf(name, sizeof(name), "f%07ld", i);
			if (fstatat(dfd, name, &st, AT_SYMLINK_NOFOLLOW))
				fail("stat", name);
		}
		total += nfiles;
		t1 = now();
	} while (t1 - t0 < secs);
	printf("{\"workload\":\"stat\",\"value\":%.1f,\"unit\":\"ops/s\","
	       "\"n\":%ld,\"seconds\":%.3f}\n", total / (t1 - t0), total,
	       t1 - t0);
	for (i = 0; i < nfiles; i++) {
		snprintf(name, sizeof(name), "f%07ld", i);
		if (unlinkat(dfd, name, 0))
			fail("unlink", name);
	}
	close(dfd);
	if (rmdir(sub))
		fail("rmdir", sub);
	return 0;
}
