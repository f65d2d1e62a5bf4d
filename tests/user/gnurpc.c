/* SPDX-License-Identifier: GPL-2.0-or-later */
/*
 * The gnumach.defs, mach_i386.defs and mach_debug.defs RPCs, and those
 * of the project's .defs for routines newer than the packaged ones
 * (gnumach_ext, mach_i386_ext, mach_host_ext), through GNU MIG's user
 * stubs, as a GNU Mach program makes them:
 *   gnumach: task_set_name, gsync_wait (values, alignment, timeout),
 *     gsync_wake with MUTATE, vm_wire_all, vm_allocate_contiguous,
 *     vm_object_sync and vm_msync as GNU Mach answers them,
 *     thread_terminate_release refusing a bad task (nothing released),
 *     register_new_task_notification and the mach_notify_new_task
 *     message a task_create then brings;
 *   gnumach_ext: vm_pages_phys (inline and out-of-line replies, the
 *     contiguous block read back), thread_set_name / thread_get_name,
 *     vm_set_size_limit / vm_get_size_limit (host vs host-priv, the
 *     limit enforced by vm_allocate);
 *   mach_i386: i386_set_gdt / i386_get_gdt, i386_set_ldt /
 *     i386_get_ldt (inline and out-of-line both ways), i386_io_perm_*
 *     answered MIG_BAD_ID; i386_get_xstate_size;
 *   mach_debug: host_slab_info (an out-of-line array of cache_info_t),
 *     and gnumach's vm_cache_statistics beside it;
 *   mach_host_ext: host_get_time64, host_get_uptime64, host_set_time64
 *     (refused through the host port), host_get_kernel_version, processor_set_processors (control vs name
 *     port), task_max_priority (host vs host-priv);
 * and each routine's errors: wrong port kinds, bad arguments, the
 * privileged port required. Boot line:
 *     gnurpc ${host-port} $(task-create) $(task-resume)
 */
#include <mach/host_info.h>
#include <mach/message.h>
#include <mach/mig_errors.h>
#include <mach/processor_info.h>
#include <mach/vm_sync.h>
#include <mach/vm_wire.h>

#include "gnumach.h"
#include "gnumach_ext.h"
#include "mach_debug.h"
#include "mach_host.h"
#include "mach_host_ext.h"
#include "mach_i386.h"
#include "mach_i386_ext.h"
#include "mach_port.h"
#include "lib/ulib.h"
#include "lib/mach_traps.h"

#define PAGE                    4096u
#define GSYNC_QUAD              0x02
#define GSYNC_TIMED             0x04
#define GSYNC_MUTATE            0x10

static mach_port_t self, host, host_priv;

/* A segment descriptor: base, 20-bit limit, access byte, flag nibble. */
static descriptor_t
desc(unsigned int base, unsigned int limit, unsigned int access, unsigned int flags)
{
    return (descriptor_t){
        .low_word = (base << 16) | (limit & 0xffff),
        .high_word = ((base >> 16) & 0xff) | (access << 8) | (limit & 0xf0000)
                     | (flags << 20) | (base & 0xff000000),
    };
}

static volatile unsigned int gsync_word[2] __attribute__((aligned(8)));

static void
test_gsync(void)
{
    kern_return_t kr;

    gsync_word[0] = 5;
    gsync_word[1] = 6;
    kr = gsync_wait(self, (vm_address_t)gsync_word, 4, 0, 0, 0);
    tap_ok(kr == KERN_INVALID_ARGUMENT, "gsync_wait on a changed value: at once (%d)", kr);
    kr = gsync_wait(self, (vm_address_t)gsync_word, 5, 7, 0, GSYNC_QUAD);
    tap_ok(kr == KERN_INVALID_ARGUMENT, "gsync_wait QUAD, second word differs (%d)", kr);
    kr = gsync_wait(self, (vm_address_t)gsync_word + 2, 5, 0, 0, 0);
    tap_ok(kr == KERN_INVALID_ADDRESS, "gsync_wait unaligned: KERN_INVALID_ADDRESS (%d)", kr);
    kr = gsync_wait(self, 0xb0000000u, 5, 0, 0, 0);
    tap_ok(kr == KERN_INVALID_ADDRESS, "gsync_wait unmapped: KERN_INVALID_ADDRESS (%d)", kr);
    kr = gsync_wait(self, (vm_address_t)gsync_word, 5, 6, 30, GSYNC_QUAD | GSYNC_TIMED);
    tap_ok(kr == KERN_TIMEDOUT, "gsync_wait 30 ms, nobody wakes: KERN_TIMEDOUT (%d)", kr);
    kr = gsync_wait(host, (vm_address_t)gsync_word, 5, 0, 0, 0);
    tap_ok(kr == KERN_INVALID_TASK, "gsync_wait through the host port (%d)", kr);
    kr = gsync_wake(self, (vm_address_t)gsync_word, 77, GSYNC_MUTATE);
    tap_ok(kr == KERN_SUCCESS && gsync_word[0] == 77,
           "gsync_wake MUTATE with nobody waiting still writes: %u", gsync_word[0]);
    kr = gsync_requeue(self, (vm_address_t)gsync_word, (vm_address_t)gsync_word + 4, TRUE, 0);
    tap_ok(kr == KERN_SUCCESS, "gsync_requeue, a simpleroutine: sent (%d)", kr);
}

static void
test_vm(void)
{
    vm_address_t va = 0, big = 0;
    rpc_phys_addr_t pa = 0;
    rpc_phys_addr_t inline_pages[4], *pages = inline_pages;
    mach_msg_type_number_t n = 4;
    vm_size_t cur, max;
    bool all_present = true;
    kern_return_t kr;

    kr = vm_wire_all(host, self, VM_WIRE_CURRENT);
    tap_ok(kr == KERN_INVALID_HOST, "vm_wire_all through the host port: KERN_INVALID_HOST (%d)",
           kr);
    kr = vm_wire_all(host_priv, self, 0x100);
    tap_ok(kr == KERN_INVALID_ARGUMENT, "vm_wire_all unknown flags (%d)", kr);
    kr = vm_wire_all(host_priv, host, VM_WIRE_CURRENT);
    tap_ok(kr == KERN_INVALID_TASK, "vm_wire_all on the host port as task (%d)", kr);
    kr = vm_wire_all(host_priv, self, VM_WIRE_CURRENT);
    tap_ok(kr == KERN_SUCCESS && vm_wire_all(host_priv, self, VM_WIRE_NONE) == KERN_SUCCESS,
           "vm_wire_all CURRENT, then NONE (%d)", kr);

    kr = vm_allocate_contiguous(host, self, &va, &pa, 3 * PAGE, 0, 0x1000000, 0);
    tap_ok(kr == KERN_INVALID_HOST, "vm_allocate_contiguous without host-priv (%d)", kr);
    kr = vm_allocate_contiguous(host_priv, self, &va, &pa, 3 * PAGE, PAGE, 0x1000000, 0);
    tap_ok(kr == KERN_INVALID_ARGUMENT, "vm_allocate_contiguous pmin 4096 (%d)", kr);
    kr = vm_allocate_contiguous(host_priv, self, &va, &pa, 3 * PAGE, 0, 0x1000000, 0);
    tap_ok(kr == KERN_SUCCESS && pa != 0 && pa + 3 * PAGE <= 0x1000000
           && (pa & (PAGE - 1)) == 0,
           "vm_allocate_contiguous 3 pages below 16 MiB: va 0x%x pa 0x%x%08x (%d)", va,
           (unsigned int)(pa >> 32), (unsigned int)pa, kr);
    if (kr == KERN_SUCCESS) {
        ((volatile char *)va)[2 * PAGE] = 1;
        kr = vm_pages_phys(host_priv, self, va, 3 * PAGE, &pages, &n);
        tap_ok(kr == KERN_SUCCESS && n == 3 && pages == inline_pages && pages[0] == pa
               && pages[1] == pa + PAGE && pages[2] == pa + 2 * PAGE,
               "vm_pages_phys reads the block back, inline (%d, %u)", kr, n);
        syscall_vm_deallocate(self, va, 3 * PAGE);
    } else {
        tap_ok(false, "vm_pages_phys: no block to read");
    }
    kr = vm_pages_phys(host, self, 0, PAGE, &pages, &n);
    tap_ok(kr == KERN_INVALID_HOST, "vm_pages_phys without host-priv (%d)", kr);
    kr = vm_pages_phys(host_priv, self, (vm_address_t)&n, 10, &pages, &n);
    tap_ok(kr == KERN_INVALID_ARGUMENT, "vm_pages_phys unaligned (%d)", kr);

    /* 300 pages, each touched: more than the reply carries inline. */
    kr = syscall_vm_allocate(self, &big, 300 * PAGE, TRUE);
    if (kr == KERN_SUCCESS) {
        for (unsigned int i = 0; i < 300; i++) {
            ((volatile char *)big)[i * PAGE] = 1;
        }
        pages = inline_pages;
        n = 4;
        kr = vm_pages_phys(host_priv, self, big, 300 * PAGE, &pages, &n);
        for (unsigned int i = 0; kr == KERN_SUCCESS && i < n; i++) {
            all_present = all_present && pages[i] != 0 && (pages[i] & (PAGE - 1)) == 0;
        }
        tap_ok(kr == KERN_SUCCESS && n == 300 && pages != inline_pages && all_present,
               "vm_pages_phys of 300 pages: an out-of-line array, every page present (%d)", kr);
        if (kr == KERN_SUCCESS && pages != inline_pages) {
            syscall_vm_deallocate(self, (vm_address_t)pages, n * sizeof(*pages));
        }
        syscall_vm_deallocate(self, big, 300 * PAGE);
    } else {
        tap_ok(false, "vm_allocate 300 pages: %d", kr);
    }

    kr = vm_object_sync(self, 0, PAGE, TRUE, TRUE, TRUE);
    tap_ok(kr == KERN_INVALID_ARGUMENT, "vm_object_sync on a port that names no object (%d)", kr);
    kr = vm_msync(self, 16 * PAGE, 0, VM_SYNC_SYNCHRONOUS);
    tap_ok(kr == KERN_SUCCESS, "vm_msync of nothing (%d)", kr);
    kr = vm_msync(self, (vm_address_t)&n, 4, VM_SYNC_SYNCHRONOUS | VM_SYNC_ASYNCHRONOUS);
    tap_ok(kr == KERN_INVALID_ARGUMENT, "vm_msync both synchronous and asynchronous (%d)", kr);
    kr = vm_msync(self, (vm_address_t)&n, 4, VM_SYNC_SYNCHRONOUS);
    tap_ok(kr == KERN_INVALID_ARGUMENT, "vm_msync of a page: GNU Mach's unfinished answer (%d)",
           kr);

    kr = vm_get_size_limit(self, &cur, &max);
    tap_ok(kr == KERN_SUCCESS && cur <= max, "vm_get_size_limit: 0x%x of 0x%x (%d)", cur, max, kr);
    kr = vm_set_size_limit(host, self, 64u << 20, 32u << 20);
    tap_ok(kr == KERN_INVALID_ARGUMENT, "vm_set_size_limit current above max (%d)", kr);
    kr = vm_set_size_limit(self, self, 32u << 20, 32u << 20);
    tap_ok(kr == KERN_INVALID_HOST, "vm_set_size_limit through a task port (%d)", kr);
    kr = vm_set_size_limit(host, self, 16u << 20, 32u << 20);
    tap_ok(kr == KERN_SUCCESS, "vm_set_size_limit lowers through the host port (%d)", kr);
    big = 0;
    kr = syscall_vm_allocate(self, &big, 20u << 20, TRUE);
    tap_ok(kr == KERN_NO_SPACE, "vm_allocate of 20 MiB over the 16 MiB limit: KERN_NO_SPACE (%d)",
           kr);
    if (kr == KERN_SUCCESS) {
        syscall_vm_deallocate(self, big, 20u << 20);
    }
    kr = vm_set_size_limit(host, self, cur, max);
    tap_ok(kr == KERN_NO_ACCESS, "raising the maximum through the host port: KERN_NO_ACCESS (%d)",
           kr);
    kr = vm_set_size_limit(host_priv, self, cur, max);
    tap_ok(kr == KERN_SUCCESS && vm_get_size_limit(self, &cur, &max) == KERN_SUCCESS,
           "host-priv restores the limits (%d)", kr);
}

static void
test_names(void)
{
    mach_port_t thread = mach_thread_self();
    kernel_debug_name_t name;
    kern_return_t kr;

    kr = task_set_name(self, "gnurpc-task");
    tap_ok(kr == KERN_SUCCESS, "task_set_name, a simpleroutine: sent (%d)", kr);
    kr = thread_set_name(thread, "gnurpc-thr");
    tap_ok(kr == KERN_SUCCESS, "thread_set_name: sent (%d)", kr);
    memset(name, 'x', sizeof(name));
    kr = thread_get_name(thread, name);
    tap_ok(kr == KERN_SUCCESS && strcmp(name, "gnurpc-thr") == 0, "thread_get_name: \"%s\" (%d)",
           kr == KERN_SUCCESS ? name : "", kr);
    kr = thread_get_name(self, name);
    tap_ok(kr == KERN_INVALID_ARGUMENT, "thread_get_name on a task port (%d)", kr);
    syscall_mach_port_deallocate(self, thread);
}

static void
test_terminate_release(void)
{
    mach_port_t thread = mach_thread_self(), reply;
    mach_port_type_t type = 0;
    vm_address_t va = 0;
    kern_return_t kr;

    /* The task argument is the host port: nothing is released, nobody ends. */
    mach_port_allocate(self, MACH_PORT_RIGHT_RECEIVE, &reply);
    syscall_vm_allocate(self, &va, PAGE, TRUE);
    kr = thread_terminate_release(thread, host, thread, reply, va, PAGE);
    ((volatile char *)va)[0] = 1;
    tap_ok(kr == KERN_SUCCESS, "thread_terminate_release with a bad task: sent, still running");
    tap_ok(mach_port_type(self, reply, &type) == KERN_SUCCESS && type == MACH_PORT_TYPE_RECEIVE
           && mach_port_type(self, thread, &type) == KERN_SUCCESS,
           "its reply port and thread name are still there, its memory mapped");
    syscall_vm_deallocate(self, va, PAGE);
    mach_port_destroy(self, reply);
    mach_port_deallocate(self, thread);
}

/* Create a task and terminate it at once (the notification's trigger). */
static void
task_cycle(void)
{
    mach_port_t child;

    if (syscall_task_create(self, FALSE, &child) == KERN_SUCCESS) {
        syscall_task_terminate(child);
        mach_port_deallocate(self, child);
    }
}

static void
test_new_task(void)
{
    struct {
        mach_msg_header_t head;
        mach_msg_type_t task_type;
        mach_port_t task;
        mach_msg_type_t parent_type;
        mach_port_t parent;
        char room[64];
    } msg;
    mach_port_t port, port2, child = MACH_PORT_NULL;
    mach_msg_return_t mr;
    kern_return_t kr;

    mach_port_allocate(self, MACH_PORT_RIGHT_RECEIVE, &port);
    kr = register_new_task_notification(host, port, MACH_MSG_TYPE_MAKE_SEND);
    tap_ok(kr == KERN_INVALID_HOST, "register_new_task_notification without host-priv (%d)", kr);
    kr = register_new_task_notification(host_priv, port, MACH_MSG_TYPE_MAKE_SEND);
    tap_ok(kr == KERN_SUCCESS, "register_new_task_notification (%d)", kr);
    kr = register_new_task_notification(host_priv, port, MACH_MSG_TYPE_MAKE_SEND);
    tap_ok(kr == KERN_NO_ACCESS, "a second registration: KERN_NO_ACCESS (%d)", kr);

    kr = syscall_task_create(self, FALSE, &child);
    memset(&msg, 0, sizeof(msg));
    mr = mach_msg(&msg.head, MACH_RCV_MSG | MACH_RCV_TIMEOUT, 0, sizeof(msg), port, 0,
                  MACH_PORT_NULL);
    tap_ok(kr == KERN_SUCCESS && mr == MACH_MSG_SUCCESS && msg.head.msgh_id == 4400
           && msg.head.msgh_size == 40 && (msg.head.msgh_bits & MACH_MSGH_BITS_COMPLEX)
           && msg.task_type.msgt_name == MACH_MSG_TYPE_PORT_SEND && msg.task == child
           && msg.parent_type.msgt_name == MACH_MSG_TYPE_PORT_SEND && msg.parent == self,
           "task_create sends mach_notify_new_task: id %d, task %u (child %u), parent %u (%d)",
           msg.head.msgh_id, msg.task, child, msg.parent, mr);
    if (mr == MACH_MSG_SUCCESS) {
        mach_port_deallocate(self, msg.task);
        mach_port_deallocate(self, msg.parent);
    }
    if (kr == KERN_SUCCESS) {
        syscall_task_terminate(child);
        mach_port_deallocate(self, child);
    }
    mr = mach_msg(&msg.head, MACH_RCV_MSG | MACH_RCV_TIMEOUT, 0, sizeof(msg), port, 0,
                  MACH_PORT_NULL);
    tap_ok(mr == MACH_RCV_TIMED_OUT, "one notification per task (%d)", mr);

    /* The registered port dies: the next creation frees the registration. */
    mach_port_destroy(self, port);
    task_cycle();
    mach_port_allocate(self, MACH_PORT_RIGHT_RECEIVE, &port2);
    kr = register_new_task_notification(host_priv, port2, MACH_MSG_TYPE_MAKE_SEND);
    tap_ok(kr == KERN_SUCCESS, "a dead registration is dropped: a new one is taken (%d)", kr);
    mach_port_destroy(self, port2);
    task_cycle();
}

static void
test_i386(void)
{
    mach_port_t thread = mach_thread_self();
    static unsigned int tls_word = 0x5eed;
    descriptor_t d = desc((unsigned int)&tls_word, 3, 0xf2, 0x4), got, empty = { 0, 0 };
    static descriptor_t many[300];
    descriptor_t room[4], *list = room;
    mach_msg_type_number_t n = 4;
    io_perm_t perm;
    vm_size_t size = 0;
    int sel = -1;
    kern_return_t kr;

    kr = i386_set_gdt(thread, &sel, d);
    tap_ok(kr == KERN_SUCCESS && sel == 0x4b, "i386_set_gdt -1: selector 0x%x (%d)", sel, kr);
    kr = i386_get_gdt(thread, sel, &got);
    tap_ok(kr == KERN_SUCCESS && got.low_word == d.low_word
           && (got.high_word & ~0x100u) == d.high_word, "i386_get_gdt reads it back (%d)", kr);
    kr = i386_set_gdt(thread, &sel, desc(0, 0xfffff, 0x92, 0xc));
    tap_ok(kr == KERN_INVALID_ARGUMENT, "i386_set_gdt of a DPL-0 segment (%d)", kr);
    kr = i386_get_gdt(thread, 0x1b, &got);
    tap_ok(kr == KERN_INVALID_ARGUMENT, "i386_get_gdt of selector 0x1b (%d)", kr);
    kr = i386_set_gdt(thread, &sel, empty);
    tap_ok(kr == KERN_SUCCESS, "a non-present descriptor empties the slot (%d)", kr);

    kr = i386_set_ldt(thread, 0x27, &d, 1);
    tap_ok(kr == KERN_SUCCESS, "i386_set_ldt at 0x27 (%d)", kr);
    kr = i386_get_ldt(thread, 0x27, 1, &list, &n);
    tap_ok(kr == KERN_SUCCESS && n == 1 && list == room && room[0].low_word == d.low_word,
           "i386_get_ldt reads it back inline (%d, %u)", kr, n);
    kr = i386_set_ldt(thread, 0x0f, &d, 1);
    tap_ok(kr == KERN_INVALID_ARGUMENT, "i386_set_ldt at index 1 (%d)", kr);
    kr = i386_get_ldt(thread, 0, -1, &list, &n);
    tap_ok(kr == KERN_INVALID_ARGUMENT, "i386_get_ldt of -1 entries (%d)", kr);
    for (unsigned int i = 0; i < 300; i++) {
        many[i] = i % 2 ? d : empty;
    }
    kr = i386_set_ldt(thread, 0x27, many, 300);
    tap_ok(kr == KERN_SUCCESS, "i386_set_ldt of 300 entries: out of line (%d)", kr);
    n = 4;
    list = room;
    kr = i386_get_ldt(thread, 0x27, 300, &list, &n);
    tap_ok(kr == KERN_SUCCESS && n == 300 && list != room && list[0].high_word == 0
           && list[299].low_word == d.low_word,
           "i386_get_ldt of 300 entries: an out-of-line array (%d, %u)", kr, n);
    if (kr == KERN_SUCCESS && list != room) {
        syscall_vm_deallocate(self, (vm_address_t)list, n * sizeof(*list));
    }
    kr = i386_io_perm_create(host_priv, 0x60, 0x64, &perm);
    tap_ok(kr == MIG_BAD_ID, "i386_io_perm_create: MIG_BAD_ID (%d)", kr);

    kr = i386_get_xstate_size(host, &size);
    tap_ok(kr == KERN_SUCCESS && (size == 16 + 512 || size == 16 + 108),
           "i386_get_xstate_size: %u bytes (%d)", size, kr);
    kr = i386_get_xstate_size(self, &size);
    tap_ok(kr == KERN_INVALID_ARGUMENT, "i386_get_xstate_size through a task port (%d)", kr);
    syscall_mach_port_deallocate(self, thread);
}

static void
test_pset_processors(void)
{
    mach_port_t name = MACH_PORT_NULL, set = MACH_PORT_NULL, *list = NULL;
    mach_msg_type_number_t n = 0;
    struct host_basic_info basic;
    mach_msg_type_number_t count = HOST_BASIC_INFO_COUNT;
    int cpu = -1;
    kern_return_t kr;

    processor_set_default(host, &name);
    host_processor_set_priv(host_priv, name, &set);
    host_info(host, HOST_BASIC_INFO, (host_info_t)&basic, &count);
    kr = processor_set_processors(set, &list, &n);
    if (kr == KERN_SUCCESS && n > 0) {
        struct processor_basic_info info;
        mach_msg_type_number_t icount = PROCESSOR_BASIC_INFO_COUNT;
        mach_port_t h;

        if (processor_info(list[n - 1], PROCESSOR_BASIC_INFO, &h, (processor_info_t)&info,
                           &icount) == KERN_SUCCESS) {
            cpu = info.slot_num;
            mach_port_deallocate(self, h);
        }
    }
    tap_ok(kr == KERN_SUCCESS && (int)n == basic.avail_cpus && cpu == (int)n - 1,
           "processor_set_processors: %u processors, the last CPU %d (%d)", n, cpu, kr);
    for (unsigned int i = 0; kr == KERN_SUCCESS && i < n; i++) {
        mach_port_deallocate(self, list[i]);
    }
    if (kr == KERN_SUCCESS) {
        syscall_vm_deallocate(self, (vm_address_t)list, n * sizeof(*list));
    }
    kr = processor_set_processors(name, &list, &n);
    tap_ok(kr == KERN_INVALID_ARGUMENT, "processor_set_processors through the name port (%d)",
           kr);
    mach_port_deallocate(self, name);
    mach_port_deallocate(self, set);
}

static void
test_debug_and_host(void)
{
    cache_info_t *info = NULL;
    vm_cache_statistics_data_t cache;
    mach_msg_type_number_t n = 0;
    time_value64_t now, up1, up2;
    kernel_version_t version;
    bool sane = true;
    int slabs = 0;
    kern_return_t kr;

    kr = host_slab_info(host, &info, &n);
    for (unsigned int i = 0; kr == KERN_SUCCESS && i < n; i++) {
        sane = sane && info[i].name[0] != '\0' && info[i].obj_size > 0
               && info[i].buf_size >= info[i].obj_size;
        slabs += (int)info[i].nr_slabs;
    }
    tap_ok(kr == KERN_SUCCESS && n > 10 && sane, "host_slab_info: %u caches, first \"%s\" (%d)", n,
           kr == KERN_SUCCESS && n > 0 ? info[0].name : "", kr);
    if (kr == KERN_SUCCESS && info != NULL) {
        syscall_vm_deallocate(self, (vm_address_t)info, n * sizeof(*info));
    }
    kr = vm_cache_statistics(self, &cache);
    /* The slabs host_slab_info counted, give or take the RPCs' own buffers. */
    tap_ok(kr == KERN_SUCCESS && cache.slab_count > 0 && cache.slab_count >= slabs - 4
           && cache.slab_count <= slabs + 4 && cache.slab_reclaim_count <= cache.slab_count
           && cache.active_tmp_count > 0 && cache.cache_object_count == 0,
           "vm_cache_statistics: %d slabs (host_slab_info: %d), %d free, %d active pages (%d)",
           cache.slab_count, slabs, cache.slab_reclaim_count, cache.active_tmp_count, kr);
    kr = vm_cache_statistics(host, &cache);
    tap_ok(kr == KERN_INVALID_ARGUMENT, "vm_cache_statistics through the host port (%d)", kr);
    kr = host_slab_info(self, &info, &n);
    tap_ok(kr == KERN_INVALID_HOST, "host_slab_info through a task port (%d)", kr);

    kr = host_get_time64(host, &now);
    tap_ok(kr == KERN_SUCCESS && now.seconds > 1600000000 && now.nanoseconds >= 0
           && now.nanoseconds < 1000000000, "host_get_time64: %u s (%d)", (unsigned int)now.seconds, kr);
    kr = host_get_uptime64(host, &up1);
    gsync_wait(self, (vm_address_t)gsync_word, gsync_word[0], 0, 30, GSYNC_TIMED);
    host_get_uptime64(host, &up2);
    tap_ok(kr == KERN_SUCCESS && up2.seconds * 1000000000 + up2.nanoseconds
                                 >= up1.seconds * 1000000000 + up1.nanoseconds + 20000000,
           "host_get_uptime64 advances over a 30 ms sleep (%d)", kr);
    kr = host_get_uptime64(self, &up1);
    tap_ok(kr == KERN_INVALID_HOST, "host_get_uptime64 through a task port (%d)", kr);
    memset(version, 0, sizeof(version));
    kr = host_get_kernel_version(host, version);
    tap_ok(kr == KERN_SUCCESS && strlen(version) > 4, "host_get_kernel_version: \"%s\"", version);
    kr = host_set_time64(host, now);
    tap_ok(kr == KERN_INVALID_HOST,
           "host_set_time64 through the host port: KERN_INVALID_HOST (%d; user/rpchost sets it)",
           kr);

    test_pset_processors();

    kr = task_max_priority(host, self, 30, FALSE, FALSE);
    tap_ok(kr == KERN_SUCCESS, "task_max_priority lowers to 30 through the host port (%d)", kr);
    kr = task_max_priority(host, self, 10, FALSE, FALSE);
    tap_ok(kr == KERN_NO_ACCESS, "raising it needs host-priv: KERN_NO_ACCESS (%d)", kr);
    kr = task_max_priority(host_priv, self, 10, FALSE, TRUE);
    tap_ok(kr == KERN_SUCCESS, "host-priv raises it to 10 (%d)", kr);
    kr = task_max_priority(self, self, 10, FALSE, FALSE);
    tap_ok(kr == KERN_INVALID_ARGUMENT, "task_max_priority through a task port (%d)", kr);
    kr = task_max_priority(host_priv, self, 50, FALSE, FALSE);
    tap_ok(kr == KERN_INVALID_ARGUMENT, "task_max_priority 50: out of range (%d)", kr);
}

int
main(int argc, char **argv)
{
    self = mach_task_self();
    host = mach_host_self();
    host_priv = argc > 1 ? u_parse_uint(argv[1]) : MACH_PORT_NULL;

    tap_plan(72);
    test_gsync();
    test_vm();
    test_names();
    test_terminate_release();
    test_new_task();
    test_i386();
    test_debug_and_host();
    syscall_mach_port_deallocate(self, host);
    return 0;
}
