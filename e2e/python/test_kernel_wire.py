"""Wire-level robustness of the Swift (Inference) kernel: signatures, malformed messages, heartbeat,
interrupts, stdin, stop_on_error and shutdown, driven with pyzmq and jupyter_client."""
from __future__ import annotations

import os
import random
import signal
import time
import uuid

import pytest
import zmq
from jupyter_client.session import Session

TIMEOUT = 60


def shell_reply(kc, msg_id, timeout=TIMEOUT):
    """The shell reply to msg_id (skipping replies to other requests)."""
    deadline = time.monotonic() + timeout
    while time.monotonic() < deadline:
        reply = kc.get_shell_msg(timeout=max(0.1, deadline - time.monotonic()))
        if reply["parent_header"].get("msg_id") == msg_id:
            return reply
    raise TimeoutError(f"no reply to {msg_id}")


def iopub_until_idle(kc, msg_id, timeout=TIMEOUT):
    """iopub messages whose parent is msg_id, up to and including its idle status."""
    messages = []
    deadline = time.monotonic() + timeout
    while time.monotonic() < deadline:
        msg = kc.get_iopub_msg(timeout=max(0.1, deadline - time.monotonic()))
        if msg["parent_header"].get("msg_id") != msg_id:
            continue
        messages.append(msg)
        if msg["msg_type"] == "status" and msg["content"]["execution_state"] == "idle":
            return messages
    raise TimeoutError(f"no idle for {msg_id}")


def run(kc, code, **kwargs):
    msg_id = kc.execute(code, **kwargs)
    reply = shell_reply(kc, msg_id)
    return reply, iopub_until_idle(kc, msg_id)


def raw_shell(km):
    """A DEALER socket on the kernel's shell port, outside jupyter_client's own channels."""
    context = zmq.Context.instance()
    socket = context.socket(zmq.DEALER)
    socket.linger = 0
    socket.setsockopt(zmq.IDENTITY, uuid.uuid4().bytes)
    socket.connect(f"{km.transport}://{km.ip}:{km.shell_port}")
    return socket


def assert_answers_next_execute(kc):
    reply, outputs = run(kc, "6 * 7")
    assert reply["content"]["status"] == "ok"
    results = [m for m in outputs if m["msg_type"] == "execute_result"]
    assert results and results[0]["content"]["data"]["text/plain"] == "42"
    return reply["content"]["execution_count"]


def test_forged_signature_is_not_executed(kernel):
    km, kc = kernel
    before = assert_answers_next_execute(kc)
    forger = Session(key=b"not-the-kernel-key")
    socket = raw_shell(km)
    forged = forger.msg("execute_request", content={"code": 'print("forged")', "silent": False})
    forger.send(socket, forged)
    unsigned = Session(key=b"")
    unsigned.send(socket, unsigned.msg("execute_request", content={"code": 'print("unsigned")'}))
    assert socket.poll(1500) == 0, "the kernel answered a forged message"
    # Nothing was published for the forged requests either.
    while True:
        try:
            msg = kc.get_iopub_msg(timeout=0.3)
        except Exception:
            break
        assert msg["parent_header"].get("msg_id") != forged["header"]["msg_id"]
    after = assert_answers_next_execute(kc)
    assert after == before + 1, "a forged execute advanced the execution count"
    socket.close()


def test_malformed_messages_leave_the_kernel_answering(kernel):
    km, kc = kernel
    session = kc.session
    socket = raw_shell(km)
    good = session.msg("kernel_info_request", content={})
    # Malformed JSON under a valid signature.
    parts = [b"{not json", b"{}", b"{}", b"{}"]
    socket.send_multipart([b"<IDS|MSG>", session.sign(parts).encode()] + parts) if isinstance(session.sign(parts), str) else socket.send_multipart([b"<IDS|MSG>", session.sign(parts)] + parts)
    # Missing frames.
    socket.send_multipart([b"<IDS|MSG>", b"abc"])
    socket.send_multipart([b"no delimiter at all"])
    # A header that is JSON but not a message header.
    parts = [b'{"hello": 1}', b"{}", b"{}", b"{}"]
    socket.send_multipart([b"<IDS|MSG>", session.sign(parts)] + parts)
    # An unknown request type gets an error reply; an unknown non-request is ignored.
    session.send(socket, session.msg("frobnicate_request", content={}))
    session.send(socket, session.msg("frobnicate", content={}))
    frames = socket.recv_multipart() if socket.poll(5000) else None
    assert frames is not None, "no reply to an unknown request"
    idents, msg = session.feed_identities(frames)
    reply = session.deserialize(msg)
    assert reply["header"]["msg_type"] == "frobnicate_reply"
    assert reply["content"]["status"] == "error"
    # Wrongly typed fields in a signed execute request.
    session.send(socket, session.msg("execute_request", content={"code": 17, "silent": "no", "user_expressions": 3}))
    assert socket.poll(TIMEOUT * 1000)
    _, msg = session.feed_identities(socket.recv_multipart())
    assert session.deserialize(msg)["content"]["status"] in {"ok", "error"}
    socket.close()
    assert_answers_next_execute(kc)


def test_thousand_random_malformed_messages(kernel):
    km, kc = kernel
    session = kc.session
    socket = raw_shell(km)
    rng = random.Random(20240601)
    templates = ["execute_request", "kernel_info_request", "complete_request", "history_request", "inspect_request"]
    for i in range(1000):
        kind = rng.randrange(5)
        if kind == 0:  # random frames
            frames = [rng.randbytes(rng.randrange(0, 64)) for _ in range(rng.randrange(1, 9))]
        elif kind == 1:  # delimiter then garbage
            frames = [b"<IDS|MSG>"] + [rng.randbytes(rng.randrange(0, 64)) for _ in range(rng.randrange(0, 7))]
        elif kind == 2:  # correctly signed garbage JSON
            parts = [rng.randbytes(rng.randrange(0, 40)) for _ in range(4)]
            frames = [b"<IDS|MSG>", session.sign(parts)] + parts
        elif kind == 3:  # a real message with one frame corrupted, so the signature fails
            msg = session.msg(rng.choice(templates), content={"code": "1"})
            frames = session.serialize(msg)
            index = rng.randrange(2, len(frames))
            frames[index] = frames[index][: rng.randrange(0, len(frames[index]) + 1)] + rng.randbytes(3)
        else:  # signed, valid JSON, but odd content
            content = rng.choice([{"code": None}, {"cursor_pos": "x", "code": 5}, {"hist_access_type": 9}, {"n": -5}, []])
            msg_type = rng.choice(templates[1:])
            header = session.msg_header(msg_type)
            parts = [session.pack(header), b"{}", b"{}", session.pack(content)]
            frames = [b"<IDS|MSG>", session.sign(parts)] + parts
        socket.send_multipart(frames)
    socket.close()
    # Let the kernel chew through the replies it owes the raw socket, then check it still works.
    assert_answers_next_execute(kc)
    assert km.is_alive()


def test_heartbeat_answers_while_a_ten_second_cell_runs(kernel):
    km, kc = kernel
    msg_id = kc.execute("import Glibc\nsleep(10)\nprint(\"woke\")")
    context = zmq.Context.instance()
    hb = context.socket(zmq.REQ)
    hb.linger = 0
    hb.connect(f"{km.transport}://{km.ip}:{km.hb_port}")
    time.sleep(3)  # the cell compiles, then sleeps
    answered = 0
    start = time.monotonic()
    while time.monotonic() - start < 5:
        hb.send(b"ping")
        assert hb.poll(1000), "heartbeat did not answer within 1 s while a cell runs"
        assert hb.recv() == b"ping"
        answered += 1
        time.sleep(0.25)
    hb.close()
    assert answered >= 10
    # Control is answered too.
    control_id = kc.session.send(kc.control_channel.socket, "kernel_info_request", {})["header"]["msg_id"]
    reply = kc.control_channel.get_msg(timeout=5)
    assert reply["parent_header"]["msg_id"] == control_id
    assert shell_reply(kc, msg_id)["content"]["status"] == "ok"


def test_interrupt_message_stops_a_cell_and_the_kernel_survives(kernel):
    km, kc = kernel
    msg_id = kc.execute("import Glibc\nwhile true { usleep(10_000) }")
    time.sleep(4)
    km.interrupt_kernel()  # interrupt_mode "message": an interrupt_request on control
    reply = shell_reply(kc, msg_id, timeout=30)
    assert reply["content"]["status"] == "error"
    assert reply["content"]["ename"]
    assert km.is_alive()
    assert_answers_next_execute(kc)


def test_sigint_to_the_process_group_does_not_kill_the_kernel(kernel):
    km, kc = kernel
    assert_answers_next_execute(kc)
    pid = km.provisioner.process.pid
    os.kill(pid, signal.SIGINT)
    time.sleep(1)
    assert km.is_alive()
    assert_answers_next_execute(kc)


def test_input_request_on_stdin(kernel):
    km, kc = kernel
    msg_id = kc.execute('let name = readLine() ?? "nobody"\nprint("hello \\(name)")', allow_stdin=True)
    request = kc.get_stdin_msg(timeout=TIMEOUT)
    assert request["msg_type"] == "input_request"
    kc.input("Ada")
    reply = shell_reply(kc, msg_id)
    assert reply["content"]["status"] == "ok"
    text = "".join(m["content"]["text"] for m in iopub_until_idle(kc, msg_id) if m["msg_type"] == "stream")
    assert "hello Ada" in text


def test_stop_on_error_aborts_queued_executes(kernel):
    km, kc = kernel
    failing = kc.execute("struct Boom: Error {}\nthrow Boom()")
    queued = [kc.execute("1 + 1"), kc.execute("2 + 2")]
    first = shell_reply(kc, failing)
    assert first["content"]["status"] == "error"
    assert first["content"]["ename"] and "traceback" in first["content"]
    for msg_id in queued:
        assert shell_reply(kc, msg_id)["content"]["status"] == "aborted"
    assert_answers_next_execute(kc)


def test_error_reply_carries_ename_evalue_traceback(kernel):
    km, kc = kernel
    reply, outputs = run(kc, "let broken: Int = \"text\"")
    assert reply["content"]["status"] == "error"
    errors = [m for m in outputs if m["msg_type"] == "error"]
    assert len(errors) == 1
    for content in (reply["content"], errors[0]["content"]):
        assert content["ename"] and isinstance(content["evalue"], str)
        assert content["traceback"] and all(isinstance(line, str) for line in content["traceback"])


def test_user_expressions_silent_and_store_history(kernel):
    km, kc = kernel
    reply, _ = run(kc, "var counter = 41", user_expressions={"next": "counter + 1"})
    assert reply["content"]["user_expressions"]["next"]["status"] == "ok"
    assert reply["content"]["user_expressions"]["next"]["data"]["text/plain"] == "42"
    count = reply["content"]["execution_count"]
    reply, outputs = run(kc, "counter", silent=True)
    assert reply["content"]["execution_count"] == count
    assert [m["msg_type"] for m in outputs] == ["status", "status"]
    reply, _ = run(kc, "counter", store_history=False)
    assert reply["content"]["execution_count"] == count


def test_complete_and_inspect_cell_and_library_symbols(kernel):
    km, kc = kernel
    run(kc, "/// How many draws to take.\nlet drawCount = 10\nvar values = [1.0, 2.0]")
    msg_id = kc.complete("draw")
    reply = shell_reply(kc, msg_id)
    assert reply["content"]["matches"] == ["drawCount"]
    assert "metadata" in reply["content"]
    code = "let é = 1\nvalues.cou"
    msg_id = kc.complete(code, cursor_pos=len(code))  # Python's len counts code points, as the protocol does
    reply = shell_reply(kc, msg_id)
    assert "count" in reply["content"]["matches"]
    assert reply["content"]["cursor_start"] == len(code) - 3
    msg_id = kc.inspect("drawCount", cursor_pos=3)
    reply = shell_reply(kc, msg_id)
    assert reply["content"]["found"]
    assert "How many draws" in reply["content"]["data"]["text/plain"]
    msg_id = kc.inspect("MIMEBundle", cursor_pos=4)
    reply = shell_reply(kc, msg_id)
    assert reply["content"]["found"], "a library symbol was not found"
    assert "MIMEBundle" in reply["content"]["data"]["text/plain"]


def test_shutdown_with_restart(kernel):
    km, kc = kernel
    run(kc, "let beforeRestart = 1")
    km.restart_kernel(now=False)
    kc.wait_for_ready(timeout=TIMEOUT)
    reply, outputs = run(kc, "beforeRestart")
    assert reply["content"]["status"] == "error", "state survived a restart"
    assert_answers_next_execute(kc)


def test_comm_info_and_is_complete(kernel):
    km, kc = kernel
    msg_id = kc.comm_info()
    assert shell_reply(kc, msg_id)["content"] == {"status": "ok", "comms": {}}
    msg_id = kc.is_complete("func f() {\n    if true {")
    reply = shell_reply(kc, msg_id)
    assert reply["content"] == {"status": "incomplete", "indent": "        "}
