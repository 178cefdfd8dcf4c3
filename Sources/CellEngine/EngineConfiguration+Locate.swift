import Foundation

extension EngineConfiguration {
    /// Finds the compiler, the worker and the support library for the running program.
    ///
    /// Looks, in order, at `SWIFT_INFERENCE_HOME` (an installed layout), the folder of the running
    /// executable in its installed layout (`bin/`, `lib/`, `modules/`), and the SwiftPM build folder it
    /// runs from (`.build/<config>/`, with modules in `Modules/`). `SWIFTC` overrides the compiler,
    /// found otherwise on `PATH` or next to the Swift runtime; `SWIFT_INFERENCE_CACHE` the cache folder
    /// (default `$XDG_CACHE_HOME/swift-inference` or `~/.cache/swift-inference`).
    public static func locate(executable: String? = nil) throws -> EngineConfiguration {
        let environment = ProcessInfo.processInfo.environment
        let fm = FileManager.default
        var candidates: [String] = []
        if let home = environment["SWIFT_INFERENCE_HOME"] { candidates.append(home + "/bin") }
        let exe = executable ?? (try? fm.destinationOfSymbolicLink(atPath: "/proc/self/exe")) ?? CommandLine.arguments[0]
        candidates.append(URL(fileURLWithPath: exe).resolvingSymlinksInPath().deletingLastPathComponent().path)

        for binDirectory in candidates {
            let root = URL(fileURLWithPath: binDirectory).deletingLastPathComponent().path
            if fm.fileExists(atPath: root + "/lib/libNotebookSupport.so") {
                return EngineConfiguration(
                    swiftc: try findCompiler(environment), worker: binDirectory + "/swift-inference-worker",
                    supportDirectory: root + "/lib", modulesDirectory: root + "/modules",
                    cacheDirectory: cacheDirectory(environment))
            }
            if fm.fileExists(atPath: binDirectory + "/libNotebookSupport.so") {
                return EngineConfiguration(
                    swiftc: try findCompiler(environment), worker: binDirectory + "/swift-inference-worker",
                    supportDirectory: binDirectory, modulesDirectory: binDirectory + "/Modules",
                    cacheDirectory: cacheDirectory(environment))
            }
        }
        throw EngineError(
            "cannot find libNotebookSupport.so near \(exe); build the project (`make`) or set SWIFT_INFERENCE_HOME")
    }

    /// `SWIFT_INFERENCE_CACHE`, else `$XDG_CACHE_HOME/swift-inference`, else `$HOME/.cache/swift-inference`;
    /// the password file's home only when `HOME` is unset. A spawner may give a user another `HOME` than the
    /// password file's (JupyterHub, `runuser` with `HOME=`), and Foundation's `NSHomeDirectory()` prefers
    /// the password file.
    public static func cacheDirectory(_ environment: [String: String]) -> String {
        func nonEmpty(_ name: String) -> String? { environment[name].flatMap { $0.isEmpty ? nil : $0 } }
        if let explicit = nonEmpty("SWIFT_INFERENCE_CACHE") { return explicit }
        if let xdg = nonEmpty("XDG_CACHE_HOME") { return xdg + "/swift-inference" }
        return (nonEmpty("HOME") ?? NSHomeDirectory()) + "/.cache/swift-inference"
    }

    public static func findCompiler(_ environment: [String: String]) throws -> String {
        if let explicit = environment["SWIFTC"] { return explicit }
        let fm = FileManager.default
        for directory in (environment["PATH"] ?? "").split(separator: ":") {
            let path = "\(directory)/swiftc"
            if fm.isExecutableFile(atPath: path) { return path }
        }
        if fm.isExecutableFile(atPath: "/opt/swift/usr/bin/swiftc") { return "/opt/swift/usr/bin/swiftc" }
        throw EngineError("cannot find swiftc: put the Swift toolchain on PATH or set SWIFTC")
    }
}
