/* SPDX-License-Identifier: GPL-2.0-or-later */
/*
 * The mach_host.defs RPCs through GNU MIG's user stubs: host_info,
 * host_kernel_version, host_get_time, the processors and the default
 * processor set (host_processors and host_processor_sets: out-of-line
 * port arrays; processor_set_tasks and processor_set_threads through
 * the set's control port; processor_info, processor_set_info, the *_get_assignment
 * calls), vm_wire through each kind of host port, task_priority and
 * thread_priority, and host_reboot's
 * refusals (the unprivileged port, RB_DEBUGGER). Then the control
 * routines: processor start/exit/control, set creation and the
 * assignments (GNU Mach without MACH_HOST: KERN_FAILURE), the set's
 * maximum priority and policies with thread_policy (seen in
 * thread_info), host_set_time / host_adjust_time and their 64-bit forms
 * (the time moves, the slew runs at GNU Mach's rate), host_get_boot_info,
 * thread_wire, task_set_essential (a child ends: the console names it),
 * and the emulation vectors (a trap number sent to a handler here, by
 * the call gate and by `int $0x80`; a child sharing the table). With a second argument "halt" it ends the
 * machine with host_reboot(RB_HALT) once its results are printed.
 * Without the host-priv argument it is the unprivileged task: every
 * privileged call through mach_host_self() is refused. Boot lines:
 *     rpchost ${host-port} [halt] $(task-create) $(task-resume)
 *     rpchost-nopriv $(task-create) $(task-resume)
 */
#include <mach/host_info.h>
#include <mach/message.h>
#include <mach/policy.h>
#include <mach/processor_info.h>
#include <mach/thread_info.h>
#include <mach/thread_switch.h>

#include "gnumach.h"
#include "mach.h"
#include "mach_host.h"
#include "mach_host_ext.h"
#include "mach_port.h"
#include "lib/ulib.h"
#include "lib/mach_traps.h"

#define RB_HALT         0x8
#define RB_DEBUGGER     0x1000

static void
test_host(mach_port_t host)
{
    struct host_basic_info basic;
    mach_msg_type_number_t count = HOST_BASIC_INFO_COUNT;
    kernel_version_t version;
    time_value_t now;
    kern_return_t kr;

    kr = host_info(host, HOST_BASIC_INFO, (host_info_t)&basic, &count);
    tap_ok(kr == KERN_SUCCESS && count == HOST_BASIC_INFO_COUNT && basic.avail_cpus >= 1
           && basic.max_cpus >= basic.avail_cpus && basic.memory_size > 16 << 20,
           "host_info BASIC: %d CPUs of %d, %u bytes (%d)", basic.avail_cpus, basic.max_cpus,
           basic.memory_size, kr);
    count = 1;
    kr = host_info(host, HOST_BASIC_INFO, (host_info_t)&basic, &count);
    tap_ok(kr == KERN_FAILURE, "host_info BASIC with room for 1 word: KERN_FAILURE (%d)", kr);
    count = HOST_BASIC_INFO_COUNT;
    kr = host_info(host, 77, (host_info_t)&basic, &count);
    tap_ok(kr == KERN_INVALID_ARGUMENT, "host_info flavor 77: KERN_INVALID_ARGUMENT (%d)", kr);
    memset(version, 0, sizeof(version));
    kr = host_kernel_version(host, version);
    tap_ok(kr == KERN_SUCCESS && strlen(version) > 4, "host_kernel_version: \"%s\"", version);
    kr = host_get_time(host, &now);
    tap_ok(kr == KERN_SUCCESS && now.seconds > 1600000000 && now.microseconds < 1000000,
           "host_get_time: %ld s %ld us", (long)now.seconds, (long)now.microseconds);
    kr = host_get_time(mach_task_self(), &now);
    tap_ok(kr == KERN_INVALID_ARGUMENT || kr == KERN_INVALID_HOST,
           "host_get_time on a task port: refused (%d)", kr);
}

static void
test_processors(mach_port_t host, mach_port_t host_priv)
{
    processor_array_t procs;
    processor_set_name_array_t sets;
    mach_msg_type_number_t n = 0, count;
    mach_port_t pset = MACH_PORT_NULL, control = MACH_PORT_NULL, h = MACH_PORT_NULL, s;
    struct processor_basic_info pinfo;
    struct processor_set_basic_info sinfo;
    kern_return_t kr;

    kr = host_processors(host_priv, &procs, &n);
    tap_ok(kr == KERN_SUCCESS && n >= 1, "host_processors: %u processors (%d)", n, kr);
    count = PROCESSOR_BASIC_INFO_COUNT;
    kr = n >= 1 ? processor_info(procs[0], PROCESSOR_BASIC_INFO, &h, (processor_info_t)&pinfo,
                                 &count) : KERN_FAILURE;
    tap_ok(kr == KERN_SUCCESS && pinfo.slot_num == 0 && pinfo.is_master && pinfo.running
           && h == host, "processor_info of the first: slot 0, master, running (%d)", kr);
    count = PROCESSOR_BASIC_INFO_COUNT;
    kr = n >= 2 ? processor_info(procs[n - 1], PROCESSOR_BASIC_INFO, &h,
                                 (processor_info_t)&pinfo, &count) : KERN_SUCCESS;
    tap_ok(kr == KERN_SUCCESS && (n < 2 || ((unsigned int)pinfo.slot_num == n - 1
                                             && !pinfo.is_master)),
           "processor_info of the last: slot %u, not master", n - 1);
    kr = host_processors(host, &procs, &n);
    tap_ok(kr == KERN_INVALID_ARGUMENT,
           "host_processors through the unprivileged port: KERN_INVALID_ARGUMENT (%d)", kr);

    kr = processor_set_default(host, &pset);
    tap_ok(kr == KERN_SUCCESS && MACH_PORT_VALID(pset), "processor_set_default (%d)", kr);
    count = PROCESSOR_SET_BASIC_INFO_COUNT;
    kr = processor_set_info(pset, PROCESSOR_SET_BASIC_INFO, &h, (processor_set_info_t)&sinfo,
                            &count);
    tap_ok(kr == KERN_SUCCESS && sinfo.processor_count >= 1 && sinfo.task_count >= 1
           && h == host, "processor_set_info BASIC: %d CPUs, %d tasks, %d threads (%d)",
           sinfo.processor_count, sinfo.task_count, sinfo.thread_count, kr);
    kr = host_processor_sets(host, &sets, &n);
    tap_ok(kr == KERN_SUCCESS && n == 1 && sets[0] == pset,
           "host_processor_sets: the default set's name port (%d)", kr);
    kr = host_processor_set_priv(host_priv, pset, &control);
    tap_ok(kr == KERN_SUCCESS && MACH_PORT_VALID(control) && control != pset,
           "host_processor_set_priv: its control port (%d)", kr);
    {
        task_array_t tasks;
        thread_array_t threads;
        mach_msg_type_number_t nt = 0;
        bool mine = false;

        kr = processor_set_tasks(control, &tasks, &nt);
        for (mach_msg_type_number_t i = 0; kr == KERN_SUCCESS && i < nt; i++) {
            mine |= tasks[i] == mach_task_self();
        }
        tap_ok(kr == KERN_SUCCESS && nt >= 1 && mine,
               "processor_set_tasks: %u tasks, this one among them (%d)", nt, kr);
        mine = false;
        kr = processor_set_threads(control, &threads, &nt);
        for (mach_msg_type_number_t i = 0; kr == KERN_SUCCESS && i < nt; i++) {
            mine |= threads[i] == mach_thread_self();
        }
        tap_ok(kr == KERN_SUCCESS && nt >= 1 && mine,
               "processor_set_threads: %u threads, this one among them (%d)", nt, kr);
        kr = processor_set_tasks(pset, &tasks, &nt);
        tap_ok(kr == KERN_INVALID_ARGUMENT,
               "processor_set_tasks through the name port: KERN_INVALID_ARGUMENT (%d)", kr);
    }
    kr = task_get_assignment(mach_task_self(), &s);
    tap_ok(kr == KERN_SUCCESS && s == pset, "task_get_assignment: the default set (%d)", kr);
    kr = thread_get_assignment(mach_thread_self(), &s);
    tap_ok(kr == KERN_SUCCESS && s == pset, "thread_get_assignment: the default set (%d)", kr);
    kr = task_get_assignment(host, &s);
    tap_ok(kr == KERN_INVALID_ARGUMENT, "task_get_assignment on the host port: %d", kr);
}

/* vm_wire (2636): its host argument decides how much may be wired. */
static void
test_wire(mach_port_t host, mach_port_t host_priv)
{
    mach_port_t self = mach_task_self();
    vm_address_t addr = 0;
    kern_return_t kr;

    kr = syscall_vm_allocate(self, &addr, 4 * 4096, 1);
    tap_ok(kr == KERN_SUCCESS && vm_wire(host_priv, self, addr, 4 * 4096,
                                         VM_PROT_READ | VM_PROT_WRITE) == KERN_SUCCESS,
           "vm_wire of 4 pages through host-priv (%d)", kr);
    kr = vm_wire(host, self, addr, 4096, VM_PROT_NONE);
    tap_ok(kr == KERN_SUCCESS, "vm_wire (unwire) of a page through the host port (%d)", kr);
    kr = vm_wire(self, self, addr, 4096, VM_PROT_READ);
    tap_ok(kr == KERN_INVALID_HOST, "vm_wire through a task port: KERN_INVALID_HOST (%d)", kr);
    syscall_vm_deallocate(self, addr, 4 * 4096);
}

static void
test_priorities(void)
{
    mach_port_t thread = mach_thread_self();
    kern_return_t kr;

    kr = task_priority(mach_task_self(), 30, FALSE);
    tap_ok(kr == KERN_SUCCESS, "task_priority 30 (%d)", kr);
    kr = thread_priority(thread, 35, FALSE);
    tap_ok(kr == KERN_SUCCESS, "thread_priority 35 (%d)", kr);
    kr = thread_priority(thread, 50, FALSE);
    tap_ok(kr == KERN_INVALID_ARGUMENT, "thread_priority 50: out of range (%d)", kr);
    kr = thread_priority(mach_task_self(), 35, FALSE);
    tap_ok(kr == KERN_INVALID_ARGUMENT, "thread_priority on a task port: %d", kr);
    kr = thread_depress_abort(thread);
    tap_ok(kr == KERN_SUCCESS, "thread_depress_abort: no depression to end (%d)", kr);
    kr = thread_depress_abort(mach_task_self());
    tap_ok(kr == KERN_INVALID_ARGUMENT, "thread_depress_abort on a task port: %d", kr);
}

/* processor_start/exit/control, sets and assignments: GNU Mach without MACH_HOST. */
static void
test_control(mach_port_t host, mach_port_t host_priv)
{
    mach_port_t pset = MACH_PORT_NULL, control = MACH_PORT_NULL, s1, s2, set;
    processor_array_t procs;
    mach_msg_type_number_t n = 0;
    integer_t cmd[1] = { 0 };
    kern_return_t kr;

    processor_set_default(host, &pset);
    host_processor_set_priv(host_priv, pset, &control);
    kr = host_processors(host_priv, &procs, &n);
    if (kr != KERN_SUCCESS || n < 1) {
        n = 0;
    }
    kr = n ? processor_start(procs[0]) : KERN_SUCCESS;
    tap_ok(kr == KERN_FAILURE, "processor_start of a running CPU: KERN_FAILURE (%d)", kr);
    kr = n ? processor_exit(procs[0]) : KERN_SUCCESS;
    tap_ok(kr == KERN_FAILURE, "processor_exit: KERN_FAILURE, the CPU runs on (%d)", kr);
    kr = n ? processor_control(procs[0], cmd, 1) : KERN_SUCCESS;
    tap_ok(kr == KERN_FAILURE, "processor_control: KERN_FAILURE (%d)", kr);
    kr = processor_start(host);
    tap_ok(kr == KERN_INVALID_ARGUMENT, "processor_start on the host port: %d", kr);
    kr = processor_exit(mach_task_self());
    tap_ok(kr == KERN_INVALID_ARGUMENT, "processor_exit on a task port: %d", kr);
    kr = n ? processor_get_assignment(procs[0], &set) : KERN_FAILURE;
    tap_ok(kr == KERN_SUCCESS && set == pset, "processor_get_assignment: the default set (%d)",
           kr);

    kr = processor_set_create(host, &s1, &s2);
    tap_ok(kr == KERN_FAILURE, "processor_set_create: KERN_FAILURE, one set (%d)", kr);
    kr = processor_set_destroy(control);
    tap_ok(kr == KERN_FAILURE, "processor_set_destroy of the default set: KERN_FAILURE (%d)", kr);
    kr = n ? processor_assign(procs[0], control, TRUE) : KERN_SUCCESS;
    tap_ok(kr == KERN_FAILURE, "processor_assign: KERN_FAILURE (%d)", kr);
    kr = thread_assign(mach_thread_self(), control);
    tap_ok(kr == KERN_FAILURE, "thread_assign: KERN_FAILURE (%d)", kr);
    kr = thread_assign_default(mach_thread_self());
    tap_ok(kr == KERN_FAILURE, "thread_assign_default: KERN_FAILURE (%d)", kr);
    kr = task_assign(mach_task_self(), control, TRUE);
    tap_ok(kr == KERN_FAILURE, "task_assign: KERN_FAILURE (%d)", kr);
    kr = task_assign_default(mach_task_self(), FALSE);
    tap_ok(kr == KERN_FAILURE, "task_assign_default: KERN_FAILURE (%d)", kr);
    kr = thread_get_assignment(mach_thread_self(), &set);
    tap_ok(kr == KERN_SUCCESS && set == pset, "still in the default set (%d)", kr);
}

/* This thread's scheduling information. */
static kern_return_t
sched_info(struct thread_sched_info *info)
{
    mach_msg_type_number_t count = THREAD_SCHED_INFO_COUNT;

    return thread_info(mach_thread_self(), THREAD_SCHED_INFO, (thread_info_t)info, &count);
}

/* The set's enabled policies and maximum priority. */
static kern_return_t
set_sched(mach_port_t pset, struct processor_set_sched_info *info)
{
    mach_msg_type_number_t count = PROCESSOR_SET_SCHED_INFO_COUNT;
    mach_port_t h;

    return processor_set_info(pset, PROCESSOR_SET_SCHED_INFO, &h, (processor_set_info_t)info,
                              &count);
}

/* Policies and the set's maximum priority through its control port. */
static void
test_policy(mach_port_t host, mach_port_t host_priv)
{
    mach_port_t thread = mach_thread_self(), pset = MACH_PORT_NULL, control = MACH_PORT_NULL;
    struct processor_set_sched_info ss;
    struct thread_sched_info ts;
    kern_return_t kr, kr2;

    processor_set_default(host, &pset);
    host_processor_set_priv(host_priv, pset, &control);
    kr = set_sched(pset, &ss);
    tap_ok(kr == KERN_SUCCESS && ss.policies == POLICY_TIMESHARE && ss.max_priority == 6,
           "the set: timesharing only, maximum 6 (%d: %d, %d)", kr, ss.policies,
           ss.max_priority);
    kr = thread_policy(thread, POLICY_FIXEDPRI, 25);
    tap_ok(kr == KERN_FAILURE, "thread_policy FIXEDPRI before the set allows it: %d", kr);
    kr = processor_set_policy_enable(pset, POLICY_FIXEDPRI);
    tap_ok(kr == KERN_INVALID_ARGUMENT, "processor_set_policy_enable via the name port: %d", kr);
    kr = processor_set_policy_enable(control, 3);
    tap_ok(kr == KERN_INVALID_ARGUMENT, "processor_set_policy_enable of policy 3: %d", kr);
    kr = processor_set_policy_enable(control, POLICY_FIXEDPRI);
    kr2 = set_sched(pset, &ss);
    tap_ok(kr == KERN_SUCCESS && kr2 == KERN_SUCCESS
           && ss.policies == (POLICY_TIMESHARE | POLICY_FIXEDPRI),
           "processor_set_policy_enable FIXEDPRI: policies %d (%d)", ss.policies, kr);
    kr = thread_policy(thread, POLICY_FIXEDPRI, 25);
    kr2 = sched_info(&ts);
    tap_ok(kr == KERN_SUCCESS && kr2 == KERN_SUCCESS && ts.policy == POLICY_FIXEDPRI
           && ts.data == 30,
           "thread_policy FIXEDPRI 25 ms: thread_info says %d, %d ms (ticks round up) (%d)",
           ts.policy, ts.data, kr);
    kr = thread_policy(thread, 0, 0);
    tap_ok(kr == KERN_INVALID_ARGUMENT, "thread_policy 0: %d", kr);
    kr = thread_policy(mach_task_self(), POLICY_TIMESHARE, 0);
    tap_ok(kr == KERN_INVALID_ARGUMENT, "thread_policy on a task port: %d", kr);
    kr = processor_set_policy_disable(control, POLICY_TIMESHARE, FALSE);
    tap_ok(kr == KERN_INVALID_ARGUMENT, "processor_set_policy_disable TIMESHARE: %d", kr);
    kr = processor_set_policy_disable(control, POLICY_FIXEDPRI, TRUE);
    tap_ok(kr == KERN_SUCCESS && sched_info(&ts) == KERN_SUCCESS
           && ts.policy == POLICY_TIMESHARE && set_sched(pset, &ss) == KERN_SUCCESS
           && ss.policies == POLICY_TIMESHARE,
           "processor_set_policy_disable FIXEDPRI, change_threads: the thread timeshares (%d)",
           kr);
    kr = thread_policy(thread, POLICY_TIMESHARE, 0);
    tap_ok(kr == KERN_SUCCESS, "thread_policy TIMESHARE (%d)", kr);

    kr = processor_set_max_priority(pset, 10, FALSE);
    tap_ok(kr == KERN_INVALID_ARGUMENT, "processor_set_max_priority via the name port: %d", kr);
    kr = processor_set_max_priority(control, 50, FALSE);
    tap_ok(kr == KERN_INVALID_ARGUMENT, "processor_set_max_priority 50: %d", kr);
    kr = processor_set_max_priority(control, 10, TRUE);
    kr2 = set_sched(pset, &ss) | sched_info(&ts);
    tap_ok(kr == KERN_SUCCESS && kr2 == KERN_SUCCESS && ss.max_priority == 10
           && ts.max_priority == 10,
           "processor_set_max_priority 10, change_threads: set %d, this thread %d (%d)",
           ss.max_priority, ts.max_priority, kr);
    kr = thread_priority(thread, 8, FALSE);
    tap_ok(kr == KERN_FAILURE, "thread_priority 8, above the new maximum: %d", kr);
    kr = processor_set_max_priority(control, 6, FALSE);
    kr2 = sched_info(&ts);
    tap_ok(kr == KERN_SUCCESS && kr2 == KERN_SUCCESS && ts.max_priority == 10
           && thread_max_priority(thread, control, 6) == KERN_SUCCESS,
           "back to 6 without change_threads: the thread keeps 10 until thread_max_priority "
           "(%d)", kr);
}

/* The time of day minus the uptime, in nanoseconds, read within one tick. */
static long long
tod_offset(mach_port_t host)
{
    time_value64_t t, u1, u2;

    do {
        host_get_uptime64(host, &u1);
        host_get_time64(host, &t);
        host_get_uptime64(host, &u2);
    } while (u1.seconds != u2.seconds || u1.nanoseconds != u2.nanoseconds);
    return (t.seconds - u1.seconds) * 1000000000LL + (t.nanoseconds - u1.nanoseconds);
}

static void
test_time(mach_port_t host, mach_port_t host_priv)
{
    long long offset = tod_offset(host), offset2, left_us;
    time_value_t tv, old = { 1, 1 };
    time_value64_t tv64, old64 = { 1, 1 };
    kern_return_t kr, kr2;

    tv.seconds = 2000000000;
    tv.microseconds = 250000;
    kr = host_set_time(host, tv);
    tap_ok(kr == KERN_INVALID_HOST, "host_set_time through the host port: %d", kr);
    kr = host_set_time(host_priv, tv);
    kr2 = host_get_time(host, &tv);
    tap_ok(kr == KERN_SUCCESS && kr2 == KERN_SUCCESS
           && tv.seconds == 2000000000 && tv.microseconds >= 250000,
           "host_set_time 2000000000.25: host_get_time %ld.%06ld (%d)", (long)tv.seconds,
           (long)tv.microseconds, kr);
    tv64.seconds = 3000000000LL;
    tv64.nanoseconds = 0;
    kr = host_set_time64(host_priv, tv64);
    kr2 = host_get_time64(host, &tv64);
    tap_ok(kr == KERN_SUCCESS && kr2 == KERN_SUCCESS
           && tv64.seconds == 3000000000LL && tv64.nanoseconds < 500000000,
           "host_set_time64 3000000000 (after 2038): host_get_time64 %u.%09ld (%d)",
           (unsigned int)tv64.seconds, (long)tv64.nanoseconds, kr);
    tv64.seconds = 10000000000000LL;
    kr = host_set_time64(host_priv, tv64);
    tap_ok(kr == KERN_INVALID_ARGUMENT, "host_set_time64 beyond 64-bit nanoseconds: %d", kr);
    kr = host_set_time64(host, tv64);
    tap_ok(kr == KERN_INVALID_HOST, "host_set_time64 through the host port: %d", kr);
    /* Back to the real time: the old offset from the uptime. */
    kr = host_get_uptime64(host, &tv64);
    tv64.seconds += offset / 1000000000LL;
    tv64.nanoseconds += offset % 1000000000LL;
    if (tv64.nanoseconds >= 1000000000LL) {
        tv64.seconds++;
        tv64.nanoseconds -= 1000000000LL;
    }
    kr = host_set_time64(host_priv, tv64);
    offset2 = tod_offset(host);
    tap_ok(kr == KERN_SUCCESS && offset2 - offset < 20000000 && offset - offset2 < 20000000,
           "the time set back: offset from the uptime within 20 ms of before (%d)", kr);

    /* host_adjust_time: 2 s from none is big: 50 us a 10 ms tick. */
    tv.seconds = 2;
    tv.microseconds = 0;
    kr = host_adjust_time(host, tv, &old);
    tap_ok(kr == KERN_INVALID_HOST, "host_adjust_time through the host port: %d", kr);
    offset = tod_offset(host);
    kr = host_adjust_time(host_priv, tv, &old);
    tap_ok(kr == KERN_SUCCESS && old.seconds == 0 && old.microseconds == 0,
           "host_adjust_time 2 s: none was left (%d)", kr);
    thread_switch(MACH_PORT_NULL, SWITCH_OPTION_WAIT, 200);
    tv.seconds = 0;
    kr = host_adjust_time(host_priv, tv, &old);
    offset2 = tod_offset(host);
    left_us = old.seconds * 1000000LL + old.microseconds;
    tap_ok(kr == KERN_SUCCESS && left_us < 2000000 - 500 && left_us > 1000000
           && (2000000 - left_us) % 50 == 0,
           "200 ms later, stopped: %ld us left, in 50 us steps (%d)", (long)left_us, kr);
    tap_ok((offset2 - offset) / 1000 >= 2000000 - left_us - 50
           && (offset2 - offset) / 1000 <= 2000000 - left_us + 50,
           "the time gained what was slewed: %ld us", (long)((offset2 - offset) / 1000));

    /* host_adjust_time64: a small negative one, read back with MACH_ADJTIME_NSECS_OMIT. */
    tv64.seconds = -1;
    tv64.nanoseconds = 0;
    kr = host_adjust_time64(host_priv, tv64, &old64);
    tap_ok(kr == KERN_SUCCESS && old64.seconds == 0 && old64.nanoseconds == 0,
           "host_adjust_time64 -1 s (%d)", kr);
    thread_switch(MACH_PORT_NULL, SWITCH_OPTION_WAIT, 50);
    tv64.seconds = 0;
    tv64.nanoseconds = 1000000000;              /* MACH_ADJTIME_NSECS_OMIT */
    kr = host_adjust_time64(host_priv, tv64, &old64);
    tap_ok(kr == KERN_SUCCESS && old64.seconds == 0 && old64.nanoseconds < 0
           && old64.nanoseconds > -1000000000LL && (old64.nanoseconds / 1000) % 5 == 0,
           "OMIT reads it: 0 s %ld ns (both parts negative, as GNU Mach) (%d)",
           (long)old64.nanoseconds, kr);
    kr = host_adjust_time64(host_priv, tv64, &old64);
    tap_ok(kr == KERN_SUCCESS && old64.nanoseconds < 0, "OMIT again: still slewing (%ld ns)",
           (long)old64.nanoseconds);
    tv64.seconds = 3000;
    tv64.nanoseconds = 0;
    kr = host_adjust_time64(host_priv, tv64, &old64);
    tap_ok(kr == KERN_INVALID_ARGUMENT, "host_adjust_time64 3000 s (GNU Mach's int wraps): %d",
           kr);
    tv64.seconds = 0;
    kr = host_adjust_time64(host_priv, tv64, &old64);
    tap_ok(kr == KERN_SUCCESS && old64.nanoseconds < 0, "stopped (%d)", kr);
}

/* A handler for emulated trap numbers: the number plus 7, back to the caller. */
__asm__(".text\n"
        ".globl emu_handler\n"
        "emu_handler:\n"
        "\tleal 7(%eax), %eax\n"
        "\tpopfl\n"
        "\tret\n");
void emu_handler(void);

static unsigned int
emu_trap(unsigned int number)
{
    unsigned int eax = number;

    __asm__ volatile("lcall $7, $0" : "+a"(eax) : : "memory", "cc");
    return eax;
}

static unsigned int
emu_int80(unsigned int number)
{
    unsigned int eax = number;

    __asm__ volatile("int $0x80" : "+a"(eax) : : "memory", "cc");
    return eax;
}

static void
test_emulation(void)
{
    mach_port_t self = mach_task_self(), child = MACH_PORT_NULL;
    vm_offset_t table[2] = { 0, 0x1000 };
    emulation_vector_t vec = NULL;
    mach_msg_type_number_t n = 99;
    int start = 99;
    kern_return_t kr;

    kr = task_get_emulation_vector(self, &start, &vec, &n);
    tap_ok(kr == KERN_SUCCESS && start == 0 && n == 0,
           "task_get_emulation_vector: none (%d, %d entries)", kr, n);
    kr = task_set_emulation(self, (vm_address_t)emu_handler, 1000);
    tap_ok(kr == KERN_SUCCESS, "task_set_emulation of trap 1000 (%d)", kr);
    tap_ok(emu_trap(1000) == 1007, "trap 1000 runs the handler, %%eax the number");
    tap_ok(emu_int80(1000) == 1007, "int $0x80 in a task with a table: a system call too");
    {
        mach_port_t reply = emu_int80((unsigned int)-26);   /* mach_reply_port, native */

        tap_ok(MACH_PORT_VALID(reply) && mach_port_destroy(self, reply) == KERN_SUCCESS,
               "int $0x80 with trap -26 (no entry): the native mach_reply_port, name %u",
               reply);
    }
    kr = task_set_emulation_vector(self, 998, table, 2);
    kr = kr == KERN_SUCCESS ? task_get_emulation_vector(self, &start, &vec, &n) : kr;
    tap_ok(kr == KERN_SUCCESS && start == 998 && n == 3 && vec[0] == 0 && vec[1] == 0x1000
           && vec[2] == (vm_offset_t)emu_handler,
           "task_set_emulation_vector 998..999: the table spans 998..1000 (%d, %d, %u)", kr,
           start, n);
    if (kr == KERN_SUCCESS) {
        vm_deallocate(self, (vm_address_t)vec, n * sizeof(vec[0]));
    }
    kr = task_set_emulation_vector(mach_host_self(), 0, table, 2);
    tap_ok(kr == 0x8001, "task_set_emulation_vector on the host port: EML_BAD_TASK (0x%x)", kr);
    kr = task_get_emulation_vector(mach_host_self(), &start, &vec, &n);
    tap_ok(kr == 0x8001, "task_get_emulation_vector on the host port: EML_BAD_TASK (0x%x)", kr);
    kr = task_set_emulation(self, 0x2000, 1000 + 70000);
    tap_ok(kr == KERN_RESOURCE_SHORTAGE, "a table over 65536 entries: %d", kr);

    kr = task_create(self, FALSE, &child);
    kr = kr == KERN_SUCCESS ? task_get_emulation_vector(child, &start, &vec, &n) : kr;
    tap_ok(kr == KERN_SUCCESS && start == 998 && n == 3 && vec[2] == (vm_offset_t)emu_handler,
           "a child starts with its parent's table (%d)", kr);
    if (kr == KERN_SUCCESS) {
        vm_deallocate(self, (vm_address_t)vec, n * sizeof(vec[0]));
    }
    kr = task_set_emulation(child, 0, 1000);
    tap_ok(kr == KERN_SUCCESS && emu_trap(1000) == 1007,
           "the child's change leaves the parent's entry (%d)", kr);
    task_set_name(child, "essential-child");
    task_set_essential(child, TRUE);
    kr = task_terminate(child);
    tap_ok(kr == KERN_SUCCESS, "an essential child terminated: the console names it (%d)", kr);
    kr = task_set_emulation(self, 0, 1000);
    tap_ok(kr == KERN_SUCCESS, "trap 1000 native again (%d)", kr);
}

static void
test_wire_boot(mach_port_t host, mach_port_t host_priv)
{
    mach_port_t other = MACH_PORT_NULL;
    kernel_boot_info_t info;
    kern_return_t kr;

    memset(info, 'x', sizeof(info));
    kr = host_get_boot_info(host_priv, info);
    tap_ok(kr == KERN_SUCCESS && info[0] == 0,
           "host_get_boot_info: an empty string, as GNU Mach (%d)", kr);
    kr = host_get_boot_info(host, info);
    tap_ok(kr == KERN_INVALID_HOST, "host_get_boot_info through the host port: %d", kr);
    kr = thread_wire(host_priv, mach_thread_self(), TRUE);
    tap_ok(kr == KERN_SUCCESS, "thread_wire of this thread (%d)", kr);
    kr = thread_wire(host_priv, mach_thread_self(), FALSE);
    tap_ok(kr == KERN_SUCCESS, "thread_wire FALSE (%d)", kr);
    kr = thread_create(mach_task_self(), &other);
    kr = kr == KERN_SUCCESS ? thread_wire(host_priv, other, TRUE) : kr;
    tap_ok(kr == KERN_INVALID_ARGUMENT, "thread_wire of another thread: %d", kr);
    if (MACH_PORT_VALID(other)) {
        thread_terminate(other);
    }
    kr = thread_wire(host, mach_thread_self(), TRUE);
    tap_ok(kr == KERN_INVALID_ARGUMENT, "thread_wire through the host port: %d", kr);
}

/* The task given only the host port: every privileged call is refused. */
static void
test_unprivileged(mach_port_t host)
{
    mach_port_t pset = MACH_PORT_NULL, control = MACH_PORT_NULL;
    processor_array_t procs;
    mach_msg_type_number_t n;
    kernel_boot_info_t info;
    time_value_t tv = { 0, 0 }, old;
    kern_return_t kr;

    kr = host_set_time(host, tv);
    tap_ok(kr == KERN_INVALID_HOST, "unprivileged: host_set_time %d", kr);
    kr = host_adjust_time(host, tv, &old);
    tap_ok(kr == KERN_INVALID_HOST, "unprivileged: host_adjust_time %d", kr);
    kr = host_get_boot_info(host, info);
    tap_ok(kr == KERN_INVALID_HOST, "unprivileged: host_get_boot_info %d", kr);
    kr = thread_wire(host, mach_thread_self(), TRUE);
    tap_ok(kr == KERN_INVALID_ARGUMENT, "unprivileged: thread_wire %d", kr);
    kr = host_processors(host, &procs, &n);
    tap_ok(kr == KERN_INVALID_ARGUMENT, "unprivileged: host_processors %d", kr);
    processor_set_default(host, &pset);
    kr = host_processor_set_priv(host, pset, &control);
    tap_ok(kr == KERN_INVALID_ARGUMENT, "unprivileged: no control port for the set (%d)", kr);
    kr = processor_set_policy_enable(pset, POLICY_FIXEDPRI);
    tap_ok(kr == KERN_INVALID_ARGUMENT, "unprivileged: the name port enables nothing (%d)", kr);
    kr = host_reboot(host, RB_HALT);
    tap_ok(kr == KERN_INVALID_HOST, "unprivileged: host_reboot %d", kr);
}

int
main(int argc, char **argv)
{
    mach_port_t host = mach_host_self();
    mach_port_t host_priv = argc > 1 ? u_parse_uint(argv[1]) : MACH_PORT_NULL;
    bool halt = argc > 2 && strcmp(argv[2], "halt") == 0;
    kern_return_t kr;

    if (argc < 2) {
        tap_plan(8);
        test_unprivileged(host);
        tap_done();
    }
    tap_plan(95);
    test_host(host);
    test_processors(host, host_priv);
    test_wire(host, host_priv);
    test_priorities();
    test_control(host, host_priv);
    test_policy(host, host_priv);
    test_time(host, host_priv);
    test_wire_boot(host, host_priv);
    test_emulation();
    kr = host_reboot(host, RB_HALT);
    tap_ok(kr == KERN_INVALID_HOST, "host_reboot through the unprivileged port: %d", kr);
    kr = host_reboot(host_priv, RB_DEBUGGER);
    tap_ok(kr == KERN_FAILURE, "host_reboot RB_DEBUGGER: no debugger, KERN_FAILURE (%d)", kr);
    if (!halt) {
        tap_done();
    }
    tap_finish();
    kr = host_reboot(host_priv, RB_HALT);
    u_printf("# host_reboot(RB_HALT) returned %d", kr);
    tap_done();
}
