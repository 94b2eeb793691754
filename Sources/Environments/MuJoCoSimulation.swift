import CMuJoCo
import Foundation

/// Serialises `mj_loadXML`: the XML compiler keeps process-wide state, and Swift Testing (or a dataset maker)
/// may build environments on several threads at once. Stepping needs no lock: each simulation owns its data.
private let modelLoadingLock = NSLock()

/// One MuJoCo model and its simulation data (MuJoCo 2.2.2 from Debian's libmujoco-dev), with the few operations
/// the gymnasium MuJoCo environments use. Owns both C objects and frees them in `deinit`.
///
/// Used by one thread at a time (see `Environment`); `@unchecked Sendable` so an environment can move between
/// threads, not be shared.
final class MuJoCoSimulation: @unchecked Sendable {
    private let model: UnsafeMutablePointer<mjModel>
    private let data: UnsafeMutablePointer<mjData>
    let positionCount: Int
    let velocityCount: Int
    let controlCount: Int
    /// The physics step, seconds (from the XML).
    let timestep: Double

    /// Loads `path`, checking that it exists first so a missing file gets the error that says how to fetch it.
    init(modelPath path: String) throws {
        guard FileManager.default.isReadableFile(atPath: path) else {
            throw EnvironmentError.modelFileMissing(path: path)
        }
        var errorText = [CChar](repeating: 0, count: 1000)
        let loaded = modelLoadingLock.withLock {
            mj_loadXML(path, nil, &errorText, Int32(errorText.count))
        }
        guard let loaded else {
            let reason = String(decoding: errorText.prefix { $0 != 0 }.map { UInt8(bitPattern: $0) }, as: UTF8.self)
            throw EnvironmentError.modelInvalid(path: path, reason: reason.isEmpty ? "mj_loadXML failed" : reason)
        }
        guard let made = mj_makeData(loaded) else {
            mj_deleteModel(loaded)
            throw EnvironmentError.modelInvalid(path: path, reason: "mj_makeData failed")
        }
        model = loaded
        data = made
        positionCount = Int(loaded.pointee.nq)
        velocityCount = Int(loaded.pointee.nv)
        controlCount = Int(loaded.pointee.nu)
        timestep = loaded.pointee.opt.timestep
    }

    deinit {
        mj_deleteData(data)
        mj_deleteModel(model)
    }

    /// The model's reference positions (`qpos0`): gymnasium's `init_qpos`.
    var initialPositions: [Double] { (0..<positionCount).map { model.pointee.qpos0[$0] } }

    /// The control range of actuator `index`, (low, high).
    func controlRange(_ index: Int) -> (low: Double, high: Double) {
        (model.pointee.actuator_ctrlrange[2 * index], model.pointee.actuator_ctrlrange[2 * index + 1])
    }

    func position(_ index: Int) -> Double { data.pointee.qpos[index] }
    func velocity(_ index: Int) -> Double { data.pointee.qvel[index] }

    var positions: [Double] { (0..<positionCount).map { data.pointee.qpos[$0] } }
    var velocities: [Double] { (0..<velocityCount).map { data.pointee.qvel[$0] } }

    /// Gives `body` read access to qpos and qvel in place, without copying (health checks run every step).
    func withState<Result>(
        _ body: (_ qpos: UnsafeBufferPointer<Double>, _ qvel: UnsafeBufferPointer<Double>) -> Result
    ) -> Result {
        body(UnsafeBufferPointer(start: data.pointee.qpos, count: positionCount),
             UnsafeBufferPointer(start: data.pointee.qvel, count: velocityCount))
    }

    /// gymnasium's `set_state`: overwrite qpos and qvel, then `mj_forward` so derived quantities match.
    func setState(positions: [Double], velocities: [Double]) {
        precondition(positions.count == positionCount && velocities.count == velocityCount,
                     "state needs \(positionCount) positions and \(velocityCount) velocities")
        for i in 0..<positionCount { data.pointee.qpos[i] = positions[i] }
        for i in 0..<velocityCount { data.pointee.qvel[i] = velocities[i] }
        mj_forward(model, data)
    }

    /// Clears everything a previous episode left (time, warm starts, contacts, controls): gymnasium's reset
    /// calls this before setting the noisy initial state.
    func resetData() { mj_resetData(model, data) }

    /// gymnasium's `do_simulation`: ctrl = action as given (MuJoCo clamps it to ctrlrange because the models
    /// set ctrllimited), `frameSkip` calls of `mj_step`, then `mj_rnePostConstraint` as v4 does.
    func simulate(action: UnsafeBufferPointer<Float>, frameSkip: Int) {
        precondition(action.count == controlCount, "action has \(action.count) values, model has \(controlCount)")
        for i in 0..<controlCount { data.pointee.ctrl[i] = Double(action[i]) }
        for _ in 0..<frameSkip { mj_step(model, data) }
        mj_rnePostConstraint(model, data)
    }
}
