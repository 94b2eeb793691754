import Foundation
import Numerics

/// Environment steps per second of `name` under uniform-random actions, on the calling thread: resets count
/// against the time, episodes restart as they end. For `ampl bench env`.
public func benchmarkEnvironment(name: String, steps: Int, modelsDirectory: String? = nil) throws -> Double {
    precondition(steps > 0, "benchmark at least one step")
    let environment = try makeEnvironment(name: name, modelsDirectory: modelsDirectory)
    let policy = RandomPolicy(spec: environment.spec)
    var rng = RandomStream(seed: 0, purpose: .exploration)
    var observation = [Float](repeating: 0, count: environment.spec.observationDimension)
    var action = [Float](repeating: 0, count: environment.spec.actionDimension)

    let clock = ContinuousClock()
    let elapsed = clock.measure {
        observation.withUnsafeMutableBufferPointer { observation in
            action.withUnsafeMutableBufferPointer { action in
                environment.reset(rng: &rng, observation: observation)
                for _ in 0..<steps {
                    policy.act(observation: UnsafeBufferPointer(observation), rng: &rng, into: action)
                    let outcome = environment.step(action: UnsafeBufferPointer(action), observation: observation)
                    if outcome.isLast { environment.reset(rng: &rng, observation: observation) }
                }
            }
        }
    }
    let seconds = Double(elapsed.components.seconds) + Double(elapsed.components.attoseconds) * 1e-18
    return Double(steps) / seconds
}
