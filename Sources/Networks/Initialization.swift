import Foundation
import Numerics

/// How a linear layer's weight W (in, out) and bias b (out) start.
public enum Initialization: Sendable, Equatable {
    /// PyTorch's `nn.Linear` default: W and b ~ U(−1/√fan_in, 1/√fan_in).
    case pytorchDefault
    /// The dynamics ensemble's: W = fmod(N(0, 1), 2) / (2√fan_in) (wrapped into (−2, 2) by remainder, not
    /// resampled), b = 0.
    case wrappedNormal
    /// A small last layer: W ~ U(−bound, bound), b = 0 (the MIW network uses bound 3e-3).
    case smallUniform(bound: Float)

    /// Fills `count` weights (fan-in `fanIn`) and `biasCount` biases.
    public func fill(weights: UnsafeMutablePointer<Float>, count: Int, bias: UnsafeMutablePointer<Float>,
                     biasCount: Int, fanIn: Int, rng: inout RandomStream) {
        switch self {
        case .pytorchDefault:
            let bound = 1 / Float(fanIn).squareRoot()
            for i in 0..<count { weights[i] = rng.uniform(-bound, bound) }
            for i in 0..<biasCount { bias[i] = rng.uniform(-bound, bound) }
        case .wrappedNormal:
            let scale = 1 / (2 * Float(fanIn).squareRoot())
            for i in 0..<count { weights[i] = fmodf(rng.normal(), 2) * scale }
            bias.update(repeating: 0, count: biasCount)
        case let .smallUniform(bound):
            for i in 0..<count { weights[i] = rng.uniform(-bound, bound) }
            bias.update(repeating: 0, count: biasCount)
        }
    }
}
