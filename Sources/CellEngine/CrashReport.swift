import Foundation
import NotebookJSON

/// What the Swift runtime and the worker write to standard error when a cell traps, read two ways: the
/// stream shown while the cell runs leaves out the machine-level parts (stack traces with raw addresses,
/// the worker's signal note and frame lines), and the error report takes the runtime's own message and
/// the cell's line (see `CrashPlace`).
struct CrashReport {
    /// The kind of trap, as the runtime names it (`Fatal error`, `Precondition failed`, …).
    var name: String
    /// The runtime's message: the text the student passed to `precondition`, or the library's
    /// ("Index out of range").
    var message: String
    /// The line the runtime named, when it is a cell's (a `precondition` compiled into a cell).
    var line: Int?
    /// The cell module the runtime named with that line (`Cell_0123…`), if it named one.
    var module: String?

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
                    let qualifier = location[..<cellRange.lowerBound]
                    if qualifier.hasSuffix("/"), let start = qualifier.range(of: "Cell_", options: .backwards) {
                        module = String(qualifier[start.lowerBound..<qualifier.index(before: qualifier.endIndex)])
                    }
                }
                return
            }
        }
        return nil
    }

    /// The runtime's line when it is in the cell `moduleName` (a line in another cell would mislead).
    func line(inCell moduleName: String) -> Int? {
        module == nil || module == moduleName ? line : nil
    }
}

/// Drops the lines of standard error that only make sense to a debugger: the runtime's "Current stack
/// trace:" and its numbered frames with raw addresses, and the worker's own note on the signal that
/// stopped it (the error report says that in words).
struct StderrFilter {
    private var held = ""
    private var inStackTrace = false
    /// The running cell's module: a line the runtime names in another cell's module is an earlier cell's.
    var cellModule: String?

    init(cellModule: String? = nil) {
        self.cellModule = cellModule
    }

    mutating func filter(_ text: String) -> String {
        var output = ""
        var rest = held + text
        held = ""
        while let newline = rest.firstIndex(of: "\n") {
            let line = String(rest[..<newline])
            rest = String(rest[rest.index(after: newline)...])
            if keep(line) { output += StderrFilter.readable(line, cellModule: cellModule) + "\n" }
        }
        // An unfinished line that may turn out to be a dropped one waits for its end.
        if rest.isEmpty { return output }
        if StderrFilter.mayBeDropped(rest) { held = rest } else if keep(rest) { output += rest }
        return output
    }

    /// What is held back, at the end of the cell.
    mutating func finish() -> String {
        defer { held = "" }
        return !held.isEmpty && keep(held) ? StderrFilter.readable(held, cellModule: cellModule) : ""
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
        if line.hasPrefix("swift-inference: the cell was stopped by signal") || line.hasPrefix("swift-inference: stack overflow")
            || line.hasPrefix(CrashFrame.prefix)
        {
            return false
        }
        // The worker's signal note is written in pieces; its second piece is the signal's name alone.
        if StderrFilter.signalNames.contains(line) { return false }
        return true
    }

    /// The runtime names the cell's file as `Cell_<key>/<cell>:3:`; the student wrote "line 3". A trap in
    /// a library names the library's source file (`Swift/ContiguousArrayBuffer.swift:692: Fatal error: …`),
    /// which the student has not got: that location is left out (the error names the cell's line).
    static func readable(_ line: String, cellModule: String? = nil) -> String {
        guard let marker = line.range(of: CodeGenerator.cellFileName + ":") else { return withoutLibraryLocation(line) }
        let number = line[marker.upperBound...].prefix { $0.isNumber }
        guard !number.isEmpty else { return line }
        var start = marker.lowerBound
        var whose = ""
        // Back over the module qualifier, `Cell_0123…/`.
        let before = line[..<start]
        if before.hasSuffix("/"), let module = before.range(of: "Cell_", options: .backwards) {
            start = module.lowerBound
            let name = before[module.lowerBound..<before.index(before: before.endIndex)]
            if let cellModule, name != cellModule { whose = " of an earlier cell" }
        }
        let rest = line[line.index(marker.upperBound, offsetBy: number.count)...].drop { $0 == ":" || $0 == " " }
        return String(line[..<start]) + "line \(number)\(whose): " + rest
    }

    /// `Module/File.swift:12: Fatal error: …` → `Fatal error: …`.
    static func withoutLibraryLocation(_ line: String) -> String {
        for kind in CrashReport.trapKinds {
            guard let range = line.range(of: ": " + kind) else { continue }
            let location = line[..<range.lowerBound]
            guard let colon = location.lastIndex(of: ":"), location[..<colon].hasSuffix(".swift"),
                  location[location.index(after: colon)...].allSatisfy(\.isNumber),
                  !location.contains(" ")
            else { return line }
            return String(line[line.index(range.lowerBound, offsetBy: 2)...])
        }
        return line
    }

    static let signalNames: Set<String> = [
        "Illegal instruction", "Segmentation fault", "Aborted", "Bus error", "Floating point exception",
        "Trace/breakpoint trap",
    ]

    /// The start of a line the runtime begins with a location (`Swift/Array.swift:12: Fatal error: …`,
    /// `Cell_…/<cell>:3: …`), held until it is complete so that `readable` can rewrite it.
    static func mayBeLocation(_ partial: String) -> Bool {
        guard partial.utf8.count < 512, let first = partial.first, first.isLetter || first == "<" else { return false }
        guard let space = partial.firstIndex(of: " ") else { return true }
        let word = partial[..<space]
        guard word.hasSuffix(":"), word.contains(".swift:") || word.contains(CodeGenerator.cellFileName + ":") else { return false }
        let rest = partial[partial.index(after: space)...]
        return CrashReport.trapKinds.contains { $0.hasPrefix(rest) || rest.hasPrefix($0) }
    }

    /// `3    libswiftCore.so    0x00007f… symbol + 33`
    static func isFrame(_ line: String) -> Bool {
        let trimmed = line.drop { $0 == " " }
        guard let first = trimmed.first, first.isNumber else { return false }
        return line.contains(" 0x")
    }

    static func mayBeDropped(_ partial: String) -> Bool {
        guard !partial.isEmpty else { return false }
        if mayBeLocation(partial) { return true }
        if partial.first!.isNumber { return true }
        for prefix in ["Current stack trace:", "swift-inference: ", CrashFrame.prefix] + signalNames
        where prefix.hasPrefix(partial) || partial.hasPrefix(prefix) {
            return true
        }
        return false
    }
}

/// One frame the worker's crash handler found in a cell library: a line
/// `swift-inference-frame pc|ra <hex offset> <library path>` on standard error; `at` for a trapping
/// instruction in the support library (looked at only for the kind of check that failed).
struct CrashFrame: Equatable {
    static let prefix = "swift-inference-frame "

    /// The instruction that trapped (`pc`, `at`), or a return address (`ra`: the call is just before it).
    var isTrappingInstruction: Bool
    /// In a cell library (`pc`, `ra`), not the support library (`at`).
    var inCell = true
    /// The address in the library's file, which its line table uses.
    var offset: UInt64
    var library: String

    /// The address to look up: for a return address, the call instruction's last byte.
    var lookupAddress: UInt64 { isTrappingInstruction || offset == 0 ? offset : offset - 1 }

    /// The frames in `stderr` (what the worker wrote while the cell ran), innermost first.
    static func parse(_ stderr: String) -> [CrashFrame] {
        var frames: [CrashFrame] = []
        for line in stderr.split(separator: "\n") where line.hasPrefix(prefix) {
            let fields = line.dropFirst(prefix.count).split(separator: " ", maxSplits: 2)
            guard fields.count == 3, ["pc", "ra", "at"].contains(fields[0]), let offset = UInt64(fields[1], radix: 16)
            else { continue }
            frames.append(
                CrashFrame(
                    isTrappingInstruction: fields[0] != "ra", inCell: fields[0] != "at", offset: offset,
                    library: String(fields[2])))
        }
        return frames
    }
}

/// Where in the notebook's cells a crash happened, for the error message: the worker's frames (innermost
/// first) looked up in the cell libraries' line tables (cells are compiled with `-gline-tables-only`, and
/// `#sourceLocation` makes those lines the cell's own).
struct CrashPlace: Equatable {
    enum Cell: Equatable {
        /// The cell that was running.
        case running
        /// An earlier cell, by its execution count (`nil` when the session no longer knows it).
        case earlier(Int?)
    }

    struct Line: Equatable {
        var cell: Cell
        var line: Int
    }

    /// The cell lines on the stack, innermost first.
    var lines: [Line] = []
    /// For a check the compiler put in the cell that prints nothing, the reason the compiler gave the trap
    /// (`arithmetic overflow`), from its line table.
    var trapReason: String?

    init(lines: [Line] = [], trapReason: String? = nil) {
        self.lines = lines
        self.trapReason = trapReason
    }

    /// Looks the frames in `stderr` up.
    /// - Parameters:
    ///   - library: the running cell's library; `history` says which earlier cell each other library is.
    ///   - symbolizer: `llvm-symbolizer`; `nil` finds no place.
    init(stderr: String, library: String, history: [CompiledCell], symbolizer: String?) {
        let frames = CrashFrame.parse(stderr)
        guard !frames.isEmpty, let symbolizer else { return }
        var looked: [String: [UInt64: [CrashPlace.Symbol]]] = [:]
        for library in Set(frames.map(\.library)) {
            let addresses = Array(Set(frames.filter { $0.library == library }.map(\.lookupAddress))).sorted()
            looked[library] = CrashPlace.symbolize(library: library, addresses: addresses, with: symbolizer)
        }
        for (index, frame) in frames.enumerated() {
            guard let chain = looked[frame.library]?[frame.lookupAddress] else { continue }
            if index == 0, frame.isTrappingInstruction,
               let reason = chain.first(where: { $0.function.hasPrefix(CrashPlace.runtimeFailurePrefix) }) {
                trapReason = String(reason.function.dropFirst(CrashPlace.runtimeFailurePrefix.count))
            }
            // The innermost cell line of the inline chain (a transparent standard-library function, or the
            // compiler's trap reason, sits above it).
            guard frame.inCell, let place = chain.first(where: { $0.file.hasSuffix(CodeGenerator.cellFileName) && $0.line > 0 }) else { continue }
            let cell: Cell
            if frame.library == library {
                cell = .running
            } else {
                cell = .earlier(history.last { $0.library == frame.library }?.executionIndex)
            }
            lines.append(Line(cell: cell, line: place.line))
        }
    }

    /// The place for the error message: ` (line 3)`, or for a function an earlier cell declared,
    /// ` (line 2 of cell [4], called from line 3)`; empty when no line is known. `fallbackLine` is the
    /// running cell's line as the runtime named it, used when the frames name none.
    func suffix(fallbackLine: Int? = nil) -> String {
        guard let innermost = lines.first else { return fallbackLine.map { " (line \($0))" } ?? "" }
        switch innermost.cell {
        case .running:
            return " (line \(innermost.line))"
        case .earlier(let count):
            let cell = count.map { "cell [\($0)]" } ?? "an earlier cell"
            let caller = lines.first { $0.cell == .running }.map { ", called from line \($0.line)" } ?? ""
            return " (line \(innermost.line) of \(cell)\(caller))"
        }
    }

    static let runtimeFailurePrefix = "Swift runtime failure: "

    /// The toolchain's `llvm-symbolizer`: beside the compiler (after symbolic links), else on `PATH`.
    static func symbolizer(nextTo swiftc: String) -> String? {
        let fm = FileManager.default
        let folder = URL(fileURLWithPath: swiftc).resolvingSymlinksInPath().deletingLastPathComponent().path
        var candidates = [folder + "/llvm-symbolizer", URL(fileURLWithPath: swiftc).deletingLastPathComponent().path + "/llvm-symbolizer"]
        for directory in (ProcessInfo.processInfo.environment["PATH"] ?? "").split(separator: ":") {
            candidates.append("\(directory)/llvm-symbolizer")
        }
        return candidates.first { fm.isExecutableFile(atPath: $0) }
    }

    /// How long one look-up may take.
    static let symbolizerLimit: Duration = .seconds(15)

    struct Symbol: Equatable {
        var function: String
        var file: String
        var line: Int
    }

    /// The inline chain (innermost first) of each address in `library`, from `llvm-symbolizer`'s JSON.
    static func symbolize(library: String, addresses: [UInt64], with symbolizer: String) -> [UInt64: [Symbol]] {
        let arguments = ["--output-style=JSON", "--inlines", "--obj=\(library)"] + addresses.map { "0x" + String($0, radix: 16) }
        guard let result = try? ProcessRunner.run(symbolizer, arguments, limit: symbolizerLimit) else { return [:] }
        var found: [UInt64: [Symbol]] = [:]
        // Warnings may share the output; the answer is the line(s) holding JSON.
        for line in result.output.split(separator: "\n") where line.first == "[" || line.first == "{" {
            guard let value = try? JSONValue(parsing: String(line)) else { continue }
            for entry in value.arrayValue ?? [value] {
                guard let text = entry["Address"]?.stringValue, text.hasPrefix("0x"),
                      let address = UInt64(text.dropFirst(2), radix: 16), let symbols = entry["Symbol"]?.arrayValue
                else { continue }
                found[address] = symbols.map {
                    Symbol(
                        function: $0["FunctionName"]?.stringValue ?? "", file: $0["FileName"]?.stringValue ?? "",
                        line: $0["Line"]?.intValue ?? 0)
                }
            }
        }
        return found
    }
}
