import Datasets
import Foundation
import Networks
import Numerics

/// The coordinator's checkpoint: trainer state, learners, ω estimator, ensemble and the generated buffer,
/// in one atomic file `checkpoints/latest.ckpt`. Written after every model round and at the end.
extension AMPLTrainer {
    func writeCheckpoint() throws {
        var writer = CheckpointWriter()
        try writer.add("trainer.state", json: state)
        try writer.add("trainer.iteration-random", json: iterationRandom)
        try learner.write(into: &writer)
        try estimator.write(into: &writer)
        try backend.write(into: &writer)
        let columns = generated.columns
        for (name, storage) in [("observations", columns.observations), ("actions", columns.actions),
                                ("rewards", columns.rewards), ("next-observations", columns.nextObservations),
                                ("terminals", columns.terminals)] {
            writer.add("generated.\(name)", floats: UnsafeBufferPointer(storage.buffer), shape: [storage.count])
        }
        try writer.add("generated.position", json: [generated.count, generated.writeIndex])
        try writer.write(to: checkpointFile)
    }

    func restoreCheckpoint() throws {
        let reader = try CheckpointReader(contentsOf: checkpointFile)
        state = try reader.json(TrainerState.self, "trainer.state")
        iterationRandom = try reader.json(IterationRandom.self, "trainer.iteration-random")
        try learner.restore(from: reader)
        try estimator.restore(from: reader)
        try backend.restore(from: reader)
        let columns = generated.columns
        for (name, storage) in [("observations", columns.observations), ("actions", columns.actions),
                                ("rewards", columns.rewards), ("next-observations", columns.nextObservations),
                                ("terminals", columns.terminals)] {
            try reader.copy("generated.\(name)", into: storage.buffer)
        }
        let position = try reader.json([Int].self, "generated.position")
        try generated.restore(count: position[0], writeIndex: position[1])
    }
}
