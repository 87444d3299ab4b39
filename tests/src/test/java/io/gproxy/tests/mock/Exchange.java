package io.gproxy.tests.mock;

import com.fasterxml.jackson.databind.JsonNode;
import com.sun.net.httpserver.HttpExchange;
import java.io.IOException;
import java.io.OutputStream;
import java.nio.charset.StandardCharsets;

/** One request being answered: what a provider mock's routes need, and nothing of HttpServer beyond it. */
public final class Exchange {
    private final MockUpstream mock;
    private final HttpExchange http;
    private final RecordedRequest request;
    private JsonNode body;

    Exchange(MockUpstream mock, HttpExchange http, RecordedRequest request) {
        this.mock = mock;
        this.http = http;
        this.request = request;
    }

    public RecordedRequest request() {
        return request;
    }

    public String method() {
        return request.method();
    }

    /** Raw path, see {@link RecordedRequest#path()}. */
    public String path() {
        return request.path();
    }

    /** The body as JSON; a body that is not a JSON object becomes a 400 in the provider's shape. */
    public JsonNode body() {
        if (body == null) {
            try {
                body = request.json();
            } catch (RuntimeException e) {
                throw new MockUpstream.BadRequest("We could not parse the JSON body of your request.");
            }
            if (!body.isObject()) {
                throw new MockUpstream.BadRequest("We could not parse the JSON body of your request.");
            }
        }
        return body;
    }

    public void json(int status, JsonNode node) throws IOException {
        send(status, "application/json", Json.write(node));
    }

    /** An error in the provider's native JSON shape. */
    public void error(int status, String message) throws IOException {
        json(status, mock.errorBody(status, message));
    }

    /** A response header for the answer about to be sent. */
    void header(String name, String value) {
        http.getResponseHeaders().set(name, value);
    }

    public void send(int status, String contentType, String text) throws IOException {
        byte[] bytes = text.getBytes(StandardCharsets.UTF_8);
        http.getResponseHeaders().set("Content-Type", contentType);
        http.sendResponseHeaders(status, bytes.length == 0 ? -1 : bytes.length);
        try (OutputStream out = http.getResponseBody()) {
            out.write(bytes);
        }
    }

    /** Starts a chunked streaming response (status 200) that takes the {@link StreamGate} arming, if any. */
    public EventStream stream(String contentType) throws IOException {
        return new EventStream(http, contentType, mock.gate().claim(), mock.eventDelay(), mock.claimCut());
    }

    boolean responseStarted() {
        return http.getResponseCode() != -1;
    }
}
