// Small vector helpers on `[Double]`, used across the library. Not API: `package` so tests can use them.

/// The dot product of two vectors of equal length.
@inlinable
package func _dot(_ a: [Double], _ b: [Double]) -> Double {
    var s = 0.0
    for i in a.indices { s += a[i] * b[i] }
    return s
}

/// The squared Euclidean norm.
@inlinable
package func _squaredNorm(_ a: [Double]) -> Double {
    var s = 0.0
    for v in a { s += v * v }
    return s
}

/// `a - b`, element-wise.
@inlinable
package func _subtract(_ a: [Double], _ b: [Double]) -> [Double] {
    var r = a
    for i in r.indices { r[i] -= b[i] }
    return r
}

/// Throws unless every entry of `values` is finite; `what` names the vector in the message.
package func _requireFinite(_ values: [Double], _ what: String) throws {
    for (i, v) in values.enumerated() where !v.isFinite {
        throw InferenceError(.invalidInput, "\(what) entry \(i) is \(v.isNaN ? "NaN" : "infinite")")
    }
}

/// Throws unless `value` is finite; `what` names it in the message.
package func _requireFinite(_ value: Double, _ what: String) throws {
    guard value.isFinite else {
        throw InferenceError(.invalidInput, "\(what) is \(value.isNaN ? "NaN" : "infinite")")
    }
}

/// Throws unless two lengths agree.
package func _requireSameDimension(_ a: Int, _ b: Int, _ what: String) throws {
    guard a == b else {
        throw InferenceError(.dimensionMismatch, "\(what): expected dimension \(b), got \(a)")
    }
}
