/* SPDX-License-Identifier: GPL-2.0-or-later */
/*
 * Ending the machine, for machine-independent code: machine_halt,
 * machine_reboot, machine_exit_qemu. The i386 port's interface is
 * i386/machine.h.
 */
#ifndef MACHINE_MACHINE_H
#define MACHINE_MACHINE_H

#include <i386/machine.h>

#endif /* MACHINE_MACHINE_H */
