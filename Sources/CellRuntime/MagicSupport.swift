internal import WorkerProtocol

internal import SystemLibC

// What the code the engine generates for magics calls (see CellEngine's Magics folder). The `_` prefix says
// "not API": a student's cell has no reason to call these.

/// Why a magic could not do what it was asked; its description is shown as the error's message.
public struct MagicError: Error, CustomStringConvertible {
    public var description: String
    init(_ description: String) { self.description = description }
}

/// A `!command` that ended with a non-zero exit status or was stopped by a signal.
public struct ShellCommandError: Error, CustomStringConvertible {
    public var command: String
    /// The exit status, or 128 plus the signal's number, as a shell reports it.
    public var status: Int32
    public var description: String
}

/// The magic's argument, which the engine sends when the cell asks (`MagicExchange`).
func magicArgument() -> String {
    Channel.requestInput(prompt: MagicExchange.argumentPrompt, password: false) ?? ""
}

/// Reports a value to the engine (`MagicExchange`).
func reportToEngine(_ value: String) {
    _ = Channel.requestInput(prompt: MagicExchange.reportPrefix + value, password: false)
}

// MARK: %timeit

/// Runs `body` in a loop and prints IPython's line: the mean and standard deviation of the time per loop
/// over `runs` runs of `loops` loops each. With `loops` 0 the count is chosen as IPython does: 1, 2, 5, 10,
/// 20, 50, … loops until one run takes at least 0.2 s.
public func _magicTimeit<T>(loops: Int, runs: Int, _ body: () throws -> T) throws {
    let number = loops > 0 ? loops : try calibratedLoops(body)
    var perLoop: [Double] = []
    for _ in 0..<max(1, runs) { perLoop.append(try timeLoops(number, body) / Double(number)) }
    print(timeitLine(perLoop: perLoop, loops: number))
}

/// The seconds `loops` calls of `body` take, on the monotonic clock.
func timeLoops<T>(_ loops: Int, _ body: () throws -> T) throws -> Double {
    let clock = ContinuousClock()
    let start = clock.now
    for _ in 0..<loops { _ = try body() }
    let elapsed = clock.now - start
    return Double(elapsed.components.seconds) + Double(elapsed.components.attoseconds) * 1e-18
}

/// IPython's automatic loop count: the first of 1, 2, 5, 10, 20, 50, … whose run takes 0.2 s or more.
func calibratedLoops<T>(_ body: () throws -> T) throws -> Int {
    var decade = 1
    while true {
        for factor in [1, 2, 5] {
            let loops = factor * decade
            if try timeLoops(loops, body) >= 0.2 || loops >= 1_000_000_000 { return loops }
        }
        decade *= 10
    }
}

/// `1.23 µs ± 45.6 ns per loop (mean ± std. dev. of 7 runs, 100,000 loops each)`.
func timeitLine(perLoop: [Double], loops: Int) -> String {
    let mean = perLoop.reduce(0, +) / Double(perLoop.count)
    let variance = perLoop.map { ($0 - mean) * ($0 - mean) }.reduce(0, +) / Double(perLoop.count)
    let runs = perLoop.count
    return "\(DurationText.format(seconds: mean)) ± \(DurationText.format(seconds: variance.squareRoot())) per loop "
        + "(mean ± std. dev. of \(runs) run\(runs == 1 ? "" : "s"), \(DurationText.grouped(loops)) loop\(loops == 1 ? "" : "s") each)"
}

// MARK: %time

/// Prints IPython's `%time` report; the worker calls it after a timed cell has finished.
@_cdecl("swift_inference_report_timing")
public func _reportTiming(_ wall: Double, _ user: Double, _ system: Double) {
    let format = DurationText.format(seconds:)
    print("CPU times: user \(format(user)), sys: \(format(system)), total: \(format(user + system))")
    print("Wall time: \(format(wall))")
}

// MARK: %who, %whos

/// Prints IPython's `%whos` table: each variable's name, dynamic type and value, cut to one short line.
public func _magicWhos(_ variables: [(String, Any)]) {
    let rows = variables.map { name, value in
        (name, CellNames.strip(String(describing: type(of: value))), shortValue(value))
    }
    let nameWidth = max("Variable".count, rows.map(\.0.count).max() ?? 0) + 3
    let typeWidth = max("Type".count, rows.map(\.1.count).max() ?? 0) + 3
    func padded(_ text: String, _ width: Int) -> String { text + String(repeating: " ", count: max(0, width - text.count)) }
    print(padded("Variable", nameWidth) + padded("Type", typeWidth) + "Data/Info")
    print(String(repeating: "-", count: nameWidth + typeWidth + "Data/Info".count))
    for (name, type, value) in rows { print(padded(name, nameWidth) + padded(type, typeWidth) + value) }
}

/// The first line of a value's description, at most 60 characters; `…` says that something was left out.
func shortValue(_ value: Any) -> String {
    let text = CellNames.strip(String(describing: value))
    let firstLine = text.prefix { $0 != "\n" }
    if firstLine.count > 60 { return firstLine.prefix(59) + "…" }
    return firstLine.count < text.count ? firstLine + " …" : String(firstLine)
}

// MARK: %cd, %env

/// Changes the worker's working folder to the argument (`~` is the home folder) and prints the new one.
public func _magicChangeDirectory() throws {
    var target = magicArgument()
    let home = getenv("HOME").map { String(cString: $0) } ?? "/"
    if target.isEmpty || target == "~" {
        target = home
    } else if target.hasPrefix("~/") {
        target = home + target.dropFirst()
    }
    guard chdir(target) == 0 else {
        throw MagicError("%cd: cannot change to '\(target)': \(String(cString: strerror(errno)))")
    }
    var buffer = [CChar](repeating: 0, count: Int(PATH_MAX) + 1)
    let now = getcwd(&buffer, buffer.count).map { String(cString: $0) } ?? target
    print(now)
    reportToEngine(now)
}

/// Prints every environment variable of the worker, `NAME=value`, sorted by name.
public func _magicListEnvironment() {
    var entries: [String] = []
    var cursor = environ
    while let entry = cursor.pointee {
        entries.append(String(cString: entry))
        cursor += 1
    }
    for entry in entries.sorted() where !entry.hasPrefix("SWIFT_INFERENCE_CHANNEL=") { print(entry) }
}

/// Prints the value of the environment variable the argument names.
public func _magicShowEnvironment() throws {
    let name = magicArgument()
    guard let value = getenv(name) else { throw MagicError("%env: the environment has no variable '\(name)'") }
    print(String(cString: value))
}

/// Sets an environment variable of the worker; the argument is `NAME=value`.
public func _magicSetEnvironment() throws {
    let argument = magicArgument()
    guard let equals = argument.firstIndex(of: "=") else { throw MagicError("%env: expected NAME=value, got '\(argument)'") }
    let name = String(argument[..<equals])
    let value = String(argument[argument.index(after: equals)...])
    guard setenv(name, value, 1) == 0 else {
        throw MagicError("%env: cannot set '\(name)': \(String(cString: strerror(errno)))")
    }
    print("env: \(name)=\(value)")
}
