import CellEngine
import JupyterProtocol
import NotebookJSON

/// `kernel_info_request`, `is_complete_request` and `connect_request`: what the kernel is, and where.
final class InfoHandler: RequestHandler {
    let messageTypes = ["kernel_info_request", "is_complete_request", "connect_request"]
    private let swiftVersion: Eventually<String>
    private let connection: ConnectionInfo

    init(swiftVersion: Eventually<String>, connection: ConnectionInfo) {
        self.swiftVersion = swiftVersion
        self.connection = connection
    }

    func handle(_ request: IncomingRequest) -> RequestVerdict {
        switch request.type {
        case "kernel_info_request":
            // Front ends ask at once; the toolchain's version may still be on its way.
            let version = swiftVersion.value(waitingAtMost: .milliseconds(500)) ?? KernelInfo.builtWith
            request.reply(KernelInfo.content(swiftVersion: version))
        case "is_complete_request":
            let verdict = CodeCompleteness(checking: request.content["code"]?.stringValue ?? "")
            var content: JSONValue = ["status": .string(verdict.status)]
            if case .incomplete(let indent) = verdict { content["indent"] = .string(indent) }
            request.reply(content)
        default:
            request.reply([
                "status": "ok", "shell_port": .number(Double(connection.shellPort)),
                "iopub_port": .number(Double(connection.iopubPort)),
                "stdin_port": .number(Double(connection.stdinPort)),
                "control_port": .number(Double(connection.controlPort)),
                "hb_port": .number(Double(connection.heartbeatPort)),
            ])
        }
        return .done
    }
}
