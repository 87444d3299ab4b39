package io.gproxy.functions.runtime;

import io.gproxy.http.BodySink;

import java.io.ByteArrayOutputStream;
import java.io.IOException;
import java.io.InputStream;
import java.io.OutputStream;
import java.net.Socket;
import java.nio.charset.StandardCharsets;
import java.util.Base64;

/**
 * Streams one invocation's response to the Runtime API over a raw HTTP/1.1 socket (spec/aws.md D1): chunked
 * transfer, the HTTP-integration prelude and 8 NUL bytes, one chunk per flush, and error trailers (declared up
 * front) when the stream fails after its first byte. {@code java.net.http} cannot send trailers, hence the socket.
 */
final class StreamingResponseWriter implements BodySink, AutoCloseable {
    static final String ERROR_TYPE_TRAILER = "Lambda-Runtime-Function-Error-Type";
    static final String ERROR_BODY_TRAILER = "Lambda-Runtime-Function-Error-Body";
    private static final byte[] CRLF = {'\r', '\n'};
    private static final byte[] PRELUDE_END = new byte[8];

    private final Socket socket;
    private final OutputStream out;
    private final ByteArrayOutputStream pending = new ByteArrayOutputStream(8 * 1024);
    private boolean finished;

    private StreamingResponseWriter(Socket socket) throws IOException {
        this.socket = socket;
        this.out = socket.getOutputStream();
    }

    static StreamingResponseWriter open(String hostPort, String requestId) throws IOException {
        int colon = hostPort.lastIndexOf(':');
        Socket socket = new Socket(hostPort.substring(0, colon), Integer.parseInt(hostPort.substring(colon + 1)));
        socket.setTcpNoDelay(true); // every flush is an event the client waits for
        StreamingResponseWriter w = new StreamingResponseWriter(socket);
        String head = "POST /2018-06-01/runtime/invocation/" + requestId + "/response HTTP/1.1\r\n"
                + "Host: " + hostPort + "\r\n"
                + "Lambda-Runtime-Function-Response-Mode: streaming\r\n"
                + "Transfer-Encoding: chunked\r\n"
                + "Content-Type: application/vnd.awslambda.http-integration-response\r\n"
                + "Trailer: " + ERROR_TYPE_TRAILER + ", " + ERROR_BODY_TRAILER + "\r\n"
                + "Connection: close\r\n\r\n";
        w.out.write(head.getBytes(StandardCharsets.US_ASCII));
        return w;
    }

    /** The status and headers as the JSON prelude, then the 8 NUL bytes that end it; sent at once. */
    void prelude(byte[] preludeJson) throws IOException {
        pending.write(preludeJson);
        pending.write(PRELUDE_END);
        flush();
    }

    @Override
    public void write(byte[] bytes, int offset, int length) {
        pending.write(bytes, offset, length);
    }

    @Override
    public void flush() throws IOException {
        if (pending.size() == 0) {
            return;
        }
        out.write(Integer.toHexString(pending.size()).getBytes(StandardCharsets.US_ASCII));
        out.write(CRLF);
        pending.writeTo(out);
        out.write(CRLF);
        out.flush();
        pending.reset();
    }

    /** Ends the response successfully. */
    void finish() throws IOException {
        flush();
        out.write("0\r\n\r\n".getBytes(StandardCharsets.US_ASCII));
        out.flush();
        awaitAnswer();
    }

    /** Ends a response that failed after its first byte: the error goes in the trailers. */
    void finishWithError(String errorType, Throwable cause) throws IOException {
        flush();
        String body = Base64.getEncoder().encodeToString(RuntimeApiClient.errorBody(errorType, cause));
        out.write(("0\r\n" + ERROR_TYPE_TRAILER + ": " + errorType + "\r\n" + ERROR_BODY_TRAILER + ": " + body + "\r\n\r\n")
                .getBytes(StandardCharsets.US_ASCII));
        out.flush();
        awaitAnswer();
    }

    private void awaitAnswer() throws IOException {
        finished = true;
        socket.shutdownOutput();
        InputStream in = socket.getInputStream();
        StringBuilder status = new StringBuilder();
        int b;
        while ((b = in.read()) >= 0 && b != '\n') {
            status.append((char) b);
        }
        if (!status.toString().startsWith("HTTP/1.1 202") && !status.toString().startsWith("HTTP/1.1 200")) {
            System.err.println("{\"level\":\"warn\",\"msg\":\"Runtime API answered the streamed response with: "
                    + status.toString().trim() + "\"}");
        }
    }

    boolean finished() {
        return finished;
    }

    @Override
    public void close() throws IOException {
        socket.close();
    }
}
