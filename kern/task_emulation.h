/* SPDX-License-Identifier: GPL-2.0-or-later */
/*
 * System-call emulation vectors (mach.defs task_get_emulation_vector,
 * task_set_emulation_vector, task_set_emulation), as GNU Mach keeps
 * them: per task, a table of user addresses for a range of system-call
 * numbers (the value a program puts in %eax: Mach traps are negative).
 * A trap whose number has a non-zero entry does not run: the thread
 * goes to that address with its flags and return address pushed on its
 * stack (the machine layer's task_emulation_lookup() call); and in a task
 * with a table `int $0x80` is a system call too. A child task starts
 * with its parent's table.
 *
 *   kr = task_set_emulation(task, handler, 1000);   trap 1000 now calls handler
 *   if (task_emulation_lookup(task, eax, &pc)) ...  in the system-call path
 */
#ifndef KERN_TASK_EMULATION_H
#define KERN_TASK_EMULATION_H

#include <stdbool.h>
#include <stdint.h>

#include <include/mach/kern_return.h>
#include <include/mach/machine/vm_types.h>

struct task;

/* GNU Mach's answer for a NULL task (EML_MOD | 1, EML_MOD = err_sub(2)). */
#define EML_BAD_TASK            0x8001

/* Entries a table may span (GNU Mach has no limit but memory). */
#define TASK_EMULATION_MAX      65536

/*
 * The routines, with the prototypes MIG generates (kern/task_emulation.c
 * checks them against mach_S.h):
 *
 * task_set_emulation_vector: entries vector_start .. vector_start +
 * count - 1 become the count addresses of the out-of-line vector (a
 * struct vm_copy, consumed on success); entries outside keep their
 * values, new ones in between are 0. A table shared with a parent or
 * child is copied first. task_set_emulation: one entry. Both return
 * KERN_SUCCESS, EML_BAD_TASK for NULL, KERN_INVALID_ARGUMENT for a
 * vector shorter than count, KERN_RESOURCE_SHORTAGE when memory is out
 * or the table would span more than TASK_EMULATION_MAX entries (nothing
 * changed).
 *
 * task_get_emulation_vector: the table's first number, and its entries
 * out of line; none: 0 and an empty vector. KERN_SUCCESS, EML_BAD_TASK
 * or KERN_RESOURCE_SHORTAGE.
 *
 * Thread context; they take the task lock.
 */
kern_return_t task_set_emulation_vector(struct task *task, int vector_start,
                                        uintptr_t *emulation_vector,
                                        natural_t emulation_vectorCnt);
kern_return_t task_set_emulation(struct task *target_port, uintptr_t routine_entry_pt,
                                 int routine_number);
kern_return_t task_get_emulation_vector(struct task *task, int *vector_start,
                                        uintptr_t **emulation_vector,
                                        natural_t *emulation_vectorCnt);

/*
 * The emulation address for system call number (the user's %eax) in
 * task, in *pc: true when the task has a non-zero entry for it. Lock-free
 * and quick without a table; takes the task lock otherwise. Any thread
 * context.
 */
bool task_emulation_lookup(struct task *task, int32_t number, uintptr_t *pc);

/*
 * Whether task has a table (even one without entries): GNU Mach then
 * takes `int $0x80` as a system call. Lock-free; any thread context.
 */
bool task_emulation_present(struct task *task);

/*
 * A new task's table: its parent's, shared (parent may be NULL). Takes
 * the parent's lock. task_emulation_release(): drop a task's table as
 * it is freed.
 */
void task_emulation_inherit(struct task *child, struct task *parent);
void task_emulation_release(struct task *task);

#endif /* KERN_TASK_EMULATION_H */
