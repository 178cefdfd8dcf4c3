/// A value a chart can place on an axis or use to pick a series: a number or a category.
public enum PlotValue: Sendable, Hashable {
    /// A continuous quantity.
    case number(Double)
    /// A whole number: placed like a number, but as a series key it names a category (component 1, 2, …).
    case integer(Int)
    /// A category, placed in a band of its own.
    case category(String)

    /// The numeric position, or `nil` for a category.
    public var numeric: Double? {
        switch self {
        case .number(let value): return value
        case .integer(let value): return Double(value)
        case .category: return nil
        }
    }

    /// The text that names the value in legends and tables.
    public var label: String {
        switch self {
        case .number(let value): return DecimalFormat.significant(value, digits: 4)
        case .integer(let value): return String(value)
        case .category(let text): return text
        }
    }
}

/// A type whose values can be plotted: `Double`, `Float`, `Int` and `String` conform.
public protocol Plottable: Sendable {
    /// The value as a chart sees it.
    var plotValue: PlotValue { get }
}

extension Double: Plottable {
    public var plotValue: PlotValue { .number(self) }
}

extension Float: Plottable {
    public var plotValue: PlotValue { .number(Double(self)) }
}

extension Int: Plottable {
    public var plotValue: PlotValue { .integer(self) }
}

extension String: Plottable {
    public var plotValue: PlotValue { .category(self) }
}

/// A labelled value, written `.value("iteration", i)` as in Swift Charts; the label becomes the axis
/// title or the legend title.
public struct PlottableValue<Value: Plottable>: Sendable {
    /// The name of the quantity, e.g. `"log-likelihood"`.
    public let label: String
    /// The value.
    public let value: Value

    /// A labelled value.
    /// - Parameters:
    ///   - label: The name of the quantity (axis or legend title).
    ///   - value: The value.
    /// - Returns: The labelled value.
    public static func value(_ label: String, _ value: Value) -> PlottableValue<Value> {
        PlottableValue(label: label, value: value)
    }

    var channel: Channel { Channel(label: label, value: value.plotValue) }
}

/// A labelled value with its type erased, as marks store it.
struct Channel: Sendable, Hashable {
    var label: String
    var value: PlotValue
}
