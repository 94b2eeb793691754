/// The coordinator's view of its workers in the Paranoid Pirate pattern (zguide ch. 4): who is connected, which
/// process incarnation each one is, when it was last heard, and which ensemble members it trains.
///
/// Member placement follows architecture §1: `assignRoundRobin` gives member m to the (m mod K)-th live worker
/// (ordered by rank, then by arrival), so K = E is one member per worker, K < E stacks members, and workers
/// beyond E are hot spares. When a worker dies or says BYE its members go to a spare, or, with no spare, wait
/// for the next worker to say HELLO. Whoever takes members over gets a full SNAPSHOT first.
///
/// A worker that was declared dead stays dead until it says HELLO again, even if its messages resume (a
/// healed partition delivers them on the old TCP connection): `heard(from:at:)` answers `.mustResync`, so a
/// member never has two owners.
///
/// Pure logic: no sockets and no clock. Callers pass the time (`MonotonicClock.now()` in production, a fake
/// clock in tests). Owned by the coordinator's single control loop.
public struct PeerTable: Sendable {
    public enum State: Sendable, Equatable {
        case alive
        /// Silent for `heartbeat.deadAfter`; its members were handed on.
        case dead
        /// Said BYE; its members were handed on.
        case departed
    }

    public struct Peer: Sendable, Equatable {
        public let identity: PeerIdentity
        public fileprivate(set) var incarnation: Incarnation
        public fileprivate(set) var rank: Int?
        public fileprivate(set) var state: State
        /// The members this worker trains, ascending; empty for a spare.
        public fileprivate(set) var members: [Int]
        public fileprivate(set) var link: PeerLiveness
        /// Arrival order, the tie-break after rank when members are placed.
        fileprivate var arrival: Int

        /// The order in which workers receive members: by rank, unranked last, then by arrival.
        fileprivate var placementKey: (Int, Int) { (rank ?? Int.max, arrival) }
    }

    /// What the coordinator does after a HELLO.
    public enum HelloOutcome: Sendable, Equatable {
        /// Members are not placed yet (`assignRoundRobin` not called): the worker waits.
        case waitingForAssignment
        /// Send ASSIGN for these members, preceded by a full SNAPSHOT.
        case assigned([Int])
        /// A hot spare: nothing to train until another worker dies.
        case spare
    }

    /// What a non-HELLO message says about its sender.
    public enum Contact: Sendable, Equatable {
        /// A live worker; its liveness was reset.
        case alive
        /// Never said HELLO: ask it to (send RESYNC), use nothing it sent.
        case unknown
        /// Declared dead or departed and then heard from: send RESYNC, use nothing it sent.
        case mustResync
    }

    /// Members handed from a dead or departed worker to `to`, or left waiting for a HELLO when `to` is nil.
    public struct Reassignment: Sendable, Equatable {
        public let members: [Int]
        public let from: PeerIdentity
        public let to: PeerIdentity?

        public init(members: [Int], from: PeerIdentity, to: PeerIdentity?) {
            self.members = members
            self.from = from
            self.to = to
        }
    }

    /// A worker that stopped being alive: declared dead by `sweep` or gone with BYE, and where its members went
    /// (nil for a spare, which trained nothing).
    public struct Departure: Sendable, Equatable {
        public let identity: PeerIdentity
        public let state: State
        public let reassignment: Reassignment?
    }

    public let memberCount: Int
    public let heartbeat: Heartbeat
    public private(set) var peers: [PeerIdentity: Peer] = [:]
    /// Members without a live owner, grouped as their dead worker held them; a HELLO takes the oldest group.
    public private(set) var orphanedMembers: [[Int]] = []
    /// Whether `assignRoundRobin` has placed the members.
    public private(set) var isAssigned = false
    private var arrivals = 0

    public init(memberCount: Int, heartbeat: Heartbeat = .standard) {
        precondition(memberCount > 0, "an ensemble has at least one member")
        self.memberCount = memberCount
        self.heartbeat = heartbeat
    }

    // MARK: Joining and leaving

    /// A worker said HELLO. A new identity, a returning dead worker, and a restarted process (same identity,
    /// new incarnation) are all handled here; a repeated HELLO from a live worker gets the same answer again.
    public mutating func hello(from identity: PeerIdentity, incarnation: Incarnation, rank: Int?,
                               at now: Double) -> HelloOutcome {
        if var peer = peers[identity], peer.state == .alive {
            // Same process repeating itself, or a restarted process that took over the identity before the
            // old one was declared dead: either way it keeps the members; the new one needs a snapshot.
            peer.incarnation = incarnation
            peer.rank = rank
            peer.link.heard(at: now)
            peers[identity] = peer
            return outcome(for: peer)
        }
        arrivals += 1
        var peer = Peer(identity: identity, incarnation: incarnation, rank: rank, state: .alive, members: [],
                        link: PeerLiveness(heartbeat: heartbeat, now: now), arrival: arrivals)
        if isAssigned, !orphanedMembers.isEmpty {
            peer.members = orphanedMembers.removeFirst()
        }
        peers[identity] = peer
        return outcome(for: peer)
    }

    /// A worker said BYE: it is gone now, not after a timeout. nil if it was not alive.
    public mutating func bye(from identity: PeerIdentity, at now: Double) -> Departure? {
        guard peers[identity]?.state == .alive else { return nil }
        return retire(identity, as: .departed)
    }

    // MARK: Liveness

    /// Any message other than HELLO arrived from `identity`.
    public mutating func heard(from identity: PeerIdentity, at now: Double) -> Contact {
        guard var peer = peers[identity] else { return .unknown }
        guard peer.state == .alive else { return .mustResync }
        peer.link.heard(at: now)
        peers[identity] = peer
        return .alive
    }

    /// Something was sent to `identity`; it postpones that worker's next heartbeat.
    public mutating func sent(to identity: PeerIdentity, at now: Double) {
        peers[identity]?.link.sent(at: now)
    }

    /// Live workers to whom nothing was sent for a heartbeat interval: send each a HEARTBEAT.
    public func heartbeatsDue(at now: Double) -> [PeerIdentity] {
        livePeers.filter { $0.link.heartbeatDue(at: now) }.map(\.identity)
    }

    /// Declares every worker silent for `heartbeat.deadAfter` dead and hands its members on.
    /// Call it once per poll loop turn.
    public mutating func sweep(at now: Double) -> [Departure] {
        let silent = livePeers.filter { $0.link.isDead(at: now) }.map(\.identity)
        return silent.map { retire($0, as: .dead) }
    }

    // MARK: Placement

    /// Places all members round-robin over the live workers: member m goes to worker m mod K, in rank order.
    /// With K > E the last K − E workers are spares; with no live worker every member waits for a HELLO.
    /// Returns each live worker's members (empty for spares).
    @discardableResult
    public mutating func assignRoundRobin() -> [PeerIdentity: [Int]] {
        isAssigned = true
        let workers = livePeers
        var placement = Dictionary(uniqueKeysWithValues: workers.map { ($0.identity, [Int]()) })
        if workers.isEmpty {
            orphanedMembers = (0..<memberCount).map { [$0] }
            return placement
        }
        for member in 0..<memberCount {
            placement[workers[member % workers.count].identity]!.append(member)
        }
        for (identity, members) in placement { peers[identity]!.members = members }
        orphanedMembers = []
        return placement
    }

    // MARK: Queries

    /// Live workers in placement order (rank, then arrival).
    public var livePeers: [Peer] {
        peers.values.filter { $0.state == .alive }.sorted { $0.placementKey < $1.placementKey }
    }

    /// The live worker that trains `member`, if any.
    public func owner(of member: Int) -> PeerIdentity? {
        livePeers.first { $0.members.contains(member) }?.identity
    }

    /// Heartbeat intervals `identity` has left before it is declared dead; nil for unknown or not alive.
    public func liveness(of identity: PeerIdentity, at now: Double) -> Int? {
        guard let peer = peers[identity], peer.state == .alive else { return nil }
        return peer.link.liveness(at: now)
    }

    // MARK: Private

    private func outcome(for peer: Peer) -> HelloOutcome {
        if !isAssigned { return .waitingForAssignment }
        return peer.members.isEmpty ? .spare : .assigned(peer.members)
    }

    /// Marks a live worker dead or departed and gives its members to the first spare, or leaves them waiting.
    private mutating func retire(_ identity: PeerIdentity, as state: State) -> Departure {
        let members = peers[identity]?.members ?? []
        peers[identity]?.state = state
        peers[identity]?.members = []
        guard !members.isEmpty else { return Departure(identity: identity, state: state, reassignment: nil) }
        if let spare = livePeers.first(where: { $0.members.isEmpty }) {
            peers[spare.identity]!.members = members
            return Departure(identity: identity, state: state,
                             reassignment: Reassignment(members: members, from: identity, to: spare.identity))
        }
        orphanedMembers.append(members)
        return Departure(identity: identity, state: state, reassignment: Reassignment(members: members, from: identity, to: nil))
    }
}
