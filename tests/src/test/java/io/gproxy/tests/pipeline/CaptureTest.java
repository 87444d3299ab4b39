package io.gproxy.tests.pipeline;

import com.fasterxml.jackson.databind.node.ArrayNode;
import com.fasterxml.jackson.databind.node.ObjectNode;
import io.gproxy.store.CaptureStore;
import io.gproxy.tests.e2e.GatewayFixture;
import io.gproxy.tests.mock.MockOpenAi;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;

import java.net.http.HttpResponse;
import java.time.Instant;
import java.util.List;
import java.util.Map;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertNotNull;
import static org.junit.jupiter.api.Assertions.assertNull;
import static org.junit.jupiter.api.Assertions.assertTrue;

/**
 * Acceptance 6: with capture on in the instance settings, every attempt of a request is in the captured upstream log
 * with its disposition (a reset, a 500, a 429, then the success), next to the client's side, redacted by default, in
 * the table after the last byte.
 */
class CaptureTest {
    static final MockOpenAi a = new MockOpenAi();
    static final MockOpenAi b = new MockOpenAi();
    static final MockOpenAi c = new MockOpenAi();
    static GatewayFixture gw;

    @BeforeAll
    static void start() throws Exception {
        gw = new GatewayFixture().start(root -> {
            PipelineBundle.openAiProvider(root, 50, "cap-a", a);
            PipelineBundle.openAiProvider(root, 51, "cap-b", b);
            PipelineBundle.openAiProvider(root, 52, "cap-c", c);
            PipelineBundle.openAiProvider(root, 53, "cap-d", c);
            PipelineBundle.route(root, 50, "captured", "failover");
            PipelineBundle.member(root, 50, 50, 50, 0);
            PipelineBundle.member(root, 51, 50, 51, 1);
            PipelineBundle.member(root, 52, 50, 52, 2);
            PipelineBundle.member(root, 53, 50, 53, 3);
            ObjectNode settings = (ObjectNode) ((ArrayNode) root.get("instance_settings")).get(0);
            settings.put("enable_upstream_log", true).put("enable_upstream_log_body", true)
                    .put("enable_downstream_log", true).put("enable_downstream_log_body", true);
        });
    }

    @AfterAll
    static void stop() throws Exception {
        gw.close();
        a.close();
        b.close();
        c.close();
    }

    /** The capture once it is readable (written after the last byte, so shortly after the response). */
    static CaptureStore.Capture captured(String requestId, int attempts) throws InterruptedException {
        for (int i = 0; i < 100; i++) {
            var found = gw.server().gateway().captures().get(requestId);
            if (found.isPresent() && found.get().downstream() != null && found.get().upstream().size() == attempts) {
                return found.get();
            }
            Thread.sleep(50);
        }
        throw new AssertionError("no capture for " + requestId);
    }

    @Test
    void everyFailedAttemptIsCapturedWithItsDisposition() throws Exception {
        a.resetNext();
        b.failNext(500);
        c.failNext(429, Map.of("Retry-After", "5"));
        HttpResponse<String> r = PipelineHttp.post(gw.baseUrl(), "/v1/chat/completions", GatewayFixture.ALICE_KEY,
                PipelineBundle.chat("captured", false));
        assertEquals(200, r.statusCode(), r.body());
        String id = r.headers().firstValue("x-gproxy-request-id").orElseThrow();
        CaptureStore.Capture cap = captured(id, 4);

        List<String> dispositions = cap.upstream().stream().map(CaptureStore.Upstream::disposition).toList();
        assertEquals(List.of("transport_error", "transient", "rate_limited", "success"), dispositions, cap.toString() + " / " + r.body());
        CaptureStore.Upstream reset = cap.upstream().get(0);
        assertEquals("cap-a", reset.provider());
        assertEquals(0, reset.status());
        assertTrue(reset.reason().startsWith("no answer"), reset.reason());
        CaptureStore.Upstream failed = cap.upstream().get(1);
        assertEquals(500, failed.status());
        assertTrue(failed.responseBody().contains("Injected failure 500"), "the error text is kept: " + failed.responseBody());
        assertEquals(429, cap.upstream().get(2).status());
        CaptureStore.Upstream ok = cap.upstream().get(3);
        assertEquals(53, ok.credentialId());
        assertTrue(ok.url().endsWith("/v1/chat/completions"), ok.url());
        assertTrue(ok.requestBody().contains("\"messages\""), "upstream body captured");
        assertTrue(ok.responseBody().contains("chat.completion"), "upstream answer captured as it was relayed");
        for (CaptureStore.Upstream u : cap.upstream()) {
            assertFalse(u.requestHeaders().contains("sk-upstream-"), "upstream keys redacted: " + u.requestHeaders());
        }

        CaptureStore.Downstream down = cap.downstream();
        assertNotNull(down);
        assertEquals(200, down.status());
        assertEquals("/v1/chat/completions", down.path());
        assertFalse(down.requestHeaders().contains(GatewayFixture.ALICE_KEY), "client key redacted: " + down.requestHeaders());
        assertTrue(down.requestHeaders().contains("***"));
        assertTrue(down.requestBody().contains("\"captured\""));
        assertTrue(down.responseBody().contains("chat.completion"));

        List<CaptureStore.Capture> recent = gw.server().gateway().captures()
                .range(Instant.now().minusSeconds(60), Instant.now().plusSeconds(1), 50);
        assertTrue(recent.stream().anyMatch(x -> x.requestId().equals(id)), "found by time range too");
    }

    @Test
    void streamsAreCapturedAfterTheLastByte() throws Exception {
        HttpResponse<String> r = PipelineHttp.post(gw.baseUrl(), "/v1/chat/completions", GatewayFixture.ALICE_KEY,
                PipelineBundle.chat("openai/gpt-4o-mini", true));
        assertEquals(200, r.statusCode());
        CaptureStore.Capture cap = captured(r.headers().firstValue("x-gproxy-request-id").orElseThrow(), 1);
        assertEquals(1, cap.upstream().size());
        assertTrue(cap.downstream().responseBody().contains("[DONE]"), "the whole client stream: " + cap.downstream().responseBody());
        assertTrue(cap.upstream().get(0).responseBody().contains("[DONE]"));
        assertNull(cap.upstream().get(0).reason());
    }
}
