/* SPDX-License-Identifier: GPL-2.0-or-later */
/*
 * In-kernel test of the bootstrap pieces, compiled for i386 as the
 * bootstrap code will use them (the host unit tests run them on the
 * build machine's ABI):
 *
 *   test=bootstrap_pieces  the stack block of "hello 1 2" byte for byte
 *                          (MACH-ABI.md §4.4), a hand-made ELF32 image
 *                          parsed and one refused, and the boot script
 *                          "hello ${host-port} ${device-port}
 *                          $(task-create) $(task-resume)" run through
 *                          recording callbacks: argv "hello" "1" "2",
 *                          one create, exec, resume and release.
 */
#include <stdbool.h>
#include <stddef.h>
#include <stdint.h>

#include <kern/boot_script.h>
#include <kern/boot_stack.h>
#include <kern/elf.h>
#include <kern/ktest.h>
#include <kern/string.h>

static void
bootstrap_test_stack(void)
{
    static const char *const argv[] = { "hello", "1", "2" };
    static const uint8_t expect[36] = {
        3, 0, 0, 0,
        0xf4, 0xff, 0xff, 0xbf, 0xfa, 0xff, 0xff, 0xbf, 0xfc, 0xff, 0xff, 0xbf,
        0, 0, 0, 0,
        0, 0, 0, 0,
        'h', 'e', 'l', 'l', 'o', 0, '1', 0, '2', 0, 0, 0,
    };
    uint8_t buf[64];
    uint32_t esp = 0;

    memset(buf, 0xaa, sizeof(buf));
    KTEST_ASSERT(boot_stack_build(buf, sizeof(buf), 0xc0000000u, 3, argv, 0, NULL, &esp) == 0);
    KTEST_ASSERT(esp == 0xbfffffdc);
    KTEST_ASSERT(memcmp(buf + sizeof(buf) - 36, expect, 36) == 0);
    KTEST_ASSERT(buf[sizeof(buf) - 37] == 0xaa);
}

static void
bootstrap_test_put32(uint8_t *p, uint32_t v)
{
    for (int i = 0; i < 4; i++) {
        p[i] = (uint8_t)(v >> (8 * i));
    }
}

static void
bootstrap_test_elf(void)
{
    static uint8_t image[0x200];
    struct elf_image img;
    struct elf_segment seg;

    /* Header: ELF32 LSB v1, ET_EXEC, EM_386, entry, one program header at 52. */
    memset(image, 0, sizeof(image));
    memcpy(image, "\177ELF\1\1\1", 7);
    image[16] = 2;
    image[18] = 3;
    image[20] = 1;
    bootstrap_test_put32(image + 24, 0x08048010);
    bootstrap_test_put32(image + 28, 52);
    image[42] = 32;
    image[44] = 1;
    /* PT_LOAD at offset 0, vaddr 0x08048000, filesz 0x100, memsz 0x2000, R+X. */
    bootstrap_test_put32(image + 52, 1);
    bootstrap_test_put32(image + 60, 0x08048000);
    bootstrap_test_put32(image + 68, 0x100);
    bootstrap_test_put32(image + 72, 0x2000);
    bootstrap_test_put32(image + 76, 5);

    KTEST_ASSERT(elf_parse(image, sizeof(image), &img) == 0);
    KTEST_ASSERT(img.entry == 0x08048010 && img.nsegments == 1 && img.stack_prot == ELF_PROT_ALL);
    KTEST_ASSERT(elf_segment_get(&img, 0, &seg) == 0);
    KTEST_ASSERT(seg.vaddr == 0x08048000 && seg.memsz == 0x2000 && seg.filesz == 0x100
                 && seg.data == image && seg.prot == (ELF_PROT_READ | ELF_PROT_EXECUTE));
    image[18] = 62;
    KTEST_ASSERT(elf_parse(image, sizeof(image), &img) == ELF_EMACHINE);
    image[18] = 3;
    KTEST_ASSERT(elf_parse(image, 0x80, &img) == ELF_EFILESZ);
}

struct bootstrap_test_env {
    unsigned int creates, execs, resumes, releases, reports;
    unsigned long next_name;
    bool argv_ok;
};

static int
bootstrap_test_create(void *ctx, const char *name, void **task)
{
    struct bootstrap_test_env *env = ctx;

    env->creates++;
    *task = env;
    return strcmp(name, "hello") == 0 ? 0 : -1;
}

static int
bootstrap_test_insert(void *ctx, void *task, enum boot_script_type type, void *object,
                      unsigned long *name)
{
    struct bootstrap_test_env *env = ctx;

    (void)object;
    *name = ++env->next_name;
    return (task == env && type == BOOT_SCRIPT_PORT) ? 0 : -1;
}

static int
bootstrap_test_exec(void *ctx, void *task, int argc, char **argv)
{
    struct bootstrap_test_env *env = ctx;

    env->execs++;
    env->argv_ok = task == env && argc == 3 && strcmp(argv[0], "hello") == 0
                   && strcmp(argv[1], "1") == 0 && strcmp(argv[2], "2") == 0 && argv[3] == NULL;
    return 0;
}

static int
bootstrap_test_resume(void *ctx, void *task, const char *name, bool prompt)
{
    struct bootstrap_test_env *env = ctx;

    env->resumes++;
    return (task == env && !prompt && strcmp(name, "hello") == 0) ? 0 : -1;
}

static void
bootstrap_test_release(void *ctx, void *task, bool terminate)
{
    struct bootstrap_test_env *env = ctx;

    env->releases += (task == env && !terminate);
}

static void
bootstrap_test_report(void *ctx, const char *name, int error, const char *detail)
{
    struct bootstrap_test_env *env = ctx;

    env->reports++;
    ktest_diag("boot script: %s: %s (%s)", name, boot_script_strerror(error),
               detail != NULL ? detail : "");
}

static void
bootstrap_test_script(void)
{
    static const struct boot_script_ops ops = {
        .task_create = bootstrap_test_create,
        .insert_right = bootstrap_test_insert,
        .exec = bootstrap_test_exec,
        .resume = bootstrap_test_resume,
        .task_release = bootstrap_test_release,
        .report = bootstrap_test_report,
    };
    static struct boot_script bs;
    static char host_port, device_port;
    struct bootstrap_test_env env = { 0 };

    boot_script_init(&bs, &ops, &env);
    KTEST_ASSERT(boot_script_define(&bs, "host-port", BOOT_SCRIPT_PORT, &host_port) == 0);
    KTEST_ASSERT(boot_script_define(&bs, "device-port", BOOT_SCRIPT_PORT, &device_port) == 0);
    KTEST_ASSERT(boot_script_parse_line(&bs, "hello ${host-port} ${device-port} "
                                        "$(task-create) $(task-resume)") == 0);
    KTEST_ASSERT(env.creates == 1 && env.execs == 0);
    KTEST_ASSERT(boot_script_run(&bs) == 0);
    KTEST_ASSERT(env.execs == 1 && env.argv_ok && env.resumes == 1 && env.releases == 1);
    KTEST_ASSERT(env.reports == 0);
}

static void
bootstrap_pieces_test(void)
{
    bootstrap_test_stack();
    bootstrap_test_elf();
    bootstrap_test_script();
}

KTEST_DEFINE(bootstrap_pieces, bootstrap_pieces_test, 0);
