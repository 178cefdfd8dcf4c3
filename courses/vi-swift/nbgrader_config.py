# nbgrader configuration for a course taught with the Swift (Inference) kernel.
# Run every nbgrader command from this folder (the course root); courses/README.md explains each setting.
import os
import sys

sys.path.insert(0, os.path.dirname(os.path.abspath(__file__)))
import nbgrader_swift  # noqa: E402  (the plug-ins next to this file)
from nbgrader.preprocessors import (  # noqa: E402
    CheckCellMetadata, ClearOutput, DeduplicateIds, OverwriteCells, OverwriteKernelspec)

c = get_config()  # noqa: F821  (provided by traitlets when it loads this file)

# --- The course -------------------------------------------------------------------------------------------
c.CourseDirectory.course_id = "vi-swift"
# The exchange folder, where `release_assignment`, `fetch_assignment`, `submit` and `collect` meet, is not set
# here: students' servers never read this file, so it belongs in the system-wide nbgrader_config.py that
# instructor and students share (courses/README.md). nbgrader's default is /usr/local/share/nbgrader/exchange.

# --- Student versions: solutions and hidden tests -------------------------------------------------------------
# A solution region is the lines between `// BEGIN SOLUTION` and `// END SOLUTION`; nbgrader finds the
# delimiter anywhere in a line, so Swift's `//` comment in front of it is fine. The region is replaced by the
# stub, indented like the BEGIN line. Put solution regions inside function bodies: `fatalError` returns
# `Never`, so the stub compiles in a function of any return type and the student version runs from top to
# bottom; calling an unfinished function stops that test cell with "Fatal error: not implemented".
c.ClearSolutions.begin_solution_delimeter = "BEGIN SOLUTION"
c.ClearSolutions.end_solution_delimeter = "END SOLUTION"
c.ClearSolutions.code_stub = {
    "swift": '// YOUR CODE HERE\nfatalError("not implemented")',
    "python": "# YOUR CODE HERE\nraise NotImplementedError()",
}
# Hidden tests: the lines between `// BEGIN HIDDEN TESTS` and `// END HIDDEN TESTS` of a test cell are removed
# from the student version and put back (from the gradebook) when the submission is autograded.
c.ClearHiddenTests.begin_test_delimeter = "BEGIN HIDDEN TESTS"
c.ClearHiddenTests.end_test_delimeter = "END HIDDEN TESTS"

# --- Autograding ----------------------------------------------------------------------------------------
# Seconds a cell may run. A cell compiles in about half a second (the first cell of a kernel also loads the
# library), exercise code runs in milliseconds; a cell that runs out of time is interrupted, scores 0, and
# the kernel goes on with the next cell. Each infinite loop in a submission costs this much grading time.
c.Execute.timeout = 30
c.Execute.interrupt_on_timeout = True
# Seconds to wait for a cell's last output after its reply. The kernel ends an interrupted cell at once (we
# measured 0.05 s; the earlier cells are run again in a new worker when the next cell starts, within that
# cell's own timeout). Running out of this wait fails the whole submission, not one cell, so it gets more
# margin than nbclient's 4 s for a grading machine under load.
c.Execute.iopub_timeout = 30
# Seconds for the kernel to start.
c.Execute.startup_timeout = 120
# A cell that asks for more memory than this gets "out of memory" (0 points) instead of pushing the grading
# machine into swap; the environment of the nbgrader command wins when it sets the variable.
os.environ.setdefault("SWIFT_INFERENCE_MEMORY_LIMIT", "2G")

# Submissions that are not JSON notebooks, or whose kernelspec is not Swift (Inference), fail with a message
# that names the student and the file; the other submissions are graded (see nbgrader_swift.py).
c.GenerateAssignment.exporter_class = nbgrader_swift.CheckedNotebookExporter
c.Autograde.exporter_class = nbgrader_swift.CheckedNotebookExporter
c.Autograde.sanitize_preprocessors = [
    nbgrader_swift.CheckKernelspec,
    ClearOutput,
    DeduplicateIds,
    OverwriteKernelspec,
    OverwriteCells,
    CheckCellMetadata,
]
