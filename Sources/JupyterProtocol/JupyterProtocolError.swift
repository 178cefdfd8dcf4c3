/// Why a connection file, a wire message or a socket operation failed.
public struct JupyterProtocolError: Error, Sendable, Hashable, CustomStringConvertible {
    /// The broad kind of failure, for callers that react differently to each.
    public enum Kind: String, Sendable, Hashable {
        /// The connection file is missing, unreadable or lacks a field.
        case connectionFile
        /// A received message is not a valid Jupyter wire message (frames, JSON, fields).
        case malformedMessage
        /// A received message's HMAC signature is missing or wrong.
        case badSignature
        /// A ZeroMQ call failed.
        case socket
        /// The ZeroMQ context was terminated while the call waited.
        case terminated
    }

    public var kind: Kind
    /// What went wrong and where, for a log line.
    public var message: String

    public init(_ kind: Kind, _ message: String) {
        self.kind = kind
        self.message = message
    }

    public var description: String { "\(kind.rawValue): \(message)" }
}
