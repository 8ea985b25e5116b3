import ODE
import Plot

/// How a solver is drawn in work–precision diagrams, the same in every one.
enum SolverLook {
    /// A solver's colour and marker, fixed by its place in `SolverCatalog` so that it is drawn the
    /// same in every diagram, and its line: dashed for fixed-step methods, solid for adaptive ones,
    /// dotted for stiff ones.
    static func of(_ name: String) -> (Color, SeriesStyle) {
        let index = SolverCatalog.all.firstIndex { $0.name == name } ?? 0
        let markers: [Marker] = [.circle, .square, .triangle]
        let dash: Dash
        switch SolverCatalog.named(name)?.family {
        case .fixedStep?: dash = .dashed
        case .stiff?: dash = .dotted
        default: dash = .solid
        }
        return (Color.palette[index % Color.palette.count],
                .lineAndMarkers(width: 1.5, dash: dash, marker: markers[index % markers.count], size: 5))
    }
}
