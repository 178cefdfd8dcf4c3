import Foundation

// Running magics. Each one is a method called from `CellSession.magics`, under the session's execution lock,
// so they use the `…Locked` paths. Code the engine generates for a magic runs through the same compile, cache
// and worker path as any cell (so interrupts, traps and time limits behave the same), but is not kept in the
// history: it declares nothing, and a crash does not run it again.

extension CellSession {
    /// Runs a cell's magics, then the Swift code after them, if any; an ordinary cell as it is.
    func runMagicsOrCell(_ request: MagicRequest) -> Result<CellSuccess, CellFailure> {
        switch MagicCell(request.code) {
        case .swift:
            return executeLocked(request.code, options: request.options, onEvent: request.onEvent, onInput: request.onInput)
        case .cell(let line, let body):
            return runMagic(MagicInvocation(line: line, body: body, request: request))
        case .lines(let lines, let remainder):
            for line in lines {
                if case .failure(let failure) = runMagic(MagicInvocation(line: line, body: nil, request: request)) {
                    return .failure(failure)
                }
            }
            guard let remainder else { return .success(CellSuccess(result: nil)) }
            return executeLocked(
                remainder, options: request.options, onEvent: request.onEvent, onInput: request.onInput,
                mode: RunMode(displaySource: request.code))
        }
    }

    private func runMagic(_ invocation: MagicInvocation) -> Result<CellSuccess, CellFailure> {
        guard let magic = Self.magic(for: invocation.line) else { return .failure(Self.unknownMagic(invocation.line)) }
        if invocation.line.argument == "?" {
            // `%timeit ?`, as IPython's `%timeit?`: how to call it.
            invocation.request.onEvent(.stream(.stdout, "\(magic.usage)\n    \(magic.summary)\n"))
            return .success(CellSuccess(result: nil))
        }
        return magic.run(self, invocation)
    }

    // MARK: Timing

    func timeit(_ invocation: MagicInvocation) -> Result<CellSuccess, CellFailure> {
        let line = invocation.line
        let source: String
        do throws(MagicUsageError) {
            let options = try MagicOptions(line.argument, magic: line.spelled, valued: ["n": "a number of loops", "r": "a number of runs"])
            let loops = try options.count("n", magic: line.spelled, meaning: "loops") ?? 0
            let runs = try options.count("r", magic: line.spelled, meaning: "runs") ?? 7
            let column = line.argumentColumn + options.restOffset
            if let body = invocation.body {
                guard !body.allSatisfy(\.isWhitespace) else { throw MagicUsageError("%%timeit needs code to time on the lines below it") }
                source = TimeitSource.cell(setup: options.rest, at: (line.line, column), body: body, loops: loops, runs: runs)
            } else {
                guard !options.rest.isEmpty else { throw MagicUsageError("%timeit needs code to time, e.g. %timeit f(x)") }
                source = TimeitSource.line(options.rest, at: (line.line, column), loops: loops, runs: runs)
            }
        } catch {
            return .failure(error.failure)
        }
        let request = invocation.request
        return executeLocked(
            source, options: request.options, onEvent: request.onEvent, onInput: nil,
            mode: RunMode(keep: false, displaySource: request.code)
        ).mapError(Self.withoutModulePrefix)
    }

    func time(_ invocation: MagicInvocation) -> Result<CellSuccess, CellFailure> {
        let line = invocation.line
        let code: String
        if let body = invocation.body {
            guard line.argument.isEmpty else {
                return .failure(MagicUsageError("%%time takes no code on its own line; put the code below it").failure)
            }
            code = String(repeating: "\n", count: line.line) + body
        } else {
            guard !line.argument.isEmpty else { return .failure(MagicUsageError("%time needs a statement, e.g. %time let fit = f(x)").failure) }
            code = String(repeating: "\n", count: line.line - 1) + String(repeating: " ", count: line.argumentColumn - 1) + line.argument
        }
        let request = invocation.request
        return executeLocked(
            code, options: request.options, onEvent: request.onEvent, onInput: request.onInput,
            mode: RunMode(timed: true, displaySource: request.code))
    }

    // MARK: The session's variables

    /// The session's variables and constants, oldest first.
    private var variableNames: [String] {
        newestDeclarations().filter { $0.kind == .variable || $0.kind == .constant }.map(\.name)
    }

    func who(_ invocation: MagicInvocation) -> Result<CellSuccess, CellFailure> {
        if let failure = Self.noArgument(invocation.line) { return .failure(failure) }
        let names = variableNames
        invocation.request.onEvent(.stream(.stdout, names.isEmpty ? Self.emptyNamespace : names.joined(separator: "\t") + "\n"))
        return .success(CellSuccess(result: nil))
    }

    func whos(_ invocation: MagicInvocation) -> Result<CellSuccess, CellFailure> {
        if let failure = Self.noArgument(invocation.line) { return .failure(failure) }
        let names = variableNames
        guard !names.isEmpty else {
            invocation.request.onEvent(.stream(.stdout, Self.emptyNamespace))
            return .success(CellSuccess(result: nil))
        }
        let pairs = names.map { "(\"\($0.replacingOccurrences(of: "`", with: ""))\", \(CodeGenerator.escapedIdentifier($0)))" }
        return runGenerated("_magicWhos([\(pairs.joined(separator: ", "))])", argument: "", invocation)
    }

    static let emptyNamespace = "Interactive namespace is empty.\n"

    func reset(_ invocation: MagicInvocation) -> Result<CellSuccess, CellFailure> {
        let line = invocation.line
        do {
            let options = try MagicOptions(line.argument, magic: line.spelled, flags: ["f"])
            guard options.rest.isEmpty else { throw MagicUsageError("%reset takes only -f, not '\(options.rest)'") }
            guard options.values["f"] != nil else {
                throw MagicUsageError(
                    "%reset forgets every variable and definition of the session and cannot be undone; "
                        + "write %reset -f to do it (the kernel does not ask for a confirmation)")
            }
            try forgetCells()
        } catch let usage as MagicUsageError {
            return .failure(usage.failure)
        } catch {
            return .failure(CellFailure(kind: .crash, name: "WorkerError", message: "\(error)", traceback: ["WorkerError: \(error)"]))
        }
        invocation.request.onEvent(.stream(.stdout, "Every variable and definition is forgotten: a fresh session.\n"))
        return .success(CellSuccess(result: nil))
    }

    // MARK: Folder, environment, shell

    func changeDirectory(_ invocation: MagicInvocation) -> Result<CellSuccess, CellFailure> {
        let exchange = MagicExchangeAnswers(argument: invocation.line.argument)
        let result = runGenerated("try _magicChangeDirectory()", exchange: exchange, invocation)
        if case .success = result, let folder = exchange.reports.last { workerDirectory = folder }
        return result
    }

    func environment(_ invocation: MagicInvocation) -> Result<CellSuccess, CellFailure> {
        let argument = invocation.line.argument
        guard !argument.isEmpty else { return runGenerated("_magicListEnvironment()", argument: "", invocation) }
        let separator = argument.firstIndex { $0 == "=" || $0 == " " || $0 == "\t" }
        guard let separator else { return runGenerated("try _magicShowEnvironment()", argument: argument, invocation) }
        let name = String(argument[..<separator]).trimmingCharacters(in: .whitespaces)
        var value = argument[argument.index(after: separator)...].drop { $0 == " " || $0 == "\t" }
        if argument[separator] != "=", value.first == "=" { value = value.dropFirst().drop { $0 == " " } }
        guard !name.isEmpty, !name.contains("=") else {
            return .failure(MagicUsageError("%env: a variable needs a name before '=': %env NAME=value").failure)
        }
        let result = runGenerated("try _magicSetEnvironment()", argument: "\(name)=\(value)", invocation)
        if case .success = result { workerEnvironment[name] = String(value) }
        return result
    }

    func shell(_ invocation: MagicInvocation) -> Result<CellSuccess, CellFailure> {
        guard !invocation.line.argument.isEmpty else { return .failure(MagicUsageError("! needs a command, e.g. !ls").failure) }
        return runGenerated("try _magicShell()", argument: invocation.line.argument, invocation)
    }

    func listMagics(_ invocation: MagicInvocation) -> Result<CellSuccess, CellFailure> {
        if let failure = Self.noArgument(invocation.line) { return .failure(failure) }
        invocation.request.onEvent(.stream(.stdout, Self.magicListing))
        return .success(CellSuccess(result: nil))
    }

    // MARK: Helpers

    private func runGenerated(_ code: String, argument: String, _ invocation: MagicInvocation) -> Result<CellSuccess, CellFailure> {
        runGenerated(code, exchange: MagicExchangeAnswers(argument: argument), invocation)
    }

    /// Runs code the engine wrote; its text is the same for every argument, so after its first compile it
    /// comes from the cache, and the argument travels through `exchange`.
    private func runGenerated(
        _ code: String, exchange: MagicExchangeAnswers, _ invocation: MagicInvocation
    ) -> Result<CellSuccess, CellFailure> {
        let request = invocation.request
        return executeLocked(
            code, options: request.options, onEvent: request.onEvent, onInput: nil, mode: RunMode(keep: false, exchange: exchange)
        ).mapError(Self.withoutModulePrefix)
    }

    /// The error for a magic that takes no argument and was given one.
    private static func noArgument(_ line: MagicLine) -> CellFailure? {
        line.argument.isEmpty ? nil : MagicUsageError("\(line.spelled) takes no arguments, not '\(line.argument)'").failure
    }

    /// A failure thrown by the runtime's magic support reads `ShellCommandError`, not `CellRuntime.ShellCommandError`.
    private static func withoutModulePrefix(_ failure: CellFailure) -> CellFailure {
        var plain = failure
        if plain.name.hasPrefix("CellRuntime.") { plain.name.removeFirst("CellRuntime.".count) }
        plain.traceback = plain.traceback.map { $0.hasPrefix("CellRuntime.") ? String($0.dropFirst("CellRuntime.".count)) : $0 }
        return plain
    }
}

/// The cell the engine compiles for `%timeit` and `%%timeit`: the timed code inside a closure that the
/// runtime calls in a loop, inside a `do` block, so nothing it (or the setup) declares leaks into the
/// session. `#sourceLocation` and blank padding put the timed code at the line and column it has in the cell,
/// so compiler errors point at the code as written.
enum TimeitSource {
    static func line(_ code: String, at place: (line: Int, column: Int), loops: Int, runs: Int) -> String {
        String(repeating: "\n", count: place.line - 1) + "do { try _magicTimeit(loops: \(loops), runs: \(runs)) {\n"
            + location(place.line) + String(repeating: " ", count: place.column - 1) + code + "\n}}"
    }

    static func cell(setup: String, at place: (line: Int, column: Int), body: String, loops: Int, runs: Int) -> String {
        let opener = "do {"
        return String(repeating: "\n", count: place.line - 1) + opener
            + String(repeating: " ", count: max(1, place.column - 1 - opener.count)) + setup + "\n"
            + "try _magicTimeit(loops: \(loops), runs: \(runs)) {\n" + location(place.line + 1) + body + "\n}}"
    }

    private static func location(_ line: Int) -> String {
        "#sourceLocation(file: \"\(CodeGenerator.cellFileName)\", line: \(line))\n"
    }
}
