import Figures
import Testing

@Suite struct TableTests {
    let table = Table(
        "Gaussian mixture, K = 2",
        columns: ["component", Table.Column("weight", format: .fixed(3)), "mean", "note"],
        rows: [
            [1, 0.35587, 2.03639, "short"],
            [2, 0.64413, -54.47852, "a | pipe"],
            [3, nil as Double?, 1e-7],
        ])

    @Test func plainTextIsAligned() {
        let expected = """
            Gaussian mixture, K = 2
            component  weight       mean  note
            ---------  ------  ---------  --------
                    1   0.356    2.03639  short
                    2   0.644  -54.4785   a | pipe
                    3            1e-7
            """
        #expect(table.plainText == expected)
    }

    @Test func markdownEscapesAndAligns() {
        let expected = """
            **Gaussian mixture, K = 2**

            | component | weight | mean | note |
            | ---: | ---: | ---: | --- |
            | 1 | 0.356 | 2.03639 | short |
            | 2 | 0.644 | -54.4785 | a \\| pipe |
            | 3 |  | 1e-7 |  |
            """
        #expect(table.markdown == expected)
    }

    @Test func htmlHasCaptionHeaderAndEscapes() {
        let html = Table("<K>", columns: ["a&b"], rows: [["<td>"]]).html
        let expected = """
            <table>
            <caption>&lt;K&gt;</caption>
            <thead>
            <tr><th scope="col" style="text-align: left">a&amp;b</th></tr>
            </thead>
            <tbody>
            <tr><td style="text-align: left">&lt;td&gt;</td></tr>
            </tbody>
            </table>
            """
        #expect(html == expected)
    }

    @Test func bundleHasAllThreeFormats() {
        let bundle = table.mimeBundle
        #expect(bundle.representations.keys.sorted() == ["text/html", "text/markdown", "text/plain"])
        #expect(bundle.representations["text/html"]!.contains("<td style=\"text-align: right; font-variant-numeric: tabular-nums\">0.356</td>"))
    }

    @Test func longRowsAddColumnsShortRowsArePadded() {
        let t = Table(columns: ["a"], rows: [[1, 2], []])
        #expect(t.columns.count == 2)
        #expect(t.rows == [[.integer(1), .integer(2)], [.empty, .empty]])
    }

    @Test func entriesTableForAnEstimate() {
        let t = Table("Evidence", entries: [("log p(x)", -1130.264), ("standard error", 0.0123), ("samples", 1000)], format: .significant(4))
        #expect(
            t.plainText == """
                Evidence
                quantity             value
                --------------  ----------
                log p(x)        -1130
                standard error      0.0123
                samples          1000
                """)
    }

    @Test func numberFormats() {
        #expect(Table.NumberFormat.fixed(2).format(3.14159) == "3.14")
        #expect(Table.NumberFormat.significant(3).format(0.0012345) == "0.00123")
        #expect(Table.NumberFormat.scientific(3).format(12345) == "1.23e4")
        #expect(Table.NumberFormat.percent(1).format(0.35587) == "35.6%")
        #expect(Table.NumberFormat.automatic.format(-1130.26401) == "-1130.26")
        #expect(Table.NumberFormat.automatic.format(.nan) == "nan")
    }
}
