/* SPDX-License-Identifier: GPL-2.0-or-later */
/*
 * Kernel RPCs in instructions, through GNU MIG's user stubs: run under
 * QEMU with -icount shift=0,sleep=off (tools/bench-user rpcbench),
 * where rdtsc counts the guest's instructions. Each figure is N calls
 * timed with rdtsc, minus the empty loop, divided by N:
 *  - mach_port_get_refs: the kernel RPC round trip with a routine
 *    behind it (request copied in, the stub's checks, the routine,
 *    the reply built, queued and copied out);
 *  - mach_port_allocate + mach_port_deallocate of a dead name, by RPC
 *    and by the two traps (the same ipc_right functions behind both);
 *  - mach_port_allocate of a receive right + mach_port_destroy by RPC.
 * The checks say only that every call worked. Boot line:
 *     rpcbench $(task-create) $(task-resume)
 */
#include <stdint.h>

#include <mach/message.h>
#include <mach/mig_support.h>

#include "mach_port.h"
#include "lib/ulib.h"
#include "lib/mach_traps.h"

#define N_CALLS         1000

static inline uint64_t
rdtsc(void)
{
    uint32_t lo, hi;

    __asm__ volatile("rdtsc" : "=a"(lo), "=d"(hi));
    return ((uint64_t)hi << 32) | lo;
}

static uint64_t
empty_loop(void)
{
    uint64_t t = rdtsc();

    for (unsigned int i = 0; i < N_CALLS; i++) {
        __asm__ volatile("" : : : "memory");
    }
    return rdtsc() - t;
}

static void
report(const char *what, uint64_t total, uint64_t empty)
{
    uint64_t per100 = total > empty ? (total - empty) * 100 / N_CALLS : 0;

    tap_diag("bench: %s: %u.%02u instructions (%u calls)", what, (unsigned int)(per100 / 100),
             (unsigned int)(per100 % 100), N_CALLS);
}

int
main(void)
{
    mach_port_t self = mach_task_self(), name;
    mach_port_urefs_t refs;
    uint64_t t, empty;
    unsigned int bad = 0;

    tap_plan(4);
    mig_get_reply_port();               /* made once, outside the loops */
    empty = empty_loop();

    t = rdtsc();
    for (unsigned int i = 0; i < N_CALLS; i++) {
        bad += mach_port_get_refs(self, self, MACH_PORT_RIGHT_SEND, &refs) != KERN_SUCCESS;
    }
    report("mach_port_get_refs RPC round trip", rdtsc() - t, empty);
    tap_ok(bad == 0 && refs >= 1, "%u get_refs calls, %u send refs on the task port", N_CALLS,
           refs);

    bad = 0;
    t = rdtsc();
    for (unsigned int i = 0; i < N_CALLS; i++) {
        bad += mach_port_allocate(self, MACH_PORT_RIGHT_DEAD_NAME, &name) != KERN_SUCCESS;
        bad += mach_port_deallocate(self, name) != KERN_SUCCESS;
    }
    report("mach_port_allocate + deallocate of a dead name by RPC", rdtsc() - t, empty);
    tap_ok(bad == 0, "%u allocate + deallocate pairs by RPC", N_CALLS);

    bad = 0;
    t = rdtsc();
    for (unsigned int i = 0; i < N_CALLS; i++) {
        bad += syscall_mach_port_allocate(self, MACH_PORT_RIGHT_DEAD_NAME, &name) != KERN_SUCCESS;
        bad += syscall_mach_port_deallocate(self, name) != KERN_SUCCESS;
    }
    report("mach_port_allocate + deallocate of a dead name by trap", rdtsc() - t, empty);
    tap_ok(bad == 0, "%u allocate + deallocate pairs by trap", N_CALLS);

    bad = 0;
    t = rdtsc();
    for (unsigned int i = 0; i < N_CALLS; i++) {
        bad += mach_port_allocate(self, MACH_PORT_RIGHT_RECEIVE, &name) != KERN_SUCCESS;
        bad += mach_port_destroy(self, name) != KERN_SUCCESS;
    }
    report("mach_port_allocate of a receive right + destroy by RPC", rdtsc() - t, empty);
    tap_ok(bad == 0, "%u receive rights made and destroyed by RPC", N_CALLS);
    tap_done();
}
