package io.gproxy.tests.lambda;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import com.fasterxml.jackson.databind.node.ObjectNode;
import io.gproxy.functions.AdminFunction;
import io.gproxy.functions.CompactFunction;
import io.gproxy.functions.ConversationFunction;
import io.gproxy.functions.CountTokensFunction;
import io.gproxy.functions.EmbeddingsFunction;
import io.gproxy.functions.GenerateContentFunction;
import io.gproxy.functions.GroupFunction;
import io.gproxy.functions.ImagesFunction;
import io.gproxy.functions.LambdaGateway;
import io.gproxy.functions.ModelsFunction;
import io.gproxy.tests.e2e.GatewayFixture;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.Arguments;
import org.junit.jupiter.params.provider.MethodSource;

import java.io.ByteArrayInputStream;
import java.io.ByteArrayOutputStream;
import java.nio.charset.StandardCharsets;
import java.util.Base64;
import java.util.function.Supplier;
import java.util.stream.Stream;

import static io.gproxy.tests.e2e.GatewayFixture.ALICE_KEY;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertTrue;

/**
 * Every buffered Lambda handler, invoked in-process with Function URL events shaped like AWS's documented example
 * (tests/src/test/resources/function-url/request.json), on the gateway of the local fixture (DynamoDB Local, mock
 * upstreams): each serves its own group, refuses the others with the gateway's 404, and speaks the Function URL
 * result format (status, headers, cookies, text or base64 body).
 */
class BufferedFunctionsTest {
    private static final ObjectMapper JSON = new ObjectMapper();
    private static final String CHAT = "{\"model\":\"openai/gpt-4o-mini\",\"messages\":[{\"role\":\"user\",\"content\":\"hi\"}]}";
    private static GatewayFixture gw;

    @BeforeAll
    static void start() throws Exception {
        gw = new GatewayFixture().start();
        LambdaGateway.install(gw.server().gateway());
    }

    @AfterAll
    static void stop() throws Exception {
        LambdaGateway.install(null);
        gw.close();
    }

    @Test
    void generateContentWithABase64Body() throws Exception {
        ObjectNode event = event("POST", "/v1/chat/completions", "", ALICE_KEY, CHAT, true);
        JsonNode result = invoke(new GenerateContentFunction(), event);
        assertEquals(200, result.path("statusCode").asInt(), result.toString());
        assertFalse(result.path("isBase64Encoded").asBoolean(), "JSON answers travel as text");
        assertTrue(result.path("headers").path("content-type").asText().startsWith("application/json"));
        assertTrue(result.path("headers").has("x-gproxy-request-id"));
        JsonNode body = JSON.readTree(result.path("body").asText());
        assertEquals("Hello from openai model gpt-4o-mini", body.path("choices").get(0).path("message").path("content").asText());
        assertEquals("Bearer " + GatewayFixture.OPENAI_UPSTREAM_KEY, gw.openAi.lastRequest().header("authorization"));
        assertEquals(null, gw.openAi.lastRequest().header("cookie"), "the event's cookies are not forwarded");
    }

    @Test
    void modelsListsTheCatalogue() throws Exception {
        JsonNode result = invoke(new ModelsFunction(), event("GET", "/v1/models", "", ALICE_KEY, null, false));
        assertEquals(200, result.path("statusCode").asInt());
        assertTrue(result.path("body").asText().contains("openai/gpt-4o-mini"));
    }

    @Test
    void adminServesHealthToAnAdminKeyOnly() throws Exception {
        JsonNode denied = invoke(new AdminFunction(), event("GET", "/healthz", "", ALICE_KEY, null, false));
        assertEquals(403, denied.path("statusCode").asInt());
        String adminKey = gw.server().bootstrap().apiKey();
        JsonNode ok = invoke(new AdminFunction(), event("GET", "/healthz", "", adminKey, null, false));
        assertEquals(200, ok.path("statusCode").asInt(), ok.toString());
        assertEquals("ok", JSON.readTree(ok.path("body").asText()).path("status").asText());
    }

    static Stream<Arguments> ownPaths() {
        return Stream.of(
                Arguments.of("models", (Supplier<GroupFunction>) ModelsFunction::new, "GET", "/v1/models"),
                Arguments.of("count tokens", (Supplier<GroupFunction>) CountTokensFunction::new, "POST", "/v1/messages/count_tokens"),
                Arguments.of("generate", (Supplier<GroupFunction>) GenerateContentFunction::new, "POST", "/v1/messages"),
                Arguments.of("images", (Supplier<GroupFunction>) ImagesFunction::new, "POST", "/v1/images/generations"),
                Arguments.of("embeddings", (Supplier<GroupFunction>) EmbeddingsFunction::new, "POST", "/v1/embeddings"),
                Arguments.of("compact", (Supplier<GroupFunction>) CompactFunction::new, "POST", "/v1/responses/compact"),
                Arguments.of("conversation", (Supplier<GroupFunction>) ConversationFunction::new, "POST", "/v1/conversations"),
                Arguments.of("admin", (Supplier<GroupFunction>) AdminFunction::new, "GET", "/version"));
    }

    @ParameterizedTest(name = "{0}")
    @MethodSource("ownPaths")
    void eachFunctionServesItsOwnGroupAndRefusesOthers(String name, Supplier<GroupFunction> function, String method, String path)
            throws Exception {
        // Its own path without a key reaches authentication: 401 from the gateway, not a routing refusal.
        JsonNode own = invoke(function.get(), event(method, path, "", null, method.equals("POST") ? "{}" : null, false));
        assertEquals(401, own.path("statusCode").asInt(), name + ": " + own);
        assertEquals("unauthorized", JSON.readTree(own.path("body").asText()).path("error").path("message").asText());

        // Another group's path is refused by this function, whatever the key.
        String foreign = path.equals("/v1/chat/completions") || name.equals("generate") ? "/v1/embeddings" : "/v1/chat/completions";
        JsonNode refused = invoke(function.get(), event("POST", foreign, "", ALICE_KEY, CHAT, false));
        assertEquals(404, refused.path("statusCode").asInt(), name + ": " + refused);
        assertEquals("gproxy_error", JSON.readTree(refused.path("body").asText()).path("error").path("type").asText());
        assertTrue(refused.path("headers").has("x-gproxy-request-id"));
    }

    @Test
    void operatorCommandsOnlyThroughADirectInvoke() throws Exception {
        JsonNode again = invoke(new AdminFunction(), (ObjectNode) JSON.readTree("{\"gproxy\":\"bootstrap\"}"));
        assertTrue(again.path("status").asText().startsWith("already initialised"), again.toString());
        assertFalse(again.has("password") || again.has("api_key"), "nothing is generated twice");

        ObjectNode importCommand = (ObjectNode) JSON.readTree("""
                {"gproxy":"import","bundle":{"routes":[{"id":77,"name":"imported-route","strategy":"failover"}],
                 "route_members":[{"id":77,"route_id":77,"provider_id":1,"upstream_model_id":"gpt-4o-mini"}]}}""");
        JsonNode imported = invoke(new AdminFunction(), importCommand);
        assertEquals(1, imported.path("imported").path("routes").asInt(), imported.toString());
        JsonNode chat = invoke(new GenerateContentFunction(), event("POST", "/v1/chat/completions", "", ALICE_KEY,
                "{\"model\":\"imported-route\",\"messages\":[{\"role\":\"user\",\"content\":\"hi\"}]}", false));
        assertEquals(200, chat.path("statusCode").asInt(), "the imported route is served at once: " + chat);

        JsonNode bad = invoke(new AdminFunction(), (ObjectNode) JSON.readTree("{\"gproxy\":\"import\",\"bundle\":{\"providers\":[{\"id\":1}]}}"));
        assertTrue(bad.path("error").asText().contains("providers[id=1].name"), bad.toString());

        // The same payload through the URL is just a request body: no command runs.
        JsonNode viaUrl = invoke(new AdminFunction(), event("POST", "/admin/commands", "", ALICE_KEY, "{\"gproxy\":\"bootstrap\"}", false));
        assertEquals(404, viaUrl.path("statusCode").asInt());
        JsonNode notAdmin = invoke(new ModelsFunction(), (ObjectNode) JSON.readTree("{\"gproxy\":\"bootstrap\"}"));
        assertTrue(notAdmin.has("statusCode"), "other functions treat it as a (malformed) event, not a command");
    }

    @Test
    void anOversizedBodyIs413() throws Exception {
        String huge = "{\"pad\":\"" + "x".repeat((int) GatewayFixture.MAX_BODY_BYTES) + "\"}";
        JsonNode result = invoke(new GenerateContentFunction(), event("POST", "/v1/chat/completions", "", ALICE_KEY, huge, true));
        assertEquals(413, result.path("statusCode").asInt());
    }

    /**
     * The gateway's header rule is the same on Lambda as in local mode: at most 200 header names (a Function URL event
     * joins repeated lines of one name, and its cookies become one {@code cookie} header), else 431.
     */
    @Test
    void moreThan200HeaderNamesAre431OnLambdaToo() throws Exception {
        for (int names : new int[] {200, 201, 500}) {
            ObjectNode event = event("POST", "/v1/chat/completions", "", ALICE_KEY, CHAT, false);
            ObjectNode headers = (ObjectNode) event.get("headers");
            int present = headers.size() + (event.path("cookies").isEmpty() ? 0 : 1);
            for (int i = 0; present + i < names; i++) {
                headers.put("x-filler-" + i, "v");
            }
            JsonNode result = invoke(new GenerateContentFunction(), event);
            if (names <= 200) {
                assertEquals(200, result.path("statusCode").asInt(), names + " names: " + result);
                continue;
            }
            assertEquals(431, result.path("statusCode").asInt(), names + " names: " + result);
            JsonNode error = JSON.readTree(result.path("body").asText()).path("error");
            assertEquals("gproxy_error", error.path("type").asText());
            assertEquals("request headers too large", error.path("message").asText());
            assertTrue(result.path("headers").has("x-gproxy-request-id"));
        }
    }

    /** The documented example event with method, path, query, auth and body replaced. */
    private static ObjectNode event(String method, String path, String query, String key, String body, boolean base64)
            throws Exception {
        ObjectNode e = (ObjectNode) JSON.readTree(BufferedFunctionsTest.class.getResourceAsStream("/function-url/request.json"));
        e.put("rawPath", path);
        e.put("rawQueryString", query);
        ObjectNode http = (ObjectNode) e.path("requestContext").path("http");
        http.put("method", method);
        http.put("path", path);
        if (key != null) {
            ((ObjectNode) e.get("headers")).put("authorization", "Bearer " + key);
        }
        if (body == null) {
            e.putNull("body");
            e.put("isBase64Encoded", false);
        } else {
            e.put("body", base64 ? Base64.getEncoder().encodeToString(body.getBytes(StandardCharsets.UTF_8)) : body);
            e.put("isBase64Encoded", base64);
        }
        return e;
    }

    private static JsonNode invoke(GroupFunction function, ObjectNode event) throws Exception {
        ByteArrayOutputStream out = new ByteArrayOutputStream();
        function.handleRequest(new ByteArrayInputStream(JSON.writeValueAsBytes(event)), out, null);
        return JSON.readTree(out.toByteArray());
    }
}
