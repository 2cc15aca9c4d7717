// SPDX-License-Identifier: GPL-2.0
/*
 * stackfs - a small FUSE server that mirrors a backing directory
 *
 * stackfs speaks the FUSE protocol directly over /dev/fuse; it does not use
 * libfuse.  It mounts itself with mount(2) and then answers the kernel's
 * requests by performing the same operation on a directory tree of another
 * file system (the "backing" directory), so the mount shows the same files
 * as the backing directory.
 *
 * Every inode the kernel knows about is a "node": an O_PATH descriptor of
 * the backing inode plus the number of lookups the kernel has not yet
 * forgotten.  Nodes are kept in a table; the FUSE node ID is the table slot
 * plus one, so the root directory (slot 0) gets FUSE_ROOT_ID.  A second
 * index keyed by the backing (st_dev, st_ino) pair makes hard links and
 * repeated lookups of the same inode resolve to the same node.  Directory
 * entries are only ever resolved with *at() calls relative to the parent's
 * descriptor, and names containing '/' as well as "." and ".." are refused,
 * so a request can never reach outside the backing directory.
 *
 * With --passthrough, the server asks for FUSE_PASSTHROUGH at INIT time
 * (Linux 6.9 and later).  On OPEN and CREATE it registers an open backing
 * file with the FUSE_DEV_IOC_BACKING_OPEN ioctl and hands the resulting
 * backing ID to the kernel together with FOPEN_PASSTHROUGH.  From then on
 * the kernel sends read and write I/O straight to the backing file and the
 * server never sees READ or WRITE requests for that file.  The kernel
 * allows only one backing file per FUSE inode, so the backing ID belongs
 * to the node: it is registered by the first open and closed again with
 * FUSE_DEV_IOC_BACKING_CLOSE when the last open file of the node is
 * released.  (Closing it right after the OPEN reply would race with the
 * opening task, which looks the ID up only after the reply is written.)
 *
 * The server is single threaded.  Every request can be logged, one line
 * each, to stderr (--debug) or appended to a file (--log=FILE); the first
 * word of a line is the opcode name, which lets tests check which requests
 * reached the server.
 *
 * Usage: stackfs [options] BACKING_DIR MOUNTPOINT
 *
 * By default the process forks once the file system is mounted and ready:
 * the parent exits with status 0 and the child serves requests until the
 * file system is unmounted.  Exit status 1 means an error; 2 means that
 * --passthrough was asked for but the kernel does not offer it.
 */

#define _GNU_SOURCE
#include <dirent.h>
#include <errno.h>
#include <fcntl.h>
#include <getopt.h>
#include <limits.h>
#include <math.h>
#include <signal.h>
#include <stdarg.h>
#include <stdbool.h>
#include <stddef.h>
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <unistd.h>
#include <sys/ioctl.h>
#include <sys/mount.h>
#include <sys/resource.h>
#include <sys/stat.h>
#include <sys/statvfs.h>
#include <sys/sysmacros.h>
#include <sys/types.h>
#include <sys/uio.h>
#include <sys/xattr.h>

#include <linux/fuse.h>

#define MAX_WRITE		(1024 * 1024)
#define REPLY_MAX		MAX_WRITE
#define NODE_HASH_SIZE		4096
#define PROC_FD_PATH_MAX	64

#define EXIT_NO_PASSTHROUGH	2

#define ARRAY_SIZE(a)		(sizeof(a) / sizeof((a)[0]))

/* Oldest protocol we speak: 7.12 added umask to mknod/mkdir/create. */
#define MIN_MINOR_VERSION	12

struct node {
	uint64_t nodeid;
	uint64_t generation;
	dev_t dev;
	ino_t ino;
	int fd;			/* O_PATH descriptor of the backing inode */
	uint64_t nlookup;	/* lookups not yet forgotten by the kernel */
	unsigned int nopen;	/* open files (struct handle) on this node */
	int backing_id;		/* passthrough backing ID, 0 if none */
	struct node *hash_next;
};

/* An open regular file; its address is the FUSE file handle. */
struct handle {
	int fd;
	struct node *node;
};

/* An open directory; its address is the FUSE file handle. */
struct dir_handle {
	DIR *dir;
	off_t pos;		/* offset of the next entry to return */
};

struct request {
	const struct fuse_in_header *hdr;
	const char *arg;	/* opcode specific payload */
	size_t arg_len;
	struct node *node;	/* node of hdr->nodeid */
};

struct fuse_op {
	const char *name;
	int (*handler)(struct request *req);
	bool noreply;		/* the kernel expects no reply */
	bool nodeless;		/* hdr->nodeid carries no node */
};

static struct {
	const char *backing;
	const char *mountpoint;
	const char *log_path;
	bool passthrough;
	bool foreground;
	bool debug;
	double attr_timeout;
	double entry_timeout;
} opt = {
	.attr_timeout = 1.0,
	.entry_timeout = 1.0,
};

static struct {
	int dev_fd;		/* /dev/fuse */
	int log_fd;
	char *mountpoint;	/* absolute path, for unmounting on signals */
	int init_state;		/* 0 waiting for INIT, 1 done, -1 failed */
	bool passthrough;	/* FUSE_PASSTHROUGH was negotiated */
	char *in_buf;
	size_t in_size;
	char *out_buf;		/* REPLY_MAX bytes of reply payload */
	struct node **slots;	/* slots[nodeid - 1] */
	size_t nr_slots;
	size_t *free_slots;	/* stack of unused slot indexes */
	size_t nr_free;
	struct node *hash[NODE_HASH_SIZE];
	uint64_t generation;
} fs = {
	.dev_fd = -1,
	.log_fd = -1,
};

static void warnmsg(const char *fmt, ...)
{
	va_list ap;

	va_start(ap, fmt);
	fputs("stackfs: ", stderr);
	vfprintf(stderr, fmt, ap);
	fputc('\n', stderr);
	va_end(ap);
}

/* Path that reopens the inode behind an (O_PATH) descriptor. */
static void proc_fd_path(char *buf, int fd)
{
	snprintf(buf, PROC_FD_PATH_MAX, "/proc/self/fd/%d", fd);
}

/*
 * Node table
 */

static unsigned int node_hash(dev_t dev, ino_t ino)
{
	uint64_t key = ino ^ ((uint64_t)dev << 32) ^ dev;

	key ^= key >> 29;
	key *= 0xbf58476d1ce4e5b9ULL;
	key ^= key >> 32;
	return key % NODE_HASH_SIZE;
}

static struct node *node_get(uint64_t nodeid)
{
	if (nodeid == 0 || nodeid > fs.nr_slots)
		return NULL;
	return fs.slots[nodeid - 1];
}

static struct node *node_find(dev_t dev, ino_t ino)
{
	struct node *node = fs.hash[node_hash(dev, ino)];

	while (node && (node->dev != dev || node->ino != ino))
		node = node->hash_next;
	return node;
}

static int alloc_slot(size_t *slot)
{
	struct node **slots;
	size_t *free_slots;

	if (fs.nr_free) {
		*slot = fs.free_slots[--fs.nr_free];
		return 0;
	}
	slots = realloc(fs.slots, (fs.nr_slots + 1) * sizeof(*slots));
	if (!slots)
		return -ENOMEM;
	fs.slots = slots;
	/* Keep room to push every slot back onto the free stack. */
	free_slots = realloc(fs.free_slots,
			     (fs.nr_slots + 1) * sizeof(*free_slots));
	if (!free_slots)
		return -ENOMEM;
	fs.free_slots = free_slots;
	*slot = fs.nr_slots++;
	return 0;
}

/* Add a node for @fd, which now belongs to the node table. */
static struct node *node_add(int fd, const struct stat *st)
{
	unsigned int bucket = node_hash(st->st_dev, st->st_ino);
	struct node *node;
	size_t slot;

	node = calloc(1, sizeof(*node));
	if (!node)
		return NULL;
	if (alloc_slot(&slot)) {
		free(node);
		return NULL;
	}
	node->nodeid = slot + 1;
	node->generation = ++fs.generation;
	node->dev = st->st_dev;
	node->ino = st->st_ino;
	node->fd = fd;
	node->hash_next = fs.hash[bucket];
	fs.hash[bucket] = node;
	fs.slots[slot] = node;
	return node;
}

/* Free @node once the kernel has forgotten it and no file is open on it. */
static void node_put(struct node *node)
{
	struct node **pp;

	if (node->nodeid == FUSE_ROOT_ID || node->nlookup || node->nopen)
		return;

	pp = &fs.hash[node_hash(node->dev, node->ino)];
	while (*pp != node)
		pp = &(*pp)->hash_next;
	*pp = node->hash_next;

	fs.slots[node->nodeid - 1] = NULL;
	fs.free_slots[fs.nr_free++] = node->nodeid - 1;
	close(node->fd);
	free(node);
}

static void node_forget(struct node *node, uint64_t nlookup)
{
	if (nlookup > node->nlookup)
		nlookup = node->nlookup;
	node->nlookup -= nlookup;
	node_put(node);
}

static int stat_node(struct node *node, struct stat *st)
{
	if (fstatat(node->fd, "", st, AT_EMPTY_PATH | AT_SYMLINK_NOFOLLOW))
		return -errno;
	return 0;
}

static bool valid_name(const char *name)
{
	return name[0] && strcmp(name, ".") && strcmp(name, "..") &&
	       !strchr(name, '/');
}

/*
 * Look up @name in @parent and take a lookup reference on the resulting
 * node, which the caller has to pass on to the kernel (or drop again).
 */
static int lookup_child(struct node *parent, const char *name,
			struct node **result, struct stat *st)
{
	struct node *node;
	int fd, err;

	if (!valid_name(name))
		return -ENOENT;

	fd = openat(parent->fd, name, O_PATH | O_NOFOLLOW | O_CLOEXEC);
	if (fd < 0)
		return -errno;
	if (fstatat(fd, "", st, AT_EMPTY_PATH | AT_SYMLINK_NOFOLLOW)) {
		err = -errno;
		close(fd);
		return err;
	}

	node = node_find(st->st_dev, st->st_ino);
	if (node) {
		close(fd);
	} else {
		node = node_add(fd, st);
		if (!node) {
			close(fd);
			return -ENOMEM;
		}
	}
	node->nlookup++;
	*result = node;
	return 0;
}

/*
 * Request payload parsing
 */

static const void *take(struct request *req, size_t size)
{
	const void *p = req->arg;

	if (req->arg_len < size)
		return NULL;
	req->arg += size;
	req->arg_len -= size;
	return p;
}

static const char *take_name(struct request *req)
{
	const char *name = req->arg;
	size_t len = strnlen(req->arg, req->arg_len);

	if (len == req->arg_len)
		return NULL;
	req->arg += len + 1;
	req->arg_len -= len + 1;
	return name;
}

/*
 * Replies
 */

static int send_reply(const struct request *req, int error,
		      const struct iovec *data, int nr_data)
{
	struct fuse_out_header out = {
		.len = sizeof(out),
		.error = error,
		.unique = req->hdr->unique,
	};
	struct iovec iov[3];
	int i, err;

	iov[0].iov_base = &out;
	iov[0].iov_len = sizeof(out);
	for (i = 0; i < nr_data; i++) {
		iov[i + 1] = data[i];
		out.len += data[i].iov_len;
	}

	if (opt.debug)
		fprintf(stderr, "   unique=%llu error=%d len=%u\n",
			(unsigned long long)out.unique, error, out.len);

	if (writev(fs.dev_fd, iov, nr_data + 1) >= 0)
		return 0;

	/* ENOENT: the request was interrupted and is gone. */
	err = errno;
	if (err != ENOENT)
		warnmsg("writing reply for unique %llu: %s",
			(unsigned long long)out.unique, strerror(err));
	return -err;
}

static int reply_err(const struct request *req, int err)
{
	return send_reply(req, err, NULL, 0);
}

/* For handlers: send a successful reply without payload. */
static int reply_ok(const struct request *req)
{
	send_reply(req, 0, NULL, 0);
	return 0;
}

static int reply_data(const struct request *req, const void *data, size_t len)
{
	struct iovec iov = { .iov_base = (void *)data, .iov_len = len };

	return send_reply(req, 0, &iov, len ? 1 : 0);
}

static void split_timeout(double timeout, uint64_t *sec, uint32_t *nsec)
{
	*sec = (uint64_t)timeout;
	*nsec = (uint32_t)((timeout - (double)*sec) * 1e9);
}

/* The kernel's "new" dev_t encoding, as used by fuse_attr.rdev. */
static uint32_t encode_dev(dev_t dev)
{
	unsigned int ma = major(dev), mi = minor(dev);

	return (mi & 0xff) | (ma << 8) | ((mi & ~0xffu) << 12);
}

static dev_t decode_dev(uint32_t dev)
{
	return makedev((dev & 0xfff00) >> 8, (dev & 0xff) | ((dev >> 12) & 0xfff00));
}

static void fill_attr(struct fuse_attr *attr, const struct stat *st)
{
	attr->ino = st->st_ino;
	attr->size = st->st_size;
	attr->blocks = st->st_blocks;
	attr->atime = st->st_atim.tv_sec;
	attr->mtime = st->st_mtim.tv_sec;
	attr->ctime = st->st_ctim.tv_sec;
	attr->atimensec = st->st_atim.tv_nsec;
	attr->mtimensec = st->st_mtim.tv_nsec;
	attr->ctimensec = st->st_ctim.tv_nsec;
	attr->mode = st->st_mode;
	attr->nlink = st->st_nlink;
	attr->uid = st->st_uid;
	attr->gid = st->st_gid;
	attr->rdev = encode_dev(st->st_rdev);
	attr->blksize = st->st_blksize;
}

static void fill_entry(struct fuse_entry_out *entry, const struct node *node,
		       const struct stat *st)
{
	memset(entry, 0, sizeof(*entry));
	entry->nodeid = node->nodeid;
	entry->generation = node->generation;
	split_timeout(opt.entry_timeout, &entry->entry_valid,
		      &entry->entry_valid_nsec);
	split_timeout(opt.attr_timeout, &entry->attr_valid,
		      &entry->attr_valid_nsec);
	fill_attr(&entry->attr, st);
}

/* Reply with a node the caller took a lookup reference for. */
static void reply_entry(const struct request *req, struct node *node,
			const struct stat *st)
{
	struct fuse_entry_out entry;

	fill_entry(&entry, node, st);
	if (reply_data(req, &entry, sizeof(entry)))
		node_forget(node, 1);	/* the kernel never saw it */
}

static void reply_attr(const struct request *req, const struct stat *st)
{
	struct fuse_attr_out out = { 0 };

	split_timeout(opt.attr_timeout, &out.attr_valid, &out.attr_valid_nsec);
	fill_attr(&out.attr, st);
	reply_data(req, &out, sizeof(out));
}

/*
 * Objects are created with the server's credentials; give new ones to the
 * caller, like a local file system would.  In a set-group-ID directory the
 * group is already the one it has to be.
 */
static int set_owner(const struct request *req, struct node *parent,
		     struct node *node, struct stat *st)
{
	char path[PROC_FD_PATH_MAX];
	uid_t uid = req->hdr->uid;
	gid_t gid = req->hdr->gid;
	mode_t mode = st->st_mode;
	struct stat pst;

	if (!stat_node(parent, &pst) && (pst.st_mode & S_ISGID))
		gid = st->st_gid;
	if (uid == st->st_uid && gid == st->st_gid)
		return 0;
	if (fchownat(node->fd, "", uid, gid,
		     AT_EMPTY_PATH | AT_SYMLINK_NOFOLLOW))
		return -errno;

	/* chown() clears the set-ID bits; put them back. */
	if ((mode & (S_ISUID | S_ISGID)) && !S_ISLNK(mode)) {
		proc_fd_path(path, node->fd);
		if (chmod(path, mode & 07777))
			return -errno;
	}
	return stat_node(node, st);
}

static int reply_lookup(const struct request *req, struct node *parent,
			const char *name)
{
	struct node *node;
	struct stat st;
	int err;

	err = lookup_child(parent, name, &node, &st);
	if (err)
		return err;
	reply_entry(req, node, &st);
	return 0;
}

/* Look up an object the request just created and reply with its entry. */
static int reply_new_entry(const struct request *req, struct node *parent,
			   const char *name)
{
	struct node *node;
	struct stat st;
	int err;

	err = lookup_child(parent, name, &node, &st);
	if (err)
		return err;
	err = set_owner(req, parent, node, &st);
	if (err) {
		node_forget(node, 1);
		return err;
	}
	reply_entry(req, node, &st);
	return 0;
}

/*
 * Open files and passthrough
 */

/* Flags for opening the backing file of a FUSE_OPEN/FUSE_CREATE. */
static int backing_open_flags(uint32_t flags)
{
	/*
	 * Only the access mode matters for our own descriptor: the kernel
	 * applies O_APPEND, O_DIRECT and O_SYNC on its side, both for
	 * passthrough I/O and for the READ/WRITE requests it sends.
	 */
	return (flags & O_ACCMODE) | O_CLOEXEC;
}

/*
 * Return the backing ID for @node, registering @fd as the node's backing
 * file on the first open.  0 means no passthrough for this open.
 */
static int get_backing_id(struct node *node, int fd)
{
	struct fuse_backing_map map = { .fd = fd };
	int id;

	if (!fs.passthrough || node->backing_id > 0)
		return node->backing_id;

	id = ioctl(fs.dev_fd, FUSE_DEV_IOC_BACKING_OPEN, &map);
	if (id < 0) {
		warnmsg("FUSE_DEV_IOC_BACKING_OPEN: %s, no passthrough",
			strerror(errno));
		return 0;
	}
	node->backing_id = id;
	return id;
}

static struct handle *handle_new(struct node *node, int fd)
{
	struct handle *fh = malloc(sizeof(*fh));

	if (!fh)
		return NULL;
	fh->fd = fd;
	fh->node = node;
	node->nopen++;
	return fh;
}

static void handle_release(struct handle *fh)
{
	struct node *node = fh->node;
	uint32_t id = node->backing_id;

	close(fh->fd);
	free(fh);

	if (--node->nopen == 0 && node->backing_id > 0) {
		if (ioctl(fs.dev_fd, FUSE_DEV_IOC_BACKING_CLOSE, &id))
			warnmsg("FUSE_DEV_IOC_BACKING_CLOSE: %s",
				strerror(errno));
		node->backing_id = 0;
	}
	node_put(node);
}

static struct handle *get_handle(uint64_t fh)
{
	return (struct handle *)(uintptr_t)fh;
}

static void fill_open(struct fuse_open_out *out, struct handle *fh)
{
	memset(out, 0, sizeof(*out));
	out->fh = (uintptr_t)fh;
	out->backing_id = get_backing_id(fh->node, fh->fd);
	if (out->backing_id > 0)
		out->open_flags |= FOPEN_PASSTHROUGH;
}

/*
 * Request handlers.  A handler returns a negative errno to have it sent as
 * the reply, or 0 once it has sent the reply itself (or none is due).
 */

static int do_init(struct request *req)
{
	struct fuse_init_in in = { 0 };
	struct fuse_init_out out = { 0 };
	uint64_t offered, wanted, flags;
	size_t out_len = sizeof(out);
	long page_size = sysconf(_SC_PAGESIZE);

	/* Before 7.36 the kernel sends only the first four fields. */
	if (req->arg_len < offsetof(struct fuse_init_in, flags2))
		return -EINVAL;
	memcpy(&in, req->arg,
	       req->arg_len < sizeof(in) ? req->arg_len : sizeof(in));

	out.major = FUSE_KERNEL_VERSION;
	out.minor = FUSE_KERNEL_MINOR_VERSION;
	if (in.major > FUSE_KERNEL_VERSION) {
		/* The kernel will retry with our major version. */
		reply_data(req, &out, sizeof(out));
		return 0;
	}
	if (in.major < FUSE_KERNEL_VERSION || in.minor < MIN_MINOR_VERSION) {
		warnmsg("unsupported protocol version %u.%u",
			in.major, in.minor);
		fs.init_state = -1;
		return -EPROTO;
	}
	if (in.minor < out.minor)
		out.minor = in.minor;

	offered = in.flags;
	if (offered & FUSE_INIT_EXT)
		offered |= (uint64_t)in.flags2 << 32;

	wanted = FUSE_ASYNC_READ | FUSE_BIG_WRITES | FUSE_AUTO_INVAL_DATA |
		 FUSE_MAX_PAGES | FUSE_INIT_EXT;
	if (opt.passthrough)
		wanted |= FUSE_PASSTHROUGH;
	flags = offered & wanted;

	out.max_readahead = in.max_readahead;
	out.flags = (uint32_t)flags;
	out.flags2 = (uint32_t)(flags >> 32);
	out.max_write = MAX_WRITE;
	out.time_gran = 1;
	out.max_pages = MAX_WRITE / page_size;
	if (flags & FUSE_PASSTHROUGH)
		out.max_stack_depth = 1;
	if (out.minor < 23)
		out_len = FUSE_COMPAT_22_INIT_OUT_SIZE;

	fs.passthrough = flags & FUSE_PASSTHROUGH;
	fs.init_state = reply_data(req, &out, out_len) ? -1 : 1;
	return 0;
}

static int do_destroy(struct request *req)
{
	return reply_ok(req);
}

static int do_lookup(struct request *req)
{
	const char *name = take_name(req);

	if (!name)
		return -EINVAL;
	/* The kernel asks for ".." only with FUSE_EXPORT_SUPPORT. */
	return reply_lookup(req, req->node, name);
}

static int do_forget(struct request *req)
{
	const struct fuse_forget_in *in = take(req, sizeof(*in));

	if (in && req->node)
		node_forget(req->node, in->nlookup);
	return 0;
}

static int do_batch_forget(struct request *req)
{
	const struct fuse_batch_forget_in *in = take(req, sizeof(*in));
	const struct fuse_forget_one *one;
	struct node *node;
	uint32_t i;

	for (i = 0; in && i < in->count; i++) {
		one = take(req, sizeof(*one));
		if (!one)
			break;
		node = node_get(one->nodeid);
		if (node)
			node_forget(node, one->nlookup);
	}
	return 0;
}

static int do_getattr(struct request *req)
{
	struct stat st;
	int err;

	err = stat_node(req->node, &st);
	if (err)
		return err;
	reply_attr(req, &st);
	return 0;
}

static int setattr_times(const struct fuse_setattr_in *in, int fd, int pfd)
{
	struct timespec ts[2] = {
		{ .tv_nsec = UTIME_OMIT },
		{ .tv_nsec = UTIME_OMIT },
	};

	if (in->valid & FATTR_ATIME_NOW) {
		ts[0].tv_nsec = UTIME_NOW;
	} else if (in->valid & FATTR_ATIME) {
		ts[0].tv_sec = in->atime;
		ts[0].tv_nsec = in->atimensec;
	}
	if (in->valid & FATTR_MTIME_NOW) {
		ts[1].tv_nsec = UTIME_NOW;
	} else if (in->valid & FATTR_MTIME) {
		ts[1].tv_sec = in->mtime;
		ts[1].tv_nsec = in->mtimensec;
	}

	if (fd >= 0)
		return futimens(fd, ts);
	return utimensat(pfd, "", ts, AT_EMPTY_PATH | AT_SYMLINK_NOFOLLOW);
}

static int do_setattr(struct request *req)
{
	const struct fuse_setattr_in *in = take(req, sizeof(*in));
	char path[PROC_FD_PATH_MAX];
	int pfd = req->node->fd;
	int fd = -1, ret = 0;
	struct stat st;

	if (!in)
		return -EINVAL;
	if (in->valid & FATTR_FH)
		fd = get_handle(in->fh)->fd;
	proc_fd_path(path, pfd);

	if (in->valid & FATTR_MODE)
		ret = fd >= 0 ? fchmod(fd, in->mode) : chmod(path, in->mode);
	if (!ret && (in->valid & (FATTR_UID | FATTR_GID))) {
		uid_t uid = in->valid & FATTR_UID ? in->uid : (uid_t)-1;
		gid_t gid = in->valid & FATTR_GID ? in->gid : (gid_t)-1;

		ret = fchownat(pfd, "", uid, gid,
			       AT_EMPTY_PATH | AT_SYMLINK_NOFOLLOW);
	}
	if (!ret && (in->valid & FATTR_SIZE))
		ret = fd >= 0 ? ftruncate(fd, in->size) :
				truncate(path, in->size);
	if (!ret && (in->valid & (FATTR_ATIME | FATTR_MTIME)))
		ret = setattr_times(in, fd, pfd);
	if (ret)
		return -errno;

	ret = stat_node(req->node, &st);
	if (ret)
		return ret;
	reply_attr(req, &st);
	return 0;
}

static int do_readlink(struct request *req)
{
	ssize_t len;

	len = readlinkat(req->node->fd, "", fs.out_buf, REPLY_MAX);
	if (len < 0)
		return -errno;
	reply_data(req, fs.out_buf, len);
	return 0;
}

static int do_symlink(struct request *req)
{
	const char *name = take_name(req);
	const char *target = take_name(req);

	if (!name || !target || !valid_name(name))
		return -EINVAL;
	if (symlinkat(target, req->node->fd, name))
		return -errno;
	return reply_new_entry(req, req->node, name);
}

static int do_mknod(struct request *req)
{
	const struct fuse_mknod_in *in = take(req, sizeof(*in));
	const char *name = take_name(req);

	if (!in || !name || !valid_name(name))
		return -EINVAL;
	if (mknodat(req->node->fd, name, in->mode, decode_dev(in->rdev)))
		return -errno;
	return reply_new_entry(req, req->node, name);
}

static int do_mkdir(struct request *req)
{
	const struct fuse_mkdir_in *in = take(req, sizeof(*in));
	const char *name = take_name(req);

	if (!in || !name || !valid_name(name))
		return -EINVAL;
	if (mkdirat(req->node->fd, name, in->mode))
		return -errno;
	return reply_new_entry(req, req->node, name);
}

static int remove_entry(struct request *req, int flags)
{
	const char *name = take_name(req);

	if (!name || !valid_name(name))
		return -EINVAL;
	if (unlinkat(req->node->fd, name, flags))
		return -errno;
	return reply_ok(req);
}

static int do_unlink(struct request *req)
{
	return remove_entry(req, 0);
}

static int do_rmdir(struct request *req)
{
	return remove_entry(req, AT_REMOVEDIR);
}

static int rename_entry(struct request *req, uint64_t newdir,
			unsigned int flags)
{
	const char *oldname = take_name(req);
	const char *newname = take_name(req);
	struct node *newparent = node_get(newdir);

	if (!newparent)
		return -ESTALE;
	if (!oldname || !newname || !valid_name(oldname) ||
	    !valid_name(newname))
		return -EINVAL;
	if (renameat2(req->node->fd, oldname, newparent->fd, newname, flags))
		return -errno;
	return reply_ok(req);
}

static int do_rename(struct request *req)
{
	const struct fuse_rename_in *in = take(req, sizeof(*in));

	if (!in)
		return -EINVAL;
	return rename_entry(req, in->newdir, 0);
}

static int do_rename2(struct request *req)
{
	const struct fuse_rename2_in *in = take(req, sizeof(*in));

	if (!in)
		return -EINVAL;
	return rename_entry(req, in->newdir, in->flags);
}

static int do_link(struct request *req)
{
	const struct fuse_link_in *in = take(req, sizeof(*in));
	const char *name = take_name(req);
	char path[PROC_FD_PATH_MAX];
	struct node *old;

	if (!in || !name || !valid_name(name))
		return -EINVAL;
	old = node_get(in->oldnodeid);
	if (!old)
		return -ESTALE;
	/* AT_EMPTY_PATH needs CAP_DAC_READ_SEARCH, the /proc path does not. */
	if (linkat(old->fd, "", req->node->fd, name, AT_EMPTY_PATH)) {
		proc_fd_path(path, old->fd);
		if (linkat(AT_FDCWD, path, req->node->fd, name,
			   AT_SYMLINK_FOLLOW))
			return -errno;
	}
	return reply_lookup(req, req->node, name);
}

static int do_open(struct request *req)
{
	const struct fuse_open_in *in = take(req, sizeof(*in));
	char path[PROC_FD_PATH_MAX];
	struct fuse_open_out out;
	struct handle *fh;
	int fd;

	if (!in)
		return -EINVAL;
	proc_fd_path(path, req->node->fd);
	fd = open(path, backing_open_flags(in->flags));
	if (fd < 0)
		return -errno;
	fh = handle_new(req->node, fd);
	if (!fh) {
		close(fd);
		return -ENOMEM;
	}

	fill_open(&out, fh);
	if (reply_data(req, &out, sizeof(out)))
		handle_release(fh);	/* no RELEASE will come */
	return 0;
}

static int do_read(struct request *req)
{
	const struct fuse_read_in *in = take(req, sizeof(*in));
	size_t size;
	ssize_t n;

	if (!in)
		return -EINVAL;
	size = in->size < REPLY_MAX ? in->size : REPLY_MAX;
	n = pread(get_handle(in->fh)->fd, fs.out_buf, size, in->offset);
	if (n < 0)
		return -errno;
	reply_data(req, fs.out_buf, n);
	return 0;
}

static int do_write(struct request *req)
{
	const struct fuse_write_in *in = take(req, sizeof(*in));
	struct fuse_write_out out = { 0 };
	const char *data;
	ssize_t n;
	int fd;

	if (!in)
		return -EINVAL;
	data = take(req, in->size);
	if (!data)
		return -EINVAL;

	fd = get_handle(in->fh)->fd;
	while (out.size < in->size) {
		n = pwrite(fd, data + out.size, in->size - out.size,
			   in->offset + out.size);
		if (n < 0 && errno == EINTR)
			continue;
		if (n < 0 && !out.size)
			return -errno;
		if (n <= 0)
			break;
		out.size += n;
	}
	reply_data(req, &out, sizeof(out));
	return 0;
}

static int do_statfs(struct request *req)
{
	struct fuse_statfs_out out = { 0 };
	struct statvfs sv;

	if (fstatvfs(req->node->fd, &sv))
		return -errno;
	out.st.blocks = sv.f_blocks;
	out.st.bfree = sv.f_bfree;
	out.st.bavail = sv.f_bavail;
	out.st.files = sv.f_files;
	out.st.ffree = sv.f_ffree;
	out.st.bsize = sv.f_bsize;
	out.st.namelen = sv.f_namemax;
	out.st.frsize = sv.f_frsize;
	reply_data(req, &out, sizeof(out));
	return 0;
}

static int do_release(struct request *req)
{
	const struct fuse_release_in *in = take(req, sizeof(*in));

	if (!in)
		return -EINVAL;
	handle_release(get_handle(in->fh));
	return reply_ok(req);
}

static int sync_fd(int fd, uint32_t fsync_flags)
{
	int ret;

	if (fsync_flags & FUSE_FSYNC_FDATASYNC)
		ret = fdatasync(fd);
	else
		ret = fsync(fd);
	return ret ? -errno : 0;
}

static int do_fsync(struct request *req)
{
	const struct fuse_fsync_in *in = take(req, sizeof(*in));
	int err;

	if (!in)
		return -EINVAL;
	err = sync_fd(get_handle(in->fh)->fd, in->fsync_flags);
	if (err)
		return err;
	return reply_ok(req);
}

static int do_setxattr(struct request *req)
{
	/* Without FUSE_SETXATTR_EXT the kernel sends the short struct. */
	const struct fuse_setxattr_in *in =
		take(req, FUSE_COMPAT_SETXATTR_IN_SIZE);
	const char *name = take_name(req);
	char path[PROC_FD_PATH_MAX];
	const void *value;

	if (!in || !name)
		return -EINVAL;
	value = take(req, in->size);
	if (!value)
		return -EINVAL;
	proc_fd_path(path, req->node->fd);
	if (setxattr(path, name, value, in->size, in->flags))
		return -errno;
	return reply_ok(req);
}

/* Reply to GETXATTR/LISTXATTR: the size alone, or the data if it fits. */
static int reply_xattr(struct request *req, uint32_t size, ssize_t len)
{
	struct fuse_getxattr_out out = { 0 };

	if (len < 0)
		return -errno;
	if (size == 0) {
		out.size = len;
		reply_data(req, &out, sizeof(out));
	} else {
		reply_data(req, fs.out_buf, len);
	}
	return 0;
}

static int do_getxattr(struct request *req)
{
	const struct fuse_getxattr_in *in = take(req, sizeof(*in));
	const char *name = take_name(req);
	char path[PROC_FD_PATH_MAX];
	size_t size;

	if (!in || !name)
		return -EINVAL;
	size = in->size < REPLY_MAX ? in->size : REPLY_MAX;
	proc_fd_path(path, req->node->fd);
	return reply_xattr(req, in->size,
			   getxattr(path, name, size ? fs.out_buf : NULL,
				    size));
}

static int do_listxattr(struct request *req)
{
	const struct fuse_getxattr_in *in = take(req, sizeof(*in));
	char path[PROC_FD_PATH_MAX];
	size_t size;

	if (!in)
		return -EINVAL;
	size = in->size < REPLY_MAX ? in->size : REPLY_MAX;
	proc_fd_path(path, req->node->fd);
	return reply_xattr(req, in->size,
			   listxattr(path, size ? fs.out_buf : NULL, size));
}

static int do_removexattr(struct request *req)
{
	const char *name = take_name(req);
	char path[PROC_FD_PATH_MAX];

	if (!name)
		return -EINVAL;
	proc_fd_path(path, req->node->fd);
	if (removexattr(path, name))
		return -errno;
	return reply_ok(req);
}

static int do_flush(struct request *req)
{
	const struct fuse_flush_in *in = take(req, sizeof(*in));
	int fd;

	if (!in)
		return -EINVAL;
	/* Closing a duplicate reports errors a close() would report. */
	fd = dup(get_handle(in->fh)->fd);
	if (fd < 0 || close(fd))
		return -errno;
	return reply_ok(req);
}

static int do_opendir(struct request *req)
{
	struct fuse_open_out out = { 0 };
	char path[PROC_FD_PATH_MAX];
	struct dir_handle *dh;
	int fd, err;

	dh = calloc(1, sizeof(*dh));
	if (!dh)
		return -ENOMEM;
	proc_fd_path(path, req->node->fd);
	fd = open(path, O_RDONLY | O_DIRECTORY | O_CLOEXEC);
	if (fd >= 0)
		dh->dir = fdopendir(fd);
	if (!dh->dir) {
		err = -errno;
		if (fd >= 0)
			close(fd);
		free(dh);
		return err;
	}

	out.fh = (uintptr_t)dh;
	if (reply_data(req, &out, sizeof(out))) {
		closedir(dh->dir);
		free(dh);
	}
	return 0;
}

static struct dir_handle *get_dir_handle(uint64_t fh)
{
	return (struct dir_handle *)(uintptr_t)fh;
}

static int do_readdir(struct request *req)
{
	const struct fuse_read_in *in = take(req, sizeof(*in));
	struct fuse_dirent *fde;
	struct dir_handle *dh;
	size_t size, len = 0, reclen, namelen;
	struct dirent *de;

	if (!in)
		return -EINVAL;
	dh = get_dir_handle(in->fh);
	size = in->size < REPLY_MAX ? in->size : REPLY_MAX;

	if ((off_t)in->offset != dh->pos) {
		seekdir(dh->dir, in->offset);
		dh->pos = in->offset;
	}

	for (;;) {
		errno = 0;
		de = readdir(dh->dir);
		if (!de) {
			if (errno && !len)
				return -errno;
			break;
		}
		namelen = strlen(de->d_name);
		reclen = FUSE_DIRENT_ALIGN(FUSE_NAME_OFFSET + namelen);
		if (len + reclen > size) {
			/* Return this entry with the next request. */
			seekdir(dh->dir, dh->pos);
			break;
		}
		fde = (struct fuse_dirent *)(fs.out_buf + len);
		fde->ino = de->d_ino;
		fde->off = de->d_off;
		fde->namelen = namelen;
		fde->type = de->d_type;
		memcpy(fde->name, de->d_name, namelen);
		memset(fde->name + namelen, 0,
		       reclen - FUSE_NAME_OFFSET - namelen);
		len += reclen;
		dh->pos = de->d_off;
	}
	reply_data(req, fs.out_buf, len);
	return 0;
}

static int do_releasedir(struct request *req)
{
	const struct fuse_release_in *in = take(req, sizeof(*in));
	struct dir_handle *dh;

	if (!in)
		return -EINVAL;
	dh = get_dir_handle(in->fh);
	closedir(dh->dir);
	free(dh);
	return reply_ok(req);
}

static int do_fsyncdir(struct request *req)
{
	const struct fuse_fsync_in *in = take(req, sizeof(*in));
	int err;

	if (!in)
		return -EINVAL;
	err = sync_fd(dirfd(get_dir_handle(in->fh)->dir), in->fsync_flags);
	if (err)
		return err;
	return reply_ok(req);
}

static int do_access(struct request *req)
{
	const struct fuse_access_in *in = take(req, sizeof(*in));
	char path[PROC_FD_PATH_MAX];

	if (!in)
		return -EINVAL;
	proc_fd_path(path, req->node->fd);
	if (faccessat(AT_FDCWD, path, in->mask, 0))
		return -errno;
	return reply_ok(req);
}

/*
 * Open @name in @parent for FUSE_CREATE.  Sets *created if the file did not
 * exist before.  O_NOFOLLOW keeps a symlink planted in the backing
 * directory from redirecting the create outside of it.
 */
static int create_file(struct node *parent, const char *name, uint32_t flags,
		       mode_t mode, bool *created)
{
	int oflags = backing_open_flags(flags) | O_NOFOLLOW;
	int fd;

	fd = openat(parent->fd, name, oflags | O_CREAT | O_EXCL, mode);
	*created = fd >= 0;
	if (fd < 0 && errno == EEXIST && !(flags & O_EXCL))
		fd = openat(parent->fd, name, oflags | (flags & O_TRUNC));
	return fd < 0 ? -errno : fd;
}

static int do_create(struct request *req)
{
	const struct fuse_create_in *in = take(req, sizeof(*in));
	const char *name = take_name(req);
	struct {
		struct fuse_entry_out entry;
		struct fuse_open_out open;
	} out;
	struct node *node;
	struct handle *fh;
	struct stat st;
	bool created;
	int fd, err;

	if (!in || !name || !valid_name(name))
		return -EINVAL;
	fd = create_file(req->node, name, in->flags, in->mode, &created);
	if (fd < 0)
		return fd;

	err = lookup_child(req->node, name, &node, &st);
	if (!err && created) {
		err = set_owner(req, req->node, node, &st);
		if (err)
			node_forget(node, 1);
	}
	if (err) {
		close(fd);
		return err;
	}
	fh = handle_new(node, fd);
	if (!fh) {
		close(fd);
		node_forget(node, 1);
		return -ENOMEM;
	}

	fill_entry(&out.entry, node, &st);
	fill_open(&out.open, fh);
	if (reply_data(req, &out, sizeof(out))) {
		handle_release(fh);
		node_forget(node, 1);
	}
	return 0;
}

static int do_fallocate(struct request *req)
{
	const struct fuse_fallocate_in *in = take(req, sizeof(*in));

	if (!in)
		return -EINVAL;
	if (fallocate(get_handle(in->fh)->fd, in->mode, in->offset,
		      in->length))
		return -errno;
	return reply_ok(req);
}

static int do_lseek(struct request *req)
{
	const struct fuse_lseek_in *in = take(req, sizeof(*in));
	struct fuse_lseek_out out = { 0 };
	off_t off;

	if (!in)
		return -EINVAL;
	off = lseek(get_handle(in->fh)->fd, in->offset, in->whence);
	if (off < 0)
		return -errno;
	out.offset = off;
	reply_data(req, &out, sizeof(out));
	return 0;
}

/* Indexed by opcode; entries without a handler get ENOSYS. */
static const struct fuse_op fuse_ops[] = {
	[FUSE_LOOKUP]		= { "LOOKUP", do_lookup },
	[FUSE_FORGET]		= { "FORGET", do_forget, .noreply = true },
	[FUSE_GETATTR]		= { "GETATTR", do_getattr },
	[FUSE_SETATTR]		= { "SETATTR", do_setattr },
	[FUSE_READLINK]		= { "READLINK", do_readlink },
	[FUSE_SYMLINK]		= { "SYMLINK", do_symlink },
	[FUSE_MKNOD]		= { "MKNOD", do_mknod },
	[FUSE_MKDIR]		= { "MKDIR", do_mkdir },
	[FUSE_UNLINK]		= { "UNLINK", do_unlink },
	[FUSE_RMDIR]		= { "RMDIR", do_rmdir },
	[FUSE_RENAME]		= { "RENAME", do_rename },
	[FUSE_LINK]		= { "LINK", do_link },
	[FUSE_OPEN]		= { "OPEN", do_open },
	[FUSE_READ]		= { "READ", do_read },
	[FUSE_WRITE]		= { "WRITE", do_write },
	[FUSE_STATFS]		= { "STATFS", do_statfs },
	[FUSE_RELEASE]		= { "RELEASE", do_release },
	[FUSE_FSYNC]		= { "FSYNC", do_fsync },
	[FUSE_SETXATTR]		= { "SETXATTR", do_setxattr },
	[FUSE_GETXATTR]		= { "GETXATTR", do_getxattr },
	[FUSE_LISTXATTR]	= { "LISTXATTR", do_listxattr },
	[FUSE_REMOVEXATTR]	= { "REMOVEXATTR", do_removexattr },
	[FUSE_FLUSH]		= { "FLUSH", do_flush },
	[FUSE_INIT]		= { "INIT", do_init, .nodeless = true },
	[FUSE_OPENDIR]		= { "OPENDIR", do_opendir },
	[FUSE_READDIR]		= { "READDIR", do_readdir },
	[FUSE_RELEASEDIR]	= { "RELEASEDIR", do_releasedir },
	[FUSE_FSYNCDIR]		= { "FSYNCDIR", do_fsyncdir },
	[FUSE_GETLK]		= { "GETLK" },
	[FUSE_SETLK]		= { "SETLK" },
	[FUSE_SETLKW]		= { "SETLKW" },
	[FUSE_ACCESS]		= { "ACCESS", do_access },
	[FUSE_CREATE]		= { "CREATE", do_create },
	[FUSE_INTERRUPT]	= { "INTERRUPT", .nodeless = true },
	[FUSE_BMAP]		= { "BMAP" },
	[FUSE_DESTROY]		= { "DESTROY", do_destroy, .nodeless = true },
	[FUSE_IOCTL]		= { "IOCTL" },
	[FUSE_POLL]		= { "POLL" },
	[FUSE_NOTIFY_REPLY]	= { "NOTIFY_REPLY", .noreply = true },
	[FUSE_BATCH_FORGET]	= { "BATCH_FORGET", do_batch_forget,
				    .noreply = true, .nodeless = true },
	[FUSE_FALLOCATE]	= { "FALLOCATE", do_fallocate },
	[FUSE_READDIRPLUS]	= { "READDIRPLUS" },
	[FUSE_RENAME2]		= { "RENAME2", do_rename2 },
	[FUSE_LSEEK]		= { "LSEEK", do_lseek },
	[FUSE_COPY_FILE_RANGE]	= { "COPY_FILE_RANGE" },
	[FUSE_SETUPMAPPING]	= { "SETUPMAPPING" },
	[FUSE_REMOVEMAPPING]	= { "REMOVEMAPPING" },
	[FUSE_SYNCFS]		= { "SYNCFS" },
	[FUSE_TMPFILE]		= { "TMPFILE" },
	[FUSE_STATX]		= { "STATX" },
};

static void log_request(const struct fuse_in_header *hdr, const char *name)
{
	char line[160];
	int len;

	if (fs.log_fd < 0 && !opt.debug)
		return;

	if (name)
		len = snprintf(line, sizeof(line), "%s", name);
	else
		len = snprintf(line, sizeof(line), "OPCODE_%u", hdr->opcode);
	len += snprintf(line + len, sizeof(line) - len,
			" unique=%llu nodeid=%llu uid=%u pid=%u len=%u\n",
			(unsigned long long)hdr->unique,
			(unsigned long long)hdr->nodeid,
			hdr->uid, hdr->pid, hdr->len);

	/* One write per line: O_APPEND keeps lines whole. */
	if (fs.log_fd >= 0 && write(fs.log_fd, line, len) < 0)
		warnmsg("writing log: %s", strerror(errno));
	if (opt.debug)
		fputs(line, stderr);
}

static void dispatch(size_t len)
{
	const struct fuse_in_header *hdr = (const void *)fs.in_buf;
	const struct fuse_op *op = NULL;
	struct request req = { .hdr = hdr };
	size_t extlen;
	int err;

	if (len < sizeof(*hdr) || hdr->len != len) {
		warnmsg("malformed request of %zu bytes", len);
		return;
	}
	if (hdr->opcode < ARRAY_SIZE(fuse_ops) &&
	    fuse_ops[hdr->opcode].name)
		op = &fuse_ops[hdr->opcode];
	log_request(hdr, op ? op->name : NULL);

	/* Request extensions, if any, follow the arguments. */
	extlen = (size_t)hdr->total_extlen * 8;
	req.arg = fs.in_buf + sizeof(*hdr);
	req.arg_len = len - sizeof(*hdr);
	if (extlen > req.arg_len) {
		reply_err(&req, -EINVAL);
		return;
	}
	req.arg_len -= extlen;

	if (op && !op->nodeless)
		req.node = node_get(hdr->nodeid);

	/*
	 * ENOSYS is what the protocol asks for here: for most opcodes it
	 * makes the kernel stop sending them.
	 */
	if (!op || !op->handler)
		err = -ENOSYS;
	else if (fs.init_state != 1 && hdr->opcode != FUSE_INIT)
		err = -EIO;
	else if (!op->nodeless && !req.node)
		err = -ESTALE;
	else
		err = op->handler(&req);

	if (err && !(op && op->noreply))
		reply_err(&req, err);
}

/*
 * Read and handle one request.  Returns 1 once the file system has been
 * unmounted, -1 on errors and 0 otherwise.
 */
static int serve_one(void)
{
	ssize_t len;

	len = read(fs.dev_fd, fs.in_buf, fs.in_size);
	if (len < 0) {
		switch (errno) {
		case EINTR:
		case EAGAIN:
		case ENOENT:	/* the request was interrupted meanwhile */
			return 0;
		case ENODEV:	/* unmounted */
			return 1;
		default:
			warnmsg("reading /dev/fuse: %s", strerror(errno));
			return -1;
		}
	}
	dispatch(len);
	return 0;
}

static void on_signal(int sig)
{
	(void)sig;
	umount2(fs.mountpoint, MNT_DETACH);
	_exit(0);
}

static int do_mount(int root_fd)
{
	char opts[256];
	struct stat st;

	if (fstat(root_fd, &st))
		return -1;
	snprintf(opts, sizeof(opts),
		 "fd=%d,rootmode=%o,user_id=%u,group_id=%u,default_permissions,allow_other",
		 fs.dev_fd, st.st_mode & S_IFMT, getuid(), getgid());

	if (!mount("stackfs", fs.mountpoint, "fuse.stackfs", 0, opts))
		return 0;
	/* Kernels without subtype support only know "fuse". */
	if (errno == ENODEV &&
	    !mount("stackfs", fs.mountpoint, "fuse", 0, opts))
		return 0;
	return -1;
}

static int setup_root(int root_fd)
{
	struct node *root;
	struct stat st;

	if (fstat(root_fd, &st))
		return -1;
	root = node_add(root_fd, &st);
	if (!root)
		return -1;
	root->nlookup = 1;	/* the kernel never forgets the root */
	root->generation = 0;	/* and expects generation 0 for it */
	return 0;
}

static void daemonize(void)
{
	pid_t pid;
	int fd;

	pid = fork();
	if (pid < 0) {
		warnmsg("fork: %s", strerror(errno));
		return;		/* keep serving in the foreground */
	}
	if (pid > 0)
		_exit(0);

	setsid();
	if (chdir("/"))
		warnmsg("chdir /: %s", strerror(errno));
	fd = open("/dev/null", O_RDWR);
	if (fd >= 0) {
		dup2(fd, STDIN_FILENO);
		dup2(fd, STDOUT_FILENO);
		if (fd > STDERR_FILENO)
			close(fd);
	}
}

static void print_help(FILE *out)
{
	fprintf(out,
		"usage: stackfs [options] BACKING_DIR MOUNTPOINT\n"
		"\n"
		"  --passthrough        pass read/write through to the backing files\n"
		"  -f, --foreground     do not fork once mounted\n"
		"  -d, --debug          log every request to stderr\n"
		"  --log=FILE           append one line per request to FILE\n"
		"  --attr-timeout=SEC   attribute cache timeout (default 1.0)\n"
		"  --entry-timeout=SEC  name cache timeout (default 1.0)\n"
		"  -h, --help           show this help\n"
		"\n"
		"Exit status: 0 mounted, 1 error, 2 no kernel passthrough support\n");
}

static int parse_timeout(const char *arg, double *timeout)
{
	char *end;
	double t;

	errno = 0;
	t = strtod(arg, &end);
	if (errno || end == arg || *end || !isfinite(t) || t < 0 ||
	    t > (double)UINT32_MAX) {
		warnmsg("invalid timeout '%s'", arg);
		return -1;
	}
	*timeout = t;
	return 0;
}

enum {
	OPT_PASSTHROUGH = 256,
	OPT_LOG,
	OPT_ATTR_TIMEOUT,
	OPT_ENTRY_TIMEOUT,
};

static int parse_options(int argc, char **argv)
{
	static const struct option longopts[] = {
		{ "passthrough", no_argument, NULL, OPT_PASSTHROUGH },
		{ "foreground", no_argument, NULL, 'f' },
		{ "debug", no_argument, NULL, 'd' },
		{ "log", required_argument, NULL, OPT_LOG },
		{ "attr-timeout", required_argument, NULL, OPT_ATTR_TIMEOUT },
		{ "entry-timeout", required_argument, NULL, OPT_ENTRY_TIMEOUT },
		{ "help", no_argument, NULL, 'h' },
		{ }
	};
	int c;

	while ((c = getopt_long(argc, argv, "fdh", longopts, NULL)) != -1) {
		switch (c) {
		case OPT_PASSTHROUGH:
			opt.passthrough = true;
			break;
		case 'f':
			opt.foreground = true;
			break;
		case 'd':
			opt.debug = true;
			break;
		case OPT_LOG:
			opt.log_path = optarg;
			break;
		case OPT_ATTR_TIMEOUT:
			if (parse_timeout(optarg, &opt.attr_timeout))
				return -1;
			break;
		case OPT_ENTRY_TIMEOUT:
			if (parse_timeout(optarg, &opt.entry_timeout))
				return -1;
			break;
		case 'h':
			print_help(stdout);
			exit(0);
		default:
			print_help(stderr);
			return -1;
		}
	}
	if (argc - optind != 2) {
		print_help(stderr);
		return -1;
	}
	opt.backing = argv[optind];
	opt.mountpoint = argv[optind + 1];
	return 0;
}

/* Everything up to and including the mount; exits on errors. */
static void setup(void)
{
	struct sigaction sa = { .sa_handler = on_signal };
	long page_size = sysconf(_SC_PAGESIZE);
	int root_fd;

	/* Modes come from the kernel with the caller's umask applied. */
	umask(0);

	root_fd = open(opt.backing, O_PATH | O_DIRECTORY | O_CLOEXEC);
	if (root_fd < 0) {
		warnmsg("%s: %s", opt.backing, strerror(errno));
		exit(1);
	}
	fs.mountpoint = realpath(opt.mountpoint, NULL);
	if (!fs.mountpoint) {
		warnmsg("%s: %s", opt.mountpoint, strerror(errno));
		exit(1);
	}
	if (opt.log_path) {
		fs.log_fd = open(opt.log_path,
				 O_WRONLY | O_APPEND | O_CREAT | O_CLOEXEC,
				 0644);
		if (fs.log_fd < 0) {
			warnmsg("%s: %s", opt.log_path, strerror(errno));
			exit(1);
		}
	}

	fs.in_size = MAX_WRITE + page_size;
	fs.in_buf = malloc(fs.in_size);
	fs.out_buf = malloc(REPLY_MAX);
	if (!fs.in_buf || !fs.out_buf || setup_root(root_fd)) {
		warnmsg("out of memory");
		exit(1);
	}

	fs.dev_fd = open("/dev/fuse", O_RDWR | O_CLOEXEC);
	if (fs.dev_fd < 0) {
		warnmsg("/dev/fuse: %s", strerror(errno));
		exit(1);
	}
	if (do_mount(root_fd)) {
		warnmsg("mounting on %s: %s", fs.mountpoint, strerror(errno));
		exit(1);
	}

	sigaction(SIGINT, &sa, NULL);
	sigaction(SIGTERM, &sa, NULL);
	sigaction(SIGHUP, &sa, NULL);
	signal(SIGPIPE, SIG_IGN);
}

/*
 * Every inode the kernel holds a reference to pins an O_PATH descriptor
 * here, so the default limit of 1024 open files is far too small for a
 * directory of ten thousand files: raise it as far as we are allowed.
 */
static void raise_nofile_limit(void)
{
	struct rlimit rl;
	unsigned long nr_open = 0;
	FILE *f;

	if (getrlimit(RLIMIT_NOFILE, &rl))
		return;
	f = fopen("/proc/sys/fs/nr_open", "r");
	if (f) {
		if (fscanf(f, "%lu", &nr_open) != 1)
			nr_open = 0;
		fclose(f);
	}
	if (nr_open > rl.rlim_max) {
		struct rlimit want = { nr_open, nr_open };

		if (!setrlimit(RLIMIT_NOFILE, &want))
			return;
	}
	rl.rlim_cur = rl.rlim_max;
	setrlimit(RLIMIT_NOFILE, &rl);
}

int main(int argc, char **argv)
{
	int ret = 0;

	if (parse_options(argc, argv))
		return 1;
	raise_nofile_limit();
	setup();

	/* The first request is INIT; answer it before going to background. */
	while (fs.init_state == 0 && ret == 0)
		ret = serve_one();
	if (fs.init_state != 1) {
		warnmsg("FUSE_INIT failed");
		umount2(fs.mountpoint, MNT_DETACH);
		return 1;
	}
	if (opt.passthrough && !fs.passthrough) {
		warnmsg("the kernel does not offer FUSE passthrough");
		umount2(fs.mountpoint, MNT_DETACH);
		return EXIT_NO_PASSTHROUGH;
	}

	if (!opt.foreground)
		daemonize();

	do {
		ret = serve_one();
	} while (ret == 0);
	return ret < 0 ? 1 : 0;
}
