"""nbgrader plug-ins for courses that use the Swift (Inference) kernel.

nbgrader_config.py in this folder puts this folder on `sys.path` and wires both in:

- `CheckedNotebookExporter` reads every notebook nbgrader converts and, when the file is not a notebook
  (not UTF-8, not JSON, cut short), fails that one submission with the file, the line and the column,
  instead of nbformat's "Notebook does not appear to be JSON" followed by the first bytes of the file.
- `CheckKernelspec` runs first when `nbgrader autograde` sanitizes a submission. A notebook whose kernelspec
  is not the course's (a student switched to Python, or an editor removed the metadata) fails with a message
  that names the student, the file, the kernelspec found and the one expected. nbgrader on its own would
  silently replace the kernelspec with the source notebook's and grade it anyway.

In both cases nbgrader logs the error, removes that student's partial output and goes on grading the other
submissions; the command then exits with status 1 and lists the students whose submissions failed.
"""
from __future__ import annotations

import json
import os

from nbconvert.exporters import NotebookExporter
from nbgrader.preprocessors import NbGraderPreprocessor
from traitlets import Unicode

SWIFT_KERNEL = "swift-inference"
SWIFT_DISPLAY_NAME = "Swift (Inference)"


class SubmissionError(ValueError):
    """A submitted file that cannot be graded as it is; the message says why and what to do."""


class CheckedNotebookExporter(NotebookExporter):
    """nbconvert's notebook exporter, after a check that the file holds a JSON notebook."""

    def from_filename(self, filename, resources=None, **kw):
        with open(filename, "rb") as handle:
            data = handle.read()
        try:
            text = data.decode("utf-8")
        except UnicodeDecodeError as error:
            line = data.count(b"\n", 0, error.start) + 1
            raise SubmissionError(
                f"{filename}: not a notebook: byte {error.start} (line {line}) is not UTF-8 text"
            ) from None
        if not text.strip():
            raise SubmissionError(f"{filename}: not a notebook: the file is empty")
        try:
            document = json.loads(text)
        except json.JSONDecodeError as error:
            # An upload or a copy cut short fails on the file's last line.
            cut = " (the file ends on that line: it looks cut short)" if "\n" not in text[error.pos:].rstrip() else ""
            raise SubmissionError(
                f"{filename}: not a notebook: invalid JSON at line {error.lineno}, column {error.colno}: "
                f"{error.msg}{cut}"
            ) from None
        if not isinstance(document, dict) or "cells" not in document:
            raise SubmissionError(f"{filename}: not a notebook: the JSON has no \"cells\" list")
        return super().from_filename(filename, resources=resources, **kw)


class CheckKernelspec(NbGraderPreprocessor):
    """Fails a submission whose notebook does not name the course's kernel."""

    kernel_name = Unicode(SWIFT_KERNEL, help="The kernelspec name every submission must carry").tag(config=True)

    def preprocess(self, nb, resources):
        spec = nb.metadata.get("kernelspec") or {}
        name = spec.get("name")
        if name == self.kernel_name:
            return nb, resources
        info = resources.get("nbgrader", {})
        where = os.path.join(
            resources.get("metadata", {}).get("path", ""), f"{info.get('notebook', resources.get('unique_key', '?'))}.ipynb"
        )
        found = (
            f"kernelspec {name!r} ({spec.get('display_name', 'no display name')}, language "
            f"{spec.get('language', 'not given')})"
            if name
            else "no kernelspec"
        )
        raise SubmissionError(
            f"student {info.get('student', '?')!r}, {where}: the notebook has {found}; this course grades "
            f"{self.kernel_name!r} ({SWIFT_DISPLAY_NAME}) notebooks. Ask the student to pick Kernel → Change "
            f"Kernel → {SWIFT_DISPLAY_NAME}, save and submit again, or set the notebook's metadata.kernelspec.name "
            f"to {self.kernel_name!r} in the submitted copy and run autograde for this student again."
        )
