package io.gproxy.functions.runtime;

import java.io.ByteArrayOutputStream;
import java.io.IOException;
import java.io.InputStream;
import java.io.OutputStream;
import java.net.InetAddress;
import java.net.ServerSocket;
import java.net.Socket;
import java.nio.charset.StandardCharsets;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.concurrent.BlockingQueue;
import java.util.concurrent.CopyOnWriteArrayList;
import java.util.concurrent.LinkedBlockingQueue;
import java.util.concurrent.TimeUnit;

/**
 * A Lambda Runtime API over a raw socket, for tests: hands out queued invocations, and records every call in order
 * — streamed responses chunk by chunk with arrival times, their trailers, and error reports. Raw sockets because
 * the JDK HTTP server neither exposes chunk boundaries nor trailers.
 */
final class FakeRuntimeApi implements AutoCloseable {
    /** One HTTP call the runtime made. */
    record Call(String method, String path, Map<String, String> headers, byte[] body, List<Chunk> chunks,
                Map<String, String> trailers) {
        String header(String name) {
            return headers.get(name.toLowerCase(Locale.ROOT));
        }
    }

    /** One chunk of a chunked request body and when it arrived. */
    record Chunk(byte[] data, long arrivedNanos) {
        String text() {
            return new String(data, StandardCharsets.UTF_8);
        }
    }

    private final ServerSocket server;
    private final BlockingQueue<byte[]> invocations = new LinkedBlockingQueue<>();
    private final List<Call> calls = new CopyOnWriteArrayList<>();
    private final BlockingQueue<Call> responses = new LinkedBlockingQueue<>();
    private final BlockingQueue<Chunk> liveChunks = new LinkedBlockingQueue<>();
    private final Thread acceptor;
    private volatile boolean closed;
    private int nextId;

    FakeRuntimeApi() throws IOException {
        server = new ServerSocket(0, 50, InetAddress.getLoopbackAddress());
        acceptor = Thread.ofVirtual().start(this::acceptLoop);
    }

    String hostPort() {
        return "127.0.0.1:" + server.getLocalPort();
    }

    void enqueue(String eventJson) {
        invocations.add(eventJson.getBytes(StandardCharsets.UTF_8));
    }

    /** The time each invocation handed out from now on may run (the Lambda-Runtime-Deadline-Ms it gets). */
    void timeLimit(java.time.Duration limit) {
        this.timeLimitMillis = limit.toMillis();
    }

    private volatile long timeLimitMillis = 60_000;

    List<Call> calls() {
        return List.copyOf(calls);
    }

    /** The next chunk of a streamed response, as soon as it arrives (before the response is complete). */
    Chunk awaitChunk(long timeout, TimeUnit unit) throws InterruptedException {
        return liveChunks.poll(timeout, unit);
    }

    /** The next finished call that is a response or an error report for an invocation. */
    Call awaitInvocationResult(long timeout, TimeUnit unit) throws InterruptedException {
        return responses.poll(timeout, unit);
    }

    @Override
    public void close() throws IOException {
        closed = true;
        server.close();
        acceptor.interrupt();
    }

    private void acceptLoop() {
        while (!closed) {
            try {
                Socket s = server.accept();
                Thread.ofVirtual().start(() -> serve(s));
            } catch (IOException e) {
                return;
            }
        }
    }

    private void serve(Socket socket) {
        try (socket) {
            InputStream in = socket.getInputStream();
            OutputStream out = socket.getOutputStream();
            while (true) {
                String requestLine = readLine(in);
                if (requestLine == null || requestLine.isEmpty()) {
                    return;
                }
                String[] parts = requestLine.split(" ");
                Map<String, String> headers = readHeaders(in);
                String path = parts[1].replace("/2018-06-01/runtime", "");
                if (parts[0].equals("GET") && path.equals("/invocation/next")) {
                    calls.add(new Call("GET", path, headers, new byte[0], List.of(), Map.of()));
                    byte[] event = takeInvocation();
                    if (event == null) {
                        respond(out, 410, new byte[0], Map.of());
                        return;
                    }
                    String id = "req-" + (++nextId);
                    respond(out, 200, event, Map.of("Lambda-Runtime-Aws-Request-Id", id,
                            "Lambda-Runtime-Deadline-Ms", Long.toString(System.currentTimeMillis() + timeLimitMillis)));
                    continue;
                }
                Call call;
                if ("chunked".equalsIgnoreCase(headers.get("transfer-encoding"))) {
                    List<Chunk> chunks = new ArrayList<>();
                    Map<String, String> trailers = new LinkedHashMap<>();
                    ByteArrayOutputStream whole = new ByteArrayOutputStream();
                    readChunked(in, chunks, trailers, whole, liveChunks);
                    call = new Call(parts[0], path, headers, whole.toByteArray(), chunks, trailers);
                } else {
                    int len = Integer.parseInt(headers.getOrDefault("content-length", "0"));
                    call = new Call(parts[0], path, headers, in.readNBytes(len), List.of(), Map.of());
                }
                calls.add(call);
                respond(out, path.endsWith("/response") || path.contains("/error") ? 202 : 200, new byte[0], Map.of());
                if (path.startsWith("/invocation/")) {
                    responses.add(call);
                }
                if ("close".equalsIgnoreCase(headers.get("connection"))) {
                    return;
                }
            }
        } catch (IOException | InterruptedException e) {
            // connection closed by the runtime or the test ended
        }
    }

    private byte[] takeInvocation() throws InterruptedException {
        while (!closed) {
            byte[] e = invocations.poll(100, TimeUnit.MILLISECONDS);
            if (e != null) {
                return e;
            }
        }
        return null;
    }

    private static void readChunked(InputStream in, List<Chunk> chunks, Map<String, String> trailers,
                                    ByteArrayOutputStream whole, BlockingQueue<Chunk> live) throws IOException {
        while (true) {
            String sizeLine = readLine(in);
            int size = Integer.parseInt(sizeLine.trim(), 16);
            if (size == 0) {
                trailers.putAll(readHeaders(in));
                return;
            }
            byte[] data = in.readNBytes(size);
            Chunk chunk = new Chunk(data, System.nanoTime());
            chunks.add(chunk);
            live.add(chunk);
            whole.write(data);
            readLine(in); // CRLF after the chunk
        }
    }

    private static Map<String, String> readHeaders(InputStream in) throws IOException {
        Map<String, String> headers = new LinkedHashMap<>();
        String line;
        while ((line = readLine(in)) != null && !line.isEmpty()) {
            int colon = line.indexOf(':');
            headers.put(line.substring(0, colon).trim().toLowerCase(Locale.ROOT), line.substring(colon + 1).trim());
        }
        return headers;
    }

    private static String readLine(InputStream in) throws IOException {
        ByteArrayOutputStream line = new ByteArrayOutputStream();
        int b;
        while ((b = in.read()) >= 0) {
            if (b == '\n') {
                String s = line.toString(StandardCharsets.ISO_8859_1);
                return s.endsWith("\r") ? s.substring(0, s.length() - 1) : s;
            }
            line.write(b);
        }
        return line.size() == 0 ? null : line.toString(StandardCharsets.ISO_8859_1);
    }

    private static void respond(OutputStream out, int status, byte[] body, Map<String, String> headers) throws IOException {
        StringBuilder sb = new StringBuilder("HTTP/1.1 ").append(status).append(" X\r\n");
        headers.forEach((k, v) -> sb.append(k).append(": ").append(v).append("\r\n"));
        sb.append("Content-Length: ").append(body.length).append("\r\n\r\n");
        out.write(sb.toString().getBytes(StandardCharsets.US_ASCII));
        out.write(body);
        out.flush();
    }
}
