import SwiftIDEUtils
import SwiftParser
import SwiftSyntax

/// Marks up Swift source for the HTML export: keywords, types, literals, attributes and comments in
/// `<span>`s, everything else as escaped text.
///
/// The classification is swift-syntax's own (`SwiftIDEUtils`), the one SourceKit-LSP colours editors with,
/// so contextual keywords, string interpolation and multi-line literals come out right. A source that does
/// not parse still classifies: the parser recovers, and unclassified text is written plain.
enum SwiftHighlighter {
    static func html(_ source: String) -> String {
        var source = source
        // (class, text) pieces in order; neighbours of one class become one span (a string literal is
        // classified quote, content and quote).
        var pieces: [(kind: String?, text: String)] = []
        func add(_ kind: String?, _ text: String) {
            if let last = pieces.last, last.kind == kind {
                pieces[pieces.count - 1].text += text
            } else {
                pieces.append((kind, text))
            }
        }
        source.withUTF8 { bytes in
            let tree = Parser.parse(source: bytes)
            func text(_ range: Range<Int>) -> String { String(decoding: bytes[range], as: UTF8.self) }
            var cursor = 0
            for piece in tree.classifications {
                let start = max(piece.range.lowerBound.utf8Offset, cursor)
                let end = min(piece.range.upperBound.utf8Offset, bytes.count)
                guard start < end else { continue }
                if cursor < start { add(nil, text(cursor..<start)) }
                add(cssClass(piece.kind), text(start..<end))
                cursor = end
            }
            if cursor < bytes.count { add(nil, text(cursor..<bytes.count)) }
        }
        return pieces.map { piece in
            piece.kind.map { "<span class=\"\($0)\">" + HTML.escape(piece.text) + "</span>" } ?? HTML.escape(piece.text)
        }.joined()
    }

    /// The report's style class for a classification (see the exporter's style sheet), or `nil` for plain text.
    static func cssClass(_ kind: SyntaxClassification) -> String? {
        switch kind {
        case .keyword: "kw"
        case .type: "ty"
        case .stringLiteral, .regexLiteral: "st"
        case .integerLiteral, .floatLiteral: "nu"
        case .lineComment, .blockComment, .docLineComment, .docBlockComment: "cm"
        case .attribute, .ifConfigDirective: "at"
        default: nil
        }
    }
}
