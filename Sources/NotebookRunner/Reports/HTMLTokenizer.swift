/// A small, tolerant HTML tokenizer for the report's sanitizer: it splits any input (valid or not) into
/// text, start tags with their attributes, end tags and comments, following the HTML standard's tokenizer
/// in the cases that matter for reading real-world markup:
///
/// - tag and attribute names are lower-cased; a name runs to whitespace, `/` or `>` (so `<scr<script>`
///   is one tag named `scr<script`, as in a browser); attribute values may be double-, single- or
///   unquoted; character references are decoded in text and values; a repeated attribute keeps its
///   first value; a tag cut off by the end of the input is dropped;
/// - `<!-- … -->` (also `<!-->`, `<!--->` and `--!>`), `<!…>`, `<?…>` and `</` + non-letter are comments;
/// - the content of `script`, `style`, `iframe`, `noscript`, `xmp`, `noembed`, `noframes`, `textarea`
///   and `title` is raw text up to the matching end tag, and `plaintext` runs to the end;
/// - NUL becomes U+FFFD, and CR LF and lone CR become LF.
///
/// It need not agree with a browser on every malformed input: the sanitizer writes a new document from
/// these tokens, with only allowlisted names and with every text and value escaped, so a token the
/// tokenizer got "wrong" turns into harmless text or disappears; it can never become markup.
struct HTMLTokenizer: IteratorProtocol, Sequence {
    /// An attribute of a start tag, its value decoded.
    struct Attribute: Equatable {
        var name: String
        var value: String
    }

    enum Token: Equatable {
        /// Text with its character references decoded.
        case text(String)
        case startTag(name: String, attributes: [Attribute], selfClosing: Bool)
        case endTag(name: String)
        /// A comment, doctype, processing instruction, CDATA section or ignored tag: never shown.
        case comment
    }

    /// Elements whose content the tokenizer reads as raw text, up to their end tag.
    static let rawTextElements: Set<String> = [
        "script", "style", "iframe", "noscript", "xmp", "noembed", "noframes", "textarea", "title",
    ]

    private let input: [Unicode.Scalar]
    private var position = 0
    /// Set after a start tag whose content is raw text (`script`, …; `plaintext` runs to the end).
    private var rawTextElement: String? = nil

    init(_ markup: String) {
        var scalars: [Unicode.Scalar] = []
        scalars.reserveCapacity(markup.unicodeScalars.count)
        var afterCR = false
        for scalar in markup.unicodeScalars {
            switch scalar {
            case "\0": scalars.append("\u{FFFD}")
            case "\r": scalars.append("\n")
            case "\n" where afterCR: break
            default: scalars.append(scalar)
            }
            afterCR = scalar == "\r"
        }
        input = scalars
    }

    mutating func next() -> Token? {
        if let element = rawTextElement {
            rawTextElement = nil
            let end = element == "plaintext" ? input.count : rawTextEnd(of: element)
            if end > position {
                defer { position = end }
                return .text(String(String.UnicodeScalarView(input[position..<end])))
            }
        }
        guard position < input.count else { return nil }
        if input[position] == "<", let token = markup() { return token }
        return text()
    }

    // MARK: Text

    /// Text up to the next `<`; a `<` at the start that opens no markup is text too.
    private mutating func text() -> Token {
        let start = position
        position += 1
        while position < input.count, input[position] != "<" { position += 1 }
        return .text(HTMLEntities.decode(String(String.UnicodeScalarView(input[start..<position]))))
    }

    /// Where raw text ends: at `</element` followed by whitespace, `/` or `>`, else at the end of the input.
    private func rawTextEnd(of element: String) -> Int {
        let name = Array(element.unicodeScalars)
        var i = position
        while i + 2 + name.count < input.count {
            if input[i] == "<", input[i + 1] == "/",
                (0..<name.count).allSatisfy({ Self.lowercased(input[i + 2 + $0]) == name[$0] }),
                Self.endsName(input[i + 2 + name.count])
            {
                return i
            }
            i += 1
        }
        return input.count
    }

    // MARK: Markup

    /// The markup at a `<`, or `nil` when the `<` is literal text (`a < b`, `<3`, a `<` at the end).
    private mutating func markup() -> Token? {
        let next = position + 1
        guard next < input.count else { return nil }
        switch input[next] {
        case "!":
            if matches("<!--", at: position) { return comment() }
            return bogusComment(from: next + 1)
        case "?":
            return bogusComment(from: next + 1)
        case "/":
            let after = next + 1
            guard after < input.count else { return nil }
            if Self.isASCIILetter(input[after]) {
                guard let (name, _, _, end) = tag(nameStart: after) else { return droppedToEnd() }
                position = end
                return .endTag(name: name)
            }
            if input[after] == ">" {
                position = after + 1
                return .comment
            }
            return bogusComment(from: after)
        case let scalar where Self.isASCIILetter(scalar):
            guard let (name, attributes, selfClosing, end) = tag(nameStart: next) else { return droppedToEnd() }
            position = end
            if Self.rawTextElements.contains(name) || name == "plaintext" { rawTextElement = name }
            return .startTag(name: name, attributes: attributes, selfClosing: selfClosing)
        default:
            return nil
        }
    }

    /// `<!--`: ends at `-->` or `--!>`; `<!-->` and `<!--->` end at once; an unclosed comment runs to the end.
    private mutating func comment() -> Token {
        let bodyStart = position + 4
        if matches(">", at: bodyStart) {
            position = bodyStart + 1
        } else if matches("->", at: bodyStart) {
            position = bodyStart + 2
        } else {
            var i = bodyStart
            position = input.count
            while i < input.count {
                if matches("-->", at: i) {
                    position = i + 3
                    break
                }
                if matches("--!>", at: i) {
                    position = i + 4
                    break
                }
                i += 1
            }
        }
        return .comment
    }

    /// `<!DOCTYPE …>`, `<![CDATA[…]]>`, `<?…>`, `</3…>`: everything up to the next `>`.
    private mutating func bogusComment(from start: Int) -> Token {
        var i = start
        while i < input.count, input[i] != ">" { i += 1 }
        position = Swift.min(i + 1, input.count)
        return .comment
    }

    /// A tag cut off by the end of the input is not emitted (the standard's "EOF in tag").
    private mutating func droppedToEnd() -> Token {
        position = input.count
        return .comment
    }

    /// Reads a tag's name and attributes; returns `nil` when the input ends inside the tag.
    private func tag(nameStart: Int) -> (String, [Attribute], Bool, Int)? {
        var i = nameStart
        var name = String.UnicodeScalarView()
        while i < input.count, !Self.endsName(input[i]) {
            name.append(Self.lowercased(input[i]))
            i += 1
        }
        var attributes: [Attribute] = []
        while true {
            while i < input.count, Self.isSpace(input[i]) { i += 1 }
            guard i < input.count else { return nil }
            if input[i] == ">" { return (String(name), attributes, false, i + 1) }
            if input[i] == "/" {
                if i + 1 < input.count, input[i + 1] == ">" { return (String(name), attributes, true, i + 2) }
                i += 1
                continue
            }
            // The name's first character may be anything but whitespace, "/" and ">" (even "=").
            var attributeName = String.UnicodeScalarView([Self.lowercased(input[i])])
            i += 1
            while i < input.count, !Self.endsName(input[i]), input[i] != "=" {
                attributeName.append(Self.lowercased(input[i]))
                i += 1
            }
            var j = i
            while j < input.count, Self.isSpace(input[j]) { j += 1 }
            var value = ""
            if j < input.count, input[j] == "=" {
                j += 1
                while j < input.count, Self.isSpace(input[j]) { j += 1 }
                guard j < input.count else { return nil }
                if input[j] == "\"" || input[j] == "'" {
                    let quote = input[j]
                    let valueStart = j + 1
                    guard let close = input[valueStart...].firstIndex(of: quote) else { return nil }
                    value = HTMLEntities.decode(String(String.UnicodeScalarView(input[valueStart..<close])))
                    j = close + 1
                } else {
                    let valueStart = j
                    while j < input.count, !Self.isSpace(input[j]), input[j] != ">" { j += 1 }
                    value = HTMLEntities.decode(String(String.UnicodeScalarView(input[valueStart..<j])))
                }
            }
            i = j
            let attributeNameString = String(attributeName)
            if !attributes.contains(where: { $0.name == attributeNameString }) {
                attributes.append(Attribute(name: attributeNameString, value: value))
            }
        }
    }

    // MARK: Characters

    private func matches(_ literal: String, at index: Int) -> Bool {
        var i = index
        for scalar in literal.unicodeScalars {
            guard i < input.count, input[i] == scalar else { return false }
            i += 1
        }
        return true
    }

    /// ASCII whitespace as the HTML tokenizer knows it: tab, LF, FF, CR, space.
    static func isSpace(_ scalar: Unicode.Scalar) -> Bool {
        scalar == " " || scalar == "\t" || scalar == "\n" || scalar == "\u{0C}" || scalar == "\r"
    }

    static func endsName(_ scalar: Unicode.Scalar) -> Bool {
        isSpace(scalar) || scalar == "/" || scalar == ">"
    }

    static func isASCIILetter(_ scalar: Unicode.Scalar) -> Bool {
        ("a"..."z").contains(scalar) || ("A"..."Z").contains(scalar)
    }

    static func lowercased(_ scalar: Unicode.Scalar) -> Unicode.Scalar {
        ("A"..."Z").contains(scalar) ? Unicode.Scalar(scalar.value + 0x20)! : scalar
    }
}
