/* SPDX-License-Identifier: GPL-2.0-or-later */
/*
 * The thread routines of mach.defs by RPC, through GNU MIG's user stubs
 * (kern/thread_control.c, kern/thread_state.c, kern/task_control.c):
 * thread_create (suspended, listed by task_threads), thread_get_state
 * and thread_set_state (THREAD_STATE, FLOAT_STATE, REGS_SEGS; short
 * counts, unknown flavors, bad selectors) starting the thread on a
 * stack of ours, thread_resume (it runs: a counter moves), thread_suspend
 * (it stops: the counter stays, thread_info says STOPPED), thread_abort,
 * thread_info (BASIC, SCHED), thread_get/set_special_port,
 * thread_terminate; a thread created in a child task, ended with it;
 * calls on ports that are no thread. The new thread makes no RPC (the
 * MIG reply port of tests/user/lib is one per task). Boot line:
 *     rpcthread $(task-create) $(task-resume)
 */
#include <mach/message.h>
#include <mach/mig_errors.h>
#include <mach/thread_info.h>
#include <mach/thread_special_ports.h>
#include <mach/thread_status.h>

#include "mach.h"
#include "mach_port.h"
#include "lib/ulib.h"
#include "lib/mach_traps.h"

#define PAGE            4096u
#define STACK_SIZE      (4 * PAGE)

/* Flavors newer than the packaged 1.8 headers (MACH-ABI.md 5.2). */
#define FSGS_BASE_STATE 7
#define XFLOAT_STATE    8

static mach_port_t self;
static volatile unsigned int counter;
unsigned int regs_seen[2];      /* esi, edi as the new thread started */

/* The created thread: counts, giving the CPU away each time. */
void __attribute__((noreturn, used))
spin(void)
{
    for (;;) {
        counter++;
        swtch();
    }
}

/* Where the created thread starts: its esi and edi saved, then spin(). */
void spin_regs(void);
__asm__(".text\n"
        ".globl spin_regs\n"
        "spin_regs:\n"
        "\tmovl %esi, regs_seen\n"
        "\tmovl %edi, regs_seen+4\n"
        "\tjmp spin\n");

/* Give the CPU away until counter differs from old, up to n times. */
static bool
counter_moves(unsigned int old, unsigned int n)
{
    for (unsigned int i = 0; i < n; i++) {
        if (counter != old) {
            return true;
        }
        swtch();
    }
    return counter != old;
}

/* The number of threads of task, or ~0; the array and rights are given back. */
static unsigned int
nr_threads(mach_port_t task)
{
    thread_array_t list;
    mach_msg_type_number_t count;

    if (task_threads(task, &list, &count) != KERN_SUCCESS) {
        return ~0u;
    }
    for (unsigned int i = 0; i < count; i++) {
        mach_port_deallocate(self, list[i]);
    }
    if (count != 0) {
        vm_deallocate(self, (vm_address_t)list, count * sizeof(list[0]));
    }
    return count;
}

/* thread_info BASIC of t into *info; the kern_return. */
static kern_return_t
basic_info(mach_port_t t, struct thread_basic_info *info)
{
    mach_msg_type_number_t count = THREAD_BASIC_INFO_COUNT;

    return thread_info(t, THREAD_BASIC_INFO, (thread_info_t)info, &count);
}

/* Every i386 flavor on the stopped thread t. */
static void
test_flavors(mach_port_t t)
{
    natural_t words[256];
    mach_msg_type_number_t count;
    bool all_ones = true;
    kern_return_t kr;

    count = 4;
    kr = thread_get_state(t, THREAD_STATE_FLAVOR_LIST, words, &count);
    tap_ok(kr == KERN_SUCCESS && count == 4 && words[0] == 1 && words[1] == 2 && words[2] == 3
           && words[3] == 4, "FLAVOR_LIST: {1, 2, 3, 4} (%d, %u words)", kr, count);
    count = i386_ISA_PORT_MAP_STATE_COUNT;
    kr = thread_get_state(t, i386_ISA_PORT_MAP_STATE, words, &count);
    for (unsigned int i = 0; i < i386_ISA_PORT_MAP_STATE_COUNT; i++) {
        all_ones = all_ones && words[i] == ~0u;
    }
    tap_ok(kr == KERN_SUCCESS && count == i386_ISA_PORT_MAP_STATE_COUNT && all_ones,
           "ISA_PORT_MAP: no port allowed (%d)", kr);
    kr = thread_set_state(t, i386_ISA_PORT_MAP_STATE, words, i386_ISA_PORT_MAP_STATE_COUNT);
    tap_ok(kr == KERN_SUCCESS, "ISA_PORT_MAP set: accepted and ignored, as GNU Mach (%d)", kr);
    words[0] = 0x1000;
    words[1] = 3;
    kr = thread_set_state(t, i386_V86_ASSIST_STATE, words, i386_V86_ASSIST_STATE_COUNT);
    words[0] = words[1] = 0;
    count = i386_V86_ASSIST_STATE_COUNT;
    kr |= thread_get_state(t, i386_V86_ASSIST_STATE, words, &count);
    tap_ok(kr == KERN_SUCCESS && words[0] == 0x1000 && words[1] == 3, "V86_ASSIST: set, read back");
    count = i386_DEBUG_STATE_COUNT;
    kr = thread_get_state(t, i386_DEBUG_STATE, words, &count);
    kr |= thread_set_state(t, i386_DEBUG_STATE, words, i386_DEBUG_STATE_COUNT);
    tap_ok(kr == KERN_SUCCESS && count == i386_DEBUG_STATE_COUNT, "DEBUG: get, set back");
    count = 2;
    kr = thread_get_state(t, FSGS_BASE_STATE, words, &count);
    tap_ok(kr == KERN_INVALID_ARGUMENT, "FSGS_BASE: KERN_INVALID_ARGUMENT on i386 (%d)", kr);
    count = 256;
    kr = thread_get_state(t, XFLOAT_STATE, words, &count);
    tap_ok(kr == KERN_SUCCESS && count >= 4 + 512 / 4, "XFLOAT: %u words (%d)", count, kr);
    if (kr == KERN_SUCCESS) {
        kr = thread_set_state(t, XFLOAT_STATE, words, count);
        tap_ok(kr == KERN_SUCCESS, "XFLOAT set back (%d)", kr);
    } else {
        tap_ok(false, "XFLOAT set back: nothing to set");
    }
    count = i386_FLOAT_STATE_COUNT;
    kr = thread_get_state(t, i386_FLOAT_STATE, words, &count);
    kr |= thread_set_state(t, i386_FLOAT_STATE, words, count);
    tap_ok(kr == KERN_SUCCESS, "FLOAT_STATE: get, set back");
    count = i386_THREAD_STATE_COUNT;
    kr = thread_get_state(t, i386_REGS_SEGS_STATE, words, &count);
    kr |= thread_set_state(t, i386_REGS_SEGS_STATE, words, count);
    tap_ok(kr == KERN_SUCCESS, "REGS_SEGS: get, set back (its own selectors)");
}

static void
test_own_thread(void)
{
    struct i386_thread_state st;
    struct i386_float_state fst;
    struct thread_basic_info info;
    struct thread_sched_info sched;
    mach_msg_type_number_t count;
    vm_address_t stack = 0;
    mach_port_t t, port, mine;
    unsigned int seen;
    kern_return_t kr;

    kr = thread_create(self, &t);
    tap_ok(kr == KERN_SUCCESS && MACH_PORT_VALID(t), "thread_create in our task (%d)", kr);
    kr = basic_info(t, &info);
    tap_ok(kr == KERN_SUCCESS && info.suspend_count == 1, "created suspended: count %d (%d)",
           info.suspend_count, kr);
    tap_ok(nr_threads(self) == 2, "task_threads lists it");

    count = i386_THREAD_STATE_COUNT;
    kr = thread_get_state(t, i386_THREAD_STATE, (thread_state_t)&st, &count);
    tap_ok(kr == KERN_SUCCESS && count == i386_THREAD_STATE_COUNT && st.cs == 0x17
           && st.ss == 0x1f, "thread_get_state THREAD_STATE: cs 0x%x ss 0x%x (%d)", st.cs, st.ss, kr);
    count = 5;
    kr = thread_get_state(t, i386_THREAD_STATE, (thread_state_t)&st, &count);
    tap_ok(kr == KERN_INVALID_ARGUMENT, "room for 5 words: KERN_INVALID_ARGUMENT (%d)", kr);
    count = i386_THREAD_STATE_COUNT;
    kr = thread_get_state(t, 99, (thread_state_t)&st, &count);
    tap_ok(kr == KERN_INVALID_ARGUMENT, "flavor 99: KERN_INVALID_ARGUMENT (%d)", kr);
    count = i386_FLOAT_STATE_COUNT;
    kr = thread_get_state(t, i386_FLOAT_STATE, (thread_state_t)&fst, &count);
    tap_ok(kr == KERN_SUCCESS && count == i386_FLOAT_STATE_COUNT,
           "thread_get_state FLOAT_STATE: %u words (%d)", count, kr);

    vm_allocate(self, &stack, STACK_SIZE, TRUE);
    count = i386_THREAD_STATE_COUNT;
    thread_get_state(t, i386_THREAD_STATE, (thread_state_t)&st, &count);
    st.eip = (unsigned int)spin_regs;
    st.uesp = stack + STACK_SIZE - 16;
    st.esi = 0x5a5a1234;
    st.edi = 0x0badf00d;
    st.cs = 0;                          /* ignored by THREAD_STATE */
    kr = thread_set_state(t, i386_THREAD_STATE, (thread_state_t)&st, i386_THREAD_STATE_COUNT);
    tap_ok(kr == KERN_SUCCESS, "thread_set_state: eip at spin, a stack of ours (%d)", kr);
    kr = thread_set_state(t, i386_REGS_SEGS_STATE, (thread_state_t)&st, i386_THREAD_STATE_COUNT);
    tap_ok(kr == KERN_INVALID_ARGUMENT, "REGS_SEGS with cs 0: KERN_INVALID_ARGUMENT (%d)", kr);
    kr = thread_set_state(t, i386_THREAD_STATE, (thread_state_t)&st, 3);
    tap_ok(kr == KERN_INVALID_ARGUMENT, "3 words: KERN_INVALID_ARGUMENT (%d)", kr);
    tap_ok(!counter_moves(counter, 20), "still suspended: the counter stays at %u", counter);

    kr = thread_resume(t);
    tap_ok(kr == KERN_SUCCESS && counter_moves(0, 1000), "thread_resume: it runs (%d, count %u)",
           kr, counter);
    tap_ok(regs_seen[0] == 0x5a5a1234 && regs_seen[1] == 0x0badf00d,
           "it started with the esi and edi we set (0x%x, 0x%x)", regs_seen[0], regs_seen[1]);
    kr = thread_resume(t);
    tap_ok(kr == KERN_FAILURE, "a resume too many: KERN_FAILURE (%d)", kr);
    kr = thread_suspend(t);
    seen = counter;
    tap_ok(kr == KERN_SUCCESS && !counter_moves(seen, 50), "thread_suspend: it stops at %u (%d)",
           seen, kr);
    kr = basic_info(t, &info);
    tap_ok(kr == KERN_SUCCESS && info.run_state == TH_STATE_STOPPED && info.suspend_count == 1,
           "thread_info BASIC: STOPPED, suspend count 1 (state %d)", info.run_state);
    count = THREAD_SCHED_INFO_COUNT;
    kr = thread_info(t, THREAD_SCHED_INFO, (thread_info_t)&sched, &count);
    tap_ok(kr == KERN_SUCCESS && count == THREAD_SCHED_INFO_COUNT && sched.depressed == 0
           && sched.depress_priority == -1, "thread_info SCHED: %u words, base priority %d (%d)",
           count, sched.base_priority, kr);
    count = i386_THREAD_STATE_COUNT;
    kr = thread_get_state(t, i386_THREAD_STATE, (thread_state_t)&st, &count);
    tap_ok(kr == KERN_SUCCESS && st.uesp > stack && st.uesp <= stack + STACK_SIZE,
           "its state: the stack pointer 0x%x is on our stack (%d)", st.uesp, kr);
    test_flavors(t);
    kr = thread_abort(t);
    tap_ok(kr == KERN_SUCCESS && !counter_moves(seen, 20),
           "thread_abort: a stopped thread stays stopped (%d)", kr);

    kr = thread_get_special_port(t, THREAD_KERNEL_PORT, &port);
    tap_ok(kr == KERN_SUCCESS && port == t, "get KERNEL: its own port (%d)", kr);
    mach_port_deallocate(self, port);
    mach_port_allocate(self, MACH_PORT_RIGHT_RECEIVE, &mine);
    mach_port_insert_right(self, mine, mine, MACH_MSG_TYPE_MAKE_SEND);
    kr = thread_set_special_port(t, THREAD_EXCEPTION_PORT, mine);
    kr |= thread_get_special_port(t, THREAD_EXCEPTION_PORT, &port);
    tap_ok(kr == KERN_SUCCESS && port == mine, "set EXCEPTION to our port, get it back");
    mach_port_deallocate(self, port);
    kr = thread_set_special_port(t, 2, mine);
    tap_ok(kr == KERN_INVALID_ARGUMENT, "set which=2: KERN_INVALID_ARGUMENT (%d)", kr);

    kr = thread_terminate(t);
    tap_ok(kr == KERN_SUCCESS && nr_threads(self) == 1, "thread_terminate: one thread left (%d)", kr);
    kr = basic_info(t, &info);
    tap_ok(kr == MACH_SEND_INVALID_DEST, "thread_info of the ended thread: MACH_SEND_INVALID_DEST "
           "(0x%x)", kr);
    mach_port_deallocate(self, t);
    mach_port_destroy(self, mine);
    vm_deallocate(self, stack, STACK_SIZE);
}

static void
test_other_task(void)
{
    struct thread_basic_info info;
    mach_port_t child, t;
    kern_return_t kr;

    task_create(self, FALSE, &child);
    kr = thread_create(child, &t);
    tap_ok(kr == KERN_SUCCESS && nr_threads(child) == 1, "thread_create in a child task (%d)", kr);
    kr = basic_info(t, &info);
    tap_ok(kr == KERN_SUCCESS && info.suspend_count == 1, "suspended there too (%d)", kr);
    task_terminate(child);
    kr = basic_info(t, &info);
    tap_ok(kr == MACH_SEND_INVALID_DEST, "gone with its task (0x%x)", kr);
    mach_port_deallocate(self, t);
    mach_port_deallocate(self, child);

    kr = thread_create(mach_host_self(), &t);
    tap_ok(kr == KERN_INVALID_ARGUMENT, "thread_create in the host port: KERN_INVALID_ARGUMENT (%d)",
           kr);
    kr = thread_suspend(self);
    tap_ok(kr == KERN_INVALID_ARGUMENT, "thread_suspend of a task port: KERN_INVALID_ARGUMENT (%d)",
           kr);
    kr = thread_terminate(mach_host_self());
    tap_ok(kr == KERN_INVALID_ARGUMENT, "thread_terminate of the host port: KERN_INVALID_ARGUMENT "
           "(%d)", kr);
}

int
main(void)
{
    self = mach_task_self();
    tap_plan(40);
    test_own_thread();
    test_other_task();
    tap_done();
}
