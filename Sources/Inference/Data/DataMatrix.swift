/// A table of numbers stored row-major: one row per observation, one column per variable.
///
/// This is what the data loaders return and what the mixture estimators accept. Element (i, j) is
/// `values[i * columnCount + j]`.
public struct DataMatrix: Sendable, Hashable {
    /// The number of rows (observations).
    public let rowCount: Int
    /// The number of columns (variables).
    public let columnCount: Int
    /// All entries, row after row.
    public private(set) var values: [Double]
    /// One name per column (from the file's header when it had one, else "x0", "x1", …).
    public var columnNames: [String]
    /// One label per row when the file had a label column (faithful.csv's quoted row numbers), else nil.
    public var rowLabels: [String]?
    /// Class names when the file's header listed them (iris.csv: setosa, versicolor, virginica), else nil.
    public var classNames: [String]?

    /// Creates a matrix from its row-major entries.
    /// - Parameters:
    ///   - rowCount: the number of rows.
    ///   - columnCount: the number of columns.
    ///   - values: `rowCount * columnCount` entries, row after row.
    ///   - columnNames: optional names, one per column.
    /// - Throws: `InferenceError` (.dimensionMismatch) when the counts do not fit together.
    public init(rowCount: Int, columnCount: Int, values: [Double], columnNames: [String]? = nil) throws {
        guard rowCount >= 0, columnCount >= 0 else {
            throw InferenceError(.invalidInput, "row and column counts must be non-negative, got \(rowCount) × \(columnCount)")
        }
        guard values.count == rowCount * columnCount else {
            throw InferenceError(
                .dimensionMismatch,
                "a \(rowCount) × \(columnCount) matrix needs \(rowCount * columnCount) values, got \(values.count)")
        }
        if let columnNames, columnNames.count != columnCount {
            throw InferenceError(
                .dimensionMismatch, "\(columnNames.count) column names for \(columnCount) columns")
        }
        self.rowCount = rowCount
        self.columnCount = columnCount
        self.values = values
        self.columnNames = columnNames ?? (0..<columnCount).map { "x\($0)" }
        self.rowLabels = nil
        self.classNames = nil
    }

    /// Creates a matrix from an array of rows.
    /// - Parameter rows: the rows; all must have the same length.
    /// - Throws: `InferenceError` (.dimensionMismatch) naming the first row whose length differs.
    public init(rows: [[Double]]) throws {
        let columns = rows.first?.count ?? 0
        var values: [Double] = []
        values.reserveCapacity(rows.count * columns)
        for (i, row) in rows.enumerated() {
            guard row.count == columns else {
                throw InferenceError(
                    .dimensionMismatch, "row \(i) has \(row.count) entries, row 0 has \(columns)")
            }
            values.append(contentsOf: row)
        }
        try self.init(rowCount: rows.count, columnCount: columns, values: values)
    }

    /// The entry in row `row`, column `column`.
    public subscript(row: Int, column: Int) -> Double {
        get { values[row * columnCount + column] }
        set { values[row * columnCount + column] = newValue }
    }

    /// Row `i` as an array.
    public func row(_ i: Int) -> [Double] {
        Array(values[(i * columnCount)..<((i + 1) * columnCount)])
    }

    /// Column `j` as an array.
    public func column(_ j: Int) -> [Double] {
        (0..<rowCount).map { values[$0 * columnCount + j] }
    }

    /// All rows as arrays.
    public var rows: [[Double]] { (0..<rowCount).map(row) }

    /// The matrix made of the chosen columns, in the order given.
    /// - Parameter indices: column indices, each in `0..<columnCount`.
    /// - Returns: a `rowCount × indices.count` matrix with the matching names and row labels.
    /// - Throws: `InferenceError` (.invalidInput) naming an index out of range.
    public func selectingColumns(_ indices: [Int]) throws -> DataMatrix {
        for j in indices where !(0..<columnCount).contains(j) {
            throw InferenceError(.invalidInput, "column \(j) does not exist (the matrix has \(columnCount) columns)")
        }
        var out: [Double] = []
        out.reserveCapacity(rowCount * indices.count)
        for i in 0..<rowCount {
            for j in indices { out.append(values[i * columnCount + j]) }
        }
        var result = try DataMatrix(
            rowCount: rowCount, columnCount: indices.count, values: out,
            columnNames: indices.map { columnNames[$0] })
        result.rowLabels = rowLabels
        result.classNames = classNames
        return result
    }

    /// Splits off the last column as integer class labels (iris.csv and digits.csv keep the class there).
    /// - Returns: the features (every column but the last) and the labels.
    /// - Throws: `InferenceError` (.invalidInput) if the matrix has no columns or a label is not a whole number.
    public func splittingLabels() throws -> (features: DataMatrix, labels: [Int]) {
        guard columnCount > 0 else {
            throw InferenceError(.invalidInput, "a matrix without columns has no label column")
        }
        let last = columnCount - 1
        var labels: [Int] = []
        labels.reserveCapacity(rowCount)
        for i in 0..<rowCount {
            let v = values[i * columnCount + last]
            guard v.isFinite, v == v.rounded(), abs(v) < 1e15 else {
                throw InferenceError(.invalidInput, "row \(i): label \(v) in the last column is not a whole number")
            }
            labels.append(Int(v))
        }
        return (try selectingColumns(Array(0..<last)), labels)
    }
}
