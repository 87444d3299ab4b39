package io.gproxy.channel.pool;

import io.gproxy.channel.ClaudeCodeChannel;
import io.gproxy.channel.Disposition;
import io.gproxy.channel.OpenAiChannel;
import io.gproxy.config.Credential;
import io.gproxy.protocol.Json;
import org.junit.jupiter.api.Test;

import java.time.Duration;
import java.time.Instant;
import java.util.HashMap;
import java.util.List;
import java.util.Map;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertNull;
import static org.junit.jupiter.api.Assertions.assertTrue;

class CredentialPoolTest {
    private static Credential cred(long id, int weight, boolean enabled) {
        return new Credential(id, 1, "c" + id, "api_key", "sealed", weight, enabled);
    }

    private static List<Long> ids(CredentialPool.Ordering o) {
        return o.ordered().stream().map(Credential::id).toList();
    }

    @Test
    void roundRobinRotatesAndSkipsDisabledAndUnhealthy() {
        List<Credential> pool = List.of(cred(1, 100, true), cred(2, 100, true), cred(3, 100, false), cred(4, 100, true));
        assertEquals(List.of(1L, 2L, 4L), ids(CredentialPool.order(pool, "round_robin", 0, null, c -> true)));
        assertEquals(List.of(2L, 4L, 1L), ids(CredentialPool.order(pool, "round_robin", 1, null, c -> true)));
        assertEquals(List.of(4L, 1L, 2L), ids(CredentialPool.order(pool, "round_robin", 2, null, c -> true)));
        assertEquals(List.of(1L, 2L, 4L), ids(CredentialPool.order(pool, "round_robin", 3, null, c -> true)));
        assertEquals(List.of(4L, 1L), ids(CredentialPool.order(pool, "round_robin", 1, null, c -> c.id() != 2)));
        assertTrue(CredentialPool.order(pool, "round_robin", 0, null, c -> false).ordered().isEmpty());
        assertNull(CredentialPool.order(pool, "round_robin", 0, null, c -> true).pin());
    }

    @Test
    void weightsDecideHowOftenEachLeads() {
        List<Credential> pool = List.of(cred(1, 300, true), cred(2, 100, true));
        Map<Long, Integer> leads = new HashMap<>();
        for (long r = 0; r < 400; r++) {
            leads.merge(CredentialPool.order(pool, "round_robin", r, null, c -> true).ordered().get(0).id(), 1, Integer::sum);
        }
        assertEquals(Map.of(1L, 300, 2L, 100), leads);
        assertEquals(List.of(1L, 2L), ids(CredentialPool.order(pool, "round_robin", 2, null, c -> true)));
        assertEquals(List.of(2L, 1L), ids(CredentialPool.order(pool, "round_robin", 3, null, c -> true)));
        // negative counter values (wrapped) still land in range
        assertEquals(2, CredentialPool.order(pool, "round_robin", Long.MIN_VALUE, null, c -> true).ordered().size());
    }

    @Test
    void stickyMovesThePinnedCredentialFirstAndRepinsTheFront() {
        List<Credential> pool = List.of(cred(1, 100, true), cred(2, 100, true), cred(3, 100, true));
        CredentialPool.Ordering o = CredentialPool.order(pool, "sticky", 0, 3L, c -> true);
        assertEquals(List.of(3L, 1L, 2L), ids(o));
        assertEquals(3L, o.pin());
        CredentialPool.Ordering cooled = CredentialPool.order(pool, "sticky", 0, 3L, c -> c.id() != 3);
        assertEquals(List.of(1L, 2L), ids(cooled));
        assertEquals(1L, cooled.pin(), "the pin moves on when the pinned credential is unavailable");
        assertEquals(1L, CredentialPool.order(pool, "sticky", 0, null, c -> true).pin());
    }

    @Test
    void rotationCountersAndAffinity() {
        RotationCounters rc = RotationCounters.local();
        assertEquals(0, rc.next(5));
        assertEquals(1, rc.next(5));
        assertEquals(0, rc.next(6));
        AffinityStore a = AffinityStore.local();
        Instant t = Instant.parse("2026-01-01T00:00:00Z");
        String key = AffinityStore.key(5, 42);
        assertEquals("aff:5:42", key);
        a.pin(key, 3, t);
        assertEquals(3L, a.pinned(key, t.plusSeconds(3599)).orElseThrow());
        assertTrue(a.pinned(key, t.plusSeconds(3600)).isEmpty());
    }

    @Test
    void budgets() {
        CredentialLimits limits = CredentialLimits.from(Json.MAPPER.createObjectNode().put("rpm_limit", 2).put("tpm_limit", 100));
        assertEquals(new CredentialLimits(2L, 100L), limits);
        assertEquals(CredentialLimits.NONE, CredentialLimits.from(Json.MAPPER.createObjectNode().putNull("rpm_limit")));
        assertTrue(CredentialBudgets.allows(limits, new CredentialBudgets.MinuteUsage(1, 50), 50));
        assertFalse(CredentialBudgets.allows(limits, new CredentialBudgets.MinuteUsage(2, 0), 0), "rpm reached");
        assertFalse(CredentialBudgets.allows(limits, new CredentialBudgets.MinuteUsage(0, 60), 41), "tpm would overflow");
        assertFalse(CredentialBudgets.allows(limits, new CredentialBudgets.MinuteUsage(0, 100), 0), "tpm spent");
        assertTrue(CredentialBudgets.allows(CredentialLimits.NONE, new CredentialBudgets.MinuteUsage(1_000_000, 1L << 40), 5));
        Instant t = Instant.parse("2026-01-01T00:01:59Z");
        assertEquals("crpm:9:29453761", CredentialBudgets.rpmKey(9, CredentialBudgets.minute(t)));
        assertEquals("ctpm:9:29453761", CredentialBudgets.tpmKey(9, CredentialBudgets.minute(t)));

        CredentialBudgets.BudgetCounters counters = CredentialBudgets.BudgetCounters.local();
        assertTrue(counters.tryReserve(9, limits, 40, t));
        assertTrue(counters.tryReserve(9, limits, 40, t));
        assertFalse(counters.tryReserve(9, limits, 1, t), "third request in the minute");
        assertTrue(counters.tryReserve(9, limits, 40, t.plusSeconds(1)), "next minute");
        CredentialLimits tpmOnly = new CredentialLimits(null, 100L);
        assertTrue(counters.tryReserve(10, tpmOnly, 90, t));
        assertFalse(counters.tryReserve(10, tpmOnly, 20, t));
        counters.settle(10, -50, t); // actual use was 40
        assertTrue(counters.tryReserve(10, tpmOnly, 20, t));
    }

    @Test
    void healthFollowsTheDispositionTable() {
        CredentialHealth h = CredentialHealth.local();
        Instant t = Instant.parse("2026-01-01T00:00:00Z");
        OpenAiChannel openai = new OpenAiChannel();
        h.record(openai, 1, "gpt", new Disposition.RateLimited(Duration.ofSeconds(10)), t);
        assertFalse(h.available(1, "gpt", t.plusSeconds(9)));
        assertTrue(h.available(1, "other", t), "per (credential, model)");
        assertTrue(h.available(1, "gpt", t.plusSeconds(10)));

        h.record(openai, 2, "gpt", Disposition.AUTH_DEAD, t);
        assertFalse(h.available(2, "gpt", t.plusSeconds(599)));
        assertTrue(h.available(2, "other", t));
        // account-token channels: AuthDead cools the whole credential; 429 too when quota is shared
        ClaudeCodeChannel cc = new ClaudeCodeChannel();
        h.record(cc, 3, "sonnet", Disposition.AUTH_DEAD, t);
        assertFalse(h.available(3, "opus", t.plusSeconds(599)));
        assertTrue(h.available(3, "opus", t.plusSeconds(600)));
        h.record(cc, 4, "sonnet", new Disposition.RateLimited(Duration.ofSeconds(5)), t);
        assertFalse(h.available(4, "haiku", t.plusSeconds(4)));

        h.record(openai, 5, "gpt", Disposition.PERMANENT, t);
        assertTrue(h.available(5, "gpt", t));
    }

    @Test
    void breakerOpensHalfOpensAndBacksOff() {
        LocalCredentialHealth h = new LocalCredentialHealth(CredentialHealth.BreakerConfig.defaults());
        Instant t = Instant.parse("2026-01-01T00:00:00Z");
        for (int i = 0; i < 4; i++) {
            h.failure(1, "m", t);
        }
        assertTrue(h.available(1, "m", t));
        h.failure(1, "m", t);
        assertFalse(h.available(1, "m", t.plusSeconds(29)), "open after 5 consecutive failures");
        Instant half = t.plusSeconds(30);
        assertTrue(h.available(1, "m", half), "half-open");
        assertTrue(h.beginAttempt(1, "m", half), "the probe");
        assertFalse(h.available(1, "m", half), "one probe at a time");
        assertFalse(h.beginAttempt(1, "m", half));
        h.failure(1, "m", half);
        assertFalse(h.available(1, "m", half.plusSeconds(59)), "re-opened for 60 s");
        Instant half2 = half.plusSeconds(60);
        assertTrue(h.beginAttempt(1, "m", half2));
        assertTrue(h.available(1, "m", half2.plusSeconds(30)), "an unreported probe re-arms after 30 s");
        h.success(1, "m", half2.plusSeconds(31));
        assertTrue(h.available(1, "m", half2.plusSeconds(31)));
    }
}
