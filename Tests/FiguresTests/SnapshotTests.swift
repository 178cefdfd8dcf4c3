import Figures
import Foundation
import Testing

@Suite struct SnapshotTests {
    @Test(arguments: Examples.all.map(\.name))
    func matchesSnapshot(name: String) throws {
        let svg = Examples.all.first { $0.name == name }!.svg
        let stored = try Snapshots.stored(name, actual: svg)
        #expect(stored != nil, "missing snapshot \(name).svg; run with RECORD_SNAPSHOTS=1")
        #expect(stored == svg, "\(name).svg differs from the snapshot; re-record with RECORD_SNAPSHOTS=1 if intended")
    }

    @Test func renderingTwiceGivesTheSameBytes() {
        let first = [Examples.ellipses.svg, Examples.heatMap.svg, Examples.smallMultiples.svg, Examples.logAxes.svg]
        let second = [Examples.ellipses.svg, Examples.heatMap.svg, Examples.smallMultiples.svg, Examples.logAxes.svg]
        for (a, b) in zip(first, second) {
            #expect(Array(a.utf8) == Array(b.utf8))
        }
    }
}
