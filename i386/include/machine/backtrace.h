/* SPDX-License-Identifier: GPL-2.0-or-later */
/*
 * Backtraces of the running kernel for machine-independent code (panic,
 * tests). The i386 port's interface is i386/backtrace.h.
 */
#ifndef MACHINE_BACKTRACE_H
#define MACHINE_BACKTRACE_H

#include <i386/backtrace.h>

#endif /* MACHINE_BACKTRACE_H */
