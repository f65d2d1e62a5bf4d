/* SPDX-License-Identifier: GPL-2.0-or-later */
/*
 * CPU time and event accounting through task_info and thread_info
 * (kern/account.c, kern/task_control.c), by RPC with GNU MIG's stubs:
 *   - spinning in user mode makes our thread's user time grow, never
 *     faster than host_get_time's clock (one thread cannot run longer
 *     than the time that passed);
 *   - kernel calls in a loop make its system time grow;
 *   - a second thread spins, is terminated, and its user time stays in
 *     the task (task_info BASIC counts dead threads, THREAD_TIMES the
 *     live ones);
 *   - EVENTS counts exactly the messages we send and receive, and the
 *     page faults, zero fills and copy-on-write faults we cause;
 *   - host_info LOAD: the load average becomes non-zero while we run;
 *     processor_set_info BASIC reports the same (shortest) averages;
 *   - GNU Mach's counts: the 1.8 layouts are still accepted, the full
 *     ones add 64-bit times; short counts, bad flavors, bad ports.
 * The times are sampled by the clock tick (10 ms): every bound below
 * allows for a tick or two. The second thread makes no RPC (the MIG
 * reply port of tests/user/lib is one per task). Boot line:
 *     acct $(task-create) $(task-resume)
 */
#include <mach/host_info.h>
#include <mach/message.h>
#include <mach/task_info.h>
#include <mach/thread_info.h>
#include <mach/thread_status.h>

#include "mach.h"
#include "mach_host.h"
#include "mach_port.h"
#include "lib/ulib.h"
#include "lib/mach_traps.h"

#define PAGE            4096u
#define STACK_SIZE      (4 * PAGE)
#define TICK_US         10000           /* the kernel's clock tick */
#define LIMIT_US        20000000        /* give up on a time that does not move */

/* GNU Mach's counts after 1.8: the 1.8 layouts followed by 64-bit times. */
#define TASK_BASIC_FULL         22
#define TASK_TIMES_FULL         12
#define THREAD_BASIC_FULL       25

static mach_port_t self, host;
static volatile unsigned int spins;

static long long
us_of(time_value_t tv)
{
    return (long long)tv.seconds * 1000000 + tv.microseconds;
}

/* host_get_time in microseconds. */
static long long
now_us(void)
{
    time_value_t tv;

    host_get_time(host, &tv);
    return us_of(tv);
}

/* Our thread's thread_info BASIC. */
static struct thread_basic_info
my_info(void)
{
    struct thread_basic_info info;
    mach_msg_type_number_t count = THREAD_BASIC_INFO_COUNT;
    mach_port_t me = mach_thread_self();

    memset(&info, 0, sizeof(info));
    thread_info(me, THREAD_BASIC_INFO, (thread_info_t)&info, &count);
    mach_port_deallocate(self, me);
    return info;
}

static void
test_user_time(void)
{
    struct thread_basic_info before = my_info(), after;
    long long start = now_us(), elapsed, user;

    do {
        for (unsigned int i = 0; i < 200000; i++) {
            spins++;
        }
        after = my_info();
        user = us_of(after.user_time) - us_of(before.user_time);
        elapsed = now_us() - start;
    } while (user < 300000 && elapsed < LIMIT_US);
    tap_ok(user >= 300000, "spinning: user time grew by %ld ms in %ld ms", (long)(user / 1000),
           (long)(elapsed / 1000));
    tap_ok(user <= elapsed + 2 * TICK_US, "and no faster than the clock (%ld ms in %ld ms)",
           (long)(user / 1000), (long)(elapsed / 1000));
    tap_ok(after.cpu_usage > 0 && after.run_state == TH_STATE_RUNNING && after.sleep_time == 0,
           "thread_info BASIC: cpu_usage %d, running, sleep_time %d", after.cpu_usage,
           after.sleep_time);
}

static void
test_system_time(void)
{
    struct thread_basic_info before = my_info(), after;
    long long start = now_us(), elapsed, sys;
    mach_port_t name;

    do {
        for (unsigned int i = 0; i < 200; i++) {
            syscall_mach_port_allocate(self, MACH_PORT_RIGHT_RECEIVE, &name);
            mach_port_destroy(self, name);
        }
        after = my_info();
        sys = us_of(after.system_time) - us_of(before.system_time);
        elapsed = now_us() - start;
    } while (sys < 100000 && elapsed < LIMIT_US);
    tap_ok(sys >= 100000 && sys <= elapsed + 2 * TICK_US,
           "kernel calls: system time grew by %ld ms in %ld ms", (long)(sys / 1000),
           (long)(elapsed / 1000));
}

/* The second thread: spins in user mode until terminated. */
void __attribute__((noreturn, used))
spinner(void)
{
    for (;;) {
        spins++;
    }
}

static void
task_times(time_value_t *dead_user, time_value_t *live_user)
{
    struct task_basic_info basic;
    struct task_thread_times_info times;
    mach_msg_type_number_t count;

    count = TASK_BASIC_INFO_COUNT;
    task_info(self, TASK_BASIC_INFO, (task_info_t)&basic, &count);
    count = TASK_THREAD_TIMES_INFO_COUNT;
    task_info(self, TASK_THREAD_TIMES_INFO, (task_info_t)&times, &count);
    *dead_user = basic.user_time;
    *live_user = times.user_time;
}

static void
test_dead_thread(void)
{
    struct i386_thread_state st;
    struct thread_basic_info info;
    mach_msg_type_number_t count;
    time_value_t dead0, live0, dead1, live1;
    vm_address_t stack = 0;
    long long start = now_us(), its = 0;
    mach_port_t t;
    kern_return_t kr;

    task_times(&dead0, &live0);
    kr = thread_create(self, &t);
    kr |= vm_allocate(self, &stack, STACK_SIZE, TRUE);
    count = i386_THREAD_STATE_COUNT;
    kr |= thread_get_state(t, i386_THREAD_STATE, (thread_state_t)&st, &count);
    st.eip = (unsigned int)spinner;
    st.uesp = stack + STACK_SIZE - 16;
    kr |= thread_set_state(t, i386_THREAD_STATE, (thread_state_t)&st, i386_THREAD_STATE_COUNT);
    kr |= thread_resume(t);
    tap_ok(kr == KERN_SUCCESS, "a second thread spins (%d)", kr);
    while (its < 200000 && now_us() - start < LIMIT_US) {
        swtch();                        /* let it run */
        count = THREAD_BASIC_INFO_COUNT;
        if (thread_info(t, THREAD_BASIC_INFO, (thread_info_t)&info, &count) == KERN_SUCCESS) {
            its = us_of(info.user_time);
        }
    }
    tap_ok(its >= 200000, "its user time reached %ld ms", (long)(its / 1000));
    task_times(&dead1, &live1);
    tap_ok(us_of(live1) >= its, "THREAD_TIMES (live threads) counts it: %ld ms",
           (long)(us_of(live1) / 1000));
    kr = thread_terminate(t);
    task_times(&dead1, &live1);
    tap_ok(kr == KERN_SUCCESS && us_of(dead1) - us_of(dead0) >= its,
           "terminated, its time stays in the task: BASIC user_time %ld ms (was %ld)",
           (long)(us_of(dead1) / 1000), (long)(us_of(dead0) / 1000));
    tap_ok(us_of(live1) < us_of(live0) + its,
           "and THREAD_TIMES no longer has it: %ld ms", (long)(us_of(live1) / 1000));
    mach_port_deallocate(self, t);
    vm_deallocate(self, stack, STACK_SIZE);
}

/* host_info LOAD: while we run, the 5 s load average becomes non-zero. */
static void
test_load(void)
{
    struct host_load_info load;
    mach_msg_type_number_t count;
    long long start = now_us();
    kern_return_t kr;

    do {
        for (unsigned int i = 0; i < 200000; i++) {
            spins++;
        }
        count = HOST_LOAD_INFO_COUNT;
        kr = host_info(host, HOST_LOAD_INFO, (host_info_t)&load, &count);
    } while (kr == KERN_SUCCESS && load.avenrun[0] == 0 && now_us() - start < LIMIT_US);
    tap_ok(kr == KERN_SUCCESS && count == HOST_LOAD_INFO_COUNT && load.avenrun[0] > 0
           && load.avenrun[0] <= 16 * LOAD_SCALE && load.mach_factor[0] >= 0
           && load.mach_factor[0] <= 8 * LOAD_SCALE,
           "host_info LOAD while we run: load %d %d %d, Mach factor %d %d %d (%d)",
           load.avenrun[0], load.avenrun[1], load.avenrun[2], load.mach_factor[0],
           load.mach_factor[1], load.mach_factor[2], kr);

    /* The one processor set reports the host's shortest averages: read
     * host, set, host until no sample (once a second) fell in between. */
    struct host_load_info again;
    struct processor_set_basic_info set;
    mach_port_t pset = MACH_PORT_NULL, h = MACH_PORT_NULL;
    unsigned int tries = 0;

    kr = processor_set_default(host, &pset);
    do {
        count = HOST_LOAD_INFO_COUNT;
        host_info(host, HOST_LOAD_INFO, (host_info_t)&load, &count);
        count = PROCESSOR_SET_BASIC_INFO_COUNT;
        kr = processor_set_info(pset, PROCESSOR_SET_BASIC_INFO, &h, (processor_set_info_t)&set,
                                &count);
        count = HOST_LOAD_INFO_COUNT;
        host_info(host, HOST_LOAD_INFO, (host_info_t)&again, &count);
    } while (kr == KERN_SUCCESS && ++tries < 10
             && (load.avenrun[0] != again.avenrun[0] || load.mach_factor[0] != again.mach_factor[0]));
    tap_ok(kr == KERN_SUCCESS && set.load_average == load.avenrun[0]
           && set.mach_factor == load.mach_factor[0] && set.load_average > 0,
           "processor_set_info BASIC: load %d, Mach factor %d, the host's (%d)",
           set.load_average, set.mach_factor, kr);
    mach_port_deallocate(mach_task_self(), pset);
    mach_port_deallocate(mach_task_self(), h);
}

static kern_return_t
events(struct task_events_info *ev)
{
    mach_msg_type_number_t count = TASK_EVENTS_INFO_COUNT;

    return task_info(self, TASK_EVENTS_INFO, (task_info_t)ev, &count);
}

static void
test_events(void)
{
    struct task_events_info e0, e1;
    mach_msg_header_t msg;
    mach_port_t port;
    vm_address_t a = 0, b = 0;
    mach_msg_type_number_t count;
    unsigned int sent = 0, received = 0;

    mach_port_allocate(self, MACH_PORT_RIGHT_RECEIVE, &port);
    events(&e0);
    for (unsigned int i = 0; i < 3; i++) {
        memset(&msg, 0, sizeof(msg));
        msg.msgh_bits = MACH_MSGH_BITS(MACH_MSG_TYPE_MAKE_SEND, 0);
        msg.msgh_remote_port = port;
        msg.msgh_size = sizeof(msg);
        msg.msgh_id = 1000 + i;
        sent += mach_msg(&msg, MACH_SEND_MSG, sizeof(msg), 0, MACH_PORT_NULL, 0,
                         MACH_PORT_NULL) == MACH_MSG_SUCCESS;
    }
    for (unsigned int i = 0; i < 3; i++) {
        received += mach_msg(&msg, MACH_RCV_MSG, 0, sizeof(msg), port, 0, MACH_PORT_NULL)
                    == MACH_MSG_SUCCESS;
    }
    /* A failed send is not counted. */
    msg.msgh_bits = MACH_MSGH_BITS(MACH_MSG_TYPE_COPY_SEND, 0);
    msg.msgh_remote_port = 0x7777;
    mach_msg(&msg, MACH_SEND_MSG, sizeof(msg), 0, MACH_PORT_NULL, 0, MACH_PORT_NULL);
    events(&e1);
    /* The first task_info's own request and reply are counted between the snapshots. */
    tap_ok(sent == 3 && received == 3 && e1.messages_sent - e0.messages_sent == 4
           && e1.messages_received - e0.messages_received == 4,
           "EVENTS: %u sent, %u received (3 + the RPC's request and reply)",
           (unsigned int)(e1.messages_sent - e0.messages_sent),
           (unsigned int)(e1.messages_received - e0.messages_received));

    vm_allocate(self, &a, 4 * PAGE, TRUE);
    events(&e0);
    for (unsigned int i = 0; i < 4; i++) {
        ((volatile char *)a)[i * PAGE] = 1;
    }
    events(&e1);
    tap_ok(e1.faults - e0.faults >= 4 && e1.zero_fills - e0.zero_fills >= 4,
           "4 pages touched: %u faults, %u zero fills", (unsigned int)(e1.faults - e0.faults),
           (unsigned int)(e1.zero_fills - e0.zero_fills));
    vm_read(self, a, 4 * PAGE, &b, &count);     /* a copy-on-write copy */
    events(&e0);
    ((volatile char *)b)[0] = 2;
    events(&e1);
    tap_ok(e1.cow_faults - e0.cow_faults >= 1 && ((volatile char *)a)[0] == 1,
           "a write to a vm_read copy: %u copy-on-write faults",
           (unsigned int)(e1.cow_faults - e0.cow_faults));
    tap_ok(e1.reactivations == 0 && e1.pageins == 0, "no pageout, no pager: reactivations %u, "
           "pageins %u", (unsigned int)e1.reactivations, (unsigned int)e1.pageins);
    vm_deallocate(self, a, 4 * PAGE);
    vm_deallocate(self, b, 4 * PAGE);
    mach_port_destroy(self, port);
}

static void
test_counts(void)
{
    integer_t buf[64];
    mach_msg_type_number_t count;
    mach_port_t me = mach_thread_self();
    struct thread_basic_info *tb = (struct thread_basic_info *)buf;
    long long *t64;
    kern_return_t kr;

    count = TASK_INFO_MAX < 64 ? TASK_INFO_MAX : 64;
    kr = task_info(self, TASK_BASIC_INFO, buf, &count);
    t64 = (long long *)&buf[TASK_BASIC_INFO_COUNT];
    tap_ok(kr == KERN_SUCCESS && count == TASK_BASIC_FULL
           && t64[4] == ((struct task_basic_info *)buf)->creation_time.seconds
           && t64[4] > 1000000000, "task BASIC, room for 64: %u words, 64-bit creation %ld s (%d)",
           count, (long)t64[4], kr);
    count = TASK_BASIC_INFO_COUNT - 1;
    kr = task_info(self, TASK_BASIC_INFO, buf, &count);
    tap_ok(kr == KERN_INVALID_ARGUMENT, "task BASIC, 9 words: KERN_INVALID_ARGUMENT (%d)", kr);
    count = 64;
    kr = task_info(self, TASK_THREAD_TIMES_INFO, buf, &count);
    tap_ok(kr == KERN_SUCCESS && count == TASK_TIMES_FULL, "THREAD_TIMES: %u words (%d)", count,
           kr);
    count = TASK_EVENTS_INFO_COUNT - 1;
    kr = task_info(self, TASK_EVENTS_INFO, buf, &count);
    tap_ok(kr == KERN_INVALID_ARGUMENT, "EVENTS, 6 words: KERN_INVALID_ARGUMENT (%d)", kr);
    count = 64;
    kr = task_info(self, 7, buf, &count);
    tap_ok(kr == KERN_INVALID_ARGUMENT, "task flavor 7: KERN_INVALID_ARGUMENT (%d)", kr);
    kr = task_info(host, TASK_EVENTS_INFO, buf, &count);
    tap_ok(kr == KERN_INVALID_ARGUMENT, "task_info on the host port: KERN_INVALID_ARGUMENT (%d)",
           kr);

    count = 64;
    kr = thread_info(me, THREAD_BASIC_INFO, buf, &count);
    t64 = (long long *)&buf[THREAD_BASIC_INFO_COUNT];
    tap_ok(kr == KERN_SUCCESS && count == THREAD_BASIC_FULL
           && t64[0] == tb->user_time.seconds && t64[1] == tb->user_time.microseconds * 1000LL
           && t64[4] == tb->creation_time.seconds,
           "thread BASIC, room for 64: %u words, the 64-bit times agree (%d)", count, kr);
    count = THREAD_BASIC_INFO_COUNT;
    kr = thread_info(me, THREAD_BASIC_INFO, buf, &count);
    tap_ok(kr == KERN_SUCCESS && count == THREAD_BASIC_INFO_COUNT,
           "thread BASIC, the 1.8 count: %u words (%d)", count, kr);
    count = THREAD_BASIC_INFO_COUNT - 1;
    kr = thread_info(me, THREAD_BASIC_INFO, buf, &count);
    tap_ok(kr == KERN_INVALID_ARGUMENT, "thread BASIC, 12 words: KERN_INVALID_ARGUMENT (%d)", kr);
    count = 64;
    kr = thread_info(self, THREAD_BASIC_INFO, buf, &count);
    tap_ok(kr == KERN_INVALID_ARGUMENT, "thread_info on a task port: KERN_INVALID_ARGUMENT (%d)",
           kr);
    mach_port_deallocate(self, me);
}

int
main(int argc, char **argv)
{
    (void)argc;
    (void)argv;
    self = mach_task_self();
    host = mach_host_self();
    tap_plan(25);
    test_user_time();
    test_system_time();
    test_dead_thread();
    test_load();
    test_events();
    test_counts();
    mach_port_deallocate(self, host);
    tap_done();
}
