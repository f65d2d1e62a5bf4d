/* SPDX-License-Identifier: GPL-2.0-or-later */
/*
 * The trap thread_set_self_state (-77) from user mode: the program sets
 * its own state and checks it with the instructions that read it.
 *  - i386_THREAD_STATE: every general register, the stack pointer and
 *    EFLAGS land at a chosen eip (EFLAGS sanitized: IOPL and NT dropped,
 *    IF set), with the standard user segments.
 *  - i386_REGS_SEGS_STATE: null FS and GS are taken; a data selector as
 *    CS, eip at KERNBASE, a short count, a huge count, an unreadable
 *    array, the get-only flavor list and FSGS_BASE are refused with the
 *    registers untouched.
 *  - i386_FLOAT_STATE: an x87 stack of two values, read back with fstp;
 *    the trap returns with the registers as it found them (%eax -77).
 *  - i386_XFLOAT_STATE (FXSAVE image): XMM0, XMM7 and MXCSR, read back
 *    with movups and stmxcsr; a bad MXCSR is refused.
 * Boot line: state $(task-create) $(task-resume).
 */
#include "lib/ulib.h"
#include "lib/mach_traps.h"

#include <mach/thread_status.h>

#define KERNBASE                0xc0000000u
#define SELF_STATE_TRAP         (-77)

/* What the landing pad saw, in i386_thread_state order (esp: its %esp). */
struct i386_thread_state landed;
unsigned int landed_efl_raw;
unsigned int saved_esp;          /* state_call's stack, for the landing pad */
static unsigned int land_stack[256] __attribute__((aligned(16)));

/*
 * state_call(flavor, state, count): the trap through its stub, with the
 * callee-saved registers and the stack pointer kept where the landing
 * pad finds them. Returns the trap's result, or 0x1a4d when a new
 * integer state took the thread to state_land.
 */
int state_call(int flavor, void *state, unsigned int count);
void state_land(void);
__asm__(
    ".text\n"
    ".globl state_call\n"
    "state_call:\n\t"
    "pushl %ebp\n\t"
    "pushl %ebx\n\t"
    "pushl %esi\n\t"
    "pushl %edi\n\t"
    "movl %esp, saved_esp\n\t"
    "pushl 28(%esp)\n\t"
    "pushl 28(%esp)\n\t"
    "pushl 28(%esp)\n\t"
    "call thread_set_self_state\n\t"
    "addl $12, %esp\n\t"
    "popl %edi\n\t"
    "popl %esi\n\t"
    "popl %ebx\n\t"
    "popl %ebp\n\t"
    "ret\n"
    ".globl state_land\n"
    "state_land:\n\t"
    "movl %eax, landed+44\n\t"
    "pushfl\n\t"
    "popl %eax\n\t"
    "movl %eax, landed_efl_raw\n\t"
    "cld\n\t"
    "movl %ebx, landed+32\n\t"
    "movl %ecx, landed+40\n\t"
    "movl %edx, landed+36\n\t"
    "movl %esi, landed+20\n\t"
    "movl %edi, landed+16\n\t"
    "movl %ebp, landed+24\n\t"
    "movl %esp, landed+60\n\t"
    "movl %cs, %eax\n\t"
    "movl %eax, landed+52\n\t"
    "movl %ss, %eax\n\t"
    "movl %eax, landed+64\n\t"
    "movl %ds, %eax\n\t"
    "movl %eax, landed+12\n\t"
    "movl %es, %eax\n\t"
    "movl %eax, landed+8\n\t"
    "movl %fs, %eax\n\t"
    "movl %eax, landed+4\n\t"
    "movl %gs, %eax\n\t"
    "movl %eax, landed+0\n\t"
    "movl $0x1f, %eax\n\t"
    "movl %eax, %fs\n\t"
    "movl %eax, %gs\n\t"
    "movl saved_esp, %esp\n\t"
    "popl %edi\n\t"
    "popl %esi\n\t"
    "popl %ebx\n\t"
    "popl %ebp\n\t"
    "movl $0x1a4d, %eax\n\t"
    "ret\n");

#define LANDED                  0x1a4d

static struct i386_thread_state
state_template(void)
{
    return (struct i386_thread_state){
        .edi = 0x11111111, .esi = 0x22222222, .ebp = 0x33333333, .ebx = 0x44444444,
        .edx = 0x55555555, .ecx = 0x66666666, .eax = 0x77777777,
        .eip = (unsigned int)state_land,
        .uesp = (unsigned int)&land_stack[200],
        .cs = 0x17, .ss = 0x1f, .ds = 0x1f, .es = 0x1f, .fs = 0x1f, .gs = 0x1f,
        .efl = 0x202,
    };
}

static bool
landed_regs_are(const struct i386_thread_state *s)
{
    return landed.edi == s->edi && landed.esi == s->esi && landed.ebp == s->ebp
           && landed.ebx == s->ebx && landed.edx == s->edx && landed.ecx == s->ecx
           && landed.eax == s->eax && landed.uesp == s->uesp;
}

static void
test_thread_state(void)
{
    struct i386_thread_state s = state_template();
    int r;

    /* IOPL 3, NT, DF, CF and garbage segments: segments forced, flags cleaned. */
    s.efl = 0x00007603 | 0x401;
    s.ds = 0x10;
    s.gs = 0x4b;
    memset(&landed, 0, sizeof(landed));
    r = state_call(i386_THREAD_STATE, &s, i386_THREAD_STATE_COUNT);
    tap_ok(r == LANDED, "THREAD_STATE: landed at the new eip (%x)", r);
    tap_ok(landed_regs_are(&s), "THREAD_STATE: every general register and esp taken");
    tap_ok((landed_efl_raw & 0x247fd7) == 0x603, "THREAD_STATE: EFLAGS %x: DF CF IF, no IOPL or NT",
           landed_efl_raw);
    tap_ok((landed.cs & 0xffff) == 0x17 && (landed.ss & 0xffff) == 0x1f
           && (landed.ds & 0xffff) == 0x1f && (landed.es & 0xffff) == 0x1f
           && (landed.fs & 0xffff) == 0x1f && (landed.gs & 0xffff) == 0x1f,
           "THREAD_STATE: the user segments forced (cs %x ds %x gs %x)",
           landed.cs & 0xffff, landed.ds & 0xffff, landed.gs & 0xffff);
}

static void
test_regs_segs(void)
{
    struct i386_thread_state s = state_template();
    int r;

    s.fs = 0;
    s.gs = 0;
    s.eax = 0xabcdef01;
    memset(&landed, 0, sizeof(landed));
    r = state_call(i386_REGS_SEGS_STATE, &s, i386_REGS_SEGS_STATE_COUNT);
    tap_ok(r == LANDED && landed_regs_are(&s)
           && (landed.fs & 0xffff) == 0 && (landed.gs & 0xffff) == 0
           && (landed.cs & 0xffff) == 0x17,
           "REGS_SEGS: registers and null fs/gs taken");

    s = state_template();
    s.cs = 0x1f;
    r = state_call(i386_REGS_SEGS_STATE, &s, i386_REGS_SEGS_STATE_COUNT);
    tap_ok(r == KERN_INVALID_ARGUMENT, "REGS_SEGS with a data selector as CS: %d", r);
    s = state_template();
    s.eip = KERNBASE;
    r = state_call(i386_THREAD_STATE, &s, i386_THREAD_STATE_COUNT);
    tap_ok(r == KERN_INVALID_ARGUMENT, "eip at KERNBASE: %d", r);
    s = state_template();
    r = state_call(i386_THREAD_STATE, &s, i386_THREAD_STATE_COUNT - 1);
    tap_ok(r == KERN_INVALID_ARGUMENT, "count 16: %d", r);
    r = state_call(i386_THREAD_STATE, &s, 1025);
    tap_ok(r == KERN_INVALID_ARGUMENT, "count 1025 (above THREAD_STATE_MAX): %d", r);
    r = state_call(i386_THREAD_STATE, (void *)0x70000000, i386_THREAD_STATE_COUNT);
    tap_ok(r == KERN_INVALID_ADDRESS, "unmapped state array: %d", r);
    r = state_call(i386_THREAD_STATE, (void *)KERNBASE, i386_THREAD_STATE_COUNT);
    tap_ok(r == KERN_INVALID_ADDRESS, "kernel-space state array: %d", r);
    r = state_call(THREAD_STATE_FLAVOR_LIST, &s, 4);
    tap_ok(r == KERN_INVALID_ARGUMENT, "THREAD_STATE_FLAVOR_LIST is get-only: %d", r);
    r = state_call(i386_FSGS_BASE_STATE, &s, 2);
    tap_ok(r == KERN_INVALID_ARGUMENT, "FSGS_BASE_STATE on i386: %d", r);
    r = state_call(99, &s, 17);
    tap_ok(r == KERN_INVALID_ARGUMENT, "unknown flavor: %d", r);
}

/* 80-bit register at p: mantissa, sign and exponent. */
static void
fp_reg(unsigned char *p, unsigned int mant_hi, unsigned int mant_lo, unsigned short sign_exp)
{
    memcpy(p, &mant_lo, 4);
    memcpy(p + 4, &mant_hi, 4);
    memcpy(p + 8, &sign_exp, 2);
}

static void
test_float_state(void)
{
    struct i386_float_state f;
    unsigned short w;
    unsigned int a[2], b[2];
    int r;

    /* TOP = 6: ST(0) = physical 6 = 1.5, ST(1) = physical 7 = -2.0. */
    memset(&f, 0, sizeof(f));
    f.initialized = 1;
    w = 0x037f;
    memcpy(f.hw_state + 0, &w, 2);
    w = 6 << 11;
    memcpy(f.hw_state + 4, &w, 2);
    w = 0x0fff;                             /* physical 6, 7 valid; the rest empty */
    memcpy(f.hw_state + 8, &w, 2);
    fp_reg(f.hw_state + 28, 0xc0000000, 0, 0x3fff);
    fp_reg(f.hw_state + 38, 0x80000000, 0, 0xc000);
    r = state_call(i386_FLOAT_STATE, &f, i386_FLOAT_STATE_COUNT);
    tap_ok(r == SELF_STATE_TRAP, "FLOAT_STATE: back with the registers as they were (%d)", r);
    __asm__ volatile("fstpl %0\n\tfstpl %1" : "=m"(a), "=m"(b));
    tap_ok(a[1] == 0x3ff80000 && a[0] == 0, "FLOAT_STATE: ST(0) is 1.5 (%x %x)", a[1], a[0]);
    tap_ok(b[1] == 0xc0000000 && b[0] == 0, "FLOAT_STATE: ST(1) is -2.0 (%x %x)", b[1], b[0]);
}

static unsigned int xstate[4 + 128] __attribute__((aligned(16)));

static void
test_xfloat_state(void)
{
    unsigned char *hw = (unsigned char *)&xstate[4];
    unsigned char x0[16], x7[16];
    unsigned int mxcsr = 0, ok0 = 1, ok7 = 1;
    int r;

    memset(xstate, 0, sizeof(xstate));
    xstate[1] = 1;                          /* initialized */
    xstate[3] = FP_FXSAVE;
    hw[0] = 0x7f;
    hw[1] = 0x03;
    mxcsr = 0x1f80 | 0x6000;                /* round toward zero */
    memcpy(hw + 24, &mxcsr, 4);
    for (unsigned int i = 0; i < 16; i++) {
        hw[160 + i] = (unsigned char)(0x10 + i);
        hw[160 + 7 * 16 + i] = (unsigned char)(0xf0 - i);
    }
    r = state_call(i386_XFLOAT_STATE, xstate, 4 + 128 - 1);
    tap_ok(r == KERN_INVALID_ARGUMENT, "XFLOAT_STATE: count one short: %d", r);
    mxcsr = 0xffffffff;
    memcpy(hw + 24, &mxcsr, 4);
    r = state_call(i386_XFLOAT_STATE, xstate, 4 + 128);
    tap_ok(r == KERN_INVALID_ARGUMENT, "XFLOAT_STATE: MXCSR 0xffffffff refused: %d", r);
    mxcsr = 0x7f80;
    memcpy(hw + 24, &mxcsr, 4);
    r = state_call(i386_XFLOAT_STATE, xstate, 4 + 128);
    tap_ok(r == SELF_STATE_TRAP, "XFLOAT_STATE: set (%d)", r);
    __asm__ volatile("movups %%xmm0, %0\n\tmovups %%xmm7, %1\n\tstmxcsr %2"
                     : "=m"(x0), "=m"(x7), "=m"(mxcsr));
    for (unsigned int i = 0; i < 16; i++) {
        ok0 &= x0[i] == 0x10 + i;
        ok7 &= x7[i] == 0xf0 - i;
    }
    tap_ok(ok0 && ok7, "XFLOAT_STATE: XMM0 and XMM7 hold the values set");
    tap_ok((mxcsr & 0xffff) == 0x7f80, "XFLOAT_STATE: MXCSR %x", mxcsr);
}

int
main(int argc, char **argv, char **envp)
{
    (void)argc;
    (void)argv;
    (void)envp;
    tap_plan(22);
    test_thread_state();
    test_regs_segs();
    test_float_state();
    test_xfloat_state();
    return 0;
}
