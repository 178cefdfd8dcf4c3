#pragma once
#include <stddef.h>
#include <stdint.h>

/// A compiled cell's entry point (the script-mode `main` renamed per cell).
typedef int (*cw_cell_entry)(int argc, char **argv);

/// Called with the runtime's boxed error when a cell lets an error escape its top level.
typedef void (*cw_error_reporter)(const void *error);

/// Called when cell code reads a line from standard input; returns a malloc'ed line or NULL at EOF.
typedef char *(*cw_line_reader)(void);

/// Installs the hooks (from the support library) used by `swift_errorInMain` and `getline`.
void cw_install_hooks(cw_error_reporter reporter, cw_line_reader reader);

/// Waits for the main actor's next job and runs it (from the support library, which has the executor).
typedef void (*cw_job_runner)(void);

/// How a cell ended.
enum {
    /// It ran to its end (or called `exit(0)`; an async cell's body always does).
    CW_CELL_FINISHED = 0,
    /// An error escaped its top level.
    CW_CELL_THREW = 1,
    /// It called `exit` with a non-zero status.
    CW_CELL_EXITED = 2,
};

/// Runs a cell's entry point on a new thread with a stack of `stack_bytes`, and waits for it.
/// Returns one of the `CW_CELL_…` outcomes; `exit_status` is the status a cell passed to `exit`.
int cw_run_cell(cw_cell_entry entry, size_t stack_bytes, int *exit_status);

/// Makes the executor `identity`/`implementation` (an `UnownedSerialExecutor`'s two words) the main
/// actor's, and `run_next_job` what async cells call to run its jobs on their own thread.
/// Returns 0 when the concurrency runtime has no hook for it.
int cw_install_main_executor(void *identity, uintptr_t implementation, cw_job_runner run_next_job);

/// Routes fatal signals through a handler that names the signal on standard error (with a hint for
/// stack overflows) before the process dies with the same signal.
/// When the process then dies, the handler also writes the frames that lie in cell libraries registered
/// with `cw_register_cell_library` (`swift-inference-frame pc|ra <hex offset> <path>` lines).
void cw_install_crash_reporter(void);

/// Records the address range of the loaded library that holds `symbol`, under `path`, so a crash report
/// can name frames in it. Returns 0 when no loaded object holds `symbol` or the table is full.
int cw_register_cell_library(const void *symbol, const char *path);

/// Records the support library the same way; a crash report names only a trapping instruction in it
/// (`swift-inference-frame at …`), whose line table says what kind of check failed.
int cw_register_support_library(const void *symbol, const char *path);

/// Closes every file descriptor from 5 up. The engine hands the worker exactly fds 0–4; anything else it
/// inherited (say, the write end of a pipe another thread of the engine had open for a compiler) would
/// keep that pipe from ever reaching end-of-file while the worker lives.
void cw_close_inherited_descriptors(void);
