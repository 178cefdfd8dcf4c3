internal import SystemLibC

/// The write end of the SIGINT pipe; the signal handler may only make async-signal-safe calls.
nonisolated(unsafe) private var sigintPipeWriteEnd: Int32 = -1

extension JupyterKernel {
    /// Turns SIGINT into `interrupt()` instead of ending the process.
    ///
    /// Front ends signal the kernel's whole process group on "interrupt", so SIGINT must not kill the
    /// kernel. The handler (a real handler, not `SIG_IGN`, so child processes get the default action
    /// back when they `exec`) writes one byte to a pipe; a thread reads it and interrupts the cell.
    public func interruptOnSIGINT() {
        let pipe = WakePipe()
        sigintPipeWriteEnd = pipe.writeEnd
        var action = sigaction()
        action.__sigaction_handler.sa_handler = { _ in
            var byte: UInt8 = 1
            _ = write(sigintPipeWriteEnd, &byte, 1)
        }
        action.sa_flags = SA_RESTART
        sigemptyset(&action.sa_mask)
        sigaction(SIGINT, &action, nil)
        _ = KernelThread(name: "sigint", detached: true) { [self] in
            var readable = pollfd(fd: pipe.readEnd, events: Int16(POLLIN), revents: 0)
            while true {
                if poll(&readable, 1, -1) > 0 {
                    pipe.drain()
                    KernelLog.write("SIGINT: interrupting the running cell")
                    interrupt()
                }
            }
        }
    }
}
