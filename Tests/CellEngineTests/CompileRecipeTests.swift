import Foundation
import Testing

@testable import CellEngine

@Suite struct ShellWordsTests {
    @Test func splitsLikeAShell() {
        #expect(ShellWords.split("a b  c") == ["a", "b", "c"])
        #expect(ShellWords.split("-I '/tmp/a b' x") == ["-I", "/tmp/a b", "x"])
        #expect(ShellWords.split(#""/usr/bin/ld.lld" "-o" "with \"quote\"" "a\\b""#) == ["/usr/bin/ld.lld", "-o", "with \"quote\"", "a\\b"])
        #expect(ShellWords.split(#"a\ b c"#) == ["a b", "c"])
        #expect(ShellWords.split("''") == [""])
        #expect(ShellWords.split("'unterminated") == nil)
    }
}

@Suite struct CompileRecipeTests {
    /// The toolchain's drivers must give a recipe here; otherwise every cell silently pays for the slow path.
    @Test func theDriversOfThisToolchainGiveARecipe() throws {
        let swiftc = try testConfiguration().swiftc
        let recipe = try #require(CompileRecipe.derive(swiftc: swiftc, includes: ["/tmp/with space"]))
        #expect(recipe.compile[0].hasSuffix("swift-frontend"))
        #expect(recipe.compile.contains("/tmp/with space"))
        #expect(recipe.link[0].hasSuffix("lld"))

        let command = recipe.compileCommand(source: "/w/main.swift", moduleName: "Cell_ab", modulePath: "/w/Cell_ab", object: "/w/main.o")
        #expect(command.contains("/w/main.swift") && command.contains("/w/main.o") && command.contains("/w/Cell_ab.swiftmodule"))
        #expect(command.contains("Cell_ab_main"))
        #expect(!command.joined(separator: " ").contains("SWINF_PLACEHOLDER"))
        let link = recipe.linkCommand(object: "/w/main.o", library: "/w/libCell_ab.so", autolinked: ["-lswiftCore"])
        let objectIndex = try #require(link.firstIndex(of: "/w/main.o"))
        #expect(link[objectIndex + 1] == "-lswiftCore")
        #expect(link.contains("/w/libCell_ab.so"))
    }
}
