// swift-tools-version: 6.0
import PackageDescription

let package = Package(
    name: "notebook",
    platforms: [.macOS(.v13)],
    products: [
        .executable(name: "notebook", targets: ["notebook"]),
        .executable(name: "notebook-fuzz", targets: ["notebook-fuzz"]),
        .library(name: "NotebookKit", targets: ["NotebookKit"]),
        .library(name: "ODE", targets: ["ODE"]),
        .library(name: "Expressions", targets: ["Expressions"]),
        .library(name: "Plot", targets: ["Plot"]),
        .library(name: "NeuralODE", targets: ["NeuralODE"]),
    ],
    dependencies: [
        .package(url: "https://github.com/apple/swift-argument-parser", from: "1.8.2"),
        .package(url: "https://github.com/jpsim/Yams", from: "6.0.0"),
        // SHA-256 of the result cache's keys, entries and data files.
        .package(url: "https://github.com/apple/swift-crypto", from: "3.12.3"),
        // SQLite for the run history (versioned migrations, WAL, busy timeout).
        .package(url: "https://github.com/groue/GRDB.swift", from: "7.10.0"),
        // The HTTP server of `notebook watch` (small, Swift concurrency, no SwiftNIO).
        .package(url: "https://github.com/swhitty/FlyingFox", from: "0.27.1"),
    ],
    targets: [
        // Thin command-line front end: argument parsing and exit codes only.
        .executableTarget(
            name: "notebook",
            dependencies: [
                "NotebookKit", "LivePreview",
                .product(name: "ArgumentParser", package: "swift-argument-parser"),
            ]
        ),
        // `notebook watch`: the live preview's HTTP server (127.0.0.1 only), file watching, the
        // reload events and the problems overlay.
        .target(name: "LivePreview", dependencies: [
            "NotebookKit", "FileAccess", "Report",
            .product(name: "FlyingFox", package: "FlyingFox"), .product(name: "FlyingSocks", package: "FlyingFox"),
        ]),
        // The benchmark workloads the issues name; `--json` prints one object per line.
        .executableTarget(
            name: "notebook-bench",
            dependencies: ["ODE", "BatchSolvers", "Learning", "NeuralODE", .product(name: "ArgumentParser", package: "swift-argument-parser")]
        ),
        // A seeded mutation fuzzer of the whole `check` path (Tests/Fuzz/README.md).
        .executableTarget(
            name: "notebook-fuzz",
            dependencies: ["NotebookKit", .product(name: "ArgumentParser", package: "swift-argument-parser")]
        ),
        // Parsing, option schemas, the kind registry, the runner and results.json.
        .target(
            name: "NotebookKit",
            dependencies: [
                "Experiments", "Expressions", "BlockResults", "Report", "Plot", "RunHistory", "CCmark", "FileAccess", "CFileAccess", .product(name: "Yams", package: "Yams"),
                .product(name: "Crypto", package: "swift-crypto"),
            ]
        ),
        // One type per block kind: options -> computation -> artifacts.
        // The digits CSV (scikit-learn's copy of UCI optdigits, BSD-3-Clause) ships as a resource:
        // `{odenet}`'s default data, found beside the binary wherever a notebook lives.
        .target(name: "Experiments", dependencies: ["BlockResults", "ODE", "BatchSolvers", "Expressions", "Learning", "NeuralODE", "Plot", "FileAccess"],
                resources: [.copy("OdeNet/Resources/digits.csv"), .copy("OdeNet/Resources/digits.LICENSE")]),
        // What a block's run leaves for the report, as plain data shared by the experiments, the
        // result cache and the report page: tables, metrics, figure references, errors, loss curves.
        .target(name: "BlockResults"),
        // Reading and writing files safely: the read scope (project root, --allow-read), regular
        // files only, paths that cannot leave the output folder, atomic folder replacement, and
        // failures said with the system's reason.
        .target(name: "FileAccess", dependencies: ["CFileAccess"]),
        // What Swift's Glibc module does not offer: renameat2(RENAME_EXCHANGE), and the program's
        // own GNU build ID (dl_iterate_phdr).
        .target(name: "CFileAccess"),
        .target(name: "NeuralODE", dependencies: ["ODE", "Learning"]),
        // Numerics: tableaus, steppers, solutions, typed failures. Imports nothing of notebooks.
        .target(name: "ODE", dependencies: ["DenseLinearAlgebra"]),
        // Solvers of many trajectories at once (a shared step, one solve per trajectory, the
        // vectorised Euler recurrence of the competition model) and the workers' result buffer that
        // the ensembles of {ode} and {species} collect their members in.
        .target(name: "BatchSolvers", dependencies: ["ODE", "CKernels"]),
        // The one small dense solver (LU with partial pivoting), shared by the Rosenbrock steps and
        // Levenberg–Marquardt.
        .target(name: "DenseLinearAlgebra"),
        // The equation language: parsing with positions, compiled tapes, symbolic derivatives; and
        // the one "did you mean" rule (Suggestion), which the option and notebook checks use too.
        .target(name: "Expressions"),
        // Networks with hand-written VJPs, Gaussian terms, seeded random numbers, optimisers.
        .target(name: "Learning", dependencies: ["CKernels", "DenseLinearAlgebra"]),
        // The hot single-precision loops of network training (products, outer products,
        // activations), built for AVX2/FMA and for the baseline and chosen at start-up (Swift
        // cannot target processor features per function); and the spin-wait hint.
        .target(name: "CKernels"),
        // Figure model and the Cairo renderer.
        .target(name: "Plot", dependencies: ["CCairo", "CPNGEncoder"]),
        // libpng's writer behind a C call (libpng reports errors by longjmp, which only C catches).
        .target(name: "CPNGEncoder", dependencies: ["CPNG"]),
        // Every run's blocks and metrics in DIR/history.sqlite: the schema, its migrations, writing
        // a run and reading metrics over runs. Knows nothing of notebooks or reports.
        .target(name: "RunHistory", dependencies: [.product(name: "GRDB", package: "GRDB.swift")]),
        // HTML writer with escaping by construction; report and index pages.
        .target(name: "Report", dependencies: ["BlockResults"]),
        .systemLibrary(
            name: "CCairo",
            pkgConfig: "cairo",
            providers: [.apt(["libcairo2-dev"])]
        ),
        .systemLibrary(
            name: "CPNG",
            pkgConfig: "libpng",
            providers: [.apt(["libpng-dev"])]
        ),
        .systemLibrary(
            name: "CCmark",
            pkgConfig: "libcmark-gfm",
            providers: [.apt(["libcmark-gfm-dev", "libcmark-gfm-extensions-dev"])]
        ),
        .testTarget(name: "ODETests", dependencies: ["ODE"]),
        .testTarget(name: "BatchSolversTests", dependencies: ["BatchSolvers", "ODE"]),
        .testTarget(name: "DenseLinearAlgebraTests", dependencies: ["DenseLinearAlgebra"]),
        .testTarget(name: "ExpressionsTests", dependencies: ["Expressions"]),
        .testTarget(name: "LearningTests", dependencies: ["Learning"]),
        .testTarget(name: "NeuralODETests", dependencies: ["NeuralODE", "ODE", "Learning"]),
        .testTarget(name: "PlotTests", dependencies: ["Plot"], resources: [.copy("Golden")]),
        .testTarget(name: "ReportTests", dependencies: ["Report", "BlockResults"]),
        .testTarget(name: "BlockResultsTests", dependencies: ["BlockResults"]),
        .testTarget(name: "RunHistoryTests", dependencies: ["RunHistory"]),
        .testTarget(name: "LivePreviewTests", dependencies: ["LivePreview"]),
        .testTarget(name: "FileAccessTests", dependencies: ["FileAccess"]),
        .testTarget(name: "ExperimentsTests", dependencies: ["Experiments", "BlockResults", "ODE", "Learning", "NeuralODE", "Expressions"]),
        .testTarget(
            name: "NotebookKitTests",
            dependencies: ["NotebookKit", "BlockResults"],
            resources: [.copy("Golden")]
        ),
        .testTarget(name: "CLITests", dependencies: ["notebook"], resources: [.copy("Corpus")]),
    ],
    swiftLanguageModes: [.v6]
)
