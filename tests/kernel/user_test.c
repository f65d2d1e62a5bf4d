/* SPDX-License-Identifier: GPL-2.0-or-later */
/*
 * User mode, tested from the kernel with hand-built address spaces: each
 * test thread gets a pmap with a code page (the programs of
 * user_blobs.S), a stack page and a data page, enters ring 3 with
 * pcb_user_start() and reports through its data page; every program
 * ends with an exception (int3 when all went well), which terminates
 * its thread, and the test checks the exception record.
 *
 *  test=user_trap     trap round trips keep every register but %eax
 *                     (and DF, CF, the segment registers); GNU Mach's
 *                     results for empty, null_port, not-yet-implemented
 *                     and implemented slots; positive and out-of-range
 *                     numbers (-130 included) raise EXC_BAD_INSTRUCTION
 *  test=user_print    mach_print with a good string, a long one, and
 *                     pointers into the kernel, unmapped memory, a string
 *                     running into an unmapped page or into the kernel
 *  test=user_fault    a bad user stack during the argument copy, NULL
 *                     dereference, int $0x80, #UD, #DE, into, bound, a
 *                     data access above the user limit, an x87 error and
 *                     an NX fetch: each its Mach exception, code, subcode
 *  test=user_preempt  user threads that never trap are preempted: two
 *                     spinners on one CPU both progress, the test too
 *  test=user_fpu      4 threads per CPU keep x87 and SSE values across
 *                     yields, preemption and migrations (they start on
 *                     CPU 0 and idle CPUs steal them; with more than one
 *                     CPU, the scheduler must count migrations)
 *  test=user_tls      two threads on one CPU with different TLS slots
 *                     each read their own %gs:0 across switches; bad
 *                     descriptors are refused
 *  test=user_exit_fault  a thread asleep in a trap gets a frame the exit
 *                     cannot restore (a TLS slot emptied under its %gs,
 *                     a gate selector in %fs, a kernel one in %ds, a
 *                     kernel CS or an EIP above the user limit for iret):
 *                     it dies of the user exception, the kernel goes on
 *  test=user_bench    (manual) instructions per null trap and per
 *                     mach_print of a short string, under -icount
 */
#include <stdbool.h>
#include <stddef.h>
#include <stdint.h>

#include <i386/cpu_info.h>
#include <i386/fpu.h>
#include <i386/gdt.h>
#include <i386/pcb.h>
#include <i386/pmap.h>
#include <i386/trap.h>
#include <i386/smp.h>
#include <include/mach/exception.h>
#include <include/mach/kern_return.h>
#include <kern/exception.h>
#include <kern/ktest.h>
#include <kern/percpu.h>
#include <kern/printf.h>
#include <kern/spinlock.h>
#include <kern/string.h>
#include <kern/syscall.h>
#include <kern/thread.h>
#include <vm/vm_page.h>

#define UT_CODE                 0x10000000u
#define UT_STACK_PAGE           0x1ffff000u
#define UT_ESP                  (UT_STACK_PAGE + PAGE_SIZE - 64)
#define UT_DATA                 0x30000000u
#define UT_TOP_PAGE             0xbffff000u
#define UT_NR_PARAMS            12
#define UT_WAIT_TICKS           6000        /* 60 s of guest time */

extern char user_blobs_start[], user_blobs_end[];
extern char ut_roundtrip[], ut_print[], ut_badstack[], ut_null[], ut_int80[],
            ut_ud2[], ut_div[], ut_into[], ut_bound[], ut_kaddr[], ut_x87[],
            ut_jump[], ut_spin[], ut_fpu[], ut_tls[], ut_bench[], ut_exitwait[],
            ut_exitwait_ret[];

struct ut {
    char name[THREAD_NAME_SIZE];
    const char *entry;
    uint32_t params[UT_NR_PARAMS];
    unsigned int cpu;
    uint64_t tls[GDT_USER_TLS_SLOTS];
    bool map_top;                       /* also map UT_TOP_PAGE, full of 'A' */
    bool unbind;                        /* created on cpu, then free to move */
    struct pmap *pmap;
    struct vm_page *code, *stack, *data, *top;
    struct thread *thread;
};

static struct vm_page *
ut_page(void)
{
    struct vm_page *page = vm_page_alloc(0, VM_PAGE_SEL_DIRECTMAP, VM_PAGE_KERNEL);

    if (page != NULL) {
        memset(vm_page_direct_va(page), 0, PAGE_SIZE);
    }
    return page;
}

static uint32_t *
ut_data(const struct ut *u)
{
    return vm_page_direct_va(u->data);
}

/* Build u's address space; false (after a failed assertion) when memory is short. */
static bool
ut_init(struct ut *u, const char *name, const char *entry)
{
    size_t size = (size_t)(user_blobs_end - user_blobs_start);

    memset(u, 0, sizeof(*u));
    strlcpy(u->name, name, sizeof(u->name));
    u->entry = entry;
    u->cpu = THREAD_ANY_CPU;
    u->pmap = pmap_create();
    u->code = ut_page();
    u->stack = ut_page();
    u->data = ut_page();
    KTEST_ASSERT(size <= PAGE_SIZE);
    KTEST_ASSERT(u->pmap != NULL && u->code != NULL && u->stack != NULL && u->data != NULL);
    if (u->pmap == NULL || u->code == NULL || u->stack == NULL || u->data == NULL) {
        return false;
    }
    memcpy(vm_page_direct_va(u->code), user_blobs_start, size);
    KTEST_ASSERT(pmap_enter(u->pmap, UT_CODE, vm_page_to_pa(u->code),
                            PMAP_PROT_READ | PMAP_PROT_EXECUTE) == 0);
    KTEST_ASSERT(pmap_enter(u->pmap, UT_STACK_PAGE, vm_page_to_pa(u->stack),
                            PMAP_PROT_READ | PMAP_PROT_WRITE) == 0);
    KTEST_ASSERT(pmap_enter(u->pmap, UT_DATA, vm_page_to_pa(u->data),
                            PMAP_PROT_READ | PMAP_PROT_WRITE) == 0);
    return true;
}

static void
ut_thread_fn(void *arg)
{
    struct ut *u = arg;

    thread_pmap_set(u->pmap);
    if (u->unbind) {
        /*
         * Queued on u->cpu by thread_create_kernel(); from now on idle CPUs may
         * steal it (the steal reads bound_cpu under its run-queue lock,
         * and either value is fine there).
         */
        __atomic_store_n(&thread_self()->bound_cpu, THREAD_ANY_CPU, __ATOMIC_RELAXED);
    }
    for (unsigned int slot = 0; slot < GDT_USER_TLS_SLOTS; slot++) {
        if (u->tls[slot] != 0 && pcb_user_tls_set(thread_self(), slot, u->tls[slot]) != 0) {
            return;
        }
    }
    pcb_user_start(UT_CODE + (uintptr_t)(u->entry - user_blobs_start), UT_ESP);
}

/* Start u: its stack holds the data page address, then its parameters. */
static bool
ut_start(struct ut *u)
{
    uint32_t *sp = (uint32_t *)((char *)vm_page_direct_va(u->stack)
                                + (UT_ESP - UT_STACK_PAGE));

    if (u->map_top) {
        u->top = ut_page();
        KTEST_ASSERT(u->top != NULL);
        if (u->top == NULL) {
            return false;
        }
        memset(vm_page_direct_va(u->top), 'A', PAGE_SIZE);
        KTEST_ASSERT(pmap_enter(u->pmap, UT_TOP_PAGE, vm_page_to_pa(u->top),
                                PMAP_PROT_READ) == 0);
    }
    sp[0] = UT_DATA;
    memcpy(&sp[1], u->params, sizeof(u->params));
    u->thread = thread_create_kernel(u->name, ut_thread_fn, u, u->cpu);
    KTEST_ASSERT(u->thread != NULL);
    return u->thread != NULL;
}

/* Wait until the thread count drops back to want (the user threads ended). */
static bool
ut_wait(unsigned int want)
{
    for (unsigned int i = 0; i < UT_WAIT_TICKS && thread_count() != want; i++) {
        thread_delay(1);
    }
    ktest_assert_msg(thread_count() == want, "user threads still alive: %u, want %u",
                     thread_count(), want);
    return thread_count() == want;
}

static void
ut_destroy(struct ut *u)
{
    if (u->pmap != NULL) {
        pmap_remove(u->pmap, 0, PMAP_USER_END);
        pmap_destroy(u->pmap);
    }
    if (u->code != NULL) {
        vm_page_free(u->code, 0);
    }
    if (u->stack != NULL) {
        vm_page_free(u->stack, 0);
    }
    if (u->data != NULL) {
        vm_page_free(u->data, 0);
    }
    if (u->top != NULL) {
        vm_page_free(u->top, 0);
    }
}

/*
 * Run u alone to its end and check that it died of exc/code (subcode
 * too unless check_subcode is false; nothing of the kind for exc 0).
 * Returns whether it ran.
 */
static bool
ut_run(struct ut *u, int exc, int code, int subcode, bool check_subcode)
{
    struct exception_record before, after;
    unsigned int threads = thread_count();

    exception_last(&before);
    if (!ut_start(u) || !ut_wait(threads)) {
        return false;
    }
    exception_last(&after);
    ktest_assert_msg(after.count == before.count + 1, "%s: %lu exceptions, want 1",
                     u->name, after.count - before.count);
    ktest_assert_msg(strcmp(after.thread, u->name) == 0, "%s: exception of '%s'",
                     u->name, after.thread);
    ktest_assert_msg(exc == 0 || (after.exc == exc && after.code == code
                                  && (!check_subcode || after.subcode == subcode)),
                     "%s: exception %d code %d subcode 0x%x, want %d %d 0x%x",
                     u->name, after.exc, after.code, (unsigned int)after.subcode,
                     exc, code, (unsigned int)subcode);
    return true;
}

/* ---------------------------------------------------------------- user_trap */

#define UT_TRAP_ANY             0xffffffffu     /* a boolean: 0 or 1 */
#define UT_SEND_INTERRUPTED     0x10000007u

struct ut_trap_case {
    int32_t eax;
    uint32_t expect;
    uint32_t args[3];
};

static const struct ut_trap_case ut_trap_cases[] = {
    { 0, KERN_INVALID_ARGUMENT, { 0 } },
    { -1, KERN_INVALID_ARGUMENT, { 0 } },
    { -5, KERN_INVALID_ARGUMENT, { 0 } },
    { -9, KERN_INVALID_ARGUMENT, { 0 } },
    { -10, 0, { 0 } },
    { -11, 0, { 0 } },
    { -12, 0, { 0 } },
    { -13, 0, { 0 } },
    { -14, KERN_INVALID_ARGUMENT, { 0 } },
    { -17, KERN_INVALID_ARGUMENT, { 0 } },
    { -25, KERN_SUCCESS, { 0 } },           /* mach_msg_trap, option 0: nothing to do */
    { -26, 0, { 0 } },
    { -28, 0, { 0 } },
    { -31, KERN_INVALID_ARGUMENT, { 0 } },
    { -55, 0, { 0 } },
    { -56, 0, { 0 } },
    { -57, KERN_INVALID_ARGUMENT, { 0 } },
    { -59, UT_TRAP_ANY, { 0 } },
    { -60, UT_TRAP_ANY, { 0 } },
    { -61, KERN_SUCCESS, { 0, 0, 0 } },
    { -61, KERN_SUCCESS, { 0, 1, 10 } },
    { -61, KERN_SUCCESS, { 0, 2, 20 } },
    { -61, KERN_INVALID_ARGUMENT, { 0, 3, 0 } },
    { -65, UT_SEND_INTERRUPTED, { 0 } },
    { -67, KERN_INVALID_ARGUMENT, { 0 } },
    { -69, UT_SEND_INTERRUPTED, { 0 } },
    { -76, UT_SEND_INTERRUPTED, { 0 } },
    { -77, KERN_INVALID_ARGUMENT, { 0 } },
    { -80, KERN_INVALID_ARGUMENT, { 0 } },
    { -129, KERN_INVALID_ARGUMENT, { 0 } },
};

static const int32_t ut_trap_bad[] = { 1, 0x7fffffff, -130, -131, INT32_MIN };

static void
ut_trap_check_regs(const struct ut *u, const struct ut_trap_case *c)
{
    const uint32_t *d = ut_data(u);

    ktest_assert_msg(d[15] == 1, "trap %d: the program did not get past the trap", c->eax);
    if (c->expect == UT_TRAP_ANY) {
        ktest_assert_msg(d[0] <= 1, "trap %d returned 0x%x, want a boolean", c->eax, d[0]);
    } else {
        ktest_assert_msg(d[0] == c->expect, "trap %d returned 0x%x, want 0x%x",
                         c->eax, d[0], c->expect);
    }
    ktest_assert_msg((d[1] & 0x701) == 0x601, "trap %d: eflags 0x%x lost DF, IF or CF",
                     c->eax, d[1]);
    ktest_assert_msg(d[2] == 0x11111111 && d[3] == 0x22222222 && d[4] == 0x33333333
                     && d[5] == 0x44444444 && d[6] == 0x55555555,
                     "trap %d: general registers changed", c->eax);
    ktest_assert_msg(d[7] == UT_DATA && d[8] == UT_ESP + 4,
                     "trap %d: ebp 0x%x esp 0x%x changed", c->eax, d[7], d[8]);
    ktest_assert_msg((d[9] & 0xffff) == LDT_USER_DS && (d[10] & 0xffff) == LDT_USER_DS
                     && (d[11] & 0xffff) == 0 && (d[12] & 0xffff) == 0
                     && (d[13] & 0xffff) == LDT_USER_DS && (d[14] & 0xffff) == LDT_USER_CS,
                     "trap %d: segments ds %x es %x fs %x gs %x ss %x cs %x", c->eax,
                     d[9] & 0xffff, d[10] & 0xffff, d[11] & 0xffff, d[12] & 0xffff,
                     d[13] & 0xffff, d[14] & 0xffff);
}

static void
user_trap_test_fn(void)
{
    struct ut u;

    for (size_t i = 0; i < sizeof(ut_trap_cases) / sizeof(ut_trap_cases[0]); i++) {
        const struct ut_trap_case *c = &ut_trap_cases[i];

        if (!ut_init(&u, "ut-trap", ut_roundtrip)) {
            ut_destroy(&u);
            return;
        }
        u.params[0] = (uint32_t)c->eax;
        memcpy(&u.params[1], c->args, sizeof(c->args));
        if (ut_run(&u, EXC_BREAKPOINT, EXC_I386_BPT, 0, false)) {
            ut_trap_check_regs(&u, c);
        }
        ut_destroy(&u);
    }
    ktest_diag("user_trap: %u trap numbers, registers kept",
               (unsigned int)(sizeof(ut_trap_cases) / sizeof(ut_trap_cases[0])));

    for (size_t i = 0; i < sizeof(ut_trap_bad) / sizeof(ut_trap_bad[0]); i++) {
        if (!ut_init(&u, "ut-badtrap", ut_roundtrip)) {
            ut_destroy(&u);
            return;
        }
        u.params[0] = (uint32_t)ut_trap_bad[i];
        if (ut_run(&u, EXC_BAD_INSTRUCTION, EXC_I386_INVOP, 0, true)) {
            ktest_assert_msg(ut_data(&u)[15] == 0, "trap %d returned", ut_trap_bad[i]);
        }
        ut_destroy(&u);
    }
}

KTEST_DEFINE(user_trap, user_trap_test_fn, 0);

/* ---------------------------------------------------------------- user_print */

#define UT_PRINT_GOOD           256
#define UT_PRINT_LONG           1024
#define UT_PRINT_LONG_LEN       3000

static void
user_print_one(const char *what, uint32_t ptr, bool map_top, uint32_t expect)
{
    struct ut u;
    char *data;

    if (!ut_init(&u, "ut-print", ut_print)) {
        ut_destroy(&u);
        return;
    }
    data = (char *)ut_data(&u);
    strlcpy(data + UT_PRINT_GOOD, "mach_print: hello from user mode\n", 64);
    memset(data + UT_PRINT_LONG, 'L', UT_PRINT_LONG_LEN - 1);
    data[UT_PRINT_LONG + UT_PRINT_LONG_LEN - 1] = '\n';
    memset(data + PAGE_SIZE - 8, 'x', 8);
    u.params[0] = ptr;
    u.map_top = map_top;
    if (ut_run(&u, EXC_BREAKPOINT, EXC_I386_BPT, 0, false)) {
        ktest_assert_msg(ut_data(&u)[0] == expect, "mach_print(%s 0x%08x) returned %u, want %u",
                         what, ptr, ut_data(&u)[0], expect);
    }
    ut_destroy(&u);
}

static void
user_print_test_fn(void)
{
    user_print_one("good", UT_DATA + UT_PRINT_GOOD, false, KERN_SUCCESS);
    user_print_one("long", UT_DATA + UT_PRINT_LONG, false, KERN_SUCCESS);
    user_print_one("kernel", 0xc0100000u, false, KERN_INVALID_ADDRESS);
    user_print_one("kernel top", 0xfffffff0u, false, KERN_INVALID_ADDRESS);
    user_print_one("NULL", 0, false, KERN_INVALID_ADDRESS);
    user_print_one("unmapped", 0x40000000u, false, KERN_INVALID_ADDRESS);
    user_print_one("into unmapped", UT_DATA + PAGE_SIZE - 8, false, KERN_INVALID_ADDRESS);
    user_print_one("into the kernel", 0xbffffff8u, true, KERN_INVALID_ADDRESS);
}

KTEST_DEFINE(user_print, user_print_test_fn, 0);

/* ---------------------------------------------------------------- user_fault */

struct ut_fault_case {
    const char *name;
    const char *entry;
    uint32_t param;
    int exc, code, subcode;
    bool check_subcode;
};

static void
user_fault_test_fn(void)
{
    const struct ut_fault_case cases[] = {
        { "ut-badstack", ut_badstack, 0x50000000u, EXC_BAD_ACCESS, KERN_INVALID_ADDRESS,
          0x50000004, true },
        { "ut-badstack-top", ut_badstack, 0xbffffffeu, EXC_BAD_ACCESS, KERN_INVALID_ADDRESS,
          (int)0xc0000002u, true },
        { "ut-null", ut_null, 0, EXC_BAD_ACCESS, KERN_INVALID_ADDRESS, 0, true },
        { "ut-int80", ut_int80, 0, EXC_BAD_INSTRUCTION, EXC_I386_GPFLT, 0x402, true },
        { "ut-ud2", ut_ud2, 0, EXC_BAD_INSTRUCTION, EXC_I386_INVOP, 0, true },
        { "ut-div", ut_div, 0, EXC_ARITHMETIC, EXC_I386_DIV, 0, true },
        { "ut-into", ut_into, 0, EXC_ARITHMETIC, EXC_I386_INTO, 0, true },
        { "ut-bound", ut_bound, 0, EXC_SOFTWARE, EXC_I386_BOUND, 0, true },
        { "ut-x87", ut_x87, 0, EXC_ARITHMETIC, EXC_I386_EXTERR, 0, false },
    };
    struct exception_record rec;
    struct ut u;

    for (size_t i = 0; i < sizeof(cases) / sizeof(cases[0]); i++) {
        const struct ut_fault_case *c = &cases[i];

        if (!ut_init(&u, c->name, c->entry)) {
            ut_destroy(&u);
            return;
        }
        u.params[0] = c->param;
        ut_run(&u, c->exc, c->code, c->subcode, c->check_subcode);
        ut_destroy(&u);
    }
    exception_last(&rec);
    ktest_assert_msg(rec.subcode & 0x4, "x87: status 0x%x lacks the zero-divide bit",
                     (unsigned int)rec.subcode);

    /*
     * A data access at the kernel base: beyond the user segment limit,
     * so #GP 0 on a CPU that checks limits; QEMU's TCG does not, and
     * paging refuses it instead: GNU Mach's rule for a user page fault
     * at a kernel address.
     */
    if (ut_init(&u, "ut-kaddr", ut_kaddr)) {
        ut_run(&u, 0, 0, 0, false);
        exception_last(&rec);
        KTEST_ASSERT((rec.exc == EXC_BAD_INSTRUCTION && rec.code == EXC_I386_GPFLT
                      && rec.subcode == 0)
                     || (rec.exc == EXC_BAD_ACCESS && rec.code == EXC_I386_PGFLT
                         && rec.subcode == (int)KERNBASE));
        ktest_diag("user_fault: kernel-base access: exception %d code %d subcode 0x%x",
                   rec.exc, rec.code, (unsigned int)rec.subcode);
    }
    ut_destroy(&u);

    /* An instruction fetch from the data page (an int3 there). */
    if (!ut_init(&u, "ut-nx", ut_jump)) {
        ut_destroy(&u);
        return;
    }
    ((uint8_t *)ut_data(&u))[2048] = 0xcc;
    u.params[0] = UT_DATA + 2048;
    if (pmap_nx_enabled()) {
        ut_run(&u, EXC_BAD_ACCESS, KERN_INVALID_ADDRESS, (int)(UT_DATA + 2048), true);
        ktest_diag("user_fault: NX on, the data page does not run");
    } else {
        ut_run(&u, EXC_BREAKPOINT, EXC_I386_BPT, 0, false);
        exception_last(&rec);
        KTEST_ASSERT(rec.pc == UT_DATA + 2049);
        ktest_diag("user_fault: NX off, the data page runs");
    }
    ut_destroy(&u);
}

KTEST_DEFINE(user_fault, user_fault_test_fn, 0);

/* ---------------------------------------------------------------- user_preempt */

static void
user_preempt_test_fn(void)
{
    struct ut u[2];
    unsigned int threads = thread_count();
    uint32_t first[2];

    for (unsigned int i = 0; i < 2; i++) {
        if (!ut_init(&u[i], "ut-spin", ut_spin)) {
            ut_destroy(&u[0]);
            ut_destroy(&u[1]);
            return;
        }
        u[i].cpu = 0;
    }
    for (unsigned int i = 0; i < 2; i++) {
        ut_start(&u[i]);
    }
    thread_delay(30);
    first[0] = ut_data(&u[0])[0];
    first[1] = ut_data(&u[1])[0];
    thread_delay(30);
    ktest_diag("user_preempt: spinners at %u and %u, then %u and %u", first[0], first[1],
               ut_data(&u[0])[0], ut_data(&u[1])[0]);
    KTEST_ASSERT(first[0] != 0 && first[1] != 0);
    KTEST_ASSERT(ut_data(&u[0])[0] != first[0] && ut_data(&u[1])[0] != first[1]);
    ut_data(&u[0])[1] = 1;
    ut_data(&u[1])[1] = 1;
    ut_wait(threads);
    ut_destroy(&u[0]);
    ut_destroy(&u[1]);
}

KTEST_DEFINE(user_preempt, user_preempt_test_fn, 0);

/* ---------------------------------------------------------------- user_fpu */

#define UT_FPU_MAX              (4 * CONFIG_NCPUS)
#define UT_FPU_ROUNDS           5
#define UT_CPU_FEATURE_SSE2     (1u << 26)

static struct ut ut_fpu_threads[UT_FPU_MAX];
static unsigned int ut_fpu_migrations[UT_FPU_MAX];
static unsigned int ut_fpu_nr, ut_fpu_threads_before;
static bool ut_fpu_done;
static struct spinlock ut_fpu_lock = SPINLOCK_INITIALIZER;
static struct waitq ut_fpu_wq;

/*
 * Bound to CPU 0: read each user thread's migration count until they are
 * done (a thread is alive while its program has not set its end mark),
 * then wake the test. The user threads all start on CPU 0 and the other
 * CPUs steal them when idle; the test sleeps meanwhile, so that only
 * user threads are there to steal.
 */
static void
ut_fpu_watch(void *arg)
{
    (void)arg;
    for (unsigned int tick = 0; tick < UT_WAIT_TICKS
                                && thread_count() != ut_fpu_threads_before + 1; tick++) {
        for (unsigned int i = 0; i < ut_fpu_nr; i++) {
            const struct ut *u = &ut_fpu_threads[i];
            unsigned int nr = __atomic_load_n(&u->thread->nr_migrations, __ATOMIC_RELAXED);

            if (__atomic_load_n(&ut_data(u)[2], __ATOMIC_ACQUIRE) == 0) {
                ut_fpu_migrations[i] = nr;
            }
        }
        thread_delay(1);
    }
    spinlock_lock(&ut_fpu_lock);
    ut_fpu_done = true;
    waitq_wakeup_all(&ut_fpu_wq);
    spinlock_unlock(&ut_fpu_lock);
}

static void
user_fpu_test_fn(void)
{
    struct ut *u = ut_fpu_threads;
    unsigned int n = 4 * smp_nr_cpus(), migrated = 0;
    bool sse = fpu_has_fxsr() && (cpu_info_features() & UT_CPU_FEATURE_SSE2);

    ut_fpu_nr = n;
    ut_fpu_threads_before = thread_count();
    ut_fpu_done = false;
    waitq_init(&ut_fpu_wq);
    memset(ut_fpu_migrations, 0, sizeof(ut_fpu_migrations));
    for (unsigned int i = 0; i < n; i++) {
        if (!ut_init(&u[i], "ut-fpu", ut_fpu)) {
            for (unsigned int j = 0; j <= i; j++) {
                ut_destroy(&u[j]);
            }
            return;
        }
        u[i].params[0] = 1000 * (i + 1);
        u[i].params[1] = sse;
        u[i].params[2] = UT_FPU_ROUNDS + 5 * i;
        /* All start on CPU 0; the other CPUs, idle, steal them from there. */
        u[i].cpu = 0;
        u[i].unbind = true;
    }
    for (unsigned int i = 0; i < n; i++) {
        ut_start(&u[i]);
    }
    if (thread_create_kernel("ut-fpu-watch", ut_fpu_watch, NULL, 0) != NULL) {
        spinlock_lock(&ut_fpu_lock);
        while (!ut_fpu_done) {
            waitq_sleep(&ut_fpu_wq, &ut_fpu_lock);
        }
        spinlock_unlock(&ut_fpu_lock);
    } else {
        ktest_fail_at(__FILE__, __LINE__, "no memory for the watch thread");
    }
    ut_wait(ut_fpu_threads_before);
    for (unsigned int i = 0; i < n; i++) {
        const uint32_t *d = ut_data(&u[i]);

        ktest_assert_msg(d[2] == 1 && d[1] == UT_FPU_ROUNDS + 5 * i && d[0] == 0,
                         "fpu thread %u: finished %u, rounds %u, wrong values %u",
                         i, d[2], d[1], d[0]);
        migrated += ut_fpu_migrations[i];
        ut_destroy(&u[i]);
    }
    ktest_diag("user_fpu: %u threads (%s), %u migrations seen", n,
               sse ? "x87 and SSE" : "x87", migrated);
    KTEST_ASSERT(smp_nr_cpus() == 1 || migrated > 0);
}

KTEST_DEFINE(user_fpu, user_fpu_test_fn, 0);

/* ---------------------------------------------------------------- user_tls */

#define UT_TLS_A                0xa11ce000u
#define UT_TLS_B                0x0000b0b0u
#define UT_TLS_WRONG            0xdeadbeefu

static uint64_t
ut_tls_desc(uint32_t base)
{
    return gdt_desc_make(base, 0xfffff, 0xf2, 0xc);
}

static void
user_tls_test_fn(void)
{
    struct ut u[2];
    unsigned int threads = thread_count();
    struct thread *self = thread_self();
    uint64_t saved[GDT_USER_TLS_SLOTS];

    /* The descriptor rules, on this (kernel) thread's slots. */
    memcpy(saved, self->pcb.user_tls, sizeof(saved));
    KTEST_ASSERT(pcb_user_tls_set(self, 2, ut_tls_desc(0)) == -1);
    KTEST_ASSERT(pcb_user_tls_set(self, 0, gdt_desc_make(0, 0xfffff, 0x92, 0xc)) == -1);
    KTEST_ASSERT(pcb_user_tls_set(self, 0, gdt_desc_make(0, 0x67, 0xe9, 0)) == -1);
    KTEST_ASSERT(pcb_user_tls_set(self, 0, gdt_desc_make(0, 0xfffff, 0xfa, 0xe)) == -1);
    KTEST_ASSERT(self->pcb.user_tls[0] == saved[0]);
    KTEST_ASSERT(pcb_user_tls_set(self, 1, ut_tls_desc(0x1000)) == 0);
    KTEST_ASSERT(self->pcb.user_tls[1] == ut_tls_desc(0x1000));
    KTEST_ASSERT(pcb_user_tls_set(self, 1, ut_tls_desc(0x1000) & ~((uint64_t)0x80 << 40)) == 0);
    KTEST_ASSERT(self->pcb.user_tls[1] == 0);
    memcpy(self->pcb.user_tls, saved, sizeof(saved));

    for (unsigned int i = 0; i < 2; i++) {
        uint32_t *d;

        if (!ut_init(&u[i], i == 0 ? "ut-tls-a" : "ut-tls-b", ut_tls)) {
            ut_destroy(&u[0]);
            ut_destroy(&u[1]);
            return;
        }
        d = ut_data(&u[i]);
        d[0x800 / 4] = UT_TLS_A;
        d[0x900 / 4] = UT_TLS_B;
        d[0xa00 / 4] = UT_TLS_WRONG;
        u[i].cpu = 0;
    }
    u[0].tls[0] = ut_tls_desc(UT_DATA + 0x800);
    u[0].params[0] = GDT_USER_TLS | 3;
    u[0].params[1] = UT_TLS_A;
    u[1].tls[0] = ut_tls_desc(UT_DATA + 0xa00);
    u[1].tls[1] = ut_tls_desc(UT_DATA + 0x900);
    u[1].params[0] = (GDT_USER_TLS + 8) | 3;
    u[1].params[1] = UT_TLS_B;
    ut_start(&u[0]);
    ut_start(&u[1]);
    ut_wait(threads);
    for (unsigned int i = 0; i < 2; i++) {
        const uint32_t *d = ut_data(&u[i]);

        ktest_assert_msg(d[0] == 200 && d[1] == 0 && (d[2] & 0xffff) == u[i].params[0],
                         "tls thread %u: %u right, %u wrong, %%gs 0x%x", i, d[0], d[1],
                         d[2] & 0xffff);
        ut_destroy(&u[i]);
    }
    ktest_diag("user_tls: selectors 0x%x and 0x%x, one per thread", GDT_USER_TLS | 3,
               (GDT_USER_TLS + 8) | 3);
}

KTEST_DEFINE(user_tls, user_tls_test_fn, 0);

/* ---------------------------------------------------------------- user_exit_fault */

enum ut_exit_what { UT_EXIT_TLS, UT_EXIT_FS, UT_EXIT_DS, UT_EXIT_CS, UT_EXIT_EIP };

#define UT_EXIT_BAD_EIP         0xc0001000u

/*
 * Start ut_exitwait, wait until it sleeps in its trap, break its frame
 * as what says, wake it, and check that it died of exc/code/subcode at
 * the instruction after its trap (with eip the EIP it was given).
 */
static void
user_exit_fault_case(const char *name, enum ut_exit_what what, int code, uint32_t subcode)
{
    struct exception_record before, after;
    unsigned int threads = thread_count();
    uint32_t eip = UT_CODE + (uint32_t)(ut_exitwait_ret - user_blobs_start);
    struct trap_frame *uf;
    struct ut u;
    unsigned int i;

    if (!ut_init(&u, name, ut_exitwait)) {
        ut_destroy(&u);
        return;
    }
    if (what == UT_EXIT_TLS) {
        u.tls[0] = ut_tls_desc(UT_DATA);
        u.params[0] = GDT_USER_TLS | 3;
    }
    u.params[1] = 0;                    /* thread_switch: no thread, */
    u.params[2] = SWITCH_OPTION_WAIT;   /* wait */
    u.params[3] = 1000;                 /* 1 s, unless the test's interrupt ends it */
    exception_last(&before);
    if (!ut_start(&u)) {
        ut_destroy(&u);
        return;
    }
    /*
     * Each tick makes the waiter ready for a moment (it checks its
     * deadline and sleeps again): yield so that it does, then look.
     */
    for (i = 0; i < 1000; i++) {
        thread_yield();
        if (ut_data(&u)[0] == 1 && u.thread->state == THREAD_SLEEPING) {
            break;
        }
        thread_delay(1);
    }
    ktest_assert_msg(i < 1000, "%s: never slept in its trap (data %u, state %d)", name,
                     ut_data(&u)[0], (int)u.thread->state);
    uf = pcb_user_frame(u.thread);
    switch (what) {
    case UT_EXIT_TLS:
        KTEST_ASSERT(pcb_user_tls_set(u.thread, 0, 0) == 0);    /* empties the slot */
        break;
    case UT_EXIT_FS:
        uf->fs = 0x07;                  /* the system-call gate */
        break;
    case UT_EXIT_DS:
        uf->ds = GDT_KERNEL_DS | 3;
        break;
    case UT_EXIT_CS:
        uf->cs = GDT_KERNEL_CS | 3;
        break;
    case UT_EXIT_EIP:
        uf->eip = UT_EXIT_BAD_EIP;
        eip = UT_EXIT_BAD_EIP;
        break;
    }
    thread_interrupt(u.thread);         /* missed if a tick just woke it: then 1 s */
    if (!ut_wait(threads)) {
        return;
    }
    exception_last(&after);
    ktest_assert_msg(after.count == before.count + 1 && strcmp(after.thread, name) == 0,
                     "%s: %lu exceptions, the last of '%s'", name,
                     after.count - before.count, after.thread);
    ktest_assert_msg(ut_data(&u)[1] == 0, "%s: came back to user mode", name);
    if (what == UT_EXIT_EIP && after.exc == EXC_BAD_ACCESS) {
        /* QEMU's TCG does not check EIP against the CS limit at iret: a user fetch faults. */
        ktest_assert_msg(after.code == EXC_I386_PGFLT && after.subcode == (int)UT_EXIT_BAD_EIP,
                         "%s: EXC_BAD_ACCESS code %d subcode 0x%x", name, after.code,
                         (unsigned int)after.subcode);
    } else {
        ktest_assert_msg(after.exc == EXC_BAD_INSTRUCTION && after.code == code
                         && (uint32_t)after.subcode == subcode,
                         "%s: exception %d code %d subcode 0x%x, want %d %d 0x%x", name,
                         after.exc, after.code, (unsigned int)after.subcode,
                         EXC_BAD_INSTRUCTION, code, subcode);
    }
    ktest_assert_msg(after.pc == eip, "%s: eip 0x%lx, want 0x%x", name,
                     (unsigned long)after.pc, eip);
    ktest_diag("user_exit_fault: %s: exception %d code %d subcode 0x%x", name, after.exc,
               after.code, (unsigned int)after.subcode);
    ut_destroy(&u);
}

static void
user_exit_fault_test_fn(void)
{
    user_exit_fault_case("ut-exit-tls", UT_EXIT_TLS, EXC_I386_GPFLT, GDT_USER_TLS);
    user_exit_fault_case("ut-exit-fs", UT_EXIT_FS, EXC_I386_GPFLT, 0x04);
    user_exit_fault_case("ut-exit-ds", UT_EXIT_DS, EXC_I386_GPFLT, GDT_KERNEL_DS);
    user_exit_fault_case("ut-exit-cs", UT_EXIT_CS, EXC_I386_GPFLT, GDT_KERNEL_CS);
    user_exit_fault_case("ut-exit-eip", UT_EXIT_EIP, EXC_I386_GPFLT, 0);
}

KTEST_DEFINE(user_exit_fault, user_exit_fault_test_fn, 0);

/* ---------------------------------------------------------------- user_bench */

static uint64_t
user_bench_run(int32_t trap, uint32_t count, uint32_t arg)
{
    struct ut u;
    uint64_t start, end;

    if (!ut_init(&u, "ut-bench", ut_bench)) {
        ut_destroy(&u);
        return 0;
    }
    strlcpy((char *)ut_data(&u) + 256, "# p\n", 8);
    u.params[0] = (uint32_t)trap;
    u.params[1] = count;
    u.params[2] = arg != 0 ? UT_DATA + 256 : 0;
    ut_run(&u, EXC_BREAKPOINT, EXC_I386_BPT, 0, false);
    start = ut_data(&u)[0] | (uint64_t)ut_data(&u)[1] << 32;
    end = ut_data(&u)[2] | (uint64_t)ut_data(&u)[3] << 32;
    ut_destroy(&u);
    return (end - start) / count;
}

static void
user_bench_test_fn(void)
{
    printf("bench: user null trap (kern_invalid, -1): %llu instructions per round trip\n",
           (unsigned long long)user_bench_run(-1, 10000, 0));
    printf("bench: user swtch (-60), nothing else ready: %llu instructions per call\n",
           (unsigned long long)user_bench_run(-60, 10000, 0));
    printf("bench: user mach_print of 4 bytes: %llu instructions per call\n",
           (unsigned long long)user_bench_run(-30, 500, 1));
}

KTEST_DEFINE(user_bench, user_bench_test_fn, KTEST_MANUAL);
