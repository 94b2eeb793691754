import Datasets
import Environments

/// Records environment steps in D4RL's layout: observation and simulator state *before* the step, the action,
/// reward, next observation, and the two end flags (`terminals` only when the environment ended the episode,
/// `timeouts` on the step the time limit cut; a timeout wins if both apply, as in D4RL).
public struct StepRecorder {
    let observationDim: Int
    let actionDim: Int
    var observations: [Float] = []
    var actions: [Float] = []
    var rewards: [Float] = []
    var nextObservations: [Float] = []
    var terminals: [Bool] = []
    var timeouts: [Bool] = []
    var qpos: [Float] = []
    var qvel: [Float] = []
    var logProbs: [Float] = []
    let positionCount: Int
    let velocityCount: Int

    public init(spec: EnvironmentSpec, reserve: Int = 0) {
        observationDim = spec.observationDimension
        actionDim = spec.actionDimension
        positionCount = spec.positionCount
        velocityCount = spec.velocityCount
        observations.reserveCapacity(reserve * observationDim)
        nextObservations.reserveCapacity(reserve * observationDim)
        actions.reserveCapacity(reserve * actionDim)
    }

    public var count: Int { rewards.count }

    /// `qpos`/`qvel` are the state before the step (D4RL's `infos/qpos`, `infos/qvel`).
    public mutating func record(observation: [Float], qpos stateQpos: [Double], qvel stateQvel: [Double],
                                action: [Float], logProb: Float, outcome: StepOutcome, nextObservation: [Float]) {
        observations += observation
        qpos += stateQpos.map(Float.init)
        qvel += stateQvel.map(Float.init)
        actions += action
        logProbs.append(logProb)
        rewards.append(Float(outcome.reward))
        nextObservations += nextObservation
        timeouts.append(outcome.truncated)
        terminals.append(outcome.terminated && !outcome.truncated)
    }

    /// The first `limit` steps (all by default) as a D4RL file's contents.
    public func steps(limit: Int? = nil, metadata: DatasetMetadata) -> D4RLSteps {
        let n = min(limit ?? count, count)
        func rows(_ values: [Float], _ width: Int) -> ShapedArray {
            ShapedArray(rows: n, cols: width, values: Array(values[0..<(n * width)]))
        }
        return D4RLSteps(observations: rows(observations, observationDim), actions: rows(actions, actionDim),
                         rewards: Array(rewards[0..<n]), terminals: Array(terminals[0..<n]),
                         timeouts: Array(timeouts[0..<n]), nextObservations: rows(nextObservations, observationDim),
                         qpos: positionCount > 0 ? rows(qpos, positionCount) : nil,
                         qvel: velocityCount > 0 ? rows(qvel, velocityCount) : nil,
                         actionLogProbs: Array(logProbs[0..<n]), metadata: metadata)
    }
}
