/* SPDX-License-Identifier: GPL-2.0-or-later */
/*
 * External pagers inside the kernel (vm/vm_pager.c). The test thread
 * plays the pager on a port the kernel receives (as an exception reply
 * port is received) and answers through the mach.defs routines called
 * directly; kernel threads fault on a user map with vm_fault().
 *
 * test=vm_pager (in test=all, so on every CPU of the SMP lines):
 *  - vm_pager_object_get() twice: one object, one memory_object_init;
 *  - faults before memory_object_ready send nothing;
 *  - 4 threads fault on page 0 together, then on the same 16 pages in
 *    different orders: while page 0 waits, no second request; one
 *    data_request per page for the pages answered with data (supply)
 *    or zeros (unavailable), the data seen by every thread; the pages
 *    answered with data_error fail every fault with ERROR_IO;
 *  - a waiting fault interrupted (thread_interrupt) ends with ERROR_INTR;
 *  - destroying the map sends memory_object_terminate with the receive
 *    rights of the control and name ports; every object, pager and port
 *    is gone afterwards.
 */
#include <stdbool.h>
#include <stdint.h>

#include <include/mach/message.h>
#include <ipc/ipc_kmsg.h>
#include <ipc/ipc_mqueue.h>
#include <ipc/ipc_port.h>
#include <kern/error.h>
#include <kern/ktest.h>
#include <kern/mig_kernel.h>
#include <kern/spinlock.h>
#include <kern/thread.h>
#include <machine/param.h>
#include <machine/pmap.h>
#include <vm/vm_copy.h>
#include <vm/vm_fault.h>
#include <vm/vm_map.h>
#include <vm/vm_object.h>
#include <vm/vm_page.h>
#include <vm/vm_pager.h>
#include <vm/vm_user.h>

#include "mach_S.h"

#define VPT_PAGES               16u
#define VPT_THREADS             4u
#define VPT_HELD                VPT_PAGES       /* the page of the interrupted wait */
#define VPT_SIZE                ((VPT_PAGES + 1) * PAGE_SIZE)
#define VPT_RESULT_NONE         1               /* no result yet (results are <= 0) */

static struct vm_user_map *vpt_map;
static uintptr_t vpt_addr;
static int vpt_results[VPT_THREADS][VPT_PAGES];
static unsigned int vpt_done;
static volatile int vpt_held_result;
static volatile bool vpt_release;

/* How the pager answers page i: data, zeros, or an error. */
enum vpt_answer { VPT_SUPPLY, VPT_UNAVAILABLE, VPT_ERROR };

static enum vpt_answer
vpt_answer_of(unsigned int i)
{
    return (enum vpt_answer)(i % 3);
}

/* The byte at j of page i's data. */
static uint8_t
vpt_byte(unsigned int i, unsigned int j)
{
    return (uint8_t)(i * 29 + j * 7 + 3);
}

static void
vpt_faulter(void *arg)
{
    unsigned int id = (unsigned int)(uintptr_t)arg;

    for (unsigned int k = 0; k < VPT_PAGES; k++) {
        unsigned int i = (k * (2 * id + 1)) % VPT_PAGES;    /* page 0 first, then each its own order */

        vpt_results[id][i] = vm_fault(vpt_map, vpt_addr + i * PAGE_SIZE, VM_MAP_PROT_READ);
    }
    __atomic_fetch_add(&vpt_done, 1, __ATOMIC_RELEASE);
}

static void
vpt_holder(void *arg)
{
    (void)arg;
    vpt_held_result = vm_fault(vpt_map, vpt_addr + VPT_HELD * PAGE_SIZE, VM_MAP_PROT_READ);
    while (!__atomic_load_n(&vpt_release, __ATOMIC_ACQUIRE)) {
        thread_yield();
    }
}

/* Messages queued on port (a peek, for a pager that must not block). */
static unsigned long
vpt_queued(struct ipc_port *port)
{
    unsigned long n;

    spinlock_lock(&port->lock);
    n = port->mqueue.nr_messages;
    spinlock_unlock(&port->lock);
    return n;
}

/* The next message on port, in the kernel's view (body words as sent). */
static struct ipc_kmsg *
vpt_receive(struct ipc_port *port)
{
    struct ipc_kmsg *kmsg = NULL;

    return ipc_mqueue_receive_kernel(port, &kmsg) == MACH_MSG_SUCCESS ? kmsg : NULL;
}

/* Answer the data_request kmsg (checked), counting it in requests[]. */
static void
vpt_answer(struct ipc_kmsg *kmsg, struct ipc_port *control, unsigned int *requests)
{
    const uint32_t *w = ipc_kmsg_body(kmsg);
    uint8_t buf[PAGE_SIZE];
    struct vm_copy *copy;
    unsigned int i;
    kern_return_t kr;

    ktest_assert_msg(kmsg->header.msgh_id == 2203 && kmsg->nr_ports == 1
                     && kmsg->ports[0] == control && w[5] == PAGE_SIZE
                     && w[7] == VM_MAP_PROT_READ && w[3] % PAGE_SIZE == 0,
                     "data_request: id %d, %u ports, offset %u, length %u, access %u",
                     kmsg->header.msgh_id, kmsg->nr_ports, w[3], w[5], w[7]);
    i = w[3] / PAGE_SIZE;
    if (i >= VPT_PAGES) {
        return;
    }
    requests[i]++;
    switch (vpt_answer_of(i)) {
    case VPT_SUPPLY:
        for (unsigned int j = 0; j < PAGE_SIZE; j++) {
            buf[j] = vpt_byte(i, j);
        }
        KTEST_ASSERT(vm_copy_create(PAGE_SIZE, &copy) == 0);
        vm_copy_write(copy, 0, buf, PAGE_SIZE);
        kr = memory_object_data_supply(vm_object_lookup(control), w[3], (vm_offset_t)copy,
                                       PAGE_SIZE, 0, FALSE, NULL, 0);
        break;
    case VPT_UNAVAILABLE:
        kr = memory_object_data_unavailable(vm_object_lookup(control), w[3], PAGE_SIZE);
        break;
    default:
        kr = memory_object_data_error(vm_object_lookup(control), w[3], PAGE_SIZE, KERN_FAILURE);
        break;
    }
    KTEST_ASSERT(kr == KERN_SUCCESS);
}

/*
 * Whether the object's page i holds what the pager answered for it (read
 * through a window: zero-filled pages may lie beyond the direct map).
 */
static bool
vpt_page_ok(struct vm_object *object, unsigned int i)
{
    struct vm_page *page = vm_object_page_lookup(object, (uint64_t)i * PAGE_SIZE);
    const uint8_t *p;
    bool ok = true;

    if (page == NULL) {
        return false;
    }
    p = pmap_window_map(vm_page_to_pa(page));
    if (p == NULL) {
        return false;
    }
    for (unsigned int j = 0; j < PAGE_SIZE && ok; j++) {
        ok = p[j] == (vpt_answer_of(i) == VPT_SUPPLY ? vpt_byte(i, j) : 0);
    }
    pmap_window_unmap((void *)p);
    return ok;
}

static void
vm_pager_test_fn(void)
{
    unsigned long objects = vm_object_count(), pagers = vm_pager_count();
    unsigned int threads = thread_count();
    struct ipc_port_stats ports_before, ports_after;
    unsigned int requests[VPT_PAGES] = { 0 };
    struct ipc_kmsg *init, *kmsg, *term;
    struct vm_object *object, *again;
    struct ipc_port *port, *control, *name;
    struct thread *holder;
    const uint32_t *w;

    ipc_port_stats_get(&ports_before);
    port = ipc_port_create(NULL, MACH_PORT_NULL);
    KTEST_ASSERT(port != NULL && vm_user_map_create(&vpt_map) == 0);
    if (port == NULL || vpt_map == NULL) {
        return;
    }
    KTEST_ASSERT(vm_pager_object_get(port, &object) == 0
                 && vm_pager_object_get(port, &again) == 0 && again == object
                 && vm_pager_count() == pagers + 1);
    vm_object_unref(again);
    KTEST_ASSERT(vm_user_map_object(vpt_map, &vpt_addr, VPT_SIZE, 0, true, false, object, 0,
                                    VM_MAP_PROT_ALL, VM_MAP_PROT_RW, VM_MAP_PROT_ALL,
                                    VM_MAP_INHERIT_SHARE) == KERN_SUCCESS);
    vm_object_unref(object);            /* the mapping holds its own */

    init = vpt_receive(port);
    KTEST_ASSERT(init != NULL);
    if (init == NULL) {
        return;
    }
    w = ipc_kmsg_body(init);
    ktest_assert_msg(init->header.msgh_id == 2200 && init->nr_ports == 2 && w[5] == PAGE_SIZE
                     && vpt_queued(port) == 0,
                     "init: id %d, %u ports, page size %u; one init for two lookups",
                     init->header.msgh_id, init->nr_ports, w[5]);
    control = init->ports[0];
    name = init->ports[1];

    for (uintptr_t id = 0; id < VPT_THREADS; id++) {
        for (unsigned int i = 0; i < VPT_PAGES; i++) {
            vpt_results[id][i] = VPT_RESULT_NONE;
        }
        KTEST_ASSERT(thread_create_kernel("vpt_faulter", vpt_faulter, (void *)id,
                                          THREAD_ANY_CPU) != NULL);
    }
    thread_delay(5);
    KTEST_ASSERT(vpt_queued(port) == 0);            /* not ready: no request */
    KTEST_ASSERT(memory_object_ready(vm_object_lookup(control), TRUE, 2) == KERN_SUCCESS);

    /* Every thread faults on page 0 first: one request, however long it waits. */
    kmsg = vpt_receive(port);
    KTEST_ASSERT(kmsg != NULL);
    thread_delay(5);
    ktest_assert_msg(vpt_queued(port) == 0, "%lu more requests while page 0 waits",
                     vpt_queued(port));
    if (kmsg != NULL) {
        vpt_answer(kmsg, control, requests);
        ipc_kmsg_destroy(kmsg);
    }

    while (__atomic_load_n(&vpt_done, __ATOMIC_ACQUIRE) < VPT_THREADS || vpt_queued(port)) {
        if (vpt_queued(port) == 0) {
            thread_yield();
            continue;
        }
        kmsg = vpt_receive(port);
        KTEST_ASSERT(kmsg != NULL);
        if (kmsg != NULL) {
            vpt_answer(kmsg, control, requests);
            ipc_kmsg_destroy(kmsg);
        }
    }
    for (unsigned int i = 0; i < VPT_PAGES; i++) {
        bool error_page = vpt_answer_of(i) == VPT_ERROR;

        for (unsigned int id = 0; id < VPT_THREADS; id++) {
            ktest_assert_msg(vpt_results[id][i] == (error_page ? ERROR_IO : 0),
                             "thread %u page %u: %d", id, i, vpt_results[id][i]);
        }
        if (!error_page) {
            ktest_assert_msg(requests[i] == 1 && vpt_page_ok(object, i),
                             "page %u: %u requests, contents", i, requests[i]);
        } else {
            ktest_assert_msg(requests[i] >= 1 && vm_object_page_lookup(object,
                                                                       i * PAGE_SIZE) == NULL,
                             "error page %u: %u requests, no page", i, requests[i]);
        }
    }

    /* A waiting fault interrupted. */
    vpt_held_result = VPT_RESULT_NONE;
    holder = thread_create_kernel("vpt_holder", vpt_holder, NULL, THREAD_ANY_CPU);
    KTEST_ASSERT(holder != NULL);
    kmsg = vpt_receive(port);                       /* its request: held, unanswered */
    KTEST_ASSERT(kmsg != NULL && kmsg->header.msgh_id == 2203);
    for (unsigned int tries = 0; tries < 200 && vpt_held_result == VPT_RESULT_NONE; tries++) {
        thread_interrupt(holder);
        thread_delay(1);
    }
    KTEST_ASSERT(vpt_held_result == ERROR_INTR);
    __atomic_store_n(&vpt_release, true, __ATOMIC_RELEASE);
    if (kmsg != NULL) {
        ipc_kmsg_destroy(kmsg);
    }

    /* Terminate: the map goes, the last reference with it. */
    KTEST_ASSERT(ktest_wait_threads(threads));
    vm_user_map_destroy(vpt_map);
    term = vpt_receive(port);
    KTEST_ASSERT(term != NULL);
    if (term != NULL) {
        w = ipc_kmsg_body(term);
        ktest_assert_msg(term->header.msgh_id == 2201 && term->nr_ports == 2
                         && term->ports[0] == control && term->ports[1] == name
                         && MACH_MSGT_NAME(w[0]) == MACH_MSG_TYPE_PORT_RECEIVE
                         && MACH_MSGT_NAME(w[2]) == MACH_MSG_TYPE_PORT_RECEIVE,
                         "terminate: id %d, %u ports, the control and name receive rights",
                         term->header.msgh_id, term->nr_ports);
        ipc_kmsg_destroy(term);                     /* the pager destroys them */
    }
    ipc_kmsg_destroy(init);
    KTEST_ASSERT(vm_pager_count() == pagers && vm_object_count() == objects);
    ipc_port_destroy(port);
    ipc_kmsg_port_died(port);
    ipc_port_unref(port);
    ipc_port_stats_get(&ports_after);
    ktest_assert_msg(ports_after.nr_ports == ports_before.nr_ports,
                     "ports: %lu before, %lu after", ports_before.nr_ports,
                     ports_after.nr_ports);
    vpt_done = 0;
    vpt_release = false;
}

KTEST_DEFINE(vm_pager, vm_pager_test_fn, 0);
