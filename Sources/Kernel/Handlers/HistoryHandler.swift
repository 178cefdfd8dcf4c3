import NotebookJSON

/// `history_request`: the inputs (and outputs) of this session's executions.
final class HistoryHandler: RequestHandler {
    let messageTypes = ["history_request"]
    private let session: KernelSession

    init(session: KernelSession) {
        self.session = session
    }

    func handle(_ request: IncomingRequest) -> RequestVerdict {
        request.reply(session.history.withLock { $0.reply(to: request.content) })
        return .done
    }
}
