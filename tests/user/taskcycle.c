/* SPDX-License-Identifier: GPL-2.0-or-later */
/*
 * 1000 task_create/task_terminate cycles by trap, and bad input to both
 * traps, from a boot task:
 *     taskcycle ${host-port} $(task-create) $(task-resume)
 * Each cycle creates a child of this task (inherit_memory FALSE), gives
 * it memory and a port through the traps, terminates it, checks that
 * its name is then a dead name the traps refuse, and deallocates that
 * name. What the program can see is checked here: every call's result,
 * and that the child gets the same name every cycle (the dead names do
 * not pile up in this task's space). What it cannot see, that every
 * page and kmem object came back, the kernel checks when every boot
 * task has ended: the boot line expects "user-test: memory returned"
 * (kern/ktest.h, doc/testing.md), and a leak fails the boot.
 */
#include "lib/ulib.h"

#define CYCLES                  1000
#define BAD_ROUNDS              100
#define SEND_INTERRUPTED        0x10000007
#define NOT_A_NAME              0x4242
#define KERNEL_ADDRESS          0xc0001000u
#define RIGHT_RECEIVE           1

/* One cycle; returns a short reason on failure, NULL when all went well. */
static const char *
cycle(mach_port_t self, mach_port_t *childp)
{
    mach_port_t child = 0, name = 0;
    vm_address_t addr = 0;

    if (syscall_task_create(self, 0, &child) != KERN_SUCCESS || child == 0) {
        return "task_create";
    }
    *childp = child;
    if (syscall_vm_allocate(child, &addr, 0x10000, 1) != KERN_SUCCESS) {
        return "vm_allocate in the child";
    }
    if (syscall_mach_port_allocate(child, RIGHT_RECEIVE, &name) != KERN_SUCCESS
        || name == 0) {
        return "mach_port_allocate in the child";
    }
    if (syscall_task_terminate(child) != KERN_SUCCESS) {
        return "task_terminate";
    }
    if (syscall_task_terminate(child) != SEND_INTERRUPTED) {
        return "task_terminate of the dead name";
    }
    if (syscall_task_create(child, 0, &name) != SEND_INTERRUPTED) {
        return "task_create from the dead name";
    }
    if (syscall_mach_port_deallocate(self, child) != KERN_SUCCESS) {
        return "mach_port_deallocate of the dead name";
    }
    return NULL;
}

int
main(int argc, char **argv, char **envp)
{
    mach_port_t self, host = 1, child, first = 0, dead, receive, out, probe = 0;
    unsigned int bad, done, same;
    const char *why = NULL;
    kern_return_t kr;

    (void)envp;
    tap_plan(13);
    tap_ok(argc == 2 && strcmp(argv[1], "1") == 0, "argv[1] is the host port's name 1");
    self = mach_task_self();
    tap_ok(self != 0, "mach_task_self: %u", (unsigned int)self);

    same = 0;
    for (done = 0; done < CYCLES; done++) {
        child = 0;
        why = cycle(self, &child);
        if (why != NULL) {
            break;
        }
        if (done == 0) {
            first = child;
        }
        same += child == first;
    }
    tap_ok(done == CYCLES, "%u of %u create/use/terminate cycles by trap%s%s", done, CYCLES,
           why != NULL ? ", failed at " : "", why != NULL ? why : "");
    tap_ok(same == CYCLES, "the child had name %u in %u of %u cycles (no dead names kept)",
           (unsigned int)first, same, CYCLES);

    /* A dead name kept for the bad-input rounds. */
    kr = syscall_task_create(self, 0, &dead);
    kr = kr == KERN_SUCCESS ? syscall_task_terminate(dead) : kr;
    tap_ok(kr == KERN_SUCCESS, "a dead task name for the bad inputs: %d", kr);
    receive = mach_reply_port();
    tap_ok(receive != 0, "a receive right (not a task) for the bad inputs: %u",
           (unsigned int)receive);
    why = cycle(self, &probe);
    tap_ok(why == NULL, "one more cycle, its child named %u%s%s", (unsigned int)probe,
           why != NULL ? ": failed at " : "", why != NULL ? why : "");

    bad = 0;
    for (unsigned int i = 0; i < BAD_ROUNDS; i++) {
        const mach_port_t names[] = { MACH_PORT_NULL, dead, host, receive, NOT_A_NAME };

        for (unsigned int n = 0; n < sizeof(names) / sizeof(names[0]); n++) {
            out = 0;
            bad += syscall_task_create(names[n], 0, &out) != SEND_INTERRUPTED || out != 0;
            bad += syscall_task_terminate(names[n]) != SEND_INTERRUPTED;
        }
    }
    tap_ok(bad == 0, "task_create and task_terminate of MACH_PORT_NULL, a dead name, the host "
           "port, a receive right and no name: MACH_SEND_INTERRUPTED %u times (%u not)",
           BAD_ROUNDS * 10, bad);

    /* Inheriting memory (copy-on-write, tests/user/cow.c has more): create, then end. */
    bad = 0;
    for (unsigned int i = 0; i < BAD_ROUNDS; i++) {
        out = 0;
        bad += syscall_task_create(self, 1, &out) != KERN_SUCCESS || out != probe
               || syscall_task_terminate(out) != KERN_SUCCESS
               || syscall_mach_port_deallocate(self, out) != KERN_SUCCESS;
    }
    tap_ok(bad == 0, "task_create inheriting memory, then task_terminate: %u times (%u failed)",
           BAD_ROUNDS, bad);

    bad = 0;
    for (unsigned int i = 0; i < BAD_ROUNDS; i++) {
        bad += syscall_task_create(self, 0, (mach_port_t *)KERNEL_ADDRESS)
               != KERN_INVALID_ADDRESS;
        bad += syscall_task_create(self, 0, (mach_port_t *)0) != KERN_INVALID_ADDRESS;
    }
    tap_ok(bad == 0, "task_create with the child pointer in the kernel or at 0: "
           "KERN_INVALID_ADDRESS %u times (%u not)", BAD_ROUNDS * 2, bad);

    /* The failed creations left no name behind: the next child gets the same one. */
    kr = syscall_task_create(self, 0, &child);
    tap_ok(kr == KERN_SUCCESS && child == probe,
           "after the bad calls a child gets name %u again: %d, %u", (unsigned int)probe, kr,
           (unsigned int)child);
    kr = syscall_task_terminate(child);
    kr = kr == KERN_SUCCESS ? syscall_mach_port_deallocate(self, child) : kr;
    tap_ok(kr == KERN_SUCCESS, "that child terminated, its dead name deallocated: %d", kr);
    kr = syscall_mach_port_deallocate(self, dead);
    tap_ok(kr == KERN_SUCCESS, "the kept dead name deallocated: %d", kr);
    tap_done();
}
