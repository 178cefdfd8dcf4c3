import ArgumentParser
import CellEngine
import Foundation
import NotebookJSON

/// `swift-inference doctor`: checks, in plain words, what the kernel Jupyter would start needs — the
/// kernelspec and the files it points at, the Swift toolchain, libzmq, the build cache folder, the
/// temporary folder and the memory limits — then runs one cell. Exits 1 when something is broken.
struct DoctorCommand: ParsableCommand {
    static let configuration = CommandConfiguration(
        commandName: "doctor",
        abstract: "Check the installed kernel and say what is missing or broken.",
        discussion: """
            Finds the kernelspec Jupyter would pick (asking `jupyter kernelspec list --json`, else searching \
            Jupyter's folders itself), applies its env as Jupyter would, and checks: the files it points at, \
            the Swift toolchain and whether it is the one the modules were built with, libzmq, the build \
            cache folder (who owns it, whether this user can write it, whether other users share it, free \
            space), the temporary folder, and the worker's memory limit against the machine's and the \
            container's; then it compiles and runs `1 + 1` as a kernel would. Each line starts with ok, \
            warn or FAIL. Exit status 1 when anything failed, 0 otherwise (warnings included).
            """)

    @Option(name: .long, help: "The kernelspec to check.")
    var name = "swift-inference"

    @Flag(name: .customLong("no-cell"), help: "Do not compile and run a test cell.")
    var noCell = false

    func run() throws {
        var report = DoctorReport()
        var environment = ProcessInfo.processInfo.environment
        let spec = DoctorChecks.kernelspec(name: name, environment: environment, report: &report)
        if let spec {
            // Jupyter starts the kernel with its own environment plus the kernelspec's env.
            for (key, value) in spec.environment {
                environment[key] = value
                setenv(key, value, 1)
            }
        }
        let install = spec.flatMap { DoctorChecks.installation(executable: $0.executable, report: &report) }
        let swiftc = DoctorChecks.toolchain(environment: environment, installRoot: install, report: &report)
        DoctorChecks.zeroMQ(kernelExecutable: spec?.executable, report: &report)
        let cache = DoctorChecks.cache(environment: environment, report: &report)
        DoctorChecks.temporaryFolder(environment: environment, report: &report)
        DoctorChecks.memory(environment: environment, report: &report)
        if !noCell {
            let temporary = PrivateTemporaryFolder.enter()
            defer { PrivateTemporaryFolder.leave(temporary) }
            if let spec, install != nil, swiftc != nil, cache {
                DoctorChecks.runCell(executable: spec.executable, report: &report)
            } else {
                report.add(.fail, "cell", "not tried: fix the problems above first")
            }
        }
        print(report.text)
        if report.failed { throw ExitCode(1) }
    }
}

/// The lines `doctor` prints.
struct DoctorReport {
    enum Status: String { case ok = "ok  ", warn = "warn", fail = "FAIL" }
    private(set) var lines: [String] = []
    private(set) var failed = false
    private(set) var warned = false

    mutating func add(_ status: Status, _ topic: String, _ message: String, fix: String? = nil) {
        if status == .fail { failed = true }
        if status == .warn { warned = true }
        let padded = topic.padding(toLength: 11, withPad: " ", startingAt: 0)
        lines.append("\(status.rawValue)  \(padded) \(message)")
        if let fix { lines.append("      \(String(repeating: " ", count: 11)) fix: \(fix)") }
    }

    var text: String {
        let summary =
            failed
            ? "Something the kernel needs is broken or missing (the FAIL lines above)."
            : warned ? "The kernel can run; read the warnings above." : "Everything the kernel needs is in place."
        return (lines + [summary]).joined(separator: "\n")
    }
}

/// The checks, one function each; each adds its lines to the report.
enum DoctorChecks {
    struct Kernelspec {
        var directory: String
        var executable: String
        var environment: [String: String]
    }

    /// Finds and reads the kernelspec.
    static func kernelspec(name: String, environment: [String: String], report: inout DoctorReport) -> Kernelspec? {
        var directory: String?
        var how = ""
        if let jupyter = ChildProcess.which("jupyter", environment: environment) {
            if let listed = ChildProcess.run(jupyter, ["kernelspec", "list", "--json"], timeout: 60), listed.status == 0,
                let start = listed.output.firstIndex(of: "{"),
                let json = try? JSONValue(parsing: Array(listed.output[start...].utf8))
            {
                directory = json["kernelspecs"]?[name]?["resource_dir"]?.stringValue
                how = "as `jupyter kernelspec list` finds it"
                if directory == nil {
                    report.add(
                        .fail, "kernelspec", "Jupyter (\(jupyter)) has no kernel named '\(name)'",
                        fix: "swift-inference install --user (or --sys-prefix, --prefix P with P/share/jupyter on JUPYTER_PATH)")
                    return nil
                }
            } else {
                report.add(.warn, "jupyter", "`\(jupyter) kernelspec list --json` failed; searching Jupyter's folders here")
            }
        } else {
            report.add(
                .warn, "jupyter", "no `jupyter` on PATH; searching Jupyter's folders here",
                fix: "install Jupyter (pip install jupyterlab) in the environment that serves notebooks")
        }
        if directory == nil {
            let sysPrefix = try? JupyterPaths.sysPrefix(environment).prefix
            directory = JupyterPaths.kernelSearchPath(environment, sysPrefix: sysPrefix)
                .map { $0 + "/" + name }
                .first { FileManager.default.fileExists(atPath: $0 + "/kernel.json") }
            how = "first in Jupyter's search path"
            guard directory != nil else {
                report.add(
                    .fail, "kernelspec", "no kernelspec '\(name)' in Jupyter's folders",
                    fix: "swift-inference install --user (or --sys-prefix, or --prefix P)")
                return nil
            }
        }
        guard let directory else { return nil }
        let file = directory + "/kernel.json"
        guard let data = FileManager.default.contents(atPath: file), let json = try? JSONValue(parsing: Array(data)) else {
            report.add(.fail, "kernelspec", "\(file) is missing or not valid JSON", fix: "install the kernel again")
            return nil
        }
        guard let executable = json["argv"]?.arrayValue?.first?.stringValue else {
            report.add(.fail, "kernelspec", "\(file) has no argv", fix: "install the kernel again")
            return nil
        }
        var env: [String: String] = [:]
        for (key, value) in json["env"]?.objectValue ?? [:] { env[key] = value.stringValue ?? "" }
        guard FileManager.default.isExecutableFile(atPath: executable) else {
            report.add(
                .fail, "kernelspec", "\(file) starts \(executable), which does not exist or cannot be run",
                fix: "install the kernel again from a build or an installed copy")
            return nil
        }
        let extra = env.isEmpty ? "" : "; env " + env.keys.sorted().joined(separator: ", ")
        report.add(.ok, "kernelspec", "'\(name)' at \(directory) (\(how)), runs \(executable)\(extra)")
        return Kernelspec(directory: directory, executable: executable, environment: env)
    }

    /// Checks the files around the kernel executable; returns the install root when complete.
    static func installation(executable: String, report: inout DoctorReport) -> String? {
        guard let configuration = try? EngineConfiguration.locate(executable: executable) else {
            report.add(
                .fail, "install", "no libNotebookSupport.so beside \(executable) (lib/ in an install, or a build folder)",
                fix: "install the kernel again")
            return nil
        }
        var missing: [String] = []
        if !FileManager.default.isExecutableFile(atPath: configuration.worker) { missing.append(configuration.worker) }
        for module in LibraryModules.installed {
            let path = configuration.modulesDirectory + "/\(module).swiftmodule"
            if !FileManager.default.fileExists(atPath: path) { missing.append(path) }
        }
        let root = URL(fileURLWithPath: configuration.supportDirectory).deletingLastPathComponent().path
        guard missing.isEmpty else {
            report.add(.fail, "install", "missing: " + missing.joined(separator: ", "), fix: "install the kernel again")
            return nil
        }
        let writable = access(root, W_OK) == 0 ? "" : " (read-only to this user, as it may be)"
        report.add(.ok, "install", "\(root): worker, support library and modules present\(writable)")
        return root
    }

    /// Finds the compiler cells use and compares its version with the one the modules were built with.
    static func toolchain(environment: [String: String], installRoot: String?, report: inout DoctorReport) -> String? {
        guard let swiftc = try? EngineConfiguration.findCompiler(environment) else {
            report.add(
                .fail, "toolchain", "no swiftc: not in $SWIFTC, on PATH, or at /opt/swift/usr/bin",
                fix: "install the Swift 6.3 toolchain (swift.org) to /opt/swift, or set SWIFTC in the kernelspec's env")
            return nil
        }
        guard let text = Toolchain.versionText(swiftc: swiftc), let version = Toolchain.versionNumber(in: text) else {
            report.add(.fail, "toolchain", "\(swiftc) does not run (`swiftc --version` failed)", fix: "reinstall the toolchain")
            return nil
        }
        if let installRoot,
            let built = try? String(contentsOfFile: installRoot + "/toolchain-version.txt", encoding: .utf8),
            let builtVersion = Toolchain.versionNumber(in: built), builtVersion != version
        {
            report.add(
                .fail, "toolchain",
                "swiftc \(version) at \(swiftc), but the installed modules were built with \(builtVersion): cells cannot import them",
                fix: "put Swift \(builtVersion) first (SWIFTC in the kernelspec's env), or rebuild and install again")
            return nil
        }
        report.add(.ok, "toolchain", "Swift \(version) at \(swiftc)")
        return swiftc
    }

    /// libzmq as this program loaded it, and whether the kernel executable itself starts.
    static func zeroMQ(kernelExecutable: String?, report: inout DoctorReport) {
        // /proc files say they are empty, so read to the end rather than by their size.
        let maps = FileHandle(forReadingAtPath: "/proc/self/maps").map {
            String(decoding: $0.readDataToEndOfFile(), as: UTF8.self)
        } ?? ""
        let loaded = maps.split(separator: "\n").compactMap { line -> String? in
            guard let path = line.split(separator: " ", omittingEmptySubsequences: true).last, path.contains("libzmq")
            else { return nil }
            return String(path)
        }.first
        if let loaded {
            report.add(.ok, "libzmq", URL(fileURLWithPath: loaded).resolvingSymlinksInPath().path)
        } else {
            report.add(.warn, "libzmq", "not loaded by this program (unexpected)")
        }
        guard let kernelExecutable else { return }
        guard let started = ChildProcess.run(kernelExecutable, ["--help"], timeout: 60), started.status == 0 else {
            let reason = ChildProcess.run(kernelExecutable, ["--help"], timeout: 60)?.output
                .split(separator: "\n").first.map(String.init) ?? "it cannot be started"
            let fix =
                reason.contains("libzmq")
                ? "apt-get install libzmq5 (Debian, Ubuntu)" : "install the kernel again, with its toolchain present"
            report.add(.fail, "libzmq", "the kernel \(kernelExecutable) does not start: \(reason)", fix: fix)
            return
        }
    }

    /// The build cache folder: where, whose, writable, shared, free space. Returns whether cells can use it.
    static func cache(environment: [String: String], report: inout DoctorReport) -> Bool {
        let folder = EngineConfiguration.cacheDirectory(environment)
        let source =
            environment["SWIFT_INFERENCE_CACHE"].map { _ in "SWIFT_INFERENCE_CACHE" }
            ?? environment["XDG_CACHE_HOME"].map { _ in "XDG_CACHE_HOME" } ?? "HOME"
        if let limit = environment["SWIFT_INFERENCE_CACHE_LIMIT"], EngineConfiguration.parseByteCount(limit) == nil {
            report.add(
                .fail, "cache", "SWIFT_INFERENCE_CACHE_LIMIT='\(limit)' is not a size",
                fix: "write it as 2G, 500M, a number of bytes, or none")
        }
        // The nearest folder that exists: the cache is created below it on first use.
        var existing = folder
        while !FileManager.default.fileExists(atPath: existing) && existing != "/" {
            existing = URL(fileURLWithPath: existing).deletingLastPathComponent().path
        }
        var info = stat()
        guard stat(existing, &info) == 0 else {
            report.add(.fail, "cache", "\(folder) (from \(source)): cannot look at \(existing)")
            return false
        }
        // Can this user really create files there? (Ask by doing: access() is root's friend.)
        let probeFolder = existing == folder ? folder : existing
        var template = Array((probeFolder + "/.doctor-XXXXXX").utf8CString)
        let probe = template.withUnsafeMutableBufferPointer { mkdtemp($0.baseAddress!) }.map { String(cString: $0) }
        if let probe { rmdir(probe) }
        let owner = info.st_uid == getuid() ? "yours" : "owned by \(userName(info.st_uid))"
        let mode = String(info.st_mode & 0o7777, radix: 8)
        let place = existing == folder ? "\(folder)" : "\(folder) (not there yet; made in \(existing))"
        guard probe != nil else {
            report.add(
                .fail, "cache", "\(place), from \(source): this user cannot write there (\(owner), mode \(mode))",
                fix: "set SWIFT_INFERENCE_CACHE (kernelspec env or environment) to a folder this user owns, or fix its owner")
            return false
        }
        var notes = ["\(owner), mode \(mode), writable"]
        let sharedWithOthers = info.st_uid != getuid() || info.st_mode & 0o022 != 0
        var sharedWarning: String?
        if sharedWithOthers {
            if info.st_mode & 0o002 != 0 && info.st_mode & 0o1000 == 0 {
                sharedWarning = "every user may write and delete entries here (mode \(mode), no sticky bit)"
            } else {
                notes.append("shared with other users")
            }
        }
        var space = statvfs()
        if statvfs(existing, &space) == 0 {
            let free = UInt64(space.f_bavail) * UInt64(space.f_frsize)
            notes.append("\(formatBytes(free)) free")
            if free < 500 << 20 {
                report.add(.warn, "cache", "\(place): only \(formatBytes(free)) free; a cell's library takes about 1 MB")
            }
        }
        if let sharedWarning {
            report.add(
                .warn, "cache", "\(place): \(sharedWarning)",
                fix: "give each user a cache of their own (the default, under $HOME), or a shared folder with the sticky bit")
        } else {
            report.add(.ok, "cache", "\(place) (from \(source)): " + notes.joined(separator: ", "))
        }
        return true
    }

    /// `$TMPDIR` or `/tmp`: writable; and a leftover `/tmp/TemporaryItems` of another user is harmless now.
    static func temporaryFolder(environment: [String: String], report: inout DoctorReport) {
        let folder = environment["TMPDIR"].flatMap { $0.isEmpty ? nil : $0 } ?? "/tmp"
        var template = Array((folder + "/swift-inference-doctor-XXXXXX").utf8CString)
        guard let made = template.withUnsafeMutableBufferPointer({ mkdtemp($0.baseAddress!) }) else {
            report.add(
                .fail, "temp", "cannot create a private folder in \(folder): \(String(cString: strerror(errno)))",
                fix: "set TMPDIR to a folder this user can write")
            return
        }
        rmdir(made)
        var note = ""
        var info = stat()
        if stat("/tmp/TemporaryItems", &info) == 0 && info.st_uid != getuid() {
            note = "; /tmp/TemporaryItems belongs to \(userName(info.st_uid)), which this version no longer uses"
        }
        report.add(.ok, "temp", "\(folder): private folders can be made there\(note)")
    }

    /// The worker's memory limit against the machine's memory and the container's (cgroup) limit.
    static func memory(environment: [String: String], report: inout DoctorReport) {
        let physical = ProcessInfo.processInfo.physicalMemory
        let text = environment["SWIFT_INFERENCE_MEMORY_LIMIT"]
        if let text, EngineConfiguration.parseByteCount(text) == nil {
            report.add(
                .fail, "memory", "SWIFT_INFERENCE_MEMORY_LIMIT='\(text)' is not a size",
                fix: "write it as 4G, 512M, a number of bytes, or none")
            return
        }
        let limit = EngineConfiguration.defaultMemoryLimit(environment: environment)
        let described =
            limit.map { formatBytes($0) + (text == nil ? " (half the machine's memory, the default)" : " (SWIFT_INFERENCE_MEMORY_LIMIT)") }
            ?? "none (SWIFT_INFERENCE_MEMORY_LIMIT=\(text ?? ""))"
        var message = "worker limit \(described); machine \(formatBytes(physical))"
        let container = containerMemoryLimit()
        if let container { message += ", container limit \(formatBytes(container))" }
        if let container, limit.map({ $0 >= container }) ?? true {
            report.add(
                .warn, "memory", message + ": a cell that uses much memory gets the whole kernel killed instead of an out-of-memory error",
                fix: "set SWIFT_INFERENCE_MEMORY_LIMIT below the container's limit (docs/deploy.md)")
        } else {
            report.add(.ok, "memory", message)
        }
    }

    /// The cgroup memory limit of this process (v2 `memory.max`, else v1 `memory.limit_in_bytes`), if any.
    static func containerMemoryLimit() -> UInt64? {
        for file in ["/sys/fs/cgroup/memory.max", "/sys/fs/cgroup/memory/memory.limit_in_bytes"] {
            guard let text = try? String(contentsOfFile: file, encoding: .utf8) else { continue }
            guard let value = UInt64(text.trimmingCharacters(in: .whitespacesAndNewlines)) else { return nil }
            // v1 says "no limit" with a huge number.
            return value >= 1 << 60 || value >= ProcessInfo.processInfo.physicalMemory ? nil : value
        }
        return nil
    }

    /// Compiles and runs `1 + 1` with the installed files, as the kernel would.
    static func runCell(executable: String, report: inout DoctorReport) {
        let started = ContinuousClock.now
        do {
            let configuration = try EngineConfiguration.locate(executable: executable)
            let session = try CellSession(configuration: configuration)
            defer { session.shutdown() }
            let outcome = session.execute("1 + 1", options: ExecuteOptions(timeout: .seconds(300)), onEvent: { _ in })
            let elapsed = (ContinuousClock.now - started).components
            let seconds = Double(elapsed.seconds) + Double(elapsed.attoseconds) / 1e18
            switch outcome {
            case .success(let success) where success.result?.data["text/plain"] == "2":
                report.add(.ok, "cell", String(format: "compiled and ran `1 + 1` = 2 in %.2f s (with the worker's start)", seconds))
            case .success(let success):
                report.add(.fail, "cell", "`1 + 1` gave \(success.result?.data["text/plain"] ?? "no result"), not 2")
            case .failure(let failure):
                report.add(.fail, "cell", "`1 + 1` failed: \(failure.name): \(failure.message)")
            }
        } catch {
            report.add(.fail, "cell", "cannot start the cell engine: \(error)")
        }
    }

    static func userName(_ uid: uid_t) -> String {
        guard let entry = getpwuid(uid), let name = entry.pointee.pw_name else { return "uid \(uid)" }
        return "\(String(cString: name)) (uid \(uid))"
    }

    static func formatBytes(_ bytes: UInt64) -> String {
        let gib = Double(bytes) / Double(1 << 30)
        return gib >= 1 ? String(format: "%.1f GiB", gib) : String(format: "%.0f MiB", Double(bytes) / Double(1 << 20))
    }
}
