import Foundation

/// A temporary folder of this process's own, made `TMPDIR` for everything it starts.
///
/// The kernel's children leave things in `$TMPDIR`: the Swift driver makes a `TemporaryDirectory.XXXXXX`
/// on every run and keeps it, and a student's cell may use Foundation's replacement folders
/// (`/tmp/TemporaryItems`, made with mode 700 by whichever user comes first, which then locks every other
/// user out). Pointing `TMPDIR` at a `mkdtemp` folder (mode 700, a unique name) for the life of the
/// process keeps all of that private to this kernel, and it is removed when the kernel ends.
enum PrivateTemporaryFolder {
    /// Makes the folder under the current `$TMPDIR` (else `/tmp`) and sets `TMPDIR` to it; call it before
    /// any thread starts. Returns the folder, or `nil` (and changes nothing) when it cannot be made.
    static func enter() -> String? {
        let base = ProcessInfo.processInfo.environment["TMPDIR"].flatMap { $0.isEmpty ? nil : $0 } ?? "/tmp"
        var template = Array((base + "/swift-inference-kernel-XXXXXX").utf8CString)
        guard let made = template.withUnsafeMutableBufferPointer({ mkdtemp($0.baseAddress!) }) else { return nil }
        let folder = String(cString: made)
        setenv("TMPDIR", folder, 1)
        return folder
    }

    /// Removes the folder and everything in it.
    static func leave(_ folder: String?) {
        guard let folder else { return }
        try? FileManager.default.removeItem(atPath: folder)
    }
}
