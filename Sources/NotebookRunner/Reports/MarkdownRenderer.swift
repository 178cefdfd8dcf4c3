/// Renders the markdown that lecture notebooks use to HTML: ATX headings, paragraphs, `*emphasis*`,
/// `**strong**`, `` `code` ``, fenced code blocks, block quotes, bulleted and numbered lists, `[links](url)`,
/// `![images](data:…)`, `<autolinks>`, horizontal rules, and raw HTML (blocks and inline tags), as
/// JupyterLab shows it. LaTeX between `$…$` or `$$…$$` is left as (escaped) text for a reader to see.
///
/// Markdown is untrusted like any output: raw HTML is passed on only to be sanitized, and the whole
/// rendered fragment goes through `HTMLSanitizer` (so raw HTML meets the same allowlist as `text/html`
/// outputs); link and image destinations are checked by `URLPolicy`, the same function that checks
/// `href` and `src` attributes, and a refused one shows its text only.
///
/// Not a CommonMark implementation: nested lists, tables and reference links are shown as paragraphs.
public enum MarkdownRenderer {
    /// Renders markdown text.
    /// - Parameters:
    ///   - markdown: the cell's source.
    /// - Returns: a sanitized HTML fragment.
    public static func html(_ markdown: String) -> String {
        HTMLSanitizer.sanitize(render(markdown))
    }

    /// The HTML of the markdown, raw HTML included as written; only safe once sanitized.
    static func render(_ markdown: String) -> String {
        var out: [String] = []
        var paragraph: [String] = []
        var list: (ordered: Bool, items: [String])? = nil
        var quote: [String] = []
        var fence: (marker: String, language: String, lines: [String])? = nil
        /// Raw HTML lines, up to a blank line or (for `<script>`, `<pre>`, `<!--`, …) up to their end marker.
        var htmlBlock: (end: String?, lines: [String])? = nil

        func flushParagraph() {
            guard !paragraph.isEmpty else { return }
            out.append("<p>" + inline(paragraph.joined(separator: "\n")) + "</p>")
            paragraph = []
        }
        func flushList() {
            guard let current = list else { return }
            let tag = current.ordered ? "ol" : "ul"
            out.append("<\(tag)>" + current.items.map { "<li>" + inline($0) + "</li>" }.joined() + "</\(tag)>")
            list = nil
        }
        func flushQuote() {
            guard !quote.isEmpty else { return }
            out.append("<blockquote>" + render(quote.joined(separator: "\n")) + "</blockquote>")
            quote = []
        }
        func flushHTMLBlock() {
            guard let block = htmlBlock else { return }
            out.append(block.lines.joined(separator: "\n"))
            htmlBlock = nil
        }
        func flushAll() {
            flushParagraph()
            flushList()
            flushQuote()
            flushHTMLBlock()
        }

        for rawLine in markdown.split(separator: "\n", omittingEmptySubsequences: false) {
            let line = String(rawLine).replacingTabs
            let trimmed = line.trimmingSpaces
            if var open = fence {
                if trimmed.hasPrefix(open.marker) && trimmed.allSatisfy({ $0 == open.marker.first }) {
                    let language = open.language.isEmpty ? "" : " class=\"language-\(HTML.escape(open.language))\""
                    out.append(
                        "<pre><code\(language)>" + HTML.escape(open.lines.joined(separator: "\n")) + "</code></pre>")
                    fence = nil
                } else {
                    open.lines.append(line)
                    fence = open
                }
                continue
            }
            if var block = htmlBlock {
                if let end = block.end {
                    block.lines.append(line)
                    htmlBlock = block
                    if line.lowercased().contains(end) { flushHTMLBlock() }
                    continue
                }
                if !trimmed.isEmpty {
                    block.lines.append(line)
                    htmlBlock = block
                    continue
                }
            }
            if let end = htmlBlockStart(trimmed, paragraphOpen: !paragraph.isEmpty || list != nil) {
                flushAll()
                htmlBlock = (end, [line])
                if let end, trimmed.lowercased().dropFirst(2).contains(end) { flushHTMLBlock() }
                continue
            }
            if trimmed.hasPrefix("```") || trimmed.hasPrefix("~~~") {
                flushAll()
                let marker = String(trimmed.prefix(3))
                fence = (marker, String(trimmed.dropFirst(3)).trimmingSpaces, [])
                continue
            }
            if trimmed.isEmpty {
                flushAll()
                continue
            }
            if trimmed.hasPrefix(">") {
                flushParagraph()
                flushList()
                quote.append(String(trimmed.dropFirst()).trimmingSpaces)
                continue
            }
            flushQuote()
            if let (level, text) = heading(trimmed) {
                flushAll()
                out.append("<h\(level)>" + inline(text) + "</h\(level)>")
                continue
            }
            if isRule(trimmed) {
                flushAll()
                out.append("<hr>")
                continue
            }
            if let (ordered, text) = listItem(trimmed) {
                flushParagraph()
                if let current = list, current.ordered != ordered { flushList() }
                if list == nil { list = (ordered, []) }
                list!.items.append(text)
                continue
            }
            if list != nil, line.hasPrefix("  ") {
                list!.items[list!.items.count - 1] += "\n" + trimmed
                continue
            }
            flushList()
            paragraph.append(trimmed)
        }
        if let open = fence {
            out.append("<pre><code>" + HTML.escape(open.lines.joined(separator: "\n")) + "</code></pre>")
        }
        flushAll()
        return out.joined(separator: "\n")
    }

    /// Whether a line starts a raw HTML block (CommonMark's kinds 1–7, simplified), and if so what ends it.
    /// - Parameters:
    ///   - line: the line, without leading spaces.
    ///   - paragraphOpen: whether a paragraph (or list item) is open, which only kinds 1–6 may interrupt.
    /// - Returns: `nil` when the line starts no HTML block; `.some(nil)` for a block that a blank line ends;
    ///   `.some(marker)` for one that ends with the line containing `marker` (`</script>`, `-->`, `>`).
    static func htmlBlockStart(_ line: String, paragraphOpen: Bool) -> String?? {
        guard line.hasPrefix("<") else { return nil }
        let lower = line.lowercased()
        for element in ["script", "pre", "style", "textarea"] {
            let rest = lower.dropFirst(1 + element.count)
            if lower.dropFirst().hasPrefix(element), rest.isEmpty || rest.first == ">" || rest.first == " " {
                return .some("</\(element)>")
            }
        }
        if lower.hasPrefix("<!--") { return .some("-->") }
        if lower.hasPrefix("<![cdata[") { return .some("]]>") }
        if lower.hasPrefix("<!") || lower.hasPrefix("<?") { return .some(">") }
        let name = lower.dropFirst(lower.hasPrefix("</") ? 2 : 1).prefix { $0.isASCII && ($0.isLetter || $0.isNumber) }
        guard let first = name.first, first.isLetter else { return nil }
        if blockElements.contains(String(name)) { return .some(nil) }
        // Kind 7: any other complete tag alone on its line, when it does not interrupt a paragraph.
        let chars = Array(line.trimmingSpaces)
        guard !paragraphOpen, let (_, end) = rawInline(chars, at: 0), end == chars.count else { return nil }
        return .some(nil)
    }

    /// Elements that start an HTML block of CommonMark's kind 6.
    static let blockElements: Set<String> = [
        "address", "article", "aside", "base", "basefont", "blockquote", "body", "caption", "center", "col",
        "colgroup", "dd", "details", "dialog", "dir", "div", "dl", "dt", "fieldset", "figcaption", "figure",
        "footer", "form", "frame", "frameset", "h1", "h2", "h3", "h4", "h5", "h6", "head", "header", "hr",
        "html", "iframe", "legend", "li", "link", "main", "menu", "menuitem", "nav", "noframes", "ol",
        "optgroup", "option", "p", "param", "search", "section", "summary", "table", "tbody", "td", "tfoot",
        "th", "thead", "title", "tr", "track", "ul",
    ]

    static func heading(_ line: String) -> (Int, String)? {
        let hashes = line.prefix { $0 == "#" }.count
        guard (1...6).contains(hashes) else { return nil }
        let rest = line.dropFirst(hashes)
        guard rest.isEmpty || rest.first == " " else { return nil }
        var text = String(rest).trimmingSpaces
        while text.hasSuffix("#") { text = String(text.dropLast()) }
        return (hashes, text.trimmingSpaces)
    }

    static func isRule(_ line: String) -> Bool {
        let marks = line.filter { $0 != " " }
        guard marks.count >= 3, let first = marks.first, "-*_".contains(first) else { return false }
        return marks.allSatisfy { $0 == first }
    }

    static func listItem(_ line: String) -> (ordered: Bool, text: String)? {
        if let first = line.first, "-*+".contains(first), line.dropFirst().first == " " {
            return (false, String(line.dropFirst(2)).trimmingSpaces)
        }
        let digits = line.prefix { $0.isASCII && $0.isNumber }
        if !digits.isEmpty, digits.count <= 9 {
            let rest = line.dropFirst(digits.count)
            if let marker = rest.first, marker == "." || marker == ")", rest.dropFirst().first == " " {
                return (true, String(rest.dropFirst(2)).trimmingSpaces)
            }
        }
        return nil
    }

    /// Inline markup: code spans and math first (their content is literal), then links and emphasis.
    static func inline(_ text: String) -> String {
        let chars = Array(text)
        var out = ""
        var i = 0
        var strongOpen = false
        var emphasisOpen: Character? = nil
        func find(_ target: [Character], from start: Int) -> Int? {
            guard !target.isEmpty, start + target.count <= chars.count else { return nil }
            var j = start
            while j + target.count <= chars.count {
                if Array(chars[j..<j + target.count]) == target { return j }
                j += 1
            }
            return nil
        }
        /// The `)` that closes a link destination: parentheses inside it must balance, as in CommonMark.
        func closingParenthesis(from start: Int) -> Int? {
            var depth = 0
            var j = start
            while j < chars.count, chars[j] != "\n" {
                if chars[j] == "(" { depth += 1 }
                if chars[j] == ")" {
                    if depth == 0 { return j }
                    depth -= 1
                }
                j += 1
            }
            return nil
        }
        while i < chars.count {
            let c = chars[i]
            if c == "\\", i + 1 < chars.count, "\\`*_[]()#+-.!$<>&".contains(chars[i + 1]) {
                out += HTML.escape(String(chars[i + 1]))
                i += 2
                continue
            }
            if c == "`" {
                let ticks = chars[i...].prefix { $0 == "`" }.count
                if let close = find(Array(repeating: "`", count: ticks), from: i + ticks) {
                    let code = String(chars[(i + ticks)..<close]).trimmingSpaces
                    out += "<code>" + HTML.escape(code) + "</code>"
                    i = close + ticks
                    continue
                }
            }
            if c == "$" {
                let delimiter: [Character] = (i + 1 < chars.count && chars[i + 1] == "$") ? ["$", "$"] : ["$"]
                if let close = find(delimiter, from: i + delimiter.count), close > i + delimiter.count {
                    let math = String(chars[i..<(close + delimiter.count)])
                    out += "<span class=\"math\">" + HTML.escape(math) + "</span>"
                    i = close + delimiter.count
                    continue
                }
            }
            let image = c == "!" && i + 1 < chars.count && chars[i + 1] == "["
            let open = image ? i + 1 : i
            if chars[open] == "[", let closeText = find(["]", "("], from: open + 1),
                let closeURL = closingParenthesis(from: closeText + 2)
            {
                let label = String(chars[(open + 1)..<closeText])
                // As in CommonMark, character references in a destination are decoded.
                let destination = HTMLEntities.decode(String(chars[(closeText + 2)..<closeURL]).trimmingSpaces)
                if !label.contains("]") && !destination.contains(" ") {
                    if image {
                        out +=
                            URLPolicy.allowed(destination, as: .image).map {
                                "<img src=\"\(HTML.escape($0))\" alt=\"\(HTML.escape(label))\">"
                            } ?? HTML.escape(label)
                    } else {
                        out +=
                            URLPolicy.allowed(destination, as: .link).map {
                                "<a href=\"\(HTML.escape($0))\">" + inline(label) + "</a>"
                            } ?? inline(label)
                    }
                    i = closeURL + 1
                    continue
                }
            }
            if c == "<", let (markup, end) = autolink(chars, at: i) ?? rawInline(chars, at: i) {
                out += markup
                i = end
                continue
            }
            if c == "*" || c == "_", i + 1 < chars.count, chars[i + 1] == c {
                if strongOpen {
                    out += "</strong>"
                    strongOpen = false
                    i += 2
                    continue
                }
                if find([c, c], from: i + 2) != nil {
                    out += "<strong>"
                    strongOpen = true
                    i += 2
                    continue
                }
            }
            if c == "*" || c == "_" {
                if emphasisOpen == c {
                    out += "</em>"
                    emphasisOpen = nil
                    i += 1
                    continue
                }
                let previous = i > 0 ? chars[i - 1] : " "
                let intraword = c == "_" && (previous.isLetter || previous.isNumber)
                if emphasisOpen == nil, !intraword, i + 1 < chars.count, chars[i + 1] != " ",
                    find([c], from: i + 1) != nil
                {
                    out += "<em>"
                    emphasisOpen = c
                    i += 1
                    continue
                }
            }
            if c == "\n" {
                out += "\n"
            } else {
                out += HTML.escape(String(c))
            }
            i += 1
        }
        if emphasisOpen != nil { out += "</em>" }
        if strongOpen { out += "</strong>" }
        return out
    }
}

extension MarkdownRenderer {
    /// An autolink at a `<`: `<https://…>`, `<mailto:…>` (a scheme of 2–32 letters, digits, `+`, `.` or
    /// `-`, a colon, then no space, `<` or `>`) becomes a link when `URLPolicy` accepts it, else its text.
    /// - Returns: the markup and the index after the `>`, or `nil` when there is no autolink here.
    static func autolink(_ chars: [Character], at start: Int) -> (String, Int)? {
        let schemeStart = start + 1
        guard schemeStart < chars.count, chars[schemeStart].isASCII, chars[schemeStart].isLetter else { return nil }
        var j = schemeStart
        while j < chars.count, chars[j].isASCII, chars[j].isLetter || chars[j].isNumber || "+.-".contains(chars[j]) {
            j += 1
        }
        guard j < chars.count, chars[j] == ":", (2...32).contains(j - schemeStart),
            let close = chars[j...].firstIndex(where: { $0 == ">" || $0 == "<" || $0 == " " || $0 == "\n" }),
            chars[close] == ">"
        else { return nil }
        let url = String(chars[schemeStart..<close])
        let text = HTML.escape(url)
        let link = URLPolicy.allowed(url, as: .link).map { "<a href=\"\(HTML.escape($0))\">\(text)</a>" }
        return (link ?? text, close + 1)
    }

    /// Inline raw HTML at a `<`: an open tag `<name …>` or `<name …/>`, a closing tag `</name>`, or a comment
    /// `<!-- … -->`, passed on as written for the sanitizer. A tag name is a letter followed by letters,
    /// digits and `-`; the tag ends at the first `>` outside quotes.
    /// - Returns: the markup and the index after it, or `nil` when the `<` is text (`a < b`, `<3`, a tag
    ///   that never ends).
    static func rawInline(_ chars: [Character], at start: Int) -> (String, Int)? {
        var i = start + 1
        guard i < chars.count else { return nil }
        if chars[i] == "!" {
            guard Array(chars[i..<min(i + 3, chars.count)]) == ["!", "-", "-"] else { return nil }
            var j = i + 3
            while j + 2 < chars.count, !(chars[j] == "-" && chars[j + 1] == "-" && chars[j + 2] == ">") { j += 1 }
            guard j + 2 < chars.count else { return nil }
            return (String(chars[start..<(j + 3)]), j + 3)
        }
        if chars[i] == "/" { i += 1 }
        guard i < chars.count, chars[i].isASCII, chars[i].isLetter else { return nil }
        while i < chars.count, chars[i].isASCII, chars[i].isLetter || chars[i].isNumber || chars[i] == "-" { i += 1 }
        guard i < chars.count, chars[i] == ">" || chars[i] == "/" || chars[i].isWhitespace else { return nil }
        var quote: Character? = nil
        var j = i
        while j < chars.count {
            let c = chars[j]
            if let q = quote {
                if c == q { quote = nil }
            } else if c == "\"" || c == "'" {
                quote = c
            } else if c == ">" {
                return (String(chars[start...j]), j + 1)
            }
            j += 1
        }
        return nil
    }
}

extension String {
    fileprivate var replacingTabs: String {
        contains("\t") ? String(flatMap { $0 == "\t" ? Array("    ") : [$0] }) : self
    }
}
