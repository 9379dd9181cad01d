// SPDX-License-Identifier: GPL-2.0
/*
 * Register map validation: one variant per rule of
 * Documentation/register-devices.rst, "Validation". Each variant breaks
 * (or legitimately changes) one thing in a valid map that uses every
 * register type, a link of each kind and both kinds of interrupt line,
 * and expects vmdev_rdev_check() and vmdev_rdev_create() to agree.
 */
#include "kselftest_harness.h"
#include "core_test.h"

enum {
	R_RW, R_RO, R_W1C, R_FIN, R_FOUT, R_CNT, R_DB, R_ID, R_CONST, R_TRAP,
	R_HID, R_W1S, R_COR, R_B0, R_B1, R_NR
};

static void base_map(struct core_map *m)
{
	struct vmdev_reg r;

	core_map_init(m, VMDEV_DEV_F_HOLE_ONES, 64);
	r = core_reg(0, 4, VMDEV_REG_RW);
	r.wmask = 0xffffffff;
	core_add_reg(m, r);
	core_add_reg(m, core_reg(4, 4, VMDEV_REG_RO));
	r = core_reg(8, 4, VMDEV_REG_W1C);
	r.wmask = 0xff;
	core_add_reg(m, r);
	core_add_reg(m, core_fifo(12, 4, VMDEV_REG_FIFO_IN, 4));
	core_add_reg(m, core_fifo(12, 4, VMDEV_REG_FIFO_OUT, 4));
	r = core_reg(16, 8, VMDEV_REG_COUNTER);
	r.arg.counter.mult = 1;
	core_add_reg(m, r);
	core_add_reg(m, core_reg(24, 4, VMDEV_REG_DOORBELL));
	r = core_reg(28, 1, VMDEV_REG_IRQ_ID);
	r.arg.irq_id.nr_prio = 2;
	r.arg.irq_id.prio[0] = 0;
	r.arg.irq_id.prio[1] = 1;
	r.arg.irq_id.code[0] = 2;
	r.arg.irq_id.code[1] = 4;
	r.arg.irq_id.id_mask = 0x6;
	core_add_reg(m, r);
	core_add_reg(m, core_reg(29, 1, VMDEV_REG_CONST));
	core_add_reg(m, core_reg(32, 4, VMDEV_REG_TRAP));
	r = core_reg(0, 4, VMDEV_REG_RO);
	r.flags = VMDEV_REG_F_HIDDEN;
	core_add_reg(m, r);
	r = core_reg(36, 4, VMDEV_REG_W1S);
	r.wmask = 0xf;
	r.arg.target.flags = VMDEV_TARGET_F_OTHER;
	r.arg.target.target = R_HID;
	core_add_reg(m, r);
	core_add_reg(m, core_reg(40, 2, VMDEV_REG_COR));
	core_add_reg(m, core_bank(core_reg(44, 4, VMDEV_REG_RW), R_RW, 1, 0));
	core_add_reg(m, core_bank(core_reg(44, 4, VMDEV_REG_RW), R_RW, 1, 1));
	core_add_link(m, R_FIN, R_RO, VMDEV_LINK_NOTFULL, 0x1);
	core_add_link(m, R_FOUT, R_HID, VMDEV_LINK_NONEMPTY, 0x2);
	core_add_irq(m, R_HID, R_RW, 0, VMDEV_IRQ_F_LEVEL);
	core_add_irq(m, R_RO, VMDEV_SEL_NONE, 0x3, 0);
}

FIXTURE(check) {
	struct core_map m;
};

FIXTURE_VARIANT(check) {
	void (*mutate)(struct core_map *m);
	int err;
};

FIXTURE_SETUP(check)
{
	base_map(&self->m);
	ASSERT_EQ((u32)R_NR, self->m.desc.nr_regs);
}

FIXTURE_TEARDOWN(check)
{
}

/* Doorbells past the base map, which has one already. */
static void add_doorbells(struct core_map *m, u32 n)
{
	u32 i;

	m->desc.dev_size = 256;
	for (i = 0; i < n; i++)
		core_add_reg(m, core_reg(64 + i, 1, VMDEV_REG_DOORBELL));
}

/* One variant: a mutation of the base map and the result it must get. */
#define CASE(name, error, ...)						\
	static void mutate_##name(struct core_map *m) { __VA_ARGS__; }	\
	FIXTURE_VARIANT_ADD(check, name) {				\
		.mutate = mutate_##name, .err = (error),		\
	}

#define REG(i)		(m->regs[i])

/*
 * Out-of-range indices point at REG(R_NR), just past the map's count,
 * filled with a register that would otherwise be acceptable: only the
 * range check can reject them.
 */

/* Maps that must be accepted. */
CASE(valid, 0, (void)m);
CASE(valid_no_regs, 0,
	m->desc.nr_regs = 0; m->desc.nr_links = 0; m->desc.nr_irqs = 0);
CASE(valid_max_dev_size, 0, m->desc.dev_size = 1 << 20);
CASE(valid_hidden_overlaps_mapped, 0,
	core_add_reg(m, REG(R_HID)));
CASE(valid_banks_differ_in_common_bit, 0,
	REG(R_B1).sel_mask = 3; REG(R_B1).sel_val = 1);
CASE(valid_adjacent, 0,
	core_add_reg(m, core_reg(48, 4, VMDEV_REG_RO)));
CASE(valid_other_direction, 0,
	REG(R_DB).flags = VMDEV_REG_F_NOREAD;
	core_add_reg(m, core_reg(24, 4, VMDEV_REG_RO));
	REG(R_NR).flags = VMDEV_REG_F_NOWRITE);
CASE(valid_max_doorbells, 0,
	add_doorbells(m, VMDEV_RDEV_MAX_DOORBELLS - 1));

/* Device. */
CASE(dev_flags_unknown, -EINVAL, m->desc.flags = 1U << 2);
CASE(dev_size_zero, -EINVAL, m->desc.nr_regs = 0; m->desc.nr_links = 0;
	m->desc.nr_irqs = 0; m->desc.dev_size = 0);
CASE(dev_size_over_1mib, -EINVAL, m->desc.dev_size = (1 << 20) + 1);
CASE(too_many_regs, -E2BIG, m->desc.nr_regs = VMDEV_MAX_REGS + 1);
CASE(too_many_links, -E2BIG, m->desc.nr_links = VMDEV_MAX_LINKS + 1);
CASE(too_many_irqs, -E2BIG, m->desc.nr_irqs = VMDEV_MAX_IRQS + 1);
CASE(too_many_doorbells, -E2BIG,
	add_doorbells(m, VMDEV_RDEV_MAX_DOORBELLS));
CASE(regs_null, -EINVAL, m->desc.regs = NULL);
CASE(links_null, -EINVAL, m->desc.links = NULL);
CASE(irqs_null, -EINVAL, m->desc.irqs = NULL);

/* Register placement and fields. */
CASE(width_0, -EINVAL, REG(R_CONST).width = 0);
CASE(width_3, -EINVAL, REG(R_DB).width = 3);
CASE(width_16, -EINVAL, REG(R_CNT).width = 16);
CASE(misaligned, -EINVAL, REG(R_COR).offset = 41);
CASE(reg_past_end, -EINVAL, m->desc.dev_size = 46);
CASE(reg_outside_window, -EINVAL, REG(R_COR).offset = 64);
CASE(reg_offset_wraps, -EINVAL, REG(R_COR).offset = 0xfffffffe);
CASE(hidden_offset_nonzero, -EINVAL, REG(R_HID).offset = 4);
CASE(type_unknown, -EINVAL, REG(R_RW).type = VMDEV_REG_TYPE_COUNT);
CASE(reg_flags_unknown, -EINVAL, REG(R_RW).flags = 1U << 4);
CASE(noread_and_nowrite, -EINVAL,
	REG(R_RW).flags = VMDEV_REG_F_NOREAD | VMDEV_REG_F_NOWRITE);
CASE(pad0_nonzero, -EINVAL, REG(R_RW).pad0 = 1);
CASE(pad1_nonzero, -EINVAL, REG(R_RW).pad1 = 1);
CASE(pad2_nonzero, -EINVAL, REG(R_RW).pad2 = 1);
CASE(arg_tail_last_byte, -EINVAL, REG(R_FIN).arg.raw[19] = 1);
CASE(reset_too_wide, -EINVAL, REG(R_CONST).reset = 0x100);
CASE(wmask_too_wide, -EINVAL, REG(R_COR).wmask = 0x10000);

/* Selectors. */
CASE(sel_none_with_mask, -EINVAL, REG(R_RW).sel_mask = 1);
CASE(sel_none_with_val, -EINVAL, REG(R_RW).sel_val = 1);
CASE(sel_reg_out_of_range, -EINVAL,
	REG(R_NR) = REG(R_RW); REG(R_COR) = core_bank(REG(R_COR), R_NR, 1, 0));
CASE(sel_reg_self, -EINVAL,
	REG(R_COR) = core_bank(REG(R_COR), R_COR, 1, 0));
CASE(sel_mask_zero, -EINVAL,
	REG(R_COR) = core_bank(REG(R_COR), R_RW, 0, 0));
CASE(sel_val_outside_mask, -EINVAL, REG(R_B1).sel_val = 3);

/* Type arguments. */
CASE(fifo_depth_zero, -EINVAL, REG(R_FIN).arg.fifo.depth = 0);
CASE(fifo_depth_too_big, -EINVAL,
	REG(R_FOUT).arg.fifo.depth = VMDEV_MAX_FIFO + 1);
/* The room NOTFULL stands for: at most the depth (4 here). */
CASE(fifo_room_over_depth, -EINVAL, REG(R_FIN).arg.fifo.room = 5);
CASE(fifo_room_depth, 0, REG(R_FOUT).arg.fifo.room = 4);
CASE(fifo_partial, -EINVAL, REG(R_FOUT).flags |= VMDEV_REG_F_PARTIAL);
CASE(fifo_arg_tail, -EINVAL, REG(R_FIN).arg.raw[8] = 1);
CASE(counter_mult_zero, -EINVAL, REG(R_CNT).arg.counter.mult = 0);
CASE(counter_shift_64, -EINVAL, REG(R_CNT).arg.counter.shift = 64);
CASE(counter_arg_tail, -EINVAL, REG(R_CNT).arg.raw[15] = 1);
CASE(target_flags_unknown, -EINVAL, REG(R_W1S).arg.target.flags = 2);
CASE(target_self_with_index, -EINVAL, REG(R_W1C).arg.target.target = 1);
CASE(target_other_is_self, -EINVAL, REG(R_W1S).arg.target.target = R_W1S);
CASE(target_const, -EINVAL, REG(R_W1S).arg.target.target = R_CONST);
CASE(target_fifo, -EINVAL, REG(R_W1S).arg.target.target = R_FIN);
CASE(target_counter, -EINVAL, REG(R_W1S).arg.target.target = R_CNT);
CASE(target_arg_tail, -EINVAL, REG(R_W1C).arg.raw[12] = 1);
CASE(irq_id_line_out_of_range, -EINVAL, REG(R_ID).arg.irq_id.line = 2);
CASE(irq_id_nr_prio_7, -EINVAL, REG(R_ID).arg.irq_id.nr_prio = 7);
CASE(irq_id_prio_64, -EINVAL, REG(R_ID).arg.irq_id.prio[1] = 64);
CASE(irq_id_unused_prio, -EINVAL, REG(R_ID).arg.irq_id.prio[2] = 3);
CASE(irq_id_unused_code, -EINVAL, REG(R_ID).arg.irq_id.code[5] = 1);
CASE(irq_id_pad, -EINVAL, REG(R_ID).arg.irq_id.pad[1] = 1);
CASE(plain_arg_nonzero, -EINVAL, REG(R_RW).arg.raw[0] = 1);
CASE(trap_arg_nonzero, -EINVAL, ((u8 *)&REG(R_TRAP).arg)[19] = 1);

/* Overlaps. */
CASE(overlap_same_offset, -EINVAL,
	core_add_reg(m, core_reg(0, 4, VMDEV_REG_RO)));
CASE(overlap_partial, -EINVAL,
	core_add_reg(m, core_reg(6, 2, VMDEV_REG_CONST)));
CASE(overlap_containment, -EINVAL,
	core_add_reg(m, core_reg(0, 8, VMDEV_REG_RW)));
CASE(overlap_write_side, -EINVAL,
	core_add_reg(m, core_fifo(12, 2, VMDEV_REG_FIFO_IN, 1)));
CASE(overlap_banked_on_other_reg, -EINVAL, REG(R_B1).sel_reg = R_RO);
CASE(overlap_bank_bit_tested_by_one_only, -EINVAL,
	REG(R_B0).sel_mask = 3; REG(R_B0).sel_val = 1;
	REG(R_B1).sel_mask = 2; REG(R_B1).sel_val = 0);
CASE(overlap_bank_same_value, -EINVAL, REG(R_B1).sel_val = 0);
CASE(overlap_bank_disjoint_masks, -EINVAL,
	REG(R_B1).sel_mask = 2; REG(R_B1).sel_val = 2);
CASE(overlap_banked_and_unbanked, -EINVAL,
	core_add_reg(m, core_reg(46, 2, VMDEV_REG_RO)));

/* Links. (dst == src is also a FIFO dst: the rules overlap there.) */
CASE(link_src_out_of_range, -EINVAL,
	REG(R_NR) = REG(R_FIN); m->links[0].src = R_NR);
CASE(link_dst_out_of_range, -EINVAL,
	REG(R_NR) = REG(R_RO); m->links[0].dst = R_NR);
CASE(link_src_not_fifo, -EINVAL, m->links[0].src = R_RW);
CASE(link_dst_is_src, -EINVAL, m->links[0].dst = R_FIN);
CASE(link_dst_fifo, -EINVAL, m->links[0].dst = R_FOUT);
CASE(link_dst_counter, -EINVAL, m->links[0].dst = R_CNT);
CASE(link_dst_const, -EINVAL, m->links[0].dst = R_CONST);
CASE(link_cond_unknown, -EINVAL, m->links[1].cond = VMDEV_LINK_COND_COUNT);
CASE(link_mask_zero, -EINVAL, m->links[1].mask = 0);
CASE(link_mask_too_wide, -EINVAL, m->links[0].mask = 1ULL << 32);

/* Interrupt lines. */
CASE(irq_status_out_of_range, -EINVAL,
	REG(R_NR) = REG(R_RO); m->irqs[0].status_reg = R_NR);
CASE(irq_enable_out_of_range, -EINVAL,
	REG(R_NR) = REG(R_RO); m->irqs[0].enable_reg = R_NR);
CASE(target_out_of_array, -EINVAL,
	REG(R_NR) = REG(R_RO); REG(R_W1S).arg.target.target = R_NR);
CASE(irq_enable_reg_and_mask, -EINVAL, m->irqs[0].enable_mask = 1);
CASE(irq_flags_unknown, -EINVAL, m->irqs[1].flags = 2);
CASE(irq_status_is_irq_id, -EINVAL, m->irqs[1].status_reg = R_ID);
CASE(irq_enable_is_irq_id, -EINVAL, m->irqs[0].enable_reg = R_ID);

TEST_F(check, result)
{
	struct vmdev_rdev *dev = (struct vmdev_rdev *)&self->m;
	struct vmdev_rdev *sentinel = dev;

	variant->mutate(&self->m);
	EXPECT_EQ(variant->err, vmdev_rdev_check(&self->m.desc));
	ASSERT_EQ(variant->err, vmdev_rdev_create(&self->m.desc, &dev));
	if (variant->err) {
		EXPECT_EQ(sentinel, dev);
		return;
	}
	ASSERT_NE(sentinel, dev);
	EXPECT_EQ(self->m.desc.dev_size, vmdev_rdev_dev_size(dev));
	EXPECT_EQ(self->m.desc.nr_irqs, vmdev_rdev_nr_irqs(dev));
	EXPECT_LT(sizeof(struct vmdev_reg) * self->m.desc.nr_regs,
		  vmdev_rdev_footprint(dev));
	vmdev_rdev_destroy(dev);
}

TEST(null_desc)
{
	struct vmdev_rdev *dev = NULL;

	EXPECT_EQ(-EINVAL, vmdev_rdev_check(NULL));
	EXPECT_EQ(-EINVAL, vmdev_rdev_create(NULL, &dev));
	EXPECT_EQ(NULL, dev);
	vmdev_rdev_destroy(NULL);
}

/* The create copies the map: later changes to it do not matter. */
TEST(create_copies_map)
{
	struct core_map m;
	struct vmdev_rdev *dev;
	u64 v;

	base_map(&m);
	ASSERT_EQ(0, vmdev_rdev_create(&m.desc, &dev));
	memset(&m, 0xff, sizeof(m));
	v = CORE_READ(dev, 29, 1);
	EXPECT_EQ(0ULL, v);
	CORE_WRITE(dev, 0, 4, 0x12345678);
	EXPECT_EQ(0x12345678ULL, CORE_READ(dev, 0, 4));
	vmdev_rdev_destroy(dev);
}

/*
 * Room for the caller in front of the device, in its allocation: zeroed,
 * counted in the footprint, freed with the device (the sanitizers would
 * see a wrong free or a leak); a failed create leaves both pointers.
 */
TEST(create_with_head)
{
	struct vmdev_rdev *dev, *plain, *sentinel = (struct vmdev_rdev *)&dev;
	unsigned char *head = NULL;
	void *h = NULL;
	struct core_map m;
	size_t i;

	base_map(&m);
	ASSERT_EQ(0, vmdev_rdev_create(&m.desc, &plain));
	ASSERT_EQ(0, vmdev_rdev_create_with_head(&m.desc, 61, &h, &dev));
	head = h;
	ASSERT_NE(NULL, head);
	/* Rounded up to 8, the device right behind it. */
	EXPECT_EQ((void *)(head + 64), (void *)dev);
	for (i = 0; i < 61; i++)
		ASSERT_EQ(0, head[i]);
	memset(head, 0xa5, 61);
	EXPECT_EQ(vmdev_rdev_footprint(plain) + 64, vmdev_rdev_footprint(dev));
	CORE_WRITE(dev, 0, 4, 0x12345678);
	EXPECT_EQ(0x12345678ULL, CORE_READ(dev, 0, 4));
	vmdev_rdev_destroy(dev);
	vmdev_rdev_destroy(plain);

	m.desc.dev_size = 0;
	h = NULL;
	dev = sentinel;
	EXPECT_EQ(-EINVAL,
		  vmdev_rdev_create_with_head(&m.desc, 64, &h, &dev));
	EXPECT_EQ(NULL, h);
	EXPECT_EQ(sentinel, dev);
}

/* The largest legal map: every count at its limit, deepest FIFOs. */
TEST(largest_map)
{
	static struct vmdev_reg regs[VMDEV_MAX_REGS];
	struct vmdev_link links[VMDEV_MAX_LINKS];
	struct vmdev_irq irqs[VMDEV_MAX_IRQS];
	struct vmdev_rdev_desc desc = {
		.dev_size = 1 << 20, .nr_regs = VMDEV_MAX_REGS,
		.nr_links = VMDEV_MAX_LINKS, .nr_irqs = VMDEV_MAX_IRQS,
		.regs = regs, .links = links, .irqs = irqs,
	};
	struct vmdev_rdev *dev;
	u32 i;

	for (i = 0; i < VMDEV_MAX_REGS - 1; i++)
		regs[i] = core_fifo(i * 8, 8, VMDEV_REG_FIFO_IN,
				    VMDEV_MAX_FIFO);
	regs[i] = core_reg(i * 8, 8, VMDEV_REG_RW);
	for (i = 0; i < VMDEV_MAX_LINKS; i++)
		links[i] = (struct vmdev_link){
			.src = i, .dst = VMDEV_MAX_REGS - 1,
			.cond = VMDEV_LINK_FULL, .mask = 1ULL << i,
		};
	for (i = 0; i < VMDEV_MAX_IRQS; i++)
		irqs[i] = (struct vmdev_irq){
			.status_reg = VMDEV_MAX_REGS - 1,
			.enable_reg = VMDEV_SEL_NONE, .enable_mask = 1ULL << i,
		};
	ASSERT_EQ(0, vmdev_rdev_create(&desc, &dev));
	EXPECT_LE((size_t)(VMDEV_MAX_REGS - 1) * VMDEV_MAX_FIFO * 8,
		  vmdev_rdev_footprint(dev));
	vmdev_rdev_destroy(dev);
}

TEST_HARNESS_MAIN
