#define _GNU_SOURCE
#include "CWorkerSupport.h"

#include <dlfcn.h>
#include <pthread.h>
#include <setjmp.h>
#include <stdint.h>
#include <signal.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <unistd.h>

static cw_error_reporter error_reporter;
static cw_line_reader line_reader;
static cw_job_runner main_job_runner;
static __thread jmp_buf *cell_escape;
static __thread int cell_exit_status;
static void *cell_stack_low;
static void *cell_stack_high;

void cw_install_hooks(cw_error_reporter reporter, cw_line_reader reader) {
    error_reporter = reporter;
    line_reader = reader;
}

// The Swift runtime calls this when an error escapes the top level of a script-mode file. The
// worker exports its own definition (it is linked with --export-dynamic), which wins over the
// runtime's for every cell library: report the error and abandon the cell instead of trapping.
void swift_errorInMain(void *error) {
    if (error_reporter) error_reporter(error);
    if (cell_escape) longjmp(*cell_escape, 1);
    fprintf(stderr, "Fatal error: an error was thrown at the top level outside a cell\n");
    abort();
}

// A script's `exit(_:)` ends the process; in a notebook it ends the cell. A Swift script with top-level
// `await` also calls `exit(0)` when its last statement is done, so this is how an async cell finishes too.
// Outside a cell thread (the worker itself, a detached task) it is the C library's `exit`.
void exit(int status) {
    if (cell_escape) {
        cell_exit_status = status;
        longjmp(*cell_escape, 2);
    }
    void (*real_exit)(int) = (void (*)(int))dlsym(RTLD_NEXT, "exit");
    if (real_exit) real_exit(status);
    _exit(status);
}

// ---- The main actor's executor ----
//
// A script with top-level `await` starts its body as a task on the main actor, runs it until it first
// suspends, and then calls `swift_task_asyncMainDrainQueue`, which on Linux hands the process's main thread
// to Dispatch for good, and the body calls `exit(0)` at its end. In the worker a cell runs on a thread of
// its own while the process's main thread reads commands. So the main actor gets an executor of the cell
// runtime's (the runtime's `swift_task_getMainExecutor` hook returns it), whose jobs the drain below runs on
// the cell's thread until the body's `exit(0)` ends the cell (see `exit` above). Jobs enqueued while no async
// cell drains wait for the next one, as they would wait for a busy main thread.

typedef struct {
    void *identity;
    uintptr_t implementation;
} cw_executor_ref;
typedef __attribute__((swiftcall)) cw_executor_ref (*get_main_executor_original)(void);
typedef __attribute__((swiftcall)) cw_executor_ref (*get_main_executor_hook)(get_main_executor_original original);

static cw_executor_ref main_executor;

static __attribute__((swiftcall)) cw_executor_ref cell_main_executor(get_main_executor_original original) {
    (void)original;
    return main_executor;
}

int cw_install_main_executor(void *identity, uintptr_t implementation, cw_job_runner run_next_job) {
    main_executor.identity = identity;
    main_executor.implementation = implementation;
    main_job_runner = run_next_job;
    get_main_executor_hook *hook = (get_main_executor_hook *)dlsym(RTLD_DEFAULT, "swift_task_getMainExecutor_hook");
    if (!hook) return 0;
    *hook = cell_main_executor;
    return 1;
}

// Interposes the runtime's function (the worker exports its own, which cell libraries bind to).
void swift_task_asyncMainDrainQueue(void) {
    if (!cell_escape || !main_job_runner) {
        fprintf(stderr, "swift-inference-worker: top-level await outside a cell\n");
        abort();
    }
    for (;;) main_job_runner();
}

// Swift's readLine() reads standard input with getline(), which glibc's headers turn into
// __getdelim(). Lines for cells come from the front end instead, through the support library, so
// that a notebook can ask the person running it. Both names are interposed (the worker exports them).
static ssize_t read_line_from_front_end(char **lineptr, size_t *n) {
    char *line = line_reader();
    if (!line) return -1;
    size_t length = strlen(line);
    if (*lineptr == NULL || *n < length + 1) {
        char *grown = realloc(*lineptr, length + 1);
        if (!grown) {
            free(line);
            return -1;
        }
        *lineptr = grown;
        *n = length + 1;
    }
    memcpy(*lineptr, line, length + 1);
    free(line);
    return (ssize_t)length;
}

ssize_t __getdelim(char **lineptr, size_t *n, int delimiter, FILE *stream) {
    static ssize_t (*real_getdelim)(char **, size_t *, int, FILE *);
    if (stream == stdin && delimiter == '\n' && line_reader) return read_line_from_front_end(lineptr, n);
    if (!real_getdelim) real_getdelim = (ssize_t (*)(char **, size_t *, int, FILE *))dlsym(RTLD_NEXT, "__getdelim");
    return real_getdelim(lineptr, n, delimiter, stream);
}

ssize_t getline(char **lineptr, size_t *n, FILE *stream) {
    return __getdelim(lineptr, n, '\n', stream);
}

struct cell_run {
    cw_cell_entry entry;
    int outcome;
    int exit_status;
};

static void *run_cell_thread(void *argument) {
    struct cell_run *run = argument;
    pthread_attr_t attributes;
    if (pthread_getattr_np(pthread_self(), &attributes) == 0) {
        void *low;
        size_t size;
        pthread_attr_getstack(&attributes, &low, &size);
        cell_stack_low = low;
        cell_stack_high = (char *)low + size;
        pthread_attr_destroy(&attributes);
    }
    // Signal handlers for this thread run on their own stack, so a stack overflow can be reported.
    stack_t alternate = {.ss_sp = malloc(1 << 16), .ss_size = 1 << 16, .ss_flags = 0};
    if (alternate.ss_sp) sigaltstack(&alternate, NULL);
    jmp_buf escape;
    cell_escape = &escape;
    int jumped = setjmp(escape);
    if (jumped == 0) {
        static char name[] = "cell";
        char *argv[] = {name, NULL};
        run->entry(1, argv);
        run->outcome = CW_CELL_FINISHED;
    } else if (jumped == 2) {
        run->exit_status = cell_exit_status;
        run->outcome = cell_exit_status == 0 ? CW_CELL_FINISHED : CW_CELL_EXITED;
    } else {
        run->outcome = CW_CELL_THREW;
    }
    cell_escape = NULL;
    return NULL;
}

int cw_run_cell(cw_cell_entry entry, size_t stack_bytes, int *exit_status) {
    struct cell_run run = {entry, CW_CELL_FINISHED, 0};
    pthread_attr_t attributes;
    pthread_attr_init(&attributes);
    pthread_attr_setstacksize(&attributes, stack_bytes);
    pthread_t thread;
    if (pthread_create(&thread, &attributes, run_cell_thread, &run) != 0) {
        pthread_attr_destroy(&attributes);
        run_cell_thread(&run);
        *exit_status = run.exit_status;
        return run.outcome;
    }
    pthread_attr_destroy(&attributes);
    pthread_join(thread, NULL);
    *exit_status = run.exit_status;
    return run.outcome;
}

static void write_text(const char *text) {
    size_t length = strlen(text);
    while (length > 0) {
        ssize_t written = write(2, text, length);
        if (written <= 0) return;
        text += written;
        length -= (size_t)written;
    }
}

static void crash_handler(int signal_number, siginfo_t *info, void *context) {
    (void)context;
    const char *address = info ? (const char *)info->si_addr : NULL;
    int near_stack_end = cell_stack_low && address && address >= (const char *)cell_stack_low - 65536 &&
                         address < (const char *)cell_stack_low + 65536;
    if (signal_number == SIGSEGV && near_stack_end) {
        write_text("\nswift-inference: stack overflow (too deep recursion?)\n");
    } else {
        write_text("\nswift-inference: the cell was stopped by signal ");
        write_text(strsignal(signal_number));
        write_text("\n");
    }
    signal(signal_number, SIG_DFL);
    raise(signal_number);
}

void cw_install_crash_reporter(void) {
    static char alternate_stack[1 << 16];
    stack_t stack = {.ss_sp = alternate_stack, .ss_size = sizeof alternate_stack, .ss_flags = 0};
    sigaltstack(&stack, NULL);
    struct sigaction action;
    memset(&action, 0, sizeof action);
    action.sa_sigaction = crash_handler;
    action.sa_flags = SA_SIGINFO | SA_ONSTACK | SA_RESETHAND;
    sigemptyset(&action.sa_mask);
    int signals[] = {SIGSEGV, SIGBUS, SIGILL, SIGTRAP, SIGFPE, SIGABRT};
    for (size_t i = 0; i < sizeof signals / sizeof signals[0]; i++) sigaction(signals[i], &action, NULL);
}

void cw_close_inherited_descriptors(void) {
    closefrom(5);
}
