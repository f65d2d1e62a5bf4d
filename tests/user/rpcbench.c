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

int
main(void)
{
    mach_port_t self = mach_task_self(), name;
    mach_port_urefs_t refs;
    uint64_t t, empty;
    unsigned int bad = 0;

    tap_plan(4);
    mig_get_reply_port();               /* made once, outside the loops */
    empty = u_bench_empty(N_CALLS);

    t = u_rdtsc();
    for (unsigned int i = 0; i < N_CALLS; i++) {
        bad += mach_port_get_refs(self, self, MACH_PORT_RIGHT_SEND, &refs) != KERN_SUCCESS;
    }
    u_bench_report("mach_port_get_refs RPC round trip", u_rdtsc() - t, empty, N_CALLS);
    tap_ok(bad == 0 && refs >= 1, "%u get_refs calls, %u send refs on the task port", N_CALLS,
           refs);

    bad = 0;
    t = u_rdtsc();
    for (unsigned int i = 0; i < N_CALLS; i++) {
        bad += mach_port_allocate(self, MACH_PORT_RIGHT_DEAD_NAME, &name) != KERN_SUCCESS;
        bad += mach_port_deallocate(self, name) != KERN_SUCCESS;
    }
    u_bench_report("mach_port_allocate + deallocate of a dead name by RPC", u_rdtsc() - t, empty, N_CALLS);
    tap_ok(bad == 0, "%u allocate + deallocate pairs by RPC", N_CALLS);

    bad = 0;
    t = u_rdtsc();
    for (unsigned int i = 0; i < N_CALLS; i++) {
        bad += syscall_mach_port_allocate(self, MACH_PORT_RIGHT_DEAD_NAME, &name) != KERN_SUCCESS;
        bad += syscall_mach_port_deallocate(self, name) != KERN_SUCCESS;
    }
    u_bench_report("mach_port_allocate + deallocate of a dead name by trap", u_rdtsc() - t, empty, N_CALLS);
    tap_ok(bad == 0, "%u allocate + deallocate pairs by trap", N_CALLS);

    bad = 0;
    t = u_rdtsc();
    for (unsigned int i = 0; i < N_CALLS; i++) {
        bad += mach_port_allocate(self, MACH_PORT_RIGHT_RECEIVE, &name) != KERN_SUCCESS;
        bad += mach_port_destroy(self, name) != KERN_SUCCESS;
    }
    u_bench_report("mach_port_allocate of a receive right + destroy by RPC", u_rdtsc() - t, empty, N_CALLS);
    tap_ok(bad == 0, "%u receive rights made and destroyed by RPC", N_CALLS);
    tap_done();
}
