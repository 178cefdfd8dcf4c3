import Foundation
import NotebookJSON

/// One Jupyter message, as received from or sent to a socket.
///
/// Headers are kept as JSON values so that a reply's `parent_header` is exactly the request's header.
public struct JupyterMessage: Sendable, Hashable {
    /// The ROUTER routing frames before the `<IDS|MSG>` delimiter (the topic on iopub).
    public var identities: [[UInt8]]
    public var header: JSONValue
    public var parentHeader: JSONValue
    public var metadata: JSONValue
    public var content: JSONValue
    /// Extra binary frames after the content.
    public var buffers: [[UInt8]]

    public init(
        identities: [[UInt8]] = [], header: JSONValue, parentHeader: JSONValue = [:], metadata: JSONValue = [:],
        content: JSONValue, buffers: [[UInt8]] = []
    ) {
        self.identities = identities
        self.header = header
        self.parentHeader = parentHeader
        self.metadata = metadata
        self.content = content
        self.buffers = buffers
    }

    /// The header's `msg_type`, or `""`.
    public var messageType: String { header["msg_type"]?.stringValue ?? "" }
    /// The header's `msg_id`, or `""`.
    public var messageID: String { header["msg_id"]?.stringValue ?? "" }
}

/// Makes headers for the messages one kernel sends.
public struct MessageFactory: Sendable {
    /// The messaging protocol version this kernel speaks.
    public static let protocolVersion = "5.3"

    /// The kernel's session id, the same in every header it sends.
    public let session: String
    public let username: String

    public init(session: String = UUID().uuidString.lowercased(), username: String = "kernel") {
        self.session = session
        self.username = username
    }

    /// A fresh header for a message of `type`.
    public func header(_ type: String) -> JSONValue {
        [
            "msg_id": .string(UUID().uuidString.lowercased()),
            "session": .string(session),
            "username": .string(username),
            "date": .string(Self.timestamp()),
            "msg_type": .string(type),
            "version": .string(Self.protocolVersion),
        ]
    }

    /// A message of `type` answering or caused by `parent` (routed back to the same peer).
    /// - Parameters:
    ///   - type: e.g. `execute_reply`.
    ///   - content: the message content.
    ///   - parent: the request, or `nil` for a message that answers nothing.
    ///   - identities: routing frames; defaults to the parent's.
    public func message(
        _ type: String, content: JSONValue, parent: JupyterMessage?, metadata: JSONValue = [:],
        identities: [[UInt8]]? = nil
    ) -> JupyterMessage {
        JupyterMessage(
            identities: identities ?? parent?.identities ?? [],
            header: header(type),
            parentHeader: parent?.header ?? [:],
            metadata: metadata,
            content: content
        )
    }

    /// ISO 8601 UTC with microseconds, as Jupyter writes dates.
    static func timestamp() -> String {
        var now = timespec()
        clock_gettime(CLOCK_REALTIME, &now)
        var seconds = time_t(now.tv_sec)
        var parts = tm()
        gmtime_r(&seconds, &parts)
        func pad(_ value: Int32, _ width: Int) -> String {
            let text = String(value)
            return String(repeating: "0", count: max(0, width - text.count)) + text
        }
        return "\(pad(parts.tm_year + 1900, 4))-\(pad(parts.tm_mon + 1, 2))-\(pad(parts.tm_mday, 2))T"
            + "\(pad(parts.tm_hour, 2)):\(pad(parts.tm_min, 2)):\(pad(parts.tm_sec, 2))."
            + "\(pad(Int32(now.tv_nsec / 1000), 6))Z"
    }
}
