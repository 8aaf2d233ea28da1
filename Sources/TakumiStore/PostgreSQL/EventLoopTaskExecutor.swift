import NIOCore

/// Runs a task's jobs on one NIO event loop.
///
/// Why: a statement awaited from Swift's thread pool crosses threads at
/// every step — the query is written by waking the connection's event loop,
/// the row stream's demand wakes it again, and each answer wakes a pool
/// thread to resume the task. On two cores those wake-ups (eventfd writes,
/// futexes, context switches) measured several hundred µs of CPU per
/// statement. A task that prefers the connection's own event loop
/// (`withTaskExecutorPreference`) writes, asks for rows and resumes on the
/// thread that reads the socket: the only crossings left are going there
/// and coming back.
final class EventLoopTaskExecutor: TaskExecutor {
    let eventLoop: any EventLoop

    init(_ eventLoop: any EventLoop) {
        self.eventLoop = eventLoop
    }

    func enqueue(_ job: consuming ExecutorJob) {
        let job = UnownedJob(job)
        eventLoop.execute { job.runSynchronously(on: self.asUnownedTaskExecutor()) }
    }
}
