"""Weights shared by the neural workloads' peers: PyTorch's default initialisation drawn from a
numpy generator, and the ways torch and jax take them over, so that every peer of a workload
starts from the same parameters."""

import math


def fan_in_uniform(rng, layers):
    """{name: (w, b)} for `layers` of (name, outputs, inputs), uniform in ±1/√inputs (PyTorch's
    nn.Linear default), float32, drawn from `rng` layer by layer, weights before biases."""
    import numpy as np
    weights = {}
    for name, n_out, n_in in layers:
        k = 1.0 / math.sqrt(n_in)
        w = rng.uniform(-k, k, (n_out, n_in)).astype(np.float32)
        b = rng.uniform(-k, k, n_out).astype(np.float32)
        weights[name] = (w, b)
    return weights


def torch_linear(torch, weights, name):
    """An nn.Linear holding the weights and biases called `name`."""
    w, b = weights[name]
    layer = torch.nn.Linear(w.shape[1], w.shape[0])
    with torch.no_grad():
        layer.weight.copy_(torch.from_numpy(w))
        layer.bias.copy_(torch.from_numpy(b))
    return layer


def jax_adam_state(weights):
    """The parameters as jax arrays, with Adam's first and second moments at zero."""
    import jax.numpy as jnp
    p = {k: (jnp.asarray(w), jnp.asarray(b)) for k, (w, b) in weights.items()}
    z = {k: (jnp.zeros_like(w), jnp.zeros_like(b)) for k, (w, b) in p.items()}
    return p, z, dict(z)


def jax_linear(p, name, x):
    """x through the layer called `name` of the parameters `p` (batch-major, as nn.Linear)."""
    w, b = p[name]
    return x @ w.T + b
