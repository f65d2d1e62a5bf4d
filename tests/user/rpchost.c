/* SPDX-License-Identifier: GPL-2.0-or-later */
/*
 * The mach_host.defs RPCs through GNU MIG's user stubs: host_info,
 * host_kernel_version, host_get_time, the processors and the default
 * processor set (host_processors and host_processor_sets: out-of-line
 * port arrays; processor_set_tasks and processor_set_threads through
 * the set's control port; processor_info, processor_set_info, the *_get_assignment
 * calls), vm_wire through each kind of host port, task_priority and
 * thread_priority, and host_reboot's
 * refusals (the unprivileged port, RB_DEBUGGER). With a second argument
 * "halt" it ends the machine with host_reboot(RB_HALT) once its results
 * are printed. Boot line:
 *     rpchost ${host-port} [halt] $(task-create) $(task-resume)
 */
#include <mach/host_info.h>
#include <mach/message.h>
#include <mach/processor_info.h>

#include "mach_host.h"
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

int
main(int argc, char **argv)
{
    mach_port_t host = mach_host_self();
    mach_port_t host_priv = argc > 1 ? u_parse_uint(argv[1]) : MACH_PORT_NULL;
    bool halt = argc > 2 && strcmp(argv[2], "halt") == 0;
    kern_return_t kr;

    tap_plan(31);
    test_host(host);
    test_processors(host, host_priv);
    test_wire(host, host_priv);
    test_priorities();
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
