import Crypto
import Foundation
internal import SystemLibC

/// Builds `%install`ed packages into the engine's cache, once per version of a package.
///
/// A request becomes a small wrapper package (`WrapperPackage`) whose one product is a dynamic library that
/// links the requested products in; `swift build -c release` (the toolchain the cells compile with) builds it
/// in `<cache>/packages/<key>/`. The key is a SHA-256 of the dependency, the products, the toolchain's version
/// and, for a folder, the folder's files, so an edit rebuilds and another kernel installing the same thing
/// builds nothing.
///
/// Several kernels, of one user or of several sharing a cache, may install at once: the build of a key
/// holds an `flock` on `<key>.lock`, waited for at most `lockLimit`. An entry is done only when its record
/// (`record.json`, with the SHA-256 of every file it names) is there; the record is written last, by
/// renaming a complete file, so a build cut short is never taken for a finished one, and a damaged entry
/// is built again.
struct PackageBuilder {
    /// `<cache>/packages`.
    let root: URL
    let swiftc: String
    /// The longest `swift build` may take.
    var buildLimit: Duration = PackageBuilder.defaultBuildLimit
    /// The longest to wait for another kernel building the same package.
    var lockLimit: Duration = PackageBuilder.defaultBuildLimit + .seconds(60)
    /// Asked while the build runs or the lock is waited for: `true` stops it (the session's interrupt).
    var stop: (() -> Bool)?

    static let defaultBuildLimit: Duration = .seconds(1800)
    static let recordName = "record.json"

    enum Outcome {
        case built(InstalledPackage, took: Duration)
        case cached(InstalledPackage)

        var package: InstalledPackage {
            switch self {
            case .built(let package, _), .cached(let package): return package
            }
        }
    }

    /// Why an install failed: a message for the error's one line, and the lines that explain it.
    struct Failure: Error, Equatable {
        var message: String
        var details: [String] = []
        /// `.interrupted` or `.timedOut` when the build or the wait was stopped; else `.compileError`.
        var kind: CellFailure.Kind = .compileError
    }

    /// What the record says about a finished entry.
    struct Record: Codable {
        var format = 1
        var key: String
        var dependency: String
        var products: [String]
        var modules: [String]
        var linkName: String
        var toolchain: String
        /// File (relative to the entry) → SHA-256, for the library and every module file.
        var sha256: [String: String]
    }

    // MARK: Keys

    /// The cache key of a request whose path, if any, is already absolute.
    func key(for request: PackageRequest) throws(Failure) -> String {
        var hasher = SHA256()
        func add(_ text: String) { hasher.update(data: Data((text + "\n").utf8)) }
        add("swift-inference %install, wrapper format \(WrapperPackage.format)")
        add(Toolchain.versionText(swiftc: swiftc) ?? swiftc)
        add(request.source.manifestText)
        add(request.products.joined(separator: " "))
        if case .path(let path) = request.source { add(try PackageContents.digest(folder: path)) }
        return hasher.finalize().map { String(format: "%02x", $0) }.joined()
    }

    // MARK: Installing

    /// The package, from the cache or built now; the build's output goes to `onOutput` as it comes.
    func install(_ request: PackageRequest, onOutput: @escaping (String) -> Void) throws -> Outcome {
        if let problem = CacheLayers.makeFolder(root.path) { throw Failure(message: "cannot create the package cache: \(problem)") }
        if let problem = Self.othersCanWrite(root.path) { throw Failure(message: problem) }
        let key = try key(for: request)
        let entry = root.appendingPathComponent(key)
        if let package = try? load(entry: entry, key: key) { return .cached(package) }

        let lock = try FileLock(path: root.appendingPathComponent(key + ".lock").path)
        defer { lock.unlock() }
        try lock.lock(limit: lockLimit, stop: stop) {
            onOutput("Another kernel is building this package; waiting for it (at most \(lockLimit)).\n")
        }
        // Whoever held the lock may have finished it.
        if let package = try? load(entry: entry, key: key) { return .cached(package) }

        let clock = ContinuousClock()
        let started = clock.now
        try? FileManager.default.removeItem(at: entry)
        if let problem = CacheLayers.makeFolder(entry.path) { throw Failure(message: "cannot create \(entry.path): \(problem)") }
        do {
            let package = try build(request, key: key, entry: entry, onOutput: onOutput)
            return .built(package, took: clock.now - started)
        } catch {
            try? FileManager.default.removeItem(at: entry)
            throw error
        }
    }

    private func build(
        _ request: PackageRequest, key: String, entry: URL, onOutput: @escaping (String) -> Void
    ) throws -> InstalledPackage {
        let wrapper = WrapperPackage(request: request, key: key)
        let folder = entry.appendingPathComponent(WrapperPackage.folderName)
        try wrapper.write(to: folder)
        let scratch = entry.appendingPathComponent("build")
        let arguments = [
            "-c", "release", "--package-path", folder.path, "--scratch-path", scratch.path, "--product", wrapper.linkName,
        ]
        let tool = Self.swiftBuild(nextTo: swiftc)
        var decoder = StreamingUTF8Decoder()
        let result: ProcessRunner.Result
        do {
            result = try ProcessRunner.run(tool.executable, tool.arguments + arguments, limit: buildLimit, stop: stop) { bytes in
                let text = decoder.decode(bytes)
                if !text.isEmpty { onOutput(text) }
            }
        } catch let stopped as ProcessRunner.Stopped {
            throw stopped.timedOut
                ? Failure(message: "swift build took longer than \(buildLimit) and was stopped", kind: .timedOut)
                : Failure(message: "the package build was interrupted", kind: .interrupted)
        } catch {
            throw Failure(message: "cannot run \(tool.executable): \(error)")
        }
        let tail = decoder.finish()
        if !tail.isEmpty { onOutput(tail) }
        guard result.status == 0 else {
            let errors = result.output.split(separator: "\n").map(String.init).filter {
                $0.contains("error:") || $0.hasPrefix("error")
            }
            let first = errors.first.map(Self.withoutPrefix) ?? "swift build exited with status \(result.status)"
            throw Failure(message: first, details: errors.isEmpty ? Array(result.output.split(separator: "\n").suffix(20).map(String.init)) : errors)
        }

        // The library and the modules move out of the scratch folder, which then goes.
        let products = scratch.appendingPathComponent("release")
        let libraryFolder = entry.appendingPathComponent("lib")
        let modulesFolder = entry.appendingPathComponent("modules")
        let fm = FileManager.default
        try fm.createDirectory(at: libraryFolder, withIntermediateDirectories: true)
        try fm.createDirectory(at: modulesFolder, withIntermediateDirectories: true)
        let libraryName = "lib\(wrapper.linkName).so"
        try fm.copyItem(at: products.appendingPathComponent(libraryName), to: libraryFolder.appendingPathComponent(libraryName))
        var builtModules = products.appendingPathComponent("Modules")
        if !fm.fileExists(atPath: builtModules.path) { builtModules = products }
        var modules: [String] = []
        var hashes = ["lib/" + libraryName: try Self.sha256(of: libraryFolder.appendingPathComponent(libraryName).path)]
        for name in try fm.contentsOfDirectory(atPath: builtModules.path).sorted() where name.hasSuffix(".swiftmodule") {
            let module = String(name.dropLast(".swiftmodule".count))
            for companion in [name, module + ".swiftdoc"] where fm.fileExists(atPath: builtModules.appendingPathComponent(companion).path) {
                let target = modulesFolder.appendingPathComponent(companion)
                try fm.copyItem(at: builtModules.appendingPathComponent(companion), to: target)
                hashes["modules/" + companion] = try Self.sha256(of: target.path)
            }
            if module != wrapper.linkName { modules.append(module) }
        }
        try? fm.removeItem(at: scratch)

        let record = Record(
            key: key, dependency: request.source.manifestText, products: request.products, modules: modules,
            linkName: wrapper.linkName, toolchain: Toolchain.version(swiftc: swiftc) ?? "", sha256: hashes)
        let encoder = JSONEncoder()
        encoder.outputFormatting = [.prettyPrinted, .sortedKeys]
        let temporary = entry.appendingPathComponent(Self.recordName + ".\(getpid()).tmp").path
        guard fm.createFile(atPath: temporary, contents: try encoder.encode(record)),
              rename(temporary, entry.appendingPathComponent(Self.recordName).path) == 0
        else {
            unlink(temporary)
            throw Failure(message: "cannot write the package's record in \(entry.path): \(String(cString: strerror(errno)))")
        }
        return package(record, entry: entry)
    }

    /// The finished entry, when its record is there and every file it names has its SHA-256.
    func load(entry: URL, key: String) throws -> InstalledPackage {
        let data = try Data(contentsOf: entry.appendingPathComponent(Self.recordName))
        let record = try JSONDecoder().decode(Record.self, from: data)
        guard record.format == 1, record.key == key, !record.sha256.isEmpty else { throw Failure(message: "stale record") }
        for (file, digest) in record.sha256 {
            guard try Self.sha256(of: entry.appendingPathComponent(file).path) == digest else {
                throw Failure(message: "\(file) does not match its record")
            }
        }
        return package(record, entry: entry)
    }

    private func package(_ record: Record, entry: URL) -> InstalledPackage {
        InstalledPackage(
            key: record.key, dependency: record.dependency, products: record.products, modules: record.modules,
            modulesDirectory: entry.appendingPathComponent("modules").path,
            libraryDirectory: entry.appendingPathComponent("lib").path, linkName: record.linkName)
    }

    // MARK: Helpers

    /// `swift-build` next to the compiler, else `swift build`.
    static func swiftBuild(nextTo swiftc: String) -> (executable: String, arguments: [String]) {
        let folder = URL(fileURLWithPath: swiftc).deletingLastPathComponent()
        let direct = folder.appendingPathComponent("swift-build").path
        if FileManager.default.isExecutableFile(atPath: direct) { return (direct, []) }
        return (folder.appendingPathComponent("swift").path, ["build"])
    }

    static func sha256(of path: String) throws -> String {
        let data = try Data(contentsOf: URL(fileURLWithPath: path), options: .mappedIfSafe)
        return SHA256.hash(data: data).map { String(format: "%02x", $0) }.joined()
    }

    /// `error: 'x': product …` → `product …`; SwiftPM's message without its `error:` and location prefix.
    static func withoutPrefix(_ line: String) -> String {
        guard let range = line.range(of: "error: ") else { return line }
        return String(line[range.upperBound...])
    }

    /// A reason not to trust a folder other users can write to (they could put any library in it).
    static func othersCanWrite(_ path: String) -> String? {
        var info = stat()
        guard stat(path, &info) == 0 else { return nil }
        if info.st_uid != geteuid() && (info.st_mode & S_IWOTH != 0 || access(path, W_OK) == 0) {
            return "the package cache \(path) can be written by other users than its owner (uid \(info.st_uid)); make it read-only to them (chmod go-w)"
        }
        if info.st_mode & S_IWOTH != 0 {
            return "the package cache \(path) can be written by every user; make it read-only to them (chmod o-w)"
        }
        return nil
    }
}

/// The digest of a package folder's files, so that editing a local package builds it again.
enum PackageContents {
    /// At most this many files are read: a folder with more is not a package's sources.
    static let fileLimit = 20_000

    /// A SHA-256 over every file's path (relative to the folder) and bytes, skipping hidden files and
    /// folders (`.build`, `.git`, `.swiftpm`); "no manifest" for a folder without `Package.swift`, which
    /// SwiftPM then refuses with its own message.
    static func digest(folder: String) throws(PackageBuilder.Failure) -> String {
        let base = URL(fileURLWithPath: folder).standardizedFileURL
        guard FileManager.default.fileExists(atPath: base.appendingPathComponent("Package.swift").path) else { return "no manifest" }
        let keys: [URLResourceKey] = [.isRegularFileKey]
        guard let walker = FileManager.default.enumerator(at: base, includingPropertiesForKeys: keys, options: [.skipsHiddenFiles])
        else { return "unreadable" }
        var files: [(String, URL)] = []
        for case let url as URL in walker {
            guard (try? url.resourceValues(forKeys: Set(keys)))?.isRegularFile == true else { continue }
            let relative = String(url.standardizedFileURL.path.dropFirst(base.path.count))
            files.append((relative, url))
            if files.count > fileLimit {
                throw PackageBuilder.Failure(
                    message: "\(folder) holds more than \(fileLimit) files; is it the package's own folder (the one with Package.swift)?")
            }
        }
        var hasher = SHA256()
        for (relative, url) in files.sorted(by: { $0.0 < $1.0 }) {
            hasher.update(data: Data((relative + "\0").utf8))
            hasher.update(data: (try? Data(contentsOf: url, options: .mappedIfSafe)) ?? Data("unreadable".utf8))
            hasher.update(data: Data([0]))
        }
        return hasher.finalize().map { String(format: "%02x", $0) }.joined()
    }
}
