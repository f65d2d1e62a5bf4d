/* SPDX-License-Identifier: GPL-2.0-or-later */
/*
 * A thread's user-mode machine state for machine-independent code:
 * struct pcb (embedded in struct thread), pcb_switch(), pcb_user_start(),
 * pcb_user_pc() and PCB_STACK_RESERVE. The i386 port's interface is
 * i386/pcb.h.
 */
#ifndef MACHINE_PCB_H
#define MACHINE_PCB_H

#include <i386/pcb.h>

#endif /* MACHINE_PCB_H */
