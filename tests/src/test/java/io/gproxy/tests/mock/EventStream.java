package io.gproxy.tests.mock;

import com.fasterxml.jackson.databind.JsonNode;
import com.sun.net.httpserver.HttpExchange;
import java.io.IOException;
import java.io.OutputStream;
import java.nio.charset.StandardCharsets;
import java.time.Duration;

/**
 * A chunked streaming response. Every event is flushed on its own (one HTTP chunk per event), because
 * the point of the streaming tests is to see events arrive one by one; the {@link StreamGate} is
 * consulted after each flush.
 */
public final class EventStream implements AutoCloseable {
    private final OutputStream out;
    private final StreamGate.Ticket ticket;
    private final Duration eventDelay;
    private final MockUpstream.Cut cut;
    private boolean dropped;
    private int written;

    EventStream(HttpExchange exchange, String contentType, StreamGate.Ticket ticket, Duration eventDelay,
                MockUpstream.Cut cut) throws IOException {
        this.ticket = ticket;
        this.eventDelay = eventDelay;
        this.cut = cut;
        exchange.getResponseHeaders().set("Content-Type", contentType);
        exchange.getResponseHeaders().set("Cache-Control", "no-cache");
        exchange.sendResponseHeaders(200, 0); // length 0 = chunked transfer encoding
        this.out = exchange.getResponseBody();
        out.flush(); // headers out now, so a client sees the 200 before the first event
        ticket.afterEvents(0);
        cutIfDue();
    }

    /** SSE frame with an {@code event:} line (Anthropic, OpenAI Responses). */
    public void event(String name, JsonNode data) throws IOException {
        frame("event: " + name + "\ndata: " + Json.write(data) + "\n\n");
    }

    /** SSE frame with only a {@code data:} line (OpenAI Chat). */
    public void data(String data) throws IOException {
        frame("data: " + data + "\n\n");
    }

    /** Writes raw text as one event and flushes it (Gemini frames, JSON-array elements). */
    public void frame(String text) throws IOException {
        if (!eventDelay.isZero()) {
            sleep(eventDelay);
        }
        out.write(text.getBytes(StandardCharsets.UTF_8));
        out.flush();
        written++;
        ticket.afterEvents(written);
        cutIfDue();
    }

    /** Ends the route's work early when a cut is due (see {@link MockUpstream#cutNextStream}). */
    private void cutIfDue() {
        if (cut != null && written == cut.afterEvents()) {
            dropped = cut.dropConnection();
            throw new Cut(dropped);
        }
    }

    /** Unwinds a route out of a stream that was cut short; the mock's dispatcher ends the response. */
    static final class Cut extends RuntimeException {
        private final boolean dropConnection;

        Cut(boolean dropConnection) {
            super("stream cut", null, false, false);
            this.dropConnection = dropConnection;
        }

        boolean dropConnection() {
            return dropConnection;
        }
    }

    /** Raw bytes that are not an event of their own (the closing ']' of a JSON-array stream). */
    public void trailer(String text) throws IOException {
        out.write(text.getBytes(StandardCharsets.UTF_8));
        out.flush();
    }

    /** Writes the terminating chunk; only then is the stream "finished" for the gate. */
    @Override
    public void close() throws IOException {
        if (dropped) {
            return; // no terminating chunk: the dispatcher lets HttpServer drop the connection
        }
        out.close();
        ticket.finished();
    }

    static void sleep(Duration d) {
        try {
            Thread.sleep(d);
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
        }
    }
}
