package io.gproxy.tests.security;

import io.gproxy.app.Gateway;
import io.gproxy.app.RuntimeConfig;
import io.gproxy.local.LocalHttpServer;
import io.gproxy.tests.e2e.GatewayFixture;
import io.gproxy.tests.fault.DynamoFaultProxy;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.ValueSource;
import software.amazon.awssdk.services.dynamodb.DynamoDbClient;

import java.io.OutputStream;
import java.io.PrintStream;
import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.util.Base64;
import java.util.Map;
import java.util.Random;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

/**
 * Unknown keys cannot cost unbounded DynamoDB reads (issue 10): a burst of random keys against a gateway whose every
 * DynamoDB call is counted on the wire by {@link DynamoFaultProxy}. Keys are looked up by digest in the in-memory
 * snapshot, so the burst makes no store call at all; the only reads are the config version checks, at most one per
 * refresh interval however many requests arrive.
 */
class UnknownKeyCostTest {
    private static final String CHAT = "{\"model\":\"openai/gpt-4o-mini\",\"messages\":[{\"role\":\"user\",\"content\":\"hi\"}]}";

    @ParameterizedTest(name = "config refresh every {0} ms")
    @ValueSource(longs = {600_000, 5_000})
    void aBurstOfUnknownKeysMakesNoStoreReads(long refreshMillis) throws Exception {
        try (GatewayFixture fixture = new GatewayFixture().start();
             DynamoFaultProxy dynamo = new DynamoFaultProxy(fixture.server().dynamoEndpoint());
             HttpClient http = HttpClient.newHttpClient()) {
            RuntimeConfig config = RuntimeConfig.fromEnv(Map.of("GPROXY_MASTER_KEY", GatewayFixture.MASTER_KEY,
                    "GPROXY_DYNAMODB_ENDPOINT", dynamo.endpoint(), "GPROXY_CONFIG_REFRESH_MS", Long.toString(refreshMillis)));
            try (DynamoDbClient ddb = Gateway.dynamoFromConfig(config)) {
                Gateway gateway = Gateway.builder().config(config).dynamoDb(ddb)
                        .log(new PrintStream(OutputStream.nullOutputStream())).build();
                gateway.configCache().reload();
                LocalHttpServer server = LocalHttpServer.start(gateway.handlerForAllGroups(), "127.0.0.1", 0);
                try {
                    dynamo.resetCounts();
                    Random random = new Random(refreshMillis);
                    long t0 = System.nanoTime();
                    int n = 300;
                    for (int i = 0; i < n; i++) {
                        byte[] k = new byte[32];
                        random.nextBytes(k);
                        String key = "sk-" + Base64.getUrlEncoder().withoutPadding().encodeToString(k);
                        HttpResponse<String> r = http.send(HttpRequest.newBuilder(URI.create(server.baseUrl() + "/v1/chat/completions"))
                                .header("authorization", "Bearer " + key).POST(HttpRequest.BodyPublishers.ofString(CHAT)).build(),
                                HttpResponse.BodyHandlers.ofString());
                        assertEquals(401, r.statusCode(), r.body());
                    }
                    long elapsedMs = (System.nanoTime() - t0) / 1_000_000;
                    long versionChecks = elapsedMs / refreshMillis + 1;
                    System.out.printf("[security] %d unknown keys in %d ms: DynamoDB calls %s (refresh %d ms)%n", n, elapsedMs,
                            dynamo.calls(), refreshMillis);
                    assertTrue(dynamo.reads() <= versionChecks && dynamo.total() == dynamo.reads(),
                            "store calls " + dynamo.calls() + " for " + n + " unknown keys, at most " + versionChecks
                                    + " version checks allowed");
                    if (refreshMillis > elapsedMs) {
                        assertEquals(0, dynamo.total(), "no store call at all: " + dynamo.calls());
                    }
                    assertEquals(0, fixture.upstreamRequestCount());
                } finally {
                    server.close();
                }
            }
        }
    }
}
