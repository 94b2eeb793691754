import Foundation
#if canImport(FoundationXML)
import FoundationXML
#endif
import Testing
@testable import Telemetry

@Suite struct SVGPlotTests {
    /// Three seeds' worth of a rising, noisy score, plus a single run, over 50 evaluations.
    static func examplePlot() -> SVGPlot {
        let seeds = (0..<50).map { index -> CurvePoint in
            let step = Double(index + 1) * 20_000
            let mean = 75 * (1 - exp(-step / 250_000)) + 2 * sin(Double(index))
            return CurvePoint(x: step, mean: mean, std: 3 + 2 * cos(Double(index) / 3))
        }
        let single = seeds.map { CurvePoint(x: $0.x, mean: $0.mean * 0.8 + 4) }
        return SVGPlot(title: "AMPL on halfcheetah-medium & <friends>", xLabel: "gradient steps",
                       yLabel: "normalized score",
                       curves: [PlotCurve(label: "AMPL (3 seeds)", points: seeds),
                                PlotCurve(label: "one run", points: single)],
                       reference: ReferenceLine(value: 40.6, label: "behaviour policy (40.6)"))
    }

    @Test func isWellFormedXMLWithOneCurvePathEachAndTheBehaviourLine() throws {
        let svg = Self.examplePlot().render()
        let elements = SVGElements()
        let parser = XMLParser(data: Data(svg.utf8))
        parser.delegate = elements
        #expect(parser.parse(), "SVG is not well-formed XML: \(String(describing: parser.parserError))")

        #expect(elements.paths.filter { $0["class"] == "curve" }.count == 2)
        #expect(elements.paths.filter { $0["class"] == "band" }.count == 1, "only the multi-seed curve has spread")
        let dashed = elements.lines.filter { $0["stroke-dasharray"] != nil }
        #expect(dashed.count == 1)
        #expect(elements.texts.contains("behaviour policy (40.6)"))
        #expect(elements.texts.contains("AMPL on halfcheetah-medium & <friends>"))
        #expect(elements.texts.contains("AMPL (3 seeds)"))
        #expect(elements.texts.contains("1M"), "x ticks read as step counts")
    }

    @Test func aSinglePointStillDraws() throws {
        let plot = SVGPlot(title: "one point", xLabel: "step", yLabel: "score",
                           curves: [PlotCurve(label: "run", points: [CurvePoint(x: 0, mean: 5)])])
        let svg = plot.render()
        #expect(svg.contains("<circle"))
        #expect(!svg.contains("nan") && !svg.contains("inf"))
    }

    @Test func ticksAreRoundNumbersCoveringTheData() {
        let ticks = AxisTicks(covering: 3.2, 97.5)
        #expect(ticks.values == [0, 20, 40, 60, 80, 100])
        let steps = AxisTicks(covering: 0, 1_000_000)
        #expect(steps.values.map(steps.label) == ["0", "200k", "400k", "600k", "800k", "1M"])
        let small = AxisTicks(covering: -0.23, 0.41)
        #expect(small.values.map(small.label) == ["-0.4", "-0.2", "0.0", "0.2", "0.4", "0.6"])
    }
}

/// Collects the SVG elements the tests look at.
private final class SVGElements: NSObject, XMLParserDelegate {
    var paths: [[String: String]] = []
    var lines: [[String: String]] = []
    var texts: [String] = []
    private var currentText: String?

    func parser(_ parser: XMLParser, didStartElement name: String, namespaceURI: String?, qualifiedName: String?,
                attributes: [String: String]) {
        switch name {
        case "path": paths.append(attributes)
        case "line": lines.append(attributes)
        case "text": currentText = ""
        default: break
        }
    }

    func parser(_ parser: XMLParser, foundCharacters string: String) {
        currentText? += string
    }

    func parser(_ parser: XMLParser, didEndElement name: String, namespaceURI: String?, qualifiedName: String?) {
        if name == "text", let text = currentText { texts.append(text) }
        currentText = nil
    }
}
