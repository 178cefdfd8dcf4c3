@testable import CellEngine
import Foundation
import Testing

internal import SystemLibC

/// The build cache stays under its limit: least recently used entries go, recent ones and the running
/// session's own never do, and the session keeps working.
@Suite struct CacheEvictionTests {
    @Test func leastRecentlyUsedEntriesGoAndRecentOnesStay() throws {
        let cache = FileManager.default.temporaryDirectory
            .appendingPathComponent("swift-inference-eviction-\(getpid())-\(UInt32.random(in: 0 ... .max))")
        defer { try? FileManager.default.removeItem(at: cache) }
        var configuration = try testConfiguration(cache: cache.path)
        configuration.cacheLimit = nil
        let salt = String(UInt32.random(in: 0 ... .max), radix: 16)

        // A first session fills the cache, then its entries age by two hours, all but one.
        let first = try CellSession(configuration: configuration)
        for index in 0..<8 { _ = first.value("let old\(index)_\(salt) = \(index)") }
        first.shutdown()
        let eviction = CacheEviction(root: cache, limit: .max, protectedAge: .seconds(3600))
        let filled = eviction.entries()
        #expect(filled.list.count == 8)
        let twoHoursAgo = timespec(tv_sec: time(nil) - 7200, tv_nsec: 0)
        var times = [twoHoursAgo, twoHoursAgo]
        let recent = filled.list.map(\.key).sorted().first!
        for entry in filled.list where entry.key != recent {
            _ = utimensat(AT_FDCWD, eviction.libraries.appendingPathComponent("lib\(entry.key).so").path, &times, 0)
        }

        // A second session with a limit of half that: its first compile brings the cache down.
        configuration.cacheLimit = filled.total / 2
        let second = try CellSession(configuration: configuration)
        defer { second.shutdown() }
        _ = second.value("let fresh_\(salt) = 1")
        let after = eviction.entries()
        let keys = Set(after.list.map(\.key))
        #expect(after.total <= filled.total / 2)
        #expect(keys.contains(recent), "an entry used within the last hour was evicted")
        #expect(after.list.count < 8)
        for key in keys {
            #expect(FileManager.default.fileExists(atPath: eviction.modules.appendingPathComponent("\(key).swiftmodule").path))
        }
        // The session's own cells survive and it goes on.
        #expect(second.value("fresh_\(salt) + 1") == "2")
    }
}
