/* SPDX-License-Identifier: GPL-2.0-or-later */
/*
 * Exception handlers in user mode (kern/exception.c): one handler task
 * receives the exception_raise requests of three other tasks by
 * mach_msg, checks them word by word as a GNU Mach exc server would see
 * them (MACH-ABI.md 5.3), then hands them to exc_server(), GNU MIG's
 * server stub for GNU Mach's exc.defs (its own type checks), whose
 * catch_exception_raise() fixes the fault; the reply MIG built goes
 * back by mach_msg. Boot line:
 *
 *     exc exc-handler handler ${f} ${d1} ${d2} $(task-create) $(task-resume);
 *     exc exc-fault fault $(f=task-create) $(task-resume);
 *     -exc exc-doomed1 doomed $(d1=task-create) $(task-resume);
 *     -exc exc-doomed2 doomed $(d2=task-create) $(task-resume);
 *     exc exc-mortal mortal ${d3} $(task-create) $(task-resume);
 *     -exc exc-doomed3 doomed $(d3=task-create) $(task-resume)
 *
 * The handler gets send rights to the other tasks' ports (names 1, 2,
 * 3), allocates its exception port and inserts a send right to it into
 * each of them at EXC_NAME; each task makes that its task exception
 * port by the task_set_special_port trap as soon as the name exists
 * (polling: the tasks start in any order). Then:
 *  - exc-fault raises, in order: int3 (EXC_BREAKPOINT/EXC_I386_BPT),
 *    into (EXC_ARITHMETIC/EXC_I386_INTO), trap number +5
 *    (EXC_BAD_INSTRUCTION/EXC_I386_INVOP), a read of an unmapped page
 *    (EXC_BAD_ACCESS/KERN_INVALID_ADDRESS, the address), which the
 *    handler maps (vm_allocate in the faulting task), and a write to a
 *    read-only page (KERN_PROTECTION_FAILURE), which the handler
 *    replaces by a writable one, and bound out of its limits
 *    (EXC_SOFTWARE/EXC_I386_BOUND), whose page of limits the handler
 *    replaces by a zero page (limits 0..0); each time the handler replies
 *    KERN_SUCCESS and exc-fault checks that it went on past the fault
 *    with the right result; then one int3 and BENCH_ROUNDS more, timed
 *    with rdtsc (instructions under -icount: bench line user-exc-icount);
 *  - exc-doomed1 runs ud2 and gets RetCode KERN_FAILURE; exc-doomed2
 *    runs ud2 and the handler destroys the reply right unanswered:
 *    both tasks are terminated with their console line (checked by the
 *    boot line; they are not judged);
 *  - exc-mortal, a second handler, takes exc-doomed3's request and
 *    ends without replying: exc-doomed3 dies of that too.
 * The request's task port is the handler's own name for the task (its
 * send right merges), its thread port a new send right, deallocated
 * with the extra task reference, so nothing is left behind.
 * Without the thread_get/set_state RPCs (mach.defs is not served by MIG
 * yet) the handler cannot move a thread's eip: the faults chosen resume
 * by the reply alone or by a page the handler maps.
 */
#include <mach/exception.h>
#include <mach/machine/exception.h>
#include <mach/message.h>
#include <mach/mig_errors.h>
#include <mach/task_special_ports.h>

#include "exc_S.h"
#include "lib/exc_msg.h"
#include "lib/ulib.h"
#include "lib/mach_traps.h"

#define EXC_NAME                0x777           /* the exception port, in each faulting task */
#define HOLE_ADDR               0x30000000u     /* unmapped until the handler maps it */
#define RDONLY_ADDR             0x31000000u     /* read-only until the handler replaces it */
#define BOUNDS_ADDR             0x32000000u     /* bound's limits, 10 and 20, until replaced */
#define PAGE                    4096u
#define RCV_TIMEOUT_MS          20000
#define BENCH_ROUNDS            500             /* int3 round trips timed by exc-fault, after one */
/* A short type descriptor as a word: one inline 32-bit item of type name. */
#define TYPE_WORD(name)         ((uint32_t)(name) | 32u << 8 | 1u << 16 | 0x10000000u)
#define INT32                   TYPE_WORD(MACH_MSG_TYPE_INTEGER_32)
#define PORT_SEND               TYPE_WORD(MACH_MSG_TYPE_PORT_SEND)

/* GNU MIG's demultiplexer for exc.defs (excServer.c; glibc programs declare it too). */
boolean_t exc_server(mach_msg_header_t *in, mach_msg_header_t *out);

static mach_port_t self;

/* ------------------------------------------------------------ faulting tasks */

/* Make EXC_NAME this task's exception port once the handler inserted it. */
static bool
fault_set_port(void)
{
    for (int i = 0; i < 20000; i++) {
        if (syscall_task_set_special_port(self, TASK_EXCEPTION_PORT, EXC_NAME)
            == KERN_SUCCESS) {
            return true;
        }
        swtch();
    }
    return false;
}

/* The time stamp counter: instructions under QEMU's -icount (doc/benchmarks.md). */
static unsigned long long
rdtsc(void)
{
    unsigned int lo, hi;

    __asm__ volatile("rdtsc" : "=a"(lo), "=d"(hi));
    return (unsigned long long)hi << 32 | lo;
}

static void
fault_main(void)
{
    volatile unsigned int *hole = (volatile unsigned int *)HOLE_ADDR;
    volatile unsigned int *rdonly;
    vm_address_t addr = RDONLY_ADDR;
    unsigned int value, flags;
    int eax;

    tap_plan(10);
    tap_ok(fault_set_port(), "the handler's port is this task's exception port");

    __asm__ volatile("int3");
    tap_ok(true, "int3: resumed after the breakpoint");

    __asm__ volatile("movl $0x7fffffff, %%eax; incl %%eax; into; pushfl; popl %0"
                     : "=r"(flags) : : "eax", "cc");
    tap_ok(flags & 0x800, "into: resumed after it with OF set (eflags 0x%x)", flags);

    eax = trap_raw(5);
    tap_ok(eax == 5, "trap +5: resumed after the trap, eax %d", eax);

    value = *hole;
    tap_ok(value == 0, "read of 0x%x: the handler mapped a zero page (read 0x%x)", HOLE_ADDR,
           value);

    tap_ok(syscall_vm_map(self, &addr, PAGE, 0, 0, MACH_PORT_NULL, 0, 0, 1, 7, 1)
           == KERN_SUCCESS && addr == RDONLY_ADDR, "a read-only page at 0x%x", RDONLY_ADDR);
    rdonly = (volatile unsigned int *)RDONLY_ADDR;
    *rdonly = 0x1234;
    tap_ok(*rdonly == 0x1234, "write to it: the handler replaced it by a writable page");

    addr = BOUNDS_ADDR;
    tap_ok(syscall_vm_allocate(self, &addr, PAGE, 0) == KERN_SUCCESS, "a page for bound's limits");
    ((volatile unsigned int *)BOUNDS_ADDR)[0] = 10;
    ((volatile unsigned int *)BOUNDS_ADDR)[1] = 20;
    __asm__ volatile("xorl %%eax, %%eax; boundl %%eax, (%0)" : : "r"(BOUNDS_ADDR)
                     : "eax", "memory");
    tap_ok(((volatile unsigned int *)BOUNDS_ADDR)[1] == 0,
           "bound 0 in 10..20: the handler replaced the limits by a zero page, 0..0 passes");

    /* One round first: the handler waits for it with a timeout, polling per tick. */
    __asm__ volatile("int3" : : : "memory");
    unsigned long long start = rdtsc(), end;

    for (unsigned int i = 0; i < BENCH_ROUNDS; i++) {
        __asm__ volatile("int3" : : : "memory");
    }
    end = rdtsc();
    tap_diag("bench: exception round trip (int3, exception_raise to a handler task through "
             "exc_server, KERN_SUCCESS reply, resume): %u instructions",
             (unsigned int)((end - start + BENCH_ROUNDS / 2) / BENCH_ROUNDS));
    tap_ok(true, "%u more int3, each resumed by the handler", BENCH_ROUNDS + 1);
}

static void
doomed_main(void)
{
    if (fault_set_port()) {
        __asm__ volatile("ud2");
    }
    u_printf("survived ud2");
}

/* ------------------------------------------------------------ the handler */

/*
 * Receive the next request on port; false on a receive error. A wait
 * with a timeout polls once per clock tick (doc/ipc.md), so the timed
 * rounds wait without one.
 */
static bool
handler_receive(mach_port_t port, struct exc_request *req, bool timed)
{
    mach_msg_return_t mr;

    memset(req, 0xa5, sizeof(*req));
    mr = mach_msg_trap(&req->h, MACH_RCV_MSG | (timed ? MACH_RCV_TIMEOUT : 0), 0,
                       sizeof(*req), port, timed ? RCV_TIMEOUT_MS : 0, MACH_PORT_NULL);
    if (mr != MACH_MSG_SUCCESS) {
        tap_diag("receive: 0x%x", mr);
        return false;
    }
    return true;
}

/* Whether req is a well-formed exception_raise from task (the handler's name for it). */
static bool
handler_check(const struct exc_request *req, mach_port_t task, mach_port_t port)
{
    return req->h.msgh_bits == 0x80001112 && req->h.msgh_size == 64
           && req->h.msgh_id == 2400 && req->h.msgh_local_port == port
           && req->h.msgh_remote_port != MACH_PORT_NULL
           && req->thread_type == PORT_SEND && req->task_type == PORT_SEND
           && req->exception_type == INT32 && req->code_type == INT32
           && req->subcode_type == INT32 && req->task == task
           && req->thread != MACH_PORT_NULL && req->thread != task
           && req->thread != req->h.msgh_remote_port;
}

/*
 * Send the reply exc_server() built; MIG_NO_REPLY destroys the reply
 * right instead, as a server that never answers.
 */
static kern_return_t
handler_reply(const struct exc_request *req, mig_reply_header_t *reply)
{
    if (reply->RetCode == MIG_NO_REPLY) {
        return syscall_mach_port_deallocate(self, req->h.msgh_remote_port);
    }
    return mach_msg_trap(&reply->Head, MACH_SEND_MSG, reply->Head.msgh_size, 0, MACH_PORT_NULL,
                         0, MACH_PORT_NULL);
}

/* The rights a request brings: the thread's, and one more reference on the task's. */
static bool
handler_release(mach_port_t thread, mach_port_t task)
{
    return syscall_mach_port_deallocate(self, thread) == KERN_SUCCESS
           && syscall_mach_port_deallocate(self, task) == KERN_SUCCESS;
}

struct handler_case {
    const char *what;
    int exception, code, subcode;
    vm_address_t map, replace;          /* the fix: a page to map, or to replace */
};

static const struct handler_case handler_fault_cases[] = {
    { "int3", EXC_BREAKPOINT, EXC_I386_BPT, 0, 0, 0 },
    { "into", EXC_ARITHMETIC, EXC_I386_INTO, 0, 0, 0 },
    { "trap +5", EXC_BAD_INSTRUCTION, EXC_I386_INVOP, 0, 0, 0 },
    { "unmapped read", EXC_BAD_ACCESS, KERN_INVALID_ADDRESS, (int)HOLE_ADDR, HOLE_ADDR, 0 },
    { "read-only write", EXC_BAD_ACCESS, KERN_PROTECTION_FAILURE, (int)RDONLY_ADDR, 0,
      RDONLY_ADDR },
    { "bound", EXC_SOFTWARE, EXC_I386_BOUND, 0, 0, BOUNDS_ADDR },
};

#define NR_FAULT_CASES  (sizeof(handler_fault_cases) / sizeof(handler_fault_cases[0]))

/* Fix the fault of case i in the faulting task's memory: map a page, or replace one. */
static bool
handler_fix(mach_port_t task, unsigned int i)
{
    const struct handler_case *c = &handler_fault_cases[i];
    vm_address_t addr = c->map != 0 ? c->map : c->replace;

    if (addr == 0) {
        return true;                /* the thread resumes past the instruction */
    }
    if (c->replace != 0 && syscall_vm_deallocate(task, addr, PAGE) != KERN_SUCCESS) {
        return false;
    }
    return syscall_vm_allocate(task, &addr, PAGE, 0) == KERN_SUCCESS
           && addr == (c->map != 0 ? c->map : c->replace);
}

/* What the handler knows; catch_exception_raise() works on it. */
static struct {
    mach_port_t port;                   /* the exception port */
    mach_port_t tasks[3];               /* exc-fault, exc-doomed1, exc-doomed2 */
    unsigned int next_fault, doomed;
    unsigned int bench, bench_ok;       /* exc-fault's timed int3 round trips */
    bool unexpected;
} handler;

/*
 * The routine exc_server() (GNU MIG's stub, from GNU Mach's exc.defs)
 * calls for each request it accepts: check it, fix the fault, release
 * the rights it brought, and give the RetCode of the reply.
 */
kern_return_t
catch_exception_raise(mach_port_t exception_port, mach_port_t thread, mach_port_t task,
                      integer_t exception, integer_t code, integer_t subcode)
{
    bool port_ok = exception_port == handler.port && thread != MACH_PORT_NULL
                   && thread != task;

    if (task == handler.tasks[0] && handler.next_fault < NR_FAULT_CASES) {
        const struct handler_case *c = &handler_fault_cases[handler.next_fault];

        tap_ok(port_ok && exception == c->exception && code == c->code
               && subcode == c->subcode,
               "%s: exception_raise %d/%d/0x%x (got %d/%d/0x%x)", c->what, c->exception,
               c->code, c->subcode, exception, code, subcode);
        tap_ok(handler_fix(task, handler.next_fault) && handler_release(thread, task),
               "%s: fixed, rights released, RetCode KERN_SUCCESS", c->what);
        handler.next_fault++;
        return KERN_SUCCESS;
    }
    if (task == handler.tasks[0] && handler.bench < BENCH_ROUNDS + 1) {
        handler.bench++;
        handler.bench_ok += port_ok && exception == EXC_BREAKPOINT && code == EXC_I386_BPT
                            && subcode == 0 && handler_release(thread, task);
        return KERN_SUCCESS;
    }
    if ((task == handler.tasks[1] || task == handler.tasks[2]) && handler.doomed < 2) {
        bool second = task == handler.tasks[2];

        tap_ok(port_ok && exception == EXC_BAD_INSTRUCTION && code == EXC_I386_INVOP
               && subcode == 0, "doomed%d: ud2 is EXC_BAD_INSTRUCTION/EXC_I386_INVOP",
               second ? 2 : 1);
        tap_ok(handler_release(thread, task), "doomed%d: %s", second ? 2 : 1,
               second ? "no reply: the reply right destroyed" : "RetCode KERN_FAILURE");
        handler.doomed++;
        return second ? MIG_NO_REPLY : KERN_FAILURE;
    }
    handler.unexpected = true;
    tap_ok(false, "an unexpected request: task 0x%x exception %d", task, exception);
    return KERN_FAILURE;
}

static void
handler_main(int argc, char **argv)
{
    struct exc_request req;
    mig_reply_header_t reply;
    bool inserted = true, served, ok;

    tap_plan(3 + 3 * NR_FAULT_CASES + 3 * 2 + 1);
    tap_ok(argc == 5, "three task ports given");
    if (argc != 5) {
        return;
    }
    for (int i = 0; i < 3; i++) {
        handler.tasks[i] = 0;
        for (const char *p = argv[2 + i]; *p >= '0' && *p <= '9'; p++) {
            handler.tasks[i] = handler.tasks[i] * 10 + (mach_port_t)(*p - '0');
        }
    }
    tap_ok(syscall_mach_port_allocate(self, MACH_PORT_RIGHT_RECEIVE, &handler.port)
           == KERN_SUCCESS, "the exception port");
    for (int i = 0; i < 3; i++) {
        inserted &= syscall_mach_port_insert_right(handler.tasks[i], EXC_NAME, handler.port,
                                                   MACH_MSG_TYPE_MAKE_SEND) == KERN_SUCCESS;
    }
    tap_ok(inserted, "a send right to it in each task, at 0x%x", EXC_NAME);

    while ((handler.next_fault < NR_FAULT_CASES || handler.bench < BENCH_ROUNDS + 1
            || handler.doomed < 2) && !handler.unexpected) {
        bool bench = handler.next_fault == NR_FAULT_CASES;

        if (!handler_receive(handler.port, &req, !bench || handler.bench == 0)) {
            tap_ok(false, "a request (%u of %u faults, %u doomed)", handler.next_fault,
                   (unsigned int)NR_FAULT_CASES, handler.doomed);
            return;
        }
        /* The words first, as the kernel must lay them out; then MIG's own checks. */
        bool layout = handler_check(&req, req.task, handler.port);

        bench = bench && req.task == handler.tasks[0];
        served = exc_server(&req.h, &reply.Head);
        ok = layout && served && reply.Head.msgh_id == 2500 && reply.Head.msgh_size == 32
             && reply.RetCode != MIG_BAD_ARGUMENTS;
        if (!bench || !ok) {            /* the timed rounds are counted, not listed */
            tap_ok(ok, "request: bits 0x%x size %u id %d, the words of exc.defs; exc_server: "
                   "%d, reply id %d RetCode %d", req.h.msgh_bits, req.h.msgh_size,
                   req.h.msgh_id, served, reply.Head.msgh_id, reply.RetCode);
        }
        if (handler_reply(&req, &reply) != KERN_SUCCESS) {
            tap_ok(false, "the reply could not be sent");
            return;
        }
    }
    tap_ok(handler.bench_ok == BENCH_ROUNDS + 1, "%u int3 requests, %u well-formed and resolved",
           handler.bench, handler.bench_ok);
}

/*
 * A handler that dies: take one request from the task whose port is
 * argv[2], check it, and end (tap_done terminates this task) holding
 * it unanswered. The faulting task, with no other handler, dies too.
 */
static void
mortal_main(int argc, char **argv)
{
    struct exc_request req;
    mach_port_t task = 0, port;

    tap_plan(3);
    for (const char *p = argc == 3 ? argv[2] : ""; *p >= '0' && *p <= '9'; p++) {
        task = task * 10 + (mach_port_t)(*p - '0');
    }
    tap_ok(syscall_mach_port_allocate(self, MACH_PORT_RIGHT_RECEIVE, &port) == KERN_SUCCESS
           && syscall_mach_port_insert_right(task, EXC_NAME, port, MACH_MSG_TYPE_MAKE_SEND)
              == KERN_SUCCESS, "an exception port for task 0x%x", task);
    tap_ok(handler_receive(port, &req, true), "a request");
    tap_ok(handler_check(&req, task, port) && req.exception == EXC_BAD_INSTRUCTION,
           "exception_raise from it (exception %d); dying without a reply", req.exception);
}

int
main(int argc, char **argv, char **envp)
{
    (void)envp;
    self = mach_task_self();
    if (argc >= 2 && strcmp(argv[1], "handler") == 0) {
        handler_main(argc, argv);
    } else if (argc >= 2 && strcmp(argv[1], "fault") == 0) {
        fault_main();
    } else if (argc >= 2 && strcmp(argv[1], "mortal") == 0) {
        mortal_main(argc, argv);
    } else if (argc >= 2 && strcmp(argv[1], "doomed") == 0) {
        doomed_main();
    } else {
        tap_plan(1);
        tap_ok(false, "usage: exc handler|fault|doomed|mortal ...");
    }
    tap_done();
}
