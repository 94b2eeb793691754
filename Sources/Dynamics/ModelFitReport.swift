/// What one model round (a weighted-MLE fit of the ensemble) did.
public struct ModelFitReport: Codable, Sendable, Equatable {
    /// Model epochs trained (every member trains the same number).
    public var modelEpochs: Int
    /// Gradient steps per member: modelEpochs × stepsPerModelEpoch.
    public var steps: Int
    /// Per member: the weighted holdout loss after restoring its best snapshot (no bound term).
    public var holdoutLosses: [Float]
    /// The members chosen for sampling, ascending.
    public var elites: [Int]
    /// Wall-clock time of the fit.
    public var seconds: Double

    public init(modelEpochs: Int, steps: Int, holdoutLosses: [Float], elites: [Int], seconds: Double) {
        self.modelEpochs = modelEpochs
        self.steps = steps
        self.holdoutLosses = holdoutLosses
        self.elites = elites
        self.seconds = seconds
    }
}
