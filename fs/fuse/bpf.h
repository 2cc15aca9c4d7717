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
 * struct fuse_inode_bpf_ops - filters of the inode operations
 * @getattr_pre: before GETATTR passes through.  Returns FUSE_BPF_BACKING
 *	to go on to the backing object, FUSE_BPF_SERVER to ask the server,
 *	FUSE_BPF_ANSWERED after filling @out, or a negative errno.
 * @getattr_post: after GETATTR passed through, with the attributes the
 *	backing object gave in @out and the error; returns the error the
 *	caller gets, after changing @out if it likes.
 * @fuse_fd: the server's /dev/fuse descriptor, naming the connection the
 *	filters are attached to
 * @fc: the connection, set when attached
 *
 * Each filter gets the node id of the inode, as requests name it, and the
 * request and the reply of the operation as the server would see them.
 * Filters are not sleepable.
 */
struct fuse_inode_bpf_ops {
	int (*getattr_pre)(u64 nodeid, const struct fuse_getattr_in *in,
			   struct fuse_attr_out *out);
	int (*getattr_post)(u64 nodeid, const struct fuse_getattr_in *in,
			    struct fuse_attr_out *out, int err);
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
#else
static inline bool fuse_bpf_active(void)
{
	return false;
}

static inline int fuse_bpf_getattr_pre(struct inode *inode,
				       const struct fuse_getattr_in *in,
				       struct fuse_attr_out *out)
{
	return FUSE_BPF_BACKING;
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
#endif

#endif /* _FS_FUSE_BPF_H */
