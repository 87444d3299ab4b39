package io.gproxy.functions.runtime;

import io.gproxy.functions.FunctionUrlEvents;
import io.gproxy.functions.SnapStartHooks;
import io.gproxy.http.HttpRequest;
import io.gproxy.http.HttpResponse;
import io.gproxy.http.RequestHandler;
import io.gproxy.http.StreamFailure;
import io.gproxy.protocol.Json;

import java.io.IOException;

/**
 * Our own Runtime API loop for functions behind a RESPONSE_STREAM Function URL (DESIGN §3, spec/aws.md D1/D2):
 * the SnapStart handshake when the function is initialised for a snapshot, then next invocation → handler →
 * streamed response, flushed per event. A failure before the first byte goes to {@code /invocation/{id}/error};
 * after it, to the response's error trailers.
 */
public final class StreamingRuntime {
    private final RuntimeApiClient api;
    private final RequestHandler handler;

    StreamingRuntime(RuntimeApiClient api, RequestHandler handler) {
        this.api = api;
        this.handler = handler;
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
            response.complete(); // the response is finished: settlement and the log line, still in this invocation
        }
    }
}
