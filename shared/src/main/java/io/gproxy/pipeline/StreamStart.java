package io.gproxy.pipeline;

import com.fasterxml.jackson.databind.JsonNode;
import io.gproxy.channel.Disposition;
import io.gproxy.protocol.Json;

import java.io.ByteArrayInputStream;
import java.io.ByteArrayOutputStream;
import java.io.IOException;
import java.io.InputStream;
import java.io.SequenceInputStream;
import java.nio.charset.StandardCharsets;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.ExecutionException;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.TimeoutException;

/**
 * The start of a successful upstream stream, read before anything goes to the client (spec/peers.md C #11: a 429 that
 * arrives on a stream before any byte reached the client must fail over). Upstreams answer 200 and then send an
 * error as their first event (Anthropic {@code overloaded_error}, OpenAI {@code {"error":...}}, Gemini
 * {@code RESOURCE_EXHAUSTED}), or drop the connection before the first event: both are failed attempts that the
 * next candidate can still serve, because the client has not seen a byte.
 *
 * <p>The wait is bounded: a model that thinks longer than {@code waitMillis} before its first event is relayed
 * without the check (the response must start so keepalives can flow), and the peeked bytes are replayed either way.
 */
final class StreamStart {
    /** What the start showed: {@code failure} null when the stream may be relayed as {@code body}. */
    record Outcome(InputStream body, Disposition failure, int status, byte[] errorBody, String reason) {
    }

    private static final int MAX_PEEK = 64 * 1024;
    private static final com.fasterxml.jackson.databind.ObjectMapper LENIENT = new com.fasterxml.jackson.databind.ObjectMapper();

    private StreamStart() {}

    static Outcome inspect(InputStream body, boolean sse, long waitMillis) {
        ByteArrayOutputStream seen = new ByteArrayOutputStream();
        CompletableFuture<Boolean> firstEvent = CompletableFuture.supplyAsync(() -> readFirstEvent(body, seen, sse),
                StreamStart::startVirtual);
        Boolean ended;
        try {
            ended = firstEvent.get(Math.max(1, waitMillis), TimeUnit.MILLISECONDS);
        } catch (TimeoutException slow) {
            // relay now; the reader thread's bytes come first, then the rest of the stream
            return new Outcome(new SequenceInputStream(new LateBytes(firstEvent, seen), body), null, 200, null, null);
        } catch (ExecutionException e) {
            closeQuietly(body);
            return failed(seen, "connection failed before the first event: "
                    + (e.getCause() == null ? "io" : e.getCause().getClass().getSimpleName()));
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
            closeQuietly(body);
            return failed(seen, "interrupted");
        }
        byte[] head = seen.toByteArray();
        if (ended && head.length == 0) {
            closeQuietly(body);
            return failed(seen, "stream ended before the first event");
        }
        Outcome error = errorEvent(head, sse);
        if (error != null) {
            closeQuietly(body); // the rest of a failed stream is never read: give the connection back
            return error;
        }
        return new Outcome(new SequenceInputStream(new ByteArrayInputStream(head), body), null, 200, null, null);
    }

    private static void closeQuietly(InputStream in) {
        try {
            in.close();
        } catch (IOException ignored) {
            // already broken
        }
    }

    private static void startVirtual(Runnable r) {
        Thread.ofVirtual().name("gproxy-stream-start").start(r);
    }

    private static Outcome failed(ByteArrayOutputStream seen, String reason) {
        return new Outcome(null, Disposition.TRANSIENT, 502, seen.toByteArray(), reason);
    }

    /** Reads until the first data event is complete (or a non-SSE body has a first chunk); true when the body ended. */
    private static boolean readFirstEvent(InputStream in, ByteArrayOutputStream seen, boolean sse) {
        byte[] buf = new byte[4096];
        try {
            while (seen.size() < MAX_PEEK) {
                int n = in.read(buf);
                if (n < 0) {
                    return true;
                }
                synchronized (seen) {
                    seen.write(buf, 0, n);
                }
                if (!sse || firstDataEvent(seen.toString(StandardCharsets.UTF_8)) != null) {
                    return false;
                }
            }
            return false;
        } catch (IOException e) {
            throw new java.io.UncheckedIOException(e);
        }
    }

    /** The first complete event that carries data (comments and keepalives skipped), or null. */
    static String firstDataEvent(String text) {
        String t = text.replace("\r\n", "\n");
        int from = 0;
        while (true) {
            int end = t.indexOf("\n\n", from);
            if (end < 0) {
                return null;
            }
            String event = t.substring(from, end);
            if (event.lines().anyMatch(l -> l.startsWith("data:"))) {
                return event;
            }
            from = end + 2;
        }
    }

    /** A failed attempt when the first event is an error, else null. */
    static Outcome errorEvent(byte[] head, boolean sse) {
        String text = new String(head, StandardCharsets.UTF_8);
        String data;
        String eventName = null;
        if (sse) {
            String event = firstDataEvent(text);
            if (event == null) {
                return null;
            }
            StringBuilder d = new StringBuilder();
            for (String line : event.lines().toList()) {
                if (line.startsWith("data:")) {
                    d.append(line.substring(5).strip());
                } else if (line.startsWith("event:")) {
                    eventName = line.substring(6).strip();
                }
            }
            data = d.toString();
        } else {
            String s = text.stripLeading();
            data = s.startsWith("[") ? s.substring(1) : s;
        }
        JsonNode node;
        try {
            node = LENIENT.readTree(data); // the first value only: a JSON array's "]" or next element may follow
        } catch (IOException | RuntimeException notWholeJson) {
            return null; // a JSON-array stream's first chunk may end mid-element; only a readable error counts
        }
        if (node == null || !node.isObject()) {
            return null;
        }
        boolean error = node.has("error") && node.get("error").isObject()
                || "error".equals(node.path("type").asText()) || "error".equals(eventName)
                || "response.failed".equals(node.path("type").asText());
        if (!error) {
            return null;
        }
        String all = node.toString().toLowerCase(java.util.Locale.ROOT);
        boolean rateLimited = all.contains("rate_limit") || all.contains("resource_exhausted")
                || all.contains("\"code\":429") || all.contains("\"status\":429") || all.contains("too many requests");
        byte[] errorBody = Json.bytes(node);
        return rateLimited
                ? new Outcome(null, new Disposition.RateLimited(Disposition.DEFAULT_RETRY_AFTER), 429, errorBody,
                "rate limited in the stream's first event")
                : new Outcome(null, Disposition.TRANSIENT, 502, errorBody, "error in the stream's first event");
    }

    /** The bytes the reader thread has read (all of them, once it finished), for a stream relayed without the check. */
    private static final class LateBytes extends InputStream {
        private final CompletableFuture<Boolean> reader;
        private final ByteArrayOutputStream seen;
        private ByteArrayInputStream bytes;

        LateBytes(CompletableFuture<Boolean> reader, ByteArrayOutputStream seen) {
            this.reader = reader;
            this.seen = seen;
        }

        private ByteArrayInputStream bytes() throws IOException {
            if (bytes == null) {
                try {
                    reader.get();
                } catch (InterruptedException e) {
                    Thread.currentThread().interrupt();
                    throw new IOException("interrupted");
                } catch (ExecutionException e) {
                    throw new IOException("upstream failed", e.getCause());
                }
                synchronized (seen) {
                    bytes = new ByteArrayInputStream(seen.toByteArray());
                }
            }
            return bytes;
        }

        @Override
        public int read() throws IOException {
            return bytes().read();
        }

        @Override
        public int read(byte[] b, int off, int len) throws IOException {
            return bytes().read(b, off, len);
        }
    }
}
