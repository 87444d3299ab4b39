package io.gproxy.http;

import java.nio.charset.StandardCharsets;
import java.util.List;
import java.util.concurrent.CopyOnWriteArrayList;
import java.util.concurrent.atomic.AtomicBoolean;

/**
 * A transport-neutral response: either a buffered body or a {@link StreamingBody}. Exactly one of
 * {@code body} and {@code stream} is non-null.
 */
public final class HttpResponse {
    private final int status;
    private final Headers headers;
    private final byte[] body;
    private final StreamingBody stream;
    private final Completion completion;

    private HttpResponse(int status, Headers headers, byte[] body, StreamingBody stream, Completion completion) {
        this.status = status;
        this.headers = headers == null ? new Headers() : headers;
        this.body = body;
        this.stream = stream;
        this.completion = completion;
    }

    private HttpResponse(int status, Headers headers, byte[] body, StreamingBody stream) {
        this(status, headers, body, stream, new Completion());
    }

    public static HttpResponse buffered(int status, Headers headers, byte[] body) {
        return new HttpResponse(status, headers, body == null ? new byte[0] : body, null);
    }

    public static HttpResponse json(int status, String json) {
        return buffered(status, Headers.of("content-type", "application/json"), json.getBytes(StandardCharsets.UTF_8));
    }

    public static HttpResponse streaming(int status, Headers headers, StreamingBody stream) {
        return new HttpResponse(status, headers, null, stream);
    }

    public int status() {
        return status;
    }

    public Headers headers() {
        return headers;
    }

    public boolean isStreaming() {
        return stream != null;
    }

    /** The buffered body; empty for a streaming response. */
    public byte[] body() {
        return body == null ? new byte[0] : body;
    }

    public StreamingBody stream() {
        return stream;
    }

    // ---- completion hooks (billing, issue 6): work that must happen after the last byte, inside the invocation

    /**
     * Runs {@code hook} once the response has been fully sent (or the client went away), in registration order.
     * Every transport calls {@link #complete()} after sending: the local server after closing the exchange, the
     * streaming runtime after finishing the response, the buffered Lambda handler before returning.
     */
    public HttpResponse onComplete(Runnable hook) {
        completion.hooks.add(hook);
        return this;
    }

    /** Runs the completion hooks, once; a failing hook does not stop the others. Transports call this. */
    public void complete() {
        if (!completion.done.compareAndSet(false, true)) {
            return;
        }
        for (Runnable hook : completion.hooks) {
            try {
                hook.run();
            } catch (RuntimeException e) {
                System.err.println("{\"level\":\"error\",\"msg\":\"response completion hook failed: "
                        + e.getClass().getSimpleName() + "\"}");
            }
        }
    }

    /** The same status, headers and completion hooks with another streaming body (a wrapper around this one's). */
    public HttpResponse withStream(StreamingBody wrapped) {
        return new HttpResponse(status, headers, null, wrapped, completion);
    }

    private static final class Completion {
        final List<Runnable> hooks = new CopyOnWriteArrayList<>();
        final AtomicBoolean done = new AtomicBoolean();
    }
}
