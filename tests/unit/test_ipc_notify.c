/* SPDX-License-Identifier: GPL-2.0-or-later */
/*
 * Host tests of port notifications (ipc/ipc_notify.c and its hooks in
 * ipc/ipc_right.c, ipc/ipc_port.c, ipc/ipc_kmsg.c) over the real ipc/,
 * kmem and rdxtree: the scenarios of tests/ipc_notify_cases.h (shared
 * with the in-kernel test), then notifications lost for lack of memory
 * (the operation still succeeds, the right is released, the loss
 * counted), and every page back.
 */
#include <stdarg.h>
#include <stdbool.h>
#include <stdint.h>
#include <stdlib.h>

#include <include/mach/kern_return.h>
#include <include/mach/notify.h>
#include <include/mach/port.h>
#include <ipc/ipc_entry.h>
#include <ipc/ipc_kmsg.h>
#include <ipc/ipc_mqueue.h>
#include <ipc/ipc_notify.h>
#include <ipc/ipc_port.h>
#include <ipc/ipc_right.h>
#include <ipc/ipc_space.h>
#include <kern/kmem.h>
#include <kern/rdxtree.h>

#include "tests/unit/host_util.h"
#include "tests/unit/ipc_host.h"
#include "tests/unit/kmem_host.h"
#include "tests/unit/tap.h"

#define NOTIFY_CHECK(cond, ...) tap_check((cond), __VA_ARGS__)

#include "tests/ipc_notify_cases.h"

#define ARENA_PAGES             4096

__thread unsigned int percpu_host_cpu;

void
panic(const char *fmt, ...)
{
    va_list ap;

    va_start(ap, fmt);
    host_vpanic(fmt, ap);
}

/* Take every kmsg buffer of the notifications' sizes until memory is out. */
static struct ipc_kmsg **
exhaust(unsigned long *countp)
{
    static const mach_msg_size_t sizes[] = { 24, 32 };
    struct ipc_kmsg **held = NULL;
    unsigned long count = 0, cap = 0;

    kmem_host_limit_set(kmem_host_pages_used());
    for (unsigned int i = 0; i < 2; i++) {
        for (;;) {
            struct ipc_kmsg *k = ipc_kmsg_alloc(sizes[i]);

            if (k == NULL) {
                break;
            }
            if (count == cap) {
                cap = cap ? cap * 2 : 64;
                held = realloc(held, cap * sizeof(held[0]));
            }
            held[count++] = k;
        }
    }
    *countp = count;
    return held;
}

static void
release(struct ipc_kmsg **held, unsigned long count)
{
    for (unsigned long i = 0; i < count; i++) {
        ipc_kmsg_free(held[i]);
    }
    free(held);
    kmem_host_limit_set(~0UL);
}

static void
test_lost(void)
{
    struct ipc_space *a, *b;
    struct ipc_port *p, *prev;
    struct ipc_notify_stats before, after;
    struct ipc_kmsg **held;
    unsigned long count;
    mach_port_name_t rp, ob, sb;
    kern_return_t kr1, kr2;

    ipc_space_create(&a);
    ipc_space_create(&b);
    rp = notify_port(a, &p);
    ob = notify_give(a, rp, b, MACH_MSG_TYPE_PORT_SEND_ONCE);
    sb = notify_give(a, rp, b, MACH_MSG_TYPE_PORT_SEND);
    mach_port_request_notification(a, rp, MACH_NOTIFY_NO_SENDERS, 0, notify_so(a, rp), &prev);
    ipc_notify_stats_get(&before);
    held = exhaust(&count);
    kr1 = ipc_right_deallocate(b, ob);
    kr2 = ipc_right_deallocate(b, sb);
    release(held, count);
    ipc_notify_stats_get(&after);
    tap_check(count > 0 && kr1 == KERN_SUCCESS && kr2 == KERN_SUCCESS
              && after.lost == before.lost + 2 && p->sorights == 0 && p->srights == 0
              && p->nsrequest == NULL && notify_none(a, rp),
              "memory out: deallocations succeed, send-once and no-senders lost and counted, "
              "their rights released (%lu buffers taken)", count);
    ipc_space_destroy(b);
    ipc_space_destroy(a);
}

int
main(void)
{
    struct ipc_port_stats stats;
    unsigned long pages;

    kmem_host_setup(ARENA_PAGES);
    kmem_setup();
    rdxtree_setup();
    ipc_entry_setup();
    ipc_port_setup();
    ipc_space_setup();
    ipc_mqueue_setup();
    pages = pages_after_purge();

    notify_cases_run();
    test_lost();

    ipc_port_stats_get(&stats);
    tap_check(stats.nr_ports == 0 && stats.nr_active == 0, "every port freed (%lu left)",
              stats.nr_ports);
    tap_check(pages_after_purge() == pages, "every page is back");
    return tap_done();
}
