import NotebookJSON

/// The five channels of a Jupyter kernel.
public enum JupyterChannel: String, Sendable, Hashable, CaseIterable {
    case shell, iopub, stdin, control
    case heartbeat = "hb"
}

/// A kernel connection file: where to bind each channel and how to sign messages.
public struct ConnectionInfo: Sendable, Hashable {
    /// `tcp` or `ipc`.
    public enum Transport: String, Sendable, Hashable {
        case tcp, ipc
    }

    public var transport: Transport
    /// The IP address for `tcp`, or the path prefix for `ipc`.
    public var ip: String
    public var shellPort: Int
    public var iopubPort: Int
    public var stdinPort: Int
    public var controlPort: Int
    public var heartbeatPort: Int
    /// The HMAC key; empty turns signing off.
    public var key: String
    /// Only `hmac-sha256` is supported.
    public var signatureScheme: String

    public init(
        transport: Transport, ip: String, shellPort: Int, iopubPort: Int, stdinPort: Int, controlPort: Int,
        heartbeatPort: Int, key: String, signatureScheme: String = "hmac-sha256"
    ) {
        self.transport = transport
        self.ip = ip
        self.shellPort = shellPort
        self.iopubPort = iopubPort
        self.stdinPort = stdinPort
        self.controlPort = controlPort
        self.heartbeatPort = heartbeatPort
        self.key = key
        self.signatureScheme = signatureScheme
    }

    /// Reads a connection file's JSON text.
    /// - Parameter text: the file's contents.
    /// - Throws: `JupyterProtocolError` of kind `.connectionFile` naming the missing or bad field.
    public init(parsing text: String) throws(JupyterProtocolError) {
        let json: JSONValue
        do {
            json = try JSONValue(parsing: text)
        } catch {
            throw JupyterProtocolError(.connectionFile, "connection file is not JSON: \(error)")
        }
        guard json.objectValue != nil else {
            throw JupyterProtocolError(.connectionFile, "connection file is not a JSON object")
        }
        func port(_ name: String) throws(JupyterProtocolError) -> Int {
            guard let value = json[name]?.intValue, (0...65535).contains(value) else {
                throw JupyterProtocolError(.connectionFile, "field '\(name)' is missing or not a port number")
            }
            return value
        }
        let transportName = json["transport"]?.stringValue ?? "tcp"
        guard let transport = Transport(rawValue: transportName) else {
            throw JupyterProtocolError(.connectionFile, "transport '\(transportName)' is neither 'tcp' nor 'ipc'")
        }
        let scheme = json["signature_scheme"]?.stringValue ?? "hmac-sha256"
        guard scheme == "hmac-sha256" else {
            throw JupyterProtocolError(
                .connectionFile, "signature_scheme '\(scheme)' is not supported (use hmac-sha256)")
        }
        self.init(
            transport: transport,
            ip: json["ip"]?.stringValue ?? "127.0.0.1",
            shellPort: try port("shell_port"),
            iopubPort: try port("iopub_port"),
            stdinPort: try port("stdin_port"),
            controlPort: try port("control_port"),
            heartbeatPort: try port("hb_port"),
            key: json["key"]?.stringValue ?? "",
            signatureScheme: scheme
        )
    }

    /// The port number of a channel.
    public func port(of channel: JupyterChannel) -> Int {
        switch channel {
        case .shell: shellPort
        case .iopub: iopubPort
        case .stdin: stdinPort
        case .control: controlPort
        case .heartbeat: heartbeatPort
        }
    }

    /// The ZeroMQ endpoint of a channel: `tcp://IP:PORT` or, as jupyter_client names them, `ipc://IP-PORT`.
    public func endpoint(of channel: JupyterChannel) -> String {
        switch transport {
        case .tcp:
            let host = ip.contains(":") && !ip.hasPrefix("[") ? "[\(ip)]" : ip
            return "tcp://\(host):\(port(of: channel))"
        case .ipc:
            return "ipc://\(ip)-\(port(of: channel))"
        }
    }
}
