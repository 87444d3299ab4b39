package io.gproxy.tests.admin;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.node.ObjectNode;
import io.gproxy.functions.AdminFunction;
import io.gproxy.functions.LambdaGateway;
import io.gproxy.tests.e2e.GatewayFixture;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;

import java.io.ByteArrayInputStream;
import java.io.ByteArrayOutputStream;

import static io.gproxy.tests.admin.AdminHttp.JSON;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertTrue;

/**
 * The admin surface through the Lambda handler with Function URL events, as it runs behind CloudFront: the session
 * cookie travels in the event's {@code cookies} array and comes back in the result's, Host is the Function URL's
 * own, and a same-origin console write is admitted on the browser's Fetch Metadata.
 */
class AdminLambdaTest {
    private static final String FUNCTION_HOST = "abcdefg.lambda-url.eu-west-1.on.aws";
    private static final String DISTRIBUTION = "https://d111111abcdef8.cloudfront.net";
    private static GatewayFixture gw;

    @BeforeAll
    static void start() throws Exception {
        gw = new GatewayFixture().start();
        LambdaGateway.install(gw.server().gateway());
        new AdminHttp(gw.baseUrl()).admin("POST", "/admin/users", "{\"id\":1,\"password\":\"lambda-pw\"}");
    }

    @AfterAll
    static void stop() throws Exception {
        LambdaGateway.install(null);
        gw.close();
    }

    @Test
    void sessionCookieRoundTripsThroughFunctionUrlEvents() throws Exception {
        JsonNode login = invoke(event("POST", "/admin/login", null, "{\"username\":\"admin\",\"password\":\"lambda-pw\"}"));
        assertEquals(200, login.path("statusCode").asInt(), login.toString());
        assertFalse(login.path("headers").has("set-cookie"), "cookies travel in their own array");
        String cookie = login.path("cookies").get(0).asText();
        assertTrue(cookie.startsWith("gproxy_session=") && cookie.contains("HttpOnly"), cookie);
        String token = cookie.substring("gproxy_session=".length(), cookie.indexOf(';'));

        JsonNode me = invoke(event("GET", "/admin/me", token, null));
        assertEquals(200, me.path("statusCode").asInt(), me.toString());
        assertEquals("admin", JSON.readTree(me.path("body").asText()).path("name").asText());

        ObjectNode write = event("POST", "/admin/orgs", token, "{\"name\":\"from-lambda\"}");
        ((ObjectNode) write.get("headers")).put("origin", DISTRIBUTION);
        assertEquals(403, invoke(write).path("statusCode").asInt(), "Origin is not the Function URL host");
        ((ObjectNode) write.get("headers")).put("sec-fetch-site", "same-origin");
        JsonNode created = invoke(write);
        assertEquals(201, created.path("statusCode").asInt(), created.toString());

        JsonNode audit = JSON.readTree(invoke(event("GET", "/admin/audit?limit=5", token, null)).path("body").asText());
        boolean found = false;
        for (JsonNode row : audit.path("items")) {
            if (row.path("target").asText().equals("/admin/orgs") && row.path("status").asInt() == 201) {
                assertEquals("123.123.123.123", row.path("source_ip").asText(), "the event's source IP");
                found = true;
            }
        }
        assertTrue(found, audit.toString());
    }

    /** The documented example event with method, path, the session cookie among others, and a body. */
    private static ObjectNode event(String method, String pathAndQuery, String token, String body) throws Exception {
        ObjectNode e = (ObjectNode) JSON.readTree(AdminLambdaTest.class.getResourceAsStream("/function-url/request.json"));
        int q = pathAndQuery.indexOf('?');
        String path = q < 0 ? pathAndQuery : pathAndQuery.substring(0, q);
        e.put("rawPath", path);
        e.put("rawQueryString", q < 0 ? "" : pathAndQuery.substring(q + 1));
        ((ObjectNode) e.path("requestContext").path("http")).put("method", method).put("path", path);
        ((ObjectNode) e.get("headers")).put("host", FUNCTION_HOST);
        if (token != null) {
            e.putArray("cookies").add("theme=dark").add("gproxy_session=" + token);
        } else {
            e.remove("cookies");
        }
        if (body == null) {
            e.putNull("body");
        } else {
            e.put("body", body);
        }
        e.put("isBase64Encoded", false);
        return e;
    }

    private static JsonNode invoke(ObjectNode event) throws Exception {
        ByteArrayOutputStream out = new ByteArrayOutputStream();
        new AdminFunction().handleRequest(new ByteArrayInputStream(JSON.writeValueAsBytes(event)), out, null);
        return JSON.readTree(out.toByteArray());
    }
}
