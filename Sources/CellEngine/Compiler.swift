import Crypto
import Foundation
import Synchronization
internal import SystemLibC

/// Compiles cells into shared libraries, with a cache keyed by content.
///
/// A cell's key is a SHA-256 over the toolchain's version, the compiler flags, the support modules'
/// contents, the cell's source and the keys of the cells it imports; the module is named after the key,
/// so a hit needs no compiler at all and a miss can never load a stale library.
final class CellCompiler: @unchecked Sendable {
    let configuration: EngineConfiguration
    let modulesCache: URL
    let librariesCache: URL
    let environmentKey: String
    /// The user's cache and the shared, pre-warmed ones (CacheLayers.swift).
    let layers: CacheLayers
    /// The command lines worked out from the drivers, or `nil` to compile through `swiftc`.
    private let recipeBox = RecipeBox()

    /// `-gline-tables-only`: line tables (no variables or types), so a crash report can name the cell's line.
    static let flags = ["-Onone", "-gline-tables-only", "-swift-version", "5", "-enable-testing", "-suppress-warnings"]

    init(configuration: EngineConfiguration) throws {
        self.configuration = configuration
        layers = try CacheLayers(
            cacheDirectory: configuration.cacheDirectory, sharedDirectories: configuration.sharedCacheDirectories)
        modulesCache = layers.writable.modules
        librariesCache = layers.writable.libraries
        environmentKey = try CellCompiler.environmentKey(configuration)
    }

    struct Output {
        var moduleName: String
        var cacheKey: String
        var library: String
        var fromCache: Bool
        /// The earlier cells' modules it imports.
        var importedModules: [String]
    }

    enum Failure: Error {
        case diagnostics(cell: [CellDiagnostic], other: [String])
    }

    /// The key and module name for a cell's generated source: it holds the cell's text and the names of the
    /// modules it imports, which are their own keys, so a cell's key changes exactly when what it is built
    /// from changes.
    func key(source: String, salt: String) -> String {
        var hasher = SHA256()
        hasher.update(data: Data(environmentKey.utf8))
        hasher.update(data: Data(salt.utf8))
        hasher.update(data: Data([0]))
        hasher.update(data: Data(source.utf8))
        return hasher.finalize().prefix(8).map { String(format: "%02x", $0) }.joined()
    }

    /// Where the last compilations' time went (added up until the caller resets it).
    var timings = CellTimings()
    /// Compiles between two looks at the cache's size (the first compile of a session looks too).
    static let evictionInterval = 25
    private var compilesSinceEviction = evictionInterval - 1

    /// The longest one compiler or linker run may take (a 10,000-line cell compiles in about 15 s).
    var timeLimit: Duration = .seconds(600)
    /// Asked while a compiler runs: `true` stops it (the session's interrupt).
    var shouldStop: (() -> Bool)?

    /// A fresh scratch folder under the cache folder.
    private func makeWorkFolder() throws -> URL {
        let parent = modulesCache.deletingLastPathComponent().appendingPathComponent("work")
        try FileManager.default.createDirectory(at: parent, withIntermediateDirectories: true)
        var template = Array((parent.path + "/cell-XXXXXX").utf8CString)
        guard let made = template.withUnsafeMutableBufferPointer({ mkdtemp($0.baseAddress!) }) else {
            throw EngineError("cannot create a scratch folder in \(parent.path): \(String(cString: strerror(errno)))")
        }
        return URL(fileURLWithPath: String(cString: made))
    }

    /// Compiles a cell, or finds it in the cache. Diagnostics are read against `diagnosticSource` (the cell
    /// as written, when the code compiled was generated from it), else against `code`.
    func compile(
        code: String, analysis: CellAnalysis, history: [CompiledCell], salt: String = "", diagnosticSource: String? = nil
    ) throws -> Output {
        let clock = ContinuousClock()
        var mark = clock.now
        func lap(_ phase: WritableKeyPath<CellTimings, Duration>) {
            let now = clock.now
            timings[keyPath: phase] += now - mark
            mark = now
        }
        let plan = ImportPlan(for: analysis, history: history)
        let source = CodeGenerator.source(for: code, analysis: analysis, plan: plan)
        // A cell compiled against installed packages is another cell: their keys and where their libraries
        // are (a cell's library names that folder) join its key.
        let packages = history.compactMap(\.package)
        let key = key(source: source, salt: packages.isEmpty ? salt : salt + "\0packages " + packages.map(\.identity).joined(separator: " "))
        lap(\.generate)
        let moduleName = "Cell_\(key)"
        // Every earlier cell this one imports is in use again.
        let imported = Set(plan.modules)
        for cell in history where imported.contains(cell.moduleName) { CacheEviction.touch(cell.library) }
        if let entry = layers.lookup(moduleName) {
            CacheEviction.touch(entry.library)
            return Output(
                moduleName: moduleName, cacheKey: key, library: entry.library, fromCache: true, importedModules: plan.modules)
        }

        let library = try build(
            source: source, moduleName: moduleName, packages: packages, diagnosticSource: diagnosticSource ?? code, lap: lap)
        compilesSinceEviction += 1
        if let limit = configuration.cacheLimit, compilesSinceEviction >= CellCompiler.evictionInterval {
            compilesSinceEviction = 0
            let held = Set(history.map(\.moduleName) + [moduleName])
            layers.evict(limit: limit, protectedAge: configuration.cacheProtectedAge, keeping: held)
        }
        lap(\.generate)
        return Output(
            moduleName: moduleName, cacheKey: key, library: library, fromCache: false, importedModules: plan.modules)
    }

    /// The *link cell* of an installed package: a module with an empty body whose library links the package's
    /// library, so that loading it (with `RTLD_GLOBAL`) loads the package for the cells after it, in this
    /// worker and in any worker that replays the history after a crash.
    func compileLink(_ package: InstalledPackage) throws -> Output {
        let source = "// swift-inference: links the package installed as \(package.key) (\(package.products.joined(separator: ", ")))\n"
        let key = key(source: source, salt: "link " + package.identity)
        let moduleName = "Cell_\(key)"
        if let entry = layers.lookup(moduleName) {
            CacheEviction.touch(entry.library)
            return Output(moduleName: moduleName, cacheKey: key, library: entry.library, fromCache: true, importedModules: [])
        }
        let library = try build(source: source, moduleName: moduleName, packages: [package], diagnosticSource: source) { _ in }
        return Output(moduleName: moduleName, cacheKey: key, library: library, fromCache: false, importedModules: [])
    }

    /// Compiles a generated source into a library in the cache; its path.
    private func build(
        source: String, moduleName: String, packages: [InstalledPackage], diagnosticSource code: String,
        lap: (WritableKeyPath<CellTimings, Duration>) -> Void
    ) throws -> String {
        // A scratch folder of this cache's own: Foundation's replacement folders live in a shared
        // /tmp/TemporaryItems that the first user to create it owns, which breaks every other user's kernel.
        let work = try makeWorkFolder()
        defer { try? FileManager.default.removeItem(at: work) }
        let sourceFile = work.appendingPathComponent("main.swift")
        try source.write(to: sourceFile, atomically: false, encoding: .utf8)
        lap(\.generate)
        let object = work.appendingPathComponent("main.o").path
        let modulePath = work.appendingPathComponent(moduleName).path
        let builtModule = modulePath + ".swiftmodule"
        let builtLibrary = work.appendingPathComponent("lib\(moduleName).so").path

        let recipe = recipeBox.recipe { self.deriveRecipe() }
        var compiled: ProcessRunner.Result? = nil
        if let recipe {
            let command = recipe.compileCommand(
                source: sourceFile.path, moduleName: moduleName, modulePath: modulePath, object: object)
                + packages.flatMap { ["-I", $0.modulesDirectory] }
            do {
                compiled = try ProcessRunner.run(command[0], Array(command.dropFirst()), limit: timeLimit, stop: shouldStop)
            } catch let stopped as ProcessRunner.Stopped {
                throw stopped
            } catch {
                compiled = nil
            }
        }
        let result = try compiled ?? ProcessRunner.run(configuration.swiftc, CompileRecipe.driverCompileArguments(
            source: sourceFile.path, moduleName: moduleName, modulePath: modulePath, object: object,
            includes: includes + packages.map(\.modulesDirectory)), limit: timeLimit, stop: shouldStop)
        lap(\.frontend)
        guard result.status == 0 else {
            let parsed = Diagnostics.parse(result.output, cellFile: CodeGenerator.cellFileName, cellSource: code)
            if parsed.cell.isEmpty && result.status > 128 {
                throw Failure.diagnostics(
                    cell: [], other: ["the compiler was stopped by signal \(result.status - 128) (\(String(cString: strsignal(result.status - 128))))"])
            }
            throw Failure.diagnostics(cell: parsed.cell, other: parsed.other)
        }
        var linked = ProcessRunner.Result(status: -1, output: "")
        if let recipe, let libraries = autolinkEntries(object: object, recipe: recipe) {
            lap(\.autolink)
            let command = recipe.linkCommand(
                object: object, library: builtLibrary, autolinked: libraries + packages.flatMap(\.linkerArguments))
            do {
                linked = try ProcessRunner.run(command[0], Array(command.dropFirst()), limit: timeLimit, stop: shouldStop)
            } catch let stopped as ProcessRunner.Stopped {
                throw stopped
            } catch {}
        }
        if linked.status != 0 {
            // No recipe, or it failed: the driver links the way it always does.
            linked = try ProcessRunner.run(
                configuration.swiftc,
                CompileRecipe.driverLinkArguments(object: object, library: builtLibrary) + packages.flatMap(\.driverLinkArguments),
                limit: timeLimit, stop: shouldStop)
        }
        guard linked.status == 0 else {
            throw Failure.diagnostics(cell: [], other: ["linking the cell failed: \(linked.output)"])
        }
        lap(\.link)
        // Library, module, then the manifest that makes them an entry.
        return try layers.publish(moduleName, library: builtLibrary, module: builtModule).library
    }

    /// The libraries the object asks for: read from its autolink section, or by `swift-autolink-extract`
    /// when the object is not one this reader knows.
    private func autolinkEntries(object: String, recipe: CompileRecipe) -> [String]? {
        if let entries = AutolinkEntries.read(objectAt: object) { return entries }
        guard let extracted = try? ProcessRunner.run(recipe.autolinkExtract, [object, "-o", "/dev/stdout"]),
              extracted.status == 0
        else { return nil }
        return extracted.output.split(separator: "\n").map(String.init)
    }

    private var includes: [String] { [configuration.modulesDirectory] + layers.moduleFolders }

    /// The recipe from the cache folder, else from the drivers (then saved for the next session).
    private func deriveRecipe() -> CompileRecipe? {
        var hasher = SHA256()
        for part in [environmentKey, configuration.swiftc] + includes { hasher.update(data: Data((part + "\n").utf8)) }
        let name = "recipe-" + hasher.finalize().prefix(8).map { String(format: "%02x", $0) }.joined() + ".json"
        let file = modulesCache.deletingLastPathComponent().appendingPathComponent(name)
        if let data = try? Data(contentsOf: file), let saved = try? JSONDecoder().decode(CompileRecipe.self, from: data) {
            return saved
        }
        guard let derived = CompileRecipe.derive(swiftc: configuration.swiftc, includes: includes) else { return nil }
        if let data = try? JSONEncoder().encode(derived) {
            let temporary = file.path + ".\(getpid())"
            if FileManager.default.createFile(atPath: temporary, contents: data) { _ = rename(temporary, file.path) }
        }
        return derived
    }

    static func environmentKey(_ configuration: EngineConfiguration) throws -> String {
        var hasher = SHA256()
        guard let version = Toolchain.versionText(swiftc: configuration.swiftc) else {
            throw EngineError("cannot run the compiler \(configuration.swiftc)")
        }
        hasher.update(data: Data(version.utf8))
        hasher.update(data: Data(flags.joined(separator: " ").utf8))
        for module in LibraryModules.installed {
            let path = URL(fileURLWithPath: configuration.modulesDirectory).appendingPathComponent("\(module).swiftmodule")
            let data = try Data(contentsOf: path)
            hasher.update(data: data)
        }
        return hasher.finalize().map { String(format: "%02x", $0) }.joined()
    }
}

/// Works a recipe out once, on first use.
private final class RecipeBox: Sendable {
    private let state = Mutex<CompileRecipe??>(.none)

    func recipe(_ derive: () -> CompileRecipe?) -> CompileRecipe? {
        state.withLock { state in
            if case .some(let known) = state { return known }
            let derived = derive()
            state = .some(derived)
            return derived
        }
    }
}

/// Runs a program to completion and collects its standard output and error together.
///
/// Spawns with `posix_spawn` and waits with `waitpid`: Foundation's `Process.waitUntilExit` polls its run
/// loop every 50 ms, which cost each compiled cell 50 ms per tool it ran.
enum ProcessRunner {
    struct Result {
        var status: Int32
        var output: String
    }

    struct LaunchError: Error, CustomStringConvertible {
        var description: String
    }

    /// The run was stopped before the program ended: by an interrupt, or at its time limit.
    struct Stopped: Error, CustomStringConvertible {
        var timedOut: Bool
        var description: String { timedOut ? "the compiler ran past its time limit" : "interrupted" }
    }

    /// Runs `executable` to its end and returns its status and output.
    ///
    /// - Parameters:
    ///   - limit: kill it after this long and throw `Stopped(timedOut: true)`.
    ///   - stop: asked four times a second; when it answers `true` the program is killed and
    ///     `Stopped(timedOut: false)` thrown.
    ///   - onOutput: given each piece of output as it arrives (a build's progress, streamed into the cell).
    /// The program gets a process group of its own, killed as a whole, so a driver's child jobs go with it
    /// and cannot hold the output pipe open.
    static func run(
        _ executable: String, _ arguments: [String], limit: Duration? = nil, stop: (() -> Bool)? = nil,
        onOutput: (([UInt8]) -> Void)? = nil
    ) throws -> Result {
        var output: [Int32] = [0, 0]
        guard makePipe(&output) else { throw LaunchError(description: "cannot create a pipe: \(String(cString: strerror(errno)))") }
        var actions = posix_spawn_file_actions_t()
        posix_spawn_file_actions_init(&actions)
        defer { posix_spawn_file_actions_destroy(&actions) }
        posix_spawn_file_actions_addopen(&actions, 0, "/dev/null", O_RDONLY, 0)
        posix_spawn_file_actions_adddup2(&actions, output[1], 1)
        posix_spawn_file_actions_adddup2(&actions, output[1], 2)
        var attributes = posix_spawnattr_t()
        posix_spawnattr_init(&attributes)
        defer { posix_spawnattr_destroy(&attributes) }
        posix_spawnattr_setpgroup(&attributes, 0)
        posix_spawnattr_setflags(&attributes, Int16(POSIX_SPAWN_SETPGROUP))
        let environment = ProcessInfo.processInfo.environment.map { "\($0.key)=\($0.value)" }
        var pid: pid_t = 0
        let status = withCStrings([executable] + arguments) { argv in
            withCStrings(environment) { envp in posix_spawn(&pid, executable, &actions, &attributes, argv, envp) }
        }
        close(output[1])
        guard status == 0 else {
            close(output[0])
            throw LaunchError(description: "cannot run \(executable): \(String(cString: strerror(status)))")
        }
        let clock = ContinuousClock()
        let deadline = limit.map { clock.now + $0 }
        var stopped: Stopped?
        var bytes: [UInt8] = []
        var buffer = [UInt8](repeating: 0, count: 65536)
        while true {
            if stopped == nil {
                if let deadline, clock.now >= deadline {
                    stopped = Stopped(timedOut: true)
                } else if stop?() == true {
                    stopped = Stopped(timedOut: false)
                }
                if stopped != nil {
                    kill(-pid, SIGKILL)
                    kill(pid, SIGKILL)
                }
            }
            var ready = pollfd(fd: output[0], events: Int16(POLLIN), revents: 0)
            let polled = poll(&ready, 1, 250)
            if polled == 0 { continue }
            if polled < 0 {
                if errno == EINTR { continue }
                break
            }
            let count = buffer.withUnsafeMutableBytes { read(output[0], $0.baseAddress, $0.count) }
            if count > 0 {
                bytes.append(contentsOf: buffer[0..<count])
                onOutput?(Array(buffer[0..<count]))
            } else if count == 0 || errno != EINTR {
                break
            }
        }
        close(output[0])
        var exitStatus: Int32 = 0
        while waitpid(pid, &exitStatus, 0) < 0 && errno == EINTR {}
        if let stopped { throw stopped }
        // Exited normally: its code; killed by a signal: 128 + the signal, as a shell reports it.
        let code = (exitStatus & 0x7f) == 0 ? (exitStatus >> 8) & 0xff : 128 + (exitStatus & 0x7f)
        return Result(status: code, output: String(decoding: bytes, as: UTF8.self))
    }
}
