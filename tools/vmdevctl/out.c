// SPDX-License-Identifier: LGPL-2.1 OR BSD-2-Clause
/* vmdevctl's tables and JSON strings (out.h). */
#include <stdarg.h>
#include <stdlib.h>
#include <string.h>

#include "out.h"

void table_init(struct table *t, unsigned int cols, const char *const *head)
{
	unsigned int i;

	memset(t, 0, sizeof(*t));
	t->cols = cols;
	for (i = 0; i < cols; i++) {
		t->right[i] = head[i][0] == '#';
		t->head[i] = head[i] + t->right[i];
	}
}

int table_row(struct table *t, ...)
{
	unsigned int i;
	va_list ap;
	char **cells;

	if (t->rows == t->cap) {
		t->cap = t->cap ? 2 * t->cap : 16;
		cells = realloc(t->cells, sizeof(*cells) * t->cap * t->cols);
		if (!cells)
			return -1;
		t->cells = cells;
	}
	va_start(ap, t);
	for (i = 0; i < t->cols; i++) {
		const char *s = va_arg(ap, const char *);

		t->cells[t->rows * t->cols + i] = strdup(s ? s : "-");
	}
	va_end(ap);
	t->rows++;
	return 0;
}

static void print_row(const struct table *t, const char *const *cells,
		      const int *w, FILE *f)
{
	unsigned int i;

	for (i = 0; i < t->cols; i++) {
		const char *sep = i + 1 < t->cols ? "  " : "\n";

		if (i + 1 == t->cols && !t->right[i])
			fprintf(f, "%s%s", cells[i], sep);
		else
			fprintf(f, t->right[i] ? "%*s%s" : "%-*s%s", w[i],
				cells[i], sep);
	}
}

void table_print(const struct table *t, FILE *f)
{
	int w[TABLE_MAX_COLS] = { 0 };
	unsigned int r, i;
	int n;

	for (i = 0; i < t->cols; i++)
		w[i] = (int)strlen(t->head[i]);
	for (r = 0; r < t->rows; r++)
		for (i = 0; i < t->cols; i++) {
			n = (int)strlen(t->cells[r * t->cols + i]);
			if (n > w[i])
				w[i] = n;
		}
	print_row(t, t->head, w, f);
	for (r = 0; r < t->rows; r++)
		print_row(t, (const char *const *)&t->cells[r * t->cols], w, f);
}

void table_free(struct table *t)
{
	unsigned int i;

	for (i = 0; i < t->rows * t->cols; i++)
		free(t->cells[i]);
	free(t->cells);
	t->cells = NULL;
	t->rows = t->cap = 0;
}

void json_str(FILE *f, const char *s)
{
	fputc('"', f);
	for (; *s; s++) {
		unsigned char c = (unsigned char)*s;

		if (c == '"' || c == '\\')
			fprintf(f, "\\%c", c);
		else if (c < 0x20)
			fprintf(f, "\\u%04x", c);
		else
			fputc(c, f);
	}
	fputc('"', f);
}
