/* SPDX-License-Identifier: GPL-2.0-or-later */
/*
 * Walks the chain of saved frame pointers: each frame holds the caller's
 * %ebp at 0(%ebp) and the return address at 4(%ebp). The boot code clears
 * %ebp before the first C call, so the chain ends with zero. Frames must
 * lie in the kernel half and grow upward, so that a corrupt stack cannot
 * make the walk loop or fault on user addresses.
 */
#include <stdint.h>

#include <i386/backtrace.h>
#include <i386/param.h>
#include <kern/ksyms.h>
#include <kern/printf.h>

#define BACKTRACE_MAX_FRAMES    32

void
backtrace_print_addr(uintptr_t addr)
{
    uintptr_t offset;
    const char *name = ksyms_lookup(addr, &offset);

    if (name != NULL) {
        printf("%s+0x%lx (0x%08lx)", name, (unsigned long)offset,
               (unsigned long)addr);
    } else {
        printf("0x%08lx", (unsigned long)addr);
    }
}

void
backtrace_print(uintptr_t eip, uintptr_t ebp)
{
    printf("backtrace:\n  ");
    backtrace_print_addr(eip);
    printf("\n");
    for (int i = 0; i < BACKTRACE_MAX_FRAMES; i++) {
        if (ebp < KERNBASE || ebp > UINTPTR_MAX - 8 || (ebp & 3) != 0) {
            break;
        }
        const uintptr_t *frame = (const uintptr_t *)ebp;
        if (frame[1] == 0) {
            break;
        }
        printf("  ");
        backtrace_print_addr(frame[1]);
        printf("\n");
        if (frame[0] <= ebp) {
            break;
        }
        ebp = frame[0];
    }
}

void
backtrace_print_here(void)
{
    uintptr_t ebp = (uintptr_t)__builtin_frame_address(0);

    backtrace_print((uintptr_t)__builtin_return_address(0),
                    ((const uintptr_t *)ebp)[0]);
}
