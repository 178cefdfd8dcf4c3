@_exported import Figures
internal import WorkerProtocol

/// Shows a value in the notebook now, below the cell, without waiting for the cell to finish.
///
/// Values that conform to `NotebookDisplayable` (charts, tables, the library's results) show their
/// richest form; any other value shows as text, the way the cell's last expression would.
/// - Parameters:
///   - value: what to show.
///   - id: give an id to replace this output later with `updateDisplay(_:id:)`, e.g. a live training curve.
public func display<Value>(_ value: Value, id: String? = nil) {
    emitDisplay(value, id: id, update: false)
}

/// Replaces the output shown earlier with `display(_:id:)` under the same id.
public func updateDisplay<Value>(_ value: Value, id: String) {
    emitDisplay(value, id: id, update: true)
}

/// Clears the cell's output so far.
/// - Parameter wait: when `true`, the front end clears only when the next output arrives, which avoids
///   flicker in animations.
public func clearOutput(wait: Bool = false) {
    // Inside `Output.capture`, the capture's outputs so far.
    if Output.takeDisplay(MIMEBundle(plainText: ""), clear: true) { return }
    if Channel.isConnected {
        Channel.send(.clear(wait: wait))
    }
}

/// Asks the person running the notebook for a line of text.
/// - Parameters:
///   - prompt: shown beside the input field.
///   - password: hide what is typed.
/// - Returns: the line, or `nil` when the front end cannot ask (for example a headless run).
public func input(_ prompt: String = "", password: Bool = false) -> String? {
    guard Channel.isConnected else {
        print(prompt, terminator: "")
        return readLine()
    }
    return Channel.requestInput(prompt: prompt, password: password)
}

/// The presentations of any value: its own `mimeBundle` when it is `NotebookDisplayable`, else text.
public func mimeBundle<Value>(of value: Value) -> MIMEBundle {
    if let displayable = value as? any NotebookDisplayable {
        return displayable.mimeBundle
    }
    return MIMEBundle(plainText: plainText(of: value))
}

/// A value as the Swift REPL would show it: strings quoted, collections with their elements' debug
/// descriptions, and without the internal module names that cells are compiled into.
public func plainText<Value>(of value: Value) -> String {
    CellNames.strip(String(reflecting: value))
}

func emitDisplay<Value>(_ value: Value, id: String?, update: Bool) {
    let bundle = mimeBundle(of: value)
    // Inside `Output.capture` (an `interact` body), a display goes into the output widget.
    if Output.takeDisplay(bundle) { return }
    guard Channel.isConnected else {
        print(bundle.plainText)
        return
    }
    let data = bundle.representations
    Channel.send(update ? .update(data: data, id: id) : .display(data: data, id: id))
}
