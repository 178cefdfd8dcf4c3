import Figures
import Testing

@Suite struct FormatTests {
    @Test func fixed() {
        #expect(DecimalFormat.fixed(3.14159, decimals: 2) == "3.14")
        #expect(DecimalFormat.fixed(-0.004, decimals: 2) == "0.00")
        #expect(DecimalFormat.fixed(-2.5, decimals: 0) == "-3")
        #expect(DecimalFormat.fixed(1.5, decimals: 3, trimZeros: true) == "1.5")
        #expect(DecimalFormat.fixed(12, decimals: 2, trimZeros: true) == "12")
        #expect(DecimalFormat.fixed(0.05, decimals: 2) == "0.05")
        #expect(DecimalFormat.fixed(.infinity, decimals: 2) == "inf")
        #expect(DecimalFormat.fixed(1e20, decimals: 2) == "1.00000e20")
    }

    @Test func significant() {
        #expect(DecimalFormat.significant(1130.264, digits: 4) == "1130")
        #expect(DecimalFormat.significant(0.000123456, digits: 3) == "0.000123")
        #expect(DecimalFormat.significant(1.5e-7, digits: 3) == "1.5e-7")
        #expect(DecimalFormat.significant(9.9999, digits: 3) == "10")
        #expect(DecimalFormat.significant(-0.30000000000000004, digits: 6) == "-0.3")
        #expect(DecimalFormat.significant(0, digits: 3) == "0")
        #expect(DecimalFormat.significant(2.5e6, digits: 3, scientificFrom: 1e6) == "2.5e6")
    }

    @Test func scientific() {
        #expect(DecimalFormat.scientific(12345, digits: 3) == "1.23e4")
        #expect(DecimalFormat.scientific(-0.000999, digits: 2) == "-1.0e-3")
        #expect(DecimalFormat.scientific(1, digits: 1) == "1e0")
    }
}
