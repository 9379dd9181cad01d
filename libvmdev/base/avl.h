/* SPDX-License-Identifier: LGPL-2.1 OR BSD-2-Clause */
/*
 * An intrusive AVL tree keyed by a unique 64-bit key, with an optional
 * augmentation hook: update() is called on every node whose subtree
 * changed, children first, so a node can summarise its subtree (the
 * interval allocator keeps the largest free run per alignment there).
 * Height is at most 1.44 log2(n), so every operation is O(log n) and the
 * recursive helpers stay shallow. Not thread-safe: callers serialise.
 */
#ifndef VMDEV_AVL_H
#define VMDEV_AVL_H

#include <stdint.h>

struct avl_node {
	struct avl_node *left;
	struct avl_node *right;
	uint64_t key;
	int height;
};

struct avl_tree;
typedef void (*avl_update_fn)(const struct avl_tree *t, struct avl_node *n);

struct avl_tree {
	struct avl_node *root;
	avl_update_fn update;	/* NULL: no augmentation */
};

/* n->key must not be in the tree yet. */
void avl_insert(struct avl_tree *t, struct avl_node *n);
/* n must be in the tree. */
void avl_erase(struct avl_tree *t, struct avl_node *n);
/* The node with the greatest key <= key, or NULL. */
struct avl_node *avl_floor(const struct avl_tree *t, uint64_t key);
/* The node with exactly this key, or NULL. */
struct avl_node *avl_find(const struct avl_tree *t, uint64_t key);
/* Detach every node and pass each to fn (e.g. to free it). */
void avl_drain(struct avl_tree *t, void (*fn)(struct avl_node *n));

#endif /* VMDEV_AVL_H */
