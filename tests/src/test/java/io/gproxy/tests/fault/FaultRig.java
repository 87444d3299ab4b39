package io.gproxy.tests.fault;

import io.gproxy.app.Gateway;
import io.gproxy.app.RuntimeConfig;
import io.gproxy.local.LocalHttpServer;
import io.gproxy.tests.e2e.GatewayFixture;

import java.io.ByteArrayOutputStream;
import java.io.PrintStream;
import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.nio.charset.StandardCharsets;
import java.time.Duration;
import java.util.HashMap;
import java.util.Map;

/**
 * The gateway as local mode runs it, with something bad in every place a fault can come from: the example bundle
 * on DynamoDB Local (started by {@link GatewayFixture}), a second {@link Gateway} that reaches that DynamoDB only
 * through a {@link DynamoFaultProxy}, served over real HTTP by the local server's transport, and a provider
 * {@code faulty} (OpenAI channel) on a {@link ScriptedUpstream} with routing rules that send every client protocol
 * there: Chat as a passthrough, Responses, Claude and Gemini converted to Chat. Two more providers on the same
 * upstream have two credentials each, so a failed attempt can fail over: {@code faulty2} with the same rules, and
 * {@code faultyx}, which crosses stream and non-stream (a buffered client gets the upstream's stream folded into one
 * answer, a stream client a stream synthesised from the upstream's whole answer).
 */
final class FaultRig implements AutoCloseable {
    static final String PROVIDER = "faulty";
    static final long PROVIDER_ID = 20;
    /** Same routing as {@code faulty}, two credentials (ids 21 and 22). */
    static final String TWO_KEYS = "faulty2";
    /** Stream and non-stream crossed, two credentials (ids 23 and 24). */
    static final String CROSSED = "faultyx";
    static final String UPSTREAM_KEY = "sk-faulty-upstream-key-1111111111";
    /** The gateway's upstream timeout here: short, so a silent upstream costs a test one second. */
    static final long UPSTREAM_TIMEOUT_MS = 1500;

    final GatewayFixture fixture;
    final DynamoFaultProxy dynamo;
    final ScriptedUpstream upstream;
    final Books books;
    private final RuntimeConfig config;
    private final software.amazon.awssdk.services.dynamodb.DynamoDbClient ddb;
    private Gateway gateway;
    private LocalHttpServer http;
    private final ByteArrayOutputStream log = new ByteArrayOutputStream();
    private final HttpClient client = HttpClient.newBuilder().connectTimeout(Duration.ofSeconds(5)).build();

    FaultRig(Map<String, String> extraEnv) throws Exception {
        fixture = new GatewayFixture().start();
        upstream = new ScriptedUpstream();
        fixture.server().gateway().importer().importBundle(faultyProvider(upstream.baseUrl()).getBytes(StandardCharsets.UTF_8));
        dynamo = new DynamoFaultProxy(fixture.server().dynamoEndpoint());
        books = new Books(fixture.server().dynamoEndpoint(), RuntimeConfig.DEFAULT_TABLE);
        Map<String, String> env = new HashMap<>();
        env.put("GPROXY_MASTER_KEY", GatewayFixture.MASTER_KEY);
        env.put("GPROXY_DYNAMODB_ENDPOINT", dynamo.endpoint());
        env.put("GPROXY_UPSTREAM_TIMEOUT_MS", Long.toString(UPSTREAM_TIMEOUT_MS));
        env.put("GPROXY_STREAM_KEEPALIVE_MS", "0");
        env.put("GPROXY_MAX_BODY_BYTES", Long.toString(GatewayFixture.MAX_BODY_BYTES));
        env.putAll(extraEnv);
        config = RuntimeConfig.fromEnv(env);
        ddb = Gateway.dynamoFromConfig(config);
        fresh();
    }

    /**
     * A new gateway process on the same table: credential health, rotation and pins are per-container soft state,
     * so one case's 429 cooldown must not decide the next case.
     */
    void fresh() throws Exception {
        if (http != null) {
            http.close();
        }
        books.forgetHealth();
        gateway = Gateway.builder().config(config).dynamoDb(ddb)
                .log(new PrintStream(log, true, StandardCharsets.UTF_8)).build();
        gateway.configCache().reload();
        http = LocalHttpServer.start(gateway.handlerForAllGroups(), "127.0.0.1", 0);
    }

    Gateway gateway() {
        return gateway;
    }

    String baseUrl() {
        return http.baseUrl();
    }

    String requestLog() {
        return log.toString(StandardCharsets.UTF_8);
    }

    HttpResponse<String> send(String path, String body, String... headers) throws Exception {
        HttpRequest.Builder b = HttpRequest.newBuilder(URI.create(baseUrl() + path)).timeout(Duration.ofSeconds(30))
                .header("content-type", "application/json").POST(HttpRequest.BodyPublishers.ofString(body));
        for (int i = 0; i < headers.length; i += 2) {
            b.header(headers[i], headers[i + 1]);
        }
        return client.send(b.build(), HttpResponse.BodyHandlers.ofString());
    }

    /**
     * The providers on the scripted upstream: every client protocol's content calls converted to Chat there
     * ({@code faulty}: one credential; {@code faulty2}: two), or to Chat with stream and non-stream crossed
     * ({@code faultyx}: two credentials).
     */
    static String faultyProvider(String baseUrl) {
        String providers = provider(PROVIDER_ID, PROVIDER, baseUrl) + "," + provider(21, TWO_KEYS, baseUrl) + ","
                + provider(22, CROSSED, baseUrl);
        String credentials = credential(PROVIDER_ID, PROVIDER_ID, UPSTREAM_KEY) + "," + credential(21, 21, UPSTREAM_KEY)
                + "," + credential(22, 21, UPSTREAM_KEY) + "," + credential(23, 22, UPSTREAM_KEY) + ","
                + credential(24, 22, UPSTREAM_KEY);
        String models = model(PROVIDER_ID) + "," + model(21) + "," + model(22);
        String rules = rules(PROVIDER_ID, 2000, false) + "," + rules(21, 2100, false) + "," + rules(22, 2200, true);
        return """
                {"providers":[%s],
                 "credentials":[%s],
                 "provider_models":[%s],
                 "routing_rules":[%s]}
                """.formatted(providers, credentials, models, rules);
    }

    private static String provider(long id, String name, String baseUrl) {
        return "{\"id\":%d,\"name\":\"%s\",\"channel\":\"openai\",\"settings_json\":{\"base_url\":\"%s\"}}"
                .formatted(id, name, baseUrl);
    }

    private static String credential(long id, long providerId, String key) {
        return "{\"id\":%d,\"provider_id\":%d,\"name\":\"faulty-key-%d\",\"secret_json\":{\"api_key\":\"%s\"}}"
                .formatted(id, providerId, id, key);
    }

    private static String model(long providerId) {
        return "{\"id\":%d,\"provider_id\":%d,\"model_id\":\"%s\"}".formatted(providerId, providerId,
                ScriptedUpstream.MODEL);
    }

    /** Every client protocol's generate and stream calls to Chat; {@code crossed}: each to the other operation. */
    private static String rules(long providerId, long firstId, boolean crossed) {
        StringBuilder rules = new StringBuilder();
        long id = firstId;
        for (String kind : new String[] {"open_ai_chat_completions", "open_ai_responses", "claude_messages",
                "gemini_generate_content"}) {
            for (String op : new String[] {"generate_content", "stream_generate_content"}) {
                String dest = !crossed ? op : op.equals("generate_content") ? "stream_generate_content" : "generate_content";
                rules.append(rules.isEmpty() ? "" : ",").append("{\"id\":").append(id++).append(",\"provider_id\":")
                        .append(providerId).append(",\"operation\":\"").append(op).append("\",\"kind\":\"").append(kind)
                        .append("\",\"implementation\":\"transform_to\",\"dest_operation\":\"").append(dest)
                        .append("\",\"dest_kind\":\"open_ai_chat_completions\"}");
            }
        }
        return rules.toString();
    }

    @Override
    public void close() throws Exception {
        http.close();
        client.close();
        ddb.close();
        books.close();
        dynamo.close();
        upstream.close();
        fixture.close();
    }
}
