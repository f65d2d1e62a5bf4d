/* SPDX-License-Identifier: GPL-2.0-or-later */
/*
 * Fill memory: allocate 16 MiB at a time and write every page (its own
 * address), printing the running total every 256 MiB (every 16 MiB past
 * GNU Mach's 2,560 MiB), until vm_allocate
 * finds no address space left or the kernel stops the task for lack of
 * memory. Then (if still alive) read every page back. How much of RAM
 * user tasks can use (doc/benchmarks.md): the boot lines fill-3G and
 * fill-pae-6G of tests/boot/configs, and by hand at -m 16G.
 */
#include "lib/ulib.h"

#define FILL_CHUNK      (16u << 20)
#define FILL_MAX_CHUNKS 192             /* 3 GiB: the whole user address space */

int
main(int argc, char **argv, char **envp)
{
    vm_address_t chunks[FILL_MAX_CHUNKS];
    unsigned int n = 0, bad = 0;
    kern_return_t kr = KERN_SUCCESS;

    (void)argc, (void)argv, (void)envp;
    tap_plan(1);
    while (n < FILL_MAX_CHUNKS) {
        vm_address_t addr = 0;

        kr = syscall_vm_allocate(mach_task_self(), &addr, FILL_CHUNK, 1);
        if (kr != KERN_SUCCESS) {
            break;
        }
        for (unsigned int off = 0; off < FILL_CHUNK; off += 4096) {
            *(volatile unsigned int *)(addr + off) = addr + off;
        }
        chunks[n++] = addr;
        if (n % 16 == 0 || n * (FILL_CHUNK >> 20) > 2560) {
            tap_diag("filled %u MiB", n * (FILL_CHUNK >> 20));
        }
    }
    tap_diag("filled %u MiB in all; vm_allocate then returned %d", n * (FILL_CHUNK >> 20), kr);
    for (unsigned int c = 0; c < n; c++) {
        for (unsigned int off = 0; off < FILL_CHUNK; off += 4096) {
            bad += *(volatile unsigned int *)(chunks[c] + off) != chunks[c] + off;
        }
    }
    tap_ok(bad == 0, "%u MiB written and read back: %u pages wrong", n * (FILL_CHUNK >> 20), bad);
    tap_done();
}
