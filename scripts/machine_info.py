"""The machine columns every speed CSV of the project carries: BLAS core, GEMM rate, CPU model.

A figure without its machine cannot be compared with another, so the speed scripts add to each
row the CPU model (/proc/cpuinfo), the BLAS core that ran it (`coded blas` for the Swift rows;
threadpoolctl for NumPy/SciPy's own OpenBLAS) and that BLAS's DGEMM rate in GFLOP/s, measured in
the same run on the same thread count, the same way on both sides: a 384³ product (small enough to
stay in cache, so it is the kernels' rate, not the memory bandwidth other processes left), the
fastest of at least 5 calls and of as many as fit in about 20 ms, after one warm-up.
"""
import csv
import io
import subprocess
import time

FIELDS = ["blas_core", "gemm_gflops", "cpu_model"]


def cpu_model():
    """The processor's model name as the kernel reports it ('' if unknown)."""
    try:
        with open("/proc/cpuinfo") as f:
            for line in f:
                if line.startswith("model name"):
                    return line.split(":", 1)[1].strip()
    except OSError:
        pass
    return ""


def coded_machine(coded, blas_threads=1):
    """{blas_core, gemm_gflops, cpu_model} of the `coded` binary's BLAS on `blas_threads` threads."""
    out = subprocess.run([coded, "blas", "--blas-threads", str(blas_threads)],
                         check=True, capture_output=True, text=True).stdout
    row = next(csv.DictReader(io.StringIO(out)))
    return {"blas_core": row["blas_core"] or row["blas_vendor"], "gemm_gflops": row["gemm_gflops"],
            "cpu_model": cpu_model() or row["cpu_model"]}


def numpy_machine(n=384):
    """{blas_core, gemm_gflops, cpu_model} of NumPy's BLAS (its current thread count)."""
    import numpy as np
    core = ""
    try:
        from threadpoolctl import threadpool_info
        cores = [i.get("architecture") or i.get("internal_api", "")
                 for i in threadpool_info() if i.get("user_api") == "blas"]
        core = cores[0] if cores else ""
    except ImportError:
        pass
    a = np.full((n, n), 0.5)
    b = np.full((n, n), 0.25)
    a @ b
    best, total, calls = float("inf"), 0.0, 0
    while calls < 5 or (total < 0.02 and calls < 1000):
        t0 = time.perf_counter()
        a @ b
        elapsed = time.perf_counter() - t0
        best, total, calls = min(best, elapsed), total + elapsed, calls + 1
    rate = 2.0 * n ** 3 / best / 1e9
    return {"blas_core": core, "gemm_gflops": f"{rate:.1f}", "cpu_model": cpu_model()}
