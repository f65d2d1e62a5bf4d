/* SPDX-License-Identifier: GPL-2.0-or-later */
/*
 * gsync between two tasks, by RPC through GNU MIG's user stubs: one
 * program in two roles, "gsync-a" and "gsync-b", each sleeping on words
 * of its own memory that the other wakes through its task port (a
 * remote task's private key, MACH-ABI.md 6.4). Boot lines (the boot
 * script gives a a send right to b's task port):
 *     gsync-a ${gsync-b} $(task-create) $(task-resume)
 *     gsync-b $(gsync-b=task-create) $(task-resume)
 * a puts a send right to its own task port into b's space at TASK_A;
 * then, after a pause that lets b fall asleep:
 *   - a wakes b (gsync_wake with MUTATE): b's gsync_wait returns
 *     KERN_SUCCESS with the new value;
 *   - HANDOFFS round trips, each side waking the other and sleeping
 *     until woken (values carried by MUTATE, so no wake is lost); a
 *     prints the TSC ticks per round trip (u_bench_report: guest
 *     instructions under QEMU -icount, doc/benchmarks.md);
 *   - b sleeps on PARK, a moves it to PARK2 (gsync_requeue) and wakes
 *     PARK2: b must wake from there (a wake lost to the requeue would
 *     leave it to time out).
 * Every wait is timed (WAIT_MS), so a broken wake fails the test instead
 * of hanging it.
 */
#include <mach/message.h>

#include "gnumach.h"
#include "mach_port.h"
#include "lib/ulib.h"
#include "lib/mach_traps.h"

#define TASK_A          1500            /* b's name for a's task port */
#define HANDOFFS        1000
#define WAIT_MS         5000
#define PAUSE_MS        100
#define GSYNC_TIMED     0x04
#define GSYNC_MUTATE    0x10

static mach_port_t self;

/* The words each side sleeps on: at the same address in both tasks. */
static volatile unsigned int turn_a, turn_b, park, park2, never;

/* Sleep ms milliseconds: a timed wait on a word nobody wakes. */
static void
pause_ms(unsigned int ms)
{
    gsync_wait(self, (vm_address_t)&never, 0, 0, ms, GSYNC_TIMED);
}

/* Sleep until *word holds want (woken by the other side). false on a timeout. */
static bool
wait_for(volatile unsigned int *word, unsigned int want)
{
    unsigned int v;

    while ((v = *word) != want) {
        if (gsync_wait(self, (vm_address_t)word, v, 0, WAIT_MS, GSYNC_TIMED) == KERN_TIMEDOUT) {
            return false;
        }
    }
    return true;
}

static void
role_a(mach_port_t b)
{
    uint64_t start, end;
    unsigned int i, bad = 0;
    kern_return_t kr;

    tap_plan(2);
    kr = mach_port_insert_right(b, TASK_A, self, MACH_MSG_TYPE_COPY_SEND);
    tap_ok(kr == KERN_SUCCESS, "a send right to a's task port in b's space (%d)", kr);
    pause_ms(PAUSE_MS);
    gsync_wake(b, (vm_address_t)&turn_b, 1, GSYNC_MUTATE);

    start = u_rdtsc();
    for (i = 1; i <= HANDOFFS; i++) {
        if (!wait_for(&turn_a, i)) {
            bad++;
            break;
        }
        gsync_wake(b, (vm_address_t)&turn_b, i + 1, GSYNC_MUTATE);
    }
    end = u_rdtsc();
    tap_ok(bad == 0, "%u handoffs, each side woken by the other task", HANDOFFS);
    u_bench_report("gsync wake/wait handoff round trip between two tasks (gsync_wake MUTATE "
                   "+ gsync_wait, each way)", end - start, u_bench_empty(HANDOFFS), HANDOFFS);

    pause_ms(PAUSE_MS);
    gsync_requeue(b, (vm_address_t)&park, (vm_address_t)&park2, FALSE, 0);
    gsync_wake(b, (vm_address_t)&park2, 5, GSYNC_MUTATE);
}

static void
role_b(void)
{
    unsigned int i, bad = 0;
    kern_return_t kr;

    tap_plan(4);
    kr = gsync_wait(self, (vm_address_t)&turn_b, 0, 0, WAIT_MS, GSYNC_TIMED);
    tap_ok(kr == KERN_SUCCESS && turn_b == 1,
           "woken from another task, the word mutated to %u (%d)", turn_b, kr);
    for (i = 1; i <= HANDOFFS; i++) {
        gsync_wake(TASK_A, (vm_address_t)&turn_a, i, GSYNC_MUTATE);
        if (!wait_for(&turn_b, i + 1)) {
            bad++;
            break;
        }
    }
    tap_ok(bad == 0, "%u handoffs answered", HANDOFFS);
    kr = gsync_wait(self, (vm_address_t)&park, 0, 0, WAIT_MS, GSYNC_TIMED);
    tap_ok(kr == KERN_SUCCESS && park2 == 5 && park == 0,
           "requeued from one word to another, then woken there (%d)", kr);
    kr = gsync_wait(self, (vm_address_t)&turn_b, 0, 0, 0, 0);
    tap_ok(kr == KERN_INVALID_ARGUMENT, "a changed word: no sleep (%d)", kr);
    mach_port_deallocate(self, TASK_A);
}

int
main(int argc, char **argv)
{
    self = mach_task_self();
    if (argc > 1 && strcmp(argv[0], "gsync-a") == 0) {
        role_a(u_parse_uint(argv[1]));
    } else {
        role_b();
    }
    return 0;
}
