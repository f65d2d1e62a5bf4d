/* SPDX-License-Identifier: GPL-2.0-or-later */
/*
 * Self-tests of the kernel and of the test harness itself.
 *
 * selftest_* tests marked KTEST_MANUAL must fail: the boot matrix runs
 * them alone and checks that the failure (an assertion, a page fault, a
 * panic) reaches the runner as a failure with a dump, never as a pass or a
 * hang. The others check that the basics the harness relies on work.
 */
#include <stdint.h>

#include <i386/cpu.h>
#include <kern/clock.h>
#include <kern/kmem.h>
#include <kern/ksyms.h>
#include <kern/ktest.h>
#include <kern/panic.h>
#include <kern/printf.h>
#include <kern/spinlock.h>
#include <kern/string.h>
#include <vm/vm_map.h>

/* The timer interrupt is running: ticks advance while we wait. */
static void
ktest_timer_fn(void)
{
    uint64_t start = clock_ticks();

    for (unsigned int i = 0; i < 1000000 && clock_ticks() < start + 3; i++) {
        cpu_idle();
    }
    ktest_assert_msg(clock_ticks() >= start + 3, "ticks did not advance: %llu -> %llu",
                     (unsigned long long)start, (unsigned long long)clock_ticks());
}

/* The symbol table resolves a function address to its own name. */
static void
ktest_ksyms_fn(void)
{
    uintptr_t offset = 1;
    const char *name = ksyms_lookup((uintptr_t)ktest_ksyms_fn + 3, &offset);

    ktest_assert_msg(name != NULL && strcmp(name, "ktest_ksyms_fn") == 0,
                     "lookup gave '%s'", name ? name : "(null)");
    KTEST_ASSERT(offset == 3);
    KTEST_ASSERT(ksyms_lookup(0x1000, &offset) == NULL);
}

/* The kernel printf engine formats 64-bit values on i386. */
static void
ktest_printf_fn(void)
{
    char buf[64];
    int len = snprintf(buf, sizeof(buf), "%llx %lld %llu", 0x123456789abcdef0ULL,
                       -9000000000LL, 18446744073709551615ULL);

    KTEST_ASSERT(strcmp(buf, "123456789abcdef0 -9000000000 18446744073709551615") == 0);
    KTEST_ASSERT(len == (int)strlen(buf));
}

static void
ktest_selftest_fail_fn(void)
{
    ktest_assert_msg(1 + 1 == 3, "deliberate failure: 1 + 1 is %d", 1 + 1);
}

static void
ktest_selftest_fault_fn(void)
{
    uintptr_t addr = 0x10;      /* the first page is never mapped */

    __asm__ volatile("" : "+r"(addr));  /* hide the constant from the compiler */
    ktest_diag("reading unmapped address %p", (void *)addr);
    (void)*(volatile uint32_t *)addr;
    ktest_assert_msg(0, "the read of an unmapped address did not fault");
}

/* With --enable-debug, taking a held lock again must panic, not hang. */
static void
ktest_selftest_lock_fn(void)
{
    static struct spinlock lock = SPINLOCK_INITIALIZER;

    spinlock_lock(&lock);
    spinlock_lock(&lock);
    ktest_assert_msg(0, "a recursive spinlock_lock() returned");
}

/*
 * With --enable-debug, a vm_map lookup without the map's lock must panic
 * (vm_map_assert_locked), not race silently.
 */
static void
ktest_selftest_unlocked_fn(void)
{
    static struct vm_map map;
    uintptr_t addr;

    KTEST_ASSERT(vm_map_init(&map, 0x10000000, 0x20000000) == 0);
    vm_map_lock(&map);
    KTEST_ASSERT(vm_map_enter(&map, &addr, 0x1000, 0, VM_MAP_PROT_RW, VM_MAP_ANYWHERE) == 0);
    vm_map_unlock(&map);
    ktest_diag("looking up %p without the map's lock", (void *)addr);
    (void)vm_map_lookup(&map, addr);
    ktest_assert_msg(0, "vm_map_lookup() without the lock returned");
}

static void
ktest_selftest_panic_fn(void)
{
    panic("deliberate panic from %s", __func__);
}

/*
 * Keeps memory from one run to the next, as a leaking test would: the
 * accounting of test=selftest_leak*2 must report it. The test itself
 * passes.
 */
static void
ktest_selftest_leak_fn(void)
{
    static void *kept[8];
    static unsigned int nr_kept;

    if (nr_kept < ARRAY_SIZE(kept)) {
        kept[nr_kept] = kmem_alloc(3000);
        KTEST_ASSERT(kept[nr_kept] != NULL);
        nr_kept++;
    }
}

KTEST_DEFINE(timer, ktest_timer_fn, 0);
KTEST_DEFINE(ksyms, ktest_ksyms_fn, 0);
KTEST_DEFINE(printf, ktest_printf_fn, 0);
KTEST_DEFINE(selftest_fail, ktest_selftest_fail_fn, KTEST_MANUAL);
KTEST_DEFINE(selftest_fault, ktest_selftest_fault_fn, KTEST_MANUAL);
KTEST_DEFINE(selftest_panic, ktest_selftest_panic_fn, KTEST_MANUAL);
KTEST_DEFINE(selftest_lock, ktest_selftest_lock_fn, KTEST_MANUAL);
KTEST_DEFINE(selftest_unlocked, ktest_selftest_unlocked_fn, KTEST_MANUAL);
KTEST_DEFINE(selftest_leak, ktest_selftest_leak_fn, KTEST_MANUAL);
