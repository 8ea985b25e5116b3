import Experiments
import Foundation
import Testing
@testable import NotebookKit

/// Loads a one-block notebook and returns its block, or the diagnostics.
private func block(_ body: String) throws -> ExperimentBlock {
    let path = try temporaryNotebook("```{ode}\n\(body)\n```\n")
    return try NotebookLoader.load([path]).get()[0].blocks[0]
}

private func diagnostics(_ body: String) throws -> [Diagnostic] {
    let path = try temporaryNotebook("```{ode}\n\(body)\n```\n")
    guard case let .failure(found) = NotebookLoader.load([path]) else { return [] }
    return found.all
}

private func metric(_ artifacts: Artifacts, _ name: String) -> Double? {
    guard let metric = artifacts.metrics.first(where: { $0.name == name }) else { return nil }
    switch metric.value {
    case let .count(count): return Double(count)
    case let .real(value): return value
    }
}

private let oscillator = """
    equations:
      x: v
      v: -omega^2*x
    params: {omega: 2}
    initial: {x: 1, v: 0}
    """

/// McSharry et al.'s synthetic ECG (IEEE TBME 50(3), 2003) in the equation language, with the
/// paper's P, Q, R, S, T parameters; `hr` beats per minute, baseline wander `A`.
func mcSharryECG(hr: Double, amplitude: Double, tEnd: Double) -> String {
    let wave = { (name: String) in
        "a_\(name)*(mod(atan2(y, x) - th_\(name) + pi, 2*pi) - pi)*exp(-(mod(atan2(y, x) - th_\(name) + pi, 2*pi) - pi)^2/(2*b_\(name)^2))"
    }
    return """
        equations:
          x: (1 - sqrt(x^2 + y^2))*x - 2*pi*hr/60*y
          y: (1 - sqrt(x^2 + y^2))*y + 2*pi*hr/60*x
          z: -(\(["p", "q", "r", "s", "t"].map(wave).joined(separator: " + "))) - (z - A*sin(2*pi*f2*t))
        params: {hr: \(hr), A: \(amplitude), f2: 0.25, th_p: \(-Double.pi / 3), th_q: \(-Double.pi / 12), th_r: 0, th_s: \(Double.pi / 12), th_t: \(Double.pi / 2),
                 a_p: 1.2, a_q: -5.0, a_r: 30.0, a_s: -7.5, a_t: 0.75, b_p: 0.25, b_q: 0.1, b_r: 0.1, b_s: 0.1, b_t: 0.4}
        initial: {x: -1, y: 0, z: 0}
        t_end: \(tEnd)
        rtol: 1e-8
        atol: 1e-10
        max_step: 0.005
        plot: [{time: [z]}, {phase: [z, z']}]
        """
}

@Suite("{ode} kind")
struct OdeKindTests {
    @Test("McSharry's ECG written with atan2 and mod beats at the requested heart rate (within 2%); z' is drawn against z", arguments: [60.0, 72.0, 95.0])
    func ecgHeartRate(hr: Double) throws {
        let artifacts = try block(mcSharryECG(hr: hr, amplitude: 0, tEnd: 20)).experiment.run(monitor: RunMonitor())
        let rows = artifacts.series[0].rows
        let z: [Double] = rows.map { $0[3] }
        let t: [Double] = rows.map { $0[0] }
        // R peaks: local maxima well above the other waves.
        let threshold: Double = 0.5 * (z.max() ?? 0)
        var peaks = [Double]()
        for k in 1..<(z.count - 1) where z[k] > threshold && z[k] >= z[k - 1] && z[k] > z[k + 1] { peaks.append(t[k]) }
        let expected = Int(hr / 60 * 20) - 1
        #expect(peaks.count >= expected, "\(peaks.count) R peaks in 20 s at \(hr) bpm")
        let rate = Double(peaks.count - 1) / (peaks.last! - peaks.first!) * 60
        #expect(abs(rate - hr) / hr < 0.02, "R-peak rate \(rate) against \(hr) bpm")
        let phase = try #require(artifacts.figures.first { $0.name == "phase" })
        #expect(phase.figure.panels[0].y.title == "z'" && phase.caption == "Phase portrait: z' against z")
    }

    @Test("A phase portrait of a rate names a state; anything else is refused with the states and their rates")
    func rateNames() throws {
        let found = try diagnostics(oscillator + "\nt_end: 1\nplot: [{phase: [x, w']}]")
        #expect(found.map(\.message).contains { $0.contains("'w'' is not a state or a state's rate (x')") }, "\(found)")
    }

    @Test("An adaptive solve of the oscillator matches cos(ωt) within the tolerance")
    func oscillatorAdaptive() throws {
        let artifacts = try block(oscillator + "\nt_end: 5\nrtol: 1e-9\natol: 1e-11").experiment.run(monitor: RunMonitor())
        #expect(abs(metric(artifacts, "final.x")! - cos(10)) < 1e-8)
        #expect(abs(metric(artifacts, "final.v")! + 2 * sin(10)) < 1e-8)
        #expect(artifacts.series[0].columns == ["t", "x", "v"])
        #expect(artifacts.figures.map(\.name) == ["time", "phase"])
    }

    @Test("rates: [x, v] adds the right-hand side at each saved point as columns x' and v'; an unknown state is refused")
    func tabulatedRates() throws {
        let artifacts = try block(oscillator + "\nt_end: 2\nt_eval: [0, 0.5, 1, 1.5, 2]\nrates: [v, x]").experiment.run(monitor: RunMonitor())
        #expect(artifacts.series[0].columns == ["t", "x", "v", "v'", "x'"])
        for row in artifacts.series[0].rows {
            #expect(row[4] == row[2], "x' = v")
            #expect(abs(row[3] + 4 * row[1]) < 1e-12, "v' = -omega^2 x")
        }
        let found = try diagnostics(oscillator + "\nt_end: 2\nrates: [y]")
        #expect(found.map(\.message) == ["'rates': 'y' is not a state (states: x, v); did you mean 'x'?"])
    }

    @Test("t_eval returns exactly those times")
    func outputTimes() throws {
        let artifacts = try block(oscillator + "\nt_end: 2\nt_eval: [0, 0.5, 1, 1.5, 2]").experiment.run(monitor: RunMonitor())
        #expect(artifacts.series[0].rows.map { $0[0] } == [0, 0.5, 1, 1.5, 2])
        for row in artifacts.series[0].rows {
            #expect(abs(row[1] - cos(2 * row[0])) < 1e-6)
        }
    }

    @Test("Fixed-step solvers take h with steps or t_end")
    func fixedStep() throws {
        let artifacts = try block(oscillator + "\nsolver: rk4\nh: 0.01\nt_end: 3").experiment.run(monitor: RunMonitor())
        #expect(metric(artifacts, "steps") == 300)
        #expect(metric(artifacts, "nfe") == 1200)
        #expect(abs(metric(artifacts, "final.x")! - cos(6)) < 1e-6)
        let problems = try diagnostics(oscillator + "\nsolver: euler\nt_end: 3")
        #expect(problems.map(\.message) == ["solver 'euler' takes fixed steps: give the step size h (and steps or t_end)"])
    }

    @Test("An unknown name is reported at its line with a caret under it")
    func unknownName() throws {
        let problems = try diagnostics("equations:\n  x: sigam*x\nparams: {sigma: 1}\ninitial: {x: 1}\nt_end: 1")
        #expect(problems.count == 1)
        #expect(problems.first?.line == 3)
        #expect(problems.first?.message == "in the equation for 'x': unknown name 'sigam'; did you mean 'sigma'?\n    x: sigam*x\n       ^~~~~")
    }

    @Test("A division by zero at t_start is caught before running")
    func divisionByZero() throws {
        let problems = try diagnostics("equations:\n  u: 1/(u - 1)\ninitial: {u: 1}\nt_end: 1")
        #expect(problems.first?.line == 3)
        #expect(problems.first?.message.hasPrefix("in the equation for 'u': division by zero at t = 0") == true)
    }

    @Test("Every state needs an initial value; extra ones are named")
    func initialValues() throws {
        let missing = try diagnostics("equations:\n  x: -x\n  y: -y\ninitial: {x: 1}\nt_end: 1")
        #expect(missing.map(\.message) == ["'initial' has no value for state 'y' (every state needs one)"])
        let extra = try diagnostics("equations:\n  x: -x\ninitial: {x: 1, xx: 2}\nt_end: 1")
        #expect(extra.map(\.message) == ["'initial' names 'xx', which has no equation; did you mean 'x'?"])
        let none = try diagnostics("initial: {x: 1}\nt_end: 1")
        #expect(none.first?.message.hasPrefix("'equations' is required") == true)
    }

    @Test("Per-state tolerances must name states")
    func perStateTolerance() throws {
        let problems = try diagnostics(oscillator + "\nt_end: 1\natol: {x: 1e-9, w: 1e-9}")
        #expect(problems.first?.message.hasPrefix("'atol' gives no value for state 'v'") == true
                || problems.first?.message.hasPrefix("'atol' names 'w'") == true)
    }

    @Test("Stiff Van der Pol: rodas4 finishes, dopri5 stops at max_steps with advice")
    func stiff() throws {
        let vanDerPol = "equations:\n  x: y\n  y: mu*(1 - x^2)*y - x\nparams: {mu: 1000}\ninitial: {x: 2, y: 0}\nt_end: 3000\nrtol: 1e-6\natol: 1e-6\nmax_steps: 20000"
        let stiff = try block(vanDerPol + "\nsolver: rodas4").experiment.run(monitor: RunMonitor())
        #expect(metric(stiff, "steps")! < 5000)
        #expect(metric(stiff, "jacobian_evaluations")! > 0)
        #expect(throws: BlockFailure.self) { try block(vanDerPol).experiment.run(monitor: RunMonitor()) }
        do {
            _ = try block(vanDerPol).experiment.run(monitor: RunMonitor())
        } catch let failure as BlockFailure {
            #expect(failure.message.contains("max_steps (20000) reached"))
            #expect(failure.message.contains("stiff solver"))
        }
    }

    @Test("compare draws a work–precision diagram with a table and a CSV per solver")
    func workPrecision() throws {
        let artifacts = try block(oscillator + "\nt_end: 2\ncompare: [rk4, dopri5]").experiment.run(monitor: RunMonitor())
        #expect(artifacts.figures.map(\.name).contains("work-precision"))
        #expect(artifacts.series.map(\.name).contains("work-precision-rk4"))
        let dopri5 = try #require(artifacts.series.first { $0.name == "work-precision-dopri5" })
        // Errors fall as the tolerance tightens.
        let errors = dopri5.rows.map { $0[1] }
        #expect(errors.first! > errors.last! * 100)
    }

    @Test("{species} accepts every solver; adaptive ones agree with a fine Euler limit")
    func speciesSolvers() throws {
        let path = try temporaryNotebook("```{species}\nsolver: dopri5\nt_end: 100\nrtol: 1e-10\natol: 1e-10\n```\n")
        let artifacts = try NotebookLoader.load([path]).get()[0].blocks[0].experiment.run(monitor: RunMonitor())
        #expect(abs(metric(artifacts, "final.x1")! - 373.550155) < 1e-5)
    }
}
