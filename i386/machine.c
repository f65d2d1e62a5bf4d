/* SPDX-License-Identifier: GPL-2.0-or-later */
/*
 * The machine's part of startup (interrupts on, the machine's lines of
 * the boot report) and machine control.
 *
 * The boot report prints the memory map exactly as the boot loader gave
 * it, before biosmem's sanitized view, so that a wrong segment can be
 * traced to its input. The power-off writes are the sleep-type-5 values of
 * the ACPI PM1a control register on QEMU's i440FX/PIIX4 (port 0x604) and
 * older Bochs (0xB004). A real ACPI power-off needs the FADT and DSDT; the
 * fallback on other machines is a halt with interrupts off. Reboot pulses
 * the CPU reset line through the 8042 keyboard controller; if that does
 * nothing, loading an empty IDT and trapping forces a triple fault.
 */
#include <stdbool.h>
#include <stdint.h>

#include <i386/biosmem.h>
#include <i386/boot.h>
#include <i386/cpu.h>
#include <i386/cpu_info.h>
#include <i386/multiboot.h>
#include <i386/pit.h>
#include <i386/rtc.h>
#include <i386/serial.h>
#include <include/mach/host_info.h>
#include <kern/error.h>
#include <kern/printf.h>
#include <kern/shell.h>
#include <machine/machine.h>
#include <machine/param.h>
#include <machine/pmem.h>

#define DEBUG_EXIT_PORT         0xf4
#define KBD_STATUS              0x64
#define KBD_RESET               0xfe

void
machine_intr_start(void)
{
    pit_setup();
    serial_intr_setup();
    cpu_intr_enable();
}

static const char *
machine_mmap_type_name(uint32_t type)
{
    switch (type) {
    case MULTIBOOT_MEMORY_AVAILABLE: return "available";
    case MULTIBOOT_MEMORY_RESERVED: return "reserved";
    case MULTIBOOT_MEMORY_ACPI: return "ACPI";
    case MULTIBOOT_MEMORY_NVS: return "ACPI NVS";
    case MULTIBOOT_MEMORY_BADRAM: return "bad";
    default: return "unknown";
    }
}

static void
machine_print_line(const char *line)
{
    printf("%s\n", line);
}

/* The memory information and map as the boot loader gave them. */
static void
machine_report_mmap(void)
{
    const struct multiboot_info *mbi = boot_info;

    if (mbi->flags & MULTIBOOT_INFO_MEMORY) {
        printf("mem: lower %u KiB, upper %u KiB\n", mbi->mem_lower, mbi->mem_upper);
    }
    if (!(mbi->flags & MULTIBOOT_INFO_MEM_MAP)) {
        printf("mmap: none (boot loader gave no memory map)\n");
        return;
    }
    if (!phys_in_directmap(mbi->mmap_addr, mbi->mmap_length)) {
        printf("mmap: at 0x%x, outside the direct map, not shown\n", mbi->mmap_addr);
        return;
    }

    const char *p = phystokv(mbi->mmap_addr);
    const char *end = p + mbi->mmap_length;

    while (p + sizeof(uint32_t) <= end) {
        const struct multiboot_mmap_entry *e = (const void *)p;

        if (e->size < 20 || p + sizeof(e->size) + e->size > end) {
            printf("mmap: malformed entry (size %u), rest ignored\n", e->size);
            break;
        }
        printf("mmap: 0x%016llx-0x%016llx %s (%u)\n",
               (unsigned long long)e->base_addr,
               (unsigned long long)(e->base_addr + e->length),
               machine_mmap_type_name(e->type), e->type);
        p += sizeof(e->size) + e->size;
    }
}

/* One line per multiboot module: its range and its string (boot script line). */
static void
machine_report_modules(void)
{
    const struct multiboot_info *mbi = boot_info;
    const struct multiboot_module *mods;

    if (!(mbi->flags & MULTIBOOT_INFO_MODS) || mbi->mods_count == 0) {
        return;
    }
    if (!phys_in_directmap(mbi->mods_addr, mbi->mods_count * sizeof(*mods))) {
        printf("boot: %u modules, table outside the direct map, not shown\n",
               mbi->mods_count);
        return;
    }
    mods = phystokv(mbi->mods_addr);
    for (uint32_t i = 0; i < mbi->mods_count; i++) {
        const char *string = boot_string(mods[i].string);

        printf("boot: module %u 0x%08x-0x%08x \"%s\"\n", i, mods[i].mod_start,
               mods[i].mod_end, string != NULL ? string : "(no string)");
    }
}

/* The module table, or NULL when there is none the kernel can read. */
static const struct multiboot_module *
machine_modules(uint32_t *countp)
{
    const struct multiboot_info *mbi = boot_info;

    if (!(mbi->flags & MULTIBOOT_INFO_MODS) || mbi->mods_count == 0
        || !phys_in_directmap(mbi->mods_addr,
                              mbi->mods_count * sizeof(struct multiboot_module))) {
        return NULL;
    }
    *countp = mbi->mods_count;
    return phystokv(mbi->mods_addr);
}

unsigned int
machine_module_count(void)
{
    uint32_t count;

    return machine_modules(&count) != NULL ? count : 0;
}

int
machine_module_get(unsigned int index, const void **datap, size_t *sizep,
                   const char **stringp)
{
    const struct multiboot_module *mods;
    const char *string;
    uint32_t count;

    mods = machine_modules(&count);
    if (mods == NULL || index >= count || mods[index].mod_end < mods[index].mod_start
        || !phys_in_directmap(mods[index].mod_start,
                              mods[index].mod_end - mods[index].mod_start)) {
        return ERROR_NOENT;
    }
    string = boot_string(mods[index].string);
    *datap = phystokv(mods[index].mod_start);
    *sizep = mods[index].mod_end - mods[index].mod_start;
    *stringp = string != NULL ? string : "";
    return 0;
}

int
machine_module_release(unsigned int index, unsigned long *pages)
{
    const struct multiboot_module *mods;
    uint32_t count;

    mods = machine_modules(&count);
    if (mods == NULL || index >= count || mods[index].mod_end < mods[index].mod_start) {
        return ERROR_NOENT;
    }
    return pmem_release(mods[index].mod_start, mods[index].mod_end, pages);
}

void
machine_report(void)
{
    cpu_info_report();
    machine_report_modules();
    machine_report_mmap();
    biosmem_report(machine_print_line);
}

static void
machine_shell_biosmem(int argc, char **argv)
{
    (void)argc;
    (void)argv;
    biosmem_report(machine_print_line);
}

SHELL_CMD_DEFINE(biosmem, "", "sanitized memory map, boot data, segments",
                 machine_shell_biosmem);

void
machine_exit_qemu(bool success)
{
    /* QEMU exits with (value << 1) | 1. */
    outl(DEBUG_EXIT_PORT, success ? 0 : 1);
}

void
machine_halt(void)
{
    cpu_intr_disable();
    outw(0x604, 0x2000);
    outw(0xb004, 0x2000);
    cpu_halt_forever();
}

void
machine_reboot(void)
{
    struct { uint16_t limit; uint32_t base; } __attribute__((packed)) idtr = { 0, 0 };

    cpu_intr_disable();
    for (int i = 0; i < 100000 && (inb(KBD_STATUS) & 0x02); i++) {
        cpu_pause();
    }
    outb(KBD_STATUS, KBD_RESET);
    for (int i = 0; i < 1000000; i++) {
        cpu_pause();
    }
    __asm__ volatile("lidt %0; int3" : : "m"(idtr));
    cpu_halt_forever();
}

int64_t
machine_time_of_day(void)
{
    return rtc_read();
}

void
machine_cpu_type(int *type, int *subtype)
{
    uint32_t a = 0, b, c, d, family;

    cpu_cpuid(0, &a, &b, &c, &d);
    family = 3;                         /* no cpuid leaf 1: take it for a 386 */
    if (a >= 1) {
        cpu_cpuid(1, &a, &b, &c, &d);
        family = (a >> 8) & 0xf;
    }
    switch (family) {
    case 3:
        *type = CPU_TYPE_I386;
        break;
    case 4:
        *type = CPU_TYPE_I486;
        break;
    case 5:
        *type = CPU_TYPE_PENTIUM;
        break;
    default:                            /* 6 and the extended families */
        *type = CPU_TYPE_PENTIUMPRO;
        break;
    }
    *subtype = CPU_SUBTYPE_AT386;
}
