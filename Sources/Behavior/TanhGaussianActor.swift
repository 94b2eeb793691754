import Foundation
import Networks
import Numerics

/// SAC's policy: a = tanh(u), u = μ(s) + σ(s)·ε, ε ~ N(0, I), with μ and log σ from one MLP
/// (S → 256 → 256 → 2A, ReLU; the last layer's columns are [μ | log σ]) and log σ clamped to [−20, 2].
///
///     log π(a|s) = Σ_d [ −½ε_d² − log σ_d − ½ log 2π − log(1 − tanh²u_d) ]
///     log(1 − tanh²u) = 2(log 2 − u − softplus(−2u))          (stable form)
public struct TanhGaussianActor: Sendable {
    public static let logStdRange: ClosedRange<Float> = -20...2
    public let mlp: MLP
    public let observationDim: Int
    public let actionDim: Int

    public init(observationDim: Int, actionDim: Int, hidden: [Int], layout: inout ParameterLayout) {
        self.observationDim = observationDim
        self.actionDim = actionDim
        mlp = MLP("actor", sizes: [observationDim] + hidden + [2 * actionDim], hidden: .relu, layout: &layout)
    }

    public func makeWorkspace(maxRows: Int) -> ActorWorkspace { ActorWorkspace(actor: self, maxRows: maxRows) }

    // sample: observations (B, S) → actions (B, A) in ws.actions, log π (B) in ws.logProb.
    // With `deterministic`, a = tanh(μ) and log π is not computed. `noiseScale` s widens the Gaussian to
    // N(μ, (s·σ)²) (dataset recording only; log π is then the widened policy's); s = 1 is the policy itself.
    @discardableResult
    public func sample(_ observations: Matrix, params: ParameterBuffer, workspace ws: ActorWorkspace,
                       rng: inout RandomStream, deterministic: Bool = false, noiseScale: Float = 1) -> Matrix {
        let rows = observations.rows, a = actionDim
        ws.rows = rows
        let out = mlp.forward(observations, params: params, workspace: ws.mlp)          // (B, 2A)
        let noise = ws.noise.matrix(rows: rows, cols: a)
        if deterministic { noise.fill(0) } else { rng.fillNormal(noise.buffer) }
        let actions = ws.actions.matrix(rows: rows, cols: a)
        let halfLog2Pi = Float(0.5 * Foundation.log(2 * Double.pi))
        let logNoiseScale = Foundation.log(noiseScale)
        for i in 0..<rows {
            var logProb: Float = 0
            for d in 0..<a {
                let mean = out[i, d]
                // log s is exactly 0 for s = 1, so the policy itself is unchanged bit for bit.
                let logStd = min(max(out[i, a + d], Self.logStdRange.lowerBound), Self.logStdRange.upperBound) + logNoiseScale
                let sigma = Foundation.exp(logStd)
                let eps = noise[i, d]
                let u = mean + sigma * eps
                let action = Foundation.tanh(u)
                actions[i, d] = action
                ws.sigma[i * a + d] = sigma
                let logOneMinusTanhSquared = 2 * (Float(M_LN2) - u - GaussianNLL.softplus(-2 * u))
                logProb += -0.5 * eps * eps - logStd - halfLog2Pi - logOneMinusTanhSquared
            }
            ws.logProb[i] = logProb
        }
        return actions
    }

    // backward of the last `sample`, given g_a = ∂L/∂a (B, A) and g_l = ∂L/∂log π (B):
    //   ∂L/∂u = g_a·(1 − a²) + g_l·2a;   ∂L/∂μ = ∂L/∂u;   ∂L/∂log σ = ∂L/∂u·σε − g_l  (0 where clamped)
    public func backward(actionGradient: Matrix, logProbGradient: UnsafePointer<Float>, params: ParameterBuffer,
                         workspace ws: ActorWorkspace) {
        let rows = ws.rows, a = actionDim
        let out = ws.mlp.outputView(rows: rows, cols: 2 * a, mlp: mlp)
        let dOut = ws.outputGradient.matrix(rows: rows, cols: 2 * a)
        for i in 0..<rows {
            for d in 0..<a {
                let action = ws.actions[i * a + d]
                let dU = actionGradient[i, d] * (1 - action * action) + logProbGradient[i] * 2 * action
                dOut[i, d] = dU
                let rawLogStd = out[i, a + d]
                let clamped = rawLogStd < Self.logStdRange.lowerBound || rawLogStd > Self.logStdRange.upperBound
                dOut[i, a + d] = clamped ? 0 : dU * ws.sigma[i * a + d] * ws.noise[i * a + d] - logProbGradient[i]
            }
        }
        mlp.backward(dOut, params: params, workspace: ws.mlp)
    }
}

/// Per-call state of `TanhGaussianActor`: the MLP cache plus noise, σ, actions and log-probabilities.
public final class ActorWorkspace: @unchecked Sendable {
    let mlp: MLPWorkspace
    let noise: FloatStorage
    let sigma: FloatStorage
    public let actions: FloatStorage
    public let logProb: FloatStorage
    let outputGradient: FloatStorage
    var rows = 0

    init(actor: TanhGaussianActor, maxRows: Int) {
        mlp = actor.mlp.makeWorkspace(maxRows: maxRows)
        noise = FloatStorage(count: maxRows * actor.actionDim)
        sigma = FloatStorage(count: maxRows * actor.actionDim)
        actions = FloatStorage(count: maxRows * actor.actionDim)
        logProb = FloatStorage(count: maxRows)
        outputGradient = FloatStorage(count: maxRows * 2 * actor.actionDim)
    }
}
