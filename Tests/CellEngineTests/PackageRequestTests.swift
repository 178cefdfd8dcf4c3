import Foundation
import Testing

@testable import CellEngine

/// `%install`'s argument, read and written back into the wrapper package's manifest.
@Suite struct PackageRequestTests {
    @Test func readsAPathAndAProduct() throws {
        let request = try PackageRequest(parsing: #".package(path: "/tmp/Greeter") Greeter"#)
        #expect(request == PackageRequest(source: .path("/tmp/Greeter"), products: ["Greeter"]))
    }

    @Test func readsEveryURLRequirement() throws {
        let url = "https://github.com/apple/swift-numerics"
        let cases: [(String, VersionRequirement)] = [
            (#"from: "1.2.0""#, .upToNextMajor("1.2.0")),
            (#".upToNextMajor(from: "1.2.0")"#, .upToNextMajor("1.2.0")),
            (#".upToNextMinor(from: "1.2.0")"#, .upToNextMinor("1.2.0")),
            (#"exact: "1.2.3""#, .exact("1.2.3")),
            (#".exact("1.2.3")"#, .exact("1.2.3")),
            (#""1.0.0"..<"2.0.0""#, .range("1.0.0", "2.0.0")),
            (#""1.0.0"..."1.9.0""#, .closedRange("1.0.0", "1.9.0")),
            (#"branch: "main""#, .branch("main")),
            (#"revision: "0123abcd""#, .revision("0123abcd")),
        ]
        for (text, requirement) in cases {
            let request = try PackageRequest(parsing: ".package(url: \"\(url)\", \(text)) Numerics RealModule")
            #expect(request.source == .url(url, requirement), "\(text)")
            #expect(request.products == ["Numerics", "RealModule"])
        }
    }

    @Test func readsSwiftJupytersQuotedSpelling() throws {
        let request = try PackageRequest(parsing: #"'.package(url: "https://example.com/a/b.git", from: "0.1.0")' B"#)
        #expect(request.source == .url("https://example.com/a/b.git", .upToNextMajor("0.1.0")))
        #expect(request.source.identity == "b")
    }

    @Test func aPathWithQuotesAndBackslashesIsWrittenBackEscaped() throws {
        let odd = #"/tmp/we "ird\ dir"#
        let request = try PackageRequest(parsing: #".package(path: "/tmp/we \"ird\\ dir") P"#)
        #expect(request.source == .path(odd))
        // What the manifest says reads back as the same path.
        let again = try PackageRequest(parsing: request.source.manifestText + " P")
        #expect(again.source == .path(odd))
        #expect(SwiftSourceText.stringLiteral("a\nb\u{1}") == #""a\nb\u{1}""#)
    }

    @Test func badArgumentsAreUsageErrorsThatSayWhy() {
        let cases: [(String, String)] = [
            ("", ".package"),
            (#".package(path: "/x")"#, "name of a product"),
            (#".package(path: “/x”) P"#, "straight double quotes"),
            (#".package(path: "/x) P"#, "no closing double quote"),
            (#".package(path: "/\(x)") P"#, "interpolation"),
            (#".package(file: "/x") P"#, "unknown label 'file:'"),
            (#".package(url: "https://e.com/x") P"#, "version requirement"),
            (#".package(url: "https://e.com/x", since: "1.0.0") P"#, "unknown requirement 'since:'"),
            (#".package(path: "/x") Gre"eter"#, #"'Gre"eter' is not a product name"#),
            (#".package(path: "/x") P;rm"#, "is not a product name"),
            (#"'.package(path: "/x") P"#, "not closed with '"),
            (#".package(path: "") P"#, "path is empty"),
        ]
        for (argument, expected) in cases {
            #expect(throws: MagicUsageError.self, "\(argument)") { try PackageRequest(parsing: argument) }
            do throws(MagicUsageError) {
                _ = try PackageRequest(parsing: argument)
            } catch {
                #expect(error.message.contains(expected), "\(argument): \(error.message)")
            }
        }
    }

    @Test func theURLFormsManifestIsOneSwiftPMReads() throws {
        let request = try PackageRequest(parsing: #".package(url: "https://github.com/apple/swift-numerics", from: "1.0.0") Numerics"#)
        let wrapper = WrapperPackage(request: request, key: String(repeating: "ab", count: 32))
        #expect(wrapper.linkName == "SwiftInferencePackage_abababababababab")
        #expect(wrapper.manifest.contains(#"dependencies: [.package(url: "https://github.com/apple/swift-numerics", from: "1.0.0")]"#))
        #expect(wrapper.manifest.contains(#".product(name: "Numerics", package: "swift-numerics")"#))
        #expect(wrapper.manifest.contains("type: .dynamic"))

        // SwiftPM itself reads the manifest (dump-package parses it without fetching anything).
        let folder = FileManager.default.temporaryDirectory.appendingPathComponent("swinf-manifest-\(getpid())-\(UUID().uuidString)")
        defer { try? FileManager.default.removeItem(at: folder) }
        try wrapper.write(to: folder)
        let swiftc = try testConfiguration().swiftc
        let swift = URL(fileURLWithPath: swiftc).deletingLastPathComponent().appendingPathComponent("swift").path
        let dumped = try ProcessRunner.run(swift, ["package", "dump-package", "--package-path", folder.path], limit: .seconds(120))
        #expect(dumped.status == 0, "\(dumped.output)")
        let json = try #require(dumped.output.firstIndex(of: "{").map { String(dumped.output[$0...]) })
        let manifest = try #require(try JSONSerialization.jsonObject(with: Data(json.utf8)) as? [String: Any])
        let text = String(describing: manifest["dependencies"] ?? "")
        #expect(text.contains("https://github.com/apple/swift-numerics"))
        #expect(text.contains("1.0.0") && text.contains("2.0.0"), "from: is up to the next major version: \(text)")
    }

    @Test func theKeyChangesWhenALocalPackageIsEdited() throws {
        let folder = FileManager.default.temporaryDirectory.appendingPathComponent("swinf-keyed-\(getpid())-\(UUID().uuidString)")
        defer { try? FileManager.default.removeItem(at: folder) }
        try FileManager.default.createDirectory(at: folder.appendingPathComponent("Sources/K"), withIntermediateDirectories: true)
        try "// swift-tools-version:5.9\n".write(to: folder.appendingPathComponent("Package.swift"), atomically: true, encoding: .utf8)
        let source = folder.appendingPathComponent("Sources/K/K.swift")
        try "public let k = 1\n".write(to: source, atomically: true, encoding: .utf8)
        let builder = PackageBuilder(root: folder.appendingPathComponent("cache"), swiftc: try testConfiguration().swiftc)
        let request = PackageRequest(source: .path(folder.path), products: ["K"])
        let first = try builder.key(for: request)
        #expect(try builder.key(for: request) == first)
        // A build folder inside the package does not count.
        try FileManager.default.createDirectory(at: folder.appendingPathComponent(".build"), withIntermediateDirectories: true)
        try "x".write(to: folder.appendingPathComponent(".build/junk"), atomically: true, encoding: .utf8)
        #expect(try builder.key(for: request) == first)
        try "public let k = 2\n".write(to: source, atomically: true, encoding: .utf8)
        #expect(try builder.key(for: request) != first)
        #expect(try builder.key(for: PackageRequest(source: .path(folder.path), products: ["K", "L"])) != builder.key(for: request))
    }
}
