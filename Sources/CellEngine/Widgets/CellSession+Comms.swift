import NotebookJSON
import Synchronization

/// The widget store behind a lock, shared with the closures that record what a cell's widgets send.
final class WidgetStates: Sendable {
    let store = Mutex(WidgetStateStore())

    /// `onEvent`, recording comm events in the store on their way.
    func recording(_ onEvent: @escaping @Sendable (CellEvent) -> Void) -> @Sendable (CellEvent) -> Void {
        { [self] event in
            if case .comm(let comm) = event { store.withLock { $0.apply(comm) } }
            onEvent(event)
        }
    }
}

extension CellSession {
    /// Every widget comm's last known state; safe from any thread, answered without the worker.
    public var widgetStore: WidgetStateStore { widgetStates.store.withLock { $0 } }

    /// Records a comm the front end opened itself (the widget control comm, `jupyter.widget.control`).
    public func frontEndOpened(comm id: String, target: String) {
        widgetStates.store.withLock { $0.openFromFrontEnd(id: id, target: target) }
    }

    /// Forgets a comm the front end opened and has closed (the control comm); widget comms close through
    /// `deliverComm`, so the widget in the worker learns it too.
    public func frontEndClosed(comm id: String) {
        widgetStates.store.withLock { store in
            if store.comms[id]?.target != "jupyter.widget" { store.apply(CommDelivery.close(id: id)) }
        }
    }

    /// Runs a comm message from the front end in the worker, between cells, with the cells' state: a widget's
    /// `update` (its `onChange` actions run), `request_state`, a button's click, or the comm's close.
    ///
    /// Blocks until the worker has handled it. A worker that was lost since the last cell is replaced first
    /// (the cells are replayed and the widgets set back to the values the front end shows). An error thrown by
    /// a callback comes back as a `thrownError`; a trap, an interrupt or a time-out end it as a cell's would.
    /// - Parameters:
    ///   - delivery: the message (already checked: an id the store knows, data an object).
    ///   - timeout: stop the callbacks after this long; `nil` for no limit (an interrupt still stops them).
    ///   - onEvent: the callbacks' output and the widgets' comm messages, in order.
    public func deliverComm(
        _ delivery: CommDelivery, timeout: Duration? = nil, onEvent: @escaping @Sendable (CellEvent) -> Void
    ) -> Result<CellSuccess, CellFailure> {
        executionLock.withLock { _ in
            interruptRequested = false
            widgetStates.store.withLock { $0.apply(delivery) }
            if let status = worker?.exitStatus {
                restoreAfterLoss()
                onEvent(
                    .stream(
                        .stderr,
                        "swift-inference: the worker process had ended (\(Self.describe(status: status))); "
                            + restoredSentence(history.count) + "\n"))
            }
            do {
                try ensureWorker()
            } catch {
                return .failure(CellFailure(kind: .crash, name: "WorkerError", message: "\(error)", traceback: ["\(error)"]))
            }
            var message: [String: JSONValue] = [:]
            switch delivery {
            case .message(let id, let data):
                message = ["comm_id": .string(id), "data": data]
            case .close(let id):
                message = ["comm_id": .string(id), "close": true]
            }
            let json = String(decoding: JSONValue.object(message).serializedBytes(), as: UTF8.self)
            let outcome = runCell(.comm(json: json), timeout: timeout, onEvent: widgetStates.recording(onEvent), onInput: nil)
            return commResult(outcome, timeout: timeout)
        }
    }

    private func commResult(_ outcome: RunOutcome, timeout: Duration?) -> Result<CellSuccess, CellFailure> {
        switch outcome {
        case .finished:
            return .success(CellSuccess(result: nil))
        case .threw(let type, let description):
            return .failure(
                CellFailure(
                    kind: .thrownError, name: type, message: description,
                    traceback: ["\(type): \(description)", "A widget callback threw it; the widgets and the cells' state are unchanged."]))
        case .exited(let status):
            return .failure(
                CellFailure(kind: .thrownError, name: "Exit", message: "a widget callback called exit(\(status))", traceback: []))
        case .died(let status, let stderrTail):
            let failure = crashFailure(status: status, stderrTail: stderrTail, library: "", moduleName: "")
            restoreAfterLoss()
            var traceback = failure.traceback
            traceback.insert("A widget callback crashed the worker.", at: 1)
            return .failure(CellFailure(kind: .crash, name: failure.name, message: failure.message, traceback: traceback))
        case .lost(let reason):
            restoreAfterLoss()
            return .failure(CellFailure(kind: .crash, name: "WorkerLost", message: reason, traceback: ["WorkerLost: \(reason)."]))
        case .stopped(let timedOut):
            restoreAfterLoss()
            let name = timedOut ? "Timeout" : "Interrupted"
            let message = timedOut ? "a widget callback ran longer than \(timeout.map { "\($0)" } ?? "its limit")" : "a widget callback was interrupted"
            return .failure(
                CellFailure(kind: timedOut ? .timedOut : .interrupted, name: name, message: message, traceback: ["\(name): \(message).", restoredSentence(history.count)]))
        }
    }

    /// After a replay in a new worker: sets each widget back, silently (no callbacks), to the value its
    /// front end shows, so the next move starts from there. Widgets of cells that were lost are skipped.
    func restoreWidgetValues() {
        guard worker != nil else { return }
        for (id, values) in widgetStates.store.withLock({ $0.valuesToRestore }) {
            let message: JSONValue = [
                "comm_id": .string(id), "sync": true, "data": ["method": "update", "state": .object(values), "buffer_paths": []],
            ]
            let outcome = runCell(
                .comm(json: String(decoding: message.serializedBytes(), as: UTF8.self)), timeout: .seconds(10), onEvent: nil,
                onInput: nil)
            guard case .finished = outcome else { return }
        }
    }
}
