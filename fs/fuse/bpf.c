// SPDX-License-Identifier: GPL-2.0
/*
 * FUSE passthrough filters in BPF.
 *
 * A server attaches a struct_ops map of type fuse_inode_bpf_ops to its
 * connection, naming the connection by its /dev/fuse descriptor in
 * @fuse_fd.  From then on the programs see the operations that pass
 * through to backing objects, as the server would see them: the request
 * and the reply of the operation, and the node id of the inode.  A
 * pre-filter decides where the operation goes; a post-filter may change
 * its result.  Nothing is converted for a program that is not there, and
 * nothing at all is done without programs attached (a static key).
 *
 * Programs are not sleepable and run under RCU: detaching them waits for
 * a grace period, after which no call is in progress.
 */

#include <linux/bpf.h>
#include <linux/bpf_verifier.h>
#include <linux/btf.h>
#include <linux/file.h>
#include <linux/init.h>
#include <linux/mutex.h>

#include "bpf.h"
#include "dev.h"
#include "fuse_dev_i.h"
#include "fuse_i.h"

DEFINE_STATIC_KEY_FALSE(fuse_bpf_attached);

/* Serialises attaching and detaching */
static DEFINE_MUTEX(fuse_bpf_mutex);

/* The types programs may write to, from the vmlinux BTF */
static s32 fuse_bpf_attr_out_id;

static struct fuse_inode_bpf_ops *fuse_bpf_ops(struct inode *inode)
{
	return rcu_dereference(get_fuse_conn(inode)->bpf_inode_ops);
}

/*
 * What a pre-filter returns is not checked by the verifier: anything but
 * a verdict or an errno is the program's bug, and fails the operation.
 */
static int fuse_bpf_verdict(int ret)
{
	if (ret == FUSE_BPF_BACKING || ret == FUSE_BPF_SERVER ||
	    ret == FUSE_BPF_ANSWERED || (ret < 0 && ret >= -MAX_ERRNO))
		return ret;
	return -EIO;
}

/* Nor is what a post-filter returns: 0 or an errno */
static int fuse_bpf_error(int ret)
{
	return ret <= 0 && ret >= -MAX_ERRNO ? ret : -EIO;
}

int fuse_bpf_getattr_pre(struct inode *inode, const struct fuse_getattr_in *in,
			 struct fuse_attr_out *out)
{
	struct fuse_inode_bpf_ops *ops;
	int ret = FUSE_BPF_BACKING;

	rcu_read_lock();
	ops = fuse_bpf_ops(inode);
	if (ops && ops->getattr_pre)
		ret = fuse_bpf_verdict(ops->getattr_pre(get_node_id(inode), in,
							out));
	rcu_read_unlock();
	return ret;
}

bool fuse_bpf_has_getattr_post(struct inode *inode)
{
	bool has;

	rcu_read_lock();
	has = fuse_bpf_ops(inode) && fuse_bpf_ops(inode)->getattr_post;
	rcu_read_unlock();
	return has;
}

int fuse_bpf_getattr_post(struct inode *inode,
			  const struct fuse_getattr_in *in,
			  struct fuse_attr_out *out, int err)
{
	struct fuse_inode_bpf_ops *ops;

	rcu_read_lock();
	ops = fuse_bpf_ops(inode);
	if (ops && ops->getattr_post)
		err = fuse_bpf_error(ops->getattr_post(get_node_id(inode), in,
						       out, err));
	rcu_read_unlock();
	return err;
}

/* The connection of a server's /dev/fuse descriptor, with a reference */
static struct fuse_conn *fuse_bpf_conn_get(int fd)
{
	struct fuse_conn *fc;
	struct fuse_dev *fud;

	CLASS(fd, f)(fd);
	if (fd_empty(f))
		return ERR_PTR(-EBADF);
	if (fd_file(f)->f_op != &fuse_dev_operations)
		return ERR_PTR(-EINVAL);
	fud = fuse_get_dev(fd_file(f));
	if (IS_ERR(fud))
		return ERR_CAST(fud);
	fc = fud->chan->conn;
	/* The filters see operations that pass through inode operations */
	if (!fc->passthrough_ino)
		return ERR_PTR(-EOPNOTSUPP);
	return fuse_conn_get(fc);
}

static int fuse_bpf_inode_reg(void *kdata, struct bpf_link *link)
{
	struct fuse_inode_bpf_ops *ops = kdata;
	struct fuse_conn *fc;
	int err = 0;

	/* A map is attached once */
	if (ops->fc)
		return -EBUSY;
	fc = fuse_bpf_conn_get(ops->fuse_fd);
	if (IS_ERR(fc))
		return PTR_ERR(fc);

	mutex_lock(&fuse_bpf_mutex);
	if (rcu_access_pointer(fc->bpf_inode_ops)) {
		err = -EBUSY;
	} else {
		ops->fc = fc;
		static_branch_inc(&fuse_bpf_attached);
		rcu_assign_pointer(fc->bpf_inode_ops, ops);
	}
	mutex_unlock(&fuse_bpf_mutex);
	if (err)
		fuse_conn_put(fc);
	return err;
}

static void fuse_bpf_inode_unreg(void *kdata, struct bpf_link *link)
{
	struct fuse_inode_bpf_ops *ops = kdata;
	struct fuse_conn *fc = ops->fc;

	if (!fc)
		return;
	mutex_lock(&fuse_bpf_mutex);
	RCU_INIT_POINTER(fc->bpf_inode_ops, NULL);
	ops->fc = NULL;
	mutex_unlock(&fuse_bpf_mutex);
	/* No program of @ops runs once readers are done */
	synchronize_rcu();
	static_branch_dec(&fuse_bpf_attached);
	fuse_conn_put(fc);
}

static int fuse_bpf_init(struct btf *btf)
{
	fuse_bpf_attr_out_id = btf_find_by_name_kind(btf, "fuse_attr_out",
						     BTF_KIND_STRUCT);
	return fuse_bpf_attr_out_id < 0 ? fuse_bpf_attr_out_id : 0;
}

static int fuse_bpf_check_member(const struct btf_type *t,
				 const struct btf_member *member,
				 const struct bpf_prog *prog)
{
	/* Called under RCU */
	return prog->sleepable ? -EINVAL : 0;
}

static int fuse_bpf_init_member(const struct btf_type *t,
				const struct btf_member *member,
				void *kdata, const void *udata)
{
	const struct fuse_inode_bpf_ops *uops = udata;
	struct fuse_inode_bpf_ops *ops = kdata;

	if (__btf_member_bit_offset(t, member) / 8 !=
	    offsetof(struct fuse_inode_bpf_ops, fuse_fd))
		return 0;
	ops->fuse_fd = uops->fuse_fd;
	return 1;
}

/* Programs may write the reply, and nothing else */
static int fuse_bpf_struct_access(struct bpf_verifier_log *log,
				  const struct bpf_reg_state *reg,
				  int off, int size)
{
	if (reg->btf_id != fuse_bpf_attr_out_id) {
		bpf_log(log, "fuse: only the reply may be written\n");
		return -EACCES;
	}
	if (off < 0 || size <= 0 || off + size > sizeof(struct fuse_attr_out)) {
		bpf_log(log, "fuse: write of %d bytes at %d out of the reply\n",
			size, off);
		return -EACCES;
	}
	return NOT_INIT;
}

static const struct bpf_verifier_ops fuse_bpf_verifier_ops = {
	.get_func_proto = bpf_base_func_proto,
	.is_valid_access = bpf_tracing_btf_ctx_access,
	.btf_struct_access = fuse_bpf_struct_access,
};

static int fuse_bpf_getattr_pre_stub(u64 nodeid,
				     const struct fuse_getattr_in *in,
				     struct fuse_attr_out *out)
{
	return FUSE_BPF_BACKING;
}

static int fuse_bpf_getattr_post_stub(u64 nodeid,
				      const struct fuse_getattr_in *in,
				      struct fuse_attr_out *out, int err)
{
	return err;
}

static struct fuse_inode_bpf_ops fuse_bpf_inode_stubs = {
	.getattr_pre = fuse_bpf_getattr_pre_stub,
	.getattr_post = fuse_bpf_getattr_post_stub,
};

static struct bpf_struct_ops fuse_bpf_inode_struct_ops = {
	.verifier_ops = &fuse_bpf_verifier_ops,
	.init = fuse_bpf_init,
	.check_member = fuse_bpf_check_member,
	.init_member = fuse_bpf_init_member,
	.reg = fuse_bpf_inode_reg,
	.unreg = fuse_bpf_inode_unreg,
	.name = "fuse_inode_bpf_ops",
	.cfi_stubs = &fuse_bpf_inode_stubs,
	.owner = THIS_MODULE,
};

static int __init fuse_bpf_struct_ops_init(void)
{
	return register_bpf_struct_ops(&fuse_bpf_inode_struct_ops,
				       fuse_inode_bpf_ops);
}
late_initcall(fuse_bpf_struct_ops_init);
