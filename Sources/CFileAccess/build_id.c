#define _GNU_SOURCE
#include "CFileAccess.h"
#include <string.h>

#if defined(__linux__)
#include <elf.h>
#include <link.h>

struct nb_build_id_search {
    unsigned char *out;
    size_t capacity;
    size_t length;
};

static size_t nb_align4(size_t size) { return (size + 3) & ~(size_t)3; }

// dl_iterate_phdr lists the program itself first: its PT_NOTE segments hold the build ID.
static int nb_find_build_id(struct dl_phdr_info *info, size_t size, void *data) {
    (void)size;
    struct nb_build_id_search *search = data;
    for (ElfW(Half) index = 0; index < info->dlpi_phnum; index++) {
        const ElfW(Phdr) *segment = &info->dlpi_phdr[index];
        if (segment->p_type != PT_NOTE) continue;
        const unsigned char *cursor = (const unsigned char *)(info->dlpi_addr + segment->p_vaddr);
        const unsigned char *end = cursor + segment->p_memsz;
        while (cursor + sizeof(ElfW(Nhdr)) <= end) {
            const ElfW(Nhdr) *note = (const ElfW(Nhdr) *)cursor;
            const unsigned char *name = cursor + sizeof(ElfW(Nhdr));
            const unsigned char *description = name + nb_align4(note->n_namesz);
            if (description + note->n_descsz > end) break;
            if (note->n_type == NT_GNU_BUILD_ID && note->n_namesz == 4 && memcmp(name, "GNU", 4) == 0) {
                size_t length = note->n_descsz < search->capacity ? note->n_descsz : search->capacity;
                memcpy(search->out, description, length);
                search->length = length;
                return 1;
            }
            cursor = description + nb_align4(note->n_descsz);
        }
    }
    return 1;
}

size_t nb_program_build_id(unsigned char *out, size_t capacity) {
    struct nb_build_id_search search = {out, capacity, 0};
    dl_iterate_phdr(nb_find_build_id, &search);
    return search.length;
}
#else
size_t nb_program_build_id(unsigned char *out, size_t capacity) {
    (void)out;
    (void)capacity;
    return 0;
}
#endif
