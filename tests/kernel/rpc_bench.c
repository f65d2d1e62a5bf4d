/* SPDX-License-Identifier: GPL-2.0-or-later */
/*
 * test=rpc_bench (manual): where the instructions of a kernel RPC go,
 * for QEMU with -icount shift=0,sleep=off, where rdtsc counts guest
 * instructions (tools/bench-kernel rpc_bench).
 *
 * A kernel thread joins a task and makes mach_port_get_refs requests
 * (id 3207) on the task's own kernel port, built in kernel memory as
 * the user stub builds them, then runs the steps mach_msg_trap runs,
 * reading rdtsc between them: buffer (kmsg allocated, the 40 bytes
 * copied), copyin (header rights), send (ipc_mqueue_send: the kernel
 * object's server: the kernel's view, the demultiplexers, the stub, the
 * routine, the reply taken up and queued), receive (ipc_mqueue_receive),
 * copyout (the reply's rights and the copy out), free. The trap entry
 * and the user-mode copies are not here: tests/user/rpcbench.c times the
 * whole call from user mode. Inside the server, the stub with its
 * conversions and routine (mach_port_server on a request in the
 * kernel's view) and the reply buffer (kmsg allocation and free) are
 * timed alone. Every figure is the best of BENCH_RUNS runs of
 * BENCH_CALLS calls, minus the cost of reading rdtsc.
 */
#include <stdbool.h>
#include <stddef.h>
#include <stdint.h>

#include <i386/cpu.h>
#include <include/mach/kern_return.h>
#include <include/mach/message.h>
#include <include/mach/mig_errors.h>
#include <include/mach/port.h>
#include <ipc/ipc_kmsg.h>
#include <ipc/ipc_mqueue.h>
#include <ipc/ipc_right.h>
#include <kern/ktest.h>
#include <kern/mig_kernel.h>
#include <kern/printf.h>
#include <kern/string.h>
#include <kern/task.h>

#define BENCH_RUNS              3
#define BENCH_CALLS             1000
#define BENCH_STEPS             6

boolean_t mach_port_server(mach_msg_header_t *request, mach_msg_header_t *reply);

/* mach_port_get_refs's request, as GNU MIG's user stub lays it out. */
struct rpc_bench_request {
    mach_msg_header_t head;
    uint32_t name_type;
    mach_port_name_t name;
    uint32_t right_type;
    mach_port_right_t right;
};

static const char *const rpc_bench_step_names[BENCH_STEPS] = {
    "buffer (kmsg alloc + 40-byte copy)", "copyin (header rights)",
    "send (the kernel object's server)", "receive (ipc_mqueue_receive)",
    "copyout (rights, 40-byte copy out)", "free",
};

static void
rpc_bench_fill(struct rpc_bench_request *r, mach_port_name_t task, mach_port_name_t reply)
{
    memset(r, 0, sizeof(*r));
    r->head.msgh_bits = MACH_MSGH_BITS(MACH_MSG_TYPE_COPY_SEND, MACH_MSG_TYPE_MAKE_SEND_ONCE);
    r->head.msgh_size = sizeof(*r);
    r->head.msgh_remote_port = task;
    r->head.msgh_local_port = reply;
    r->head.msgh_id = 3207;
    r->name_type = MACH_MSGT(MACH_MSG_TYPE_PORT_NAME, 32, 1, 1);
    r->name = task;
    r->right_type = MACH_MSGT(MACH_MSG_TYPE_INTEGER_32, 32, 1, 1);
    r->right = MACH_PORT_RIGHT_SEND;
}

/* One RPC, its steps' instructions added to steps[]; false if it failed. */
static bool
rpc_bench_call(struct task *task, const struct rpc_bench_request *tmpl, mach_port_name_t reply,
               uint64_t steps[BENCH_STEPS], uint64_t rdtsc_cost)
{
    uint64_t t[BENCH_STEPS + 1];
    struct ipc_kmsg *kmsg, *k = NULL;
    mach_msg_size_t size;
    mig_reply_header_t out;
    mach_msg_return_t mr;

    t[0] = cpu_rdtsc();
    kmsg = ipc_kmsg_alloc(sizeof(*tmpl));
    if (kmsg == NULL) {
        return false;
    }
    memcpy(&kmsg->header, tmpl, sizeof(*tmpl));
    t[1] = cpu_rdtsc();
    mr = ipc_kmsg_copyin(kmsg, task->space, task->map);
    t[2] = cpu_rdtsc();
    mr |= ipc_mqueue_send(kmsg, 0, 0);
    t[3] = cpu_rdtsc();
    mr |= ipc_mqueue_receive(task->space, reply, 0, 4096, 0, &k, &size);
    t[4] = cpu_rdtsc();
    if (k == NULL) {
        return false;
    }
    mr |= ipc_kmsg_copyout(k, task->space, task->map);
    memcpy(&out, &k->header, sizeof(out));
    t[5] = cpu_rdtsc();
    ipc_kmsg_free(k);
    t[6] = cpu_rdtsc();
    for (unsigned int i = 0; i < BENCH_STEPS; i++) {
        steps[i] += t[i + 1] - t[i] - rdtsc_cost;
    }
    return mr == MACH_MSG_SUCCESS && out.Head.msgh_id == 3307 && out.RetCode == KERN_SUCCESS;
}

/* The instructions of one rdtsc read, as the steps pay it. */
static uint64_t
rpc_bench_rdtsc_cost(void)
{
    uint64_t best = UINT64_MAX;

    for (unsigned int i = 0; i < 100; i++) {
        uint64_t a = cpu_rdtsc(), b = cpu_rdtsc();

        best = (b - a < best) ? b - a : best;
    }
    return best;
}

static void
rpc_bench_steps(struct task *task, const struct rpc_bench_request *tmpl, mach_port_name_t reply)
{
    uint64_t best[BENCH_STEPS], total = 0, rdtsc_cost = rpc_bench_rdtsc_cost();
    unsigned int failures = 0;

    for (unsigned int i = 0; i < BENCH_STEPS; i++) {
        best[i] = UINT64_MAX;
    }
    for (unsigned int run = 0; run < BENCH_RUNS; run++) {
        uint64_t steps[BENCH_STEPS] = { 0 };

        for (unsigned int i = 0; i < BENCH_CALLS; i++) {
            failures += !rpc_bench_call(task, tmpl, reply, steps, rdtsc_cost);
        }
        for (unsigned int i = 0; i < BENCH_STEPS; i++) {
            best[i] = (steps[i] < best[i]) ? steps[i] : best[i];
        }
    }
    ktest_assert_msg(failures == 0, "%u of the RPCs failed", failures);
    for (unsigned int i = 0; i < BENCH_STEPS; i++) {
        total += best[i];
        printf("bench: rpc get_refs step %u, %s: %llu instructions\n", i + 1,
               rpc_bench_step_names[i], (unsigned long long)(best[i] / BENCH_CALLS));
    }
    printf("bench: rpc get_refs steps together: %llu instructions\n",
           (unsigned long long)(total / BENCH_CALLS));
}

/* The server's parts alone: the stub (conversions, routine) and the reply buffer. */
static void
rpc_bench_server(struct task *task, const struct rpc_bench_request *tmpl)
{
    struct ipc_kmsg *kmsg = ipc_kmsg_alloc(sizeof(*tmpl)), *reply;
    uint64_t best_stub = UINT64_MAX, best_buf = UINT64_MAX;
    unsigned int failures = 0;

    KTEST_ASSERT(kmsg != NULL);
    memcpy(&kmsg->header, tmpl, sizeof(*tmpl));
    KTEST_ASSERT(ipc_kmsg_copyin(kmsg, task->space, task->map) == MACH_MSG_SUCCESS);
    ipc_kmsg_kernel_view(kmsg);
    reply = ipc_kmsg_alloc(4096);
    KTEST_ASSERT(reply != NULL);
    for (unsigned int run = 0; run < BENCH_RUNS; run++) {
        uint64_t t = cpu_rdtsc();

        for (unsigned int i = 0; i < BENCH_CALLS; i++) {
            failures += !mach_port_server(&kmsg->header, &reply->header)
                        || ((mig_reply_header_t *)&reply->header)->RetCode != KERN_SUCCESS;
        }
        t = cpu_rdtsc() - t;
        best_stub = (t < best_stub) ? t : best_stub;
        t = cpu_rdtsc();
        for (unsigned int i = 0; i < BENCH_CALLS; i++) {
            struct ipc_kmsg *b = ipc_kmsg_alloc(4096 + 256);

            failures += b == NULL;
            if (b != NULL) {
                ipc_kmsg_free(b);
            }
        }
        t = cpu_rdtsc() - t;
        best_buf = (t < best_buf) ? t : best_buf;
    }
    ktest_assert_msg(failures == 0, "%u failures", failures);
    printf("bench: rpc get_refs in the server: mach_port_server (stub, conversions, "
           "routine) %llu instructions\n", (unsigned long long)(best_stub / BENCH_CALLS));
    printf("bench: rpc get_refs in the server: reply buffer alloc + free %llu instructions\n",
           (unsigned long long)(best_buf / BENCH_CALLS));
    ipc_kmsg_free(reply);
    /* Give the request back to the kernel's bookkeeping: destroy it. */
    kmsg->header.msgh_remote_port = 0;
    kmsg->header.msgh_local_port = 0;
    ipc_kmsg_destroy(kmsg);
}

static void
rpc_bench_fn(void)
{
    struct rpc_bench_request tmpl;
    mach_port_name_t tname, reply;
    struct task *task;

    if (task_create_named(NULL, false, "rpc_bench", &task) != KERN_SUCCESS
        || task_thread_enter(task) != KERN_SUCCESS) {
        ktest_fail_at(__FILE__, __LINE__, "no task");
        return;
    }
    KTEST_ASSERT(ipc_right_copyout(task->space, task->kport, MACH_PORT_RIGHT_SEND, &tname)
                 == KERN_SUCCESS);
    KTEST_ASSERT(ipc_right_alloc(task->space, MACH_PORT_RIGHT_RECEIVE, &reply) == KERN_SUCCESS);
    rpc_bench_fill(&tmpl, tname, reply);
    rpc_bench_steps(task, &tmpl, reply);
    rpc_bench_server(task, &tmpl);
    task_thread_leave();
    task_terminate(task);
}

KTEST_DEFINE(rpc_bench, rpc_bench_fn, KTEST_MANUAL);
