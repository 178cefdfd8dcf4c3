extension Table {
    /// The cells as text, and whether each column is numeric (every non-empty cell a number).
    private var formatted: (cells: [[String]], numeric: [Bool]) {
        let cells = rows.map { row in row.indices.map { row[$0].text(columns[$0].format) } }
        let numeric = columns.indices.map { column in
            rows.contains { $0[column].isNumeric } && rows.allSatisfy { $0[column].isNumeric || $0[column] == .empty }
        }
        return (cells, numeric)
    }

    private func alignment(_ column: Int, numeric: [Bool]) -> Alignment {
        columns[column].alignment ?? (numeric[column] ? .trailing : .leading)
    }

    /// Aligned plain text: numbers right-aligned on their decimal points, text left-aligned, a rule under the header.
    public var plainText: String {
        let (cells, numeric) = formatted
        var lines: [String] = []
        if let title { lines.append(title) }
        guard !columns.isEmpty else { return (lines + ["(empty table)"]).joined(separator: "\n") }
        // Numeric columns: pad the fraction part (from the decimal point on) to a common width.
        var body = cells
        for column in columns.indices where numeric[column] && columns[column].alignment == nil {
            func split(_ text: String) -> (Substring, Substring) {
                if let point = text.firstIndex(where: { $0 == "." || $0 == "e" || $0 == "%" }) {
                    return (text[..<point], text[point...])
                }
                return (text[...], "")
            }
            let fractionWidth = cells.map { split($0[column]).1.count }.max() ?? 0
            for row in body.indices where !cells[row][column].isEmpty {
                let (_, fraction) = split(cells[row][column])
                body[row][column] = cells[row][column] + String(repeating: " ", count: fractionWidth - fraction.count)
            }
        }
        let widths = columns.indices.map { column in
            ([columns[column].name] + body.map { $0[column] }).map(\.count).max() ?? 0
        }
        func pad(_ text: String, _ width: Int, _ alignment: Alignment) -> String {
            let space = width - text.count
            switch alignment {
            case .leading: return text + String(repeating: " ", count: space)
            case .trailing: return String(repeating: " ", count: space) + text
            case .center:
                return String(repeating: " ", count: space / 2) + text + String(repeating: " ", count: space - space / 2)
            }
        }
        func line(_ texts: [String]) -> String {
            var text = columns.indices.map { pad(texts[$0], widths[$0], alignment($0, numeric: numeric)) }.joined(separator: "  ")
            while text.last == " " { text.removeLast() }
            return text
        }
        lines.append(line(columns.map(\.name)))
        lines.append(widths.map { String(repeating: "-", count: Swift.max(1, $0)) }.joined(separator: "  "))
        for row in body { lines.append(line(row)) }
        return lines.joined(separator: "\n")
    }

    /// A GitHub-flavoured markdown table (title in bold above it).
    public var markdown: String {
        let (cells, numeric) = formatted
        func escape(_ text: String) -> String {
            text.replacingOccurrences(of: "\\", with: "\\\\").replacingOccurrences(of: "|", with: "\\|")
                .replacingOccurrences(of: "\n", with: " ")
        }
        var lines: [String] = []
        if let title { lines += ["**\(escape(title))**", ""] }
        guard !columns.isEmpty else { return (lines + ["(empty table)"]).joined(separator: "\n") }
        lines.append("| " + columns.map { escape($0.name) }.joined(separator: " | ") + " |")
        lines.append(
            "|"
                + columns.indices.map { column in
                    switch alignment(column, numeric: numeric) {
                    case .leading: return " --- |"
                    case .center: return " :---: |"
                    case .trailing: return " ---: |"
                    }
                }.joined())
        for row in cells { lines.append("| " + row.map(escape).joined(separator: " | ") + " |") }
        return lines.joined(separator: "\n")
    }

    /// An HTML `<table>` with a caption, a header row and per-column alignment.
    public var html: String {
        let (cells, numeric) = formatted
        func escape(_ text: String) -> String { text.htmlEscaped }
        func style(_ column: Int) -> String {
            switch alignment(column, numeric: numeric) {
            case .leading: return "text-align: left"
            case .center: return "text-align: center"
            case .trailing: return "text-align: right; font-variant-numeric: tabular-nums"
            }
        }
        var html = "<table>\n"
        if let title { html += "<caption>\(escape(title))</caption>\n" }
        html += "<thead>\n<tr>"
        for (index, column) in columns.enumerated() {
            html += "<th scope=\"col\" style=\"\(style(index))\">\(escape(column.name))</th>"
        }
        html += "</tr>\n</thead>\n<tbody>\n"
        for row in cells {
            html += "<tr>"
            for (index, text) in row.enumerated() { html += "<td style=\"\(style(index))\">\(escape(text))</td>" }
            html += "</tr>\n"
        }
        html += "</tbody>\n</table>"
        return html
    }

    /// The table as HTML, Markdown and plain text.
    public var mimeBundle: MIMEBundle {
        MIMEBundle(plainText: plainText, ["text/html": html, "text/markdown": markdown])
    }
}
