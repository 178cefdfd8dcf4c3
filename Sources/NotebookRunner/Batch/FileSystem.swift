import Foundation
internal import SystemLibC

/// The file operations the runner needs, with errors that name the file.
public enum FileSystem {
    /// Reads a whole file.
    /// - Parameters:
    ///   - path: the file.
    /// - Returns: its bytes.
    /// - Throws: `NotebookError(.unreadable)` naming the file and the system's reason.
    public static func read(_ path: String) throws(NotebookError) -> [UInt8] {
        var isDirectory: ObjCBool = false
        guard FileManager.default.fileExists(atPath: path, isDirectory: &isDirectory) else {
            throw NotebookError(.unreadable, file: path, "no such file")
        }
        guard !isDirectory.boolValue else {
            throw NotebookError(.unreadable, file: path, "is a folder, not a notebook")
        }
        guard let data = FileManager.default.contents(atPath: path) else {
            throw NotebookError(.unreadable, file: path, "cannot be read (\(String(cString: strerror(errno))))")
        }
        return [UInt8](data)
    }

    /// Writes a file atomically: a temporary file in the same folder, flushed, then renamed over `path`,
    /// so a reader sees the old content or the new, never a part. An existing file keeps its permissions.
    /// - Parameters:
    ///   - bytes: the content.
    ///   - path: the destination.
    /// - Throws: `NotebookError(.unwritable)` naming the file and the system's reason.
    public static func writeAtomically(_ bytes: [UInt8], to path: String) throws(NotebookError) {
        let folder = (path as NSString).deletingLastPathComponent
        let name = (path as NSString).lastPathComponent
        let temporary =
            (folder.isEmpty ? "." : folder) + "/.\(name).tmp-\(getpid())-\(UInt32.random(in: 0...UInt32.max))"
        var mode: mode_t = 0o644
        var info = stat()
        if stat(path, &info) == 0 { mode = info.st_mode & 0o7777 }
        let fd = open(temporary, O_WRONLY | O_CREAT | O_EXCL | O_CLOEXEC, mode)
        guard fd >= 0 else { throw NotebookError(.unwritable, file: path, "cannot be written (\(reason()))") }
        var offset = 0
        let failure: String? = bytes.withUnsafeBytes { buffer -> String? in
            while offset < buffer.count {
                let written = Glibc.write(fd, buffer.baseAddress! + offset, buffer.count - offset)
                if written < 0 {
                    if errno == EINTR { continue }
                    return reason()
                }
                offset += written
            }
            return fsync(fd) == 0 ? nil : reason()
        }
        fchmod(fd, mode)
        close(fd)
        if let failure {
            unlink(temporary)
            throw NotebookError(.unwritable, file: path, "cannot be written (\(failure))")
        }
        guard rename(temporary, path) == 0 else {
            let why = reason()
            unlink(temporary)
            throw NotebookError(.unwritable, file: path, "cannot be written (\(why))")
        }
    }

    /// Makes sure a folder exists and files can be created in it, by creating and removing a probe file.
    /// - Parameters:
    ///   - folder: the folder; created with its parents when missing.
    /// - Throws: `NotebookError(.unwritable)` naming the folder and the reason.
    public static func prepareWritableFolder(_ folder: String) throws(NotebookError) {
        do {
            try FileManager.default.createDirectory(atPath: folder, withIntermediateDirectories: true)
        } catch {
            throw NotebookError(
                .unwritable, file: folder, "output folder cannot be created (\(error.localizedDescription))")
        }
        let probe = folder + "/.swift-inference-write-probe-\(getpid())-\(UInt32.random(in: 0...UInt32.max))"
        let fd = open(probe, O_WRONLY | O_CREAT | O_EXCL | O_CLOEXEC, 0o600)
        guard fd >= 0 else {
            throw NotebookError(.unwritable, file: folder, "output folder is not writable (\(reason()))")
        }
        close(fd)
        unlink(probe)
    }

    /// The notebooks named by the command line: files as given, folders searched recursively for `.ipynb`
    /// files (skipping hidden folders such as `.ipynb_checkpoints`), sorted.
    /// - Parameters:
    ///   - paths: files and folders.
    /// - Returns: the notebook files, in command-line order, each folder's files sorted; or the errors.
    public static func expandNotebookPaths(_ paths: [String]) -> (files: [String], errors: [NotebookError]) {
        var files: [String] = []
        var errors: [NotebookError] = []
        for path in paths {
            var isDirectory: ObjCBool = false
            guard FileManager.default.fileExists(atPath: path, isDirectory: &isDirectory) else {
                errors.append(NotebookError(.unreadable, file: path, "no such file or folder"))
                continue
            }
            guard isDirectory.boolValue else {
                files.append(path)
                continue
            }
            var found: [String] = []
            if let walker = FileManager.default.enumerator(atPath: path) {
                while let relative = walker.nextObject() as? String {
                    let components = relative.split(separator: "/")
                    if components.contains(where: { $0.hasPrefix(".") }) { continue }
                    if relative.hasSuffix(".ipynb") {
                        found.append(path.hasSuffix("/") ? path + relative : path + "/" + relative)
                    }
                }
            }
            if found.isEmpty {
                errors.append(NotebookError(.unreadable, file: path, "folder holds no .ipynb notebook"))
            }
            files.append(contentsOf: found.sorted())
        }
        return (files, errors)
    }

    static func reason() -> String {
        String(cString: strerror(errno))
    }

    /// The file name without its folder.
    static func baseName(_ path: String) -> String {
        (path as NSString).lastPathComponent
    }

    /// The folder of a file (`.` for a bare name).
    static func folder(of path: String) -> String {
        let folder = (path as NSString).deletingLastPathComponent
        return folder.isEmpty ? "." : folder
    }

    /// The absolute, standardized folder of a file.
    static func absoluteFolder(of path: String) -> String {
        standardized(folder(of: path))
    }

    /// Path comparison that ignores `./` and `//` differences.
    static func standardized(_ path: String) -> String {
        let absolute = path.hasPrefix("/") ? path : FileManager.default.currentDirectoryPath + "/" + path
        return (absolute as NSString).standardizingPath
    }
}
