internal import SystemLibC

/// Locale-independent number formatting: the one implementation behind `Figures.DecimalFormat` (tick
/// labels, table cells) and the printed estimates of `Inference`.
///
/// Every function returns the same characters for the same input on every machine: no locale, no
/// grouping separators, `-` as the minus sign, `.` as the decimal separator. Digits come from rounding
/// |x|·10ᵈ to an integer (one rounding of the product, so a value within 1 ulp of a half-way point may
/// round either way), exact while that integer is below 9·10¹⁵.
public enum DecimalText {
    /// Formats a number with a fixed count of decimals.
    /// - Parameters:
    ///   - value: The number; `nan`, `inf` and `-inf` are written as such.
    ///   - decimals: Digits after the decimal point (clamped to 0…15).
    ///   - trimZeros: Drops trailing zeros of the fraction (and the point when nothing is left).
    /// - Returns: The text, e.g. `fixed(3.14159, decimals: 2)` → `"3.14"`. Magnitudes of 1e15 and
    ///   more are written in scientific notation instead.
    public static func fixed(_ value: Double, decimals: Int, trimZeros: Bool = false) -> String {
        if let special = nonFinite(value) { return special }
        let d = max(0, min(decimals, 15))
        let scale = powerOfTen(d)
        let scaled = (Swift.abs(value) * scale).rounded()
        guard scaled < 9.0e15 else { return scientific(value, digits: 6) }
        let n = UInt64(scaled)
        let unit = UInt64(scale)
        var text = n == 0 || value >= 0 ? "" : "-"
        text += String(n / unit)
        if d > 0 {
            var fraction = String(n % unit)
            fraction = String(repeating: "0", count: d - fraction.count) + fraction
            if trimZeros {
                while fraction.last == "0" { fraction.removeLast() }
            }
            if !fraction.isEmpty { text += "." + fraction }
        }
        return text
    }

    /// Formats a number with a given count of significant digits, trailing zeros dropped.
    /// - Parameters:
    ///   - value: The number.
    ///   - digits: Significant digits (clamped to 1…15).
    ///   - scientificBelow: Magnitudes below this (and above zero) use scientific notation.
    ///   - scientificFrom: Magnitudes from this on use scientific notation.
    /// - Returns: e.g. `significant(0.000123456, digits: 3)` → `"0.000123"`, `significant(1.5e-7, digits: 3)` → `"1.5e-7"`.
    public static func significant(
        _ value: Double, digits: Int, scientificBelow: Double = 1e-4, scientificFrom: Double = 1e15
    ) -> String {
        if let special = nonFinite(value) { return special }
        if value == 0 { return "0" }
        let p = max(1, min(digits, 15))
        let (_, exponent) = mantissaAndExponent(Swift.abs(value), digits: p)
        let magnitude = powerOfTenSigned(exponent)
        if magnitude < scientificBelow || magnitude >= scientificFrom {
            return scientific(value, digits: p, trimZeros: true)
        }
        return fixed(value, decimals: max(0, p - 1 - exponent), trimZeros: true)
    }

    /// Formats a number in scientific notation, e.g. `scientific(12345, digits: 3)` → `"1.23e4"`.
    /// - Parameters:
    ///   - value: The number.
    ///   - digits: Significant digits of the mantissa (clamped to 1…15).
    ///   - trimZeros: Drops trailing zeros of the mantissa.
    /// - Returns: The text, exponent without `+` or leading zeros.
    public static func scientific(_ value: Double, digits: Int, trimZeros: Bool = false) -> String {
        if let special = nonFinite(value) { return special }
        if value == 0 { return trimZeros || digits <= 1 ? "0" : fixed(0, decimals: digits - 1) + "e0" }
        let p = max(1, min(digits, 15))
        let (mantissa, exponent) = mantissaAndExponent(Swift.abs(value), digits: p)
        let sign = value < 0 ? "-" : ""
        return sign + fixed(mantissa, decimals: p - 1, trimZeros: trimZeros) + "e" + String(exponent)
    }

    /// The mantissa in [1, 10) rounded to `digits` significant digits, and the decimal exponent.
    public static func mantissaAndExponent(_ magnitude: Double, digits: Int) -> (Double, Int) {
        var exponent = Int(floor(log10(magnitude)))
        var mantissa = magnitude / powerOfTenSigned(exponent)
        // log10 can be off by one near powers of ten.
        if mantissa >= 10 { mantissa /= 10; exponent += 1 }
        if mantissa < 1 { mantissa *= 10; exponent -= 1 }
        let unit = powerOfTen(digits - 1)
        mantissa = (mantissa * unit).rounded() / unit
        if mantissa >= 10 { mantissa /= 10; exponent += 1 }
        return (mantissa, exponent)
    }

    static func nonFinite(_ value: Double) -> String? {
        if value.isNaN { return "nan" }
        if value.isInfinite { return value < 0 ? "-inf" : "inf" }
        return nil
    }

    static func powerOfTen(_ n: Int) -> Double {
        var result = 1.0
        for _ in 0..<n { result *= 10 }
        return result
    }

    static func powerOfTenSigned(_ n: Int) -> Double {
        n >= 0 ? powerOfTen(min(n, 308)) : 1 / powerOfTen(min(-n, 308))
    }
}
