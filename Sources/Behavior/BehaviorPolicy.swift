import Environments
import Foundation
import Networks
import Numerics

/// What a policy checkpoint records besides the actor's weights.
public struct BehaviorPolicyInfo: Codable, Sendable, Equatable {
    public var env: String
    public var observationDim: Int
    public var actionDim: Int
    public var hidden: [Int]
    /// Environment steps of SAC training behind this policy.
    public var trainingSteps: Int
    /// Mean return and D4RL-normalised score of the evaluation made when it was saved.
    public var evaluationReturn: Double
    public var normalizedScore: Double
    public var evaluationEpisodes: Int
}

/// A trained SAC actor used as a behaviour policy: it samples a = tanh(μ + σε) (D4RL's datasets were collected
/// with the stochastic policy), or acts with tanh(μ) when `deterministic`. `noiseScale` s samples
/// a = tanh(μ + s·σε) instead, for datasets with wider action coverage (`ampl dataset make --policy-noise-scale`).
public final class BehaviorPolicy: Policy, @unchecked Sendable {
    public let info: BehaviorPolicyInfo
    public let deterministic: Bool
    public let noiseScale: Float
    let actor: TanhGaussianActor
    let params: ParameterBuffer
    let workspace: ActorWorkspace
    let observation: FloatStorage
    /// log π of the last action (D4RL's `infos/action_log_probs`).
    public private(set) var lastLogProb: Float = 0

    init(info: BehaviorPolicyInfo, actor: TanhGaussianActor, params: ParameterBuffer, deterministic: Bool,
         noiseScale: Float = 1) {
        self.info = info
        self.actor = actor
        self.params = params
        self.deterministic = deterministic
        self.noiseScale = noiseScale
        workspace = actor.makeWorkspace(maxRows: 1)
        observation = FloatStorage(count: info.observationDim)
    }

    public func act(observation obs: UnsafeBufferPointer<Float>, rng: inout RandomStream,
                    into action: UnsafeMutableBufferPointer<Float>) {
        for i in 0..<info.observationDim { observation[i] = obs[i] }
        let a = actor.sample(observation.matrix(rows: 1, cols: info.observationDim), params: params,
                             workspace: workspace, rng: &rng, deterministic: deterministic, noiseScale: noiseScale)
        for d in 0..<info.actionDim { action[d] = a.base[d] }
        lastLogProb = workspace.logProb[0]
    }

    /// Writes the actor's weights and `info` to one checkpoint file.
    public static func save(actor: TanhGaussianActor, params: ParameterBuffer, info: BehaviorPolicyInfo, to url: URL) throws {
        var writer = CheckpointWriter()
        try writer.add("policy.info", json: info)
        try writer.add(params, prefix: "actor")
        try writer.write(to: url)
    }

    public static func load(_ url: URL, deterministic: Bool = false, noiseScale: Float = 1) throws -> BehaviorPolicy {
        let reader = try CheckpointReader(contentsOf: url)
        let info = try reader.json(BehaviorPolicyInfo.self, "policy.info")
        var layout = ParameterLayout()
        let actor = TanhGaussianActor(observationDim: info.observationDim, actionDim: info.actionDim,
                                      hidden: info.hidden, layout: &layout)
        let params = ParameterBuffer(name: "actor", layout: layout)
        try reader.restore(params, prefix: "actor")
        return BehaviorPolicy(info: info, actor: actor, params: params, deterministic: deterministic, noiseScale: noiseScale)
    }

    /// The actor's weights under D4RL's `metadata/policy/*` names (rlkit's fc0, fc1, last_fc, last_fc_log_std),
    /// each weight stored (out, in) as PyTorch does.
    public func d4rlPolicyArrays() -> [String: (shape: [Int], values: [Float])] {
        var arrays: [String: (shape: [Int], values: [Float])] = [:]
        let layers = actor.mlp.layers
        func transposed(_ layer: Linear, columns: Range<Int>) -> [Float] {
            var out: [Float] = []
            for o in columns { for i in 0..<layer.inputs { out.append(params.value(layer.weight)[i * layer.outputs + o]) } }
            return out
        }
        for (l, layer) in layers.dropLast().enumerated() {
            arrays["fc\(l)/weight"] = ([layer.outputs, layer.inputs], transposed(layer, columns: 0..<layer.outputs))
            arrays["fc\(l)/bias"] = ([layer.outputs], Array(UnsafeBufferPointer(start: params.value(layer.bias), count: layer.outputs)))
        }
        let last = layers[layers.count - 1], a = info.actionDim
        let bias = UnsafeBufferPointer(start: params.value(last.bias), count: 2 * a)
        arrays["last_fc/weight"] = ([a, last.inputs], transposed(last, columns: 0..<a))
        arrays["last_fc/bias"] = ([a], Array(bias[0..<a]))
        arrays["last_fc_log_std/weight"] = ([a, last.inputs], transposed(last, columns: a..<(2 * a)))
        arrays["last_fc_log_std/bias"] = ([a], Array(bias[a..<(2 * a)]))
        return arrays
    }
}
