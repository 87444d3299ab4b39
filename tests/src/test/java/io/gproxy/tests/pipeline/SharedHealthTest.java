package io.gproxy.tests.pipeline;

import io.gproxy.app.Gateway;
import io.gproxy.http.Headers;
import io.gproxy.http.HttpRequest;
import io.gproxy.http.HttpResponse;
import io.gproxy.store.HealthStore;
import io.gproxy.tests.e2e.GatewayFixture;
import io.gproxy.tests.mock.MockOpenAi;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;

import java.nio.charset.StandardCharsets;
import java.time.Instant;
import java.util.List;
import java.util.Map;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

/**
 * Acceptance 1: a two-tier route whose tier-0 member answers 429 with Retry-After. The request succeeds on tier 1;
 * requests within the cooldown do not call tier 0, on this gateway or on a second one sharing the table; after the
 * cooldown tier 0 serves again.
 */
class SharedHealthTest {
    static final MockOpenAi tier0 = new MockOpenAi();
    static final MockOpenAi tier1 = new MockOpenAi();
    static GatewayFixture gw;

    @BeforeAll
    static void start() throws Exception {
        gw = new GatewayFixture(Map.of("GPROXY_CONFIG_REFRESH_MS", "100")).start(root -> {
            PipelineBundle.openAiProvider(root, 10, "oa0", tier0);
            PipelineBundle.openAiProvider(root, 11, "oa1", tier1);
            PipelineBundle.route(root, 10, "tiered", "failover");
            PipelineBundle.member(root, 10, 10, 10, 0);
            PipelineBundle.member(root, 11, 10, 11, 1);
            PipelineBundle.openAiProvider(root, 12, "oa0-reset", tier0);
            PipelineBundle.openAiProvider(root, 13, "oa1-reset", tier1);
            PipelineBundle.route(root, 12, "tiered-reset", "failover");
            PipelineBundle.member(root, 12, 12, 12, 0);
            PipelineBundle.member(root, 13, 12, 13, 1);
        });
    }

    @AfterAll
    static void stop() throws Exception {
        gw.close();
        tier0.close();
        tier1.close();
    }

    static int chat(String baseUrl) throws Exception {
        return chat(baseUrl, "tiered");
    }

    static int chat(String baseUrl, String route) throws Exception {
        return PipelineHttp.post(baseUrl, "/v1/chat/completions", GatewayFixture.ALICE_KEY,
                PipelineBundle.chat(route, false)).statusCode();
    }

    /** The same request through the second gateway's handler, in-process (a second container on the same table). */
    static int chatVia(Gateway other) {
        HttpResponse r = other.handlerForAllGroups().handle(HttpRequest.of("POST", "/v1/chat/completions",
                Headers.of("authorization", "Bearer " + GatewayFixture.ALICE_KEY, "content-type", "application/json"),
                PipelineBundle.chat("tiered", false).getBytes(StandardCharsets.UTF_8)));
        r.complete();
        return r.status();
    }

    @Test
    void aRetryAfterCooldownIsHonouredHereAndByASecondGateway() throws Exception {
        tier0.failNext(429, Map.of("Retry-After", "2"));
        assertEquals(200, chat(gw.baseUrl()));
        assertEquals(1, tier0.requests().size(), "tier 0 tried first");
        assertEquals(1, tier1.requests().size(), "tier 1 served");

        assertEquals(200, chat(gw.baseUrl()));
        assertEquals(1, tier0.requests().size(), "tier 0 cooled: not called");
        assertEquals(2, tier1.requests().size());

        List<HealthStore.Entry> shared = gw.server().gateway().healthStore().list(Instant.now());
        assertTrue(shared.stream().anyMatch(e -> e.credentialId() == 10 && e.kind() == HealthStore.Kind.COOLDOWN),
                "the cooldown is in the table: " + shared);

        Gateway second = gw.secondInstance();
        assertEquals(200, chatVia(second));
        assertEquals(1, tier0.requests().size(), "the second gateway skips the cooled member too");
        assertEquals(3, tier1.requests().size());

        Thread.sleep(2_100); // Retry-After: 2
        assertEquals(200, chat(gw.baseUrl()));
        assertEquals(2, tier0.requests().size(), "after the cooldown tier 0 is tried again");
        assertEquals(200, chatVia(second));
        assertEquals(3, tier0.requests().size(), "on the second gateway too");
        assertEquals(3, tier1.requests().size());
    }

    @Test
    void anAdminResetOnAnotherGatewayClearsTheCooldownHereAtTheNextPoll() throws Exception {
        tier0.failNext(429, Map.of("Retry-After", "600"));
        int before0 = tier0.requests().size();
        assertEquals(200, chat(gw.baseUrl(), "tiered-reset"));
        assertEquals(200, chat(gw.baseUrl(), "tiered-reset"));
        assertEquals(before0 + 1, tier0.requests().size(), "cooled for ten minutes");

        Gateway admin = gw.secondInstance(); // as the admin function would: another container on the table
        admin.credentialHealth().reset(12, Instant.now());
        Thread.sleep(300); // GPROXY_CONFIG_REFRESH_MS=100: this gateway polls and applies the reset marker
        assertEquals(200, chat(gw.baseUrl(), "tiered-reset")); // the request that runs the poll
        assertEquals(200, chat(gw.baseUrl(), "tiered-reset"));
        assertTrue(tier0.requests().size() > before0 + 1, "tier 0 serves again after the reset");
    }
}
