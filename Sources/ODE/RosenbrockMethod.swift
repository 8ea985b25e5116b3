/// The coefficients of a Rosenbrock method in Hairer & Wanner's transformed form (*Solving ODEs
/// II*, §IV.7, eq. 7.4'): stage `i` solves `(I/(hγ) − J) k_i = f(t + α_i h, y + Σ a_ij k_j)
/// + Σ (c_ij / h) k_j + h γ_i ∂f/∂t`, and the step is `y + Σ m_i k_i`, its error `Σ e_i k_i`.
public struct RosenbrockMethod: Sendable, Equatable {
    /// The name users write.
    public let name: String
    /// Order of the solution.
    public let order: Int
    /// Order of the embedded solution.
    public let embeddedOrder: Int
    /// The diagonal γ.
    public let gamma: Double
    /// Stage time fractions α_i.
    public let alpha: [Double]
    /// Row sums γ_i of the Γ matrix (multiply ∂f/∂t).
    public let gammaSums: [Double]
    /// Strictly lower-triangular a_ij, row i holding i entries.
    public let a: [[Double]]
    /// Strictly lower-triangular c_ij, row i holding i entries.
    public let c: [[Double]]
    /// Solution weights m_i.
    public let m: [Double]
    /// Error weights e_i.
    public let e: [Double]

    /// Number of stages.
    public var stages: Int { m.count }

    /// Rodas4: 6 stages, order 4(3), L-stable and stiffly accurate (Hairer & Wanner, *Solving ODEs
    /// II*, §IV.7, Table 7.2; coefficients of their code RODAS, method 1).
    public static let rodas4 = RosenbrockMethod(
        name: "rodas4", order: 4, embeddedOrder: 3, gamma: 0.25,
        alpha: [0, 0.386, 0.21, 0.63, 1, 1],
        gammaSums: [0.25, -0.1043, 0.1035, -0.3620000000000023e-01, 0, 0],
        a: [
            [],
            [0.1544000000000000e+01],
            [0.9466785280815826, 0.2557011698983284],
            [0.3314825187068521e+01, 0.2896124015972201e+01, 0.9986419139977817],
            [0.1221224509226641e+01, 0.6019134481288629e+01, 0.1253708332932087e+02, -0.6878860361058950],
            [0.1221224509226641e+01, 0.6019134481288629e+01, 0.1253708332932087e+02, -0.6878860361058950, 1],
        ],
        c: [
            [],
            [-0.5668800000000000e+01],
            [-0.2430093356833875e+01, -0.2063599157091915],
            [-0.1073529058151375, -0.9594562251023355e+01, -0.2047028614809616e+02],
            [0.7496443313967647e+01, -0.1024680431464352e+02, -0.3399990352819905e+02, 0.1170890893206160e+02],
            [0.8083246795921522e+01, -0.7981132988064893e+01, -0.3152159432874371e+02, 0.1631930543123136e+02,
             -0.6058818238834054e+01],
        ],
        m: [0.1221224509226641e+01, 0.6019134481288629e+01, 0.1253708332932087e+02, -0.6878860361058950, 1, 1],
        e: [0, 0, 0, 0, 0, 1]
    )

    /// Every built-in Rosenbrock method, as registered in `SolverCatalog.all`.
    public static let all: [RosenbrockMethod] = SolverCatalog.all.compactMap(\.rosenbrockMethod)

    /// The method called `name`.
    public static func named(_ name: String) -> RosenbrockMethod? {
        all.first { $0.name == name }
    }
}
