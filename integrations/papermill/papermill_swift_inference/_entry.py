"""The `papermill.engine` entry point. Papermill loads every entry point of that group when its `engines`
module is imported, which happens whenever papermill itself is imported (CLI or Python API); loading this
module registers the Swift translator. The engine itself is papermill's own nbclient engine under a
second name (`--engine swift_inference` behaves as the default)."""
from papermill.engines import NBClientEngine
from papermill.translators import papermill_translators

from .translator import SwiftTranslator

papermill_translators.register("swift", SwiftTranslator)


class SwiftInferenceEngine(NBClientEngine):
    """papermill's nbclient engine, unchanged: the entry point needs an engine to point at."""
