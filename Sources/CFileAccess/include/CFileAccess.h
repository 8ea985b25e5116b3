#ifndef CFILEACCESS_H
#define CFILEACCESS_H

/// Atomically swaps the folders (or files) at `first` and `second`, both of which must exist:
/// Linux's renameat2(RENAME_EXCHANGE), macOS's renamex_np(RENAME_SWAP). Returns 0, or -1 with
/// errno set (EINVAL or ENOSYS where the file system or kernel cannot swap).
int nb_exchange_paths(const char *first, const char *second);

#include <stddef.h>

/// Copies the running program's GNU build ID (the `NT_GNU_BUILD_ID` note the linker writes, a hash
/// of the executable) into `out`, at most `capacity` bytes; returns its length, 0 when there is
/// none (or off Linux).
size_t nb_program_build_id(unsigned char *out, size_t capacity);

#endif
