"""Peer benchmarks for notebook: the same ODE workloads in scipy, jax+diffrax and torch+torchdiffeq."""
