package io.gproxy.tests.fault;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import io.gproxy.tests.e2e.GatewayFixture;
import io.gproxy.tests.fault.DynamoFaultProxy.Call;
import io.gproxy.tests.fault.DynamoFaultProxy.Fault;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.EnumSource;
import software.amazon.awssdk.services.dynamodb.model.AttributeValue;

import java.net.http.HttpResponse;
import java.util.List;
import java.util.Map;
import java.util.function.Predicate;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertTrue;

/**
 * DynamoDB throttling, internal errors and dropped connections between the gateway and its table (issue 10): the
 * gateway fails closed (503, nothing reaches an upstream, nothing is consumed) when it cannot reserve, keeps serving
 * from its config snapshot when only the version check fails, and when a settlement cannot land after the answer
 * went out, the estimate stays committed: the books err towards refusing, never towards serving unmetered.
 * (What unknown keys cost the store is in {@code security.UnknownKeyCostTest}.)
 */
class StoreFaultTest {
    private static final ObjectMapper JSON = new ObjectMapper();
    private static final String ADMIN_KEY = "sk-example-admin-key-0000000000000000000000";
    private static final String CHAT = "{\"model\":\"faulty/gpt-4o-mini\",\"max_tokens\":50,"
            + "\"messages\":[{\"role\":\"user\",\"content\":\"hi\"}]}";
    private static final String STREAM = CHAT.replace("\"max_tokens\"", "\"stream\":true,\"max_tokens\"");

    private static FaultRig rig;

    @BeforeAll
    static void start() throws Exception {
        // the version check runs on every request here, so a store fault meets it at once
        rig = new FaultRig(Map.of("GPROXY_CONFIG_REFRESH_MS", "0"));
    }

    @AfterAll
    static void stop() throws Exception {
        rig.close();
    }

    @BeforeEach
    void clear() throws Exception {
        rig.dynamo.heal();
        rig.fresh();
        rig.upstream.clear();
        rig.dynamo.resetCounts();
    }

    @ParameterizedTest(name = "reservation meets {0}")
    @EnumSource(Fault.class)
    void noReservationNoService(Fault fault) throws Exception {
        Map<String, Long> before = rig.books.aliceTotal();
        rig.dynamo.fail(Call::isReservation, fault, -1);
        for (String body : List.of(CHAT, STREAM)) {
            HttpResponse<String> r = rig.send("/v1/chat/completions", body, "authorization", "Bearer " + GatewayFixture.ALICE_KEY);
            String what = fault + " " + body + " -> " + r.statusCode() + " " + r.body();
            assertGatewayError(r, 503, what);
            assertTrue(r.headers().firstValue("retry-after").isPresent(), what);
            assertEquals(0, rig.upstream.requests(), what + ": fail closed, nothing reached the upstream");
            assertTrue(rig.books.usage(r.headers().firstValue("x-gproxy-request-id").orElseThrow()).isEmpty(), what);
        }
        assertEquals(before, rig.books.aliceTotal(), fault + ": nothing reserved, nothing spent");
    }

    @ParameterizedTest(name = "everything down ({0}): even a user without limits is refused")
    @EnumSource(Fault.class)
    void storeDownRefusesEveryContentRequest(Fault fault) throws Exception {
        rig.dynamo.failEverything(fault);
        for (String key : List.of(GatewayFixture.ALICE_KEY, ADMIN_KEY)) {
            HttpResponse<String> r = rig.send("/v1/chat/completions", CHAT, "authorization", "Bearer " + key);
            assertGatewayError(r, 503, fault + " " + key.substring(0, 12) + " -> " + r.body());
        }
        assertEquals(0, rig.upstream.requests(), "nothing served unmetered");
        rig.dynamo.heal();
        HttpResponse<String> ok = rig.send("/v1/chat/completions", CHAT, "authorization", "Bearer " + ADMIN_KEY);
        assertEquals(200, ok.statusCode(), "recovers once the store is back: " + ok.body());
    }

    @ParameterizedTest(name = "settlement meets {0} twice, then lands")
    @EnumSource(Fault.class)
    void aSettlementRidesOutShortFaults(Fault fault) throws Exception {
        Map<String, Long> before = rig.books.aliceTotal();
        rig.dynamo.fail(Call::isSettlement, fault, 2);
        HttpResponse<String> r = rig.send("/v1/chat/completions", STREAM, "authorization", "Bearer " + GatewayFixture.ALICE_KEY);
        assertEquals(200, r.statusCode(), r.body());
        assertTrue(r.body().contains("[DONE]"), r.body());
        Map<String, AttributeValue> rec = rig.books.awaitRecord(r.headers().firstValue("x-gproxy-request-id").orElseThrow(),
                fault.toString());
        assertEquals("complete", rec.get("ended").s());
        assertEquals(Long.parseLong(rec.get("cost_micros").n()), rig.books.awaitSettled(before, fault.toString()));
        assertTrue(rig.dynamo.injected() >= 2, "the faults were met: " + rig.dynamo.calls());
    }

    @Test
    void aSettlementThatCannotLandLeavesTheEstimateCommitted() throws Exception {
        Map<String, Long> before = rig.books.aliceTotal();
        rig.dynamo.fail(Call::isSettlement, Fault.THROTTLE, -1);
        HttpResponse<String> r = rig.send("/v1/chat/completions", CHAT, "authorization", "Bearer " + GatewayFixture.ALICE_KEY);
        assertEquals(200, r.statusCode(), "the answer was already out: " + r.body());
        String id = r.headers().firstValue("x-gproxy-request-id").orElseThrow();
        Books.await(() -> rig.requestLog().contains(id), () -> "the request's log line");
        rig.dynamo.heal();
        Map<String, Long> after = rig.books.aliceTotal();
        assertEquals(0, Books.delta(before, after, "spent"), "nothing settled");
        assertTrue(Books.delta(before, after, "committed") > 0, "the estimate stays committed: the safe side");
        assertTrue(rig.books.usage(id).isEmpty());
    }

    @ParameterizedTest(name = "config version check meets {0}: served from the snapshot")
    @EnumSource(Fault.class)
    void aFailedVersionCheckServesTheSnapshot(Fault fault) throws Exception {
        rig.dynamo.fail(c -> c.operation().equals("GetItem") && c.body().contains("VERSION"), fault, -1);
        Map<String, Long> before = rig.books.aliceTotal();
        HttpResponse<String> r = rig.send("/v1/chat/completions", CHAT, "authorization", "Bearer " + GatewayFixture.ALICE_KEY);
        assertEquals(200, r.statusCode(), r.body());
        Map<String, AttributeValue> rec = rig.books.awaitRecord(r.headers().firstValue("x-gproxy-request-id").orElseThrow(),
                fault.toString());
        assertEquals(Long.parseLong(rec.get("cost_micros").n()), rig.books.awaitSettled(before, fault.toString()));
    }

    private static void assertGatewayError(HttpResponse<String> r, int status, String what) throws Exception {
        assertEquals(status, r.statusCode(), what);
        JsonNode body = JSON.readTree(r.body());
        assertEquals("gproxy_error", body.path("error").path("type").asText(), what);
        UpstreamFaultTest.assertNothingLeaks(r, what);
        assertFalse(r.body().contains("Throughput") || r.body().contains("dynamo"), what + ": no store detail");
    }
}
