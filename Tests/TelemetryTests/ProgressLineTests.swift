import Testing
@testable import Telemetry

@Suite struct ProgressLineTests {
    @Test func formatsAllFields() {
        let line = ProgressLine(epoch: 12, totalEpochs: 1000, step: 12_000, stepsPerSecond: 845.26,
                                secondsRemaining: 1168.4, lastScore: 41.25,
                                extras: [(name: "critic_loss", value: "0.153")])
        #expect(line.text == "epoch 12/1000 | step 12,000 | 845 steps/s | ETA 0:19:28 | score 41.2 | critic_loss 0.153")
    }

    @Test func unknownETAAndNoScoreYet() {
        let line = ProgressLine(epoch: 0, totalEpochs: 3, step: 0, stepsPerSecond: 0, secondsRemaining: nil)
        #expect(line.text == "epoch 0/3 | step 0 | 0.0 steps/s | ETA --:--:--")
    }

    @Test func clockShowsHoursMinutesSeconds() {
        #expect(ProgressLine.clock(0) == "0:00:00")
        #expect(ProgressLine.clock(59.6) == "0:01:00")
        #expect(ProgressLine.clock(3 * 3600 + 4 * 60 + 5) == "3:04:05")
        #expect(ProgressLine.clock(100 * 3600) == "100:00:00")
    }

    @Test func rates() {
        #expect(ProgressLine.rate(12.345) == "12.3")
        #expect(ProgressLine.rate(1234567.8) == "1,234,568")
        #expect(ProgressLine.grouped(-1234) == "-1,234")
        #expect(ProgressLine.grouped(999) == "999")
    }

    @Test func etaExtrapolatesTheEpochsDone() {
        #expect(ProgressLine.secondsRemaining(elapsedSeconds: 100, epochsDone: 10, totalEpochs: 50) == 400)
        #expect(ProgressLine.secondsRemaining(elapsedSeconds: 5, epochsDone: 0, totalEpochs: 50) == nil)
        #expect(ProgressLine.secondsRemaining(elapsedSeconds: 5, epochsDone: 60, totalEpochs: 50) == 0)
    }
}
