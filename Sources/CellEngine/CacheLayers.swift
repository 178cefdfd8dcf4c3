import Crypto
import Foundation
import Synchronization

internal import SystemLibC

/// The build cache in layers: the user's own cache, which new entries go to, then shared, pre-warmed
/// caches (`swift-inference warm`) that are only ever read.
///
/// An entry is a cell's library (`libraries/libCell_<key>.so`), its module (`modules/Cell_<key>.swiftmodule`)
/// and its manifest (`manifests/Cell_<key>.sha256`), which gives each file's size and SHA-256. The manifest
/// is published last, so an entry without one is not an entry; it is checked (once per session) before
/// the entry is used, in every layer. The key is the module's name, a hash of everything that goes into
/// the cell (HOW_IT_WORKS.md, step 3), so a layer can only hold the right library for a name or a
/// damaged one, and a damaged one is never loaded: the cell is compiled into the user's own cache.
///
/// A shared layer is trusted only when the user cannot write to it (unless it is the user's own): a folder
/// one student can write, every student can, so it could hold anyone's library. When the user's cache
/// cannot be written (read-only, not a folder), the session compiles into a private temporary folder,
/// removed with it. Each of these is said once per process on standard error, which is the kernel's log
/// (never a cell's output: nbgrader fails a test cell that writes to stderr).
final class CacheLayers: @unchecked Sendable {
    /// One cache folder.
    struct Layer: Sendable, Hashable {
        var root: URL
        var modules: URL { root.appendingPathComponent("modules") }
        var libraries: URL { root.appendingPathComponent("libraries") }
        var manifests: URL { root.appendingPathComponent("manifests") }

        func library(_ name: String) -> String { libraries.appendingPathComponent("lib\(name).so").path }
        func module(_ name: String) -> String { modules.appendingPathComponent("\(name).swiftmodule").path }
        func manifest(_ name: String) -> String { manifests.appendingPathComponent("\(name).sha256").path }
    }

    /// A usable entry's files.
    struct Entry: Sendable, Hashable {
        var library: String
        var module: String
    }

    /// Where new entries go: the user's cache, or a private temporary folder when that cannot be written.
    let writable: Layer
    /// Read-only layers, in lookup order after `writable`.
    let shared: [Layer]
    /// The private temporary folder standing in for an unwritable cache; removed with this object.
    private let temporaryRoot: URL?
    /// What this session learnt about its caches, behind one lock.
    private struct Findings {
        /// Entries checked in this session, by layer root and name: `true` sound, `false` damaged.
        var checked: [String: Bool] = [:]
        var saidOver = false
        var notes: [String] = []
    }
    private let findings = Mutex(Findings())

    /// What this session had to say about its caches, in order.
    var notes: [String] { findings.withLock { $0.notes } }

    /// The folders compiled cells' modules are looked up in, the user's first.
    var moduleFolders: [String] { ([writable] + shared).map(\.modules.path) }

    /// - Parameters:
    ///   - cacheDirectory: the user's own cache (created when missing).
    ///   - sharedDirectories: pre-warmed caches to read from; missing or untrusted ones are skipped.
    init(cacheDirectory: String, sharedDirectories: [String]) throws {
        let own = Layer(root: URL(fileURLWithPath: cacheDirectory).standardizedFileURL)
        var sayLater: [String] = []
        if let problem = CacheLayers.writeProblem(own) {
            let parent = URL(fileURLWithPath: NSTemporaryDirectory()).appendingPathComponent("swift-inference-cache-XXXXXX")
            var template = Array(parent.path.utf8CString)
            guard let made = template.withUnsafeMutableBufferPointer({ mkdtemp($0.baseAddress!) }) else {
                throw EngineError(
                    "the build cache \(cacheDirectory) cannot be written (\(problem)), nor a temporary folder made: \(String(cString: strerror(errno)))")
            }
            let temporary = URL(fileURLWithPath: String(cString: made))
            temporaryRoot = temporary
            writable = Layer(root: temporary)
            if let again = CacheLayers.writeProblem(writable) {
                try? FileManager.default.removeItem(at: temporary)
                throw EngineError("the build cache \(cacheDirectory) cannot be written (\(problem)), nor \(temporary.path) (\(again))")
            }
            sayLater.append(
                "build cache \(cacheDirectory) cannot be written (\(problem)): cells are compiled into \(temporary.path) for this session only; set SWIFT_INFERENCE_CACHE to a writable folder to keep them")
        } else {
            temporaryRoot = nil
            writable = own
        }
        var layers: [Layer] = []
        for path in sharedDirectories where !path.isEmpty {
            let layer = Layer(root: URL(fileURLWithPath: path).standardizedFileURL)
            guard layer != writable, layer != own, !layers.contains(layer) else { continue }
            if let problem = CacheLayers.trustProblem(layer) {
                sayLater.append("shared build cache \(path) is not used: \(problem)")
            } else {
                layers.append(layer)
            }
        }
        shared = layers
        for note in sayLater { say(note) }
    }

    deinit {
        if let temporaryRoot { try? FileManager.default.removeItem(at: temporaryRoot) }
    }

    // MARK: Lookup and publication

    /// The sound entry named `name` in the first layer that has one, or `nil` (compile it).
    func lookup(_ name: String) -> Entry? {
        for layer in [writable] + shared {
            if let entry = sound(name, in: layer) { return entry }
        }
        return nil
    }

    /// Moves a freshly built library and module into the user's cache and writes their manifest.
    ///
    /// Several kernels and warm runs may publish the same entry at once: one at a time holds the
    /// layer's lock, and an entry already there and sound is kept (the caller's copies stay behind in
    /// its scratch folder). The lock is waited for at most `lockWait`; past it the entry is published
    /// anyway, which the manifest check makes safe.
    func publish(_ name: String, library builtLibrary: String, module builtModule: String) throws -> Entry {
        let layer = writable
        let manifest = try Manifest(name: name, library: builtLibrary, module: builtModule)
        let lockFile = open(layer.root.appendingPathComponent("publish.lock").path, O_CREAT | O_RDWR | O_CLOEXEC, 0o644)
        defer { if lockFile >= 0 { close(lockFile) } }
        if lockFile >= 0 {
            let clock = ContinuousClock()
            let deadline = clock.now + CacheLayers.lockWait
            while flock(lockFile, LOCK_EX | LOCK_NB) != 0 && clock.now < deadline { usleep(5_000) }
        }
        forget(name, in: layer)
        if let existing = sound(name, in: layer, quiet: true) { return existing }
        let entry = Entry(library: layer.library(name), module: layer.module(name))
        for (from, to) in [(builtLibrary, entry.library), (builtModule, entry.module)] where rename(from, to) != 0 {
            throw EngineError("cannot move a compiled cell into the build cache (\(to)): \(String(cString: strerror(errno)))")
        }
        let temporary = layer.manifest(name) + ".\(getpid()).tmp"
        guard FileManager.default.createFile(atPath: temporary, contents: Data(manifest.text.utf8)),
              rename(temporary, layer.manifest(name)) == 0
        else {
            unlink(temporary)
            throw EngineError("cannot write the manifest \(layer.manifest(name)): \(String(cString: strerror(errno)))")
        }
        findings.withLock { $0.checked[layer.root.path + "/" + name] = true }
        return entry
    }

    /// How long `publish` waits for another publisher of the same layer.
    static let lockWait: Duration = .seconds(5)

    /// Evicts from the user's cache, then says once if it is still over its limit (full).
    func evict(limit: UInt64, protectedAge: Duration, keeping held: Set<String>) {
        let eviction = CacheEviction(root: writable.root, limit: limit, protectedAge: protectedAge)
        eviction.evict(keeping: held)
        let total = eviction.entries().total
        let first = findings.withLock { found -> Bool in
            defer { found.saidOver = found.saidOver || total > limit }
            return total > limit && !found.saidOver
        }
        if first {
            say(
                "build cache \(writable.root.path) is full: \(total) bytes against its limit of \(limit) (SWIFT_INFERENCE_CACHE_LIMIT), and what it holds was used within the last \(protectedAge.components.seconds / 60) minutes or by this session; cells are still compiled and kept, and the oldest go once they age")
        }
    }

    // MARK: Checking

    /// The entry if its manifest is there and its files match it; a damaged entry is said once.
    private func sound(_ name: String, in layer: Layer, quiet: Bool = false) -> Entry? {
        let id = layer.root.path + "/" + name
        let entry = Entry(library: layer.library(name), module: layer.module(name))
        if let known = findings.withLock({ $0.checked[id] }) { return known ? entry : nil }
        guard let text = try? String(contentsOfFile: layer.manifest(name), encoding: .utf8) else { return nil }
        let problem = Manifest.problem(text, name: name, layer: layer)
        findings.withLock { $0.checked[id] = problem == nil }
        if let problem, !quiet {
            let which = layer == writable ? "build cache \(layer.root.path)" : "shared build cache \(layer.root.path)"
            say("\(which): entry \(name) is not used, \(problem); the cell is compiled instead")
        }
        return problem == nil ? entry : nil
    }

    private func forget(_ name: String, in layer: Layer) {
        _ = findings.withLock { $0.checked.removeValue(forKey: layer.root.path + "/" + name) }
    }

    /// Why the folder cannot serve as a writable cache, or `nil`.
    static func writeProblem(_ layer: Layer) -> String? {
        for folder in [layer.modules, layer.libraries, layer.manifests, layer.root.appendingPathComponent("work")] {
            if let problem = makeFolder(folder.path) { return problem }
        }
        var template = Array((layer.root.path + "/probe-XXXXXX").utf8CString)
        let probe = template.withUnsafeMutableBufferPointer { mkstemp($0.baseAddress!) }
        guard probe >= 0 else { return String(cString: strerror(errno)) }
        defer {
            close(probe)
            unlink(template)
        }
        var byte: UInt8 = 0
        return write(probe, &byte, 1) == 1 ? nil : String(cString: strerror(errno))
    }

    /// Makes a folder and its parents (`mkdir -p`); says which one could not be made, and why.
    static func makeFolder(_ path: String) -> String? {
        var made = ""
        for component in path.split(separator: "/") {
            made += "/" + component
            if mkdir(made, 0o755) != 0 && errno != EEXIST {
                return "cannot create \(made): \(String(cString: strerror(errno)))"
            }
        }
        var info = stat()
        guard stat(path, &info) == 0, (info.st_mode & S_IFMT) == S_IFDIR else { return "\(path) is not a folder" }
        return nil
    }

    /// Why a shared folder cannot be trusted, or `nil`: missing, or writable by this user without being
    /// this user's (then other users can write it too).
    static func trustProblem(_ layer: Layer) -> String? {
        let me = geteuid()
        for folder in [layer.root, layer.modules, layer.libraries, layer.manifests] {
            var info = stat()
            guard stat(folder.path, &info) == 0 else {
                return "\(folder.path): \(String(cString: strerror(errno)))"
            }
            guard (info.st_mode & S_IFMT) == S_IFDIR else { return "\(folder.path) is not a folder" }
            // World-writable, or writable by this user through a group (a class's shared group, say).
            if info.st_uid != me && (info.st_mode & S_IWOTH != 0 || access(folder.path, W_OK) == 0) {
                return "\(folder.path) can be written by other users than its owner (uid \(info.st_uid)), so anyone could have changed it; make it read-only to them (chmod go-w)"
            }
        }
        return nil
    }

    // MARK: Notes

    /// Process-wide: what was already said, so many sessions in one process say a thing once.
    private static let said = Mutex<Set<String>>([])

    private func say(_ note: String) {
        findings.withLock { $0.notes.append(note) }
        let first = CacheLayers.said.withLock { $0.insert(note).inserted }
        guard first else { return }
        let bytes = Array("[swift-inference] \(note)\n".utf8)
        bytes.withUnsafeBytes { _ = Glibc.write(2, $0.baseAddress, $0.count) }
    }
}

/// An entry's manifest: each file's path in the layer, size and SHA-256.
///
/// ```
/// swift-inference cache entry 1
/// libraries/libCell_0123456789abcdef.so 81234 <64 hex digits>
/// modules/Cell_0123456789abcdef.swiftmodule 40960 <64 hex digits>
/// ```
struct Manifest {
    static let header = "swift-inference cache entry 1"
    var text: String

    /// The manifest of freshly built files.
    init(name: String, library: String, module: String) throws {
        var lines = [Manifest.header]
        for (relative, path) in zip(Manifest.files(name), [library, module]) {
            guard let (size, digest) = Manifest.measure(path) else {
                throw EngineError("cannot read the compiled file \(path): \(String(cString: strerror(errno)))")
            }
            lines.append("\(relative) \(size) \(digest)")
        }
        text = lines.joined(separator: "\n") + "\n"
    }

    /// The files an entry named `name` has, relative to its layer.
    static func files(_ name: String) -> [String] {
        ["libraries/lib\(name).so", "modules/\(name).swiftmodule"]
    }

    /// What is wrong with an entry, or `nil` when its files match `text`.
    static func problem(_ text: String, name: String, layer: CacheLayers.Layer) -> String? {
        let lines = text.split(separator: "\n", omittingEmptySubsequences: true)
        let expected = files(name)
        guard lines.first == Substring(header), lines.count == expected.count + 1 else {
            return "its manifest \(layer.manifest(name)) is damaged"
        }
        for (line, relative) in zip(lines.dropFirst(), expected) {
            let words = line.split(separator: " ")
            guard words.count == 3, words[0] == Substring(relative), let size = UInt64(words[1]), words[2].count == 64 else {
                return "its manifest \(layer.manifest(name)) is damaged"
            }
            let path = layer.root.appendingPathComponent(relative).path
            var info = stat()
            guard stat(path, &info) == 0 else { return "\(path) is missing" }
            if UInt64(info.st_size) != size {
                return "\(path) has \(info.st_size) bytes where its manifest says \(size) (truncated or changed)"
            }
            guard let (_, digest) = measure(path) else { return "\(path) cannot be read" }
            if digest != words[2] { return "\(path) does not match the SHA-256 in its manifest (changed)" }
        }
        return nil
    }

    /// A file's size and SHA-256 (hex), read in one pass.
    static func measure(_ path: String) -> (UInt64, String)? {
        let file = open(path, O_RDONLY | O_CLOEXEC)
        guard file >= 0 else { return nil }
        defer { close(file) }
        var hasher = SHA256()
        var size: UInt64 = 0
        var buffer = [UInt8](repeating: 0, count: 1 << 16)
        while true {
            let count = buffer.withUnsafeMutableBytes { read(file, $0.baseAddress, $0.count) }
            if count < 0 && errno == EINTR { continue }
            guard count >= 0 else { return nil }
            if count == 0 { break }
            buffer.withUnsafeBytes { hasher.update(bufferPointer: UnsafeRawBufferPointer(rebasing: $0[0..<count])) }
            size += UInt64(count)
        }
        return (size, hasher.finalize().map { String(format: "%02x", $0) }.joined())
    }
}

extension CellSession {
    /// What the session had to say about its build caches (each also said once on standard error): an
    /// unwritable cache, an untrusted shared one, a damaged entry, a cache over its limit.
    public var cacheNotes: [String] { compiler.layers.notes }
}

/// What `swift-inference warm` needs of a shared cache folder.
public enum SharedCache {
    /// Makes the folder's layout, or says why it cannot be written.
    public static func prepare(_ directory: String) throws {
        if let problem = CacheLayers.writeProblem(CacheLayers.Layer(root: URL(fileURLWithPath: directory))) {
            throw EngineError("the shared cache \(directory) cannot be written: \(problem)")
        }
    }

    /// Checks every entry against its manifest.
    /// - Returns: how many entries are sound, their bytes, and what is wrong with the others.
    public static func check(_ directory: String) -> (entries: Int, bytes: UInt64, problems: [String]) {
        let layer = CacheLayers.Layer(root: URL(fileURLWithPath: directory))
        var entries = 0
        var bytes: UInt64 = 0
        var problems: [String] = []
        let names = (try? FileManager.default.contentsOfDirectory(atPath: layer.manifests.path)) ?? []
        for file in names.sorted() where file.hasSuffix(".sha256") {
            let name = String(file.dropLast(".sha256".count))
            guard let text = try? String(contentsOfFile: layer.manifest(name), encoding: .utf8) else { continue }
            if let problem = Manifest.problem(text, name: name, layer: layer) {
                problems.append("\(name): \(problem)")
                continue
            }
            entries += 1
            for path in [layer.library(name), layer.module(name)] {
                bytes += ((try? FileManager.default.attributesOfItem(atPath: path))?[.size] as? NSNumber)?.uint64Value ?? 0
            }
        }
        return (entries, bytes, problems)
    }

    /// Makes the entries readable by everyone and writable by the owner only (`chmod -R a+rX,go-w`):
    /// students read the shared layer, and trust it only when they cannot write it.
    public static func makeReadOnlyForOthers(_ directory: String) {
        let layer = CacheLayers.Layer(root: URL(fileURLWithPath: directory))
        for folder in [layer.root, layer.modules, layer.libraries, layer.manifests] {
            chmod(folder.path, 0o755)
            for name in (try? FileManager.default.contentsOfDirectory(atPath: folder.path)) ?? [] {
                let path = folder.appendingPathComponent(name).path
                var info = stat()
                guard lstat(path, &info) == 0, (info.st_mode & S_IFMT) == S_IFREG else { continue }
                chmod(path, (info.st_mode & 0o7777 & ~0o022) | 0o444 | (info.st_mode & 0o100 != 0 ? 0o111 : 0))
            }
        }
    }
}
