/* SPDX-License-Identifier: LGPL-2.1 OR BSD-2-Clause */
/*
 * vmdevctl's output: aligned tables (rows collected, then printed with
 * each column as wide as its widest cell) and JSON written as it goes.
 */
#ifndef VMDEVCTL_OUT_H
#define VMDEVCTL_OUT_H

#include <stdbool.h>
#include <stdint.h>
#include <stdio.h>

#define TABLE_MAX_COLS	12

struct table {
	unsigned int cols, rows, cap;
	const char *head[TABLE_MAX_COLS];
	bool right[TABLE_MAX_COLS];	/* numbers align right */
	char **cells;			/* rows * cols strings */
};

/* Columns: "NAME" aligns left, "#NAME" (a number) right. */
void table_init(struct table *t, unsigned int cols, const char *const *head);
/* One row of t->cols printf-formatted cells: fmt per cell, NULL ends. */
int table_row(struct table *t, ...);
void table_print(const struct table *t, FILE *f);
void table_free(struct table *t);

/* JSON: a string with its quotes and escapes. */
void json_str(FILE *f, const char *s);

#endif /* VMDEVCTL_OUT_H */
