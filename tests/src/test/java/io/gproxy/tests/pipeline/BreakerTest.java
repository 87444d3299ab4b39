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
import java.time.Clock;
import java.time.Duration;
import java.time.Instant;
import java.time.ZoneOffset;
import java.util.Map;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

/**
 * Acceptance 2: five consecutive 5xx open the (credential, model) breaker; after the 30 s cooldown one probe is
 * admitted; a failed probe doubles the cooldown; a successful one closes it. A gateway on a clock the test moves, on
 * the fixture's table, so no test sleeps for minutes.
 */
class BreakerTest {
    static final MockOpenAi flaky = new MockOpenAi();
    static final MockOpenAi backup = new MockOpenAi();
    static GatewayFixture gw;

    /** A clock that only moves when told to. */
    static final class MovingClock extends Clock {
        volatile Instant now = Instant.now();

        void advance(Duration d) {
            now = now.plus(d);
        }

        @Override
        public ZoneOffset getZone() {
            return ZoneOffset.UTC;
        }

        @Override
        public Clock withZone(java.time.ZoneId zone) {
            return this;
        }

        @Override
        public Instant instant() {
            return now;
        }
    }

    @BeforeAll
    static void start() throws Exception {
        gw = new GatewayFixture().start(root -> {
            PipelineBundle.openAiProvider(root, 20, "flaky", flaky);
            PipelineBundle.openAiProvider(root, 21, "backup", backup);
            PipelineBundle.route(root, 20, "guarded", "failover");
            PipelineBundle.member(root, 20, 20, 20, 0);
            PipelineBundle.member(root, 21, 20, 21, 1);
        });
    }

    @AfterAll
    static void stop() throws Exception {
        gw.close();
        flaky.close();
        backup.close();
    }

    static int chat(Gateway g) {
        HttpResponse r = g.handlerForAllGroups().handle(HttpRequest.of("POST", "/v1/chat/completions",
                Headers.of("authorization", "Bearer " + GatewayFixture.ALICE_KEY, "content-type", "application/json"),
                PipelineBundle.chat("guarded", false).getBytes(StandardCharsets.UTF_8)));
        r.complete();
        return r.status();
    }

    @Test
    void fiveFailuresOpenOneProbeAfterTheCooldownAFailedProbeDoubles() {
        MovingClock clock = new MovingClock();
        Gateway g = gw.secondInstance(clock);
        for (int i = 0; i < 5; i++) {
            flaky.failNext(503);
            assertEquals(200, chat(g), "served by the backup");
        }
        assertEquals(5, flaky.requests().size());
        assertEquals(200, chat(g));
        assertEquals(5, flaky.requests().size(), "breaker open: not called");
        assertTrue(g.healthStore().list(clock.instant()).stream()
                .anyMatch(e -> e.credentialId() == 20 && e.kind() == HealthStore.Kind.BREAKER && e.openMillis() == 30_000),
                "the open breaker is shared");

        clock.advance(Duration.ofSeconds(29));
        assertEquals(200, chat(g));
        assertEquals(5, flaky.requests().size(), "still open at 29 s");

        clock.advance(Duration.ofSeconds(1));
        flaky.failNext(503);
        assertEquals(200, chat(g));
        assertEquals(6, flaky.requests().size(), "one probe after 30 s");

        clock.advance(Duration.ofSeconds(59));
        assertEquals(200, chat(g));
        assertEquals(6, flaky.requests().size(), "the failed probe doubled the cooldown to 60 s");
        assertTrue(g.healthStore().list(clock.instant()).stream()
                .anyMatch(e -> e.credentialId() == 20 && e.kind() == HealthStore.Kind.BREAKER && e.openMillis() == 60_000));

        clock.advance(Duration.ofSeconds(1));
        assertEquals(200, chat(g));
        assertEquals(7, flaky.requests().size(), "probe after 60 s, and it succeeds");
        assertEquals(200, chat(g));
        assertEquals(8, flaky.requests().size(), "closed again");
    }
}
