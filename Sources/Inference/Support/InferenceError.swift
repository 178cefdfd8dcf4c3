/// Why a computation in `Inference` refused its input or could not finish.
///
/// Every public function that can be handed bad input (empty data, a NaN, a singular covariance,
/// probabilities that do not sum to one, mismatched dimensions) throws one of these instead of
/// trapping or returning NaN. The description names the problem and where it was found.
public struct InferenceError: Error, Sendable, Hashable, CustomStringConvertible {
    /// The broad kind of problem, for code that wants to react to it.
    public enum Kind: String, Sendable, Hashable {
        /// Input that breaks a precondition: empty data, a NaN, a negative variance, K > N, …
        case invalidInput
        /// Dimensions that do not fit together.
        case dimensionMismatch
        /// A matrix that should be positive definite is not (even after regularisation).
        case notPositiveDefinite
        /// An iterative method produced a non-finite value or could not make progress.
        case numericalFailure
    }

    public var kind: Kind
    /// A sentence naming the problem and where it is, e.g. "data row 17, column 2 is NaN".
    public var message: String

    public init(_ kind: Kind, _ message: String) {
        self.kind = kind
        self.message = message
    }

    public var description: String { message }
}
