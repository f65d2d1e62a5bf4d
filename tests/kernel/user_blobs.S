/* SPDX-License-Identifier: GPL-2.0-or-later */
/*
 * Small user-mode programs for the in-kernel user tests (user_test.c).
 *
 * The test copies everything between user_blobs_start and user_blobs_end
 * to one user code page and starts a thread at one of the entry points,
 * so the code is position-independent (relative jumps and calls only).
 * Each program finds on its stack: 0(%esp) the address of its data page
 * (results go there), then its parameters at 4, 8, 12. A program ends
 * with int3 (EXC_BREAKPOINT kills the thread: the test expects that) or
 * with the exception it is about.
 */
#define TRAP(n) movl $(n), %eax; lcall $7, $0

    .section .rodata.user_blobs, "a"
    .globl user_blobs_start, user_blobs_end
user_blobs_start:

/*
 * Trap round trip: trap number 4(%esp), its argument words from 8(%esp)
 * on (after the first pop they sit at ESP+4, where the trap reads
 * them). Sets every register, DF and CF to a pattern, %fs and %gs to the
 * null selector, traps, and stores what came back: eax, eflags, ebx,
 * ecx, edx, esi, edi, ebp, esp, ds, es, fs, gs, ss, cs at data+0..56,
 * then 1 at data+60.
 */
    .globl ut_roundtrip
ut_roundtrip:
    movl 4(%esp), %eax
    movl (%esp), %ebp
    addl $4, %esp                       /* now the arguments start at ESP+4 */
    pushl $0
    popl %fs
    pushl $0
    popl %gs
    movl $0x11111111, %ebx
    movl $0x22222222, %ecx
    movl $0x33333333, %edx
    movl $0x44444444, %esi
    movl $0x55555555, %edi
    std
    stc
    lcall $7, $0
    pushfl
    popl 4(%ebp)
    cld
    movl %eax, 0(%ebp)
    movl %ebx, 8(%ebp)
    movl %ecx, 12(%ebp)
    movl %edx, 16(%ebp)
    movl %esi, 20(%ebp)
    movl %edi, 24(%ebp)
    movl %ebp, 28(%ebp)
    movl %esp, 32(%ebp)
    movl %ds, %eax
    movl %eax, 36(%ebp)
    movl %es, %eax
    movl %eax, 40(%ebp)
    movl %fs, %eax
    movl %eax, 44(%ebp)
    movl %gs, %eax
    movl %eax, 48(%ebp)
    movl %ss, %eax
    movl %eax, 52(%ebp)
    movl %cs, %eax
    movl %eax, 56(%ebp)
    movl $1, 60(%ebp)                   /* reached the end */
    int3

/* mach_print(4(%esp)): result at data+0. */
    .globl ut_print
ut_print:
    movl (%esp), %ebp
    pushl 4(%esp)
    call ut_trap_print
    movl %eax, 0(%ebp)
    int3
ut_trap_print:
    TRAP(-30)
    ret

/* A trap with the stack pointer 4(%esp): mach_print's argument copy faults. */
    .globl ut_badstack
ut_badstack:
    movl 4(%esp), %esp
    TRAP(-30)
    int3

/* Exceptions, one instruction each. */
    .globl ut_null
ut_null:
    movl 0, %eax
    int3

    .globl ut_int80
ut_int80:
    int $0x80
    int3

    .globl ut_ud2
ut_ud2:
    ud2

    .globl ut_div
ut_div:
    xorl %ecx, %ecx
    movl $1, %eax
    xorl %edx, %edx
    divl %ecx
    int3

    .globl ut_into
ut_into:
    movl $0x7fffffff, %eax
    addl $1, %eax
    into
    int3

    .globl ut_bound
ut_bound:
    pushl $10
    pushl $5
    movl $100, %eax
    bound %eax, (%esp)
    int3

/* A data access at the kernel base: beyond the user segment limit, #GP 0. */
    .globl ut_kaddr
ut_kaddr:
    movl 0xc0000000, %eax
    int3

/* An unmasked x87 divide by zero: #MF at the next FPU instruction. */
    .globl ut_x87
ut_x87:
    fninit
    pushl $0x037b                       /* 0x37f with ZM clear */
    fldcw (%esp)
    fldz
    fld1
    fdivp
    fwait
    int3

/* Jump to 4(%esp) (data holding an int3): NX stops the fetch, if on. */
    .globl ut_jump
ut_jump:
    jmp *4(%esp)

/*
 * Spin, counting at data+0, until data+4 becomes non-zero (the test sets
 * it): a user thread that never enters the kernel by itself.
 */
    .globl ut_spin
ut_spin:
    movl (%esp), %ebp
1:
    incl 0(%ebp)
    cmpl $0, 4(%ebp)
    je 1b
    int3

/*
 * FPU state across switches: 4(%esp) a seed, 8(%esp) non-zero to use
 * SSE too, 12(%esp) rounds. Loads seed+0..7 in the x87 stack (and
 * seed+8..15 in xmm0..7), yields through swtch and spins, rounds times,
 * then checks every value: mismatches at data+0, rounds done at data+4.
 */
    .globl ut_fpu
ut_fpu:
    movl (%esp), %ebp
    movl 4(%esp), %ebx
    movl 8(%esp), %esi
    movl 12(%esp), %edi
    fninit
    xorl %ecx, %ecx
1:
    leal (%ebx,%ecx), %eax
    pushl %eax
    fildl (%esp)
    addl $4, %esp
    incl %ecx
    cmpl $8, %ecx
    jne 1b
    testl %esi, %esi
    jz 3f
    leal 8(%ebx), %eax
    movd %eax, %xmm0
    incl %eax
    movd %eax, %xmm1
    incl %eax
    movd %eax, %xmm2
    incl %eax
    movd %eax, %xmm3
    incl %eax
    movd %eax, %xmm4
    incl %eax
    movd %eax, %xmm5
    incl %eax
    movd %eax, %xmm6
    incl %eax
    movd %eax, %xmm7
3:
    movl $-60, %eax                     /* swtch */
    lcall $7, $0
    movl $300000, %ecx
4:
    decl %ecx
    jnz 4b
    incl 4(%ebp)
    decl %edi
    jnz 3b
    /* x87: st0 holds seed+7 down to st7 holding seed. */
    movl $7, %ecx
5:
    subl $4, %esp
    fistpl (%esp)
    popl %eax
    subl %ebx, %eax
    cmpl %ecx, %eax
    je 6f
    incl 0(%ebp)
6:
    decl %ecx
    jns 5b
    testl %esi, %esi
    jz 8f
    leal 8(%ebx), %edx
    movd %xmm0, %eax
    cmpl %edx, %eax
    je 10f
    incl 0(%ebp)
10: incl %edx
    movd %xmm1, %eax
    cmpl %edx, %eax
    je 11f
    incl 0(%ebp)
11: incl %edx
    movd %xmm2, %eax
    cmpl %edx, %eax
    je 12f
    incl 0(%ebp)
12: incl %edx
    movd %xmm3, %eax
    cmpl %edx, %eax
    je 13f
    incl 0(%ebp)
13: incl %edx
    movd %xmm4, %eax
    cmpl %edx, %eax
    je 14f
    incl 0(%ebp)
14: incl %edx
    movd %xmm5, %eax
    cmpl %edx, %eax
    je 15f
    incl 0(%ebp)
15: incl %edx
    movd %xmm6, %eax
    cmpl %edx, %eax
    je 16f
    incl 0(%ebp)
16: incl %edx
    movd %xmm7, %eax
    cmpl %edx, %eax
    je 8f
    incl 0(%ebp)
8:
    movl $1, 8(%ebp)                    /* finished */
    int3

/*
 * TLS: load the selector 4(%esp) in %gs, then 200 times read %gs:0,
 * compare it with 8(%esp) and yield (swtch). Matches at data+0,
 * mismatches at data+4; the selector still in %gs at the end at data+8.
 */
    .globl ut_tls
ut_tls:
    movl (%esp), %ebp
    movl 4(%esp), %eax
    movl %eax, %gs
    movl 8(%esp), %ebx
    movl $200, %edi
1:
    movl %gs:0, %eax
    cmpl %ebx, %eax
    jne 2f
    incl 0(%ebp)
    jmp 3f
2:
    incl 4(%ebp)
3:
    movl $-60, %eax
    lcall $7, $0
    decl %edi
    jnz 1b
    movl %gs, %eax
    movl %eax, 8(%ebp)
    int3

/*
 * Null trap loop for the benchmark: 4(%esp) trap number, 8(%esp) count;
 * rdtsc before and after at data+0 and data+8. mach_print takes its
 * string pointer from 12(%esp) (the stack as the trap sees it: the
 * first argument word after the return-address slot).
 */
    .globl ut_bench
ut_bench:
    movl (%esp), %ebp
    movl 4(%esp), %esi
    movl 8(%esp), %edi
    addl $8, %esp                       /* ESP+4 is now 12(%esp) of entry */
    rdtsc
    movl %eax, 0(%ebp)
    movl %edx, 4(%ebp)
1:
    movl %esi, %eax
    lcall $7, $0
    decl %edi
    jnz 1b
    rdtsc
    movl %eax, 8(%ebp)
    movl %edx, 12(%ebp)
    int3

/*
 * A trap that waits while the test changes the thread's state: load the
 * selector 4(%esp) in %gs unless it is 0, set data+0 to 1, then
 * thread_switch(8(%esp), 12(%esp), 16(%esp)) (a SWITCH_OPTION_WAIT: the
 * thread sleeps in the kernel). If the way back to user mode works,
 * data+4 is set and the program ends with int3; the test expects it to
 * die of the exception its changes cause on the way back instead.
 */
    .globl ut_exitwait, ut_exitwait_ret
ut_exitwait:
    movl (%esp), %ebp
    movl 4(%esp), %eax
    testl %eax, %eax
    jz 1f
    movl %eax, %gs
1:
    movl $1, 0(%ebp)
    addl $4, %esp                       /* the trap reads 8(%esp) of entry on */
    movl $-61, %eax
    lcall $7, $0
ut_exitwait_ret:
    movl $1, 4(%ebp)
    int3

user_blobs_end:
