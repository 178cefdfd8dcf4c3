#define _GNU_SOURCE
#include "CWorkerSupport.h"

#include <dlfcn.h>
#include <execinfo.h>
#include <link.h>
#include <pthread.h>
#include <setjmp.h>
#include <stdatomic.h>
#include <stdint.h>
#include <signal.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <ucontext.h>
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

// ---- Where in the cells a crash happened ----
//
// Each cell library's address range is recorded when it is loaded. When the worker dies of a signal, the
// handler walks the stack and writes, for each frame inside a cell library, one line
//   swift-inference-frame pc|ra <offset in the library, hex> <library path>
// on standard error: "pc" for the instruction that trapped, "ra" for a return address (the call is the
// instruction before it). When the trapping instruction is in the support library (a `precondition` of
// the Inference library, which -O builds compile to a bare trap), it is written as "at": its line table
// names the kind of check. The engine keeps these lines out of what the student sees and turns them into
// cell lines with the libraries' DWARF line tables. The handler only compares numbers and calls write(2).
//
// The walk is glibc's `backtrace`, which follows the unwind tables (code in the library and the standard
// library is built -O and often keeps no frame pointer). It is called once at start-up, so libgcc is
// loaded before any crash, and libgcc finds unwind tables with `_dl_find_object`, which takes no lock.

enum { CW_CELL_LIBRARY_CAPACITY = 8192, CW_FRAMES_WALKED = 256, CW_FRAMES_REPORTED = 48 };

struct cell_library {
    uintptr_t start;
    uintptr_t end;
    /// The load bias: an address minus it is the address in the ELF file, what the line tables use.
    uintptr_t bias;
    const char *path;
    int is_cell;
};

static struct cell_library cell_libraries[CW_CELL_LIBRARY_CAPACITY];
/// Entries below this count are complete; a handler on another thread may read them at any time.
static atomic_size_t cell_library_count;

struct library_search {
    uintptr_t address;
    struct cell_library found;
    int matched;
};

static int find_containing_object(struct dl_phdr_info *info, size_t size, void *data) {
    (void)size;
    struct library_search *search = data;
    uintptr_t low = UINTPTR_MAX, high = 0;
    for (int i = 0; i < info->dlpi_phnum; i++) {
        const ElfW(Phdr) *header = &info->dlpi_phdr[i];
        if (header->p_type != PT_LOAD) continue;
        uintptr_t start = info->dlpi_addr + header->p_vaddr;
        uintptr_t end = start + header->p_memsz;
        if (start < low) low = start;
        if (end > high) high = end;
    }
    if (search->address < low || search->address >= high) return 0;
    search->found.start = low;
    search->found.end = high;
    search->found.bias = info->dlpi_addr;
    search->matched = 1;
    return 1;
}

static int register_library(const void *symbol, const char *path, int is_cell) {
    struct library_search search = {.address = (uintptr_t)symbol, .matched = 0};
    dl_iterate_phdr(find_containing_object, &search);
    if (!search.matched) return 0;
    size_t count = atomic_load(&cell_library_count);
    for (size_t i = 0; i < count; i++) {
        if (cell_libraries[i].bias == search.found.bias && cell_libraries[i].start == search.found.start) return 1;
    }
    if (count == CW_CELL_LIBRARY_CAPACITY) return 0;
    search.found.path = strdup(path);
    search.found.is_cell = is_cell;
    if (!search.found.path) return 0;
    cell_libraries[count] = search.found;
    atomic_store(&cell_library_count, count + 1);
    return 1;
}

int cw_register_cell_library(const void *symbol, const char *path) {
    return register_library(symbol, path, 1);
}

int cw_register_support_library(const void *symbol, const char *path) {
    return register_library(symbol, path, 0);
}

static void write_hex(uintptr_t value) {
    char digits[2 * sizeof value + 1];
    size_t at = sizeof digits - 1;
    digits[at] = 0;
    do {
        digits[--at] = "0123456789abcdef"[value & 0xf];
        value >>= 4;
    } while (value != 0);
    write_text(digits + at);
}

static uintptr_t interrupted_instruction(void *context) {
    if (!context) return 0;
    const ucontext_t *state = context;
#if defined(__x86_64__)
    return (uintptr_t)state->uc_mcontext.gregs[REG_RIP];
#elif defined(__aarch64__)
    return (uintptr_t)state->uc_mcontext.pc;
#else
    (void)state;
    return 0;
#endif
}

static void report_cell_frames(void *context) {
    size_t libraries = atomic_load(&cell_library_count);
    if (libraries == 0) return;
    static void *frames[CW_FRAMES_WALKED];
    int depth = backtrace(frames, CW_FRAMES_WALKED);
    uintptr_t pc = interrupted_instruction(context);
    // The first frames are this handler's and the signal trampoline's; the walk goes on from the
    // instruction the signal interrupted.
    int first = 0;
    for (int i = 0; i < depth; i++) {
        if ((uintptr_t)frames[i] == pc) {
            first = i;
            break;
        }
    }
    int reported = 0;
    for (int i = first; i < depth && reported < CW_FRAMES_REPORTED; i++) {
        uintptr_t address = (uintptr_t)frames[i];
        for (size_t j = 0; j < libraries; j++) {
            const struct cell_library *library = &cell_libraries[j];
            if (address < library->start || address >= library->end) continue;
            int trapped_here = i == first && address == pc;
            if (!library->is_cell && !trapped_here) break;
            write_text(!library->is_cell ? "swift-inference-frame at " : trapped_here ? "swift-inference-frame pc " : "swift-inference-frame ra ");
            write_hex(address - library->bias);
            write_text(" ");
            write_text(library->path);
            write_text("\n");
            reported++;
            break;
        }
    }
}

static void crash_handler(int signal_number, siginfo_t *info, void *context) {
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
    report_cell_frames(context);
    signal(signal_number, SIG_DFL);
    raise(signal_number);
}

void cw_install_crash_reporter(void) {
    // Loads libgcc's unwinder now rather than in the handler.
    void *warm_up[4];
    backtrace(warm_up, 4);
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
