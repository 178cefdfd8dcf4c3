/// Makes untrusted HTML (a notebook's `text/html` outputs, raw HTML in markdown) safe to put in a report
/// that course staff open in their browser.
///
/// An allowlist, not a blocklist: `HTMLTokenizer` reads the markup, and a new fragment is written from
/// its tokens that contains only
///
/// - the elements in `elements` — tables and their parts, paragraphs, `div`/`span`, inline emphasis, code,
///   lists, headings, quotes, `a` and `img`;
/// - the attributes in `attributes` for each (`class`, `title`, `colspan`, `align`, …), values checked
///   where they have a grammar (numbers, keywords), `style` filtered by `StylePolicy`, `href` and `src`
///   checked by `URLPolicy` (an `img` without an acceptable `src` is dropped, an `a` without one is
///   unwrapped); every kept link gets `rel="noopener noreferrer"`;
/// - text and attribute values escaped again (`&`, `<`, `>`, `"`, `'`).
///
/// The content of `script`, `style`, `template`, `iframe`, `object`, `svg`, `math`, … is dropped with the
/// element (`dropsContent`); any other element that is not allowed is unwrapped: its tag goes, its text
/// stays. Comments, doctypes, CDATA and processing instructions go. So whatever the input — `onerror=`
/// handlers, `javascript:` in any disguise, `<svg><animate onbegin>`, `<meta http-equiv=refresh>`,
/// `<base href>`, unclosed or malformed tags, `<scr<script>ipt>` — the output has no element or attribute
/// that can run code, load a resource or navigate on its own: the names written are constants from the
/// allowlist and everything else is escaped text, so even input the tokenizer misreads stays inert.
///
/// The output is also balanced: elements are closed in order (an end tag closes what was opened inside
/// it, unclosed elements are closed at the end), implied end tags (`<li>`, `<td>`, `<tr>`, `<p>`) are
/// honoured, and table parts are kept only where a table allows them. One output's stray `<b>` or `<table>`
/// therefore cannot swallow the rest of the report.
enum HTMLSanitizer {
    /// The allowed elements and, for each, the attributes it may keep beyond `globalAttributes`.
    static let elements: [String: Set<String>] = [
        "table": ["border", "cellpadding", "cellspacing", "width"],
        "caption": [], "thead": ["valign"], "tbody": ["valign"], "tfoot": ["valign"],
        "colgroup": ["span", "width"], "col": ["span", "width"],
        "tr": ["valign"], "td": ["colspan", "rowspan", "valign", "width"],
        "th": ["colspan", "rowspan", "scope", "valign", "width"],
        "p": [], "div": [], "span": [], "br": [], "hr": [], "pre": [], "blockquote": [],
        "h1": [], "h2": [], "h3": [], "h4": [], "h5": [], "h6": [],
        "ul": [], "ol": ["start", "type"], "li": [], "dl": [], "dt": [], "dd": [],
        "b": [], "i": [], "u": [], "s": [], "em": [], "strong": [], "small": [], "sub": [], "sup": [],
        "code": [], "kbd": [], "samp": [], "var": [], "mark": [], "abbr": [], "cite": [], "q": [],
        "del": [], "ins": [],
        "a": ["href"],
        "img": ["src", "alt", "width", "height"],
    ]

    /// Attributes any allowed element may keep.
    static let globalAttributes: Set<String> = ["class", "title", "lang", "dir", "role", "align", "style"]

    /// Elements without content or end tag.
    static let voidElements: Set<String> = ["br", "hr", "img", "col", "wbr"]

    /// Elements dropped together with everything inside them: code, styles, embedded documents and
    /// foreign (SVG, MathML) content, fallback content, form controls with text of their own, page-level
    /// parts. Void ones (`embed`, `meta`, `link`, `base`, `input`, …) have no content and simply go, like
    /// every element not allowed.
    static let dropsContent: Set<String> = [
        "script", "style", "template", "iframe", "frame", "frameset", "object", "applet", "noscript", "noembed",
        "noframes", "xmp", "plaintext", "textarea", "title", "head", "svg", "math", "select", "audio", "video",
        "canvas", "map", "portal", "fencedframe", "dialog",
    ]

    /// Elements nested deeper than this are unwrapped (their text stays), which bounds the work per tag
    /// and keeps a pathological output (100,000 nested `<div>`s) from stalling the report.
    static let maximumDepth = 256

    /// Sanitizes an HTML fragment.
    /// - Parameter markup: untrusted HTML, well-formed or not.
    /// - Returns: a balanced fragment of allowed elements and escaped text.
    /// - Complexity: O(n · d) for n input characters and d ≤ `maximumDepth` the depth of nesting.
    static func sanitize(_ markup: String) -> String {
        var writer = Writer()
        for token in HTMLTokenizer(markup) { writer.consume(token) }
        return writer.finish()
    }

    /// Writes the sanitized fragment, keeping the stack of elements it has opened.
    private struct Writer {
        var out = ""
        var open: [String] = []
        /// Inside a dropped element: its name and how deeply it is nested in itself.
        var skipping: (name: String, depth: Int)? = nil

        mutating func consume(_ token: HTMLTokenizer.Token) {
            switch token {
            case .text(let text):
                if skipping == nil { out += HTML.escape(text) }
            case .comment:
                break
            case .startTag(let name, let attributes, let selfClosing):
                start(name, attributes, selfClosing: selfClosing)
            case .endTag(let name):
                end(name)
            }
        }

        mutating func finish() -> String {
            while let name = open.popLast() { out += "</\(name)>" }
            return out
        }

        private mutating func start(_ name: String, _ attributes: [HTMLTokenizer.Attribute], selfClosing: Bool) {
            if let skipped = skipping {
                if name == skipped.name, !selfClosing { skipping!.depth += 1 }
                return
            }
            if HTMLSanitizer.dropsContent.contains(name) {
                // A self-closed <svg/> or <math/> has no content; raw-text elements always do.
                let selfClosedForeign = selfClosing && (name == "svg" || name == "math")
                if !selfClosedForeign { skipping = (name, 1) }
                return
            }
            guard let allowed = HTMLSanitizer.elements[name] else { return }
            closeImplied(by: name)
            guard fitsHere(name) else { return }
            let void = HTMLSanitizer.voidElements.contains(name)
            guard void || open.count < HTMLSanitizer.maximumDepth else { return }  // unwrapped
            var written: [(String, String)] = []
            for attribute in attributes {
                guard allowed.contains(attribute.name) || HTMLSanitizer.globalAttributes.contains(attribute.name),
                    let value = HTMLSanitizer.attributeValue(attribute.name, attribute.value, element: name)
                else { continue }
                written.append((attribute.name, value))
            }
            if name == "a" {
                guard written.contains(where: { $0.0 == "href" }) else { return }  // unwrapped
                written.append(("rel", "noopener noreferrer"))
            }
            if name == "img", !written.contains(where: { $0.0 == "src" }) { return }
            out += "<" + name + written.map { " \($0.0)=\"\(HTML.escape($0.1))\"" }.joined() + ">"
            if !void { open.append(name) }
        }

        private mutating func end(_ name: String) {
            if let skipped = skipping {
                if name == skipped.name {
                    skipping!.depth -= 1
                    if skipping!.depth == 0 { skipping = nil }
                }
                return
            }
            guard let index = open.lastIndex(of: name) else { return }
            close(downTo: index)
        }

        private mutating func close(downTo index: Int) {
            while open.count > index { out += "</\(open.removeLast())>" }
        }

        /// Closes the element a start tag ends implicitly (`<li>` ends the open `li`, `<td>` the open cell,
        /// a block ends an open `p`), looking no further out than the given boundaries.
        private mutating func closeImplied(by name: String) {
            func closeNearest(_ targets: Set<String>, within boundaries: Set<String>) {
                for index in open.indices.reversed() {
                    if targets.contains(open[index]) {
                        close(downTo: index)
                        return
                    }
                    if boundaries.contains(open[index]) { return }
                }
            }
            let tableScope: Set<String> = ["table", "td", "th", "caption"]
            switch name {
            case "li": closeNearest(["li"], within: tableScope.union(["ul", "ol"]))
            case "dt", "dd": closeNearest(["dt", "dd"], within: tableScope.union(["dl"]))
            case "td", "th": closeNearest(["td", "th"], within: ["tr", "table"])
            case "tr": closeNearest(["tr"], within: ["table", "thead", "tbody", "tfoot"])
            case "thead", "tbody", "tfoot", "caption", "colgroup":
                closeNearest(["thead", "tbody", "tfoot", "caption", "colgroup"], within: ["table"])
            case "a": closeNearest(["a"], within: tableScope)
            default: break
            }
            if Self.closesParagraph.contains(name) { closeNearest(["p"], within: tableScope) }
            if Self.headings.contains(name), let last = open.last, Self.headings.contains(last) {
                close(downTo: open.count - 1)
            }
        }

        static let headings: Set<String> = ["h1", "h2", "h3", "h4", "h5", "h6"]

        static let closesParagraph: Set<String> = [
            "p", "div", "ul", "ol", "dl", "table", "pre", "blockquote", "hr", "h1", "h2", "h3", "h4", "h5", "h6",
        ]

        /// Table parts only where a table has them; everything else anywhere.
        private func fitsHere(_ name: String) -> Bool {
            let parent = open.last
            switch name {
            case "caption", "colgroup", "thead", "tbody", "tfoot": return parent == "table"
            case "col": return parent == "table" || parent == "colgroup"
            case "tr": return parent == "table" || parent == "thead" || parent == "tbody" || parent == "tfoot"
            case "td", "th": return parent == "tr"
            default: return true
            }
        }
    }

    /// The value to write for an allowed attribute, or `nil` to leave it out.
    static func attributeValue(_ name: String, _ value: String, element: String) -> String? {
        switch name {
        case "href":
            return URLPolicy.allowed(value, as: .link)
        case "src":
            return URLPolicy.allowed(value, as: .image)
        case "style":
            return StylePolicy.filtered(value)
        case "colspan", "rowspan", "span", "start", "border", "cellpadding", "cellspacing":
            return isNumber(value, percent: false) ? value : nil
        case "width", "height":
            return isNumber(value, percent: true) ? value : nil
        case "align":
            return oneOf(value, ["left", "right", "center", "justify", "char"])
        case "valign":
            return oneOf(value, ["top", "middle", "bottom", "baseline"])
        case "scope":
            return oneOf(value, ["row", "col", "rowgroup", "colgroup"])
        case "dir":
            return oneOf(value, ["ltr", "rtl", "auto"])
        case "type":
            return ["1", "a", "A", "i", "I"].contains(value) ? value : nil
        default:
            return value  // text (class, title, alt, lang, role): escaped when written
        }
    }

    private static func isNumber(_ value: String, percent: Bool) -> Bool {
        let digits = percent && value.hasSuffix("%") ? value.dropLast() : Substring(value)
        return !digits.isEmpty && digits.count <= 6 && digits.allSatisfy { $0.isASCII && $0.isNumber }
    }

    private static func oneOf(_ value: String, _ options: Set<String>) -> String? {
        let lower = value.lowercased()
        return options.contains(lower) ? lower : nil
    }
}
