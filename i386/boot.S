/* SPDX-License-Identifier: GPL-2.0-or-later */
/*
 * Multiboot entry point.
 *
 * The boot loader jumps here in 32-bit protected mode with paging off,
 * %eax = multiboot magic and %ebx = physical address of the multiboot info.
 * The kernel is linked at 0xC0100000 but loaded at 0x00100000, so until
 * paging is on, every symbol is used through PHYS(). We:
 *   1. clear .bss (loaders should, but the kernel does not rely on it);
 *   2. build boot page tables with large pages: the direct map
 *      0xC0000000 -> [0, 896 MiB), plus an identity map of the first
 *      large page so the instruction after enabling paging still runs;
 *   3. enable paging (PSE or PAE), jump to the high address, switch to the
 *      boot stack and call boot_main(magic, info).
 * boot_main removes the identity map once it runs at high addresses.
 */
#include <i386/multiboot.h>
#include <i386/param.h>

#define PHYS(x)         ((x) - KERNBASE)
#define PDE_P           0x001
#define PDE_RW          0x002
#define PDE_PS          0x080
#define NR_LARGE_PAGES  (DIRECTMAP_SIZE >> LARGE_PAGE_SHIFT)
#define MB_FLAGS        (MULTIBOOT_HEADER_PAGE_ALIGN | MULTIBOOT_HEADER_MEMORY_INFO \
                         | MULTIBOOT_HEADER_AOUT_KLUDGE)

/*
 * The header gives the load addresses explicitly (the "a.out kludge"), so
 * GRUB and QEMU -kernel load the image the same way: GRUB wants a virtual
 * ELF entry point and QEMU a physical one, and no ELF header pleases both.
 * The linker script puts the image in one contiguous segment for this.
 */
    .section .multiboot, "a"
    .p2align 2
multiboot_header:
    .long MULTIBOOT_HEADER_MAGIC
    .long MB_FLAGS
    .long -(MULTIBOOT_HEADER_MAGIC + MB_FLAGS)
    .long PHYS(multiboot_header)        /* header_addr */
    .long PHYS(_kernel_start)           /* load_addr */
    .long PHYS(__bss_start)             /* load_end_addr */
    .long PHYS(__bss_end)               /* bss_end_addr */
    .long PHYS(_start)                  /* entry_addr */

    .section .text.boot, "ax"
    .globl _start
_start:
    cli
    cld
    movl %eax, %esi                     /* keep magic and info */
    movl %ebx, %ebp

    movl $PHYS(__bss_start), %edi
    movl $PHYS(__bss_end), %ecx
    subl %edi, %ecx
    xorl %eax, %eax
    rep stosb

#ifdef CONFIG_PAE
    /* pdpt[0] -> identity directory, pdpt[3] -> kernel directory. */
    movl $PHYS(boot_pd_low) + PDE_P, PHYS(boot_pdpt)
    movl $PHYS(boot_pd_kernel) + PDE_P, PHYS(boot_pdpt) + 24
    movl $PDE_P + PDE_RW + PDE_PS, PHYS(boot_pd_low)
    movl $PHYS(boot_pd_kernel), %edi
#else
    movl $PDE_P + PDE_RW + PDE_PS, PHYS(boot_pgdir)
    movl $PHYS(boot_pgdir) + (KERNBASE >> 22) * 4, %edi
#endif
    movl $PDE_P + PDE_RW + PDE_PS, %eax
    movl $NR_LARGE_PAGES, %ecx
1:
    movl %eax, (%edi)
    addl $LARGE_PAGE_SIZE, %eax
#ifdef CONFIG_PAE
    addl $8, %edi
#else
    addl $4, %edi
#endif
    loop 1b

    movl %cr4, %eax
#ifdef CONFIG_PAE
    orl $0x20, %eax                     /* CR4.PAE */
    movl %eax, %cr4
    movl $PHYS(boot_pdpt), %eax
#else
    orl $0x10, %eax                     /* CR4.PSE */
    movl %eax, %cr4
    movl $PHYS(boot_pgdir), %eax
#endif
    movl %eax, %cr3
    movl %cr0, %eax
    orl $0x80010000, %eax               /* CR0.PG | CR0.WP */
    movl %eax, %cr0
    leal 2f, %eax                       /* link-time (high) address */
    jmp *%eax
2:
    movl $boot_stack + KERNEL_STACK_SIZE, %esp
    pushl %ebp                          /* multiboot info (physical) */
    pushl %esi                          /* multiboot magic */
    xorl %ebp, %ebp                     /* ends backtraces */
    call boot_main
3:
    cli
    hlt
    jmp 3b

    .bss
    .p2align 12
#ifdef CONFIG_PAE
    .globl boot_pd_kernel, boot_pd_low
boot_pd_low:
    .space 4096
boot_pd_kernel:
    .space 4096
    .globl boot_pdpt
    .p2align 5
boot_pdpt:
    .space 32
#else
    .globl boot_pgdir
boot_pgdir:
    .space 4096
#endif
    .p2align 4
    .globl boot_stack
boot_stack:
    .space KERNEL_STACK_SIZE
