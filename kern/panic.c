/* SPDX-License-Identifier: GPL-2.0-or-later */
/*
 * The end of the line. Interrupts go off first so nothing else runs; a
 * second panic (from inside the printing, say) skips straight to the halt
 * so a broken console cannot recurse forever. What else must happen on
 * the way down belongs to whoever installed the hook: under `test=`, the
 * test harness turns the failure into an exit status for the runner.
 * panic.c itself calls nothing but printf and the machine's backtrace
 * and halt, so any code may panic without a call loop.
 */
#include <stdarg.h>
#include <stdbool.h>

#include <kern/panic.h>
#include <kern/printf.h>
#include <machine/backtrace.h>
#include <machine/cpu.h>

static bool panic_in_progress;
static void (*panic_hook)(const char *what);

void
panic_hook_set(void (*fn)(const char *what))
{
    panic_hook = fn;
}

void
panic_fatal(const char *what)
{
    cpu_intr_disable();
    if (!panic_in_progress) {
        panic_in_progress = true;
        if (panic_hook != NULL) {
            panic_hook(what);
        }
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
