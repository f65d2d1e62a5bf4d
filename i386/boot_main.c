/* SPDX-License-Identifier: GPL-2.0-or-later */
/*
 * C entry of the boot CPU, called from boot.S with paging on: the part
 * of the bring-up that must come before the machine-independent one.
 * It puts the CPU in a known state, hands memory and the boot loader's
 * information over, and calls startup() (kern/startup.c), which lays out
 * everything after. Nothing calls back into this file.
 *
 * Order matters: the console devices first (so every later failure can
 * be seen), then descriptor tables and traps (so faults print a dump
 * instead of triple-faulting), then the multiboot information, whose
 * memory map biosmem turns into segments and a boot allocator. Nothing
 * here can fail for lack of memory: that comes in startup(), after the
 * command line says whether a failure must end a test run.
 */
#include <stdint.h>

#include <i386/biosmem.h>
#include <i386/boot.h>
#include <i386/cpu.h>
#include <i386/cpu_info.h>
#include <i386/fpu.h>
#include <i386/gdt.h>
#include <i386/intr.h>
#include <i386/multiboot.h>
#include <i386/serial.h>
#include <i386/trap.h>
#include <i386/vga.h>
#include <kern/panic.h>
#include <kern/printf.h>
#include <kern/startup.h>
#include <machine/param.h>

#ifdef CONFIG_PAE
extern uint64_t boot_pd_low[];
#else
extern uint32_t boot_pgdir[];
#endif
extern char _kernel_start[], _kernel_end[];

const struct multiboot_info *boot_info;

/* What startup() gets; it keeps the pointer. */
static struct startup_info boot_startup_info;

/* Drop the identity mapping of the first large page used to enable paging. */
static void
boot_identity_unmap(void)
{
#ifdef CONFIG_PAE
    boot_pd_low[0] = 0;
#else
    boot_pgdir[0] = 0;
#endif
    cpu_set_cr3(cpu_get_cr3());
}

const char *
boot_string(uint32_t pa)
{
    const char *s;

    if (pa == 0 || !phys_in_directmap(pa, 1)) {
        return NULL;
    }
    s = phystokv(pa);
    /* The string must end inside the direct map too. */
    for (phys_addr_t p = pa; *s != '\0'; p++, s++) {
        if (!phys_in_directmap(p + 1, 1)) {
            return NULL;
        }
    }
    return phystokv(pa);
}

/* biosmem's view of physical memory: the direct map, or nothing. */
static void *
boot_ptov(phys_addr_t pa, size_t size)
{
    return phys_in_directmap(pa, size) ? phystokv(pa) : NULL;
}

/* The boot loader's name and command line, for startup(). */
static void
boot_info_read(struct startup_info *info)
{
    const char *loader = NULL, *cmdline = NULL;

    if (boot_info->flags & MULTIBOOT_INFO_BOOT_LOADER_NAME) {
        loader = boot_string(boot_info->boot_loader_name);
    }
    if (boot_info->flags & MULTIBOOT_INFO_CMDLINE) {
        cmdline = boot_string(boot_info->cmdline);
        if (cmdline == NULL) {
            printf("boot: command line not reachable, ignored\n");
        }
    }
    info->loader = loader != NULL ? loader : "unknown";
    info->cmdline = cmdline != NULL ? cmdline : "";
}

void
boot_main(uint32_t magic, uint32_t info_pa)
{
    /* The CPU and the console devices. */
    boot_identity_unmap();
    serial_setup();
    vga_setup();
    gdt_setup();
    trap_setup();
    intr_setup();
    fpu_setup();

    /* The boot loader's information. */
    if (magic != MULTIBOOT_BOOTLOADER_MAGIC) {
        panic("boot: bad multiboot magic 0x%08x: not started by a multiboot "
              "loader", magic);
    }
    if (!phys_in_directmap(info_pa, sizeof(*boot_info))) {
        panic("boot: multiboot info at 0x%08x lies outside the direct map",
              info_pa);
    }
    boot_info = phystokv(info_pa);
    boot_info_read(&boot_startup_info);

    /* Memory: the map to biosmem, which builds the segments. */
#ifdef CONFIG_PAE
    /* Memory the CPU cannot address with PAE page tables is left out. */
    biosmem_phys_limit_set((phys_addr_t)1 << cpu_info_phys_bits());
#endif
    if (biosmem_setup_multiboot(info_pa, kvtophys(_kernel_start),
                                kvtophys(_kernel_end), boot_ptov) != 0) {
        printf("biosmem: warning: malformed or unreachable multiboot data "
               "(the biosmem warnings in the report say what)\n");
    }

    startup(&boot_startup_info);
}
