/* SPDX-License-Identifier: GPL-2.0-or-later */
/*
 * Secondary CPU start-up trampoline.
 *
 * smp.c copies [ap_boot_start, ap_boot_end) to a page below 1 MiB and
 * fills its parameter block; a STARTUP IPI then starts the CPU in real
 * mode at that page's first byte, with %cs = page >> 4 and %ip = 0. The
 * code is position-independent: it finds its own base in %cs, patches its
 * GDT pointer and far jump, enters protected mode with flat segments,
 * sets EFER.NXE when the boot CPU uses NX (before any page-table walk,
 * since the NX bit is reserved without it), turns on paging with the
 * boot CPU's page tables (which identity-map the first large page while
 * CPUs start), and jumps to smp_ap_entry at its
 * high, linked address.
 */
#define TRAMP(x)        ((x) - ap_boot_start)

    .section .rodata
    .p2align 4
    .globl ap_boot_start, ap_boot_end
    .globl ap_boot_cr3, ap_boot_cr4, ap_boot_stack, ap_boot_cpu, ap_boot_nxe

    .code16
ap_boot_start:
    cli
    cld
    movw %cs, %ax
    movw %ax, %ds
    movzwl %ax, %ebx
    shll $4, %ebx                       /* %ebx = physical base of the page */
    leal TRAMP(ap_boot_gdt)(%ebx), %eax
    movl %eax, TRAMP(ap_boot_gdtr) + 2
    leal TRAMP(ap_boot_pm)(%ebx), %eax
    movl %eax, TRAMP(ap_boot_farjmp)
    lgdtl TRAMP(ap_boot_gdtr)
    movl %cr0, %eax
    orl $1, %eax                        /* CR0.PE */
    movl %eax, %cr0
    ljmpl *TRAMP(ap_boot_farjmp)

    .code32
ap_boot_pm:
    movl $0x10, %eax
    movl %eax, %ds
    movl %eax, %es
    movl %eax, %ss
    cmpl $0, TRAMP(ap_boot_nxe)(%ebx)
    je 1f
    movl $0xC0000080, %ecx              /* EFER */
    rdmsr
    orl $0x800, %eax                    /* EFER.NXE */
    wrmsr
1:
    movl TRAMP(ap_boot_cr4)(%ebx), %eax
    movl %eax, %cr4
    movl TRAMP(ap_boot_cr3)(%ebx), %eax
    movl %eax, %cr3
    movl %cr0, %eax
    orl $0x80010000, %eax               /* CR0.PG | CR0.WP */
    movl %eax, %cr0
    movl TRAMP(ap_boot_stack)(%ebx), %esp
    movl TRAMP(ap_boot_cpu)(%ebx), %eax
    movl $smp_ap_entry, %ecx
    jmp *%ecx

    .p2align 3
ap_boot_gdt:
    .quad 0
    .quad 0x00cf9a000000ffff            /* 0x08: flat code */
    .quad 0x00cf92000000ffff            /* 0x10: flat data */
ap_boot_gdtr:
    .word 3 * 8 - 1
    .long 0                             /* patched: linear address of the GDT */
ap_boot_farjmp:
    .long 0                             /* patched: linear address of ap_boot_pm */
    .word 0x08
    .p2align 2
ap_boot_cr3:
    .long 0
ap_boot_cr4:
    .long 0
ap_boot_stack:
    .long 0
ap_boot_cpu:
    .long 0
ap_boot_nxe:
    .long 0                             /* non-zero: set EFER.NXE */
ap_boot_end:

    .text
    .globl smp_ap_entry
smp_ap_entry:
    xorl %ebp, %ebp                     /* ends backtraces */
    pushl %eax                          /* CPU index */
    call smp_ap_main
1:
    cli
    hlt
    jmp 1b
