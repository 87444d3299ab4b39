package io.gproxy.channel.pool;

import io.gproxy.channel.Disposition;
import io.gproxy.channel.OpenAiChannel;
import io.gproxy.store.HealthStore;
import io.gproxy.store.memory.MemoryHealthStore;
import org.junit.jupiter.api.Test;

import java.time.Duration;
import java.time.Instant;
import java.util.List;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertTrue;

/**
 * The breaker and cooldowns of one container, and what a second container on the same store sees after its poll.
 * Time is passed in explicitly (the pipeline's clock), so cooldowns of minutes cost no sleeping.
 */
class SharedCredentialHealthTest {
    static final Instant T = Instant.parse("2026-01-01T00:00:00Z");
    final OpenAiChannel openai = new OpenAiChannel();

    @Test
    void fiveFailuresOpenTheBreakerOneProbeAfterTheCooldownAFailedProbeDoubles() {
        MemoryHealthStore store = new MemoryHealthStore();
        SharedCredentialHealth a = new SharedCredentialHealth(CredentialHealth.BreakerConfig.defaults(), store);
        for (int i = 0; i < 4; i++) {
            a.record(openai, 1, "gpt", Disposition.TRANSIENT, T);
        }
        assertTrue(a.available(1, "gpt", T), "four failures keep it closed");
        a.record(openai, 1, "gpt", Disposition.TRANSIENT, T);
        assertFalse(a.available(1, "gpt", T.plusSeconds(29)), "open for 30 s");
        assertTrue(a.available(1, "gpt", T.plusSeconds(30)), "half-open after the cooldown");
        assertTrue(a.beginAttempt(1, "gpt", T.plusSeconds(30)), "the probe");
        assertFalse(a.beginAttempt(1, "gpt", T.plusSeconds(31)), "only one probe at a time");
        a.record(openai, 1, "gpt", Disposition.TRANSIENT, T.plusSeconds(31));
        assertFalse(a.available(1, "gpt", T.plusSeconds(31 + 59)), "failed probe: open for 60 s");
        assertTrue(a.available(1, "gpt", T.plusSeconds(31 + 60)));
        // keep failing probes: 120, 240, then capped at 300
        Instant t = T.plusSeconds(91);
        long[] expected = {120, 240, 300, 300};
        for (long open : expected) {
            assertTrue(a.beginAttempt(1, "gpt", t));
            a.record(openai, 1, "gpt", Disposition.TRANSIENT, t);
            assertFalse(a.available(1, "gpt", t.plusSeconds(open - 1)), "open " + open);
            t = t.plusSeconds(open);
            assertTrue(a.available(1, "gpt", t));
        }
        assertTrue(a.beginAttempt(1, "gpt", t));
        a.record(openai, 1, "gpt", Disposition.SUCCESS, t);
        assertTrue(a.available(1, "gpt", t), "a successful probe closes it");
        for (int i = 0; i < 4; i++) {
            a.record(openai, 1, "gpt", Disposition.TRANSIENT, t);
        }
        assertTrue(a.available(1, "gpt", t), "closed again: the count restarted");
    }

    @Test
    void aSecondContainerAdoptsCooldownsAndOpenBreakersAtItsPoll() {
        MemoryHealthStore store = new MemoryHealthStore();
        SharedCredentialHealth a = new SharedCredentialHealth(CredentialHealth.BreakerConfig.defaults(), store);
        SharedCredentialHealth b = new SharedCredentialHealth(CredentialHealth.BreakerConfig.defaults(), store);
        a.record(openai, 7, "gpt", new Disposition.RateLimited(Duration.ofSeconds(60)), T);
        for (int i = 0; i < 5; i++) {
            a.record(openai, 8, "gpt", Disposition.TRANSIENT, T);
        }
        assertTrue(b.available(7, "gpt", T), "not before its poll");
        b.sync(T.plusSeconds(1));
        assertFalse(b.available(7, "gpt", T.plusSeconds(59)), "cooled in b too");
        assertTrue(b.available(7, "gpt", T.plusSeconds(60)));
        assertFalse(b.available(8, "gpt", T.plusSeconds(29)), "breaker open in b too");
        assertTrue(b.beginAttempt(8, "gpt", T.plusSeconds(30)), "b may probe after the cooldown");
        b.record(openai, 8, "gpt", Disposition.TRANSIENT, T.plusSeconds(30));
        assertFalse(b.available(8, "gpt", T.plusSeconds(30 + 59)), "b's failed probe doubles what a set");

        List<HealthStore.Entry> entries = store.list(T.plusSeconds(31));
        assertEquals(2, entries.size(), "a's cooldown and b's re-opened breaker: " + entries);
        HealthStore.Entry breaker = entries.stream().filter(e -> e.kind() == HealthStore.Kind.BREAKER).findFirst().orElseThrow();
        assertEquals(60_000, breaker.openMillis());

        b.reset(8, T.plusSeconds(31));
        assertTrue(b.available(8, "gpt", T.plusSeconds(31)), "reset clears it here");
        assertEquals(List.of(HealthStore.Kind.COOLDOWN, HealthStore.Kind.RESET),
                store.list(T.plusSeconds(31)).stream().map(HealthStore.Entry::kind).sorted().toList(),
                "and in the store, leaving a reset marker");
    }

    @Test
    void anAdminResetInOneContainerClearsTheOthersAtTheirPoll() {
        MemoryHealthStore store = new MemoryHealthStore();
        SharedCredentialHealth worker = new SharedCredentialHealth(CredentialHealth.BreakerConfig.defaults(), store);
        SharedCredentialHealth admin = new SharedCredentialHealth(CredentialHealth.BreakerConfig.defaults(), store);
        worker.record(openai, 9, "gpt", Disposition.AUTH_DEAD, T); // 600 s
        for (int i = 0; i < 5; i++) {
            worker.record(openai, 9, "other", Disposition.TRANSIENT, T);
        }
        admin.reset(9, T.plusSeconds(10));
        assertFalse(worker.available(9, "gpt", T.plusSeconds(11)), "not before the worker polls");
        worker.sync(T.plusSeconds(12));
        assertTrue(worker.available(9, "gpt", T.plusSeconds(12)), "the worker's own cooldown is cleared");
        assertTrue(worker.available(9, "other", T.plusSeconds(12)), "and its open breaker");
        worker.record(openai, 9, "gpt", new Disposition.RateLimited(Duration.ofSeconds(60)), T.plusSeconds(13));
        worker.sync(T.plusSeconds(14));
        assertFalse(worker.available(9, "gpt", T.plusSeconds(14)), "a reset applies once: newer state stays");
    }

    @Test
    void aStoreThatFailsNeverFailsTraffic() {
        HealthStore broken = new HealthStore() {
            @Override
            public void put(Entry entry) {
                throw new io.gproxy.store.StoreUnavailableException("down", null);
            }

            @Override
            public List<Entry> list(Instant now) {
                throw new io.gproxy.store.StoreUnavailableException("down", null);
            }

            @Override
            public void reset(long credentialId, Instant now) {
            }
        };
        SharedCredentialHealth h = new SharedCredentialHealth(CredentialHealth.BreakerConfig.defaults(), broken);
        h.record(openai, 1, "gpt", new Disposition.RateLimited(Duration.ofSeconds(5)), T);
        h.sync(T);
        assertFalse(h.available(1, "gpt", T), "local state still works");
    }
}
