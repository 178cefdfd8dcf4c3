import Testing

@Suite struct InferencePlaceholderTests {
    @Test func builds() { #expect(Bool(true)) }
}
