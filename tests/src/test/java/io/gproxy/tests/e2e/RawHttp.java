package io.gproxy.tests.e2e;

import java.io.ByteArrayOutputStream;
import java.io.IOException;
import java.io.InputStream;
import java.io.OutputStream;
import java.net.Socket;
import java.net.URI;
import java.nio.charset.StandardCharsets;
import java.util.ArrayList;
import java.util.List;
import java.util.Locale;
import java.util.Optional;

/**
 * One HTTP/1.1 exchange over a plain socket, with exactly the header lines the test writes (an HTTP client adds its
 * own, and refuses some): for header-count and header-size limits. Sends {@code Connection: close} and reads the
 * answer to the end of the stream; a connection the server closes or resets without an answer is an
 * {@link IOException} naming what happened.
 */
public final class RawHttp {
    /** A parsed answer: status, header lines as sent, body text. */
    public record Response(int status, List<String> headerLines, String body) {
        public Optional<String> header(String name) {
            String prefix = name.toLowerCase(Locale.ROOT) + ":";
            return headerLines.stream().filter(l -> l.toLowerCase(Locale.ROOT).startsWith(prefix))
                    .map(l -> l.substring(prefix.length()).trim()).findFirst();
        }
    }

    private RawHttp() {}

    /**
     * POSTs {@code body} (JSON) to {@code path}. {@code headerLines} are written after {@code Host},
     * {@code Content-Type}, {@code Content-Length} and {@code Connection}, which count as four header names.
     */
    public static Response post(String baseUrl, String path, List<String> headerLines, String body) throws IOException {
        URI base = URI.create(baseUrl);
        byte[] payload = body.getBytes(StandardCharsets.UTF_8);
        StringBuilder head = new StringBuilder(64 + headerLines.size() * 16)
                .append("POST ").append(path).append(" HTTP/1.1\r\n")
                .append("Host: ").append(base.getHost()).append(':').append(base.getPort()).append("\r\n")
                .append("Content-Type: application/json\r\n")
                .append("Content-Length: ").append(payload.length).append("\r\n")
                .append("Connection: close\r\n");
        for (String line : headerLines) {
            head.append(line).append("\r\n");
        }
        head.append("\r\n");
        try (Socket socket = new Socket(base.getHost(), base.getPort())) {
            socket.setSoTimeout(20_000);
            IOException writeFailed = null;
            try {
                OutputStream out = socket.getOutputStream();
                out.write(head.toString().getBytes(StandardCharsets.ISO_8859_1));
                out.write(payload);
                out.flush();
            } catch (IOException e) {
                writeFailed = e; // the server may have answered and closed before reading everything: read it
            }
            byte[] answer;
            try {
                answer = readAll(socket.getInputStream());
            } catch (IOException e) {
                throw new IOException("no answer, the connection broke (" + e.getMessage() + ")"
                        + (writeFailed == null ? "" : " after the write failed: " + writeFailed.getMessage()), e);
            }
            if (answer.length == 0) {
                throw new IOException("the server closed the connection without an answer"
                        + (writeFailed == null ? "" : " (write failed: " + writeFailed.getMessage() + ")"));
            }
            return parse(new String(answer, StandardCharsets.ISO_8859_1)); // one char per byte: chunk sizes line up
        }
    }

    private static byte[] readAll(InputStream in) throws IOException {
        ByteArrayOutputStream out = new ByteArrayOutputStream();
        in.transferTo(out);
        return out.toByteArray();
    }

    private static Response parse(String raw) throws IOException {
        int end = raw.indexOf("\r\n\r\n");
        if (end < 0 || !raw.startsWith("HTTP/1.1 ")) {
            throw new IOException("not an HTTP answer: " + raw.substring(0, Math.min(200, raw.length())));
        }
        List<String> lines = new ArrayList<>(List.of(raw.substring(0, end).split("\r\n")));
        int status = Integer.parseInt(lines.remove(0).substring(9, 12));
        String body = raw.substring(end + 4);
        boolean chunked = lines.stream().anyMatch(l -> l.equalsIgnoreCase("transfer-encoding: chunked"));
        byte[] bytes = (chunked ? dechunk(body) : body).getBytes(StandardCharsets.ISO_8859_1);
        return new Response(status, lines, new String(bytes, StandardCharsets.UTF_8));
    }

    private static String dechunk(String body) {
        StringBuilder out = new StringBuilder();
        int at = 0;
        while (at < body.length()) {
            int eol = body.indexOf("\r\n", at);
            int size = Integer.parseInt(body.substring(at, eol).trim(), 16);
            if (size == 0) {
                break;
            }
            out.append(body, eol + 2, eol + 2 + size);
            at = eol + 2 + size + 2;
        }
        return out.toString();
    }
}
