/// Constants of the normal density, as literals rounded to the nearest `Double` (so they fold into
/// the code that uses them).
public enum MathConstants {
    /// log(2π).
    @inlinable public static var logTwoPi: Double { 1.837_877_066_409_345_483_56 }
    /// ½·log(2π).
    @inlinable public static var halfLogTwoPi: Double { 0.918_938_533_204_672_741_78 }
}
