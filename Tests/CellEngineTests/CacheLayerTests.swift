@testable import CellEngine
import Foundation
import Testing

internal import SystemLibC

/// The layered build cache (CacheLayers.swift): a shared, pre-warmed layer is used only after each entry
/// matches its manifest; a tampered, truncated or untrusted one is compiled instead, never loaded; a
/// cache that cannot be written or is full still runs every cell, and each of these is said once.
@Suite struct CacheLayerTests {
    /// A private folder per test.
    static func folder(_ label: String) -> URL {
        let url = FileManager.default.temporaryDirectory
            .appendingPathComponent("swift-inference-layers-\(label)-\(getpid())-\(UInt32.random(in: 0 ... .max))")
        try! FileManager.default.createDirectory(at: url, withIntermediateDirectories: true)
        return url
    }

    /// Cells of a small lecture, made new for each test (the cache is keyed on their text).
    static func lecture() -> [String] {
        let salt = String(UInt32.random(in: 0 ... .max), radix: 16)
        return [
            "let base_\(salt) = 20",
            "func twice_\(salt)(_ x: Int) -> Int { 2 * x }",
            "let answer_\(salt) = twice_\(salt)(base_\(salt)) + 2",
            "answer_\(salt)",
        ]
    }

    /// Runs the lecture in a session on `cache` reading `shared`; returns the last value, the session's
    /// notes and whether any cell ran a compiler.
    static func run(
        _ cells: [String], cache: URL, shared: [URL] = [], limit: UInt64? = nil, keep: ((CellSession) -> Void)? = nil
    ) throws -> (value: String?, notes: [String], compiled: [Int]) {
        var configuration = try testConfiguration(cache: cache.path)
        configuration.sharedCacheDirectories = shared.map(\.path)
        configuration.cacheLimit = limit
        let session = try CellSession(configuration: configuration)
        defer { session.shutdown() }
        var value: String?
        var compiled: [Int] = []
        for (index, cell) in cells.enumerated() {
            value = session.value(cell)
            if session.lastTimings.frontend > .zero { compiled.append(index) }
        }
        keep?(session)
        return (value, session.cacheNotes, compiled)
    }

    /// The entries of a cache folder, by module name.
    static func entries(_ cache: URL) -> Set<String> {
        let names = (try? FileManager.default.contentsOfDirectory(atPath: cache.appendingPathComponent("manifests").path)) ?? []
        return Set(names.filter { $0.hasSuffix(".sha256") }.map { String($0.dropLast(".sha256".count)) })
    }

    /// Warms `shared` with the lecture, one cell at a time, and returns each cell's entry name.
    static func warm(_ cells: [String], into shared: URL) throws -> [String] {
        var names: [String] = []
        for count in 1...cells.count {
            let before = entries(shared)
            _ = try run(Array(cells.prefix(count)), cache: shared)
            names.append(contentsOf: entries(shared).subtracting(before))
        }
        #expect(names.count == cells.count)
        return names
    }

    @Test func aStudentsFirstRunComesFromTheWarmLayerWithoutACompiler() throws {
        let shared = Self.folder("shared"), own = Self.folder("own")
        defer { for url in [shared, own] { try? FileManager.default.removeItem(at: url) } }
        let cells = Self.lecture()
        _ = try Self.run(cells, cache: shared)
        #expect(SharedCache.check(shared.path).entries == cells.count)
        #expect(SharedCache.check(shared.path).problems.isEmpty)

        let student = try Self.run(cells, cache: own, shared: [shared])
        #expect(student.value == "42")
        #expect(student.compiled.isEmpty, "cells compiled: \(student.compiled)")
        #expect(student.notes.isEmpty, "\(student.notes)")
        #expect(Self.entries(own).isEmpty, "nothing was written to the student's cache")
        // A new cell on top of warm ones compiles against the shared modules, into the student's cache.
        let more = try Self.run(cells + [cells[3] + " * 2"], cache: own, shared: [shared])
        #expect(more.value == "84")
        #expect(more.compiled == [cells.count])
        #expect(Self.entries(own).count == 1)
    }

    @Test func tamperedAndTruncatedSharedEntriesAreCompiledNotLoaded() throws {
        let shared = Self.folder("shared"), own = Self.folder("own")
        defer { for url in [shared, own] { try? FileManager.default.removeItem(at: url) } }
        let cells = Self.lecture()
        let names = try Self.warm(cells, into: shared)
        let layer = CacheLayers.Layer(root: shared)

        // Cell 0: one byte of its library changed, same size. Cell 2: its module cut short.
        let library = layer.library(names[0])
        var bytes = try Data(contentsOf: URL(fileURLWithPath: library))
        bytes[bytes.count / 2] ^= 0xFF
        try bytes.write(to: URL(fileURLWithPath: library))
        let module = layer.module(names[2])
        let moduleBytes = try Data(contentsOf: URL(fileURLWithPath: module))
        try moduleBytes.prefix(moduleBytes.count / 2).write(to: URL(fileURLWithPath: module))

        var loaded: [String: String] = [:]
        let student = try Self.run(cells, cache: own, shared: [shared]) { session in
            for name in names { loaded[name] = session.compiler.layers.lookup(name)?.library }
        }
        #expect(student.value == "42")
        #expect(student.compiled == [0, 2])
        #expect(Self.entries(own) == [names[0], names[2]])
        // The damaged ones come from the student's cache, the sound ones from the shared layer.
        #expect(loaded[names[0]] == CacheLayers.Layer(root: own.standardizedFileURL).library(names[0]))
        #expect(loaded[names[1]] == layer.library(names[1]))
        #expect(student.notes.count == 2, "\(student.notes)")
        #expect(student.notes.contains { $0.contains(names[0]) && $0.contains("does not match the SHA-256") })
        #expect(student.notes.contains { $0.contains(names[2]) && $0.contains("truncated") })
        #expect(student.notes.allSatisfy { $0.hasPrefix("shared build cache \(shared.path)") })
        #expect(SharedCache.check(shared.path).problems.count == 2)
    }

    @Test func aDamagedEntryInTheStudentsOwnCacheIsRebuilt() throws {
        let own = Self.folder("own")
        defer { try? FileManager.default.removeItem(at: own) }
        let cells = Self.lecture()
        let names = try Self.warm(cells, into: own)
        let library = CacheLayers.Layer(root: own).library(names[1])
        truncate(library, 100)
        let again = try Self.run(cells, cache: own)
        #expect(again.value == "42")
        #expect(again.compiled == [1])
        #expect(again.notes.count == 1 && again.notes[0].contains("build cache \(own.path): entry \(names[1]) is not used"), "\(again.notes)")
        #expect(SharedCache.check(own.path).problems.isEmpty, "the rebuilt entry is sound")
        #expect(SharedCache.check(own.path).entries == cells.count)
    }

    @Test func aCacheThatCannotBeWrittenStillRunsCellsAndSaysSoOnce() throws {
        // Even root cannot make a folder in /proc; a user who is not root also gets a read-only folder.
        var unwritable = ["/proc/swift-inference-cache-\(getpid())"]
        let readOnly = Self.folder("read-only")
        defer {
            chmod(readOnly.path, 0o755)
            try? FileManager.default.removeItem(at: readOnly)
        }
        if geteuid() != 0 {
            chmod(readOnly.path, 0o555)
            unwritable.append(readOnly.appendingPathComponent("cache").path)
        }
        for path in unwritable {
            var temporary: URL?
            let result = try Self.run(Self.lecture(), cache: URL(fileURLWithPath: path)) { session in
                temporary = session.compiler.layers.writable.root
            }
            #expect(result.value == "42")
            #expect(result.compiled.count == 4)
            #expect(result.notes.count == 1, "\(result.notes)")
            #expect(result.notes.first?.contains("build cache \(path) cannot be written") == true)
            #expect(temporary.map { !$0.path.hasPrefix(path) } == true)
            #expect(!FileManager.default.fileExists(atPath: path))
        }
    }

    @Test func aFullCacheStillRunsCellsAndSaysSoOnce() throws {
        let own = Self.folder("full")
        defer { try? FileManager.default.removeItem(at: own) }
        let result = try Self.run(Self.lecture(), cache: own, limit: 1)
        #expect(result.value == "42")
        #expect(result.notes.count == 1, "\(result.notes)")
        #expect(result.notes.first?.contains("is full") == true)
        #expect(result.notes.first?.contains("limit of 1") == true)
        // Nothing used this hour is evicted: the session's cells are all still there and sound.
        #expect(SharedCache.check(own.path).entries == 4)
    }

    @Test func aSharedFolderOthersCanWriteIsNotTrusted() throws {
        let shared = Self.folder("open")
        defer { try? FileManager.default.removeItem(at: shared) }
        let layer: CacheLayers.Layer
        if geteuid() == 0 {
            // Another user's folder that everyone may write.
            _ = try Self.run(["let open_\(getpid()) = 1"], cache: shared)
            chown(shared.path, 65534, 65534)
            chmod(shared.path, 0o777)
            layer = CacheLayers.Layer(root: shared)
        } else {
            // /tmp: root's, and everyone may write it.
            layer = CacheLayers.Layer(root: URL(fileURLWithPath: "/tmp"))
        }
        let problem = CacheLayers.trustProblem(layer)
        #expect(problem?.contains("can be written by other users") == true, "\(problem ?? "trusted")")
        let own = Self.folder("own")
        defer { try? FileManager.default.removeItem(at: own) }
        let result = try Self.run(["1 + 1"], cache: own, shared: [layer.root])
        #expect(result.value == "2")
        #expect(result.notes == ["shared build cache \(layer.root.path) is not used: \(problem ?? "")"])
        #expect(CacheLayers.trustProblem(CacheLayers.Layer(root: own)) == nil)
    }

    @Test func twoWarmRunsIntoOneFolderAtOnceLeaveSoundEntries() throws {
        let shared = Self.folder("race")
        defer { try? FileManager.default.removeItem(at: shared) }
        let cells = Self.lecture()
        let values = Collected()
        let group = DispatchGroup()
        for _ in 0..<3 {
            group.enter()
            Thread {
                defer { group.leave() }
                let value = try? Self.run(cells, cache: shared).value
                values.append(value)
            }.start()
        }
        #expect(group.wait(timeout: .now() + 300) == .success)
        #expect(values.items == ["42", "42", "42"])
        let check = SharedCache.check(shared.path)
        #expect(check.problems.isEmpty, "\(check.problems)")
        #expect(check.entries == cells.count)
        let leftovers = try FileManager.default.contentsOfDirectory(atPath: shared.appendingPathComponent("manifests").path)
            .filter { !$0.hasSuffix(".sha256") }
        #expect(leftovers.isEmpty, "\(leftovers)")
    }
}

/// Values gathered from several threads.
private final class Collected: @unchecked Sendable {
    private let lock = NSLock()
    private var stored: [String?] = []

    var items: [String?] { lock.withLock { stored } }

    func append(_ item: String?) { lock.withLock { stored.append(item) } }
}
