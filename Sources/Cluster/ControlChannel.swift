/// The coordinator ↔ worker control channel of the Paranoid Pirate pattern (zguide ch. 4): one ROUTER on the
/// coordinator, one DEALER per worker, every socket option chosen here and nowhere else.
public enum ControlChannel {
    /// Messages queued per peer before a send waits. Each message counts once whatever its size, and the
    /// protocol never has more than a few rounds of parameters in flight.
    public static let highWaterMark: Int32 = 1_000
    /// Largest frame accepted: above any real payload (a dataset chunk is tens of MB), and it makes libzmq drop
    /// a connection that announces an absurd length before allocating anything.
    public static let maxFrameBytes: Int64 = 1 << 30

    /// Options both ends share: bounded queues, no TCP keepalive (the application's heartbeats decide
    /// liveness), a frame-size cap, and sends that give up after `deadAfter` instead of stalling the loop on a
    /// dead peer. No ZMTP heartbeats either: the I/O threads heartbeat all the time, and libzmq 4.3.4 aborts
    /// (`!_io_error`, stream_engine_base.cpp:331; zeromq/libzmq#3937, #4364) when a ZMTP heartbeat times out on
    /// a connection whose receive queue is full.
    static func commonOptions(_ heartbeat: Heartbeat) -> [SocketOption] {
        [.sendHighWaterMark(highWaterMark), .receiveHighWaterMark(highWaterMark), .tcpKeepalive(false), .maxMessageSize(maxFrameBytes),
         .sendTimeout(milliseconds: Int32(heartbeat.deadAfter * 1_000))]
    }

    /// The coordinator's ROUTER, bound to `endpoint` (which may end in `:*` for a free port; read the result
    /// from `socket.endpoint`). With CURVE it starts the ZAP handler first; the socket keeps it alive.
    public static func bindCoordinator(_ context: ZMQContext, endpoint: String, security: Security<CoordinatorKeys>,
                                       heartbeat: Heartbeat = .standard,
                                       log: @escaping ClusterLog = ClusterLogs.standardError) throws -> ZMQSocket {
        let socket = try ZMQSocket(context, type: .router, name: "coordinator",
                                   options: commonOptions(heartbeat) + [.routerMandatory(true), .routerHandover(true)])
        if case .curve(let keys) = security {
            let authenticator = try ZAPHandler(context: context, allowList: keys.allowList, log: log)
            try socket.makeCurveServer(keys: keys.server, authenticator: authenticator)
        }
        try socket.bind(endpoint)
        return socket
    }

    /// A worker's DEALER, connected to `endpoint` with routing identity `identity`.
    public static func connectWorker(_ context: ZMQContext, endpoint: String, identity: PeerIdentity,
                                     security: Security<WorkerKeys>, heartbeat: Heartbeat = .standard) throws -> ZMQSocket {
        let socket = try ZMQSocket(context, type: .dealer, name: "worker \(identity)",
                                   options: commonOptions(heartbeat) + [.routingID(identity.bytes)])
        if case .curve(let keys) = security {
            try socket.makeCurveClient(keys: keys.client, serverKey: keys.coordinator)
        }
        try socket.connect(endpoint)
        return socket
    }
}
