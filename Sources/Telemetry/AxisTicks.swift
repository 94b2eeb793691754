// Round tick positions for a plot axis ("nice numbers": steps of 1, 2 or 5 times a power of ten).
import Foundation

struct AxisTicks: Equatable {
    /// The axis range, widened to whole ticks so the data never touches the frame.
    let lower: Double
    let upper: Double
    let step: Double

    /// About `target` ticks covering [minimum, maximum]. A single value gets a range around it.
    init(covering minimum: Double, _ maximum: Double, target: Int = 5) {
        var (low, high) = (minimum, maximum)
        if high - low < 1e-12 * max(1, abs(low)) {
            let pad = max(1, abs(low) * 0.1)
            (low, high) = (low - pad, high + pad)
        }
        let rough = (high - low) / Double(target)
        let magnitude = pow(10, floor(log10(rough)))
        let fraction = rough / magnitude
        let nice: Double = fraction <= 1 ? 1 : fraction <= 2 ? 2 : fraction <= 5 ? 5 : 10
        step = nice * magnitude
        lower = floor(low / step) * step
        upper = ceil(high / step) * step
    }

    /// Tick positions, computed as whole multiples of the step so zero is exactly zero.
    var values: [Double] {
        let first = Int((lower / step).rounded())
        let last = Int((upper / step).rounded())
        return (first...last).map { Double($0) * step }
    }

    /// A tick label with as many decimals as the step needs; thousands as k and millions as M, which is
    /// how step counts read best (`250k`, `1M`).
    func label(_ value: Double) -> String {
        let magnitude = abs(value)
        if magnitude >= 1e6 && step >= 1e5 {
            return Self.short(value / 1e6, decimals: Self.decimals(step / 1e6)) + "M"
        }
        if magnitude >= 1e3 && step >= 1e2 {
            return Self.short(value / 1e3, decimals: Self.decimals(step / 1e3)) + "k"
        }
        return String(format: "%.\(Self.decimals(step))f", value)
    }

    /// Decimals needed to tell ticks `step` apart.
    private static func decimals(_ step: Double) -> Int {
        step >= 1 ? 0 : Int(ceil(-log10(step) - 1e-9))
    }

    /// Fixed decimals without trailing zeros, so a scaled label reads `1M` next to `1.2M`.
    private static func short(_ value: Double, decimals: Int) -> String {
        var text = String(format: "%.\(decimals)f", value)
        if text.contains(".") {
            while text.hasSuffix("0") { text.removeLast() }
            if text.hasSuffix(".") { text.removeLast() }
        }
        return text
    }
}
