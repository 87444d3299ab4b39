package io.gproxy.tests.pipeline;

import com.fasterxml.jackson.databind.node.ArrayNode;
import com.fasterxml.jackson.databind.node.ObjectNode;
import io.gproxy.app.Gateway;
import io.gproxy.app.RuntimeConfig;
import io.gproxy.http.Headers;
import io.gproxy.http.HttpRequest;
import io.gproxy.http.HttpResponse;
import io.gproxy.tests.e2e.GatewayFixture;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import software.amazon.awssdk.auth.credentials.AwsBasicCredentials;
import software.amazon.awssdk.auth.credentials.StaticCredentialsProvider;
import software.amazon.awssdk.core.interceptor.Context;
import software.amazon.awssdk.core.interceptor.ExecutionAttributes;
import software.amazon.awssdk.core.interceptor.ExecutionInterceptor;
import software.amazon.awssdk.core.interceptor.SdkExecutionAttribute;
import software.amazon.awssdk.http.urlconnection.UrlConnectionHttpClient;
import software.amazon.awssdk.regions.Region;
import software.amazon.awssdk.services.dynamodb.DynamoDbClient;

import java.io.OutputStream;
import java.io.PrintStream;
import java.net.URI;
import java.nio.charset.StandardCharsets;
import java.util.HashMap;
import java.util.Map;
import java.util.TreeMap;

import static org.junit.jupiter.api.Assertions.assertEquals;

/**
 * What issue 5 costs in DynamoDB calls, measured on DynamoDB Local: with capture on, one PutItem per request
 * and still no read; the shared health costs one Query per config poll, none per request.
 */
class DynamoCostTest {
    static GatewayFixture gw;

    /** Counts DynamoDB operations by name. */
    static final class Counter implements ExecutionInterceptor {
        final Map<String, Integer> calls = new TreeMap<>();

        @Override
        public synchronized void afterExecution(Context.AfterExecution context, ExecutionAttributes attributes) {
            calls.merge(attributes.getAttribute(SdkExecutionAttribute.OPERATION_NAME), 1, Integer::sum);
        }

        synchronized Map<String, Integer> snapshot() {
            return new TreeMap<>(calls);
        }

        synchronized void reset() {
            calls.clear();
        }
    }

    @BeforeAll
    static void start() throws Exception {
        gw = new GatewayFixture().start(root -> {
            ObjectNode settings = (ObjectNode) ((ArrayNode) root.get("instance_settings")).get(0);
            settings.put("enable_upstream_log", true).put("enable_downstream_log", true);
        });
    }

    @AfterAll
    static void stop() throws Exception {
        gw.close();
    }

    static Gateway counted(Counter counter, long refreshMillis) {
        DynamoDbClient ddb = DynamoDbClient.builder().endpointOverride(URI.create(gw.server().dynamoEndpoint()))
                .region(Region.US_EAST_1)
                .credentialsProvider(StaticCredentialsProvider.create(AwsBasicCredentials.create("local", "local")))
                .httpClient(UrlConnectionHttpClient.create())
                .overrideConfiguration(o -> o.addExecutionInterceptor(counter)).build();
        Map<String, String> env = new HashMap<>();
        env.put("GPROXY_MASTER_KEY", GatewayFixture.MASTER_KEY);
        env.put("GPROXY_DYNAMODB_ENDPOINT", gw.server().dynamoEndpoint());
        env.put("GPROXY_CONFIG_REFRESH_MS", Long.toString(refreshMillis));
        return Gateway.builder().config(RuntimeConfig.fromEnv(env)).dynamoDb(ddb)
                .log(new PrintStream(OutputStream.nullOutputStream())).build();
    }

    /** The admin key: no quota, no rate limit, so only capture and settlement write. */
    static void call(Gateway g) {
        HttpResponse r = g.handlerForAllGroups().handle(HttpRequest.of("POST", "/v1/chat/completions",
                Headers.of("authorization", "Bearer sk-example-admin-key-0000000000000000000000",
                        "content-type", "application/json"),
                PipelineBundle.chat("openai/gpt-4o-mini", false).getBytes(StandardCharsets.UTF_8)));
        assertEquals(200, r.status());
        r.complete();
    }

    @Test
    void captureAddsOnePutItemPerRequestAndNoReads() {
        Counter counter = new Counter();
        Gateway g = counted(counter, 600_000);
        call(g); // warm-up: loads the config and the shared health (one Query each)
        Map<String, Integer> warm = counter.snapshot();
        assertEquals(2, warm.get("Query"), "config + HEALTH at the first load: " + warm);
        counter.reset();
        int n = 10;
        for (int i = 0; i < n; i++) {
            call(g);
        }
        Map<String, Integer> calls = counter.snapshot();
        System.out.println("[pipeline] DynamoDB calls for " + n + " requests, capture on, no quota: " + calls);
        // per request: the marker-only reservation, the usage record (the settlement) and the capture
        assertEquals(3 * n, calls.get("PutItem"), "one capture write per request on top of billing's two: " + calls);
        assertEquals(null, calls.get("TransactWriteItems"), "no transaction for a user without limits: " + calls);
        assertEquals(null, calls.get("Query"), "no reads per request: " + calls);
        assertEquals(null, calls.get("GetItem"), "no reads per request: " + calls);
    }

    @Test
    void sharedHealthRidesOnTheConfigPoll() throws Exception {
        Counter counter = new Counter();
        Gateway g = counted(counter, 1_000);
        call(g);
        counter.reset();
        for (int i = 0; i < 5; i++) {
            call(g);
        }
        Map<String, Integer> within = counter.snapshot();
        assertEquals(within.get("GetItem"), within.get("Query"), "a HEALTH Query only with a VERSION poll: " + within);
        Thread.sleep(1_100);
        counter.reset();
        call(g);
        Map<String, Integer> calls = counter.snapshot();
        System.out.println("[pipeline] DynamoDB reads of a request that runs the config poll: " + calls);
        assertEquals(1, calls.get("GetItem"), "the VERSION read: " + calls);
        assertEquals(1, calls.get("Query"), "one HEALTH Query with it: " + calls);
    }
}
