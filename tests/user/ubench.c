/* SPDX-License-Identifier: GPL-2.0-or-later */
/*
 * Benchmarks from a booted task, in instructions: run under QEMU with
 * -icount shift=0,sleep=off (tools/bench-user), where rdtsc counts the
 * guest's instructions. Each figure is the cost of N operations read
 * with rdtsc around the loop, minus the same loop with nothing in it,
 * divided by N:
 *  - a trap to an empty slot (-1) and mach_task_self (-28), the null
 *    trap round trip with and without a right copied out;
 *  - mach_print of a 4-byte line;
 *  - a zero-fill page fault taken by a write (second of two rounds:
 *    the page table exists), minus a write to the same resident page;
 *  - task_create + task_terminate of a child through the traps.
 * Without -icount the numbers mean nothing; the results only say that
 * every call worked. Boot line: "ubench $(task-create) $(task-resume)".
 */
#include <stdint.h>

#include "lib/ulib.h"

#define N_TRAPS                 1000
#define N_PRINTS                100
#define N_PAGES                 256
#define N_TASKS                 200
#define PAGE                    4096u

/* Write to each of N_PAGES pages at addr; the instructions of the writes. */
static uint64_t
ubench_touch(vm_address_t addr)
{
    uint64_t sum = 0;

    for (unsigned int i = 0; i < N_PAGES; i++) {
        uint64_t t = u_rdtsc();

        *(volatile uint32_t *)(addr + i * PAGE) = i;
        sum += u_rdtsc() - t;
    }
    return sum;
}

int
main(int argc, char **argv, char **envp)
{
    mach_port_t self, child;
    unsigned int bad = 0;
    uint64_t t, total, empty;
    vm_address_t addr;
    kern_return_t kr;

    (void)argc;
    (void)argv;
    (void)envp;
    tap_plan(5);
    self = mach_task_self();

    empty = u_bench_empty(N_TRAPS);
    t = u_rdtsc();
    for (unsigned int i = 0; i < N_TRAPS; i++) {
        bad += trap_raw(-1) != KERN_INVALID_ARGUMENT;
    }
    total = u_rdtsc() - t;
    u_bench_report("empty trap slot (-1) round trip", total, empty, N_TRAPS);
    t = u_rdtsc();
    for (unsigned int i = 0; i < N_TRAPS; i++) {
        bad += mach_task_self() != self;
    }
    total = u_rdtsc() - t;
    u_bench_report("mach_task_self round trip", total, empty, N_TRAPS);
    for (unsigned int i = 0; i < N_TRAPS; i++) {
        bad += syscall_mach_port_deallocate(self, self) != KERN_SUCCESS;
    }
    tap_ok(bad == 0, "traps: %u failures", bad);

    empty = u_bench_empty(N_PRINTS);
    t = u_rdtsc();
    for (unsigned int i = 0; i < N_PRINTS; i++) {
        mach_print("ub.\n");
    }
    total = u_rdtsc() - t;
    u_bench_report("mach_print of a 4-byte line", total, empty, N_PRINTS);
    tap_ok(true, "printed %u short lines", N_PRINTS);

    bad = 0;
    for (unsigned int round = 0; round < 2; round++) {
        addr = 0;
        kr = syscall_vm_allocate(self, &addr, N_PAGES * PAGE, 1);
        if (kr != KERN_SUCCESS) {
            bad++;
            break;
        }
        total = ubench_touch(addr);
        empty = ubench_touch(addr);
        bad += syscall_vm_deallocate(self, addr, N_PAGES * PAGE) != KERN_SUCCESS;
    }
    u_bench_report("zero-fill page fault (write), minus a resident write", total, empty,
                  N_PAGES);
    u_bench_report("write to a resident page, rdtsc included", empty, 0, N_PAGES);
    tap_ok(bad == 0, "vm_allocate, faults and vm_deallocate of %u pages, twice", N_PAGES);

    bad = 0;
    total = 0;
    for (unsigned int i = 0; i < N_TASKS; i++) {
        t = u_rdtsc();
        kr = syscall_task_create(self, 0, &child);
        kr = kr == KERN_SUCCESS ? syscall_task_terminate(child) : kr;
        total += u_rdtsc() - t;
        bad += kr != KERN_SUCCESS || syscall_mach_port_deallocate(self, child) != KERN_SUCCESS;
    }
    t = u_rdtsc();
    empty = u_rdtsc() - t;
    u_bench_report("task_create + task_terminate by trap", total, empty * N_TASKS, N_TASKS);
    tap_ok(bad == 0, "%u task create/terminate cycles: %u failures", N_TASKS, bad);
    tap_ok(syscall_mach_port_deallocate(self, self) == KERN_SUCCESS,
           "the first mach_task_self's reference deallocated");
    tap_done();
}
