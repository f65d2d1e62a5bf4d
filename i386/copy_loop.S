/* SPDX-License-Identifier: GPL-2.0-or-later */
/*
 * The copy loops of copyin/copyout/copyinstr (i386/copy.c checks the
 * ranges). Each arms the thread's recovery address (the pcb.recover
 * slot whose address the caller passes) around its loop; the page-fault
 * handler, when it cannot resolve a fault on a user address, clears the
 * slot and resumes at copy_fault with the stack as it was, which returns
 * -1. The slot is per thread, not per CPU: a fault may sleep while
 * vm_fault_user() resolves it, and the thread may resume on another CPU.
 */
    .text

/* int copy_bytes(void *dst, const void *src, size_t size, uintptr_t *recover) */
    .globl copy_bytes
copy_bytes:
    pushl %esi
    pushl %edi
    movl 12(%esp), %edi
    movl 16(%esp), %esi
    movl 20(%esp), %ecx
    movl 24(%esp), %edx
    movl $copy_fault, (%edx)
    movl %ecx, %eax
    shrl $2, %ecx
    rep movsl
    movl %eax, %ecx
    andl $3, %ecx
    rep movsb
    movl $0, (%edx)
    xorl %eax, %eax
    popl %edi
    popl %esi
    ret

/*
 * int copy_string(char *dst, const char *src, size_t size, uintptr_t *recover)
 * Copies bytes up to and including the first NUL, at most size (> 0).
 * Returns the bytes copied (NUL included; size when none was found), or
 * -1 on a fault.
 */
    .globl copy_string
copy_string:
    pushl %esi
    pushl %edi
    movl 12(%esp), %edi
    movl 16(%esp), %esi
    movl 20(%esp), %ecx
    movl 24(%esp), %edx
    movl $copy_fault, (%edx)
1:
    movb (%esi), %al
    incl %esi
    movb %al, (%edi)
    incl %edi
    testb %al, %al
    jz 2f
    decl %ecx
    jnz 1b
2:
    movl $0, (%edx)
    movl %edi, %eax
    subl 12(%esp), %eax
    popl %edi
    popl %esi
    ret

copy_fault:
    movl $-1, %eax
    popl %edi
    popl %esi
    ret
