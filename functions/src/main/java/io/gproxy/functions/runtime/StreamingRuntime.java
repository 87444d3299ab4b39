package io.gproxy.functions.runtime;

import io.gproxy.functions.FunctionUrlEvents;
import io.gproxy.functions.SnapStartHooks;
import io.gproxy.http.HttpRequest;
import io.gproxy.http.HttpResponse;
import io.gproxy.http.RequestHandler;
import io.gproxy.http.StreamFailure;
import io.gproxy.protocol.Json;

import java.io.IOException;
import java.time.Duration;
import java.util.concurrent.Executors;
import java.util.concurrent.ScheduledExecutorService;
import java.util.concurrent.ScheduledFuture;
import java.util.concurrent.TimeUnit;

/**
 * Our own Runtime API loop for functions behind a RESPONSE_STREAM Function URL (DESIGN §3, spec/aws.md D1/D2):
 * the SnapStart handshake when the function is initialised for a snapshot, then next invocation → handler →
 * streamed response, flushed per event. A failure before the first byte goes to {@code /invocation/{id}/error};
 * after it, to the response's error trailers.
 */
public final class StreamingRuntime {
    /**
     * How long before the invocation's deadline a response still streaming is ended by the runtime itself, so its
     * settlement (DynamoDB writes with retries) and log line run inside the invocation: Lambda ending it at the
     * deadline would leave the request's reservation committed and its usage unrecorded.
     */
    static final Duration DEADLINE_MARGIN = Duration.ofSeconds(10);

    private static final ScheduledExecutorService DEADLINES = Executors.newSingleThreadScheduledExecutor(r -> {
        Thread t = new Thread(r, "gproxy-invocation-deadline");
        t.setDaemon(true);
        return t;
    });

    private final RuntimeApiClient api;
    private final RequestHandler handler;
    private final Duration deadlineMargin;

    StreamingRuntime(RuntimeApiClient api, RequestHandler handler) {
        this(api, handler, DEADLINE_MARGIN);
    }

    StreamingRuntime(RuntimeApiClient api, RequestHandler handler, Duration deadlineMargin) {
        this.api = api;
        this.handler = handler;
        this.deadlineMargin = deadlineMargin;
    }

    /**
     * Runs the SnapStart handshake when {@code snapStart}: before-checkpoint hooks, {@code restore/next} (the
     * snapshot is taken while it is outstanding), after-restore hooks. A failing hook is reported and ends the
     * process with status 64, as the managed runtime does.
     *
     * @return false when the process must exit
     */
    boolean initialise(boolean snapStart) {
        if (!snapStart) {
            return true;
        }
        try {
            SnapStartHooks.runBeforeCheckpoint();
        } catch (Throwable t) {
            api.initError("Runtime.BeforeCheckpointError", t);
            return false;
        }
        try {
            api.restoreNext();
        } catch (IOException e) {
            api.initError("Runtime.RestoreNextError", e);
            return false;
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
            return false;
        }
        try {
            SnapStartHooks.runAfterRestore();
        } catch (Throwable t) {
            api.restoreError("Runtime.AfterRestoreError", t);
            return false;
        }
        return true;
    }

    /** Serves invocations until the Runtime API goes away (in tests) or forever (on Lambda). */
    void loop() {
        while (!Thread.currentThread().isInterrupted()) {
            Invocation inv;
            try {
                inv = api.next();
            } catch (IOException e) {
                return;
            } catch (InterruptedException e) {
                Thread.currentThread().interrupt();
                return;
            }
            serve(inv);
        }
    }

    void serve(Invocation inv) {
        HttpResponse response;
        try {
            HttpRequest request = FunctionUrlEvents.toRequest(Json.MAPPER.readTree(inv.event()));
            response = request.body().length > handler.maxBodyBytes() ? handler.payloadTooLarge() : handler.handle(request);
        } catch (Throwable t) {
            api.invocationError(inv.requestId(), "Runtime.HandlerError", t);
            return;
        }
        ScheduledFuture<?> deadline = endBeforeDeadline(inv, Thread.currentThread());
        try (StreamingResponseWriter out = StreamingResponseWriter.open(api.hostPort(), inv.requestId())) {
            try {
                out.prelude(FunctionUrlEvents.streamingPrelude(response));
                if (response.isStreaming()) {
                    response.stream().writeTo(out);
                } else {
                    out.write(response.body());
                }
                out.finish();
            } catch (Throwable t) {
                if (!out.finished()) {
                    // the client already got a protocol-shaped error frame; the trailers tell Lambda as well
                    out.finishWithError(t instanceof StreamFailure ? "Upstream.StreamError" : "Runtime.StreamError", t);
                }
            }
        } catch (IOException runtimeApiGone) {
            System.err.println("{\"level\":\"error\",\"msg\":\"streamed response to the Runtime API failed\",\"request_id\":\""
                    + inv.requestId() + "\"}");
        } finally {
            if (deadline != null && !deadline.cancel(false)) {
                try {
                    deadline.get(); // it is running or ran: let it finish before the flag is cleared
                } catch (Exception ignored) {
                    // interrupted or done: either way nothing more comes from it
                }
            }
            Thread.interrupted(); // a deadline interrupt must not abort the settlement's store calls
            response.complete(); // the response is finished: settlement and the log line, still in this invocation
        }
    }

    /**
     * Interrupts {@code streaming} (the thread writing the response) {@link #deadlineMargin} before the invocation's
     * deadline: a relay blocked on its upstream wakes with an error, ends the client's stream with its protocol's
     * error frame and returns, so the completion hooks settle the usage served so far as interrupted. Null when the
     * deadline is unknown.
     */
    private ScheduledFuture<?> endBeforeDeadline(Invocation inv, Thread streaming) {
        if (inv.deadlineMs() <= 0) {
            return null;
        }
        long remaining = inv.deadlineMs() - System.currentTimeMillis();
        long margin = Math.min(deadlineMargin.toMillis(), Math.max(0, remaining / 2));
        return DEADLINES.schedule(() -> {
            System.err.println("{\"level\":\"warn\",\"msg\":\"response still streaming near the invocation deadline: "
                    + "ending it\",\"request_id\":\"" + inv.requestId() + "\"}");
            streaming.interrupt();
        }, Math.max(0, remaining - margin), TimeUnit.MILLISECONDS);
    }
}
