package io.gproxy.pipeline;

import com.fasterxml.jackson.databind.JsonNode;
import io.gproxy.http.BodySink;
import io.gproxy.http.Headers;
import io.gproxy.http.HttpResponse;
import io.gproxy.http.StreamFailure;
import io.gproxy.protocol.ClassifiedRequest;
import io.gproxy.protocol.Json;
import io.gproxy.protocol.OperationKind;

import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.ExecutionException;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.TimeoutException;
import java.util.function.Supplier;

/**
 * A streaming client whose answer is slow to come (an upstream that takes long to send its headers, a failover chain
 * of slow failures, a stream replayed from a buffered upstream answer) gets its stream started after one keepalive
 * interval: status 200, the stream's content type, then a keepalive per interval, so idle timeouts in front of the
 * function (CloudFront's origin read timeout, 30 s by default) do not cut it off while the attempt loop goes on.
 *
 * <p>Keepalives carry no content, so failover behind them is unchanged: every credential and route member is still
 * tried as if nothing had been sent. Only the status is committed: an answer that turns out to be an error reaches
 * the client as one protocol-shaped error frame ({@link StreamErrorFrames#insteadOfStatus}) instead of an HTTP
 * status. An answer ready within the interval, which is nearly every answer, is returned exactly as before.
 *
 * <p>The answer is produced on its own virtual thread. If the client goes away while waiting, that thread is
 * interrupted (the upstream call is abandoned) and the answer it still returns is completed without being sent, so
 * its reservation is released or its usage settled like any other response's (issue 6).
 */
final class SlowStart {
    private static final byte[] SSE_KEEPALIVE = KeepaliveSink.SSE_COMMENT;
    private static final byte[] JSON_KEEPALIVE = KeepaliveSink.JSON_WHITESPACE;
    private static final java.time.Duration DRAIN_WAIT = java.time.Duration.ofSeconds(2);

    private final CompletableFuture<HttpResponse> answer = new CompletableFuture<>();
    private final Thread worker;
    private volatile boolean relayed; // the answer was handed to the started stream (which then owns its body)

    private SlowStart(Supplier<HttpResponse> work) {
        worker = Thread.ofVirtual().name("gproxy-answer").start(() -> {
            try {
                answer.complete(work.get());
            } catch (Throwable t) {
                answer.completeExceptionally(t);
            }
        });
    }

    /**
     * The response to a streaming request: {@code work}'s own response when it is ready within
     * {@code intervalMillis}, else a started stream that keeps the client waiting until it is.
     *
     * @param work the answer (its failures already turned into error responses; a RuntimeException is a bug)
     */
    static HttpResponse serve(Supplier<HttpResponse> work, long intervalMillis, ClassifiedRequest req, RequestLog log) {
        SlowStart start = new SlowStart(work);
        Waited first;
        try {
            first = start.await(intervalMillis);
        } catch (WaitInterrupted interrupted) {
            start.worker.interrupt();
            start.completeAnswer(); // nobody will send it: settle or release it now
            throw interrupted;
        }
        if (first.ready()) {
            return first.response(); // rethrows the work's RuntimeException, as a direct call would have
        }
        return start.startedStream(intervalMillis, req, log);
    }

    private HttpResponse startedStream(long intervalMillis, ClassifiedRequest req, RequestLog log) {
        boolean jsonArray = req.kind() == OperationKind.GEMINI_GENERATE_CONTENT && !req.geminiSse();
        byte[] keepalive = jsonArray ? JSON_KEEPALIVE : SSE_KEEPALIVE;
        Headers headers = Headers.of("content-type", jsonArray ? "application/json" : "text/event-stream");
        headers.set("cache-control", "no-cache");
        headers.set("x-accel-buffering", "no");
        HttpResponse started = HttpResponse.streaming(200, headers, sink -> {
            Waited waited;
            try {
                do {
                    sink.write(keepalive);
                    sink.flush();
                    waited = await(intervalMillis);
                } while (!waited.ready());
            } catch (WaitInterrupted timeUp) {
                // the transport ends this response (the Lambda runtime near the invocation's deadline): say so
                worker.interrupt();
                sink.write(StreamErrorFrames.insteadOfStatus(req.kind(), req.geminiSse(), 504,
                        "the gateway ran out of time waiting for the upstream"));
                sink.flush();
                throw new StreamFailure("interrupted while waiting for the upstream");
            } catch (IOException | RuntimeException clientGone) {
                worker.interrupt(); // stop waiting on the upstream for nobody
                throw clientGone;
            }
            log.startedBeforeAnswer();
            relayed = true;
            relay(waited, sink, req, log);
        });
        // after the last byte (or the client's departure): the answer's own completion, i.e. its settlement or release
        return started.onComplete(this::completeAnswer);
    }

    /** Writes the answer into the started stream: its own events, or the error it is, as the protocol's frame. */
    private static void relay(Waited waited, BodySink sink, ClassifiedRequest req, RequestLog log) throws IOException {
        HttpResponse answer;
        try {
            answer = waited.response();
        } catch (RuntimeException bug) {
            log.error("internal error: " + bug.getClass().getName());
            sink.write(StreamErrorFrames.insteadOfStatus(req.kind(), req.geminiSse(), 500, "internal error"));
            sink.flush();
            throw new StreamFailure("internal error before the answer");
        }
        boolean success = answer.status() >= 200 && answer.status() < 300;
        if (success && answer.isStreaming()) {
            answer.stream().writeTo(sink);
            return;
        }
        if (success) { // a buffered answer to a streaming request (none is known): relayed as it is
            sink.write(answer.body());
            sink.flush();
            return;
        }
        sink.write(StreamErrorFrames.insteadOfStatus(req.kind(), req.geminiSse(), answer.status(), messageOf(answer)));
        sink.flush();
        throw new StreamFailure("answered " + answer.status() + " after the stream had started");
    }

    /**
     * Runs once the started stream is over. A client that left before the answer came leaves an answer nobody will
     * read: it is drained into a closed sink, which closes its upstream body, and completed, so billing settles it.
     */
    private void completeAnswer() {
        HttpResponse response;
        try {
            response = answer.join(); // the worker was interrupted if the client left: it ends promptly
        } catch (RuntimeException failed) {
            return; // the work released its own reservation before it failed
        }
        if (response.isStreaming() && !relayed) {
            // The relay reads before it writes, so a silent upstream could hold the drain: bounded, then left behind
            // (it ends at the upstream's next byte or end; the settlement does not wait for it).
            Thread drain = Thread.ofVirtual().name("gproxy-drain").start(() -> {
                try {
                    response.stream().writeTo(ClosedSink.INSTANCE);
                } catch (IOException | RuntimeException expected) {
                    // the relay closed the upstream body on its way out
                }
            });
            try {
                drain.join(DRAIN_WAIT);
            } catch (InterruptedException e) {
                Thread.currentThread().interrupt();
            }
        }
        response.complete();
    }

    private Waited await(long millis) {
        try {
            return new Waited(true, answer.get(millis, TimeUnit.MILLISECONDS), null);
        } catch (TimeoutException e) {
            return new Waited(false, null, null);
        } catch (ExecutionException e) {
            return new Waited(true, null, e.getCause());
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
            throw new WaitInterrupted();
        }
    }

    /** The answer's error message (every protocol's error body and the gateway envelope put it at error.message). */
    static String messageOf(HttpResponse answer) {
        try {
            JsonNode body = Json.parse(answer.body());
            JsonNode error = (body != null && body.isArray() ? body.path(0) : body).path("error");
            String message = error.path("message").asText("");
            if (!message.isBlank()) {
                return message;
            }
        } catch (IOException | RuntimeException notJson) {
            // fall through to the status
        }
        return "upstream answered " + answer.status();
    }

    private record Waited(boolean ready, HttpResponse answer, Throwable failure) {
        HttpResponse response() {
            if (failure instanceof RuntimeException r) {
                throw r;
            }
            if (failure instanceof Error e) {
                throw e;
            }
            if (failure != null) {
                throw new IllegalStateException(failure);
            }
            return answer;
        }
    }

    /** The thread waiting for the answer was interrupted (its transport is ending the response). */
    private static final class WaitInterrupted extends IllegalStateException {
        WaitInterrupted() {
            super("interrupted while waiting for the upstream answer");
        }
    }

    /** Where an abandoned answer is drained: every write fails, so the relay closes the upstream body and returns. */
    private static final class ClosedSink implements BodySink {
        static final ClosedSink INSTANCE = new ClosedSink();

        @Override
        public void write(byte[] bytes, int offset, int length) throws IOException {
            throw new IOException("client gone");
        }

        @Override
        public void flush() throws IOException {
            throw new IOException("client gone");
        }
    }
}
