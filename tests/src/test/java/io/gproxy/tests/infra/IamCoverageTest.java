package io.gproxy.tests.infra;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import com.fasterxml.jackson.databind.node.ObjectNode;
import com.fasterxml.jackson.dataformat.yaml.YAMLFactory;
import io.gproxy.app.Gateway;
import io.gproxy.app.RuntimeConfig;
import io.gproxy.crypto.MasterKeyCipher;
import io.gproxy.http.FunctionGroup;
import io.gproxy.local.LocalHttpServer;
import io.gproxy.tests.e2e.GatewayFixture;
import io.gproxy.tests.mock.ClaudeCodeStub;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import software.amazon.awssdk.auth.credentials.AwsBasicCredentials;
import software.amazon.awssdk.auth.credentials.StaticCredentialsProvider;
import software.amazon.awssdk.http.urlconnection.UrlConnectionHttpClient;
import software.amazon.awssdk.regions.Region;
import software.amazon.awssdk.services.dynamodb.DynamoDbClient;

import java.io.OutputStream;
import java.io.PrintStream;
import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.EnumSet;
import java.util.LinkedHashMap;
import java.util.Map;
import java.util.Set;
import java.util.TreeSet;

import static io.gproxy.tests.e2e.GatewayFixture.ALICE_KEY;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

/**
 * The deployment's IAM roles grant what the code actually calls. Each role's function groups run on a gateway of
 * their own (as a Lambda function would) against the shared DynamoDB Local, with every DynamoDB call and cipher
 * operation recorded as the IAM action it needs in AWS; the representative traffic covers settlement with a
 * reservation, streams, an OAuth refresh (lease, re-seal), the models group's scoped lookups, and the admin API's
 * writes, reveals, deletes, index queries, health reset, logs, export and login flows. Every recorded
 * action must be granted by the role in template.yaml (whose CDK twin is held equal by the infra-cdk tests).
 */
class IamCoverageTest {
    private static final ObjectMapper JSON = new ObjectMapper();
    /** The example bundle's admin key. */
    private static final String ADMIN_KEY = "sk-example-admin-key-0000000000000000000000";
    private static GatewayFixture gw;
    private static ClaudeCodeStub claudeCode;
    private static final Map<String, Set<String>> observed = new LinkedHashMap<>();

    @BeforeAll
    static void start() throws Exception {
        claudeCode = new ClaudeCodeStub();
        String base = claudeCode.baseUrl();
        gw = new GatewayFixture().editBundle(bundle -> {
            bundle.withArray("providers").add(JSON.createObjectNode().put("id", 20).put("name", "cc")
                    .put("channel", "claudecode").set("settings_json", JSON.createObjectNode().put("base_url", base)
                            .put("oauth_token_url", base + "/oauth/token")));
            ObjectNode secret = JSON.createObjectNode().put("access_token", "old-token").put("refresh_token", "rt-1")
                    .put("expires_at_ms", 1000);
            bundle.withArray("credentials").add(JSON.createObjectNode().put("id", 20).put("provider_id", 20)
                    .put("name", "cc-oauth").put("kind", "oauth").set("secret_json", secret));
        }).start();
    }

    @AfterAll
    static void stop() throws Exception {
        gw.close();
        claudeCode.close();
        System.out.println("IAM actions observed per role: " + observed);
    }

    @Test
    void requestFunctionsNeedNoMoreThanGatewayRoleGrants() throws Exception {
        Set<String> actions = run(EnumSet.of(FunctionGroup.GENERATE_CONTENT, FunctionGroup.COUNT_TOKENS,
                FunctionGroup.EMBEDDINGS, FunctionGroup.IMAGES, FunctionGroup.COMPACT, FunctionGroup.CONVERSATION), base -> {
            String chat = "{\"model\":\"fast\",\"messages\":[{\"role\":\"user\",\"content\":\"hi\"}]}";
            assertEquals(200, post(base, "/v1/chat/completions", chat).statusCode());
            assertEquals(200, post(base, "/v1/chat/completions", chat.replace("{\"model\"", "{\"stream\":true,\"model\"")).statusCode());
            HttpResponse<String> refreshed = post(base, "/v1/messages", "{\"model\":\"cc/claude-sonnet-4-5\",\"max_tokens\":16,"
                    + "\"messages\":[{\"role\":\"user\",\"content\":\"hi\"}]}");
            assertEquals(200, refreshed.statusCode(), refreshed.body());
            assertEquals(200, post(base, "/v1/messages/count_tokens", "{\"model\":\"anthropic/claude-sonnet-4-5\","
                    + "\"messages\":[{\"role\":\"user\",\"content\":\"hi\"}]}").statusCode());
            assertEquals(200, post(base, "/v1/embeddings", "{\"model\":\"openai/text-embedding-3-small\",\"input\":\"hi\"}").statusCode());
        });
        assertTrue(actions.contains("dynamodb:DeleteItem") && actions.contains("kms:GenerateDataKey"),
                "the traffic exercised a settlement and a refresh: " + actions);
        assertGranted("GatewayRole", actions);
    }

    @Test
    void modelsFunctionNeedsNoMoreThanModelsRoleGrants() throws Exception {
        Set<String> actions = run(EnumSet.of(FunctionGroup.MODELS), base -> {
            assertEquals(200, get(base, "/v1/models").statusCode());
            get(base, "/openai/v1/models");
            get(base, "/openai/v1/models/gpt-4o-mini");
            get(base, "/v1/models/fast");
        });
        assertGranted("ModelsRole", actions);
    }

    @Test
    void adminFunctionNeedsNoMoreThanAdminRoleGrants() throws Exception {
        Set<String> actions = run(EnumSet.of(FunctionGroup.ADMIN), base -> {
            assertEquals(200, admin(base, "GET", "/healthz", null).statusCode());
            HttpResponse<String> login = post(base, "/admin/login", "{\"username\":\"admin\",\"password\":\"wrong\"}");
            assertEquals(401, login.statusCode(), "a failed login writes the throttle and the audit");
            HttpResponse<String> provider = admin(base, "POST", "/admin/providers",
                    "{\"name\":\"iam-p\",\"channel\":\"openai\"}");
            assertEquals(201, provider.statusCode(), provider.body());
            long pid = JSON.readTree(provider.body()).path("id").asLong();
            HttpResponse<String> cred = admin(base, "POST", "/admin/providers/" + pid + "/credentials",
                    "{\"name\":\"c\",\"secret_json\":{\"api_key\":\"sk-iam\"}}");
            assertEquals(201, cred.statusCode(), cred.body());
            long cid = JSON.readTree(cred.body()).path("id").asLong();
            assertEquals(200, admin(base, "GET", "/admin/credentials/" + cid + "/secret", null).statusCode());
            assertEquals(204, admin(base, "DELETE", "/admin/credentials/" + cid + "/status", null).statusCode());
            assertEquals(204, admin(base, "DELETE", "/admin/credentials/" + cid, null).statusCode());
            assertEquals(204, admin(base, "DELETE", "/admin/providers/" + pid, null).statusCode());
            assertEquals(200, admin(base, "GET", "/admin/usage?user_id=2", null).statusCode());
            assertEquals(200, admin(base, "GET", "/admin/usage", null).statusCode());
            assertEquals(200, admin(base, "GET", "/admin/usage-rollups?granularity=hour", null).statusCode());
            assertEquals(200, admin(base, "GET", "/admin/audit", null).statusCode());
            assertEquals(200, admin(base, "GET", "/admin/logs", null).statusCode());
            assertEquals(200, admin(base, "GET", "/admin/credential-statuses", null).statusCode());
            assertEquals(404, admin(base, "GET", "/admin/logs/req-none", null).statusCode());
            assertEquals(200, admin(base, "GET", "/admin/export?secrets=true", null).statusCode());
            HttpResponse<String> flow = admin(base, "POST", "/admin/login-flows/start", "{\"channel\":\"claudecode\"}");
            assertEquals(200, flow.statusCode(), flow.body());
        });
        assertGranted("AdminRole", actions);
    }

    interface Traffic {
        void send(String base) throws Exception;
    }

    /** A gateway serving {@code groups} only, recording the IAM actions its calls need while {@code traffic} runs. */
    private static Set<String> run(Set<FunctionGroup> groups, Traffic traffic) throws Exception {
        RecordingIam iam = new RecordingIam();
        RuntimeConfig config = RuntimeConfig.fromEnv(Map.of("GPROXY_DYNAMODB_ENDPOINT", gw.server().dynamoEndpoint(),
                "GPROXY_MASTER_KEY", GatewayFixture.MASTER_KEY));
        DynamoDbClient ddb = DynamoDbClient.builder().endpointOverride(URI.create(gw.server().dynamoEndpoint()))
                .region(Region.US_EAST_1)
                .credentialsProvider(StaticCredentialsProvider.create(AwsBasicCredentials.create("local", "local")))
                .httpClient(UrlConnectionHttpClient.create())
                .overrideConfiguration(o -> o.addExecutionInterceptor(iam)).build();
        Gateway gateway = Gateway.builder().config(config).dynamoDb(ddb)
                .cipher(iam.cipher(MasterKeyCipher.fromBase64(GatewayFixture.MASTER_KEY)))
                .log(new PrintStream(OutputStream.nullOutputStream())).build();
        try (LocalHttpServer http = LocalHttpServer.start(gateway.handler(groups), "127.0.0.1", 0)) {
            traffic.send(http.baseUrl());
        } finally {
            ddb.close();
        }
        Set<String> actions = iam.actions();
        observed.put(groups.toString(), actions);
        return actions;
    }

    private static void assertGranted(String role, Set<String> needed) throws Exception {
        Set<String> granted = grants(role);
        Set<String> missing = new TreeSet<>(needed);
        missing.removeAll(granted);
        assertTrue(missing.isEmpty(), role + " lacks " + missing + " (needs " + needed + ", grants " + granted + ")");
    }

    /** The role's actions in template.yaml; index-scoped statements prefixed like {@link RecordingIam#INDEX}. */
    static Set<String> grants(String role) throws Exception {
        JsonNode template = new ObjectMapper(new YAMLFactory()).readTree(Files.readString(repoRoot().resolve("template.yaml")));
        JsonNode policies = template.path("Resources").path(role).path("Properties").path("Policies");
        assertTrue(policies.isArray() && !policies.isEmpty(), "no policies for " + role);
        Set<String> out = new TreeSet<>();
        for (JsonNode policy : policies) {
            for (JsonNode statement : policy.path("PolicyDocument").path("Statement")) {
                boolean index = statement.path("Resource").toString().contains("/index/");
                for (JsonNode a : statement.path("Action")) {
                    out.add((index ? RecordingIam.INDEX : "") + a.asText());
                }
            }
        }
        return out;
    }

    private static Path repoRoot() {
        Path p = Path.of("").toAbsolutePath();
        while (p != null && !Files.exists(p.resolve("template.yaml"))) {
            p = p.getParent();
        }
        return p;
    }

    private static HttpResponse<String> post(String base, String path, String body) throws Exception {
        return HttpClient.newHttpClient().send(HttpRequest.newBuilder(URI.create(base + path))
                .header("Authorization", "Bearer " + ALICE_KEY).header("Content-Type", "application/json")
                .POST(HttpRequest.BodyPublishers.ofString(body)).build(), HttpResponse.BodyHandlers.ofString());
    }

    private static HttpResponse<String> admin(String base, String method, String path, String body) throws Exception {
        return HttpClient.newHttpClient().send(HttpRequest.newBuilder(URI.create(base + path))
                .header("Authorization", "Bearer " + ADMIN_KEY).header("Content-Type", "application/json")
                .method(method, body == null ? HttpRequest.BodyPublishers.noBody() : HttpRequest.BodyPublishers.ofString(body))
                .build(), HttpResponse.BodyHandlers.ofString());
    }

    private static HttpResponse<String> get(String base, String path) throws Exception {
        return HttpClient.newHttpClient().send(HttpRequest.newBuilder(URI.create(base + path))
                .header("Authorization", "Bearer " + ALICE_KEY).GET().build(), HttpResponse.BodyHandlers.ofString());
    }
}
