import Inference

/// Tolerance checks shared by the Random*, LinearAlgebra*, Distribution*, KL* and Evidence* tests.
enum CoreCheck {
    /// |a − b| ≤ tolerance · max(1, |b|): absolute near zero, relative for large values.
    static func close(_ a: Double, _ b: Double, _ tolerance: Double = 1e-12) -> Bool {
        abs(a - b) <= tolerance * max(1, abs(b))
    }

    /// Element-wise `close`.
    static func close(_ a: [Double], _ b: [Double], _ tolerance: Double = 1e-12) -> Bool {
        a.count == b.count && zip(a, b).allSatisfy { close($0, $1, tolerance) }
    }

    /// The sample mean and the standard error of the mean.
    static func meanAndStandardError(_ xs: [Double]) -> (mean: Double, standardError: Double) {
        let n = Double(xs.count)
        let m = xs.reduce(0, +) / n
        let v = xs.reduce(0) { $0 + ($1 - m) * ($1 - m) } / (n - 1)
        return (m, (v / n).squareRoot())
    }

    /// Whether a call throws an `InferenceError` of the given kind.
    static func throwsKind(_ kind: InferenceError.Kind, _ body: () throws -> Void) -> Bool {
        do {
            try body()
            return false
        } catch let error as InferenceError {
            return error.kind == kind && !error.message.isEmpty
        } catch {
            return false
        }
    }
}
