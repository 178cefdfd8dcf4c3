import NotebookJSON

/// The comm messages (`comm_info_request`, `comm_open`, `comm_msg`, `comm_close`). No comm targets exist
/// yet: this is where widgets will register theirs.
final class CommHandler: RequestHandler {
    let messageTypes = ["comm_info_request", "comm_open", "comm_msg", "comm_close"]

    func handle(_ request: IncomingRequest) -> RequestVerdict {
        switch request.type {
        case "comm_info_request":
            request.reply(["status": "ok", "comms": [:]])
        case "comm_open":
            // No target by that name: close the comm at once, as the protocol asks.
            request.publish("comm_close", ["comm_id": request.content["comm_id"] ?? "", "data": [:]])
        default:
            // Messages for comms that were never opened are dropped, as the protocol allows.
            break
        }
        return .done
    }
}
