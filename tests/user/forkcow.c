/* SPDX-License-Identifier: GPL-2.0-or-later */
/*
 * Copy-on-write across task_create, seen from user mode on both sides:
 * a fork as a Hurd program does it. The parent fills a region with a
 * pattern, makes a child that inherits its memory copy-on-write
 * (task_create with inherit_memory), gives it a thread that starts in
 * child_main (the same text, inherited) on an inherited stack, and a
 * send right at an agreed name (mach_port_insert_right). The child
 * checks every word of the region, writes its own pattern over it,
 * checks that again, and reports through a message; meanwhile the parent
 * writes a third pattern over the first half. Afterwards each side must
 * see only its own writes: checked word by word, in ROUNDS children.
 * Another region, inherited VM_INHERIT_SHARE, is written by the child
 * and seen by the parent; one with VM_INHERIT_NONE is absent in the
 * child. The child makes no RPC (the MIG reply port of tests/user/lib
 * is the parent's name). Boot line:
 *     forkcow $(task-create) $(task-resume)
 */
#include <mach/message.h>
#include <mach/thread_status.h>
#include <mach/vm_inherit.h>

#include "mach.h"
#include "mach_port.h"
#include "lib/ulib.h"
#include "lib/mach_traps.h"

#define PAGE            4096u
#define REGION_PAGES    64
#define REGION_WORDS    (REGION_PAGES * PAGE / 4)
#define STACK_SIZE      (4 * PAGE)
#define ROUNDS          20
#define REPORT_NAME     0x4242
#define ID_REPORT       77

/* Set up by the parent before each task_create: the child reads its copies. */
static volatile uint32_t *region, *shared, *unshared;
static unsigned int round_no;

struct report {
    mach_msg_header_t head;
    mach_msg_type_t type;
    uint32_t bad;           /* words of the inherited region that were wrong */
    uint32_t bad_after;     /* words wrong after the child's own writes */
    uint32_t none_mapped;   /* 1 when the VM_INHERIT_NONE region was readable */
};

static uint32_t
pattern(unsigned int who, unsigned int i)
{
    return (who << 28) ^ (round_no << 20) ^ (i * 2654435761u);
}

static void __attribute__((noreturn))
child_main(void)
{
    struct report r = {
        .type = { .msgt_name = MACH_MSG_TYPE_INTEGER_32, .msgt_size = 32, .msgt_number = 3,
                  .msgt_inline = TRUE },
    };
    vm_address_t addr = (vm_address_t)unshared;

    for (unsigned int i = 0; i < REGION_WORDS; i++) {
        r.bad += region[i] != pattern(1, i);
    }
    for (unsigned int i = 0; i < REGION_WORDS; i++) {
        region[i] = pattern(2, i);
    }
    for (unsigned int i = 0; i < REGION_WORDS; i++) {
        r.bad_after += region[i] != pattern(2, i);
    }
    for (unsigned int i = 0; i < PAGE / 4; i++) {
        shared[i] = pattern(2, i);
    }
    /* Not inherited: allocating at its address succeeds only if nothing is there. */
    r.none_mapped = syscall_vm_allocate(mach_task_self(), &addr, PAGE, 0) != KERN_SUCCESS;
    r.head.msgh_bits = MACH_MSGH_BITS(MACH_MSG_TYPE_COPY_SEND, 0);
    r.head.msgh_remote_port = REPORT_NAME;
    r.head.msgh_id = ID_REPORT;
    mach_msg_trap(&r.head, MACH_SEND_MSG, sizeof(r), 0, MACH_PORT_NULL, 0, MACH_PORT_NULL);
    for (;;) {
        syscall_task_terminate(mach_task_self());
    }
}

/* One fork: returns the number of failed checks (printed). */
static unsigned int
fork_round(mach_port_t reply)
{
    mach_port_t self = mach_task_self(), child, thread;
    struct i386_thread_state st;
    mach_msg_type_number_t count = i386_THREAD_STATE_COUNT;
    vm_address_t stack = 0;
    struct {
        struct report r;
        uint32_t room[8];
    } m;
    unsigned int failures = 0, bad_parent = 0, shared_ok = 0;
    kern_return_t kr;

    for (unsigned int i = 0; i < REGION_WORDS; i++) {
        region[i] = pattern(1, i);
    }
    kr = vm_allocate(self, &stack, STACK_SIZE, TRUE);
    kr |= task_create(self, TRUE, &child);
    kr |= thread_create(child, &thread);
    kr |= thread_get_state(thread, i386_THREAD_STATE, (thread_state_t)&st, &count);
    st.eip = (unsigned int)child_main;
    st.uesp = stack + STACK_SIZE - 16;
    kr |= thread_set_state(thread, i386_THREAD_STATE, (thread_state_t)&st, count);
    kr |= mach_port_insert_right(child, REPORT_NAME, reply, MACH_MSG_TYPE_MAKE_SEND);
    kr |= thread_resume(thread);
    if (kr != KERN_SUCCESS) {
        tap_diag("round %u: setting up the child failed (%d)", round_no, kr);
        return 1;
    }
    /* The parent's writes race with the child's reads: each sees its own copy. */
    for (unsigned int i = 0; i < REGION_WORDS / 2; i++) {
        region[i] = pattern(3, i);
    }
    kr = mach_msg(&m.r.head, MACH_RCV_MSG | MACH_RCV_TIMEOUT, 0, sizeof(m), reply, 5000,
                  MACH_PORT_NULL);
    for (unsigned int i = 0; i < REGION_WORDS; i++) {
        bad_parent += region[i] != pattern(i < REGION_WORDS / 2 ? 3 : 1, i);
    }
    for (unsigned int i = 0; i < PAGE / 4; i++) {
        shared_ok += shared[i] == pattern(2, i);
    }
    if (kr != MACH_MSG_SUCCESS || m.r.head.msgh_id != ID_REPORT || m.r.bad != 0
        || m.r.bad_after != 0 || m.r.none_mapped != 0 || bad_parent != 0
        || shared_ok != PAGE / 4) {
        tap_diag("round %u: report %x, child saw %u wrong words (%u after writing), "
                 "none-region mapped %u; parent %u wrong words; %u shared words seen",
                 round_no, kr, m.r.bad, m.r.bad_after, m.r.none_mapped, bad_parent, shared_ok);
        failures++;
    }
    task_terminate(child);
    mach_port_deallocate(self, thread);
    mach_port_deallocate(self, child);
    vm_deallocate(self, stack, STACK_SIZE);
    return failures;
}

int
main(void)
{
    mach_port_t self = mach_task_self(), reply;
    vm_address_t a = 0, b = 0, c = 0;
    unsigned int failures = 0;
    kern_return_t kr;

    tap_plan(3);
    kr = vm_allocate(self, &a, REGION_PAGES * PAGE, TRUE);
    kr |= vm_allocate(self, &b, PAGE, TRUE);
    kr |= vm_allocate(self, &c, PAGE, TRUE);
    kr |= vm_inherit(self, b, PAGE, VM_INHERIT_SHARE);
    kr |= vm_inherit(self, c, PAGE, VM_INHERIT_NONE);
    kr |= mach_port_allocate(self, MACH_PORT_RIGHT_RECEIVE, &reply);
    tap_ok(kr == KERN_SUCCESS, "a %u-page region, a shared page, a page not inherited (%d)",
           REGION_PAGES, kr);
    region = (volatile uint32_t *)a;
    shared = (volatile uint32_t *)b;
    unshared = (volatile uint32_t *)c;
    unshared[0] = 1;
    for (round_no = 0; round_no < ROUNDS; round_no++) {
        failures += fork_round(reply);
    }
    tap_ok(failures == 0, "%u forks: the child saw the parent's memory, each side kept its own "
           "writes, the shared page carried the child's, the other page was absent", ROUNDS);
    tap_ok(unshared[0] == 1, "the parent's page that no child inherited is intact");
    tap_done();
}
