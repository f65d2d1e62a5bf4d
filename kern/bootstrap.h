/* SPDX-License-Identifier: GPL-2.0-or-later */
/*
 * The first user tasks, from the boot loader's modules (kern/bootstrap.c,
 * doc/user.md "Bootstrap").
 */
#ifndef KERN_BOOTSTRAP_H
#define KERN_BOOTSTRAP_H

/*
 * Run every module string as a line of the boot script: create, load
 * and start the tasks, then resume those the script resumes. Errors
 * (a malformed line, an image that is not a static ELF32 i386
 * executable, no memory) are console lines naming the module; the
 * other modules go on. Once, from startup(), in thread context, after
 * tasks and the host ports are set up.
 */
void bootstrap_run(void);

/*
 * With `user-test` on the command line (doc/testing.md): wait until
 * every task has ended (polling each tick), then print "user-test: all
 * tasks ended". Without it, return at once. Thread context.
 */
void bootstrap_user_test_wait(void);

#endif /* KERN_BOOTSTRAP_H */
