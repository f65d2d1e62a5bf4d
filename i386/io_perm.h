/* SPDX-License-Identifier: GPL-2.0-or-later */
/*
 * I/O permissions (mach_i386.defs: i386_io_perm_create 3805,
 * i386_io_perm_modify 3806): I/O permission objects, each a port range
 * behind a kernel-object port (IPC_KOBJECT_IO_PERM), and the per-task
 * I/O bitmap they enable, loaded in the CPU's TSS while a thread of the
 * task runs (doc/user.md, "I/O permissions").
 *
 * The server routines and the MIG conversions (convert_port_to_io_perm()
 * and friends) are declared in kern/mig_kernel.h and the generated
 * mach_i386_S.h; this header is the machine's side.
 */
#ifndef I386_IO_PERM_H
#define I386_IO_PERM_H

#include <stdint.h>

struct pcb_task;
struct task;

/*
 * Make the calling CPU's TSS right for a thread of task about to run:
 * no bitmap (every port faults at CPL 3) for a task without one, else
 * the task's bitmap, copied only when the TSS does not hold this version
 * of it already. A NULL task (a kernel thread, CPL 0 only) leaves the
 * TSS as it is. Interrupts off; called by pcb_switch().
 */
void io_perm_switch(const struct task *task);

/*
 * The first count bytes (at most GDT_IOPB_BYTES) of task's I/O bitmap
 * into out (bit clear = port allowed), all ones when task is NULL or
 * has none: i386_ISA_PORT_MAP_STATE. Takes the bitmap lock; never sleeps.
 */
void io_perm_map_read(const struct task *task, uint8_t *out, unsigned int count);

/* Free pt's bitmap (its task is being freed: no thread of it runs). */
void io_perm_task_free(struct pcb_task *pt);

/* Live I/O permission objects, for tests. */
unsigned int io_perm_count(void);

#endif /* I386_IO_PERM_H */
