import Figures
import Foundation
import Testing

#if canImport(FoundationXML)
    import FoundationXML
#endif

/// Collects the structure of an XML document, failing on any parse error.
final class XMLSummary: NSObject, XMLParserDelegate {
    var rootName: String?
    var rootAttributes: [String: String] = [:]
    var childrenOfRoot: [String] = []
    var textElements = 0
    var depth = 0

    func parser(
        _ parser: XMLParser, didStartElement name: String, namespaceURI: String?, qualifiedName: String?,
        attributes: [String: String] = [:]
    ) {
        if depth == 0 {
            rootName = name
            rootAttributes = attributes
        } else if depth == 1 {
            childrenOfRoot.append(name)
        }
        if name == "text" { textElements += 1 }
        depth += 1
    }

    func parser(_ parser: XMLParser, didEndElement name: String, namespaceURI: String?, qualifiedName: String?) {
        depth -= 1
    }

    static func parse(_ text: String) -> (XMLSummary, Bool) {
        let summary = XMLSummary()
        let parser = XMLParser(data: Data(text.utf8))
        parser.delegate = summary
        let ok = parser.parse()
        return (summary, ok)
    }
}

@Suite struct RenderingTests {
    @Test(arguments: Examples.all.map(\.name))
    func isWellFormedAccessibleSVG(name: String) {
        let svg = Examples.all.first { $0.name == name }!.svg
        let (xml, ok) = XMLSummary.parse(svg)
        #expect(ok, "\(name) is not well-formed XML")
        #expect(xml.rootName == "svg")
        #expect(xml.rootAttributes["xmlns"] == "http://www.w3.org/2000/svg")
        #expect(xml.rootAttributes["viewBox"]?.hasPrefix("0 0 ") == true)
        #expect(xml.rootAttributes["role"] == "img")
        #expect(Array(xml.childrenOfRoot.prefix(2)) == ["title", "desc"])
        #expect(xml.textElements >= 3, "axis labels and ticks are <text> elements")
    }

    @Test func malformedMarkupIsDetected() {
        // The well-formedness check itself can fail.
        let (_, ok) = XMLSummary.parse("<svg xmlns=\"http://www.w3.org/2000/svg\"><text>a &amp b</text></svg>")
        #expect(!ok)
    }

    @Test func textIsEscaped() {
        let chart = Chart {
            PointMark(x: .value("a < b & \"c\"", 1.0), y: .value("y", 2.0))
        }
        .chartTitle("<script>&")
        let (xml, ok) = XMLSummary.parse(chart.svg)
        #expect(ok)
        #expect(xml.rootName == "svg")
        #expect(chart.svg.contains("&lt;script&gt;&amp;"))
    }

    /// Every stored snapshot, rendered by a real SVG renderer, has visible ink in several colours.
    @Test(arguments: Examples.all.map(\.name))
    func snapshotRendersToANonBlankPNG(name: String) throws {
        let url = Snapshots.url(name)
        let svg = (try? String(contentsOf: url, encoding: .utf8)) ?? Examples.all.first { $0.name == name }!.svg
        let image = try PNGImage(try SVGRasterizer.png(svg))
        #expect(image.width >= 300 && image.height >= 180)
        let inked = Double(image.inkedPixelCount) / Double(image.width * image.height)
        #expect(inked > 0.02, "\(name): only \(inked * 100)% of pixels have ink")
        #expect(image.distinctColours >= 8, "\(name): \(image.distinctColours) colours")
    }

    @Test func blankSVGIsRecognisedAsBlank() throws {
        let blank = "<svg xmlns=\"http://www.w3.org/2000/svg\" width=\"320\" height=\"200\" viewBox=\"0 0 320 200\"></svg>"
        let image = try PNGImage(try SVGRasterizer.png(blank))
        #expect(image.width == 320 && image.height == 200)
        #expect(image.inkedPixelCount == 0)
    }

    @Test func largeScatterStaysSmall() {
        var rng = SplitMix(state: 1)
        let points = (0..<20_000).map { _ in (rng.normal(), rng.normal()) }
        let chart = Chart(points) { p in PointMark(x: .value("x", p.0), y: .value("y", p.1)) }
        let size = chart.svg.utf8.count
        #expect(size < 2_000_000, "20,000-point scatter is \(size) bytes")
        #expect(chart.summary.contains("20000 points"))
    }

    @Test func noRandomIdsOrFloatNoise() throws {
        let attribute = try NSRegularExpression(pattern: "[a-z-]+=\"([^\"]*)\"")
        let longFraction = try NSRegularExpression(pattern: "\\.[0-9]{3,}")
        for (name, svg) in Examples.all {
            #expect(!svg.contains(" id=\""), "\(name) has ids")
            // Coordinates and sizes in attributes carry at most two decimals.
            let range = NSRange(svg.startIndex..., in: svg)
            var long: [String] = []
            for match in attribute.matches(in: svg, range: range) {
                let value = (svg as NSString).substring(with: match.range(at: 1))
                if longFraction.firstMatch(in: value, range: NSRange(value.startIndex..., in: value)) != nil { long.append(value) }
            }
            #expect(long.isEmpty, "\(name) has numbers with more than two decimals: \(long.prefix(3))")
        }
    }
}
