internal import SystemLibC

/// How an axis maps numbers to positions.
public enum ScaleType: String, Sendable, Hashable {
    /// Equal distances for equal differences.
    case linear
    /// Equal distances for equal ratios; only positive values are drawn.
    case log
}

/// Which axis.
enum Axis: Sendable { case x, y }

/// The data range one axis must show, before it is rounded to nice ticks.
enum Extent: Sendable, Hashable {
    case empty
    case numeric(Double, Double)
    case band([String])

    /// The union of two extents (numbers and categories cannot mix; categories win).
    func union(_ other: Extent) -> Extent {
        switch (self, other) {
        case (.empty, _): return other
        case (_, .empty): return self
        case (.numeric(let a, let b), .numeric(let c, let d)): return .numeric(Swift.min(a, c), Swift.max(b, d))
        case (.band(let a), .band(let b)): return .band(a + b.filter { !a.contains($0) })
        case (.band, .numeric): return self
        case (.numeric, .band): return other
        }
    }
}

/// A resolved axis: numbers on a linear or log scale, or categories in bands.
enum AxisScale: Sendable, Hashable {
    case continuous(low: Double, high: Double, log: Bool)
    case band([String])

    var isBand: Bool { if case .band = self { return true } else { return false } }
    var isLog: Bool { if case .continuous(_, _, true) = self { return true } else { return false } }

    /// Position in 0…1 of a numeric value along the axis (may fall outside for out-of-domain values).
    func fraction(_ value: Double) -> Double {
        switch self {
        case .continuous(let low, let high, let log):
            if log { return (log10(value) - log10(low)) / (log10(high) - log10(low)) }
            return (value - low) / (high - low)
        case .band(let categories):
            // Numbers on a band axis are placed at their category (written as in the legend).
            return bandCentre(of: PlotValue.number(value).label, in: categories)
        }
    }

    /// Fractional start and width of a category's band (20 % padding between bands unless `padded` is false).
    func band(of category: String, padded: Bool = true) -> (start: Double, width: Double)? {
        guard case .band(let categories) = self, let index = categories.firstIndex(of: category) else { return nil }
        let step = 1 / Double(categories.count)
        let padding = padded ? 0.1 : 0
        return (step * (Double(index) + padding), step * (1 - 2 * padding))
    }

    private func bandCentre(of category: String, in categories: [String]) -> Double {
        guard let index = categories.firstIndex(of: category) else { return .nan }
        return (Double(index) + 0.5) / Double(categories.count)
    }

    /// Whether a numeric value can be drawn on this axis.
    func accepts(_ value: Double) -> Bool {
        value.isFinite && (!isLog || value > 0)
    }
}

/// Axis settings a chart's modifiers choose.
struct ScaleSpec: Sendable, Hashable {
    var domain: ClosedRange<Double>?
    var type: ScaleType = .linear

    var isFixed: Bool { domain != nil }
}

/// A tick: its value, its position in 0…1 and its label (empty for minor ticks).
struct Tick: Sendable, Hashable {
    var fraction: Double
    var label: String
    var major: Bool
}

enum Scales {
    /// The 1-2-5 step nearest to `rough` (on a log scale, as d3 does).
    static func niceStep(_ rough: Double) -> Double {
        guard rough > 0, rough.isFinite else { return 1 }
        let base = pow(10, floor(log10(rough)))
        let ratio = rough / base
        let nice: Double = ratio >= 50.0.squareRoot() ? 10 : ratio >= 10.0.squareRoot() ? 5 : ratio >= 2.0.squareRoot() ? 2 : 1
        return nice * base
    }

    /// The next smaller 1-2-5 step.
    static func smallerStep(_ step: Double) -> Double {
        let base = pow(10, floor(log10(step) + 1e-9))
        let ratio = (step / base).rounded()
        return ratio == 5 ? 2 * base : ratio == 2 ? base : base / 2
    }

    /// A step for ticks across low…high: near `target` intervals, and at least three ticks.
    static func tickStep(low: Double, high: Double, target: Int) -> Double {
        var step = niceStep((high - low) / Double(Swift.max(2, target)))
        while ((high / step + 1e-9).rounded(.down) - (low / step - 1e-9).rounded(.up)) < 2 {
            step = smallerStep(step)
        }
        return step
    }

    /// Turns an extent into a scale: rounded out to nice ticks unless a domain is given.
    static func scale(for extent: Extent, spec: ScaleSpec, tickTarget: Int, exact: Bool = false) -> AxisScale {
        if case .band(let categories) = extent { return .band(categories) }
        let log = spec.type == .log
        if let domain = spec.domain, domain.lowerBound < domain.upperBound, !log || domain.lowerBound > 0 {
            return .continuous(low: domain.lowerBound, high: domain.upperBound, log: log)
        }
        var low = 0.0, high = 1.0
        if case .numeric(let a, let b) = extent { (low, high) = (a, b) }
        if log {
            if case .empty = extent { (low, high) = (1, 10) }
            let lowExponent = floor(log10(low)), highExponent = ceil(log10(high))
            return .continuous(low: pow(10, lowExponent), high: pow(10, Swift.max(highExponent, lowExponent + 1)), log: true)
        }
        if low == high {
            let pad = low == 0 ? 1 : Swift.abs(low) * 0.1
            low -= pad
            high += pad
        }
        if exact { return .continuous(low: low, high: high, log: false) }
        // Round out to whole steps; widening can change the step, so repeat until it settles.
        var step = niceStep((high - low) / Double(Swift.max(2, tickTarget)))
        var niceLow = low, niceHigh = high
        for _ in 0..<5 {
            niceLow = floor(low / step + 1e-9) * step
            niceHigh = ceil(high / step - 1e-9) * step
            let next = niceStep((niceHigh - niceLow) / Double(Swift.max(2, tickTarget)))
            if next == step { break }
            step = next
        }
        return .continuous(low: niceLow, high: niceHigh, log: false)
    }

    /// The ticks of a scale.
    static func ticks(_ scale: AxisScale, target: Int) -> [Tick] {
        switch scale {
        case .band(let categories):
            return categories.enumerated().map { index, name in
                Tick(fraction: (Double(index) + 0.5) / Double(categories.count), label: name, major: true)
            }
        case .continuous(let low, let high, false):
            let step = tickStep(low: low, high: high, target: target)
            var ticks: [Tick] = []
            var k = (low / step - 1e-9).rounded(.up)
            while k * step <= high + step * 1e-9, ticks.count < 100 {
                let value = k * step
                ticks.append(Tick(fraction: scale.fraction(value), label: label(value, step: step), major: true))
                k += 1
            }
            return ticks
        case .continuous(let low, let high, true):
            let first = Int(floor(log10(low) + 1e-9)), last = Int(ceil(log10(high) - 1e-9))
            let decades = last - first
            let labelEvery = Swift.max(1, Int((Double(decades) / Double(Swift.max(2, target))).rounded(.up)))
            var ticks: [Tick] = []
            for exponent in first...last {
                let power = pow(10, Double(exponent))
                for multiple in 1...9 {
                    let value = power * Double(multiple)
                    guard value >= low * (1 - 1e-9), value <= high * (1 + 1e-9) else { continue }
                    if multiple == 1 {
                        let labelled = (exponent - first) % labelEvery == 0
                        ticks.append(Tick(fraction: scale.fraction(value), label: labelled ? powerLabel(exponent) : "", major: labelled))
                    } else if decades <= 6 {
                        let labelled = decades <= 1 && (multiple == 2 || multiple == 5)
                        ticks.append(
                            Tick(fraction: scale.fraction(value), label: labelled ? label(value, step: power) : "", major: labelled))
                    }
                }
            }
            return ticks
        }
    }

    /// A tick label: a short decimal, `−` as minus, scientific beyond 10⁶ or below 10⁻⁴.
    static func label(_ value: Double, step: Double) -> String {
        let snapped = (value / step).rounded() * step
        if Swift.abs(snapped) < step * 1e-6 { return "0" }
        return typographic(DecimalFormat.significant(snapped, digits: 6, scientificBelow: 1e-4, scientificFrom: 1e6))
    }

    /// 10^k as a decimal for small k, else with a superscript exponent.
    static func powerLabel(_ exponent: Int) -> String {
        if (-3...4).contains(exponent) {
            return DecimalFormat.fixed(pow(10, Double(exponent)), decimals: Swift.max(0, -exponent))
        }
        let superscripts: [Character: Character] = [
            "0": "⁰", "1": "¹", "2": "²", "3": "³", "4": "⁴", "5": "⁵", "6": "⁶", "7": "⁷", "8": "⁸", "9": "⁹", "-": "⁻",
        ]
        return "10" + String(String(exponent).map { superscripts[$0] ?? $0 })
    }

    /// Replaces the ASCII hyphen-minus of a number with the minus sign.
    static func typographic(_ number: String) -> String {
        number.replacingOccurrences(of: "-", with: "−")
    }
}

extension String {
    /// Replaces every occurrence of a substring (no Foundation).
    func replacingOccurrences(of target: String, with replacement: String) -> String {
        guard !target.isEmpty else { return self }
        var result = ""
        var rest = self[...]
        while let range = rest.firstRange(of: target) {
            result += rest[..<range.lowerBound]
            result += replacement
            rest = rest[range.upperBound...]
        }
        return result + rest
    }
}
