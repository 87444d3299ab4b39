package io.gproxy.tests.mock;

import java.io.ByteArrayOutputStream;
import java.io.IOException;
import java.io.InputStream;
import java.io.OutputStream;
import java.net.InetAddress;
import java.net.ServerSocket;
import java.net.Socket;
import java.net.URI;
import java.nio.charset.StandardCharsets;
import java.util.ArrayList;
import java.util.Base64;
import java.util.List;
import java.util.Locale;
import java.util.concurrent.CopyOnWriteArrayList;

/**
 * A minimal HTTP forward proxy on loopback, for tests of outbound proxy settings: absolute-form requests are
 * rewritten to origin-form and sent on with {@code Connection: close}, {@code CONNECT} opens a tunnel. With a user
 * and password it answers 407 until the client presents Basic credentials. Records each request it saw.
 */
public final class ForwardProxy implements AutoCloseable {
    /** One request as the proxy received it. */
    public record Seen(String method, String target, String proxyAuthorization, List<String> headerLines) {}

    private final ServerSocket server;
    private final String expectedAuth;
    private final List<Seen> seen = new CopyOnWriteArrayList<>();
    private volatile int challenges;

    public ForwardProxy() throws IOException {
        this(null, null);
    }

    public ForwardProxy(String user, String password) throws IOException {
        this.expectedAuth = user == null ? null
                : "Basic " + Base64.getEncoder().encodeToString((user + ":" + password).getBytes(StandardCharsets.UTF_8));
        this.server = new ServerSocket(0, 50, InetAddress.getLoopbackAddress());
        Thread.ofVirtual().start(this::acceptLoop);
    }

    public String url() {
        return "http://127.0.0.1:" + server.getLocalPort();
    }

    public int port() {
        return server.getLocalPort();
    }

    public List<Seen> seen() {
        return List.copyOf(seen);
    }

    /** How many 407 answers were sent. */
    public int challenges() {
        return challenges;
    }

    private void acceptLoop() {
        while (!server.isClosed()) {
            try {
                Socket client = server.accept();
                Thread.ofVirtual().start(() -> serve(client));
            } catch (IOException e) {
                return;
            }
        }
    }

    private void serve(Socket client) {
        try (client) {
            InputStream in = client.getInputStream();
            OutputStream out = client.getOutputStream();
            List<String> lines = readHead(in);
            if (lines.isEmpty()) {
                return;
            }
            String[] requestLine = lines.get(0).split(" ");
            String auth = null;
            List<String> headers = new ArrayList<>();
            for (String h : lines.subList(1, lines.size())) {
                String lower = h.toLowerCase(Locale.ROOT);
                if (lower.startsWith("proxy-authorization:")) {
                    auth = h.substring(h.indexOf(':') + 1).trim();
                } else if (!lower.startsWith("proxy-connection:") && !lower.startsWith("connection:")) {
                    headers.add(h);
                }
            }
            if (expectedAuth != null && !expectedAuth.equals(auth)) {
                challenges++;
                out.write(("HTTP/1.1 407 Proxy Authentication Required\r\nProxy-Authenticate: Basic realm=\"test\"\r\n"
                        + "Content-Length: 0\r\nConnection: close\r\n\r\n").getBytes(StandardCharsets.US_ASCII));
                out.flush();
                return;
            }
            seen.add(new Seen(requestLine[0], requestLine[1], auth, List.copyOf(headers)));
            if (requestLine[0].equals("CONNECT")) {
                String[] hostPort = requestLine[1].split(":");
                try (Socket upstream = new Socket(hostPort[0], Integer.parseInt(hostPort[1]))) {
                    out.write("HTTP/1.1 200 Connection Established\r\n\r\n".getBytes(StandardCharsets.US_ASCII));
                    out.flush();
                    pipe(client, upstream);
                }
                return;
            }
            URI target = URI.create(requestLine[1]);
            try (Socket upstream = new Socket(target.getHost(), target.getPort() == -1 ? 80 : target.getPort())) {
                StringBuilder head = new StringBuilder();
                String path = target.getRawPath() + (target.getRawQuery() == null ? "" : "?" + target.getRawQuery());
                head.append(requestLine[0]).append(' ').append(path).append(' ').append(requestLine[2]).append("\r\n");
                headers.forEach(h -> head.append(h).append("\r\n"));
                head.append("Connection: close\r\n\r\n");
                upstream.getOutputStream().write(head.toString().getBytes(StandardCharsets.ISO_8859_1));
                upstream.getOutputStream().flush();
                pipe(client, upstream);
            }
        } catch (IOException e) {
            // the client or the upstream went away; nothing to report in a test proxy
        }
    }

    /** Copies both directions until the upstream closes (it was asked to, or the tunnel ended). */
    private static void pipe(Socket client, Socket upstream) throws IOException {
        Thread up = Thread.ofVirtual().start(() -> {
            try {
                client.getInputStream().transferTo(upstream.getOutputStream());
            } catch (IOException ignored) {
                // closed
            }
        });
        try {
            InputStream fromUpstream = upstream.getInputStream();
            OutputStream toClient = client.getOutputStream();
            byte[] buf = new byte[8192];
            for (int n; (n = fromUpstream.read(buf)) >= 0; ) {
                toClient.write(buf, 0, n);
                toClient.flush();
            }
        } finally {
            up.interrupt();
        }
    }

    private static List<String> readHead(InputStream in) throws IOException {
        ByteArrayOutputStream line = new ByteArrayOutputStream();
        List<String> lines = new ArrayList<>();
        int prev = -1;
        for (int b; (b = in.read()) >= 0; prev = b) {
            if (b == '\n' && prev == '\r') {
                byte[] bytes = line.toByteArray();
                String text = new String(bytes, 0, bytes.length - 1, StandardCharsets.ISO_8859_1);
                if (text.isEmpty()) {
                    return lines;
                }
                lines.add(text);
                line.reset();
            } else {
                line.write(b);
            }
        }
        return lines;
    }

    @Override
    public void close() throws IOException {
        server.close();
    }
}
