/* SPDX-License-Identifier: GPL-2.0-or-later */
/*
 * Thread state: every i386 flavor of thread_get_state/thread_set_state
 * (MACH-ABI.md 5.2) on a thread's saved user frame and FPU image.
 *
 * The integer state is the trap frame at the top of the kernel stack
 * (pcb.h), so getting and setting it are copies. The kernel returns to
 * user mode by popping that frame and iret; a value the CPU refuses
 * there faults in the kernel, at the exit, which trap_user_exit_fault()
 * turns into a user exception (as GNU Mach does). Set refuses such
 * values before they are stored all the same (stricter than GNU Mach,
 * and the caller learns of the mistake at once):
 *  - i386_THREAD_STATE: segment fields ignored, the standard user
 *    segments forced (as GNU Mach); eip must be below KERNBASE (the
 *    limit of the user code segment).
 *  - i386_REGS_SEGS_STATE: only the low 16 bits of the selectors count
 *    (as GNU Mach); CS must be the user code selector 0x17, SS the user
 *    data selector 0x1f or a writable TLS data slot of the thread, and
 *    DS/ES/FS/GS null, 0x17, 0x1f or a present TLS slot that can be
 *    loaded in a data register; each with RPL 3.
 *  - EFLAGS: only the arithmetic flags, TF, DF, AC and ID are taken, IF
 *    and the reserved bit 1 are forced (GNU Mach clears IOPL, NT and RF
 *    and sets IF; it also keeps VM for its v86 mode, which mach has not).
 *  - MXCSR (i386_XFLOAT_STATE): bits outside the CPU's MXCSR_MASK make
 *    FXRSTOR fault in the #NM handler, in kernel mode, where nothing
 *    recovers: KERN_INVALID_ARGUMENT, a check that must stay.
 *
 * The FPU image is FXSAVE's (FNSAVE's on a CPU without FXSR, i386/fpu.c).
 * i386_FLOAT_STATE is always the 108-byte FNSAVE image, so with FXSR it
 * is converted: the abridged tag byte of FXSAVE becomes the full tag
 * word by classifying each register, and back; MXCSR and the XMM
 * registers are kept on set. i386_XFLOAT_STATE carries the machine's
 * image as it is, fp_save_kind saying which (FP_FXSAVE or FP_FNSAVE).
 * An "initialized" of 0 on set drops the state: the thread starts its
 * next FPU use from the clean initial state.
 *
 * i386_DEBUG_STATE: DR0-DR3, DR6 and DR7 of the thread, loaded by the
 * switch (pcb_debug_load()). GNU Mach checks that DR0-DR3 are user
 * addresses (below 0xC0000000) and nothing else; mach also refuses a
 * DR7 the CPU would take as more than user breakpoints: GD (general
 * detect: a fault on the kernel's own debug register moves), the
 * reserved bits, an enabled I/O breakpoint (RW 10), an 8-byte length
 * (LEN 10, undefined on i386) and an instruction breakpoint whose
 * length is not 1 byte (LEN 00). DR4/DR5 read 0; DR6 is what the
 * thread's last debug trap left (pcb_debug_trap()), or as set.
 * i386_V86_ASSIST_STATE is stored and read back, with no effect (no
 * v86 mode). i386_ISA_PORT_MAP_STATE reads the first 1024 ports of the
 * task's I/O bitmap (all ones without one: i386/io_perm.c); set does
 * nothing, as in GNU Mach.
 */
#include <stdbool.h>
#include <stddef.h>
#include <stdint.h>

#include <i386/fpu.h>
#include <i386/cpu.h>
#include <i386/gdt.h>
#include <i386/io_perm.h>
#include <i386/param.h>
#include <i386/pcb.h>
#include <i386/trap.h>
#include <include/mach/kern_return.h>
#include <include/mach/thread_status.h>
#include <kern/macros.h>
#include <kern/panic.h>
#include <kern/string.h>
#include <kern/thread.h>

#define PCB_EFLAGS_USER_BITS    0x00240dd5  /* CF PF AF ZF SF TF DF OF AC ID */
#define PCB_EFLAGS_FORCED       0x00000202  /* IF and the reserved bit 1 */
#define PCB_DR7_ALLOWED         0xffff07ff  /* enables, LE/GE, bit 10, RW/LEN fields */
#define PCB_DR7_RW_IO           2           /* an I/O breakpoint (CR4.DE) */
#define PCB_DR7_LEN_8           2           /* 8 bytes: undefined on a 32-bit CPU */

#define PCB_FX_MXCSR            24          /* offsets in the FXSAVE image */
#define PCB_FX_REGS             32
#define PCB_FX_REG_STRIDE       16
#define PCB_FP_REG_BYTES        10

#define PCB_XFLOAT_HEADER_WORDS 4

_Static_assert(sizeof(struct i386_thread_state) == i386_THREAD_STATE_COUNT * 4,
               "i386_thread_state is 68 bytes");
_Static_assert(sizeof(struct i386_float_state) == i386_FLOAT_STATE_COUNT * 4,
               "i386_float_state is 120 bytes");
_Static_assert(sizeof(struct i386_xfloat_state) == PCB_XFLOAT_HEADER_WORDS * 4,
               "the i386_xfloat_state header is 16 bytes");
_Static_assert(PCB_STATE_MAX_WORDS >= i386_ISA_PORT_MAP_STATE_COUNT,
               "PCB_STATE_MAX_WORDS covers every flavor");

/* The FPU image of t, up to date (t's state saved if it is the caller's and live). */
static uint8_t *
pcb_fpu_image(struct thread *t)
{
    if (t == thread_self()) {
        fpu_state_save(&t->pcb);
    }
    assert(!t->pcb.fpu_live);
    return t->pcb.fpu;
}

static unsigned int
pcb_fpu_image_size(void)
{
    return fpu_has_fxsr() ? PCB_FPU_AREA_SIZE : FP_STATE_BYTES;
}

static int
pcb_fpkind(void)
{
    return fpu_has_fxsr() ? FP_387FX : FP_387;
}

unsigned int
pcb_xstate_size(void)
{
    return PCB_XFLOAT_HEADER_WORDS * 4 + pcb_fpu_image_size();
}

struct trap_frame *
pcb_user_state_init(struct thread *t)
{
    struct trap_frame *f = pcb_user_frame(t);

    if (!t->pcb.user) {
        memset(f, 0, sizeof(*f));
        f->cs = LDT_USER_CS;
        f->eflags = PCB_EFLAGS_FORCED;
        f->ss = f->ds = f->es = f->fs = f->gs = LDT_USER_DS;
        t->pcb.user = true;
    }
    return f;
}

/* ------------------------------------------------------------ selectors */

#define PCB_SEL_CODE_OK         0x1         /* CS */
#define PCB_SEL_STACK_OK        0x2         /* SS */
#define PCB_SEL_DATA_OK         0x4         /* DS, ES, FS, GS */

/* What a TLS slot holding desc may be loaded as. */
static unsigned int
pcb_desc_uses(uint64_t desc)
{
    unsigned int access = (desc >> 40) & 0xff;

    if (!(access & 0x80)) {
        return 0;                           /* empty slot */
    }
    /* gdt_user_desc_valid(): code or data, DPL 3, not 64-bit. */
    if (access & 0x08) {
        return (access & 0x02) ? PCB_SEL_DATA_OK : 0;   /* code: readable only */
    }
    return (access & 0x02) ? PCB_SEL_STACK_OK | PCB_SEL_DATA_OK : PCB_SEL_DATA_OK;
}

/* The TLS slot selector sel names (any RPL), or GDT_USER_TLS_SLOTS for none. */
static unsigned int
pcb_selector_slot(uint32_t sel)
{
    if ((sel & 4) != 0 || (sel & ~7u) < GDT_USER_TLS) {
        return GDT_USER_TLS_SLOTS;
    }
    return MIN(((sel & ~7u) - GDT_USER_TLS) >> 3, (uint32_t)GDT_USER_TLS_SLOTS);
}

/*
 * What selector sel (low 16 bits) of thread t may be loaded as, with
 * TLS slot slot holding desc (the others as they are).
 */
static unsigned int
pcb_selector_uses_with(const struct thread *t, uint32_t sel, unsigned int slot, uint64_t desc)
{
    unsigned int sel_slot;

    if (sel <= 3) {
        return PCB_SEL_DATA_OK;             /* null: loads, faults only when used */
    }
    if ((sel & 3) != 3) {
        return 0;
    }
    if (sel == LDT_USER_CS) {
        return PCB_SEL_CODE_OK | PCB_SEL_DATA_OK;   /* readable code */
    }
    if (sel == LDT_USER_DS) {
        return PCB_SEL_STACK_OK | PCB_SEL_DATA_OK;
    }
    sel_slot = pcb_selector_slot(sel);
    if (sel_slot >= GDT_USER_TLS_SLOTS) {
        return 0;
    }
    return pcb_desc_uses(sel_slot == slot ? desc : t->pcb.user_tls[sel_slot]);
}

/* What selector sel (low 16 bits) of thread t may be loaded as. */
static unsigned int
pcb_selector_uses(const struct thread *t, uint32_t sel)
{
    return pcb_selector_uses_with(t, sel, GDT_USER_TLS_SLOTS, 0);
}

bool
pcb_user_tls_fits(const struct thread *t, unsigned int slot, uint64_t desc)
{
    const struct trap_frame *f;
    const uint32_t *data[4];

    assert(slot < GDT_USER_TLS_SLOTS);
    if (!t->pcb.user) {
        return true;
    }
    f = pcb_user_frame(t);
    data[0] = &f->ds;
    data[1] = &f->es;
    data[2] = &f->fs;
    data[3] = &f->gs;
    for (unsigned int i = 0; i < 4; i++) {
        uint32_t sel = *data[i] & 0xffff;

        if (pcb_selector_slot(sel) == slot
            && !(pcb_selector_uses_with(t, sel, slot, desc) & PCB_SEL_DATA_OK)) {
            return false;
        }
    }
    return pcb_selector_slot(f->ss & 0xffff) != slot
           || (pcb_selector_uses_with(t, f->ss & 0xffff, slot, desc) & PCB_SEL_STACK_OK);
}

/* ------------------------------------------------------------ integer state */

static void
pcb_thread_state_get(struct thread *t, struct i386_thread_state *s)
{
    const struct trap_frame *f = pcb_user_state_init(t);

    s->gs = f->gs & 0xffff;
    s->fs = f->fs & 0xffff;
    s->es = f->es & 0xffff;
    s->ds = f->ds & 0xffff;
    s->edi = f->edi;
    s->esi = f->esi;
    s->ebp = f->ebp;
    s->esp = 0;
    s->ebx = f->ebx;
    s->edx = f->edx;
    s->ecx = f->ecx;
    s->eax = f->eax;
    s->eip = f->eip;
    s->cs = f->cs & 0xffff;
    s->efl = f->eflags;
    s->uesp = f->esp;
    s->ss = f->ss & 0xffff;
}

static kern_return_t
pcb_thread_state_set(struct thread *t, const struct i386_thread_state *s, bool segs)
{
    struct trap_frame *f;
    uint32_t cs = s->cs & 0xffff, ss = s->ss & 0xffff;
    uint32_t ds = s->ds & 0xffff, es = s->es & 0xffff;
    uint32_t fs = s->fs & 0xffff, gs = s->gs & 0xffff;

    if (s->eip >= KERNBASE) {
        return KERN_INVALID_ARGUMENT;
    }
    if (segs) {
        if (cs != LDT_USER_CS
            || !(pcb_selector_uses(t, ss) & PCB_SEL_STACK_OK)
            || !(pcb_selector_uses(t, ds) & PCB_SEL_DATA_OK)
            || !(pcb_selector_uses(t, es) & PCB_SEL_DATA_OK)
            || !(pcb_selector_uses(t, fs) & PCB_SEL_DATA_OK)
            || !(pcb_selector_uses(t, gs) & PCB_SEL_DATA_OK)) {
            return KERN_INVALID_ARGUMENT;
        }
    } else {
        cs = LDT_USER_CS;
        ss = ds = es = fs = gs = LDT_USER_DS;
    }
    f = pcb_user_state_init(t);
    f->edi = s->edi;
    f->esi = s->esi;
    f->ebp = s->ebp;
    f->ebx = s->ebx;
    f->edx = s->edx;
    f->ecx = s->ecx;
    f->eax = s->eax;
    f->eip = s->eip;
    f->cs = cs;
    f->eflags = (s->efl & PCB_EFLAGS_USER_BITS) | PCB_EFLAGS_FORCED;
    f->esp = s->uesp;
    f->ss = ss;
    f->ds = ds;
    f->es = es;
    f->fs = fs;
    f->gs = gs;
    return KERN_SUCCESS;
}

/* ------------------------------------------------------------ x87 conversions */

/* The 2-bit tag of the 80-bit register reg (10 bytes, little endian). */
static unsigned int
pcb_fp_tag_of(const uint8_t *reg)
{
    uint64_t mantissa;
    unsigned int exponent;

    memcpy(&mantissa, reg, sizeof(mantissa));
    exponent = (reg[8] | (reg[9] << 8)) & 0x7fff;
    if (exponent == 0x7fff) {
        return 2;                           /* infinity or NaN: special */
    }
    if (exponent == 0) {
        return mantissa == 0 ? 1 : 2;       /* zero, or denormal: special */
    }
    return (mantissa >> 63) ? 0 : 2;        /* valid, or unnormal: special */
}

/* FXSAVE image fx → FNSAVE image fn (108 bytes). */
static void
pcb_fx_to_fn(const uint8_t *fx, uint8_t *fn)
{
    uint16_t fcw, fsw, fop, fcs, fds, ftw = 0;
    uint32_t fip, fdp;
    unsigned int top;

    memcpy(&fcw, fx + 0, 2);
    memcpy(&fsw, fx + 2, 2);
    memcpy(&fop, fx + 6, 2);
    memcpy(&fip, fx + 8, 4);
    memcpy(&fcs, fx + 12, 2);
    memcpy(&fdp, fx + 16, 4);
    memcpy(&fds, fx + 20, 2);
    top = (fsw >> 11) & 7;
    for (unsigned int phys = 0; phys < 8; phys++) {
        unsigned int st = (phys - top) & 7, tag = 3;

        if (fx[4] & (1u << phys)) {
            tag = pcb_fp_tag_of(fx + PCB_FX_REGS + st * PCB_FX_REG_STRIDE);
        }
        ftw |= tag << (2 * phys);
    }
    memset(fn, 0, FP_STATE_BYTES);
    memcpy(fn + 0, &fcw, 2);
    memcpy(fn + 4, &fsw, 2);
    memcpy(fn + 8, &ftw, 2);
    memcpy(fn + 12, &fip, 4);
    memcpy(fn + 16, &fcs, 2);
    fop &= 0x7ff;
    memcpy(fn + 18, &fop, 2);
    memcpy(fn + 20, &fdp, 4);
    memcpy(fn + 24, &fds, 2);
    for (unsigned int st = 0; st < 8; st++) {
        memcpy(fn + FP_ENV_BYTES + st * PCB_FP_REG_BYTES,
               fx + PCB_FX_REGS + st * PCB_FX_REG_STRIDE, PCB_FP_REG_BYTES);
    }
}

/* FNSAVE image fn → the x87 part of FXSAVE image fx (MXCSR and XMM kept). */
static void
pcb_fn_to_fx(const uint8_t *fn, uint8_t *fx)
{
    uint16_t ftw, fop;
    uint8_t abridged = 0;

    memcpy(fx + 0, fn + 0, 2);              /* FCW */
    memcpy(fx + 2, fn + 4, 2);              /* FSW */
    memcpy(&ftw, fn + 8, 2);
    for (unsigned int phys = 0; phys < 8; phys++) {
        if (((ftw >> (2 * phys)) & 3) != 3) {
            abridged |= 1u << phys;
        }
    }
    fx[4] = abridged;
    fx[5] = 0;
    memcpy(&fop, fn + 18, 2);
    fop &= 0x7ff;
    memcpy(fx + 6, &fop, 2);
    memcpy(fx + 8, fn + 12, 4);             /* FIP */
    memcpy(fx + 12, fn + 16, 2);            /* FCS */
    memset(fx + 14, 0, 2);
    memcpy(fx + 16, fn + 20, 4);            /* FDP */
    memcpy(fx + 20, fn + 24, 2);            /* FDS */
    memset(fx + 22, 0, 2);
    for (unsigned int st = 0; st < 8; st++) {
        uint8_t *reg = fx + PCB_FX_REGS + st * PCB_FX_REG_STRIDE;

        memcpy(reg, fn + FP_ENV_BYTES + st * PCB_FP_REG_BYTES, PCB_FP_REG_BYTES);
        memset(reg + PCB_FP_REG_BYTES, 0, PCB_FX_REG_STRIDE - PCB_FP_REG_BYTES);
    }
}

/* ------------------------------------------------------------ FPU state */

static void
pcb_float_state_get(struct thread *t, struct i386_float_state *s)
{
    const uint8_t *image = pcb_fpu_image(t);

    memset(s, 0, sizeof(*s));
    s->fpkind = pcb_fpkind();
    if (!t->pcb.fpu_valid) {
        return;
    }
    s->initialized = 1;
    if (fpu_has_fxsr()) {
        pcb_fx_to_fn(image, s->hw_state);
    } else {
        memcpy(s->hw_state, image, FP_STATE_BYTES);
    }
}

/*
 * Make image the starting point of t's new FPU state: its current one,
 * or the clean initial one (fpu.c's) when it has none.
 */
static void
pcb_fpu_image_prepare(struct thread *t, uint8_t *image)
{
    if (!t->pcb.fpu_valid) {
        memset(image, 0, PCB_FPU_AREA_SIZE);
        if (fpu_has_fxsr()) {
            image[0] = 0x7f;                /* FCW 0x37f */
            image[1] = 0x03;
            if (fpu_mxcsr_mask() != 0) {
                uint32_t mxcsr = 0x1f80;

                memcpy(image + PCB_FX_MXCSR, &mxcsr, 4);
            }
        } else {
            image[0] = 0x7f;
            image[1] = 0x03;
            image[8] = 0xff;                /* every register empty */
            image[9] = 0xff;
        }
    }
}

static kern_return_t
pcb_float_state_set(struct thread *t, const struct i386_float_state *s)
{
    uint8_t *image = pcb_fpu_image(t);

    if (!s->initialized) {
        t->pcb.fpu_valid = false;
        return KERN_SUCCESS;
    }
    pcb_fpu_image_prepare(t, image);
    if (fpu_has_fxsr()) {
        pcb_fn_to_fx(s->hw_state, image);
    } else {
        memcpy(image, s->hw_state, FP_STATE_BYTES);
    }
    t->pcb.fpu_valid = true;
    return KERN_SUCCESS;
}

static void
pcb_xfloat_state_get(struct thread *t, uint32_t *state)
{
    const uint8_t *image = pcb_fpu_image(t);
    struct i386_xfloat_state header = {
        .fpkind = pcb_fpkind(),
        .initialized = t->pcb.fpu_valid,
        .exc_status = 0,
        .fp_save_kind = fpu_has_fxsr() ? FP_FXSAVE : FP_FNSAVE,
    };

    memcpy(state, &header, sizeof(header));
    if (t->pcb.fpu_valid) {
        memcpy(state + PCB_XFLOAT_HEADER_WORDS, image, pcb_fpu_image_size());
    } else {
        memset(state + PCB_XFLOAT_HEADER_WORDS, 0, pcb_fpu_image_size());
    }
}

static kern_return_t
pcb_xfloat_state_set(struct thread *t, const uint32_t *state)
{
    const uint8_t *hw = (const uint8_t *)(state + PCB_XFLOAT_HEADER_WORDS);
    struct i386_xfloat_state header;
    uint8_t *image;

    memcpy(&header, state, sizeof(header));
    if (header.fp_save_kind != (fpu_has_fxsr() ? FP_FXSAVE : FP_FNSAVE)) {
        return KERN_INVALID_ARGUMENT;
    }
    if (header.initialized && fpu_has_fxsr()) {
        uint32_t mxcsr;

        memcpy(&mxcsr, hw + PCB_FX_MXCSR, 4);
        if (mxcsr & ~fpu_mxcsr_mask()) {
            return KERN_INVALID_ARGUMENT;
        }
    }
    image = pcb_fpu_image(t);
    if (!header.initialized) {
        t->pcb.fpu_valid = false;
        return KERN_SUCCESS;
    }
    memcpy(image, hw, pcb_fpu_image_size());
    t->pcb.fpu_valid = true;
    return KERN_SUCCESS;
}

/* ------------------------------------------------------------ debug registers */

/* Whether dr[8] is a debug state a user thread may have (see the top). */
static bool
pcb_debug_state_valid(const uint32_t *dr)
{
    uint32_t dr7 = dr[7];

    for (unsigned int i = 0; i < 4; i++) {
        unsigned int rw = (dr7 >> (16 + 4 * i)) & 3, len = (dr7 >> (18 + 4 * i)) & 3;

        if (dr[i] >= KERNBASE) {
            return false;                   /* GNU Mach's one check */
        }
        if (!(dr7 & (3u << (2 * i)))) {
            continue;                       /* not enabled: its fields do not matter */
        }
        if (rw == PCB_DR7_RW_IO || len == PCB_DR7_LEN_8 || (rw == 0 && len != 0)) {
            return false;
        }
    }
    return (dr7 & ~PCB_DR7_ALLOWED) == 0;
}

static kern_return_t
pcb_debug_state_set(struct thread *t, const uint32_t *dr)
{
    uint32_t flags;

    if (!pcb_debug_state_valid(dr)) {
        return KERN_INVALID_ARGUMENT;
    }
    flags = cpu_intr_save();
    memcpy(t->pcb.debug, dr, sizeof(t->pcb.debug));
    t->pcb.debug[4] = t->pcb.debug[5] = 0;
    if (t == thread_self()) {
        pcb_debug_load(t);                  /* others load theirs at their switch-in */
    }
    cpu_intr_restore(flags);
    return KERN_SUCCESS;
}

/* ------------------------------------------------------------ flavors */

/* The word count of flavor, or 0 for one that is not known. */
static unsigned int
pcb_state_count(int flavor)
{
    switch (flavor) {
    case THREAD_STATE_FLAVOR_LIST:
        return 4;
    case i386_THREAD_STATE:
    case i386_REGS_SEGS_STATE:
        return i386_THREAD_STATE_COUNT;
    case i386_FLOAT_STATE:
        return i386_FLOAT_STATE_COUNT;
    case i386_ISA_PORT_MAP_STATE:
        return i386_ISA_PORT_MAP_STATE_COUNT;
    case i386_V86_ASSIST_STATE:
        return i386_V86_ASSIST_STATE_COUNT;
    case i386_DEBUG_STATE:
        return i386_DEBUG_STATE_COUNT;
    case i386_XFLOAT_STATE:
        return pcb_xstate_size() / 4;
    default:
        return 0;                           /* i386_FSGS_BASE_STATE too: x86_64 only */
    }
}

kern_return_t
pcb_state_get(struct thread *t, int flavor, uint32_t *state, unsigned int *count)
{
    unsigned int n = pcb_state_count(flavor);

    if (n == 0 || *count < n) {
        return KERN_INVALID_ARGUMENT;
    }
    switch (flavor) {
    case THREAD_STATE_FLAVOR_LIST:
        /* GNU Mach's list: 5, 6 and 8 work without being listed. */
        state[0] = i386_THREAD_STATE;
        state[1] = i386_FLOAT_STATE;
        state[2] = i386_ISA_PORT_MAP_STATE;
        state[3] = i386_V86_ASSIST_STATE;
        break;
    case i386_THREAD_STATE:
    case i386_REGS_SEGS_STATE: {
        struct i386_thread_state s;

        pcb_thread_state_get(t, &s);
        memcpy(state, &s, sizeof(s));
        break;
    }
    case i386_FLOAT_STATE: {
        struct i386_float_state s;

        pcb_float_state_get(t, &s);
        memcpy(state, &s, sizeof(s));
        break;
    }
    case i386_ISA_PORT_MAP_STATE:
        io_perm_map_read(t->task, (uint8_t *)state, n * 4);
        break;
    case i386_V86_ASSIST_STATE:
        memcpy(state, t->pcb.v86, sizeof(t->pcb.v86));
        break;
    case i386_DEBUG_STATE:
        memcpy(state, t->pcb.debug, sizeof(t->pcb.debug));
        break;
    case i386_XFLOAT_STATE:
        pcb_xfloat_state_get(t, state);
        break;
    default:
        panic("pcb: flavor %d has a count but no getter", flavor);
    }
    *count = n;
    return KERN_SUCCESS;
}

kern_return_t
pcb_state_set(struct thread *t, int flavor, const uint32_t *state, unsigned int count)
{
    unsigned int n = pcb_state_count(flavor);

    if (n == 0 || count < n) {
        return KERN_INVALID_ARGUMENT;
    }
    switch (flavor) {
    case i386_THREAD_STATE:
    case i386_REGS_SEGS_STATE: {
        struct i386_thread_state s;

        memcpy(&s, state, sizeof(s));
        return pcb_thread_state_set(t, &s, flavor == i386_REGS_SEGS_STATE);
    }
    case i386_FLOAT_STATE: {
        struct i386_float_state s;

        memcpy(&s, state, sizeof(s));
        return pcb_float_state_set(t, &s);
    }
    case i386_ISA_PORT_MAP_STATE:
        return KERN_SUCCESS;                /* GNU Mach ignores it too */
    case i386_V86_ASSIST_STATE:
        memcpy(t->pcb.v86, state, sizeof(t->pcb.v86));
        return KERN_SUCCESS;
    case i386_DEBUG_STATE:
        return pcb_debug_state_set(t, state);
    case i386_XFLOAT_STATE:
        return pcb_xfloat_state_set(t, state);
    default:
        return KERN_INVALID_ARGUMENT;       /* THREAD_STATE_FLAVOR_LIST: get only */
    }
}
