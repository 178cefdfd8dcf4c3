/// A cell read for IPython-style magics before anything is compiled.
///
/// - A cell whose first non-blank line starts with `%%` is a *cell magic*: `%%timeit setup` followed by the
///   code to time, `%%time` followed by the code to time.
/// - A cell whose first non-blank line starts with `%` or `!` begins with *line magics*: each such line
///   (`%cd data`, `!ls`, `%timeit f(x)`) runs in turn, and what follows the last of them, if anything, runs as
///   an ordinary Swift cell in which the magic lines are blank, so its line numbers stay those of the cell.
/// - Any other cell is Swift. A `%` or `!` line after Swift code is Swift (and most likely an error).
enum MagicCell: Equatable {
    case swift
    case lines([MagicLine], remainder: String?)
    case cell(MagicLine, body: String)

    init(_ code: String) {
        let lines = code.split(separator: "\n", omittingEmptySubsequences: false).map(String.init)
        guard let first = lines.firstIndex(where: { !$0.allSatisfy(\.isWhitespace) }),
            let magic = MagicLine(lines[first], line: first + 1)
        else {
            self = .swift
            return
        }
        if magic.isCellMagic {
            self = .cell(magic, body: lines[(first + 1)...].joined(separator: "\n"))
            return
        }
        var magics: [MagicLine] = []
        var blanked = lines
        var index = first
        while index < lines.count {
            if let next = MagicLine(lines[index], line: index + 1), !next.isCellMagic {
                magics.append(next)
                blanked[index] = ""
            } else if !lines[index].allSatisfy(\.isWhitespace) {
                break
            }
            index += 1
        }
        let remainder = index < lines.count ? blanked.joined(separator: "\n") : nil
        self = .lines(magics, remainder: remainder)
    }
}

/// One `%name argument`, `%%name argument` or `!command` line, with where its argument starts.
struct MagicLine: Equatable {
    /// The magic's name without `%`; `!` for a shell command.
    var name: String
    /// The rest of the line after the name and the blanks that follow it (the shell command for `!`).
    var argument: String
    var isCellMagic: Bool
    /// The 1-based line of the cell it is on.
    var line: Int
    /// The 1-based column (in characters) where `argument` starts on its line.
    var argumentColumn: Int

    static let shell = "!"

    /// Reads a line; `nil` when it is not a magic line.
    init?(_ text: String, line: Int) {
        let indent = text.prefix { $0 == " " || $0 == "\t" }
        var rest = text.dropFirst(indent.count)
        var prefixLength = indent.count
        if rest.hasPrefix("!") {
            name = Self.shell
            isCellMagic = false
            rest = rest.dropFirst()
            prefixLength += 1
        } else if rest.hasPrefix("%") {
            isCellMagic = rest.hasPrefix("%%")
            let marks = isCellMagic ? 2 : 1
            rest = rest.dropFirst(marks)
            let found = rest.prefix { $0.isLetter || $0.isNumber || $0 == "_" }
            name = String(found)
            rest = rest.dropFirst(found.count)
            prefixLength += marks + found.count
            // `%timeit?` asks for help, as in IPython.
            if rest == "?" { rest = " ?" }
        } else {
            return nil
        }
        let blanks = rest.prefix { $0 == " " || $0 == "\t" }
        argument = String(rest.dropFirst(blanks.count))
        while argument.last?.isWhitespace == true { argument.removeLast() }
        self.line = line
        argumentColumn = prefixLength + blanks.count + 1
    }

    /// How the magic is written, for messages: `%timeit`, `%%time`, `!`.
    var spelled: String {
        name == Self.shell ? Self.shell : (isCellMagic ? "%%" : "%") + name
    }
}
