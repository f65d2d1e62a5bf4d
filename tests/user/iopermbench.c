/* SPDX-License-Identifier: GPL-2.0-or-later */
/*
 * What I/O bitmaps add to a context switch (i386/io_perm.c), in
 * instructions under QEMU -icount (tools/bench-user iopermbench, with
 * BENCH_ARGS='${device-port}'; doc/benchmarks.md). On one CPU, this
 * task's thread and a partner thread call swtch in turn, so each swtch
 * of ours is two switches (to the partner and back) and two traps:
 *  - same task, no bitmap; same task, a bitmap (never copied again);
 *  - another task (a copy of this one, task_create inheriting memory)
 *    with no bitmap in either; a bitmap in this task only (the TSS's
 *    bitmap turned on and off, not copied); a different bitmap in each
 *    (copied at every switch: 17 bytes for ports up to 0x84, 8 KiB once
 *    both allow port 0xffff).
 * Each case is checked to have alternated: the partner counts in a page
 * shared with the child (VM_INHERIT_SHARE).
 */
#include <mach/message.h>
#include <mach/vm_inherit.h>
#include <mach/thread_status.h>

#include "mach.h"
#include "mach_i386.h"
#include "lib/ulib.h"
#include "lib/mach_traps.h"

#define ROUNDS          2000
#define STACK_WORDS     1024

static mach_port_t self, dev;
static volatile unsigned int *partner_count;    /* a page shared with the child */
static unsigned int partner_stack[STACK_WORDS] __attribute__((aligned(16)));

static void __attribute__((noreturn, used))
partner_main(void)
{
    for (;;) {
        (*partner_count)++;
        swtch();
    }
}

/* A partner thread in task, running partner_main on partner_stack (task's copy of it). */
static kern_return_t
partner_start(mach_port_t task, mach_port_t *thread)
{
    struct i386_thread_state st;
    mach_msg_type_number_t count = i386_THREAD_STATE_COUNT;
    kern_return_t kr;

    kr = thread_create(task, thread);
    kr = kr != KERN_SUCCESS ? kr : thread_get_state(*thread, i386_THREAD_STATE,
                                                    (thread_state_t)&st, &count);
    if (kr != KERN_SUCCESS) {
        return kr;
    }
    st.eip = (unsigned int)partner_main;
    st.uesp = (unsigned int)&partner_stack[STACK_WORDS - 4];
    kr = thread_set_state(*thread, i386_THREAD_STATE, (thread_state_t)&st,
                          i386_THREAD_STATE_COUNT);
    return kr != KERN_SUCCESS ? kr : thread_resume(*thread);
}

/* Time ROUNDS swtch calls against the running partner; ok if they alternated. */
static void
bench(const char *what)
{
    unsigned int before = *partner_count;
    uint64_t t, empty;

    for (unsigned int i = 0; i < 10; i++) {
        swtch();                    /* warm up: the partner runs, the TSS is loaded */
    }
    empty = u_bench_empty(ROUNDS);
    t = u_rdtsc();
    for (unsigned int i = 0; i < ROUNDS; i++) {
        swtch();
    }
    t = u_rdtsc() - t;
    u_bench_report(what, t, empty, ROUNDS);
    tap_ok(*partner_count - before >= ROUNDS, "%s: the partner ran (%u)", what,
           *partner_count - before);
}

int
main(int argc, char **argv)
{
    mach_port_t perm_a = MACH_PORT_NULL, perm_b = MACH_PORT_NULL, perm_top = MACH_PORT_NULL, child = MACH_PORT_NULL, thread;
    vm_address_t page = 0;
    kern_return_t kr;

    self = mach_task_self();
    dev = argc > 1 ? u_parse_uint(argv[1]) : MACH_PORT_NULL;

    tap_plan(14);
    kr = vm_allocate(self, &page, 4096, TRUE);
    kr = kr != KERN_SUCCESS ? kr : vm_inherit(self, page, 4096, VM_INHERIT_SHARE);
    tap_ok(kr == KERN_SUCCESS, "a page shared with children (%d)", kr);
    partner_count = (volatile unsigned int *)page;
    tap_ok(i386_io_perm_create(dev, 0x80, 0x80, &perm_a) == KERN_SUCCESS
           && i386_io_perm_create(dev, 0x84, 0x84, &perm_b) == KERN_SUCCESS
           && i386_io_perm_create(dev, 0xffff, 0xffff, &perm_top) == KERN_SUCCESS,
           "three I/O permissions");

    /* Two threads of this task, before it has a bitmap. */
    kr = partner_start(self, &thread);
    tap_ok(kr == KERN_SUCCESS, "a partner thread in this task (%d)", kr);
    bench("swtch round trip, two threads of one task, no bitmap (2 switches)");
    thread_terminate(thread);
    syscall_mach_port_deallocate(self, thread);

    /* Another task, sharing the counter's page. */
    kr = task_create(self, TRUE, &child);
    kr = kr != KERN_SUCCESS ? kr : partner_start(child, &thread);
    tap_ok(kr == KERN_SUCCESS, "a partner thread in a child task (%d)", kr);
    syscall_mach_port_deallocate(self, thread);
    bench("swtch round trip between two tasks, no bitmap (2 switches, 2 pmaps)");
    kr = i386_io_perm_modify(self, perm_a, TRUE);
    tap_ok(kr == KERN_SUCCESS, "this task gets a bitmap (%d)", kr);
    bench("the same, this task has a bitmap, the other none");
    kr = i386_io_perm_modify(child, perm_b, TRUE);
    tap_ok(kr == KERN_SUCCESS, "the child gets a bitmap of its own (%d)", kr);
    bench("the same, each task has its own bitmap (ports 0x80, 0x84: 17 bytes copied per switch)");
    kr = i386_io_perm_modify(self, perm_top, TRUE);
    kr = kr != KERN_SUCCESS ? kr : i386_io_perm_modify(child, perm_top, TRUE);
    tap_ok(kr == KERN_SUCCESS, "both allow port 0xffff too (%d)", kr);
    bench("the same, both bitmaps reach port 0xffff (8 KiB copied per switch)");
    task_terminate(child);
    syscall_mach_port_deallocate(self, child);

    /* Two threads of this task, which has a bitmap now. */
    kr = partner_start(self, &thread);
    tap_ok(kr == KERN_SUCCESS, "a partner thread in this task again (%d)", kr);
    bench("swtch round trip, two threads of one task with a bitmap");
    thread_terminate(thread);
    syscall_mach_port_deallocate(self, thread);
    syscall_mach_port_deallocate(self, perm_a);
    syscall_mach_port_deallocate(self, perm_b);
    syscall_mach_port_deallocate(self, perm_top);
    syscall_mach_port_deallocate(self, dev);
    vm_deallocate(self, page, 4096);
    return 0;
}
