"""Widgets through the real kernel and jupyter_client: the ipywidgets 8 wire protocol from Swift cells.

Each test drives the installed kernel the way JupyterLab's widget manager does (comm_open on iopub, then
comm_msg on shell for updates, clicks and state requests) and checks what a front end would see. The state
each widget opens its comm with is compared key for key with what ipywidgets 8.1.9 sends for the same
widget. Faults are real: a callback that throws, one that traps (the worker dies and is replaced), one that
never ends (interrupted), and malformed or misaddressed comm messages.
"""
from __future__ import annotations

import json
import subprocess
import time
import uuid
from pathlib import Path

import nbformat
import pytest

TIMEOUT = 120
VIEW_MIME = "application/vnd.jupyter.widget-view+json"


def collect(kc, msg_id: str, timeout: float = TIMEOUT) -> list[tuple[str, dict]]:
    """Every iopub message (type, content) whose parent is `msg_id`, up to its idle status."""
    out = []
    deadline = time.monotonic() + timeout
    while True:
        left = deadline - time.monotonic()
        assert left > 0, f"no idle status within {timeout} s"
        msg = kc.get_iopub_msg(timeout=left)
        if msg["parent_header"].get("msg_id") != msg_id:
            continue
        if msg["msg_type"] == "status":
            if msg["content"]["execution_state"] == "idle":
                return out
            continue
        content = msg["content"]
        if msg["msg_type"] == "comm_open":
            # The message's own metadata (where the widget protocol version travels), kept for the tests.
            content = dict(content, message_metadata=msg["metadata"])
        out.append((msg["msg_type"], content))


def run(kc, code: str, timeout: float = TIMEOUT):
    msg_id = kc.execute(code)
    messages = collect(kc, msg_id, timeout)
    reply = kc.get_shell_msg(timeout=TIMEOUT)
    assert reply["parent_header"]["msg_id"] == msg_id
    return reply["content"], messages


def run_ok(kc, code: str):
    reply, messages = run(kc, code)
    assert reply["status"] == "ok", (reply, messages)
    return messages


def send_comm(kc, msg_type: str, content: dict, timeout: float = TIMEOUT) -> list[tuple[str, dict]]:
    """Sends a comm message on shell as a front end does; returns what iopub published under it."""
    msg = kc.session.msg(msg_type, content)
    kc.shell_channel.send(msg)
    return collect(kc, msg["header"]["msg_id"], timeout)


def update(kc, comm_id: str, state: dict):
    return send_comm(kc, "comm_msg", {"comm_id": comm_id, "data": {"method": "update", "state": state, "buffer_paths": []}})


def opened(messages) -> dict[str, dict]:
    return {c["comm_id"]: c for k, c in messages if k == "comm_open"}


def final_states(messages) -> dict[str, dict]:
    """Each widget's state after the messages: its comm_open state with the updates that followed."""
    states = {i: dict(c["data"]["state"]) for i, c in opened(messages).items()}
    for kind, content in messages:
        if kind == "comm_msg" and content["comm_id"] in states and content["data"].get("method") == "update":
            states[content["comm_id"]].update(content["data"]["state"])
    return states


def updates(messages, comm_id: str) -> list[dict]:
    return [c["data"]["state"] for k, c in messages
            if k == "comm_msg" and c["comm_id"] == comm_id and c["data"].get("method") == "update"]


def stdout(messages) -> str:
    return "".join(c["text"] for k, c in messages if k == "stream" and c["name"] == "stdout")


def shown_model(messages) -> str:
    """The model id of the (last) widget view displayed."""
    ids = [c["data"][VIEW_MIME]["model_id"] for k, c in messages
           if k in ("display_data", "execute_result") and VIEW_MIME in c["data"]]
    assert ids, f"no widget view among {[k for k, _ in messages]}"
    return ids[-1]


def value_widget_id(kc, messages, model_name: str) -> str:
    ids = [i for i, c in opened(messages).items() if c["data"]["state"]["_model_name"] == model_name]
    assert len(ids) == 1, (model_name, ids)
    return ids[0]


def wire(state: dict) -> dict:
    """A state as it travels: JSON (tuples become lists)."""
    return json.loads(json.dumps(state))


def ping(kc):
    """The kernel still runs cells and keeps state."""
    messages = run_ok(kc, "1 + 41")
    assert any(k == "execute_result" and c["data"]["text/plain"] == "42" for k, c in messages)


# MARK: The wire format


def test_widget_states_match_ipywidgets_8(kernel):
    import ipywidgets as w
    assert w.__version__ == "8.1.9"
    _, kc = kernel
    messages = run_ok(kc, """
let f = FloatSlider(value: 0.5, range: 0...1, step: 0.1, description: "x")
let i = IntSlider(value: 3, range: 0...10, step: 1, description: "n")
let d = Dropdown(options: ["a", "b"], value: "b", description: "d")
let c = Checkbox(value: true, description: "c")
let b = Button(description: "go")
let t = Text(value: "hi", description: "t")
let o = Output()
VBox([HBox(f, i), HBox(d, c), b, t, o])
""")
    comms = opened(messages)
    assert all(c["target_name"] == "jupyter.widget" for c in comms.values())
    # The widget protocol version is in the message's metadata, where JupyterLab's widget manager reads it.
    assert all(c["message_metadata"] == {"version": "2.1.0"} for c in comms.values())
    assert all("metadata" not in c for c in comms.values())
    assert all(c["data"]["buffer_paths"] == [] for c in comms.values())
    states = {i: c["data"]["state"] for i, c in comms.items()}
    python = {
        "FloatSliderModel": w.FloatSlider(value=0.5, min=0, max=1, step=0.1, description="x"),
        "IntSliderModel": w.IntSlider(value=3, min=0, max=10, step=1, description="n"),
        "DropdownModel": w.Dropdown(options=["a", "b"], value="b", description="d"),
        "CheckboxModel": w.Checkbox(value=True, description="c"),
        "ButtonModel": w.Button(description="go"),
        "TextModel": w.Text(value="hi", description="t"),
        "OutputModel": w.Output(),
    }
    by_model: dict[str, list[dict]] = {}
    for state in states.values():
        by_model.setdefault(state["_model_name"], []).append(state)

    for model, widget in python.items():
        (ours,) = by_model[model]
        theirs = wire(widget.get_state())
        assert set(ours) == set(theirs), (model, set(ours) ^ set(theirs))
        for key in theirs:
            if key in ("layout", "style"):
                target = ours[key][len("IPY_MODEL_"):]
                assert ours[key].startswith("IPY_MODEL_") and target in states
                assert states[target] == wire(getattr(widget, key).get_state()), (model, key)
            else:
                assert ours[key] == theirs[key], (model, key, ours[key], theirs[key])
    # The boxes: children in order, as references to opened comms.
    (vbox,) = by_model["VBoxModel"]
    assert vbox.keys() == w.VBox().get_state().keys()
    assert len(by_model["HBoxModel"]) == 2
    for box in by_model["HBoxModel"] + [vbox]:
        assert all(ref[len("IPY_MODEL_"):] in states for ref in box["children"])
    # The cell's result is the VBox's view.
    result = [c for k, c in messages if k == "execute_result"][0]
    view = result["data"][VIEW_MIME]
    assert view["version_major"] == 2 and view["version_minor"] == 0
    assert states[view["model_id"]]["_model_name"] == "VBoxModel"
    assert result["data"]["text/plain"].startswith("VBox(")
    # Every comm is open and listed by comm_info.
    kc.comm_info()
    info = kc.get_shell_msg(timeout=TIMEOUT)["content"]
    assert info["status"] == "ok"
    assert {i: v["target_name"] for i, v in info["comms"].items()} == {i: "jupyter.widget" for i in states}


def test_update_reaches_on_change_and_swift_value_reaches_front_end(kernel):
    _, kc = kernel
    messages = run_ok(kc, """
var seen: [Double] = []
let slider = FloatSlider(value: 0.5, range: 0...1, step: 0.01, description: "q").onChange { v in
    seen.append(v)
    print("changed to \\(v)")
}
slider
""")
    sid = shown_model(messages)
    assert opened(messages)[sid]["data"]["state"]["_model_name"] == "FloatSliderModel"
    answer = update(kc, sid, {"value": 0.7})
    assert "changed to 0.7" in stdout(answer)
    # An update already shown in the front end is not sent back.
    assert updates(answer, sid) == []
    # Out of range: clamped, and the clamped value is sent back.
    answer = update(kc, sid, {"value": 5.0})
    assert "changed to 1.0" in stdout(answer)
    assert updates(answer, sid) == [{"value": 1.0}]
    # The cells see what the callbacks did.
    messages = run_ok(kc, "print(seen, slider.value)")
    assert stdout(messages).strip() == "[0.7, 1.0] 1.0"
    # Setting the value in Swift updates the front end (and runs onChange).
    messages = run_ok(kc, "slider.value = 0.25")
    assert updates(messages, sid) == [{"value": 0.25}]
    assert "changed to 0.25" in stdout(messages)
    # request_state answers with the whole state.
    answer = send_comm(kc, "comm_msg", {"comm_id": sid, "data": {"method": "request_state"}})
    (full,) = updates(answer, sid)
    assert full["value"] == 0.25 and full["_model_name"] == "FloatSliderModel"


def test_control_comm_answers_request_states(kernel):
    _, kc = kernel
    messages = run_ok(kc, 'let n = IntSlider(value: 4, range: 0...9, description: "n")\nn')
    nid = shown_model(messages)
    update(kc, nid, {"value": 7})
    control = uuid.uuid4().hex
    answer = send_comm(kc, "comm_open", {"comm_id": control, "target_name": "jupyter.widget.control", "data": {}})
    assert not [c for k, c in answer if k == "comm_close"]
    answer = send_comm(kc, "comm_msg", {"comm_id": control, "data": {"method": "request_states"}})
    (reply,) = [c["data"] for k, c in answer if k == "comm_msg" and c["comm_id"] == control]
    assert reply["method"] == "update_states"
    entry = reply["states"][nid]
    assert entry["model_name"] == "IntSliderModel"
    assert entry["model_module"] == "@jupyter-widgets/controls" and entry["model_module_version"] == "2.0.0"
    assert entry["state"]["value"] == 7
    assert reply["buffer_paths"][nid] == []
    kc.comm_info()
    assert kc.get_shell_msg(timeout=TIMEOUT)["content"]["comms"][control] == {"target_name": "jupyter.widget.control"}
    send_comm(kc, "comm_close", {"comm_id": control, "data": {}})
    kc.comm_info()
    assert control not in kc.get_shell_msg(timeout=TIMEOUT)["content"]["comms"]


def test_interact_reruns_and_replaces_its_output_and_buttons_click(kernel):
    _, kc = kernel
    messages = run_ok(kc, """
let m = FloatSlider(value: 1, range: -2...2, step: 0.5, description: "mean")
let k = IntSlider(value: 2, range: 1...5, description: "k")
interact(m, k) { mean, count in "mean \\(mean) count \\(count)" }
var clicks = 0
let button = Button(description: "press").onClick { _ in clicks += 1; print("clicked \\(clicks)") }
display(button)
""")
    states = final_states(messages)
    (out_id,) = [i for i, s in states.items() if s["_model_name"] == "OutputModel"]
    # interact displays its box once (its value as the cell's last expression shows nothing more).
    assert [k for k, _ in messages if k in ("display_data", "execute_result")] == ["display_data", "display_data"]
    mid = value_widget_id(kc, messages, "FloatSliderModel")
    assert any(o["output_type"] == "display_data" and o["data"]["text/plain"] == '"mean 1.0 count 2"'
               for o in states[out_id]["outputs"])
    # Moving the slider re-runs the body: one output, replaced.
    answer = update(kc, mid, {"value": -1.5})
    (outputs,) = [s["outputs"] for s in updates(answer, out_id)]
    assert [o["data"]["text/plain"] for o in outputs] == ['"mean -1.5 count 2"']
    bid = shown_model(messages)
    answer = send_comm(kc, "comm_msg", {"comm_id": bid, "data": {"method": "custom", "content": {"event": "click"}}})
    assert "clicked 1" in stdout(answer)


def test_callback_errors_are_reported_and_widgets_live_on(kernel):
    _, kc = kernel
    messages = run_ok(kc, """
struct Refused: Error, CustomStringConvertible { var description: String { "no negatives" } }
let s = FloatSlider(value: 0, range: -1...1, description: "s").onChange { v in
    if v < 0 { throw Refused() }
    print("fine \\(v)")
}
s
""")
    sid = shown_model(messages)
    answer = update(kc, sid, {"value": -0.5})
    errors = [c for k, c in answer if k == "error"]
    assert errors and errors[0]["ename"] == "Refused" and errors[0]["evalue"] == "no negatives"
    answer = update(kc, sid, {"value": 0.5})
    assert "fine 0.5" in stdout(answer)
    assert not [c for k, c in answer if k == "error"]
    # An interact body that throws shows the error in its output widget.
    messages = run_ok(kc, """
let x = IntSlider(value: 1, range: 0...3, description: "x")
interact(x) { v -> String in if v == 0 { throw Refused() }; return "ok \\(v)" }
""")
    out_id = value_widget_id(kc, messages, "OutputModel")
    xid = value_widget_id(kc, messages, "IntSliderModel")
    answer = update(kc, xid, {"value": 0})
    (outputs,) = [s["outputs"] for s in updates(answer, out_id)]
    assert outputs[0]["output_type"] == "error" and outputs[0]["evalue"] == "no negatives"
    ping(kc)


def test_trap_in_callback_and_crashed_cell_keep_widgets_bound(kernel):
    _, kc = kernel
    messages = run_ok(kc, """
var total = 100
let t = IntSlider(value: 1, range: 0...10, description: "t").onChange { v in
    precondition(v != 9, "nine is not allowed")
    total += v
    print("total \\(total)")
}
t
""")
    tid = shown_model(messages)
    answer = update(kc, tid, {"value": 2})
    assert "total 102" in stdout(answer)
    # A trap in the callback: reported, the worker replaced, the cells replayed.
    answer = update(kc, tid, {"value": 9})
    errors = [c for k, c in answer if k == "error"]
    assert errors, answer
    assert "nine is not allowed" in errors[0]["evalue"]
    # The same comm id reaches the replayed slider: the replay made it under the same id, and its value was
    # set back to what the front end shows (9), silently.
    answer = update(kc, tid, {"value": 3})
    assert "total 103" in stdout(answer)  # the replay restored total = 100
    messages = run_ok(kc, "t.value")
    assert [c["data"]["text/plain"] for k, c in messages if k == "execute_result"] == ["3"]
    # A cell that crashes later does not break the earlier widget.
    reply, _ = run(kc, "let boom: [Int] = []\nboom[1]")
    assert reply["status"] == "error"
    answer = update(kc, tid, {"value": 4})
    assert "total 104" in stdout(answer)  # the crash replayed the cells: total = 100 again, then + 4
    # The replayed worker opened no new comms in the front end.
    assert not opened(answer)


def test_interrupt_stops_a_long_callback(kernel):
    km, kc = kernel
    messages = run_ok(kc, """
let spin = Checkbox(value: false, description: "spin").onChange { on in
    var n = 0
    while on { n &+= 1 }
    print(n)
}
spin
""")
    cid = shown_model(messages)
    msg = kc.session.msg("comm_msg", {"comm_id": cid, "data": {"method": "update", "state": {"value": True}, "buffer_paths": []}})
    kc.shell_channel.send(msg)
    time.sleep(1.5)
    asked = time.monotonic()
    km.interrupt_kernel()
    answer = collect(kc, msg["header"]["msg_id"], timeout=30)
    waited = time.monotonic() - asked
    errors = [c for k, c in answer if k == "error"]
    assert errors and errors[0]["ename"] == "Interrupted"
    assert waited < 10, waited
    ping(kc)
    answer = update(kc, cid, {"value": False})
    assert "0" in stdout(answer)


def test_malformed_and_misaddressed_comm_messages_are_dropped(kernel):
    _, kc = kernel
    messages = run_ok(kc, 'var last = -1\nlet g = IntSlider(value: 1, range: 0...5, description: "g").onChange { last = $0 }\ng')
    gid = shown_model(messages)
    # An unknown target: closed at once.
    bogus = uuid.uuid4().hex
    answer = send_comm(kc, "comm_open", {"comm_id": bogus, "target_name": "no.such.target", "data": {}})
    assert [c["comm_id"] for k, c in answer if k == "comm_close"] == [bogus]
    bad = [
        {"data": {"method": "update", "state": {"value": 2}}},                       # no comm_id
        {"comm_id": 17, "data": {"method": "update", "state": {"value": 2}}},       # comm_id not a string
        {"comm_id": uuid.uuid4().hex, "data": {"method": "update", "state": {"value": 2}}},  # unknown comm
        {"comm_id": gid, "data": "update"},                                          # data not an object
        {"comm_id": gid, "data": {"method": "explode"}},                              # unknown method
        {"comm_id": gid, "data": {"method": "update", "state": [1, 2]}},              # state not an object
        {"comm_id": gid, "data": {"method": "update", "state": {"value": "three"}}},  # value of the wrong type
        {"comm_id": gid, "data": {"method": "update", "state": {"value": 2.5}}},      # not an integer
        {"comm_id": gid, "data": {"method": "update", "state": {"description": "hacked"}}},  # not the front end's
    ]
    for content in bad:
        answer = send_comm(kc, "comm_msg", content)
        assert not [c for k, c in answer if k == "error"], (content, answer)
    # On the control channel, where it must never wait for the cells: dropped too.
    msg = kc.session.msg("comm_msg", {"comm_id": gid, "data": {"method": "update", "state": {"value": 3}}})
    kc.control_channel.send(msg)
    collect(kc, msg["header"]["msg_id"])
    messages = run_ok(kc, "print(last, g.value)")
    assert stdout(messages).strip() == "-1 1"
    answer = update(kc, gid, {"value": 4})
    messages = run_ok(kc, "print(last, g.value)")
    assert stdout(messages).strip() == "4 4"
    # The front end closes the comm: comm_info forgets it, and later messages to it are dropped.
    send_comm(kc, "comm_close", {"comm_id": gid, "data": {}})
    kc.comm_info()
    info = kc.get_shell_msg(timeout=TIMEOUT)["content"]
    assert gid not in info["comms"]
    update(kc, gid, {"value": 5})
    messages = run_ok(kc, "print(last, g.isClosed)")
    assert stdout(messages).strip() == "4 true"


# MARK: Headless


def test_runner_saves_widget_state_in_the_notebook_metadata(tmp_path, swift_inference_bin):
    nb = nbformat.v4.new_notebook()
    nb.cells = [
        nbformat.v4.new_code_cell('let s = FloatSlider(value: 0.4, range: 0...1, description: "s")\n'
                                  'interact(s) { v in "twice \\(2 * v)" }'),
        nbformat.v4.new_code_cell("s.value = 0.3"),
    ]
    nb.metadata["kernelspec"] = {"name": "swift-inference", "display_name": "Swift (Inference)", "language": "swift"}
    source = tmp_path / "w.ipynb"
    nbformat.write(nb, source)
    out = tmp_path / "out"
    done = subprocess.run([str(swift_inference_bin), "execute", str(source), "--output-dir", str(out)],
                          capture_output=True, text=True, timeout=600)
    assert done.returncode == 0, done.stderr
    executed = nbformat.read(out / "w.ipynb", as_version=4)
    saved = executed.metadata["widgets"]["application/vnd.jupyter.widget-state+json"]
    assert saved["version_major"] == 2 and saved["version_minor"] == 0
    models = {i: e for i, e in saved["state"].items()}
    names = sorted(e["model_name"] for e in models.values())
    assert names.count("FloatSliderModel") == 1 and names.count("OutputModel") == 1 and names.count("VBoxModel") == 1
    (slider,) = [e for e in models.values() if e["model_name"] == "FloatSliderModel"]
    assert slider["state"]["value"] == 0.3 and slider["model_module"] == "@jupyter-widgets/controls"
    (output,) = [e for e in models.values() if e["model_name"] == "OutputModel"]
    assert [o["data"]["text/plain"] for o in output["state"]["outputs"]] == ['"twice 0.6"']
    # The view in the cell's outputs refers to a saved model.
    views = [o["data"][VIEW_MIME]["model_id"] for o in executed.cells[0].outputs if VIEW_MIME in o.get("data", {})]
    assert views and all(v in models for v in views)
    nbformat.validate(executed)
