/// One member's whole training state: what a process that takes the member over needs to continue exactly where
/// its previous owner stopped. Adam's moments matter as much as the parameters: without them the next model
/// round would start with fresh bias correction and take different steps.
public struct MemberState: Sendable, Equatable {
    /// W, b and the log-std bounds, in the member's buffer layout.
    public var values: [Float]
    /// Adam's first and second moments, same layout.
    public var firstMoment: [Float]
    public var secondMoment: [Float]
    /// Adam's step count (its bias correction).
    public var adamStep: Int

    public init(values: [Float], firstMoment: [Float], secondMoment: [Float], adamStep: Int) {
        self.values = values
        self.firstMoment = firstMoment
        self.secondMoment = secondMoment
        self.adamStep = adamStep
    }
}

extension GaussianEnsemble {
    /// A copy of member m's parameters and Adam state.
    public func memberState(_ m: Int) -> MemberState {
        let params = memberParams[m]
        return MemberState(values: params.values.toArray(), firstMoment: params.firstMoment.toArray(),
                           secondMoment: params.secondMoment.toArray(), adamStep: optimizers[m].step)
    }

    /// Replaces member m's parameters and Adam state, after checking every array fits its buffer.
    public func setMemberState(_ m: Int, _ state: MemberState) throws {
        guard (0..<memberCount).contains(m) else { throw DynamicsError.shapeMismatch("no member \(m) of \(memberCount)") }
        let params = memberParams[m]
        for (name, array) in [("parameters", state.values), ("Adam first moment", state.firstMoment),
                              ("Adam second moment", state.secondMoment)] where array.count != params.count {
            throw DynamicsError.shapeMismatch("member \(m) has \(params.count) values, its \(name) has \(array.count)")
        }
        guard state.adamStep >= 0 else { throw DynamicsError.shapeMismatch("member \(m): Adam step \(state.adamStep)") }
        for (array, storage) in [(state.values, params.values), (state.firstMoment, params.firstMoment),
                                 (state.secondMoment, params.secondMoment)] {
            array.withUnsafeBufferPointer { storage.pointer.update(from: $0.baseAddress!, count: array.count) }
        }
        optimizers[m].step = state.adamStep
    }
}
