import Synchronization
import WorkerProtocol

/// One magic the engine knows: how it is written, what it does, and the session method that runs it.
///
/// The table is `CellSession.magics`; a new magic (`%install`) is one more entry there, and `%lsmagic` and the
/// unknown-magic error list it from the table.
struct Magic: Sendable {
    enum Form: Sendable { case line, cell }

    var name: String
    var form: Form
    /// How it is called, e.g. `%timeit [-n <loops>] [-r <runs>] <code>`.
    var usage: String
    var summary: String
    var run: @Sendable (CellSession, MagicInvocation) -> Result<CellSuccess, CellFailure>

    /// How the magic is written: `%timeit`, `%%time`, `!`.
    var spelled: String {
        name == MagicLine.shell ? MagicLine.shell : (form == .cell ? "%%" : "%") + name
    }
}

/// A magic being run: its line, the code below it (for a cell magic), and the cell's request.
struct MagicInvocation {
    var line: MagicLine
    /// The lines after a cell magic's first line; `nil` for a line magic.
    var body: String?
    var request: MagicRequest
}

/// What `CellSession.execute` was called with.
struct MagicRequest {
    var code: String
    var options: ExecuteOptions
    var onEvent: @Sendable (CellEvent) -> Void
    var onInput: (@Sendable (InputRequest) -> String?)?
}

/// The engine's side of `MagicExchange`: the argument the generated code asks for, and what it reports.
final class MagicExchangeAnswers: Sendable {
    let argument: String
    private let reported = Mutex<[String]>([])

    init(argument: String) { self.argument = argument }

    /// What the generated code reported, in order.
    var reports: [String] { reported.withLock { $0 } }

    /// The answer to one of the generated code's input requests; `nil` (end of input) for any other request.
    func answer(_ request: InputRequest) -> String? {
        if request.prompt == MagicExchange.argumentPrompt { return argument }
        guard request.prompt.hasPrefix(MagicExchange.reportPrefix) else { return nil }
        reported.withLock { $0.append(String(request.prompt.dropFirst(MagicExchange.reportPrefix.count))) }
        return ""
    }
}

extension CellSession {
    /// Every magic the engine knows, in the order `%lsmagic` lists them.
    static let magics: [Magic] = [
        Magic(name: "cd", form: .line, usage: "%cd [<folder>]",
              summary: "change the folder cells and shell commands run in (home without a folder); kept after a restart",
              run: { $0.changeDirectory($1) }),
        Magic(name: "env", form: .line, usage: "%env [NAME | NAME=value]",
              summary: "list the environment, show one variable, or set one for cells and shell commands; kept after a restart",
              run: { $0.environment($1) }),
        Magic(name: "install", form: .line, usage: "%install .package(path: \"…\") <Product>",
              summary: "build a Swift package with SwiftPM (also .package(url: \"…\", from: \"1.2.0\")) so that cells after it can import its product; builds are cached",
              run: { $0.install($1) }),
        Magic(name: "lsmagic", form: .line, usage: "%lsmagic", summary: "list the magics", run: { $0.listMagics($1) }),
        Magic(name: "reset", form: .line, usage: "%reset -f",
              summary: "forget every variable and definition: a fresh session (-f is required; nothing asks to confirm)",
              run: { $0.reset($1) }),
        Magic(name: "time", form: .line, usage: "%time <statement>",
              summary: "run the statement once as a cell (what it defines stays) and print its wall and CPU time",
              run: { $0.time($1) }),
        Magic(name: "timeit", form: .line, usage: "%timeit [-n <loops>] [-r <runs>] <code>",
              summary: "time compiled code in a loop: mean ± std. dev. of the runs (7 by default; loops chosen to take ≥ 0.2 s)",
              run: { $0.timeit($1) }),
        Magic(name: "who", form: .line, usage: "%who", summary: "the names of the session's variables", run: { $0.who($1) }),
        Magic(name: "whos", form: .line, usage: "%whos",
              summary: "the session's variables as a table: name, type and value", run: { $0.whos($1) }),
        Magic(name: "time", form: .cell, usage: "%%time", summary: "as %time, for the code below it", run: { $0.time($1) }),
        Magic(name: "timeit", form: .cell, usage: "%%timeit [-n <loops>] [-r <runs>] [<setup>]",
              summary: "as %timeit, for the code below it; the setup on the first line runs once, untimed",
              run: { $0.timeit($1) }),
        Magic(name: MagicLine.shell, form: .line, usage: "!<command>",
              summary: "run a command with /bin/sh in the cells' folder and environment; a non-zero exit status is an error",
              run: { $0.shell($1) }),
    ]

    /// The magic a line calls, if the engine knows it.
    static func magic(for line: MagicLine) -> Magic? {
        magics.first { $0.name == line.name && ($0.form == .cell) == line.isCellMagic }
    }

    /// `%lsmagic`'s text: every magic with its usage and what it does.
    static var magicListing: String {
        let width = (magics.map(\.usage.count).max() ?? 0) + 2
        func row(_ magic: Magic) -> String {
            "  " + magic.usage + String(repeating: " ", count: width - magic.usage.count) + magic.summary
        }
        let shell = magics.filter { $0.name == MagicLine.shell }
        let line = magics.filter { $0.form == .line && $0.name != MagicLine.shell }
        let cell = magics.filter { $0.form == .cell }
        return (["Line magics:"] + line.map(row) + ["Cell magics:"] + cell.map(row) + ["Shell:"] + shell.map(row))
            .joined(separator: "\n") + "\n"
    }

    /// The error for a magic the engine does not know, listing the ones it does.
    static func unknownMagic(_ line: MagicLine) -> CellFailure {
        let known = magics.map { $0.name == MagicLine.shell ? "!<command>" : $0.spelled }.joined(separator: ", ")
        let what = line.name.isEmpty ? "'\(line.isCellMagic ? "%%" : "%")' without a name" : line.spelled
        let message = "\(what) is not a magic this kernel knows; it knows \(known) (see %lsmagic)"
        return CellFailure(kind: .compileError, name: "UnknownMagic", message: message, traceback: ["UnknownMagic: \(message)"])
    }
}
