"""
The sinusoidal position encoding as a picture, beside the multi-scale decay
===========================================================================

``PositionEmbedder(d)`` computes the Transformer's encoding exactly:
``PE[p, 2i] = sin(p / 10000**(2i/d))`` and ``PE[p, 2i+1] = cos(p / 10000**(2i/d))``.
Feature ``j`` therefore has the frequency ``1 / 10000**(2*floor(j/2)/d)``: features come
in sin/cos pairs that share one wavelength, from ``2 pi`` (about 6 positions) for the
first pair up to nearly ``2 pi * 10000`` for the last.

What to look for in the figure:

- top left, the table ``PE`` (positions down, features across): the first columns
  alternate quickly down the positions, later ones slowly, and neighbouring columns
  ``2i`` and ``2i+1`` form sin/cos pairs (a quarter period apart);
- top right, the wavelength of each feature: a staircase with steps two features wide
  (the pairing) that climbs geometrically;
- bottom left, the dot product ``PE[p] . PE[q]``: it depends only on ``p - q`` (constant
  along diagonals) and is largest for nearby positions, which is why attention can read
  relative position from it;
- bottom right, ``method="decay"``: ``exp(-p / s_k)`` for geometric scales ``s_k`` up to
  ``max_scale``, a smooth "how recent" code (ALiBi's slopes as features).

Positions are passed as a column (``positions="from_column"``); inside a pipeline
``PositionEmbedder`` usually counts them within each group of a session key instead.

Run: ``python examples/position_heatmap.py`` (needs matplotlib: ``pip install
"sk_seqembed[examples]"``). ``--quick`` draws a smaller table; ``--output DIR`` sets where
``position_heatmap.png`` is written.
"""

import argparse
from pathlib import Path

import matplotlib

matplotlib.use("Agg")  # write files only, no window
import matplotlib.pyplot as plt
import numpy as np
import pandas as pd

from sk_seqembed import PositionEmbedder


def main(argv=None):
    parser = argparse.ArgumentParser(description=(__doc__ or "").strip().split("\n")[0])
    parser.add_argument("--quick", action="store_true", help="smaller table, for CI")
    parser.add_argument("--output", type=Path, default=Path("."), help="folder for the PNG")
    args = parser.parse_args(argv)

    n_positions, d, n_scales = (32, 16, 6) if args.quick else (128, 64, 12)
    X = pd.DataFrame({"position": np.arange(n_positions)})

    sinusoidal = PositionEmbedder(d, positions="from_column").fit_transform(X)
    decay = PositionEmbedder(n_scales, method="decay", positions="from_column").fit_transform(X)

    # The formula written out, as a check of the table drawn below.
    j = np.arange(d)
    frequency = 1 / 10000 ** (2 * (j // 2) / d)
    angle = X["position"].to_numpy()[:, None] * frequency
    reference = np.where(j % 2 == 0, np.sin(angle), np.cos(angle))
    formula_error = np.abs(sinusoidal - reference).max()

    similarity = sinusoidal @ sinusoidal.T
    # Spread of PE[p] . PE[p + k] over p, for every offset k: zero if it depends on k only.
    offset_spread = max(np.ptp(np.diagonal(similarity, k)) for k in range(n_positions))
    # Each decay feature is exp(-p / s_k), so its scale is read off at p = 1.
    scales = -1 / np.log(decay[1])

    fig, axes = plt.subplots(2, 2, figsize=(11, 9), layout="constrained")
    table_ax, wave_ax, sim_ax, decay_ax = axes.ravel()

    image = table_ax.imshow(sinusoidal, aspect="auto", cmap="RdBu_r", vmin=-1, vmax=1)
    table_ax.set(
        xlabel="feature j (even: sin, odd: cos)",
        ylabel="position p",
        title=f"PositionEmbedder({d}): sinusoidal table",
    )
    fig.colorbar(image, ax=table_ax, shrink=0.8)

    wave_ax.step(j, 2 * np.pi / frequency, where="mid", color="tab:purple")
    wave_ax.plot(j, 2 * np.pi / frequency, "o", ms=3, color="tab:purple")
    wave_ax.set(
        yscale="log",
        xlabel="feature j",
        ylabel="wavelength (positions)",
        title="Wavelength 2π · 10000^(2·floor(j/2)/d): pairs share one",
    )
    wave_ax.grid(True, which="major", alpha=0.3)

    image = sim_ax.imshow(similarity, cmap="viridis")
    sim_ax.set(
        xlabel="position q",
        ylabel="position p",
        title="PE[p] · PE[q]: a function of p - q only",
    )
    fig.colorbar(image, ax=sim_ax, shrink=0.8)

    image = decay_ax.imshow(decay, aspect="auto", cmap="magma", vmin=0, vmax=1)
    decay_ax.set(
        xticks=range(n_scales),
        xticklabels=[f"{scale:.0f}" for scale in scales],
        xlabel="scale s_k (positions)",
        ylabel="position p",
        title=f'PositionEmbedder({n_scales}, method="decay"): exp(-p / s_k)',
    )
    fig.colorbar(image, ax=decay_ax, shrink=0.8)

    args.output.mkdir(parents=True, exist_ok=True)
    path = args.output / "position_heatmap.png"
    fig.savefig(path, dpi=80)
    plt.close(fig)

    wavelengths = 2 * np.pi / frequency
    print(f"sinusoidal table: {n_positions} positions x {d} features")
    print(f"largest difference from the written-out formula: {formula_error:.1e}")
    print(f"wavelengths: {wavelengths[0]:.2f} to {wavelengths[-1]:,.0f} positions, in pairs")
    print(f"PE[p] . PE[p+k] varies with p by at most {offset_spread:.1e} (any k)")
    print(f"decay scales: {', '.join(f'{scale:.1f}' for scale in scales)}")
    print(f"figure: {path}")


if __name__ == "__main__":
    main()
