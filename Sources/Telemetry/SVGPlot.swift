// Draws learning curves as a standalone SVG (curve.svg): one line per curve with a shaded ±std band, a
// dashed line for the dataset's behaviour score, axes with round ticks, a title and a legend.
// Pure string building: no dependencies, and the output opens in any browser.
import Foundation

/// One point of a curve: the mean over runs at `x` and the standard deviation across runs (0 for one run).
public struct CurvePoint: Sendable, Equatable {
    public var x: Double
    public var mean: Double
    public var std: Double

    public init(x: Double, mean: Double, std: Double = 0) {
        self.x = x
        self.mean = mean
        self.std = std
    }
}

public struct PlotCurve: Sendable, Equatable {
    public var label: String
    public var points: [CurvePoint]

    public init(label: String, points: [CurvePoint]) {
        self.label = label
        self.points = points
    }
}

/// A labelled horizontal line, such as the behaviour policy's score.
public struct ReferenceLine: Sendable, Equatable {
    public var value: Double
    public var label: String

    public init(value: Double, label: String) {
        self.value = value
        self.label = label
    }
}

public struct SVGPlot: Sendable {
    public var title: String
    public var xLabel: String
    public var yLabel: String
    public var curves: [PlotCurve]
    public var reference: ReferenceLine?
    public var width: Double = 760
    public var height: Double = 470

    public init(title: String, xLabel: String, yLabel: String, curves: [PlotCurve],
                reference: ReferenceLine? = nil) {
        self.title = title
        self.xLabel = xLabel
        self.yLabel = yLabel
        self.curves = curves
        self.reference = reference
    }

    /// Colours of matplotlib's default cycle, which readers of RL papers know.
    static let palette = ["#1f77b4", "#ff7f0e", "#2ca02c", "#d62728", "#9467bd", "#8c564b", "#e377c2", "#7f7f7f"]
    static let font = "font-family=\"Helvetica, Arial, sans-serif\""
    /// Curves with at most this many points also get a dot per point, so sparse evaluations stay visible.
    static let maximumPointsWithMarkers = 30

    public func render() -> String {
        let frame = PlotFrame(plot: self)
        var svg = """
            <svg xmlns="http://www.w3.org/2000/svg" width="\(n(width))" height="\(n(height))" \
            viewBox="0 0 \(n(width)) \(n(height))">
            <rect width="100%" height="100%" fill="white"/>

            """
        svg += axes(frame)
        for (index, curve) in curves.enumerated() {
            svg += draw(curve, color: Self.palette[index % Self.palette.count], frame: frame)
        }
        if let reference { svg += draw(reference, frame: frame) }
        svg += legend(frame)
        svg += """
            <text x="\(n(width / 2))" y="28" text-anchor="middle" font-size="17" font-weight="bold" \
            \(Self.font)>\(escaped(title))</text>
            </svg>

            """
        return svg
    }

    // MARK: parts of the picture

    /// Grid, frame, tick marks, tick labels and the two axis titles.
    private func axes(_ frame: PlotFrame) -> String {
        var svg = "<g class=\"axes\" \(Self.font) font-size=\"12\" fill=\"#333\">\n"
        for value in frame.xTicks.values {
            let x = frame.px(value)
            svg += line(x, frame.top, x, frame.bottom, stroke: "#e6e6e6")
            svg += line(x, frame.bottom, x, frame.bottom + 5, stroke: "#333")
            svg += "<text x=\"\(n(x))\" y=\"\(n(frame.bottom + 20))\" text-anchor=\"middle\">"
                + "\(frame.xTicks.label(value))</text>\n"
        }
        for value in frame.yTicks.values {
            let y = frame.py(value)
            svg += line(frame.left, y, frame.right, y, stroke: "#e6e6e6")
            svg += line(frame.left - 5, y, frame.left, y, stroke: "#333")
            svg += "<text x=\"\(n(frame.left - 9))\" y=\"\(n(y + 4))\" text-anchor=\"end\">"
                + "\(frame.yTicks.label(value))</text>\n"
        }
        svg += "<rect x=\"\(n(frame.left))\" y=\"\(n(frame.top))\" width=\"\(n(frame.right - frame.left))\" "
            + "height=\"\(n(frame.bottom - frame.top))\" fill=\"none\" stroke=\"#333\"/>\n"
        let middleX = (frame.left + frame.right) / 2
        let middleY = (frame.top + frame.bottom) / 2
        svg += "<text x=\"\(n(middleX))\" y=\"\(n(height - 14))\" text-anchor=\"middle\" font-size=\"14\">"
            + "\(escaped(xLabel))</text>\n"
        svg += "<text x=\"18\" y=\"\(n(middleY))\" text-anchor=\"middle\" font-size=\"14\" "
            + "transform=\"rotate(-90 18 \(n(middleY)))\">\(escaped(yLabel))</text>\n"
        return svg + "</g>\n"
    }

    /// The ±std band (when any point has spread), the mean line, and dots for sparse curves.
    private func draw(_ curve: PlotCurve, color: String, frame: PlotFrame) -> String {
        guard !curve.points.isEmpty else { return "" }
        var svg = ""
        if curve.points.contains(where: { $0.std > 0 }) {
            let upper = curve.points.map { (frame.px($0.x), frame.py($0.mean + $0.std)) }
            let lower = curve.points.reversed().map { (frame.px($0.x), frame.py($0.mean - $0.std)) }
            svg += "<path class=\"band\" d=\"\(pathData(upper + lower)) Z\" fill=\"\(color)\" "
                + "fill-opacity=\"0.2\" stroke=\"none\"/>\n"
        }
        let meanLine = curve.points.map { (frame.px($0.x), frame.py($0.mean)) }
        svg += "<path class=\"curve\" d=\"\(pathData(meanLine))\" fill=\"none\" stroke=\"\(color)\" "
            + "stroke-width=\"2\" stroke-linejoin=\"round\" stroke-linecap=\"round\"/>\n"
        if curve.points.count <= Self.maximumPointsWithMarkers {
            for point in curve.points {
                svg += "<circle cx=\"\(n(frame.px(point.x)))\" cy=\"\(n(frame.py(point.mean)))\" r=\"3\" "
                    + "fill=\"\(color)\"/>\n"
            }
        }
        return svg
    }

    /// A dashed line across the plot with its label above the right end.
    private func draw(_ reference: ReferenceLine, frame: PlotFrame) -> String {
        let y = frame.py(reference.value)
        return "<g class=\"reference\">\n"
            + "<line x1=\"\(n(frame.left))\" y1=\"\(n(y))\" x2=\"\(n(frame.right))\" y2=\"\(n(y))\" "
            + "stroke=\"#555\" stroke-width=\"1.5\" stroke-dasharray=\"7 5\"/>\n"
            // A white outline under the glyphs keeps the label readable where a curve crosses it.
            + "<text x=\"\(n(frame.right - 8))\" y=\"\(n(y - 7))\" text-anchor=\"end\" font-size=\"12\" "
            + "fill=\"#444\" stroke=\"white\" stroke-width=\"3\" paint-order=\"stroke\" \(Self.font)>"
            + "\(escaped(reference.label))</text>\n</g>\n"
    }

    /// A boxed key in the top-left corner of the plot, where rising learning curves leave room.
    private func legend(_ frame: PlotFrame) -> String {
        guard !curves.isEmpty else { return "" }
        let rowHeight = 20.0
        let longest = curves.map(\.label.count).max() ?? 0
        let boxWidth = 44 + Double(longest) * 7
        let boxHeight = Double(curves.count) * rowHeight + 8
        let x = frame.left + 12
        let y = frame.top + 12
        var svg = "<g class=\"legend\" \(Self.font) font-size=\"12\">\n"
        svg += "<rect x=\"\(n(x))\" y=\"\(n(y))\" width=\"\(n(boxWidth))\" height=\"\(n(boxHeight))\" "
            + "fill=\"white\" fill-opacity=\"0.85\" stroke=\"#bbb\" rx=\"3\"/>\n"
        for (index, curve) in curves.enumerated() {
            let color = Self.palette[index % Self.palette.count]
            let rowY = y + 4 + rowHeight * (Double(index) + 0.5)
            svg += line(x + 8, rowY, x + 30, rowY, stroke: color, width: 2.5)
            svg += "<text x=\"\(n(x + 36))\" y=\"\(n(rowY + 4))\" fill=\"#222\">\(escaped(curve.label))</text>\n"
        }
        return svg + "</g>\n"
    }

    // MARK: small helpers

    private func line(_ x1: Double, _ y1: Double, _ x2: Double, _ y2: Double, stroke: String,
                      width: Double = 1) -> String {
        "<line x1=\"\(n(x1))\" y1=\"\(n(y1))\" x2=\"\(n(x2))\" y2=\"\(n(y2))\" stroke=\"\(stroke)\" "
            + "stroke-width=\"\(n(width))\"/>\n"
    }

    private func pathData(_ points: [(Double, Double)]) -> String {
        points.enumerated().map { index, point in
            "\(index == 0 ? "M" : "L")\(n(point.0)),\(n(point.1))"
        }.joined(separator: " ")
    }
}

/// Coordinates rounded to 0.1 px: enough for a crisp picture, short enough for a small file.
private func n(_ value: Double) -> String {
    let text = String(format: "%.1f", value)
    return text.hasSuffix(".0") ? String(text.dropLast(2)) : text
}

/// Text content and attribute values with XML's special characters escaped.
func escaped(_ text: String) -> String {
    text.replacingOccurrences(of: "&", with: "&amp;")
        .replacingOccurrences(of: "<", with: "&lt;")
        .replacingOccurrences(of: ">", with: "&gt;")
        .replacingOccurrences(of: "\"", with: "&quot;")
}

/// Where the data lands on the page: the plot rectangle and the mapping from data to pixels.
private struct PlotFrame {
    let left: Double, right: Double, top: Double, bottom: Double
    let xTicks: AxisTicks
    let yTicks: AxisTicks

    init(plot: SVGPlot) {
        left = 78
        right = plot.width - 24
        top = 48
        bottom = plot.height - 58
        let points = plot.curves.flatMap(\.points)
        let xs = points.map(\.x)
        var ys = points.flatMap { [$0.mean - $0.std, $0.mean + $0.std] }
        if let reference = plot.reference { ys.append(reference.value) }
        // Steps count from zero, so the x axis does too: the start of training is part of the story.
        xTicks = AxisTicks(covering: min(0, xs.min() ?? 0), xs.max() ?? 1)
        yTicks = AxisTicks(covering: ys.min() ?? 0, ys.max() ?? 1)
    }

    func px(_ x: Double) -> Double { left + (x - xTicks.lower) / (xTicks.upper - xTicks.lower) * (right - left) }
    func py(_ y: Double) -> Double { bottom - (y - yTicks.lower) / (yTicks.upper - yTicks.lower) * (bottom - top) }
}
