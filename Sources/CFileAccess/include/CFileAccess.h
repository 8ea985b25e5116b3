#ifndef CFILEACCESS_H
#define CFILEACCESS_H

/// Atomically swaps the folders (or files) at `first` and `second`, both of which must exist:
/// Linux's renameat2(RENAME_EXCHANGE), macOS's renamex_np(RENAME_SWAP). Returns 0, or -1 with
/// errno set (EINVAL or ENOSYS where the file system or kernel cannot swap).
int nb_exchange_paths(const char *first, const char *second);

#endif
