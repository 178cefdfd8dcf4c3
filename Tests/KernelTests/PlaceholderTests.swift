import Testing

@Suite struct KernelPlaceholderTests {
    @Test func builds() { #expect(Bool(true)) }
}
