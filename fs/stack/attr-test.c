// SPDX-License-Identifier: GPL-2.0-only
/*
 * KUnit tests of the attribute copy helpers (fs/stack/attr.c).
 */

#include <kunit/test.h>
#include <linux/backing-inode.h>
#include <linux/bits.h>
#include <linux/fs.h>
#include <linux/mnt_idmapping.h>
#include <linux/mount.h>
#include <linux/slab.h>
#include <linux/stat.h>
#include <linux/uidgid.h>

#include "stack-test.h"

/* Attributes of an inode, as compared by attr_copy_bits() */
enum {
	F_UID, F_GID, F_MODE, F_ATIME, F_ATIME_NS, F_MTIME, F_MTIME_NS,
	F_CTIME, F_CTIME_NS, F_SIZE, F_BLOCKS, F_NLINK, F_RDEV, F_BLKBITS,
	F_FLAGS, F_COUNT
};

static const char * const attr_field[F_COUNT] = {
	"uid", "gid", "mode", "atime", "atime_ns", "mtime", "mtime_ns",
	"ctime", "ctime_ns", "size", "blocks", "nlink", "rdev", "blkbits",
	"flags",
};

#define A_OWNER	(BIT(F_UID) | BIT(F_GID))
#define A_ATIME	(BIT(F_ATIME) | BIT(F_ATIME_NS))
#define A_TIMES	(A_ATIME | BIT(F_MTIME) | BIT(F_MTIME_NS) | \
		 BIT(F_CTIME) | BIT(F_CTIME_NS))
#define A_ALL	(BIT(F_COUNT) - 1)

static void attr_get(const struct inode *inode, u64 *v)
{
	v[F_UID] = __kuid_val(inode->i_uid);
	v[F_GID] = __kgid_val(inode->i_gid);
	v[F_MODE] = inode->i_mode;
	v[F_ATIME] = inode_get_atime_sec(inode);
	v[F_ATIME_NS] = inode_get_atime_nsec(inode);
	v[F_MTIME] = inode_get_mtime_sec(inode);
	v[F_MTIME_NS] = inode_get_mtime_nsec(inode);
	v[F_CTIME] = inode_get_ctime_sec(inode);
	v[F_CTIME_NS] = inode_get_ctime_nsec(inode);
	v[F_SIZE] = i_size_read(inode);
	v[F_BLOCKS] = inode->i_blocks;
	v[F_NLINK] = inode->i_nlink;
	v[F_RDEV] = inode->i_rdev;
	v[F_BLKBITS] = inode->i_blkbits;
	v[F_FLAGS] = inode->i_flags;
}

struct attr_case {
	const char *desc;
	unsigned int what;
	void (*copy)(struct inode *dst, const struct inode *src);
	unsigned int fields;
};

/*
 * SIZE copies i_size and nothing else, BLOCKS i_blocks and nothing else
 * (review finding 10: SIZE used to copy i_blocks as well), and
 * backing_inode_copy_size() both.
 */
static const struct attr_case attr_cases[] = {
	{ "none", 0, NULL, 0 },
	{ "OWNER", BACKING_ATTR_OWNER, NULL, A_OWNER },
	{ "MODE", BACKING_ATTR_MODE, NULL, BIT(F_MODE) },
	{ "TIMES", BACKING_ATTR_TIMES, NULL, A_TIMES },
	{ "ATIME", BACKING_ATTR_ATIME, NULL, A_ATIME },
	{ "SIZE", BACKING_ATTR_SIZE, NULL, BIT(F_SIZE) },
	{ "BLOCKS", BACKING_ATTR_BLOCKS, NULL, BIT(F_BLOCKS) },
	{ "NLINK", BACKING_ATTR_NLINK, NULL, BIT(F_NLINK) },
	{ "RDEV", BACKING_ATTR_RDEV, NULL, BIT(F_RDEV) },
	{ "BLKBITS", BACKING_ATTR_BLKBITS, NULL, BIT(F_BLKBITS) },
	{ "FLAGS", BACKING_ATTR_FLAGS, NULL, BIT(F_FLAGS) },
	{ "RAW_FLAGS", BACKING_ATTR_RAW_FLAGS, NULL, BIT(F_FLAGS) },
	{ "ALL", BACKING_ATTR_ALL, NULL, A_ALL },
	{ "copy_times", 0, backing_inode_copy_times, A_TIMES },
	{ "copy_atime", 0, backing_inode_copy_atime, A_ATIME },
	{ "copy_size", 0, backing_inode_copy_size,
	  BIT(F_SIZE) | BIT(F_BLOCKS) },
};

KUNIT_ARRAY_PARAM_DESC(attr, attr_cases, desc);

/* Give every attribute of @inode a value that depends on @v. */
static void attr_fill(struct inode *inode, unsigned int v)
{
	inode->i_uid = KUIDT_INIT(1000 + v);
	inode->i_gid = KGIDT_INIT(2000 + v);
	inode->i_mode = S_IFCHR | 0400 | v;
	inode_set_atime(inode, 100 + v, v);
	inode_set_mtime(inode, 200 + v, v);
	inode_set_ctime(inode, 300 + v, v);
	inode->i_size = 4096 * v + v;
	inode->i_blocks = 8 * v;
	inode->__i_nlink = v;
	inode->i_rdev = MKDEV(v, v);
	inode->i_blkbits = 9 + v;
	inode->i_flags = v;
}

/* Each BACKING_ATTR_* bit copies what it says and nothing else. */
static void attr_copy_bits(struct kunit *test)
{
	const struct attr_case *param = test->param_value;
	struct inode *src = stack_test_inode(test);
	struct inode *dst = stack_test_inode(test);
	u64 before[F_COUNT], from[F_COUNT], after[F_COUNT];
	int i;

	attr_fill(src, 1);
	attr_fill(dst, 2);
	attr_get(src, from);
	attr_get(dst, before);

	if (param->copy)
		param->copy(dst, src);
	else
		backing_inode_copy_attr(dst, src, NULL, param->what);

	attr_get(dst, after);
	for (i = 0; i < F_COUNT; i++) {
		KUNIT_ASSERT_NE(test, from[i], before[i]);
		KUNIT_EXPECT_EQ_MSG(test, after[i],
				    param->fields & BIT(i) ? from[i] : before[i],
				    "%s", attr_field[i]);
	}
}

/*
 * BACKING_ATTR_FLAGS mirrors only the flags the VFS acts on; the raw copy
 * takes the backing inode's own flags too.
 */
static void attr_copy_flags_mask(struct kunit *test)
{
	struct inode *src = stack_test_inode(test);
	struct inode *dst = stack_test_inode(test);
	struct inode *raw = stack_test_inode(test);

	src->i_flags = S_APPEND | S_NOATIME | S_SWAPFILE | S_DAX;
	dst->i_flags = S_IMMUTABLE | S_PRIVATE;
	raw->i_flags = S_IMMUTABLE | S_PRIVATE;

	backing_inode_copy_attr(dst, src, NULL, BACKING_ATTR_FLAGS);
	backing_inode_copy_attr(raw, src, NULL, BACKING_ATTR_RAW_FLAGS);

	KUNIT_EXPECT_EQ(test, dst->i_flags, S_APPEND | S_NOATIME | S_PRIVATE);
	KUNIT_EXPECT_EQ(test, raw->i_flags, src->i_flags);
}

/* Without an idmap, or with the identity one, the owner is copied as is. */
static void attr_copy_owner_nop_idmap(struct kunit *test)
{
	struct stack_test *st = test->priv;
	struct path *file = stack_test_make(test, &st->root, "f",
					    S_IFREG | 0640, NULL);
	struct inode *dst = stack_test_inode(test);
	struct inode *src = d_inode(file->dentry);
	struct iattr attr = {
		.ia_valid = ATTR_UID | ATTR_GID,
		.ia_vfsuid = VFSUIDT_INIT(KUIDT_INIT(STACK_TEST_UID)),
		.ia_vfsgid = VFSGIDT_INIT(KGIDT_INIT(STACK_TEST_GID)),
	};

	KUNIT_ASSERT_EQ(test, stack_test_raw_setattr(file, &attr), 0);
	KUNIT_ASSERT_PTR_EQ(test, mnt_idmap(file->mnt), &nop_mnt_idmap);

	backing_inode_copy_attr(dst, src, &nop_mnt_idmap, BACKING_ATTR_OWNER);
	KUNIT_EXPECT_EQ(test, __kuid_val(dst->i_uid), STACK_TEST_UID);
	KUNIT_EXPECT_EQ(test, __kgid_val(dst->i_gid), STACK_TEST_GID);

	dst->i_uid = GLOBAL_ROOT_UID;
	dst->i_gid = GLOBAL_ROOT_GID;
	backing_inode_copy_attr(dst, src, NULL, BACKING_ATTR_OWNER);
	KUNIT_EXPECT_EQ(test, __kuid_val(dst->i_uid), STACK_TEST_UID);
	KUNIT_EXPECT_EQ(test, __kgid_val(dst->i_gid), STACK_TEST_GID);
}

struct attr_idmap_case {
	const char *desc;
	u32 first;
	u32 lower_first;
	u32 count;
	u32 uid;		/* owner of the backing inode */
	u32 gid;
	u32 want_uid;		/* owner of the stacked inode */
	u32 want_gid;
};

static const struct attr_idmap_case attr_idmap_cases[] = {
	{ "shifted", 0, 100000, 65536,
	  STACK_TEST_UID, STACK_TEST_GID,
	  100000 + STACK_TEST_UID, 100000 + STACK_TEST_GID },
	{ "shifted_root", 0, 100000, 65536, 0, 0, 100000, 100000 },
	{ "range_start", 1000, 5000, 10, 1000, 1009, 5000, 5009 },
	{ "unmapped_below", 2000, 5000, 10, 1999, 1999,
	  (u32)-1, (u32)-1 },
	{ "unmapped_above", 2000, 5000, 10, 2010, 2010,
	  (u32)-1, (u32)-1 },
};

KUNIT_ARRAY_PARAM_DESC(attr_idmap, attr_idmap_cases, desc);

/*
 * The owner is copied as seen through the idmap of the backing mount: a
 * real, non-identity idmap shifts it, and an owner the idmap does not map
 * becomes the invalid id, as stat(2) on the idmapped mount shows it.
 */
static void attr_copy_owner_idmap(struct kunit *test)
{
	const struct attr_idmap_case *param = test->param_value;
	struct mnt_idmap *idmap;
	struct inode *src, *dst;

	/* Without user namespaces, every idmap maps ids to themselves */
	if (!IS_ENABLED(CONFIG_USER_NS))
		kunit_skip(test, "needs CONFIG_USER_NS");
	idmap = stack_test_idmap(test, param->first, param->lower_first,
				 param->count);
	src = stack_test_inode(test);
	dst = stack_test_inode(test);

	src->i_uid = KUIDT_INIT(param->uid);
	src->i_gid = KGIDT_INIT(param->gid);
	dst->i_mode = S_IFREG | 0600;

	backing_inode_copy_attr(dst, src, idmap, BACKING_ATTR_OWNER);
	KUNIT_EXPECT_EQ(test, __kuid_val(dst->i_uid), param->want_uid);
	KUNIT_EXPECT_EQ(test, __kgid_val(dst->i_gid), param->want_gid);
	KUNIT_EXPECT_EQ(test, dst->i_mode, S_IFREG | 0600);
	/* the backing inode is only read */
	KUNIT_EXPECT_EQ(test, __kuid_val(src->i_uid), param->uid);
}

/*
 * On a real file with data: SIZE alone leaves i_blocks of the stacked
 * inode alone (review finding 10), backing_inode_copy_size() copies both.
 */
static void attr_copy_size_blocks(struct kunit *test)
{
	struct stack_test *st = test->priv;
	struct path *file = stack_test_make(test, &st->root, "f",
					    S_IFREG | 0640, NULL);
	struct inode *src = d_inode(file->dentry);
	struct inode *size_only = stack_test_inode(test);
	struct inode *both = stack_test_inode(test);
	size_t len = 3 * PAGE_SIZE + 1;
	void *buf;

	buf = kunit_kzalloc(test, len, GFP_KERNEL);
	KUNIT_ASSERT_NOT_NULL(test, buf);
	stack_test_write(test, file, buf, len, 0);
	KUNIT_ASSERT_EQ(test, i_size_read(src), (loff_t)len);
	KUNIT_ASSERT_GT(test, src->i_blocks, 0);

	size_only->i_blocks = 1;
	backing_inode_copy_attr(size_only, src, NULL, BACKING_ATTR_SIZE);
	KUNIT_EXPECT_EQ(test, i_size_read(size_only), (loff_t)len);
	KUNIT_EXPECT_EQ(test, size_only->i_blocks, 1);

	both->i_mode = S_IFREG | 0600;
	backing_inode_copy_size(both, src);
	KUNIT_EXPECT_EQ(test, i_size_read(both), (loff_t)len);
	KUNIT_EXPECT_EQ(test, both->i_blocks, src->i_blocks);
	KUNIT_EXPECT_EQ(test, both->i_mode, S_IFREG | 0600);
}

static struct kunit_case attr_test_cases[] = {
	KUNIT_CASE_PARAM(attr_copy_bits, attr_gen_params),
	KUNIT_CASE(attr_copy_flags_mask),
	KUNIT_CASE(attr_copy_owner_nop_idmap),
	KUNIT_CASE_PARAM(attr_copy_owner_idmap, attr_idmap_gen_params),
	KUNIT_CASE(attr_copy_size_blocks),
	{}
};

static struct kunit_suite attr_test_suite = {
	.name = "fs_stack_attr",
	.init = stack_test_init,
	.test_cases = attr_test_cases,
};

kunit_test_suite(attr_test_suite);
