/* SPDX-License-Identifier: GPL-2.0-or-later */
/*
 * Threads and the scheduler.
 *
 * Each CPU owns a run queue (a spinlock and a FIFO list); a thread is on
 * at most one run queue or one wait queue, linked by its node. Switching
 * happens in thread_schedule() with interrupts off: the current thread,
 * if still runnable, goes to the tail of its run queue, and the head (or
 * the idle thread) runs next. A thread that was just switched away from
 * is still "on CPU" until its registers are saved; any CPU that picks it
 * waits for on_cpu to clear, which thread_switch_finish() does right after
 * the switch. That closes the race where a thread queued on a wait queue
 * is woken (and run elsewhere) before its old CPU finished leaving it.
 *
 * Address spaces: a thread's pmap (the kernel's when NULL) is loaded by
 * the switch to it, before its registers come back, so user addresses
 * always mean the running thread's space, whichever CPU runs it.
 *
 * Preemption: the timer tick counts the slice down and raises
 * need_resched; the end of every interrupt (thread_intr_exit) switches
 * when preemption is enabled, and so does the last preempt_enable() of a
 * spinlock section. Placement: a new thread goes to the CPU with the
 * shortest run queue; an idle CPU steals the oldest ready thread of the
 * longest queue (load balancing), unless it is bound to its CPU.
 *
 * Memory: thread structures come from a kmem cache; stacks
 * (KERNEL_STACK_SIZE) come from vm_kmem with an unmapped guard page below
 * them, so an overflow faults (and is reported by the double-fault task,
 * see i386/gdt.c) instead of overwriting a neighbour. Nobody can free the
 * stack it runs on, and unmapping a stack needs a TLB shootdown, which
 * waits for other CPUs and so cannot run with interrupts off, where the
 * switch finds a dead thread. So the thread that runs after a dead one
 * puts it on the reaper's list, and the reaper thread drops the dead
 * thread's own reference; the structure and stack are freed when the
 * last reference goes (an RPC may still hold one through the thread's
 * port, kern/mig_convert.c), and with them the thread's reference to its
 * task, so that whoever holds a thread may follow thread->task.
 */
#include <stdbool.h>
#include <stddef.h>
#include <stdint.h>

#include <kern/account.h>
#include <kern/clock.h>
#include <kern/kmem.h>
#include <kern/list.h>
#include <kern/macros.h>
#include <kern/panic.h>
#include <kern/percpu.h>
#include <kern/printf.h>
#include <kern/shell.h>
#include <kern/spinlock.h>
#include <kern/string.h>
#include <kern/task.h>
#include <kern/thread.h>
#include <machine/cpu.h>
#include <machine/param.h>
#include <machine/pmap.h>
#include <machine/smp.h>
#include <vm/vm_kmem.h>

_Static_assert(offsetof(struct thread, esp) == 0, "thread_switch uses esp at 0");

struct thread_runq {
    struct spinlock lock;
    struct list ready;
    unsigned int nr_ready;
} __attribute__((aligned(CPU_CACHE_LINE)));

static struct thread_runq thread_runqs[CONFIG_NCPUS];
static struct kmem_cache thread_cache;
static struct thread thread_boot[CONFIG_NCPUS];    /* boot contexts */
static volatile bool thread_active;
static unsigned int thread_nr;          /* allocated threads, boot contexts excluded */

/* Dead threads waiting for the reaper, linked by node. */
/*
 * Interruptible sleeps: protects every thread's intr_wq, and is taken
 * before the lock of a queue made by waitq_init_intr() (sleep, wakeup,
 * interrupt), so that an interrupter never locks a queue that a wakeup
 * has already released to its owner.
 */
static struct spinlock thread_intr_lock = SPINLOCK_INITIALIZER;

static struct spinlock thread_reap_lock;
static struct list thread_reap_list;
static struct waitq thread_reap_waitq;

struct thread *thread_switch_context(struct thread *prev, struct thread *next);
extern char thread_start[];

struct thread *
thread_self(void)
{
    /*
     * One load, never percpu_self()->current: with interrupts on, a
     * thread preempted between loading its CPU's percpu pointer and the
     * field, and resumed on another CPU, would read the first CPU's
     * current thread.
     */
    return percpu_read(current);
}

/* Threads running (not idle) or ready on every CPU. Lock-free: a snapshot. */
static unsigned int
thread_nr_runnable(void)
{
    unsigned int n = 0;

    for (unsigned int cpu = 0; cpu < CONFIG_NCPUS; cpu++) {
        const struct percpu *pc = &percpu_table[cpu];

        if (!pc->online) {
            continue;
        }
        n += __atomic_load_n(&thread_runqs[cpu].nr_ready, __ATOMIC_RELAXED);
        n += __atomic_load_n(&pc->current, __ATOMIC_RELAXED) != pc->idle;
    }
    return n;
}

unsigned int
thread_runq_length(unsigned int cpu)
{
    return thread_runqs[cpu].nr_ready;
}

/* Lock-free hint: a run queue's length may change right after. */
static unsigned int
thread_runq_pick_least(void)
{
    unsigned int best = 0;

    for (unsigned int cpu = 1; cpu < CONFIG_NCPUS; cpu++) {
        if (percpu_table[cpu].online
            && thread_runqs[cpu].nr_ready < thread_runqs[best].nr_ready) {
            best = cpu;
        }
    }
    return best;
}

/* Put t on CPU cpu's run queue and make that CPU notice. */
static void
thread_enqueue(struct thread *t, unsigned int cpu)
{
    struct thread_runq *rq = &thread_runqs[cpu];
    uint32_t flags = spinlock_lock_intr_save(&rq->lock);

    if (t->state == THREAD_READY || t->state == THREAD_DEAD) {
        panic("thread: '%s' queued while %s", t->name,
              t->state == THREAD_READY ? "ready" : "dead");
    }
    t->state = THREAD_READY;
    t->cpu = cpu;
    list_insert_tail(&rq->ready, &t->node);
    rq->nr_ready++;

    /* Interrupts still off: this CPU is the one that queued t. */
    if (cpu != cpu_id()) {
        smp_wakeup(cpu);
    } else if (percpu_self()->current == percpu_self()->idle) {
        percpu_self()->need_resched = true;
    }
    spinlock_unlock_intr_restore(&rq->lock, flags);
}

/* Take the oldest unbound thread of the longest other run queue. */
static struct thread *
thread_steal(unsigned int self)
{
    unsigned int victim = self;
    struct thread *t = NULL;

    for (unsigned int cpu = 0; cpu < CONFIG_NCPUS; cpu++) {
        if (cpu != self && thread_runqs[cpu].nr_ready > 0
            && (victim == self || thread_runqs[cpu].nr_ready
                                  > thread_runqs[victim].nr_ready)) {
            victim = cpu;
        }
    }
    if (victim == self) {
        return NULL;
    }

    struct thread_runq *rq = &thread_runqs[victim];
    struct list *node;

    spinlock_lock(&rq->lock);
    list_foreach(&rq->ready, node) {
        struct thread *candidate = list_entry(node, struct thread, node);

        if (candidate->bound_cpu == THREAD_ANY_CPU) {
            assert(candidate->state == THREAD_READY && rq->nr_ready != 0);
            list_remove(node);
            rq->nr_ready--;
            t = candidate;
            break;
        }
    }
    spinlock_unlock(&rq->lock);
    return t;
}

/* Called on the resumed side of every switch, interrupts off. */
static void
thread_switch_finish(struct thread *prev)
{
    __atomic_store_n(&prev->on_cpu, false, __ATOMIC_RELEASE);
    if (prev->state == THREAD_DEAD && prev->stack != NULL) {
        spinlock_lock_intr_off(&thread_reap_lock);
        list_insert_tail(&thread_reap_list, &prev->node);
        spinlock_unlock_intr_off(&thread_reap_lock);
        waitq_wakeup_one(&thread_reap_waitq);
    }
}

/* Free the stack and structure of dead threads, forever. */
static void
thread_reaper(void *arg)
{
    (void)arg;
    for (;;) {
        struct list dead;
        uint32_t flags = spinlock_lock_intr_save(&thread_reap_lock);

        while (list_empty(&thread_reap_list)) {
            waitq_sleep(&thread_reap_waitq, &thread_reap_lock);
        }
        list_init(&dead);
        list_concat(&dead, &thread_reap_list);
        spinlock_unlock_intr_restore(&thread_reap_lock, flags);

        while (!list_empty(&dead)) {
            struct thread *t = list_entry(list_first(&dead), struct thread, node);

            list_remove(&t->node);
            thread_unref(t);
        }
    }
}

void
thread_ref(struct thread *t)
{
    __atomic_fetch_add(&t->refs, 1, __ATOMIC_RELAXED);
}

void
thread_unref(struct thread *t)
{
    if (__atomic_sub_fetch(&t->refs, 1, __ATOMIC_ACQ_REL) != 0) {
        return;
    }
    assert(t->state == THREAD_DEAD && t->stack != NULL && !t->in_task);
    if (t->task != NULL) {
        task_unref(t->task);        /* the reference it took entering the task */
    }
    pcb_thread_free(t);
    vm_kmem_free_guarded(t->stack, KERNEL_STACK_SIZE);
    kmem_cache_free(&thread_cache, t);
    __atomic_fetch_sub(&thread_nr, 1, __ATOMIC_RELAXED);
}

void
thread_pmap_set(struct pmap *pmap)
{
    uint32_t flags = cpu_intr_save();

    thread_self()->pmap = pmap;
    pmap_activate(pmap != NULL ? pmap : pmap_kernel());
    cpu_intr_restore(flags);
}

bool
thread_stack_guard_contains(const struct thread *t, uintptr_t addr)
{
    uintptr_t stack = (uintptr_t)t->stack;

    return t->stack != NULL && addr < stack && addr >= stack - PAGE_SIZE;
}

/* Pick the next thread and switch to it. Interrupts off, preemption 0. */
static void
thread_schedule(void)
{
    struct percpu *self = percpu_self();
    struct thread *prev = self->current, *next = NULL;
    struct thread_runq *rq = &thread_runqs[self->id];

    self->need_resched = false;
    spinlock_lock(&rq->lock);
    if (prev->state == THREAD_RUNNING && prev != self->idle) {
        prev->state = THREAD_READY;
        list_insert_tail(&rq->ready, &prev->node);
        rq->nr_ready++;
    }
    if (!list_empty(&rq->ready)) {
        next = list_entry(list_first(&rq->ready), struct thread, node);
        /* A queued thread is ready: running it twice would share its stack. */
        assert(next->state == THREAD_READY && rq->nr_ready != 0);
        list_remove(&next->node);
        rq->nr_ready--;
    }
    spinlock_unlock(&rq->lock);
    if (next == NULL) {
        next = thread_steal(self->id);
    }
    if (next == NULL) {
        next = (prev->state == THREAD_RUNNING) ? prev : self->idle;
    }
    if (next != prev && next != self->idle
        && __atomic_load_n(&next->on_cpu, __ATOMIC_ACQUIRE)) {
        /*
         * next was woken or queued while still switching out on another
         * CPU, which may be waiting in this very spot for prev (a thread
         * woken before it slept, stolen back and forth): waiting here
         * could deadlock both CPUs. Queue next here again and run the
         * idle thread, which schedules again at once.
         */
        spinlock_lock(&rq->lock);
        next->cpu = self->id;
        list_insert_tail(&rq->ready, &next->node);
        rq->nr_ready++;
        spinlock_unlock(&rq->lock);
        next = self->idle;
    }
    if (next == prev) {
        prev->state = THREAD_RUNNING;
        return;
    }

    while (__atomic_load_n(&next->on_cpu, __ATOMIC_ACQUIRE)) {
        cpu_pause();
    }
    next->on_cpu = true;
    next->state = THREAD_RUNNING;
    next->cpu = self->id;
    if (next->last_cpu != self->id) {
        next->nr_migrations += next->last_cpu != THREAD_ANY_CPU;
        next->last_cpu = self->id;
    }
    next->slice = THREAD_SLICE_TICKS;
    self->current = next;
    pmap_activate(next->pmap != NULL ? next->pmap : pmap_kernel());
    pcb_switch(prev, next);
    prev = thread_switch_context(prev, next);
    thread_switch_finish(prev);
}

void
thread_yield(void)
{
    uint32_t flags = cpu_intr_save();

    if (thread_active && percpu_self()->preempt_count == 0) {
        thread_schedule();
    }
    cpu_intr_restore(flags);
}

void
preempt_check(void)
{
    uint32_t flags = cpu_intr_save();

    if (cpu_intr_flags_enabled(flags) && thread_active
        && percpu_self()->preempt_count == 0 && percpu_self()->need_resched) {
        thread_schedule();
    }
    cpu_intr_restore(flags);
}

void
thread_tick(bool user)
{
    struct percpu *self = percpu_self();
    struct thread *t = self->current;

    if (!thread_active || t == NULL) {
        return;
    }
    if (t == self->idle) {
        if (thread_runqs[self->id].nr_ready > 0 || smp_nr_cpus() > 1) {
            self->need_resched = true;      /* run work, or try to steal */
        }
    } else {
        account_tick(&t->account, user);
        if (t->slice > 0 && --t->slice == 0) {
            self->need_resched = true;
        }
    }
    if (self->id == 0 && clock_ticks() % CLOCK_HZ == 0) {
        account_load_sample(thread_nr_runnable(), smp_nr_cpus());   /* host_info LOAD */
    }
}

void
thread_intr_exit(void)
{
    struct percpu *self = percpu_self();

    if (thread_active && self->need_resched && self->preempt_count == 0) {
        thread_schedule();
    }
}

/* First C code of a new thread, from thread_start. */
void __attribute__((noreturn))
thread_start_c(struct thread *prev)
{
    struct thread *self;

    thread_switch_finish(prev);
    cpu_intr_enable();
    self = thread_self();
    self->fn(self->arg);
    thread_exit();
}

/* Allocate a thread whose first switch-in runs fn(arg); not queued. */
static struct thread *
thread_alloc(const char *name, void (*fn)(void *arg), void *arg, unsigned int bound_cpu)
{
    void *stack;
    struct thread *t;
    uint32_t *sp;

    t = kmem_cache_alloc(&thread_cache);
    if (t == NULL) {
        return NULL;
    }
    stack = vm_kmem_alloc_guarded(KERNEL_STACK_SIZE);
    if (stack == NULL) {
        kmem_cache_free(&thread_cache, t);
        return NULL;
    }
    memset(t, 0, sizeof(*t));
    strlcpy(t->name, name, sizeof(t->name));
    t->stack = stack;
    t->fn = fn;
    t->arg = arg;
    t->bound_cpu = bound_cpu;
    t->refs = 1;
    t->last_cpu = THREAD_ANY_CPU;
    t->slice = THREAD_SLICE_TICKS;
    account_init(&t->account);

    /*
     * Registers popped by thread_switch_context, then its return
     * address, below the room kept for the user frame (i386/pcb.h).
     */
    sp = (uint32_t *)((char *)t->stack + KERNEL_STACK_SIZE - PCB_STACK_RESERVE);
    *--sp = 0;                                  /* fake caller of thread_start */
    *--sp = (uint32_t)(uintptr_t)thread_start;
    for (int i = 0; i < 4; i++) {
        *--sp = 0;                              /* ebp, ebx, esi, edi */
    }
    t->esp = (uint32_t)(uintptr_t)sp;
    __atomic_fetch_add(&thread_nr, 1, __ATOMIC_RELAXED);
    return t;
}

unsigned int
thread_count(void)
{
    return __atomic_load_n(&thread_nr, __ATOMIC_RELAXED);
}

struct thread *
thread_create_kernel(const char *name, void (*fn)(void *arg), void *arg, unsigned int cpu)
{
    struct thread *t;

    if (cpu != THREAD_ANY_CPU && (cpu >= CONFIG_NCPUS || !percpu_table[cpu].online)) {
        return NULL;
    }
    t = thread_alloc(name, fn, arg, cpu);
    if (t != NULL) {
        thread_enqueue(t, cpu == THREAD_ANY_CPU ? thread_runq_pick_least() : cpu);
    }
    return t;
}

void
thread_exit(void)
{
    if (thread_self()->in_task) {
        task_thread_exit();
    }
    cpu_intr_disable();
    if (percpu_self()->preempt_count != 0) {
        panic("thread: '%s' exits with preemption disabled", thread_self()->name);
    }
    thread_self()->state = THREAD_DEAD;
    thread_schedule();
    panic("thread: a dead thread was scheduled");
}

void
thread_delay(unsigned long ticks)
{
    uint64_t end = clock_ticks() + ticks;

    while (clock_ticks() < end) {
        thread_yield();
        if (clock_ticks() < end && thread_runq_length(cpu_id()) == 0) {
            cpu_idle();             /* nothing else to run: wait for a tick */
        }
    }
}

void
waitq_init(struct waitq *wq)
{
    spinlock_init(&wq->lock);
    list_init(&wq->threads);
    wq->intr = false;
}

void
waitq_init_intr(struct waitq *wq)
{
    waitq_init(wq);
    wq->intr = true;
}

/*
 * The interruptible sleep, with a deadline (0: none) checked under
 * thread_intr_lock before sleeping: a passed one sets timed_out and does
 * not sleep (the clock tick that passed it may have looked already).
 */
static int
waitq_sleep_intr_deadline(struct waitq *wq, struct spinlock *lock, uint64_t deadline)
{
    struct thread *self = thread_self();
    uint32_t flags = cpu_intr_save();

    assert(wq->intr);
    spinlock_lock(&thread_intr_lock);
    if (__atomic_load_n(&self->ast, __ATOMIC_ACQUIRE) != 0) {
        spinlock_unlock(&thread_intr_lock);
        cpu_intr_restore(flags);
        return THREAD_INTERRUPTED;
    }
    if (deadline != 0 && clock_ticks() >= deadline) {
        self->timed_out = true;
        spinlock_unlock(&thread_intr_lock);
        cpu_intr_restore(flags);
        return THREAD_TIMED_OUT;
    }
    spinlock_lock(&wq->lock);
    self->state = THREAD_SLEEPING;
    self->interrupted = false;
    self->intr_wq = wq;
    list_insert_tail(&wq->threads, &self->node);
    spinlock_unlock(&wq->lock);
    spinlock_unlock(&thread_intr_lock);
    if (lock != NULL) {
        spinlock_unlock(lock);
    }
    if (percpu_self()->preempt_count != 0) {
        panic("thread: '%s' sleeps with preemption disabled", self->name);
    }
    thread_schedule();
    cpu_intr_restore(flags);
    if (lock != NULL) {
        spinlock_lock(lock);
    }
    return self->interrupted ? THREAD_INTERRUPTED : 0;
}

int
waitq_sleep_intr(struct waitq *wq, struct spinlock *lock)
{
    return waitq_sleep_intr_deadline(wq, lock, 0);
}

/*
 * Timed sleeps: a sleeper with a deadline is on thread_timed_list for
 * the whole of waitq_sleep_intr_until() (it takes itself off before
 * returning, so a thread on the list cannot be gone). The clock tick
 * ends the sleeps whose deadline passed, as thread_interrupt() does,
 * with timed_out set; one not asleep yet sees its deadline itself,
 * under thread_intr_lock, before it sleeps.
 */
static struct spinlock thread_timed_lock = SPINLOCK_INITIALIZER;  /* before thread_intr_lock */
static struct list thread_timed_list = LIST_INITIALIZER(thread_timed_list);
static unsigned int thread_timed_nr;

/* End t's sleep if it is in one and its deadline is now passed. thread_timed_lock held. */
static void
thread_timed_expire(struct thread *t, uint64_t now)
{
    struct waitq *wq;

    spinlock_lock(&thread_intr_lock);
    wq = t->intr_wq;
    if (wq != NULL && t->deadline <= now) {
        spinlock_lock(&wq->lock);
        assert(t->state == THREAD_SLEEPING);
        list_remove(&t->node);
        t->intr_wq = NULL;
        t->timed_out = true;
        thread_enqueue(t, t->bound_cpu != THREAD_ANY_CPU ? t->bound_cpu
                                                        : thread_runq_pick_least());
        spinlock_unlock(&wq->lock);
    }
    spinlock_unlock(&thread_intr_lock);
}

void
thread_timed_tick(void)
{
    struct thread *t;
    uint64_t now;
    uint32_t flags;

    if (__atomic_load_n(&thread_timed_nr, __ATOMIC_ACQUIRE) == 0) {
        return;
    }
    now = clock_ticks();
    flags = spinlock_lock_intr_save(&thread_timed_lock);
    list_foreach_entry(&thread_timed_list, t, timed_node) {
        if (t->deadline <= now) {
            thread_timed_expire(t, now);
        }
    }
    spinlock_unlock_intr_restore(&thread_timed_lock, flags);
}

int
waitq_sleep_intr_until(struct waitq *wq, struct spinlock *lock, uint64_t deadline)
{
    struct thread *self = thread_self();
    uint32_t flags;
    int error;

    self->deadline = deadline;
    self->timed_out = false;
    flags = spinlock_lock_intr_save(&thread_timed_lock);
    list_insert_tail(&thread_timed_list, &self->timed_node);
    __atomic_fetch_add(&thread_timed_nr, 1, __ATOMIC_RELEASE);
    spinlock_unlock_intr_restore(&thread_timed_lock, flags);

    error = waitq_sleep_intr_deadline(wq, lock, deadline);

    flags = spinlock_lock_intr_save(&thread_timed_lock);
    list_remove(&self->timed_node);
    __atomic_fetch_sub(&thread_timed_nr, 1, __ATOMIC_RELEASE);
    spinlock_unlock_intr_restore(&thread_timed_lock, flags);
    if (self->timed_out) {
        return THREAD_TIMED_OUT;
    }
    return error;
}

void
thread_interrupt(struct thread *t)
{
    uint32_t flags = spinlock_lock_intr_save(&thread_intr_lock);
    struct waitq *wq = t->intr_wq;

    if (wq != NULL) {
        spinlock_lock(&wq->lock);
        assert(t->state == THREAD_SLEEPING);
        list_remove(&t->node);
        t->intr_wq = NULL;
        t->interrupted = true;
        thread_enqueue(t, t->bound_cpu != THREAD_ANY_CPU ? t->bound_cpu
                                                        : thread_runq_pick_least());
        spinlock_unlock(&wq->lock);
    }
    spinlock_unlock_intr_restore(&thread_intr_lock, flags);
}

void
thread_ast_post(struct thread *t, unsigned int bits)
{
    uint32_t flags;

    __atomic_fetch_or(&t->ast, bits, __ATOMIC_RELEASE);
    thread_interrupt(t);
    flags = cpu_intr_save();
    /* A hint: if t moved meanwhile, it passes a return path anyway. */
    if (t->state == THREAD_RUNNING && t->cpu != cpu_id()) {
        smp_wakeup(t->cpu);
    }
    cpu_intr_restore(flags);
}

void
thread_ast_clear(unsigned int bits)
{
    __atomic_fetch_and(&thread_self()->ast, ~bits, __ATOMIC_RELEASE);
}

void
waitq_sleep(struct waitq *wq, struct spinlock *lock)
{
    struct thread *self;
    uint32_t flags = cpu_intr_save();

    spinlock_lock(&wq->lock);
    self = thread_self();
    self->state = THREAD_SLEEPING;
    list_insert_tail(&wq->threads, &self->node);
    spinlock_unlock(&wq->lock);
    if (lock != NULL) {
        spinlock_unlock(lock);
    }
    /* Interrupts off: a wakeup can only make us READY, not run us here. */
    if (percpu_self()->preempt_count != 0) {
        panic("thread: '%s' sleeps with preemption disabled (count %u, cpu %u)", self->name, percpu_self()->preempt_count, cpu_id());
    }
    thread_schedule();
    cpu_intr_restore(flags);
    if (lock != NULL) {
        spinlock_lock(lock);
    }
}

static unsigned int
waitq_wakeup(struct waitq *wq, bool all)
{
    unsigned int n = 0;
    uint32_t flags = cpu_intr_save();

    if (wq->intr) {
        spinlock_lock(&thread_intr_lock);
    }
    spinlock_lock(&wq->lock);
    while (!list_empty(&wq->threads)) {
        struct thread *t = list_entry(list_first(&wq->threads), struct thread, node);

        list_remove(&t->node);
        t->intr_wq = NULL;
        /* Wake on its last CPU unless another is less loaded. */
        thread_enqueue(t, t->bound_cpu != THREAD_ANY_CPU ? t->bound_cpu
                                                        : thread_runq_pick_least());
        n++;
        if (!all) {
            break;
        }
    }
    spinlock_unlock(&wq->lock);
    if (wq->intr) {
        spinlock_unlock(&thread_intr_lock);
    }
    cpu_intr_restore(flags);
    return n;
}

unsigned int
waitq_wakeup_one(struct waitq *wq)
{
    return waitq_wakeup(wq, false);
}

unsigned int
waitq_wakeup_all(struct waitq *wq)
{
    return waitq_wakeup(wq, true);
}

/* The idle loop of one CPU: run whatever appears, else halt. */
static void __attribute__((noreturn))
thread_idle_loop(void)
{
    for (;;) {
        cpu_intr_disable();
        if (thread_runqs[cpu_id()].nr_ready > 0 || smp_nr_cpus() > 1) {
            thread_schedule();
        }
        cpu_idle();                 /* sti; hlt: wakes on any interrupt */
    }
}

static void
thread_idle_fn(void *arg)
{
    (void)arg;
    thread_idle_loop();
}

/* Make the caller's boot context the thread t of this CPU. */
static void
thread_boot_adopt(struct thread *t, const char *name)
{
    struct percpu *self = percpu_self();

    strlcpy(t->name, name, sizeof(t->name));
    t->state = THREAD_RUNNING;
    t->on_cpu = true;
    t->cpu = self->id;
    t->bound_cpu = self->id;
    t->last_cpu = self->id;
    t->slice = THREAD_SLICE_TICKS;
    t->refs = 1;                        /* its own, never dropped: a boot context is static */
    self->current = t;
}

/* Secondary CPUs: their boot context becomes their idle thread. */
static void
thread_ap_start(void *arg)
{
    struct percpu *self = percpu_self();
    struct thread *t = &thread_boot[self->id];

    (void)arg;
    thread_boot_adopt(t, "idle");
    self->idle = t;
}

void
thread_setup(void)
{
    for (unsigned int cpu = 0; cpu < CONFIG_NCPUS; cpu++) {
        spinlock_init(&thread_runqs[cpu].lock);
        list_init(&thread_runqs[cpu].ready);
    }
    if (kmem_cache_init(&thread_cache, "thread", sizeof(struct thread),
                        CPU_CACHE_LINE, NULL, 0) != 0) {
        panic("thread: cannot create the thread cache");
    }
    spinlock_init(&thread_reap_lock);
    list_init(&thread_reap_list);
    waitq_init(&thread_reap_waitq);
    thread_boot_adopt(&thread_boot[0], "main");
    thread_boot[0].bound_cpu = THREAD_ANY_CPU;

    /* CPU 0's idle thread is a real thread, bound to CPU 0, never queued. */
    percpu_self()->idle = thread_alloc("idle", thread_idle_fn, NULL, 0);
    if (percpu_self()->idle == NULL) {
        panic("thread: no memory for the idle thread");
    }
    for (unsigned int cpu = 1; cpu < CONFIG_NCPUS; cpu++) {
        smp_call(cpu, thread_ap_start, NULL);       /* false when offline */
    }
    if (thread_create_kernel("reaper", thread_reaper, NULL, THREAD_ANY_CPU) == NULL) {
        panic("thread: no memory for the reaper thread");
    }
    __atomic_store_n(&thread_active, true, __ATOMIC_RELEASE);
}

void
thread_idle(void)
{
    while (!__atomic_load_n(&thread_active, __ATOMIC_ACQUIRE)) {
        cpu_idle();
    }
    thread_idle_loop();
}

static void
thread_shell_threads(int argc, char **argv)
{
    (void)argc;
    (void)argv;
    printf("cpu current          task             ready\n");
    for (unsigned int cpu = 0; cpu < CONFIG_NCPUS; cpu++) {
        const struct percpu *pc = &percpu_table[cpu];

        if (pc->online) {
            const struct thread *t = pc->current;

            /* A snapshot, racy like the name: the thread may leave meanwhile. */
            struct task *task = (t != NULL) ? __atomic_load_n(&t->task, __ATOMIC_RELAXED)
                                            : NULL;

            printf("%3u %-16s %-16s %5u\n", cpu, t != NULL ? t->name : "-",
                   task != NULL ? task->name : "-", thread_runqs[cpu].nr_ready);
        }
    }
    task_info_threads();
}

SHELL_CMD_DEFINE(threads, "", "running thread and run-queue length per CPU",
                 thread_shell_threads);
