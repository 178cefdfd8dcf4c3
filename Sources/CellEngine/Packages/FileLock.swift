import Foundation
internal import SystemLibC

/// An exclusive `flock` on a file, waited for with a time limit; released by `unlock` or when the process
/// ends (the kernel holds it on an open file, so a kernel that dies never leaves it held).
final class FileLock {
    private let descriptor: Int32
    private var held = false
    let path: String

    /// Opens (creating, mode 644) the lock file.
    init(path: String) throws(PackageBuilder.Failure) {
        self.path = path
        var fd = open(path, O_CREAT | O_RDWR | O_CLOEXEC, 0o644)
        // Another user's lock file in a shared cache can still be locked through a read-only descriptor.
        if fd < 0 && errno == EACCES { fd = open(path, O_RDONLY | O_CLOEXEC) }
        guard fd >= 0 else { throw PackageBuilder.Failure(message: "cannot open the lock file \(path): \(String(cString: strerror(errno)))") }
        descriptor = fd
    }

    deinit {
        unlock()
        close(descriptor)
    }

    /// Takes the lock, waiting at most `limit`.
    ///
    /// - Parameters:
    ///   - stop: asked ten times a second; `true` gives up (an interrupt).
    ///   - onWait: called once, when the lock is held by someone else.
    func lock(limit: Duration, stop: (() -> Bool)? = nil, onWait: () -> Void = {}) throws(PackageBuilder.Failure) {
        let clock = ContinuousClock()
        let deadline = clock.now + limit
        var said = false
        while flock(descriptor, LOCK_EX | LOCK_NB) != 0 {
            guard errno == EWOULDBLOCK || errno == EINTR else {
                throw PackageBuilder.Failure(message: "cannot lock \(path): \(String(cString: strerror(errno)))")
            }
            if !said {
                said = true
                onWait()
            }
            if clock.now >= deadline {
                throw PackageBuilder.Failure(
                    message: "another kernel held \(path) for longer than \(limit) (a build that hangs?); try again, or end that kernel",
                    kind: .timedOut)
            }
            if stop?() == true {
                throw PackageBuilder.Failure(message: "interrupted while waiting for another kernel's build", kind: .interrupted)
            }
            usleep(100_000)
        }
        held = true
    }

    func unlock() {
        guard held else { return }
        flock(descriptor, LOCK_UN)
        held = false
    }
}
