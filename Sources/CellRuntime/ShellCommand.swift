internal import WorkerProtocol

internal import SystemLibC

/// Runs the argument (`!command`) with `/bin/sh -c` in the worker's working folder and environment.
///
/// The command writes straight to the worker's standard output and error, which the engine streams while it
/// runs; its standard input is the worker's, `/dev/null`. It is in the worker's process group, so an
/// interrupt, which kills that group, stops it too. The channel's secrets are not passed on, so the command
/// cannot forge the worker's records.
/// - Throws: `ShellCommandError` when the command exits with a non-zero status or is killed by a signal.
public func _magicShell() throws {
    let command = magicArgument()
    fflush(nil)
    let status = try spawnShell(command)
    let signal = status & 0x7f
    let code = signal == 0 ? (status >> 8) & 0xff : 128 + signal
    guard code != 0 else { return }
    throw ShellCommandError(command: command, status: code, description: shellFailure(command, code: code, signal: signal))
}

/// The sentence for a command that failed: its exit status and, for the shell's own statuses, why.
func shellFailure(_ command: String, code: Int32, signal: Int32) -> String {
    if signal != 0 {
        return "`\(command)` was stopped by signal \(signal) (\(String(cString: strsignal(signal)))), exit status \(code)"
    }
    let why =
        switch code {
        case 127: " (command not found)"
        case 126: " (the command is not executable)"
        default: ""
        }
    return "`\(command)` exited with status \(code)\(why)"
}

/// Starts `/bin/sh -c command` and waits for it; its wait status.
func spawnShell(_ command: String) throws -> Int32 {
    let hidden = ["SWIFT_INFERENCE_CHANNEL=", "SWIFT_INFERENCE_REPLY_FD="]
    var environment: [UnsafeMutablePointer<CChar>?] = []
    var cursor = environ
    while let entry = cursor.pointee {
        let text = String(cString: entry)
        if !hidden.contains(where: text.hasPrefix) { environment.append(strdup(text)) }
        cursor += 1
    }
    environment.append(nil)
    var arguments: [UnsafeMutablePointer<CChar>?] = [strdup("sh"), strdup("-c"), strdup(command), nil]
    defer { for pointer in environment + arguments { free(pointer) } }
    var pid: pid_t = 0
    let started = posix_spawn(&pid, "/bin/sh", nil, nil, &arguments, &environment)
    guard started == 0 else {
        throw MagicError("!: cannot start /bin/sh: \(String(cString: strerror(started)))")
    }
    var status: Int32 = 0
    while waitpid(pid, &status, 0) < 0 {
        guard errno == EINTR else { throw MagicError("!: cannot wait for the command: \(String(cString: strerror(errno)))") }
    }
    return status
}
