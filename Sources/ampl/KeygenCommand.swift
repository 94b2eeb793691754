import ArgumentParser
import Cluster

/// `ampl keygen --out DIR [--name NAME]`: makes CURVE keys for encrypted coordinator ↔ worker traffic.
struct KeygenCommand: ParsableCommand {
    static let configuration = CommandConfiguration(
        commandName: "keygen",
        abstract: "Create CURVE keys that encrypt and authenticate coordinator-worker traffic.",
        discussion: """
            Without --name, creates the whole key directory: DIR/coordinator.{pub,key}, DIR/worker.{pub,key} \
            and DIR/authorized/worker.pub (the coordinator's allow-list). Copy DIR to every host and pass \
            --keys DIR to `ampl train` and `ampl worker`. With --name, creates one more keypair \
            DIR/NAME.{pub,key}; copy NAME.pub into the coordinator's DIR/authorized/ to let it in. Secret keys \
            are written with mode 0600; existing files are never overwritten. See docs/protocol.md.
            """
    )

    @Option(help: "The key directory to create or add to.")
    var out: String

    @Option(help: "Create only the keypair NAME.pub / NAME.key (for a worker with a key of its own).")
    var name: String?

    func run() throws {
        let written: [String]
        if let name {
            written = try KeyFiles.writeKeyPair(try CurveKeyPair.generate(), in: out, name: name)
        } else {
            written = try KeyFiles.createStandardSet(in: out)
        }
        for path in written { print("wrote \(path)") }
    }
}
