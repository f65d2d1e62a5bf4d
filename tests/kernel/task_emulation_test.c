/* SPDX-License-Identifier: GPL-2.0-or-later */
/*
 * System-call emulation tables (kern/task_emulation.c) in the kernel,
 * where the tables themselves can be looked at (tests/user/rpchost.c
 * drives them by RPC and through real traps):
 *
 *  test=task_emulation  a task without a table; task_set_emulation and
 *                       task_set_emulation_vector (an out-of-line copy,
 *                       consumed on success only) merging ranges, with
 *                       negative numbers (the Mach traps); lookups at
 *                       and around the entries; the reply of
 *                       task_get_emulation_vector; a child sharing the
 *                       table and copying it on change; the limits and
 *                       EML_BAD_TASK; memory back once the tasks end
 */
#include <stdbool.h>
#include <stdint.h>

#include <include/mach/kern_return.h>
#include <kern/ktest.h>
#include <kern/task.h>
#include <kern/task_emulation.h>
#include <vm/vm_copy.h>

/* The table of task by task_get_emulation_vector: first number and up to 5 entries. */
static natural_t
te_get(struct task *task, int *start, uintptr_t entries[5])
{
    struct vm_copy *copy = NULL;
    natural_t n = 99;

    KTEST_ASSERT(task_get_emulation_vector(task, start, (uintptr_t **)&copy, &n)
                 == KERN_SUCCESS);
    KTEST_ASSERT((n == 0) == (copy == NULL));
    if (copy != NULL) {
        KTEST_ASSERT(vm_copy_size(copy) == n * sizeof(uintptr_t) && n <= 5);
        vm_copy_read(copy, 0, entries, n * sizeof(uintptr_t));
        vm_copy_discard(copy);
    }
    return n;
}

static void
te_test_fn(void)
{
    struct task *task = NULL, *child = NULL;
    uintptr_t entries[5], pc = 0, two[2] = { 0x3000, 0x4000 };
    struct vm_copy *copy = NULL;
    natural_t n;
    int start = 99;

    KTEST_ASSERT(task_create_named(NULL, false, "te-task", &task) == KERN_SUCCESS);
    if (task == NULL) {
        return;
    }
    KTEST_ASSERT(!task_emulation_present(task) && !task_emulation_lookup(task, -26, &pc));
    KTEST_ASSERT(te_get(task, &start, entries) == 0 && start == 0);

    /* One Mach trap, then a vector below it: the table spans both, zero between. */
    KTEST_ASSERT(task_set_emulation(task, 0x1000, -26) == KERN_SUCCESS);
    KTEST_ASSERT(task_emulation_present(task));
    KTEST_ASSERT(task_emulation_lookup(task, -26, &pc) && pc == 0x1000);
    KTEST_ASSERT(!task_emulation_lookup(task, -25, &pc) && !task_emulation_lookup(task, -27, &pc));
    KTEST_ASSERT(vm_copy_create(sizeof(two), &copy) == 0);
    vm_copy_write(copy, 0, two, sizeof(two));
    KTEST_ASSERT(task_set_emulation_vector(task, -30, (uintptr_t *)copy, 3)
                 == KERN_INVALID_ARGUMENT);      /* shorter than the count: kept */
    KTEST_ASSERT(task_set_emulation_vector(task, -30, (uintptr_t *)copy, 2) == KERN_SUCCESS);
    KTEST_ASSERT(te_get(task, &start, entries) == 5 && start == -30);
    KTEST_ASSERT(entries[0] == 0x3000 && entries[1] == 0x4000 && entries[2] == 0
                 && entries[3] == 0 && entries[4] == 0x1000);
    KTEST_ASSERT(!task_emulation_lookup(task, -28, &pc));
    KTEST_ASSERT(task_emulation_lookup(task, -29, &pc) && pc == 0x4000);

    /* A child shares it; its change is its own. */
    KTEST_ASSERT(task_create_named(task, false, "te-child", &child) == KERN_SUCCESS);
    if (child != NULL) {
        KTEST_ASSERT(task_emulation_lookup(child, -26, &pc) && pc == 0x1000);
        KTEST_ASSERT(task_set_emulation(child, 0x2000, -26) == KERN_SUCCESS);
        KTEST_ASSERT(task_emulation_lookup(child, -26, &pc) && pc == 0x2000);
        KTEST_ASSERT(task_emulation_lookup(task, -26, &pc) && pc == 0x1000);
        KTEST_ASSERT(task_terminate(child) == KERN_SUCCESS);
    }

    /* Limits and errors: nothing changes. */
    KTEST_ASSERT(task_set_emulation(NULL, 0x1000, 1) == EML_BAD_TASK);
    KTEST_ASSERT(task_get_emulation_vector(NULL, &start, (uintptr_t **)&copy, &n)
                 == EML_BAD_TASK);
    KTEST_ASSERT(task_set_emulation(task, 0x1000, TASK_EMULATION_MAX) == KERN_RESOURCE_SHORTAGE);
    KTEST_ASSERT(task_set_emulation(task, 0x1000, INT32_MAX) == KERN_RESOURCE_SHORTAGE);
    KTEST_ASSERT(te_get(task, &start, entries) == 5 && start == -30);
    KTEST_ASSERT(task_terminate(task) == KERN_SUCCESS);
}

KTEST_DEFINE(task_emulation, te_test_fn, 0);
