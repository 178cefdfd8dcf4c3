"""Math in a cell that imports nothing, through the installed kernel and Jupyter's own client: `exp`, `log`,
`sqrt`, `lgamma` … work as in a Swift script that imports Foundation, and a user's own `exp` still wins."""

TIMEOUT = 300


def run(kc, code):
    """Executes a cell; returns (status, text/plain result, stdout, error value)."""
    found = {"result": None, "stdout": "", "error": None}

    def hook(msg):
        kind, content = msg["msg_type"], msg["content"]
        if kind == "execute_result":
            found["result"] = content["data"].get("text/plain")
        elif kind == "stream" and content["name"] == "stdout":
            found["stdout"] += content["text"]
        elif kind == "error":
            found["error"] = content["evalue"]

    reply = kc.execute_interactive(code, output_hook=hook, timeout=TIMEOUT)
    return reply["content"]["status"], found["result"], found["stdout"], found["error"]


def test_math_functions_need_no_import(kernel):
    _, kc = kernel
    status, result, _, error = run(kc, "exp(1.0)")
    assert (status, error) == ("ok", None)
    assert result == "2.718281828459045"
    status, _, stdout, error = run(kc, 'print(sqrt(2.0), pow(2.0, 0.5) == sqrt(2.0), lgamma(5.0), erf(0.0), atan2(0.0, -1.0) == .pi)')
    assert error is None
    assert stdout == "1.4142135623730951 true 3.1780538303479458 0.0 true\n"


def test_the_users_own_function_and_foundation_still_compile(kernel):
    _, kc = kernel
    status, _, _, error = run(kc, "func log(_ x: Double) -> Double { -1 }")
    assert (status, error) == ("ok", None)
    # The user's `log` is the only candidate in later cells; the C library's `cos` is still there.
    status, result, _, error = run(kc, "log(10.0) + cos(0.0)")
    assert (status, error, result) == ("ok", None, "0.0")
    status, result, _, error = run(kc, "import Foundation\nexp(0.0) + floor(M_E)")
    assert (status, error, result) == ("ok", None, "3.0")
