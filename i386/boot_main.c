/* SPDX-License-Identifier: GPL-2.0-or-later */
/*
 * C entry of the boot CPU, called from boot.S with paging on.
 *
 * Order matters: the console first (so every later failure can be seen),
 * then descriptor tables and traps (so faults print a dump instead of
 * triple-faulting), then the command line (console= and test= shape what
 * follows), then timer and serial interrupts. The boot report comes last,
 * and the kernel then runs the tests or the shell.
 */
#include <stdint.h>

#include <i386/biosmem.h>
#include <i386/boot.h>
#include <i386/cpu.h>
#include <i386/cpu_info.h>
#include <i386/fpu.h>
#include <i386/gdt.h>
#include <i386/multiboot.h>
#include <i386/pmap.h>
#include <i386/param.h>
#include <i386/intr.h>
#include <i386/pit.h>
#include <i386/serial.h>
#include <i386/smp.h>
#include <i386/trap.h>
#include <i386/vga.h>
#include <kern/cmdline.h>
#include <kern/console.h>
#include <kern/kmem.h>
#include <kern/kern_main.h>
#include <kern/ktest.h>
#include <kern/panic.h>
#include <kern/printf.h>
#include <kern/shell.h>
#include <kern/string.h>
#include <kern/thread.h>
#include <vm/vm_kmem.h>
#include <vm/vm_page.h>

#ifdef CONFIG_PAE
extern uint64_t boot_pd_low[];
#else
extern uint32_t boot_pgdir[];
#endif
extern char _kernel_start[], _kernel_end[];

const struct multiboot_info *boot_info;

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

/* Return a direct-map pointer to a boot loader string, or NULL. */
static const char *
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

static const char *
boot_mmap_type_name(uint32_t type)
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

phys_addr_t
boot_alloc_pages(unsigned int npages)
{
    phys_addr_t pa = biosmem_bootalloc(npages);

    if (pa == 0) {
        panic("biosmem: cannot allocate %u boot pages (%u KiB): no free run "
              "that long in DIRECTMAP or DMA (see the biosmem map above)",
              npages, npages * (PAGE_SIZE / 1024));
    }
    return pa;
}

const char *
boot_loader_name(void)
{
    const char *name = NULL;

    if (boot_info->flags & MULTIBOOT_INFO_BOOT_LOADER_NAME) {
        name = boot_string(boot_info->boot_loader_name);
    }
    return name != NULL ? name : "unknown";
}

/* biosmem's view of physical memory: the direct map, or nothing. */
static const void *
boot_ptov(phys_addr_t pa, size_t size)
{
    return phys_in_directmap(pa, size) ? phystokv(pa) : NULL;
}

static void
boot_print_line(const char *line)
{
    printf("%s\n", line);
}

static void
boot_shell_biosmem(int argc, char **argv)
{
    (void)argc;
    (void)argv;
    biosmem_report(boot_print_line);
}

SHELL_CMD_DEFINE(biosmem, "", "sanitized memory map, boot data, segments",
                 boot_shell_biosmem);

void
boot_report_memory(void)
{
    const struct multiboot_info *mbi = boot_info;

    if (mbi->flags & MULTIBOOT_INFO_MEMORY) {
        printf("mem: lower %u KiB, upper %u KiB\n", mbi->mem_lower, mbi->mem_upper);
    }
    if (!(mbi->flags & MULTIBOOT_INFO_MEM_MAP)) {
        printf("mmap: none (boot loader gave no memory map)\n");
        biosmem_report(boot_print_line);
        return;
    }
    if (!phys_in_directmap(mbi->mmap_addr, mbi->mmap_length)) {
        printf("mmap: at 0x%x, outside the direct map, not shown\n", mbi->mmap_addr);
        biosmem_report(boot_print_line);
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
               boot_mmap_type_name(e->type), e->type);
        p += sizeof(e->size) + e->size;
    }
    biosmem_report(boot_print_line);
}

/* biosmem hand-off callback: one free range to vm_page. */
static void
boot_vm_page_range(unsigned int seg, phys_addr_t start, phys_addr_t end, void *arg)
{
    (void)seg;
    (void)arg;
    if (vm_page_manage_range(start, end) != 0) {
        panic("vm_page: cannot manage free range 0x%llx-0x%llx",
              (unsigned long long)start, (unsigned long long)end);
    }
}

/* Memory pressure: give kmem's empty slabs and cached objects back. */
static void
boot_vm_page_low(void)
{
    kmem_gc();
}

/*
 * Move physical memory from biosmem to vm_page, then start kmem. Runs
 * after SMP bring-up, which still needs the boot allocator (trampoline
 * page, CPU stacks).
 */
static void
boot_vm_setup(void)
{
    for (unsigned int seg = 0; seg < BIOSMEM_NR_SEGS; seg++) {
        struct biosmem_segment s;

        if (biosmem_segment_get(seg, &s) == 0 && s.nr_pages != 0
            && vm_page_load(seg, s.start, s.end) != 0) {
            panic("vm_page: cannot load segment %s 0x%llx-0x%llx", s.name,
                  (unsigned long long)s.start, (unsigned long long)s.end);
        }
    }
    vm_page_setup(boot_alloc_pages);
    biosmem_handoff(boot_vm_page_range, NULL);
    vm_page_ready();
    vm_page_report(boot_print_line);
    kmem_setup();
    vm_page_low_hook_set(boot_vm_page_low);
    pmap_setup();
    vm_kmem_setup();
    kmem_report(boot_print_line);
}

void
boot_main(uint32_t magic, uint32_t info_pa)
{
    const char *cmdline = NULL;

    boot_identity_unmap();
    serial_setup();
    vga_setup();
    gdt_setup();
    trap_setup();
    intr_setup();

    if (magic != MULTIBOOT_BOOTLOADER_MAGIC) {
        panic("boot: bad multiboot magic 0x%08x: not started by a multiboot "
              "loader", magic);
    }
    if (!phys_in_directmap(info_pa, sizeof(*boot_info))) {
        panic("boot: multiboot info at 0x%08x lies outside the direct map",
              info_pa);
    }
    boot_info = phystokv(info_pa);

    if (boot_info->flags & MULTIBOOT_INFO_CMDLINE) {
        cmdline = boot_string(boot_info->cmdline);
        if (cmdline == NULL) {
            printf("boot: command line not reachable, ignored\n");
        }
    }
    if (cmdline_parse(cmdline != NULL ? cmdline : "") != 0) {
        printf("boot: command line too long, ignored\n");
    }
    ktest_setup();
    console_setup();

#ifdef CONFIG_PAE
    /* Memory the CPU cannot address with PAE page tables is left out. */
    biosmem_phys_limit_set((phys_addr_t)1 << cpu_info_phys_bits());
#endif
    if (biosmem_setup_multiboot(info_pa, kvtophys(_kernel_start),
                                kvtophys(_kernel_end), boot_ptov) != 0) {
        printf("biosmem: warning: malformed or unreachable multiboot data\n");
    }

    pit_setup();
    serial_intr_setup();
    cpu_intr_enable();
    kern_report();
    fpu_setup();
    pmap_nx_setup();
    smp_setup();
    boot_vm_setup();
    thread_setup();

    kern_main();
}
