import SwiftParser
import SwiftSyntax

/// Whether a piece of Swift code is ready to run, as Jupyter's `is_complete_request` asks.
public enum CodeCompleteness: Sendable, Hashable {
    /// The code parses; running it now makes sense.
    case complete
    /// The code stops in the middle of something (an open brace, a trailing operator, an open
    /// multi-line string); `indent` is what the next line should start with.
    case incomplete(indent: String)
    /// The code has an error that more lines cannot fix (a stray `}`, a missing name in the middle).
    case invalid

    /// Decides by parsing the code with swift-syntax.
    ///
    /// The code is complete when it parses without errors. It is incomplete when every error is a
    /// token or node that the parser found missing at the very end of the text (after the last
    /// non-blank character), and invalid otherwise — unexpected text, a missing piece in the middle, or
    /// an unterminated single-line string.
    /// - Parameter code: a cell's source.
    /// - Returns: the verdict.
    public init(checking code: String) {
        if code.allSatisfy(\.isWhitespace) {
            self = .complete
            return
        }
        // Magic lines are complete; the Swift after them, or below a cell magic, decides.
        switch MagicCell(code) {
        case .swift:
            break
        case .lines(_, let remainder):
            self = remainder.map(CodeCompleteness.init(checking:)) ?? .complete
            return
        case .cell(_, let body):
            self = CodeCompleteness(checking: body)
            return
        }
        let tree = Parser.parse(source: code)
        let end = Self.endOfText(code)
        var missingAtEnd = false
        for token in tree.tokens(viewMode: .all) {
            if let diagnostic = token.tokenDiagnostic, diagnostic.severity == .error {
                if Self.isUnterminatedComment(token, end: end) {
                    missingAtEnd = true
                    continue
                }
                self = .invalid
                return
            }
            if token.presence == .missing {
                switch token.tokenKind {
                case .stringQuote, .singleQuote, .rawStringPoundDelimiter:
                    // A single-line string cannot continue on the next line.
                    if !Self.isInsideMultilineString(token) {
                        self = .invalid
                        return
                    }
                default:
                    break
                }
                guard token.position.utf8Offset >= end else {
                    self = .invalid
                    return
                }
                missingAtEnd = true
            } else if Self.isUnexpected(token) {
                self = .invalid
                return
            }
        }
        if Self.endsInsideBlockComment(code) {
            self = .incomplete(indent: Self.nextIndent(code))
            return
        }
        if !missingAtEnd && !tree.hasError {
            self = .complete
            return
        }
        self = missingAtEnd ? .incomplete(indent: Self.nextIndent(code)) : .invalid
    }

    /// The status string of an `is_complete_reply`.
    public var status: String {
        switch self {
        case .complete: "complete"
        case .incomplete: "incomplete"
        case .invalid: "invalid"
        }
    }

    /// UTF-8 offset just after the last non-blank character.
    static func endOfText(_ code: String) -> Int {
        var utf8 = Array(code.utf8)
        while let last = utf8.last, last == 0x20 || last == 0x0A || last == 0x0D || last == 0x09 {
            utf8.removeLast()
        }
        return utf8.count
    }

    /// Whether a present token sits inside an `UnexpectedNodesSyntax` (text the parser could not place).
    static func isUnexpected(_ token: TokenSyntax) -> Bool {
        var node: Syntax? = token.parent
        while let current = node {
            if current.is(UnexpectedNodesSyntax.self) { return true }
            node = current.parent
        }
        return false
    }

    static func isInsideMultilineString(_ token: TokenSyntax) -> Bool {
        var node: Syntax? = token.parent
        while let current = node {
            if let literal = current.as(StringLiteralExprSyntax.self) {
                return literal.openingQuote.tokenKind == .multilineStringQuote
            }
            node = current.parent
        }
        return false
    }

    static func isUnterminatedComment(_ token: TokenSyntax, end: Int) -> Bool {
        token.position.utf8Offset <= end && token.endPosition.utf8Offset >= end
            && token.leadingTrivia.description.contains("/*")
    }

    /// Whether the text ends inside an unclosed `/* … */` comment (outside strings, nesting as Swift does).
    static func endsInsideBlockComment(_ code: String) -> Bool {
        let tree = Parser.parse(source: code)
        var depth = 0
        for token in tree.tokens(viewMode: .sourceAccurate) {
            for piece in Array(token.leadingTrivia) + Array(token.trailingTrivia) {
                if case .blockComment(let text) = piece, !text.hasSuffix("*/") { depth += 1 }
                if case .unexpectedText(let text) = piece, text.hasPrefix("/*") { depth += 1 }
            }
        }
        return depth > 0
    }

    /// The indentation of the last non-blank line, four spaces more after an opening bracket.
    static func nextIndent(_ code: String) -> String {
        let lines = code.split(separator: "\n", omittingEmptySubsequences: false)
        guard let last = lines.last(where: { !$0.allSatisfy(\.isWhitespace) }) else { return "" }
        let indent = String(last.prefix { $0 == " " || $0 == "\t" })
        let trimmed = last.trimmingTrailingWhitespace()
        if let final = trimmed.last, "{([".contains(final) { return indent + "    " }
        return indent
    }
}

extension Substring {
    fileprivate func trimmingTrailingWhitespace() -> Substring {
        var copy = self
        while let last = copy.last, last.isWhitespace { copy.removeLast() }
        return copy
    }
}
