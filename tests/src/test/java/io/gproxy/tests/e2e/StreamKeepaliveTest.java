package io.gproxy.tests.e2e;

import com.openai.client.OpenAIClient;
import com.openai.client.okhttp.OpenAIOkHttpClient;
import com.openai.models.chat.completions.ChatCompletionCreateParams;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;

import java.io.BufferedReader;
import java.io.InputStreamReader;
import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.nio.charset.StandardCharsets;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;

import static io.gproxy.tests.e2e.GatewayFixture.ALICE_KEY;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

/**
 * A stream whose upstream goes quiet between events gets SSE keepalive comments at event boundaries, and the
 * official SDK still reads the answer unchanged.
 */
class StreamKeepaliveTest {
    private static GatewayFixture gw;

    @BeforeAll
    static void start() throws Exception {
        gw = new GatewayFixture(Map.of("GPROXY_STREAM_KEEPALIVE_MS", "80")).start();
        gw.openAi.delay(Duration.ZERO, Duration.ofMillis(250));
        gw.gemini.delay(Duration.ZERO, Duration.ofMillis(250));
    }

    @AfterAll
    static void stop() throws Exception {
        gw.close();
    }

    @Test
    void quietStreamsGetKeepalivesOnlyBetweenEvents() throws Exception {
        HttpResponse<java.io.InputStream> r = HttpClient.newHttpClient().send(
                HttpRequest.newBuilder(URI.create(gw.baseUrl() + "/v1/chat/completions"))
                        .header("authorization", "Bearer " + ALICE_KEY)
                        .POST(HttpRequest.BodyPublishers.ofString("{\"model\":\"openai/gpt-4o-mini\",\"stream\":true,"
                                + "\"messages\":[{\"role\":\"user\",\"content\":\"hi\"}]}"))
                        .build(), HttpResponse.BodyHandlers.ofInputStream());
        List<String> lines = new ArrayList<>();
        try (BufferedReader in = new BufferedReader(new InputStreamReader(r.body(), StandardCharsets.UTF_8))) {
            for (String l; (l = in.readLine()) != null; ) {
                lines.add(l);
            }
        }
        long keepalives = lines.stream().filter(l -> l.equals(": keepalive")).count();
        assertTrue(keepalives >= 3, "keepalives while the upstream was quiet: " + lines);
        for (int i = 0; i < lines.size(); i++) {
            if (lines.get(i).equals(": keepalive")) {
                // the first one may come before any upstream byte: the start of the stream is a boundary too
                assertTrue(i == 0 || lines.get(i - 1).isEmpty(), "a keepalive starts after a blank line (event boundary)");
                assertEquals("", lines.get(i + 1), "and ends its own event");
            }
        }
        assertEquals("data: [DONE]", lines.stream().filter(l -> !l.isEmpty()).reduce((a, b) -> b).orElseThrow());
    }

    @Test
    void aQuietGeminiPassthroughStreamGetsKeepalivesBetweenItsCrlfEvents() throws Exception {
        // Gemini ends its SSE events with CRLF CRLF: those are event boundaries too
        HttpResponse<String> r = HttpClient.newHttpClient().send(
                HttpRequest.newBuilder(URI.create(gw.baseUrl()
                                + "/v1beta/models/gemini/gemini-2.5-flash:streamGenerateContent?alt=sse"))
                        .header("x-goog-api-key", ALICE_KEY)
                        .POST(HttpRequest.BodyPublishers.ofString(
                                "{\"contents\":[{\"role\":\"user\",\"parts\":[{\"text\":\"hi\"}]}]}"))
                        .build(), HttpResponse.BodyHandlers.ofString());
        assertEquals(200, r.statusCode(), r.body());
        String between = r.body().substring(r.body().indexOf("\r\n\r\n") + 4);
        assertTrue(between.contains(": keepalive\n\n"), "keepalives after the first CRLF-ended event: " + r.body());
        assertTrue(r.body().contains("finishReason"), r.body());
    }

    @Test
    void theSdkIgnoresKeepalives() {
        OpenAIClient client = OpenAIOkHttpClient.builder().apiKey(ALICE_KEY).baseUrl(gw.baseUrl() + "/v1").maxRetries(0).build();
        try {
            StringBuilder text = new StringBuilder();
            try (var stream = client.chat().completions().createStreaming(ChatCompletionCreateParams.builder()
                    .model("openai/gpt-4o-mini").addUserMessage("hi").build())) {
                stream.stream().forEach(c -> c.choices().forEach(ch -> ch.delta().content().ifPresent(text::append)));
            }
            assertEquals("Hello from openai model gpt-4o-mini", text.toString());
        } finally {
            client.close();
        }
    }
}
