import Foundation
import NotebookJSON

/// Exports an executed notebook as one self-contained HTML page: inline CSS, figures as `data:` images,
/// no scripts and no external resources.
///
/// The outputs in a report are untrusted: course staff open reports built from students' notebooks, and
/// a cell can emit any `text/html`, `image/svg+xml` or markdown it likes. Two independent layers keep
/// every output inert, each enough on its own for the vectors the tests try:
///
/// 1. What is written is safe. `text/html` outputs and raw HTML in markdown go through `HTMLSanitizer`
///    (an allowlist of elements and attributes, written anew with everything escaped); URLs go through
///    `URLPolicy`; SVG outputs become `<img src="data:image/svg+xml;base64,…">`, which is also how
///    JupyterLab shows them, and an SVG loaded as an image never runs scripts, never loads anything and
///    never navigates, whatever it contains; every other output is escaped text.
/// 2. The page forbids what a mistake in layer 1 would need (`contentSecurityPolicy`): no scripts at all,
///    no loads but `data:` images, no plug-ins, frames, `<base>` or form submissions.
public enum HTMLExporter {
    /// The page's Content-Security-Policy, as a `<meta http-equiv>` in the head (the report is a file,
    /// with no server to send a header), placed before anything it governs:
    ///
    /// - `default-src 'none'`: nothing is fetched unless a directive below allows it — no scripts, frames,
    ///   fonts, media, `fetch`/XHR/WebSocket, workers or manifests.
    /// - `script-src 'none'`: also no inline `<script>`, `on…=` handlers or `javascript:` URLs (the page
    ///   itself has no script, so nothing needs allowing); `object-src 'none'`, `frame-src 'none'`: no
    ///   plug-ins or embedded documents, spelled out though `default-src` covers them.
    /// - `style-src 'unsafe-inline'`: the page's own `<style>` element and the inline `style` attributes of
    ///   the Figures tables (already filtered by `StylePolicy`); styles cannot run code, and with the
    ///   other directives they cannot load anything either.
    /// - `img-src data:`: figures and images are embedded in the file, nothing is fetched (no tracking
    ///   pixels, no `file:` reads, nothing sent elsewhere).
    /// - `base-uri 'none'`, `form-action 'none'`: a `<base href>` cannot redirect relative links and a
    ///   form cannot submit anywhere (navigation-type directives, which `default-src` does not cover).
    ///
    /// `frame-ancestors`, `sandbox` and reporting are ignored in a `<meta>` policy, so they are left out.
    static let contentSecurityPolicy =
        "default-src 'none'; script-src 'none'; object-src 'none'; frame-src 'none'; "
        + "style-src 'unsafe-inline'; img-src data:; base-uri 'none'; form-action 'none'"

    /// The page for a notebook.
    /// - Parameters:
    ///   - notebook: the executed notebook.
    ///   - title: the page title (usually the notebook's file name).
    ///   - banner: a failure message shown at the top, if any.
    /// - Returns: the HTML document.
    public static func html(_ notebook: Notebook, title: String, banner: String? = nil) -> String {
        var body: [String] = []
        if let banner {
            body.append("<div class=\"banner\">" + HTML.escape(banner) + "</div>")
        }
        for cell in notebook.cells {
            switch cell.kind {
            case .markdown:
                body.append(
                    "<section class=\"cell markdown\" id=\"cell-\(HTML.escape(cell.id))\">"
                        + MarkdownRenderer.html(cell.source)
                        + "</section>")
            case .raw:
                body.append(
                    "<section class=\"cell raw\" id=\"cell-\(HTML.escape(cell.id))\"><pre>" + HTML.escape(cell.source)
                        + "</pre></section>")
            case .code:
                body.append(codeCell(cell))
            }
        }
        return page(title: title, body: body.joined(separator: "\n"))
    }

    /// A whole page around `body` (already safe HTML), under the page policy and the report style.
    static func page(title: String, body: String, extraStyle: String = "") -> String {
        """
        <!DOCTYPE html>
        <html lang="en">
        <head>
        <meta charset="utf-8">
        <meta http-equiv="Content-Security-Policy" content="\(HTML.escape(contentSecurityPolicy))">
        <meta name="referrer" content="no-referrer">
        <meta name="viewport" content="width=device-width, initial-scale=1">
        <title>\(HTML.escape(title))</title>
        <style>\(style)\(extraStyle)</style>
        </head>
        <body>
        <main>
        <h1 class="notebook-title">\(HTML.escape(title))</h1>
        \(body)
        </main>
        </body>
        </html>

        """
    }

    static func codeCell(_ cell: Cell) -> String {
        let prompt = cell.executionCount.map { "[\($0)]" } ?? "[ ]"
        var parts = [
            "<section class=\"cell code\" id=\"cell-\(HTML.escape(cell.id))\">",
            "<div class=\"input\"><div class=\"prompt\">In\u{00A0}\(prompt):</div>"
                + "<pre class=\"source\"><code class=\"language-swift\">" + SwiftHighlighter.html(cell.source)
                + "</code></pre></div>",
        ]
        if !cell.outputs.isEmpty {
            parts.append("<div class=\"outputs\">")
            for output in cell.outputs { parts.append(html(output)) }
            parts.append("</div>")
        }
        parts.append("</section>")
        return parts.joined(separator: "\n")
    }

    /// One output, in its richest representation the page can show without scripts.
    static func html(_ output: Output) -> String {
        switch output {
        case .stream(let name, let text):
            return "<pre class=\"output stream \(HTML.escape(name))\">" + HTML.escape(HTML.withoutANSI(text)) + "</pre>"
        case .displayData(let data, _), .executeResult(_, let data, _):
            return "<div class=\"output display\">" + richest(data) + "</div>"
        case .error(let name, let value, let traceback):
            let report = traceback.isEmpty ? "\(name): \(value)" : traceback.joined(separator: "\n")
            return "<pre class=\"output error\">" + HTML.escape(HTML.withoutANSI(report)) + "</pre>"
        }
    }

    /// The richest representation of a display, in the order the report has always used: SVG, HTML,
    /// PNG/JPEG/GIF, markdown, LaTeX (as text), JSON, plain text.
    static func richest(_ data: [String: JSONValue]) -> String {
        let plain = data["text/plain"]?.stringValue ?? ""
        if let svg = data["image/svg+xml"]?.stringValue {
            return "<div class=\"svg\">" + svgImage(svg, alt: plain) + "</div>"
        }
        if let markup = data["text/html"]?.stringValue {
            return "<div class=\"html\">" + HTMLSanitizer.sanitize(markup) + "</div>"
        }
        for mime in ["image/png", "image/jpeg", "image/gif"] {
            if let base64 = data[mime]?.stringValue {
                let clean = base64.filter { !$0.isWhitespace }
                guard clean.unicodeScalars.allSatisfy(URLPolicy.isBase64) else { continue }
                return "<img alt=\"figure\" src=\"data:\(mime);base64,\(clean)\">"
            }
        }
        if let markdown = data["text/markdown"]?.stringValue {
            return "<div class=\"markdown\">" + MarkdownRenderer.html(markdown) + "</div>"
        }
        if let latex = data["text/latex"]?.stringValue {
            return "<pre class=\"latex\">" + HTML.escape(latex) + "</pre>"
        }
        if let json = data["application/json"] {
            return "<pre class=\"json\">" + HTML.escape(json.serialized(.pretty(indent: 2))) + "</pre>"
        }
        return "<pre>" + HTML.escape(HTML.withoutANSI(plain)) + "</pre>"
    }

    /// An SVG figure as an image: `<img src="data:image/svg+xml;base64,…" alt="…">`, as JupyterLab shows
    /// `image/svg+xml`. A document loaded as an image runs no script (`<script>`, `onload`, `<animate
    /// onbegin>`), follows no link and loads no external resource (`<image href>`, `<use href>`, CSS
    /// `url()`), so the SVG needs no sanitizing. No `width` or `height` is set: the figure keeps the size
    /// its own `width` and `height` give it (the style only caps it at the column's width).
    /// - Parameters:
    ///   - svg: the SVG document; whitespace before it is removed, since an XML declaration must come first.
    ///   - alt: the figure's text form, for screen readers and when the SVG cannot be drawn.
    static func svgImage(_ svg: String, alt: String) -> String {
        let document = svg.drop { $0.isWhitespace }
        let base64 = Data(document.utf8).base64EncodedString()
        let text = alt.isEmpty ? "figure" : HTML.withoutANSI(alt)
        return "<img src=\"data:image/svg+xml;base64,\(base64)\" alt=\"\(HTML.escape(text))\">"
    }

    static let style = """
        body{font-family:system-ui,-apple-system,"Segoe UI",sans-serif;line-height:1.5;color:#1d1d1f;background:#fff;margin:0}
        main{max-width:58rem;margin:0 auto;padding:1.5rem}
        .notebook-title{font-size:1rem;color:#666;font-weight:normal;border-bottom:1px solid #ddd}
        .cell{margin:1rem 0}
        .input{display:flex;gap:.5rem}
        .prompt{color:#303f9f;font-family:ui-monospace,monospace;font-size:.85rem;min-width:4.5rem;padding-top:.5rem}
        pre{font-family:ui-monospace,SFMono-Regular,Menlo,monospace;font-size:.85rem;overflow-x:auto;margin:.25rem 0;white-space:pre-wrap}
        pre.source{flex:1;background:#f6f8fa;border:1px solid #e1e4e8;border-radius:4px;padding:.5rem}
        .outputs{margin-left:5rem}
        .output.stderr{background:#fff5f5}
        .output.error{background:#fdecea;color:#8a1c1c;padding:.5rem;border-radius:4px}
        .banner{background:#fdecea;color:#8a1c1c;border:1px solid #f5c2c0;padding:.75rem;border-radius:4px}
        .svg img{max-width:100%;height:auto}
        .kw{color:#ad3da4}.ty{color:#3900a0}.st{color:#c41a16}.nu{color:#1c00cf}.cm{color:#5d6c79;font-style:italic}.at{color:#815f03}
        .math{font-family:"Latin Modern Math","STIX Two Math",serif}
        table{border-collapse:collapse}td,th{border:1px solid #ddd;padding:.2rem .5rem}
        blockquote{border-left:3px solid #ddd;margin-left:0;padding-left:1rem;color:#555}
        """
}
