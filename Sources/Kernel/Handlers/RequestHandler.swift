import CellEngine
import JupyterProtocol
import NotebookJSON
import Synchronization

/// Answers one family of Jupyter requests. The kernel routes each message to the handler that lists its
/// type (`RequestRoutes`); a handler never touches a socket itself, only the `IncomingRequest` it is given.
protocol RequestHandler: AnyObject, Sendable {
    /// The `msg_type`s this handler answers.
    var messageTypes: [String] { get }
    /// Answers one message; called on the thread of the channel it came in on (shell or control).
    func handle(_ request: IncomingRequest) -> RequestVerdict
}

/// What the kernel does after a handler answered.
enum RequestVerdict {
    case done
    /// Stop serving: the request was `shutdown_request`.
    case shutDown
}

/// One message being answered, and the ways to answer it.
struct IncomingRequest {
    let message: JupyterMessage
    let channel: JupyterChannel
    /// Sends a message on the socket the request came in on.
    let send: (JupyterMessage) -> Void
    let factory: MessageFactory
    let iopub: IOPubPublisher

    var content: JSONValue { message.content }
    var type: String { message.messageType }

    /// Sends the `…_reply` to this request with `content`.
    func reply(_ content: JSONValue) {
        send(factory.message(IncomingRequest.replyType(of: type), content: content, parent: message))
    }

    /// Publishes a message on iopub with this request as its parent.
    func publish(_ type: String, _ content: JSONValue) {
        iopub.publish(type, content, parent: message)
    }

    /// `x_request` → `x_reply`, and `x` → `x_reply`.
    static func replyType(of type: String) -> String {
        type.hasSuffix("_request") ? String(type.dropLast("_request".count)) + "_reply" : type + "_reply"
    }
}

/// What the handlers share: the engine, the library's symbols, and what executed cells left behind.
final class KernelSession: Sendable {
    let executor: Eventually<Result<CellExecutor, KernelStartError>>
    let library: Eventually<LibrarySymbolIndex>
    let history = Mutex(ExecutionHistory())
    let cellSymbols = Mutex<[SourceSymbol]>([])

    init(executor: Eventually<Result<CellExecutor, KernelStartError>>, library: Eventually<LibrarySymbolIndex>) {
        self.executor = executor
        self.library = library
    }

    /// The engine if it has started.
    var readyEngine: CellExecutor? {
        if case .success(let engine)? = executor.ifReady { return engine }
        return nil
    }

    /// Completion and inspection over what is known now (the library's symbols are waited for briefly).
    func assistant() -> CodeAssistant {
        CodeAssistant(
            declarations: readyEngine?.declarations ?? [], cellSymbols: cellSymbols.withLock { $0 },
            library: library.value(waitingAtMost: .seconds(2)) ?? LibrarySymbolIndex())
    }
}

/// Why the cell engine could not start.
struct KernelStartError: Error {
    var message: String
}

/// The routing table: every handler, registered in one place.
enum RequestRoutes {
    /// The handlers by the message types they answer.
    static func table(_ handlers: [any RequestHandler]) -> [String: any RequestHandler] {
        var routes: [String: any RequestHandler] = [:]
        for handler in handlers {
            for type in handler.messageTypes {
                precondition(routes[type] == nil, "two handlers for \(type)")
                routes[type] = handler
            }
        }
        return routes
    }

    /// What the kernel answers to a message type no handler lists: the protocol asks for a reply to every
    /// request, so a `…_request` gets an error reply; anything else is only logged.
    static func answerUnknown(_ request: IncomingRequest) {
        KernelLog.write("\(request.channel.rawValue): unknown message type '\(request.type)'")
        guard request.type.hasSuffix("_request") else { return }
        request.reply([
            "status": "error", "ename": "UnknownMessageType",
            "evalue": .string("this kernel does not handle '\(request.type)'"), "traceback": [],
        ])
    }
}
