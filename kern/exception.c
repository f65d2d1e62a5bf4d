/* SPDX-License-Identifier: GPL-2.0-or-later */
/*
 * User exceptions until exception ports exist.
 *
 * GNU Mach with no exception server terminates the whole task, silently
 * (MACH-ABI.md 5.3). Here the task is terminated too, but not silently:
 * one console line says which task and thread, which exception, the
 * address (the subcode of EXC_BAD_ACCESS) and where, because nothing
 * else would tell. The kernel and every other task go on. A thread of
 * no task (the in-kernel tests' hand-built user threads) ends alone.
 * The line format is stable (tests/boot/configs greps it):
 *
 *   exception: task 'T' thread 'N' killed: EXC_BAD_ACCESS code 1 subcode 0x00000000, eip 0x10000010
 *   exception: thread 'N' killed: ...                       (no task)
 *
 * A thread whose task is already being terminated (another thread's
 * exception, task_terminate, out of memory) just ends, without a line.
 *
 * The last exception is also kept in a small record for the shell and
 * the tests (exception_last()).
 */
#include <stddef.h>
#include <stdint.h>

#include <kern/exception.h>
#include <kern/panic.h>
#include <kern/printf.h>
#include <kern/shell.h>
#include <kern/spinlock.h>
#include <kern/string.h>
#include <kern/task.h>
#include <kern/thread.h>
#include <machine/pcb.h>

static struct spinlock exception_lock = SPINLOCK_INITIALIZER;
static struct exception_record exception_record;

static const char *const exception_names[] = {
    [EXC_BAD_ACCESS] = "EXC_BAD_ACCESS",
    [EXC_BAD_INSTRUCTION] = "EXC_BAD_INSTRUCTION",
    [EXC_ARITHMETIC] = "EXC_ARITHMETIC",
    [EXC_EMULATION] = "EXC_EMULATION",
    [EXC_SOFTWARE] = "EXC_SOFTWARE",
    [EXC_BREAKPOINT] = "EXC_BREAKPOINT",
};

_Static_assert(sizeof(exception_record.thread) == THREAD_NAME_SIZE,
               "exception_record.thread holds a thread name");

void
exception_user(int exc, int code, int subcode)
{
    struct thread *t = thread_self();
    uintptr_t pc = pcb_user_pc(t);
    const char *name = "unknown exception";
    uint32_t flags;

    if (exc > 0 && (size_t)exc < sizeof(exception_names) / sizeof(exception_names[0])) {
        name = exception_names[exc];
    }
    flags = spinlock_lock_intr_save(&exception_lock);
    exception_record.count++;
    exception_record.exc = exc;
    exception_record.code = code;
    exception_record.subcode = subcode;
    exception_record.pc = pc;
    strlcpy(exception_record.thread, t->name, sizeof(exception_record.thread));
    spinlock_unlock_intr_restore(&exception_lock, flags);

    if (t->task == NULL) {
        printf("exception: thread '%s' killed: %s code %d subcode 0x%08x, eip 0x%08lx\n",
               t->name, name, code, (unsigned int)subcode, (unsigned long)pc);
        thread_exit();
    }
    if ((__atomic_load_n(&t->ast, __ATOMIC_ACQUIRE) & THREAD_AST_TERMINATE) == 0) {
        printf("exception: task '%s' thread '%s' killed: %s code %d subcode 0x%08x, "
               "eip 0x%08lx\n", t->task->name, t->name, name, code, (unsigned int)subcode,
               (unsigned long)pc);
        task_terminate(t->task);
    }
    thread_ast_check();
    panic("exception: thread '%s' survived its task's termination", t->name);
}

__attribute__((weak)) kern_return_t
vm_fault_user(uintptr_t addr, unsigned int access)
{
    (void)addr;
    (void)access;
    return KERN_INVALID_ADDRESS;
}

void
exception_last(struct exception_record *rec)
{
    uint32_t flags = spinlock_lock_intr_save(&exception_lock);

    *rec = exception_record;
    spinlock_unlock_intr_restore(&exception_lock, flags);
}

static void
exception_shell_info(int argc, char **argv)
{
    struct exception_record rec;

    (void)argc;
    (void)argv;
    exception_last(&rec);
    printf("user exceptions: %lu\n", rec.count);
    if (rec.count != 0) {
        printf("last: thread '%s' exception %d code %d subcode 0x%08x eip 0x%08lx\n",
               rec.thread, rec.exc, rec.code, (unsigned int)rec.subcode,
               (unsigned long)rec.pc);
    }
}

SHELL_CMD_DEFINE(exceptions, "", "count and last user exception",
                 exception_shell_info);
