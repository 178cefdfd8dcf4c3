"""The jupyter_kernel_test conformance suite against the Swift (Inference) kernel."""
from __future__ import annotations

import unittest

import jupyter_kernel_test as jkt


class SwiftInferenceKernelTests(jkt.KernelTests):
    kernel_name = "swift-inference"
    language_name = "swift"
    file_extension = ".swift"

    code_hello_world = 'print("hello, world")'
    # Cells may import Glibc themselves; write(2, …) is safe in any language mode.
    code_stderr = 'import Glibc\n_ = write(2, "to stderr\\n", 10)'

    completion_samples = [
        {"text": "readL", "matches": {"readLine"}},
        {"text": "fallth", "matches": {"fallthrough"}},
        {"text": "InferenceE", "matches": {"InferenceError"}},
        {"text": "import Glibc\nvar numbers = [1, 2]\nnumbers."},
    ]

    complete_code_samples = [
        "print(1)",
        "let x = 1",
        "func f() {}",
        "struct S {\n    var a: Int\n}",
        "for i in 0..<3 { print(i) }",
    ]
    incomplete_code_samples = [
        "func f() {",
        "let xs = [1, 2,",
        "if true {\n    print(1)",
        '"""\nmulti-line',
        "let total = 1 +",
    ]
    invalid_code_samples = ["let = 5", "}", 'print("unterminated', "let x = )"]

    code_generate_error = 'struct Boom: Error {}\nthrow Boom()'
    code_execute_result = [
        {"code": "6 * 7", "result": "42"},
        {"code": "1.5 + 1", "result": "2.5"},
    ]
    code_display_data = [
        {
            "code": "struct Bold: NotebookDisplayable {\n"
            '    var mimeBundle: MIMEBundle { MIMEBundle(plainText: "bold", ["text/html": "<b>bold</b>"]) }\n'
            "}\n"
            "display(Bold())",
            "mime": "text/html",
        },
    ]
    code_clear_output = "clearOutput()"

    supported_history_operations = ("tail", "range", "search")
    code_history_pattern = "6 *?"

    code_inspect_sample = "print"
    # `?name` shows the signature and documentation in the pager.
    code_page_something = "?print"


class SwiftInferenceIopubWelcomeTests(jkt.IopubWelcomeTests):
    kernel_name = "swift-inference"
    support_iopub_welcome = True


if __name__ == "__main__":
    unittest.main()
