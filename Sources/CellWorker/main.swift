// The worker: a process that loads compiled cells and runs them, one at a time, for one session.
//
// It is started by the engine as `swift-inference-worker <libNotebookSupport.so> [<working folder>]` with
//   fd 0  /dev/null (cells read input through the support library instead)
//   fd 1  a pipe: everything cells print, and framed events (`WorkerFrame`s in their envelope)
//   fd 2  a pipe: what cells write to standard error, and the runtime's crash messages
//   fd 3  a pipe of commands from the engine, one per line:
//           run <entry-symbol> <path-to-library>
//           time <entry-symbol> <path-to-library>   (as `run`, then `%time`'s report on fd 1)
//           cell <execution number> <widget id prefix>   (before a run: the context of the widgets it makes)
//           comm <JSON>   (a message from the front end for a widget; acknowledged and ended like a run)
//           exit
//         and, while a cell waits for input, the replies to its input requests.
//   fd 4  a pipe to the engine that carries a copy of each `done` record, one per line. It is out of the
//         cells' way (they print to fd 1 and may close it, fill it or make it non-blocking), so the engine
//         learns that a cell ended even when the record on fd 1 is lost.
// It acknowledges each `run` with a `started` event at once and ends it with a `done` event. If a cell traps, the process dies; the engine notices,
// starts another worker and restores the earlier cells in it. Before dying, the worker writes on fd 2 where
// in the loaded cell libraries the crash happened (see CWorkerSupport), which the engine maps to cell lines.
import CWorkerSupport
import WorkerProtocol

internal import SystemLibC

let commandDescriptor: Int32 = 3
let statusDescriptor: Int32 = 4

/// How many `run` commands this worker has taken; `done` records carry it, so the engine can match them.
var runCount = 0

/// Sends a frame through the support library, which frames it on fd 1 among the cell's output.
func send(_ frame: WorkerFrame) {
    sendEvent(String(decoding: frame.encoded, as: UTF8.self))
}

/// Sends the `done` frame of the current run on both channels.
func finish(_ end: WorkerFrame.CellEnd) {
    let record = WorkerFrame.done(run: runCount, end: end)
    send(record)
    let line = record.encoded + [UInt8(ascii: "\n")]
    line.withUnsafeBytes { buffer in
        var offset = 0
        while offset < buffer.count {
            let n = write(statusDescriptor, buffer.baseAddress! + offset, buffer.count - offset)
            if n < 0 && errno == EINTR { continue }
            if n <= 0 { return }
            offset += n
        }
    }
}

/// Wall-clock (monotonic) and CPU time since it was made; CPU time is the whole worker's, every thread.
struct Stopwatch {
    let wall: Double
    let cpu: (user: Double, system: Double)

    init() {
        wall = Stopwatch.monotonic()
        cpu = Stopwatch.processTimes()
    }

    func elapsed() -> (wall: Double, user: Double, system: Double) {
        let now = Stopwatch.processTimes()
        return (Stopwatch.monotonic() - wall, now.user - cpu.user, now.system - cpu.system)
    }

    static func monotonic() -> Double {
        var now = timespec()
        clock_gettime(CLOCK_MONOTONIC, &now)
        return Double(now.tv_sec) + Double(now.tv_nsec) * 1e-9
    }

    static func processTimes() -> (user: Double, system: Double) {
        var usage = rusage()
        getrusage(RUSAGE_SELF.rawValue, &usage)
        func seconds(_ t: timeval) -> Double { Double(t.tv_sec) + Double(t.tv_usec) * 1e-6 }
        return (seconds(usage.ru_utime), seconds(usage.ru_stime))
    }
}

func fail(_ message: String) -> Never {
    fputs("swift-inference-worker: \(message)\n", stderr)
    exit(70)
}

func loadSymbol<T>(_ handle: UnsafeMutableRawPointer, _ name: String, as type: T.Type) -> T {
    guard let symbol = dlsym(handle, name) else { fail("the support library has no symbol \(name)") }
    return unsafeBitCast(symbol, to: type)
}

func readCommand() -> String? {
    var line: [UInt8] = []
    var byte: UInt8 = 0
    while true {
        let n = read(commandDescriptor, &byte, 1)
        if n < 0 && errno == EINTR { continue }
        if n <= 0 { return line.isEmpty ? nil : String(decoding: line, as: UTF8.self) }
        if byte == UInt8(ascii: "\n") { return String(decoding: line, as: UTF8.self) }
        line.append(byte)
    }
}

guard CommandLine.arguments.count >= 2 else {
    fail("usage: swift-inference-worker <libNotebookSupport.so> [<working folder>]")
}
cw_close_inherited_descriptors()
// The command and status pipes are the worker's own: a program a cell starts (`!command`) must not inherit them.
for descriptor in [commandDescriptor, statusDescriptor] { _ = fcntl(descriptor, F_SETFD, FD_CLOEXEC) }
// The engine's memory limit for cells: the data segment (heap, anonymous mappings, thread stacks).
if let raw = getenv("SWIFT_INFERENCE_WORKER_MEMORY_LIMIT"), let limit = UInt64(String(cString: raw)), limit > 0 {
    var bound = rlimit(rlim_cur: rlim_t(limit), rlim_max: rlim_t(limit))
    if setrlimit(Int32(RLIMIT_DATA.rawValue), &bound) != 0 {
        fputs("swift-inference-worker: cannot set the memory limit: \(String(cString: strerror(errno)))\n", stderr)
    }
}
if CommandLine.arguments.count >= 3, chdir(CommandLine.arguments[2]) != 0 {
    fail("cannot run cells in \(CommandLine.arguments[2]): \(String(cString: strerror(errno)))")
}
setvbuf(stdout, nil, _IOLBF, 0)
setvbuf(stderr, nil, _IONBF, 0)
cw_install_crash_reporter()

guard let support = dlopen(CommandLine.arguments[1], RTLD_NOW | RTLD_GLOBAL) else {
    fail("cannot load the support library: \(String(cString: dlerror()))")
}
typealias SendEvent = @convention(c) (UnsafePointer<CChar>) -> Void
typealias ReportError = @convention(c) (UnsafeRawPointer?) -> Void
typealias ReadLine = @convention(c) () -> UnsafeMutablePointer<CChar>?
typealias RunJob = @convention(c) () -> Void
typealias ReportTiming = @convention(c) (Double, Double, Double) -> Void
typealias BeginCell = @convention(c) (Int, UnsafePointer<CChar>) -> Void
typealias ReceiveComm = @convention(c) (UnsafePointer<CChar>) -> Void
typealias MainExecutor = @convention(c) (UnsafeMutablePointer<UnsafeMutableRawPointer?>, UnsafeMutablePointer<UInt>) -> Void
let sendEvent = loadSymbol(support, "swift_inference_send_event", as: SendEvent.self)
let reportError = loadSymbol(support, "swift_inference_report_thrown_error", as: ReportError.self)
let readInputLine = loadSymbol(support, "swift_inference_read_input_line", as: ReadLine.self)
let runMainJob = loadSymbol(support, "swift_inference_run_main_job", as: RunJob.self)
let mainExecutor = loadSymbol(support, "swift_inference_main_executor", as: MainExecutor.self)
let reportTiming = loadSymbol(support, "swift_inference_report_timing", as: ReportTiming.self)
let beginCell = loadSymbol(support, "swift_inference_begin_cell", as: BeginCell.self)
let receiveComm = loadSymbol(support, "swift_inference_comm_receive", as: ReceiveComm.self)
guard let commDispatch = dlsym(support, "swift_inference_comm_dispatch") else {
    fail("the support library has no symbol swift_inference_comm_dispatch")
}
cw_install_hooks(reportError, readInputLine)
_ = cw_register_support_library(unsafeBitCast(sendEvent, to: UnsafeRawPointer.self), CommandLine.arguments[1])
var executorIdentity: UnsafeMutableRawPointer?
var executorImplementation: UInt = 0
mainExecutor(&executorIdentity, &executorImplementation)
if cw_install_main_executor(executorIdentity, executorImplementation, runMainJob) == 0 {
    fputs("swift-inference-worker: this Swift runtime has no main-executor hook; top-level await will not work\n", stderr)
}

send(.ready)
while let command = readCommand() {
    let parts = command.split(separator: " ", maxSplits: 2).map(String.init)
    switch parts.first {
    case "run" where parts.count == 3, "time" where parts.count == 3:
        // Acknowledged at once, so the engine can tell a lost command from a long cell.
        runCount += 1
        send(.started)
        guard let library = dlopen(parts[2], RTLD_NOW | RTLD_GLOBAL) else {
            let reason = String(cString: dlerror())
            fputs("swift-inference-worker: cannot load a compiled cell: \(reason)\n", stderr)
            finish(.notLoaded)
            continue
        }
        guard let entry = dlsym(library, parts[1]) else {
            fputs("swift-inference-worker: compiled cell has no entry point \(parts[1])\n", stderr)
            finish(.notLoaded)
            continue
        }
        // Its address range, so that a crash report can name the cell's line.
        _ = cw_register_cell_library(entry, parts[2])
        var exitStatus: Int32 = 0
        let before = Stopwatch()
        let outcome = cw_run_cell(unsafeBitCast(entry, to: cw_cell_entry.self), 512 << 20, &exitStatus)
        fflush(nil)
        if parts[0] == "time", Int(outcome) == Int(CW_CELL_FINISHED) {
            let spent = before.elapsed()
            reportTiming(spent.wall, spent.user, spent.system)
            fflush(nil)
        }
        switch Int(outcome) {
        case Int(CW_CELL_FINISHED): finish(.finished)
        case Int(CW_CELL_EXITED): finish(.exited(status: exitStatus))
        default: finish(.abandoned)
        }
    case "cell" where parts.count >= 2:
        beginCell(Int(parts[1]) ?? 0, parts.count == 3 ? parts[2] : "")
    case "comm" where parts.count >= 2:
        // Runs like a cell (its own big-stack thread, thrown errors and exits caught), so a trap in a
        // widget's callback is reported the way a cell's is.
        runCount += 1
        send(.started)
        receiveComm(String(command.dropFirst("comm ".count)))
        var exitStatus: Int32 = 0
        let outcome = cw_run_cell(unsafeBitCast(commDispatch, to: cw_cell_entry.self), 512 << 20, &exitStatus)
        fflush(nil)
        switch Int(outcome) {
        case Int(CW_CELL_FINISHED): finish(.finished)
        case Int(CW_CELL_EXITED): finish(.exited(status: exitStatus))
        default: finish(.abandoned)
        }
    case "exit":
        fflush(nil)
        exit(0)
    default:
        fputs("swift-inference-worker: unknown command '\(command)'\n", stderr)
    }
}
fflush(nil)
exit(0)
