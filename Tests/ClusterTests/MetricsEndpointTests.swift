import Foundation
import TestSupport
import Testing

/// `ampl train --metrics-port`: a run with two workers is scraped over HTTP while it trains, as Prometheus
/// would, and shows per-worker heartbeat ages and lags, model-round times, rollout throughput and bytes on the
/// wire by message type.
@Suite("Live metrics endpoint", .serialized, .timeLimit(.minutes(5)))
struct MetricsEndpointTests {
    /// `curl` of `path` on the endpoint: its body, or nil while nothing answers.
    static func scrape(port: Int, path: String = "/metrics", in folder: URL) -> (status: Int32, body: String)? {
        guard let result = try? AMPLProcess.run(["curl", "-s", "-w", "\n%{http_code}", "http://127.0.0.1:\(port)\(path)"],
                                                in: folder, deadline: 10, executable: URL(fileURLWithPath: "/usr/bin/env")),
              result.status == 0 else { return nil }
        let lines = result.output.split(separator: "\n", omittingEmptySubsequences: false)
        return (Int32(lines.last ?? "") ?? 0, lines.dropLast().joined(separator: "\n"))
    }

    /// The value of the first sample line that starts with `prefix`.
    static func value(_ prefix: String, in exposition: String) -> Double? {
        exposition.split(separator: "\n").first { $0.hasPrefix(prefix) }
            .flatMap { $0.split(separator: " ").last.flatMap { Double($0) } }
    }

    @Test func aRunningCoordinatorIsScrapedForWorkerAndRoundMetrics() throws {
        let folder = try AMPLProcess.workFolder("metrics")
        defer { try? FileManager.default.removeItem(at: folder) }
        let port = try freeTCPPort()
        let finished = DispatchSemaphore(value: 0)
        /// Written once by the thread that runs ampl, read after `finished`.
        final class Outcome: @unchecked Sendable { var result: AMPLProcess.Result? }
        let run = Outcome()
        DispatchQueue.global().async {
            // Enough epochs that the run is still going when the scrape below has seen everything.
            run.result = try? AMPLProcess.run(["train", "--preset", "smoke", "--seed", "8", "--run-dir", "runs/metrics",
                                        "--workers", "2", "--metrics-port", "\(port)", "--set", "schedule.epochs=40"],
                                       in: folder, deadline: 240, onTimeout: { output in
                for pid in DistributedRunTests.workerPIDs(in: output) { kill(pid, SIGKILL) }
            })
            finished.signal()
        }
        let wanted = ["ampl_worker_heartbeat_age_seconds{worker=\"w0-", "ampl_worker_heartbeat_age_seconds{worker=\"w1-",
                      "ampl_worker_alive{worker=\"w0-", "ampl_worker_policy_lag{worker=\"w1-",
                      "ampl_worker_model_lag{worker=\"w0-", "ampl_model_round_last_seconds",
                      "ampl_model_round_seconds_count", "ampl_rollout_transitions_total",
                      "ampl_rollout_transitions_per_second", "ampl_policy_version",
                      "ampl_wire_bytes_total{direction=\"sent\",type=\"ENSEMBLE\"}",
                      "ampl_wire_bytes_total{direction=\"received\",type=\"ROLLOUTS\"}"]
        var exposition = ""
        var runEnded = false
        while !runEnded {
            if finished.wait(timeout: .now() + 0.3) == .success { runEnded = true; break }
            guard let scraped = Self.scrape(port: port, in: folder), scraped.status == 200 else { continue }
            exposition = scraped.body
            if wanted.allSatisfy({ prefix in Self.value(prefix, in: exposition).map { $0 > 0 || prefix.contains("lag") } ?? false }) {
                break
            }
        }
        for prefix in wanted {
            #expect(Self.value(prefix, in: exposition) != nil, "no \(prefix) in:\n\(exposition)")
        }
        #expect((Self.value("ampl_worker_heartbeat_age_seconds{worker=\"w0-", in: exposition) ?? 99) < 5)
        #expect((Self.value("ampl_rollout_transitions_total", in: exposition) ?? 0) > 0)
        #expect(Self.scrape(port: port, path: "/", in: folder)?.status == 404)

        if !runEnded { finished.wait() }
        let result = try #require(run.result)
        #expect(result.status == 0, "\(result.output)")
        #expect(result.output.contains("wire: sent ENSEMBLE"), "\(result.output)")
        #expect(DistributedRunTests.noWorkerLeft(result.output))
    }
}
