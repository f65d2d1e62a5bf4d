/* SPDX-License-Identifier: GPL-2.0-or-later */
/*
 * An external memory manager in user mode (vm/vm_pager.c; doc/vm.md,
 * "Memory objects"). A server thread of this task receives the memory
 * object port and checks every kernel → pager message word by word as a
 * GNU Mach pager sees it (memory_object_init, _data_request,
 * _terminate); it answers as the main thread scripts it (data_supply of
 * a pattern, data_unavailable, data_error, or nothing), and it also
 * takes the main thread's exception_raise (data_error's fault). The
 * main thread and workers map the object and fault:
 *  - vm_map sends init once (control and name ports, page size); a
 *    fault before memory_object_ready sends no request, one after does;
 *    get_attributes before and after ready, change_attributes;
 *  - a read fault: data_request with offset, length, access READ, the
 *    supplied page seen byte for byte; a write fault asks READ|WRITE;
 *  - a second vm_map of the port reuses the object: no init, no
 *    request, the same pages both ways;
 *  - data_unavailable zero-fills; data_error raises EXC_BAD_ACCESS /
 *    KERN_MEMORY_ERROR at the address, and the fault succeeds once the
 *    handler has supplied the page;
 *  - two threads faulting on one page: one request, both see the data;
 *    a thread waiting for a page survives thread_abort (no second
 *    request) and thread_terminate;
 *  - 64 faults served by the pager, then 64 on pages the object holds,
 *    timed (tools/bench-user pager: instructions);
 *  - vm_write over the mapping: a page the object holds is written, one
 *    it lacks gives KERN_MEMORY_ERROR (that path cannot wait);
 *  - bad input: each routine on a port of another kind, unaligned
 *    offsets and sizes, a bad copy strategy or lock value, data already
 *    present (GNU Mach's codes, seen through a reply port), vm_map with
 *    copy, an unaligned offset or a task port; change_attributes with a
 *    reply port gets memory_object_change_completed;
 *  - unmapping both mappings sends terminate, which hands over the
 *    receive rights of the control and name ports; once destroyed, a
 *    send to the control port fails; a new vm_map makes a new object.
 * Boot line (user-machrpc): build/user/pager pager $(task-create) $(task-resume)
 */
#include <mach/exception.h>
#include <mach/memory_object.h>
#include <mach/message.h>
#include <mach/mig_errors.h>
#include <mach/thread_info.h>
#include <mach/thread_special_ports.h>
#include <mach/thread_status.h>
#include <mach/vm_inherit.h>
#include <mach/vm_prot.h>

#include "mach.h"
#include "mach_port.h"
#include "lib/exc_msg.h"
#include "lib/ulib.h"
#include "lib/mach_traps.h"

#define PAGE                4096u
#define NPAGES              8u
#define STACK_SIZE          (16 * PAGE)
#define POLL_MAX            200000u
#define BENCH_PAGES         64u
#define BENCH_OFFSET        (64u * PAGE)      /* past the pages the other tests use */
/* A short type descriptor as a word: one inline 32-bit item of type name. */
#define TYPE_WORD(name)     ((uint32_t)(name) | 32u << 8 | 1u << 16 | 0x10000000u)
#define INT32               TYPE_WORD(MACH_MSG_TYPE_INTEGER_32)
#define RECV_BITS           (MACH_MSGH_BITS_COMPLEX | MACH_MSGH_BITS(0, MACH_MSG_TYPE_PORT_SEND))

/* How the server answers the next data_request. */
enum answer { ANSWER_SUPPLY, ANSWER_SUPPLY_AS_IS, ANSWER_UNAVAILABLE, ANSWER_ERROR, ANSWER_HOLD };

struct mo_init {
    mach_msg_header_t h;
    uint32_t control_type;
    mach_port_t control;
    uint32_t name_type;
    mach_port_t name;
    uint32_t size_type;
    uint32_t page_size;
};

struct mo_request {
    mach_msg_header_t h;
    uint32_t control_type;
    mach_port_t control;
    uint32_t offset_type;
    uint32_t offset;
    uint32_t length_type;
    uint32_t length;
    uint32_t access_type;
    uint32_t access;
};

struct mo_terminate {
    mach_msg_header_t h;
    uint32_t control_type;
    mach_port_t control;
    uint32_t name_type;
    mach_port_t name;
};

/* What the server saw: written by the server thread, polled by the main thread. */
static volatile struct {
    unsigned int inits, requests, terminates, exceptions, bad;
    bool init_ok, request_ok, terminate_ok;
    mach_port_t control, name;
    uint32_t offset, length, access;
    bool ready_first;               /* no request arrived before ready */
    int exc, code, subcode;
    enum answer answer;
    bool wait_ready;                /* on init: wait for ready_go before memory_object_ready */
    bool ready_go;
} srv;

static mach_port_t self, mo;
static vm_address_t map_base;       /* the first mapping, for the exception handler */
static unsigned char supply_buf[PAGE] __attribute__((aligned(4096)));
static unsigned char server_stack[STACK_SIZE] __attribute__((aligned(16)));

/* The pattern of the page at offset: every byte depends on the offset and its place. */
static unsigned char
pattern(uint32_t offset, unsigned int i)
{
    return (unsigned char)(offset / PAGE * 37 + i * 13 + 1);
}

/* Whether the page at p holds the pattern of offset. */
static bool
page_is(const volatile unsigned char *p, uint32_t offset)
{
    for (unsigned int i = 0; i < PAGE; i++) {
        if (p[i] != pattern(offset, i)) {
            return false;
        }
    }
    return true;
}

static bool
page_is_zero(const volatile unsigned char *p)
{
    for (unsigned int i = 0; i < PAGE; i++) {
        if (p[i] != 0) {
            return false;
        }
    }
    return true;
}

/* Supply the page at offset with its pattern (a copy of the static buffer). */
static kern_return_t
supply(mach_port_t control, uint32_t offset)
{
    for (unsigned int i = 0; i < PAGE; i++) {
        supply_buf[i] = pattern(offset, i);
    }
    return memory_object_data_supply(control, offset, (vm_offset_t)supply_buf, PAGE, FALSE,
                                     VM_PROT_NONE, FALSE, MACH_PORT_NULL);
}

/* ---------------------------------------------------------------- the server thread */

static void
server_init(const struct mo_init *m)
{
    srv.init_ok = m->h.msgh_bits == RECV_BITS && m->h.msgh_size == sizeof(*m)
                  && m->h.msgh_remote_port == MACH_PORT_NULL && m->h.msgh_local_port == mo
                  && m->control_type == TYPE_WORD(MACH_MSG_TYPE_PORT_SEND)
                  && m->name_type == TYPE_WORD(MACH_MSG_TYPE_PORT_SEND)
                  && m->size_type == INT32 && m->page_size == PAGE
                  && m->control != MACH_PORT_NULL && m->name != MACH_PORT_NULL
                  && m->control != m->name;
    srv.control = m->control;
    srv.name = m->name;
    srv.inits++;
    if (srv.wait_ready) {
        mach_msg_header_t h;

        while (!srv.ready_go) {
            swtch();
        }
        for (unsigned int i = 0; i < 100; i++) {
            swtch();                    /* the main thread faults meanwhile */
        }
        /* Nothing may be queued before ready: a request would be. */
        srv.ready_first = mach_msg(&h, MACH_RCV_MSG | MACH_RCV_TIMEOUT | MACH_RCV_LARGE, 0,
                                   sizeof(h), mo, 0, MACH_PORT_NULL) == MACH_RCV_TIMED_OUT;
    }
    memory_object_ready(m->control, TRUE, MEMORY_OBJECT_COPY_DELAY);
}

static void
server_request(const struct mo_request *m)
{
    srv.request_ok = m->h.msgh_bits == RECV_BITS && m->h.msgh_size == sizeof(*m)
                     && m->h.msgh_remote_port == MACH_PORT_NULL
                     && m->control_type == TYPE_WORD(MACH_MSG_TYPE_PORT_SEND)
                     && m->control == srv.control && m->offset_type == INT32
                     && m->length_type == INT32 && m->access_type == INT32;
    srv.offset = m->offset;
    srv.length = m->length;
    srv.access = m->access;
    switch (srv.answer) {
    case ANSWER_SUPPLY:
        supply(m->control, m->offset);
        break;
    case ANSWER_SUPPLY_AS_IS:           /* the buffer as it is: no pattern to compute */
        memory_object_data_supply(m->control, m->offset, (vm_offset_t)supply_buf, PAGE, FALSE,
                                  VM_PROT_NONE, FALSE, MACH_PORT_NULL);
        break;
    case ANSWER_UNAVAILABLE:
        memory_object_data_unavailable(m->control, m->offset, m->length);
        break;
    case ANSWER_ERROR:
        memory_object_data_error(m->control, m->offset, m->length, KERN_FAILURE);
        break;
    case ANSWER_HOLD:
        break;
    }
    srv.requests++;
}

static void
server_terminate(const struct mo_terminate *m)
{
    srv.terminate_ok = m->h.msgh_bits == (MACH_MSGH_BITS_COMPLEX
                                          | MACH_MSGH_BITS(0, MACH_MSG_TYPE_PORT_SEND))
                       && m->h.msgh_size == sizeof(*m) && m->h.msgh_local_port == mo
                       && m->control_type == TYPE_WORD(MACH_MSG_TYPE_PORT_RECEIVE)
                       && m->name_type == TYPE_WORD(MACH_MSG_TYPE_PORT_RECEIVE)
                       && m->control == srv.control && m->name == srv.name;
    srv.terminates++;
}

/* exception_raise of the main thread (a data_error): supply the page, then resume it. */
static void
server_exception(const struct exc_request *m)
{
    mig_reply_header_t reply;

    srv.exc = m->exception;
    srv.code = m->code;
    srv.subcode = m->subcode;
    supply(srv.control, ((uint32_t)m->subcode - map_base) & ~(PAGE - 1));
    reply.Head.msgh_bits = MACH_MSGH_BITS(MACH_MSG_TYPE_MOVE_SEND_ONCE, 0);
    reply.Head.msgh_size = sizeof(reply);
    reply.Head.msgh_remote_port = m->h.msgh_remote_port;
    reply.Head.msgh_local_port = MACH_PORT_NULL;
    reply.Head.msgh_seqno = 0;
    reply.Head.msgh_id = m->h.msgh_id + 100;
    memcpy(&reply.RetCodeType, &(uint32_t){ INT32 }, sizeof(reply.RetCodeType));
    reply.RetCode = KERN_SUCCESS;
    mach_msg(&reply.Head, MACH_SEND_MSG, sizeof(reply), 0, MACH_PORT_NULL, 0, MACH_PORT_NULL);
    /* Its task and thread rights (by trap: the main thread may be in an RPC). */
    syscall_mach_port_deallocate(self, m->task);
    syscall_mach_port_deallocate(self, m->thread);
    srv.exceptions++;
}

static void
server_main(void)
{
    union {
        mach_msg_header_t h;
        struct mo_init init;
        struct mo_request request;
        struct mo_terminate terminate;
        struct exc_request exc;
        char buf[1024];
    } m;

    for (;;) {
        if (mach_msg(&m.h, MACH_RCV_MSG, 0, sizeof(m), mo, 0, MACH_PORT_NULL)
            != MACH_MSG_SUCCESS) {
            srv.bad++;
            continue;
        }
        switch (m.h.msgh_id) {
        case 2200:
            server_init(&m.init);
            break;
        case 2203:
            server_request(&m.request);
            break;
        case 2201:
            server_terminate(&m.terminate);
            break;
        case 2400:
            server_exception(&m.exc);
            break;
        default:
            srv.bad++;
            break;
        }
    }
}

/* ---------------------------------------------------------------- threads */

/* A thread running fn on a stack of its own (vm_allocate'd unless stack is given). */
static mach_port_t
thread_start(void (*fn)(void), vm_address_t stack)
{
    struct i386_thread_state st;
    mach_msg_type_number_t count = i386_THREAD_STATE_COUNT;
    mach_port_t t;

    if (stack == 0) {
        vm_allocate(self, &stack, STACK_SIZE, TRUE);
    }
    thread_create(self, &t);
    thread_get_state(t, i386_THREAD_STATE, (thread_state_t)&st, &count);
    st.eip = (unsigned int)fn;
    st.uesp = stack + STACK_SIZE - 16;
    thread_set_state(t, i386_THREAD_STATE, (thread_state_t)&st, i386_THREAD_STATE_COUNT);
    thread_resume(t);
    return t;
}

/* Poll until *counter reaches target (true) or give up. */
static bool
wait_for(volatile unsigned int *counter, unsigned int target)
{
    for (unsigned int i = 0; i < POLL_MAX && *counter < target; i++) {
        swtch();
    }
    return *counter >= target;
}

/* Whether thread t is waiting (TH_STATE_WAITING), polled a while. */
static bool
thread_waits(mach_port_t t)
{
    struct thread_basic_info info;
    mach_msg_type_number_t count;

    for (unsigned int i = 0; i < 2000; i++) {
        count = THREAD_BASIC_INFO_COUNT;
        if (thread_info(t, THREAD_BASIC_INFO, (thread_info_t)&info, &count) == KERN_SUCCESS
            && info.run_state == TH_STATE_WAITING) {
            return true;
        }
        swtch();
    }
    return false;
}

/* Workers: read one page of the mapping, record what they saw. */
static volatile vm_address_t worker_addr;
static volatile unsigned int worker_done;
static volatile unsigned int worker_good;

static void
worker_main(void)
{
    uint32_t offset = (uint32_t)(worker_addr - map_base);

    if (page_is((const volatile unsigned char *)worker_addr, offset)) {
        __atomic_fetch_add(&worker_good, 1, __ATOMIC_RELAXED);
    }
    __atomic_fetch_add(&worker_done, 1, __ATOMIC_RELAXED);
    for (;;) {
        swtch();                        /* the main thread terminates us */
    }
}

/* ---------------------------------------------------------------- raw calls */

/*
 * Send the simpleroutine request m (size bytes, destination dest) with
 * a reply port, as the kernel answers any request that has one, and
 * return the RetCode of its reply.
 */
static kern_return_t
raw_call(mach_msg_header_t *m, mach_msg_size_t size, mach_port_t dest)
{
    union {
        mig_reply_header_t r;
        char buf[256];
    } reply;
    mach_port_t rp = mach_reply_port();
    mach_msg_return_t mr;

    m->msgh_bits = (m->msgh_bits & MACH_MSGH_BITS_COMPLEX)
                   | MACH_MSGH_BITS(MACH_MSG_TYPE_COPY_SEND, MACH_MSG_TYPE_MAKE_SEND_ONCE);
    m->msgh_size = size;
    m->msgh_remote_port = dest;
    m->msgh_local_port = rp;
    mr = mach_msg(m, MACH_SEND_MSG, size, 0, MACH_PORT_NULL, 0, MACH_PORT_NULL);
    if (mr == MACH_MSG_SUCCESS) {
        mr = mach_msg(&reply.r.Head, MACH_RCV_MSG | MACH_RCV_TIMEOUT, 0, sizeof(reply), rp,
                      5000, MACH_PORT_NULL);
    }
    mach_port_mod_refs(self, rp, MACH_PORT_RIGHT_RECEIVE, -1);
    return mr == MACH_MSG_SUCCESS ? reply.r.RetCode : (kern_return_t)mr;
}

/* memory_object_data_unavailable (2039) or _data_error (2090) with a reply port. */
static kern_return_t
raw_range(mach_port_t dest, int id, uint32_t offset, uint32_t size)
{
    struct {
        mach_msg_header_t h;
        uint32_t offset_type, offset, size_type, size, error_type, error;
    } m = { .h.msgh_id = id, .offset_type = INT32, .offset = offset, .size_type = INT32,
            .size = size, .error_type = INT32, .error = KERN_FAILURE };

    return raw_call(&m.h, id == 2039 ? sizeof(m) - 8 : sizeof(m), dest);
}

/* memory_object_ready (2094) with a reply port. */
static kern_return_t
raw_ready(mach_port_t dest, uint32_t copy_strategy)
{
    struct {
        mach_msg_header_t h;
        uint32_t cache_type, cache, copy_type, copy;
    } m = { .h.msgh_id = 2094, .cache_type = TYPE_WORD(MACH_MSG_TYPE_BOOLEAN), .cache = TRUE,
            .copy_type = INT32, .copy = copy_strategy };

    return raw_call(&m.h, sizeof(m), dest);
}

/* memory_object_data_supply (2093) of count bytes of data with a reply port. */
static kern_return_t
raw_supply(mach_port_t dest, uint32_t offset, const void *data, uint32_t count,
           uint32_t lock_value)
{
    struct {
        mach_msg_header_t h;
        uint32_t offset_type, offset;
        mach_msg_type_long_t data_type;
        const void *data;
        uint32_t lock_type, lock;
        uint32_t precious_type, precious;
        uint32_t reply_type;
        mach_port_t reply;
    } m = { .h.msgh_bits = MACH_MSGH_BITS_COMPLEX, .h.msgh_id = 2093, .offset_type = INT32,
            .offset = offset, .data = data, .lock_type = INT32, .lock = lock_value,
            .precious_type = TYPE_WORD(MACH_MSG_TYPE_BOOLEAN), .precious = FALSE,
            .reply_type = TYPE_WORD(MACH_MSG_TYPE_MAKE_SEND_ONCE), .reply = MACH_PORT_NULL };

    m.data_type.msgtl_header.msgt_longform = TRUE;
    m.data_type.msgtl_name = MACH_MSG_TYPE_BYTE;
    m.data_type.msgtl_size = 8;
    m.data_type.msgtl_number = count;
    return raw_call(&m.h, sizeof(m), dest);
}

/* ---------------------------------------------------------------- the tests */

static vm_address_t
map_object(kern_return_t *krp)
{
    vm_address_t a = 0;

    *krp = vm_map(self, &a, NPAGES * PAGE, 0, TRUE, mo, 0, FALSE, VM_PROT_DEFAULT, VM_PROT_ALL,
                  VM_INHERIT_SHARE);
    return a;
}

/* vm_map, init, attributes, ready, the first faults. */
static void
test_map_and_fault(void)
{
    volatile unsigned char *a;
    boolean_t ready, cache;
    memory_object_copy_strategy_t copy;
    mach_port_urefs_t refs = 0;
    kern_return_t kr;

    srv.wait_ready = true;
    a = (volatile unsigned char *)map_object(&kr);
    map_base = (vm_address_t)a;
    mach_port_get_refs(self, mo, MACH_PORT_RIGHT_SEND, &refs);
    tap_ok(kr == KERN_SUCCESS && refs == 1, "vm_map of the memory object: %d, our send right "
           "kept (%u)", kr, refs);
    tap_ok(wait_for(&srv.inits, 1) && srv.init_ok,
           "memory_object_init: control and name send rights, page size 4096, as GNU Mach's");
    kr = memory_object_get_attributes(srv.control, &ready, &cache, &copy);
    tap_ok(kr == KERN_SUCCESS && !ready && !cache && copy == MEMORY_OBJECT_COPY_DELAY,
           "get_attributes before ready: not ready, no cache, COPY_DELAY (%d)", kr);
    srv.answer = ANSWER_SUPPLY;
    srv.ready_go = true;
    tap_ok(page_is(a, 0), "a read fault sees the supplied page byte for byte");
    tap_ok(srv.ready_first && srv.requests == 1,
           "no data_request before memory_object_ready, one after");
    tap_ok(srv.request_ok && srv.offset == 0 && srv.length == PAGE
           && srv.access == VM_PROT_READ, "data_request: control, offset 0, length %u, "
           "access %u (READ)", srv.length, srv.access);
    kr = memory_object_get_attributes(srv.control, &ready, &cache, &copy);
    tap_ok(kr == KERN_SUCCESS && ready && cache && copy == MEMORY_OBJECT_COPY_DELAY,
           "get_attributes after ready(TRUE, COPY_DELAY) (%d)", kr);
    a[PAGE + 5] = 0x77;
    tap_ok(srv.requests == 2 && srv.offset == PAGE && srv.access == (VM_PROT_READ | VM_PROT_WRITE)
           && a[PAGE + 5] == 0x77 && a[PAGE + 6] == pattern(PAGE, 6),
           "a write fault asks for READ|WRITE (%u) at %u, then writes the supplied page",
           srv.access, srv.offset);
    tap_ok(page_is(a, 0) && srv.requests == 2, "a page already supplied: no new request");
}

/* A second mapping of the same memory object. */
static void
test_second_map(vm_address_t *bp)
{
    volatile unsigned char *a = (volatile unsigned char *)map_base, *b;
    kern_return_t kr;

    b = (volatile unsigned char *)map_object(&kr);
    *bp = (vm_address_t)b;
    for (unsigned int i = 0; i < 100; i++) {
        swtch();                        /* an init would arrive meanwhile */
    }
    tap_ok(kr == KERN_SUCCESS && b != a && srv.inits == 1,
           "a second vm_map of the port: the same object, no second init (%d)", kr);
    tap_ok(page_is(b, 0) && b[PAGE + 5] == 0x77 && srv.requests == 2,
           "its pages are the first mapping's, with no request");
    b[7] = 0x99;
    tap_ok(a[7] == 0x99, "a write through one mapping shows through the other");
}

/* data_unavailable and data_error. */
static void
test_unavailable_error(void)
{
    volatile unsigned char *a = (volatile unsigned char *)map_base;
    mach_port_t me = mach_thread_self();
    kern_return_t kr;

    srv.answer = ANSWER_UNAVAILABLE;
    tap_ok(page_is_zero(a + 2 * PAGE) && srv.requests == 3 && srv.offset == 2 * PAGE,
           "data_unavailable: the page reads as zeros");
    kr = thread_set_special_port(me, THREAD_EXCEPTION_PORT, mo);
    srv.answer = ANSWER_ERROR;
    tap_ok(kr == KERN_SUCCESS && page_is(a + 3 * PAGE, 3 * PAGE) && srv.exceptions == 1,
           "data_error: an exception, and the fault succeeds once the handler supplied");
    tap_ok(srv.exc == EXC_BAD_ACCESS && srv.code == KERN_MEMORY_ERROR
           && (vm_address_t)srv.subcode == map_base + 3 * PAGE,
           "the exception: EXC_BAD_ACCESS (%d), KERN_MEMORY_ERROR (%d), the address",
           srv.exc, srv.code);
    thread_set_special_port(me, THREAD_EXCEPTION_PORT, MACH_PORT_NULL);
    mach_port_deallocate(self, me);
}

/* Two threads on one page; a waiting thread aborted, then terminated. */
static void
test_threads(void)
{
    mach_port_t t1, t2, t3;
    unsigned int before;
    bool done;
    kern_return_t kr;

    srv.answer = ANSWER_HOLD;
    before = srv.requests;
    worker_addr = map_base + 4 * PAGE;
    t1 = thread_start(worker_main, 0);
    t2 = thread_start(worker_main, 0);
    tap_ok(wait_for(&srv.requests, before + 1) && thread_waits(t1) && thread_waits(t2),
           "two threads fault on one page and wait");
    for (unsigned int i = 0; i < 100; i++) {
        swtch();
    }
    tap_ok(srv.requests == before + 1, "one data_request for both (%u)",
           srv.requests - before);
    kr = supply(srv.control, 4 * PAGE);
    done = wait_for(&worker_done, 2);
    tap_ok(kr == KERN_SUCCESS && done && worker_good == 2,
           "one data_supply: both threads see the page (%u good)", worker_good);

    worker_addr = map_base + 5 * PAGE;
    t3 = thread_start(worker_main, 0);
    tap_ok(wait_for(&srv.requests, before + 2) && thread_waits(t3),
           "a third thread waits for another page");
    kr = thread_abort(t3);
    tap_ok(kr == KERN_SUCCESS && thread_waits(t3) && srv.requests == before + 2
           && worker_done == 2, "thread_abort: it faults again and waits, with no second "
           "request (%d)", kr);
    kr = thread_terminate(t3);
    tap_ok(kr == KERN_SUCCESS, "thread_terminate of the waiting thread (%d)", kr);
    kr = memory_object_data_unavailable(srv.control, 5 * PAGE, PAGE);
    tap_ok(kr == KERN_SUCCESS && worker_done == 2,
           "the answer to a request nobody waits for any more (%d)", kr);
    thread_terminate(t1);
    thread_terminate(t2);
    mach_port_deallocate(self, t1);
    mach_port_deallocate(self, t2);
    mach_port_deallocate(self, t3);
}

/*
 * The cost of a fault the pager serves (data_request to the server
 * thread, its data_supply, the wakeup, the mapping) and of a fault on a
 * page the object already holds, per page: instructions under -icount
 * (tools/bench-user pager), cycles otherwise.
 */
static void
test_bench(void)
{
    const volatile unsigned char *c, *d;
    vm_address_t ca = 0, da = 0;
    uint64_t served, resident, empty = u_bench_empty(BENCH_PAGES);
    unsigned int before = srv.requests;
    bool good = true;
    kern_return_t kr;

    for (unsigned int i = 0; i < PAGE; i++) {
        supply_buf[i] = pattern(BENCH_OFFSET, i);
    }
    srv.answer = ANSWER_SUPPLY_AS_IS;
    kr = vm_map(self, &ca, BENCH_PAGES * PAGE, 0, TRUE, mo, BENCH_OFFSET, FALSE,
                VM_PROT_DEFAULT, VM_PROT_ALL, VM_INHERIT_SHARE);
    kr |= vm_map(self, &da, BENCH_PAGES * PAGE, 0, TRUE, mo, BENCH_OFFSET, FALSE,
                 VM_PROT_DEFAULT, VM_PROT_ALL, VM_INHERIT_SHARE);
    c = (const volatile unsigned char *)ca;
    d = (const volatile unsigned char *)da;
    served = u_rdtsc();
    for (unsigned int i = 0; i < BENCH_PAGES; i++) {
        good &= c[i * PAGE + 9] == pattern(BENCH_OFFSET, 9);
    }
    served = u_rdtsc() - served;
    resident = u_rdtsc();
    for (unsigned int i = 0; i < BENCH_PAGES; i++) {
        good &= d[i * PAGE + 9] == pattern(BENCH_OFFSET, 9);
    }
    resident = u_rdtsc() - resident;
    tap_ok(kr == KERN_SUCCESS && good && srv.requests == before + BENCH_PAGES,
           "%u pages faulted through the pager, one request each, then through a second "
           "mapping with none", BENCH_PAGES);
    u_bench_report("pager fault (data_request, data_supply by a thread of the task, map)",
                   served, empty, BENCH_PAGES);
    u_bench_report("fault on a page the pager object holds", resident, empty, BENCH_PAGES);
    vm_deallocate(self, ca, BENCH_PAGES * PAGE);
    vm_deallocate(self, da, BENCH_PAGES * PAGE);
    srv.answer = ANSWER_SUPPLY;
}

/*
 * vm_write over a pager mapping: a page the object holds is overwritten;
 * one it lacks cannot be waited for there (KERN_MEMORY_ERROR, no request).
 */
static void
test_write(void)
{
    volatile unsigned char *a = (volatile unsigned char *)map_base;
    unsigned int before = srv.requests;
    kern_return_t kr, kr2;

    for (unsigned int i = 0; i < PAGE; i++) {
        supply_buf[i] = (unsigned char)(i ^ 0x5a);
    }
    kr = vm_write(self, map_base + 2 * PAGE, (vm_offset_t)supply_buf, PAGE);
    kr2 = vm_write(self, map_base + 7 * PAGE, (vm_offset_t)supply_buf, PAGE);
    tap_ok(kr == KERN_SUCCESS && a[2 * PAGE + 3] == (3 ^ 0x5a) && kr2 == KERN_MEMORY_ERROR
           && srv.requests == before, "vm_write: a page the object holds written (%d), one "
           "it lacks KERN_MEMORY_ERROR with no request (%d)", kr, kr2);
}

/* Every routine's errors. */
static void
test_errors(void)
{
    boolean_t ready, cache;
    memory_object_copy_strategy_t copy;
    vm_address_t x = 0;
    mach_port_t done;
    struct {
        mach_msg_header_t h;
        uint32_t cache_type, cache, copy_type, copy;
    } completed;
    mach_msg_return_t mr;
    kern_return_t kr;

    kr = memory_object_get_attributes(self, &ready, &cache, &copy);
    tap_ok(kr == KERN_INVALID_ARGUMENT, "get_attributes on a task port: "
           "KERN_INVALID_ARGUMENT (%d)", kr);
    kr = memory_object_get_attributes(srv.name, &ready, &cache, &copy);
    tap_ok(kr == KERN_INVALID_ARGUMENT, "get_attributes on the name port: "
           "KERN_INVALID_ARGUMENT (%d)", kr);
    tap_ok(raw_range(self, 2039, 0, PAGE) == KERN_INVALID_ARGUMENT
           && raw_range(srv.name, 2090, 0, PAGE) == KERN_INVALID_ARGUMENT
           && raw_ready(self, MEMORY_OBJECT_COPY_NONE) == KERN_INVALID_ARGUMENT
           && raw_supply(srv.name, 0, supply_buf, PAGE, 0) == KERN_INVALID_ARGUMENT,
           "data_unavailable, data_error, ready, data_supply on ports of other kinds: "
           "KERN_INVALID_ARGUMENT");
    tap_ok(raw_range(srv.control, 2039, 100, PAGE) == KERN_INVALID_ARGUMENT
           && raw_range(srv.control, 2039, 0, 100) == KERN_INVALID_ARGUMENT
           && raw_range(srv.control, 2090, 0, PAGE + 1) == KERN_INVALID_ARGUMENT,
           "data_unavailable, data_error: unaligned offset or size: KERN_INVALID_ARGUMENT");
    kr = raw_ready(srv.control, 7);
    tap_ok(kr == KERN_INVALID_ARGUMENT, "ready: copy strategy 7: KERN_INVALID_ARGUMENT (%d)",
           kr);
    tap_ok(raw_supply(srv.control, 6 * PAGE, supply_buf, 100, 0) == KERN_INVALID_ARGUMENT
           && raw_supply(srv.control, 6 * PAGE, supply_buf, PAGE, 8) == KERN_INVALID_ARGUMENT
           && raw_supply(srv.control, 100, supply_buf, PAGE, 0) == KERN_INVALID_ARGUMENT,
           "data_supply: a partial page, lock value 8, an unaligned offset: "
           "KERN_INVALID_ARGUMENT");
    kr = raw_supply(srv.control, 0, supply_buf, PAGE, 0);
    tap_ok(kr == KERN_MEMORY_PRESENT && ((volatile unsigned char *)map_base)[7] == 0x99,
           "data_supply of a page the object holds: KERN_MEMORY_PRESENT, page unchanged (%d)",
           kr);
    mach_port_allocate(self, MACH_PORT_RIGHT_RECEIVE, &done);
    kr = memory_object_change_attributes(srv.control, FALSE, MEMORY_OBJECT_COPY_NONE, done);
    mr = mach_msg(&completed.h, MACH_RCV_MSG | MACH_RCV_TIMEOUT, 0, sizeof(completed), done,
                  5000, MACH_PORT_NULL);
    tap_ok(kr == KERN_SUCCESS && mr == MACH_MSG_SUCCESS && completed.h.msgh_id == 2209
           && completed.h.msgh_size == sizeof(completed)
           && completed.h.msgh_bits == MACH_MSGH_BITS(0, MACH_MSG_TYPE_PORT_SEND_ONCE)
           && completed.cache_type == TYPE_WORD(MACH_MSG_TYPE_BOOLEAN) && completed.cache == 0
           && completed.copy_type == INT32 && completed.copy == MEMORY_OBJECT_COPY_NONE,
           "change_attributes(FALSE, COPY_NONE) with a reply port: "
           "memory_object_change_completed (%d, %d)", kr, mr);
    mach_port_destroy(self, done);
    kr = memory_object_get_attributes(srv.control, &ready, &cache, &copy);
    tap_ok(kr == KERN_SUCCESS && ready && !cache && copy == MEMORY_OBJECT_COPY_NONE,
           "get_attributes reads the change back (%d)", kr);
    kr = vm_map(self, &x, PAGE, 0, TRUE, mo, 0, TRUE, VM_PROT_DEFAULT, VM_PROT_ALL,
                VM_INHERIT_COPY);
    tap_ok(kr == KERN_INVALID_ARGUMENT, "vm_map with copy: KERN_INVALID_ARGUMENT for now (%d)",
           kr);
    kr = vm_map(self, &x, PAGE, 0, TRUE, mo, 100, FALSE, VM_PROT_DEFAULT, VM_PROT_ALL,
                VM_INHERIT_COPY);
    tap_ok(kr == KERN_INVALID_ARGUMENT, "vm_map at an unaligned offset: "
           "KERN_INVALID_ARGUMENT (%d)", kr);
    kr = vm_map(self, &x, PAGE, 0, TRUE, self, 0, FALSE, VM_PROT_DEFAULT, VM_PROT_ALL,
                VM_INHERIT_COPY);
    tap_ok(kr == KERN_INVALID_ARGUMENT && srv.inits == 1,
           "vm_map of a task port: KERN_INVALID_ARGUMENT, no init (%d)", kr);
}

/* Unmapping: terminate, the ports handed over; a new mapping, a new object. */
static void
test_terminate(vm_address_t b)
{
    mach_port_t control = srv.control, name = srv.name;
    mach_port_urefs_t refs = 0;
    boolean_t ready, cache;
    memory_object_copy_strategy_t copy;
    volatile unsigned char *a;
    kern_return_t kr;

    vm_deallocate(self, map_base, NPAGES * PAGE);
    for (unsigned int i = 0; i < 100; i++) {
        swtch();
    }
    tap_ok(srv.terminates == 0, "one mapping left: no terminate");
    vm_deallocate(self, b, NPAGES * PAGE);
    tap_ok(wait_for(&srv.terminates, 1) && srv.terminate_ok,
           "the last one gone: memory_object_terminate with the receive rights of the "
           "control and name ports");
    mach_port_get_refs(self, control, MACH_PORT_RIGHT_RECEIVE, &refs);
    tap_ok(refs == 1, "we receive on the old control port now (%u)", refs);
    mach_port_destroy(self, control);
    mach_port_destroy(self, name);
    kr = memory_object_get_attributes(control, &ready, &cache, &copy);
    tap_ok(kr == MACH_SEND_INVALID_DEST, "once destroyed, a call on it: "
           "MACH_SEND_INVALID_DEST (%d)", kr);

    srv.answer = ANSWER_SUPPLY;
    srv.wait_ready = false;
    a = (volatile unsigned char *)map_object(&kr);
    map_base = (vm_address_t)a;
    tap_ok(kr == KERN_SUCCESS && wait_for(&srv.inits, 2) && srv.init_ok
           && srv.control != control && page_is(a + PAGE, PAGE) && a[7] == pattern(0, 7),
           "a new vm_map: a new object (init, a new control port), the pager's data again");
    vm_deallocate(self, map_base, NPAGES * PAGE);
    tap_ok(wait_for(&srv.terminates, 2) && srv.terminate_ok, "and its terminate");
    mach_port_destroy(self, srv.control);
    mach_port_destroy(self, srv.name);
}

int
main(void)
{
    mach_port_t server;
    vm_address_t b = 0;

    self = mach_task_self();
    tap_plan(43);
    mach_port_allocate(self, MACH_PORT_RIGHT_RECEIVE, &mo);
    mach_port_insert_right(self, mo, mo, MACH_MSG_TYPE_MAKE_SEND);
    server = thread_start(server_main, (vm_address_t)server_stack);
    test_map_and_fault();
    test_second_map(&b);
    test_unavailable_error();
    test_threads();
    test_bench();
    test_write();
    test_errors();
    test_terminate(b);
    tap_ok(srv.bad == 0, "the server saw no unexpected message (%u)", srv.bad);
    thread_terminate(server);           /* in its receive */
    mach_port_deallocate(self, server);
    mach_port_destroy(self, mo);
    tap_done();
}
