import NotebookJSON

/// `interrupt_request` and `shutdown_request`, answered on the control channel while a cell runs.
final class ControlHandler: RequestHandler {
    let messageTypes = ["interrupt_request", "shutdown_request"]
    private let interrupt: @Sendable () -> Void

    /// - Parameter interrupt: stops the running cell and any pending input request.
    init(interrupt: @escaping @Sendable () -> Void) {
        self.interrupt = interrupt
    }

    func handle(_ request: IncomingRequest) -> RequestVerdict {
        interrupt()
        if request.type == "interrupt_request" {
            request.reply(["status": "ok"])
            return .done
        }
        let content: JSONValue = ["status": "ok", "restart": .bool(request.content["restart"]?.boolValue ?? false)]
        request.reply(content)
        request.publish("shutdown_reply", content)
        return .shutDown
    }
}
