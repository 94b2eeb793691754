import Foundation

/// Serves `ClusterMetrics` to Prometheus: `GET /metrics` on `host:port` answers the text exposition, any other
/// request 404. A plain HTTP/1.0 responder on one thread, one connection at a time: a scrape every few seconds
/// needs no more, and no HTTP server package is worth its build time for it. Each connection must send its
/// request within `ioTimeoutSeconds`, so a client that stalls cannot hold the next scrape up for long.
public final class MetricsEndpoint: @unchecked Sendable {
    public static let ioTimeoutSeconds = 2
    /// The largest request read; a scrape's is a few hundred bytes.
    static let maxRequestBytes = 8_192
    /// How often the accept loop looks whether it should stop.
    static let pollMilliseconds: Int32 = 200

    /// The bound port (the system's choice when 0 was asked for).
    public let port: Int
    private let listener: Int32
    private let metrics: ClusterMetrics
    private let stopRequested = Locked(false)
    private let stopped = DispatchSemaphore(value: 0)

    /// Binds `host:port` (an IPv4 address; 0.0.0.0 = every interface) and starts answering.
    public init(host: String = "0.0.0.0", port: Int, metrics: ClusterMetrics) throws {
        self.metrics = metrics
        let listener = socket(AF_INET, Int32(SOCK_STREAM.rawValue), 0)
        self.listener = listener
        guard listener >= 0 else { throw Self.failure("socket", host, port) }
        var reuse: Int32 = 1
        setsockopt(listener, SOL_SOCKET, SO_REUSEADDR, &reuse, socklen_t(MemoryLayout<Int32>.size))
        var address = sockaddr_in()
        address.sin_family = sa_family_t(AF_INET)
        address.sin_port = in_port_t(UInt16(port).bigEndian)
        guard inet_pton(AF_INET, host, &address.sin_addr) == 1 else {
            Foundation.close(listener)
            throw ClusterError.invalidEndpoint("\(host):\(port)", reason: "the metrics endpoint needs an IPv4 address")
        }
        var length = socklen_t(MemoryLayout<sockaddr_in>.size)
        let bound = withUnsafeMutablePointer(to: &address) {
            $0.withMemoryRebound(to: sockaddr.self, capacity: 1) {
                bind(listener, $0, length) == 0 && listen(listener, 16) == 0 && getsockname(listener, $0, &length) == 0
            }
        }
        guard bound else {
            let error = Self.failure("bind", host, port)
            Foundation.close(listener)
            throw error
        }
        self.port = Int(UInt16(bigEndian: address.sin_port))
        let thread = Thread { [self] in serve() }
        thread.name = "ampl-metrics"
        thread.start()
    }

    /// Stops answering and closes the port.
    public func close() {
        stopRequested.withLock { $0 = true }
        stopped.wait()
        Foundation.close(listener)
    }

    private func serve() {
        defer { stopped.signal() }
        while !stopRequested.withLock({ $0 }) {
            var pending = pollfd(fd: listener, events: Int16(POLLIN), revents: 0)
            guard poll(&pending, 1, Self.pollMilliseconds) > 0 else { continue }
            let connection = accept(listener, nil, nil)
            guard connection >= 0 else { continue }
            answer(connection)
            Foundation.close(connection)
        }
    }

    private func answer(_ connection: Int32) {
        var timeout = timeval(tv_sec: Self.ioTimeoutSeconds, tv_usec: 0)
        for option in [SO_RCVTIMEO, SO_SNDTIMEO] {
            setsockopt(connection, SOL_SOCKET, option, &timeout, socklen_t(MemoryLayout<timeval>.size))
        }
        guard let request = readRequestHead(connection) else { return }
        let requestLine = request.prefix { $0 != "\r" && $0 != "\n" }.split(separator: " ")
        let isScrape = requestLine.count >= 2 && requestLine[0] == "GET"
            && (requestLine[1] == "/metrics" || requestLine[1].hasPrefix("/metrics?"))
        let (status, body) = isScrape ? ("200 OK", metrics.exposition()) : ("404 Not Found", "try GET /metrics\n")
        let response = "HTTP/1.0 \(status)\r\nContent-Type: text/plain; version=0.0.4; charset=utf-8\r\n"
            + "Content-Length: \(body.utf8.count)\r\nConnection: close\r\n\r\n" + body
        var bytes = Array(response.utf8)[...]
        while !bytes.isEmpty {
            let written = bytes.withUnsafeBytes { send(connection, $0.baseAddress, $0.count, Int32(MSG_NOSIGNAL)) }
            guard written > 0 else { return }
            bytes = bytes.dropFirst(written)
        }
    }

    /// The request up to its blank line, or nil if the client sent none in time.
    private func readRequestHead(_ connection: Int32) -> String? {
        var received: [UInt8] = []
        var buffer = [UInt8](repeating: 0, count: 1_024)
        while received.count < Self.maxRequestBytes {
            let count = buffer.withUnsafeMutableBytes { recv(connection, $0.baseAddress, $0.count, 0) }
            guard count > 0 else { return nil }
            received += buffer[..<count]
            let text = String(decoding: received, as: UTF8.self)
            if text.contains("\r\n\r\n") || text.contains("\n\n") { return text }
        }
        return nil
    }

    private static func failure(_ call: String, _ host: String, _ port: Int) -> ClusterError {
        .socket(operation: "metrics \(call)", endpoint: "http://\(host):\(port)/metrics", peer: nil, code: errno,
                reason: String(cString: strerror(errno)))
    }
}
