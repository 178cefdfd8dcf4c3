import Foundation
import NotebookJSON
import Testing

@testable import NotebookRunner

/// One vector of `Fixtures/xss-corpus.json` (shared with e2e/python/test_report_xss.py, which also shows
/// that the vectors marked live do fire in Chromium when nothing sanitizes them).
struct XSSVector: Decodable, Sendable, CustomTestStringConvertible {
    let id: String
    let html: String
    let markdown: String?
    let live: String
    let svg: Bool?

    var testDescription: String { id }

    static let corpus: [XSSVector] = {
        struct File: Decodable { let vectors: [XSSVector] }
        guard let data = FileManager.default.contents(atPath: Fixtures.path("xss-corpus.json")),
            let file = try? JSONDecoder().decode(File.self, from: data)
        else { return [] }
        return file.vectors
    }()
}

/// An independent check that sanitized HTML is inert, written without the sanitizer's tokenizer: the
/// fragment must follow a strict grammar — text without `<` or `>`, and tags of the form
/// `<name attr="value" …>` / `</name>` with lower-case names from an allowlist and double-quoted values
/// without `"`, `<` or `>` — and then no attribute may be an event handler, no `href` anything but
/// http(s), mailto or relative, no `src` anything but a data: image, no `style` anything that loads or
/// runs. Returns what is wrong, empty when nothing is.
enum InertHTML {
    static let elements: Set<String> = [
        "table", "caption", "thead", "tbody", "tfoot", "colgroup", "col", "tr", "td", "th", "p", "div", "span",
        "br", "hr", "pre", "blockquote", "h1", "h2", "h3", "h4", "h5", "h6", "ul", "ol", "li", "dl", "dt", "dd",
        "b", "i", "u", "s", "em", "strong", "small", "sub", "sup", "code", "kbd", "samp", "var", "mark", "abbr",
        "cite", "q", "del", "ins", "a", "img",
    ]
    static let attributes: Set<String> = [
        "class", "title", "lang", "dir", "role", "align", "style", "valign", "colspan", "rowspan", "scope", "span",
        "width", "height", "border", "cellpadding", "cellspacing", "start", "type", "href", "rel", "src", "alt",
    ]

    static func problems(
        in html: String, extraElements: Set<String> = [], extraAttributes: Set<String> = [], svgImages: Bool = false
    ) -> [String] {
        var problems: [String] = []
        let tag = #/<(/?)([a-z][a-z0-9]*)((?: [a-z]+="[^"<>]*")*)>/#
        let attribute = #/ ([a-z]+)="([^"<>]*)"/#
        var rest = Substring(html)
        while let open = rest.firstIndex(where: { $0 == "<" || $0 == ">" }) {
            guard rest[open] == "<", let match = rest[open...].prefixMatch(of: tag) else {
                problems.append("stray markup at: \(rest[open...].prefix(60))")
                rest = rest[rest.index(after: open)...]
                continue
            }
            let name = String(match.output.2)
            if !elements.contains(name) && !extraElements.contains(name) { problems.append("element <\(name)>") }
            for found in match.output.3.matches(of: attribute) {
                let (attributeName, value) = (String(found.output.1), String(found.output.2))
                if !attributes.contains(attributeName) && !extraAttributes.contains(attributeName) {
                    problems.append("attribute \(attributeName) on <\(name)>")
                }
                if let reason = unsafeValue(attributeName, value, svgImages: svgImages) {
                    problems.append("\(attributeName)=\"\(value.prefix(60))\": \(reason)")
                }
            }
            rest = rest[match.range.upperBound...]
        }
        return problems
    }

    private static func unsafeValue(_ name: String, _ escaped: String, svgImages: Bool) -> String? {
        // The value as the browser reads it, then without any whitespace or control character.
        let value = escaped.replacingOccurrences(of: "&quot;", with: "\"").replacingOccurrences(of: "&#39;", with: "'")
            .replacingOccurrences(of: "&lt;", with: "<").replacingOccurrences(of: "&gt;", with: ">")
            .replacingOccurrences(of: "&amp;", with: "&")
        let squeezed = String(value.unicodeScalars.filter { $0.value > 0x20 && $0.value != 0x7F }).lowercased()
        switch name {
        case "href":
            let colon = squeezed.firstIndex(of: ":")
            let scheme = colon.flatMap { c in squeezed[..<c].contains { "/?#".contains($0) } ? nil : String(squeezed[..<c]) }
            if let scheme, !["http", "https", "mailto"].contains(scheme) { return "scheme \(scheme)" }
        case "src":
            let images = ["png", "jpeg", "gif", "webp"] + (svgImages ? ["svg+xml"] : [])
            if !images.contains(where: { squeezed.hasPrefix("data:image/\($0);base64,") }) { return "not a data: image" }
        case "style":
            for word in ["url(", "expression", "javascript", "\\", "@", "/*", "position", "behavior", "binding"]
            where squeezed.contains(word) {
                return "contains \(word)"
            }
        default:
            break
        }
        return nil
    }
}

@Suite struct ReportSanitizerTests {
    @Test func corpusIsLoaded() {
        #expect(XSSVector.corpus.count >= 100)
        #expect(Set(XSSVector.corpus.map(\.id)).count == XSSVector.corpus.count)
    }

    @Test(arguments: XSSVector.corpus)
    func htmlOutputIsInert(_ vector: XSSVector) {
        let safe = HTMLSanitizer.sanitize(vector.html)
        #expect(InertHTML.problems(in: safe) == [], "\(safe)")
        #expect(HTMLSanitizer.sanitize(safe) == safe, "sanitizing twice changes \(safe)")
    }

    @Test(arguments: XSSVector.corpus)
    func markdownIsInert(_ vector: XSSVector) {
        for source in [vector.markdown ?? vector.html, "Text " + vector.html + " more text", "> " + vector.html] {
            let safe = MarkdownRenderer.html(source)
            #expect(InertHTML.problems(in: safe) == [], "\(source) → \(safe)")
        }
    }

    @Test(arguments: XSSVector.corpus.filter { $0.svg == true })
    func svgOutputBecomesAnImage(_ vector: XSSVector) throws {
        let html = HTMLExporter.richest(["image/svg+xml": .string(vector.html), "text/plain": "figure <b>1</b>"])
        #expect(InertHTML.problems(in: html, svgImages: true) == [], "\(html)")
        let shape = #/^<div class="svg"><img src="data:image/svg\+xml;base64,([A-Za-z0-9+/=]+)" alt="([^"]*)"></div>$/#
        let image = try #require(html.firstMatch(of: shape))
        #expect(Data(base64Encoded: String(image.output.1)) == Data(vector.html.utf8))
        #expect(image.output.2 == "figure &lt;b&gt;1&lt;/b&gt;")
    }

    /// Every vector in every place a report shows untrusted text: `text/html`, `text/markdown` and SVG
    /// outputs, an `execute_result`, a stream, an error, a markdown cell, a raw cell.
    @Test func reportPageIsInertAndHasItsPolicy() {
        var code = Make.code("c", "display(x)")
        code.executionCount = 1
        for vector in XSSVector.corpus {
            code.outputs.append(.displayData(data: ["text/html": .string(vector.html), "text/plain": "x"], metadata: [:]))
            code.outputs.append(
                .displayData(data: ["text/markdown": .string(vector.markdown ?? vector.html)], metadata: [:]))
            if vector.svg == true {
                code.outputs.append(.displayData(data: ["image/svg+xml": .string(vector.html)], metadata: [:]))
            }
            code.outputs.append(.stream(name: "stdout", text: vector.html))
        }
        let all = XSSVector.corpus.map(\.html).joined(separator: "\n")
        code.outputs.append(.executeResult(executionCount: 1, data: ["text/html": .string(all)], metadata: [:]))
        code.outputs.append(.error(name: all, value: all, traceback: [all]))
        var cells = XSSVector.corpus.map { Make.markdown("m-\($0.id)", $0.markdown ?? $0.html) }
        cells.append(Cell(id: "raw", kind: .raw, source: all))
        cells.append(code)
        let page = HTMLExporter.html(Make.notebook(cells), title: "<script>alert(1)</script>", banner: all)

        let head = page[..<page.range(of: "</head>")!.lowerBound]
        let policy = "<meta http-equiv=\"Content-Security-Policy\" content=\"default-src &#39;none&#39;; "
            + "script-src &#39;none&#39;; object-src &#39;none&#39;; frame-src &#39;none&#39;; "
            + "style-src &#39;unsafe-inline&#39;; img-src data:; base-uri &#39;none&#39;; form-action &#39;none&#39;\">"
        #expect(head.contains("<meta charset=\"utf-8\">\n" + policy))
        #expect(head.components(separatedBy: "<style>").count == 2)
        let body = String(page[page.range(of: "<body>\n")!.upperBound..<page.range(of: "</body>")!.lowerBound])
        #expect(
            InertHTML.problems(
                in: body, extraElements: ["main", "section"], extraAttributes: ["id"], svgImages: true) == [])
        #expect(!page.lowercased().contains("<script") && !page.lowercased().contains("<svg"))
        let svgCount = XSSVector.corpus.filter { $0.svg == true }.count
        #expect(page.components(separatedBy: "<img src=\"data:image/svg+xml;base64,").count - 1 == svgCount)
    }

    // MARK: What must survive

    /// `Table.html` from Figures (Sources/Figures/Table/Table+Rendering.swift), as a table of two numeric
    /// columns and a text column renders: the sanitizer must give it back unchanged.
    static let figuresTable = """
        <table>
        <caption>Gaussian mixture, K = 2 &amp; &lt;more&gt;</caption>
        <thead>
        <tr><th scope="col" style="text-align: right; font-variant-numeric: tabular-nums">component</th>\
        <th scope="col" style="text-align: right; font-variant-numeric: tabular-nums">weight</th>\
        <th scope="col" style="text-align: left">note</th></tr>
        </thead>
        <tbody>
        <tr><td style="text-align: right; font-variant-numeric: tabular-nums">1</td>\
        <td style="text-align: right; font-variant-numeric: tabular-nums">0.356</td>\
        <td style="text-align: left">short</td></tr>
        <tr><td style="text-align: right; font-variant-numeric: tabular-nums">2</td>\
        <td style="text-align: right; font-variant-numeric: tabular-nums">0.644</td>\
        <td style="text-align: left">a | pipe</td></tr>
        </tbody>
        </table>
        """

    @Test func figuresTableSurvivesUnchanged() {
        #expect(HTMLSanitizer.sanitize(Self.figuresTable) == Self.figuresTable)
        let page = HTMLExporter.html(
            Make.notebook([
                {
                    var cell = Make.code("t", "table")
                    cell.outputs = [
                        .executeResult(
                            executionCount: 1, data: ["text/html": .string(Self.figuresTable), "text/plain": "t"],
                            metadata: [:])
                    ]
                    return cell
                }()
            ]), title: "t")
        #expect(page.contains("<div class=\"html\">" + Self.figuresTable + "</div>"))
        #expect(page.components(separatedBy: "<tr>").count - 1 == 3)
    }

    @Test func exerciseCheckKeepsItsColours() {
        // What CellRuntime's ExerciseCheck emits.
        let check = "<div class=\"exercise-check\" role=\"status\" style=\"border-left:4px solid #1a7f37;"
            + "background:#dafbe1;padding:6px 10px;margin:4px 0;font-family:sans-serif\">"
            + "<strong style=\"color:#1a7f37\">✓ KL &amp; co: correct</strong>"
            + "<br><span>0.0823 (expected 0.0823)</span></div>"
        #expect(
            HTMLSanitizer.sanitize(check)
                == "<div class=\"exercise-check\" role=\"status\" style=\"border-left: 4px solid #1a7f37; "
                + "background: #dafbe1; padding: 6px 10px; margin: 4px 0; font-family: sans-serif\">"
                + "<strong style=\"color: #1a7f37\">✓ KL &amp; co: correct</strong><br>"
                + "<span>0.0823 (expected 0.0823)</span></div>")
    }

    @Test func pandasStyleTableSurvives() {
        let frame = """
            <table border="1" class="dataframe">
              <thead><tr style="text-align: right;"><th></th><th>mean</th></tr></thead>
              <tbody><tr><th>0</th><td>1.5</td></tr><tr><th>1</th><td>-2.0</td></tr></tbody>
            </table>
            """
        let safe = HTMLSanitizer.sanitize(frame)
        #expect(safe.contains("<table border=\"1\" class=\"dataframe\">"))
        #expect(safe.contains("<tr style=\"text-align: right\"><th></th><th>mean</th></tr>"))
        #expect(safe.contains("<tr><th>1</th><td>-2.0</td></tr>"))
    }

    /// Real charts from Figures: the snapshot files that Tests/FiguresTests keeps up to date.
    @Test func figuresChartsBecomeDataImagesOfTheSameSVG() throws {
        let folder = Fixtures.path("../../FiguresTests/Snapshots")
        let names = try FileManager.default.contentsOfDirectory(atPath: folder).filter { $0.hasSuffix(".svg") }.sorted()
        #expect(names.count >= 5)
        for name in names {
            let svg = try String(contentsOfFile: folder + "/" + name, encoding: .utf8)
            let html = HTMLExporter.richest(["image/svg+xml": .string(svg), "text/plain": .string("Chart: \(name)")])
            let prefix = "<div class=\"svg\"><img src=\"data:image/svg+xml;base64,"
            #expect(html.hasPrefix(prefix), "\(name)")
            let base64 = html.dropFirst(prefix.count).prefix { $0 != "\"" }
            #expect(Data(base64Encoded: String(base64)) == Data(svg.utf8), "\(name)")
            #expect(html.hasSuffix("\" alt=\"Chart: \(name)\"></div>"))
            #expect(!html.contains(" width=") && !html.contains(" height="), "the figure keeps its own size")
        }
    }

    @Test func pngOutputsStayImagesAndBadBase64IsRefused() {
        let png = "iVBORw0KGgoAAAANSUhEUgAAAAEAAAABCAYAAAAfFcSJAAAADUlEQVR42mNk+M9QDwADhgGAWjR9awAAAABJRU5ErkJggg=="
        #expect(
            HTMLExporter.richest(["image/png": .string(png + "\n")])
                == "<img alt=\"figure\" src=\"data:image/png;base64,\(png)\">")
        #expect(HTMLExporter.richest(["image/png": "x\" onerror=\"alert(1)", "text/plain": "p"]) == "<pre>p</pre>")
    }

    // MARK: The parts

    @Test(arguments: [
        "https://example.org/a?b=1&c=2", "http://example.org", "mailto:staff@example.org", "#cell-3", "?q=1",
        "notes/lecture.html", "../data/faithful.csv", "/absolute/path", "//example.org/x", "HTTPS://EXAMPLE.ORG",
    ])
    func linksAllowed(_ url: String) {
        #expect(URLPolicy.allowed(url, as: .link) == url)
    }

    @Test(arguments: [
        "javascript:alert(1)", "JaVaScRiPt:alert(1)", " javascript:alert(1)", "\u{0E}javascript:alert(1)",
        "java\tscript:alert(1)", "java\nscript:alert(1)", "java\u{0}script:alert(1)", "&#106;avascript:alert(1)",
        "&#x6A;&#x61;vascript:alert(1)", "&#0000106avascript:alert(1)", "javascript&colon;alert(1)",
        "java&Tab;script:alert(1)", "vbscript:msgbox(1)", "data:text/html,<script>alert(1)</script>",
        "data:image/png;base64,AAAA", "file:///etc/passwd", "livescript:x", "a:b", "\u{7F}javascript:x",
    ])
    func linksRefused(_ url: String) {
        #expect(URLPolicy.allowed(url, as: .link) == nil)
    }

    @Test func imagesOnlyFromDataURLs() {
        #expect(URLPolicy.allowed("data:image/png;base64,iVBORw0KGgo=", as: .image) != nil)
        #expect(URLPolicy.allowed("data:image/webp;base64,UklGRg==", as: .image) != nil)
        #expect(URLPolicy.allowed("DATA:IMAGE/JPEG;BASE64,/9j/4A==", as: .image) != nil)
        for refused in [
            "data:image/svg+xml;base64,PHN2Zz4=", "data:image/png,raw", "data:image/png;base64,<script>",
            "data:text/html;base64,PHNjcmlwdD4=", "https://example.org/a.png", "a.png", "javascript:alert(1)",
        ] {
            #expect(URLPolicy.allowed(refused, as: .image) == nil, "\(refused)")
        }
    }

    @Test func stylesKeepOnlyHarmlessDeclarations() {
        #expect(StylePolicy.filtered("text-align: right; font-variant-numeric: tabular-nums")
            == "text-align: right; font-variant-numeric: tabular-nums")
        #expect(StylePolicy.filtered("COLOR:Red;position:fixed;z-index:9") == "color: Red")
        #expect(StylePolicy.filtered("color: rgb(10, 20, 30); font-family: \"DejaVu Sans\", sans-serif")
            == "color: rgb(10, 20, 30); font-family: \"DejaVu Sans\", sans-serif")
        for refused in [
            "background:url(https://x.invalid/a.png)", "background:\\75 rl(x)", "width:expression(alert(1))",
            "color:red/*x*/", "behavior:url(x.htc)", "-moz-binding:url(x)", "background:image-set(\"x\" 1x)",
            "margin-top:-500px", "position:fixed", "color:var(--x)", "font-family:\"a;b\"", "@import 'x'",
            "background:rgb(calc(1),2,3)",
        ] {
            #expect(StylePolicy.filtered(refused) == nil, "\(refused)")
        }
    }

    @Test func tokenizerMatchesBrowsersOnTheTricks() {
        #expect(HTMLSanitizer.sanitize("<scr<script>ipt>alert(1)</scr</script>ipt>") == "ipt&gt;alert(1)ipt&gt;")
        #expect(HTMLSanitizer.sanitize("<!--<img src=\"--><img src=x onerror=alert(1)//\">") == "")
        #expect(HTMLSanitizer.sanitize("<!--><b>shown</b>-->") == "<b>shown</b>--&gt;")
        #expect(HTMLSanitizer.sanitize("<![CDATA[><b>x</b>]]>") == "<b>x</b>]]&gt;")
        #expect(HTMLSanitizer.sanitize("<scr\u{0}ipt>a</scr\u{0}ipt>") == "a")
        #expect(HTMLSanitizer.sanitize("a\u{0}b") == "a\u{FFFD}b")
        #expect(HTMLSanitizer.sanitize("<script>x</script >after") == "after")
        #expect(HTMLSanitizer.sanitize("<script>never closed <b>x</b>") == "")
        #expect(HTMLSanitizer.sanitize("<noscript><p title=\"</noscript><img src=x onerror=alert(1)>\">") == "&quot;&gt;")
        #expect(HTMLSanitizer.sanitize("<b title='a\"b' title=x>t</b>") == "<b title=\"a&quot;b\">t</b>")
        #expect(HTMLSanitizer.sanitize("<img src=x onerror=alert(1)") == "")
        #expect(HTMLSanitizer.sanitize("a < b && c > d, 3 <4") == "a &lt; b &amp;&amp; c &gt; d, 3 &lt;4")
        #expect(
            HTMLSanitizer.sanitize("&lt;script&gt; &amp;amp; &#60; &unknown; &#x110000;")
                == "&lt;script&gt; &amp;amp; &lt; &amp;unknown; \u{FFFD}")
    }

    @Test func outputIsBalancedAndTablesKeepTheirShape() {
        #expect(HTMLSanitizer.sanitize("<b>bold <i>both") == "<b>bold <i>both</i></b>")
        #expect(HTMLSanitizer.sanitize("</div></section></main>text") == "text")
        #expect(HTMLSanitizer.sanitize("<b><p>x</b>y") == "<b><p>x</p></b>y")
        #expect(
            HTMLSanitizer.sanitize("<table><tr><td>a<td>b<tr><th>c</table>")
                == "<table><tr><td>a</td><td>b</td></tr><tr><th>c</th></tr></table>")
        #expect(HTMLSanitizer.sanitize("<ul><li>one<li>two</ul>") == "<ul><li>one</li><li>two</li></ul>")
        #expect(HTMLSanitizer.sanitize("<p>one<p>two<div>three</div>") == "<p>one</p><p>two</p><div>three</div>")
        #expect(HTMLSanitizer.sanitize("<td>stray cell</td><tr>row</tr>") == "stray cellrow")
        #expect(HTMLSanitizer.sanitize("<svg><svg/><text>x</text></svg>after") == "after")
        #expect(HTMLSanitizer.sanitize("<form><input name=q><button>go</button></form>") == "go")
        let deep = String(repeating: "<div>", count: 100_000) + "x" + String(repeating: "</div>", count: 100_000)
        let flat = HTMLSanitizer.sanitize(deep)
        #expect(flat.components(separatedBy: "<div>").count - 1 == HTMLSanitizer.maximumDepth)
        #expect(flat.components(separatedBy: "</div>").count - 1 == HTMLSanitizer.maximumDepth)
    }

    @Test func linksAndImagesAreKeptWhenSafe() {
        #expect(
            HTMLSanitizer.sanitize("<a href=\"https://x.org/?a=1&amp;b=2\" target=_blank onclick=x>t</a>")
                == "<a href=\"https://x.org/?a=1&amp;b=2\" rel=\"noopener noreferrer\">t</a>")
        #expect(HTMLSanitizer.sanitize("<a href=\"javascript:alert(1)\">t</a>") == "t")
        #expect(HTMLSanitizer.sanitize("<a name=x>anchor</a>") == "anchor")
        #expect(
            HTMLSanitizer.sanitize("<img src=\"data:image/gif;base64,R0lGODlhAQABAAAAACw=\" alt=\"dot\" width=4 onload=x>")
                == "<img src=\"data:image/gif;base64,R0lGODlhAQABAAAAACw=\" alt=\"dot\" width=\"4\">")
        #expect(HTMLSanitizer.sanitize("<img src=\"data:image/svg+xml;base64,PHN2Zz4=\" alt=a>") == "")
        #expect(HTMLSanitizer.sanitize("<td colspan=\"2;x\" align=CENTER>") == "")
        #expect(
            HTMLSanitizer.sanitize("<table><tr><td colspan=\"2 x\" rowspan=3 align=CENTER>c</td></tr></table>")
                == "<table><tr><td rowspan=\"3\" align=\"center\">c</td></tr></table>")
    }

    @Test func markdownShowsRawHTMLLikeJupyterLab() {
        let html = MarkdownRenderer.html(
            """
            Text with <b>bold</b>, <span style="color:red" onclick="x">red</span> and <!-- a comment -->.

            <details><summary>Hint</summary>
            Use the *chain rule*.
            </details>

            <table>
            <tr><td>1</td></tr>
            </table>

            <script>
            alert(1)

            </script>
            See <https://example.org/x> and [the notes](notes.html) and ![dot](data:image/gif;base64,R0lGODlhAQABAAAAACw=).
            \\<b> is escaped.
            """)
        #expect(html.contains("<p>Text with <b>bold</b>, <span style=\"color: red\">red</span> and .</p>"))
        #expect(html.contains("<summary>") == false && html.contains("Hint"))
        #expect(html.contains("<table>\n<tr><td>1</td></tr>\n</table>"))
        #expect(!html.contains("alert"))
        #expect(html.contains("<a href=\"https://example.org/x\" rel=\"noopener noreferrer\">https://example.org/x</a>"))
        #expect(html.contains("<a href=\"notes.html\" rel=\"noopener noreferrer\">the notes</a>"))
        #expect(html.contains("<img src=\"data:image/gif;base64,R0lGODlhAQABAAAAACw=\" alt=\"dot\">"))
        #expect(html.contains("&lt;b&gt; is escaped."))
    }

    @Test func markdownLinksUseTheURLPolicy() {
        #expect(MarkdownRenderer.html("[a](&#106;avascript:alert(1))") == "<p>a</p>")
        #expect(MarkdownRenderer.html("[a](javascript&colon;alert(1))") == "<p>a</p>")
        #expect(MarkdownRenderer.html("![a](https://x.invalid/p.png)") == "<p>a</p>")
        #expect(MarkdownRenderer.html("<javascript:alert(1)>") == "<p>javascript:alert(1)</p>")
        #expect(
            MarkdownRenderer.html("[a](https://x.org/?a=1&amp;b=2)")
                == "<p><a href=\"https://x.org/?a=1&amp;b=2\" rel=\"noopener noreferrer\">a</a></p>")
    }
}
