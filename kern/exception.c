/* SPDX-License-Identifier: GPL-2.0-or-later */
/*
 * User exceptions as exception_raise RPCs (see kern/exception.h).
 *
 * The faulting thread itself is the client, as in GNU Mach: it builds
 * the 64-byte request of exc.defs (MACH-ABI.md 5.3) in a kmsg, exactly
 * as copyin would have left a user's request: rights in the kmsg's
 * remote, local and ports[], types received in the header bits and
 * the body's type words. The reply right names a fresh port the kernel
 * keeps (receiver NULL), made for this one exception and destroyed when
 * the wait ends, so a late or repeated reply finds a dead port and is
 * thrown away; no reply of one exception can be taken for the next.
 *
 * The wait ends with a reply, with an interruption, or when nobody can
 * reply any more: the request was destroyed (dead exception port, a
 * handler task that died holding it) and with it the only send-once
 * right to the reply port (ipc_mqueue_receive_kernel()). The latter
 * counts as a failed handler, as in GNU Mach, where the send-once
 * notification is a reply with the wrong id. An interruption
 * (thread_abort, or an AST: the thread is suspended, for instance by
 * thread_get/set_state, or terminated) gives the exception up and
 * returns to user mode: the thread stops or ends there, or, resumed,
 * runs from its saved state, which the handler may have changed, and
 * faults again if nothing changed. GNU Mach does the same (a halted
 * thread leaves its exception RPC for thread_exception_return).
 *
 * Sends never wait: the request is queued past the port's limit
 * (MACH_SEND_ALWAYS), as GNU Mach's ipc_mqueue_send_always does; a
 * thread has at most one request outstanding.
 *
 * With no handler that answers KERN_SUCCESS, the task is terminated,
 * not silently as GNU Mach does (MACH-ABI.md 5.3), but with one console
 * line that says which task and thread, which exception, the address
 * (the subcode of EXC_BAD_ACCESS) and where. The kernel and every other
 * task go on. A thread of no task (the in-kernel tests' hand-built user
 * threads) has no exception port and ends alone. The line format is
 * stable (tests/boot/configs greps it):
 *
 *   exception: task 'T' thread 'N' killed: EXC_BAD_ACCESS code 1 subcode 0x00000000, eip 0x10000010
 *   exception: thread 'N' killed: ...                       (no task)
 *
 * A thread whose task is already being terminated (another thread's
 * exception, task_terminate, out of memory) just ends, without a line
 * and without a request.
 *
 * The last exception is also kept in a small record for the shell and
 * the tests (exception_last()), with counts of requests sent and of
 * exceptions a handler resolved.
 */
#include <stdbool.h>
#include <stddef.h>
#include <stdint.h>

#include <include/mach/message.h>
#include <include/mach/mig_errors.h>
#include <ipc/ipc_kmsg.h>
#include <ipc/ipc_mqueue.h>
#include <ipc/ipc_port.h>
#include <ipc/ipc_right.h>
#include <kern/exception.h>
#include <kern/kmem.h>
#include <kern/panic.h>
#include <kern/printf.h>
#include <kern/shell.h>
#include <kern/spinlock.h>
#include <kern/string.h>
#include <kern/task.h>
#include <kern/thread.h>
#include <kern/thread_control.h>
#include <machine/pcb.h>

/* The request's body (MACH-ABI.md 5.3): two port items, three integers. */
struct exception_request_body {
    uint32_t thread_type;               /* type descriptors as words: MACH_MSGT() */
    uint32_t thread;
    uint32_t task_type;
    uint32_t task;
    uint32_t exception_type;
    int32_t exception;
    uint32_t code_type;
    int32_t code;
    uint32_t subcode_type;
    int32_t subcode;
};

_Static_assert(sizeof(mach_msg_header_t) + sizeof(struct exception_request_body)
               == EXCEPTION_REQUEST_SIZE, "exception_raise is 64 bytes");
_Static_assert(sizeof(mig_reply_header_t) == EXCEPTION_REPLY_SIZE,
               "the exception_raise reply is a 32-byte mig_reply_header_t");

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

/* Add to one of the record's counters. */
static void
exception_count(unsigned long *counter)
{
    uint32_t flags = spinlock_lock_intr_save(&exception_lock);

    (*counter)++;
    spinlock_unlock_intr_restore(&exception_lock, flags);
}

/*
 * A send right for the message from port (a reference the caller
 * gives up), or NULL for none.
 */
static struct ipc_port *
exception_send_right(struct ipc_port *port)
{
    if (port != NULL) {
        ipc_right_make(port, MACH_MSG_TYPE_PORT_SEND);
        ipc_port_unref(port);
    }
    return port;
}

/*
 * The exception_raise request for thread of task to port, with a
 * send-once right to reply as its reply port: new rights for the
 * message, the caller keeping its references. NULL when memory is out.
 */
static struct ipc_kmsg *
exception_request_build(struct ipc_port *port, struct ipc_port *reply, struct thread *thread,
                        struct task *task, int exc, int code, int subcode)
{
    const uint32_t port_type = MACH_MSGT(MACH_MSG_TYPE_PORT_SEND, 32, 1, 1);
    const uint32_t int_type = MACH_MSGT(MACH_MSG_TYPE_INTEGER_32, 32, 1, 1);
    struct exception_request_body *body;
    struct ipc_port *thread_port = NULL, *task_port = NULL;
    struct ipc_kmsg *kmsg;

    kmsg = ipc_kmsg_alloc(EXCEPTION_REQUEST_SIZE);
    if (kmsg == NULL) {
        return NULL;
    }
    kmsg->ports = kmem_alloc(2 * sizeof(kmsg->ports[0]));
    if (kmsg->ports == NULL) {
        ipc_kmsg_free(kmsg);
        return NULL;
    }
    kmsg->nr_ports = 2;
    /* What mach_thread_self and mach_task_self give: none if they cannot. */
    if (thread_special_port_get(thread, THREAD_KERNEL_PORT, &thread_port) != KERN_SUCCESS) {
        thread_port = NULL;
    }
    if (task_special_port_get(task, TASK_KERNEL_PORT, &task_port) != KERN_SUCCESS) {
        task_port = NULL;
    }
    kmsg->ports[0] = exception_send_right(thread_port);
    kmsg->ports[1] = exception_send_right(task_port);
    ipc_right_make(port, MACH_MSG_TYPE_PORT_SEND);
    kmsg->remote = port;
    ipc_right_make(reply, MACH_MSG_TYPE_PORT_SEND_ONCE);
    kmsg->local = reply;

    kmsg->header.msgh_bits = MACH_MSGH_BITS_COMPLEX
                             | MACH_MSGH_BITS(MACH_MSG_TYPE_PORT_SEND,
                                              MACH_MSG_TYPE_PORT_SEND_ONCE);
    kmsg->header.msgh_size = EXCEPTION_REQUEST_SIZE;
    kmsg->header.msgh_remote_port = MACH_PORT_NULL;
    kmsg->header.msgh_local_port = MACH_PORT_NULL;
    kmsg->header.msgh_seqno = 0;
    kmsg->header.msgh_id = EXCEPTION_RAISE_ID;
    body = ipc_kmsg_body(kmsg);
    body->thread_type = port_type;
    body->thread = MACH_PORT_NULL;
    body->task_type = port_type;
    body->task = MACH_PORT_NULL;
    body->exception_type = int_type;
    body->exception = exc;
    body->code_type = int_type;
    body->code = code;
    body->subcode_type = int_type;
    body->subcode = subcode;
    return kmsg;
}

/* The RetCode of a reply, or MIG_REPLY_MISMATCH unless it is exactly the 32-byte reply. */
static kern_return_t
exception_reply_parse(const struct ipc_kmsg *kmsg)
{
    const mig_reply_header_t *r = (const mig_reply_header_t *)&kmsg->header;
    uint32_t type;

    if (kmsg->header.msgh_bits != MACH_MSGH_BITS(MACH_MSG_TYPE_PORT_SEND_ONCE, 0)
        || kmsg->header.msgh_size != EXCEPTION_REPLY_SIZE
        || kmsg->header.msgh_id != EXCEPTION_RAISE_ID + MIG_REPLY_ID_OFFSET) {
        return MIG_REPLY_MISMATCH;  /* a send-once notification (24 bytes) among others */
    }
    memcpy(&type, &r->RetCodeType, sizeof(type));
    if (type != MACH_MSGT(MACH_MSG_TYPE_INTEGER_32, 32, 1, 1)) {
        return MIG_REPLY_MISMATCH;
    }
    return r->RetCode;
}

/*
 * Send exception_raise to port (a reference the call consumes) and wait
 * for the reply. Returns its RetCode; MIG_REPLY_MISMATCH for a bad
 * reply; MIG_SERVER_DIED when no reply can come; KERN_RESOURCE_SHORTAGE
 * when memory is out; KERN_ABORTED when the wait was interrupted (the
 * caller returns to user mode).
 */
static kern_return_t
exception_raise(struct ipc_port *port, struct thread *thread, struct task *task,
                int exc, int code, int subcode)
{
    struct ipc_kmsg *request, *reply_msg;
    struct ipc_port *reply;
    mach_msg_return_t mr;
    kern_return_t kr;

    reply = ipc_port_create(NULL, MACH_PORT_NULL);
    if (reply == NULL) {
        ipc_port_unref(port);
        return KERN_RESOURCE_SHORTAGE;
    }
    request = exception_request_build(port, reply, thread, task, exc, code, subcode);
    ipc_port_unref(port);           /* the request holds its own right */
    if (request == NULL) {
        kr = KERN_RESOURCE_SHORTAGE;
    } else {
        exception_count(&exception_record.requests);
        /* Consumed whatever happens; a failure destroys the reply right with it. */
        (void)ipc_mqueue_send(request, MACH_SEND_ALWAYS, 0);
        mr = ipc_mqueue_receive_kernel(reply, &reply_msg);
        if (mr == MACH_MSG_SUCCESS) {
            kr = exception_reply_parse(reply_msg);
            ipc_kmsg_destroy(reply_msg);
        } else {
            kr = mr == MACH_RCV_INTERRUPTED ? KERN_ABORTED : MIG_SERVER_DIED;
        }
    }
    ipc_port_destroy(reply);
    ipc_kmsg_port_died(reply);      /* a reply that came too late */
    ipc_port_unref(reply);
    return kr;
}

/* Whether the calling thread's task is being terminated. */
static bool
exception_terminating(const struct thread *t)
{
    return __atomic_load_n(&t->ast, __ATOMIC_ACQUIRE) & THREAD_AST_TERMINATE;
}

void
exception_user(int exc, int code, int subcode)
{
    struct thread *t = thread_self();
    struct task *task = t->task;
    uintptr_t pc = pcb_user_pc(t);
    const char *name = "unknown exception";
    struct ipc_port *port;
    kern_return_t kr;
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

    if (task == NULL) {
        printf("exception: thread '%s' killed: %s code %d subcode 0x%08x, eip 0x%08lx\n",
               t->name, name, code, (unsigned int)subcode, (unsigned long)pc);
        thread_exit();
    }

    /* The thread's handler, then the task's (MACH-ABI.md 5.3). */
    for (int which = 0; which < 2 && !exception_terminating(t); which++) {
        kr = which == 0 ? thread_special_port_get(t, THREAD_EXCEPTION_PORT, &port)
                        : task_special_port_get(task, TASK_EXCEPTION_PORT, &port);
        if (kr != KERN_SUCCESS || port == NULL) {
            continue;
        }
        kr = exception_raise(port, t, task, exc, code, subcode);
        if (kr == KERN_SUCCESS) {
            exception_count(&exception_record.resolved);
            return;
        }
        if (kr == KERN_ABORTED) {
            return;                 /* back to user mode, where its ASTs wait */
        }
    }

    if (!exception_terminating(t)) {
        printf("exception: task '%s' thread '%s' killed: %s code %d subcode 0x%08x, "
               "eip 0x%08lx\n", task->name, t->name, name, code, (unsigned int)subcode,
               (unsigned long)pc);
        task_terminate(task);
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
    printf("user exceptions: %lu, exception_raise requests: %lu, resolved: %lu\n",
           rec.count, rec.requests, rec.resolved);
    if (rec.count != 0) {
        printf("last: thread '%s' exception %d code %d subcode 0x%08x eip 0x%08lx\n",
               rec.thread, rec.exc, rec.code, (unsigned int)rec.subcode,
               (unsigned long)rec.pc);
    }
}

SHELL_CMD_DEFINE(exceptions, "", "count and last user exception",
                 exception_shell_info);
