import Foundation
import NumericsCore
import Testing

/// Log-space reductions against closed forms and a direct computation where no overflow can occur.
@Suite struct LogSpaceTests {
    @Test func logSumExpClosedForms() {
        #expect(isClose(LogSpace.logSumExp([1000.0, 1000.0]), 1000 + Foundation.log(2.0), 1e-15))
        #expect(isClose(LogSpace.logSumExp([-1e5, -1e5, -1e5]), -1e5 + Foundation.log(3.0), 1e-15))
        #expect(isClose(LogSpace.logSumExp([0.0, Foundation.log(2.0), Foundation.log(3.0)]), Foundation.log(6.0)))
        #expect(LogSpace.logSumExp([Double]()) == -.infinity)
        #expect(LogSpace.logSumExp([-Double.infinity, -.infinity]) == -.infinity)
        #expect(LogSpace.logSumExp([1.0, .infinity]) == .infinity)
        #expect(LogSpace.logSumExp([1.0, .nan, .infinity]).isNaN)
        #expect(isClose(LogSpace.logMeanExp([2.0, 2.0, 2.0]), 2))
        #expect(LogSpace.logMeanExp([Double]()) == -.infinity)
        #expect(isClose(LogSpace.logAddExp(-800, -801), -800 + Foundation.log1p(Foundation.exp(-1.0)), 1e-15))
        #expect(LogSpace.logAddExp(-.infinity, -.infinity) == -.infinity)
    }

    @Test func matchesTheDirectSumWhereItCannotOverflow() {
        var g = TestGenerator(seed: 11)
        for n in [1, 2, 7, 100, 1000] {
            let x = (0..<n).map { _ in 5 * g.nextStandardNormal() }
            let direct = Foundation.log(x.map { Foundation.exp($0) }.reduce(0, +))
            #expect(isClose(LogSpace.logSumExp(x), direct, Double(n + 2) * 1.2e-16), "n = \(n)")
        }
    }

    @Test func softmaxNormalisesInLogSpace() throws {
        // The reference uses the difference of the logits as stored; the documented bound is a relative
        // error of about u·|log Σ exp| ≈ 1.1·10⁻¹³ here (the rounding of log Σ exp near 1000).
        let logits = [1000, 1000 + Foundation.log(3.0)]
        let ratio = Foundation.exp(logits[1] - logits[0])
        let p = try #require(LogSpace.softmax(logits))
        #expect(isClose(p, [1 / (1 + ratio), ratio / (1 + ratio)], 2 * 1001 * 0x1p-53))
        #expect(isClose(p, [0.25, 0.75], 1e-12))
        let small = try #require(LogSpace.softmax([0, Foundation.log(3.0)]))
        #expect(isClose(small, [0.25, 0.75], 1e-15))
        let q = try #require(LogSpace.softmax([0, -.infinity, 0]))
        #expect(q == [0.5, 0, 0.5])
        #expect(LogSpace.softmax([-.infinity, -.infinity]) == nil)
        #expect(LogSpace.softmax([0, .nan]) == nil)
    }

    /// Weights 1, 2, 3, 4 scaled by e⁵⁰⁰: mean 2.5, sd √(5/3), ESS = 10²/30.
    @Test func logMeanExpEstimateClosedForm() {
        let logWeights = [1.0, 2, 3, 4].map { 500 + Foundation.log($0) }
        let e = LogSpace.logMeanExpEstimate(logWeights)
        #expect(isClose(e.logMean, 500 + Foundation.log(2.5), 1e-15))
        #expect(isClose(e.standardError, (5.0 / 3).squareRoot() / (2 * 2.5)))
        #expect(isClose(e.effectiveSampleSize, 100.0 / 30))
        let none = LogSpace.logMeanExpEstimate([-.infinity, -.infinity])
        #expect(none.logMean == -.infinity && none.standardError == .infinity && none.effectiveSampleSize == 0)
        #expect(LogSpace.logMeanExpEstimate([0, .nan]).logMean.isNaN)
    }

    @Test func accumulatorAgreesWithTwoPassAndMerges() {
        let terms = (0..<1000).map { Double($0 % 37) * -25.0 + Double($0) * 0.01 }
        var left = LogSpace.Accumulator()
        var right = LogSpace.Accumulator()
        var whole = LogSpace.Accumulator()
        for t in terms[..<400] { left.add(t) }
        for t in terms[400...] { right.add(t) }
        for t in terms { whole.add(t) }
        left.merge(right)
        #expect(left.count == 1000)
        #expect(isClose(left.value, LogSpace.logSumExp(terms)))
        #expect(isClose(whole.value, LogSpace.logSumExp(terms)))
        var empty = LogSpace.Accumulator()
        #expect(empty.value == -.infinity)
        empty.add(.nan)
        #expect(empty.value.isNaN)
    }
}
