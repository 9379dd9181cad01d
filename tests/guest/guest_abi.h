/* SPDX-License-Identifier: GPL-2.0 */
/*
 * The contract between the test guests and the mini VMM that runs them:
 * guest-physical memory layout, GDT selectors, the exit port, result
 * codes and each guest's parameter block. Included by the guest sources
 * (assembler) and by the C side, so both read the same numbers.
 *
 * Documentation/guests.rst describes the guests and this layout.
 */
#ifndef VMDEV_TESTS_GUEST_ABI_H
#define VMDEV_TESTS_GUEST_ABI_H

/* ---- Memory (one slot at guest-physical 0) -------------------------- */
#define GUEST_MEM_SIZE		0x200000	/* 2 MiB */
#define GUEST_GDT_ADDR		0x1000		/* written by the VMM */
#define GUEST_PT_ADDR		0x2000		/* long mode page tables */
#define GUEST_PT_SIZE		0x6000		/* PML4, PDPT, 4 PDs */
#define GUEST_PARAM_ADDR	0x8000		/* parameter block */
#define GUEST_PARAM_SIZE	0x8000
#define GUEST_LOAD_ADDR		0x10000		/* image, entry at its start */
#define GUEST_IMAGE_MAX		0x70000
#define GUEST_DATA_ADDR		0x80000		/* buffers the VMM fills/reads */
#define GUEST_DATA_SIZE		0x100000
#define GUEST_STACK_TOP		0x200000	/* initial stack pointer */
#define GUEST_VCPU_STACK	0x10000		/* vCPU i: TOP - i * this */

/* Long mode identity-maps the first 4 GiB with 2 MiB pages. */
#define GUEST_PT_MAPPED		0x100000000

/* GDT selectors (the VMM's GDT at GUEST_GDT_ADDR). */
#define GUEST_SEL_CODE32	0x08
#define GUEST_SEL_DATA		0x10
#define GUEST_SEL_CODE64	0x18

/*
 * A write of any size to this port ends the run; its value is the
 * guest's result: GUEST_PASS or a failure code below.
 */
#define GUEST_PORT_EXIT		0x5f0

#define GUEST_PASS		0
#define GUEST_FAIL_MISMATCH	0x100	/* a value read differs */
#define GUEST_FAIL_BADPARAM	0x200	/* parameter block out of range */
#define GUEST_FAIL_TIMEOUT	0x300	/* a bounded wait ran out */
#define GUEST_FAIL_EXCEPTION	0x1000	/* | vector: unexpected vector */

/* ---- probe: minimal behaviours that exercise the VMM itself ---------- */
#define GUEST_PROBE_EXIT	0	/* exit with .value */
#define GUEST_PROBE_UD		1	/* execute ud2 */
#define GUEST_PROBE_HALT	2	/* sti; hlt forever */
#define GUEST_PROBE_OUT		3	/* outl .value to port .port, exit 0 */
#define GUEST_PROBE_IN		4	/* inl port .port, exit with it */
#define GUEST_PROBE_SHUTDOWN	5	/* empty IDT, then int3: triple fault */

#define PROBE_OP		0	/* u32 GUEST_PROBE_* */
#define PROBE_PORT		4	/* u32 */
#define PROBE_VALUE		8	/* u32 */

/* ---- access: a table of single accesses, every size and direction ---- */
#define GUEST_SPACE_PIO		0	/* as VMDEV_SPACE_* */
#define GUEST_SPACE_MMIO	1

#define ACCESS_NR_OPS		0	/* u32 entries in the table */
#define ACCESS_DONE		4	/* u32 out: entries executed */
#define ACCESS_FAILED		8	/* u32 out: first mismatch index + 1 */
#define ACCESS_OPS		16	/* struct guest_access_op[] */

#define ACCESS_OP_SPACE		0	/* u8 GUEST_SPACE_* */
#define ACCESS_OP_SIZE		1	/* u8 1, 2, 4 or 8 (MMIO only) */
#define ACCESS_OP_WRITE		2	/* u8 1: write .value */
#define ACCESS_OP_CHECK		3	/* u8 1: a read must return .value */
#define ACCESS_OP_ADDR		8	/* u64 port or physical address */
#define ACCESS_OP_VALUE		16	/* u64 written or expected */
#define ACCESS_OP_GOT		24	/* u64 out: value read */
#define ACCESS_OP_SIZEOF	32

#define ACCESS_MAX_OPS	((GUEST_PARAM_SIZE - ACCESS_OPS) / ACCESS_OP_SIZEOF)

/* ---- strio: one rep ins / rep outs ----------------------------------- */
#define STRIO_PORT		0	/* u32 */
#define STRIO_SIZE		4	/* u32 element size: 1, 2 or 4 */
#define STRIO_COUNT		8	/* u32 elements (ecx) */
#define STRIO_WRITE		12	/* u32 1: rep outs (memory to port) */
#define STRIO_BUF		16	/* u32 guest-physical buffer */
#define STRIO_ECX		20	/* u32 out: ecx after the instruction */
#define STRIO_END		24	/* u32 out: esi/edi after it */

/* ---- uart: print a text through a 16550 the way a driver does --------- */
#define UART_BASE		0	/* u32 base port (0x3f8) */
#define UART_LEN		4	/* u32 bytes of text */
#define UART_TEXT		8	/* u32 guest-physical address of text */
#define UART_POLL_MAX		12	/* u32 LSR reads allowed per wait */
#define UART_DIVISOR		16	/* u32 divisor latch to program */
#define UART_LCR_OUT		20	/* u32 out: LCR read back at the end */
#define UART_DIVISOR_OUT	24	/* u32 out: divisor latch read back */
#define UART_SCR_OUT		28	/* u32 out: scratch register read back */
#define UART_POLLS		32	/* u32 out: LSR reads in total */

#define UART_LCR_8N1		0x03
#define UART_MCR_DTR_RTS_OUT2	0x0b
#define UART_FCR_ENABLE_CLEAR	0x07
#define UART_SCR_PATTERN	0xa5

/* ---- uart_irq: interrupt-driven transmit through the 16550 ---------- */
#define UIRQ_BASE		0	/* u32 base port (0x3f8) */
#define UIRQ_LEN		4	/* u32 bytes of text */
#define UIRQ_TEXT		8	/* u32 guest-physical address of text */
#define UIRQ_PIN		12	/* u32 PIC pin of the UART (COM1: 4) */
#define UIRQ_BURST		16	/* u32 most bytes sent per interrupt */
#define UIRQ_IRQS		20	/* u32 out: interrupts taken */
#define UIRQ_IDLE		24	/* u32 out: ones with nothing pending */
#define UIRQ_BAD_IIR		28	/* u32 out: ones whose IIR was not THRI */
#define UIRQ_SENT		32	/* u32 out: bytes written to THR */
#define UIRQ_FULL		36	/* u32 out: bursts cut short by LSR */
#define UIRQ_UNACKED		40	/* u32 out: ones the PIC did not deliver */
#define UIRQ_SHADOW		44	/* u32 out: ones taken right after sti */
#define UIRQ_TRACE		48	/* u32 trace buffer's address, 0: none */
#define UIRQ_BURSTS		52	/* u32 out: ones that sent bytes */
#define UIRQ_NESTED		56	/* u32 out: ones taken inside the handler */
#define UIRQ_BUSY		60	/* u32 the guest's: in the handler */
/*
 * The trace, for a failure's post-mortem: a u32 count of entries, then
 * UIRQ_TRACE_MAX entries of four u32: kind, bytes sent so far, a value
 * (the interrupted EIP on entry, the text address of a byte sent, what
 * is left of the burst at the end) and ESP, which shows nesting.
 */
#define UIRQ_TRACE_MAX		512
#define UIRQ_TRACE_ENTRY	1
#define UIRQ_TRACE_BYTE		2
#define UIRQ_TRACE_EOI		3

/* ---- irq: a device interrupt through the in-kernel irqchip ---------- */
#define GUEST_IRQ_PIC		0	/* 8259 pair, vectors 0x20-0x2f */
#define GUEST_IRQ_IOAPIC	1	/* IOAPIC + LAPIC, vector 0x40 + pin */

#define GUEST_IRQ_PIC_BASE	0x20	/* vector of PIC pin 0 */
#define GUEST_IRQ_IOAPIC_BASE	0x40	/* vector of IOAPIC pin 0 */
#define GUEST_IRQ_PIC_PINS	16
#define GUEST_IRQ_PIC_CASCADE	2	/* the slave's pin on the master */
#define GUEST_IRQ_IOAPIC_PINS	24
#define GUEST_IRQ_MAX_ROUNDS	16

/*
 * The device the irq guest drives: three 32-bit registers from
 * .dev_port: STATUS (read; write 1 to clear), ENABLE, SET (write 1 to
 * raise status bit 0). Its line is asserted while STATUS & ENABLE.
 */
#define IRQDEV_STATUS		0
#define IRQDEV_ENABLE		4
#define IRQDEV_SET		8
#define IRQDEV_SIZE		12

#define IRQ_CTRL		0	/* u32 GUEST_IRQ_PIC / _IOAPIC */
#define IRQ_LEVEL		4	/* u32 1: level-triggered line */
#define IRQ_PIN			8	/* u32 PIC IRQ / IOAPIC pin */
#define IRQ_DEV_PORT		12	/* u32 base port of the device */
#define IRQ_ROUNDS		16	/* u32 raise, take, clear cycles */
#define IRQ_FIRES		20	/* u32 level: entries before clearing */
#define IRQ_SETTLE		24	/* u32 STATUS reads after each round */
#define IRQ_COUNT		28	/* u32 out: interrupts taken */
#define IRQ_SPURIOUS		32	/* u32 out: entries with nothing pending */
#define IRQ_CLEARED		36	/* u32 handler state: source cleared */
#define IRQ_PER_ROUND		40	/* u32[GUEST_IRQ_MAX_ROUNDS] out */
#define IRQ_SHADOW		104	/* u32 out: ones taken right after sti */

/* ---- bench: BENCH_COUNT accesses of one kind, for make bench ---------- */
#define BENCH_SPACE		0	/* u32 GUEST_SPACE_* */
#define BENCH_SIZE		4	/* u32 1, 2, 4 or 8 (MMIO only) */
#define BENCH_WRITE		8	/* u32 1: write .value, 0: read */
#define BENCH_COUNT		12	/* u32 accesses, at least 1 */
#define BENCH_ADDR		16	/* u64 port or physical address */
#define BENCH_VALUE		24	/* u64 written, or every read's value */
#define BENCH_MISMATCHES	32	/* u32 out: reads of another value */

/*
 * ---- race: a table of accesses in a loop on every vCPU at once --------
 *
 * Every vCPU runs the whole table, round after round, until the VMM sets
 * RACE_STOP (or RACE_MAX_ROUNDS rounds are done), then writes its result
 * to the exit port: GUEST_PASS, or GUEST_FAIL_MISMATCH if any read was
 * bad or stale. vCPU i (i in %rdi at entry) makes each access at
 * addr + i * stride, so that vCPUs can have registers of their own, and
 * keeps its counters in its own block, written at the end of each round.
 */
#define RACE_MAX_VCPUS		4

#define RACE_NR_OPS		0	/* u32 table entries, at least 1 */
#define RACE_STOP		4	/* u32 set: finish the round and exit */
#define RACE_DEAD		8	/* u32 newest destroyed generation */
#define RACE_MAX_ROUNDS		12	/* u32 rounds, then exit; 0: no limit */
#define RACE_VCPU		64	/* struct guest_race_vcpu[] out */
#define RACE_OPS		(RACE_VCPU + RACE_MAX_VCPUS * RACE_V_SIZEOF)

/* What one vCPU did, at the end of its last complete round. */
#define RACE_V_ROUNDS		0	/* u64 rounds completed */
#define RACE_V_ACCESSES		8	/* u64 accesses made */
#define RACE_V_BAD		16	/* u64 RACE_READ(BACK)s that missed */
#define RACE_V_HITS		24	/* u64 markers of a live generation */
#define RACE_V_GONE		32	/* u64 markers read as all ones */
#define RACE_V_STALE		40	/* u64 markers neither live nor gone */
#define RACE_V_FIRST_OP		48	/* u32 first bad/stale entry + 1 */
#define RACE_V_FIRST_DEAD	52	/* u32 RACE_DEAD before that read */
#define RACE_V_FIRST_VALUE	56	/* u64 what that read returned */
#define RACE_V_SIZEOF		64

#define RACE_OP_SPACE		0	/* u8 GUEST_SPACE_* */
#define RACE_OP_SIZE		1	/* u8 1, 2, 4 or 8 (MMIO only) */
#define RACE_OP_KIND		2	/* u8 RACE_* below */
#define RACE_OP_STRIDE		4	/* u32 vCPU i: addr + i * stride */
#define RACE_OP_ADDR		8	/* u64 port or physical address */
#define RACE_OP_VALUE		16	/* u64 see the kinds */
#define RACE_OP_SIZEOF		24

#define RACE_MAX_OPS	((GUEST_PARAM_SIZE - RACE_OPS) / RACE_OP_SIZEOF)

/*
 * The kinds of entry. Values are of the access's size (the low bytes of
 * value); "rounds" is the vCPU's count of completed rounds.
 */
#define RACE_READ	0	/* must read value, else bad */
#define RACE_WRITE	1	/* writes value ^ rounds */
#define RACE_READBACK	2	/* must read value ^ rounds, else bad */
/*
 * A marker of a device that comes and goes (4 or 8 bytes): all ones is
 * "gone" (the VMM's answer when the access reached it); otherwise the
 * low 32 bits must be the marker byte of value (bits 24-31) and a
 * generation (bits 0-23) newer than RACE_DEAD as read before the access,
 * and an 8-byte read must hold the same 32 bits twice: a "hit". Anything
 * else is "stale": a destroyed generation, a torn or foreign value.
 */
#define RACE_MARKER	3
#define RACE_POKE	4	/* writes value, unchecked */

#define RACE_MARK_MASK	0xff000000
#define RACE_GEN_MASK	0x00ffffff

#ifndef __ASSEMBLER__
#include <stdint.h>
#include <stddef.h>

struct guest_probe_params {
	uint32_t op;
	uint32_t port;
	uint32_t value;
};

struct guest_access_op {
	uint8_t space;
	uint8_t size;
	uint8_t write;
	uint8_t check;
	uint32_t pad;
	uint64_t addr;
	uint64_t value;
	uint64_t got;
};

struct guest_access_params {
	uint32_t nr_ops;
	uint32_t done;
	uint32_t failed;
	uint32_t pad;
	struct guest_access_op ops[];
};

struct guest_strio_params {
	uint32_t port;
	uint32_t size;
	uint32_t count;
	uint32_t write;
	uint32_t buf;
	uint32_t ecx;
	uint32_t end;
};

struct guest_uart_params {
	uint32_t base;
	uint32_t len;
	uint32_t text;
	uint32_t poll_max;
	uint32_t divisor;
	uint32_t lcr_out;
	uint32_t divisor_out;
	uint32_t scr_out;
	uint32_t polls;
};

struct guest_uart_irq_params {
	uint32_t base;
	uint32_t len;
	uint32_t text;
	uint32_t pin;
	uint32_t burst;
	uint32_t irqs;
	uint32_t idle;
	uint32_t bad_iir;
	uint32_t sent;
	uint32_t full;
	uint32_t unacked;
	uint32_t shadow;
	uint32_t trace;
	uint32_t bursts;
	uint32_t nested;
	uint32_t busy;
};

struct guest_uart_irq_trace {
	uint32_t kind;
	uint32_t sent;
	uint32_t value;
	uint32_t esp;
};

struct guest_irq_params {
	uint32_t ctrl;
	uint32_t level;
	uint32_t pin;
	uint32_t dev_port;
	uint32_t rounds;
	uint32_t fires;
	uint32_t settle;
	uint32_t count;
	uint32_t spurious;
	uint32_t cleared;
	uint32_t per_round[GUEST_IRQ_MAX_ROUNDS];
	uint32_t shadow;
};

struct guest_bench_params {
	uint32_t space;
	uint32_t size;
	uint32_t write;
	uint32_t count;
	uint64_t addr;
	uint64_t value;
	uint32_t mismatches;
};

struct guest_race_vcpu {
	uint64_t rounds;
	uint64_t accesses;
	uint64_t bad;
	uint64_t hits;
	uint64_t gone;
	uint64_t stale;
	uint32_t first_op;
	uint32_t first_dead;
	uint64_t first_value;
};

struct guest_race_op {
	uint8_t space;
	uint8_t size;
	uint8_t kind;
	uint8_t pad;
	uint32_t stride;
	uint64_t addr;
	uint64_t value;
};

struct guest_race_params {
	uint32_t nr_ops;
	uint32_t stop;
	uint32_t dead;
	uint32_t max_rounds;
	uint8_t pad[RACE_VCPU - 16];
	struct guest_race_vcpu vcpu[RACE_MAX_VCPUS];
	struct guest_race_op ops[];
};

/* The offsets above are what the guests use: keep both in step. */
#define GUEST_ABI_CHECK(type, field, off) \
	_Static_assert(offsetof(struct type, field) == (off), #type "." #field)

GUEST_ABI_CHECK(guest_probe_params, op, PROBE_OP);
GUEST_ABI_CHECK(guest_probe_params, port, PROBE_PORT);
GUEST_ABI_CHECK(guest_probe_params, value, PROBE_VALUE);
GUEST_ABI_CHECK(guest_access_params, nr_ops, ACCESS_NR_OPS);
GUEST_ABI_CHECK(guest_access_params, done, ACCESS_DONE);
GUEST_ABI_CHECK(guest_access_params, failed, ACCESS_FAILED);
GUEST_ABI_CHECK(guest_access_params, ops, ACCESS_OPS);
GUEST_ABI_CHECK(guest_access_op, space, ACCESS_OP_SPACE);
GUEST_ABI_CHECK(guest_access_op, size, ACCESS_OP_SIZE);
GUEST_ABI_CHECK(guest_access_op, write, ACCESS_OP_WRITE);
GUEST_ABI_CHECK(guest_access_op, check, ACCESS_OP_CHECK);
GUEST_ABI_CHECK(guest_access_op, addr, ACCESS_OP_ADDR);
GUEST_ABI_CHECK(guest_access_op, value, ACCESS_OP_VALUE);
GUEST_ABI_CHECK(guest_access_op, got, ACCESS_OP_GOT);
_Static_assert(sizeof(struct guest_access_op) == ACCESS_OP_SIZEOF,
	       "guest_access_op size");
GUEST_ABI_CHECK(guest_strio_params, port, STRIO_PORT);
GUEST_ABI_CHECK(guest_strio_params, size, STRIO_SIZE);
GUEST_ABI_CHECK(guest_strio_params, count, STRIO_COUNT);
GUEST_ABI_CHECK(guest_strio_params, write, STRIO_WRITE);
GUEST_ABI_CHECK(guest_strio_params, buf, STRIO_BUF);
GUEST_ABI_CHECK(guest_strio_params, ecx, STRIO_ECX);
GUEST_ABI_CHECK(guest_strio_params, end, STRIO_END);
GUEST_ABI_CHECK(guest_uart_params, base, UART_BASE);
GUEST_ABI_CHECK(guest_uart_params, len, UART_LEN);
GUEST_ABI_CHECK(guest_uart_params, text, UART_TEXT);
GUEST_ABI_CHECK(guest_uart_params, poll_max, UART_POLL_MAX);
GUEST_ABI_CHECK(guest_uart_params, divisor, UART_DIVISOR);
GUEST_ABI_CHECK(guest_uart_params, lcr_out, UART_LCR_OUT);
GUEST_ABI_CHECK(guest_uart_params, divisor_out, UART_DIVISOR_OUT);
GUEST_ABI_CHECK(guest_uart_params, scr_out, UART_SCR_OUT);
GUEST_ABI_CHECK(guest_uart_params, polls, UART_POLLS);
GUEST_ABI_CHECK(guest_uart_irq_params, base, UIRQ_BASE);
GUEST_ABI_CHECK(guest_uart_irq_params, len, UIRQ_LEN);
GUEST_ABI_CHECK(guest_uart_irq_params, text, UIRQ_TEXT);
GUEST_ABI_CHECK(guest_uart_irq_params, pin, UIRQ_PIN);
GUEST_ABI_CHECK(guest_uart_irq_params, burst, UIRQ_BURST);
GUEST_ABI_CHECK(guest_uart_irq_params, irqs, UIRQ_IRQS);
GUEST_ABI_CHECK(guest_uart_irq_params, idle, UIRQ_IDLE);
GUEST_ABI_CHECK(guest_uart_irq_params, bad_iir, UIRQ_BAD_IIR);
GUEST_ABI_CHECK(guest_uart_irq_params, sent, UIRQ_SENT);
GUEST_ABI_CHECK(guest_uart_irq_params, full, UIRQ_FULL);
GUEST_ABI_CHECK(guest_uart_irq_params, unacked, UIRQ_UNACKED);
GUEST_ABI_CHECK(guest_uart_irq_params, shadow, UIRQ_SHADOW);
GUEST_ABI_CHECK(guest_uart_irq_params, trace, UIRQ_TRACE);
GUEST_ABI_CHECK(guest_uart_irq_params, bursts, UIRQ_BURSTS);
GUEST_ABI_CHECK(guest_uart_irq_params, nested, UIRQ_NESTED);
GUEST_ABI_CHECK(guest_uart_irq_params, busy, UIRQ_BUSY);
GUEST_ABI_CHECK(guest_irq_params, ctrl, IRQ_CTRL);
GUEST_ABI_CHECK(guest_irq_params, level, IRQ_LEVEL);
GUEST_ABI_CHECK(guest_irq_params, pin, IRQ_PIN);
GUEST_ABI_CHECK(guest_irq_params, dev_port, IRQ_DEV_PORT);
GUEST_ABI_CHECK(guest_irq_params, rounds, IRQ_ROUNDS);
GUEST_ABI_CHECK(guest_irq_params, fires, IRQ_FIRES);
GUEST_ABI_CHECK(guest_irq_params, settle, IRQ_SETTLE);
GUEST_ABI_CHECK(guest_irq_params, count, IRQ_COUNT);
GUEST_ABI_CHECK(guest_irq_params, spurious, IRQ_SPURIOUS);
GUEST_ABI_CHECK(guest_irq_params, cleared, IRQ_CLEARED);
GUEST_ABI_CHECK(guest_irq_params, per_round, IRQ_PER_ROUND);
GUEST_ABI_CHECK(guest_irq_params, shadow, IRQ_SHADOW);
GUEST_ABI_CHECK(guest_bench_params, space, BENCH_SPACE);
GUEST_ABI_CHECK(guest_bench_params, size, BENCH_SIZE);
GUEST_ABI_CHECK(guest_bench_params, write, BENCH_WRITE);
GUEST_ABI_CHECK(guest_bench_params, count, BENCH_COUNT);
GUEST_ABI_CHECK(guest_bench_params, addr, BENCH_ADDR);
GUEST_ABI_CHECK(guest_bench_params, value, BENCH_VALUE);
GUEST_ABI_CHECK(guest_bench_params, mismatches, BENCH_MISMATCHES);
GUEST_ABI_CHECK(guest_race_params, nr_ops, RACE_NR_OPS);
GUEST_ABI_CHECK(guest_race_params, stop, RACE_STOP);
GUEST_ABI_CHECK(guest_race_params, dead, RACE_DEAD);
GUEST_ABI_CHECK(guest_race_params, max_rounds, RACE_MAX_ROUNDS);
GUEST_ABI_CHECK(guest_race_params, vcpu, RACE_VCPU);
GUEST_ABI_CHECK(guest_race_params, ops, RACE_OPS);
GUEST_ABI_CHECK(guest_race_vcpu, rounds, RACE_V_ROUNDS);
GUEST_ABI_CHECK(guest_race_vcpu, accesses, RACE_V_ACCESSES);
GUEST_ABI_CHECK(guest_race_vcpu, bad, RACE_V_BAD);
GUEST_ABI_CHECK(guest_race_vcpu, hits, RACE_V_HITS);
GUEST_ABI_CHECK(guest_race_vcpu, gone, RACE_V_GONE);
GUEST_ABI_CHECK(guest_race_vcpu, stale, RACE_V_STALE);
GUEST_ABI_CHECK(guest_race_vcpu, first_op, RACE_V_FIRST_OP);
GUEST_ABI_CHECK(guest_race_vcpu, first_dead, RACE_V_FIRST_DEAD);
GUEST_ABI_CHECK(guest_race_vcpu, first_value, RACE_V_FIRST_VALUE);
GUEST_ABI_CHECK(guest_race_op, space, RACE_OP_SPACE);
GUEST_ABI_CHECK(guest_race_op, size, RACE_OP_SIZE);
GUEST_ABI_CHECK(guest_race_op, kind, RACE_OP_KIND);
GUEST_ABI_CHECK(guest_race_op, stride, RACE_OP_STRIDE);
GUEST_ABI_CHECK(guest_race_op, addr, RACE_OP_ADDR);
GUEST_ABI_CHECK(guest_race_op, value, RACE_OP_VALUE);
_Static_assert(sizeof(struct guest_race_vcpu) == RACE_V_SIZEOF,
	       "guest_race_vcpu size");
_Static_assert(sizeof(struct guest_race_op) == RACE_OP_SIZEOF,
	       "guest_race_op size");

#endif /* !__ASSEMBLER__ */
#endif /* VMDEV_TESTS_GUEST_ABI_H */
