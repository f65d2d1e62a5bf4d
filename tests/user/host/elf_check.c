/* SPDX-License-Identifier: GPL-2.0-or-later */
/*
 * Host tool for tests/user/check: runs kern/elf.c on each file given and
 * prints what the bootstrap loader would do with it:
 *     FILE: entry 0xENTRY base 0xBASE stack RWX segments N
 *     FILE: load 0xVADDR memsz 0xM filesz 0xF offset 0xO prot RWX
 * or "FILE: error TEXT"; exits 1 if any file was refused.
 */
#include <stdio.h>
#include <stdlib.h>

#include <kern/elf.h>

static const char *
prot_text(unsigned int prot)
{
    static char text[4];

    text[0] = (prot & ELF_PROT_READ) ? 'r' : '-';
    text[1] = (prot & ELF_PROT_WRITE) ? 'w' : '-';
    text[2] = (prot & ELF_PROT_EXECUTE) ? 'x' : '-';
    text[3] = '\0';
    return text;
}

int
main(int argc, char **argv)
{
    int status = 0;

    for (int i = 1; i < argc; i++) {
        static unsigned char data[16 << 20];
        struct elf_image img;
        struct elf_segment seg;
        FILE *f = fopen(argv[i], "rb");
        size_t size;
        int error;

        if (f == NULL) {
            printf("%s: error cannot open\n", argv[i]);
            status = 1;
            continue;
        }
        size = fread(data, 1, sizeof(data), f);
        fclose(f);
        error = elf_parse(data, size, &img);
        if (error != 0) {
            printf("%s: error %s\n", argv[i], elf_strerror(error));
            status = 1;
            continue;
        }
        printf("%s: entry 0x%08x base 0x%08x stack %s segments %u\n", argv[i], img.entry,
               img.base, prot_text(img.stack_prot), img.nsegments);
        for (unsigned int s = 0; elf_segment_get(&img, s, &seg) == 0; s++) {
            printf("%s: load 0x%08x memsz 0x%x filesz 0x%x offset 0x%x prot %s\n", argv[i],
                   seg.vaddr, seg.memsz, seg.filesz, seg.offset, prot_text(seg.prot));
        }
    }
    return status;
}
