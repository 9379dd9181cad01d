// SPDX-License-Identifier: LGPL-2.1 OR BSD-2-Clause
/*
 * AML for the device manager's devices (devmgr_acpi.h), encoded by hand
 * (ACPI 6.5, chapter 20 for AML, 6.4 for resource descriptors):
 *
 *	Scope (\_SB) {
 *		Device (VRxx) {			// xx: the device's index
 *			Name (_HID, "LNRO0005")
 *			Name (_UID, xx)
 *			Name (_CRS, ResourceTemplate () {
 *				Memory32Fixed (ReadWrite, base, 0x200)
 *				Interrupt (ResourceConsumer, Level,
 *					   ActiveHigh, Shared) { irq }
 *			})
 *		}
 *	}
 *
 * Objects are built inside out into a buffer that only grows; a package
 * length is inserted in front of its contents once they are known.
 */
#include <errno.h>
#include <stdlib.h>
#include <string.h>

#include <vmdev/devices.h>

#include "devmgr_acpi.h"

#define AML_SCOPE_OP		0x10
#define AML_NAME_OP		0x08
#define AML_BUFFER_OP		0x11
#define AML_BYTE_PREFIX		0x0a
#define AML_STRING_PREFIX	0x0d
#define AML_EXT_PREFIX		0x5b
#define AML_DEVICE_OP		0x82	/* after AML_EXT_PREFIX */
#define AML_ROOT_CHAR		0x5c	/* '\' */

#define RES_MEMORY32_FIXED	0x86
#define RES_EXT_IRQ		0x89
#define RES_END_TAG		0x79
#define RES_IRQ_CONSUMER	0x01
#define RES_IRQ_SHARED		0x08	/* bits 1, 2 clear: level, active high */

#define DSDT_HEADER		36
/* One device: far below the 63 bytes of a one-byte package length. */
#define DEV_AML_MAX		96
#define DSDT_MAX		(DSDT_HEADER + 8 + \
				 DEVMGR_MAX_DEVICES * DEV_AML_MAX)

struct aml {
	uint8_t b[DSDT_MAX];
	size_t n;
};

static void aml_put(struct aml *a, const void *p, size_t len)
{
	memcpy(a->b + a->n, p, len);
	a->n += len;
}

static void aml_byte(struct aml *a, uint8_t v)
{
	a->b[a->n++] = v;
}

static void aml_u16(struct aml *a, uint16_t v)
{
	aml_put(a, &v, 2);	/* AML is little-endian, as is x86 */
}

static void aml_u32(struct aml *a, uint32_t v)
{
	aml_put(a, &v, 4);
}

/*
 * Insert, at from, the package length of what follows it (20.2.4): the
 * encoding counts its own bytes. 1 byte up to 63, then 2 bytes (12 bits)
 * up to 4095, 3 bytes (20 bits) beyond: more than any DSDT here.
 */
static void aml_pkglen(struct aml *a, size_t from)
{
	size_t body = a->n - from, len;
	uint8_t enc[3];
	int k;

	if (body + 1 < 64) {
		enc[0] = body + 1;
		k = 1;
	} else if (body + 2 < 4096) {
		len = body + 2;
		enc[0] = 0x40 | (len & 0xf);
		enc[1] = len >> 4;
		k = 2;
	} else {
		len = body + 3;
		enc[0] = 0x80 | (len & 0xf);
		enc[1] = len >> 4;
		enc[2] = len >> 12;
		k = 3;
	}
	memmove(a->b + from + k, a->b + from, body);
	memcpy(a->b + from, enc, k);
	a->n += k;
}

static void aml_name(struct aml *a, const char seg[4])
{
	aml_byte(a, AML_NAME_OP);
	aml_put(a, seg, 4);
}

/* Memory32Fixed and one extended interrupt, in a Buffer. */
static void aml_crs(struct aml *a, uint32_t base, uint32_t irq)
{
	size_t at;

	aml_name(a, "_CRS");
	aml_byte(a, AML_BUFFER_OP);
	at = a->n;
	aml_byte(a, AML_BYTE_PREFIX);
	aml_byte(a, 12 + 9 + 2);		/* the bytes below */
	aml_byte(a, RES_MEMORY32_FIXED);
	aml_u16(a, 9);
	aml_byte(a, 1);				/* read-write */
	aml_u32(a, base);
	aml_u32(a, VMDEV_VIRTIO_MMIO_WINDOW);
	aml_byte(a, RES_EXT_IRQ);
	aml_u16(a, 6);
	aml_byte(a, RES_IRQ_CONSUMER | RES_IRQ_SHARED);
	aml_byte(a, 1);				/* one interrupt */
	aml_u32(a, irq);
	aml_byte(a, RES_END_TAG);
	aml_byte(a, 0);				/* checksum: none */
	aml_pkglen(a, at);
}

static char aml_hex(unsigned int v)
{
	return "0123456789ABCDEF"[v & 0xf];
}

static void aml_device(struct aml *a, size_t i, const struct devmgr_dev *d)
{
	const char seg[4] = { 'V', 'R', aml_hex(i >> 4), aml_hex(i) };
	size_t at;

	aml_byte(a, AML_EXT_PREFIX);
	aml_byte(a, AML_DEVICE_OP);
	at = a->n;
	aml_put(a, seg, 4);
	aml_name(a, "_HID");
	aml_byte(a, AML_STRING_PREFIX);
	aml_put(a, "LNRO0005", 9);		/* with its NUL */
	aml_name(a, "_UID");
	aml_byte(a, AML_BYTE_PREFIX);
	aml_byte(a, i);
	aml_crs(a, (uint32_t)devmgr_dev_base(d), devmgr_dev_irq(d));
	aml_pkglen(a, at);
}

static void dsdt_header(struct aml *a)
{
	uint8_t sum = 0;
	uint32_t len = a->n;
	size_t i;

	memcpy(a->b, "DSDT", 4);
	memcpy(a->b + 4, &len, 4);
	a->b[8] = 2;				/* revision: 64-bit integers */
	a->b[9] = 0;				/* checksum, below */
	memcpy(a->b + 10, "VMDEV ", 6);		/* OEM ID */
	memcpy(a->b + 16, "VMDEVVMM", 8);	/* OEM table ID */
	memset(a->b + 24, 0, 4);
	a->b[24] = 1;				/* OEM revision */
	memcpy(a->b + 28, "VMDV", 4);		/* creator ID */
	memset(a->b + 32, 0, 4);
	a->b[32] = 1;				/* creator revision */
	for (i = 0; i < a->n; i++)
		sum += a->b[i];
	a->b[9] = -sum;
}

int devmgr_dsdt(const struct devmgr *dm, void *buf, size_t len)
{
	static const uint8_t sb[] = { AML_ROOT_CHAR, '_', 'S', 'B', '_' };
	struct aml *a;
	size_t i, at;
	int n;

	if (!dm || (!buf && len))
		return -EINVAL;
	a = calloc(1, sizeof(*a));
	if (!a)
		return -ENOMEM;
	a->n = DSDT_HEADER;
	aml_byte(a, AML_SCOPE_OP);
	at = a->n;
	aml_put(a, sb, sizeof(sb));
	for (i = 0; i < devmgr_count(dm); i++)
		aml_device(a, i, devmgr_get(dm, i));
	aml_pkglen(a, at);
	dsdt_header(a);
	n = a->n;
	if (len)
		memcpy(buf, a->b, a->n < len ? a->n : len);
	free(a);
	return n;
}
