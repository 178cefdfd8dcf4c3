import Foundation

internal import SystemLibC

/// Keeps the build cache under a size limit by removing the entries used least recently.
///
/// An entry is a cell's shared library (`libraries/libCell_<key>.so`) and its module
/// (`modules/Cell_<key>.swiftmodule`). A session marks the entries it uses (a cache hit, and every earlier
/// cell its new cell imports) by setting the library's modification time to now, so that time is the
/// entry's last use. Eviction runs after a compile when the cache may have grown past its limit: it removes
/// the oldest entries until the cache is down to 80 % of the limit, never an entry used within
/// `protectedAge` (other kernels' sessions may still import it) or one the calling session still holds.
/// The manifest goes first, then the module, so no reader ever takes a part for an entry (CacheLayers.swift); several kernels may evict
/// at once (a file already gone is skipped), and a lock file makes one of them do the scan at a time.
struct CacheEviction {
    var root: URL
    var limit: UInt64
    var protectedAge: Duration

    var modules: URL { root.appendingPathComponent("modules") }
    var libraries: URL { root.appendingPathComponent("libraries") }

    /// Marks an entry as just used.
    static func touch(_ library: String) {
        _ = utimensat(AT_FDCWD, library, nil, 0)
    }

    /// The cache's entries and their total size.
    func entries() -> (list: [(key: String, size: UInt64, used: Date)], total: UInt64) {
        let fm = FileManager.default
        var list: [(String, UInt64, Date)] = []
        var total: UInt64 = 0
        for name in (try? fm.contentsOfDirectory(atPath: libraries.path)) ?? []
        where name.hasPrefix("libCell_") && name.hasSuffix(".so") {
            let key = String(name.dropFirst("lib".count).dropLast(".so".count))
            var size: UInt64 = 0
            var used = Date.distantPast
            if let attributes = try? fm.attributesOfItem(atPath: libraries.appendingPathComponent(name).path) {
                size += (attributes[.size] as? NSNumber)?.uint64Value ?? 0
                used = attributes[.modificationDate] as? Date ?? used
            }
            if let attributes = try? fm.attributesOfItem(atPath: modules.appendingPathComponent(key + ".swiftmodule").path) {
                size += (attributes[.size] as? NSNumber)?.uint64Value ?? 0
            }
            list.append((key, size, used))
            total += size
        }
        return (list, total)
    }

    /// Removes least recently used entries until the cache is under 80 % of its limit; returns how many.
    @discardableResult
    func evict(keeping held: Set<String>) -> Int {
        let lockPath = root.appendingPathComponent("evict.lock").path
        let lock = open(lockPath, O_CREAT | O_RDWR | O_CLOEXEC, 0o644)
        guard lock >= 0 else { return 0 }
        defer { close(lock) }
        // Another kernel is evicting: it will bring the cache down for both.
        guard flock(lock, LOCK_EX | LOCK_NB) == 0 else { return 0 }
        defer { flock(lock, LOCK_UN) }

        var (list, total) = entries()
        guard total > limit else { return 0 }
        let target = limit / 10 * 8
        let seconds = Double(protectedAge.components.seconds) + Double(protectedAge.components.attoseconds) * 1e-18
        let cutoff = Date().addingTimeInterval(-seconds)
        list.sort { $0.used < $1.used }
        var removed = 0
        for entry in list where total > target {
            guard entry.used < cutoff, !held.contains(entry.key) else { continue }
            unlink(root.appendingPathComponent("manifests/\(entry.key).sha256").path)
            unlink(modules.appendingPathComponent(entry.key + ".swiftmodule").path)
            for extra in [".swiftdoc", ".swiftsourceinfo"] { unlink(modules.appendingPathComponent(entry.key + extra).path) }
            unlink(libraries.appendingPathComponent("lib" + entry.key + ".so").path)
            total -= min(total, entry.size)
            removed += 1
        }
        return removed
    }
}
