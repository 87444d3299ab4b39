package io.gproxy.tests.e2e;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import com.fasterxml.jackson.databind.node.ArrayNode;
import com.fasterxml.jackson.databind.node.ObjectNode;
import io.gproxy.local.LocalOptions;
import io.gproxy.local.LocalServer;
import io.gproxy.tests.mock.MockAnthropic;
import io.gproxy.tests.mock.MockGemini;
import io.gproxy.tests.mock.MockOpenAi;
import io.gproxy.tests.mock.MockUpstream;
import software.amazon.awssdk.auth.credentials.AwsBasicCredentials;
import software.amazon.awssdk.auth.credentials.StaticCredentialsProvider;
import software.amazon.awssdk.http.urlconnection.UrlConnectionHttpClient;
import software.amazon.awssdk.regions.Region;
import software.amazon.awssdk.services.dynamodb.DynamoDbClient;

import java.io.ByteArrayOutputStream;
import java.io.PrintStream;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.HashMap;
import java.util.List;
import java.util.Map;

/**
 * The local gateway in-process on a random port, on DynamoDB Local in a temp data directory, with the three mock
 * upstreams and the handbook's example bundle imported unchanged except for the providers' base URLs, which point
 * at the mocks. Everything a test sees goes over real HTTP.
 */
public final class GatewayFixture implements AutoCloseable {
    public static final String ALICE_KEY = "sk-example-alice-key-0000000000000000000000";
    public static final String OPENAI_UPSTREAM_KEY = "sk-upstream-openai";
    public static final String ANTHROPIC_UPSTREAM_KEY = "sk-ant-upstream";
    public static final String GEMINI_UPSTREAM_KEY = "AIza-upstream";
    /** A fixed master key so a restarted server opens what the first one sealed. */
    public static final String MASTER_KEY = "AAECAwQFBgcICQoLDA0ODxAREhMUFRYXGBkaGxwdHh8=";
    public static final long MAX_BODY_BYTES = 1024 * 1024;

    private static final ObjectMapper JSON = new ObjectMapper();

    public final MockOpenAi openAi = new MockOpenAi();
    public final MockAnthropic anthropic = new MockAnthropic();
    public final MockGemini gemini = new MockGemini();
    public final Path dataDir;
    private final ByteArrayOutputStream console = new ByteArrayOutputStream();
    private final Map<String, String> extraEnv;
    private LocalServer server;
    private java.util.function.Consumer<ObjectNode> bundleEdit = b -> { };

    public GatewayFixture() throws Exception {
        this(Map.of());
    }

    /** With extra {@code GPROXY_*} settings on top of the fixture's own. */
    public GatewayFixture(Map<String, String> extraEnv) throws Exception {
        this.extraEnv = Map.copyOf(extraEnv);
        openAi.expectApiKey(OPENAI_UPSTREAM_KEY);
        anthropic.expectApiKey(ANTHROPIC_UPSTREAM_KEY);
        gemini.expectApiKey(GEMINI_UPSTREAM_KEY);
        dataDir = Files.createTempDirectory("gproxy-e2e");
    }

    /** Changes the bundle (after it was pointed at the mocks) before {@link #start()} imports it. */
    public GatewayFixture editBundle(java.util.function.Consumer<ObjectNode> edit) {
        this.bundleEdit = this.bundleEdit.andThen(edit);
        return this;
    }

    /** Starts the gateway and imports the example bundle (pointed at the mocks). */
    public GatewayFixture start() throws Exception {
        Path bundle = dataDir.resolve("bundle.json");
        Files.writeString(bundle, bundlePointingAtMocks());
        server = LocalServer.start(new LocalOptions("127.0.0.1", 0, dataDir, false, bundle), env(),
                new PrintStream(console, true, StandardCharsets.UTF_8));
        return this;
    }

    /**
     * Starts the gateway with the example bundle (pointed at the mocks) changed by {@code edit} first: extra routes,
     * permissions, rule sets, instance settings.
     */
    public GatewayFixture start(java.util.function.Consumer<ObjectNode> edit) throws Exception {
        ObjectNode root = (ObjectNode) JSON.readTree(bundlePointingAtMocks());
        edit.accept(root);
        Path bundle = dataDir.resolve("bundle.json");
        Files.writeString(bundle, JSON.writeValueAsString(root));
        server = LocalServer.start(new LocalOptions("127.0.0.1", 0, dataDir, false, bundle), env(),
                new PrintStream(console, true, StandardCharsets.UTF_8));
        return this;
    }

    /**
     * Another gateway on the same DynamoDB Local, as a second Lambda container would be: its own snapshot, health and
     * counters, sharing only the table. Called in-process through its handler; the caller closes nothing.
     */
    public io.gproxy.app.Gateway secondInstance() {
        return secondInstance(java.time.Clock.systemUTC());
    }

    /** {@link #secondInstance()} on a clock the test moves (breaker cooldowns without sleeping). */
    public io.gproxy.app.Gateway secondInstance(java.time.Clock clock) {
        Map<String, String> env = env();
        env.put("GPROXY_DYNAMODB_ENDPOINT", server.dynamoEndpoint());
        return io.gproxy.app.Gateway.builder().config(io.gproxy.app.RuntimeConfig.fromEnv(env)).clock(clock)
                .log(new PrintStream(console, true, StandardCharsets.UTF_8)).build();
    }

    /** Stops the gateway and starts it again on the same data directory, without importing anything. */
    public GatewayFixture restart() throws Exception {
        server.close();
        server = LocalServer.start(new LocalOptions("127.0.0.1", 0, dataDir, false, null), env(),
                new PrintStream(console, true, StandardCharsets.UTF_8));
        return this;
    }

    public String baseUrl() {
        return server.baseUrl();
    }

    public LocalServer server() {
        return server;
    }

    /** What the server printed (first-start admin password and key, ready line). */
    public String console() {
        return console.toString(StandardCharsets.UTF_8);
    }

    public List<MockUpstream> mocks() {
        return List.of(openAi, anthropic, gemini);
    }

    public int upstreamRequestCount() {
        return mocks().stream().mapToInt(m -> m.requests().size()).sum();
    }

    public void clearMocks() {
        mocks().forEach(MockUpstream::clear);
    }

    /**
     * Every item of the gateway's table, rendered (strongly consistent scan), except audit rows: what bad input must
     * not change. Audit rows are left out because the admin API records refused writes too.
     */
    public java.util.Set<String> tableItems() {
        java.util.Set<String> items = new java.util.TreeSet<>();
        try (DynamoDbClient ddb = DynamoDbClient.builder().endpointOverride(java.net.URI.create(server.dynamoEndpoint()))
                .region(Region.US_EAST_1).httpClient(UrlConnectionHttpClient.create())
                .credentialsProvider(StaticCredentialsProvider.create(AwsBasicCredentials.create("local", "local"))).build()) {
            ddb.scanPaginator(s -> s.tableName(io.gproxy.app.RuntimeConfig.DEFAULT_TABLE).consistentRead(true))
                    .items().stream().filter(i -> !i.get("pk").s().startsWith("AUD#"))
                    .forEach(i -> items.add(new java.util.TreeMap<>(i).toString()));
        }
        return items;
    }

    private Map<String, String> env() {
        Map<String, String> env = new HashMap<>();
        env.put("GPROXY_MASTER_KEY", MASTER_KEY);
        env.put("GPROXY_MAX_BODY_BYTES", Long.toString(MAX_BODY_BYTES));
        env.putAll(extraEnv);
        return env;
    }

    private String bundlePointingAtMocks() throws Exception {
        JsonNode root = JSON.readTree(GatewayFixture.class.getResourceAsStream("/bundles/example-bundle.json"));
        Map<String, String> baseUrls = Map.of("openai", openAi.baseUrl(), "anthropic", anthropic.baseUrl(),
                "gemini", gemini.baseUrl());
        for (JsonNode p : (ArrayNode) root.get("providers")) {
            ((ObjectNode) p).putObject("settings_json").put("base_url", baseUrls.get(p.get("name").asText()));
        }
        bundleEdit.accept((ObjectNode) root);
        return JSON.writeValueAsString(root);
    }

    @Override
    public void close() throws Exception {
        if (server != null) {
            server.close();
        }
        mocks().forEach(MockUpstream::close);
    }
}
