import Foundation

/// The files a preview watches, by what `stat` says of them: the notebooks and the files they
/// read (data files, images). Polling `stat` needs no platform file events, sees edits made by
/// any editor, and costs microseconds for the few files a notebook reads.
struct WatchedFiles: Equatable {
    /// Per path, its modification time and size; empty for a file that is not there.
    private(set) var stamps = [String: [Int]]()

    /// The stamps of `paths`.
    static func scan(_ paths: [String]) -> WatchedFiles {
        var watched = WatchedFiles()
        for path in paths {
            var status = stat()
            watched.stamps[path] = stat(path, &status) == 0
                ? [Int(status.st_mtim.tv_sec), Int(status.st_mtim.tv_nsec), Int(status.st_size)] : []
        }
        return watched
    }
}
