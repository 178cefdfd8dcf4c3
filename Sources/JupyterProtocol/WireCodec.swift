import NotebookJSON

/// Turns Jupyter messages into ZeroMQ frames and back, signing and verifying them.
///
/// Frames: routing identities, `<IDS|MSG>`, the hex HMAC signature, header, parent header, metadata,
/// content, then any binary buffers.
public struct WireCodec: Sendable {
    /// The delimiter frame between routing identities and the message.
    public static let delimiter: [UInt8] = Array("<IDS|MSG>".utf8)

    public let signer: MessageSigner

    public init(signer: MessageSigner) {
        self.signer = signer
    }

    /// - Parameter key: the connection file's key; empty turns signing off.
    public init(key: String) {
        self.init(signer: MessageSigner(key: Array(key.utf8)))
    }

    /// The frames of a message, signed.
    public func encode(_ message: JupyterMessage) -> [[UInt8]] {
        let parts = [
            message.header.serializedBytes(), message.parentHeader.serializedBytes(),
            message.metadata.serializedBytes(), message.content.serializedBytes(),
        ]
        return message.identities + [Self.delimiter, signer.signature(of: parts)] + parts + message.buffers
    }

    /// Reads a received message, checking its signature before parsing any JSON.
    /// - Parameter frames: the multipart message as received.
    /// - Returns: the message.
    /// - Throws: `JupyterProtocolError` of kind `.badSignature` for a missing or wrong signature, or
    ///   `.malformedMessage` naming the frame that is wrong.
    public func decode(_ frames: [[UInt8]]) throws(JupyterProtocolError) -> JupyterMessage {
        guard let split = frames.firstIndex(of: Self.delimiter) else {
            throw JupyterProtocolError(.malformedMessage, "no <IDS|MSG> delimiter among \(frames.count) frames")
        }
        let rest = frames[(split + 1)...]
        guard rest.count >= 5 else {
            throw JupyterProtocolError(
                .malformedMessage, "\(rest.count) frames after the delimiter; a message needs at least 5")
        }
        let signature = rest[rest.startIndex]
        let parts = Array(rest[(rest.startIndex + 1)..<(rest.startIndex + 5)])
        guard signer.isValid(signature: signature, of: parts) else {
            throw JupyterProtocolError(
                .badSignature, signature.isEmpty ? "the message is not signed" : "the signature does not match")
        }
        let names = ["header", "parent_header", "metadata", "content"]
        var values: [JSONValue] = []
        for (name, part) in zip(names, parts) {
            let value: JSONValue
            do {
                value = try JSONValue(parsing: part, maxDepth: 128)
            } catch {
                throw JupyterProtocolError(.malformedMessage, "\(name) frame: \(error)")
            }
            guard value.objectValue != nil else {
                throw JupyterProtocolError(.malformedMessage, "\(name) frame is not a JSON object")
            }
            values.append(value)
        }
        guard let type = values[0]["msg_type"]?.stringValue, !type.isEmpty else {
            throw JupyterProtocolError(.malformedMessage, "header has no msg_type")
        }
        guard values[0]["msg_id"]?.stringValue != nil else {
            throw JupyterProtocolError(.malformedMessage, "header of '\(type)' has no msg_id")
        }
        return JupyterMessage(
            identities: Array(frames[..<split]),
            header: values[0],
            parentHeader: values[1],
            metadata: values[2],
            content: values[3],
            buffers: Array(rest.dropFirst(5))
        )
    }
}
