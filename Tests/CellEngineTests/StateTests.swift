import CellEngine
import Testing

@Suite(.serialized) struct StateTests {
    @Test func stateMutatesAcrossCells() throws {
        let session = try makeSession()
        #expect(session.value("var n = 1") == nil)
        #expect(session.value("n += 41") == nil)
        #expect(session.value("n") == "42")
    }
}
