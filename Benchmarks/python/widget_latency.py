"""Widget latency: a slider move to the updated figure, in the kernel, through jupyter_client.

    python3 Benchmarks/python/widget_latency.py [--moves 50]

Runs the KL lecture's interactive cell (a target mixture, two FloatSliders and `interact`, whose body computes
KL(p ‖ q) and KL(q ‖ p) by quadrature and draws a 241-point chart) in the installed Swift (Inference) kernel,
then sends the front end's `update` comm messages one at a time, as JupyterLab does when a slider moves, and
times each from sending the message to receiving the Output widget's new `outputs` (an SVG) on iopub. Prints
p50, p90 and the maximum. What the browser adds (rendering the SVG) is measured by e2e/python/test_browser.py.
"""
from __future__ import annotations

import argparse
import time

from jupyter_client.manager import start_new_kernel

CELL = """
import Foundation
let target = try NormalMixture(weights: [0.5, 0.5], means: [-3, 3], standardDeviations: [1, 1])
let grid = (0...240).map { -8.0 + 16.0 * Double($0) / 240 }
let mean = FloatSlider(value: 0, range: -6...6, step: 0.1, description: "q mean μ")
let scale = FloatSlider(value: 1, range: 0.3...5, step: 0.1, description: "q std σ")
interact(mean, scale) { mu, sigma in
    let q = try Normal(mean: mu, standardDeviation: sigma)
    let forward = try klDivergenceQuadrature(target, q)
    let reverse = try klDivergenceQuadrature(q, target)
    return try Chart {
        for x in grid {
            LineMark(x: .value("x", x), y: .value("density", exp(try target.logDensity(x))))
                .foregroundStyle(by: .value("curve", "target p"))
            LineMark(x: .value("x", x), y: .value("density", exp(q.logDensity(x))))
                .foregroundStyle(by: .value("curve", "q"))
        }
    }
    .chartTitle("KL(p ‖ q) = \\(forward), KL(q ‖ p) = \\(reverse)")
}
"""


def until_idle(kc, msg_id: str, timeout: float = 300) -> list[dict]:
    messages = []
    deadline = time.monotonic() + timeout
    while True:
        msg = kc.get_iopub_msg(timeout=max(0.01, deadline - time.monotonic()))
        if msg["parent_header"].get("msg_id") != msg_id:
            continue
        if msg["msg_type"] == "status" and msg["content"]["execution_state"] == "idle":
            return messages
        messages.append(msg)


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter)
    parser.add_argument("--moves", type=int, default=50)
    parser.add_argument("--kernel", default="swift-inference")
    args = parser.parse_args()
    km, kc = start_new_kernel(kernel_name=args.kernel, startup_timeout=120)
    try:
        msg_id = kc.execute(CELL)
        messages = until_idle(kc, msg_id)
        opened = {m["content"]["comm_id"]: m["content"]["data"]["state"] for m in messages if m["msg_type"] == "comm_open"}
        errors = [m["content"] for m in messages if m["msg_type"] == "error"]
        assert not errors, errors
        (slider,) = [i for i, s in opened.items() if s.get("description") == "q mean μ"]
        (output,) = [i for i, s in opened.items() if s["_model_name"] == "OutputModel"]
        times = []
        for move in range(args.moves):
            value = round(-5 + (move % 100) * 0.1, 1)
            msg = kc.session.msg("comm_msg", {"comm_id": slider, "data": {
                "method": "update", "state": {"value": value}, "buffer_paths": []}})
            started = time.perf_counter()
            kc.shell_channel.send(msg)
            while True:
                reply = kc.get_iopub_msg(timeout=60)
                content = reply["content"]
                if (reply["msg_type"] == "comm_msg" and content["comm_id"] == output
                        and "outputs" in content["data"].get("state", {})):
                    times.append(time.perf_counter() - started)
                    assert "image/svg+xml" in content["data"]["state"]["outputs"][0]["data"]
                    break
            until_idle(kc, msg["header"]["msg_id"])
        times.sort()
        p = lambda q: 1000 * times[min(len(times) - 1, round(q * (len(times) - 1)))]
        print(f"slider move → updated SVG in the kernel ({len(times)} moves): "
              f"p50 {p(0.5):.1f} ms, p90 {p(0.9):.1f} ms, max {1000 * times[-1]:.1f} ms")
    finally:
        kc.stop_channels()
        km.shutdown_kernel(now=True)


if __name__ == "__main__":
    main()
