import Foundation

/// Where the engine finds the compiler, the worker, the support library and its cache.
public struct EngineConfiguration: Sendable, Hashable {
    /// The `swiftc` to compile cells with.
    public var swiftc: String
    /// The `swift-inference-worker` executable.
    public var worker: String
    /// A folder holding `libNotebookSupport.so`.
    public var supportDirectory: String
    /// A folder holding the `.swiftmodule`s cells import (`Inference`, `Figures`, `CellRuntime`).
    public var modulesDirectory: String
    /// The build cache folder (created when missing).
    public var cacheDirectory: String
    /// Pre-warmed build caches that are only read, after `cacheDirectory` (`SWIFT_INFERENCE_SHARED_CACHE`,
    /// else an installed layout's `warm-cache` folder when there is one). See CacheLayers.swift.
    public var sharedCacheDirectories: [String] = []
    /// The folder cells run in (relative paths in a cell start here); `nil` keeps the caller's. Jupyter
    /// front ends start a kernel in the notebook's folder, and the runner does the same.
    public var workingDirectory: String?
    /// The most memory, in bytes, the worker may allocate (its data segment limit, which counts heap,
    /// anonymous mappings and thread stacks); `nil` for no limit. A cell that needs more fails with an
    /// out-of-memory error instead of taking the memory of every other kernel on the machine.
    public var memoryLimit: UInt64?
    /// The most the build cache may hold, in bytes (`SWIFT_INFERENCE_CACHE_LIMIT`, default 2 GiB); the
    /// entries used least recently go first. `nil` for no limit.
    public var cacheLimit: UInt64?
    /// Cache entries used more recently than this are never evicted: other kernels may still import them.
    public var cacheProtectedAge: Duration = .seconds(3600)

    public init(
        swiftc: String, worker: String, supportDirectory: String, modulesDirectory: String? = nil,
        cacheDirectory: String, workingDirectory: String? = nil,
        memoryLimit: UInt64? = EngineConfiguration.defaultMemoryLimit()
    ) {
        self.swiftc = swiftc
        self.worker = worker
        self.supportDirectory = supportDirectory
        self.modulesDirectory = modulesDirectory ?? supportDirectory
        self.cacheDirectory = cacheDirectory
        self.workingDirectory = workingDirectory
        self.memoryLimit = memoryLimit
        let environment = ProcessInfo.processInfo.environment
        if let text = environment["SWIFT_INFERENCE_CACHE_LIMIT"], let parsed = EngineConfiguration.parseByteCount(text) {
            cacheLimit = parsed == 0 ? nil : parsed
        } else {
            cacheLimit = 2 << 30
        }
    }

    /// The worker's memory limit: `SWIFT_INFERENCE_MEMORY_LIMIT` (bytes, or with a `K`, `M`, `G` suffix;
    /// `0` or `none` for no limit), else half of the memory this process may use: the machine's physical
    /// memory, or the container's limit (its cgroup's) when that is lower, as in a JupyterHub pod.
    public static func defaultMemoryLimit(
        environment: [String: String] = ProcessInfo.processInfo.environment,
        cgroupRoot: String = "/sys/fs/cgroup"
    ) -> UInt64? {
        if let text = environment["SWIFT_INFERENCE_MEMORY_LIMIT"], let parsed = parseByteCount(text) {
            return parsed == 0 ? nil : parsed
        }
        var available = ProcessInfo.processInfo.physicalMemory
        if let container = containerMemoryLimit(cgroupRoot: cgroupRoot) { available = min(available, container) }
        return available / 2
    }

    /// The memory limit of this process's cgroup (v2 `memory.max`, else v1 `memory.limit_in_bytes`), or `nil`
    /// when there is none ("max", or v1's huge "unlimited" value).
    static func containerMemoryLimit(cgroupRoot: String) -> UInt64? {
        for file in ["memory.max", "memory/memory.limit_in_bytes"] {
            guard let text = try? String(contentsOfFile: cgroupRoot + "/" + file, encoding: .utf8) else { continue }
            let value = text.trimmingCharacters(in: .whitespacesAndNewlines)
            guard let bytes = UInt64(value), bytes < 1 << 60 else { return nil }
            return bytes
        }
        return nil
    }

    /// `"4G"`, `"512M"`, `"1048576"`, `"none"` (0) → bytes; `nil` when malformed.
    public static func parseByteCount(_ text: String) -> UInt64? {
        let trimmed = text.trimmingCharacters(in: .whitespaces).uppercased()
        if trimmed == "NONE" { return 0 }
        let units: [Character: UInt64] = ["K": 1 << 10, "M": 1 << 20, "G": 1 << 30, "T": 1 << 40]
        var digits = Substring(trimmed)
        var scale: UInt64 = 1
        if digits.hasSuffix("IB") { digits = digits.dropLast(2) } else if digits.hasSuffix("B") { digits = digits.dropLast() }
        if let last = digits.last, let unit = units[last] {
            scale = unit
            digits = digits.dropLast()
        }
        guard let value = Double(digits), value >= 0, value.isFinite else { return nil }
        return UInt64(value * Double(scale))
    }

    /// The shared library every cell links against.
    public var supportLibrary: String { supportDirectory + "/libNotebookSupport.so" }
}
