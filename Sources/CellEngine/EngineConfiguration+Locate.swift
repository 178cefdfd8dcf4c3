import Foundation

extension EngineConfiguration {
    /// Finds the compiler, the worker and the support library for the running program.
    ///
    /// Looks, in order, at `SWIFT_INFERENCE_HOME` (an installed layout), the folder of the running
    /// executable in its installed layout (`bin/`, `lib/`, `modules/`), and the SwiftPM build folder it
    /// runs from (`.build/<config>/`, with modules in `Modules/`). `SWIFTC` overrides the compiler,
    /// found otherwise on `PATH` or next to the Swift runtime; `SWIFT_INFERENCE_CACHE` the cache folder
    /// (default `$XDG_CACHE_HOME/swift-inference` or `~/.cache/swift-inference`);
    /// `SWIFT_INFERENCE_SHARED_CACHE` the read-only, pre-warmed caches read after it.
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
                var configuration = EngineConfiguration(
                    swiftc: try findCompiler(environment), worker: binDirectory + "/swift-inference-worker",
                    supportDirectory: root + "/lib", modulesDirectory: root + "/modules",
                    cacheDirectory: cacheDirectory(environment))
                configuration.sharedCacheDirectories = sharedCacheDirectories(environment, installRoot: root)
                return configuration
            }
            if fm.fileExists(atPath: binDirectory + "/libNotebookSupport.so") {
                var configuration = EngineConfiguration(
                    swiftc: try findCompiler(environment), worker: binDirectory + "/swift-inference-worker",
                    supportDirectory: binDirectory, modulesDirectory: binDirectory + "/Modules",
                    cacheDirectory: cacheDirectory(environment))
                configuration.sharedCacheDirectories = sharedCacheDirectories(environment, installRoot: nil)
                return configuration
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

    /// `SWIFT_INFERENCE_SHARED_CACHE` (folders separated by `:`; empty for none), else the installed
    /// layout's `warm-cache` folder when it exists (where `swift-inference warm` puts it by default).
    static func sharedCacheDirectories(_ environment: [String: String], installRoot: String?) -> [String] {
        if let explicit = environment["SWIFT_INFERENCE_SHARED_CACHE"] {
            return explicit.split(separator: ":").map(String.init)
        }
        guard let installRoot else { return [] }
        let folder = installRoot + "/" + defaultWarmCacheName
        return FileManager.default.fileExists(atPath: folder) ? [folder] : []
    }

    /// The shared cache's folder name in an installed layout.
    public static let defaultWarmCacheName = "warm-cache"

    /// Where `swift-inference warm` writes by default: the first shared cache folder configured, else the
    /// installed layout's `warm-cache` folder; `nil` when neither applies (a build folder, no variable).
    public static func defaultWarmCache(executable: String? = nil) -> String? {
        let environment = ProcessInfo.processInfo.environment
        if let first = environment["SWIFT_INFERENCE_SHARED_CACHE"]?.split(separator: ":").first { return String(first) }
        guard let configuration = try? locate(executable: executable),
              URL(fileURLWithPath: configuration.supportDirectory).lastPathComponent == "lib"
        else { return nil }
        return URL(fileURLWithPath: configuration.supportDirectory).deletingLastPathComponent().path + "/" + defaultWarmCacheName
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
