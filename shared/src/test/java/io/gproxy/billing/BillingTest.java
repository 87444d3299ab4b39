package io.gproxy.billing;

import com.fasterxml.jackson.databind.node.ObjectNode;
import io.gproxy.app.BundleImporter;
import io.gproxy.channel.ChannelRegistry;
import io.gproxy.config.ConfigSnapshot;
import io.gproxy.config.KeyIdentity;
import io.gproxy.crypto.KeyDigests;
import io.gproxy.crypto.MasterKeyCipher;
import io.gproxy.http.BodySink;
import io.gproxy.http.Headers;
import io.gproxy.http.HttpResponse;
import io.gproxy.protocol.Json;
import io.gproxy.protocol.Operation;
import io.gproxy.protocol.OperationKind;
import io.gproxy.protocol.ProtocolFamily;
import io.gproxy.store.memory.MemoryConfigStore;
import io.gproxy.store.memory.MemoryCounterStore;
import io.gproxy.transform.CodecRegistry;
import io.gproxy.transform.ir.Usage;
import io.gproxy.usage.Ended;
import io.gproxy.usage.UsageSource;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;

import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.time.Clock;
import java.time.Instant;
import java.time.ZoneOffset;
import java.util.List;
import java.util.Map;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertNotNull;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

/**
 * Admission and settlement on the memory counters: permissions, rate limits and budgets refuse before anything is
 * consumed, the reservation is settled to the actual cost exactly once, failures release it, interrupted streams bill
 * what was relayed, and counter errors fail closed.
 */
class BillingTest {
    private static final String KEY = "sk-billing-test-key-0000000000000000000000";
    // 12:34:56 on a Wednesday: minute, day, ISO week and month buckets are all known
    private static final Instant NOW = Instant.parse("2026-01-14T12:34:56Z");

    private MemoryCounterStore counters;
    private Billing billing;
    private ConfigSnapshot snapshot;
    private KeyIdentity alice;

    @BeforeEach
    void setUp() throws Exception {
        counters = new MemoryCounterStore();
        billing = new Billing(counters, Clock.fixed(NOW, ZoneOffset.UTC), new BillingOptions(100));
        load("""
                {"orgs":[{"id":1,"name":"o"},{"id":2,"name":"off","enabled":false}],
                 "teams":[{"id":1,"org_id":1,"name":"t"},{"id":2,"org_id":1,"name":"off","enabled":false}],
                 "users":[{"id":2,"name":"alice","org_id":1,"team_id":1},{"id":3,"name":"bob","org_id":2},
                          {"id":4,"name":"carol","org_id":1,"team_id":2},{"id":5,"name":"dave","org_id":1}],
                 "user_keys":[{"id":2,"user_id":2,"api_key":"%s"}],
                 "route_permissions":[{"id":1,"scope":"team","scope_id":1,"route_pattern":"fa*"},
                                      {"id":2,"scope":"org","scope_id":2,"route_pattern":"*"},
                                      {"id":3,"scope":"user","scope_id":2,"route_pattern":"openai/gpt-4o-?ini"}],
                 "rate_limits":[{"id":7,"scope":"team","scope_id":1,"route_pattern":"*","rpm":20,"rpd":1000,"total_tokens":100000}],
                 "quotas":[{"id":1,"scope":"user","scope_id":2,"quota_total":"0.01","quota_daily":"0.001","quota_monthly":"0.005"}],
                 "providers":[{"id":1,"name":"openai","channel":"openai","settings_json":{"base_url":"http://127.0.0.1:9"}},
                              {"id":2,"name":"anthropic","channel":"claudeapi","settings_json":{"base_url":"http://127.0.0.1:9"}}],
                 "credentials":[{"id":1,"provider_id":1,"secret_json":{"api_key":"x"}},
                                {"id":2,"provider_id":2,"secret_json":{"api_key":"y"},"rpm_limit":1,"tpm_limit":1000}],
                 "price_rules":[{"id":1,"match_type":"exact","model_match":"gpt-4o-mini","input_price":"0.15","output_price":"0.60"},
                                {"id":2,"provider_id":2,"match_type":"contains","model_match":"sonnet","input_price":"3",
                                 "output_price":"15","cache_creation_1h_price":"6"}],
                 "instance_settings":[{"instance_name":"default","retention_days":7}]}
                """.formatted(KEY));
        alice = snapshot.keyByDigest(KeyDigests.digest(KEY)).orElseThrow();
    }

    private void load(String bundle) throws Exception {
        MemoryConfigStore store = new MemoryConfigStore();
        new BundleImporter(store, MasterKeyCipher.fromBase64(MasterKeyCipher.generateKeyBase64()), ChannelRegistry.builtIn())
                .importBundle(bundle.getBytes(StandardCharsets.UTF_8));
        snapshot = ConfigSnapshot.build(store.load());
    }

    @Test
    void estimateIsRequestSizeAsInputPlusMaxOutputAtTheHighestCandidatePrice() throws Exception {
        ObjectNode body = body("{\"model\":\"fast\",\"max_tokens\":20}");
        Admission a = billing.admit(request("r1", body, 100, "fast", candidate(1, "openai", "gpt-4o-mini"),
                candidate(2, "anthropic", "claude-sonnet-4-5")));
        // sonnet: input priced at the highest of input and cache-write prices (6), output 15: 100×6 + 20×15 = 900 µ$
        assertEquals(900, a.estimateMicros());
        assertTrue(a.reserved());
        assertEquals(900, budget("Q#total").get("committed"));
        assertEquals(900, budget("Q#d#2026-01-14").get("committed"));
        assertEquals(900, budget("Q#m#2026-01").get("committed"));
        assertEquals(1, counters.read("CTR#team#1", "RL#7#m#202601141234").get("n"));
        assertEquals(1, counters.read("CTR#team#1", "RL#7#d#2026-01-14").get("n"));
    }

    @Test
    void settlementReplacesTheEstimateWithTheActualCostExactlyOnce() throws Exception {
        Admission a = admitFast("r1");
        long est = a.estimateMicros();
        a.served(1, "openai", 1, "gpt-4o-mini", ProtocolFamily.OPENAI);
        HttpResponse r = a.attach(HttpResponse.json(200, "{}"), () -> usage(1000, 200), null, true, s -> {});
        // 1000×0.15 + 200×0.60 = 150 + 120 = 270 µ$
        assertEquals("0.00027", r.headers().firstOrNull(Admission.COST_HEADER));
        assertEquals("1000", r.headers().firstOrNull(Admission.INPUT_TOKENS_HEADER));
        assertEquals("200", r.headers().firstOrNull(Admission.OUTPUT_TOKENS_HEADER));
        assertEquals(est, budget("Q#total").get("committed"), "nothing settles before the response is complete");
        r.complete();
        assertEquals(270, budget("Q#total").get("committed"));
        assertEquals(270, budget("Q#total").get("spent"));
        assertEquals(1200, counters.read("CTR#team#1", "RL#7#d#2026-01-14").get("tok"));
        List<Map<String, Object>> records = counters.records("USE#2026-01-14");
        assertEquals(1, records.size());
        Map<String, Object> rec = records.get(0);
        assertEquals("r1", rec.get("request_id"));
        assertEquals(270L, rec.get("cost_micros"));
        assertEquals("upstream", rec.get("usage_source"));
        assertEquals("complete", rec.get("ended"));
        assertEquals("USER#2", rec.get("gsi1pk"));
        assertEquals(NOW.getEpochSecond() + 7 * 86400L, rec.get("ttl"));
        assertEquals(1, counters.read("ROLL#hour#2026011412", "p=1|o=1|t=1|u=2|r=fast|m=gpt-4o-mini").get("requests"));
        assertEquals(270, counters.read("ROLL#day#2026-01-14", "p=1|o=1|t=1|u=2|r=fast|m=gpt-4o-mini").get("cost_micros"));
        assertEquals(1200, counters.read("CRED#1", "D#2026-01-14#gpt-4o-mini").get("input_tokens")
                + counters.read("CRED#1", "D#2026-01-14#gpt-4o-mini").get("output_tokens"));

        // the same settlement again (a retried hook, a second process): nothing changes
        Settlement again = a.settlement(usage(1000, 200), Ended.COMPLETE, () -> 0);
        assertFalse(billing.apply(again));
        r.complete();
        assertEquals(270, budget("Q#total").get("committed"));
        assertEquals(1, counters.records("USE#").size());
        assertEquals(1, counters.read("ROLL#hour#2026011412", "p=1|o=1|t=1|u=2|r=fast|m=gpt-4o-mini").get("requests"));
    }

    @Test
    void aRefusedRequestConsumesNothing() throws Exception {
        // daily budget 1000 µ$: an estimate of 100 bytes × 0.15 + 100 × 0.60 = 75 µ$ fits 13 times
        int admitted = 0;
        Refusal refusal = null;
        for (int i = 0; i < 20 && refusal == null; i++) {
            try {
                admitFast("q" + i);
                admitted++;
            } catch (Refusal r) {
                refusal = r;
            }
        }
        assertEquals(13, admitted);
        assertNotNull(refusal);
        assertEquals(429, refusal.status());
        assertEquals("quota exceeded", refusal.getMessage());
        assertEquals(Long.valueOf(11 * 3600 + 25 * 60 + 4), refusal.retryAfterSeconds(), "seconds to the end of the day");
        assertEquals(13 * 75, budget("Q#d#2026-01-14").get("committed"));
        assertEquals(13 * 75, budget("Q#total").get("committed"), "the refused reservation left no trace");
        assertEquals(13, counters.read("CTR#team#1", "RL#7#d#2026-01-14").get("n"));
    }

    @Test
    void overspendIsBoundedByWhatActualCostsExceededTheirEstimates() throws Exception {
        // a request that under-declares: 10 bytes, max_tokens 1 ⇒ estimate ceil(10×0.15 + 1×0.60) = 3 µ$, but the
        // upstream reports 1000 in / 1000 out = 750 µ$. The daily budget is 1000 µ$.
        List<Admission> admitted = new java.util.ArrayList<>();
        for (int i = 0; i < 2; i++) {
            admitted.add(billing.admit(request("o" + i, body("{\"max_tokens\":1}"), 10, "fast",
                    candidate(1, "openai", "gpt-4o-mini"))));
        }
        long excess = 0;
        for (Admission a : admitted) {
            assertEquals(3, a.estimateMicros());
            a.served(1, "openai", 1, "gpt-4o-mini", ProtocolFamily.OPENAI);
            HttpResponse r = a.attach(HttpResponse.json(200, "{}"), () -> usage(1000, 1000), null, true, s -> {});
            r.complete();
            excess += Math.max(0, 750 - a.estimateMicros());
        }
        long spent = budget("Q#d#2026-01-14").get("spent");
        assertEquals(1500, spent);
        assertTrue(spent <= 1000 + excess, "limit + Σ max(0, actual − estimate)");
        assertEquals(429, assertThrows(Refusal.class, () -> admitFast("o2")).status(), "over the limit: no more admissions");
    }

    @Test
    void rateLimitRefusesWithRetryAfterToTheMinuteEnd() throws Exception {
        for (int i = 0; i < 20; i++) {
            admitFast("r" + i).releaseNow();
        }
        Refusal r = assertThrows(Refusal.class, () -> admitFast("r20"));
        assertEquals(429, r.status());
        assertEquals("rate limited", r.getMessage());
        assertEquals(4L, r.retryAfterSeconds());
        assertEquals(0, budget("Q#total").get("committed"), "released reservations gave their budget back");
    }

    @Test
    void releaseGivesTheReservationBackAndRecordsNothing() throws Exception {
        Admission a = admitFast("r1");
        a.served(1, "openai", 1, "gpt-4o-mini", ProtocolFamily.OPENAI); // served, but the answer is an error
        HttpResponse r = a.attach(HttpResponse.json(429, "{}"), () -> usage(10, 10), null, true, s -> {});
        assertEquals(null, r.headers().firstOrNull(Admission.COST_HEADER));
        r.complete();
        assertEquals(0, budget("Q#total").get("committed"));
        assertEquals(0, budget("Q#total").get("spent"));
        assertTrue(counters.records("USE#").isEmpty());
        assertFalse(counters.reserved("r1"));
    }

    @Test
    void anInterruptedStreamBillsThePartialUsageAndTheRelayedText() throws Exception {
        Admission a = admitFast("r1");
        a.served(1, "openai", 1, "gpt-4o-mini", ProtocolFamily.OPENAI);
        byte[] relayed = ("data: {\"id\":\"c\",\"object\":\"chat.completion.chunk\",\"created\":1,\"model\":\"m\","
                + "\"choices\":[{\"index\":0,\"delta\":{\"content\":\"" + "word ".repeat(80) + "\"}}]}\n\n")
                .getBytes(StandardCharsets.UTF_8);
        HttpResponse stream = HttpResponse.streaming(200, new Headers(), sink -> {
            sink.write(relayed);
            sink.flush();
            throw new IOException("client gone");
        });
        List<Settlement> seen = new java.util.ArrayList<>();
        HttpResponse watched = a.attach(stream, () -> Usage.EMPTY, CodecRegistry.builtIn()
                .find(OperationKind.OPEN_AI_CHAT_COMPLETIONS).orElseThrow(), true, seen::add);
        assertThrows(IOException.class, () -> watched.stream().writeTo(discard()));
        watched.complete();
        Settlement s = seen.get(0);
        assertEquals(Ended.INTERRUPTED, s.ended());
        assertEquals(UsageSource.ESTIMATED, s.source());
        assertEquals(100, s.usage().output(), "400 characters of relayed text ≈ 100 tokens");
        Map<String, Object> rec = counters.records("USE#").get(0);
        assertEquals("interrupted", rec.get("ended"));
        assertEquals("estimated", rec.get("usage_source"));
        assertEquals(s.costMicros(), budget("Q#total").get("committed"), "the reservation is settled to the partial cost");
    }

    @Test
    void anInterruptedStreamKeepsTheReportedInputAndNeverBillsLessOutputThanRelayed() throws Exception {
        Admission a = admitFast("r1");
        a.served(2, "anthropic", 2, "claude-sonnet-4-5", ProtocolFamily.CLAUDE);
        Settlement s = a.settlement(new Usage(25L, 1L, null, null, null, null), Ended.INTERRUPTED, () -> 40);
        assertEquals(25, s.usage().input());
        assertEquals(40, s.usage().output());
        assertEquals(UsageSource.ESTIMATED, s.source());
        Settlement complete = a.settlement(new Usage(25L, 90L, null, null, null, null), Ended.INTERRUPTED, () -> 40);
        assertEquals(90, complete.usage().output());
        assertEquals(UsageSource.UPSTREAM, complete.source());
    }

    @Test
    void permissionsAreTheUnionOverTheChainAndDisabledOrgsOrTeamsDeny() throws Exception {
        billing.admit(request("p1", body("{}"), 10, "fast", candidate(1, "openai", "gpt-4o-mini"))).releaseNow();
        assertEquals(403, assertThrows(Refusal.class, () -> billing.admit(
                request("p2", body("{}"), 10, "smart", candidate(2, "anthropic", "claude-sonnet-4-5")))).status());
        // direct call: provider/model matched by the user's own pattern
        billing.admit(request("p3", body("{}"), 10, null, candidate(1, "openai", "gpt-4o-mini"))).releaseNow();
        assertEquals(403, assertThrows(Refusal.class, () -> billing.admit(
                request("p4", body("{}"), 10, null, candidate(1, "openai", "gpt-4.1")))).status());
        for (long user : new long[]{3, 4, 5}) { // disabled org, disabled team, no pattern at all
            KeyIdentity other = new KeyIdentity(alice.key(), snapshot.user(user).orElseThrow());
            assertEquals(403, assertThrows(Refusal.class, () -> billing.admit(new AdmissionRequest("u" + user, other,
                    snapshot, Operation.GENERATE_CONTENT, OperationKind.OPEN_AI_CHAT_COMPLETIONS, body("{}"), 10, "fast",
                    List.of(candidate(1, "openai", "gpt-4o-mini"))))).status());
        }
    }

    @Test
    void countersUnreachableFailClosed() {
        counters.failing(true);
        Refusal r = assertThrows(Refusal.class, () -> admitFast("r1"));
        assertEquals(503, r.status());
    }

    @Test
    void credentialMinuteBudgetsSkipExhaustedCredentials() throws Exception {
        Admission a = admitFast("r1");
        assertTrue(a.credentialAvailable(1), "no limits");
        assertTrue(a.credentialAvailable(2));
        assertFalse(a.credentialAvailable(2), "rpm_limit 1 used up this minute");
        counters.failing(true);
        assertFalse(a.credentialAvailable(2), "unreachable counters: skip (fail closed)");
        assertTrue(a.credentialAvailable(1), "a credential without limits needs no counter");
    }

    @Test
    void nonContentOperationsAreRateLimitedButNotBilled() throws Exception {
        Admission a = billing.admit(new AdmissionRequest("e1", alice, snapshot, Operation.COUNT_TOKENS,
                OperationKind.CLAUDE, body("{\"model\":\"fast\"}"), 100000, "fast", List.of(candidate(1, "openai", "gpt-4o-mini"))));
        assertEquals(0, a.estimateMicros());
        assertTrue(budget("Q#total").isEmpty());
        assertEquals(1, counters.read("CTR#team#1", "RL#7#m#202601141234").get("n"));
    }

    private Admission admitFast(String id) throws Refusal {
        return billing.admit(request(id, body("{\"model\":\"fast\"}"), 100, "fast", candidate(1, "openai", "gpt-4o-mini")));
    }

    private AdmissionRequest request(String id, ObjectNode body, long bytes, String route, AdmissionRequest.Candidate... c) {
        return new AdmissionRequest(id, alice, snapshot, Operation.GENERATE_CONTENT, OperationKind.OPEN_AI_CHAT_COMPLETIONS,
                body, bytes, route, List.of(c));
    }

    private Map<String, Long> budget(String sk) {
        return counters.read("CTR#user#2", sk);
    }

    private static AdmissionRequest.Candidate candidate(long id, String name, String model) {
        return new AdmissionRequest.Candidate(id, name, model);
    }

    private static Usage usage(long in, long out) {
        return new Usage(in, out, 0L, null, null, 0L);
    }

    private static ObjectNode body(String json) {
        try {
            return (ObjectNode) Json.parse(json.getBytes(StandardCharsets.UTF_8));
        } catch (IOException e) {
            throw new java.io.UncheckedIOException(e);
        }
    }

    private static BodySink discard() {
        return new BodySink() {
            @Override
            public void write(byte[] bytes, int offset, int length) {
            }

            @Override
            public void flush() {
            }
        };
    }
}
