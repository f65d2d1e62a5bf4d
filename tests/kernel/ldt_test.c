/* SPDX-License-Identifier: GPL-2.0-or-later */
/*
 * Per-thread LDT entries: i386_set_ldt / i386_get_ldt (i386/mach_i386.c)
 * and their loading at every switch (gdt_ldt_load()).
 *
 *  test=ldt   two kernel threads on one CPU each give themselves a
 *             DPL-3 data segment at selector 0x27 over a buffer of
 *             their own and read it through %fs (a kernel-mode load of
 *             an RPL-3 selector is allowed for a DPL-3 data segment)
 *             across 200 yields to each other, so each must see its own
 *             table after every switch; a DPL-0 call gate stored as the
 *             system-call gate; growth keeping earlier entries;
 *             get_ldt into the caller's array or a new one, from an
 *             index, past the end; every error (NULL thread, indexes
 *             0-3, index + count past 8191, negative count, system and
 *             DPL-0 and 64-bit and DPL-3 call-gate descriptors, nothing
 *             changed); set and get on a stopped thread of a task and
 *             the refusal of another task-less thread. The tables are
 *             freed with their threads (accounting of *2 rounds).
 */
#include <stdbool.h>
#include <stddef.h>
#include <stdint.h>

#include <i386/gdt.h>
#include <i386/mach_i386.h>
#include <include/mach/kern_return.h>
#include <kern/kmem.h>
#include <kern/ktest.h>
#include <kern/task.h>
#include <kern/thread.h>
#include <kern/thread_control.h>
#include <machine/cpu.h>
#include <vm/vm_copy.h>

#define LT_SEL          0x27            /* LDT index 4, RPL 3 */
#define LT_GATE_SEL     0x2f            /* index 5 */
#define LT_GROW_SEL     0x4f            /* index 9 */
#define LT_ROUNDS       200
#define LT_ACCESSED     ((uint64_t)1 << 40)

struct lt_worker {
    uint32_t buf[4];
    unsigned int fails;
    unsigned int line;          /* first failing line */
    volatile bool done;
};

#define LT_CHECK(w, expr)                                                   \
    do {                                                                    \
        if (!(expr)) {                                                      \
            if ((w)->fails++ == 0) {                                        \
                (w)->line = __LINE__;                                       \
            }                                                               \
        }                                                                   \
    } while (0)

static descriptor_t
lt_desc(uint32_t base, uint32_t limit, uint8_t access, uint8_t flags)
{
    uint64_t d = gdt_desc_make(base, limit, access, flags);

    return (descriptor_t){ (uint32_t)d, (uint32_t)(d >> 32) };
}

static uint64_t
lt_u64(descriptor_t d)
{
    return d.low_word | ((uint64_t)d.high_word << 32);
}

/* Read the first word of segment sel through %fs, interrupts off. */
static uint32_t
lt_read(uint16_t sel)
{
    uint32_t flags = cpu_intr_save(), v;
    uint16_t saved;

    __asm__ volatile("movw %%fs, %0" : "=r"(saved));
    __asm__ volatile("movw %w1, %%fs\n\t"
                     "movl %%fs:0, %0\n\t"
                     "movw %w2, %%fs"
                     : "=&r"(v) : "r"(sel), "r"(saved) : "memory");
    cpu_intr_restore(flags);
    return v;
}

static void
lt_errors(struct lt_worker *w)
{
    struct thread *self = thread_self();
    descriptor_t good = lt_desc((uint32_t)(uintptr_t)w->buf, sizeof(w->buf) - 1, 0xf2, 0x4);
    descriptor_t bad[] = {
        lt_desc(0, 0xfffff, 0x92, 0xc),     /* DPL-0 data */
        lt_desc(0, 0, 0xec, 0),             /* DPL-3 call gate */
        lt_desc(0, 0, 0xe4, 0),             /* DPL-3 16-bit call gate */
        lt_desc(0, 0x67, 0x89, 0),          /* a TSS */
        lt_desc(0, 0x67, 0x82, 0),          /* an LDT */
        lt_desc(0, 0xfffff, 0xfa, 0xa),     /* 64-bit code */
    };
    descriptor_t two[2] = { good, bad[0] };
    descriptor_t out[4], *p = out;
    natural_t n = 4;

    LT_CHECK(w, i386_get_ldt(self, 0, 16, &p, &n) == KERN_SUCCESS && n == 0 && p == out);
    LT_CHECK(w, i386_set_ldt(NULL, LT_SEL, &good, 1, 1) == KERN_INVALID_ARGUMENT);
    LT_CHECK(w, i386_set_ldt(self, 0x07, &good, 1, 1) == KERN_INVALID_ARGUMENT);
    LT_CHECK(w, i386_set_ldt(self, 0x1f, &good, 1, 1) == KERN_INVALID_ARGUMENT);
    LT_CHECK(w, i386_set_ldt(self, (8191 << 3) | 7, &good, 1, 1) == KERN_INVALID_ARGUMENT);
    LT_CHECK(w, i386_set_ldt(self, -8, &good, 1, 1) == KERN_INVALID_ARGUMENT);
    for (unsigned int i = 0; i < sizeof(bad) / sizeof(bad[0]); i++) {
        LT_CHECK(w, i386_set_ldt(self, LT_SEL, &bad[i], 1, 1) == KERN_INVALID_ARGUMENT);
    }
    LT_CHECK(w, i386_set_ldt(self, LT_SEL, two, 2, 1) == KERN_INVALID_ARGUMENT);
    n = 4;
    LT_CHECK(w, i386_get_ldt(self, 0, 16, &p, &n) == KERN_SUCCESS && n == 0);
    LT_CHECK(w, self->pcb.ldt == NULL);

    n = 4;
    LT_CHECK(w, i386_get_ldt(NULL, 0, 1, &p, &n) == KERN_INVALID_ARGUMENT);
    LT_CHECK(w, i386_get_ldt(self, 0, -1, &p, &n) == KERN_INVALID_ARGUMENT);
    LT_CHECK(w, i386_get_ldt(self, 8191 << 3, 1, &p, &n) == KERN_INVALID_ARGUMENT);
}

static void
lt_worker_fn(void *arg)
{
    struct lt_worker *w = arg;
    struct thread *self = thread_self();
    descriptor_t good = lt_desc((uint32_t)(uintptr_t)w->buf, sizeof(w->buf) - 1, 0xf2, 0x4);
    descriptor_t gate = lt_desc(0x1234, 0, 0x8c, 0), empty = { 0, 0 };
    descriptor_t out[6], *p = out;
    const uint64_t *shared = gdt_ldt_shared();
    struct vm_copy *copy;
    natural_t n;

    lt_errors(w);

    LT_CHECK(w, i386_set_ldt(self, LT_SEL, &good, 1, 1) == KERN_SUCCESS);
    LT_CHECK(w, lt_read(LT_SEL) == w->buf[0]);
    LT_CHECK(w, i386_set_ldt(self, LT_GATE_SEL, &gate, 1, 1) == KERN_SUCCESS);

    /* Out of line (a request's copy): a short one refused, else consumed. */
    if (vm_copy_create(sizeof(good), &copy) == 0) {
        vm_copy_write(copy, 0, &good, sizeof(good));
        LT_CHECK(w, i386_set_ldt(self, LT_SEL, (const descriptor_t *)copy, 2, 0)
                    == KERN_INVALID_ARGUMENT);
        LT_CHECK(w, i386_set_ldt(self, LT_SEL, (const descriptor_t *)copy, 1, 0) == KERN_SUCCESS);
        LT_CHECK(w, lt_read(LT_SEL) == w->buf[0]);
    }

    /* The whole table: the shared entries, ours, the gate rewritten. */
    n = 6;
    LT_CHECK(w, i386_get_ldt(self, 0, 6, &p, &n) == KERN_SUCCESS && n == 6 && p == out);
    for (unsigned int i = 0; i < LDT_NR_ENTRIES; i++) {
        LT_CHECK(w, lt_u64(out[i]) == shared[i]);
    }
    LT_CHECK(w, (lt_u64(out[4]) & ~LT_ACCESSED) == lt_u64(good));
    LT_CHECK(w, lt_u64(out[5]) == shared[LDT_SYSCALL >> 3]);

    /* Too little room: an out-of-line copy; from an index; past the end. */
    n = 2;
    LT_CHECK(w, i386_get_ldt(self, 0, 6, &p, &n) == KERN_SUCCESS && n == 6 && p != out);
    if (p != out) {
        struct vm_copy *copy = (struct vm_copy *)p;
        descriptor_t last;

        LT_CHECK(w, vm_copy_size(copy) == 6 * sizeof(last));
        vm_copy_read(copy, 5 * sizeof(last), &last, sizeof(last));
        LT_CHECK(w, lt_u64(last) == shared[LDT_SYSCALL >> 3]);
        vm_copy_discard(copy);
        p = out;
    }
    n = 6;
    LT_CHECK(w, i386_get_ldt(self, LT_GATE_SEL, 100, &p, &n) == KERN_SUCCESS && n == 1);
    n = 6;
    LT_CHECK(w, i386_get_ldt(self, 0x30, 4, &p, &n) == KERN_SUCCESS && n == 0);

    /* Our own table after every switch. */
    for (unsigned int i = 0; i < LT_ROUNDS; i++) {
        thread_yield();
        LT_CHECK(w, lt_read(LT_SEL) == w->buf[0]);
    }

    /* Growth keeps the entries; the new ones read back. */
    LT_CHECK(w, i386_set_ldt(self, LT_GROW_SEL, &empty, 1, 1) == KERN_SUCCESS);
    LT_CHECK(w, self->pcb.ldt_entries == 10);
    LT_CHECK(w, lt_read(LT_SEL) == w->buf[0]);
    n = 6;
    LT_CHECK(w, i386_get_ldt(self, LT_GROW_SEL, 1, &p, &n) == KERN_SUCCESS
                && n == 1 && lt_u64(out[0]) == 0);
    thread_yield();
    LT_CHECK(w, lt_read(LT_SEL) == w->buf[0]);
    __atomic_store_n(&w->done, true, __ATOMIC_RELEASE);
}

/* set and get on a stopped thread of a task, and on a task-less one. */
static void
lt_remote(void)
{
    static uint32_t buf[2] = { 0x600d, 0 };
    descriptor_t good = lt_desc((uint32_t)(uintptr_t)buf, sizeof(buf) - 1, 0xf2, 0x4);
    descriptor_t out[2], *p = out;
    struct task *task;
    struct thread *t = NULL;
    natural_t n = 2;

    if (task_create_named(NULL, false, "ldt_test", &task) != KERN_SUCCESS) {
        ktest_fail_at(__FILE__, __LINE__, "no task");
        return;
    }
    KTEST_ASSERT(thread_create(task, &t) == KERN_SUCCESS && t != NULL);
    if (t != NULL) {
        KTEST_ASSERT(i386_set_ldt(t, LT_SEL, &good, 1, 1) == KERN_SUCCESS);
        KTEST_ASSERT(t->pcb.ldt != NULL && t->pcb.ldt_entries == 5);
        KTEST_ASSERT(i386_get_ldt(t, LT_SEL, 1, &p, &n) == KERN_SUCCESS && n == 1
                     && lt_u64(out[0]) == lt_u64(good));
        KTEST_ASSERT(thread_terminate(t) == KERN_SUCCESS);
        thread_unref(t);
    }
    KTEST_ASSERT(task_terminate(task) == KERN_SUCCESS);
}

static void
ldt_test_fn(void)
{
    unsigned int threads_before = thread_count();
    static struct lt_worker ws[2];
    struct thread *ts[2];

    for (unsigned int i = 0; i < 2; i++) {
        ws[i] = (struct lt_worker){ .buf = { 0xa1a1a1a1u + i * 0x01010101u, i, 0, 0 } };
        /* Both on CPU 0: each switch between them must change tables. */
        ts[i] = thread_create_kernel("ldt_worker", lt_worker_fn, &ws[i], 0);
        KTEST_ASSERT(ts[i] != NULL);
        if (ts[i] == NULL) {
            ws[i].done = true;
        }
    }
    /* A task-less thread other than the caller cannot be stopped. */
    if (ts[0] != NULL && !ws[0].done) {
        descriptor_t d = lt_desc(0, 0, 0, 0);
        kern_return_t kr = i386_set_ldt(ts[0], LT_SEL, &d, 1, 1);

        ktest_assert_msg(ws[0].done || kr == KERN_INVALID_ARGUMENT, "set_ldt: %d", kr);
    }
    for (unsigned int i = 0; i < 2; i++) {
        while (!__atomic_load_n(&ws[i].done, __ATOMIC_ACQUIRE)) {
            thread_yield();
        }
        ktest_assert_msg(ws[i].fails == 0, "worker %u: %u failures, first at line %u", i,
                         ws[i].fails, ws[i].line);
    }
    lt_remote();
    ktest_assert_msg(ktest_wait_threads(threads_before), "%u threads, %u before",
                     thread_count(), threads_before);
}

KTEST_DEFINE(ldt, ldt_test_fn, 0);
