package io.gproxy.tests.billing;

import java.io.ByteArrayOutputStream;
import java.io.IOException;
import java.io.InputStream;
import java.io.OutputStream;
import java.net.InetAddress;
import java.net.ServerSocket;
import java.net.Socket;
import java.nio.charset.StandardCharsets;
import java.util.List;
import java.util.Locale;
import java.util.concurrent.atomic.AtomicInteger;

/**
 * A raw-socket upstream that answers every request with a 200 event stream of the given SSE events and then drops
 * the connection in the middle of the chunked body: an upstream cut after the first byte.
 */
final class CuttingUpstream implements AutoCloseable {
    private final ServerSocket server;
    private final List<String> events;
    private final AtomicInteger requests = new AtomicInteger();
    private final Thread acceptor;

    CuttingUpstream(List<String> events) throws IOException {
        this.events = List.copyOf(events);
        this.server = new ServerSocket(0, 16, InetAddress.getLoopbackAddress());
        this.acceptor = Thread.ofVirtual().start(this::serve);
    }

    String baseUrl() {
        return "http://127.0.0.1:" + server.getLocalPort();
    }

    int requests() {
        return requests.get();
    }

    private void serve() {
        while (!server.isClosed()) {
            try (Socket s = server.accept()) {
                readRequest(s.getInputStream());
                requests.incrementAndGet();
                OutputStream out = s.getOutputStream();
                out.write(("HTTP/1.1 200 OK\r\ncontent-type: text/event-stream\r\ntransfer-encoding: chunked\r\n\r\n")
                        .getBytes(StandardCharsets.US_ASCII));
                for (String e : events) {
                    byte[] b = e.getBytes(StandardCharsets.UTF_8);
                    out.write((Integer.toHexString(b.length) + "\r\n").getBytes(StandardCharsets.US_ASCII));
                    out.write(b);
                    out.write("\r\n".getBytes(StandardCharsets.US_ASCII));
                    out.flush();
                }
                Thread.sleep(200); // let the gateway relay what was sent
                // closing now leaves the chunked body without its terminating chunk
            } catch (IOException | InterruptedException e) {
                if (server.isClosed()) {
                    return;
                }
            }
        }
    }

    private static void readRequest(InputStream in) throws IOException {
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
        long length = 0;
        for (String line : head.toString(StandardCharsets.ISO_8859_1).split("\r\n")) {
            if (line.toLowerCase(Locale.ROOT).startsWith("content-length:")) {
                length = Long.parseLong(line.substring(15).trim());
            }
        }
        in.readNBytes((int) length);
    }

    @Override
    public void close() throws IOException {
        server.close();
        acceptor.interrupt();
    }
}
