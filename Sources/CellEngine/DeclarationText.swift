import SwiftSyntax

/// How a declaration reads to a person: its header without a body, and its doc comment. Shared by the
/// cell analysis (what a cell declares) and the assist features (completion and inspection).
enum DeclarationText {
    /// The declaration's text up to where `body` starts (the whole text when there is no body).
    static func header(_ decl: some SyntaxProtocol, cutting body: (some SyntaxProtocol)?) -> String {
        let full = decl.trimmedDescription
        guard let body else { return full }
        let cut =
            body.positionAfterSkippingLeadingTrivia.utf8Offset - decl.positionAfterSkippingLeadingTrivia.utf8Offset
        let prefix = String(decoding: Array(full.utf8).prefix(max(0, cut)), as: UTF8.self)
        return prefix.trimmingSuffixWhitespace()
    }

    /// A header written over several lines, joined into one with single spaces.
    static func oneLine(_ text: String) -> String {
        text.split(whereSeparator: \.isNewline).map { $0.trimmingPrefixWhitespace() }.joined(separator: " ")
    }

    /// The `///` or `/** */` comment right above a declaration, without the comment markers; an
    /// ordinary comment between it and the declaration cancels it.
    static func documentation(_ trivia: Trivia) -> String? {
        var lines: [String] = []
        for piece in trivia {
            switch piece {
            case .docLineComment(let text):
                var line = Substring(text.dropFirst(3))
                if line.first == " " { line = line.dropFirst() }
                lines.append(String(line))
            case .docBlockComment(let text):
                let body = text.dropFirst(3).dropLast(2)
                for line in body.split(separator: "\n", omittingEmptySubsequences: false) {
                    var trimmed = line.trimmingPrefixWhitespace()
                    if trimmed.first == "*" { trimmed = trimmed.dropFirst().trimmingPrefixWhitespace() }
                    lines.append(String(trimmed))
                }
            case .newlines, .spaces, .tabs, .carriageReturns, .carriageReturnLineFeeds:
                continue
            default:
                lines.removeAll()
            }
        }
        while lines.first?.isEmpty == true { lines.removeFirst() }
        while lines.last?.isEmpty == true { lines.removeLast() }
        return lines.isEmpty ? nil : lines.joined(separator: "\n")
    }
}

extension StringProtocol {
    func trimmingPrefixWhitespace() -> Substring {
        Substring(self).drop { $0 == " " || $0 == "\t" }
    }

    func trimmingSuffixWhitespace() -> String {
        var text = Substring(self)
        while let last = text.last, last.isWhitespace { text.removeLast() }
        return String(text)
    }
}
