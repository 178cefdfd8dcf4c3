/// An error raised when a figure or table is given input it cannot draw, naming the problem and where.
///
/// `Figures` does not depend on `Inference`, so it has its own error type; its `description` reads
/// like `InferenceError`'s: `"invalid input: covariance is not positive semi-definite (EllipseMark)"`.
public struct FigureError: Error, Sendable, Hashable, CustomStringConvertible {
    /// The kind of problem.
    public enum Kind: String, Sendable, Hashable {
        /// The values given cannot be drawn (wrong shape, not finite, empty, …).
        case invalidInput = "invalid input"
    }

    /// The kind of problem.
    public let kind: Kind
    /// What is wrong and where.
    public let message: String

    /// Creates an error.
    /// - Parameters:
    ///   - kind: The kind of problem.
    ///   - message: What is wrong and where, e.g. `"value 17 of the histogram is NaN"`.
    public init(_ kind: Kind, _ message: String) {
        self.kind = kind
        self.message = message
    }

    public var description: String { "\(kind.rawValue): \(message)" }
}
