/* SPDX-License-Identifier: GPL-2.0-or-later */
/*
 * What the rest of the kernel calls in kern/gnumach.c (the gnumach.defs
 * routines themselves are reached only through the MIG stubs).
 */
#ifndef KERN_GNUMACH_H
#define KERN_GNUMACH_H

struct task;

/*
 * A task was created: send mach_notify_new_task (task_notify.defs, id
 * 4400) with send rights to task and to parent (MACH_PORT_NULL without
 * one) to the port registered with register_new_task_notification, if
 * any. A registered port found dead is released and the registration
 * cleared. Thread context, no lock held; never blocks on the receiver
 * (the message is queued past its queue limit, as kernel replies are).
 * A message that cannot be built is dropped.
 */
void gnumach_task_created(struct task *parent, struct task *task);

#endif /* KERN_GNUMACH_H */
