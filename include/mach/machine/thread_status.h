/* SPDX-License-Identifier: GPL-2.0-or-later */
/*
 * i386 thread-state flavors with GNU Mach's numbers, layouts and word
 * counts (MACH-ABI.md 5.2). Counts are in 32-bit words; every layout is
 * a plain array of 32-bit words, so the sizes are the same for the
 * kernel and for 32-bit user programs.
 */
#ifndef MACH_MACHINE_THREAD_STATUS_H
#define MACH_MACHINE_THREAD_STATUS_H

#define i386_THREAD_STATE               1
#define i386_FLOAT_STATE                2
#define i386_ISA_PORT_MAP_STATE         3
#define i386_V86_ASSIST_STATE           4
#define i386_REGS_SEGS_STATE            5
#define i386_DEBUG_STATE                6
#define i386_FSGS_BASE_STATE            7
#define i386_XFLOAT_STATE               8

/*
 * The integer registers, for i386_THREAD_STATE (segment fields ignored
 * on set: the thread gets the standard user segments) and for
 * i386_REGS_SEGS_STATE (segment fields used). esp is the kernel's and
 * reads as 0; uesp is the user stack pointer.
 */
struct i386_thread_state {
    unsigned int gs, fs, es, ds;
    unsigned int edi, esi, ebp, esp;
    unsigned int ebx, edx, ecx, eax;
    unsigned int eip, cs, efl, uesp, ss;
};
#define i386_THREAD_STATE_COUNT         17
#define i386_REGS_SEGS_STATE_COUNT      17

/* fpkind values: how the thread's floating point is saved. */
#define FP_NO                           0   /* no FPU */
#define FP_SOFT                         1
#define FP_287                          2
#define FP_387                          3   /* FNSAVE */
#define FP_387FX                        4   /* FXSAVE */
#define FP_387X                         5   /* XSAVE */

/*
 * The x87 state as FNSAVE lays it out in 32-bit protected mode: a 28-byte
 * environment (control, status, tag words each in the low half of a
 * 32-bit word; the last instruction's eip, cs and opcode; the last
 * operand's offset and selector), then the 8 registers ST(0)..ST(7), 10
 * bytes each. The tag word has 2 bits per physical register.
 */
#define FP_ENV_BYTES                    28
#define FP_REGS_BYTES                   80
#define FP_STATE_BYTES                  (FP_ENV_BYTES + FP_REGS_BYTES)

struct i386_float_state {
    int fpkind;                         /* FP_* (ignored on set) */
    int initialized;                    /* 0: no state (set: reset the FPU) */
    unsigned char hw_state[FP_STATE_BYTES];
    int exc_status;                     /* reads 0; ignored on set */
};
#define i386_FLOAT_STATE_COUNT          30

/* The I/O permission bitmap of ports 0..0x3ff (a set bit denies). */
#define PORT_MAP_BITS                   0x400
struct i386_isa_port_map_state {
    unsigned char pm[PORT_MAP_BITS / 8];
};
#define i386_ISA_PORT_MAP_STATE_COUNT   32

struct i386_v86_assist_state {
    unsigned int int_table;
    int int_count;
};
#define i386_V86_ASSIST_STATE_COUNT     2

/* dr0..dr7 (dr4 and dr5 are not registers and read as 0). */
struct i386_debug_state {
    unsigned int dr[8];
};
#define i386_DEBUG_STATE_COUNT          8

struct i386_fsgs_base_state {
    unsigned int fs_base, gs_base;
};
#define i386_FSGS_BASE_STATE_COUNT      2

/* fp_save_kind values: the instruction whose image hw_state holds. */
#define FP_FNSAVE                       0
#define FP_FXSAVE                       1
#define FP_XSAVE                        2
#define FP_XSAVEOPT                     3
#define FP_XSAVEC                       4
#define FP_XSAVES                       5

/*
 * The full FPU state: a 16-byte header, then the machine's save image
 * (fp_save_kind says which). Its size in bytes, header included, is what
 * i386_get_xstate_size returns; the count is that size / 4.
 */
struct i386_xfloat_state {
    int fpkind;                         /* FP_* (ignored on set) */
    int initialized;                    /* 0: no state (set: reset the FPU) */
    int exc_status;                     /* reads 0; ignored on set */
    int fp_save_kind;                   /* FP_FNSAVE..; must match on set */
    unsigned char hw_state[];
};

#endif /* MACH_MACHINE_THREAD_STATUS_H */
