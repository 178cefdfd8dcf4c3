import NumericsCore
import Testing

@Suite struct SampleMeanTests {
    /// 1, 2, 3, 4: mean 2.5, s² = 5/3, standard error √(5/3)/2.
    @Test func closedForm() {
        let (mean, se) = SampleMean.meanAndStandardError([1, 2, 3, 4])
        #expect(mean == 2.5)
        #expect(isClose(se, (5.0 / 3).squareRoot() / 2))
    }

    /// The two-pass variance survives a large common offset that cancels the one-pass formula.
    @Test func largeOffsetDoesNotCancel() {
        let (mean, se) = SampleMean.meanAndStandardError([1, 2, 3, 4].map { 1e9 + $0 })
        #expect(mean == 1e9 + 2.5)
        #expect(isClose(se, (5.0 / 3).squareRoot() / 2, 1e-12))
    }

    @Test func emptyAndSingleValues() {
        let empty = SampleMean.meanAndStandardError([])
        #expect(empty.mean.isNaN && empty.standardError.isNaN)
        #expect(SampleMean.meanAndStandardError([3]) == (3, .infinity))
        #expect(SampleMean.meanAndStandardError([3], singleValueError: 0) == (3, 0))
    }
}

@Suite struct DecimalTextTests {
    @Test func fixedDecimals() {
        #expect(DecimalText.fixed(3.14159, decimals: 2) == "3.14")
        #expect(DecimalText.fixed(-0.0004, decimals: 3) == "0.000")
        #expect(DecimalText.fixed(-2.5, decimals: 0) == "-3")
        #expect(DecimalText.fixed(1.5, decimals: 4, trimZeros: true) == "1.5")
        #expect(DecimalText.fixed(12, decimals: 1) == "12.0")
        #expect(DecimalText.fixed(.nan, decimals: 2) == "nan")
        #expect(DecimalText.fixed(-.infinity, decimals: 2) == "-inf")
        #expect(DecimalText.fixed(2e16, decimals: 1) == "2.00000e16")
    }
}
