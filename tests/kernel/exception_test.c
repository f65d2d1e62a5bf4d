/* SPDX-License-Identifier: GPL-2.0-or-later */
/*
 * Exceptions as exception_raise RPCs (kern/exception.c), with this test
 * thread as the handler: it receives from ports the kernel made (no
 * space holds them), checks each request word by word as the kernel
 * built it (MACH-ABI.md 5.3), fixes the fault and replies with
 * hand-built 32-byte replies. The faulting threads are user threads of
 * a task, made by task_thread_create and started on small programs in
 * a code page:
 *
 *  test=exception  each kind: int3 (EXC_BREAKPOINT/EXC_I386_BPT), ud2
 *                  and a bad trap number (EXC_BAD_INSTRUCTION/INVOP),
 *                  int $0x80 (GPFLT, subcode 0x402), div by 0 (EXC_
 *                  ARITHMETIC/DIV), into (INTO), bound (EXC_SOFTWARE/
 *                  BOUND), a read of an unmapped page (EXC_BAD_ACCESS/
 *                  KERN_INVALID_ADDRESS, the address) fixed by mapping
 *                  it, a write to a read-only page (KERN_PROTECTION_
 *                  FAILURE) fixed by vm_protect; fixes by the reply
 *                  alone (the thread resumes where it stopped) or by
 *                  thread_set_state; the thread's port before the
 *                  task's: a failing RetCode, a malformed reply (id,
 *                  RetCodeType, a complex one carrying a right, which
 *                  is released), a request destroyed unanswered and a
 *                  dead thread port all go on to the task's port; a
 *                  full queue (qlimit messages already queued) still
 *                  gets the request; thread_abort ends the wait (the
 *                  fault comes again with a new reply port, and a
 *                  reply to the old one is thrown away);
 *                  thread_terminate of a waiting thread; with only a
 *                  failing handler the task is terminated, with its
 *                  console line. Ports, tasks and threads counted back.
 *  test=exception_bench (manual) instruction counts under -icount
 *                  (tools/bench-kernel exception_bench): a user thread
 *                  hits int3 in a loop, this thread receives each
 *                  request and replies KERN_SUCCESS: one exception round
 *                  trip (trap, request, two switches, reply, resume).
 */
#include <stdbool.h>
#include <stddef.h>
#include <stdint.h>

#include <i386/cpu.h>
#include <include/mach/exception.h>
#include <include/mach/kern_return.h>
#include <include/mach/machine/thread_status.h>
#include <include/mach/message.h>
#include <include/mach/mig_errors.h>
#include <include/mach/thread_status.h>
#include <ipc/ipc_kmsg.h>
#include <ipc/ipc_mqueue.h>
#include <ipc/ipc_port.h>
#include <ipc/ipc_right.h>
#include <kern/copy.h>
#include <kern/printf.h>
#include <kern/exception.h>
#include <kern/kmem.h>
#include <kern/ktest.h>
#include <kern/spinlock.h>
#include <kern/string.h>
#include <kern/task.h>
#include <kern/task_control.h>
#include <kern/thread.h>
#include <kern/thread_control.h>
#include <kern/thread_state.h>
#include <machine/param.h>
#include <vm/vm_map.h>
#include <vm/vm_user.h>

#define EX_CODE         0x10000000u     /* the programs, read and execute */
#define EX_RDONLY       0x10001000u     /* a read-only page */
#define EX_HOLE         0x20000000u     /* unmapped until a handler maps it */
#define EX_DONE         0x600d          /* %ebx once a program got past its fault */

/*
 * The programs. Each faults once, then sets %ebx to EX_DONE and spins:
 *   tail:  mov $0x600d,%ebx ; 1: jmp 1b
 */
#define EX_TAIL         0xbb, 0x0d, 0x60, 0x00, 0x00, 0xeb, 0xfe

enum ex_prog {
    EX_INT3, EX_UD2, EX_BADTRAP, EX_GP, EX_DIV, EX_INTO, EX_BOUND, EX_READ, EX_WRITE,
    EX_BPLOOP, EX_NR_PROGS,
};

struct ex_program {
    uint8_t bytes[24];
    unsigned int len;
    unsigned int fault_len;             /* bytes of the faulting instruction */
};

static const struct ex_program ex_programs[EX_NR_PROGS] = {
    [EX_INT3] = { { 0xcc, EX_TAIL }, 8, 1 },
    [EX_UD2] = { { 0x0f, 0x0b, EX_TAIL }, 9, 2 },
    /* mov $5,%eax ; lcall $7,$0 */
    [EX_BADTRAP] = { { 0xb8, 0x05, 0, 0, 0, 0x9a, 0, 0, 0, 0, 0x07, 0x00, EX_TAIL }, 19, 7 },
    [EX_GP] = { { 0xcd, 0x80, EX_TAIL }, 9, 2 },
    /* xor %edx,%edx ; mov $7,%eax ; div %ecx (ecx 0) */
    [EX_DIV] = { { 0x31, 0xd2, 0xb8, 0x07, 0, 0, 0, 0xf7, 0xf1, EX_TAIL }, 16, 2 },
    /* mov $0x7fffffff,%eax ; inc %eax ; into */
    [EX_INTO] = { { 0xb8, 0xff, 0xff, 0xff, 0x7f, 0x40, 0xce, EX_TAIL }, 14, 1 },
    /* bound %eax,EX_BOUNDS (eax 0, bounds 10..20) */
    [EX_BOUND] = { { 0x62, 0x05, 0, 0, 0, 0, EX_TAIL }, 13, 6 },
    /* mov EX_HOLE,%eax */
    [EX_READ] = { { 0xa1, 0x00, 0x00, 0x00, 0x20, EX_TAIL }, 12, 5 },
    /* movl $1,EX_RDONLY */
    [EX_WRITE] = { { 0xc7, 0x05, 0x00, 0x10, 0x00, 0x10, 1, 0, 0, 0, EX_TAIL }, 17, 10 },
    /* 1: int3 ; jmp 1b (the benchmark: breakpoints forever) */
    [EX_BPLOOP] = { { 0xcc, 0xeb, 0xfd }, 3, 1 },
};

#define EX_SLOT         32                              /* bytes per program in the page */
#define EX_BOUNDS       (EX_CODE + EX_NR_PROGS * EX_SLOT)  /* two words: 10, 20 */

static struct task *ex_task;
static struct ipc_port *ex_port_a, *ex_port_b;  /* handler ports, one send right each */

static uintptr_t
ex_entry(enum ex_prog prog)
{
    return EX_CODE + prog * EX_SLOT;
}

/* The code page with every program, and the read-only page. */
static bool
ex_map(struct task *task)
{
    uint8_t page[EX_NR_PROGS * EX_SLOT + 8];
    uint32_t bounds[2] = { 10, 20 }, where = EX_BOUNDS;
    uintptr_t addr = EX_CODE;
    bool ok;

    memset(page, 0x90, sizeof(page));
    for (unsigned int i = 0; i < EX_NR_PROGS; i++) {
        memcpy(&page[i * EX_SLOT], ex_programs[i].bytes, ex_programs[i].len);
    }
    memcpy(&page[EX_BOUND * EX_SLOT + 2], &where, sizeof(where));
    memcpy(&page[EX_NR_PROGS * EX_SLOT], bounds, sizeof(bounds));
    if (vm_user_allocate(task->map, &addr, 2 * PAGE_SIZE, false) != KERN_SUCCESS
        || task_thread_enter(task) != KERN_SUCCESS) {
        return false;
    }
    ok = copyout(page, (void *)EX_CODE, sizeof(page)) == 0;
    task_thread_leave();
    return ok
           && vm_user_protect(task->map, EX_CODE, PAGE_SIZE, false,
                              VM_MAP_PROT_READ | VM_MAP_PROT_EXECUTE) == KERN_SUCCESS
           && vm_user_protect(task->map, EX_RDONLY, PAGE_SIZE, false,
                              VM_MAP_PROT_READ) == KERN_SUCCESS;
}

/* A port the kernel receives, with one counted send right (ours) so that it is not orphaned. */
static struct ipc_port *
ex_port_create(void)
{
    struct ipc_port *port = ipc_port_create(NULL, MACH_PORT_NULL);

    if (port != NULL) {
        ipc_right_make(port, MACH_MSG_TYPE_PORT_SEND);
    }
    return port;
}

static void
ex_port_destroy(struct ipc_port *port)
{
    ipc_port_destroy(port);
    ipc_kmsg_port_died(port);
    ipc_right_release_send(port, MACH_MSG_TYPE_PORT_SEND);
    ipc_port_unref(port);
}

/* Set the thread's (thread != NULL) or the task's exception port; NULL clears. */
static void
ex_set_port(struct thread *thread, struct ipc_port *port)
{
    if (port != NULL) {
        ipc_port_ref(port);
    }
    if (thread != NULL) {
        KTEST_ASSERT(thread_special_port_set(thread, THREAD_EXCEPTION_PORT, port)
                     == KERN_SUCCESS);
    } else {
        KTEST_ASSERT(task_special_port_set(ex_task, TASK_EXCEPTION_PORT, port)
                     == KERN_SUCCESS);
    }
}

/* A new thread of task running prog with %ecx and %eax set; NULL on failure. */
static struct thread *
ex_start(struct task *task, enum ex_prog prog, uint32_t ecx, uint32_t eax, bool resume)
{
    struct i386_thread_state s;
    natural_t count = i386_THREAD_STATE_COUNT;
    struct thread *t = NULL;

    KTEST_ASSERT(thread_create(task, &t) == KERN_SUCCESS && t != NULL);
    if (t == NULL) {
        return NULL;
    }
    /*
     * The tests use t while they know it stays (its task alive, or the
     * thread waiting for a reply): thread_create's reference is not kept.
     */
    thread_unref(t);
    KTEST_ASSERT(thread_get_state(t, i386_THREAD_STATE, (natural_t *)&s, &count)
                 == KERN_SUCCESS);
    s.eip = ex_entry(prog);
    s.uesp = EX_CODE + PAGE_SIZE;
    s.ecx = ecx;
    s.eax = eax;
    s.ebx = 0;
    KTEST_ASSERT(thread_set_state(t, i386_THREAD_STATE, (natural_t *)&s, count)
                 == KERN_SUCCESS);
    if (resume) {
        KTEST_ASSERT(thread_resume(t) == KERN_SUCCESS);
    }
    return t;
}

/* The next message on port, waiting up to 5 s for one; NULL if none came. */
static struct ipc_kmsg *
ex_receive(struct ipc_port *port)
{
    struct ipc_kmsg *kmsg = NULL;
    unsigned long n = 0;

    for (unsigned int i = 0; i < 500; i++) {
        spinlock_lock(&port->lock);
        n = port->mqueue.nr_messages;
        spinlock_unlock(&port->lock);
        if (n != 0) {
            break;
        }
        thread_delay(1);
    }
    if (n != 0) {
        KTEST_ASSERT(ipc_mqueue_receive_kernel(port, &kmsg) == MACH_MSG_SUCCESS);
    }
    return kmsg;
}

/* Whether port has no message queued. */
static bool
ex_empty(struct ipc_port *port)
{
    unsigned long n;

    spinlock_lock(&port->lock);
    n = port->mqueue.nr_messages;
    spinlock_unlock(&port->lock);
    return n == 0;
}

/* Check request, word by word, as the kernel built it for thread t. */
static bool
ex_check(const struct ipc_kmsg *request, struct ipc_port *port, struct thread *t,
         int exc, int code, int subcode)
{
    const uint32_t *w = (const uint32_t *)(&request->header + 1);
    bool ok;

    (void)port;     /* received from it: its right was used up by the receive (remote NULL) */
    ok = request->header.msgh_bits
         == (MACH_MSGH_BITS_COMPLEX
             | MACH_MSGH_BITS(MACH_MSG_TYPE_PORT_SEND, MACH_MSG_TYPE_PORT_SEND_ONCE))
         && request->header.msgh_size == 64 && request->header.msgh_id == 2400
         && request->remote == NULL && IPC_PORT_VALID(request->local)
         && request->local->receiver == NULL && request->nr_ports == 2
         && request->ports[0] == t->kport && request->ports[1] == ex_task->kport
         && w[0] == 0x10012011 && w[2] == 0x10012011 && w[4] == 0x10012002
         && w[6] == 0x10012002 && w[8] == 0x10012002
         && (int)w[5] == exc && (int)w[7] == code && (int)w[9] == subcode;
    ktest_assert_msg(ok, "request bits %#x size %u id %d exc %d code %d subcode %#x, "
                     "expected exc %d code %d subcode %#x",
                     request->header.msgh_bits, request->header.msgh_size,
                     request->header.msgh_id, (int)w[5], (int)w[7], w[9], exc, code,
                     (unsigned int)subcode);
    return ok;
}

/* Reply to request (consumed) with id, RetCodeType and RetCode as given. */
static void
ex_reply_raw(struct ipc_kmsg *request, mach_msg_id_t id, uint32_t type,
             kern_return_t retcode)
{
    struct ipc_kmsg *reply = ipc_kmsg_alloc(sizeof(mig_reply_header_t));
    mig_reply_header_t *r;

    KTEST_ASSERT(reply != NULL);
    if (reply == NULL) {
        ipc_kmsg_destroy(request);
        return;
    }
    r = (mig_reply_header_t *)&reply->header;
    r->Head.msgh_bits = MACH_MSGH_BITS(MACH_MSG_TYPE_PORT_SEND_ONCE, 0);
    r->Head.msgh_size = sizeof(*r);
    r->Head.msgh_remote_port = MACH_PORT_NULL;
    r->Head.msgh_local_port = MACH_PORT_NULL;
    r->Head.msgh_seqno = 0;
    r->Head.msgh_id = id;
    memcpy(&r->RetCodeType, &type, sizeof(type));
    r->RetCode = retcode;
    reply->remote = request->local;
    request->local = NULL;
    request->header.msgh_bits &= ~MACH_MSGH_BITS_LOCAL_MASK;
    ipc_kmsg_destroy(request);
    KTEST_ASSERT(ipc_mqueue_send(reply, MACH_SEND_ALWAYS, 0) == MACH_MSG_SUCCESS);
}

/* A malformed reply: 40 bytes, complex, carrying a send right to ex_port_a. */
static void
ex_reply_complex(struct ipc_kmsg *request)
{
    struct ipc_kmsg *reply = ipc_kmsg_alloc(sizeof(mach_msg_header_t) + 16);
    uint32_t *w;

    KTEST_ASSERT(reply != NULL);
    reply->ports = reply != NULL ? kmem_alloc(sizeof(reply->ports[0])) : NULL;
    KTEST_ASSERT(reply == NULL || reply->ports != NULL);
    if (reply == NULL || reply->ports == NULL) {
        if (reply != NULL) {
            ipc_kmsg_free(reply);
        }
        ipc_kmsg_destroy(request);
        return;
    }
    reply->header.msgh_bits = MACH_MSGH_BITS_COMPLEX
                              | MACH_MSGH_BITS(MACH_MSG_TYPE_PORT_SEND_ONCE, 0);
    reply->header.msgh_remote_port = MACH_PORT_NULL;
    reply->header.msgh_local_port = MACH_PORT_NULL;
    reply->header.msgh_seqno = 0;
    reply->header.msgh_id = 2500;
    w = ipc_kmsg_body(reply);
    w[0] = MACH_MSGT(MACH_MSG_TYPE_INTEGER_32, 32, 1, 1);
    w[1] = KERN_SUCCESS;
    w[2] = MACH_MSGT(MACH_MSG_TYPE_PORT_SEND, 32, 1, 1);
    w[3] = MACH_PORT_NULL;
    ipc_right_make(ex_port_a, MACH_MSG_TYPE_PORT_SEND);
    reply->ports[0] = ex_port_a;
    reply->nr_ports = 1;
    reply->remote = request->local;
    request->local = NULL;
    request->header.msgh_bits &= ~MACH_MSGH_BITS_LOCAL_MASK;
    ipc_kmsg_destroy(request);
    KTEST_ASSERT(ipc_mqueue_send(reply, MACH_SEND_ALWAYS, 0) == MACH_MSG_SUCCESS);
}

static void
ex_reply(struct ipc_kmsg *request, kern_return_t retcode)
{
    ex_reply_raw(request, 2500, MACH_MSGT(MACH_MSG_TYPE_INTEGER_32, 32, 1, 1), retcode);
}

/* Stop t and read its registers; it goes on after. */
static bool
ex_state(struct thread *t, struct i386_thread_state *s)
{
    natural_t count = i386_THREAD_STATE_COUNT;

    return thread_get_state(t, i386_THREAD_STATE, (natural_t *)s, &count) == KERN_SUCCESS;
}

/*
 * A handler's fix by thread_set_state: add delta to t's eip, set ecx and
 * eax when not ~0, with t suspended across the two calls (its exception
 * wait ends: the reply that follows is thrown away).
 */
static void
ex_fix_state(struct thread *t, uint32_t delta, uint32_t ecx, uint32_t eax)
{
    struct i386_thread_state s;

    KTEST_ASSERT(thread_suspend(t) == KERN_SUCCESS);
    KTEST_ASSERT(ex_state(t, &s));
    s.eip += delta;
    if (ecx != ~0u) {
        s.ecx = ecx;
    }
    if (eax != ~0u) {
        s.eax = eax;
    }
    KTEST_ASSERT(thread_set_state(t, i386_THREAD_STATE, (natural_t *)&s,
                                  i386_THREAD_STATE_COUNT) == KERN_SUCCESS);
    KTEST_ASSERT(thread_resume(t) == KERN_SUCCESS);
}

/* Wait until t got past its fault (ebx EX_DONE), then end it. */
static bool
ex_finish(struct thread *t, enum ex_prog prog)
{
    const struct ex_program *p = &ex_programs[prog];
    uintptr_t spin = ex_entry(prog) + p->len - 2;
    struct i386_thread_state s = { 0 };
    bool done = false;

    for (unsigned int i = 0; i < 100 && !done; i++) {
        thread_delay(1);
        done = ex_state(t, &s) && s.ebx == EX_DONE && s.eip == spin;
    }
    ktest_assert_msg(done, "program %d: ebx %#x eip %#x, expected %#x at %#lx", prog,
                     s.ebx, s.eip, EX_DONE, (unsigned long)spin);
    KTEST_ASSERT(thread_terminate(t) == KERN_SUCCESS);
    return done;
}

static unsigned long
ex_resolved(void)
{
    struct exception_record rec;

    exception_last(&rec);
    return rec.resolved;
}

/*
 * One fault of prog at port: check the request, fix it (by state with
 * fix_delta/fix_ecx/fix_eax, else by the reply alone), reply
 * KERN_SUCCESS, and see the thread get past the fault.
 */
static void
ex_case(enum ex_prog prog, uint32_t ecx, uint32_t eax, int exc, int code, int subcode,
        bool fix_by_state, uint32_t fix_ecx, uint32_t fix_eax)
{
    struct thread *t = ex_start(ex_task, prog, ecx, eax, true);
    unsigned long resolved = ex_resolved();
    struct ipc_kmsg *request;

    if (t == NULL) {
        return;
    }
    request = ex_receive(ex_port_b);
    ktest_assert_msg(request != NULL, "program %d: no exception_raise", prog);
    if (request == NULL) {
        thread_terminate(t);
        return;
    }
    ex_check(request, ex_port_b, t, exc, code, subcode);
    if (fix_by_state) {
        ex_fix_state(t, fix_ecx == ~0u && fix_eax == ~0u ? ex_programs[prog].fault_len : 0,
                     fix_ecx, fix_eax);
        ex_reply(request, KERN_SUCCESS);
    } else {
        if (prog == EX_READ) {
            uintptr_t addr = EX_HOLE;

            KTEST_ASSERT(vm_user_allocate(ex_task->map, &addr, PAGE_SIZE, false)
                         == KERN_SUCCESS);
        } else if (prog == EX_WRITE) {
            KTEST_ASSERT(vm_user_protect(ex_task->map, EX_RDONLY, PAGE_SIZE, false,
                                         VM_MAP_PROT_READ | VM_MAP_PROT_WRITE)
                         == KERN_SUCCESS);
        }
        ex_reply(request, KERN_SUCCESS);
    }
    ex_finish(t, prog);
    if (!fix_by_state) {
        KTEST_ASSERT(ex_resolved() == resolved + 1);
    }
    KTEST_ASSERT(ex_empty(ex_port_b));
}

static void
ex_kinds(void)
{
    /* Resumed by the reply alone: the fault is behind the saved eip, or fixed in memory. */
    ex_case(EX_INT3, 0, 0, EXC_BREAKPOINT, EXC_I386_BPT, 0, false, 0, 0);
    ex_case(EX_BADTRAP, 0, 0, EXC_BAD_INSTRUCTION, EXC_I386_INVOP, 0, false, 0, 0);
    ex_case(EX_INTO, 0, 0, EXC_ARITHMETIC, EXC_I386_INTO, 0, false, 0, 0);
    ex_case(EX_READ, 0, 0, EXC_BAD_ACCESS, KERN_INVALID_ADDRESS, (int)EX_HOLE, false, 0, 0);
    ex_case(EX_WRITE, 0, 0, EXC_BAD_ACCESS, KERN_PROTECTION_FAILURE, (int)EX_RDONLY, false,
            0, 0);
    /* Fixed by thread_set_state: skip the instruction, or repair its operand. */
    ex_case(EX_UD2, 0, 0, EXC_BAD_INSTRUCTION, EXC_I386_INVOP, 0, true, ~0u, ~0u);
    ex_case(EX_GP, 0, 0, EXC_BAD_INSTRUCTION, EXC_I386_GPFLT, 0x402, true, ~0u, ~0u);
    ex_case(EX_DIV, 0, 0, EXC_ARITHMETIC, EXC_I386_DIV, 0, true, 1, ~0u);
    ex_case(EX_BOUND, 0, 0, EXC_SOFTWARE, EXC_I386_BOUND, 0, true, ~0u, 15);
}

/*
 * The thread's port first: what it does with the request (a failing
 * RetCode, a malformed reply, no reply) sends the exception on to the
 * task's port, which resolves it.
 */
enum ex_first { EX_FAIL, EX_BAD_ID, EX_BAD_TYPE, EX_COMPLEX, EX_DESTROY, EX_DEAD };

static void
ex_order(enum ex_first how)
{
    struct thread *t = ex_start(ex_task, EX_INT3, 0, 0, false);
    struct ipc_port *dead = NULL;
    struct ipc_kmsg *request;

    if (t == NULL) {
        return;
    }
    if (how == EX_DEAD) {
        dead = ex_port_create();
        KTEST_ASSERT(dead != NULL);
        ex_set_port(t, dead);
        ex_port_destroy(dead);
    } else {
        ex_set_port(t, ex_port_a);
    }
    KTEST_ASSERT(thread_resume(t) == KERN_SUCCESS);
    if (how != EX_DEAD) {
        request = ex_receive(ex_port_a);
        KTEST_ASSERT(request != NULL);
        if (request == NULL) {
            thread_terminate(t);
            return;
        }
        ex_check(request, ex_port_a, t, EXC_BREAKPOINT, EXC_I386_BPT, 0);
        switch (how) {
        case EX_FAIL:
            ex_reply(request, KERN_FAILURE);
            break;
        case EX_BAD_ID:
            ex_reply_raw(request, 2501, MACH_MSGT(MACH_MSG_TYPE_INTEGER_32, 32, 1, 1),
                         KERN_SUCCESS);
            break;
        case EX_BAD_TYPE:
            ex_reply_raw(request, 2500, MACH_MSGT(MACH_MSG_TYPE_INTEGER_16, 32, 1, 1),
                         KERN_SUCCESS);
            break;
        case EX_COMPLEX:
            ex_reply_complex(request);      /* its right is released with it */
            break;
        default:
            ipc_kmsg_destroy(request);      /* the handler died with it */
            break;
        }
    }
    request = ex_receive(ex_port_b);
    ktest_assert_msg(request != NULL, "case %d: nothing on the task's port", how);
    if (request == NULL) {
        thread_terminate(t);
        return;
    }
    ex_check(request, ex_port_b, t, EXC_BREAKPOINT, EXC_I386_BPT, 0);
    ex_reply(request, KERN_SUCCESS);
    ex_finish(t, EX_INT3);
    KTEST_ASSERT(ex_empty(ex_port_a) && ex_empty(ex_port_b));
    ktest_assert_msg(ex_port_a->srights == 1 && ex_port_b->srights == 1,
                     "case %d: send rights %u and %u, 1 each expected", how,
                     ex_port_a->srights, ex_port_b->srights);
}

/* A queue already at its limit still takes the request. */
static void
ex_full_queue(void)
{
    struct ipc_kmsg *kmsg, *request;
    struct thread *t;
    unsigned int queued = 0, dummies = 0;

    for (unsigned int i = 0; i < MACH_PORT_QLIMIT_DEFAULT; i++) {
        kmsg = ipc_kmsg_alloc(sizeof(mach_msg_header_t));
        KTEST_ASSERT(kmsg != NULL);
        if (kmsg == NULL) {
            break;
        }
        kmsg->header.msgh_bits = MACH_MSGH_BITS(MACH_MSG_TYPE_PORT_SEND, 0);
        kmsg->header.msgh_remote_port = MACH_PORT_NULL;
        kmsg->header.msgh_local_port = MACH_PORT_NULL;
        kmsg->header.msgh_id = 1000;
        ipc_right_make(ex_port_b, MACH_MSG_TYPE_PORT_SEND);
        kmsg->remote = ex_port_b;
        KTEST_ASSERT(ipc_mqueue_send(kmsg, MACH_SEND_TIMEOUT, 0) == MACH_MSG_SUCCESS);
        queued++;
    }
    KTEST_ASSERT(queued == MACH_PORT_QLIMIT_DEFAULT);
    t = ex_start(ex_task, EX_INT3, 0, 0, true);
    if (t == NULL) {
        return;
    }
    while ((request = ex_receive(ex_port_b)) != NULL && request->header.msgh_id == 1000) {
        dummies++;
        ipc_kmsg_destroy(request);
    }
    KTEST_ASSERT(dummies == queued && request != NULL);
    if (request == NULL) {
        thread_terminate(t);
        return;
    }
    ex_check(request, ex_port_b, t, EXC_BREAKPOINT, EXC_I386_BPT, 0);
    ex_reply(request, KERN_SUCCESS);
    ex_finish(t, EX_INT3);
}

/* Wait until t sleeps (in its exception wait). */
static bool
ex_sleeping(struct thread *t)
{
    for (unsigned int i = 0; i < 500; i++) {
        if (__atomic_load_n(&t->intr_wq, __ATOMIC_ACQUIRE) != NULL) {
            return true;
        }
        thread_delay(1);
    }
    return false;
}

/*
 * thread_abort ends the wait: the thread faults again, with a new reply
 * port; a late reply to the first request is thrown away. Then
 * thread_terminate of a waiting thread.
 */
static void
ex_abort(void)
{
    struct thread *t = ex_start(ex_task, EX_UD2, 0, 0, true);
    struct ipc_kmsg *first, *second;
    unsigned long resolved = ex_resolved();

    if (t == NULL) {
        return;
    }
    first = ex_receive(ex_port_b);
    KTEST_ASSERT(first != NULL && ex_sleeping(t));
    if (first == NULL) {
        thread_terminate(t);
        return;
    }
    KTEST_ASSERT(thread_abort(t) == KERN_SUCCESS);
    second = ex_receive(ex_port_b);
    KTEST_ASSERT(second != NULL);
    if (second == NULL) {
        ipc_kmsg_destroy(first);
        thread_terminate(t);
        return;
    }
    ex_check(second, ex_port_b, t, EXC_BAD_INSTRUCTION, EXC_I386_INVOP, 0);
    KTEST_ASSERT(second->local != first->local && !first->local->active);
    ex_reply(first, KERN_SUCCESS);          /* too late: dropped */
    thread_delay(5);
    KTEST_ASSERT(ex_resolved() == resolved && ex_sleeping(t) && ex_empty(ex_port_b));

    /* Terminated while waiting: it ends; the request's reply port dies. */
    KTEST_ASSERT(thread_terminate(t) == KERN_SUCCESS);
    KTEST_ASSERT(!second->local->active);
    ex_reply(second, KERN_SUCCESS);
    KTEST_ASSERT(ex_resolved() == resolved);
}

/* A task whose only handler fails is terminated. */
static void
ex_kill(void)
{
    struct task *task;
    struct thread *t;
    struct ipc_kmsg *request;

    KTEST_ASSERT(task_create_named(NULL, false, "exc-kill", &task) == KERN_SUCCESS);
    if (task == NULL) {
        return;
    }
    task_ref(task);
    KTEST_ASSERT(ex_map(task));
    ipc_port_ref(ex_port_a);
    KTEST_ASSERT(task_special_port_set(task, TASK_EXCEPTION_PORT, ex_port_a) == KERN_SUCCESS);
    t = ex_start(task, EX_UD2, 0, 0, true);
    request = t != NULL ? ex_receive(ex_port_a) : NULL;
    KTEST_ASSERT(request != NULL);
    if (request != NULL) {
        KTEST_ASSERT(request->ports[1] == task->kport);
        ex_reply(request, KERN_INVALID_ARGUMENT);
    }
    for (unsigned int i = 0; i < 500 && task->nr_threads != 0; i++) {
        thread_delay(1);
    }
    KTEST_ASSERT(!task->active && task->nr_threads == 0);
    if (task->active) {
        task_terminate(task);
    }
    task_unref(task);
}

static void
exception_test_fn(void)
{
    struct ipc_port_stats before, after;
    unsigned int threads = thread_count();

    ipc_port_stats_get(&before);
    ex_port_a = ex_port_create();
    ex_port_b = ex_port_create();
    KTEST_ASSERT(ex_port_a != NULL && ex_port_b != NULL);
    KTEST_ASSERT(task_create_named(NULL, false, "exc", &ex_task) == KERN_SUCCESS);
    if (ex_port_a == NULL || ex_port_b == NULL || ex_task == NULL) {
        return;
    }
    KTEST_ASSERT(ex_map(ex_task));
    ex_set_port(NULL, ex_port_b);

    ex_kinds();
    ex_order(EX_FAIL);
    ex_order(EX_BAD_ID);
    ex_order(EX_BAD_TYPE);
    ex_order(EX_COMPLEX);
    ex_order(EX_DESTROY);
    ex_order(EX_DEAD);
    ex_full_queue();
    ex_abort();
    ex_kill();

    KTEST_ASSERT(task_terminate(ex_task) == KERN_SUCCESS);
    ex_port_destroy(ex_port_a);
    ex_port_destroy(ex_port_b);
    for (unsigned int i = 0; i < 500 && thread_count() != threads; i++) {
        thread_delay(1);
    }
    KTEST_ASSERT(thread_count() == threads);
    ipc_port_stats_get(&after);
    ktest_assert_msg(after.nr_ports == before.nr_ports && after.nr_active == before.nr_active,
                     "ports: %lu (%lu active), %lu (%lu) before", after.nr_ports,
                     after.nr_active, before.nr_ports, before.nr_active);
}

KTEST_DEFINE(exception, exception_test_fn, 0);

#define EX_BENCH_RUNS           3
#define EX_BENCH_ROUNDS         2000

static void
exception_bench_fn(void)
{
    uint64_t best = UINT64_MAX;
    unsigned int failures = 0;
    struct ipc_kmsg *request;
    struct thread *t;

    ex_port_b = ex_port_create();
    if (ex_port_b == NULL || task_create_named(NULL, false, "exc-bench", &ex_task) != KERN_SUCCESS) {
        ktest_fail_at(__FILE__, __LINE__, "no port or task");
        return;
    }
    KTEST_ASSERT(ex_map(ex_task));
    ex_set_port(NULL, ex_port_b);
    t = ex_start(ex_task, EX_BPLOOP, 0, 0, true);
    request = t != NULL ? ex_receive(ex_port_b) : NULL;
    KTEST_ASSERT(request != NULL);
    for (unsigned int run = 0; run < EX_BENCH_RUNS && request != NULL; run++) {
        uint64_t start = cpu_rdtsc(), time;

        for (unsigned int i = 0; i < EX_BENCH_ROUNDS; i++) {
            ex_reply(request, KERN_SUCCESS);
            if (ipc_mqueue_receive_kernel(ex_port_b, &request) != MACH_MSG_SUCCESS) {
                failures++;
                request = NULL;
                break;
            }
        }
        time = cpu_rdtsc() - start;
        best = time < best ? time : best;
    }
    ktest_assert_msg(failures == 0, "%u failures", failures);
    printf("bench: exception round trip (int3, exception_raise to a kernel handler, "
           "KERN_SUCCESS reply, resume; one CPU): %u instructions\n",
           (unsigned int)((best + EX_BENCH_ROUNDS / 2) / EX_BENCH_ROUNDS));
    KTEST_ASSERT(task_terminate(ex_task) == KERN_SUCCESS);     /* ends t, waiting or not */
    if (request != NULL) {
        ipc_kmsg_destroy(request);
    }
    ex_port_destroy(ex_port_b);
}

KTEST_DEFINE(exception_bench, exception_bench_fn, KTEST_MANUAL);
