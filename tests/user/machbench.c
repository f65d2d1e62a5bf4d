/* SPDX-License-Identifier: GPL-2.0-or-later */
/*
 * mach.defs RPCs in instructions, through GNU MIG's user stubs: run
 * under QEMU with -icount shift=0,sleep=off (tools/bench-user
 * machbench), where rdtsc counts the guest's instructions. Each figure
 * is N calls timed with rdtsc, minus the empty loop, divided by N:
 *  - vm_allocate + vm_deallocate of a page, by RPC and by the traps;
 *  - vm_read and vm_write of 4 KiB and of 1 MiB (out-of-line data each
 *    way), the reply's copy deallocated;
 *  - task_create + task_terminate of an empty task;
 *  - thread_create + thread_terminate in our own task (never run).
 * The checks say only that every call worked. Boot line:
 *     machbench $(task-create) $(task-resume)
 */
#include <stdint.h>

#include <mach/message.h>
#include <mach/mig_support.h>

#include "mach.h"
#include "mach_port.h"
#include "lib/ulib.h"
#include "lib/mach_traps.h"

#define PAGE            4096u
#define BIG             (1u << 20)

static mach_port_t self;

/* "# bench: WHAT: X.YY instructions (N runs)" for n calls taking total ticks. */
static void
report(const char *what, uint64_t total, unsigned int n)
{
    u_bench_report(what, total, u_bench_empty(n), n);
}

/* vm_read of size bytes at addr, n times; the number of failures. */
static unsigned int
bench_read(vm_address_t addr, vm_size_t size, unsigned int n, uint64_t *total)
{
    vm_offset_t data;
    mach_msg_type_number_t count;
    unsigned int bad = 0;
    uint64_t t = u_rdtsc();

    for (unsigned int i = 0; i < n; i++) {
        bad += vm_read(self, addr, size, &data, &count) != KERN_SUCCESS;
        bad += vm_deallocate(self, data, count) != KERN_SUCCESS;
    }
    *total = u_rdtsc() - t;
    return bad;
}

/* vm_write of size bytes from src to dst, n times; the number of failures. */
static unsigned int
bench_write(vm_address_t dst, vm_address_t src, vm_size_t size, unsigned int n, uint64_t *total)
{
    unsigned int bad = 0;
    uint64_t t = u_rdtsc();

    for (unsigned int i = 0; i < n; i++) {
        bad += vm_write(self, dst, src, size) != KERN_SUCCESS;
    }
    *total = u_rdtsc() - t;
    return bad;
}

int
main(void)
{
    vm_address_t a, src = 0, dst = 0;
    mach_port_t task, thread;
    unsigned int bad = 0, n = 1000;
    uint64_t t;

    self = mach_task_self();
    tap_plan(4);
    mig_get_reply_port();               /* made once, outside the loops */

    t = u_rdtsc();
    for (unsigned int i = 0; i < n; i++) {
        a = 0;
        bad += vm_allocate(self, &a, PAGE, TRUE) != KERN_SUCCESS;
        bad += vm_deallocate(self, a, PAGE) != KERN_SUCCESS;
    }
    report("vm_allocate + vm_deallocate of a page by RPC", u_rdtsc() - t, n);
    t = u_rdtsc();
    for (unsigned int i = 0; i < n; i++) {
        a = 0;
        bad += syscall_vm_allocate(self, &a, PAGE, TRUE) != KERN_SUCCESS;
        bad += syscall_vm_deallocate(self, a, PAGE) != KERN_SUCCESS;
    }
    report("vm_allocate + vm_deallocate of a page by trap", u_rdtsc() - t, n);
    tap_ok(bad == 0, "vm_allocate + vm_deallocate pairs");

    vm_allocate(self, &src, BIG, TRUE);
    vm_allocate(self, &dst, BIG, TRUE);
    memset((void *)src, 0x5a, BIG);
    memset((void *)dst, 0xa5, BIG);
    bad = bench_read(src, PAGE, n, &t);
    report("vm_read of 4 KiB (+ vm_deallocate of the copy)", t, n);
    bad += bench_read(src, BIG, 20, &t);
    report("vm_read of 1 MiB (+ vm_deallocate of the copy)", t, 20);
    bad += bench_write(dst, src, PAGE, n, &t);
    report("vm_write of 4 KiB", t, n);
    bad += bench_write(dst, src, BIG, 20, &t);
    report("vm_write of 1 MiB", t, 20);
    tap_ok(bad == 0 && ((unsigned char *)dst)[BIG - 1] == 0x5a, "vm_read and vm_write calls");
    vm_deallocate(self, src, BIG);
    vm_deallocate(self, dst, BIG);

    bad = 0;
    n = 200;
    t = u_rdtsc();
    for (unsigned int i = 0; i < n; i++) {
        bad += task_create(self, FALSE, &task) != KERN_SUCCESS;
        bad += task_terminate(task) != KERN_SUCCESS;
        bad += mach_port_deallocate(self, task) != KERN_SUCCESS;
    }
    report("task_create + task_terminate (+ the name deallocated) by RPC", u_rdtsc() - t, n);
    tap_ok(bad == 0, "task_create + task_terminate pairs");

    bad = 0;
    t = u_rdtsc();
    for (unsigned int i = 0; i < n; i++) {
        bad += thread_create(self, &thread) != KERN_SUCCESS;
        bad += thread_terminate(thread) != KERN_SUCCESS;
        bad += mach_port_deallocate(self, thread) != KERN_SUCCESS;
    }
    report("thread_create + thread_terminate (+ the name deallocated) by RPC", u_rdtsc() - t, n);
    tap_ok(bad == 0, "thread_create + thread_terminate pairs");
    tap_done();
}
