import ArgumentParser
import Foundation
import Kernel
import NotebookJSON

/// `swift-inference install [--user | --prefix P]`: copies the kernel, worker, support library and
/// modules out of the build folder and writes the `swift-inference` kernelspec pointing at the copies.
struct InstallCommand: ParsableCommand {
    static let configuration = CommandConfiguration(
        commandName: "install",
        abstract: "Install the Swift (Inference) Jupyter kernel.",
        discussion: """
            Copies bin/swift-inference, bin/swift-inference-worker, lib/libNotebookSupport.so and the
            Inference, Figures and CellRuntime modules into <data>/swift-inference, extracts their symbol
            graphs for completion, and writes the kernelspec 'swift-inference' with absolute paths, so it
            keeps working after the build folder is cleaned.
            """)

    @Flag(name: .long, help: "Install for this user (~/.local/share); the default.")
    var user = false

    @Option(name: .long, help: "Install under this prefix (P/share/swift-inference, P/share/jupyter/kernels).")
    var prefix: String?

    func validate() throws {
        if user && prefix != nil { throw ValidationError("give --user or --prefix, not both") }
    }

    func run() throws {
        let fileManager = FileManager.default
        let share: URL
        if let prefix {
            share = URL(fileURLWithPath: prefix).standardizedFileURL.appendingPathComponent("share")
        } else {
            let home = ProcessInfo.processInfo.environment["HOME"] ?? NSHomeDirectory()
            let dataHome =
                ProcessInfo.processInfo.environment["XDG_DATA_HOME"].flatMap { $0.isEmpty ? nil : $0 }
                ?? home + "/.local/share"
            share = URL(fileURLWithPath: dataHome)
        }
        let root = share.appendingPathComponent("swift-inference")
        let kernelDirectory = share.appendingPathComponent("jupyter/kernels/swift-inference")
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

        var copies: [(URL, URL)] = [
            (source.appendingPathComponent("swift-inference"), root.appendingPathComponent("bin/swift-inference")),
            (
                source.appendingPathComponent("swift-inference-worker"),
                root.appendingPathComponent("bin/swift-inference-worker")
            ),
            (sourceLibrary, root.appendingPathComponent("lib/libNotebookSupport.so")),
        ]
        // NotebookJSON is imported (internally) by CellRuntime, so loading CellRuntime needs it too.
        for module in LibrarySymbolIndex.libraryModules + ["NotebookJSON"] {
            for suffix in ["swiftmodule", "swiftdoc", "swiftsourceinfo"] {
                let file = sourceModules.appendingPathComponent("\(module).\(suffix)")
                if suffix != "swiftmodule" && !fileManager.fileExists(atPath: file.path) { continue }
                copies.append((file, root.appendingPathComponent("modules/\(module).\(suffix)")))
            }
        }
        for (from, to) in copies {
            guard fileManager.fileExists(atPath: from.path) else {
                throw ValidationError("'\(from.path)' is missing: build the package first (swift build)")
            }
            if from.standardizedFileURL.path == to.standardizedFileURL.path { continue }
            try fileManager.createDirectory(at: to.deletingLastPathComponent(), withIntermediateDirectories: true)
            // Copy beside, then rename: a running kernel keeps its old binary.
            let temporary = to.deletingLastPathComponent().appendingPathComponent(".\(to.lastPathComponent).new")
            try? fileManager.removeItem(at: temporary)
            try fileManager.copyItem(at: from, to: temporary)
            guard rename(temporary.path, to.path) == 0 else {
                throw ValidationError("cannot move '\(temporary.path)' to '\(to.path)'")
            }
        }

        let modules = root.appendingPathComponent("modules")
        let symbols = modules.appendingPathComponent("symbols")
        try? fileManager.removeItem(at: symbols)
        if !LibrarySymbolIndex.extract(
            swiftc: EngineLocation.swiftc(), moduleDirectory: modules.path, outputDirectory: symbols.path)
        {
            print("warning: could not extract symbol graphs; completion will extract them on first use")
            try? fileManager.removeItem(at: symbols)
        }

        try writeKernelspec(
            into: kernelDirectory, executable: root.appendingPathComponent("bin/swift-inference").path, source: source)
        print("Installed the Swift (Inference) kernel:")
        print("  files:      \(root.path)")
        print("  kernelspec: \(kernelDirectory.path)")
    }

    /// Writes `kernel.json` (from the repository template when found) and the logos.
    func writeKernelspec(into directory: URL, executable: String, source: URL) throws {
        let fileManager = FileManager.default
        try fileManager.createDirectory(at: directory, withIntermediateDirectories: true)
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
        try Data(spec.serializedBytes(.pretty(indent: 2)) + [0x0A]).write(
            to: directory.appendingPathComponent("kernel.json"))
        var logosFound = false
        for logo in ["logo-32x32.png", "logo-64x64.png", "logo-svg.svg"] {
            guard let templates, fileManager.fileExists(atPath: templates.appendingPathComponent(logo).path) else {
                continue
            }
            let target = directory.appendingPathComponent(logo)
            try? fileManager.removeItem(at: target)
            try fileManager.copyItem(at: templates.appendingPathComponent(logo), to: target)
            logosFound = true
        }
        // Keep the logos beside the installed files, so a reinstall from there finds them too.
        if let templates, logosFound {
            let keep = URL(fileURLWithPath: executable).deletingLastPathComponent().deletingLastPathComponent()
                .appendingPathComponent("kernelspec")
            if keep.standardizedFileURL.path != templates.standardizedFileURL.path {
                try? fileManager.removeItem(at: keep)
                try? fileManager.copyItem(at: templates, to: keep)
            }
        }
    }
}
