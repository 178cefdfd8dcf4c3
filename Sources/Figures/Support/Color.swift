/// An sRGB colour for marks, written into SVG as `#rrggbb`.
public struct Color: Sendable, Hashable {
    /// Red, green and blue channels, 0…255.
    public var red: UInt8, green: UInt8, blue: UInt8

    /// Creates a colour from its channels.
    /// - Parameters:
    ///   - red: Red, 0…255.
    ///   - green: Green, 0…255.
    ///   - blue: Blue, 0…255.
    public init(red: UInt8, green: UInt8, blue: UInt8) {
        self.red = red
        self.green = green
        self.blue = blue
    }

    /// Creates a colour from a 24-bit value, e.g. `Color(hex: 0x0072B2)`.
    /// - Parameter hex: `0xRRGGBB`.
    public init(hex: UInt32) {
        self.init(red: UInt8((hex >> 16) & 0xFF), green: UInt8((hex >> 8) & 0xFF), blue: UInt8(hex & 0xFF))
    }

    /// The `#rrggbb` form.
    public var hexString: String {
        let digits: [Character] = Array("0123456789abcdef")
        var text = "#"
        for channel in [red, green, blue] {
            text.append(digits[Int(channel >> 4)])
            text.append(digits[Int(channel & 0xF)])
        }
        return text
    }

    // The Okabe–Ito palette (Okabe & Ito 2008), distinguishable under the common colour-vision deficiencies.

    /// Okabe–Ito blue `#0072b2`.
    public static let blue = Color(hex: 0x0072B2)
    /// Okabe–Ito orange `#e69f00`.
    public static let orange = Color(hex: 0xE69F00)
    /// Okabe–Ito bluish green `#009e73`.
    public static let green = Color(hex: 0x009E73)
    /// Okabe–Ito vermillion `#d55e00`.
    public static let vermillion = Color(hex: 0xD55E00)
    /// Okabe–Ito reddish purple `#cc79a7`.
    public static let purple = Color(hex: 0xCC79A7)
    /// Okabe–Ito sky blue `#56b4e9`.
    public static let skyBlue = Color(hex: 0x56B4E9)
    /// Okabe–Ito yellow `#f0e442`.
    public static let yellow = Color(hex: 0xF0E442)
    /// Near-black `#222222`, the colour of text and axes.
    public static let black = Color(hex: 0x222222)
    /// Mid grey `#888888`.
    public static let gray = Color(hex: 0x888888)
    /// White.
    public static let white = Color(hex: 0xFFFFFF)

    /// The categorical palette, in the order series receive it: blue, orange, green, vermillion,
    /// purple, sky blue, yellow, black; it repeats after eight series.
    public static let categorical: [Color] = [.blue, .orange, .green, .vermillion, .purple, .skyBlue, .yellow, .black]

    /// The viridis colour map (perceptually uniform, colour-blind safe) at `t` in 0…1.
    /// - Parameter t: Position in the map; clamped to 0…1, NaN gives the low end.
    /// - Returns: The interpolated colour.
    public static func viridis(_ t: Double) -> Color {
        let stops: [UInt32] = [0x440154, 0x472C7A, 0x3B518B, 0x2C718E, 0x21908D, 0x27AD81, 0x5CC863, 0xAADC32, 0xFDE725]
        let clamped = t.isNaN ? 0 : Swift.max(0, Swift.min(1, t))
        let position = clamped * Double(stops.count - 1)
        let index = Swift.min(Int(position), stops.count - 2)
        let fraction = position - Double(index)
        let a = Color(hex: stops[index]), b = Color(hex: stops[index + 1])
        func mix(_ x: UInt8, _ y: UInt8) -> UInt8 {
            UInt8((Double(x) + (Double(y) - Double(x)) * fraction).rounded())
        }
        return Color(red: mix(a.red, b.red), green: mix(a.green, b.green), blue: mix(a.blue, b.blue))
    }
}
