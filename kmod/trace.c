// SPDX-License-Identifier: GPL-2.0
/*
 * The one place where vmdev's tracepoints (trace.h) are instantiated.
 * Documentation/observability.rst shows how to use them.
 */
#define CREATE_TRACE_POINTS
#include "trace.h"
