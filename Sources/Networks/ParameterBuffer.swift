import Numerics

/// One named tensor inside a network's parameter buffer: `count` values starting at `offset`.
/// `group` names the optimiser parameter group (per-group weight decay).
public struct ParameterTensor: Codable, Sendable, Equatable {
    public let name: String
    public let offset: Int
    public let shape: [Int]
    public let group: String

    public var count: Int { shape.reduce(1, *) }

    /// The same tensor seen `elements` further into the buffer with another shape (one ensemble member's slice).
    public func slice(name: String, elementOffset: Int, shape: [Int]) -> ParameterTensor {
        ParameterTensor(name: name, offset: offset + elementOffset, shape: shape, group: group)
    }
}

/// The ordered list of tensors of one network; building it assigns offsets. Layers add their tensors while
/// the network is being described, then one `ParameterBuffer` is allocated for all of them.
public struct ParameterLayout: Sendable {
    public private(set) var tensors: [ParameterTensor] = []
    public private(set) var count = 0

    public init() {}

    public mutating func add(_ name: String, shape: [Int], group: String) -> ParameterTensor {
        precondition(!tensors.contains { $0.name == name }, "parameter \(name) declared twice")
        let tensor = ParameterTensor(name: name, offset: count, shape: shape, group: group)
        tensors.append(tensor)
        count += tensor.count
        return tensor
    }
}

/// A network's parameters, gradients and Adam moments: four parallel contiguous buffers of one layout.
/// So a parameter message is one blob, a soft update is one axpby, gradient clipping is one sum of squares,
/// Adam is one fused loop and a checkpoint is one write.
///
/// Ownership: a buffer is mutated by the one thread that trains its network.
public final class ParameterBuffer: @unchecked Sendable {
    /// Names the network in error messages and checkpoints ("critic", "ensemble", …).
    public let name: String
    public let layout: ParameterLayout
    public let values: FloatStorage
    public let gradients: FloatStorage
    public let firstMoment: FloatStorage
    public let secondMoment: FloatStorage

    public init(name: String, layout: ParameterLayout) {
        self.name = name
        self.layout = layout
        values = FloatStorage(count: layout.count)
        gradients = FloatStorage(count: layout.count)
        firstMoment = FloatStorage(count: layout.count)
        secondMoment = FloatStorage(count: layout.count)
    }

    public var count: Int { layout.count }

    @inline(__always) public func value(_ t: ParameterTensor) -> UnsafeMutablePointer<Float> { values.pointer + t.offset }
    @inline(__always) public func gradient(_ t: ParameterTensor) -> UnsafeMutablePointer<Float> { gradients.pointer + t.offset }

    public func tensor(named name: String) -> ParameterTensor? { layout.tensors.first { $0.name == name } }

    public func zeroGradients() { gradients.zero() }

    /// Copies parameter values (not gradients or moments) from a network of the same layout.
    public func copyValues(from other: ParameterBuffer) {
        precondition(other.layout.tensors == layout.tensors, "copyValues: \(other.name) and \(name) differ in layout")
        values.copy(from: other.values)
    }

    /// Polyak averaging toward `source`: θ ← τ·θ_source + (1 − τ)·θ (a target network's soft update).
    public func softUpdate(toward source: ParameterBuffer, tau: Float) {
        precondition(source.count == count, "softUpdate: \(source.name) has \(source.count) values, \(name) \(count)")
        Kernels.axpby(count, a: tau, x: source.values.pointer, b: 1 - tau, y: values.pointer)
    }

    /// The global L2 norm of all gradients.
    public func gradientNorm() -> Float { Float(Kernels.sumOfSquares(count, gradients.pointer).squareRoot()) }

    /// PyTorch's `clip_grad_norm_(max_norm, error_if_nonfinite=True)`: scales all gradients by
    /// max_norm / (norm + 1e-6) when the norm exceeds max_norm. Returns the norm before clipping.
    @discardableResult
    public func clipGradientNorm(_ maxNorm: Float) throws -> Float {
        let norm = gradientNorm()
        guard norm.isFinite else { throw NetworkError.nonFiniteGradient(network: name, norm: norm) }
        let coefficient = maxNorm / (norm + 1e-6)
        if coefficient < 1 { Kernels.scale(count, gradients.pointer, by: coefficient) }
        return norm
    }
}

public enum NetworkError: Error, CustomStringConvertible, Equatable {
    case nonFiniteGradient(network: String, norm: Float)
    case nonFiniteLoss(network: String, loss: Float)

    public var description: String {
        switch self {
        case let .nonFiniteGradient(network, norm):
            return "non-finite gradient norm (\(norm)) in network '\(network)'"
        case let .nonFiniteLoss(network, loss):
            return "non-finite loss (\(loss)) in network '\(network)'"
        }
    }
}
