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
 * a grace period, after which no call is in progress.  They are detached
 * when the link goes, or when the connection does, whichever is first:
 * the connection is held only while attached.
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

/* The replies, which programs may write, by their id in the vmlinux BTF */
static const char * const fuse_bpf_reply_names[] = {
	"fuse_attr_out",
	"fuse_statfs_out",
};

static s32 fuse_bpf_reply_ids[ARRAY_SIZE(fuse_bpf_reply_names)];
static const struct btf *fuse_bpf_btf;

static struct fuse_inode_bpf_ops *fuse_bpf_ops(struct inode *inode)
{
	return rcu_dereference(get_fuse_conn(inode)->bpf_inode_ops);
}

/* An errno a server may reply (fuse_dev_do_write()), or 0 */
static bool fuse_bpf_valid_error(int ret)
{
	return ret <= 0 && ret > -512;
}

/*
 * What a pre-filter returns is not checked by the verifier: anything but
 * a verdict or an errno is the program's bug, and fails the operation.
 */
static int fuse_bpf_verdict(int ret)
{
	if (ret == FUSE_BPF_TO_SERVER || ret == FUSE_BPF_REPLIED ||
	    fuse_bpf_valid_error(ret))
		return ret;
	return -EIO;
}

/* Nor is what a post-filter returns: 0 or an errno */
static int fuse_bpf_error(int ret)
{
	return fuse_bpf_valid_error(ret) ? ret : -EIO;
}

int fuse_bpf_getattr_pre(struct inode *inode, const struct fuse_getattr_in *in,
			 struct fuse_attr_out *out)
{
	struct fuse_inode_bpf_ops *ops;
	int ret = FUSE_BPF_TO_BACKING;

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
	struct fuse_inode_bpf_ops *ops;
	bool has;

	rcu_read_lock();
	ops = fuse_bpf_ops(inode);
	has = ops && ops->getattr_post;
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

int __fuse_bpf_statfs_pre(struct inode *inode, struct fuse_statfs_out *out)
{
	struct fuse_inode_bpf_ops *ops;
	int ret = FUSE_BPF_TO_BACKING;

	rcu_read_lock();
	ops = fuse_bpf_ops(inode);
	if (ops && ops->statfs_pre)
		ret = fuse_bpf_verdict(ops->statfs_pre(get_node_id(inode), out));
	rcu_read_unlock();
	return ret;
}

int __fuse_bpf_statfs_post(struct inode *inode, struct fuse_statfs_out *out,
			   int err)
{
	struct fuse_inode_bpf_ops *ops;

	rcu_read_lock();
	ops = fuse_bpf_ops(inode);
	if (ops && ops->statfs_post)
		err = fuse_bpf_error(ops->statfs_post(get_node_id(inode), out,
						      err));
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
	/* Not fuse_get_dev(): this runs under a lock of BPF's, and must not wait */
	fud = __fuse_get_dev(fd_file(f));
	if (!fud)
		return ERR_PTR(-ENOTCONN);
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

	/* Attached by a link, which goes with its holder: not by map update */
	if (!link)
		return -EOPNOTSUPP;
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

/* Detach @ops from its connection, if still attached; fuse_bpf_mutex held */
static struct fuse_conn *fuse_bpf_detach(struct fuse_inode_bpf_ops *ops)
{
	struct fuse_conn *fc = ops->fc;

	lockdep_assert_held(&fuse_bpf_mutex);
	if (fc) {
		RCU_INIT_POINTER(fc->bpf_inode_ops, NULL);
		ops->fc = NULL;
	}
	return fc;
}

/* After fuse_bpf_detach(): wait for the calls in progress, then let go */
static void fuse_bpf_detached(struct fuse_conn *fc)
{
	if (!fc)
		return;
	synchronize_rcu();
	static_branch_dec(&fuse_bpf_attached);
	fuse_conn_put(fc);
}

static void fuse_bpf_inode_unreg(void *kdata, struct bpf_link *link)
{
	struct fuse_conn *fc;

	mutex_lock(&fuse_bpf_mutex);
	fc = fuse_bpf_detach(kdata);
	mutex_unlock(&fuse_bpf_mutex);
	fuse_bpf_detached(fc);
}

/**
 * fuse_bpf_conn_destroy - detach the filters of a connection going away
 * @fc: the connection
 *
 * A link may outlive the connection (pinned, or held by another task):
 * the connection and what it holds must not wait for it.
 */
void fuse_bpf_conn_destroy(struct fuse_conn *fc)
{
	struct fuse_inode_bpf_ops *ops;

	mutex_lock(&fuse_bpf_mutex);
	ops = rcu_dereference_protected(fc->bpf_inode_ops,
					lockdep_is_held(&fuse_bpf_mutex));
	fc = ops ? fuse_bpf_detach(ops) : NULL;
	mutex_unlock(&fuse_bpf_mutex);
	fuse_bpf_detached(fc);
}

static int fuse_bpf_init(struct btf *btf)
{
	int i;

	for (i = 0; i < ARRAY_SIZE(fuse_bpf_reply_names); i++) {
		s32 id = btf_find_by_name_kind(btf, fuse_bpf_reply_names[i],
					       BTF_KIND_STRUCT);

		if (id < 0)
			return id;
		fuse_bpf_reply_ids[i] = id;
	}
	fuse_bpf_btf = btf;
	return 0;
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
	const struct btf_type *t;
	int i;

	for (i = 0; i < ARRAY_SIZE(fuse_bpf_reply_ids); i++)
		if (reg->btf == fuse_bpf_btf &&
		    reg->btf_id == fuse_bpf_reply_ids[i])
			break;
	if (i == ARRAY_SIZE(fuse_bpf_reply_ids)) {
		bpf_log(log, "fuse: only the reply may be written\n");
		return -EACCES;
	}
	t = btf_type_by_id(reg->btf, reg->btf_id);
	if (off < 0 || size <= 0 || off + size > t->size) {
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
	return FUSE_BPF_TO_BACKING;
}

static int fuse_bpf_getattr_post_stub(u64 nodeid,
				      const struct fuse_getattr_in *in,
				      struct fuse_attr_out *out, int err)
{
	return err;
}

static int fuse_bpf_statfs_pre_stub(u64 nodeid, struct fuse_statfs_out *out)
{
	return FUSE_BPF_TO_BACKING;
}

static int fuse_bpf_statfs_post_stub(u64 nodeid, struct fuse_statfs_out *out,
				     int err)
{
	return err;
}

static struct fuse_inode_bpf_ops fuse_bpf_inode_stubs = {
	.getattr_pre = fuse_bpf_getattr_pre_stub,
	.getattr_post = fuse_bpf_getattr_post_stub,
	.statfs_pre = fuse_bpf_statfs_pre_stub,
	.statfs_post = fuse_bpf_statfs_post_stub,
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

/* Called by fuse_init() */
int __init fuse_bpf_register(void)
{
	BTF_TYPE_EMIT_ENUM(FUSE_BPF_TO_BACKING);
	return register_bpf_struct_ops(&fuse_bpf_inode_struct_ops,
				       fuse_inode_bpf_ops);
}
