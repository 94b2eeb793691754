import CKernels
import Foundation
import Numerics

/// Adam's hyperparameters. Defaults are PyTorch's; the actor and discriminator use betas (0.4, 0.999).
public struct AdamConfig: Codable, Sendable, Equatable {
    public var learningRate: Float
    public var beta1: Float = 0.9
    public var beta2: Float = 0.999
    public var epsilon: Float = 1e-8

    public init(learningRate: Float, beta1: Float = 0.9, beta2: Float = 0.999, epsilon: Float = 1e-8) {
        self.learningRate = learningRate
        self.beta1 = beta1
        self.beta2 = beta2
        self.epsilon = epsilon
    }
}

/// Adam over one `ParameterBuffer`, with coupled L2 weight decay per parameter group (g ← g + wd·θ before the
/// moments, as `torch.optim.Adam(weight_decay=…)`; not AdamW). The moments live in the buffer; this struct
/// holds the step count and the group ranges.
public struct Adam: Sendable {
    public var config: AdamConfig
    /// Steps taken so far (bias correction uses it); saved in checkpoints.
    public var step: Int = 0
    /// Contiguous runs of the buffer with one weight decay each.
    let ranges: [DecayRange]

    struct DecayRange {
        let offset: Int
        var count: Int
        let weightDecay: Float
    }

    /// `weightDecay` maps group names to their decay; groups not named get 0.
    public init(_ config: AdamConfig, layout: ParameterLayout, weightDecay: [String: Float] = [:]) {
        self.config = config
        var ranges: [DecayRange] = []
        for tensor in layout.tensors {
            let decay = weightDecay[tensor.group] ?? 0
            if let last = ranges.last, last.weightDecay == decay, last.offset + last.count == tensor.offset {
                ranges[ranges.count - 1].count += tensor.count
            } else {
                ranges.append(DecayRange(offset: tensor.offset, count: tensor.count, weightDecay: decay))
            }
        }
        self.ranges = ranges
    }

    /// One update of every parameter from the buffer's gradients.
    public mutating func update(_ params: ParameterBuffer) {
        step += 1
        let t = Double(step)
        let correction1 = Float(1 - pow(Double(config.beta1), t))
        let correction2 = Float(1 - pow(Double(config.beta2), t))
        for i in 0..<ranges.count {
            let range = ranges[i]
            ampl_adam_step(range.count, params.values.pointer + range.offset, params.gradients.pointer + range.offset,
                           params.firstMoment.pointer + range.offset, params.secondMoment.pointer + range.offset,
                           config.learningRate, config.beta1, config.beta2, config.epsilon, range.weightDecay,
                           correction1, correction2)
        }
    }
}
