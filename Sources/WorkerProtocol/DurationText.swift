/// Durations written the way IPython's `%time` and `%timeit` write them: three significant digits in the
/// largest unit that keeps the number at least 1 (`1.23 µs`, `45.6 ns`, `2.5 s`), and minutes and hours
/// spelled out from a minute on (`1min 5.2s`).
///
/// The worker's `%time` report and the runtime's `%timeit` report both use it, so it lives in the one
/// module they share.
public enum DurationText {
    /// The text for `seconds` (negative values count as zero).
    public static func format(seconds: Double) -> String {
        guard seconds.isFinite else { return "\(seconds) s" }
        let value = max(0, seconds)
        if value >= 60 { return long(value) }
        let units: [(String, Double)] = [("s", 1), ("ms", 1e3), ("µs", 1e6), ("ns", 1e9)]
        for (index, (unit, scale)) in units.enumerated() {
            let scaled = value * scale
            // Rounding to three digits may carry into the next unit (999.7 ns is 1 µs).
            if roundedToSignificant(scaled) >= 1 || index == units.count - 1 {
                if index > 0, roundedToSignificant(scaled) >= 1000 {
                    return significant(value * units[index - 1].1) + " " + units[index - 1].0
                }
                return significant(scaled) + " " + unit
            }
        }
        return "0 ns"
    }

    /// `1234567` as `1,234,567`.
    public static func grouped(_ number: Int) -> String {
        let digits = Array(String(number.magnitude))
        var out = ""
        for (index, digit) in digits.enumerated() {
            if index > 0 && (digits.count - index) % 3 == 0 { out.append(",") }
            out.append(digit)
        }
        return number < 0 ? "-" + out : out
    }

    /// Minutes and more: whole days, hours and minutes, then seconds to three significant digits.
    private static func long(_ seconds: Double) -> String {
        var left = seconds
        var parts: [String] = []
        for (unit, length) in [("d", 86_400.0), ("h", 3_600.0), ("min", 60.0)] {
            let whole = (left / length).rounded(.down)
            if whole > 0 {
                parts.append("\(Int(whole))\(unit)")
                left -= whole * length
            }
        }
        if left > 0 { parts.append(significant(left) + "s") }
        return parts.joined(separator: " ")
    }

    /// `value` rounded to three significant digits.
    static func roundedToSignificant(_ value: Double) -> Double {
        guard value > 0 else { return 0 }
        let decimals = 2 - Int((log10Approximation(value)).rounded(.down))
        let scale = power10(decimals)
        return (value * scale).rounded() / scale
    }

    /// `value` to three significant digits without trailing zeros, as C's `%.3g` for values under 1000.
    static func significant(_ value: Double) -> String {
        guard value > 0 else { return "0" }
        let decimals = max(0, 2 - Int(log10Approximation(value).rounded(.down)))
        let scaled = Int((value * power10(decimals)).rounded())
        var digits = String(scaled)
        guard decimals > 0 else { return digits }
        if digits.count <= decimals { digits = String(repeating: "0", count: decimals - digits.count + 1) + digits }
        var whole = String(digits.dropLast(decimals))
        var fraction = String(digits.suffix(decimals))
        while fraction.hasSuffix("0") { fraction.removeLast() }
        if whole.isEmpty { whole = "0" }
        return fraction.isEmpty ? whole : whole + "." + fraction
    }

    /// The decimal exponent of `value` (exact at powers of ten; the module has no Foundation).
    private static func log10Approximation(_ value: Double) -> Double {
        var exponent = 0.0
        var rest = value
        while rest >= 10 { rest /= 10; exponent += 1 }
        while rest < 1 { rest *= 10; exponent -= 1 }
        return exponent
    }

    private static func power10(_ exponent: Int) -> Double {
        var result = 1.0
        for _ in 0..<abs(exponent) { result *= 10 }
        return exponent < 0 ? 1 / result : result
    }
}
