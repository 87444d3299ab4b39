package io.gproxy.tests.pipeline;

import io.gproxy.tests.e2e.GatewayFixture;
import io.gproxy.tests.mock.MockOpenAi;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;

import java.net.http.HttpResponse;
import java.util.Map;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertTrue;

/**
 * Acceptance 4 and spec/peers.md C #11: failures before the client saw a byte fail over (a reset before headers, an
 * error as the stream's first event, a stream that ends before its first event); a stream cut after bytes reached
 * the client ends with one error frame in the client's protocol, and its usage is recorded as interrupted.
 */
class StreamFailoverTest {
    static final MockOpenAi first = new MockOpenAi();
    static final MockOpenAi second = new MockOpenAi();
    static GatewayFixture gw;

    @BeforeAll
    static void start() throws Exception {
        // each scenario gets its own credentials on the same two mocks: a failed attempt cools its credential
        gw = new GatewayFixture().start(root -> {
            String[] routes = {"reset", "limited", "empty"};
            for (int i = 0; i < routes.length; i++) {
                int a = 30 + 2 * i;
                PipelineBundle.openAiProvider(root, a, "first-" + routes[i], first);
                PipelineBundle.openAiProvider(root, a + 1, "second-" + routes[i], second);
                PipelineBundle.route(root, a, routes[i], "failover");
                PipelineBundle.member(root, a, a, a, 0);
                PipelineBundle.member(root, a + 1, a, a + 1, 1);
            }
            PipelineBundle.openAiProvider(root, 40, "cut", first);
            PipelineBundle.route(root, 40, "single", "failover");
            PipelineBundle.member(root, 40, 40, 40, 0);
        });
    }

    @AfterAll
    static void stop() throws Exception {
        gw.close();
        first.close();
        second.close();
    }

    @BeforeEach
    void clear() {
        first.clear();
        second.clear();
    }

    static HttpResponse<String> post(String path, String body) throws Exception {
        return PipelineHttp.post(gw.baseUrl(), path, GatewayFixture.ALICE_KEY, body);
    }

    @Test
    void aResetBeforeHeadersIsServedByTheNextCandidate() throws Exception {
        first.resetNext();
        HttpResponse<String> r = post("/v1/chat/completions", PipelineBundle.chat("reset", false));
        assertEquals(200, r.statusCode(), r.body());
        assertEquals(1, first.requests().size(), "tried first");
        assertEquals(1, second.requests().size(), "served");
        HttpResponse<String> s = post("/v1/chat/completions", PipelineBundle.chat("reset", true));
        assertEquals(200, s.statusCode());
        assertTrue(s.body().contains("[DONE]") && !s.body().contains("\"error\""), s.body());
    }

    @Test
    void aRateLimitAsTheStreamsFirstEventFailsOver() throws Exception {
        first.answerNext(200, "text/event-stream", "data: {\"error\":{\"message\":\"Rate limit reached\","
                + "\"type\":\"rate_limit_exceeded\",\"code\":429}}\n\n");
        HttpResponse<String> r = post("/v1/chat/completions", PipelineBundle.chat("limited", true));
        assertEquals(200, r.statusCode());
        assertFalse(r.body().contains("Rate limit"), "the client never saw the failed attempt: " + r.body());
        assertTrue(r.body().contains("\"content\":\"Hello\"") && r.body().contains("[DONE]"), r.body());
        assertEquals(1, first.requests().size());
        assertEquals(1, second.requests().size(), "served by the next candidate");
    }

    @Test
    void aStreamThatEndsBeforeItsFirstEventFailsOver() throws Exception {
        first.answerNext(200, "text/event-stream", "");
        HttpResponse<String> r = post("/v1/chat/completions", PipelineBundle.chat("empty", true));
        assertEquals(200, r.statusCode());
        assertTrue(r.body().contains("\"content\":\"Hello\"") && r.body().contains("[DONE]"), r.body());
        assertEquals(1, first.requests().size());
        assertEquals(1, second.requests().size());
    }

    @Test
    void aCutAfterTheFirstBytesEndsWithTheClientsErrorFrameAndInterruptedUsage() throws Exception {
        Map<String, String[]> cases = Map.of(
                "/v1/chat/completions", new String[]{PipelineBundle.chat("single", true), "data: {\"error\""},
                "/v1/responses", new String[]{"{\"model\":\"single\",\"stream\":true,\"input\":\"hi\"}", "response.failed"},
                "/v1/messages", new String[]{"{\"model\":\"single\",\"stream\":true,\"max_tokens\":50,"
                        + "\"messages\":[{\"role\":\"user\",\"content\":\"hi\"}]}", "event: error"},
                "/v1beta/models/single:streamGenerateContent?alt=sse", new String[]{
                        "{\"contents\":[{\"role\":\"user\",\"parts\":[{\"text\":\"hi\"}]}]}", "\"error\""});
        for (Map.Entry<String, String[]> c : cases.entrySet()) {
            first.cutNextStream(2, true);
            HttpResponse<String> r = post(c.getKey(), c.getValue()[0]);
            assertEquals(200, r.statusCode(), c.getKey());
            String body = r.body();
            assertTrue(body.contains(c.getValue()[1]), c.getKey() + " ends with its protocol's error frame: " + body);
            assertEquals(1, count(body, "upstream request failed"), c.getKey() + ": one error frame: " + body);
            String requestId = r.headers().firstValue("x-gproxy-request-id").orElseThrow();
            assertTrue(waitForLine(requestId).contains("\"ended\":\"interrupted\""), c.getKey() + " usage interrupted");
        }
    }

    @Test
    void aGeminiJsonArrayStreamIsBookedByHowItEnded() throws Exception {
        // a Gemini client without alt=sse reads one JSON array; billing reads its elements on the side like SSE
        String path = "/v1beta/models/single:streamGenerateContent";
        String body = "{\"contents\":[{\"role\":\"user\",\"parts\":[{\"text\":\"hi\"}]}]}";
        HttpResponse<String> whole = post(path, body);
        assertEquals(200, whole.statusCode(), whole.body());
        assertTrue(new com.fasterxml.jackson.databind.ObjectMapper().readTree(whole.body()).isArray(), whole.body());
        String wholeId = whole.headers().firstValue("x-gproxy-request-id").orElseThrow();
        assertTrue(waitForLine(wholeId).contains("\"ended\":\"complete\""), "a whole array ended well");

        first.cutNextStream(2, false); // the upstream ends cleanly, without its finish
        HttpResponse<String> cut = post(path, body);
        assertEquals(200, cut.statusCode(), cut.body());
        String cutId = cut.headers().firstValue("x-gproxy-request-id").orElseThrow();
        assertTrue(waitForLine(cutId).contains("\"ended\":\"interrupted\""),
                "an array without its finish was not served in full: " + cut.body());
    }

    static int count(String s, String needle) {
        int n = 0;
        for (int i = s.indexOf(needle); i >= 0; i = s.indexOf(needle, i + 1)) {
            n++;
        }
        return n;
    }

    /** The request's log line (written after the settlement, once the last byte is out). */
    static String waitForLine(String requestId) throws InterruptedException {
        for (int i = 0; i < 100; i++) {
            for (String line : gw.console().split("\n")) {
                if (line.contains("\"request_id\":\"" + requestId + "\"") && line.contains("\"type\":\"request\"")) {
                    return line;
                }
            }
            Thread.sleep(50);
        }
        throw new AssertionError("no log line for " + requestId);
    }
}
