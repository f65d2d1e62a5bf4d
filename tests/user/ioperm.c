/* SPDX-License-Identifier: GPL-2.0-or-later */
/*
 * I/O permissions and per-thread debug registers from user mode, through
 * GNU MIG's user stubs (i386/io_perm.c, i386/pcb.c, i386/pcb_state.c):
 *  - i386_io_perm_create: a port that is not the device master (host,
 *    task, a dead name), from > to, the exclusive PCI configuration
 *    range (KERN_PROTECTION_FAILURE while another object holds it, free
 *    again once that object's last send right is gone: no-senders);
 *  - i386_io_perm_modify: a null, dead or wrong-kind I/O permission, a
 *    target that is no task or a dead name, withdrawing before anything
 *    was granted;
 *  - a worker thread of this task runs `inb $0x80`: EXC_BAD_INSTRUCTION
 *    / EXC_I386_GPFLT / 0 before the grant, caught by this thread as the
 *    worker's exception handler (it steps the worker past the inb);
 *    after io_perm_modify(TRUE) the inb works and ISA_PORT_MAP shows the
 *    port; after FALSE it faults again; then the worker loops on inb
 *    on the other CPU (it does millions of inb while this thread spins)
 *    and this thread withdraws the port: the worker faults within one
 *    inb of the call's return. This passed even with the cross-CPU
 *    reload removed (checked by hand: some switch happens on the
 *    worker's CPU during the RPC, which reloads the new version), so
 *    the reload itself is checked in the kernel, test=io_perm_reload;
 *  - i386_DEBUG_STATE: addresses at KERNBASE, an I/O breakpoint, GD, a
 *    4-byte instruction breakpoint refused; an instruction breakpoint on
 *    a function and a write watchpoint on a variable each raise
 *    EXC_BREAKPOINT / EXC_I386_SGL / 0 once, with DR6 (read by
 *    thread_get_state in the handler) naming the breakpoint; the handler
 *    clears DR7 and the worker goes on; a read watchpoint on a string
 *    the kernel reads (mach_print's copyin) raises nothing.
 * The worker makes no RPC (one MIG reply port per task). Boot line:
 *     ioperm ${device-port} $(task-create) $(task-resume)
 */
#include <mach/exception.h>
#include <mach/machine/exception.h>
#include <mach/message.h>
#include <mach/mig_errors.h>
#include <mach/thread_special_ports.h>
#include <mach/thread_status.h>

#include "exc_S.h"
#include "mach.h"
#include "mach_i386.h"
#include "mach_port.h"
#include "lib/ulib.h"
#include "lib/mach_traps.h"

#define PAGE                    4096u
#define STACK_SIZE              (4 * PAGE)
#define KERNBASE                0xc0000000u
#define IO_PORT                 0x80        /* POST diagnostics: harmless */
#define RCV_POLL_MS             10
#define RUN_POLLS               1000        /* 10 s at most per step */
#define LOOP_WARMUP             1000        /* inb done before the withdrawal */
#define SPIN_WARMUP             200000000u  /* pause loops waiting for them, at most */
#define SPIN_AFTER              2000000u    /* pause loops after it: many inb's time */
#define DR7_L0                  0x1u
#define DR7_L1                  0x4u
#define DR7_GD                  0x2000u

boolean_t exc_server(mach_msg_header_t *in, mach_msg_header_t *out);

enum worker_op { OP_INB = 1, OP_LOOP, OP_CALL_BP, OP_WRITE_WATCH, OP_PRINT_WATCH };

static mach_port_t self, dev, exc_port, worker;

/* Shared with the worker. */
static volatile unsigned int cmd_seq, done_seq, cmd_op, io_loop, io_count;
volatile unsigned int watched;
char watched_str[8] __attribute__((aligned(4))) = "watch\n";

/* What the handler saw. */
static struct {
    unsigned int count;
    int exception, code, subcode;
    unsigned int dr6, io_count_at_fault;
    bool thread_ok, fixed;
} seen;

void __attribute__((noinline, used))
bp_target(void)
{
    __asm__ volatile("nop");
}

static unsigned char
inb_port(void)
{
    unsigned char v;

    __asm__ volatile("inb %1, %0" : "=a"(v) : "i"(IO_PORT) : "memory");
    return v;
}

static void __attribute__((noreturn, used))
worker_main(void)
{
    for (;;) {
        unsigned int seq;

        while (cmd_seq == done_seq) {
            swtch();
        }
        seq = cmd_seq;
        switch (cmd_op) {
        case OP_INB:
            inb_port();
            break;
        case OP_LOOP:
            while (io_loop) {
                inb_port();
                io_count++;
            }
            break;
        case OP_CALL_BP:
            bp_target();
            break;
        case OP_WRITE_WATCH:
            watched = 42;
            break;
        case OP_PRINT_WATCH:
            mach_print(watched_str);
            break;
        }
        done_seq = seq;
    }
}

/* ------------------------------------------------------------ the handler */

/* Step the worker past the inb it faulted on (two bytes: e4 80). */
static bool
handler_skip_inb(mach_port_t thread)
{
    struct i386_thread_state st;
    mach_msg_type_number_t count = i386_THREAD_STATE_COUNT;

    if (thread_get_state(thread, i386_THREAD_STATE, (thread_state_t)&st, &count)
        != KERN_SUCCESS || *(const unsigned char *)st.eip != 0xe4) {
        return false;
    }
    st.eip += 2;
    return thread_set_state(thread, i386_THREAD_STATE, (thread_state_t)&st,
                            i386_THREAD_STATE_COUNT) == KERN_SUCCESS;
}

/* Read DR6, then clear every breakpoint of the worker. */
static bool
handler_clear_breakpoints(mach_port_t thread)
{
    struct i386_debug_state ds;
    mach_msg_type_number_t count = i386_DEBUG_STATE_COUNT;

    if (thread_get_state(thread, i386_DEBUG_STATE, (thread_state_t)&ds, &count)
        != KERN_SUCCESS) {
        return false;
    }
    seen.dr6 = ds.dr[6];
    ds.dr[7] = 0;
    return thread_set_state(thread, i386_DEBUG_STATE, (thread_state_t)&ds,
                            i386_DEBUG_STATE_COUNT) == KERN_SUCCESS;
}

kern_return_t
catch_exception_raise(mach_port_t exception_port, mach_port_t thread, mach_port_t task,
                      integer_t exception, integer_t code, integer_t subcode)
{
    seen.count++;
    seen.exception = exception;
    seen.code = code;
    seen.subcode = subcode;
    seen.io_count_at_fault = io_count;
    seen.thread_ok = exception_port == exc_port && thread == worker && task == self;
    io_loop = 0;
    /*
     * Stop the worker first: thread_get_state alone would interrupt its wait
     * for this reply, and it would fault again, a second request, before
     * thread_set_state fixed it (kern/exception.c, as GNU Mach). Stopped, it
     * leaves the wait and runs again only from the fixed state.
     */
    if (thread_suspend(thread) != KERN_SUCCESS) {
        seen.fixed = false;
    } else if (exception == EXC_BAD_INSTRUCTION) {
        seen.fixed = handler_skip_inb(thread);
    } else if (exception == EXC_BREAKPOINT) {
        seen.fixed = handler_clear_breakpoints(thread);
    } else {
        seen.fixed = false;
    }
    thread_resume(thread);
    syscall_mach_port_deallocate(self, thread);
    syscall_mach_port_deallocate(self, task);
    return seen.fixed ? KERN_SUCCESS : KERN_FAILURE;
}

/* Serve one exception request if one comes within RCV_POLL_MS. */
static void
handler_poll(void)
{
    union {
        mach_msg_header_t h;
        char buf[256];
    } req;
    union {
        mig_reply_header_t r;
        char buf[256];
    } reply;

    if (mach_msg_trap(&req.h, MACH_RCV_MSG | MACH_RCV_TIMEOUT, 0, sizeof(req), exc_port,
                      RCV_POLL_MS, MACH_PORT_NULL) != MACH_MSG_SUCCESS) {
        return;
    }
    exc_server(&req.h, &reply.r.Head);
    mach_msg_trap(&reply.r.Head, MACH_SEND_MSG, reply.r.Head.msgh_size, 0, MACH_PORT_NULL, 0,
                  MACH_PORT_NULL);
}

/* Start op in the worker. */
static unsigned int
worker_start(enum worker_op op)
{
    cmd_op = op;
    __atomic_store_n(&cmd_seq, cmd_seq + 1, __ATOMIC_SEQ_CST);
    return cmd_seq;
}

/* Wait for op seq to end, serving the worker's exceptions; false on a timeout. */
static bool
worker_wait(unsigned int seq)
{
    for (unsigned int i = 0; i < RUN_POLLS && done_seq != seq; i++) {
        handler_poll();
    }
    return done_seq == seq;
}

/* Run op in the worker; the number of exceptions it raised, or -1 if it did not finish. */
static int
worker_run(enum worker_op op)
{
    unsigned int before = seen.count;

    memset(&seen, 0, sizeof(seen));
    seen.count = before;
    if (!worker_wait(worker_start(op))) {
        return -1;
    }
    return (int)(seen.count - before);
}

static kern_return_t
worker_create(void)
{
    struct i386_thread_state st;
    mach_msg_type_number_t count = i386_THREAD_STATE_COUNT;
    vm_address_t stack = 0;
    kern_return_t kr;

    kr = vm_allocate(self, &stack, STACK_SIZE, TRUE);
    kr = kr != KERN_SUCCESS ? kr : thread_create(self, &worker);
    kr = kr != KERN_SUCCESS ? kr : thread_get_state(worker, i386_THREAD_STATE,
                                                    (thread_state_t)&st, &count);
    if (kr != KERN_SUCCESS) {
        return kr;
    }
    st.eip = (unsigned int)worker_main;
    st.uesp = stack + STACK_SIZE - 16;
    kr = thread_set_state(worker, i386_THREAD_STATE, (thread_state_t)&st,
                          i386_THREAD_STATE_COUNT);
    kr = kr != KERN_SUCCESS ? kr : thread_set_special_port(worker, THREAD_EXCEPTION_PORT,
                                                           exc_port);
    return kr != KERN_SUCCESS ? kr : thread_resume(worker);
}

/* ------------------------------------------------------------ the checks */

/* A dead name: the kernel port of a task created and terminated. */
static mach_port_t
dead_name(void)
{
    mach_port_t child = MACH_PORT_NULL;

    syscall_task_create(self, FALSE, &child);
    syscall_task_terminate(child);
    return child;
}

static void
test_create(mach_port_t dead)
{
    mach_port_t host = mach_host_self(), perm = MACH_PORT_NULL, pci = MACH_PORT_NULL,
                other = MACH_PORT_NULL;
    kern_return_t kr;

    kr = i386_io_perm_create(host, IO_PORT, IO_PORT, &perm);
    tap_ok(kr == KERN_INVALID_ARGUMENT, "create on the host port: KERN_INVALID_ARGUMENT (%d)", kr);
    kr = i386_io_perm_create(self, IO_PORT, IO_PORT, &perm);
    tap_ok(kr == KERN_INVALID_ARGUMENT, "create on a task port: KERN_INVALID_ARGUMENT (%d)", kr);
    kr = i386_io_perm_create(dead, IO_PORT, IO_PORT, &perm);
    tap_ok(kr == MACH_SEND_INVALID_DEST, "create on a dead name: MACH_SEND_INVALID_DEST (0x%x)",
           kr);
    kr = i386_io_perm_create(dev, IO_PORT + 1, IO_PORT, &perm);
    tap_ok(kr == KERN_INVALID_ARGUMENT, "create from > to: KERN_INVALID_ARGUMENT (%d)", kr);
    kr = i386_io_perm_create(dev, 0, 0xffff, &perm);
    tap_ok(kr == KERN_SUCCESS && MACH_PORT_VALID(perm), "create 0-0xffff (%d)", kr);
    syscall_mach_port_deallocate(self, perm);

    kr = i386_io_perm_create(dev, 0xcf8, 0xcff, &pci);
    tap_ok(kr == KERN_SUCCESS, "create 0xcf8-0xcff, the PCI configuration ports (%d)", kr);
    kr = i386_io_perm_create(dev, 0xcfc, 0xcfc, &other);
    tap_ok(kr == KERN_PROTECTION_FAILURE, "a second PCI range: KERN_PROTECTION_FAILURE (%d)", kr);
    kr = i386_io_perm_create(dev, 0xcf0, 0xcf7, &other);
    tap_ok(kr == KERN_SUCCESS, "0xcf0-0xcf7 beside it (%d)", kr);
    syscall_mach_port_deallocate(self, other);
    syscall_mach_port_deallocate(self, pci);
    kr = i386_io_perm_create(dev, 0xcfc, 0xcfc, &other);
    tap_ok(kr == KERN_SUCCESS, "the PCI range again once its holder's last right went (%d)", kr);
    syscall_mach_port_deallocate(self, other);
    syscall_mach_port_deallocate(self, host);
}

static void
test_modify_errors(mach_port_t perm, mach_port_t dead)
{
    mach_port_t host = mach_host_self();
    kern_return_t kr;

    kr = i386_io_perm_modify(self, MACH_PORT_NULL, TRUE);
    tap_ok(kr == KERN_INVALID_ARGUMENT, "modify with no I/O permission (%d)", kr);
    kr = i386_io_perm_modify(self, host, TRUE);
    tap_ok(kr == KERN_INVALID_ARGUMENT, "modify with the host port as permission (%d)", kr);
    kr = i386_io_perm_modify(self, dead, TRUE);
    tap_ok(kr == KERN_INVALID_ARGUMENT, "modify with a dead name as permission (%d)", kr);
    kr = i386_io_perm_modify(dev, perm, TRUE);
    tap_ok(kr == KERN_INVALID_ARGUMENT, "modify on the device port, no task (%d)", kr);
    kr = i386_io_perm_modify(dead, perm, TRUE);
    tap_ok(kr == MACH_SEND_INVALID_DEST, "modify on a dead task name (0x%x)", kr);
    kr = i386_io_perm_modify(self, perm, FALSE);
    tap_ok(kr == KERN_SUCCESS, "withdraw before any grant (%d)", kr);
    syscall_mach_port_deallocate(self, host);
}

/* The port-map byte of IO_PORT as thread_get_state reads it, and whether the rest is all ones. */
static unsigned int
port_map_byte(bool *rest_ones)
{
    unsigned char map[i386_ISA_PORT_MAP_STATE_COUNT * 4];
    mach_msg_type_number_t count = i386_ISA_PORT_MAP_STATE_COUNT;

    if (thread_get_state(worker, i386_ISA_PORT_MAP_STATE, (thread_state_t)map, &count)
        != KERN_SUCCESS || count != i386_ISA_PORT_MAP_STATE_COUNT) {
        *rest_ones = false;
        return ~0u;
    }
    *rest_ones = true;
    for (unsigned int i = 0; i < sizeof(map); i++) {
        *rest_ones = *rest_ones && (i == IO_PORT / 8 || map[i] == 0xff);
    }
    return map[IO_PORT / 8];
}

static bool
seen_gp(void)
{
    return seen.thread_ok && seen.fixed && seen.exception == EXC_BAD_INSTRUCTION
           && seen.code == EXC_I386_GPFLT && seen.subcode == 0;
}

static void
test_io(mach_port_t perm)
{
    unsigned int byte, c0, c1, seq;
    bool ones, done;
    int n;

    n = worker_run(OP_INB);
    tap_ok(n == 1 && seen_gp(), "inb before the grant: EXC_BAD_INSTRUCTION/EXC_I386_GPFLT/0 "
           "(%d exceptions, %d/%d/%d)", n, seen.exception, seen.code, seen.subcode);
    byte = port_map_byte(&ones);
    tap_ok(byte == 0xff && ones, "ISA_PORT_MAP before: all ones (0x%x)", byte);

    tap_ok(i386_io_perm_modify(self, perm, TRUE) == KERN_SUCCESS, "modify TRUE");
    byte = port_map_byte(&ones);
    tap_ok(byte == (0xffu & ~(1u << (IO_PORT % 8))) && ones,
           "ISA_PORT_MAP: port 0x%x allowed, no other (0x%x)", IO_PORT, byte);
    n = worker_run(OP_INB);
    tap_ok(n == 0, "inb after the grant: no exception (%d; %d/%d/0x%x)", n, seen.exception,
           seen.code, seen.subcode);

    tap_ok(i386_io_perm_modify(self, perm, FALSE) == KERN_SUCCESS, "modify FALSE");
    n = worker_run(OP_INB);
    tap_ok(n == 1 && seen_gp(), "inb after the withdrawal faults again (%d; %d/%d/0x%x)", n,
           seen.exception, seen.code, seen.subcode);
    byte = port_map_byte(&ones);
    tap_ok(byte == 0xff && ones, "ISA_PORT_MAP after: all ones again (0x%x)", byte);

    /* The worker loops on inb (on the other CPU) while this thread spins, then withdraws. */
    tap_ok(i386_io_perm_modify(self, perm, TRUE) == KERN_SUCCESS, "modify TRUE again");
    memset(&seen, 0, sizeof(seen));
    io_count = 0;
    io_loop = 1;
    seq = worker_start(OP_LOOP);
    for (unsigned int i = 0; i < SPIN_WARMUP && io_count < LOOP_WARMUP; i++) {
        __asm__ volatile("pause");
    }
    tap_ok(io_count >= LOOP_WARMUP, "the worker loops on inb (%u)", io_count);
    tap_ok(i386_io_perm_modify(self, perm, FALSE) == KERN_SUCCESS, "modify FALSE while it loops");
    c0 = io_count;
    for (unsigned int i = 0; i < SPIN_AFTER; i++) {
        __asm__ volatile("pause");
    }
    c1 = io_count;
    io_loop = 0;                        /* stops it even if the withdrawal did not */
    done = worker_wait(seq);
    tap_ok(done && seen.count == 1 && seen_gp() && c1 - c0 <= 1,
           "its next inb faults (%u inb after the withdrawal returned, %u exceptions)",
           c1 - c0, seen.count);
}

static kern_return_t
debug_set(unsigned int dr0, unsigned int dr1, unsigned int dr7)
{
    struct i386_debug_state ds;

    memset(&ds, 0, sizeof(ds));
    ds.dr[0] = dr0;
    ds.dr[1] = dr1;
    ds.dr[7] = dr7;
    return thread_set_state(worker, i386_DEBUG_STATE, (thread_state_t)&ds,
                            i386_DEBUG_STATE_COUNT);
}

static bool
seen_breakpoint(unsigned int dr6_bit)
{
    return seen.thread_ok && seen.fixed && seen.exception == EXC_BREAKPOINT
           && seen.code == EXC_I386_SGL && seen.subcode == 0 && (seen.dr6 & 0xf) == dr6_bit;
}

static void
test_debug(void)
{
    struct i386_debug_state ds;
    mach_msg_type_number_t count = i386_DEBUG_STATE_COUNT;
    unsigned int bp = (unsigned int)bp_target, w = (unsigned int)&watched;
    kern_return_t kr;
    int n;

    kr = debug_set(KERNBASE, 0, 0);
    tap_ok(kr == KERN_INVALID_ARGUMENT, "DR0 at KERNBASE: KERN_INVALID_ARGUMENT (%d)", kr);
    kr = debug_set(0, IO_PORT, DR7_L1 | 2u << 20);
    tap_ok(kr == KERN_INVALID_ARGUMENT, "an I/O breakpoint: KERN_INVALID_ARGUMENT (%d)", kr);
    kr = debug_set(bp, 0, DR7_L0 | DR7_GD);
    tap_ok(kr == KERN_INVALID_ARGUMENT, "DR7 GD: KERN_INVALID_ARGUMENT (%d)", kr);
    kr = debug_set(bp, 0, DR7_L0 | 3u << 18);
    tap_ok(kr == KERN_INVALID_ARGUMENT, "a 4-byte instruction breakpoint (%d)", kr);

    kr = debug_set(bp, 0, DR7_L0);
    kr = kr != KERN_SUCCESS ? kr : thread_get_state(worker, i386_DEBUG_STATE,
                                                    (thread_state_t)&ds, &count);
    tap_ok(kr == KERN_SUCCESS && ds.dr[0] == bp && ds.dr[7] == DR7_L0,
           "an instruction breakpoint at bp_target, read back (%d)", kr);
    n = worker_run(OP_CALL_BP);
    tap_ok(n == 1 && seen_breakpoint(1), "the call hits it once: EXC_BREAKPOINT/EXC_I386_SGL/0, "
           "DR6 0x%x (%d exceptions)", seen.dr6, n);

    /* A write watchpoint: RW 01, LEN 11 (4 bytes). */
    watched = 0;
    kr = debug_set(0, w, DR7_L1 | 1u << 20 | 3u << 22);
    tap_ok(kr == KERN_SUCCESS, "a write watchpoint on a variable (%d)", kr);
    n = worker_run(OP_WRITE_WATCH);
    tap_ok(n == 1 && seen_breakpoint(2) && watched == 42,
           "the write hits it once, after the write (DR6 0x%x, value %u, %d exceptions)",
           seen.dr6, watched, n);

    /* Read/write watchpoint on the string the kernel copies in. */
    kr = debug_set(0, (unsigned int)watched_str, DR7_L1 | 3u << 20 | 3u << 22);
    n = kr != KERN_SUCCESS ? -2 : worker_run(OP_PRINT_WATCH);
    tap_ok(n == 0, "the kernel's own read of a watched string raises nothing (%d)", n);
    kr = debug_set(0, 0, 0);
    tap_ok(kr == KERN_SUCCESS && worker_run(OP_CALL_BP) == 0, "cleared: the call runs freely");
}

int
main(int argc, char **argv)
{
    mach_port_t dead, perm = MACH_PORT_NULL;
    kern_return_t kr;

    self = mach_task_self();
    dev = argc > 1 ? u_parse_uint(argv[1]) : MACH_PORT_NULL;

    tap_plan(39);
    dead = dead_name();
    test_create(dead);
    kr = i386_io_perm_create(dev, IO_PORT, IO_PORT, &perm);
    tap_ok(kr == KERN_SUCCESS && MACH_PORT_VALID(perm), "create port 0x%x (%d)", IO_PORT, kr);
    test_modify_errors(perm, dead);

    kr = syscall_mach_port_allocate(self, MACH_PORT_RIGHT_RECEIVE, &exc_port);
    kr = kr != KERN_SUCCESS ? kr : syscall_mach_port_insert_right(self, exc_port, exc_port,
                                                                   MACH_MSG_TYPE_MAKE_SEND);
    kr = kr != KERN_SUCCESS ? kr : worker_create();
    tap_ok(kr == KERN_SUCCESS, "a worker thread, this thread its exception handler (%d)", kr);
    if (kr == KERN_SUCCESS) {
        test_io(perm);
        test_debug();
        thread_terminate(worker);
        syscall_mach_port_deallocate(self, worker);
    }
    syscall_mach_port_deallocate(self, perm);
    syscall_mach_port_deallocate(self, dead);
    syscall_mach_port_deallocate(self, exc_port);
    syscall_mach_port_deallocate(self, dev);
    return 0;
}
