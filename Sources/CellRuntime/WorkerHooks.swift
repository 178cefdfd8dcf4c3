internal import WorkerProtocol

internal import SystemLibC

// Entry points the worker finds with `dlsym` after loading the support library. They are C functions
// so that the worker does not link this module itself (a second copy of its types would break casts
// such as `value as? NotebookDisplayable`).

/// Sends a frame the worker encoded (its `ready`, `started` and `done`), given as JSON text.
@_cdecl("swift_inference_send_event")
public func _sendEvent(_ json: UnsafePointer<CChar>) {
    let text = Array(String(cString: json).utf8)
    do {
        Channel.send(try WorkerFrame(decoding: text))
    } catch {
        let line = Array("swift-inference-worker: a frame was not sent: \(error)\n".utf8)
        _ = line.withUnsafeBytes { write(2, $0.baseAddress, $0.count) }
    }
}

/// Reports an error thrown at the top level of a cell (the worker calls this from its
/// `swift_errorInMain` hook, with the runtime's boxed error, before abandoning the cell).
@_cdecl("swift_inference_report_thrown_error")
public func _reportThrownError(_ box: UnsafeRawPointer) {
    let error = unsafeBitCast(box, to: (any Error).self)
    // The runtime still owns the box; keep our copy from releasing it.
    _ = Unmanaged<AnyObject>.fromOpaque(box).retain()
    let typeName = CellNames.strip(String(reflecting: type(of: error)))
    let description = CellNames.strip(String(describing: error))
    Channel.send(.thrown(type: typeName, description: description))
}

/// Reads one line of input for `readLine()`: the worker's `getline` hook calls this for standard input.
/// Returns a `malloc`ed, NUL-terminated line including its newline, or `nil` at end of input.
@_cdecl("swift_inference_read_input_line")
public func _readInputLine() -> UnsafeMutablePointer<CChar>? {
    guard let line = Channel.requestInput(prompt: "", password: false) else { return nil }
    let text = line + "\n"
    let count = text.utf8.count
    let buffer = malloc(count + 1)!.assumingMemoryBound(to: CChar.self)
    _ = text.withCString { memcpy(buffer, $0, count + 1) }
    return buffer
}

/// The main actor's executor in the worker, as the two words of an `UnownedSerialExecutor`; the worker makes
/// the concurrency runtime hand it out for the main actor.
@_cdecl("swift_inference_main_executor")
public func _mainExecutor(_ identity: UnsafeMutablePointer<UnsafeMutableRawPointer?>, _ implementation: UnsafeMutablePointer<UInt>) {
    let words = unsafeBitCast(CellMainExecutor.shared.asUnownedSerialExecutor(), to: (UnsafeMutableRawPointer, UInt).self)
    identity.pointee = words.0
    implementation.pointee = words.1
}

/// Waits for the main actor's next job and runs it on the calling thread (an async cell's, in its drain).
@_cdecl("swift_inference_run_main_job")
public func _runMainJob() {
    CellMainExecutor.shared.runNextJob()
}
