import Cluster
import Testing

/// A clock the test moves by hand.
struct FakeClock {
    var now = 1_000.0
    mutating func advance(_ seconds: Double) { now += seconds }
}

@Suite("Paranoid Pirate peer table")
struct PeerTableTests {
    let heartbeat = Heartbeat.standard

    func worker(_ rank: Int) -> PeerIdentity { PeerIdentity("w\(rank)") }

    /// A table with `count` workers (ranks 0..<count) that said HELLO, members placed.
    func table(members: Int, workers count: Int, clock: FakeClock) -> PeerTable {
        var table = PeerTable(memberCount: members, heartbeat: heartbeat)
        for rank in 0..<count {
            #expect(table.hello(from: worker(rank), incarnation: Incarnation(UInt64(rank + 1)), rank: rank,
                                at: clock.now) == .waitingForAssignment)
        }
        table.assignRoundRobin()
        return table
    }

    func members(_ table: PeerTable) -> [String: [Int]] {
        Dictionary(uniqueKeysWithValues: table.livePeers.map { ($0.identity.description, $0.members) })
    }

    @Test func defaultsDeclareAPeerDeadAfterOneAndAHalfSeconds() {
        #expect(Heartbeat.standard.interval == 0.5)
        #expect(Heartbeat.standard.liveness == 3)
        #expect(Heartbeat.standard.deadAfter == 1.5)
    }

    @Test func placesMembersRoundRobin() {
        let clock = FakeClock()
        #expect(members(table(members: 7, workers: 7, clock: clock)) ==
                ["w0": [0], "w1": [1], "w2": [2], "w3": [3], "w4": [4], "w5": [5], "w6": [6]])
        #expect(members(table(members: 7, workers: 3, clock: clock)) == ["w0": [0, 3, 6], "w1": [1, 4], "w2": [2, 5]])
        let spares = table(members: 3, workers: 5, clock: clock)
        #expect(members(spares) == ["w0": [0], "w1": [1], "w2": [2], "w3": [], "w4": []])
        #expect(spares.owner(of: 2) == worker(2))
    }

    @Test func ordersByRankNotArrival() {
        var table = PeerTable(memberCount: 2)
        _ = table.hello(from: worker(1), incarnation: Incarnation(1), rank: 1, at: 0)
        _ = table.hello(from: PeerIdentity("unranked"), incarnation: Incarnation(2), rank: nil, at: 0)
        _ = table.hello(from: worker(0), incarnation: Incarnation(3), rank: 0, at: 0)
        #expect(table.assignRoundRobin() == [worker(0): [0], worker(1): [1], PeerIdentity("unranked"): []])
    }

    @Test func anyMessageKeepsAPeerAliveAndSilenceKillsItAtOneAndAHalfSeconds() {
        var clock = FakeClock()
        var table = table(members: 2, workers: 2, clock: clock)
        clock.advance(1.0)
        #expect(table.heard(from: worker(0), at: clock.now) == .alive)   // w0 speaks, w1 stays silent
        #expect(table.liveness(of: worker(1), at: clock.now) == 1)
        clock.advance(0.25)
        #expect(table.sweep(at: clock.now).isEmpty)                       // w1 silent 1.25 s: alive
        clock.advance(0.25)
        let moved = table.sweep(at: clock.now).compactMap(\.reassignment)   // w1 silent 1.5 s: dead
        #expect(moved == [.init(members: [1], from: worker(1), to: nil)])
        #expect(table.peers[worker(1)]?.state == .dead)
        #expect(table.liveness(of: worker(0), at: clock.now) == 2)
        #expect(table.orphanedMembers == [[1]])
        #expect(table.owner(of: 1) == nil)
    }

    @Test func aSpareTakesOverADeadWorkersMembers() {
        var clock = FakeClock()
        var table = table(members: 2, workers: 3, clock: clock)            // w2 is a spare
        clock.advance(1.0)
        _ = table.heard(from: worker(1), at: clock.now)
        _ = table.heard(from: worker(2), at: clock.now)
        clock.advance(0.5)
        #expect(table.sweep(at: clock.now).compactMap(\.reassignment) == [.init(members: [0], from: worker(0), to: worker(2))])
        #expect(table.owner(of: 0) == worker(2))
        #expect(table.orphanedMembers.isEmpty)
    }

    @Test func theNextHelloTakesOrphanedMembersOldestFirst() {
        var clock = FakeClock()
        var table = table(members: 3, workers: 3, clock: clock)
        clock.advance(0.5)
        _ = table.heard(from: worker(2), at: clock.now)
        clock.advance(1.0)
        _ = table.sweep(at: clock.now)                                    // w0 and w1 die, in rank order
        #expect(table.orphanedMembers == [[0], [1]])
        #expect(table.hello(from: worker(7), incarnation: Incarnation(70), rank: 7, at: clock.now) == .assigned([0]))
        #expect(table.hello(from: worker(8), incarnation: Incarnation(80), rank: 8, at: clock.now) == .assigned([1]))
        #expect(table.orphanedMembers.isEmpty)
        #expect(table.hello(from: worker(9), incarnation: Incarnation(90), rank: 9, at: clock.now) == .spare)
    }

    @Test func aWorkerBackFromThePartitionMustResyncAndRejoinsAsANewcomer() {
        var clock = FakeClock()
        var table = table(members: 2, workers: 3, clock: clock)
        clock.advance(1.0)
        _ = table.heard(from: worker(0), at: clock.now)
        _ = table.heard(from: worker(2), at: clock.now)
        clock.advance(0.5)
        #expect(table.sweep(at: clock.now).compactMap(\.reassignment) == [.init(members: [1], from: worker(1), to: worker(2))])
        // The link heals; w1's queued messages arrive on the old connection: it is not trusted again.
        clock.advance(0.1)
        #expect(table.heard(from: worker(1), at: clock.now) == .mustResync)
        #expect(table.owner(of: 1) == worker(2))
        // After RESYNC it says HELLO with the same incarnation: a newcomer with nothing left to take.
        #expect(table.hello(from: worker(1), incarnation: Incarnation(2), rank: 1, at: clock.now) == .spare)
        #expect(table.peers[worker(1)]?.state == .alive)
    }

    @Test func aRestartedProcessUnderALiveIdentityKeepsItsMembers() {
        let clock = FakeClock()
        var table = table(members: 2, workers: 2, clock: clock)
        #expect(table.hello(from: worker(0), incarnation: Incarnation(1), rank: 0, at: clock.now) == .assigned([0]))
        #expect(table.hello(from: worker(0), incarnation: Incarnation(99), rank: 0, at: clock.now) == .assigned([0]))
        #expect(table.peers[worker(0)]?.incarnation == Incarnation(99))
    }

    @Test func unknownSendersAreNotTrusted() {
        var table = PeerTable(memberCount: 1)
        #expect(table.heard(from: PeerIdentity("stranger"), at: 0) == .unknown)
    }

    @Test func byeHandsMembersOnAtOnce() {
        let clock = FakeClock()
        var table = table(members: 1, workers: 2, clock: clock)
        #expect(table.bye(from: worker(0), at: clock.now)?.reassignment == .init(members: [0], from: worker(0), to: worker(1)))
        #expect(table.peers[worker(0)]?.state == .departed)
        #expect(table.bye(from: worker(0), at: clock.now) == nil)
    }

    @Test func heartbeatsGoOnlyToPeersWeHaveNotSentToForAnInterval() {
        var clock = FakeClock()
        var table = table(members: 2, workers: 2, clock: clock)
        clock.advance(0.25)
        table.sent(to: worker(0), at: clock.now)
        clock.advance(0.25)
        #expect(table.heartbeatsDue(at: clock.now) == [worker(1)])
        clock.advance(0.25)
        #expect(table.heartbeatsDue(at: clock.now) == [worker(0), worker(1)])
    }

    @Test func withNoWorkersEveryMemberWaitsForAHello() {
        var table = PeerTable(memberCount: 2)
        #expect(table.assignRoundRobin().isEmpty)
        #expect(table.orphanedMembers == [[0], [1]])
        #expect(table.hello(from: worker(0), incarnation: Incarnation(1), rank: 0, at: 0) == .assigned([0]))
    }
}

@Suite("Heartbeat building blocks")
struct HeartbeatTests {
    @Test func livenessCountsDownByInterval() {
        var link = PeerLiveness(heartbeat: .standard, now: 0)
        #expect(link.liveness(at: 0) == 3)
        #expect(link.liveness(at: 0.5) == 2)
        #expect(link.liveness(at: 1.4) == 1)
        #expect(!link.isDead(at: 1.49))
        #expect(link.isDead(at: 1.5))
        link.heard(at: 1.2)
        #expect(link.liveness(at: 1.5) == 3)
        #expect(!link.heartbeatDue(at: 0.49))
        #expect(link.heartbeatDue(at: 0.5))
        link.sent(at: 0.5)
        #expect(!link.heartbeatDue(at: 0.9))
    }

    @Test func reconnectBackoffDoublesToThirtyTwoSecondsAndResets() {
        var backoff = ReconnectBackoff()
        #expect((0..<8).map { _ in backoff.failed() } == [1, 2, 4, 8, 16, 32, 32, 32])
        backoff.succeeded()
        #expect(backoff.failed() == 1)
    }
}
