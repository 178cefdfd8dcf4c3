/// A dense matrix of `Double`, stored row by row.
///
/// A value type: copies share storage until one of them is written (the array's copy-on-write).
/// Indices start at zero: `m[i, j]` is row `i`, column `j`.
public struct Matrix: Sendable, Hashable, CustomStringConvertible {
    /// The number of rows.
    public let rows: Int
    /// The number of columns.
    public let columns: Int
    /// The entries, row by row (`rows * columns` of them).
    public private(set) var entries: [Double]

    /// Creates a matrix filled with one value.
    ///
    /// - Parameters:
    ///   - rows: the number of rows (≥ 0).
    ///   - columns: the number of columns (≥ 0).
    ///   - value: the value of every entry.
    public init(rows: Int, columns: Int, repeating value: Double = 0) {
        precondition(rows >= 0 && columns >= 0, "Matrix dimensions must not be negative")
        self.rows = rows
        self.columns = columns
        self.entries = Array(repeating: value, count: rows * columns)
    }

    /// Creates a matrix from its rows.
    ///
    /// - Parameter rowArrays: the rows; every row must have the same length.
    /// - Throws: `InferenceError(.dimensionMismatch)` when the rows differ in length.
    public init(_ rowArrays: [[Double]]) throws {
        let columns = rowArrays.first?.count ?? 0
        for (i, row) in rowArrays.enumerated() where row.count != columns {
            throw InferenceError(
                .dimensionMismatch, "matrix row \(i) has \(row.count) entries, row 0 has \(columns)")
        }
        self.rows = rowArrays.count
        self.columns = columns
        self.entries = rowArrays.flatMap { $0 }
    }

    /// Creates a matrix from entries stored row by row.
    ///
    /// - Parameters:
    ///   - rows: the number of rows.
    ///   - columns: the number of columns.
    ///   - entries: `rows * columns` entries, row by row.
    /// - Throws: `InferenceError(.dimensionMismatch)` when the count does not fit.
    public init(rows: Int, columns: Int, entries: [Double]) throws {
        guard rows >= 0, columns >= 0, entries.count == rows * columns else {
            throw InferenceError(
                .dimensionMismatch,
                "a \(rows)×\(columns) matrix needs \(max(0, rows * columns)) entries, got \(entries.count)")
        }
        self.rows = rows
        self.columns = columns
        self.entries = entries
    }

    /// The `n`×`n` identity matrix.
    public static func identity(_ n: Int) -> Matrix {
        var m = Matrix(rows: n, columns: n)
        for i in 0..<n { m[i, i] = 1 }
        return m
    }

    /// A square matrix with `diagonal` on its diagonal and zeros elsewhere.
    public static func diagonal(_ diagonal: [Double]) -> Matrix {
        var m = Matrix(rows: diagonal.count, columns: diagonal.count)
        for (i, v) in diagonal.enumerated() { m[i, i] = v }
        return m
    }

    /// The entry in row `i`, column `j`.
    public subscript(i: Int, j: Int) -> Double {
        get { entries[i * columns + j] }
        set { entries[i * columns + j] = newValue }
    }

    /// Row `i` as an array.
    public func row(_ i: Int) -> [Double] {
        Array(entries[(i * columns)..<((i + 1) * columns)])
    }

    /// The rows as arrays.
    public var rowArrays: [[Double]] { (0..<rows).map(row) }

    /// The diagonal entries (of the leading square block).
    public var diagonalEntries: [Double] { (0..<min(rows, columns)).map { self[$0, $0] } }

    /// The transpose.
    public var transposed: Matrix {
        var t = Matrix(rows: columns, columns: rows)
        for i in 0..<rows {
            for j in 0..<columns { t[j, i] = self[i, j] }
        }
        return t
    }

    /// Whether the matrix is square and equal to its transpose up to `tolerance` (relative to its
    /// largest entry).
    public func isSymmetric(tolerance: Double = 1e-12) -> Bool {
        guard rows == columns else { return false }
        let scale = entries.reduce(0) { max($0, abs($1)) }
        for i in 0..<rows {
            for j in 0..<i where abs(self[i, j] - self[j, i]) > tolerance * max(scale, 1e-300) {
                return false
            }
        }
        return true
    }

    /// The sum of the diagonal entries.
    public var trace: Double { diagonalEntries.reduce(0, +) }

    /// The matrix product `self * other`.
    ///
    /// - Throws: `InferenceError(.dimensionMismatch)` when the inner dimensions differ.
    /// - Complexity: O(rows · columns · other.columns).
    public func multiplied(by other: Matrix) throws -> Matrix {
        guard columns == other.rows else {
            throw InferenceError(
                .dimensionMismatch,
                "cannot multiply a \(rows)×\(columns) matrix by a \(other.rows)×\(other.columns) matrix")
        }
        var result = Matrix(rows: rows, columns: other.columns)
        for i in 0..<rows {
            for k in 0..<columns {
                let a = self[i, k]
                if a == 0 { continue }
                for j in 0..<other.columns { result[i, j] += a * other[k, j] }
            }
        }
        return result
    }

    /// The matrix–vector product `self * v`.
    ///
    /// - Throws: `InferenceError(.dimensionMismatch)` when `v.count != columns`.
    public func multiplied(by v: [Double]) throws -> [Double] {
        guard v.count == columns else {
            throw InferenceError(
                .dimensionMismatch, "cannot multiply a \(rows)×\(columns) matrix by a vector of length \(v.count)")
        }
        var result = [Double](repeating: 0, count: rows)
        for i in 0..<rows {
            var s = 0.0
            for j in 0..<columns { s += self[i, j] * v[j] }
            result[i] = s
        }
        return result
    }

    public var description: String {
        rowArrays.map { "[" + $0.map { "\($0)" }.joined(separator: ", ") + "]" }.joined(separator: "\n")
    }
}

extension Matrix {
    /// The element-wise sum.
    /// - Throws: `InferenceError(.dimensionMismatch)` when the shapes differ.
    public func adding(_ other: Matrix) throws -> Matrix {
        guard rows == other.rows, columns == other.columns else {
            throw InferenceError(
                .dimensionMismatch, "cannot add a \(rows)×\(columns) and a \(other.rows)×\(other.columns) matrix")
        }
        var r = self
        for i in r.entries.indices { r.entries[i] += other.entries[i] }
        return r
    }

    /// Every entry multiplied by `factor`.
    public func scaled(by factor: Double) -> Matrix {
        var r = self
        for i in r.entries.indices { r.entries[i] *= factor }
        return r
    }
}
