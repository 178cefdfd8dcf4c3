import NotebookJSON

/// Exports an executed notebook as one self-contained HTML page: inline CSS, inline SVG figures, no
/// scripts and no external resources.
public enum HTMLExporter {
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
        return """
            <!DOCTYPE html>
            <html lang="en">
            <head>
            <meta charset="utf-8">
            <meta name="viewport" content="width=device-width, initial-scale=1">
            <title>\(HTML.escape(title))</title>
            <style>\(style)</style>
            </head>
            <body>
            <main>
            <h1 class="notebook-title">\(HTML.escape(title))</h1>
            \(body.joined(separator: "\n"))
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

    static func richest(_ data: [String: JSONValue]) -> String {
        if let svg = data["image/svg+xml"]?.stringValue {
            return "<div class=\"svg\">" + HTML.withoutScripts(withoutXMLProlog(svg)) + "</div>"
        }
        if let markup = data["text/html"]?.stringValue {
            return "<div class=\"html\">" + HTML.withoutScripts(markup) + "</div>"
        }
        for mime in ["image/png", "image/jpeg", "image/gif"] {
            if let base64 = data[mime]?.stringValue {
                let clean = base64.filter { !$0.isWhitespace }
                return "<img alt=\"figure\" src=\"data:\(mime);base64,\(HTML.escape(clean))\">"
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
        let plain = data["text/plain"]?.stringValue ?? ""
        return "<pre>" + HTML.escape(HTML.withoutANSI(plain)) + "</pre>"
    }

    static func withoutXMLProlog(_ svg: String) -> String {
        var text = Substring(svg)
        while let start = text.firstIndex(where: { !$0.isWhitespace }),
            text[start...].hasPrefix("<?") || text[start...].hasPrefix("<!DOCTYPE")
        {
            guard let end = text[start...].firstIndex(of: ">") else { break }
            text = text[text.index(after: end)...]
        }
        return String(text)
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
        .svg svg{max-width:100%;height:auto}
        .kw{color:#ad3da4}.ty{color:#3900a0}.st{color:#c41a16}.nu{color:#1c00cf}.cm{color:#5d6c79;font-style:italic}.at{color:#815f03}
        .math{font-family:"Latin Modern Math","STIX Two Math",serif}
        table{border-collapse:collapse}td,th{border:1px solid #ddd;padding:.2rem .5rem}
        blockquote{border-left:3px solid #ddd;margin-left:0;padding-left:1rem;color:#555}
        """
}
