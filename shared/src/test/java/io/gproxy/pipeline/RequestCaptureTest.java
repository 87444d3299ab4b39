package io.gproxy.pipeline;

import com.fasterxml.jackson.databind.node.JsonNodeFactory;
import io.gproxy.channel.Disposition;
import io.gproxy.channel.RoutingTable;
import io.gproxy.channel.UpstreamRequest;
import io.gproxy.config.Provider;
import io.gproxy.http.Headers;
import io.gproxy.http.HttpRequest;
import io.gproxy.store.CaptureStore;
import org.junit.jupiter.api.Test;

import java.io.ByteArrayInputStream;
import java.net.URI;
import java.nio.charset.StandardCharsets;
import java.time.Instant;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertNull;
import static org.junit.jupiter.api.Assertions.assertTrue;

class RequestCaptureTest {
    static final Instant T = Instant.parse("2026-01-01T00:00:00Z");
    static final Provider P = new Provider(3, "openai", "openai", JsonNodeFactory.instance.objectNode(), "round_robin",
            true, RoutingTable.builder().build());
    static final HttpRequest CLIENT = HttpRequest.of("POST", "/v1beta/models/x:generateContent?key=AIzaSecretSecretSecret&alt=sse",
            Headers.of("authorization", "Bearer sk-client-0123456789abcdef", "x-custom", "visible"),
            "{\"q\":1}".getBytes(StandardCharsets.UTF_8));
    static final UpstreamRequest UP = new UpstreamRequest("POST", URI.create("https://api.example/v1/chat?api_key=sekrit-value-long-enough"),
            Headers.of("x-api-key", "sk-upstream-0123456789abcdef", "content-type", "application/json"),
            "{\"model\":\"m\"}".getBytes(StandardCharsets.UTF_8));

    @Test
    void redactedByDefaultAndFailedAttemptsKeepTheirErrorText() throws Exception {
        RequestCapture c = new RequestCapture(new CaptureSettings(true, false, true, false, true, 30), T);
        RequestCapture.Attempt failed = c.begin(P, 7, "m", UP, T);
        RequestCapture.end(failed, 500, 12, Disposition.TRANSIENT, "upstream answered 500",
                "{\"error\":\"boom\"}".getBytes(StandardCharsets.UTF_8));
        RequestCapture.Attempt ok = c.begin(P, 8, "m", UP, T);
        RequestCapture.end(ok, 200, 30, Disposition.SUCCESS, null, null);
        c.tee(ok, new ByteArrayInputStream("{\"answer\":1}".getBytes(StandardCharsets.UTF_8))).readAllBytes();

        CaptureStore.Capture cap = c.toCapture("req", CLIENT, 200, null, 40);
        assertEquals(2, cap.upstream().size());
        CaptureStore.Upstream f = cap.upstream().get(0);
        assertEquals("transient", f.disposition());
        assertEquals("{\"error\":\"boom\"}", f.responseBody(), "the error text is the reason: kept without body capture");
        assertNull(f.requestBody(), "bodies are off");
        assertFalse(f.requestHeaders().contains("0123456789abcdef"), f.requestHeaders());
        assertTrue(f.requestHeaders().contains("sk-u***"));
        assertFalse(f.url().contains("sekrit-value"), f.url());
        assertNull(cap.upstream().get(1).responseBody(), "a success body only with body capture");
        assertFalse(cap.downstream().requestHeaders().contains("sk-client-0123"), cap.downstream().requestHeaders());
        assertTrue(cap.downstream().requestHeaders().contains("visible"));
        assertFalse(cap.downstream().query().contains("AIzaSecret"), cap.downstream().query());
        assertTrue(cap.downstream().query().contains("alt=sse"));
        assertNull(cap.downstream().requestBody());
    }

    @Test
    void bodiesAreBoundedAndRedactionCanBeTurnedOff() throws Exception {
        RequestCapture c = new RequestCapture(new CaptureSettings(true, true, true, true, false, 30), T);
        RequestCapture.Attempt ok = c.begin(P, 8, "m", UP, T);
        RequestCapture.end(ok, 200, 30, Disposition.SUCCESS, null, null);
        byte[] big = new byte[BoundedBuffer.LIMIT + 100];
        java.util.Arrays.fill(big, (byte) 'a');
        c.tee(ok, new ByteArrayInputStream(big)).readAllBytes();
        CaptureStore.Capture cap = c.toCapture("req", CLIENT, 200, "client body", 40);
        String body = cap.upstream().get(0).responseBody();
        assertTrue(body.endsWith("[... 100 more bytes not captured]"), body.substring(body.length() - 60));
        assertTrue(cap.upstream().get(0).requestHeaders().contains("sk-upstream-0123456789abcdef"), "redaction off");
        assertEquals("{\"q\":1}", cap.downstream().requestBody());
        assertEquals("client body", cap.downstream().responseBody());
    }

    @Test
    void offCapturesNothing() {
        assertNull(RequestCapture.OFF.begin(P, 1, "m", UP, T));
        assertFalse(RequestCapture.OFF.enabled());
        assertEquals(CaptureSettings.OFF, CaptureSettings.from(JsonNodeFactory.instance.objectNode()));
    }
}
