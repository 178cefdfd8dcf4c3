/// A table of numbers and text that shows as HTML in a notebook, as markdown, and as aligned plain text.
///
/// Build one in a single expression:
/// ```swift
/// Table("Gaussian mixture, K = 2",
///       columns: ["component", .init("weight", format: .fixed(3)), "mean"],
///       rows: [[1, 0.356, 2.036], [2, 0.644, 4.29]])
/// ```
public struct Table: Sendable, Hashable {
    /// The caption, or `nil`.
    public var title: String?
    /// The columns; there are at least as many as the longest row has cells.
    public var columns: [Column]
    /// The cells, row by row; every row has `columns.count` cells (short rows are padded with `.empty`).
    public var rows: [[Cell]]

    /// A table.
    /// - Parameters:
    ///   - title: The caption.
    ///   - columns: Column names (string literals work) with optional formats and alignments.
    ///   - rows: Rows of `Double`, `Int`, `String`, optionals of those, or `Table.Cell`. A row shorter
    ///     than the header shows empty cells; a longer row adds unnamed columns, so no value is hidden.
    public init(_ title: String? = nil, columns: [Column], rows: [[any TableValue]]) {
        self.title = title
        let width = Swift.max(columns.count, rows.map(\.count).max() ?? 0)
        self.columns = columns + (columns.count..<width).map { _ in Column("") }
        self.rows = rows.map { row in row.map(\.tableCell) + Array(repeating: Cell.empty, count: width - row.count) }
    }

    /// A two-column table of named quantities, e.g. an estimate and its standard error.
    /// - Parameters:
    ///   - title: The caption.
    ///   - entries: (name, value) pairs, one row each.
    ///   - format: The format of the numbers.
    ///   - header: The two column names.
    public init(
        _ title: String? = nil, entries: [(String, any TableValue)], format: NumberFormat = .automatic,
        header: (String, String) = ("quantity", "value")
    ) {
        self.init(
            title, columns: [Column(header.0), Column(header.1, format: format)],
            rows: entries.map { [$0.0, $0.1] })
    }

    /// One column: its name, how its numbers are written and how its cells are aligned.
    public struct Column: Sendable, Hashable, ExpressibleByStringLiteral {
        /// The header text.
        public var name: String
        /// How numbers in this column are written.
        public var format: NumberFormat
        /// The alignment; `nil` aligns numbers right (on the decimal point in plain text) and text left.
        public var alignment: Alignment?

        /// A column.
        /// - Parameters:
        ///   - name: The header text.
        ///   - format: How numbers are written.
        ///   - alignment: `nil` for automatic.
        public init(_ name: String, format: NumberFormat = .automatic, alignment: Alignment? = nil) {
            self.name = name
            self.format = format
            self.alignment = alignment
        }

        public init(stringLiteral value: String) { self.init(value) }
    }

    /// Horizontal alignment of a column.
    public enum Alignment: String, Sendable, Hashable {
        /// Left.
        case leading
        /// Centred.
        case center
        /// Right.
        case trailing
    }

    /// How the numbers of a column are written. Every format is locale-independent, with `.` as the
    /// decimal separator and `-` as the minus sign.
    public enum NumberFormat: Sendable, Hashable {
        /// Integers as they are; other numbers with 6 significant digits, scientific beyond 10¹⁵ or below 10⁻⁴.
        case automatic
        /// A fixed number of decimals: `.fixed(3)` writes 0.35587 as `0.356`.
        case fixed(Int)
        /// Significant digits: `.significant(3)` writes 1130.264 as `1130`, 0.0012345 as `0.00123`.
        case significant(Int)
        /// Scientific notation with that many significant digits: `.scientific(3)` writes 12345 as `1.23e4`.
        case scientific(Int)
        /// A percentage with that many decimals: `.percent(1)` writes 0.35587 as `35.6%`.
        case percent(Int)

        /// Writes a number in this format.
        /// - Parameter value: The number.
        /// - Returns: The text.
        public func format(_ value: Double) -> String {
            switch self {
            case .automatic: return DecimalFormat.significant(value, digits: 6)
            case .fixed(let decimals): return DecimalFormat.fixed(value, decimals: decimals)
            case .significant(let digits): return DecimalFormat.significant(value, digits: digits)
            case .scientific(let digits): return DecimalFormat.scientific(value, digits: digits)
            case .percent(let decimals):
                return value.isFinite ? DecimalFormat.fixed(value * 100, decimals: decimals) + "%" : DecimalFormat.fixed(value, decimals: 0)
            }
        }
    }

    /// One cell's value.
    public enum Cell: Sendable, Hashable, ExpressibleByStringLiteral, ExpressibleByIntegerLiteral,
        ExpressibleByFloatLiteral, ExpressibleByNilLiteral
    {
        /// A number, written in the column's format.
        case number(Double)
        /// A whole number, written as is unless the column's format is fixed, scientific or percent.
        case integer(Int)
        /// Text, written as is.
        case text(String)
        /// Nothing.
        case empty

        public init(stringLiteral value: String) { self = .text(value) }
        public init(integerLiteral value: Int) { self = .integer(value) }
        public init(floatLiteral value: Double) { self = .number(value) }
        public init(nilLiteral: ()) { self = .empty }

        var isNumeric: Bool {
            switch self {
            case .number, .integer: return true
            case .text, .empty: return false
            }
        }

        /// The cell's text in a column format.
        func text(_ format: NumberFormat) -> String {
            switch self {
            case .number(let value): return format.format(value)
            case .integer(let value):
                switch format {
                case .automatic, .significant: return String(value)
                case .fixed, .scientific, .percent: return format.format(Double(value))
                }
            case .text(let text): return text
            case .empty: return ""
            }
        }
    }
}

/// A value that can fill a table cell: `Double`, `Float`, `Int`, `String`, `Table.Cell` and optionals of these.
public protocol TableValue {
    /// The value as a cell.
    var tableCell: Table.Cell { get }
}

extension Double: TableValue {
    public var tableCell: Table.Cell { .number(self) }
}

extension Float: TableValue {
    public var tableCell: Table.Cell { .number(Double(self)) }
}

extension Int: TableValue {
    public var tableCell: Table.Cell { .integer(self) }
}

extension String: TableValue {
    public var tableCell: Table.Cell { .text(self) }
}

extension Substring: TableValue {
    public var tableCell: Table.Cell { .text(String(self)) }
}

extension Table.Cell: TableValue {
    public var tableCell: Table.Cell { self }
}

extension Optional: TableValue where Wrapped: TableValue {
    public var tableCell: Table.Cell { self?.tableCell ?? .empty }
}
