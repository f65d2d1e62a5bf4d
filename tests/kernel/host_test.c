/* SPDX-License-Identifier: GPL-2.0-or-later */
/*
 * The host calls of mach_host.defs (kern/host_calls.c) in the kernel:
 *
 *  test=host    host_info's four flavors (values against what the
 *               kernel knows: CPUs, memory, tick, slice) and its errors
 *               (GNU Mach's KERN_FAILURE for a short count, but
 *               KERN_INVALID_ARGUMENT for the slots); both kernel
 *               version calls; host_get_time, host_get_time64 (a date
 *               after 2020 from the clock chip, consistent with each
 *               other) and host_get_uptime64, advancing with the tick;
 *               NULL hosts; host_set_time64 and host_set_time seen by
 *               host_get_time64 and the mapped "time" page (also before
 *               the epoch), host_adjust_time64's slew and its OMIT
 *               read, host_get_boot_info; the time set back after
 *  test=processor  host_processors (one per online CPU),
 *               processor_set_default, host_processor_set_priv,
 *               processor_set_info's two flavors and its errors; the
 *               control routines' fixed answers, the set's policies
 *               and maximum priority (seen by joining threads),
 *               thread_policy's errors, thread_wire's flag
 */
#include <stdbool.h>
#include <stddef.h>
#include <stdint.h>

#include <include/mach/host_info.h>
#include <include/mach/kern_return.h>
#include <include/mach/policy.h>
#include <include/mach/processor_info.h>
#include <include/mach/time_value.h>
#include <ipc/ipc_port.h>
#include <ipc/ipc_right.h>
#include <device/dev_time.h>
#include <kern/clock.h>
#include <kern/host.h>
#include <kern/host_calls.h>
#include <kern/kmem.h>
#include <kern/ktest.h>
#include <kern/processor.h>
#include <kern/task.h>
#include <kern/string.h>
#include <kern/thread.h>
#include <machine/param.h>
#include <machine/smp.h>
#include <vm/vm_copy.h>

#define HOST_TEST_2020          1577836800LL    /* 2020-01-01T00:00:00Z */
#define HOST_TEST_2100          4102444800LL    /* 2100-01-01T00:00:00Z */

static void
host_test_info(struct host *host)
{
    integer_t info[HOST_INFO_MAX];
    struct host_basic_info basic;
    natural_t count;

    count = HOST_INFO_MAX;
    KTEST_ASSERT(host_info(NULL, HOST_BASIC_INFO, info, &count) == KERN_INVALID_ARGUMENT);
    KTEST_ASSERT(host_info(host, 5, info, &count) == KERN_INVALID_ARGUMENT);
    KTEST_ASSERT(host_info(host, 0, info, &count) == KERN_INVALID_ARGUMENT);

    count = HOST_BASIC_INFO_COUNT - 1;
    KTEST_ASSERT(host_info(host, HOST_BASIC_INFO, info, &count) == KERN_FAILURE
                 && count == HOST_BASIC_INFO_COUNT - 1);
    count = HOST_INFO_MAX;
    KTEST_ASSERT(host_info(host, HOST_BASIC_INFO, info, &count) == KERN_SUCCESS
                 && count == HOST_BASIC_INFO_COUNT);
    memcpy(&basic, info, sizeof(basic));
    KTEST_ASSERT(basic.max_cpus == CONFIG_NCPUS && basic.avail_cpus == (integer_t)smp_nr_cpus());
    KTEST_ASSERT(basic.memory_size >= 2 * 1024 * 1024 && basic.memory_size % PAGE_SIZE == 0);
    KTEST_ASSERT(basic.cpu_type == CPU_TYPE_I386 || basic.cpu_type == CPU_TYPE_I486
                 || basic.cpu_type == CPU_TYPE_PENTIUM || basic.cpu_type == CPU_TYPE_PENTIUMPRO);
    KTEST_ASSERT(basic.cpu_subtype == CPU_SUBTYPE_AT386);

    count = CONFIG_NCPUS - 1;
    KTEST_ASSERT(host_info(host, HOST_PROCESSOR_SLOTS, info, &count) == KERN_INVALID_ARGUMENT);
    count = CONFIG_NCPUS;
    KTEST_ASSERT(host_info(host, HOST_PROCESSOR_SLOTS, info, &count) == KERN_SUCCESS
                 && count == smp_nr_cpus());
    for (natural_t i = 0; i < count; i++) {
        KTEST_ASSERT(info[i] == (integer_t)i);
    }

    count = HOST_SCHED_INFO_COUNT - 1;
    KTEST_ASSERT(host_info(host, HOST_SCHED_INFO, info, &count) == KERN_FAILURE);
    count = HOST_SCHED_INFO_COUNT;
    KTEST_ASSERT(host_info(host, HOST_SCHED_INFO, info, &count) == KERN_SUCCESS
                 && info[0] == 1000 / CLOCK_HZ && info[1] == THREAD_SLICE_TICKS * 1000 / CLOCK_HZ);

    count = HOST_LOAD_INFO_COUNT - 1;
    KTEST_ASSERT(host_info(host, HOST_LOAD_INFO, info, &count) == KERN_FAILURE);
    count = HOST_LOAD_INFO_COUNT;
    KTEST_ASSERT(host_info(host, HOST_LOAD_INFO, info, &count) == KERN_SUCCESS
                 && count == HOST_LOAD_INFO_COUNT);
}

static void
host_test_version(struct host *host)
{
    static char version[KERNEL_VERSION_MAX], old[KERNEL_VERSION_MAX];

    KTEST_ASSERT(host_get_kernel_version(NULL, version) == KERN_INVALID_ARGUMENT);
    KTEST_ASSERT(host_kernel_version(NULL, version) == KERN_INVALID_ARGUMENT);
    memset(version, 'x', sizeof(version));
    KTEST_ASSERT(host_get_kernel_version(host, version) == KERN_SUCCESS);
    {
        size_t len = 0;

        while (len < sizeof(version) && version[len] != '\0') {
            len++;
        }
        KTEST_ASSERT(len > 0 && len < sizeof(version));
    }
    KTEST_ASSERT(strncmp(version, PACKAGE_STRING, strlen(PACKAGE_STRING)) == 0);
    KTEST_ASSERT(host_kernel_version(host, old) == KERN_SUCCESS && strcmp(old, version) == 0);
}

static void
host_test_time(struct host *host)
{
    time_value64_t t64, later64, up, later_up;
    time_value_t t;

    KTEST_ASSERT(host_get_time(NULL, &t) == KERN_INVALID_HOST);
    KTEST_ASSERT(host_get_time64(NULL, &t64) == KERN_INVALID_HOST);
    KTEST_ASSERT(host_get_uptime64(NULL, &up) == KERN_INVALID_HOST);

    KTEST_ASSERT(host_get_time64(host, &t64) == KERN_SUCCESS);
    KTEST_ASSERT(host_get_time(host, &t) == KERN_SUCCESS);
    KTEST_ASSERT(host_get_uptime64(host, &up) == KERN_SUCCESS);
    KTEST_ASSERT(t64.seconds > HOST_TEST_2020 && t64.seconds < HOST_TEST_2100);
    KTEST_ASSERT(t64.nanoseconds >= 0 && t64.nanoseconds < TIME_NANOS_MAX);
    KTEST_ASSERT(t.seconds - t64.seconds >= 0 && t.seconds - t64.seconds <= 1);
    KTEST_ASSERT(t.microseconds >= 0 && t.microseconds < TIME_MICROS_MAX);
    KTEST_ASSERT(up.nanoseconds >= 0 && up.nanoseconds < TIME_NANOS_MAX);
    KTEST_ASSERT((uint64_t)up.seconds <= clock_ticks() / CLOCK_HZ + 1);

    thread_delay(20);
    KTEST_ASSERT(host_get_time64(host, &later64) == KERN_SUCCESS);
    KTEST_ASSERT(host_get_uptime64(host, &later_up) == KERN_SUCCESS);
    {
        int64_t dt = (later64.seconds - t64.seconds) * 1000000000LL
                     + later64.nanoseconds - t64.nanoseconds;
        int64_t dup = (later_up.seconds - up.seconds) * 1000000000LL
                      + later_up.nanoseconds - up.nanoseconds;

        KTEST_ASSERT(dt >= 190000000LL && dup >= 190000000LL);
        KTEST_ASSERT(dt - dup >= -20000000LL && dt - dup <= 20000000LL);
    }
}

/* The time of day minus the uptime, in nanoseconds, read within one tick. */
static int64_t
host_test_offset(struct host *host)
{
    time_value64_t t, u1, u2;

    do {
        host_get_uptime64(host, &u1);
        host_get_time64(host, &t);
        host_get_uptime64(host, &u2);
    } while (u1.seconds != u2.seconds || u1.nanoseconds != u2.nanoseconds);
    return (t.seconds - u1.seconds) * 1000000000LL + t.nanoseconds - u1.nanoseconds;
}

static void
host_test_set_time(struct host *host, struct host *priv)
{
    const volatile mapped_time_value_t *page = dev_time_page();
    int64_t offset = host_test_offset(host), offset2;
    time_value64_t t64 = { 2000000000LL, 500000000LL }, old;
    time_value_t t = { 1000, 0 }, old32;
    kernel_boot_info_t info;

    KTEST_ASSERT(host_set_time64(NULL, t64) == KERN_INVALID_HOST);
    KTEST_ASSERT(host_set_time(NULL, t) == KERN_INVALID_HOST);
    KTEST_ASSERT(host_adjust_time64(NULL, t64, &old) == KERN_INVALID_HOST);
    KTEST_ASSERT(host_adjust_time(NULL, t, &old32) == KERN_INVALID_HOST);
    KTEST_ASSERT(host_get_boot_info(NULL, info) == KERN_INVALID_HOST);
    memset(info, 'x', sizeof(info));
    KTEST_ASSERT(host_get_boot_info(priv, info) == KERN_SUCCESS);
    KTEST_ASSERT(info[0] == 0 && info[sizeof(info) - 1] == 0);

    /* Set: host_get_time64 and the mapped page at once (GNU Mach too). */
    KTEST_ASSERT(host_set_time64(priv, t64) == KERN_SUCCESS);
    KTEST_ASSERT(host_get_time64(host, &t64) == KERN_SUCCESS);
    KTEST_ASSERT(t64.seconds == 2000000000LL && t64.nanoseconds >= 500000000LL);
    KTEST_ASSERT(page->time_value.seconds == 2000000000LL && page->seconds == 2000000000);
    KTEST_ASSERT(page->check_seconds64 == page->time_value.seconds);
    /* Before the epoch: seconds -2, nanoseconds positive. */
    t64.seconds = -1;
    t64.nanoseconds = -500000000LL;
    KTEST_ASSERT(host_set_time64(priv, t64) == KERN_SUCCESS);
    KTEST_ASSERT(host_get_time64(host, &t64) == KERN_SUCCESS);
    KTEST_ASSERT(t64.seconds == -2 && t64.nanoseconds >= 500000000LL);
    KTEST_ASSERT(page->time_value.seconds == -2 && page->time_value.nanoseconds >= 500000000LL);
    t64.nanoseconds = 1000000001LL;
    KTEST_ASSERT(host_set_time64(priv, t64) == KERN_INVALID_ARGUMENT);
    KTEST_ASSERT(host_set_time(priv, t) == KERN_SUCCESS);
    KTEST_ASSERT(host_get_time(host, &t) == KERN_SUCCESS && t.seconds == 1000);

    /* Slew: 1 s is small, 5 us a tick; OMIT reads without changing. */
    offset2 = host_test_offset(host);
    t64.seconds = 1;
    t64.nanoseconds = 0;
    KTEST_ASSERT(host_adjust_time64(priv, t64, &old) == KERN_SUCCESS);
    KTEST_ASSERT(old.seconds == 0 && old.nanoseconds == 0);
    thread_delay(4);                    /* 3 ticks at least: 3 steps of 5 us */
    t64.nanoseconds = MACH_ADJTIME_NSECS_OMIT;
    KTEST_ASSERT(host_adjust_time64(priv, t64, &old) == KERN_SUCCESS);
    KTEST_ASSERT(old.seconds == 0 && old.nanoseconds <= 999985000LL
                 && old.nanoseconds % 5000 == 0);
    t64.seconds = 0;
    t64.nanoseconds = 0;
    KTEST_ASSERT(host_adjust_time64(priv, t64, &old) == KERN_SUCCESS);
    {
        int64_t slewed = 1000000000LL - old.nanoseconds;
        int64_t gained = host_test_offset(host) - offset2;

        KTEST_ASSERT(gained >= slewed - 5000 && gained <= slewed + 5000);
    }
    KTEST_ASSERT(host_adjust_time64(priv, t64, &old) == KERN_SUCCESS && old.nanoseconds == 0);

    /* Back to the time it was. */
    KTEST_ASSERT(host_get_uptime64(host, &t64) == KERN_SUCCESS);
    {
        int64_t ns = t64.seconds * 1000000000LL + t64.nanoseconds + offset;

        t64.seconds = ns / 1000000000LL;
        t64.nanoseconds = ns % 1000000000LL;
    }
    KTEST_ASSERT(host_set_time64(priv, t64) == KERN_SUCCESS);
    KTEST_ASSERT(page->time_value.seconds >= t64.seconds
                 && page->time_value.seconds <= t64.seconds + 1);
    offset2 = host_test_offset(host);
    KTEST_ASSERT(offset2 - offset < 20000000LL && offset - offset2 < 20000000LL);
}

static void
host_test_fn(void)
{
    struct host *host = host_port()->kobject;
    struct host *priv = host_priv_port()->kobject;

    KTEST_ASSERT(host != NULL && priv != NULL);
    host_test_info(host);
    host_test_version(host);
    host_test_time(host);
    host_test_set_time(host, priv);
}

KTEST_DEFINE(host, host_test_fn, 0);

/* The control routines: GNU Mach without MACH_HOST; the set's policies and maximum. */
static void
processor_test_control(struct host *host, struct processor_set *pset)
{
    struct processor_set *s1 = NULL, *s2 = NULL;
    struct thread *self = thread_self();
    integer_t info[PROCESSOR_SET_SCHED_INFO_COUNT];
    natural_t count = PROCESSOR_SET_SCHED_INFO_COUNT;
    struct host *h;

    KTEST_ASSERT(processor_start(NULL) == KERN_INVALID_ARGUMENT);
    KTEST_ASSERT(processor_exit(NULL) == KERN_INVALID_ARGUMENT);
    KTEST_ASSERT(processor_control(NULL, info, 1) == KERN_INVALID_ARGUMENT);
    KTEST_ASSERT(processor_set_create(host, &s1, &s2) == KERN_FAILURE && s1 == NULL);
    KTEST_ASSERT(processor_set_destroy(pset) == KERN_FAILURE);
    KTEST_ASSERT(processor_assign(NULL, pset, true) == KERN_FAILURE);
    KTEST_ASSERT(thread_assign_default(NULL) == KERN_FAILURE);
    KTEST_ASSERT(task_assign_default(NULL, false) == KERN_FAILURE);

    /* Policies: FIXEDPRI on and off; TIMESHARE stays. A kernel thread has no policy. */
    KTEST_ASSERT(processor_set_policy_enable(NULL, POLICY_FIXEDPRI) == KERN_INVALID_ARGUMENT);
    KTEST_ASSERT(processor_set_policy_enable(pset, POLICY_LAST + 1) == KERN_INVALID_ARGUMENT);
    KTEST_ASSERT(processor_set_policy_enable(pset, POLICY_FIXEDPRI) == KERN_SUCCESS);
    KTEST_ASSERT(processor_set_info(pset, PROCESSOR_SET_SCHED_INFO, &h, info, &count)
                 == KERN_SUCCESS && info[0] == (POLICY_TIMESHARE | POLICY_FIXEDPRI));
    KTEST_ASSERT(thread_policy(self, POLICY_FIXEDPRI, 10) == KERN_INVALID_ARGUMENT);
    KTEST_ASSERT(thread_policy(NULL, POLICY_TIMESHARE, 0) == KERN_INVALID_ARGUMENT);
    KTEST_ASSERT(processor_set_policy_disable(pset, POLICY_TIMESHARE, true)
                 == KERN_INVALID_ARGUMENT);
    KTEST_ASSERT(processor_set_policy_disable(pset, POLICY_FIXEDPRI, true) == KERN_SUCCESS);
    KTEST_ASSERT(processor_set_info(pset, PROCESSOR_SET_SCHED_INFO, &h, info, &count)
                 == KERN_SUCCESS && info[0] == POLICY_TIMESHARE);

    /* The maximum of joining threads follows the set's, never above a task's. */
    KTEST_ASSERT(processor_set_max_priority(NULL, 10, false) == KERN_INVALID_ARGUMENT);
    KTEST_ASSERT(processor_set_max_priority(pset, -1, false) == KERN_INVALID_ARGUMENT);
    KTEST_ASSERT(processor_set_max_priority(pset, 12, false) == KERN_SUCCESS);
    KTEST_ASSERT(processor_thread_max_priority(0) == 12 && processor_thread_max_priority(20) == 20);
    KTEST_ASSERT(processor_set_max_priority(pset, PROCESSOR_SET_MAX_PRIORITY, false)
                 == KERN_SUCCESS);
    KTEST_ASSERT(processor_thread_max_priority(0) == PROCESSOR_SET_MAX_PRIORITY);

    /* thread_wire: the caller only, through host-priv (any non-NULL host here). */
    KTEST_ASSERT(thread_wire(NULL, self, true) == KERN_INVALID_ARGUMENT);
    KTEST_ASSERT(thread_wire(host, self, true) == KERN_SUCCESS && self->vm_privileged);
    KTEST_ASSERT(thread_wire(host, self, false) == KERN_SUCCESS && !self->vm_privileged);
}

static void
processor_test_fn(void)
{
    struct host *host = host_port()->kobject, *h = NULL;
    struct processor **list = NULL;
    struct processor_set *pset = NULL, *control = NULL;
    struct processor_set_basic_info basic;
    integer_t info[8];
    natural_t count = 0;

    KTEST_ASSERT(host_processors(NULL, &list, &count) == KERN_INVALID_ARGUMENT);
    KTEST_ASSERT(host_processors(host_priv_port()->kobject, &list, &count) == KERN_SUCCESS);
    KTEST_ASSERT(count == smp_nr_cpus() && list != NULL);
    for (natural_t i = 0; list != NULL && i < count; i++) {
        struct ipc_port *port;
        struct processor *processor;

        /* A vm_copy of send rights to the processors' ports (kern/mig_kernel.h). */
        vm_copy_read((struct vm_copy *)list, i * sizeof(port), &port, sizeof(port));
        processor = ipc_port_kobject(port, IPC_KOBJECT_PROCESSOR, NULL);
        KTEST_ASSERT(processor != NULL && processor->cpu == i);
        ipc_right_release_send(port, MACH_MSG_TYPE_PORT_SEND);
    }
    if (list != NULL) {
        vm_copy_discard((struct vm_copy *)list);
    }

    KTEST_ASSERT(processor_set_default(NULL, &pset) == KERN_INVALID_ARGUMENT);
    KTEST_ASSERT(processor_set_default(host, &pset) == KERN_SUCCESS && pset != NULL);
    control = pset;
    KTEST_ASSERT(host_processor_set_priv(NULL, pset, &control) == KERN_INVALID_ARGUMENT
                 && control == NULL);
    KTEST_ASSERT(host_processor_set_priv(host, NULL, &control) == KERN_INVALID_ARGUMENT);
    KTEST_ASSERT(host_processor_set_priv(host, pset, &control) == KERN_SUCCESS
                 && control == pset);

    count = 8;
    KTEST_ASSERT(processor_set_info(NULL, 1, &h, info, &count) == KERN_INVALID_ARGUMENT);
    KTEST_ASSERT(processor_set_info(pset, 3, &h, info, &count) == KERN_INVALID_ARGUMENT
                 && h == NULL);
    count = PROCESSOR_SET_BASIC_INFO_COUNT - 1;
    KTEST_ASSERT(processor_set_info(pset, PROCESSOR_SET_BASIC_INFO, &h, info, &count)
                 == KERN_FAILURE);
    count = 8;
    KTEST_ASSERT(processor_set_info(pset, PROCESSOR_SET_BASIC_INFO, &h, info, &count)
                 == KERN_SUCCESS && count == PROCESSOR_SET_BASIC_INFO_COUNT && h == host);
    memcpy(&basic, info, sizeof(basic));
    KTEST_ASSERT(basic.processor_count == (integer_t)smp_nr_cpus()
                 && basic.task_count == (integer_t)task_count() && basic.thread_count > 0);
    count = PROCESSOR_SET_SCHED_INFO_COUNT - 1;
    KTEST_ASSERT(processor_set_info(pset, PROCESSOR_SET_SCHED_INFO, &h, info, &count)
                 == KERN_FAILURE);
    count = PROCESSOR_SET_SCHED_INFO_COUNT;
    KTEST_ASSERT(processor_set_info(pset, PROCESSOR_SET_SCHED_INFO, &h, info, &count)
                 == KERN_SUCCESS && info[0] == 1 && info[1] == PROCESSOR_SET_MAX_PRIORITY);
    processor_test_control(host, pset);
}

KTEST_DEFINE(processor, processor_test_fn, 0);
