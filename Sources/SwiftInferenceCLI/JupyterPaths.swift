import Foundation

/// Where Jupyter keeps kernelspecs, worked out as `jupyter_core` and `jupyter_client` do on Linux.
enum JupyterPaths {
    /// Jupyter's system-wide data folders; the first is where a plain `install` (no flag) writes.
    static let systemDataDirectories = ["/usr/local/share/jupyter", "/usr/share/jupyter"]

    /// `$HOME`, else the password file's home.
    static func home(_ environment: [String: String]) -> String {
        environment["HOME"].flatMap { $0.isEmpty ? nil : $0 } ?? NSHomeDirectory()
    }

    /// The user's data folder (`$XDG_DATA_HOME`, else `~/.local/share`).
    static func userShare(_ environment: [String: String]) -> String {
        environment["XDG_DATA_HOME"].flatMap { $0.isEmpty ? nil : $0 } ?? home(environment) + "/.local/share"
    }

    /// Jupyter's user data folder: `$JUPYTER_DATA_DIR`, else `<user share>/jupyter`.
    static func userDataDirectory(_ environment: [String: String]) -> String {
        environment["JUPYTER_DATA_DIR"].flatMap { $0.isEmpty ? nil : $0 } ?? userShare(environment) + "/jupyter"
    }

    /// The Python that runs Jupyter: the interpreter named on the first line of the `jupyter` script on
    /// `PATH` (pip and conda write it there), else `python3` on `PATH`.
    /// - Returns: the interpreter and how it was found, or `nil` when there is neither.
    static func jupyterPython(_ environment: [String: String]) -> (python: String, source: String)? {
        if let jupyter = ChildProcess.which("jupyter", environment: environment),
            let handle = FileHandle(forReadingAtPath: jupyter)
        {
            let head = handle.readData(ofLength: 512)
            try? handle.close()
            let firstLine = String(decoding: head, as: UTF8.self).split(separator: "\n").first.map(String.init) ?? ""
            if firstLine.hasPrefix("#!") {
                var words = firstLine.dropFirst(2).split(separator: " ").map(String.init)
                if words.first?.hasSuffix("/env") == true { words.removeFirst() }
                if let interpreter = words.first, interpreter.contains("python"),
                    let found = ChildProcess.which(interpreter, environment: environment)
                {
                    return (found, "the interpreter of \(jupyter)")
                }
            }
        }
        if let python = ChildProcess.which("python3", environment: environment) {
            return (python, "python3 on PATH")
        }
        return nil
    }

    /// `sys.prefix` of the Python that runs Jupyter (see `jupyterPython`).
    static func sysPrefix(_ environment: [String: String]) throws -> (prefix: String, python: String, source: String) {
        guard let (python, source) = jupyterPython(environment) else {
            throw InstallError(
                "--sys-prefix needs the Python that runs Jupyter, but neither `jupyter` nor `python3` is on PATH; "
                    + "give --prefix instead")
        }
        guard let result = ChildProcess.run(python, ["-c", "import sys; print(sys.prefix)"], timeout: 60),
            result.status == 0,
            let prefix = result.output.split(separator: "\n").last.map(String.init), prefix.hasPrefix("/")
        else {
            throw InstallError("cannot ask \(python) (\(source)) for sys.prefix; give --prefix instead")
        }
        return (prefix, python, source)
    }

    /// The kernel folders Jupyter searches, in its order when it cannot be asked: `$JUPYTER_PATH`, the user
    /// folder, `<sys.prefix>/share/jupyter`, the system folders.
    static func kernelSearchPath(_ environment: [String: String], sysPrefix: String?) -> [String] {
        var folders = (environment["JUPYTER_PATH"] ?? "").split(separator: ":").map(String.init)
        folders.append(userDataDirectory(environment))
        if let sysPrefix { folders.append(sysPrefix + "/share/jupyter") }
        folders += systemDataDirectories
        var seen = Set<String>()
        return folders.filter { !$0.isEmpty && seen.insert($0).inserted }.map { $0 + "/kernels" }
    }
}

/// A problem `install` reports in one line and exits 1 for.
struct InstallError: Error, CustomStringConvertible {
    var description: String
    init(_ description: String) { self.description = description }
}
