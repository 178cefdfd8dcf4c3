#pragma once
#include <stddef.h>

/// A compiled cell's entry point (the script-mode `main` renamed per cell).
typedef int (*cw_cell_entry)(int argc, char **argv);

/// Called with the runtime's boxed error when a cell lets an error escape its top level.
typedef void (*cw_error_reporter)(const void *error);

/// Called when cell code reads a line from standard input; returns a malloc'ed line or NULL at EOF.
typedef char *(*cw_line_reader)(void);

/// Installs the hooks (from the support library) used by `swift_errorInMain` and `getline`.
void cw_install_hooks(cw_error_reporter reporter, cw_line_reader reader);

/// Runs a cell's entry point on a new thread with a stack of `stack_bytes`, and waits for it.
/// Returns 0 when the cell ran to its end, 1 when it threw an error at the top level.
int cw_run_cell(cw_cell_entry entry, size_t stack_bytes);

/// Routes fatal signals through a handler that names the signal on standard error (with a hint for
/// stack overflows) before the process dies with the same signal.
void cw_install_crash_reporter(void);

/// Closes every file descriptor from 4 up. The engine hands the worker exactly fds 0–3; anything else it
/// inherited (say, the write end of a pipe another thread of the engine had open for a compiler) would
/// keep that pipe from ever reaching end-of-file while the worker lives.
void cw_close_inherited_descriptors(void);
