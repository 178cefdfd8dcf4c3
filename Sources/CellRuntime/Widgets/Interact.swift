/// Controls and an output under them, where `body` runs again on every change of a control and its
/// display replaces the last one (ipywidgets' `interact`). The box is shown at once, with `body` run
/// for the controls' initial values; run headless, that first output is what the saved notebook keeps.
///
/// ```swift
/// let mean = FloatSlider(value: 0, range: -3...3, step: 0.1, description: "mean")
/// interact(mean) { m in klChart(mean: m) }
/// ```
/// - Returns: the box (controls, then the output), already displayed, and the output.
@discardableResult
public func interact<A: ValueControl, R>(_ a: A, _ body: @escaping (A.Value) throws -> R) -> Interaction {
    makeInteractive([a.widget], observe: { a._observe($0) }) { try body(a.value) }
}

/// `interact` with two controls; `body` gets their values in order.
@discardableResult
public func interact<A: ValueControl, B: ValueControl, R>(
    _ a: A, _ b: B, _ body: @escaping (A.Value, B.Value) throws -> R
) -> Interaction {
    makeInteractive([a.widget, b.widget], observe: { a._observe($0); b._observe($0) }) { try body(a.value, b.value) }
}

/// `interact` with three controls; `body` gets their values in order.
@discardableResult
public func interact<A: ValueControl, B: ValueControl, C: ValueControl, R>(
    _ a: A, _ b: B, _ c: C, _ body: @escaping (A.Value, B.Value, C.Value) throws -> R
) -> Interaction {
    makeInteractive([a.widget, b.widget, c.widget], observe: { a._observe($0); b._observe($0); c._observe($0) }) {
        try body(a.value, b.value, c.value)
    }
}

/// `interact` with four controls; `body` gets their values in order.
@discardableResult
public func interact<A: ValueControl, B: ValueControl, C: ValueControl, D: ValueControl, R>(
    _ a: A, _ b: B, _ c: C, _ d: D, _ body: @escaping (A.Value, B.Value, C.Value, D.Value) throws -> R
) -> Interaction {
    makeInteractive(
        [a.widget, b.widget, c.widget, d.widget],
        observe: { a._observe($0); b._observe($0); c._observe($0); d._observe($0) }
    ) { try body(a.value, b.value, c.value, d.value) }
}

private func makeInteractive<R>(
    _ controls: [Widget], observe: (@escaping () -> Void) -> Void, _ run: @escaping () throws -> R
) -> Interaction {
    let output = Output()
    let refresh = { output.capture(run) }
    observe(refresh)
    refresh()
    let box = VBox(controls + [output])
    display(box)
    return Interaction(box: box, output: output)
}

/// What `interact` made: the box it displayed (controls, then the output) and the output widget.
public struct Interaction {
    /// The controls and the output, one above the other.
    public let box: VBox
    /// Where the body's display goes.
    public let output: Output
}

/// `interact` displays its box itself: as a cell's last expression it shows nothing more.
public func |~>> (value: Interaction, sink: CellResultSink) {}
