import ArgumentParser
import CellEngine
import Foundation
import Kernel
import NotebookJSON

/// `swift-inference install [--user | --sys-prefix | --prefix P]`: copies the kernel, worker, support library
/// and modules out of the build folder and writes the kernelspec pointing at the copies, with the options
/// and destinations of `python -m ipykernel install`.
struct InstallCommand: ParsableCommand {
    static let configuration = CommandConfiguration(
        commandName: "install",
        abstract: "Install the Swift (Inference) Jupyter kernel.",
        discussion: """
            Copies bin/swift-inference, bin/swift-inference-worker, lib/libNotebookSupport.so and the \
            Inference, Figures and CellRuntime modules into <share>/swift-inference, extracts their symbol \
            graphs for completion, writes the kernelspec with absolute paths (so it keeps working after the \
            checkout and its build folder are deleted) and links <prefix>/bin/swift-inference to the copy.

            Where (as `python -m ipykernel install`): no flag, system-wide under /usr/local; \
            --user, Jupyter's user folder ($JUPYTER_DATA_DIR, else ~/.local/share/jupyter, with \
            $XDG_DATA_HOME honoured), files in ~/.local/share and the link in ~/.local/bin; --sys-prefix, \
            sys.prefix of the Python that runs Jupyter (the interpreter on the first line of the `jupyter` \
            script on PATH, else python3 on PATH); --prefix P, P/share/jupyter/kernels, P/share and P/bin.

            The installed files are read-only to the kernel: each user's build cache is in \
            $SWIFT_INFERENCE_CACHE, else $XDG_CACHE_HOME/swift-inference, else $HOME/.cache/swift-inference. \
            Installing again over a running kernel is safe (files are replaced by rename).
            """)

    @Flag(name: .long, help: "Install for this user only.")
    var user = false

    @Flag(name: .customLong("sys-prefix"), help: "Install into sys.prefix of the Python that runs Jupyter.")
    var sysPrefix = false

    @Option(name: .long, help: "Install under this prefix (P/share/swift-inference, P/share/jupyter/kernels, P/bin).")
    var prefix: String?

    @Option(name: .long, help: "The kernelspec's name.")
    var name = "swift-inference"

    @Option(name: .customLong("display-name"), help: "The name front ends show (default: Swift (Inference)).")
    var displayName: String?

    @Option(
        name: .long, parsing: .upToNextOption,
        help: ArgumentHelp(
            "An environment variable for the kernel: --env NAME VALUE or --env NAME=VALUE (repeatable).",
            valueName: "name value"))
    var env: [String] = []

    func validate() throws {
        if [user, sysPrefix, prefix != nil].filter({ $0 }).count > 1 {
            throw ValidationError("give one of --user, --sys-prefix and --prefix")
        }
        if name.isEmpty || !name.allSatisfy({ $0.isASCII && ($0.isLetter || $0.isNumber || "._-".contains($0)) }) {
            throw ValidationError("--name '\(name)' must be letters, digits, '.', '_' or '-', as Jupyter requires")
        }
        _ = try environmentOverrides()
    }

    /// `--env` values as name → value.
    func environmentOverrides() throws -> [(String, String)] {
        var pairs: [(String, String)] = []
        var index = 0
        while index < env.count {
            let word = env[index]
            if let equals = word.firstIndex(of: "="), equals != word.startIndex {
                pairs.append((String(word[..<equals]), String(word[word.index(after: equals)...])))
                index += 1
            } else if index + 1 < env.count {
                pairs.append((word, env[index + 1]))
                index += 2
            } else {
                throw ValidationError("--env \(word) needs a value: --env NAME VALUE or --env NAME=VALUE")
            }
        }
        return pairs
    }

    /// Where the files, the kernelspec and the command link go.
    struct Destination {
        var files: URL
        var kernels: URL
        var binLink: URL
        var described: String
    }

    func destination() throws -> Destination {
        let environment = ProcessInfo.processInfo.environment
        func under(_ prefix: String, _ described: String) -> Destination {
            let root = URL(fileURLWithPath: prefix).standardizedFileURL
            return Destination(
                files: root.appendingPathComponent("share/swift-inference"),
                kernels: root.appendingPathComponent("share/jupyter/kernels"),
                binLink: root.appendingPathComponent("bin/swift-inference"), described: described)
        }
        if let prefix { return under(prefix, "prefix \(prefix)") }
        if sysPrefix {
            let found = try JupyterPaths.sysPrefix(environment)
            return under(found.prefix, "sys.prefix \(found.prefix) (of \(found.python), \(found.source))")
        }
        if user {
            return Destination(
                files: URL(fileURLWithPath: JupyterPaths.userShare(environment)).appendingPathComponent("swift-inference"),
                kernels: URL(fileURLWithPath: JupyterPaths.userDataDirectory(environment)).appendingPathComponent("kernels"),
                binLink: URL(fileURLWithPath: JupyterPaths.home(environment)).appendingPathComponent(".local/bin/swift-inference"),
                described: "this user")
        }
        return under("/usr/local", "system-wide (/usr/local)")
    }

    func run() throws {
        let target = try destination()
        do {
            try install(into: target)
        } catch let error as InstallError {
            throw error
        } catch {
            let nsError = error as NSError
            let path = (nsError.userInfo[NSFilePathErrorKey] as? String).map { " at \($0)" } ?? ""
            var message = "cannot install\(path): \(nsError.localizedDescription)"
            if [CocoaError.fileWriteNoPermission.rawValue, CocoaError.fileWriteVolumeReadOnly.rawValue]
                .contains(nsError.code) || nsError.code == Int(EACCES) || nsError.code == Int(EROFS)
            {
                message += ". Perhaps you want --user, --sys-prefix or --prefix P (or to run as root)?"
            }
            throw InstallError(message)
        }
    }

    private func install(into target: Destination) throws {
        let fileManager = FileManager.default
        let root = target.files
        let kernelDirectory = target.kernels.appendingPathComponent(name)
        let source = EngineLocation.executableDirectory
        let installedSource = fileManager.fileExists(
            atPath: source.deletingLastPathComponent().appendingPathComponent("modules").path)
        let sourceModules =
            installedSource
            ? source.deletingLastPathComponent().appendingPathComponent("modules")
            : source.appendingPathComponent("Modules")
        let sourceLibrary =
            installedSource
            ? source.deletingLastPathComponent().appendingPathComponent("lib/libNotebookSupport.so")
            : source.appendingPathComponent("libNotebookSupport.so")

        var copies: [(from: URL, to: URL, mode: mode_t)] = [
            (source.appendingPathComponent("swift-inference"), root.appendingPathComponent("bin/swift-inference"), 0o755),
            (
                source.appendingPathComponent("swift-inference-worker"),
                root.appendingPathComponent("bin/swift-inference-worker"), 0o755
            ),
            (sourceLibrary, root.appendingPathComponent("lib/libNotebookSupport.so"), 0o755),
        ]
        for module in LibraryModules.installed {
            for suffix in ["swiftmodule", "swiftdoc", "swiftsourceinfo"] {
                let file = sourceModules.appendingPathComponent("\(module).\(suffix)")
                if suffix != "swiftmodule" && !fileManager.fileExists(atPath: file.path) { continue }
                copies.append((file, root.appendingPathComponent("modules/\(module).\(suffix)"), 0o644))
            }
        }
        for copy in copies where !fileManager.fileExists(atPath: copy.from.path) {
            throw InstallError("'\(copy.from.path)' is missing: build the package first (swift build -c release)")
        }
        for copy in copies {
            if copy.from.standardizedFileURL.path == copy.to.standardizedFileURL.path { continue }
            try InstallFiles.copy(copy.from, to: copy.to, mode: copy.mode)
        }

        let modules = root.appendingPathComponent("modules")
        // The compiler cells will use, found as the kernel finds it (not through symlinks: swiftc is a link
        // to swift-driver, which refuses to run under its own name).
        let swiftc = (try? EngineConfiguration.findCompiler(ProcessInfo.processInfo.environment)) ?? EngineLocation.swiftc()
        if source.deletingLastPathComponent().standardizedFileURL.path != root.standardizedFileURL.path {
            try installSymbols(modules: modules, swiftc: swiftc)
            // The compiler the modules were built with: `doctor` compares it with the one cells will use.
            if let version = Toolchain.versionText(swiftc: swiftc) {
                try InstallFiles.write(Data(version.utf8), to: root.appendingPathComponent("toolchain-version.txt"))
            }
        }

        let executable = root.appendingPathComponent("bin/swift-inference").path
        try writeKernelspec(into: kernelDirectory, executable: executable, source: source)
        let linked = InstallFiles.link(target.binLink, to: executable)
        print("Installed the Swift (Inference) kernel for \(target.described):")
        print("  files:      \(root.path)")
        print("  kernelspec: \(kernelDirectory.path)")
        print(linked.map { "  command:    \(target.binLink.path) (not linked: \($0))" } ?? "  command:    \(target.binLink.path)")
    }

    /// Extracts the symbol graphs into `modules/symbols`, replacing an earlier set by rename.
    private func installSymbols(modules: URL, swiftc: String) throws {
        let fileManager = FileManager.default
        let symbols = modules.appendingPathComponent("symbols")
        let fresh = InstallFiles.sibling(of: symbols, tag: "new")
        guard LibrarySymbolIndex.extract(swiftc: swiftc, moduleDirectory: modules.path, outputDirectory: fresh.path) else {
            print("warning: could not extract symbol graphs; completion will extract them on first use")
            try? fileManager.removeItem(at: fresh)
            return
        }
        try InstallFiles.makeReadable(fresh)
        let old = InstallFiles.sibling(of: symbols, tag: "old")
        _ = rename(symbols.path, old.path)
        if rename(fresh.path, symbols.path) != 0 {
            // Another install put its own (identical) graphs there first.
            try? fileManager.removeItem(at: fresh)
        }
        try? fileManager.removeItem(at: old)
    }

    /// Writes `kernel.json` (from the repository template when found) and the logos.
    func writeKernelspec(into directory: URL, executable: String, source: URL) throws {
        let fileManager = FileManager.default
        try InstallFiles.makeDirectory(directory)
        let templateFolders = [
            source.deletingLastPathComponent().deletingLastPathComponent().appendingPathComponent("kernelspec"),
            URL(fileURLWithPath: fileManager.currentDirectoryPath).appendingPathComponent("kernelspec"),
            source.deletingLastPathComponent().appendingPathComponent("kernelspec"),
        ]
        let templates = templateFolders.first {
            fileManager.fileExists(atPath: $0.appendingPathComponent("kernel.json").path)
        }
        var spec: JSONValue = [
            "display_name": "Swift (Inference)", "language": "swift", "interrupt_mode": "message",
            "metadata": ["debugger": false], "env": [:],
        ]
        if let templates, let data = fileManager.contents(atPath: templates.appendingPathComponent("kernel.json").path),
            let parsed = try? JSONValue(parsing: Array(data))
        {
            spec = parsed
        }
        spec["argv"] = [.string(executable), "kernel", "--connection-file", "{connection_file}"]
        if let displayName { spec["display_name"] = .string(displayName) }
        let overrides = try environmentOverrides()
        if !overrides.isEmpty {
            var environment = spec["env"] ?? [:]
            for (key, value) in overrides { environment[key] = .string(value) }
            spec["env"] = environment
        }
        try InstallFiles.write(
            Data(spec.serializedBytes(.pretty(indent: 2)) + [0x0A]), to: directory.appendingPathComponent("kernel.json"))
        var logosFound = false
        for logo in ["logo-32x32.png", "logo-64x64.png", "logo-svg.svg"] {
            guard let templates, fileManager.fileExists(atPath: templates.appendingPathComponent(logo).path) else {
                continue
            }
            try InstallFiles.copy(
                templates.appendingPathComponent(logo), to: directory.appendingPathComponent(logo), mode: 0o644)
            logosFound = true
        }
        // Keep the template beside the installed files, so a reinstall from there finds it too.
        if let templates, logosFound {
            let keep = URL(fileURLWithPath: executable).deletingLastPathComponent().deletingLastPathComponent()
                .appendingPathComponent("kernelspec")
            if keep.standardizedFileURL.path != templates.standardizedFileURL.path {
                for file in ["kernel.json", "logo-32x32.png", "logo-64x64.png", "logo-svg.svg"]
                where fileManager.fileExists(atPath: templates.appendingPathComponent(file).path) {
                    try InstallFiles.copy(
                        templates.appendingPathComponent(file), to: keep.appendingPathComponent(file), mode: 0o644)
                }
            }
        }
    }
}

/// File operations for installing into a folder other users read and other installs may write at the same
/// time: every file lands by rename from a uniquely named sibling, and modes are set, not inherited.
enum InstallFiles {
    /// A unique name beside `url` (this process, a random number), for a file that is renamed into place.
    static func sibling(of url: URL, tag: String) -> URL {
        url.deletingLastPathComponent().appendingPathComponent(
            ".\(url.lastPathComponent).\(tag)-\(getpid())-\(UInt32.random(in: 0...UInt32.max))")
    }

    /// Creates `url` and its missing parents with mode 755.
    static func makeDirectory(_ url: URL) throws {
        try FileManager.default.createDirectory(
            at: url, withIntermediateDirectories: true, attributes: [.posixPermissions: 0o755])
    }

    /// Copies `from` to `to` by way of a sibling, then renames it into place with `mode`.
    static func copy(_ from: URL, to: URL, mode: mode_t) throws {
        try makeDirectory(to.deletingLastPathComponent())
        let temporary = sibling(of: to, tag: "new")
        try FileManager.default.copyItem(at: from, to: temporary)
        try place(temporary, at: to, mode: mode)
    }

    /// Writes `data` to `to` by way of a sibling.
    static func write(_ data: Data, to: URL, mode: mode_t = 0o644) throws {
        try makeDirectory(to.deletingLastPathComponent())
        let temporary = sibling(of: to, tag: "new")
        try data.write(to: temporary)
        try place(temporary, at: to, mode: mode)
    }

    private static func place(_ temporary: URL, at destination: URL, mode: mode_t) throws {
        guard chmod(temporary.path, mode) == 0, rename(temporary.path, destination.path) == 0 else {
            let reason = String(cString: strerror(errno))
            try? FileManager.default.removeItem(at: temporary)
            throw InstallError("cannot put '\(destination.path)' in place: \(reason)")
        }
    }

    /// Gives a folder tree modes 755 (folders) and 644 (files).
    static func makeReadable(_ folder: URL) throws {
        _ = chmod(folder.path, 0o755)
        guard let walker = FileManager.default.enumerator(atPath: folder.path) else { return }
        for case let relative as String in walker {
            let path = folder.appendingPathComponent(relative).path
            var isDirectory: ObjCBool = false
            _ = FileManager.default.fileExists(atPath: path, isDirectory: &isDirectory)
            _ = chmod(path, isDirectory.boolValue ? 0o755 : 0o644)
        }
    }

    /// Points the symbolic link `link` at `target` (replacing an older link, never a file).
    /// - Returns: why it was not linked, or `nil` when it was.
    static func link(_ link: URL, to target: String) -> String? {
        let fileManager = FileManager.default
        if let existing = try? fileManager.attributesOfItem(atPath: link.path),
            existing[.type] as? FileAttributeType != .typeSymbolicLink
        {
            return "a file that is not a link is there"
        }
        do {
            try makeDirectory(link.deletingLastPathComponent())
        } catch {
            return "cannot create \(link.deletingLastPathComponent().path)"
        }
        let temporary = sibling(of: link, tag: "link")
        guard symlink(target, temporary.path) == 0 else { return String(cString: strerror(errno)) }
        guard rename(temporary.path, link.path) == 0 else {
            let reason = String(cString: strerror(errno))
            unlink(temporary.path)
            return reason
        }
        return nil
    }
}
