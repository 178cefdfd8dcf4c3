import NotebookJSON

/// `complete_request` and `inspect_request`: completion and documentation at the cursor.
final class AssistHandler: RequestHandler {
    let messageTypes = ["complete_request", "inspect_request"]
    private let session: KernelSession

    init(session: KernelSession) {
        self.session = session
    }

    func handle(_ request: IncomingRequest) -> RequestVerdict {
        let code = request.content["code"]?.stringValue ?? ""
        let cursor = request.content["cursor_pos"]?.intValue
        let assistant = session.assistant()
        if request.type == "complete_request" {
            request.reply(assistant.completeReply(code: code, cursorPosition: cursor))
        } else {
            request.reply(assistant.inspectReply(code: code, cursorPosition: cursor))
        }
        return .done
    }
}
