// swift-tools-version:6.0
// AMPL: offline Alternating Model-Policy Learning (Yang et al., NeurIPS 2022) as a Swift package and CLI.
// Targets mirror docs/architecture.md §2; arrows only point down. No target uses unsafeFlags, so other
// packages can depend on this one.
import PackageDescription

let package = Package(
    name: "AMPL",
    platforms: [.macOS(.v14)],
    products: [
        .executable(name: "ampl", targets: ["ampl"]),
        .library(name: "Networks", targets: ["Networks"]),
    ],
    dependencies: [
        .package(url: "https://github.com/apple/swift-argument-parser", from: "1.8.2"),
        .package(url: "https://github.com/jpsim/Yams", from: "6.2.2"),
        // Live metrics of a distributed run, exposed for Prometheus (docs/cluster.md).
        .package(url: "https://github.com/apple/swift-metrics", from: "2.13.0"),
        .package(url: "https://github.com/swift-server/swift-prometheus", from: "2.4.1"),
    ],
    targets: [
        // System libraries: a module map and a shim header each, installed by scripts/bootstrap.sh.
        .systemLibrary(name: "CBLAS", path: "Sources/CBLAS", pkgConfig: "openblas",
                       providers: [.apt(["libopenblas-dev"])]),
        .systemLibrary(name: "CZeroMQ", path: "Sources/CZeroMQ", providers: [.apt(["libzmq3-dev"])]),
        .systemLibrary(name: "CMuJoCo", path: "Sources/CMuJoCo", providers: [.apt(["libmujoco-dev"])]),
        .systemLibrary(name: "CHDF5", path: "Sources/CHDF5", pkgConfig: "hdf5-serial",
                       providers: [.apt(["libhdf5-dev"])]),
        // Elementwise hot loops, vectorised per CPU by target_clones (see docs/performance.md).
        .target(name: "CKernels", path: "Sources/CKernels"),

        .target(name: "Numerics", dependencies: ["CBLAS", "CKernels"]),
        .target(name: "Networks", dependencies: ["Numerics", "CKernels"]),
        .target(name: "Environments", dependencies: ["Numerics", "CMuJoCo"]),
        .target(name: "Datasets", dependencies: ["Numerics", "CHDF5"]),
        .target(name: "Telemetry", dependencies: ["Numerics"]),
        .target(name: "Cluster", dependencies: ["Numerics", "CZeroMQ", "AMPL", "Dynamics", "Datasets", "Networks", "Environments",
                                                .product(name: "CoreMetrics", package: "swift-metrics"),
                                                .product(name: "Prometheus", package: "swift-prometheus")]),
        .target(name: "Dynamics", dependencies: ["Numerics", "Networks", "Environments", "Datasets"]),
        .target(name: "AMPL", dependencies: ["Numerics", "Networks", "Environments", "Datasets", "Dynamics", "Telemetry",
                                             .product(name: "Yams", package: "Yams")]),
        // Bundled behaviour policies (docs/datasets.md) ship as resources.
        .target(name: "Behavior", dependencies: ["Numerics", "Networks", "Environments", "Datasets"],
                resources: [.copy("Resources/policies")]),
        .target(name: "Benchmarks", dependencies: ["Numerics", "CKernels", "Networks", "Environments", "Behavior", "Datasets", "Dynamics", "AMPL"]),
        .executableTarget(name: "ampl", dependencies: [
            "Numerics", "Networks", "Environments", "Datasets", "Telemetry", "Cluster", "Benchmarks", "Behavior", "Dynamics", "AMPL",
            .product(name: "ArgumentParser", package: "swift-argument-parser"),
        ]),

        .testTarget(name: "NumericsTests", dependencies: ["Numerics", "TestSupport"]),
        .testTarget(name: "BenchmarksTests", dependencies: ["Benchmarks"]),
        // Test support: counts the calling thread's heap allocations (replaces malloc in the test process).
        .target(name: "CAllocationCounter", path: "Tests/Support/CAllocationCounter"),
        // Test support: runs Python (h5py, tensorboard) to check our files with the real readers.
        .target(name: "TestSupport", path: "Tests/Support/TestSupport"),
        .testTarget(name: "NetworksTests", dependencies: ["Networks", "Numerics", "CAllocationCounter", "TestSupport"]),
        .testTarget(name: "EnvironmentsTests", dependencies: ["Environments", "Numerics"]),
        .testTarget(name: "DatasetsTests", dependencies: ["Datasets", "Numerics", "TestSupport"]),
        .testTarget(name: "TelemetryTests", dependencies: ["Telemetry", "Numerics", "TestSupport"]),
        .testTarget(name: "ClusterTests", dependencies: ["Cluster", "Numerics", "AMPL", "Dynamics", "Datasets", "Networks",
                                                         "Environments", "Telemetry", "TestSupport",
                                                         .product(name: "Yams", package: "Yams")]),
        .testTarget(name: "DynamicsTests", dependencies: ["Dynamics", "Datasets", "Environments", "Networks", "Numerics"]),
        .testTarget(name: "AMPLTests", dependencies: ["AMPL", "Dynamics", "Datasets", "Environments", "Networks", "Numerics",
                                                      "Telemetry", "TestSupport", "CAllocationCounter"]),
        .testTarget(name: "BehaviorTests", dependencies: ["Behavior", "Environments", "Datasets", "Networks", "Numerics", "TestSupport"]),
    ]
)
