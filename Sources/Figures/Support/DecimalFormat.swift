internal import NumericsCore

/// Locale-independent number formatting, used for SVG coordinates, tick labels and table cells.
///
/// Every function returns the same characters for the same input on every machine: no locale, no
/// grouping separators, `-` as the minus sign, `.` as the decimal separator. The digits come from
/// `NumericsCore.DecimalText`, shared with `Inference`'s printed estimates.
public enum DecimalFormat {
    /// Formats a number with a fixed count of decimals.
    /// - Parameters:
    ///   - value: The number; `nan`, `inf` and `-inf` are written as such.
    ///   - decimals: Digits after the decimal point (clamped to 0…15).
    ///   - trimZeros: Drops trailing zeros of the fraction (and the point when nothing is left).
    /// - Returns: The text, e.g. `fixed(3.14159, decimals: 2)` → `"3.14"`. Magnitudes of 1e15 and
    ///   more are written in scientific notation instead.
    public static func fixed(_ value: Double, decimals: Int, trimZeros: Bool = false) -> String {
        DecimalText.fixed(value, decimals: decimals, trimZeros: trimZeros)
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
        DecimalText.significant(value, digits: digits, scientificBelow: scientificBelow, scientificFrom: scientificFrom)
    }

    /// Formats a number in scientific notation, e.g. `scientific(12345, digits: 3)` → `"1.23e4"`.
    /// - Parameters:
    ///   - value: The number.
    ///   - digits: Significant digits of the mantissa (clamped to 1…15).
    ///   - trimZeros: Drops trailing zeros of the mantissa.
    /// - Returns: The text, exponent without `+` or leading zeros.
    public static func scientific(_ value: Double, digits: Int, trimZeros: Bool = false) -> String {
        DecimalText.scientific(value, digits: digits, trimZeros: trimZeros)
    }
}
