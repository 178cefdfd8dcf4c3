import Foundation

/// The index page of a folder of HTML reports: one row per notebook with its status, time and a link to
/// its page. Same policy as the pages (`HTMLExporter.contentSecurityPolicy`); everything shown is escaped.
public enum HTMLIndex {
    /// One notebook's row.
    public struct Row: Sendable, Hashable {
        public var input: String
        public var status: String
        public var seconds: Double?
        /// The page's file name in the same folder, when there is one.
        public var page: String?
        public var message: String?

        public init(input: String, status: String, seconds: Double? = nil, page: String? = nil, message: String? = nil) {
            self.input = input
            self.status = status
            self.seconds = seconds
            self.page = page
            self.message = message
        }
    }

    /// The page.
    /// - Parameters:
    ///   - rows: the notebooks, in the order to show them.
    ///   - title: the page title.
    ///   - summary: one line above the table (the overall status).
    public static func html(_ rows: [Row], title: String, summary: String) -> String {
        let body = rows.map { row -> String in
            let name = HTML.escape(row.input)
            let link = row.page.map { page -> String in
                let href = page.addingPercentEncoding(withAllowedCharacters: .urlPathAllowed) ?? page
                return "<a href=\"\(HTML.escape(href))\">\(name)</a>"
            } ?? name
            let status = row.status == NotebookOutcome.succeeded.rawValue ? "ok" : "failed"
            let time = row.seconds.map { String(format: "%.1f s", $0) } ?? ""
            return "<tr class=\"\(status)\"><td>\(link)</td><td>\(HTML.escape(row.status))</td><td>\(time)</td>"
                + "<td>\(HTML.escape(HTML.withoutANSI(row.message ?? "")))</td></tr>"
        }
        let table = """
            <p>\(HTML.escape(summary))</p>
            <table>
            <thead><tr><th>notebook</th><th>status</th><th>time</th><th>message</th></tr></thead>
            <tbody>
            \(body.joined(separator: "\n"))
            </tbody>
            </table>
            """
        return HTMLExporter.page(title: title, body: table, extraStyle: "\ntr.failed td{background:#fdecea}")
    }
}
