// Checks shared by the mixture fits.

/// Checks that every entry of a data matrix is finite, naming the first one that is not.
func _checkFinite(_ data: DataMatrix, what: String = "data") throws {
    let d = data.columnCount
    for (index, v) in data.values.enumerated() where !v.isFinite {
        throw InferenceError(.invalidInput, "\(what) row \(index / max(d, 1)), column \(index % max(d, 1)) is \(v)")
    }
}
