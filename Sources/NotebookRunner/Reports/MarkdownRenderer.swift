/// Renders the markdown that lecture notebooks use to HTML: ATX headings, paragraphs, `*emphasis*`,
/// `**strong**`, `` `code` ``, fenced code blocks, block quotes, bulleted and numbered lists, `[links](url)`,
/// horizontal rules. LaTeX between `$…$` or `$$…$$` is left as (escaped) text for a reader to see.
///
/// Not a CommonMark implementation: nested lists, tables and reference links are shown as paragraphs.
public enum MarkdownRenderer {
    /// Renders markdown text.
    /// - Parameters:
    ///   - markdown: the cell's source.
    /// - Returns: an HTML fragment.
    public static func html(_ markdown: String) -> String {
        var out: [String] = []
        var paragraph: [String] = []
        var list: (ordered: Bool, items: [String])? = nil
        var quote: [String] = []
        var fence: (marker: String, language: String, lines: [String])? = nil

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
            out.append("<blockquote>" + html(quote.joined(separator: "\n")) + "</blockquote>")
            quote = []
        }
        func flushAll() {
            flushParagraph()
            flushList()
            flushQuote()
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
        while i < chars.count {
            let c = chars[i]
            if c == "\\", i + 1 < chars.count, "\\`*_[]()#+-.!$".contains(chars[i + 1]) {
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
            if c == "[", let closeText = find(["]", "("], from: i + 1), let closeURL = find([")"], from: closeText + 2)
            {
                let label = String(chars[(i + 1)..<closeText])
                let url = String(chars[(closeText + 2)..<closeURL]).trimmingSpaces
                if !label.contains("]") && !url.contains(" ") {
                    let lower = url.lowercased()
                    let safe =
                        !(lower.hasPrefix("javascript:") || lower.hasPrefix("data:") || lower.hasPrefix("vbscript:"))
                    out +=
                        safe
                        ? "<a href=\"\(HTML.escape(url))\">" + inline(label) + "</a>"
                        : inline(label)
                    i = closeURL + 1
                    continue
                }
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

extension String {
    fileprivate var replacingTabs: String {
        contains("\t") ? String(flatMap { $0 == "\t" ? Array("    ") : [$0] }) : self
    }
}
