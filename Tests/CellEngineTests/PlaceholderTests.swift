import Testing

@Suite struct CellEnginePlaceholderTests {
    @Test func builds() { #expect(Bool(true)) }
}
