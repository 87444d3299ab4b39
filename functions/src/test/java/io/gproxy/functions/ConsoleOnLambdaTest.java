package io.gproxy.functions;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import com.fasterxml.jackson.databind.node.ObjectNode;
import io.gproxy.app.Gateway;
import io.gproxy.crypto.MasterKeyCipher;
import io.gproxy.http.FunctionGroup;
import io.gproxy.http.HttpResponse;
import io.gproxy.http.RequestHandler;
import io.gproxy.store.memory.MemoryConfigStore;
import org.junit.jupiter.api.Test;

import java.io.ByteArrayOutputStream;
import java.io.InputStream;
import java.io.PrintStream;
import java.nio.charset.StandardCharsets;
import java.util.EnumSet;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertTrue;

/**
 * The console through a buffered Function URL, as the admin function serves it: text assets go out as text (not
 * base64) with their security headers, and a function that does not own the admin group refuses the path.
 */
class ConsoleOnLambdaTest {
    private static final ObjectMapper JSON = new ObjectMapper();

    private static RequestHandler handler(FunctionGroup group) {
        Gateway gateway = Gateway.builder().store(new MemoryConfigStore())
                .cipher(MasterKeyCipher.fromBase64(MasterKeyCipher.generateKeyBase64()))
                .log(new PrintStream(new ByteArrayOutputStream())).build();
        return gateway.handler(EnumSet.of(group));
    }

    private static JsonNode invoke(RequestHandler handler, String path) {
        ObjectNode event = JSON.createObjectNode();
        event.put("rawPath", path);
        event.put("rawQueryString", "");
        event.putObject("headers").put("host", "example.cloudfront.net");
        event.putObject("requestContext").putObject("http").put("method", "GET").put("path", path);
        HttpResponse response = handler.handle(FunctionUrlEvents.toRequest(event));
        return FunctionUrlEvents.toBufferedResult(response, response.body());
    }

    @Test
    void theAdminFunctionServesTheConsoleAsText() throws Exception {
        RequestHandler admin = handler(FunctionGroup.ADMIN);
        for (String[] c : new String[][] {{"/console", "index.html"}, {"/console/js/app.js", "js/app.js"},
                {"/console/app.css", "app.css"}, {"/console/favicon.svg", "favicon.svg"}}) {
            JsonNode result = invoke(admin, c[0]);
            assertEquals(200, result.get("statusCode").asInt(), c[0]);
            assertFalse(result.get("isBase64Encoded").asBoolean(), c[0] + " goes out as text");
            String expected;
            try (InputStream in = getClass().getClassLoader().getResourceAsStream("console/" + c[1])) {
                expected = new String(in.readAllBytes(), StandardCharsets.UTF_8);
            }
            assertEquals(expected, result.get("body").asText(), c[0]);
            JsonNode headers = result.get("headers");
            assertTrue(headers.get("content-security-policy").asText().contains("default-src 'self'"), c[0]);
            assertEquals("nosniff", headers.get("x-content-type-options").asText());
            assertEquals("DENY", headers.get("x-frame-options").asText());
            assertTrue(headers.has("etag"));
        }
        assertEquals(404, invoke(admin, "/console/..%2Fconsole%2Findex.html").get("statusCode").asInt());
    }

    @Test
    void anotherFunctionDoesNotServeTheConsole() {
        assertEquals(404, invoke(handler(FunctionGroup.GENERATE_CONTENT), "/console").get("statusCode").asInt());
    }
}
