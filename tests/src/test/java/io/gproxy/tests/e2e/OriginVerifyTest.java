package io.gproxy.tests.e2e;

import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;

import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.util.Map;

import static io.gproxy.tests.e2e.GatewayFixture.ALICE_KEY;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertNull;

/**
 * With GPROXY_ORIGIN_SECRET set (as in AWS, where CloudFront adds the header), requests without the secret are
 * refused before anything else, both values of a rotation are accepted, and the header never travels upstream.
 */
class OriginVerifyTest {
    private static GatewayFixture gw;

    @BeforeAll
    static void start() throws Exception {
        gw = new GatewayFixture(Map.of("GPROXY_ORIGIN_SECRET", "current-secret, previous-secret")).start();
    }

    @AfterAll
    static void stop() throws Exception {
        gw.close();
    }

    @Test
    void onlyRequestsCarryingTheSecretGetIn() throws Exception {
        assertEquals(403, send(null).statusCode());
        assertEquals(403, send("guess").statusCode());
        assertEquals(403, send("current-secre").statusCode());
        assertEquals(0, gw.upstreamRequestCount());

        HttpResponse<String> ok = send("current-secret");
        assertEquals(200, ok.statusCode(), ok.body());
        assertNull(gw.openAi.lastRequest().header("x-gproxy-origin-verify"), "the secret never goes upstream");
        assertEquals(200, send("previous-secret").statusCode(), "the other value of a rotation works too");
        assertFalse(gw.console().contains("current-secret"), "the secret is never logged");
    }

    private static HttpResponse<String> send(String secret) throws Exception {
        HttpRequest.Builder b = HttpRequest.newBuilder(URI.create(gw.baseUrl() + "/v1/chat/completions"))
                .header("authorization", "Bearer " + ALICE_KEY)
                .POST(HttpRequest.BodyPublishers.ofString(
                        "{\"model\":\"openai/gpt-4o-mini\",\"messages\":[{\"role\":\"user\",\"content\":\"hi\"}]}"));
        if (secret != null) {
            b.header("x-gproxy-origin-verify", secret);
        }
        return HttpClient.newHttpClient().send(b.build(), HttpResponse.BodyHandlers.ofString());
    }
}
