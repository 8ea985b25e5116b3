"""Workload modules. Each is imported by the runner and registers its
benchmarks with ``notebook_peers.core.benchmark``; add later workloads
as new modules and list them here."""

MODULES = [
    "notebook_peers.workloads.competition",
    "notebook_peers.workloads.species",
    "notebook_peers.workloads.spiral",
    "notebook_peers.workloads.latent",
    "notebook_peers.workloads.odenet",
]

# Canonical order of workload names in the table (unknown names go last).
WORKLOAD_ORDER = [
    "competition-euler",
    "competition-dopri5",
    "competition-euler-batch10k",
    "competition-dopri5-batch10k",
    "species-gradient-euler-1000",
    "species-fit-adam",
    "spiral-iteration",
    "spiral-iteration-adjoint",
    "latent-ode-iteration",
    "odenet-epoch",
]
