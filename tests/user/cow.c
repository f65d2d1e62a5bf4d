/* SPDX-License-Identifier: GPL-2.0-or-later */
/*
 * Fork-like task_create from user mode: children made with
 * inherit_memory=TRUE take a copy-on-write copy of this task's memory,
 * after which every write of ours (from user mode, and the kernel's
 * copyout of the child's name onto our write-protected stack) must
 * copy a page and leave our data exactly as we wrote it. 1000 cycles
 * of create(copy), write, terminate; the kernel tests (test=vm_cow,
 * vm_cow_cycles) check the child's side and that every page comes back.
 * The child has no thread: thread_create needs mach_msg. Boot line:
 * "cow cow $(task-create) $(task-resume)".
 */
#include "lib/ulib.h"

#define COW_SIZE        (64u * 1024)
#define COW_WORDS       (COW_SIZE / 4)
#define COW_CYCLES      1000

/* Words of the region that are not key ^ i, after word last was set to mark. */
static unsigned int
cow_diff(volatile unsigned int *p, unsigned int key, unsigned int last, unsigned int mark)
{
    unsigned int bad = 0;

    for (unsigned int i = 0; i < COW_WORDS; i++) {
        bad += p[i] != (i == last ? mark : (key ^ i));
    }
    return bad;
}

int
main(int argc, char **argv, char **envp)
{
    volatile unsigned int *p;
    vm_address_t addr = 0;
    mach_port_t child = 0;
    unsigned int bad = 0, failed = 0, last = COW_WORDS;
    kern_return_t kr;

    (void)argc, (void)argv, (void)envp;
    tap_plan(5);
    kr = syscall_vm_allocate(mach_task_self(), &addr, COW_SIZE, 1);
    tap_ok(kr == KERN_SUCCESS, "vm_allocate 64 KiB: %d", kr);
    if (kr != KERN_SUCCESS) {
        tap_done();
    }
    p = (volatile unsigned int *)addr;
    for (unsigned int i = 0; i < COW_WORDS; i++) {
        p[i] = 0xC0C0C0C0u ^ i;
    }

    kr = syscall_task_create(mach_task_self(), 1, &child);
    tap_ok(kr == KERN_SUCCESS && child != 0,
           "task_create(inherit_memory=TRUE): %d, child %u (copied out onto our stack)",
           kr, (unsigned int)child);
    p[5] = 0x12345678u;
    last = 5;
    bad = cow_diff(p, 0xC0C0C0C0u, last, 0x12345678u);
    tap_ok(bad == 0, "our writes after the copy: %u words wrong", bad);
    tap_ok(syscall_task_terminate(child) == KERN_SUCCESS, "task_terminate of the child");

    for (unsigned int c = 0; c < COW_CYCLES; c++) {
        unsigned int word = (c * 1031u) % COW_WORDS;

        child = 0;
        if (syscall_task_create(mach_task_self(), 1, &child) != KERN_SUCCESS || child == 0) {
            failed++;
            continue;
        }
        p[last] = 0xC0C0C0C0u ^ last;       /* restore, then mark another word */
        p[word] = ~c;
        last = word;
        failed += syscall_task_terminate(child) != KERN_SUCCESS;
        if (c % 100 == 99) {
            bad += cow_diff(p, 0xC0C0C0C0u, last, ~c);
        }
    }
    tap_ok(failed == 0 && bad == 0, "%u create(copy)/write/terminate cycles: %u failed, "
           "%u words wrong", COW_CYCLES, failed, bad);
    tap_done();
}
