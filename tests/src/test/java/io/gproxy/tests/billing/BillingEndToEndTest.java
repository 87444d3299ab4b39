package io.gproxy.tests.billing;

import io.gproxy.app.Gateway;
import io.gproxy.app.RuntimeConfig;
import io.gproxy.billing.Admission;
import io.gproxy.billing.AdmissionRequest;
import io.gproxy.billing.Billing;
import io.gproxy.billing.BillingOptions;
import io.gproxy.billing.Settlement;
import io.gproxy.config.ConfigSnapshot;
import io.gproxy.config.KeyIdentity;
import io.gproxy.crypto.KeyDigests;
import io.gproxy.http.BodySink;
import io.gproxy.http.Headers;
import io.gproxy.http.RequestHandler;
import io.gproxy.protocol.Operation;
import io.gproxy.protocol.OperationKind;
import io.gproxy.protocol.ProtocolFamily;
import io.gproxy.tests.e2e.GatewayFixture;
import io.gproxy.tests.mock.MockUpstream;
import io.gproxy.transform.ir.Usage;
import io.gproxy.usage.Ended;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import software.amazon.awssdk.auth.credentials.AwsBasicCredentials;
import software.amazon.awssdk.auth.credentials.StaticCredentialsProvider;
import software.amazon.awssdk.http.urlconnection.UrlConnectionHttpClient;
import software.amazon.awssdk.regions.Region;
import software.amazon.awssdk.services.dynamodb.DynamoDbClient;
import software.amazon.awssdk.services.dynamodb.model.AttributeValue;
import software.amazon.awssdk.services.dynamodb.model.QueryResponse;

import java.io.InputStream;
import java.io.OutputStream;
import java.io.PrintStream;
import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.nio.charset.StandardCharsets;
import java.time.Clock;
import java.time.LocalDate;
import java.time.ZoneOffset;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.HashSet;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.concurrent.CountDownLatch;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.concurrent.Future;
import java.util.concurrent.TimeUnit;
import java.util.function.BooleanSupplier;

import static io.gproxy.tests.e2e.GatewayFixture.ALICE_KEY;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertNotNull;
import static org.junit.jupiter.api.Assertions.assertTrue;

/**
 * Billing through the local gateway on DynamoDB Local with the mock upstreams (issue 6): concurrent requests
 * cannot overspend a budget, a settlement applies once, buffered answers carry their cost, interrupted streams
 * release their reservation and record their partial usage, and the DynamoDB calls a request costs.
 */
class BillingEndToEndTest {
    private static final String ADMIN_KEY = "sk-example-admin-key-0000000000000000000000";
    private static final String TABLE = RuntimeConfig.DEFAULT_TABLE;
    private static final String QUOTA_PK = "CTR#user#2";
    private static final HttpClient HTTP = HttpClient.newHttpClient();

    private static GatewayFixture gw;
    private static DynamoDbClient ddb;
    private static CuttingUpstream cutChat;
    private static CuttingUpstream cutClaude;

    @BeforeAll
    static void start() throws Exception {
        gw = new GatewayFixture().start();
        ddb = client(null);
        cutChat = new CuttingUpstream(List.of(
                "data: {\"id\":\"c1\",\"object\":\"chat.completion.chunk\",\"created\":1,\"model\":\"gpt-4o-mini\",\"choices\":[{\"index\":0,\"delta\":{\"role\":\"assistant\",\"content\":\"\"},\"finish_reason\":null}]}\n\n",
                "data: {\"id\":\"c1\",\"object\":\"chat.completion.chunk\",\"created\":1,\"model\":\"gpt-4o-mini\",\"choices\":[{\"index\":0,\"delta\":{\"content\":\"" + "word ".repeat(40) + "\"},\"finish_reason\":null}]}\n\n"));
        cutClaude = new CuttingUpstream(List.of(
                "event: message_start\ndata: {\"type\":\"message_start\",\"message\":{\"id\":\"msg_1\",\"type\":\"message\",\"role\":\"assistant\",\"model\":\"claude-sonnet-4-5\",\"content\":[],\"stop_reason\":null,\"stop_sequence\":null,\"usage\":{\"input_tokens\":25,\"cache_creation_input_tokens\":0,\"cache_read_input_tokens\":0,\"output_tokens\":1}}}\n\n",
                "event: content_block_start\ndata: {\"type\":\"content_block_start\",\"index\":0,\"content_block\":{\"type\":\"text\",\"text\":\"\"}}\n\n",
                "event: content_block_delta\ndata: {\"type\":\"content_block_delta\",\"index\":0,\"delta\":{\"type\":\"text_delta\",\"text\":\"" + "word ".repeat(24) + "\"}}\n\n"));
        gw.server().gateway().importer().importBundle(("""
                {"providers":[{"id":9,"name":"cutchat","channel":"openai","settings_json":{"base_url":"%s"}},
                              {"id":10,"name":"cutclaude","channel":"claudeapi","settings_json":{"base_url":"%s"}}],
                 "credentials":[{"id":9,"provider_id":9,"secret_json":{"api_key":"k"}},
                                {"id":10,"provider_id":10,"secret_json":{"api_key":"k"}}],
                 "price_rules":[{"id":9,"provider_id":10,"match_type":"contains","model_match":"sonnet","input_price":"3","output_price":"15"}]}
                """.formatted(cutChat.baseUrl(), cutClaude.baseUrl())).getBytes(StandardCharsets.UTF_8));
        gw.server().gateway().configCache().reload();
    }

    @AfterAll
    static void stop() throws Exception {
        cutChat.close();
        cutClaude.close();
        ddb.close();
        gw.close();
    }

    @BeforeEach
    void clear() {
        gw.clearMocks();
    }

    // ---- (1) concurrency ----------------------------------------------------------------------------------------

    @Test
    void concurrentRequestsCannotOverspendTheBudget() throws Exception {
        long limit = 500; // µ$ left in alice's total budget (what earlier tests committed stays committed)
        Map<String, Long> before = counters(QUOTA_PK, "Q#total");
        quota(java.math.BigDecimal.valueOf(before.get("committed") + limit).movePointLeft(6).toPlainString());
        String body = "{\"model\":\"openai/gpt-4o-mini\",\"max_tokens\":100,\"messages\":[{\"role\":\"user\",\"content\":\"hi\"}]}";
        // estimate: body bytes as input at $0.15/M plus 100 output tokens at $0.60/M, rounded up to a micro-dollar
        long estimate = (long) Math.ceil(body.getBytes(StandardCharsets.UTF_8).length * 0.15 + 100 * 0.60);
        long actual = (long) (MockUpstream.INPUT_TOKENS * 0.15 + MockUpstream.OUTPUT_TOKENS * 0.60); // 12×0.15 + 7×0.60 = 6
        assertEquals(6, actual);

        int n = 50;
        ExecutorService pool = Executors.newFixedThreadPool(n);
        CountDownLatch go = new CountDownLatch(1);
        List<Future<HttpResponse<String>>> futures = new ArrayList<>();
        for (int i = 0; i < n; i++) {
            futures.add(pool.submit(() -> {
                go.await();
                return post("/v1/chat/completions", ALICE_KEY, body);
            }));
        }
        go.countDown();
        List<String> served = new ArrayList<>();
        int refused = 0;
        for (Future<HttpResponse<String>> f : futures) {
            HttpResponse<String> r = f.get(60, TimeUnit.SECONDS);
            if (r.statusCode() == 200) {
                served.add(r.headers().firstValue("x-gproxy-request-id").orElseThrow());
                assertEquals("0.000006", r.headers().firstValue(Admission.COST_HEADER).orElse(null));
            } else {
                assertEquals(429, r.statusCode(), r.body());
                assertTrue(r.body().contains("quota exceeded"), r.body());
                assertTrue(r.headers().firstValue("retry-after").isEmpty(), "the total budget never resets");
                refused++;
            }
        }
        pool.shutdown();
        assertEquals(n, served.size() + refused);
        assertEquals(served.size(), gw.openAi.requests().size(), "every refusal came before any upstream call");
        assertTrue(refused > 0, "the budget covers only some of the requests");

        awaitTrue(() -> delta(before, counters(QUOTA_PK, "Q#total"), "committed")
                == delta(before, counters(QUOTA_PK, "Q#total"), "spent"), "every admitted request settled");
        Map<String, Long> after = counters(QUOTA_PK, "Q#total");
        long spent = delta(before, after, "spent");
        long committed = delta(before, after, "committed");
        List<Map<String, AttributeValue>> records = usageRecords(new HashSet<>(served));
        assertEquals(served.size(), records.size(), "one usage record per served request, none for refused ones");

        // The bound: admission only lets a request in while committed + estimate <= limit, and settlement replaces
        // the estimate by the actual cost, so spent <= limit + Σ over admitted requests of max(0, actual − estimate).
        long excess = 0;
        for (Map<String, AttributeValue> rec : records) {
            long cost = Long.parseLong(rec.get("cost_micros").n());
            long est = Long.parseLong(rec.get("estimate_micros").n());
            assertEquals(actual, cost);
            assertEquals(estimate, est);
            excess += Math.max(0, cost - est);
        }
        long bound = limit + excess;
        System.out.printf("[billing] %d parallel requests, budget %d µ$, estimate %d µ$, actual %d µ$: %d served, %d refused "
                        + "(429 before any upstream call); spent %d µ$ <= bound limit + Σ max(0, actual − estimate) = %d µ$%n",
                n, limit, estimate, actual, served.size(), refused, spent, bound);
        assertEquals(served.size() * actual, spent);
        assertEquals(spent, committed, "no reservation leaked");
        assertTrue(spent <= bound);
        // and as tight as reservations allow: the last admission saw at most limit − estimate already committed
        assertTrue(served.size() <= (limit - estimate) / actual + 1, "served " + served.size());
    }

    // ---- (2) settle twice ---------------------------------------------------------------------------------------

    @Test
    void settlingTheSameRequestTwiceChangesNothing() throws Exception {
        quota("100");
        Gateway g = gw.server().gateway();
        ConfigSnapshot snapshot = g.configCache().current();
        KeyIdentity alice = snapshot.keyByDigest(KeyDigests.digest(ALICE_KEY)).orElseThrow();
        Billing billing = new Billing(g.counters(), Clock.systemUTC(), BillingOptions.DEFAULTS);
        String id = java.util.UUID.randomUUID().toString();
        Admission a = billing.admit(new AdmissionRequest(id, alice, snapshot, Operation.GENERATE_CONTENT,
                OperationKind.OPEN_AI_CHAT_COMPLETIONS, null, 200, null,
                List.of(new AdmissionRequest.Candidate(1, "openai", "gpt-4o-mini"))));
        a.served(1, "openai", 1, "gpt-4o-mini", ProtocolFamily.OPENAI);
        Settlement s = a.settlement(new Usage(1000L, 100L, 0L, null, null, 0L), Ended.COMPLETE, () -> 0);
        Map<String, Long> reserved = counters(QUOTA_PK, "Q#total");
        assertTrue(billing.apply(s));
        Map<String, Long> once = counters(QUOTA_PK, "Q#total");
        Map<String, Long> rollup = counters("ROLL#day#" + today(), "p=1|o=1|t=1|u=2|r=-|m=gpt-4o-mini");
        billing.apply(s);
        billing.apply(a.settlement(new Usage(1000L, 100L, 0L, null, null, 0L), Ended.COMPLETE, () -> 0));
        try (DynamoDbClient other = client(null)) { // another container settling the same request id
            new Billing(new io.gproxy.store.dynamodb.DynamoCounterStore(other, TABLE), Clock.systemUTC(),
                    BillingOptions.DEFAULTS).apply(s);
        }
        assertEquals(once, counters(QUOTA_PK, "Q#total"));
        assertEquals(rollup, counters("ROLL#day#" + today(), "p=1|o=1|t=1|u=2|r=-|m=gpt-4o-mini"));
        assertEquals(1, usageRecords(Set.of(id)).size());
        // 1000×0.15 + 100×0.60 = 210 µ$ replaced the estimate
        assertEquals(210 - a.estimateMicros(), once.get("committed") - reserved.get("committed"));
    }

    // ---- (3) visibility -----------------------------------------------------------------------------------------

    @Test
    void bufferedAnswersCarryCostAndTokens() throws Exception {
        quota("100");
        HttpResponse<String> r = post("/v1/messages", ALICE_KEY,
                "{\"model\":\"smart\",\"max_tokens\":50,\"messages\":[{\"role\":\"user\",\"content\":\"hi\"}]}");
        assertEquals(200, r.statusCode(), r.body());
        // mock usage 12 in, 7 out at Sonnet's $3/$15: 36 + 105 = 141 µ$
        assertEquals("0.000141", r.headers().firstValue(Admission.COST_HEADER).orElse(null));
        assertEquals("12", r.headers().firstValue(Admission.INPUT_TOKENS_HEADER).orElse(null));
        assertEquals("7", r.headers().firstValue(Admission.OUTPUT_TOKENS_HEADER).orElse(null));
        String id = r.headers().firstValue("x-gproxy-request-id").orElseThrow();
        Map<String, AttributeValue> rec = awaitRecord(id);
        assertEquals("141", rec.get("cost_micros").n());
        assertEquals("0.000141", rec.get("cost").n());
        assertEquals("upstream", rec.get("usage_source").s());
        assertEquals("complete", rec.get("ended").s());
        assertEquals("smart", rec.get("route").s());
        assertEquals("anthropic", rec.get("provider").s());
        assertEquals("claude-sonnet-4-5", rec.get("model").s());
        assertEquals("USER#2", rec.get("gsi1pk").s());
        assertTrue(rec.containsKey("ttl"));
    }

    // ---- (4) interrupted streams ----------------------------------------------------------------------------------

    @Test
    void anUpstreamCutMidStreamReleasesTheReservationAndRecordsEstimatedUsage() throws Exception {
        quota("100");
        Map<String, Long> before = counters(QUOTA_PK, "Q#total");
        HttpResponse<String> r = post("/v1/chat/completions", ALICE_KEY,
                "{\"model\":\"cutchat/gpt-4o-mini\",\"stream\":true,\"messages\":[{\"role\":\"user\",\"content\":\"hi\"}]}");
        assertEquals(200, r.statusCode());
        assertTrue(r.body().contains("word word") && r.body().contains("upstream request failed"), r.body());
        Map<String, AttributeValue> rec = awaitRecord(r.headers().firstValue("x-gproxy-request-id").orElseThrow());
        assertEquals("interrupted", rec.get("ended").s());
        assertEquals("estimated", rec.get("usage_source").s(), "the meter saw no usage: output from the relayed text");
        assertEquals("50", rec.get("output_tokens").n(), "200 characters relayed ≈ 50 tokens");
        // the record lands first; the settled amounts follow as separate atomic ADDs
        awaitTrue(() -> delta(before, counters(QUOTA_PK, "Q#total"), "committed")
                == delta(before, counters(QUOTA_PK, "Q#total"), "spent"), "the settlement reached the counters");
        Map<String, Long> after = counters(QUOTA_PK, "Q#total");
        long cost = Long.parseLong(rec.get("cost_micros").n());
        assertEquals(cost, delta(before, after, "spent"));
        assertEquals(cost, delta(before, after, "committed"), "the reservation was released down to the partial cost");
    }

    @Test
    void anInterruptedClaudeStreamKeepsThePartialUsageTheMeterSaw() throws Exception {
        quota("100");
        HttpResponse<String> r = post("/v1/messages", ALICE_KEY,
                "{\"model\":\"cutclaude/claude-sonnet-4-5\",\"max_tokens\":50,\"stream\":true,\"messages\":[{\"role\":\"user\",\"content\":\"hi\"}]}");
        assertEquals(200, r.statusCode());
        Map<String, AttributeValue> rec = awaitRecord(r.headers().firstValue("x-gproxy-request-id").orElseThrow());
        assertEquals("interrupted", rec.get("ended").s());
        assertEquals("25", rec.get("input_tokens").n(), "input from message_start");
        assertEquals("30", rec.get("output_tokens").n(), "message_start said 1; 120 relayed characters say 30");
        assertEquals("estimated", rec.get("usage_source").s());
        assertEquals(Long.toString(25 * 3 + 30 * 15), rec.get("cost_micros").n());
    }

    @Test
    void aClientLeavingMidStreamSettlesAsInterrupted() throws Exception {
        quota("100");
        Map<String, Long> before = counters(QUOTA_PK, "Q#total");
        gw.openAi.gate().arm(2);
        // A long stream with 10 ms between events: after the client left, a write soon draws a reset and the next one
        // fails (a stream whose every byte fits the socket buffers would look complete to any server)
        gw.openAi.streamEvents(300);
        gw.openAi.delay(java.time.Duration.ZERO, java.time.Duration.ofMillis(10));
        HttpResponse<InputStream> r = HTTP.send(request("/v1/chat/completions", ALICE_KEY,
                "{\"model\":\"openai/gpt-4o-mini\",\"stream\":true,\"messages\":[{\"role\":\"user\",\"content\":\"hi\"}]}"),
                HttpResponse.BodyHandlers.ofInputStream());
        String id = r.headers().firstValue("x-gproxy-request-id").orElseThrow();
        InputStream in = r.body();
        assertTrue(in.read(new byte[64]) > 0);
        assertTrue(gw.openAi.gate().awaitPaused(5, TimeUnit.SECONDS));
        in.close(); // the client goes away while the upstream is paused
        gw.openAi.gate().release();
        Map<String, AttributeValue> rec;
        try {
            rec = awaitRecord(id);
        } finally {
            gw.openAi.delay(java.time.Duration.ZERO, java.time.Duration.ZERO);
            gw.openAi.streamEvents(0);
        }
        assertEquals("interrupted", rec.get("ended").s());
        // the record lands first; the settled amounts follow as separate atomic ADDs
        awaitTrue(() -> delta(before, counters(QUOTA_PK, "Q#total"), "committed")
                == delta(before, counters(QUOTA_PK, "Q#total"), "spent"), "the settlement reached the counters");
        Map<String, Long> after = counters(QUOTA_PK, "Q#total");
        assertEquals(delta(before, after, "spent"), delta(before, after, "committed"), "the reservation was released");
        assertEquals(Long.parseLong(rec.get("cost_micros").n()), delta(before, after, "spent"));
    }

    @Test
    void aFailedRequestReleasesItsReservationAndRecordsNothing() throws Exception {
        quota("100");
        Map<String, Long> before = counters(QUOTA_PK, "Q#total");
        gw.openAi.failNext(400);
        HttpResponse<String> r = post("/v1/chat/completions", ALICE_KEY,
                "{\"model\":\"openai/gpt-4o-mini\",\"messages\":[{\"role\":\"user\",\"content\":\"hi\"}]}");
        assertEquals(400, r.statusCode());
        assertFalse(r.headers().firstValue(Admission.COST_HEADER).isPresent());
        awaitTrue(() -> delta(before, counters(QUOTA_PK, "Q#total"), "committed") == 0, "released");
        assertEquals(0, delta(before, counters(QUOTA_PK, "Q#total"), "spent"));
        assertTrue(usageRecords(Set.of(r.headers().firstValue("x-gproxy-request-id").orElseThrow())).isEmpty());
    }

    // ---- (5) DynamoDB calls per request -------------------------------------------------------------------------

    @Test
    void dynamoDbCallsPerRequestInSteadyState() throws Exception {
        quota("100");
        DynamoCallCounter counter = new DynamoCallCounter();
        try (DynamoDbClient counted = client(counter)) {
            Map<String, String> env = new HashMap<>();
            env.put("GPROXY_MASTER_KEY", GatewayFixture.MASTER_KEY);
            env.put("GPROXY_DYNAMODB_ENDPOINT", gw.server().dynamoEndpoint());
            env.put("GPROXY_CONFIG_REFRESH_MS", "600000");
            Gateway g = Gateway.builder().config(RuntimeConfig.fromEnv(env)).dynamoDb(counted)
                    .log(new PrintStream(OutputStream.nullOutputStream())).build();
            RequestHandler h = g.handlerForAllGroups();
            String chat = "{\"model\":\"openai/gpt-4o-mini\",\"messages\":[{\"role\":\"user\",\"content\":\"hi\"}]}";
            String stream = "{\"model\":\"openai/gpt-4o-mini\",\"stream\":true,\"messages\":[{\"role\":\"user\",\"content\":\"hi\"}]}";
            call(h, ALICE_KEY, chat); // warm-up: loads the config (one Query)
            call(h, ADMIN_KEY, chat);
            List<String> lines = new ArrayList<>();
            List<Integer> transactions = new ArrayList<>();
            List<Integer> puts = new ArrayList<>();
            List<Double> updates = new ArrayList<>();
            for (String[] c : new String[][]{{"alice (user quota total/daily/monthly + team rate limit), buffered", ALICE_KEY, chat},
                    {"alice, streamed", ALICE_KEY, stream}, {"admin (no quota, no rate limit), buffered", ADMIN_KEY, chat}}) {
                int n = 10;
                counter.reset();
                for (int i = 0; i < n; i++) {
                    assertEquals(200, call(h, c[1], c[2]));
                }
                String line = String.format("[billing] DynamoDB per request, %s: %.1f reads, %.1f writes %s, %.1f RCU, %.1f WCU",
                        c[0], counter.reads() / (double) n, counter.writes() / (double) n, counter.calls(),
                        counter.readUnits() / n, counter.writeUnits() / n);
                lines.add(line);
                System.out.println(line);
                assertEquals(0, counter.reads(), c[0]);
                transactions.add(counter.calls().getOrDefault("TransactWriteItems", 0) / n);
                puts.add(counter.calls().getOrDefault("PutItem", 0) / n);
                updates.add(counter.calls().getOrDefault("UpdateItem", 0) / (double) n);
            }
            // A user with a quota: one transaction (the reservation); a user without limits reserves its marker
            // alone, one conditional PutItem, so a store that is down refuses the request (fail closed). The
            // settlement is one conditional PutItem of the usage record (keyed by the request, so it applies once).
            // The settled amounts follow as plain atomic ADDs, one per counter item (budget windows, token counters,
            // rollups, the credential's day), because hot items in transactions conflict under concurrency.
            assertEquals(List.of(1, 1, 0), transactions, lines.toString());
            assertEquals(List.of(1, 1, 2), puts, lines.toString());
            assertTrue(updates.get(0) <= 8 && updates.get(2) <= 4, lines.toString());
        }
    }

    private static int call(RequestHandler h, String key, String body) throws Exception {
        io.gproxy.http.HttpResponse r = h.handle(io.gproxy.http.HttpRequest.of("POST", "/v1/chat/completions",
                Headers.of("authorization", "Bearer " + key, "content-type", "application/json"),
                body.getBytes(StandardCharsets.UTF_8)));
        if (r.isStreaming()) {
            r.stream().writeTo(new BodySink() {
                @Override
                public void write(byte[] bytes, int offset, int length) {
                }

                @Override
                public void flush() {
                }
            });
        }
        r.complete();
        return r.status();
    }

    // ---- helpers --------------------------------------------------------------------------------------------------

    private static void quota(String total) throws Exception {
        gw.server().gateway().importer().importBundle(("{\"quotas\":[{\"id\":1,\"scope\":\"user\",\"scope_id\":2,"
                + "\"quota_total\":\"" + total + "\"}]}").getBytes(StandardCharsets.UTF_8));
        gw.server().gateway().configCache().reload();
    }

    private static Map<String, Long> counters(String pk, String sk) {
        Map<String, Long> m = new HashMap<>(gw.server().gateway().counters().read(pk, sk));
        m.putIfAbsent("committed", 0L);
        m.putIfAbsent("spent", 0L);
        return m;
    }

    private static long delta(Map<String, Long> before, Map<String, Long> after, String field) {
        return after.getOrDefault(field, 0L) - before.getOrDefault(field, 0L);
    }

    private static String today() {
        return LocalDate.now(ZoneOffset.UTC).toString();
    }

    private static List<Map<String, AttributeValue>> usageRecords(Set<String> requestIds) {
        List<Map<String, AttributeValue>> out = new ArrayList<>();
        Map<String, AttributeValue> start = null;
        do {
            Map<String, AttributeValue> from = start;
            QueryResponse page = ddb.query(q -> {
                q.tableName(TABLE).consistentRead(true).keyConditionExpression("pk = :pk")
                        .expressionAttributeValues(Map.of(":pk", AttributeValue.fromS("USE#" + today())));
                if (from != null) {
                    q.exclusiveStartKey(from);
                }
            });
            page.items().stream().filter(i -> requestIds.contains(i.get("request_id").s())).forEach(out::add);
            start = page.hasLastEvaluatedKey() && !page.lastEvaluatedKey().isEmpty() ? page.lastEvaluatedKey() : null;
        } while (start != null);
        return out;
    }

    private static Map<String, AttributeValue> awaitRecord(String requestId) throws InterruptedException {
        List<Map<String, AttributeValue>> found = List.of();
        for (int i = 0; i < 200 && found.isEmpty(); i++) {
            found = usageRecords(Set.of(requestId));
            if (found.isEmpty()) {
                Thread.sleep(25);
            }
        }
        assertEquals(1, found.size(), "usage record of " + requestId);
        assertNotNull(found.get(0));
        return found.get(0);
    }

    private static void awaitTrue(BooleanSupplier condition, String what) throws InterruptedException {
        for (int i = 0; i < 400; i++) {
            if (condition.getAsBoolean()) {
                return;
            }
            Thread.sleep(25);
        }
        assertTrue(condition.getAsBoolean(), what);
    }

    private static HttpRequest request(String path, String key, String body) {
        return HttpRequest.newBuilder(URI.create(gw.baseUrl() + path)).header("authorization", "Bearer " + key)
                .header("x-api-key", key).header("content-type", "application/json")
                .POST(HttpRequest.BodyPublishers.ofString(body)).build();
    }

    private static HttpResponse<String> post(String path, String key, String body) throws Exception {
        return HTTP.send(request(path, key, body), HttpResponse.BodyHandlers.ofString());
    }

    private static DynamoDbClient client(DynamoCallCounter counter) {
        var b = DynamoDbClient.builder().endpointOverride(URI.create(gw.server().dynamoEndpoint()))
                .region(Region.US_EAST_1)
                .credentialsProvider(StaticCredentialsProvider.create(AwsBasicCredentials.create("local", "local")))
                .httpClient(UrlConnectionHttpClient.create());
        if (counter != null) {
            b.overrideConfiguration(o -> o.addExecutionInterceptor(counter));
        }
        return b.build();
    }
}
