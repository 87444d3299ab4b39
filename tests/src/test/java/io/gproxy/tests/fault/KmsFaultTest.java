package io.gproxy.tests.fault;

import io.gproxy.app.Gateway;
import io.gproxy.app.RuntimeConfig;
import io.gproxy.crypto.KmsEnvelopeCipher;
import io.gproxy.local.LocalHttpServer;
import io.gproxy.store.dynamodb.DynamoTable;
import io.gproxy.tests.e2e.GatewayFixture;
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
import software.amazon.awssdk.services.kms.KmsClient;

import java.io.ByteArrayOutputStream;
import java.io.OutputStream;
import java.io.PrintStream;
import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.nio.charset.StandardCharsets;
import java.time.Clock;
import java.time.Duration;
import java.util.Map;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertTrue;

/**
 * KMS errors while opening upstream secrets (issue 10), with the real {@code KmsClient} and {@link KmsEnvelopeCipher}
 * against {@link KmsFake} and the real table on DynamoDB Local: a credential whose secret does not open is skipped
 * with a log line that says why (and shows no secret), the next credential serves; when KMS is down for every
 * credential the client gets a 503 in the gateway envelope, the reservation is released and nothing is recorded.
 */
class KmsFaultTest {
    private static final String TABLE = "gproxy-kms";
    private static final String CHAT = "{\"model\":\"openai/gpt-4o-mini\",\"max_tokens\":50,"
            + "\"messages\":[{\"role\":\"user\",\"content\":\"hi\"}]}";

    private static GatewayFixture fixture;
    private static KmsFake kms;
    private static KmsClient kmsClient;
    private static DynamoDbClient ddb;
    private static Books books;
    private static LocalHttpServer http;
    private static final ByteArrayOutputStream stderr = new ByteArrayOutputStream();
    private static PrintStream originalErr;
    private static final HttpClient client = HttpClient.newHttpClient();

    @BeforeAll
    static void start() throws Exception {
        fixture = new GatewayFixture().start();
        kms = new KmsFake();
        kmsClient = KmsClient.builder().endpointOverride(kms.endpoint()).region(Region.US_EAST_1)
                .credentialsProvider(StaticCredentialsProvider.create(AwsBasicCredentials.create("test", "test")))
                .httpClient(UrlConnectionHttpClient.create()).build();
        RuntimeConfig config = RuntimeConfig.fromEnv(Map.of("GPROXY_DYNAMODB_ENDPOINT", fixture.server().dynamoEndpoint(),
                "GPROXY_TABLE", TABLE, "GPROXY_KMS_KEY_ID", KmsFake.KEY_ARN));
        ddb = Gateway.dynamoFromConfig(config);
        DynamoTable.ensure(ddb, TABLE);
        // no data-key cache: every request opens its secret through KMS, so a KMS fault meets the very next request
        Gateway gateway = Gateway.builder().config(config).dynamoDb(ddb)
                .cipher(new KmsEnvelopeCipher(kmsClient, KmsFake.KEY_ARN, Clock.systemUTC(), Duration.ZERO, 0))
                .log(new PrintStream(OutputStream.nullOutputStream())).build();
        gateway.importer().importBundle(bundle(fixture.openAi.baseUrl()).getBytes(StandardCharsets.UTF_8));
        gateway.configCache().reload();
        http = LocalHttpServer.start(gateway.handlerForAllGroups(), "127.0.0.1", 0);
        books = new Books(fixture.server().dynamoEndpoint(), TABLE);
        originalErr = System.err;
        System.setErr(new PrintStream(new TeeStream(originalErr, stderr), true, StandardCharsets.UTF_8));
    }

    @AfterAll
    static void stop() throws Exception {
        System.setErr(originalErr);
        http.close();
        books.close();
        ddb.close();
        kmsClient.close();
        kms.close();
        fixture.close();
    }

    @BeforeEach
    void clear() {
        kms.heal();
        fixture.clearMocks();
        stderr.reset();
    }

    @Test
    void aSecretThatDoesNotOpenIsSkippedAndTheNextCredentialServes() throws Exception {
        Map<String, Long> before = books.aliceTotal();
        kms.failDecrypt(1, "AccessDeniedException", 400);
        HttpResponse<String> r = send();
        assertEquals(200, r.statusCode(), r.body());
        assertEquals(1, fixture.openAi.requests().size(), "the skipped credential made no upstream call");
        assertEquals("Bearer " + GatewayFixture.OPENAI_UPSTREAM_KEY, fixture.openAi.lastRequest().header("authorization"));
        String log = stderr.toString(StandardCharsets.UTF_8);
        assertTrue(log.contains("credential skipped") && log.contains("AccessDeniedException"),
                "a log line that says which credential and why: " + log);
        assertNoSecret(log + r.body() + r.headers().map());
        Map<String, AttributeValue> rec = books.awaitRecord(r.headers().firstValue("x-gproxy-request-id").orElseThrow(), "kms");
        assertEquals(Long.parseLong(rec.get("cost_micros").n()), books.awaitSettled(before, "kms"));
    }

    @Test
    void kmsDownForEveryCredentialIsA503AndNothingIsBooked() throws Exception {
        Map<String, Long> before = books.aliceTotal();
        kms.failDecrypt(-1, "KMSInternalException", 500);
        HttpResponse<String> r = send();
        assertEquals(503, r.statusCode(), r.body());
        assertTrue(r.body().contains("\"gproxy_error\""), r.body());
        assertEquals(0, fixture.openAi.requests().size());
        String log = stderr.toString(StandardCharsets.UTF_8);
        assertTrue(log.contains("KMS is unavailable"), "the log says KMS is unavailable, not that a secret was tampered: " + log);
        assertNoSecret(log + r.body() + r.headers().map());
        assertEquals(0, books.awaitSettled(before, "kms down"));
        assertEquals(before.get("committed"), books.aliceTotal().get("committed"), "reservation released");
        assertTrue(books.usage(r.headers().firstValue("x-gproxy-request-id").orElseThrow()).isEmpty());
        kms.heal();
        Map<String, Long> healed = books.aliceTotal();
        assertEquals(200, send().statusCode(), "serves again once KMS is back");
        books.awaitSettled(healed, "after KMS is back"); // settled before the next test reads the books
    }

    private static void assertNoSecret(String text) {
        for (String s : new String[] {GatewayFixture.OPENAI_UPSTREAM_KEY, GatewayFixture.ALICE_KEY, "Exception\n\tat"}) {
            assertFalse(text.contains(s), "shows '" + s + "': " + text);
        }
    }

    private static HttpResponse<String> send() throws Exception {
        return client.send(HttpRequest.newBuilder(URI.create(http.baseUrl() + "/v1/chat/completions"))
                .header("authorization", "Bearer " + GatewayFixture.ALICE_KEY).header("content-type", "application/json")
                .POST(HttpRequest.BodyPublishers.ofString(CHAT)).build(), HttpResponse.BodyHandlers.ofString());
    }

    private static String bundle(String baseUrl) {
        return """
                {"orgs":[{"id":1,"name":"default","enabled":true}],
                 "users":[{"id":2,"name":"alice","org_id":1,"enabled":true}],
                 "user_keys":[{"id":2,"user_id":2,"api_key":"%s","enabled":true}],
                 "route_permissions":[{"id":1,"scope":"org","scope_id":1,"route_pattern":"*"}],
                 "quotas":[{"id":1,"scope":"user","scope_id":2,"quota_total":"100.00"}],
                 "providers":[{"id":1,"name":"openai","channel":"openai","settings_json":{"base_url":"%s"}}],
                 "credentials":[{"id":1,"provider_id":1,"name":"first","secret_json":{"api_key":"%s"}},
                                {"id":2,"provider_id":1,"name":"second","secret_json":{"api_key":"%s"}}],
                 "price_rules":[{"id":1,"match_type":"exact","model_match":"gpt-4o-mini","input_price":"0.15","output_price":"0.60"}]}
                """.formatted(GatewayFixture.ALICE_KEY, baseUrl, GatewayFixture.OPENAI_UPSTREAM_KEY,
                GatewayFixture.OPENAI_UPSTREAM_KEY);
    }

    /** Writes everything to both streams: the test reads what the gateway printed, the console still shows it. */
    static final class TeeStream extends OutputStream {
        private final OutputStream a;
        private final OutputStream b;

        TeeStream(OutputStream a, OutputStream b) {
            this.a = a;
            this.b = b;
        }

        @Override
        public synchronized void write(int c) throws java.io.IOException {
            a.write(c);
            b.write(c);
        }

        @Override
        public synchronized void write(byte[] buf, int off, int len) throws java.io.IOException {
            a.write(buf, off, len);
            b.write(buf, off, len);
        }

        @Override
        public void flush() throws java.io.IOException {
            a.flush();
            b.flush();
        }
    }
}
