import AMPL
import Cluster
import Dynamics
import Foundation
import Testing

/// The coordinator and worker roles' logic that needs no `ampl` process: rollout chunk sizing and placement,
/// member placement over real sockets, training message bodies through the wire, and the launcher lookup.
@Suite("Distributed roles", .timeLimit(.minutes(1)))
struct DistributedRoleTests {
    // MARK: Rollout chunks

    @Test func deterministicWavesAreOneChunkSizedByTheLocalRule() {
        #expect(RolloutPlan.wave(target: 32_000, added: 0, chunkSize: 2048, horizon: 5, deterministic: true) == [2048])
        #expect(RolloutPlan.wave(target: 32_000, added: 30_720, chunkSize: 2048, horizon: 5, deterministic: true) == [1280])
        #expect(RolloutPlan.wave(target: 100, added: 100, chunkSize: 2048, horizon: 5, deterministic: true).isEmpty)
    }

    @Test func aWaveSizesChunksAsIfNoRolloutTerminated() {
        // Spec §3.8's example: h = 5, target 32,000 → 3 × 2048 + 1280 start states, as the local rule gives
        // when nothing terminates.
        #expect(RolloutPlan.wave(target: 32_000, added: 0, chunkSize: 2048, horizon: 5, deterministic: false)
                == [2048, 2048, 2048, 1280])
        // h = 1: every start is one transition.
        #expect(RolloutPlan.wave(target: 5_000, added: 0, chunkSize: 2048, horizon: 1, deterministic: false)
                == [2048, 2048, 904])
        // After a wave whose rollouts were cut short, the next wave covers what is missing.
        #expect(RolloutPlan.wave(target: 32_000, added: 31_000, chunkSize: 2048, horizon: 5, deterministic: false)
                == [1000])
    }

    @Test func chunksGoRoundRobinOverTheRolloutWorkers() {
        #expect((0..<7).map { RolloutPlan.worker(forChunk: $0, workers: 3) } == [0, 1, 2, 0, 1, 2, 0])
        #expect((0..<3).map { RolloutPlan.worker(forChunk: $0, workers: 1) } == [0, 0, 0])
    }

    // MARK: Member placement

    /// `workers` DEALERs say HELLO with ranks 0…; the coordinator gathers them and places `members`.
    func placement(members: Int, workers: Int) throws -> [Int: [Int]] {
        let context = try ZMQContext()
        let link = try CoordinatorLink(context: context, endpoint: "tcp://127.0.0.1:*", security: .plain,
                                       memberCount: members, log: { _ in })
        var sockets: [ZMQSocket] = []
        var rankOf: [PeerIdentity: Int] = [:]
        for rank in (0..<workers).reversed() {   // arrival order must not matter, rank does
            let identity = PeerIdentity.worker(rank: rank, incarnation: .random())
            let socket = try ControlChannel.connectWorker(context, endpoint: link.endpoint, identity: identity,
                                                          security: .plain)
            try socket.send(try OutgoingMessage(.hello, runID: 0, body: HelloBody(incarnation: .random(), rank: rank)))
            sockets.append(socket)
            rankOf[identity] = rank
        }
        let placed = try link.gatherWorkers(workers, timeout: 5)
        return Dictionary(uniqueKeysWithValues: placed.map { (rankOf[$0.key]!, $0.value) })
    }

    @Test func membersSpreadRoundRobinOverTheWorkersByRank() throws {
        #expect(try placement(members: 3, workers: 3) == [0: [0], 1: [1], 2: [2]])
        #expect(try placement(members: 3, workers: 2) == [0: [0, 2], 1: [1]])
        #expect(try placement(members: 3, workers: 4) == [0: [0], 1: [1], 2: [2], 3: []])   // rank 3 is a spare
    }

    @Test func gatheringGivesUpNamingTheEndpoint() throws {
        let link = try CoordinatorLink(context: try ZMQContext(), endpoint: "tcp://127.0.0.1:*", security: .plain,
                                       memberCount: 3, log: { _ in })
        #expect(throws: RemoteEnsembleError.workersMissing(expected: 1, arrived: 0, endpoint: link.endpoint, seconds: 0.2)) {
            _ = try link.gatherWorkers(1, timeout: 0.2)
        }
    }

    // MARK: Message bodies

    /// Encodes `body` into a message of `type`, decodes it as the receiving side would, and returns the body.
    func roundTrip<Body: Codable>(_ type: MessageType, _ body: Body, payload: [FloatBlob] = []) throws -> Body {
        let runID: UInt64 = 77
        let message = try OutgoingMessage(type, runID: runID, round: 2, version: 5, member: 1, body: body,
                                          payload: payload)
        let receiver: Sender = type.sender == .worker ? .coordinator : .worker
        let decoded = try WireDecoder(receiver: receiver, runID: runID).decode(frames(wireBytes(message))).get()
        #expect(decoded.header == message.header)
        #expect(decoded.payload.count == payload.count)
        return try decoded.body(as: Body.self)
    }

    @Test func trainingBodiesSurviveTheWire() throws {
        let assign = AssignBody(members: [0, 2], config: "{\"seed\":1}", configDigest: 12, datasetPath: "/d.hdf5",
                                datasetDigest: 34, datasetFileBytes: 56, datasetFileCRC: 78, heartbeat: .standard)
        #expect(try roundTrip(.assign, assign) == assign)
        let report = EpochReportBody(modelEpoch: 3, holdoutLoss: -1.25, improved: true)
        #expect(try roundTrip(.epochReport, report) == report)
        // A diverged member's NaN loss travels as null and comes back as NaN.
        let nanReport = try roundTrip(.epochReport, EpochReportBody(modelEpoch: 1, holdoutLoss: .nan, improved: false))
        #expect(nanReport.holdoutLoss == nil)
        #expect(try roundTrip(.roundDone, RoundDoneBody(holdoutLoss: .nan, adamStep: 3),
                                payload: [FloatBlob([1]), FloatBlob([2]), FloatBlob([3])]).loss.isNaN)
        let decision = EpochDecisionBody(modelEpoch: 3, stop: true)
        #expect(try roundTrip(.epochDecision, decision) == decision)
        let ensemble = EnsembleBody(elites: [0, 2], normalization: .identity(inputs: 3, targets: 2))
        #expect(try roundTrip(.ensemble, ensemble, payload: [FloatBlob([1, 2]), FloatBlob([3, 4])]) == ensemble)
        let request = RolloutRequestBody(generation: 4, chunk: 1, startStates: 256)
        #expect(try roundTrip(.rolloutRequest, request, payload: [FloatBlob([0.5])]) == request)
        let rollouts = RolloutsBody(generation: 4, chunk: 1, report: RolloutReport(transitionsAdded: 512, startStates: 256,
                                                                                    terminated: 3, meanReward: 0.25, seconds: 0.1))
        #expect(try roundTrip(.rollouts, rollouts, payload: [FloatBlob([1])]) == rollouts)
    }

    @Test func theConfigDigestSurvivesADecodeEncodeRoundTrip() throws {
        var config = AMPLConfig()
        config.seed = 42
        config.ensemble.members = 3
        let text = try RunDigest.configJSON(config)
        let decoded = try JSONDecoder().decode(AMPLConfig.self, from: Data(text.utf8))
        #expect(decoded == config)
        #expect(RunDigest.of(configJSON: try RunDigest.configJSON(decoded)) == RunDigest.of(configJSON: text))
        config.seed = 43
        #expect(RunDigest.of(configJSON: try RunDigest.configJSON(config)) != RunDigest.of(configJSON: text))
    }

    // MARK: Launcher environment

    @Test func rankComesFromTheFlagThenTheLaunchersVariables() throws {
        #expect(try LauncherEnvironment.rank(explicit: 5, environment: ["SLURM_PROCID": "2"]) == 5)
        #expect(try LauncherEnvironment.rank(explicit: nil, environment: ["SLURM_PROCID": "2", "RANK": "9"]) == 2)
        #expect(try LauncherEnvironment.rank(explicit: nil, environment: ["OMPI_COMM_WORLD_RANK": "3", "RANK": "9"]) == 3)
        #expect(try LauncherEnvironment.rank(explicit: nil, environment: ["RANK": "9"]) == 9)
        #expect(try LauncherEnvironment.rank(explicit: nil, environment: ["JOB_COMPLETION_INDEX": "4"]) == 4)
        #expect(try LauncherEnvironment.rank(explicit: nil, environment: [:]) == nil)
        #expect(throws: LauncherEnvironment.LookupError.invalidRank(variable: "RANK", value: "x")) {
            try LauncherEnvironment.rank(explicit: nil, environment: ["RANK": "x"])
        }
    }

    @Test func coordinatorComesFromTheFlagThenAMPLCoordinatorThenMasterAddress() throws {
        let torchrun = ["MASTER_ADDR": "10.0.0.1", "MASTER_PORT": "29500"]
        #expect(try LauncherEnvironment.coordinator(explicit: "tcp://a:1", environment: torchrun) == "tcp://a:1")
        #expect(try LauncherEnvironment.coordinator(explicit: nil, environment: torchrun.merging(
            ["AMPL_COORDINATOR": "tcp://b:2"]) { $1 }) == "tcp://b:2")
        #expect(try LauncherEnvironment.coordinator(explicit: nil, environment: torchrun) == "tcp://10.0.0.1:29500")
        #expect(throws: LauncherEnvironment.LookupError.noCoordinator) {
            try LauncherEnvironment.coordinator(explicit: nil, environment: ["MASTER_ADDR": "10.0.0.1"])
        }
    }

    @Test func keysComeFromTheFlagThenAMPLKeys() {
        #expect(LauncherEnvironment.keyDirectory(explicit: "/a", environment: ["AMPL_KEYS": "/b"]) == "/a")
        #expect(LauncherEnvironment.keyDirectory(explicit: nil, environment: ["AMPL_KEYS": "/b"]) == "/b")
        #expect(LauncherEnvironment.keyDirectory(explicit: nil, environment: ["AMPL_KEYS": ""]) == nil)
        #expect(LauncherEnvironment.keyDirectory(explicit: nil, environment: [:]) == nil)
    }
}
