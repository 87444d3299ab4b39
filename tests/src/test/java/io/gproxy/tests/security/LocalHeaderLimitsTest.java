package io.gproxy.tests.security;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import com.fasterxml.jackson.databind.node.ObjectNode;
import io.gproxy.tests.e2e.RawHttp;
import io.gproxy.tests.mock.MockAnthropic;
import io.gproxy.tests.mock.MockGemini;
import io.gproxy.tests.mock.MockOpenAi;
import io.gproxy.tests.mock.MockUpstream;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import software.amazon.awssdk.auth.credentials.AwsBasicCredentials;
import software.amazon.awssdk.auth.credentials.StaticCredentialsProvider;
import software.amazon.awssdk.http.urlconnection.UrlConnectionHttpClient;
import software.amazon.awssdk.regions.Region;
import software.amazon.awssdk.services.dynamodb.DynamoDbClient;

import java.net.URI;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.Base64;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.TreeMap;
import java.util.TreeSet;
import java.util.regex.Matcher;
import java.util.regex.Pattern;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

/**
 * {@code gproxy local} in a JVM of its own, as an operator runs it: a request past the gateway's header limits (200
 * names, 64 KiB) gets the gateway's 431 envelope with a request id, not a connection the JDK server closes, because
 * {@code LocalMain} raises the JDK server's limits before anything starts one. Nothing is written and no upstream is
 * called. (The test JVM gets the same settings from {@code LocalServerJvm}; this test does not depend on it.)
 */
class LocalHeaderLimitsTest {
    private static final ObjectMapper JSON = new ObjectMapper();
    private static final String ALICE_KEY = "sk-example-alice-key-0000000000000000000000";
    private static final String CHAT = "{\"model\":\"openai/gpt-4o-mini\",\"messages\":[{\"role\":\"user\",\"content\":\"hi\"}]}";

    private static final MockOpenAi openAi = new MockOpenAi();
    private static final MockAnthropic anthropic = new MockAnthropic();
    private static final MockGemini gemini = new MockGemini();
    private static LocalProcess gateway;

    @BeforeAll
    static void start() throws Exception {
        Path dataDir = Files.createTempDirectory("gproxy-headers");
        ObjectNode root = (ObjectNode) JSON.readTree(LocalHeaderLimitsTest.class.getResourceAsStream("/bundles/example-bundle.json"));
        Map<String, String> base = Map.of("openai", openAi.baseUrl(), "anthropic", anthropic.baseUrl(), "gemini", gemini.baseUrl());
        for (JsonNode p : root.get("providers")) {
            ((ObjectNode) p).putObject("settings_json").put("base_url", base.get(p.get("name").asText()));
        }
        Path bundle = dataDir.resolve("bundle.json");
        Files.writeString(bundle, JSON.writeValueAsString(root));
        byte[] master = new byte[32];
        new java.security.SecureRandom().nextBytes(master);
        gateway = LocalProcess.start(dataDir, bundle, Map.of("GPROXY_MASTER_KEY", Base64.getEncoder().encodeToString(master)));
    }

    @AfterAll
    static void stop() throws Exception {
        if (gateway != null) {
            gateway.close();
        }
        List.<MockUpstream>of(openAi, anthropic, gemini).forEach(MockUpstream::close);
    }

    @Test
    void headersPastTheGatewaysLimitsGetIts431() throws Exception {
        Map<String, List<String>> cases = new LinkedHashMap<>();
        List<String> many = new ArrayList<>();
        for (int i = 0; i < 500; i++) {
            many.add("x-filler-" + i + ": v");
        }
        cases.put("500 small header fields", many);
        cases.put("one 512 KiB header", List.of("x-big: " + "b".repeat(512 * 1024)));
        Set<String> tableBefore = table();
        for (Map.Entry<String, List<String>> c : cases.entrySet()) {
            List<String> lines = new ArrayList<>(c.getValue());
            lines.add(0, "Authorization: Bearer " + ALICE_KEY);
            RawHttp.Response r = RawHttp.post(gateway.baseUrl(), "/v1/chat/completions", lines, CHAT);
            assertEquals(431, r.status(), c.getKey() + " -> " + r.body());
            JsonNode envelope = JSON.readTree(r.body());
            assertEquals("gproxy_error", envelope.path("error").path("type").asText(), c.getKey());
            assertEquals("request headers too large", envelope.path("error").path("message").asText(), c.getKey());
            assertTrue(r.header("x-gproxy-request-id").isPresent(), c.getKey());
        }
        assertEquals(0, openAi.requests().size() + anthropic.requests().size() + gemini.requests().size(),
                "an upstream was called");
        assertEquals(tableBefore, table(), "refused headers wrote to the table");
    }

    /** Every item of the child's table (its DynamoDB Local prints its port), rendered. */
    private static Set<String> table() throws Exception {
        Matcher port = Pattern.compile("Port:\\s+(\\d+)").matcher(gateway.output());
        assertTrue(port.find(), "DynamoDB Local's port in the output");
        try (DynamoDbClient ddb = DynamoDbClient.builder().endpointOverride(URI.create("http://127.0.0.1:" + port.group(1)))
                .region(Region.US_EAST_1).httpClient(UrlConnectionHttpClient.create())
                .credentialsProvider(StaticCredentialsProvider.create(AwsBasicCredentials.create("local", "local"))).build()) {
            Set<String> items = new TreeSet<>();
            ddb.scanPaginator(s -> s.tableName("gproxy").consistentRead(true)).items()
                    .forEach(i -> items.add(new TreeMap<>(i).toString()));
            return items;
        }
    }
}
