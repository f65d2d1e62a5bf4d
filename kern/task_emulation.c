/* SPDX-License-Identifier: GPL-2.0-or-later */
/*
 * System-call emulation vectors (see task_emulation.h).
 *
 * Rationale. A table never changes once a task points at it: setting
 * entries builds a new table (the old entries plus the new ones, over
 * the union of both ranges) and swaps it in under the task lock, if the
 * task still points at the table it was built from, or tries again.
 * Tables are reference counted, so a child shares its parent's until
 * either side changes its own (GNU Mach's copy-on-share, without its
 * in-place update of an unshared table: the setting call is rare, the
 * lookup on every system call of such a task is not, and an immutable
 * table lets that lookup read an entry under the task lock with nothing
 * else to synchronize). A task without a table, nearly every one, pays
 * one atomic load per system call.
 */
#include <stdbool.h>
#include <stddef.h>
#include <stdint.h>

#include <include/mach/kern_return.h>
#include <kern/kmem.h>
#include <kern/macros.h>
#include <kern/mig_kernel.h>
#include <kern/panic.h>
#include <kern/spinlock.h>
#include <kern/string.h>
#include <kern/task.h>
#include <kern/task_emulation.h>
#include <vm/vm_copy.h>

#include "mach_S.h"

struct task_emulation {
    unsigned int refs;                  /* atomic: tasks pointing here */
    int32_t start;                      /* number of entries[0] */
    uint32_t count;
    uintptr_t entries[];
};

static size_t
task_emulation_size(uint32_t count)
{
    return sizeof(struct task_emulation) + count * sizeof(uintptr_t);
}

static void
task_emulation_unref(struct task_emulation *table)
{
    if (table != NULL && __atomic_sub_fetch(&table->refs, 1, __ATOMIC_ACQ_REL) == 0) {
        kmem_free(table, task_emulation_size(table->count));
    }
}

/*
 * A new table: old's entries (old may be NULL) with count entries from
 * vector at start, over both ranges. NULL when the range is too wide or
 * memory is out.
 */
static struct task_emulation *
task_emulation_build(const struct task_emulation *old, int32_t start, const uintptr_t *vector,
                     uint32_t count)
{
    int64_t lo = start, hi = (int64_t)start + count;
    struct task_emulation *table;

    if (old != NULL) {
        lo = MIN(lo, (int64_t)old->start);
        hi = MAX(hi, (int64_t)old->start + old->count);
    }
    if (hi - lo > TASK_EMULATION_MAX) {
        return NULL;
    }
    table = kmem_alloc(task_emulation_size((uint32_t)(hi - lo)));
    if (table == NULL) {
        return NULL;
    }
    table->refs = 1;
    table->start = (int32_t)lo;
    table->count = (uint32_t)(hi - lo);
    memset(table->entries, 0, table->count * sizeof(uintptr_t));
    if (old != NULL) {
        memcpy(&table->entries[old->start - lo], old->entries, old->count * sizeof(uintptr_t));
    }
    memcpy(&table->entries[start - lo], vector, count * sizeof(uintptr_t));
    return table;
}

/* Install count entries at start in task's table. */
static kern_return_t
task_emulation_set(struct task *task, int32_t start, const uintptr_t *vector, uint32_t count)
{
    struct task_emulation *old, *table;

    if (task == NULL) {
        return EML_BAD_TASK;
    }
    for (;;) {
        spinlock_lock(&task->lock);
        old = task->emulation;
        if (old != NULL) {
            __atomic_fetch_add(&old->refs, 1, __ATOMIC_RELAXED);     /* ours, to read it */
        }
        spinlock_unlock(&task->lock);
        table = task_emulation_build(old, start, vector, count);
        if (table == NULL) {
            task_emulation_unref(old);
            return KERN_RESOURCE_SHORTAGE;
        }
        spinlock_lock(&task->lock);
        if (task->emulation == old) {
            __atomic_store_n(&task->emulation, table, __ATOMIC_RELAXED);
            spinlock_unlock(&task->lock);
            task_emulation_unref(old);          /* the task's */
            task_emulation_unref(old);          /* ours */
            return KERN_SUCCESS;
        }
        spinlock_unlock(&task->lock);           /* changed meanwhile: again */
        task_emulation_unref(table);
        task_emulation_unref(old);
    }
}

kern_return_t
task_set_emulation_vector(struct task *task, int vector_start, uintptr_t *emulation_vector,
                          natural_t emulation_vectorCnt)
{
    struct vm_copy *copy = (struct vm_copy *)emulation_vector;
    uintptr_t *vector;
    size_t size = (size_t)emulation_vectorCnt * sizeof(uintptr_t);
    kern_return_t kr;

    if (task == NULL) {
        return EML_BAD_TASK;
    }
    if (emulation_vectorCnt > TASK_EMULATION_MAX
        || (emulation_vectorCnt != 0 && (copy == NULL || vm_copy_size(copy) < size))) {
        return KERN_INVALID_ARGUMENT;
    }
    vector = kmem_alloc(MAX(size, sizeof(uintptr_t)));
    if (vector == NULL) {
        return KERN_RESOURCE_SHORTAGE;
    }
    if (size != 0) {
        vm_copy_read(copy, 0, vector, size);
    }
    kr = task_emulation_set(task, vector_start, vector, emulation_vectorCnt);
    kmem_free(vector, MAX(size, sizeof(uintptr_t)));
    if (kr == KERN_SUCCESS && copy != NULL) {
        vm_copy_discard(copy);
    }
    return kr;
}

kern_return_t
task_set_emulation(struct task *target_port, uintptr_t routine_entry_pt, int routine_number)
{
    return task_emulation_set(target_port, routine_number, &routine_entry_pt, 1);
}

kern_return_t
task_get_emulation_vector(struct task *task, int *vector_start, uintptr_t **emulation_vector,
                          natural_t *emulation_vectorCnt)
{
    struct task_emulation *table;
    kern_return_t kr;

    if (task == NULL) {
        return EML_BAD_TASK;
    }
    spinlock_lock(&task->lock);
    table = task->emulation;
    if (table != NULL) {
        __atomic_fetch_add(&table->refs, 1, __ATOMIC_RELAXED);
    }
    spinlock_unlock(&task->lock);
    if (table == NULL) {
        *vector_start = 0;
        *emulation_vectorCnt = 0;
        return mig_reply_ool(NULL, 0, emulation_vector);
    }
    kr = mig_reply_ool(table->entries, table->count * sizeof(uintptr_t), emulation_vector);
    if (kr == KERN_SUCCESS) {
        *vector_start = table->start;
        *emulation_vectorCnt = table->count;
    }
    task_emulation_unref(table);
    return kr;
}

bool
task_emulation_lookup(struct task *task, int32_t number, uintptr_t *pc)
{
    struct task_emulation *table;
    int64_t i;
    bool found = false;

    if (task == NULL || __atomic_load_n(&task->emulation, __ATOMIC_RELAXED) == NULL) {
        return false;
    }
    spinlock_lock(&task->lock);
    table = task->emulation;
    if (table != NULL) {
        i = (int64_t)number - table->start;
        if (i >= 0 && i < table->count && table->entries[i] != 0) {
            *pc = table->entries[i];
            found = true;
        }
    }
    spinlock_unlock(&task->lock);
    return found;
}

bool
task_emulation_present(struct task *task)
{
    return task != NULL && __atomic_load_n(&task->emulation, __ATOMIC_RELAXED) != NULL;
}

void
task_emulation_inherit(struct task *child, struct task *parent)
{
    struct task_emulation *table = NULL;

    assert(child->emulation == NULL);
    if (parent != NULL) {
        spinlock_lock(&parent->lock);
        table = parent->emulation;
        if (table != NULL) {
            __atomic_fetch_add(&table->refs, 1, __ATOMIC_RELAXED);
        }
        spinlock_unlock(&parent->lock);
    }
    child->emulation = table;
}

void
task_emulation_release(struct task *task)
{
    task_emulation_unref(task->emulation);
    task->emulation = NULL;
}
