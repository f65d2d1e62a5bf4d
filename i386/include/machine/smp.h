/* SPDX-License-Identifier: GPL-2.0-or-later */
/*
 * Cross-CPU calls and wakeups for machine-independent code (smp_call,
 * smp_call_all, smp_wakeup, smp_nr_cpus). The i386 port's interface is
 * i386/smp.h.
 */
#ifndef MACHINE_SMP_H
#define MACHINE_SMP_H

#include <i386/smp.h>

#endif /* MACHINE_SMP_H */
