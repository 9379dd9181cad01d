// SPDX-License-Identifier: LGPL-2.1 OR BSD-2-Clause
/*
 * Intrusive AVL tree. Insert and erase recurse down the search path and
 * rebalance on the way back up, so every node whose subtree changed is
 * refreshed (height and augmentation) exactly where it has to be.
 */
#include <stddef.h>
#include "avl.h"

static int height(const struct avl_node *n)
{
	return n ? n->height : 0;
}

static void refresh(const struct avl_tree *t, struct avl_node *n)
{
	int l = height(n->left), r = height(n->right);

	n->height = (l > r ? l : r) + 1;
	if (t->update)
		t->update(t, n);
}

static struct avl_node *rotate_right(const struct avl_tree *t,
				     struct avl_node *n)
{
	struct avl_node *l = n->left;

	n->left = l->right;
	l->right = n;
	refresh(t, n);
	refresh(t, l);
	return l;
}

static struct avl_node *rotate_left(const struct avl_tree *t,
				    struct avl_node *n)
{
	struct avl_node *r = n->right;

	n->right = r->left;
	r->left = n;
	refresh(t, n);
	refresh(t, r);
	return r;
}

/* Restore the AVL property at n, whose children are balanced. */
static struct avl_node *rebalance(const struct avl_tree *t, struct avl_node *n)
{
	int bal = height(n->left) - height(n->right);

	if (bal > 1) {
		if (height(n->left->left) < height(n->left->right))
			n->left = rotate_left(t, n->left);
		return rotate_right(t, n);
	}
	if (bal < -1) {
		if (height(n->right->right) < height(n->right->left))
			n->right = rotate_right(t, n->right);
		return rotate_left(t, n);
	}
	refresh(t, n);
	return n;
}

static struct avl_node *insert(const struct avl_tree *t, struct avl_node *root,
			       struct avl_node *n)
{
	if (!root)
		return n;
	if (n->key < root->key)
		root->left = insert(t, root->left, n);
	else
		root->right = insert(t, root->right, n);
	return rebalance(t, root);
}

void avl_insert(struct avl_tree *t, struct avl_node *n)
{
	n->left = NULL;
	n->right = NULL;
	refresh(t, n);
	t->root = insert(t, t->root, n);
}

/* Detach the leftmost node of root's subtree into *min. */
static struct avl_node *detach_min(const struct avl_tree *t,
				   struct avl_node *root, struct avl_node **min)
{
	if (!root->left) {
		*min = root;
		return root->right;
	}
	root->left = detach_min(t, root->left, min);
	return rebalance(t, root);
}

static struct avl_node *erase(const struct avl_tree *t, struct avl_node *root,
			      uint64_t key)
{
	struct avl_node *succ;

	if (key < root->key) {
		root->left = erase(t, root->left, key);
	} else if (key > root->key) {
		root->right = erase(t, root->right, key);
	} else {
		if (!root->left || !root->right)
			return root->left ? root->left : root->right;
		/* Two children: the in-order successor takes its place. */
		succ = NULL;
		root->right = detach_min(t, root->right, &succ);
		succ->left = root->left;
		succ->right = root->right;
		root = succ;
	}
	return rebalance(t, root);
}

void avl_erase(struct avl_tree *t, struct avl_node *n)
{
	t->root = erase(t, t->root, n->key);
}

struct avl_node *avl_floor(const struct avl_tree *t, uint64_t key)
{
	struct avl_node *n = t->root, *best = NULL;

	while (n) {
		if (n->key == key)
			return n;
		if (n->key < key) {
			best = n;
			n = n->right;
		} else {
			n = n->left;
		}
	}
	return best;
}

struct avl_node *avl_find(const struct avl_tree *t, uint64_t key)
{
	struct avl_node *n = avl_floor(t, key);

	return n && n->key == key ? n : NULL;
}

static void drain(struct avl_node *n, void (*fn)(struct avl_node *n))
{
	struct avl_node *l, *r;

	/* Iterative on the right spine, recursive (balanced) on the left. */
	while (n) {
		l = n->left;
		r = n->right;
		drain(l, fn);
		fn(n);
		n = r;
	}
}

void avl_drain(struct avl_tree *t, void (*fn)(struct avl_node *n))
{
	drain(t->root, fn);
	t->root = NULL;
}
