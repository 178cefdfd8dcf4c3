import CellEngine
import Foundation

extension LibrarySymbolIndex {
    /// Writes the symbol graphs of the library modules with `swift-symbolgraph-extract`.
    /// - Parameters:
    ///   - swiftc: the compiler; `swift-symbolgraph-extract` is looked for beside it.
    ///   - moduleDirectory: the folder holding `Inference.swiftmodule` and the others.
    ///   - outputDirectory: where `*.symbols.json` go (created when missing).
    /// - Returns: `true` when every module was extracted.
    @discardableResult
    public static func extract(swiftc: String, moduleDirectory: String, outputDirectory: String) -> Bool {
        let tool = URL(fileURLWithPath: swiftc).deletingLastPathComponent().appendingPathComponent(
            "swift-symbolgraph-extract")
        guard FileManager.default.isExecutableFile(atPath: tool.path) else { return false }
        try? FileManager.default.createDirectory(atPath: outputDirectory, withIntermediateDirectories: true)
        var machine = utsname()
        uname(&machine)
        let architecture = withUnsafeBytes(of: machine.machine) {
            String(decoding: $0.prefix { $0 != 0 }, as: UTF8.self)
        }
        var succeeded = true
        for module in LibraryModules.visible {
            guard FileManager.default.fileExists(atPath: "\(moduleDirectory)/\(module).swiftmodule") else {
                succeeded = false
                continue
            }
            let process = Process()
            process.executableURL = tool
            process.arguments = [
                "-module-name", module, "-I", moduleDirectory, "-target", "\(architecture)-unknown-linux-gnu",
                "-output-dir", outputDirectory, "-minimum-access-level", "public", "-skip-synthesized-members",
            ]
            process.standardOutput = FileHandle.nullDevice
            process.standardError = FileHandle.nullDevice
            do {
                try process.run()
                process.waitUntilExit()
                if process.terminationStatus != 0 { succeeded = false }
            } catch {
                succeeded = false
            }
        }
        return succeeded
    }

    /// The library index: from `<moduleDirectory>/symbols` when an install wrote it there, else from a
    /// cache folder keyed by the modules' modification time, extracting it when missing.
    /// - Parameters:
    ///   - swiftc: the compiler (to find `swift-symbolgraph-extract`).
    ///   - moduleDirectory: the folder holding the `.swiftmodule`s.
    ///   - cacheDirectory: a writable folder for extracted graphs.
    /// - Returns: the index; empty when nothing could be found or extracted.
    public static func loadOrExtract(swiftc: String, moduleDirectory: String, cacheDirectory: String)
        -> LibrarySymbolIndex
    {
        let installed = moduleDirectory + "/symbols"
        if FileManager.default.fileExists(atPath: installed + "/Inference.symbols.json") {
            return load(directory: installed)
        }
        var stamp = 0
        for module in LibraryModules.visible {
            let attributes = try? FileManager.default.attributesOfItem(
                atPath: "\(moduleDirectory)/\(module).swiftmodule")
            if let date = attributes?[.modificationDate] as? Date { stamp ^= Int(date.timeIntervalSince1970 * 1000) }
        }
        let cached = "\(cacheDirectory)/symbols-\(String(stamp, radix: 16))"
        if !FileManager.default.fileExists(atPath: cached + "/Inference.symbols.json") {
            let partial = cached + ".partial-\(getpid())"
            extract(swiftc: swiftc, moduleDirectory: moduleDirectory, outputDirectory: partial)
            try? FileManager.default.removeItem(atPath: cached)
            try? FileManager.default.moveItem(atPath: partial, toPath: cached)
        }
        return load(directory: cached)
    }
}
