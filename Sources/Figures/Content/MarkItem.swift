/// What kind of mark an item draws.
enum MarkKind: String, Sendable, Hashable, CaseIterable {
    case line, point, bar, area, rule, rectangle, ellipse, errorBar, contour

    /// Singular and plural names for the plain-text summary.
    var names: (String, String) {
        switch self {
        case .line: return ("line point", "line points")
        case .point: return ("point", "points")
        case .bar: return ("bar", "bars")
        case .area: return ("area point", "area points")
        case .rule: return ("rule", "rules")
        case .rectangle: return ("rectangle", "rectangles")
        case .ellipse: return ("ellipse", "ellipses")
        case .errorBar: return ("error bar", "error bars")
        case .contour: return ("contour segment", "contour segments")
        }
    }
}

/// A point in data coordinates.
struct DataPoint: Sendable, Hashable {
    var x: Double
    var y: Double
}

/// The symbol shapes that `.symbol(by:)` cycles through.
public enum SymbolShape: String, Sendable, Hashable, CaseIterable {
    /// A filled circle.
    case circle
    /// A filled square.
    case square
    /// A filled upward triangle.
    case triangle
    /// A filled diamond.
    case diamond
    /// A plus-shaped cross.
    case cross
    /// A filled downward triangle.
    case triangleDown
}

/// The style a mark carries, set by modifiers.
struct MarkStyle: Sendable, Hashable {
    var series: Channel?
    var symbolSeries: Channel?
    var color: Color?
    var symbol: SymbolShape?
    var opacity: Double?
    var lineWidth: Double?
    var dash: [Double]?
    var symbolSize: Double?
}

/// One mark, type-erased: the renderer's unit of work.
struct MarkItem: Sendable {
    var kind: MarkKind
    var x: Channel?
    var y: Channel?
    var xStart: Channel?
    var xEnd: Channel?
    var yStart: Channel?
    var yEnd: Channel?
    /// Polylines in data coordinates (ellipses, contours).
    var paths: [[DataPoint]] = []
    var closed = false
    var style = MarkStyle()

    init(
        kind: MarkKind, x: Channel? = nil, y: Channel? = nil, xStart: Channel? = nil, xEnd: Channel? = nil,
        yStart: Channel? = nil, yEnd: Channel? = nil
    ) {
        self.kind = kind
        self.x = x
        self.y = y
        self.xStart = xStart
        self.xEnd = xEnd
        self.yStart = yStart
        self.yEnd = yEnd
    }

    /// The channels placed on the x axis.
    var xChannels: [Channel] { [x, xStart, xEnd].compactMap { $0 } }
    /// The channels placed on the y axis.
    var yChannels: [Channel] { [y, yStart, yEnd].compactMap { $0 } }
}
