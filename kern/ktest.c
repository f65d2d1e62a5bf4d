/* SPDX-License-Identifier: GPL-2.0-or-later */
/*
 * Test registry and TAP output. Tests live in the .ktests section, which
 * the linker script brackets with __ktests_start/__ktests_end, so a test
 * is added by one KTEST_DEFINE() line next to the code it tests, with no
 * central list to edit. A test name that matches nothing is itself a
 * failure, so a typo on the command line cannot pass silently.
 */
#include <stdarg.h>
#include <stdbool.h>
#include <stddef.h>

#include <kern/cmdline.h>
#include <kern/ktest.h>
#include <kern/panic.h>
#include <kern/printf.h>
#include <kern/string.h>
#include <kern/thread.h>
#include <machine/cpu.h>
#include <machine/machine.h>

#define KTEST_NAME_MAX          64

extern const struct ktest __ktests_start[], __ktests_end[];

static const char *ktest_list;          /* value of test= */
static bool ktest_running;              /* test= given: failures exit QEMU */
static const struct ktest *ktest_current;
static unsigned int ktest_current_number;
static unsigned int ktest_current_failures;
static unsigned int ktest_passed, ktest_failed;

void
ktest_diag(const char *fmt, ...)
{
    va_list ap;

    printf("# ");
    va_start(ap, fmt);
    vprintf(fmt, ap);
    va_end(ap);
    printf("\n");
}

void
ktest_fail_at(const char *file, int line, const char *fmt, ...)
{
    va_list ap;

    ktest_current_failures++;
    printf("# FAIL %s:%d: ", file, line);
    va_start(ap, fmt);
    vprintf(fmt, ap);
    va_end(ap);
    printf("\n");
}

static void __attribute__((noreturn))
ktest_finish(void)
{
    printf("# ktest: %u passed, %u failed\n", ktest_passed, ktest_failed);
    printf("ktest: done\n");
    machine_exit_qemu(ktest_failed == 0);
    printf("ktest: no QEMU exit device, halting\n");
    cpu_halt_forever();
}

/*
 * The panic hook under `test=` (kern/panic.h): report the running test,
 * or the boot, as failed and leave QEMU with failure.
 */
static void
ktest_abort(const char *why)
{
    if (!ktest_running) {
        return;
    }
    if (ktest_current != NULL) {
        printf("not ok %u %s # aborted: %s\n", ktest_current_number,
               ktest_current->name, why);
        ktest_failed++;
    } else {
        printf("Bail out! %s outside any test\n", why);
        ktest_failed++;
    }
    ktest_finish();
}

static const struct ktest *
ktest_find(const char *name)
{
    for (const struct ktest *t = __ktests_start; t < __ktests_end; t++) {
        if (strcmp(t->name, name) == 0) {
            return t;
        }
    }
    return NULL;
}

/* Call fn for each selected test (or NULL with the unknown name). */
static unsigned int
ktest_foreach(const char *list, void (*fn)(const struct ktest *, const char *))
{
    unsigned int count = 0;

    while (*list != '\0') {
        char name[KTEST_NAME_MAX];
        size_t len = strcspn(list, ",");

        if (len >= sizeof(name)) {
            len = sizeof(name) - 1;     /* reported as an unknown test */
        }
        memcpy(name, list, len);
        name[len] = '\0';
        list += strcspn(list, ",");
        if (*list == ',') {
            list++;
        }
        if (len == 0) {
            continue;
        }
        if (strcmp(name, "all") == 0) {
            for (const struct ktest *t = __ktests_start; t < __ktests_end; t++) {
                if (!(t->flags & KTEST_MANUAL)) {
                    count++;
                    if (fn != NULL) {
                        fn(t, t->name);
                    }
                }
            }
        } else {
            count++;
            if (fn != NULL) {
                fn(ktest_find(name), name);
            }
        }
    }
    return count;
}

static void
ktest_run_one(const struct ktest *t, const char *name)
{
    ktest_current_number++;
    if (t == NULL) {
        printf("not ok %u %s # unknown test\n", ktest_current_number, name);
        ktest_failed++;
        return;
    }
    ktest_current = t;
    ktest_current_failures = 0;
    t->fn();
    ktest_current = NULL;
    if (ktest_current_failures == 0) {
        printf("ok %u %s\n", ktest_current_number, t->name);
        ktest_passed++;
    } else {
        printf("not ok %u %s\n", ktest_current_number, t->name);
        ktest_failed++;
    }
}

bool
ktest_setup(void)
{
    ktest_list = cmdline_get("test");
    ktest_running = ktest_list != NULL;
    if (ktest_running) {
        panic_hook_set(ktest_abort);
    }
    return ktest_running;
}

void
ktest_run(void)
{
    const char *list = ktest_list;

    if (!ktest_running) {
        return;
    }
    printf("1..%u\n", ktest_foreach(list, NULL));
    ktest_foreach(list, ktest_run_one);
    ktest_finish();
}

bool
ktest_wait_threads(unsigned int want)
{
    for (int i = 0; i < 100 && thread_count() != want; i++) {
        thread_delay(1);
    }
    return thread_count() == want;
}
