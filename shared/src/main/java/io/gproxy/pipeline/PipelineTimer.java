package io.gproxy.pipeline;

import java.util.concurrent.ScheduledThreadPoolExecutor;

/**
 * The timer thread that ends upstream bodies: buffered bodies past their deadline ({@link BoundedBody}), streams
 * silent too long ({@link SilentStreamGuard}). Its tasks only close input streams, which never blocks, so one daemon
 * thread serves every request in the container; cancelled tasks leave its queue at once. (Keepalives write to
 * clients, which can block, so {@link KeepaliveSink} keeps a thread of its own.)
 */
final class PipelineTimer {
    static final ScheduledThreadPoolExecutor INSTANCE = create();

    private PipelineTimer() {}

    private static ScheduledThreadPoolExecutor create() {
        ScheduledThreadPoolExecutor t = new ScheduledThreadPoolExecutor(1, r -> {
            Thread thread = new Thread(r, "gproxy-pipeline-timer");
            thread.setDaemon(true);
            return thread;
        });
        t.setRemoveOnCancelPolicy(true); // most deadlines are met: drop their tasks at once
        return t;
    }
}
