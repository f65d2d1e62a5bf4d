/* SPDX-License-Identifier: GPL-2.0-or-later */
/*
 * The end of the line. Interrupts go off first so nothing else runs; a
 * second panic (from inside the printing, say) skips straight to the halt
 * so a broken console cannot recurse forever. The ending itself belongs
 * to the test harness: under `test=` the failure must reach the runner as
 * an exit status, not as a hang.
 */
#include <stdarg.h>
#include <stdbool.h>

#include <kern/ktest.h>
#include <kern/panic.h>
#include <kern/printf.h>
#include <machine/backtrace.h>
#include <machine/cpu.h>

static bool panic_in_progress;

void
panic_fatal(const char *what)
{
    cpu_intr_disable();
    if (!panic_in_progress) {
        panic_in_progress = true;
        ktest_abort(what);
        printf("system halted\n");
    }
    cpu_halt_forever();
}

void
panic(const char *fmt, ...)
{
    va_list ap;

    cpu_intr_disable();
    if (panic_in_progress) {
        cpu_halt_forever();
    }
    printf("\npanic: ");
    va_start(ap, fmt);
    vprintf(fmt, ap);
    va_end(ap);
    printf("\n");
    backtrace_print_here();
    panic_fatal("panic");
}
