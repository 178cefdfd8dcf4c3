"""Swift parameters for papermill (the swift-inference kernel's plugin).

Importing papermill registers `SwiftTranslator` for the language `swift` through the `papermill.engine`
entry point `swift_inference` (see README.md). papermill is imported first, here, so that its own loading
of that entry point (which imports `_entry`, then `translator`) finishes before this package goes on.
"""
import papermill  # noqa: F401  (order matters: see above)

from .translator import SwiftParameterError, SwiftTranslator, string_literal  # noqa: E402

__all__ = ["SwiftTranslator", "SwiftParameterError", "string_literal"]
__version__ = "0.1.0"
