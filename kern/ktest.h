/* SPDX-License-Identifier: GPL-2.0-or-later */
/*
 * In-kernel tests.
 *
 * A test is a function registered with KTEST_DEFINE(); it is linked into
 * the test image and run when named on the command line:
 * `test=NAME[,NAME...]`, or `test=all` for every test not marked
 * KTEST_MANUAL; `NAME*N` (all*2) runs an item N times and checks after
 * each round that memory is back where it was (one more TAP result per
 * round). Every test must pass when run again in the same boot. Results
 * are TAP lines on the console ("ok N name", "not ok N name"), and the
 * kernel then leaves QEMU through isa-debug-exit: status 1 when every
 * test passed, 3 otherwise. A trap or panic during a test ends the run
 * as a failure.
 *
 * Only test images (built with KTEST=1, which defines CONFIG_KTEST) hold
 * the harness and the tests; the production kernel gets the two calls
 * boot makes (ktest_setup, ktest_run) as empty inlines, so
 * it carries no test code at all. A test written next to the code it
 * tests goes inside #ifdef CONFIG_KTEST; KTEST_DEFINE() outside it does
 * not compile in a production build.
 */
#ifndef KERN_KTEST_H
#define KERN_KTEST_H

#include <stdbool.h>

#include <kern/macros.h>

#ifdef CONFIG_KTEST

/*
 * Not part of test=all: tests that must fail (harness self-tests),
 * benchmarks, and long runs that boot lines of their own ask for.
 */
#define KTEST_MANUAL            0x1

struct ktest {
    const char *name;
    void (*fn)(void);
    unsigned int flags;
};

#define KTEST_DEFINE(tname, tfn, tflags)                                    \
    static const struct ktest ktest_##tname __used __section(".ktests")     \
        __aligned(4) = { .name = #tname, .fn = (tfn), .flags = (tflags) }

/*
 * Record a failure of the running test with a message (printed as a TAP
 * diagnostic). The test goes on; it is reported "not ok" at its end.
 */
void ktest_fail_at(const char *file, int line, const char *fmt, ...)
    __format_printf(3, 4);

#define ktest_assert_msg(expr, ...)                                         \
    do {                                                                    \
        if (!(expr)) {                                                      \
            ktest_fail_at(__FILE__, __LINE__, __VA_ARGS__);                 \
        }                                                                   \
    } while (0)

#define KTEST_ASSERT(expr) ktest_assert_msg(expr, "%s", #expr)

/*
 * Wait up to one second (yielding) until thread_count() is want: dead
 * threads are freed a little later, by the reaper thread. Returns
 * whether the count got there. Thread context only.
 */
bool ktest_wait_threads(unsigned int want);

/* Print a TAP diagnostic line ("# ..."). */
void ktest_diag(const char *fmt, ...) __format_printf(1, 2);

/*
 * Read `test=` from the command line. When present, a fatal error from
 * then on (even before the tests start) ends QEMU with failure. Call right
 * after cmdline_parse(), with the line as the boot loader gave it (NULL
 * if none). Ends the boot at once with failure (Bail out!) when test= is
 * empty or malformed, or when loader_line holds a test= that the parsed
 * line lacks (the line was too long or badly quoted). Returns true when
 * tests were asked for.
 */
bool ktest_setup(const char *loader_line);

/*
 * In a test run (after ktest_setup() found test=), end the boot at once
 * with failure: "Bail out! why", then leave QEMU (or halt); does not
 * return. Without a test run, returns at once: the caller handles the
 * failure itself. Boot CPU, before ktest_run().
 */
void ktest_boot_fail(const char *why);

/*
 * When `test=` was given: run the tests it names (comma-separated, "all"
 * for every test without KTEST_MANUAL, NAME*N for N rounds with a memory
 * check after each), print TAP, and leave QEMU with
 * the result, halting if QEMU's exit device is absent; does not return.
 * Without `test=`, returns at once.
 */
void ktest_run(void);

/*
 * Memory accounting across the boot tasks of a `user-test` boot
 * (doc/testing.md): ktest_user_begin() takes a snapshot before the boot
 * script runs; ktest_user_end(), once every task has ended, takes
 * another and compares them, expecting exactly the pages bootstrap gave
 * back (its modules) more free. Equal counts print "user-test: memory
 * returned"; a difference prints one "# user-test: ..." line per count
 * and "user-test: memory not returned", and leaves QEMU with failure
 * (status 3). Without `user-test` both return at once. Thread context,
 * from startup(); no other CPU busy.
 */
void ktest_user_begin(void);
void ktest_user_end(void);

#else /* CONFIG_KTEST */

#include <kern/cmdline.h>
#include <kern/printf.h>

#define KTEST_DEFINE(tname, tfn, tflags)                                    \
    _Static_assert(0, "KTEST_DEFINE(" #tname ") outside #ifdef CONFIG_KTEST")

/* A production kernel ignores test= (saying so) and boots normally. */
static inline bool
ktest_setup(const char *loader_line)
{
    (void)loader_line;
    if (cmdline_get("test") != NULL) {
        printf("ktest: test= ignored: this kernel has no in-kernel tests "
               "(they are in the test image, build/test/mach)\n");
    }
    return false;
}

static inline void
ktest_boot_fail(const char *why)
{
    (void)why;
}

static inline void
ktest_run(void)
{
}

static inline void
ktest_user_begin(void)
{
}

static inline void
ktest_user_end(void)
{
}

#endif /* CONFIG_KTEST */

#endif /* KERN_KTEST_H */
