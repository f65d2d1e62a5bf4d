/* SPDX-License-Identifier: GPL-2.0-or-later */
/*
 * thread_get_state / thread_set_state (kern/thread_state.c,
 * i386/pcb_state.c) in the kernel, on a thread of a task stopped by
 * task_suspend (a kernel thread that joined the task and passes
 * thread_ast_check(), as a user thread does on its way out):
 *
 *  test=thread_state   every flavor: counts (short room or count:
 *                      KERN_INVALID_ARGUMENT, nothing written or
 *                      changed), the initial state, i386_THREAD_STATE
 *                      with forced segments and sanitized EFLAGS, eip at
 *                      KERNBASE refused, REGS_SEGS selector checks
 *                      (TLS slots, RPL, CS/SS kinds, high bits
 *                      ignored), FLOAT_STATE round trips through the
 *                      FXSAVE image with each tag class, XFLOAT_STATE
 *                      round trip and its MXCSR and kind checks,
 *                      "initialized" 0 dropping the state, the flavor
 *                      list, port map, v86, debug (a breakpoint taken,
 *                      kernel addresses, I/O breakpoints and GD refused),
 *                      FSGS and unknown flavors, a NULL thread; a
 *                      running thread is suspended for the call and
 *                      goes on after it
 *  test=thread_suspend thread_suspend/thread_resume counts (two
 *                      suspends need two resumes; resume at 0 fails),
 *                      combined with task_suspend (both counts must be
 *                      0 to run), a thread suspending itself stops on
 *                      its way out, NULL and task-less threads refused
 *  test=task_info      task_info (BASIC: suspend count, mapped and
 *                      resident sizes; EVENTS, THREAD_TIMES), task_threads
 *                      (the threads in join order; a terminated task),
 *                      task_set_name (cut at 31 characters), thread_info
 *                      (BASIC run state and suspend count, SCHED): counts,
 *                      flavors and NULL arguments refused;
 *                      mach_ports_register/lookup (4 slots, references,
 *                      inheritance by a child task), thread_set/get_name
 *  test=thread_create  thread_create in a task with a code page:
 *                      the thread is listed, suspended and stopped with
 *                      the initial state; given a state and resumed, it
 *                      runs its user loop (eax counts up); suspended
 *                      again, its registers show it; thread_terminate
 *                      ends it (and a thread ending itself); thread_abort
 *                      ends an interruptible sleep and leaves a stopped
 *                      thread stopped; NULL and self refused
 *  test=special_port   thread_get/set_special_port: the kernel port by
 *                      default (what mach_thread_self names), setting and
 *                      clearing the exception port with its references,
 *                      errors; the references go when the thread leaves
 *  test=priority       task and thread priorities with GNU Mach's rules:
 *                      inheritance by child tasks and threads, ranges,
 *                      the maximum (set_max, thread_max_priority through
 *                      the set), task_priority with change_threads
 *  test=thread_bench   (manual) instruction counts under -icount
 *                      (tools/bench-kernel thread_bench): thread_create
 *                      + thread_terminate of a never-started thread, and
 *                      thread_get_state / thread_set_state
 *                      (i386_THREAD_STATE, FLOAT_STATE) of a stopped one
 *  test=mach_i386      i386_set_gdt/i386_get_gdt on a running thread
 *                      (stopped for the call): -1 picks 0x4b then 0x53,
 *                      then KERN_NO_SPACE; selector and descriptor
 *                      checks; a non-present descriptor empties the
 *                      slot; a slot the thread's saved registers use
 *                      only takes what they can load;
 *                      i386_get_xstate_size
 */
#include <stdbool.h>
#include <stddef.h>
#include <stdint.h>

#include <i386/fpu.h>
#include <i386/cpu.h>
#include <i386/gdt.h>
#include <i386/mach_i386.h>
#include <i386/param.h>
#include <i386/pcb.h>
#include <include/mach/kern_return.h>
#include <include/mach/thread_status.h>
#include <include/mach/task_info.h>
#include <ipc/ipc_port.h>
#include <kern/host.h>
#include <include/mach/thread_info.h>
#include <kern/copy.h>
#include <kern/kmem.h>
#include <kern/ktest.h>
#include <kern/printf.h>
#include <kern/processor.h>
#include <kern/string.h>
#include <kern/task.h>
#include <kern/task_control.h>
#include <kern/thread.h>
#include <kern/thread_control.h>
#include <kern/thread_state.h>
#include <vm/vm_map.h>
#include <vm/vm_user.h>

static struct task *ts_task;
static struct thread *volatile ts_thread;
static volatile bool ts_quit;
static volatile unsigned long ts_rounds;

/* The target: joins the task, then passes its AST check until told to leave. */
static void
ts_thread_fn(void *arg)
{
    (void)arg;
    if (task_thread_enter(ts_task) != KERN_SUCCESS) {
        return;
    }
    ts_thread = thread_self();
    while (!ts_quit) {
        thread_ast_check();
        ts_rounds++;
        thread_delay(1);
    }
    task_thread_leave();
}

static uint32_t ts_buf[PCB_STATE_MAX_WORDS + 4];

static kern_return_t
ts_get(int flavor, natural_t room)
{
    natural_t count = room;
    kern_return_t kr;

    memset(ts_buf, 0xa5, sizeof(ts_buf));
    kr = thread_get_state(ts_thread, flavor, ts_buf, &count);
    if (kr == KERN_SUCCESS) {
        KTEST_ASSERT(count <= room);
    } else {
        KTEST_ASSERT(count == room && ts_buf[0] == 0xa5a5a5a5);
    }
    return kr;
}

static void
ts_thread_state(void)
{
    struct i386_thread_state s, r;

    /* Never in user mode: GNU Mach's initial state. */
    KTEST_ASSERT(ts_get(i386_THREAD_STATE, i386_THREAD_STATE_COUNT - 1) == KERN_INVALID_ARGUMENT);
    KTEST_ASSERT(ts_get(i386_THREAD_STATE, i386_THREAD_STATE_COUNT + 3) == KERN_SUCCESS);
    memcpy(&r, ts_buf, sizeof(r));
    KTEST_ASSERT(ts_buf[i386_THREAD_STATE_COUNT] == 0xa5a5a5a5);
    KTEST_ASSERT(r.cs == 0x17 && r.ss == 0x1f && r.ds == 0x1f && r.es == 0x1f
                 && r.fs == 0x1f && r.gs == 0x1f);
    KTEST_ASSERT(r.efl == 0x202 && r.eip == 0 && r.eax == 0 && r.uesp == 0 && r.esp == 0);

    /* Registers taken, segments forced, EFLAGS sanitized. */
    s = (struct i386_thread_state){
        .gs = 0x4b, .fs = 0, .es = 7, .ds = 0x10, .edi = 1, .esi = 2, .ebp = 3, .esp = 0x99,
        .ebx = 4, .edx = 5, .ecx = 6, .eax = 7, .eip = 0x08048000, .cs = 0x08,
        .efl = 0xffffffff, .uesp = 0xbffff000, .ss = 0x10,
    };
    KTEST_ASSERT(thread_set_state(ts_thread, i386_THREAD_STATE, (uint32_t *)&s,
                                  i386_THREAD_STATE_COUNT - 1) == KERN_INVALID_ARGUMENT);
    KTEST_ASSERT(thread_set_state(ts_thread, i386_THREAD_STATE, (uint32_t *)&s,
                                  i386_THREAD_STATE_COUNT) == KERN_SUCCESS);
    KTEST_ASSERT(ts_get(i386_THREAD_STATE, i386_THREAD_STATE_COUNT) == KERN_SUCCESS);
    memcpy(&r, ts_buf, sizeof(r));
    KTEST_ASSERT(r.edi == 1 && r.esi == 2 && r.ebp == 3 && r.esp == 0 && r.ebx == 4
                 && r.edx == 5 && r.ecx == 6 && r.eax == 7 && r.eip == 0x08048000
                 && r.uesp == 0xbffff000);
    KTEST_ASSERT(r.cs == 0x17 && r.ss == 0x1f && r.ds == 0x1f && r.es == 0x1f
                 && r.fs == 0x1f && r.gs == 0x1f);
    /* No IOPL, NT, RF, VM, VIF, VIP, reserved bits: the arithmetic flags, TF, DF, AC, ID, IF. */
    KTEST_ASSERT(r.efl == 0x00240fd7);

    /* eip at the limit of the user code segment: refused, nothing changed. */
    s.eip = KERNBASE;
    s.eax = 77;
    KTEST_ASSERT(thread_set_state(ts_thread, i386_THREAD_STATE, (uint32_t *)&s,
                                  i386_THREAD_STATE_COUNT) == KERN_INVALID_ARGUMENT);
    KTEST_ASSERT(ts_get(i386_THREAD_STATE, i386_THREAD_STATE_COUNT) == KERN_SUCCESS);
    memcpy(&r, ts_buf, sizeof(r));
    KTEST_ASSERT(r.eax == 7 && r.eip == 0x08048000);
}

static kern_return_t
ts_set_segs(uint32_t cs, uint32_t ss, uint32_t ds, uint32_t es, uint32_t fs, uint32_t gs)
{
    struct i386_thread_state s = {
        .gs = gs, .fs = fs, .es = es, .ds = ds, .eax = 0x5e65, .eip = 0x1000,
        .cs = cs, .efl = 0x202, .uesp = 0x2000, .ss = ss,
    };

    return thread_set_state(ts_thread, i386_REGS_SEGS_STATE, (uint32_t *)&s,
                            i386_REGS_SEGS_STATE_COUNT);
}

/* A flat DPL-3 descriptor of the given access byte, 4 KiB granular. */
static uint64_t
ts_desc(unsigned int access)
{
    return 0xffffULL | ((uint64_t)access << 40) | (0xcfULL << 48);
}

static void
ts_regs_segs(void)
{
    struct i386_thread_state r;

    KTEST_ASSERT(ts_set_segs(0x17, 0x1f, 0, 3, 0x17, 0x1f) == KERN_SUCCESS);
    KTEST_ASSERT(ts_get(i386_REGS_SEGS_STATE, i386_REGS_SEGS_STATE_COUNT) == KERN_SUCCESS);
    memcpy(&r, ts_buf, sizeof(r));
    KTEST_ASSERT(r.cs == 0x17 && r.ss == 0x1f && r.ds == 0 && r.es == 3 && r.fs == 0x17
                 && r.gs == 0x1f && r.eax == 0x5e65);
    /* Only the low 16 bits count. */
    KTEST_ASSERT(ts_set_segs(0xabcd0017, 0x1234001f, 0xffff001f, 0x1f, 0x1f, 0x1f)
                 == KERN_SUCCESS);
    KTEST_ASSERT(ts_get(i386_REGS_SEGS_STATE, i386_REGS_SEGS_STATE_COUNT) == KERN_SUCCESS);
    memcpy(&r, ts_buf, sizeof(r));
    KTEST_ASSERT(r.cs == 0x17 && r.ss == 0x1f && r.ds == 0x1f);

    /* Refused: CS not the user code, SS not writable data, RPL 0, kernel, LDT gate, null SS/CS. */
    KTEST_ASSERT(ts_set_segs(0x1f, 0x1f, 0x1f, 0x1f, 0x1f, 0x1f) == KERN_INVALID_ARGUMENT);
    KTEST_ASSERT(ts_set_segs(0, 0x1f, 0x1f, 0x1f, 0x1f, 0x1f) == KERN_INVALID_ARGUMENT);
    KTEST_ASSERT(ts_set_segs(0x08, 0x1f, 0x1f, 0x1f, 0x1f, 0x1f) == KERN_INVALID_ARGUMENT);
    KTEST_ASSERT(ts_set_segs(0x17, 0x17, 0x1f, 0x1f, 0x1f, 0x1f) == KERN_INVALID_ARGUMENT);
    KTEST_ASSERT(ts_set_segs(0x17, 0, 0x1f, 0x1f, 0x1f, 0x1f) == KERN_INVALID_ARGUMENT);
    KTEST_ASSERT(ts_set_segs(0x17, 0x1f, 0x1c, 0x1f, 0x1f, 0x1f) == KERN_INVALID_ARGUMENT);
    KTEST_ASSERT(ts_set_segs(0x17, 0x1f, 0x1f, 0x10, 0x1f, 0x1f) == KERN_INVALID_ARGUMENT);
    KTEST_ASSERT(ts_set_segs(0x17, 0x1f, 0x1f, 0x1f, 0x07, 0x1f) == KERN_INVALID_ARGUMENT);
    KTEST_ASSERT(ts_set_segs(0x17, 0x1f, 0x1f, 0x1f, 0x0f, 0x1f) == KERN_INVALID_ARGUMENT);
    KTEST_ASSERT(ts_set_segs(0x17, 0x1f, 0x1f, 0x1f, 0x1f, 0x5b) == KERN_INVALID_ARGUMENT);

    /* TLS slots: refused while empty, taken once present, by kind. */
    KTEST_ASSERT(ts_set_segs(0x17, 0x1f, 0x1f, 0x1f, 0x1f, 0x4b) == KERN_INVALID_ARGUMENT);
    KTEST_ASSERT(pcb_user_tls_set(ts_thread, 0, ts_desc(0xf2)) == 0);     /* data, writable */
    KTEST_ASSERT(pcb_user_tls_set(ts_thread, 1, ts_desc(0xf8)) == 0);     /* code, exec only */
    KTEST_ASSERT(ts_set_segs(0x17, 0x1f, 0x1f, 0x1f, 0x1f, 0x4b) == KERN_SUCCESS);
    KTEST_ASSERT(ts_set_segs(0x17, 0x4b, 0x1f, 0x1f, 0x1f, 0x1f) == KERN_SUCCESS);
    KTEST_ASSERT(ts_set_segs(0x17, 0x1f, 0x1f, 0x1f, 0x53, 0x1f) == KERN_INVALID_ARGUMENT);
    KTEST_ASSERT(pcb_user_tls_set(ts_thread, 1, ts_desc(0xfa)) == 0);     /* code, readable */
    KTEST_ASSERT(ts_set_segs(0x17, 0x1f, 0x1f, 0x1f, 0x53, 0x1f) == KERN_SUCCESS);
    KTEST_ASSERT(ts_set_segs(0x17, 0x53, 0x1f, 0x1f, 0x1f, 0x1f) == KERN_INVALID_ARGUMENT);
    KTEST_ASSERT(ts_set_segs(0x17, 0x1f, 0x1f, 0x1f, 0x50, 0x1f) == KERN_INVALID_ARGUMENT);
    KTEST_ASSERT(pcb_user_tls_set(ts_thread, 0, 0) == 0);
    KTEST_ASSERT(pcb_user_tls_set(ts_thread, 1, 0) == 0);
    KTEST_ASSERT(ts_set_segs(0x17, 0x1f, 0x1f, 0x1f, 0x1f, 0x1f) == KERN_SUCCESS);
}

/* An 80-bit register: mantissa and sign/exponent. */
static void
ts_fp_reg(uint8_t *reg, uint64_t mantissa, uint16_t sign_exp)
{
    memcpy(reg, &mantissa, 8);
    memcpy(reg + 8, &sign_exp, 2);
}

static void
ts_float_state(void)
{
    struct i386_float_state f, r;
    uint16_t w;

    KTEST_ASSERT(ts_get(i386_FLOAT_STATE, i386_FLOAT_STATE_COUNT - 1) == KERN_INVALID_ARGUMENT);
    KTEST_ASSERT(ts_get(i386_FLOAT_STATE, i386_FLOAT_STATE_COUNT) == KERN_SUCCESS);
    memcpy(&r, ts_buf, sizeof(r));
    KTEST_ASSERT(r.fpkind == (fpu_has_fxsr() ? FP_387FX : FP_387) && r.initialized == 0);

    /*
     * TOP = 3: ST(0..4) are physical 3..7 (valid 1.5, zero, infinity,
     * denormal, unnormal), ST(5..7) physical 0..2 empty. Tags, physical
     * 7..0: special, special, special, zero, valid, empty x3.
     */
    memset(&f, 0, sizeof(f));
    f.initialized = 1;
    f.exc_status = 0x1234;                  /* read-only: ignored */
    w = 0x037f;
    memcpy(f.hw_state + 0, &w, 2);
    w = 0x1800 | 0x0001;                    /* TOP 3, IE */
    memcpy(f.hw_state + 4, &w, 2);
    w = 0xa93f;                             /* 10 10 10 01 00 11 11 11 */
    memcpy(f.hw_state + 8, &w, 2);
    memcpy(f.hw_state + 12, &(uint32_t){ 0x08048123 }, 4);
    memcpy(f.hw_state + 16, &(uint16_t){ 0x17 }, 2);
    memcpy(f.hw_state + 18, &(uint16_t){ 0x5d9 }, 2);
    memcpy(f.hw_state + 20, &(uint32_t){ 0x0804a000 }, 4);
    memcpy(f.hw_state + 24, &(uint16_t){ 0x1f }, 2);
    ts_fp_reg(f.hw_state + 28 + 0, 0xc000000000000000ULL, 0x3fff);
    ts_fp_reg(f.hw_state + 28 + 10, 0, 0x8000);
    ts_fp_reg(f.hw_state + 28 + 20, 0x8000000000000000ULL, 0x7fff);
    ts_fp_reg(f.hw_state + 28 + 30, 0x1, 0);
    ts_fp_reg(f.hw_state + 28 + 40, 0x4000000000000000ULL, 0x4000);
    KTEST_ASSERT(thread_set_state(ts_thread, i386_FLOAT_STATE, (uint32_t *)&f,
                                  i386_FLOAT_STATE_COUNT) == KERN_SUCCESS);
    KTEST_ASSERT(ts_get(i386_FLOAT_STATE, i386_FLOAT_STATE_COUNT) == KERN_SUCCESS);
    memcpy(&r, ts_buf, sizeof(r));
    KTEST_ASSERT(r.initialized == 1 && r.exc_status == 0);
    KTEST_ASSERT(memcmp(r.hw_state, f.hw_state, FP_STATE_BYTES) == 0);
    if (fpu_has_fxsr()) {
        /* The FXSAVE image behind it: abridged tags, the default MXCSR. */
        KTEST_ASSERT(ts_thread->pcb.fpu[4] == 0xf8);
        KTEST_ASSERT(*(uint32_t *)&ts_thread->pcb.fpu[24] == 0x1f80);
    }

    /* A wrong tag for a register is recomputed from its contents. */
    w = 0x003f;                             /* physical 3..7 all "valid" */
    memcpy(f.hw_state + 8, &w, 2);
    KTEST_ASSERT(thread_set_state(ts_thread, i386_FLOAT_STATE, (uint32_t *)&f,
                                  i386_FLOAT_STATE_COUNT) == KERN_SUCCESS);
    KTEST_ASSERT(ts_get(i386_FLOAT_STATE, i386_FLOAT_STATE_COUNT) == KERN_SUCCESS);
    memcpy(&r, ts_buf, sizeof(r));
    memcpy(&w, r.hw_state + 8, 2);
    KTEST_ASSERT(w == (fpu_has_fxsr() ? 0xa93f : 0x003f));

    /* initialized = 0 drops the state. */
    f.initialized = 0;
    KTEST_ASSERT(thread_set_state(ts_thread, i386_FLOAT_STATE, (uint32_t *)&f,
                                  i386_FLOAT_STATE_COUNT) == KERN_SUCCESS);
    KTEST_ASSERT(ts_get(i386_FLOAT_STATE, i386_FLOAT_STATE_COUNT) == KERN_SUCCESS);
    memcpy(&r, ts_buf, sizeof(r));
    KTEST_ASSERT(r.initialized == 0 && !ts_thread->pcb.fpu_valid);
}

static void
ts_xfloat_state(void)
{
    unsigned int size = pcb_xstate_size(), n = size / 4;
    struct i386_xfloat_state h;
    uint8_t *hw = (uint8_t *)&ts_buf[4];
    static uint32_t in[PCB_STATE_MAX_WORDS];

    KTEST_ASSERT(size == (fpu_has_fxsr() ? 16 + 512 : 16 + 108) && size % 4 == 0);
    KTEST_ASSERT(ts_get(i386_XFLOAT_STATE, n - 1) == KERN_INVALID_ARGUMENT);
    KTEST_ASSERT(ts_get(i386_XFLOAT_STATE, n) == KERN_SUCCESS);
    memcpy(&h, ts_buf, sizeof(h));
    KTEST_ASSERT(h.initialized == 0 && h.fp_save_kind == (fpu_has_fxsr() ? FP_FXSAVE : FP_FNSAVE));
    if (!fpu_has_fxsr()) {
        return;
    }

    /* An FXSAVE image with XMM values: back as it was. */
    memset(in, 0, sizeof(in));
    h = (struct i386_xfloat_state){ .initialized = 1, .fp_save_kind = FP_FXSAVE };
    memcpy(in, &h, sizeof(h));
    hw = (uint8_t *)&in[4];
    hw[0] = 0x7f;
    hw[1] = 0x03;
    *(uint32_t *)(hw + 24) = 0x1f80 | 0x6000;   /* round toward zero */
    for (unsigned int i = 0; i < 8 * 16; i++) {
        hw[160 + i] = (uint8_t)(i * 7 + 1);
    }
    KTEST_ASSERT(thread_set_state(ts_thread, i386_XFLOAT_STATE, in, n - 1)
                 == KERN_INVALID_ARGUMENT);
    KTEST_ASSERT(thread_set_state(ts_thread, i386_XFLOAT_STATE, in, n) == KERN_SUCCESS);
    KTEST_ASSERT(ts_get(i386_XFLOAT_STATE, n) == KERN_SUCCESS);
    KTEST_ASSERT(ts_buf[1] == 1 && memcmp(&ts_buf[4], hw, 512) == 0);

    /* MXCSR bits FXRSTOR would fault on, and another image kind: refused, unchanged. */
    *(uint32_t *)(hw + 24) = 0xffffffff;
    hw[160] = 0xee;
    KTEST_ASSERT(thread_set_state(ts_thread, i386_XFLOAT_STATE, in, n) == KERN_INVALID_ARGUMENT);
    *(uint32_t *)(hw + 24) = 0x1f80;
    in[3] = FP_XSAVE;
    KTEST_ASSERT(thread_set_state(ts_thread, i386_XFLOAT_STATE, in, n) == KERN_INVALID_ARGUMENT);
    KTEST_ASSERT(ts_get(i386_XFLOAT_STATE, n) == KERN_SUCCESS);
    KTEST_ASSERT(*(uint32_t *)((uint8_t *)&ts_buf[4] + 24) == 0x7f80
                 && ((uint8_t *)&ts_buf[4])[160] == 1);

    /* FLOAT_STATE then keeps MXCSR and the XMM registers. */
    KTEST_ASSERT(ts_get(i386_FLOAT_STATE, i386_FLOAT_STATE_COUNT) == KERN_SUCCESS);
    KTEST_ASSERT(thread_set_state(ts_thread, i386_FLOAT_STATE, ts_buf, i386_FLOAT_STATE_COUNT)
                 == KERN_SUCCESS);
    KTEST_ASSERT(ts_get(i386_XFLOAT_STATE, n) == KERN_SUCCESS);
    KTEST_ASSERT(*(uint32_t *)((uint8_t *)&ts_buf[4] + 24) == 0x7f80
                 && ((uint8_t *)&ts_buf[4])[160 + 127] == (uint8_t)(127 * 7 + 1));
}

static void
ts_other_flavors(void)
{
    uint32_t words[8] = { 0x1000, 0x2000, 0x3000, 0x4000, 5, 6, 0xffff0ff0, 0 };

    KTEST_ASSERT(ts_get(THREAD_STATE_FLAVOR_LIST, 3) == KERN_INVALID_ARGUMENT);
    KTEST_ASSERT(ts_get(THREAD_STATE_FLAVOR_LIST, 4) == KERN_SUCCESS);
    KTEST_ASSERT(ts_buf[0] == 1 && ts_buf[1] == 2 && ts_buf[2] == 3 && ts_buf[3] == 4);
    KTEST_ASSERT(thread_set_state(ts_thread, THREAD_STATE_FLAVOR_LIST, words, 4)
                 == KERN_INVALID_ARGUMENT);

    KTEST_ASSERT(ts_get(i386_ISA_PORT_MAP_STATE, 31) == KERN_INVALID_ARGUMENT);
    KTEST_ASSERT(ts_get(i386_ISA_PORT_MAP_STATE, 32) == KERN_SUCCESS);
    KTEST_ASSERT(ts_buf[0] == 0xffffffff && ts_buf[31] == 0xffffffff && ts_buf[32] == 0xa5a5a5a5);
    KTEST_ASSERT(thread_set_state(ts_thread, i386_ISA_PORT_MAP_STATE, ts_buf, 31)
                 == KERN_INVALID_ARGUMENT);
    KTEST_ASSERT(thread_set_state(ts_thread, i386_ISA_PORT_MAP_STATE, ts_buf, 32)
                 == KERN_SUCCESS);

    KTEST_ASSERT(thread_set_state(ts_thread, i386_V86_ASSIST_STATE, words, 2) == KERN_SUCCESS);
    KTEST_ASSERT(ts_get(i386_V86_ASSIST_STATE, 2) == KERN_SUCCESS);
    KTEST_ASSERT(ts_buf[0] == 0x1000 && ts_buf[1] == 0x2000);

    KTEST_ASSERT(thread_set_state(ts_thread, i386_DEBUG_STATE, words, 7) == KERN_INVALID_ARGUMENT);
    KTEST_ASSERT(thread_set_state(ts_thread, i386_DEBUG_STATE, words, 8) == KERN_SUCCESS);
    KTEST_ASSERT(ts_get(i386_DEBUG_STATE, 8) == KERN_SUCCESS);
    KTEST_ASSERT(ts_buf[0] == 0x1000 && ts_buf[3] == 0x4000 && ts_buf[4] == 0 && ts_buf[5] == 0
                 && ts_buf[6] == 0xffff0ff0 && ts_buf[7] == 0);
    words[7] = 0x1;                         /* L0: a breakpoint at 0x1000, per thread */
    KTEST_ASSERT(thread_set_state(ts_thread, i386_DEBUG_STATE, words, 8) == KERN_SUCCESS);
    KTEST_ASSERT(ts_get(i386_DEBUG_STATE, 8) == KERN_SUCCESS);
    KTEST_ASSERT(ts_buf[0] == 0x1000 && ts_buf[7] == 0x1);
    words[0] = 0xc0000000;                  /* not a user address (GNU Mach's check) */
    KTEST_ASSERT(thread_set_state(ts_thread, i386_DEBUG_STATE, words, 8) == KERN_INVALID_ARGUMENT);
    words[0] = 0x1000;
    words[7] = 0x1 | 0x2u << 16;            /* an I/O breakpoint */
    KTEST_ASSERT(thread_set_state(ts_thread, i386_DEBUG_STATE, words, 8) == KERN_INVALID_ARGUMENT);
    words[7] = 0x1 | 0x2000;                /* GD */
    KTEST_ASSERT(thread_set_state(ts_thread, i386_DEBUG_STATE, words, 8) == KERN_INVALID_ARGUMENT);
    KTEST_ASSERT(ts_get(i386_DEBUG_STATE, 8) == KERN_SUCCESS && ts_buf[7] == 0x1);
    words[7] = 0;
    KTEST_ASSERT(thread_set_state(ts_thread, i386_DEBUG_STATE, words, 8) == KERN_SUCCESS);

    KTEST_ASSERT(ts_get(i386_FSGS_BASE_STATE, 2) == KERN_INVALID_ARGUMENT);
    KTEST_ASSERT(thread_set_state(ts_thread, i386_FSGS_BASE_STATE, words, 2)
                 == KERN_INVALID_ARGUMENT);
    KTEST_ASSERT(ts_get(9, 1000) == KERN_INVALID_ARGUMENT);
    KTEST_ASSERT(ts_get(-1, 1000) == KERN_INVALID_ARGUMENT);
    KTEST_ASSERT(thread_set_state(ts_thread, 9, words, 8) == KERN_INVALID_ARGUMENT);

    {
        natural_t count = 17;

        KTEST_ASSERT(thread_get_state(NULL, i386_THREAD_STATE, ts_buf, &count)
                     == KERN_INVALID_ARGUMENT);
        KTEST_ASSERT(thread_set_state(NULL, i386_THREAD_STATE, ts_buf, 17)
                     == KERN_INVALID_ARGUMENT);
    }
}

static unsigned int ts_threads_before;

/* Whether the target makes progress (it is not stopped). */
static bool
ts_running(void)
{
    unsigned long before = ts_rounds;

    for (unsigned int i = 0; i < 500 && ts_rounds == before; i++) {
        thread_delay(1);
    }
    return ts_rounds != before && !ts_thread->stopped;
}

/* Whether the target stays still over a few ticks (it is stopped). */
static bool
ts_still(void)
{
    unsigned long before = ts_rounds;

    thread_delay(5);
    return ts_rounds == before && ts_thread->stopped;
}

/* A task with the target thread in it, running. */
static bool
ts_start(void)
{
    ts_threads_before = thread_count();
    ts_quit = false;
    ts_thread = NULL;
    KTEST_ASSERT(task_create_named(NULL, false, "thread_state", &ts_task) == KERN_SUCCESS);
    if (ts_task == NULL) {
        return false;
    }
    KTEST_ASSERT(thread_create_kernel("ts-target", ts_thread_fn, NULL, THREAD_ANY_CPU) != NULL);
    for (unsigned int i = 0; i < 500 && ts_thread == NULL; i++) {
        thread_delay(1);
    }
    KTEST_ASSERT(ts_thread != NULL);
    if (ts_thread == NULL) {
        task_terminate(ts_task);
        return false;
    }
    return true;
}

/* Terminate the task; its thread and everything else go. */
static void
ts_stop(void)
{
    ts_quit = true;
    KTEST_ASSERT(task_terminate(ts_task) == KERN_SUCCESS);
    for (unsigned int i = 0; i < 500 && thread_count() != ts_threads_before; i++) {
        thread_delay(1);
    }
    KTEST_ASSERT(thread_count() == ts_threads_before);
}

static void
ts_state_all(void)
{
    /* Running: suspended for the call, running again after it. */
    KTEST_ASSERT(ts_get(i386_THREAD_STATE, i386_THREAD_STATE_COUNT) == KERN_SUCCESS);
    KTEST_ASSERT(ts_thread->suspend_count == 0);
    KTEST_ASSERT(ts_running());
    KTEST_ASSERT(task_suspend(ts_task) == KERN_SUCCESS);
    KTEST_ASSERT(ts_thread->stopped);
    ts_thread_state();
    ts_regs_segs();
    ts_float_state();
    ts_xfloat_state();
    ts_other_flavors();
    KTEST_ASSERT(task_resume(ts_task) == KERN_SUCCESS);
    KTEST_ASSERT(ts_running());
    ts_stop();
}

static void
thread_state_test_fn(void)
{
    if (ts_start()) {
        ts_state_all();
    }
}

KTEST_DEFINE(thread_state, thread_state_test_fn, 0);

/* A thread of the task that suspends itself, then counts once resumed. */
static volatile unsigned int ts_self_rounds;

static void
ts_self_suspend_fn(void *arg)
{
    (void)arg;
    if (task_thread_enter(ts_task) != KERN_SUCCESS) {
        return;
    }
    if (thread_suspend(thread_self()) == KERN_SUCCESS) {
        ts_self_rounds = 1;
        thread_ast_check();         /* stops here until resumed */
        ts_self_rounds = 2;
    }
    while (!ts_quit) {
        thread_ast_check();
        thread_delay(1);
    }
    task_thread_leave();
}

static void
ts_suspend_all(void)
{
    struct thread *self_suspender = NULL, *t;

    KTEST_ASSERT(thread_suspend(NULL) == KERN_INVALID_ARGUMENT);
    KTEST_ASSERT(thread_resume(NULL) == KERN_INVALID_ARGUMENT);
    KTEST_ASSERT(thread_suspend(thread_self()) == KERN_INVALID_ARGUMENT);   /* no task */
    KTEST_ASSERT(thread_resume(thread_self()) == KERN_INVALID_ARGUMENT);

    /* Two suspends need two resumes; a resume at 0 fails. */
    KTEST_ASSERT(thread_resume(ts_thread) == KERN_FAILURE);
    KTEST_ASSERT(thread_suspend(ts_thread) == KERN_SUCCESS);
    KTEST_ASSERT(ts_thread->stopped && ts_still());
    KTEST_ASSERT(thread_suspend(ts_thread) == KERN_SUCCESS);
    KTEST_ASSERT(ts_thread->suspend_count == 2);
    KTEST_ASSERT(thread_resume(ts_thread) == KERN_SUCCESS);
    KTEST_ASSERT(ts_still());
    KTEST_ASSERT(thread_resume(ts_thread) == KERN_SUCCESS);
    KTEST_ASSERT(ts_running());
    KTEST_ASSERT(thread_resume(ts_thread) == KERN_FAILURE);

    /* With the task suspended too: both counts must be back to 0. */
    KTEST_ASSERT(thread_suspend(ts_thread) == KERN_SUCCESS);
    KTEST_ASSERT(task_suspend(ts_task) == KERN_SUCCESS);
    KTEST_ASSERT(task_resume(ts_task) == KERN_SUCCESS);
    KTEST_ASSERT(ts_still());
    KTEST_ASSERT(task_suspend(ts_task) == KERN_SUCCESS);
    KTEST_ASSERT(thread_resume(ts_thread) == KERN_SUCCESS);
    KTEST_ASSERT(ts_still());
    KTEST_ASSERT(task_resume(ts_task) == KERN_SUCCESS);
    KTEST_ASSERT(ts_running());

    /* A thread suspending itself returns, then stops on its way out. */
    ts_self_rounds = 0;
    KTEST_ASSERT(thread_create_kernel("ts-self", ts_self_suspend_fn, NULL, THREAD_ANY_CPU) != NULL);
    for (unsigned int i = 0; i < 500 && ts_self_rounds == 0; i++) {
        thread_delay(1);
    }
    thread_delay(5);
    KTEST_ASSERT(ts_self_rounds == 1);
    spinlock_lock(&ts_task->lock);
    list_foreach_entry(&ts_task->threads, t, task_node) {
        if (t != ts_thread) {
            self_suspender = t;
        }
    }
    spinlock_unlock(&ts_task->lock);
    KTEST_ASSERT(self_suspender != NULL);
    if (self_suspender != NULL) {
        KTEST_ASSERT(self_suspender->stopped && self_suspender->suspend_count == 1);
        KTEST_ASSERT(thread_resume(self_suspender) == KERN_SUCCESS);
        for (unsigned int i = 0; i < 500 && ts_self_rounds != 2; i++) {
            thread_delay(1);
        }
        KTEST_ASSERT(ts_self_rounds == 2);
    }
}

static void
thread_suspend_test_fn(void)
{
    if (ts_start()) {
        ts_suspend_all();
        ts_stop();
    }
}

KTEST_DEFINE(thread_suspend, thread_suspend_test_fn, 0);

/* A second thread of the task, until the task ends. */
static volatile bool ts_extra_in;

static void
ts_extra_fn(void *arg)
{
    (void)arg;
    if (task_thread_enter(ts_task) != KERN_SUCCESS) {
        return;
    }
    ts_extra_in = true;
    while (!ts_quit) {
        thread_ast_check();
        thread_delay(1);
    }
    task_thread_leave();
}

static void
ts_task_info(void)
{
    integer_t info[TASK_INFO_MAX];
    struct task_basic_info basic;
    natural_t count;
    uintptr_t addr = 0;

    count = TASK_BASIC_INFO_COUNT;
    KTEST_ASSERT(task_info(NULL, TASK_BASIC_INFO, info, &count) == KERN_INVALID_ARGUMENT);
    KTEST_ASSERT(task_info(ts_task, 4, info, &count) == KERN_INVALID_ARGUMENT);
    count = TASK_BASIC_INFO_COUNT_1_8 - 1;
    KTEST_ASSERT(task_info(ts_task, TASK_BASIC_INFO, info, &count) == KERN_INVALID_ARGUMENT
                 && count == TASK_BASIC_INFO_COUNT_1_8 - 1);
    count = TASK_INFO_MAX;
    KTEST_ASSERT(task_info(ts_task, TASK_BASIC_INFO, info, &count) == KERN_SUCCESS
                 && count == TASK_BASIC_INFO_COUNT);
    /* GNU Mach 1.8's count: the old layout, no 64-bit times. */
    count = TASK_BASIC_INFO_COUNT_1_8;
    info[TASK_BASIC_INFO_COUNT_1_8] = 0x5a5a;
    KTEST_ASSERT(task_info(ts_task, TASK_BASIC_INFO, info, &count) == KERN_SUCCESS
                 && count == TASK_BASIC_INFO_COUNT_1_8 && info[TASK_BASIC_INFO_COUNT_1_8] == 0x5a5a);
    memcpy(&basic, info, sizeof(basic));
    KTEST_ASSERT(basic.suspend_count == 0 && basic.base_priority == PROCESSOR_BASEPRI_USER
                 && basic.virtual_size == 0 && basic.resident_size == 0);

    KTEST_ASSERT(vm_user_allocate(ts_task->map, &addr, 3 * PAGE_SIZE, true) == KERN_SUCCESS);
    KTEST_ASSERT(task_suspend(ts_task) == KERN_SUCCESS);
    KTEST_ASSERT(task_suspend(ts_task) == KERN_SUCCESS);
    count = TASK_BASIC_INFO_COUNT;
    KTEST_ASSERT(task_info(ts_task, TASK_BASIC_INFO, info, &count) == KERN_SUCCESS);
    memcpy(&basic, info, sizeof(basic));
    KTEST_ASSERT(basic.suspend_count == 2 && basic.virtual_size == 3 * PAGE_SIZE);
    KTEST_ASSERT(task_resume(ts_task) == KERN_SUCCESS);
    KTEST_ASSERT(task_resume(ts_task) == KERN_SUCCESS);

    count = TASK_EVENTS_INFO_COUNT;
    info[0] = 0x5a5a;
    KTEST_ASSERT(task_info(ts_task, TASK_EVENTS_INFO, info, &count) == KERN_SUCCESS
                 && count == TASK_EVENTS_INFO_COUNT && info[0] == 0);
    count = TASK_THREAD_TIMES_INFO_COUNT_1_8 - 1;
    KTEST_ASSERT(task_info(ts_task, TASK_THREAD_TIMES_INFO, info, &count)
                 == KERN_INVALID_ARGUMENT);
    count = TASK_THREAD_TIMES_INFO_COUNT_1_8;
    KTEST_ASSERT(task_info(ts_task, TASK_THREAD_TIMES_INFO, info, &count) == KERN_SUCCESS
                 && count == TASK_THREAD_TIMES_INFO_COUNT_1_8);
    count = TASK_THREAD_TIMES_INFO_COUNT;
    KTEST_ASSERT(task_info(ts_task, TASK_THREAD_TIMES_INFO, info, &count) == KERN_SUCCESS
                 && count == TASK_THREAD_TIMES_INFO_COUNT);
}

static void
ts_task_threads(void)
{
    struct thread **list = NULL;
    natural_t count = 99;

    KTEST_ASSERT(task_thread_list(NULL, &list, &count) == KERN_INVALID_ARGUMENT);
    KTEST_ASSERT(task_thread_list(ts_task, &list, &count) == KERN_SUCCESS);
    KTEST_ASSERT(count == 1 && list != NULL && list[0] == ts_thread);
    kmem_free(list, count * sizeof(*list));

    ts_extra_in = false;
    KTEST_ASSERT(thread_create_kernel("ts-extra", ts_extra_fn, NULL, THREAD_ANY_CPU) != NULL);
    for (unsigned int i = 0; i < 500 && !ts_extra_in; i++) {
        thread_delay(1);
    }
    KTEST_ASSERT(task_thread_list(ts_task, &list, &count) == KERN_SUCCESS);
    KTEST_ASSERT(count == 2 && list[0] == ts_thread && list[1] != ts_thread
                 && list[1]->task == ts_task);
    kmem_free(list, count * sizeof(*list));
}

static void
ts_task_set_name(void)
{
    char long_name[40];

    KTEST_ASSERT(task_set_name(NULL, "x") == KERN_INVALID_ARGUMENT);
    KTEST_ASSERT(task_set_name(ts_task, "renamed") == KERN_SUCCESS);
    KTEST_ASSERT(strcmp(ts_task->name, "renamed") == 0);
    memset(long_name, 'n', sizeof(long_name));          /* no NUL at all */
    KTEST_ASSERT(task_set_name(ts_task, long_name) == KERN_SUCCESS);
    KTEST_ASSERT(strlen(ts_task->name) == TASK_NAME_MAX - 1 && ts_task->name[0] == 'n');
}

static void
ts_thread_info(void)
{
    integer_t info[THREAD_INFO_MAX];
    struct thread_basic_info basic;
    struct thread_sched_info sched;
    natural_t count = THREAD_BASIC_INFO_COUNT;

    KTEST_ASSERT(thread_info(NULL, THREAD_BASIC_INFO, info, &count) == KERN_INVALID_ARGUMENT);
    KTEST_ASSERT(thread_info(ts_thread, 3, info, &count) == KERN_INVALID_ARGUMENT);
    count = THREAD_BASIC_INFO_COUNT_1_8 - 1;
    KTEST_ASSERT(thread_info(ts_thread, THREAD_BASIC_INFO, info, &count)
                 == KERN_INVALID_ARGUMENT);
    count = THREAD_BASIC_INFO_COUNT_1_8;
    KTEST_ASSERT(thread_info(ts_thread, THREAD_BASIC_INFO, info, &count) == KERN_SUCCESS
                 && count == THREAD_BASIC_INFO_COUNT_1_8);
    count = THREAD_INFO_MAX;
    KTEST_ASSERT(thread_info(ts_thread, THREAD_BASIC_INFO, info, &count) == KERN_SUCCESS
                 && count == THREAD_BASIC_INFO_COUNT);
    memcpy(&basic, info, sizeof(basic));
    KTEST_ASSERT(basic.run_state != TH_STATE_STOPPED && basic.run_state != TH_STATE_HALTED
                 && basic.suspend_count == 0 && basic.base_priority == PROCESSOR_BASEPRI_USER);
    /* A creation time of day (QEMU's clock is the host's: long after 2001), both forms. */
    KTEST_ASSERT(basic.creation_time.seconds > 1000000000
                 && basic.creation_time64.seconds == basic.creation_time.seconds
                 && basic.user_time64.seconds == basic.user_time.seconds
                 && basic.system_time.microseconds < 1000000 && basic.cpu_usage >= 0);

    KTEST_ASSERT(thread_suspend(ts_thread) == KERN_SUCCESS);
    count = THREAD_BASIC_INFO_COUNT;
    KTEST_ASSERT(thread_info(ts_thread, THREAD_BASIC_INFO, info, &count) == KERN_SUCCESS);
    memcpy(&basic, info, sizeof(basic));
    KTEST_ASSERT(basic.run_state == TH_STATE_STOPPED && basic.suspend_count == 1);

    /* Stopped, it stays on its last CPU while its scheduling info is compared. */
    count = THREAD_SCHED_INFO_COUNT - 1;
    KTEST_ASSERT(thread_info(ts_thread, THREAD_SCHED_INFO, info, &count)
                 == KERN_INVALID_ARGUMENT);
    count = THREAD_SCHED_INFO_COUNT;
    KTEST_ASSERT(thread_info(ts_thread, THREAD_SCHED_INFO, info, &count) == KERN_SUCCESS
                 && count == THREAD_SCHED_INFO_COUNT);
    memcpy(&sched, info, sizeof(sched));
    KTEST_ASSERT(sched.policy == POLICY_TIMESHARE && sched.depress_priority == -1
                 && sched.max_priority == PROCESSOR_SET_MAX_PRIORITY
                 && sched.last_processor == (integer_t)ts_thread->last_cpu);
    KTEST_ASSERT(thread_resume(ts_thread) == KERN_SUCCESS);
}

static void
ts_registered_ports(void)
{
    struct ipc_port *p[2], *in[5], **list = NULL;
    struct task *child = NULL;
    natural_t count = 0;

    p[0] = ipc_port_create_kobject(IPC_KOBJECT_HOST, ts_buf);
    p[1] = ipc_port_create_kobject(IPC_KOBJECT_HOST, ts_buf + 1);
    KTEST_ASSERT(p[0] != NULL && p[1] != NULL);
    if (p[0] == NULL || p[1] == NULL) {
        return;
    }
    in[0] = p[0];
    in[1] = p[1];
    in[2] = in[3] = in[4] = NULL;
    KTEST_ASSERT(task_registered_set(NULL, in, 2) == KERN_INVALID_ARGUMENT);
    KTEST_ASSERT(task_registered_set(ts_task, in, TASK_PORT_REGISTER_MAX + 1)
                 == KERN_INVALID_ARGUMENT);
    KTEST_ASSERT(task_registered_get(NULL, &list, &count) == KERN_INVALID_ARGUMENT);

    /* The task takes the array's references. */
    ipc_port_ref(p[0]);
    ipc_port_ref(p[1]);
    KTEST_ASSERT(task_registered_set(ts_task, in, 2) == KERN_SUCCESS);
    KTEST_ASSERT(task_registered_get(ts_task, &list, &count) == KERN_SUCCESS
                 && count == TASK_PORT_REGISTER_MAX && list != NULL);
    if (list != NULL) {
        KTEST_ASSERT(list[0] == p[0] && list[1] == p[1] && list[2] == NULL && list[3] == NULL);
        for (natural_t i = 0; i < count; i++) {
            if (list[i] != NULL) {
                ipc_port_unref(list[i]);
            }
        }
        kmem_free(list, count * sizeof(*list));
    }

    /* A child task inherits them. */
    KTEST_ASSERT(task_create_named(ts_task, false, "ts-child", &child) == KERN_SUCCESS);
    if (child != NULL) {
        KTEST_ASSERT(child->registered[0] == p[0] && child->registered[1] == p[1]
                     && child->registered[3] == NULL);
        KTEST_ASSERT(task_terminate(child) == KERN_SUCCESS);
    }

    /* Registering none drops them. */
    KTEST_ASSERT(task_registered_set(ts_task, in, 0) == KERN_SUCCESS);
    KTEST_ASSERT(__atomic_load_n(&p[0]->refs, __ATOMIC_RELAXED) == 1
                 && __atomic_load_n(&p[1]->refs, __ATOMIC_RELAXED) == 1);
    ipc_port_kobject_destroy(p[0]);
    ipc_port_kobject_destroy(p[1]);
}

static void
ts_thread_names(void)
{
    char name[64], long_name[40];   /* name: a kernel_debug_name_t */

    KTEST_ASSERT(thread_set_name(NULL, "x") == KERN_INVALID_ARGUMENT);
    KTEST_ASSERT(thread_get_name(NULL, name) == KERN_INVALID_ARGUMENT);
    KTEST_ASSERT(thread_set_name(ts_thread, "worker") == KERN_SUCCESS);
    memset(name, 'z', sizeof(name));
    KTEST_ASSERT(thread_get_name(ts_thread, name) == KERN_SUCCESS && strcmp(name, "worker") == 0
                 && name[TASK_NAME_MAX - 1] == '\0');
    memset(long_name, 'w', sizeof(long_name));
    KTEST_ASSERT(thread_set_name(ts_thread, long_name) == KERN_SUCCESS);
    KTEST_ASSERT(thread_get_name(ts_thread, name) == KERN_SUCCESS
                 && strlen(name) == THREAD_NAME_SIZE - 1);
}

static void
task_info_test_fn(void)
{
    struct thread **list;
    natural_t count;
    struct task *task;

    if (!ts_start()) {
        return;
    }
    ts_task_info();
    ts_task_threads();
    ts_task_set_name();
    ts_thread_info();
    ts_registered_ports();
    ts_thread_names();

    /* A terminated task (a reference kept): no threads to list. */
    task = ts_task;
    task_ref(task);
    ts_stop();
    KTEST_ASSERT(task_thread_list(task, &list, &count) == KERN_FAILURE);
    task_unref(task);
}

KTEST_DEFINE(task_info, task_info_test_fn, 0);

static descriptor_t
ts_gdt_desc(unsigned int access, unsigned int flags)
{
    uint64_t d = 0xffffULL | ((uint64_t)access << 40) | ((uint64_t)((flags << 4) | 0xf) << 48);

    return (descriptor_t){ (uint32_t)d, (uint32_t)(d >> 32) };
}

static void
ts_gdt(void)
{
    descriptor_t data = ts_gdt_desc(0xf2, 0xc), got;
    int sel;

    sel = -1;
    KTEST_ASSERT(i386_set_gdt(NULL, &sel, data) == KERN_INVALID_ARGUMENT);
    KTEST_ASSERT(i386_get_gdt(NULL, 0x4b, &got) == KERN_INVALID_ARGUMENT);
    KTEST_ASSERT(i386_set_gdt(ts_thread, &sel, data) == KERN_SUCCESS && sel == 0x4b);
    sel = -1;
    KTEST_ASSERT(i386_set_gdt(ts_thread, &sel, ts_gdt_desc(0xfa, 0xc)) == KERN_SUCCESS
                 && sel == 0x53);
    sel = -1;
    KTEST_ASSERT(i386_set_gdt(ts_thread, &sel, data) == KERN_NO_SPACE && sel == -1);
    KTEST_ASSERT(i386_get_gdt(ts_thread, 0x4b, &got) == KERN_SUCCESS
                 && got.low_word == data.low_word && got.high_word == data.high_word);
    KTEST_ASSERT(ts_running());

    /* Selectors: RPL 3 in the GDT, one of the two slots. */
    KTEST_ASSERT(i386_get_gdt(ts_thread, 0x48, &got) == KERN_INVALID_ARGUMENT);
    KTEST_ASSERT(i386_get_gdt(ts_thread, 0x4f, &got) == KERN_INVALID_ARGUMENT);
    KTEST_ASSERT(i386_get_gdt(ts_thread, 0x43, &got) == KERN_INVALID_ARGUMENT);
    KTEST_ASSERT(i386_get_gdt(ts_thread, 0x5b, &got) == KERN_INVALID_ARGUMENT);
    sel = 0x5b;
    KTEST_ASSERT(i386_set_gdt(ts_thread, &sel, data) == KERN_INVALID_ARGUMENT);
    /* Descriptors: DPL 3 code or data, not 64-bit. */
    sel = 0x53;
    KTEST_ASSERT(i386_set_gdt(ts_thread, &sel, ts_gdt_desc(0x92, 0xc)) == KERN_INVALID_ARGUMENT);
    KTEST_ASSERT(i386_set_gdt(ts_thread, &sel, ts_gdt_desc(0xe9, 0x0)) == KERN_INVALID_ARGUMENT);
    KTEST_ASSERT(i386_set_gdt(ts_thread, &sel, ts_gdt_desc(0xfa, 0xa)) == KERN_INVALID_ARGUMENT);
    KTEST_ASSERT(i386_get_gdt(ts_thread, 0x53, &got) == KERN_SUCCESS
                 && ((got.high_word >> 8) & 0xff) == 0xfa);

    /* A non-present descriptor empties the slot; -1 then finds it. */
    KTEST_ASSERT(i386_set_gdt(ts_thread, &sel, ts_gdt_desc(0x72, 0xc)) == KERN_SUCCESS);
    KTEST_ASSERT(i386_get_gdt(ts_thread, 0x53, &got) == KERN_SUCCESS
                 && got.low_word == 0 && got.high_word == 0);
    sel = -1;
    KTEST_ASSERT(i386_set_gdt(ts_thread, &sel, ts_gdt_desc(0xfa, 0xc)) == KERN_SUCCESS
                 && sel == 0x53);

    /* Slots the saved registers use: only what they can still load. */
    KTEST_ASSERT(thread_suspend(ts_thread) == KERN_SUCCESS);
    KTEST_ASSERT(ts_set_segs(0x17, 0x4b, 0x1f, 0x1f, 0x1f, 0x53) == KERN_SUCCESS);
    KTEST_ASSERT(thread_resume(ts_thread) == KERN_SUCCESS);
    sel = 0x53;
    KTEST_ASSERT(i386_set_gdt(ts_thread, &sel, ts_gdt_desc(0xf8, 0xc)) == KERN_INVALID_ARGUMENT);
    KTEST_ASSERT(i386_set_gdt(ts_thread, &sel, ts_gdt_desc(0x72, 0xc)) == KERN_INVALID_ARGUMENT);
    KTEST_ASSERT(i386_set_gdt(ts_thread, &sel, ts_gdt_desc(0xf0, 0xc)) == KERN_SUCCESS);
    sel = 0x4b;
    KTEST_ASSERT(i386_set_gdt(ts_thread, &sel, ts_gdt_desc(0xf0, 0xc)) == KERN_INVALID_ARGUMENT);
    KTEST_ASSERT(i386_set_gdt(ts_thread, &sel, ts_gdt_desc(0xf6, 0x4)) == KERN_SUCCESS);
    KTEST_ASSERT(thread_suspend(ts_thread) == KERN_SUCCESS);
    KTEST_ASSERT(ts_set_segs(0x17, 0x1f, 0x1f, 0x1f, 0x1f, 0x1f) == KERN_SUCCESS);
    KTEST_ASSERT(thread_resume(ts_thread) == KERN_SUCCESS);
    sel = 0x53;
    KTEST_ASSERT(i386_set_gdt(ts_thread, &sel, ts_gdt_desc(0x72, 0xc)) == KERN_SUCCESS);
    KTEST_ASSERT(ts_running());
}

static void
mach_i386_test_fn(void)
{
    natural_t size = 0;

    KTEST_ASSERT(i386_get_xstate_size(NULL, &size) == KERN_INVALID_ARGUMENT && size == 0);
    KTEST_ASSERT(i386_get_xstate_size(host_port()->kobject, &size) == KERN_SUCCESS);
    KTEST_ASSERT(size == pcb_xstate_size() && size == (fpu_has_fxsr() ? 528 : 124));
    if (ts_start()) {
        ts_gdt();
        ts_stop();
    }
}

KTEST_DEFINE(mach_i386, mach_i386_test_fn, 0);

/* ------------------------------------------------------------ thread_create */

#define TC_CODE                 0x10000000u

/* The user loop: 1: incl %eax; jmp 1b */
static const uint8_t tc_loop[] = { 0x40, 0xeb, 0xfd };

static struct spinlock tc_lock = SPINLOCK_INITIALIZER;
static struct waitq tc_wq;
static volatile int tc_sleep_result;
static volatile bool tc_sleeping;

/* A task thread that sleeps interruptibly once, then loops. */
static void
tc_sleeper_fn(void *arg)
{
    (void)arg;
    if (task_thread_enter(ts_task) != KERN_SUCCESS) {
        return;
    }
    spinlock_lock(&tc_lock);
    tc_sleeping = true;
    tc_sleep_result = waitq_sleep_intr(&tc_wq, &tc_lock);
    tc_sleeping = false;
    spinlock_unlock(&tc_lock);
    while (!ts_quit) {
        thread_ast_check();
        thread_delay(1);
    }
    task_thread_leave();
}

/* A task thread that terminates itself. */
static volatile unsigned int tc_self_steps;

static void
tc_self_terminate_fn(void *arg)
{
    (void)arg;
    if (task_thread_enter(ts_task) != KERN_SUCCESS) {
        return;
    }
    tc_self_steps = 1;
    if (thread_terminate(thread_self()) == KERN_SUCCESS) {
        tc_self_steps = 2;
        thread_ast_check();             /* ends the thread */
    }
    tc_self_steps = 3;
    task_thread_leave();
}

static natural_t
tc_nr_threads(void)
{
    struct thread **list;
    natural_t count = 0;

    if (task_thread_list(ts_task, &list, &count) == KERN_SUCCESS) {
        kmem_free(list, count * sizeof(*list));
    }
    return count;
}

/* Map the user loop at TC_CODE in ts_task (entering the task for the copy). */
static bool
tc_map_code(void)
{
    uintptr_t addr = TC_CODE;
    bool ok;

    if (vm_user_allocate(ts_task->map, &addr, PAGE_SIZE, false) != KERN_SUCCESS) {
        return false;
    }
    if (task_thread_enter(ts_task) != KERN_SUCCESS) {
        return false;
    }
    ok = copyout(tc_loop, (void *)TC_CODE, sizeof(tc_loop)) == 0;
    task_thread_leave();
    /* Executable where NX is enforced (PAE with an NX CPU). */
    return ok && vm_user_protect(ts_task->map, TC_CODE, PAGE_SIZE, false,
                                 VM_MAP_PROT_READ | VM_MAP_PROT_EXECUTE) == KERN_SUCCESS;
}

static void
tc_create(void)
{
    struct i386_thread_state s;
    struct thread *t = NULL;
    natural_t count, before = tc_nr_threads();
    integer_t info[THREAD_INFO_MAX];
    struct thread_basic_info basic;

    KTEST_ASSERT(thread_create(NULL, &t) == KERN_INVALID_ARGUMENT && t == NULL);
    KTEST_ASSERT(tc_map_code());
    KTEST_ASSERT(thread_create(ts_task, &t) == KERN_SUCCESS && t != NULL);
    if (t == NULL) {
        return;
    }
    KTEST_ASSERT(tc_nr_threads() == before + 1 && t->task == ts_task);
    KTEST_ASSERT(t->suspend_count == 1);
    for (unsigned int i = 0; i < 500 && !t->stopped; i++) {
        thread_delay(1);
    }
    count = THREAD_BASIC_INFO_COUNT;
    KTEST_ASSERT(thread_info(t, THREAD_BASIC_INFO, info, &count) == KERN_SUCCESS);
    memcpy(&basic, info, sizeof(basic));
    KTEST_ASSERT(basic.run_state == TH_STATE_STOPPED && basic.suspend_count == 1);

    /* The initial state; then where to start. */
    count = i386_THREAD_STATE_COUNT;
    KTEST_ASSERT(thread_get_state(t, i386_THREAD_STATE, (natural_t *)&s, &count) == KERN_SUCCESS);
    KTEST_ASSERT(s.eip == 0 && s.cs == 0x17 && s.ss == 0x1f && s.efl == 0x202 && s.eax == 0);
    s.eip = TC_CODE;
    s.eax = 100;
    s.uesp = TC_CODE + PAGE_SIZE;
    KTEST_ASSERT(thread_set_state(t, i386_THREAD_STATE, (natural_t *)&s, count) == KERN_SUCCESS);
    KTEST_ASSERT(t->suspend_count == 1);

    /* Resumed: it runs its loop in user mode. */
    KTEST_ASSERT(thread_resume(t) == KERN_SUCCESS);
    thread_delay(10);
    KTEST_ASSERT(thread_suspend(t) == KERN_SUCCESS && t->stopped);
    count = i386_THREAD_STATE_COUNT;
    KTEST_ASSERT(thread_get_state(t, i386_THREAD_STATE, (natural_t *)&s, &count) == KERN_SUCCESS);
    KTEST_ASSERT(s.eax > 100 && s.eip >= TC_CODE && s.eip < TC_CODE + sizeof(tc_loop));
    KTEST_ASSERT(t->pcb.user);

    /* Terminated while stopped: gone from the task on return. */
    KTEST_ASSERT(thread_terminate(t) == KERN_SUCCESS);
    KTEST_ASSERT(tc_nr_threads() == before);
    thread_unref(t);
}

static void
tc_terminate_abort(void)
{
    struct thread **list;
    struct thread *sleeper = NULL;
    natural_t count, before = tc_nr_threads();

    KTEST_ASSERT(thread_terminate(NULL) == KERN_INVALID_ARGUMENT);
    KTEST_ASSERT(thread_terminate(thread_self()) == KERN_INVALID_ARGUMENT);     /* no task */
    KTEST_ASSERT(thread_abort(NULL) == KERN_INVALID_ARGUMENT);
    KTEST_ASSERT(thread_abort(thread_self()) == KERN_INVALID_ARGUMENT);

    /* A thread terminating itself gets KERN_SUCCESS, then ends. */
    tc_self_steps = 0;
    KTEST_ASSERT(thread_create_kernel("tc-self", tc_self_terminate_fn, NULL, THREAD_ANY_CPU)
                 != NULL);
    for (unsigned int i = 0; i < 500 && (tc_self_steps != 2 || tc_nr_threads() != before); i++) {
        thread_delay(1);
    }
    KTEST_ASSERT(tc_self_steps == 2 && tc_nr_threads() == before);

    /* thread_abort ends an interruptible sleep. */
    waitq_init_intr(&tc_wq);
    tc_sleep_result = -1;
    tc_sleeping = false;
    KTEST_ASSERT(thread_create_kernel("tc-sleeper", tc_sleeper_fn, NULL, THREAD_ANY_CPU) != NULL);
    for (unsigned int i = 0; i < 500 && !tc_sleeping; i++) {
        thread_delay(1);
    }
    KTEST_ASSERT(tc_sleeping);
    KTEST_ASSERT(task_thread_list(ts_task, &list, &count) == KERN_SUCCESS);
    for (natural_t i = 0; i < count; i++) {
        if (list[i] != ts_thread) {
            sleeper = list[i];
        }
    }
    kmem_free(list, count * sizeof(*list));
    KTEST_ASSERT(sleeper != NULL);
    if (sleeper == NULL) {
        return;
    }
    thread_delay(2);
    KTEST_ASSERT(tc_sleeping && tc_sleep_result == -1);
    KTEST_ASSERT(thread_abort(sleeper) == KERN_SUCCESS);
    for (unsigned int i = 0; i < 500 && tc_sleeping; i++) {
        thread_delay(1);
    }
    KTEST_ASSERT(!tc_sleeping && tc_sleep_result == THREAD_INTERRUPTED);

    /* A stopped thread stays stopped. */
    KTEST_ASSERT(thread_suspend(ts_thread) == KERN_SUCCESS);
    KTEST_ASSERT(thread_abort(ts_thread) == KERN_SUCCESS);
    KTEST_ASSERT(ts_still());
    KTEST_ASSERT(thread_resume(ts_thread) == KERN_SUCCESS);
    KTEST_ASSERT(ts_running());

    KTEST_ASSERT(thread_terminate(sleeper) == KERN_SUCCESS);
    KTEST_ASSERT(tc_nr_threads() == before);
}

static void
thread_create_test_fn(void)
{
    if (ts_start()) {
        tc_create();
        tc_terminate_abort();
        ts_stop();
    }
}

KTEST_DEFINE(thread_create, thread_create_test_fn, 0);

/* ------------------------------------------------------------ priorities */

static int
ts_priority(struct thread *t, bool max)
{
    integer_t info[THREAD_INFO_MAX];
    struct thread_sched_info sched;
    natural_t count = THREAD_SCHED_INFO_COUNT;

    if (thread_info(t, THREAD_SCHED_INFO, info, &count) != KERN_SUCCESS) {
        return -100;
    }
    memcpy(&sched, info, sizeof(sched));
    return max ? sched.max_priority : sched.base_priority;
}

static int
ts_task_priority(struct task *task)
{
    integer_t info[TASK_BASIC_INFO_COUNT];
    struct task_basic_info basic;
    natural_t count = TASK_BASIC_INFO_COUNT;

    if (task_info(task, TASK_BASIC_INFO, info, &count) != KERN_SUCCESS) {
        return -100;
    }
    memcpy(&basic, info, sizeof(basic));
    return basic.base_priority;
}

/* task_max_priority: the task's priority 10, t's 45 with maximum 30. */
static void
ts_max_priorities(struct thread *t)
{
    struct host *host = host_port()->kobject;
    struct task *child = NULL;
    struct thread *t2 = NULL;

    KTEST_ASSERT(processor_task_max_priority(NULL, true, ts_task, 10, false, false)
                 == KERN_INVALID_ARGUMENT);
    KTEST_ASSERT(processor_task_max_priority(host, true, NULL, 10, false, false)
                 == KERN_INVALID_ARGUMENT);
    KTEST_ASSERT(processor_task_max_priority(host, true, ts_task, PROCESSOR_NR_PRIORITIES, false, false)
                 == KERN_INVALID_ARGUMENT);
    KTEST_ASSERT(processor_task_max_priority(host, true, ts_task, -1, false, false)
                 == KERN_INVALID_ARGUMENT);
    /* Lowering (6 -> 20) needs no privilege and drags the priority down. */
    KTEST_ASSERT(processor_task_max_priority(host, false, ts_task, 20, false, false) == KERN_SUCCESS
                 && ts_task_priority(ts_task) == 20 && ts_priority(t, true) == 30);
    KTEST_ASSERT(processor_task_max_priority(host, false, ts_task, 8, false, true) == KERN_NO_ACCESS
                 && ts_task_priority(ts_task) == 20 && ts_priority(t, true) == 30);
    /* Raising with host_priv; the threads follow. */
    KTEST_ASSERT(processor_task_max_priority(host, true, ts_task, 8, false, true) == KERN_SUCCESS
                 && ts_task_priority(ts_task) == 20 && ts_priority(t, true) == 8
                 && ts_priority(t, false) == 45);
    KTEST_ASSERT(processor_task_max_priority(host, true, ts_task, 12, true, true) == KERN_SUCCESS
                 && ts_task_priority(ts_task) == 12 && ts_priority(t, true) == 12
                 && ts_priority(t, false) == 12);
    /* A thread's maximum stays at or below the set's. */
    KTEST_ASSERT(processor_task_max_priority(host, true, ts_task, 2, false, true) == KERN_SUCCESS
                 && ts_priority(t, true) == PROCESSOR_SET_MAX_PRIORITY
                 && ts_priority(t, false) == 12);
    /* A child inherits the maximum (2: lowering it to 4 needs no privilege) and
       its new threads take it, capped by the set's. */
    KTEST_ASSERT(task_create_named(ts_task, false, "ts-child", &child) == KERN_SUCCESS);
    if (child != NULL) {
        KTEST_ASSERT(processor_task_max_priority(host, false, child, 1, false, false) == KERN_NO_ACCESS);
        KTEST_ASSERT(processor_task_max_priority(host, false, child, 4, false, false) == KERN_SUCCESS);
        KTEST_ASSERT(processor_task_max_priority(host, false, child, 15, false, false) == KERN_SUCCESS
                     && ts_task_priority(child) == 15);
        KTEST_ASSERT(thread_create(child, &t2) == KERN_SUCCESS && t2 != NULL);
        if (t2 != NULL) {
            KTEST_ASSERT(ts_priority(t2, true) == 15 && ts_priority(t2, false) == 15);
            KTEST_ASSERT(thread_terminate(t2) == KERN_SUCCESS);
            thread_unref(t2);
        }
        KTEST_ASSERT(task_terminate(child) == KERN_SUCCESS);
    }
}

static void
ts_priorities(void)
{
    struct processor_set *pset = NULL;
    struct task *child = NULL;
    struct thread *t = ts_thread;

    KTEST_ASSERT(processor_set_default(host_port()->kobject, &pset) == KERN_SUCCESS);
    KTEST_ASSERT(ts_task_priority(ts_task) == PROCESSOR_BASEPRI_USER);
    KTEST_ASSERT(ts_priority(t, false) == PROCESSOR_BASEPRI_USER
                 && ts_priority(t, true) == PROCESSOR_SET_MAX_PRIORITY);

    KTEST_ASSERT(thread_priority(NULL, 10, false) == KERN_INVALID_ARGUMENT);
    KTEST_ASSERT(thread_priority(thread_self(), 10, false) == KERN_INVALID_ARGUMENT);
    KTEST_ASSERT(thread_priority(t, PROCESSOR_NR_PRIORITIES, false) == KERN_INVALID_ARGUMENT);
    KTEST_ASSERT(thread_priority(t, -1, false) == KERN_INVALID_ARGUMENT);
    KTEST_ASSERT(thread_priority(t, 10, false) == KERN_SUCCESS && ts_priority(t, false) == 10);
    KTEST_ASSERT(thread_priority(t, 5, false) == KERN_FAILURE && ts_priority(t, false) == 10);
    KTEST_ASSERT(thread_priority(t, 20, true) == KERN_SUCCESS
                 && ts_priority(t, false) == 20 && ts_priority(t, true) == 20);
    KTEST_ASSERT(thread_priority(t, 10, false) == KERN_FAILURE);

    /* Raising the maximum needs the set (its control port). */
    KTEST_ASSERT(thread_max_priority(t, NULL, 4) == KERN_INVALID_ARGUMENT);
    KTEST_ASSERT(thread_max_priority(NULL, pset, 4) == KERN_INVALID_ARGUMENT);
    KTEST_ASSERT(thread_max_priority(t, pset, PROCESSOR_NR_PRIORITIES) == KERN_INVALID_ARGUMENT);
    KTEST_ASSERT(thread_max_priority(t, pset, 4) == KERN_SUCCESS
                 && ts_priority(t, true) == 4 && ts_priority(t, false) == 20);
    KTEST_ASSERT(thread_priority(t, 10, false) == KERN_SUCCESS);
    KTEST_ASSERT(thread_max_priority(t, pset, 30) == KERN_SUCCESS
                 && ts_priority(t, true) == 30 && ts_priority(t, false) == 30);

    /* task_priority, with and without the threads. */
    KTEST_ASSERT(task_priority(NULL, 10, false) == KERN_INVALID_ARGUMENT);
    KTEST_ASSERT(task_priority(ts_task, -1, false) == KERN_INVALID_ARGUMENT);
    KTEST_ASSERT(task_priority(ts_task, 40, false) == KERN_SUCCESS
                 && ts_task_priority(ts_task) == 40 && ts_priority(t, false) == 30);
    KTEST_ASSERT(task_priority(ts_task, 45, true) == KERN_SUCCESS && ts_priority(t, false) == 45);
    KTEST_ASSERT(task_priority(ts_task, 10, true) == KERN_FAILURE
                 && ts_task_priority(ts_task) == 10 && ts_priority(t, false) == 45);

    /* Inheritance: a child task takes its parent's priority. */
    KTEST_ASSERT(task_create_named(ts_task, false, "ts-child", &child) == KERN_SUCCESS);
    if (child != NULL) {
        KTEST_ASSERT(ts_task_priority(child) == 10);
        KTEST_ASSERT(task_terminate(child) == KERN_SUCCESS);
    }
    ts_max_priorities(t);
}

static void
priority_test_fn(void)
{
    if (ts_start()) {
        ts_priorities();
        ts_stop();
    }
}

KTEST_DEFINE(priority, priority_test_fn, 0);

/* ------------------------------------------------------------ thread_bench */

#define TB_RUNS                 3
#define TB_THREADS              50
#define TB_CALLS                2000

static unsigned int
tb_best(uint64_t best, unsigned int ops)
{
    return (unsigned int)((best + ops / 2) / ops);
}

static void
tb_create(void)
{
    uint64_t best = UINT64_MAX;
    unsigned int failures = 0;

    for (unsigned int run = 0; run < TB_RUNS; run++) {
        uint64_t start = cpu_rdtsc(), t;

        for (unsigned int i = 0; i < TB_THREADS; i++) {
            struct thread *thread;

            if (thread_create(ts_task, &thread) != KERN_SUCCESS) {
                failures++;
                continue;
            }
            failures += thread_terminate(thread) != KERN_SUCCESS;
            thread_unref(thread);
        }
        t = cpu_rdtsc() - start;
        best = t < best ? t : best;
    }
    ktest_assert_msg(failures == 0, "%u failures", failures);
    printf("bench: thread_create+thread_terminate: %u instructions\n", tb_best(best, TB_THREADS));
}

static void
tb_state(int flavor, natural_t count, const char *name)
{
    uint64_t best_get = UINT64_MAX, best_set = UINT64_MAX;
    unsigned int failures = 0;

    for (unsigned int run = 0; run < TB_RUNS; run++) {
        uint64_t start = cpu_rdtsc(), mid, t;

        for (unsigned int i = 0; i < TB_CALLS; i++) {
            natural_t n = count;

            failures += thread_get_state(ts_thread, flavor, ts_buf, &n) != KERN_SUCCESS;
        }
        mid = cpu_rdtsc();
        for (unsigned int i = 0; i < TB_CALLS; i++) {
            failures += thread_set_state(ts_thread, flavor, ts_buf, count) != KERN_SUCCESS;
        }
        t = cpu_rdtsc();
        best_get = mid - start < best_get ? mid - start : best_get;
        best_set = t - mid < best_set ? t - mid : best_set;
    }
    ktest_assert_msg(failures == 0, "%u failures", failures);
    printf("bench: thread_get_state %s (stopped thread): %u instructions\n", name,
           tb_best(best_get, TB_CALLS));
    printf("bench: thread_set_state %s (stopped thread): %u instructions\n", name,
           tb_best(best_set, TB_CALLS));
}

static void
thread_bench_fn(void)
{
    if (!ts_start()) {
        return;
    }
    tb_create();
    KTEST_ASSERT(thread_suspend(ts_thread) == KERN_SUCCESS);
    tb_state(i386_THREAD_STATE, i386_THREAD_STATE_COUNT, "THREAD_STATE");
    tb_state(i386_FLOAT_STATE, i386_FLOAT_STATE_COUNT, "FLOAT_STATE");
    KTEST_ASSERT(thread_resume(ts_thread) == KERN_SUCCESS);
    ts_stop();
}

KTEST_DEFINE(thread_bench, thread_bench_fn, KTEST_MANUAL);

/* ------------------------------------------------------------ special ports */

static void
special_port_test_fn(void)
{
    struct ipc_port *port = NULL, *other = host_port();

    if (!ts_start()) {
        return;
    }
    KTEST_ASSERT(thread_special_port_get(NULL, THREAD_KERNEL_PORT, &port)
                 == KERN_INVALID_ARGUMENT);
    KTEST_ASSERT(thread_special_port_get(ts_thread, 2, &port) == KERN_INVALID_ARGUMENT);
    KTEST_ASSERT(thread_special_port_set(ts_thread, 4, NULL) == KERN_INVALID_ARGUMENT);
    KTEST_ASSERT(thread_special_port_get(thread_self(), THREAD_KERNEL_PORT, &port)
                 == KERN_FAILURE);                      /* no task */

    KTEST_ASSERT(thread_special_port_get(ts_thread, THREAD_KERNEL_PORT, &port) == KERN_SUCCESS
                 && port == ts_thread->kport);
    if (port != NULL) {
        ipc_port_unref(port);
    }
    port = other;
    KTEST_ASSERT(thread_special_port_get(ts_thread, THREAD_EXCEPTION_PORT, &port) == KERN_SUCCESS
                 && port == NULL);

    /* The thread takes the caller's reference; get gives one more. */
    ipc_port_ref(other);
    KTEST_ASSERT(thread_special_port_set(ts_thread, THREAD_EXCEPTION_PORT, other)
                 == KERN_SUCCESS);
    KTEST_ASSERT(thread_special_port_get(ts_thread, THREAD_EXCEPTION_PORT, &port) == KERN_SUCCESS
                 && port == other);
    if (port != NULL) {
        ipc_port_unref(port);
    }
    KTEST_ASSERT(thread_special_port_set(ts_thread, THREAD_EXCEPTION_PORT, NULL) == KERN_SUCCESS);
    KTEST_ASSERT(thread_special_port_get(ts_thread, THREAD_EXCEPTION_PORT, &port) == KERN_SUCCESS
                 && port == NULL);

    /*
     * A port of its own set again: the thread's leaving drops its
     * reference, so killing the port frees it (test=special_port*2 checks
     * the port count).
     */
    port = ipc_port_create_kobject(IPC_KOBJECT_HOST, ts_buf);
    KTEST_ASSERT(port != NULL);
    if (port != NULL) {
        ipc_port_ref(port);
        KTEST_ASSERT(thread_special_port_set(ts_thread, THREAD_EXCEPTION_PORT, port)
                     == KERN_SUCCESS);
    }
    ts_stop();
    if (port != NULL) {
        KTEST_ASSERT(__atomic_load_n(&port->refs, __ATOMIC_RELAXED) == 1);
        ipc_port_kobject_destroy(port);
    }
}

KTEST_DEFINE(special_port, special_port_test_fn, 0);
