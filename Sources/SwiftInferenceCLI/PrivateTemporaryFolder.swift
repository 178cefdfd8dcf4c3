import Foundation

/// A temporary folder of this process's own, made `TMPDIR` for everything it starts.
///
/// The kernel's children leave things in `$TMPDIR`: the Swift driver makes a `TemporaryDirectory.XXXXXX`
/// on every run and keeps it, and a student's cell may use Foundation's replacement folders
/// (`/tmp/TemporaryItems`, made with mode 700 by whichever user comes first, which then locks every other
/// user out). Pointing `TMPDIR` at a `mkdtemp` folder (mode 700, a unique name) for the life of the
/// process keeps all of that private to this kernel. It is removed when the kernel ends, or, after a kill,
/// when the same user's next kernel starts (its name carries the process id).
enum PrivateTemporaryFolder {
    /// Makes the folder under the current `$TMPDIR` (else `/tmp`) and sets `TMPDIR` to it; call it before
    /// any thread starts. Returns the folder, or `nil` (and changes nothing) when it cannot be made.
    static func enter() -> String? {
        let base = ProcessInfo.processInfo.environment["TMPDIR"].flatMap { $0.isEmpty ? nil : $0 } ?? "/tmp"
        removeAbandoned(in: base)
        var template = Array((base + "/\(prefix)\(getpid())-XXXXXX").utf8CString)
        guard let made = template.withUnsafeMutableBufferPointer({ mkdtemp($0.baseAddress!) }) else { return nil }
        let folder = String(cString: made)
        setenv("TMPDIR", folder, 1)
        return folder
    }

    private static let prefix = "swift-inference-kernel-"

    /// Removes this user's folders whose process is gone (a kernel killed with SIGKILL cannot clean up).
    private static func removeAbandoned(in base: String) {
        guard let names = try? FileManager.default.contentsOfDirectory(atPath: base) else { return }
        for name in names where name.hasPrefix(prefix) {
            let path = base + "/" + name
            var info = stat()
            guard lstat(path, &info) == 0, info.st_uid == getuid(), info.st_mode & S_IFMT == S_IFDIR,
                let pid = pid_t(name.dropFirst(prefix.count).prefix { $0.isNumber }),
                kill(pid, 0) != 0, errno == ESRCH
            else { continue }
            try? FileManager.default.removeItem(atPath: path)
        }
    }

    /// Removes the folder and everything in it.
    static func leave(_ folder: String?) {
        guard let folder else { return }
        try? FileManager.default.removeItem(atPath: folder)
    }
}
