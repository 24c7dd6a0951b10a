"""The log-log PNG of each experiment of the MSE-decay study (matplotlib, Agg backend).

:func:`plot` draws one panel per function/straggler model (per a for Byzantine, λ_dec on the x
axis for the ``lambda`` experiment), the geometric mean over seeds with a min..max band and each
claim anchored at the largest x.
"""

from __future__ import annotations

import os

import numpy as np

from study_fits import CLAIMS, best_lambda_rows, byzantine_claim


def plot(name: str, rows: list[dict], path: str) -> None:
    """Write the PNG of experiment ``name`` (its tidy rows) to ``path``, atomically."""
    import matplotlib

    matplotlib.use("Agg")
    import matplotlib.pyplot as plt
    import matplotlib.ticker  # noqa: F401
    from collections import defaultdict

    if name == "lambda":
        fig, ax = plt.subplots(figsize=(6, 4.2))
        pts = defaultdict(list)
        marks = defaultdict(list)
        used = defaultdict(list)
        for r in rows:
            lam = r["decoder_lambda"]
            try:
                pts[float(lam)].append(float(r["mse"]))
            except ValueError:
                marks[lam].append(float(r["mse"]))
                try:
                    used[lam].append(float(r["decoder_lambda_used"]))
                except (KeyError, ValueError):
                    pass
        lams = sorted(pts)
        means = [np.mean(pts[v]) for v in lams]
        ax.loglog(lams, means, "o-", color="C0", label="LeTCC, fixed λ_dec (mean over seeds)")
        best = lams[int(np.argmin(means))]
        ax.axvline(best, color="gray", ls=":", label=f"best grid λ = {best:.1e}")
        for i, (lab, v) in enumerate(sorted(marks.items())):
            m = float(np.mean(v))
            chosen = [u for u in used.get(lab, []) if np.isfinite(u) and u > 0]
            if chosen:
                lam_mean = float(np.exp(np.mean(np.log(chosen))))
                ax.loglog([lam_mean], [m], "*", ms=14, color=f"C{i + 1}",
                          label=f"λ_dec = {lab} (mean chosen λ {lam_mean:.1e}): MSE {m:.2e}")
            else:
                ax.axhline(m, ls="--", color=f"C{i + 1}", label=f"λ_dec = {lab}: MSE {m:.2e}")
        r0 = rows[0]
        ax.set_title(f"MSE vs decoder λ — {r0['function']}, N={r0['N']}, S={r0['S']}, σ={r0['noise']}")
        ax.set_xlabel("decoder λ (scipy convention)")
        ax.set_ylabel("MSE")
        ax.legend(fontsize=7)
        fig.tight_layout()
        _save(fig, path)
        plt.close(fig)
        return

    x = "S" if name == "s-sweep" else "N"
    use = best_lambda_rows(rows) if name == "byzantine" else rows
    if name == "byzantine":
        panel_key = lambda r: f"a = {r['adversary_exponent']} (q = ⌈N^a⌉), best λ per N"  # noqa: E731
        line_key = lambda r: r["scheme"]  # noqa: E731
    elif name == "probabilistic":
        panel_key = lambda r: f"{r['function']}, p = {r['p']}"  # noqa: E731
        line_key = lambda r: r["scheme"]  # noqa: E731
    elif name == "encoder":
        panel_key = lambda r: f"{r['function']} (d={r['dim']}), {r['straggler_model']}, σ = {r['noise']}"  # noqa: E731
        line_key = lambda r: f"λ_enc = {r['encoder_lambda']} (λ_dec = {r['decoder_lambda']})"  # noqa: E731
    else:
        panel_key = lambda r: f"{r['function']} (d={r['dim']}), {r['straggler_model']}"  # noqa: E731
        line_key = (lambda r: r["scheme"] + (f" λ={r.get('decoder_lambda', '')}" if r["scheme"] == "letcc" and "decoder_lambda" in r else "")
                    + (f" λ_enc={r['encoder_lambda']}" if name == "encoder" else ""))  # noqa: E731
    panels = defaultdict(lambda: defaultdict(lambda: defaultdict(list)))
    for r in use:
        panels[panel_key(r)][line_key(r)][float(r[x])].append(float(r["mse"]))
    keys = sorted(panels)
    cols = min(3, len(keys))
    nrows = -(-len(keys) // cols)
    fig, axes = plt.subplots(nrows, cols, figsize=(4.6 * cols, 3.6 * nrows), squeeze=False)
    for ax, key in zip(axes.flat, keys):
        for i, (scheme, curve) in enumerate(sorted(panels[key].items())):
            xs = sorted(curve)
            ys = np.array([np.exp(np.mean(np.log(curve[v]))) for v in xs])
            lo = np.array([min(curve[v]) for v in xs])
            hi = np.array([max(curve[v]) for v in xs])
            ok = ys > 0
            ax.loglog(np.array(xs)[ok], ys[ok], "o-", color=f"C{i}", label=scheme)
            ax.fill_between(np.array(xs)[ok], lo[ok], hi[ok], color=f"C{i}", alpha=0.15)
            claim = CLAIMS.get((name, scheme.split(" ")[0]))
            if name == "byzantine":
                a = float(key.split("=")[1].split("(")[0])
                claim = (byzantine_claim(a)[0], 0, "")
            if claim and ok.sum() >= 2:
                b, power, _ = claim
                xs_ok = np.array(xs)[ok]
                ref = xs_ok**b * (np.log(xs_ok) ** power if power else 1)
                ref = ref * ys[ok][-1] / ref[-1]  # anchored at the largest x (the asymptotic end)
                lab = f"claim ∝ {'log^%d N·' % power if power else ''}{x}^{b:g}"
                ax.loglog(xs_ok, ref, "--", color=f"C{i}", alpha=0.7, label=lab)
        ax.set_title(key, fontsize=9)
        ticks = sorted({float(r[x]) for r in use})
        ax.set_xticks(ticks)
        ax.xaxis.set_major_formatter(matplotlib.ticker.FormatStrFormatter("%g"))
        ax.xaxis.set_minor_formatter(matplotlib.ticker.NullFormatter())
        ax.set_xlabel(x)
        ax.set_ylabel("MSE (geo-mean over seeds; band = min..max)")
        ax.legend(fontsize=7)
    for ax in list(axes.flat)[len(keys):]:
        ax.axis("off")
    fig.suptitle(name)
    fig.tight_layout()
    _save(fig, path)
    plt.close(fig)


def _save(fig, path: str) -> None:
    tmp = path + ".tmp.png"
    fig.savefig(tmp, dpi=110)
    os.replace(tmp, path)
