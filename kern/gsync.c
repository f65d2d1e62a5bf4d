/* SPDX-License-Identifier: GPL-2.0-or-later */
/*
 * gsync (see kern/gsync.h).
 *
 * Waiters live on their caller's stack and sit in one of GSYNC_BUCKETS
 * hash buckets (a spinlock and a FIFO list), chosen by their key. Each
 * has its own interruptible wait queue: a wake takes the waiter off the
 * bucket list, sets `woken` and wakes that queue, all under the bucket
 * lock; the waiter decides what happened only under the lock of the
 * bucket it is in (w->bucket, changed by a requeue under both buckets'
 * locks), so it never returns while a waker still touches its queue.
 *
 * Reading the word: under the map's mutex (so the entry and its pages
 * stay), the entry's object gives the page the map sees (its own or a
 * backing object's; none reads as zero), and the word is read through a
 * per-CPU window (pmap_window_map()) while the bucket lock is held, so a
 * waker that changes the word and then takes the bucket lock cannot
 * slip in between the check and the sleep (the futex rule). Reading
 * through the physical page works the same for the caller's task and
 * for a remote one. GSYNC_MUTATE writes the page of the entry's own
 * object, write-faulting it first when the object has none there
 * (vm_fault() copies a copy-on-write page up into it).
 *
 * Timeouts: a timed waiter is also on gsync_timed, a list that
 * gsync_tick() walks at every clock tick once any timed waiter exists,
 * waking the queues of those whose deadline passed; the waiter sees the
 * deadline itself. A timeout is thus noticed within one tick after it.
 *
 * Lock order: map mutex, then bucket locks (two at once in address
 * order), then wait-queue locks; gsync_timed_lock (interrupts off)
 * before wait-queue locks and never with a bucket lock wanted after it.
 * Object pointers in shared keys are only compared, never followed, so
 * a sleeping waiter holds no reference on anything.
 */
#include <stdbool.h>
#include <stddef.h>
#include <stdint.h>

#include <include/mach/kern_return.h>
#include <kern/clock.h>
#include <kern/error.h>
#include <kern/gsync.h>
#include <kern/list.h>
#include <kern/macros.h>
#include <kern/panic.h>
#include <kern/spinlock.h>
#include <kern/task.h>
#include <kern/thread.h>
#include <machine/param.h>
#include <machine/pmap.h>
#include <vm/vm_fault.h>
#include <vm/vm_map.h>
#include <vm/vm_object.h>
#include <vm/vm_page.h>
#include <vm/vm_user.h>

#define GSYNC_BUCKETS           128     /* power of two */
#define GSYNC_MUTATE_TRIES      4       /* write faults before giving up on a racing map */

struct gsync_key {
    const void *base;           /* the map, or with GSYNC_SHARED the VM object */
    uint64_t offset;            /* the address, or the offset in the object */
};

struct gsync_bucket {
    struct spinlock lock;
    struct list waiters;        /* struct gsync_waiter, oldest first */
};

struct gsync_waiter {
    struct list node;           /* in bucket->waiters while not woken */
    struct gsync_key key;
    struct gsync_bucket *bucket;        /* changed under both buckets' locks */
    bool woken;                 /* under bucket->lock */
    struct waitq wq;            /* the waiter sleeps here alone */
    uint64_t deadline;          /* clock tick (timed waiters) */
    struct list timed_node;     /* in gsync_timed (timed waiters) */
};

static struct gsync_bucket gsync_buckets[GSYNC_BUCKETS];

static struct spinlock gsync_timed_lock = SPINLOCK_INITIALIZER;
static struct list gsync_timed = LIST_INITIALIZER(gsync_timed);
static unsigned int gsync_timed_nr;     /* atomic: entries of gsync_timed */

void
gsync_setup(void)
{
    for (unsigned int i = 0; i < GSYNC_BUCKETS; i++) {
        spinlock_init(&gsync_buckets[i].lock);
        list_init(&gsync_buckets[i].waiters);
    }
}

static bool
gsync_key_equal(const struct gsync_key *a, const struct gsync_key *b)
{
    return a->base == b->base && a->offset == b->offset;
}

static struct gsync_bucket *
gsync_key_bucket(const struct gsync_key *key)
{
    uint32_t h = (uint32_t)(uintptr_t)key->base * 0x9E3779B1u;

    h ^= (uint32_t)key->offset + (uint32_t)(key->offset >> 32);
    h *= 0x85EBCA6Bu;
    return &gsync_buckets[(h >> 16) & (GSYNC_BUCKETS - 1)];
}

/*
 * With map locked: the entry's object and offset at addr, if addr is
 * mapped with the access prot asks for (a read is allowed by READ or
 * EXECUTE, as vm_fault() does).
 */
static bool
gsync_entry_find(struct vm_user_map *map, uintptr_t addr, unsigned int prot,
                 struct vm_object **objectp, uint64_t *offsetp)
{
    const struct vm_map_entry *entry;
    unsigned int allowed;

    if (addr >= VM_USER_MAX) {
        return false;
    }
    entry = vm_map_lookup(&map->map, addr);
    if (entry == NULL || entry->object == NULL) {
        return false;
    }
    allowed = entry->protection;
    if (allowed & VM_MAP_PROT_EXECUTE) {
        allowed |= VM_MAP_PROT_READ;
    }
    if ((prot & ~allowed) != 0) {
        return false;
    }
    *objectp = entry->object;
    *offsetp = entry->offset + (addr - entry->start);
    return true;
}

/*
 * With map locked: the key of addr, checking it is mapped for prot.
 * Returns false when it is not.
 */
static bool
gsync_key_make(struct vm_user_map *map, uintptr_t addr, unsigned int prot, int flags,
               struct gsync_key *key)
{
    struct vm_object *object;
    uint64_t offset;

    if (!gsync_entry_find(map, addr, prot, &object, &offset)) {
        return false;
    }
    if (flags & GSYNC_SHARED) {
        key->base = object;
        key->offset = offset;
    } else {
        key->base = map;
        key->offset = addr;
    }
    return true;
}

/* With map locked: whether addr is mapped readable. */
static bool
gsync_mapped(struct vm_user_map *map, uintptr_t addr)
{
    struct vm_object *object;
    uint64_t offset;

    return gsync_entry_find(map, addr, VM_MAP_PROT_READ, &object, &offset);
}

/* Read or write the word at offset of page through a window. */
static bool
gsync_page_access(struct vm_page *page, uint64_t offset, uint32_t *valp, bool write)
{
    char *va = pmap_window_map(vm_page_to_pa(page));

    if (va == NULL) {
        return false;
    }
    if (write) {
        __atomic_store_n((uint32_t *)(va + (offset & PAGE_MASK)), *valp, __ATOMIC_SEQ_CST);
    } else {
        *valp = __atomic_load_n((uint32_t *)(va + (offset & PAGE_MASK)), __ATOMIC_SEQ_CST);
    }
    pmap_window_unmap(va);
    return true;
}

/*
 * With map locked: read the word at addr (mapped readable, checked by
 * the caller). A page nobody touched yet reads as zero. Returns false
 * when no window is free.
 */
static bool
gsync_word_read(struct vm_user_map *map, uintptr_t addr, uint32_t *valp)
{
    struct vm_object *object;
    struct vm_page *page;
    uint64_t offset;
    bool found = gsync_entry_find(map, addr, VM_MAP_PROT_READ, &object, &offset);

    assert(found);
    page = vm_object_page_find(object, P2TRUNC(offset, PAGE_SIZE), NULL);
    if (page == NULL) {
        *valp = 0;
        return true;
    }
    return gsync_page_access(page, offset, valp, false);
}

static kern_return_t
gsync_check_args(struct task *task, uintptr_t addr)
{
    if (task == NULL) {
        return KERN_INVALID_TASK;
    }
    if (addr % sizeof(uint32_t) != 0) {
        return KERN_INVALID_ADDRESS;
    }
    return KERN_SUCCESS;
}

/* Lock the bucket w is in now; returns it. */
static struct gsync_bucket *
gsync_waiter_lock(struct gsync_waiter *w)
{
    for (;;) {
        struct gsync_bucket *b = __atomic_load_n(&w->bucket, __ATOMIC_ACQUIRE);

        spinlock_lock(&b->lock);
        if (__atomic_load_n(&w->bucket, __ATOMIC_ACQUIRE) == b) {
            return b;
        }
        spinlock_unlock(&b->lock);
    }
}

/* Take w off its bucket and wake it. Its bucket locked. */
static void
gsync_waiter_wake(struct gsync_waiter *w)
{
    list_remove(&w->node);
    w->woken = true;
    waitq_wakeup_one(&w->wq);
}

static void
gsync_timed_add(struct gsync_waiter *w)
{
    uint32_t flags = spinlock_lock_intr_save(&gsync_timed_lock);

    list_insert_tail(&gsync_timed, &w->timed_node);
    __atomic_fetch_add(&gsync_timed_nr, 1, __ATOMIC_RELEASE);
    spinlock_unlock_intr_restore(&gsync_timed_lock, flags);
}

static void
gsync_timed_remove(struct gsync_waiter *w)
{
    uint32_t flags = spinlock_lock_intr_save(&gsync_timed_lock);

    list_remove(&w->timed_node);
    __atomic_fetch_sub(&gsync_timed_nr, 1, __ATOMIC_RELEASE);
    spinlock_unlock_intr_restore(&gsync_timed_lock, flags);
}

void
gsync_tick(void)
{
    struct gsync_waiter *w;
    uint64_t now;
    uint32_t flags;

    if (__atomic_load_n(&gsync_timed_nr, __ATOMIC_ACQUIRE) == 0) {
        return;
    }
    now = clock_ticks();
    flags = spinlock_lock_intr_save(&gsync_timed_lock);
    list_foreach_entry(&gsync_timed, w, timed_node) {
        if (w->deadline <= now) {
            waitq_wakeup_one(&w->wq);
        }
    }
    spinlock_unlock_intr_restore(&gsync_timed_lock, flags);
}

/*
 * Sleep until woken, timed out or interrupted; w is queued in its bucket,
 * whose lock is not held. Returns the call's result, w off every list.
 */
static kern_return_t
gsync_wait_sleep(struct gsync_waiter *w, int flags)
{
    struct gsync_bucket *b;
    kern_return_t kr = KERN_SUCCESS;

    if (flags & GSYNC_TIMED) {
        gsync_timed_add(w);
    }
    b = gsync_waiter_lock(w);
    while (!w->woken) {
        if ((flags & GSYNC_TIMED) && clock_ticks() >= w->deadline) {
            kr = KERN_TIMEDOUT;
            break;
        }
        if (waitq_sleep_intr(&w->wq, &b->lock) == THREAD_INTERRUPTED) {
            kr = KERN_INTERRUPTED;
        }
        /* A requeue may have moved w meanwhile: decide under its bucket's lock. */
        spinlock_unlock(&b->lock);
        b = gsync_waiter_lock(w);
        if (kr == KERN_INTERRUPTED) {
            break;
        }
    }
    if (w->woken) {
        kr = KERN_SUCCESS;
    } else {
        list_remove(&w->node);
    }
    spinlock_unlock(&b->lock);
    if (flags & GSYNC_TIMED) {
        gsync_timed_remove(w);
    }
    return kr;
}

kern_return_t
gsync_wait(struct task *task, uintptr_t addr, uint32_t val1, uint32_t val2, uint32_t msec,
           int flags)
{
    struct vm_user_map *map;
    struct gsync_waiter w;
    struct gsync_bucket *b;
    uint32_t lo, hi = 0;
    kern_return_t kr;

    kr = gsync_check_args(task, addr);
    if (kr != KERN_SUCCESS) {
        return kr;
    }
    map = task->map;
    vm_user_map_lock(map);
    if (!gsync_key_make(map, addr, VM_MAP_PROT_READ, flags, &w.key)
        || ((flags & GSYNC_QUAD) && !gsync_mapped(map, addr + 4))) {
        vm_user_map_unlock(map);
        return KERN_INVALID_ADDRESS;
    }
    b = gsync_key_bucket(&w.key);
    spinlock_lock(&b->lock);
    if (!gsync_word_read(map, addr, &lo)
        || ((flags & GSYNC_QUAD) && !gsync_word_read(map, addr + 4, &hi))) {
        kr = KERN_RESOURCE_SHORTAGE;
    } else if (lo != val1 || ((flags & GSYNC_QUAD) && hi != val2)) {
        kr = KERN_INVALID_ARGUMENT;
    } else {
        w.bucket = b;
        w.woken = false;
        waitq_init_intr(&w.wq);
        w.deadline = clock_ticks() + ((uint64_t)msec * CLOCK_HZ + 999) / 1000;
        list_insert_tail(&b->waiters, &w.node);
    }
    spinlock_unlock(&b->lock);
    vm_user_map_unlock(map);
    if (kr != KERN_SUCCESS) {
        return kr;
    }
    return gsync_wait_sleep(&w, flags);
}

/*
 * With map unlocked: write val to the word at addr in the page of the
 * entry's own object, write-faulting it there first when it is not
 * (a copy-on-write page is copied up). Returns with the map locked on
 * success.
 */
static kern_return_t
gsync_word_mutate(struct vm_user_map *map, uintptr_t addr, uint32_t val)
{
    for (unsigned int i = 0; i <= GSYNC_MUTATE_TRIES; i++) {
        struct vm_object *object;
        struct vm_page *page;
        uint64_t offset;
        int error;

        vm_user_map_lock(map);
        if (!gsync_entry_find(map, addr, VM_MAP_PROT_WRITE, &object, &offset)) {
            vm_user_map_unlock(map);
            return KERN_INVALID_ADDRESS;
        }
        page = vm_object_page_lookup(object, P2TRUNC(offset, PAGE_SIZE));
        if (page != NULL) {
            if (!gsync_page_access(page, offset, &val, true)) {
                vm_user_map_unlock(map);
                return KERN_RESOURCE_SHORTAGE;
            }
            return KERN_SUCCESS;
        }
        vm_user_map_unlock(map);
        error = vm_fault(map, addr, VM_MAP_PROT_WRITE);
        if (error == ERROR_NOMEM) {
            return KERN_RESOURCE_SHORTAGE;
        } else if (error != 0) {
            return KERN_INVALID_ADDRESS;
        }
    }
    return KERN_RESOURCE_SHORTAGE;      /* the page kept going away */
}

kern_return_t
gsync_wake(struct task *task, uintptr_t addr, uint32_t val, int flags)
{
    struct vm_user_map *map;
    struct gsync_waiter *w, *tmp;
    struct gsync_bucket *b;
    struct gsync_key key;
    kern_return_t kr;

    kr = gsync_check_args(task, addr);
    if (kr != KERN_SUCCESS) {
        return kr;
    }
    map = task->map;
    if (flags & GSYNC_MUTATE) {
        kr = gsync_word_mutate(map, addr, val);
        if (kr != KERN_SUCCESS) {
            return kr;
        }
    } else {
        vm_user_map_lock(map);
    }
    if (!gsync_key_make(map, addr, VM_MAP_PROT_READ, flags, &key)) {
        vm_user_map_unlock(map);
        return KERN_INVALID_ADDRESS;
    }
    vm_user_map_unlock(map);
    kr = KERN_INVALID_ARGUMENT;
    b = gsync_key_bucket(&key);
    spinlock_lock(&b->lock);
    list_foreach_entry_safe(&b->waiters, w, tmp, node) {
        if (gsync_key_equal(&w->key, &key)) {
            gsync_waiter_wake(w);
            kr = KERN_SUCCESS;
            if (!(flags & GSYNC_BROADCAST)) {
                break;
            }
        }
    }
    spinlock_unlock(&b->lock);
    return kr;
}

/* Lock two buckets (maybe the same one) in address order. */
static void
gsync_buckets_lock(struct gsync_bucket *a, struct gsync_bucket *b)
{
    if (a == b) {
        spinlock_lock(&a->lock);
    } else if (a < b) {
        spinlock_lock(&a->lock);
        spinlock_lock(&b->lock);
    } else {
        spinlock_lock(&b->lock);
        spinlock_lock(&a->lock);
    }
}

static void
gsync_buckets_unlock(struct gsync_bucket *a, struct gsync_bucket *b)
{
    spinlock_unlock(&a->lock);
    if (a != b) {
        spinlock_unlock(&b->lock);
    }
}

kern_return_t
gsync_requeue(struct task *task, uintptr_t src, uintptr_t dst, int wake_one, int flags)
{
    struct gsync_key src_key, dst_key;
    struct gsync_bucket *sb, *db;
    struct gsync_waiter *w, *tmp;
    struct vm_user_map *map;
    bool found = false, woke = !wake_one;
    kern_return_t kr;

    kr = gsync_check_args(task, src);
    if (kr == KERN_SUCCESS) {
        kr = gsync_check_args(task, dst);
    }
    if (kr != KERN_SUCCESS) {
        return kr;
    }
    map = task->map;
    vm_user_map_lock(map);
    if (!gsync_key_make(map, src, VM_MAP_PROT_READ, flags, &src_key)
        || !gsync_key_make(map, dst, VM_MAP_PROT_READ, flags, &dst_key)) {
        vm_user_map_unlock(map);
        return KERN_INVALID_ADDRESS;
    }
    vm_user_map_unlock(map);
    sb = gsync_key_bucket(&src_key);
    db = gsync_key_bucket(&dst_key);
    gsync_buckets_lock(sb, db);
    list_foreach_entry_safe(&sb->waiters, w, tmp, node) {
        if (!gsync_key_equal(&w->key, &src_key)) {
            continue;
        }
        found = true;
        if (!woke) {
            gsync_waiter_wake(w);
            woke = true;
            continue;
        }
        list_remove(&w->node);
        w->key = dst_key;
        __atomic_store_n(&w->bucket, db, __ATOMIC_RELEASE);
        list_insert_tail(&db->waiters, &w->node);
        if (!(flags & GSYNC_BROADCAST)) {
            break;
        }
    }
    gsync_buckets_unlock(sb, db);
    return found ? KERN_SUCCESS : KERN_INVALID_ARGUMENT;
}

unsigned int
gsync_waiters(struct task *task, uintptr_t addr, int flags)
{
    struct gsync_waiter *w;
    struct gsync_bucket *b;
    struct gsync_key key;
    unsigned int n = 0;
    bool mapped;

    if (gsync_check_args(task, addr) != KERN_SUCCESS) {
        return 0;
    }
    vm_user_map_lock(task->map);
    mapped = gsync_key_make(task->map, addr, VM_MAP_PROT_READ, flags, &key);
    vm_user_map_unlock(task->map);
    if (!mapped) {
        return 0;
    }
    b = gsync_key_bucket(&key);
    spinlock_lock(&b->lock);
    list_foreach_entry(&b->waiters, w, node) {
        n += gsync_key_equal(&w->key, &key);
    }
    spinlock_unlock(&b->lock);
    return n;
}
