package io.gproxy.tests.fault;

import java.io.ByteArrayOutputStream;
import java.io.IOException;
import java.io.InputStream;
import java.io.OutputStream;
import java.net.InetAddress;
import java.net.ServerSocket;
import java.net.Socket;
import java.nio.charset.StandardCharsets;
import java.util.Locale;
import java.util.concurrent.ConcurrentLinkedQueue;
import java.util.concurrent.atomic.AtomicInteger;

/**
 * An OpenAI Chat Completions upstream on a raw socket, so it can misbehave below HTTP: every request takes the next
 * queued {@link Behaviour} (or answers normally) — an error status, silence, a slow first byte, a connection reset
 * before or after the headers, garbage or truncated SSE (cleanly or inside an event), a truncated JSON body,
 * a body that stalls after the headers. A real HTTP server library would
 * not let a test send half a body and then reset the connection.
 */
final class ScriptedUpstream implements AutoCloseable {
    static final String MODEL = "gpt-4o-mini";
    static final int INPUT_TOKENS = 12;
    static final int OUTPUT_TOKENS = 7;
    static final String REPLY = "Hello from the scripted upstream";

    enum Behaviour {
        OK, STATUS_429, STATUS_500, STATUS_401, HANG, SLOW_FIRST_BYTE, RESET_BEFORE_HEADERS, RESET_MID_BODY,
        GARBAGE_SSE, TRUNCATED_SSE, TRUNCATED_JSON,
        /** Two events, then the start of a third that never ends ({@link #PARTIAL_EVENT}), then a clean end. */
        CUT_MID_EVENT,
        /**
         * Status and headers, part of the body (half a JSON answer, or a stream's first event), then nothing: the
         * connection stays open until the gateway closes it ({@link #stalledClosed()} counts those).
         */
        STALLED_BODY
    }

    /** The unfinished event of {@link Behaviour#CUT_MID_EVENT}: no client may see it. */
    static final String PARTIAL_EVENT = "data: {\"id\":\"chatcmpl-never-finished\",\"object\":\"chat.compl";

    /** How long a stalled answer waits for the gateway to close the connection before giving up itself. */
    static final long STALL_MILLIS = 30_000;

    /** How long SLOW_FIRST_BYTE waits before the first byte (below the gateway's upstream timeout). */
    static final long SLOW_MILLIS = 400;

    private final ServerSocket server;
    private final ConcurrentLinkedQueue<Behaviour> script = new ConcurrentLinkedQueue<>();
    private final AtomicInteger requests = new AtomicInteger();
    private final AtomicInteger stalledClosed = new AtomicInteger();
    private final Thread acceptor;

    ScriptedUpstream() throws IOException {
        server = new ServerSocket(0, 64, InetAddress.getLoopbackAddress());
        acceptor = Thread.ofVirtual().start(this::acceptLoop);
    }

    String baseUrl() {
        return "http://127.0.0.1:" + server.getLocalPort();
    }

    /** The next request gets {@code b}. Calls queue up. */
    void next(Behaviour b) {
        script.add(b);
    }

    void clear() {
        script.clear();
        requests.set(0);
        stalledClosed.set(0);
    }

    int requests() {
        return requests.get();
    }

    /** Stalled answers whose connection the gateway closed (since {@link #clear()}). */
    int stalledClosed() {
        return stalledClosed.get();
    }

    private void acceptLoop() {
        while (!server.isClosed()) {
            try {
                Socket s = server.accept();
                Thread.ofVirtual().start(() -> serve(s));
            } catch (IOException e) {
                return;
            }
        }
    }

    private void serve(Socket s) {
        try (s) {
            InputStream in = s.getInputStream();
            String body = readRequest(in);
            requests.incrementAndGet();
            boolean stream = body.replace(" ", "").contains("\"stream\":true");
            Behaviour b = script.poll();
            OutputStream out = s.getOutputStream();
            switch (b == null ? Behaviour.OK : b) {
                case OK -> ok(out, stream);
                case STATUS_429 -> error(out, 429, "rate_limit_exceeded", "Rate limit reached", "retry-after: 1\r\n");
                case STATUS_500 -> error(out, 500, "server_error", "The server had an error", "");
                case STATUS_401 -> error(out, 401, "invalid_api_key", "Incorrect API key provided", "");
                case HANG -> Thread.sleep(60_000); // the gateway's timeout must end this, not us
                case SLOW_FIRST_BYTE -> {
                    Thread.sleep(SLOW_MILLIS);
                    ok(out, stream);
                }
                case RESET_BEFORE_HEADERS -> reset(s);
                case RESET_MID_BODY -> {
                    if (stream) {
                        head(out, 200, "text/event-stream", -1, "");
                        chunk(out, sse(chunkJson("{\"role\":\"assistant\",\"content\":\"\"}", null)));
                        chunk(out, sse(chunkJson("{\"content\":\"" + "partial ".repeat(20) + "\"}", null)));
                    } else {
                        byte[] full = completionJson().getBytes(StandardCharsets.UTF_8);
                        head(out, 200, "application/json", full.length, "");
                        out.write(full, 0, full.length / 2);
                    }
                    out.flush();
                    Thread.sleep(100); // let the gateway relay what came
                    reset(s);
                }
                case GARBAGE_SSE -> {
                    head(out, 200, stream ? "text/event-stream" : "application/json", -1, "");
                    chunk(out, "data: {\"id\":\"c1\",\"choices\":[{\"delta\":{\"content\":\"ok\"}}]}\n\n");
                    chunk(out, "data: {this is not json\n\n");
                    chunk(out, "\u0000\u0001garbage\r\n\r\nevent: ???\ndata: ]]]\n\n");
                    endChunks(out);
                }
                case TRUNCATED_SSE -> {
                    head(out, 200, stream ? "text/event-stream" : "application/json", -1, "");
                    chunk(out, sse(chunkJson("{\"role\":\"assistant\",\"content\":\"\"}", null)));
                    chunk(out, sse(chunkJson("{\"content\":\"cut short\"}", null)));
                    endChunks(out); // a clean end of the body, but no finish_reason, usage or [DONE]
                }
                case CUT_MID_EVENT -> {
                    head(out, 200, stream ? "text/event-stream" : "application/json", -1, "");
                    chunk(out, sse(chunkJson("{\"role\":\"assistant\",\"content\":\"\"}", null)));
                    chunk(out, sse(chunkJson("{\"content\":\"cut \"}", null)));
                    chunk(out, PARTIAL_EVENT);
                    endChunks(out);
                }
                case TRUNCATED_JSON -> {
                    String full = completionJson();
                    byte[] half = full.substring(0, full.length() / 2).getBytes(StandardCharsets.UTF_8);
                    head(out, 200, "application/json", half.length, ""); // well-framed, but not JSON
                    out.write(half);
                }
                case STALLED_BODY -> {
                    if (stream) {
                        head(out, 200, "text/event-stream", -1, "");
                        chunk(out, sse(chunkJson("{\"role\":\"assistant\",\"content\":\"\"}", null)));
                    } else {
                        byte[] full = completionJson().getBytes(StandardCharsets.UTF_8);
                        head(out, 200, "application/json", full.length, "");
                        out.write(full, 0, full.length / 2);
                    }
                    out.flush();
                    awaitPeerClose(s, in);
                }
            }
            out.flush();
        } catch (IOException | InterruptedException e) {
            // the gateway went away (timeouts), or we are closing
        }
    }

    private void ok(OutputStream out, boolean stream) throws IOException {
        if (!stream) {
            byte[] b = completionJson().getBytes(StandardCharsets.UTF_8);
            head(out, 200, "application/json", b.length, "");
            out.write(b);
            return;
        }
        head(out, 200, "text/event-stream", -1, "");
        for (String event : okEvents()) {
            chunk(out, event);
        }
        endChunks(out);
    }

    /** The events of a stream that ends well, one per chunk: what a passthrough client must get byte for byte. */
    static java.util.List<String> okEvents() {
        java.util.List<String> events = new java.util.ArrayList<>();
        events.add(sse(chunkJson("{\"role\":\"assistant\",\"content\":\"\"}", null)));
        for (String w : REPLY.split(" ")) {
            events.add(sse(chunkJson("{\"content\":\"" + w + " \"}", null)));
        }
        events.add(sse(chunkJson("{}", "\"stop\"")));
        events.add(sse("{\"id\":\"chatcmpl-s\",\"object\":\"chat.completion.chunk\",\"created\":1,\"model\":\"" + MODEL
                + "\",\"choices\":[],\"usage\":{\"prompt_tokens\":" + INPUT_TOKENS + ",\"completion_tokens\":"
                + OUTPUT_TOKENS + ",\"total_tokens\":" + (INPUT_TOKENS + OUTPUT_TOKENS) + "}}"));
        events.add("data: [DONE]\n\n");
        return events;
    }

    private static void error(OutputStream out, int status, String code, String message, String extraHeaders)
            throws IOException {
        byte[] b = ("{\"error\":{\"message\":\"" + message + "\",\"type\":\"" + code + "\",\"param\":null,\"code\":\""
                + code + "\"}}").getBytes(StandardCharsets.UTF_8);
        head(out, status, "application/json", b.length, extraHeaders);
        out.write(b);
    }

    static String completionJson() {
        return "{\"id\":\"chatcmpl-s\",\"object\":\"chat.completion\",\"created\":1,\"model\":\"" + MODEL + "\","
                + "\"choices\":[{\"index\":0,\"message\":{\"role\":\"assistant\",\"content\":\"" + REPLY + "\"},"
                + "\"finish_reason\":\"stop\"}],\"usage\":{\"prompt_tokens\":" + INPUT_TOKENS + ",\"completion_tokens\":"
                + OUTPUT_TOKENS + ",\"total_tokens\":" + (INPUT_TOKENS + OUTPUT_TOKENS) + "}}";
    }

    private static String chunkJson(String delta, String finish) {
        return "{\"id\":\"chatcmpl-s\",\"object\":\"chat.completion.chunk\",\"created\":1,\"model\":\"" + MODEL
                + "\",\"choices\":[{\"index\":0,\"delta\":" + delta + ",\"finish_reason\":" + finish + "}]}";
    }

    private static String sse(String json) {
        return "data: " + json + "\n\n";
    }

    private static void head(OutputStream out, int status, String contentType, long length, String extra) throws IOException {
        String framing = length < 0 ? "transfer-encoding: chunked\r\n" : "content-length: " + length + "\r\n";
        out.write(("HTTP/1.1 " + status + " X\r\ncontent-type: " + contentType + "\r\n" + framing + extra
                + "connection: close\r\n\r\n").getBytes(StandardCharsets.US_ASCII));
        out.flush();
    }

    private static void chunk(OutputStream out, String text) throws IOException {
        byte[] b = text.getBytes(StandardCharsets.UTF_8);
        out.write((Integer.toHexString(b.length) + "\r\n").getBytes(StandardCharsets.US_ASCII));
        out.write(b);
        out.write("\r\n".getBytes(StandardCharsets.US_ASCII));
        out.flush();
    }

    private static void endChunks(OutputStream out) throws IOException {
        out.write("0\r\n\r\n".getBytes(StandardCharsets.US_ASCII));
        out.flush();
    }

    /** Blocks until the gateway closes the connection (counted), or {@link #STALL_MILLIS} pass (not counted). */
    private void awaitPeerClose(Socket s, InputStream in) throws IOException {
        s.setSoTimeout((int) STALL_MILLIS);
        try {
            while (in.read() >= 0) {
                // the gateway sends nothing more on this connection; a close ends the loop
            }
        } catch (java.net.SocketTimeoutException stillOpen) {
            return;
        } catch (IOException reset) {
            // a reset is a close too
        }
        stalledClosed.incrementAndGet();
    }

    /** An RST instead of a FIN: the peer sees "connection reset". */
    private static void reset(Socket s) throws IOException {
        s.setSoLinger(true, 0);
        s.close();
    }

    private String readRequest(InputStream in) throws IOException {
        ByteArrayOutputStream head = new ByteArrayOutputStream();
        int c;
        while ((c = in.read()) >= 0) {
            head.write(c);
            byte[] h = head.toByteArray();
            int n = h.length;
            if (n >= 4 && h[n - 4] == '\r' && h[n - 3] == '\n' && h[n - 2] == '\r' && h[n - 1] == '\n') {
                break;
            }
        }
        String headText = head.toString(StandardCharsets.ISO_8859_1);
        long length = 0;
        for (String line : headText.split("\r\n")) {
            if (line.toLowerCase(Locale.ROOT).startsWith("content-length:")) {
                length = Long.parseLong(line.substring(15).trim());
            }
        }
        return new String(in.readNBytes((int) length), StandardCharsets.UTF_8);
    }

    @Override
    public void close() throws IOException {
        server.close();
        acceptor.interrupt();
    }
}
