// SPDX-License-Identifier: GPL-2.0
/*
 * BPF filters of FUSE passthrough (struct fuse_inode_bpf_ops).
 *
 * stackfs --passthrough=all mirrors a backing directory; the test takes
 * the server's /dev/fuse descriptor (pidfd_getfd()) and attaches
 * struct_ops maps to the connection through it, as a server would.  The
 * programs are a few instructions each, written out here, so that the
 * test needs neither a BPF compiler nor libbpf: the type ids come from
 * the kernel's BTF (/sys/kernel/btf/vmlinux).
 */
#define _GNU_SOURCE
#include <dirent.h>
#include <errno.h>
#include <fcntl.h>
#include <limits.h>
#include <poll.h>
#include <signal.h>
#include <stddef.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <unistd.h>
#include <linux/bpf.h>
#include <linux/btf.h>
#include <linux/fuse.h>
#include <sys/mount.h>
#include <sys/stat.h>
#include <sys/statfs.h>
#include <sys/syscall.h>
#include <sys/wait.h>

#include "../../kselftest_harness.h"

/* enum fuse_bpf_verdict, in the kernel's BTF */
#define FUSE_BPF_TO_BACKING	0
#define FUSE_BPF_TO_SERVER	1
#define FUSE_BPF_REPLIED	2

/* ---- the kernel's BTF ---- */

static char *btf_data;
static size_t btf_size;

static int btf_load(void)
{
	int fd = open("/sys/kernel/btf/vmlinux", O_RDONLY | O_CLOEXEC);
	size_t cap = 8 << 20;
	ssize_t n;

	if (fd < 0)
		return -errno;
	btf_data = malloc(cap);
	while (btf_data && (n = read(fd, btf_data + btf_size,
				     cap - btf_size)) > 0) {
		btf_size += n;
		if (btf_size == cap)
			btf_data = realloc(btf_data, cap *= 2);
	}
	close(fd);
	return btf_data ? 0 : -ENOMEM;
}

/* Bytes of kind-specific data after a struct btf_type */
static size_t btf_extra(const struct btf_type *t)
{
	unsigned int vlen = BTF_INFO_VLEN(t->info);

	switch (BTF_INFO_KIND(t->info)) {
	case BTF_KIND_INT:
	case BTF_KIND_VAR:
	case BTF_KIND_DECL_TAG:
		return 4;
	case BTF_KIND_ARRAY:
		return sizeof(struct btf_array);
	case BTF_KIND_STRUCT:
	case BTF_KIND_UNION:
		return vlen * sizeof(struct btf_member);
	case BTF_KIND_ENUM:
		return vlen * sizeof(struct btf_enum);
	case BTF_KIND_FUNC_PROTO:
		return vlen * sizeof(struct btf_param);
	case BTF_KIND_DATASEC:
		return vlen * sizeof(struct btf_var_secinfo);
	case BTF_KIND_ENUM64:
		return vlen * sizeof(struct btf_enum64);
	default:
		return 0;
	}
}

/* The id and type of the struct @name, or 0 */
static int btf_struct(const char *name, const struct btf_type **type)
{
	const struct btf_header *h = (const void *)btf_data;
	const char *strs = btf_data + h->hdr_len + h->str_off;
	const char *p = btf_data + h->hdr_len + h->type_off;
	const char *end = p + h->type_len;
	int id = 1;

	while (p < end) {
		const struct btf_type *t = (const void *)p;

		if (BTF_INFO_KIND(t->info) == BTF_KIND_STRUCT &&
		    !strcmp(strs + t->name_off, name)) {
			*type = t;
			return id;
		}
		p += sizeof(*t) + btf_extra(t);
		id++;
	}
	return 0;
}

/* The byte offset of member @name of struct @t, or -1 */
static int btf_member_off(const struct btf_type *t, const char *name)
{
	const struct btf_header *h = (const void *)btf_data;
	const char *strs = btf_data + h->hdr_len + h->str_off;
	const struct btf_member *m = (const void *)(t + 1);
	unsigned int i;

	for (i = 0; i < BTF_INFO_VLEN(t->info); i++)
		if (!strcmp(strs + m[i].name_off, name))
			return BTF_MEMBER_BIT_OFFSET(m[i].offset) / 8;
	return -1;
}

/* ---- programs and maps ---- */

static long sys_bpf(int cmd, union bpf_attr *attr)
{
	return syscall(__NR_bpf, cmd, attr, sizeof(*attr));
}

#define INSN(c, d, s, o, i) \
	((struct bpf_insn){ .code = (c), .dst_reg = (d), .src_reg = (s), \
			    .off = (o), .imm = (i) })
#define MOV_IMM(d, i)	INSN(BPF_ALU64 | BPF_MOV | BPF_K, d, 0, 0, i)
#define LDX_DW(d, s, o)	INSN(BPF_LDX | BPF_MEM | BPF_DW, d, s, o, 0)
#define STX_W(d, s, o)	INSN(BPF_STX | BPF_MEM | BPF_W, d, s, o, 0)
#define STX_DW(d, s, o)	INSN(BPF_STX | BPF_MEM | BPF_DW, d, s, o, 0)
#define EXIT()		INSN(BPF_JMP | BPF_EXIT, 0, 0, 0, 0)

/* Where a program finds its arguments: r1 points to them, 8 bytes each */
#define ARG(n)		((n) * 8)
/* struct fuse_attr_out */
#define OUT_SIZE	(offsetof(struct fuse_attr_out, attr) + \
			 offsetof(struct fuse_attr, size))
#define OUT_MODE	(offsetof(struct fuse_attr_out, attr) + \
			 offsetof(struct fuse_attr, mode))
#define OUT_NLINK	(offsetof(struct fuse_attr_out, attr) + \
			 offsetof(struct fuse_attr, nlink))

/* The filters of struct fuse_inode_bpf_ops, by member index */
enum { GETATTR_PRE, GETATTR_POST, STATFS_PRE, STATFS_POST, NR_FILTERS };

static const char * const filter_names[NR_FILTERS] = {
	"getattr_pre", "getattr_post", "statfs_pre", "statfs_post",
};

struct bpf_ops {
	int ops_id;		/* struct fuse_inode_bpf_ops */
	int value_id;		/* its struct_ops map value */
	int value_size;
	int data_off;		/* of the ops in the value */
	int filter_off[NR_FILTERS], fd_off;
};

static int ops_lookup(struct bpf_ops *o)
{
	const struct btf_type *ops, *value;
	int i;

	if (!btf_data && btf_load())
		return -1;
	o->ops_id = btf_struct("fuse_inode_bpf_ops", &ops);
	o->value_id = btf_struct("bpf_struct_ops_fuse_inode_bpf_ops", &value);
	if (!o->ops_id || !o->value_id)
		return -1;
	o->value_size = value->size;
	o->data_off = btf_member_off(value, "data");
	for (i = 0; i < NR_FILTERS; i++) {
		o->filter_off[i] = btf_member_off(ops, filter_names[i]);
		if (o->filter_off[i] < 0)
			return -1;
	}
	o->fd_off = btf_member_off(ops, "fuse_fd");
	return o->data_off < 0 || o->fd_off < 0 ? -1 : 0;
}

static char verifier_log[65536];

/* The step of ops_attach() that failed last */
static const char *attach_step = "";

/* Load @insns as member @member (its index) of the ops */
static int prog_load(const struct bpf_ops *o, int member,
		     const struct bpf_insn *insns, int n)
{
	union bpf_attr attr = {};

	attr.prog_type = BPF_PROG_TYPE_STRUCT_OPS;
	attr.expected_attach_type = member;
	attr.attach_btf_id = o->ops_id;
	attr.insns = (unsigned long)insns;
	attr.insn_cnt = n;
	attr.license = (unsigned long)"GPL";
	attr.log_buf = (unsigned long)verifier_log;
	attr.log_size = sizeof(verifier_log);
	attr.log_level = 1;
	verifier_log[0] = '\0';
	return sys_bpf(BPF_PROG_LOAD, &attr);
}

/*
 * A struct_ops map needs the BTF of its programs' object, even though its
 * value is the kernel's type: the smallest there is, one int.
 */
static int btf_object(void)
{
	static const char strs[] = "\0int";
	struct {
		struct btf_header h;
		struct btf_type t;
		__u32 enc;
		char strs[sizeof(strs)];
	} b = {
		.h = {
			.magic = BTF_MAGIC,
			.version = BTF_VERSION,
			.hdr_len = sizeof(struct btf_header),
			.type_off = 0,
			.type_len = sizeof(struct btf_type) + sizeof(__u32),
			.str_off = sizeof(struct btf_type) + sizeof(__u32),
			.str_len = sizeof(strs),
		},
		.t = {
			.name_off = 1,
			.info = BTF_KIND_INT << 24,
			.size = 4,
		},
		.enc = BTF_INT_SIGNED << 24 | 32,
	};
	union bpf_attr attr = {};

	memcpy(b.strs, strs, sizeof(strs));
	attr.btf = (unsigned long)&b;
	attr.btf_size = offsetof(typeof(b), strs) + sizeof(strs);
	return sys_bpf(BPF_BTF_LOAD, &attr);
}

/*
 * A struct_ops map with the program @prog as its filter @filter, for the
 * connection of @fuse_fd, attached by a link (or, without @link, by the
 * map update alone).  Returns the link, or -errno; the map's descriptor
 * is closed either way.
 */
static int ops_attach_how(const struct bpf_ops *o, int filter, int prog,
			  int fuse_fd, bool link_it)
{
	union bpf_attr attr = {};
	char value[256] = {};
	int btf, map, link, key = 0;

	attach_step = "btf load";
	btf = btf_object();
	if (btf < 0)
		return -errno;
	attr.map_type = BPF_MAP_TYPE_STRUCT_OPS;
	attr.btf_fd = btf;
	attr.key_size = sizeof(key);
	attr.value_size = o->value_size;
	attr.max_entries = 1;
	attr.map_flags = link_it ? BPF_F_LINK : 0;
	attr.btf_vmlinux_value_type_id = o->value_id;
	strcpy(attr.map_name, "fuse_ops");
	attach_step = "map create";
	map = sys_bpf(BPF_MAP_CREATE, &attr);
	close(btf);
	if (map < 0)
		return -errno;

	*(unsigned long *)(value + o->data_off + o->filter_off[filter]) = prog;
	*(int *)(value + o->data_off + o->fd_off) = fuse_fd;
	memset(&attr, 0, sizeof(attr));
	attr.map_fd = map;
	attr.key = (unsigned long)&key;
	attr.value = (unsigned long)value;
	attach_step = "map update";
	if (sys_bpf(BPF_MAP_UPDATE_ELEM, &attr)) {
		link = -errno;
		goto out;
	}
	if (!link_it) {
		link = 0;
		goto out;
	}
	memset(&attr, 0, sizeof(attr));
	attr.link_create.map_fd = map;
	attr.link_create.attach_type = BPF_STRUCT_OPS;
	attach_step = "link create";
	link = sys_bpf(BPF_LINK_CREATE, &attr);
	if (link < 0)
		link = -errno;
out:
	close(map);
	return link;
}

static int ops_attach(const struct bpf_ops *o, int filter, int prog,
		      int fuse_fd)
{
	return ops_attach_how(o, filter, prog, fuse_fd, true);
}

/*
 * Load @insns as the filter @filter and attach it to the connection of
 * @fuse_fd: the link (which holds the program), or -errno.
 */
static int filter_attach(const struct bpf_ops *o, int filter,
			 const struct bpf_insn *insns, int n, int fuse_fd)
{
	int prog = prog_load(o, filter, insns, n);
	int link;

	if (prog < 0) {
		attach_step = "program load";
		return -errno;
	}
	link = ops_attach(o, filter, prog, fuse_fd);
	close(prog);
	return link;
}

/* ---- the server ---- */

/* The stackfs binary lives in the same directory as this test. */
static int find_stackfs(char *buf, size_t size)
{
	ssize_t len = readlink("/proc/self/exe", buf, size - 1);
	char *slash;

	if (len < 0)
		return -1;
	buf[len] = '\0';
	slash = strrchr(buf, '/');
	if (!slash || (size_t)(slash - buf) + sizeof("/stackfs") > size)
		return -1;
	memcpy(slash, "/stackfs", sizeof("/stackfs"));
	return 0;
}

/* The descriptor of /dev/fuse that process @pid holds, taken over */
static int take_fuse_fd(pid_t pid)
{
	char dir[64], path[PATH_MAX], target[64];
	struct dirent *d;
	int pidfd, fd = -1;
	DIR *fds;

	snprintf(dir, sizeof(dir), "/proc/%d/fd", pid);
	fds = opendir(dir);
	if (!fds)
		return -1;
	pidfd = syscall(__NR_pidfd_open, pid, 0);
	while (pidfd >= 0 && fd < 0 && (d = readdir(fds))) {
		ssize_t n;

		snprintf(path, sizeof(path), "%s/%s", dir, d->d_name);
		n = readlink(path, target, sizeof(target) - 1);
		if (n < 0)
			continue;
		target[n] = '\0';
		if (!strcmp(target, "/dev/fuse"))
			fd = syscall(__NR_pidfd_getfd, pidfd, atoi(d->d_name), 0);
	}
	closedir(fds);
	if (pidfd >= 0)
		close(pidfd);
	return fd;
}

FIXTURE(bpf) {
	char base[64], backing[128], mnt[128], log[128], file[256];
	struct bpf_ops ops;
	pid_t server;
	int fuse_fd;
};

FIXTURE_VARIANT(bpf) {
	const char *mode;	/* stackfs --passthrough=MODE */
};

FIXTURE_VARIANT_ADD(bpf, all) {
	.mode = "all",
};

FIXTURE_SETUP(bpf)
{
	char prog[PATH_MAX], path[256], pt[64], log_opt[160];
	struct stat root, st;
	int i;

	self->server = -1;
	self->fuse_fd = -1;
	if (geteuid() != 0)
		SKIP(return, "mounting FUSE needs root");
	if (ops_lookup(&self->ops))
		SKIP(return, "kernel without struct fuse_inode_bpf_ops (CONFIG_FUSE_BPF)");
	ASSERT_EQ(find_stackfs(prog, sizeof(prog)), 0);

	snprintf(self->base, sizeof(self->base), "/tmp/fuse_bpf.XXXXXX");
	ASSERT_NE(NULL, mkdtemp(self->base));
	snprintf(self->backing, sizeof(self->backing), "%s/backing", self->base);
	snprintf(self->mnt, sizeof(self->mnt), "%s/mnt", self->base);
	snprintf(self->log, sizeof(self->log), "%s/log", self->base);
	snprintf(self->file, sizeof(self->file), "%s/f", self->mnt);
	ASSERT_EQ(mkdir(self->backing, 0755), 0);
	ASSERT_EQ(mkdir(self->mnt, 0755), 0);
	/* Its own filesystem, to tell when nothing holds it any more */
	ASSERT_EQ(mount("tmpfs", self->backing, "tmpfs", 0, NULL), 0);
	snprintf(path, sizeof(path), "%s/f", self->backing);
	ASSERT_EQ(close(open(path, O_CREAT | O_WRONLY, 0640)), 0);
	ASSERT_EQ(stat(self->mnt, &root), 0);

	snprintf(pt, sizeof(pt), "--passthrough=%s", variant->mode);
	snprintf(log_opt, sizeof(log_opt), "--log=%s", self->log);
	self->server = fork();
	ASSERT_GE(self->server, 0);
	if (self->server == 0) {
		execl(prog, prog, "-f", pt, log_opt, self->backing, self->mnt,
		      (char *)NULL);
		_exit(127);
	}
	/* Mounted once the mount point is another filesystem */
	for (i = 0; i < 500; i++) {
		if (!stat(self->mnt, &st) && st.st_dev != root.st_dev)
			break;
		usleep(10000);
	}
	ASSERT_NE(st.st_dev, root.st_dev);
	self->fuse_fd = take_fuse_fd(self->server);
	ASSERT_GE(self->fuse_fd, 0);
}

FIXTURE_TEARDOWN(bpf)
{
	if (self->fuse_fd >= 0)
		close(self->fuse_fd);
	if (self->server > 0) {
		umount2(self->mnt, MNT_DETACH);
		kill(self->server, SIGKILL);
		waitpid(self->server, NULL, 0);
	}
	if (self->base[0]) {
		char cmd[128];

		umount2(self->backing, MNT_DETACH);
		snprintf(cmd, sizeof(cmd), "rm -rf %s", self->base);
		if (system(cmd))
			perror(cmd);
	}
}

/* How many lines of the server's log begin with @op */
static int logged(const char *log, const char *op)
{
	FILE *f = fopen(log, "r");
	char line[512];
	int n = 0;

	if (!f)
		return 0;
	while (fgets(line, sizeof(line), f))
		n += !strncmp(line, op, strlen(op)) && line[strlen(op)] == ' ';
	fclose(f);
	return n;
}

/* A pre-filter's errno is what stat(2) gets; detaching restores it */
TEST_F(bpf, pre_errno)
{
	const struct bpf_insn insns[] = { MOV_IMM(BPF_REG_0, -EPERM), EXIT() };
	struct stat st;
	int link;

	link = filter_attach(&self->ops, GETATTR_PRE, insns, ARRAY_SIZE(insns),
			     self->fuse_fd);
	ASSERT_GE(link, 0) TH_LOG("%s: %s\n%s", attach_step, strerror(-link),
				  verifier_log);
	EXPECT_EQ(stat(self->file, &st), -1);
	EXPECT_EQ(errno, EPERM);
	close(link);
	EXPECT_EQ(stat(self->file, &st), 0);
	EXPECT_EQ(st.st_mode, S_IFREG | 0640);
}

/* A pre-filter answers with attributes of its own */
TEST_F(bpf, pre_answered)
{
	const struct bpf_insn insns[] = {
		LDX_DW(BPF_REG_2, BPF_REG_1, ARG(2)),
		MOV_IMM(BPF_REG_3, S_IFREG | 0604),
		STX_W(BPF_REG_2, BPF_REG_3, OUT_MODE),
		MOV_IMM(BPF_REG_3, 3),
		STX_W(BPF_REG_2, BPF_REG_3, OUT_NLINK),
		MOV_IMM(BPF_REG_3, 4242),
		STX_DW(BPF_REG_2, BPF_REG_3, OUT_SIZE),
		MOV_IMM(BPF_REG_0, FUSE_BPF_REPLIED),
		EXIT(),
	};
	struct stat st;
	int link;

	link = filter_attach(&self->ops, GETATTR_PRE, insns, ARRAY_SIZE(insns),
			     self->fuse_fd);
	ASSERT_GE(link, 0) TH_LOG("%s: %s\n%s", attach_step, strerror(-link),
				  verifier_log);
	ASSERT_EQ(stat(self->file, &st), 0);
	EXPECT_EQ(st.st_mode, S_IFREG | 0604);
	EXPECT_EQ(st.st_nlink, 3);
	EXPECT_EQ(st.st_size, 4242);
	close(link);
}

/* An answer of another type than the inode's is refused, as from a server */
TEST_F(bpf, pre_answered_wrong_type)
{
	const struct bpf_insn insns[] = {
		LDX_DW(BPF_REG_2, BPF_REG_1, ARG(2)),
		MOV_IMM(BPF_REG_3, S_IFDIR | 0755),
		STX_W(BPF_REG_2, BPF_REG_3, OUT_MODE),
		MOV_IMM(BPF_REG_0, FUSE_BPF_REPLIED),
		EXIT(),
	};
	struct stat st;
	int link;

	link = filter_attach(&self->ops, GETATTR_PRE, insns, ARRAY_SIZE(insns),
			     self->fuse_fd);
	ASSERT_GE(link, 0) TH_LOG("%s: %s\n%s", attach_step, strerror(-link),
				  verifier_log);
	EXPECT_EQ(stat(self->file, &st), -1);
	EXPECT_EQ(errno, EIO);
	close(link);
}

/* A verdict that is none fails the operation with EIO */
TEST_F(bpf, pre_bad_verdict)
{
	const struct bpf_insn insns[] = { MOV_IMM(BPF_REG_0, 77), EXIT() };
	struct stat st;
	int link;

	link = filter_attach(&self->ops, GETATTR_PRE, insns, ARRAY_SIZE(insns),
			     self->fuse_fd);
	ASSERT_GE(link, 0) TH_LOG("%s: %s\n%s", attach_step, strerror(-link),
				  verifier_log);
	EXPECT_EQ(stat(self->file, &st), -1);
	EXPECT_EQ(errno, EIO);
	close(link);
}

/* FUSE_BPF_TO_SERVER: the server is asked, which it otherwise never is */
TEST_F(bpf, pre_server)
{
	const struct bpf_insn insns[] = {
		MOV_IMM(BPF_REG_0, FUSE_BPF_TO_SERVER), EXIT()
	};
	struct stat st;
	int link, before;

	ASSERT_EQ(stat(self->file, &st), 0);
	before = logged(self->log, "GETATTR");
	link = filter_attach(&self->ops, GETATTR_PRE, insns, ARRAY_SIZE(insns),
			     self->fuse_fd);
	ASSERT_GE(link, 0) TH_LOG("%s: %s\n%s", attach_step, strerror(-link),
				  verifier_log);
	ASSERT_EQ(stat(self->file, &st), 0);
	EXPECT_EQ(st.st_mode, S_IFREG | 0640);
	EXPECT_GT(logged(self->log, "GETATTR"), before);
	close(link);
}

/* A post-filter sees the backing attributes and may change them */
TEST_F(bpf, post_changes)
{
	const struct bpf_insn insns[] = {
		LDX_DW(BPF_REG_2, BPF_REG_1, ARG(2)),
		MOV_IMM(BPF_REG_3, 12345),
		STX_DW(BPF_REG_2, BPF_REG_3, OUT_SIZE),
		LDX_DW(BPF_REG_0, BPF_REG_1, ARG(3)),
		EXIT(),
	};
	struct stat before, st;
	int link;

	ASSERT_EQ(stat(self->file, &before), 0);
	link = filter_attach(&self->ops, GETATTR_POST, insns, ARRAY_SIZE(insns),
			     self->fuse_fd);
	ASSERT_GE(link, 0) TH_LOG("%s: %s\n%s", attach_step, strerror(-link),
				  verifier_log);
	ASSERT_EQ(stat(self->file, &st), 0);
	EXPECT_EQ(st.st_size, 12345);
	EXPECT_EQ(st.st_ino, before.st_ino);
	EXPECT_EQ(st.st_mode, before.st_mode);
	close(link);
}

/* Programs may write the reply, nothing else: the verifier refuses */
TEST_F(bpf, write_outside_reply)
{
	const struct bpf_insn insns[] = {
		LDX_DW(BPF_REG_2, BPF_REG_1, ARG(1)),	/* the request */
		MOV_IMM(BPF_REG_3, 1),
		STX_W(BPF_REG_2, BPF_REG_3, 0),
		MOV_IMM(BPF_REG_0, 0),
		EXIT(),
	};

	EXPECT_LT(prog_load(&self->ops, GETATTR_PRE, insns, ARRAY_SIZE(insns)), 0);
	EXPECT_EQ(errno, EACCES);
}

/* struct fuse_statfs_out */
#define STATFS_BLOCKS	offsetof(struct fuse_kstatfs, blocks)
#define STATFS_BFREE	offsetof(struct fuse_kstatfs, bfree)
#define STATFS_NAMELEN	offsetof(struct fuse_kstatfs, namelen)

/* STATFS: an answer of the program's own, then an errno */
TEST_F(bpf, statfs_pre)
{
	const struct bpf_insn answer[] = {
		LDX_DW(BPF_REG_2, BPF_REG_1, ARG(1)),
		MOV_IMM(BPF_REG_3, 777),
		STX_DW(BPF_REG_2, BPF_REG_3, STATFS_BLOCKS),
		MOV_IMM(BPF_REG_3, 99),
		STX_W(BPF_REG_2, BPF_REG_3, STATFS_NAMELEN),
		MOV_IMM(BPF_REG_0, FUSE_BPF_REPLIED),
		EXIT(),
	};
	const struct bpf_insn fail[] = { MOV_IMM(BPF_REG_0, -EROFS), EXIT() };
	struct statfs sf;
	int link;

	link = filter_attach(&self->ops, STATFS_PRE, answer, ARRAY_SIZE(answer),
			     self->fuse_fd);
	ASSERT_GE(link, 0) TH_LOG("%s: %s\n%s", attach_step, strerror(-link),
				  verifier_log);
	ASSERT_EQ(statfs(self->mnt, &sf), 0);
	EXPECT_EQ(sf.f_blocks, 777);
	EXPECT_EQ(sf.f_namelen, 99);
	close(link);

	link = filter_attach(&self->ops, STATFS_PRE, fail, ARRAY_SIZE(fail),
			     self->fuse_fd);
	ASSERT_GE(link, 0) TH_LOG("%s: %s\n%s", attach_step, strerror(-link),
				  verifier_log);
	EXPECT_EQ(statfs(self->mnt, &sf), -1);
	EXPECT_EQ(errno, EROFS);
	close(link);
	/* Detached: the backing filesystem's again */
	ASSERT_EQ(statfs(self->mnt, &sf), 0);
	EXPECT_NE(sf.f_blocks, 777);
}

/* A STATFS post-filter changes what the backing filesystem said */
TEST_F(bpf, statfs_post)
{
	const struct bpf_insn insns[] = {
		LDX_DW(BPF_REG_2, BPF_REG_1, ARG(1)),
		MOV_IMM(BPF_REG_3, 5),
		STX_DW(BPF_REG_2, BPF_REG_3, STATFS_BFREE),
		LDX_DW(BPF_REG_0, BPF_REG_1, ARG(2)),
		EXIT(),
	};
	struct statfs before, sf;
	int link;

	ASSERT_EQ(statfs(self->mnt, &before), 0);
	link = filter_attach(&self->ops, STATFS_POST, insns, ARRAY_SIZE(insns),
			     self->fuse_fd);
	ASSERT_GE(link, 0) TH_LOG("%s: %s\n%s", attach_step, strerror(-link),
				  verifier_log);
	ASSERT_EQ(statfs(self->mnt, &sf), 0);
	EXPECT_EQ(sf.f_bfree, 5);
	EXPECT_EQ(sf.f_blocks, before.f_blocks);
	EXPECT_EQ(sf.f_type, before.f_type);
	close(link);
}

/* One set of filters per connection; only a FUSE device names one */
TEST_F(bpf, attach_rules)
{
	const struct bpf_insn insns[] = { MOV_IMM(BPF_REG_0, 0), EXIT() };
	int prog, link, null_fd;

	prog = prog_load(&self->ops, GETATTR_PRE, insns, ARRAY_SIZE(insns));
	ASSERT_GE(prog, 0) TH_LOG("%s", verifier_log);
	link = ops_attach(&self->ops, GETATTR_PRE, prog, self->fuse_fd);
	ASSERT_GE(link, 0);
	EXPECT_EQ(ops_attach(&self->ops, GETATTR_PRE, prog, self->fuse_fd), -EBUSY);
	close(link);
	null_fd = open("/dev/null", O_RDWR);
	ASSERT_GE(null_fd, 0);
	EXPECT_EQ(ops_attach(&self->ops, GETATTR_PRE, prog, null_fd), -EINVAL);
	EXPECT_EQ(ops_attach(&self->ops, GETATTR_PRE, prog, 9999), -EBADF);
	close(null_fd);
	/* Detached: another set may come */
	link = ops_attach(&self->ops, GETATTR_PRE, prog, self->fuse_fd);
	EXPECT_GE(link, 0);
	close(link);
	close(prog);
}

/* An errno no server may reply (-ERESTARTSYS, kernel-internal) is EIO */
TEST_F(bpf, pre_internal_errno)
{
	const struct bpf_insn insns[] = { MOV_IMM(BPF_REG_0, -512), EXIT() };
	struct stat st;
	int link;

	link = filter_attach(&self->ops, GETATTR_PRE, insns, ARRAY_SIZE(insns),
			     self->fuse_fd);
	ASSERT_GE(link, 0) TH_LOG("%s: %s\n%s", attach_step, strerror(-link),
				  verifier_log);
	EXPECT_EQ(stat(self->file, &st), -1);
	EXPECT_EQ(errno, EIO);
	close(link);
}

/*
 * Only a link attaches: a map attached by its update alone would stay
 * attached, holding the connection, until someone deletes its element.
 */
TEST_F(bpf, attach_needs_link)
{
	const struct bpf_insn insns[] = { MOV_IMM(BPF_REG_0, -EPERM), EXIT() };
	struct stat st;
	int prog;

	prog = prog_load(&self->ops, GETATTR_PRE, insns, ARRAY_SIZE(insns));
	ASSERT_GE(prog, 0) TH_LOG("%s", verifier_log);
	EXPECT_EQ(ops_attach_how(&self->ops, GETATTR_PRE, prog, self->fuse_fd,
				 false), -EOPNOTSUPP);
	EXPECT_EQ(stat(self->file, &st), 0);
	close(prog);
}

/*
 * A link that outlives its connection (pinned, or held elsewhere) does
 * not keep the connection, nor the backing objects it registered: once
 * unmounted and its server gone, the backing filesystem can go too.
 */
TEST_F(bpf, link_outlives_connection)
{
	const struct bpf_insn insns[] = { MOV_IMM(BPF_REG_0, 0), EXIT() };
	int link;

	link = filter_attach(&self->ops, GETATTR_PRE, insns, ARRAY_SIZE(insns),
			     self->fuse_fd);
	ASSERT_GE(link, 0) TH_LOG("%s: %s\n%s", attach_step, strerror(-link),
				  verifier_log);

	ASSERT_EQ(umount2(self->mnt, 0), 0);
	kill(self->server, SIGKILL);
	waitpid(self->server, NULL, 0);
	self->server = -1;
	close(self->fuse_fd);
	self->fuse_fd = -1;
	EXPECT_EQ(umount2(self->backing, 0), 0) {
		TH_LOG("backing filesystem still held: %s", strerror(errno));
	}
	close(link);
}

TEST_HARNESS_MAIN
