import CellEngine
import NotebookJSON

/// The comm messages (`comm_info_request`, `comm_open`, `comm_msg`, `comm_close`), for widgets.
///
/// Widgets open their comms from the worker (target `jupyter.widget`); the front end's messages on them
/// run in the worker between cells (`CellSession.deliverComm`), with the callbacks' output published under
/// the comm message. The front end opens one comm itself, `jupyter.widget.control`, and asks it for every
/// widget's state (`request_states`): the engine's store answers that without the worker. Comm messages
/// are untrusted input: one that is malformed, for an unknown comm or to an unknown target is logged and
/// dropped (a `comm_open` to an unknown target is closed at once, as the protocol asks), never a crash.
final class CommHandler: RequestHandler, @unchecked Sendable {
    let messageTypes = ["comm_info_request", "comm_open", "comm_msg", "comm_close"]
    static let controlTarget = "jupyter.widget.control"
    static let widgetTarget = "jupyter.widget"
    /// The largest comm message data taken (its JSON text); a front end's widget updates are far smaller.
    static let largestData = 8 << 20
    private let session: KernelSession

    init(session: KernelSession) {
        self.session = session
    }

    func handle(_ request: IncomingRequest) -> RequestVerdict {
        switch request.type {
        case "comm_info_request":
            commInfo(request)
        case "comm_open":
            open(request)
        case "comm_msg", "comm_close":
            message(request)
        default:
            break
        }
        return .done
    }

    private func commInfo(_ request: IncomingRequest) {
        let wanted = request.content["target_name"]?.stringValue
        var comms: [String: JSONValue] = [:]
        for (id, target) in session.readyEngine?.widgetStore.openComms ?? [:] where wanted == nil || wanted == target {
            comms[id] = ["target_name": .string(target)]
        }
        request.reply(["status": "ok", "comms": .object(comms)])
    }

    private func open(_ request: IncomingRequest) {
        guard let id = request.content["comm_id"]?.stringValue, !id.isEmpty,
            let target = request.content["target_name"]?.stringValue
        else {
            KernelLog.write("comm_open: dropped a message without a comm_id or target_name")
            return
        }
        guard target == Self.controlTarget, let engine = session.readyEngine else {
            KernelLog.write("comm_open: no comm target '\(target)' in this kernel; comm \(id) is closed")
            request.publish("comm_close", ["comm_id": .string(id), "data": [:]])
            return
        }
        engine.frontEndOpened(comm: id, target: target)
    }

    private func message(_ request: IncomingRequest) {
        let type = request.type
        // Messages for widgets run in the worker and wait for the cells: only the shell thread may wait
        // there, never the control thread, which must stay free to answer an interrupt.
        guard request.channel == .shell else {
            KernelLog.write("\(type): dropped a comm message sent on the \(request.channel.rawValue) channel (comm messages belong on shell)")
            return
        }
        guard let id = request.content["comm_id"]?.stringValue else {
            KernelLog.write("\(type): dropped a message without a string comm_id")
            return
        }
        guard let engine = session.readyEngine, let comm = engine.widgetStore.comms[id] else {
            KernelLog.write("\(type): no open comm '\(id)'; the message was dropped")
            return
        }
        let data = request.content["data"] ?? [:]
        guard case .object = data else {
            KernelLog.write("\(type): the data of a message for comm \(id) is not an object; dropped")
            return
        }
        let size = data.serializedBytes().count
        guard size <= Self.largestData else {
            KernelLog.write("\(type): a message for comm \(id) carries \(size) bytes, more than \(Self.largestData); dropped")
            return
        }
        if comm.target == Self.controlTarget {
            if type == "comm_close" {
                engine.frontEndClosed(comm: id)
            } else {
                control(request, id: id, data: data, engine: engine)
            }
            return
        }
        let delivery: CommDelivery
        if type == "comm_close" {
            delivery = .close(id: id)
        } else {
            guard let method = data["method"]?.stringValue, ["update", "request_state", "custom"].contains(method) else {
                KernelLog.write("comm_msg: a message for widget \(id) has no known method (update, request_state, custom); dropped")
                return
            }
            if method == "update", data["state"]?.objectValue == nil {
                KernelLog.write("comm_msg: an update for widget \(id) has no state object; dropped")
                return
            }
            delivery = .message(id: id, data: data)
        }
        let message = request.message
        let iopub = request.iopub
        let result = engine.deliverComm(delivery, timeout: nil) { event in
            for case .publish(let type, let content) in [ExecutionCycle.message(for: event)] {
                iopub.publish(type, content, parent: message)
            }
        }
        if case .failure(let failure) = result {
            KernelLog.write("\(type) for widget \(id): \(failure.name): \(failure.message)")
            request.publish(
                "error",
                ["ename": .string(failure.name), "evalue": .string(failure.message), "traceback": .array(failure.traceback.map(JSONValue.string))])
        }
    }

    /// The control comm: `request_states` gets every widget's state.
    private func control(_ request: IncomingRequest, id: String, data: JSONValue, engine: CellExecutor) {
        guard data["method"]?.stringValue == "request_states" else {
            KernelLog.write("comm_msg: the widget control comm takes only request_states; dropped")
            return
        }
        request.publish("comm_msg", ["comm_id": .string(id), "data": engine.widgetStore.updateStates])
    }
}
