/// A magic used the wrong way (an unknown option, a value that is not a number); shown as `UsageError`, as
/// IPython names it.
struct MagicUsageError: Error, Equatable {
    var message: String

    init(_ message: String) { self.message = message }

    var failure: CellFailure {
        CellFailure(kind: .compileError, name: "UsageError", message: message, traceback: ["UsageError: \(message)"])
    }
}

/// The options at the start of a magic's argument (`-n 100 -r 3 f(x)`, `-f`) and the text after them.
///
/// An option is `-` and a letter; one that takes a value has it attached (`-n100`) or as the next word. The
/// options end at the first word that is not one, or after `--`, so code that starts with `-` can follow it.
struct MagicOptions: Equatable {
    var values: [Character: String] = [:]
    /// The argument after the options.
    var rest: String
    /// How many characters of the argument the options took (the rest's column is the argument's plus this).
    var restOffset: Int

    init(
        _ argument: String, magic: String, valued: [Character: String] = [:], flags: Set<Character> = []
    ) throws(MagicUsageError) {
        var text = Substring(argument)
        func skipBlanks() { text = text.drop { $0 == " " || $0 == "\t" } }
        func word() -> Substring {
            let found = text.prefix { $0 != " " && $0 != "\t" }
            text = text.dropFirst(found.count)
            return found
        }
        skipBlanks()
        while text.first == "-", let letter = text.dropFirst().first, letter.isLetter || letter == "-" {
            let option = word()
            if option == "--" { break }
            if flags.contains(letter), option.count == 2 {
                values[letter] = ""
            } else if let what = valued[letter] {
                var value = option.dropFirst(2)
                if value.isEmpty {
                    skipBlanks()
                    value = word()
                }
                guard !value.isEmpty else { throw MagicUsageError("\(magic): option -\(letter) needs \(what)") }
                values[letter] = String(value)
            } else {
                throw MagicUsageError(
                    "\(magic): unknown option \(option) (it takes \(MagicOptions.describe(valued: valued, flags: flags)); "
                        + "put -- before code that starts with '-')")
            }
            skipBlanks()
        }
        skipBlanks()
        rest = String(text)
        restOffset = argument.count - text.count
    }

    /// A positive whole number given with `-letter`, if it was given.
    func count(_ letter: Character, magic: String, meaning: String) throws(MagicUsageError) -> Int? {
        guard let text = values[letter] else { return nil }
        guard let number = Int(text), number > 0 else {
            throw MagicUsageError("\(magic): -\(letter) needs a positive whole number of \(meaning), not '\(text)'")
        }
        return number
    }

    private static func describe(valued: [Character: String], flags: Set<Character>) -> String {
        let all = valued.keys.sorted().map { "-\($0) <\(valued[$0]!)>" } + flags.sorted().map { "-\($0)" }
        return all.isEmpty ? "no options" : all.joined(separator: ", ")
    }
}
