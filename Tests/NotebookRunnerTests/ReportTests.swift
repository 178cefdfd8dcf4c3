import Foundation
import NotebookJSON
@testable import NotebookRunner
import Testing

@Suite struct ReportTests {
    @Test func markdownSubset() {
        let html = MarkdownRenderer.html(
            """
            # The *ELBO*
            A paragraph with **bold**, _emphasis_, `code <T>` and a [link](https://example.org/a?b=1&c=2).
            Math stays: $\\log p(x) \\ge \\mathcal{L}_{q}$ and $$x_1 * y_2$$.

            - one
            - two
            1. first
            2. second

            ```swift
            let a = b < c
            ```
            > quoted
            ---
            """)
        #expect(html.contains("<h1>The <em>ELBO</em></h1>"))
        #expect(html.contains("<strong>bold</strong>"))
        #expect(html.contains("<em>emphasis</em>"))
        #expect(html.contains("<code>code &lt;T&gt;</code>"))
        #expect(html.contains("<a href=\"https://example.org/a?b=1&amp;c=2\" rel=\"noopener noreferrer\">link</a>"))
        #expect(html.contains("<span class=\"math\">$\\log p(x) \\ge \\mathcal{L}_{q}$</span>"))
        #expect(html.contains("<span class=\"math\">$$x_1 * y_2$$</span>"))
        #expect(html.contains("<ul><li>one</li><li>two</li></ul>"))
        #expect(html.contains("<ol><li>first</li><li>second</li></ol>"))
        #expect(html.contains("<pre><code class=\"language-swift\">let a = b &lt; c</code></pre>"))
        #expect(html.contains("<blockquote><p>quoted</p></blockquote>"))
        #expect(html.contains("<hr>"))
    }

    @Test func markdownNeverEmitsScriptsOrScriptLinks() {
        // A line that starts with <script> is an HTML block (as in JupyterLab): the rest of it stays text.
        let block = MarkdownRenderer.html("<script>alert(1)</script> [x](javascript:alert(1)) snake_case_name")
        #expect(!block.contains("<script") && !block.contains("alert(1)</") && !block.contains("href"))
        #expect(block.contains("snake_case_name"))
        let html = MarkdownRenderer.html("A <script>alert(1)</script> [x](javascript:alert(1)) snake_case_name")
        #expect(html == "<p>A  x snake_case_name</p>")
    }

    @Test func htmlExportIsSelfContainedWithSVGAsDataImages() {
        var code = Make.code("c1", "let s = \"<b>\" // note\nprint(s)")
        code.executionCount = 1
        code.outputs = [
            .stream(name: "stdout", text: "<b>\n"),
            .displayData(
                data: [
                    "text/plain": "chart",
                    "image/svg+xml":
                        "<?xml version=\"1.0\"?>\n<svg xmlns=\"http://www.w3.org/2000/svg\"><script>x()</script><circle r=\"2\"/></svg>",
                ],
                metadata: [:]),
            .executeResult(executionCount: 1, data: ["text/plain": "a < b"], metadata: [:]),
            .error(name: "E", value: "v", traceback: ["\u{1B}[31mE: v\u{1B}[0m"]),
        ]
        let page = HTMLExporter.html(Make.notebook([Make.markdown("m", "## Figures"), code]), title: "kl.ipynb")
        #expect(page.hasPrefix("<!DOCTYPE html>"))
        #expect(page.contains("<h2>Figures</h2>"))
        // The SVG is shown as JupyterLab shows it, as an image (where its script can never run).
        let svg = "<?xml version=\"1.0\"?>\n<svg xmlns=\"http://www.w3.org/2000/svg\"><script>x()</script><circle r=\"2\"/></svg>"
        let base64 = Data(svg.utf8).base64EncodedString()
        #expect(page.contains("<div class=\"svg\"><img src=\"data:image/svg+xml;base64,\(base64)\" alt=\"chart\"></div>"))
        #expect(!page.contains("<script") && !page.contains("<svg"))
        #expect(page.contains("<meta http-equiv=\"Content-Security-Policy\""))
        #expect(!page.contains("src=\"http") && !page.contains("<link"))
        #expect(page.contains("<span class=\"st\">&quot;&lt;b&gt;&quot;</span>"))
        #expect(page.contains("<span class=\"cm\">// note</span>"))
        #expect(page.contains("<pre class=\"output stream stdout\">&lt;b&gt;\n</pre>"))
        #expect(page.contains("<pre>a &lt; b</pre>"))
        #expect(page.contains("E: v") && !page.contains("\u{1B}"))
        #expect(page.contains("In\u{00A0}[1]:"))
    }

    @Test func swiftHighlightingClassifiesAndEscapesEverything() {
        let source = """
            @MainActor let n: Int = 0x1F // "<b>"
            func f() async -> String { "a\\(n) <i>" }
            /* multi
               line */ let r = #/a+/#
            """
        let html = SwiftHighlighter.html(source)
        #expect(html.contains("<span class=\"at\">@MainActor</span>"))
        #expect(html.contains("<span class=\"kw\">let</span>"))
        #expect(html.contains("<span class=\"kw\">async</span>"))  // a contextual keyword
        #expect(html.contains("<span class=\"ty\">Int</span>"))
        #expect(html.contains("<span class=\"nu\">0x1F</span>"))
        #expect(html.contains("<span class=\"cm\">// &quot;&lt;b&gt;&quot;</span>"))
        #expect(html.contains("<span class=\"cm\">/* multi\n   line */</span>"))
        #expect(html.contains("&lt;i&gt;") && !html.contains("<i>") && !html.contains("<b>"))
        // Nothing is lost: the text without the markup is the source, escaped.
        let text = html.replacingOccurrences(of: #"<span class="[a-z]+">|</span>"#, with: "", options: .regularExpression)
        #expect(text == source.replacingOccurrences(of: "&", with: "&amp;").replacingOccurrences(of: "<", with: "&lt;")
            .replacingOccurrences(of: ">", with: "&gt;").replacingOccurrences(of: "\"", with: "&quot;"))
        // A source that does not parse is still all there.
        let broken = SwiftHighlighter.html("let x = (1 +")
        #expect(broken.replacingOccurrences(of: #"<span class="[a-z]+">|</span>"#, with: "", options: .regularExpression) == "let x = (1 +")
    }

    @Test func exitCodesAreDistinctAndDocumented() {
        let codes = RunnerExitCode.allCases.map(\.rawValue)
        #expect(Set(codes).count == codes.count)
        #expect(RunnerExitCode.success.rawValue == 0)
        #expect(NotebookOutcome.cellError.exitCode.rawValue == 1)
        #expect(NotebookOutcome.timedOut.exitCode.rawValue == 2)
        #expect(NotebookOutcome.workerDied.exitCode.rawValue == 3)
        #expect(RunnerExitCode.badInput.rawValue == 4)
        #expect(NotebookOutcome.outputMismatch.exitCode.rawValue == 5)
        for code in RunnerExitCode.allCases {
            #expect(RunnerExitCode.table.contains(" \(code.rawValue)  \(code.meaning)"))
        }
    }

    @Test func progressFormatting() {
        #expect(ProgressReporter.format(.milliseconds(420)) == "0.42 s")
        #expect(ProgressReporter.format(.milliseconds(12_340)) == "12.3 s")
    }
}
