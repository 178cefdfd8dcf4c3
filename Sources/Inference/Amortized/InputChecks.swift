/// The shape and finiteness checks of the amortized-inference API, with messages that name the row and
/// column at fault.
enum InputChecks {
    /// Checks that every row has `width` finite entries (the checks and messages of `flatten`,
    /// without the copy).
    static func validateRows(_ rows: [[Double]], width: Int, what: String) throws {
        for (r, row) in rows.enumerated() {
            guard row.count == width else {
                throw InferenceError(.dimensionMismatch, "\(what) row \(r) has \(row.count) entries, expected \(width)")
            }
            // A branch-free scan first (it vectorises; `train` validates its whole data set on every
            // call), then the search for the offending column only in a bad row.
            let exponentMask: UInt64 = 0x7FF0_0000_0000_0000
            let allFinite = row.withUnsafeBufferPointer { values -> Bool in
                var exponentAllOnes: UInt64 = 0
                for value in values { exponentAllOnes |= (value.bitPattern & exponentMask) == exponentMask ? 1 : 0 }
                return exponentAllOnes == 0
            }
            if !allFinite, let c = row.firstIndex(where: { !$0.isFinite }) {
                throw InferenceError(.invalidInput, "\(what) row \(r), column \(c) is \(row[c])")
            }
        }
    }

    /// Rows of equal width flattened row-major, after checking widths and finiteness.
    static func flatten(_ rows: [[Double]], width: Int, what: String) throws -> [Double] {
        try InputChecks.validateRows(rows, width: width, what: what)
        var flat: [Double] = []
        flat.reserveCapacity(rows.count * width)
        for row in rows { flat.append(contentsOf: row) }
        return flat
    }

    static func checkRow(_ row: [Double], width: Int, what: String) throws {
        guard row.count == width else {
            throw InferenceError(.dimensionMismatch, "\(what) has \(row.count) entries, expected \(width)")
        }
        if let i = row.firstIndex(where: { !$0.isFinite }) {
            throw InferenceError(.invalidInput, "\(what) entry \(i) is \(row[i])")
        }
    }

    static func checkVariational(_ q: VariationalParameters, latentDimension: Int) throws {
        guard q.mean.count == latentDimension, q.logStandardDeviation.count == latentDimension else {
            throw InferenceError(
                .dimensionMismatch, "q has dimension \(q.mean.count) but the latent dimension is \(latentDimension)")
        }
    }
}
