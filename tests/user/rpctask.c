/* SPDX-License-Identifier: GPL-2.0-or-later */
/*
 * The task routines of mach.defs by RPC, through GNU MIG's user stubs
 * (kern/task_rpc.c, kern/task.c, kern/task_control.c): task_create,
 * task_info (BASIC, EVENTS, THREAD_TIMES, a bad flavor, a short count),
 * task_threads (an out-of-line array of thread ports: our own thread,
 * none in a new task), task_suspend / task_resume (the suspend count, a
 * resume too many), task_get/set_special_port (kernel, bootstrap,
 * exception; a bad which; our own right counted), mach_ports_register /
 * mach_ports_lookup (an out-of-line port array each way, too many
 * ports), task_ras_control as GNU Mach answers it, the emulation calls
 * on a child, task_terminate, and calls on a dead task and on a port that is
 * no task. Boot line:
 *     rpctask $(task-create) $(task-resume)
 */
#include <mach/message.h>
#include <mach/mig_errors.h>
#include <mach/task_info.h>
#include <mach/task_special_ports.h>

#include "mach.h"
#include "mach_port.h"
#include "lib/ulib.h"
#include "lib/mach_traps.h"

static mach_port_t self;

/* The send references we hold for name, or ~0 on error. */
static mach_port_urefs_t
send_refs(mach_port_t name)
{
    mach_port_urefs_t r;

    return mach_port_get_refs(self, name, MACH_PORT_RIGHT_SEND, &r) == KERN_SUCCESS ? r : ~0u;
}

static void
test_info(mach_port_t child)
{
    struct task_basic_info basic;
    struct task_events_info events;
    struct task_thread_times_info times;
    mach_msg_type_number_t count;
    kern_return_t kr;

    count = TASK_BASIC_INFO_COUNT;
    kr = task_info(child, TASK_BASIC_INFO, (task_info_t)&basic, &count);
    tap_ok(kr == KERN_SUCCESS && count == TASK_BASIC_INFO_COUNT && basic.suspend_count == 0
           && basic.virtual_size == 0, "task_info BASIC of a new task: %d, suspend count %d, "
           "virtual size %u", kr, basic.suspend_count, basic.virtual_size);
    count = TASK_BASIC_INFO_COUNT;
    kr = task_info(self, TASK_BASIC_INFO, (task_info_t)&basic, &count);
    tap_ok(kr == KERN_SUCCESS && basic.virtual_size > 0 && basic.resident_size > 0,
           "task_info BASIC of ourselves: virtual %u, resident %u", basic.virtual_size,
           basic.resident_size);
    count = TASK_EVENTS_INFO_COUNT;
    kr = task_info(self, TASK_EVENTS_INFO, (task_info_t)&events, &count);
    tap_ok(kr == KERN_SUCCESS && count == TASK_EVENTS_INFO_COUNT, "task_info EVENTS (%d)", kr);
    count = TASK_THREAD_TIMES_INFO_COUNT;
    kr = task_info(self, TASK_THREAD_TIMES_INFO, (task_info_t)&times, &count);
    tap_ok(kr == KERN_SUCCESS && count == TASK_THREAD_TIMES_INFO_COUNT,
           "task_info THREAD_TIMES (%d)", kr);
    count = TASK_BASIC_INFO_COUNT;
    kr = task_info(self, 99, (task_info_t)&basic, &count);
    tap_ok(kr == KERN_INVALID_ARGUMENT, "task_info flavor 99: KERN_INVALID_ARGUMENT (%d)", kr);
    count = 2;
    kr = task_info(self, TASK_BASIC_INFO, (task_info_t)&basic, &count);
    tap_ok(kr == KERN_INVALID_ARGUMENT, "task_info with room for 2 words: KERN_INVALID_ARGUMENT (%d)",
           kr);
    count = TASK_BASIC_INFO_COUNT;
    kr = task_info(mach_host_self(), TASK_BASIC_INFO, (task_info_t)&basic, &count);
    tap_ok(kr == KERN_INVALID_ARGUMENT, "task_info of the host port: KERN_INVALID_ARGUMENT (%d)", kr);
}

static void
test_threads(mach_port_t child)
{
    thread_array_t list;
    mach_msg_type_number_t count;
    mach_port_t me = mach_thread_self();
    mach_port_urefs_t before = send_refs(me);
    kern_return_t kr;

    kr = task_threads(self, &list, &count);
    tap_ok(kr == KERN_SUCCESS && count == 1 && list[0] == me,
           "task_threads of ourselves: one thread, our mach_thread_self name (%d, %u)", kr, count);
    if (kr == KERN_SUCCESS) {
        tap_ok(send_refs(me) == before + 1, "the array brought one send right (refs %u, then %u)",
               before, send_refs(me));
        for (unsigned int i = 0; i < count; i++) {
            mach_port_deallocate(self, list[i]);
        }
        vm_deallocate(self, (vm_address_t)list, count * sizeof(list[0]));
    } else {
        tap_ok(false, "no array");
    }
    mach_port_deallocate(self, me);
    kr = task_threads(child, &list, &count);
    tap_ok(kr == KERN_SUCCESS && count == 0, "task_threads of a new task: none (%d, %u)", kr, count);
    kr = task_threads(mach_host_self(), &list, &count);
    tap_ok(kr == KERN_INVALID_ARGUMENT, "task_threads of the host port: KERN_INVALID_ARGUMENT (%d)",
           kr);
}

static void
test_suspend(mach_port_t child)
{
    struct task_basic_info basic;
    mach_msg_type_number_t count = TASK_BASIC_INFO_COUNT;
    kern_return_t kr;

    kr = task_suspend(child);
    task_info(child, TASK_BASIC_INFO, (task_info_t)&basic, &count);
    tap_ok(kr == KERN_SUCCESS && basic.suspend_count == 1, "task_suspend: count %d (%d)",
           basic.suspend_count, kr);
    kr = task_suspend(child);
    task_info(child, TASK_BASIC_INFO, (task_info_t)&basic, &count);
    tap_ok(kr == KERN_SUCCESS && basic.suspend_count == 2, "again: count %d", basic.suspend_count);
    tap_ok(task_resume(child) == KERN_SUCCESS && task_resume(child) == KERN_SUCCESS,
           "task_resume twice");
    kr = task_resume(child);
    tap_ok(kr == KERN_FAILURE, "a third task_resume: KERN_FAILURE (%d)", kr);
    kr = task_suspend(mach_host_self());
    tap_ok(kr == KERN_INVALID_ARGUMENT, "task_suspend of the host port: KERN_INVALID_ARGUMENT (%d)",
           kr);
}

static void
test_special_ports(mach_port_t child)
{
    mach_port_t port, mine;
    kern_return_t kr;

    kr = task_get_special_port(child, TASK_KERNEL_PORT, &port);
    tap_ok(kr == KERN_SUCCESS && port == child && send_refs(child) == 2,
           "get KERNEL: the child's own port, one more send right (%d)", kr);
    mach_port_deallocate(self, port);
    mach_port_allocate(self, MACH_PORT_RIGHT_RECEIVE, &mine);
    mach_port_insert_right(self, mine, mine, MACH_MSG_TYPE_MAKE_SEND);
    kr = task_set_special_port(child, TASK_BOOTSTRAP_PORT, mine);
    tap_ok(kr == KERN_SUCCESS && send_refs(mine) == 1,
           "set BOOTSTRAP to our port, our right copied (%d)", kr);
    kr = task_get_special_port(child, TASK_BOOTSTRAP_PORT, &port);
    tap_ok(kr == KERN_SUCCESS && port == mine && send_refs(mine) == 2,
           "get BOOTSTRAP: our port (%d)", kr);
    mach_port_deallocate(self, port);
    kr = task_set_special_port(child, TASK_EXCEPTION_PORT, mine);
    tap_ok(kr == KERN_SUCCESS, "set EXCEPTION (%d)", kr);
    kr = task_set_special_port(child, TASK_EXCEPTION_PORT, MACH_PORT_NULL);
    kr |= task_get_special_port(child, TASK_EXCEPTION_PORT, &port);
    tap_ok(kr == KERN_SUCCESS && port == MACH_PORT_NULL, "set EXCEPTION to none, get it: none");
    kr = task_get_special_port(child, 2, &port);
    tap_ok(kr == KERN_INVALID_ARGUMENT, "get which=2: KERN_INVALID_ARGUMENT (%d)", kr);
    kr = task_set_special_port(child, 7, mine);
    tap_ok(kr == KERN_INVALID_ARGUMENT && send_refs(mine) == 1,
           "set which=7: KERN_INVALID_ARGUMENT (%d), our right kept", kr);
    kr = task_get_special_port(mach_host_self(), TASK_KERNEL_PORT, &port);
    tap_ok(kr == KERN_INVALID_ARGUMENT, "get on the host port: KERN_INVALID_ARGUMENT (%d)", kr);
    mach_port_destroy(self, mine);
}

static void
test_registered(mach_port_t child)
{
    mach_port_t ports[5], *list;
    mach_msg_type_number_t count;
    kern_return_t kr;

    for (unsigned int i = 0; i < 2; i++) {
        mach_port_allocate(self, MACH_PORT_RIGHT_RECEIVE, &ports[i]);
        mach_port_insert_right(self, ports[i], ports[i], MACH_MSG_TYPE_MAKE_SEND);
    }
    kr = mach_ports_register(child, ports, 2);
    tap_ok(kr == KERN_SUCCESS && send_refs(ports[0]) == 1 && send_refs(ports[1]) == 1,
           "mach_ports_register two ports (%d)", kr);
    kr = mach_ports_lookup(child, &list, &count);
    tap_ok(kr == KERN_SUCCESS && count == 4 && list[0] == ports[0] && list[1] == ports[1]
           && list[2] == MACH_PORT_NULL && list[3] == MACH_PORT_NULL
           && send_refs(ports[0]) == 2,
           "mach_ports_lookup: the two, then two null slots (%d, %u)", kr, count);
    if (kr == KERN_SUCCESS) {
        mach_port_deallocate(self, list[0]);
        mach_port_deallocate(self, list[1]);
        vm_deallocate(self, (vm_address_t)list, count * sizeof(list[0]));
    }
    ports[2] = ports[3] = ports[4] = ports[0];
    kr = mach_ports_register(child, ports, 5);
    tap_ok(kr == KERN_INVALID_ARGUMENT && send_refs(ports[0]) == 1,
           "five ports: KERN_INVALID_ARGUMENT (%d), nothing taken", kr);
    kr = mach_ports_register(child, ports, 0);
    kr |= mach_ports_lookup(child, &list, &count);
    tap_ok(kr == KERN_SUCCESS && count == 4 && list[0] == MACH_PORT_NULL,
           "registering none clears them");
    if (kr == KERN_SUCCESS) {
        vm_deallocate(self, (vm_address_t)list, count * sizeof(list[0]));
    }
    mach_port_destroy(self, ports[0]);
    mach_port_destroy(self, ports[1]);
}

static void
test_unsupported(mach_port_t child)
{
    emulation_vector_t vec;
    mach_msg_type_number_t count;
    int start;
    kern_return_t kr;

    kr = task_ras_control(child, 0x1000, 0x1010, 1);
    tap_ok(kr == KERN_FAILURE, "task_ras_control: KERN_FAILURE, as without FAST_TAS (%d)", kr);
    kr = task_get_emulation_vector(child, &start, &vec, &count);
    tap_ok(kr == KERN_SUCCESS && count == 0 && start == 0,
           "task_get_emulation_vector: none (%d; user/rpchost tests the rest)", kr);
    kr = task_set_emulation(child, 0x1000, -33);
    tap_ok(kr == KERN_SUCCESS, "task_set_emulation of the child's trap -33 (%d)", kr);
}

int
main(void)
{
    mach_port_t child, none = MACH_PORT_NULL;
    struct task_basic_info basic;
    mach_msg_type_number_t count = TASK_BASIC_INFO_COUNT;
    kern_return_t kr;

    self = mach_task_self();
    tap_plan(36);
    kr = task_create(self, FALSE, &child);
    tap_ok(kr == KERN_SUCCESS && MACH_PORT_VALID(child) && send_refs(child) == 1,
           "task_create: a send right to the child (%d)", kr);
    kr = task_create(mach_host_self(), FALSE, &none);
    tap_ok(kr == KERN_INVALID_TASK && none == MACH_PORT_NULL,
           "task_create with the host port as parent: KERN_INVALID_TASK (%d)", kr);
    test_info(child);
    test_threads(child);
    test_suspend(child);
    test_special_ports(child);
    test_registered(child);
    test_unsupported(child);
    kr = task_terminate(child);
    tap_ok(kr == KERN_SUCCESS, "task_terminate (%d)", kr);
    kr = task_info(child, TASK_BASIC_INFO, (task_info_t)&basic, &count);
    tap_ok(kr == MACH_SEND_INVALID_DEST, "task_info of the dead task: MACH_SEND_INVALID_DEST (0x%x)",
           kr);
    kr = task_terminate(mach_host_self());
    tap_ok(kr == KERN_INVALID_ARGUMENT, "task_terminate of the host port: KERN_INVALID_ARGUMENT (%d)",
           kr);
    mach_port_deallocate(self, child);
    tap_done();
}
