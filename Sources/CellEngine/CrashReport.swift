/// What the Swift runtime and the worker write to standard error when a cell traps, read two ways: the
/// stream shown while the cell runs leaves out the machine-level parts (stack traces with raw addresses,
/// the worker's signal note), and the error report takes the runtime's own message and the cell's line.
struct CrashReport {
    /// The kind of trap, as the runtime names it (`Fatal error`, `Precondition failed`, …).
    var name: String
    /// The runtime's message: the text the student passed to `precondition`, or the library's
    /// ("Index out of range").
    var message: String
    /// The cell's line, when the runtime named it.
    var line: Int?

    static let trapKinds = ["Fatal error", "Precondition failed", "Assertion failed"]

    /// Finds the runtime's last trap message in what the worker wrote to standard error.
    init?(stderr: String) {
        for line in stderr.split(separator: "\n").reversed() {
            for kind in CrashReport.trapKinds {
                guard let range = line.range(of: kind + ": ") ?? (line.hasSuffix(kind) ? line.range(of: kind) : nil)
                else { continue }
                name = kind
                message = String(line[range.upperBound...])
                if message.isEmpty { message = kind.lowercased() }
                let location = line[..<range.lowerBound]
                // "Cell_0123…/<cell>:3: " or "<cell>:3: " for the cell's own code; a library file otherwise.
                if let cellRange = location.range(of: CodeGenerator.cellFileName + ":") {
                    self.line = Int(location[cellRange.upperBound...].prefix { $0.isNumber })
                }
                return
            }
        }
        return nil
    }
}

/// Drops the lines of standard error that only make sense to a debugger: the runtime's "Current stack
/// trace:" and its numbered frames with raw addresses, and the worker's own note on the signal that
/// stopped it (the error report says that in words).
struct StderrFilter {
    private var held = ""
    private var inStackTrace = false

    mutating func filter(_ text: String) -> String {
        var output = ""
        var rest = held + text
        held = ""
        while let newline = rest.firstIndex(of: "\n") {
            let line = String(rest[..<newline])
            rest = String(rest[rest.index(after: newline)...])
            if keep(line) { output += StderrFilter.readable(line) + "\n" }
        }
        // An unfinished line that may turn out to be a dropped one waits for its end.
        if rest.isEmpty { return output }
        if StderrFilter.mayBeDropped(rest) { held = rest } else if keep(rest) { output += rest }
        return output
    }

    /// What is held back, at the end of the cell.
    mutating func finish() -> String {
        defer { held = "" }
        return !held.isEmpty && keep(held) ? held : ""
    }

    private mutating func keep(_ line: String) -> Bool {
        if line.hasPrefix("Current stack trace:") {
            inStackTrace = true
            return false
        }
        if inStackTrace {
            if StderrFilter.isFrame(line) { return false }
            inStackTrace = false
        }
        if line.hasPrefix("swift-inference: the cell was stopped by signal") || line.hasPrefix("swift-inference: stack overflow") {
            return false
        }
        // The worker's signal note is written in pieces; its second piece is the signal's name alone.
        if StderrFilter.signalNames.contains(line) { return false }
        return true
    }

    /// The runtime names the cell's file as `Cell_<key>/<cell>:3:`; the student wrote "line 3".
    static func readable(_ line: String) -> String {
        guard let marker = line.range(of: CodeGenerator.cellFileName + ":") else { return line }
        let number = line[marker.upperBound...].prefix { $0.isNumber }
        guard !number.isEmpty else { return line }
        var start = marker.lowerBound
        // Back over the module qualifier, `Cell_0123…/`.
        let before = line[..<start]
        if before.hasSuffix("/"), let module = before.range(of: "Cell_", options: .backwards) { start = module.lowerBound }
        let rest = line[line.index(marker.upperBound, offsetBy: number.count)...].drop { $0 == ":" || $0 == " " }
        return String(line[..<start]) + "line \(number): " + rest
    }

    static let signalNames: Set<String> = [
        "Illegal instruction", "Segmentation fault", "Aborted", "Bus error", "Floating point exception",
        "Trace/breakpoint trap",
    ]

    /// `3    libswiftCore.so    0x00007f… symbol + 33`
    static func isFrame(_ line: String) -> Bool {
        let trimmed = line.drop { $0 == " " }
        guard let first = trimmed.first, first.isNumber else { return false }
        return line.contains(" 0x")
    }

    static func mayBeDropped(_ partial: String) -> Bool {
        guard !partial.isEmpty else { return false }
        if partial.first!.isNumber { return true }
        for prefix in ["Current stack trace:", "swift-inference: "] + signalNames
        where prefix.hasPrefix(partial) || partial.hasPrefix(prefix) {
            return true
        }
        return false
    }
}
