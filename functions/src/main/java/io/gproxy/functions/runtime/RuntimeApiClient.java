package io.gproxy.functions.runtime;

import com.fasterxml.jackson.databind.node.JsonNodeFactory;
import com.fasterxml.jackson.databind.node.ObjectNode;

import java.io.IOException;
import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.nio.charset.StandardCharsets;

/**
 * The Lambda Runtime API calls that are plain request/response (spec/aws.md D1, D2): next invocation, errors,
 * restore handshake. Streamed responses go through {@link StreamingResponseWriter} instead, because they need
 * trailers that {@code java.net.http} cannot send.
 */
final class RuntimeApiClient {
    private static final String BASE = "/2018-06-01/runtime";

    private final String hostPort;
    private final HttpClient http = HttpClient.newBuilder().version(HttpClient.Version.HTTP_1_1).build();

    RuntimeApiClient(String hostPort) {
        this.hostPort = hostPort;
    }

    String hostPort() {
        return hostPort;
    }

    Invocation next() throws IOException, InterruptedException {
        HttpResponse<byte[]> r = http.send(HttpRequest.newBuilder(uri("/invocation/next")).GET().build(),
                HttpResponse.BodyHandlers.ofByteArray());
        if (r.statusCode() != 200) {
            throw new IOException("invocation/next answered " + r.statusCode());
        }
        String id = r.headers().firstValue("Lambda-Runtime-Aws-Request-Id")
                .orElseThrow(() -> new IOException("invocation without a request id"));
        long deadline = r.headers().firstValue("Lambda-Runtime-Deadline-Ms").map(Long::parseLong).orElse(0L);
        return new Invocation(id, deadline, r.body());
    }

    /** Blocks while the snapshot is taken; returns in the restored VM. */
    void restoreNext() throws IOException, InterruptedException {
        HttpResponse<Void> r = http.send(HttpRequest.newBuilder(uri("/restore/next")).GET().build(),
                HttpResponse.BodyHandlers.discarding());
        if (r.statusCode() != 200) {
            throw new IOException("restore/next answered " + r.statusCode());
        }
    }

    void initError(String type, Throwable t) {
        postError("/init/error", type, t);
    }

    void restoreError(String type, Throwable t) {
        postError("/restore/error", type, t);
    }

    /** Only valid before any byte of the invocation's response was sent. */
    void invocationError(String requestId, String type, Throwable t) {
        postError("/invocation/" + requestId + "/error", type, t);
    }

    static byte[] errorBody(String type, Throwable t) {
        ObjectNode body = JsonNodeFactory.instance.objectNode();
        body.put("errorType", type);
        // the class only: exception messages can carry request content
        body.put("errorMessage", t == null ? type : t.getClass().getName());
        return body.toString().getBytes(StandardCharsets.UTF_8);
    }

    private void postError(String path, String type, Throwable t) {
        try {
            http.send(HttpRequest.newBuilder(uri(path))
                    .header("Lambda-Runtime-Function-Error-Type", type)
                    .header("Content-Type", "application/json")
                    .POST(HttpRequest.BodyPublishers.ofByteArray(errorBody(type, t))).build(),
                    HttpResponse.BodyHandlers.discarding());
        } catch (IOException e) {
            System.err.println("{\"level\":\"error\",\"msg\":\"could not report " + type + " to the Runtime API\"}");
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
        }
    }

    private URI uri(String path) {
        return URI.create("http://" + hostPort + BASE + path);
    }
}
