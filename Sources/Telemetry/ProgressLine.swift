// The one-line status a training run shows while it works, e.g.
//
//   epoch 12/1000 | step 12,000 | 845.3 steps/s | ETA 0:19:28 | score 41.2 | critic_loss 0.153
import Foundation

public struct ProgressLine: Sendable {
    public var epoch: Int
    public var totalEpochs: Int
    /// Gradient steps taken so far.
    public var step: Int
    public var stepsPerSecond: Double
    /// Unknown (nil) until there is a rate to extrapolate from.
    public var secondsRemaining: Double?
    /// The last evaluation's normalised score, nil before the first evaluation.
    public var lastScore: Double?
    /// More name-value pairs to show, in order, already formatted.
    public var extras: [(name: String, value: String)]

    public init(epoch: Int, totalEpochs: Int, step: Int, stepsPerSecond: Double, secondsRemaining: Double?,
                lastScore: Double? = nil, extras: [(name: String, value: String)] = []) {
        self.epoch = epoch
        self.totalEpochs = totalEpochs
        self.step = step
        self.stepsPerSecond = stepsPerSecond
        self.secondsRemaining = secondsRemaining
        self.lastScore = lastScore
        self.extras = extras
    }

    /// The time left if the remaining epochs go as fast as the finished ones; nil before the first one.
    public static func secondsRemaining(elapsedSeconds: Double, epochsDone: Int, totalEpochs: Int) -> Double? {
        guard epochsDone > 0 else { return nil }
        return elapsedSeconds / Double(epochsDone) * Double(max(0, totalEpochs - epochsDone))
    }

    public var text: String {
        var fields = [
            "epoch \(epoch)/\(totalEpochs)",
            "step \(Self.grouped(step))",
            "\(Self.rate(stepsPerSecond)) steps/s",
            "ETA \(secondsRemaining.map(Self.clock) ?? "--:--:--")",
        ]
        if let lastScore { fields.append("score \(String(format: "%.1f", lastScore))") }
        fields += extras.map { "\($0.name) \($0.value)" }
        return fields.joined(separator: " | ")
    }

    /// Seconds as h:mm:ss (hours grow past 24 rather than wrapping into days).
    public static func clock(_ seconds: Double) -> String {
        let total = Int(seconds.rounded())
        let (hours, minutes, secs) = (total / 3600, total / 60 % 60, total % 60)
        return "\(hours):" + String(format: "%02d:%02d", minutes, secs)
    }

    /// One decimal below 100 steps/s, where it matters; whole numbers with separators above.
    static func rate(_ stepsPerSecond: Double) -> String {
        stepsPerSecond < 100 ? String(format: "%.1f", stepsPerSecond) : grouped(Int(stepsPerSecond.rounded()))
    }

    /// An integer with a comma every three digits: 1234567 → 1,234,567.
    static func grouped(_ value: Int) -> String {
        let digits = String(value.magnitude)
        var out = ""
        for (index, digit) in digits.enumerated() {
            if index > 0 && (digits.count - index) % 3 == 0 { out.append(",") }
            out.append(digit)
        }
        return value < 0 ? "-" + out : out
    }
}
