// SPDX-License-Identifier: LGPL-2.1 OR BSD-2-Clause
/*
 * virtio-blk requests (5.2.6): a readable 16-byte header (type, ioprio,
 * sector), the data (readable for OUT, writable for IN and GET_ID) and
 * a writable status byte, the chain's last. The data goes straight
 * between the image and guest memory with preadv/pwritev on the chain's
 * own buffers, which virtq_pop() checked to lie in guest RAM.
 */
#include <errno.h>
#include <fcntl.h>
#include <linux/virtio_blk.h>
#include <linux/virtio_ids.h>
#include <stdlib.h>
#include <string.h>
#include <sys/stat.h>
#include <unistd.h>

#include "blk.h"

#define BLK_SECTOR	512ULL

struct virtio_blk {
	int fd;
	bool read_only;
	uint64_t capacity;			/* sectors */
	struct virtio_dev_ops ops;
	struct virtio_blk_config config;
	struct virtq_chain chain;		/* the request being served */
	struct iovec data[VIRTQ_MAX_SEGS];	/* its data buffers */
};

static void blk_config_read(void *dev, uint32_t off, void *data, uint32_t len)
{
	struct virtio_blk *b = dev;

	memcpy(data, (uint8_t *)&b->config + off, len);
}

/* The len bytes at off of iov as an iovec array in out: its length. */
static uint32_t blk_slice(const struct iovec *iov, uint32_t n, uint64_t off,
			  uint64_t len, struct iovec *out)
{
	uint32_t i, k = 0;
	uint64_t chunk;

	for (i = 0; i < n && len; i++) {
		if (off >= iov[i].iov_len) {
			off -= iov[i].iov_len;
			continue;
		}
		chunk = iov[i].iov_len - off;
		if (chunk > len)
			chunk = len;
		if (chunk)
			out[k++] = (struct iovec){
				(uint8_t *)iov[i].iov_base + off, chunk };
		len -= chunk;
		off = 0;
	}
	return k;
}

/* Move len bytes at sector between the image and iov; a VIRTIO_BLK_S_*. */
static uint8_t blk_rw(struct virtio_blk *b, struct iovec *iov, uint32_t n,
		      uint64_t sector, uint64_t len, bool write)
{
	uint64_t pos = sector * BLK_SECTOR;
	ssize_t r;

	if (len % BLK_SECTOR || sector > b->capacity ||
	    len / BLK_SECTOR > b->capacity - sector)
		return VIRTIO_BLK_S_IOERR;
	while (len) {
		r = write ? pwritev(b->fd, iov, n, pos) :
			    preadv(b->fd, iov, n, pos);
		if (r < 0 && errno == EINTR)
			continue;
		if (r <= 0)		/* an error, or the file shrank */
			return VIRTIO_BLK_S_IOERR;
		pos += r;
		len -= r;
		/* Short transfer: drop what was done, go on with the rest. */
		while (n && (size_t)r >= iov->iov_len) {
			r -= iov->iov_len;
			iov++;
			n--;
		}
		if (n) {
			iov->iov_base = (uint8_t *)iov->iov_base + r;
			iov->iov_len -= r;
		}
	}
	return VIRTIO_BLK_S_OK;
}

/* Serve one request; *written: bytes of the chain it wrote. */
static uint8_t blk_request(struct virtio_blk *b, struct virtq_chain *c,
			   const struct virtio_blk_outhdr *h,
			   uint32_t *written)
{
	uint64_t in_data = c->in_len - 1, out_data = c->out_len - sizeof(*h);
	char id[VIRTIO_BLK_ID_BYTES] = VIRTIO_BLK_ID;
	uint32_t n;
	uint8_t s;

	switch (h->type) {
	case VIRTIO_BLK_T_IN:
		n = blk_slice(c->in, c->nr_in, 0, in_data, b->data);
		s = blk_rw(b, b->data, n, h->sector, in_data, false);
		if (s == VIRTIO_BLK_S_OK)
			*written += in_data;
		return s;
	case VIRTIO_BLK_T_OUT:
		if (b->read_only)
			return VIRTIO_BLK_S_IOERR;
		n = blk_slice(c->out, c->nr_out, sizeof(*h), out_data, b->data);
		return blk_rw(b, b->data, n, h->sector, out_data, true);
	case VIRTIO_BLK_T_FLUSH:
		return fdatasync(b->fd) ? VIRTIO_BLK_S_IOERR : VIRTIO_BLK_S_OK;
	case VIRTIO_BLK_T_GET_ID:
		*written += virtq_iov_write(c->in, c->nr_in, 0, id,
					    in_data < sizeof(id) ?
					    in_data : sizeof(id));
		return VIRTIO_BLK_S_OK;
	default:
		return VIRTIO_BLK_S_UNSUPP;
	}
}

static int blk_queue_notify(void *dev, struct virtq *vq, uint16_t q)
{
	struct virtio_blk *b = dev;
	struct virtq_chain *c = &b->chain;
	struct virtio_blk_outhdr h;
	uint32_t written;
	uint8_t s;
	int r;

	(void)q;
	do {
		while ((r = virtq_pop(vq, c)) > 0) {
			if (c->out_len < sizeof(h) || c->in_len < 1)
				return -EIO;	/* no header or no status */
			virtq_iov_read(c->out, c->nr_out, 0, &h, sizeof(h));
			written = 1;
			s = blk_request(b, c, &h, &written);
			virtq_iov_write(c->in, c->nr_in, c->in_len - 1, &s, 1);
			virtq_push(vq, c->head, written);
		}
		if (r < 0)
			return -EIO;
	} while (virtq_arm(vq));
	return 0;
}

int virtio_blk_new_fd(int fd, uint64_t capacity, bool read_only,
		      struct virtio_blk **out)
{
	struct virtio_blk *b;

	if (fd < 0 || !out) {
		if (fd >= 0)
			close(fd);
		return -EINVAL;
	}
	b = calloc(1, sizeof(*b));
	if (!b) {
		close(fd);
		return -ENOMEM;
	}
	b->fd = fd;
	b->read_only = read_only;
	b->capacity = capacity;
	b->config.capacity = capacity;
	b->config.seg_max = VIRTQ_MAX_SIZE - 2;	/* header and status */
	b->ops = (struct virtio_dev_ops){
		.device_id = VIRTIO_ID_BLOCK,
		.thread_name = "virtio-blk",
		.features = (1ULL << VIRTIO_BLK_F_SEG_MAX) |
			    (1ULL << VIRTIO_BLK_F_FLUSH) |
			    (read_only ? 1ULL << VIRTIO_BLK_F_RO : 0),
		.nr_queues = 1,
		.config_size = sizeof(b->config),
		.config_read = blk_config_read,
		.queue_notify = blk_queue_notify,
	};
	*out = b;
	return 0;
}

int virtio_blk_new(const char *path, bool read_only, struct virtio_blk **out)
{
	struct stat st;
	uint64_t size;
	int fd;

	if (!path || !out)
		return -EINVAL;
	fd = open(path, (read_only ? O_RDONLY : O_RDWR) | O_CLOEXEC);
	if (fd < 0)
		return -errno;
	if (fstat(fd, &st)) {
		close(fd);
		return -errno;
	}
	if (S_ISREG(st.st_mode)) {
		size = st.st_size;
	} else if (!S_ISBLK(st.st_mode) ||
		   (off_t)(size = lseek(fd, 0, SEEK_END)) < 0) {
		close(fd);
		return -EINVAL;
	}
	return virtio_blk_new_fd(fd, size / BLK_SECTOR, read_only, out);
}

void virtio_blk_free(struct virtio_blk *b)
{
	if (!b)
		return;
	close(b->fd);
	free(b);
}

const struct virtio_dev_ops *virtio_blk_ops(const struct virtio_blk *b)
{
	return &b->ops;
}

uint64_t virtio_blk_capacity(const struct virtio_blk *b)
{
	return b->capacity;
}
