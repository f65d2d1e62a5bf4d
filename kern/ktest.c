/* SPDX-License-Identifier: GPL-2.0-or-later */
/*
 * Test registry and TAP output. Tests live in the .ktests section, which
 * the linker script brackets with __ktests_start/__ktests_end, so a test
 * is added by one KTEST_DEFINE() line next to the code it tests, with no
 * central list to edit. A test name that matches nothing is itself a
 * failure, so a typo on the command line cannot pass silently, and so is
 * a run that would test nothing: an empty test=, or a test= the kernel
 * could not read because the command line was not kept whole. Those end
 * the boot at once (Bail out!) rather than look green or fall into the
 * shell, where an automated run would only meet its timeout.
 *
 * Repetition, NAME*N, runs an item N times in a row. Around each round
 * ktest takes a memory snapshot (kern/ktest_account.h) and reports the
 * comparison as one more TAP result, so a test that leaks or depends on
 * what its previous run left behind fails there.
 */
#include <stdarg.h>
#include <stdbool.h>
#include <stddef.h>

#include <kern/bootstrap.h>
#include <kern/cmdline.h>
#include <kern/ktest.h>
#include <kern/panic.h>
#include <kern/ktest_account.h>
#include <kern/printf.h>
#include <kern/string.h>
#include <kern/thread.h>
#include <machine/cpu.h>
#include <machine/machine.h>

#define KTEST_NAME_MAX          64
#define KTEST_REPEAT_MAX        1000

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

/* One item of the test= list: a name (or "all") and a repetition count. */
struct ktest_item {
    char name[KTEST_NAME_MAX];
    unsigned int repeat;
    bool repeat_given;              /* NAME*N: account for every round */
};

/*
 * Take the next item off *listp (empty items are skipped). Returns 1 with
 * the item, 0 at the end of the list, or -1 with a message in why for a
 * malformed repetition. A name too long is kept cut: it matches nothing.
 */
static int
ktest_item_next(const char **listp, struct ktest_item *item, const char **why)
{
    const char *list = *listp, *star;
    size_t len, name_len;

    while (*list == ',') {
        list++;
    }
    if (*list == '\0') {
        *listp = list;
        return 0;
    }
    len = strcspn(list, ",");
    *listp = list + len;
    name_len = strcspn(list, ",*");
    star = (name_len < len) ? list + name_len : NULL;
    memcpy(item->name, list, MIN(name_len, sizeof(item->name) - 1));
    item->name[MIN(name_len, sizeof(item->name) - 1)] = '\0';
    item->repeat = 1;
    item->repeat_given = (star != NULL);
    if (star == NULL) {
        return 1;
    }
    item->repeat = 0;
    for (const char *p = star + 1; p < list + len; p++) {
        if (*p < '0' || *p > '9' || item->repeat > KTEST_REPEAT_MAX) {
            item->repeat = 0;
            break;
        }
        item->repeat = item->repeat * 10 + (unsigned int)(*p - '0');
    }
    if (name_len == 0 || item->repeat == 0 || item->repeat > KTEST_REPEAT_MAX) {
        *why = "bad repetition (want NAME*N, N from 1 to 1000)";
        return -1;
    }
    return 1;
}

/* Number of tests an item names (an unknown name counts as one). */
static unsigned int
ktest_item_count(const struct ktest_item *item)
{
    unsigned int count = 0;

    if (strcmp(item->name, "all") != 0) {
        return 1;
    }
    for (const struct ktest *t = __ktests_start; t < __ktests_end; t++) {
        if (!(t->flags & KTEST_MANUAL)) {
            count++;
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

/* One round of an item: every test it names, in order. */
static void
ktest_item_run(const struct ktest_item *item)
{
    if (strcmp(item->name, "all") != 0) {
        ktest_run_one(ktest_find(item->name), item->name);
        return;
    }
    for (const struct ktest *t = __ktests_start; t < __ktests_end; t++) {
        if (!(t->flags & KTEST_MANUAL)) {
            ktest_run_one(t, t->name);
        }
    }
}

/* Snapshots around rounds; too large for a thread stack. */
static struct ktest_account ktest_account_before, ktest_account_after;

/* Run an item's rounds; with NAME*N, check the memory after each one. */
static void
ktest_item_run_rounds(const struct ktest_item *item)
{
    char what[KTEST_NAME_MAX + 32];

    if (item->repeat_given) {
        ktest_account_take(&ktest_account_before, 0);
    }
    for (unsigned int round = 1; round <= item->repeat; round++) {
        ktest_item_run(item);
        if (!item->repeat_given) {
            continue;
        }
        snprintf(what, sizeof(what), "accounting %s round %u", item->name, round);
        ktest_account_take(&ktest_account_after, ktest_account_before.nr_threads);
        ktest_current_number++;
        if (ktest_account_equal(&ktest_account_before, &ktest_account_after, what)) {
            printf("ok %u %s\n", ktest_current_number, what);
            ktest_passed++;
        } else {
            printf("not ok %u %s\n", ktest_current_number, what);
            ktest_failed++;
        }
        ktest_account_before = ktest_account_after;
    }
}

/* End the run before any test: a failure, with the reason. */
static void __attribute__((noreturn))
ktest_bail_out(const char *why)
{
    printf("Bail out! %s\n", why);
    ktest_failed++;
    ktest_finish();
}

void
ktest_boot_fail(const char *why)
{
    if (ktest_running) {
        ktest_bail_out(why);
    }
}

bool
ktest_setup(const char *loader_line)
{
    const char *list, *why = NULL;
    struct ktest_item item;
    unsigned int nr_items = 0;
    int error;

    ktest_list = cmdline_get("test");
    /* A test= the kernel did not keep: the line was cut or rejected. */
    if (loader_line != NULL
        && cmdline_key_end(loader_line, "test") > strlen(cmdline_raw())) {
        ktest_running = true;
        ktest_bail_out("test= lies in a part of the command line the kernel did not keep "
                       "(see the boot: line above); no test can be chosen");
    }
    ktest_running = ktest_list != NULL;
    if (!ktest_running) {
        return false;
    }
    panic_hook_set(ktest_abort);
    list = ktest_list;
    while ((error = ktest_item_next(&list, &item, &why)) > 0) {
        nr_items++;
    }
    if (error < 0) {
        printf("ktest: test=%s: item '%s': %s\n", ktest_list, item.name, why);
        ktest_bail_out("malformed test= list");
    }
    if (nr_items == 0) {
        ktest_bail_out("test= names no test (test=NAME[*N][,NAME...], or test=all)");
    }
    return true;
}

void
ktest_run(void)
{
    const char *list = ktest_list, *why;
    struct ktest_item item;
    unsigned int count = 0;

    if (!ktest_running) {
        return;
    }
    while (ktest_item_next(&list, &item, &why) > 0) {
        count += (ktest_item_count(&item) + item.repeat_given) * item.repeat;
    }
    printf("1..%u\n", count);
    list = ktest_list;
    while (ktest_item_next(&list, &item, &why) > 0) {
        ktest_item_run_rounds(&item);
    }
    ktest_finish();
}

/* The snapshot before the boot tasks of a user-test boot. */
static struct ktest_account ktest_user_before;

void
ktest_user_begin(void)
{
    if (cmdline_has("user-test")) {
        ktest_account_take(&ktest_user_before, 0);
    }
}

void
ktest_user_end(void)
{
    unsigned long released[VM_PAGE_NR_SEGS] = { 0 }, total = 0;

    if (!cmdline_has("user-test")) {
        return;
    }
    bootstrap_released_pages(released);
    for (unsigned int seg = 0; seg < VM_PAGE_NR_SEGS; seg++) {
        ktest_account_free_add(&ktest_user_before, seg, released[seg]);
        total += released[seg];
    }
    ktest_account_take(&ktest_account_after, ktest_user_before.nr_threads);
    if (!ktest_account_equal(&ktest_user_before, &ktest_account_after, "user-test")) {
        printf("user-test: memory not returned\n");
        machine_exit_qemu(false);
        return;
    }
    printf("user-test: memory returned (free pages and kmem caches as before the boot "
           "tasks, plus %lu pages of modules)\n", total);
}

bool
ktest_wait_threads(unsigned int want)
{
    for (int i = 0; i < 100 && thread_count() != want; i++) {
        thread_delay(1);
    }
    return thread_count() == want;
}
