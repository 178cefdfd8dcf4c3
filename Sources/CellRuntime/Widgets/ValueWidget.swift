internal import NotebookJSON

/// A widget with a value a person changes in the front end: sliders, dropdowns, checkboxes, text fields.
public protocol ValueControl: AnyObject {
    associatedtype Value
    /// The value now (setting it updates the front end and runs the `onChange` actions).
    var value: Value { get set }
    /// The widget itself, to put it in a box.
    var widget: Widget { get }
    /// Runs `action` after every change of the value, whoever made it.
    func _observe(_ action: @escaping () -> Void)
}

/// A widget whose state holds one value (the base of the controls).
public class ValueWidget<Value: Equatable>: Widget, ValueControl, @unchecked Sendable {
    private var stored: Value
    private var actions: [(Value) throws -> Void] = []

    init(value: Value, state: [String: JSONValue]) {
        stored = value
        super.init(state: state)
    }

    public var widget: Widget { self }

    /// The value; setting it sends it to the front end and runs the `onChange` actions.
    public var value: Value {
        get { stored }
        set { set(normalize(newValue), fromFrontEnd: false, silently: false) }
    }

    /// Runs `action` with the new value after every change, from the front end or from Swift. An error it
    /// throws is reported (with the comm message, or in the cell's output) and the widget stays alive.
    @discardableResult
    public func onChange(_ action: @escaping (Value) throws -> Void) -> Self {
        actions.append(action)
        return self
    }

    public func _observe(_ action: @escaping () -> Void) {
        actions.append { _ in action() }
    }

    /// The value brought into the widget's bounds (sliders clamp).
    func normalize(_ value: Value) -> Value { value }

    /// The state keys that hold `value` (overridden per widget).
    class func encodeValue(_ value: Value, into state: [String: JSONValue]) -> [String: JSONValue] { [:] }

    func set(_ newValue: Value, fromFrontEnd: Bool, silently: Bool, frontEndSent: JSONValue? = nil) {
        let changed = newValue != stored
        stored = newValue
        let encoded = Self.encodeValue(newValue, into: state)
        // The front end already shows what it sent, unless the value had to be brought into bounds.
        var resend = !fromFrontEnd
        for (key, json) in encoded {
            if fromFrontEnd, let sent = frontEndSent, key == "value" || key == "index", sent != json { resend = true }
            state[key] = json
        }
        if resend && (changed || fromFrontEnd) { sendUpdate(encoded.keys.sorted()) }
        guard changed, !silently else { return }
        for action in actions {
            do {
                try action(newValue)
            } catch {
                WidgetComms.recordCallbackError(error)
            }
        }
    }

    override var summary: String {
        var parts = ["value=\(plainText(of: stored))"]
        if let text = state["description"]?.stringValue, !text.isEmpty { parts.append("description=\(plainText(of: text))") }
        return parts.joined(separator: ", ")
    }
}

/// A slider for a real number (ipywidgets' `FloatSlider`).
public final class FloatSlider: ValueWidget<Double>, @unchecked Sendable {
    /// - Parameters:
    ///   - value: where the handle starts (clamped to `range`).
    ///   - range: the slider's ends.
    ///   - step: the distance between two positions.
    ///   - description: the label beside it.
    public init(value: Double = 0, range: ClosedRange<Double> = 0...10, step: Double = 0.1, description: String = "") {
        var state = Widget.describedState(model: "FloatSliderModel", view: "FloatSliderView", description: description, style: .slider)
        state.merge(Self.sliderState(min: .number(range.lowerBound), max: .number(range.upperBound), step: .number(step), format: ".2f")) { _, new in new }
        let start = value.isNaN ? range.lowerBound : min(max(value, range.lowerBound), range.upperBound)
        state["value"] = .number(start)
        super.init(value: start, state: state)
    }

    static func sliderState(min: JSONValue, max: JSONValue, step: JSONValue, format: String) -> [String: JSONValue] {
        [
            "behavior": "drag-tap", "continuous_update": true, "disabled": false, "max": max, "min": min,
            "orientation": "horizontal", "readout": true, "readout_format": .string(format), "step": step,
        ]
    }

    /// The slider's ends.
    public var range: ClosedRange<Double> {
        (state["min"]?.doubleValue ?? 0)...(state["max"]?.doubleValue ?? 0)
    }

    override func normalize(_ value: Double) -> Double {
        value.isNaN ? range.lowerBound : min(max(value, range.lowerBound), range.upperBound)
    }

    override class func encodeValue(_ value: Double, into state: [String: JSONValue]) -> [String: JSONValue] {
        ["value": .number(value)]
    }

    override func accept(key: String, value: JSONValue, silently: Bool) -> Bool {
        guard key == "value", case .number(let number) = value, number.isFinite else { return false }
        set(normalize(number), fromFrontEnd: true, silently: silently, frontEndSent: value)
        return true
    }
}

/// A slider for a whole number (ipywidgets' `IntSlider`).
public final class IntSlider: ValueWidget<Int>, @unchecked Sendable {
    /// - Parameters:
    ///   - value: where the handle starts (clamped to `range`).
    ///   - range: the slider's ends.
    ///   - step: the distance between two positions.
    ///   - description: the label beside it.
    public init(value: Int = 0, range: ClosedRange<Int> = 0...100, step: Int = 1, description: String = "") {
        var state = Widget.describedState(model: "IntSliderModel", view: "IntSliderView", description: description, style: .slider)
        state.merge(
            FloatSlider.sliderState(
                min: .number(Double(range.lowerBound)), max: .number(Double(range.upperBound)), step: .number(Double(step)),
                format: "d")
        ) { _, new in new }
        let start = min(max(value, range.lowerBound), range.upperBound)
        state["value"] = .number(Double(start))
        super.init(value: start, state: state)
    }

    /// The slider's ends.
    public var range: ClosedRange<Int> {
        (state["min"]?.intValue ?? 0)...(state["max"]?.intValue ?? 0)
    }

    override func normalize(_ value: Int) -> Int { min(max(value, range.lowerBound), range.upperBound) }

    override class func encodeValue(_ value: Int, into state: [String: JSONValue]) -> [String: JSONValue] {
        ["value": .number(Double(value))]
    }

    override func accept(key: String, value: JSONValue, silently: Bool) -> Bool {
        guard key == "value", case .number(let number) = value, number.isFinite, number.rounded() == number,
            abs(number) < 9e15
        else { return false }
        set(normalize(Int(number)), fromFrontEnd: true, silently: silently, frontEndSent: value)
        return true
    }
}

/// A drop-down list of strings (ipywidgets' `Dropdown`); the value is the chosen option.
public final class Dropdown: ValueWidget<String>, @unchecked Sendable {
    /// The choices, in order.
    public let options: [String]

    /// - Parameters:
    ///   - options: the choices (at least one).
    ///   - value: the option chosen at first; the first option when `nil` or not among them.
    ///   - description: the label beside it.
    public init(options: [String], value: String? = nil, description: String = "") {
        precondition(!options.isEmpty, "a Dropdown needs at least one option")
        self.options = options
        var state = Widget.describedState(model: "DropdownModel", view: "DropdownView", description: description, style: .description)
        state["_options_labels"] = .array(options.map(JSONValue.string))
        state["disabled"] = false
        let start = value.flatMap { options.contains($0) ? $0 : nil } ?? options[0]
        state["index"] = .number(Double(options.firstIndex(of: start)!))
        super.init(value: start, state: state)
    }

    override func normalize(_ value: String) -> String {
        options.contains(value) ? value : (state["index"]?.intValue.flatMap { options.indices.contains($0) ? options[$0] : nil } ?? options[0])
    }

    override class func encodeValue(_ value: String, into state: [String: JSONValue]) -> [String: JSONValue] {
        let labels = state["_options_labels"]?.arrayValue?.compactMap(\.stringValue) ?? []
        return ["index": .number(Double(labels.firstIndex(of: value) ?? 0))]
    }

    override func accept(key: String, value: JSONValue, silently: Bool) -> Bool {
        guard key == "index", let index = value.intValue, options.indices.contains(index) else { return false }
        set(options[index], fromFrontEnd: true, silently: silently, frontEndSent: value)
        return true
    }
}

/// A check box (ipywidgets' `Checkbox`).
public final class Checkbox: ValueWidget<Bool>, @unchecked Sendable {
    /// - Parameters:
    ///   - value: whether it starts checked.
    ///   - description: the label beside it.
    public init(value: Bool = false, description: String = "") {
        var state = Widget.describedState(model: "CheckboxModel", view: "CheckboxView", description: description, style: .checkbox)
        state["disabled"] = false
        state["indent"] = true
        state["value"] = .bool(value)
        super.init(value: value, state: state)
    }

    override class func encodeValue(_ value: Bool, into state: [String: JSONValue]) -> [String: JSONValue] {
        ["value": .bool(value)]
    }

    override func accept(key: String, value: JSONValue, silently: Bool) -> Bool {
        guard key == "value", case .bool(let flag) = value else { return false }
        set(flag, fromFrontEnd: true, silently: silently, frontEndSent: value)
        return true
    }
}

/// A one-line text field (ipywidgets' `Text`).
public final class Text: ValueWidget<String>, @unchecked Sendable {
    /// - Parameters:
    ///   - value: the text it starts with.
    ///   - placeholder: shown while the field is empty.
    ///   - description: the label beside it.
    public init(value: String = "", placeholder: String = "\u{200B}", description: String = "") {
        var state = Widget.describedState(model: "TextModel", view: "TextView", description: description, style: .text)
        state["continuous_update"] = true
        state["disabled"] = false
        state["placeholder"] = .string(placeholder)
        state["value"] = .string(value)
        super.init(value: value, state: state)
    }

    override class func encodeValue(_ value: String, into state: [String: JSONValue]) -> [String: JSONValue] {
        ["value": .string(value)]
    }

    override func accept(key: String, value: JSONValue, silently: Bool) -> Bool {
        guard key == "value", case .string(let text) = value else { return false }
        set(text, fromFrontEnd: true, silently: silently, frontEndSent: value)
        return true
    }
}

/// A button (ipywidgets' `Button`); `onClick` actions run when it is pressed.
public final class Button: Widget, @unchecked Sendable {
    private var actions: [(Button) throws -> Void] = []

    /// - Parameter description: the button's label.
    public init(description: String = "") {
        var state = Widget.domState(model: "ButtonModel", view: "ButtonView")
        state["button_style"] = ""
        state["description"] = .string(description)
        state["disabled"] = false
        state["icon"] = ""
        state["style"] = WidgetStyle(.button).reference
        super.init(state: state)
    }

    /// Runs `action` on every click. An error it throws is reported and the button stays alive.
    @discardableResult
    public func onClick(_ action: @escaping (Button) throws -> Void) -> Self {
        actions.append(action)
        return self
    }

    /// Runs the `onClick` actions, as a click in the front end does.
    public func click() {
        for action in actions {
            do {
                try action(self)
            } catch {
                WidgetComms.recordCallbackError(error)
            }
        }
    }

    override func receive(custom content: JSONValue) {
        guard content["event"]?.stringValue == "click" else {
            WidgetComms.note("\(description) ignored a custom message that is not a click")
            return
        }
        click()
    }

    override var summary: String {
        "description=\(plainText(of: state["description"]?.stringValue ?? ""))"
    }
}
