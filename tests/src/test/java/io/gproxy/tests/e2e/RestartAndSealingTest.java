package io.gproxy.tests.e2e;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import io.gproxy.app.Gateway;
import io.gproxy.app.RuntimeConfig;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import software.amazon.awssdk.services.dynamodb.DynamoDbClient;
import software.amazon.awssdk.services.dynamodb.model.AttributeValue;

import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.util.Map;

import static io.gproxy.tests.e2e.GatewayFixture.ALICE_KEY;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertNull;
import static org.junit.jupiter.api.Assertions.assertTrue;

/**
 * Config lives in DynamoDB Local on disk: after a restart on the same data directory (no import) the imported
 * config is still served, and the stored credential is sealed, never plaintext.
 */
class RestartAndSealingTest {
    private static final ObjectMapper JSON = new ObjectMapper();
    private static GatewayFixture gw;

    @BeforeAll
    static void start() throws Exception {
        gw = new GatewayFixture().start();
    }

    @AfterAll
    static void stop() throws Exception {
        gw.close();
    }

    @Test
    void importedConfigSurvivesARestartAndSecretsAreSealed() throws Exception {
        assertEquals(200, chat().statusCode());
        String firstConsole = gw.console();
        assertTrue(firstConsole.contains("first start: gateway API key"), firstConsole);

        gw.restart();
        HttpResponse<String> r = chat();
        assertEquals(200, r.statusCode(), r.body());
        assertTrue(r.body().contains("Hello from openai model gpt-4o-mini"));
        String restartConsole = gw.console().substring(firstConsole.length());
        assertFalse(restartConsole.contains("first start"), "no new admin password or key on restart");

        // Read the raw credential item the way an attacker with table access would.
        RuntimeConfig cfg = gw.server().gateway().config();
        try (DynamoDbClient ddb = Gateway.dynamoFromConfig(cfg)) {
            Map<String, AttributeValue> item = ddb.getItem(b -> b.tableName(cfg.tableName())
                    .key(Map.of("pk", AttributeValue.fromS("CFG"), "sk", AttributeValue.fromS("credential#1")))).item();
            String raw = item.toString();
            assertFalse(raw.contains(GatewayFixture.OPENAI_UPSTREAM_KEY), "plaintext secret in the table");
            JsonNode doc = JSON.readTree(item.get("doc").s());
            assertNull(doc.get("secret_json"));
            JsonNode envelope = JSON.readTree(doc.get("secret_sealed").asText());
            assertEquals(1, envelope.path("v").asInt());
            assertEquals("A256GCM", envelope.path("alg").asText());

            Map<String, AttributeValue> key = ddb.getItem(b -> b.tableName(cfg.tableName())
                    .key(Map.of("pk", AttributeValue.fromS("CFG"), "sk", AttributeValue.fromS("user_key#2")))).item();
            assertFalse(key.toString().contains(ALICE_KEY), "plaintext gateway key in the table");
        }
    }

    private static HttpResponse<String> chat() throws Exception {
        return HttpClient.newHttpClient().send(HttpRequest.newBuilder(URI.create(gw.baseUrl() + "/v1/chat/completions"))
                .header("authorization", "Bearer " + ALICE_KEY)
                .POST(HttpRequest.BodyPublishers.ofString("{\"model\":\"openai/gpt-4o-mini\",\"messages\":[{\"role\":\"user\",\"content\":\"hi\"}]}"))
                .build(), HttpResponse.BodyHandlers.ofString());
    }
}
