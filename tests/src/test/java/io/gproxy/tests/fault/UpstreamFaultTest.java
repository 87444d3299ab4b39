package io.gproxy.tests.fault;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import io.gproxy.tests.e2e.GatewayFixture;
import io.gproxy.tests.fault.ScriptedUpstream.Behaviour;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.MethodSource;
import software.amazon.awssdk.services.dynamodb.model.AttributeValue;

import java.net.http.HttpResponse;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.stream.Stream;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertTrue;

/**
 * Upstream faults × client protocols × buffered/streamed (issue 10). Each case checks what the client gets (status,
 * an error in a shape its protocol or the gateway envelope defines, no stack trace, no secret) AND the books: the
 * reservation released (committed moved exactly as spent did), a usage record exactly when something was served,
 * with {@code ended=interrupted} for a stream that broke after its first byte.
 */
class UpstreamFaultTest {
    private static final ObjectMapper JSON = new ObjectMapper();
    private static final String MODEL = FaultRig.PROVIDER + "/" + ScriptedUpstream.MODEL;
    /** Strings that must never reach a client. */
    static final List<String> NEVER_SHOWN = List.of("Exception", "\tat ", "io.gproxy.", "java.", FaultRig.UPSTREAM_KEY,
            GatewayFixture.MASTER_KEY, GatewayFixture.ALICE_KEY, GatewayFixture.OPENAI_UPSTREAM_KEY);

    enum Outcome { SERVED, INTERRUPTED, REFUSED }

    /** What a case must end as: {@code status}, and for refusals whether the body is the gateway's own envelope. */
    record Expect(Outcome outcome, int status, boolean gatewayEnvelope, boolean errorFrame) {
        static Expect served() {
            return new Expect(Outcome.SERVED, 200, false, false);
        }

        static Expect interrupted() {
            return new Expect(Outcome.INTERRUPTED, 200, false, true);
        }

        /** A passthrough stream that broke without a transport error: relayed as it came, booked as interrupted. */
        static Expect relayedBroken() {
            return new Expect(Outcome.INTERRUPTED, 200, false, false);
        }

        static Expect relayed(int status) {
            return new Expect(Outcome.REFUSED, status, false, false);
        }

        static Expect gatewayError(int status) {
            return new Expect(Outcome.REFUSED, status, true, false);
        }
    }

    record Case(Behaviour fault, ClientProtocol protocol, boolean stream) {
        @Override
        public String toString() {
            return fault + " → " + protocol + (stream ? " stream" : " buffered");
        }

        Expect expect() {
            return switch (fault) {
                case OK, SLOW_FIRST_BYTE -> Expect.served();
                case STATUS_429 -> Expect.relayed(429);
                case STATUS_500 -> Expect.relayed(500);
                case STATUS_401 -> Expect.relayed(401);
                case HANG, RESET_BEFORE_HEADERS, TRUNCATED_JSON -> Expect.gatewayError(502);
                case RESET_MID_BODY -> stream ? Expect.interrupted() : Expect.gatewayError(502);
                // Chat on a Chat upstream is a passthrough: the client gets the upstream's bytes as they came (its
                // SDK sees the garbage or the missing [DONE]); converted streams end with the protocol's error frame
                case GARBAGE_SSE, TRUNCATED_SSE -> protocol == ClientProtocol.CHAT ? Expect.relayedBroken()
                        : Expect.interrupted();
            };
        }
    }

    static Stream<Case> cases() {
        List<Case> cases = new ArrayList<>();
        for (Behaviour fault : Behaviour.values()) {
            for (ClientProtocol p : ClientProtocol.values()) {
                for (boolean stream : new boolean[] {false, true}) {
                    boolean sseOnly = fault == Behaviour.GARBAGE_SSE || fault == Behaviour.TRUNCATED_SSE;
                    boolean jsonOnly = fault == Behaviour.TRUNCATED_JSON;
                    if ((sseOnly && !stream) || (jsonOnly && stream)) {
                        continue;
                    }
                    cases.add(new Case(fault, p, stream));
                }
            }
        }
        return cases.stream();
    }

    private static FaultRig rig;

    @BeforeAll
    static void start() throws Exception {
        rig = new FaultRig(Map.of());
    }

    @AfterAll
    static void stop() throws Exception {
        rig.close();
    }

    @BeforeEach
    void clear() throws Exception {
        rig.fresh();
        rig.upstream.clear();
    }

    @ParameterizedTest(name = "{0}")
    @MethodSource("cases")
    void faultIsAnsweredAndBooked(Case c) throws Exception {
        Expect expect = c.expect();
        Map<String, Long> before = rig.books.aliceTotal();
        rig.upstream.next(c.fault());
        HttpResponse<String> r = rig.send(c.protocol().path(MODEL, c.stream()), c.protocol().body(MODEL, c.stream()),
                c.protocol().aliceAuth());
        String what = c + " -> " + r.statusCode() + " " + r.body();
        assertEquals(expect.status(), r.statusCode(), what);
        assertNothingLeaks(r, what);
        String requestId = r.headers().firstValue("x-gproxy-request-id").orElseThrow();
        assertEquals(1, rig.upstream.requests(), what + ": one attempt on the one credential");

        switch (expect.outcome()) {
            case REFUSED -> {
                JsonNode body = JSON.readTree(r.body());
                assertTrue(body.has("error"), what + ": an error object");
                if (expect.gatewayEnvelope()) {
                    assertEquals("gproxy_error", body.path("error").path("type").asText(), what);
                    assertEquals("upstream request failed", body.path("error").path("message").asText(), what);
                }
                assertEquals(0, rig.books.awaitSettled(before, what), what + ": nothing spent");
                assertEquals(0, Books.delta(before, rig.books.aliceTotal(), "committed"), what + ": reservation released");
                assertTrue(rig.books.usage(requestId).isEmpty(), what + ": no usage record for what was not served");
            }
            case SERVED -> {
                if (c.stream()) {
                    assertTrue(r.body().contains(c.protocol().streamEnd), what + ": ends as its protocol ends");
                    assertFalse(r.body().contains(c.protocol().errorFrame), what + ": no error frame");
                }
                assertTrue(r.body().contains("scripted"), what + ": the reply");
                Map<String, AttributeValue> rec = rig.books.awaitRecord(requestId, what);
                assertEquals("complete", rec.get("ended").s(), what);
                assertEquals("upstream", rec.get("usage_source").s(), what);
                assertEquals(Integer.toString(ScriptedUpstream.OUTPUT_TOKENS), rec.get("output_tokens").n(), what);
                assertBilled(before, rec, what);
            }
            case INTERRUPTED -> {
                if (expect.errorFrame()) {
                    assertTrue(r.body().contains(c.protocol().errorFrame), what + ": one protocol-shaped error frame");
                }
                if (c.protocol() != ClientProtocol.CHAT) { // Chat's error frame is followed by its [DONE]
                    assertFalse(r.body().contains(c.protocol().streamEnd), what + ": does not pretend to have ended well");
                }
                Map<String, AttributeValue> rec = rig.books.awaitRecord(requestId, what);
                assertEquals("interrupted", rec.get("ended").s(), what);
                assertBilled(before, rec, what);
            }
        }
    }

    /** The settlement replaced the estimate by the recorded cost: spent moved by it, and committed by the same. */
    private static void assertBilled(Map<String, Long> before, Map<String, AttributeValue> rec, String what)
            throws InterruptedException {
        long spent = rig.books.awaitSettled(before, what);
        assertEquals(Long.parseLong(rec.get("cost_micros").n()), spent, what + ": spent is the recorded cost");
    }

    static void assertNothingLeaks(HttpResponse<String> r, String what) {
        String headers = r.headers().map().toString();
        for (String s : NEVER_SHOWN) {
            assertFalse(r.body().contains(s), what + ": body shows '" + s + "'");
            assertFalse(headers.contains(s), what + ": headers show '" + s + "'");
        }
    }
}
