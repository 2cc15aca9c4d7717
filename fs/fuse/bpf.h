/* SPDX-License-Identifier: GPL-2.0 */
/*
 * FUSE passthrough filters in BPF: struct_ops a server attaches to its
 * connection, called before and after the operations that pass through.
 */
#ifndef _FS_FUSE_BPF_H
#define _FS_FUSE_BPF_H

#include <linux/fuse.h>
#include <linux/jump_label.h>
#include <linux/types.h>

struct fuse_conn;
struct inode;

/**
 * enum fuse_bpf_verdict - where a pre-filter sends an operation
 * @FUSE_BPF_TO_BACKING: on to the backing object, as without the filter
 * @FUSE_BPF_TO_SERVER: to the server, whatever the operation mask says
 * @FUSE_BPF_REPLIED: nowhere: the program filled the reply in
 *
 * A negative errno fails the operation instead.  Programs find these in
 * the kernel's BTF.
 */
enum fuse_bpf_verdict {
	FUSE_BPF_TO_BACKING = 0,
	FUSE_BPF_TO_SERVER = 1,
	FUSE_BPF_REPLIED = 2,
};

/**
 * struct fuse_inode_bpf_ops - filters of the inode operations
 * @getattr_pre: before GETATTR passes through; returns a verdict (enum
 *	fuse_bpf_verdict, FUSE_BPF_REPLIED after filling @out) or a negative
 *	errno
 * @getattr_post: after GETATTR passed through, with the attributes the
 *	backing object gave in @out and the error; returns the error the
 *	caller gets, after changing @out if it likes.
 * @statfs_pre: before STATFS passes through, as @getattr_pre
 * @statfs_post: after STATFS passed through, as @getattr_post
 * @fuse_fd: the server's /dev/fuse descriptor, naming the connection the
 *	filters are attached to, in the file table of the task that creates
 *	the link
 * @fc: the connection, while attached
 *
 * Each filter gets the node id of the inode in the connection (with
 * FUSE_NODEID_KERNEL set for an inode the kernel looked up itself, which
 * the server may not know), and the request and the reply of the
 * operation as the server would see them.  Filters are not sleepable.
 */
struct fuse_inode_bpf_ops {
	int (*getattr_pre)(u64 nodeid, const struct fuse_getattr_in *in,
			   struct fuse_attr_out *out);
	int (*getattr_post)(u64 nodeid, const struct fuse_getattr_in *in,
			    struct fuse_attr_out *out, int err);
	int (*statfs_pre)(u64 nodeid, struct fuse_statfs_out *out);
	int (*statfs_post)(u64 nodeid, struct fuse_statfs_out *out, int err);
	int fuse_fd;
	struct fuse_conn *fc;
};

#ifdef CONFIG_FUSE_BPF
DECLARE_STATIC_KEY_FALSE(fuse_bpf_attached);

/* Are filters attached to any connection?  Costs nothing when not. */
static inline bool fuse_bpf_active(void)
{
	return static_branch_unlikely(&fuse_bpf_attached);
}

int fuse_bpf_getattr_pre(struct inode *inode, const struct fuse_getattr_in *in,
			 struct fuse_attr_out *out);
int fuse_bpf_getattr_post(struct inode *inode,
			  const struct fuse_getattr_in *in,
			  struct fuse_attr_out *out, int err);
bool fuse_bpf_has_getattr_post(struct inode *inode);
int fuse_bpf_register(void);
void fuse_bpf_conn_destroy(struct fuse_conn *fc);
int __fuse_bpf_statfs_pre(struct inode *inode, struct fuse_statfs_out *out);
int __fuse_bpf_statfs_post(struct inode *inode, struct fuse_statfs_out *out,
			   int err);

static inline int fuse_bpf_statfs_pre(struct inode *inode,
				      struct fuse_statfs_out *out)
{
	return fuse_bpf_active() ? __fuse_bpf_statfs_pre(inode, out) :
				   FUSE_BPF_TO_BACKING;
}

static inline int fuse_bpf_statfs_post(struct inode *inode,
				       struct fuse_statfs_out *out, int err)
{
	return fuse_bpf_active() ? __fuse_bpf_statfs_post(inode, out, err) :
				   err;
}
#else
static inline bool fuse_bpf_active(void)
{
	return false;
}

static inline int fuse_bpf_getattr_pre(struct inode *inode,
				       const struct fuse_getattr_in *in,
				       struct fuse_attr_out *out)
{
	return FUSE_BPF_TO_BACKING;
}

static inline int fuse_bpf_getattr_post(struct inode *inode,
					const struct fuse_getattr_in *in,
					struct fuse_attr_out *out, int err)
{
	return err;
}

static inline bool fuse_bpf_has_getattr_post(struct inode *inode)
{
	return false;
}

static inline int fuse_bpf_statfs_pre(struct inode *inode,
				      struct fuse_statfs_out *out)
{
	return FUSE_BPF_TO_BACKING;
}

static inline int fuse_bpf_register(void)
{
	return 0;
}

static inline void fuse_bpf_conn_destroy(struct fuse_conn *fc)
{
}

static inline int fuse_bpf_statfs_post(struct inode *inode,
				       struct fuse_statfs_out *out, int err)
{
	return err;
}
#endif

#endif /* _FS_FUSE_BPF_H */
