package io.gproxy.tests.fault;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import io.gproxy.tests.e2e.GatewayFixture;
import io.gproxy.tests.fault.ScriptedUpstream.Behaviour;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.BeforeEach;
import io.gproxy.pipeline.StreamErrorFrames;
import io.gproxy.protocol.OperationKind;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.Arguments;
import org.junit.jupiter.params.provider.EnumSource;
import org.junit.jupiter.params.provider.MethodSource;
import software.amazon.awssdk.services.dynamodb.model.AttributeValue;

import java.net.http.HttpResponse;
import java.nio.charset.StandardCharsets;
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
                // a stalled body is cut at the upstream timeout and fails like a transport error (one credential);
                // a stream that falls silent that long is given up after its first bytes: the error frame
                case STALLED_BODY -> stream ? Expect.interrupted() : Expect.gatewayError(502);
                case HANG, RESET_BEFORE_HEADERS, TRUNCATED_JSON -> Expect.gatewayError(502);
                case RESET_MID_BODY -> stream ? Expect.interrupted() : Expect.gatewayError(502);
                // converted streams and the Chat passthrough alike end with the client protocol's error frame
                case GARBAGE_SSE, TRUNCATED_SSE, CUT_MID_EVENT -> Expect.interrupted();
            };
        }

        /** Chat on the Chat upstream is relayed byte for byte (passthrough); the others are converted. */
        boolean passthrough() {
            return protocol == ClientProtocol.CHAT;
        }
    }

    static Stream<Case> cases() {
        List<Case> cases = new ArrayList<>();
        for (Behaviour fault : Behaviour.values()) {
            for (ClientProtocol p : ClientProtocol.values()) {
                for (boolean stream : new boolean[] {false, true}) {
                    boolean sseOnly = fault == Behaviour.GARBAGE_SSE || fault == Behaviour.TRUNCATED_SSE
                            || fault == Behaviour.CUT_MID_EVENT;
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
        long started = System.nanoTime();
        HttpResponse<String> r = rig.send(c.protocol().path(MODEL, c.stream()), c.protocol().body(MODEL, c.stream()),
                c.protocol().aliceAuth());
        long tookMillis = (System.nanoTime() - started) / 1_000_000;
        String what = c + " -> " + r.statusCode() + " " + r.body();
        assertEquals(expect.status(), r.statusCode(), what);
        assertNothingLeaks(r, what);
        String requestId = r.headers().firstValue("x-gproxy-request-id").orElseThrow();
        assertEquals(1, rig.upstream.requests(), what + ": one attempt on the one credential");
        if (c.fault() == Behaviour.STALLED_BODY) {
            assertStalledAndClosed(1, tookMillis, what);
        }

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
                if (c.stream() && c.passthrough()) {
                    assertEquals(String.join("", ScriptedUpstream.okEvents()), r.body(), what + ": byte for byte");
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
                if (c.passthrough()) {
                    // the upstream's whole events as they came, then the frame at an event boundary
                    String frame = new String(StreamErrorFrames.forClient(OperationKind.OPEN_AI_CHAT_COMPLETIONS, false),
                            StandardCharsets.UTF_8);
                    assertTrue(r.body().endsWith("\n\n" + frame), what + ": ends with the error frame");
                    assertEquals(1, r.body().split("upstream request failed", -1).length - 1, what + ": one frame");
                }
                assertFalse(r.body().contains(ScriptedUpstream.PARTIAL_EVENT), what + ": no unfinished event");
                if (c.protocol() != ClientProtocol.CHAT) { // Chat's error frame is followed by its [DONE]
                    assertFalse(r.body().contains(c.protocol().streamEnd), what + ": does not pretend to have ended well");
                }
                Map<String, AttributeValue> rec = rig.books.awaitRecord(requestId, what);
                assertEquals("interrupted", rec.get("ended").s(), what);
                assertBilled(before, rec, what);
            }
        }
    }

    /**
     * Headers, then a body that stalls, on the first of two credentials (issue 10): the buffered read gives up at the
     * upstream timeout, closes that connection, and the attempt fails over like a transport error; the second
     * credential serves, and the books hold one complete usage record and no reservation.
     */
    @ParameterizedTest(name = "{0} buffered")
    @EnumSource(ClientProtocol.class)
    void aStalledBodyFailsOverToTheNextCredential(ClientProtocol p) throws Exception {
        servedAfterAStall(FaultRig.TWO_KEYS, p, false);
    }

    /** Each direction twice (the stall is met before any conversion, so two client protocols each suffice). */
    static Stream<Arguments> crossed() {
        return Stream.of(
                Arguments.of(ClientProtocol.RESPONSES, false), // the upstream streams, folded into one answer
                Arguments.of(ClientProtocol.GEMINI, false),
                Arguments.of(ClientProtocol.CHAT, true),        // the upstream answers whole, replayed as a stream
                Arguments.of(ClientProtocol.CLAUDE, true));
    }

    /** The same on a provider that crosses stream and non-stream: both directions read the upstream whole. */
    @ParameterizedTest(name = "{0} stream={1}")
    @MethodSource("crossed")
    void aStalledBodyOnACrossedCallFailsOverToo(ClientProtocol p, boolean stream) throws Exception {
        servedAfterAStall(FaultRig.CROSSED, p, stream);
    }

    /** Every credential stalls: 502 before any byte, every connection closed, nothing booked. */
    @ParameterizedTest(name = "{0} stream={1}")
    @MethodSource("everyCredentialStalls")
    void aCrossedCallWhoseEveryCredentialStallsIsRefused(ClientProtocol p, boolean stream) throws Exception {
        String model = FaultRig.CROSSED + "/" + ScriptedUpstream.MODEL;
        Map<String, Long> before = rig.books.aliceTotal();
        rig.upstream.next(Behaviour.STALLED_BODY);
        rig.upstream.next(Behaviour.STALLED_BODY);
        long started = System.nanoTime();
        HttpResponse<String> r = rig.send(p.path(model, stream), p.body(model, stream), p.aliceAuth());
        long tookMillis = (System.nanoTime() - started) / 1_000_000;
        String what = "stalled twice → " + p + (stream ? " stream" : " buffered") + " -> " + r.statusCode() + " " + r.body();
        assertEquals(502, r.statusCode(), what);
        assertNothingLeaks(r, what);
        assertEquals("upstream request failed", JSON.readTree(r.body()).path("error").path("message").asText(), what);
        assertEquals(2, rig.upstream.requests(), what + ": both credentials tried");
        assertStalledAndClosed(2, tookMillis, what);
        String requestId = r.headers().firstValue("x-gproxy-request-id").orElseThrow();
        assertEquals(0, rig.books.awaitSettled(before, what), what + ": nothing spent");
        assertEquals(0, Books.delta(before, rig.books.aliceTotal(), "committed"), what + ": reservation released");
        assertTrue(rig.books.usage(requestId).isEmpty(), what + ": no usage record");
    }

    static Stream<Arguments> everyCredentialStalls() {
        return Stream.of(Arguments.of(ClientProtocol.GEMINI, false), Arguments.of(ClientProtocol.CLAUDE, true));
    }

    private static void servedAfterAStall(String provider, ClientProtocol p, boolean stream) throws Exception {
        String model = provider + "/" + ScriptedUpstream.MODEL;
        Map<String, Long> before = rig.books.aliceTotal();
        rig.upstream.next(Behaviour.STALLED_BODY); // the next request is answered normally
        long started = System.nanoTime();
        HttpResponse<String> r = rig.send(p.path(model, stream), p.body(model, stream), p.aliceAuth());
        long tookMillis = (System.nanoTime() - started) / 1_000_000;
        String what = "stalled → " + provider + " " + p + (stream ? " stream" : " buffered") + " -> " + r.statusCode()
                + " " + r.body();
        assertEquals(200, r.statusCode(), what);
        assertNothingLeaks(r, what);
        assertEquals(2, rig.upstream.requests(), what + ": the stalled attempt, then the next credential");
        assertStalledAndClosed(1, tookMillis, what);
        assertTrue(r.body().contains("scripted"), what + ": the reply");
        if (stream) {
            assertTrue(r.body().contains(p.streamEnd), what + ": ends as its protocol ends");
            assertFalse(r.body().contains(p.errorFrame), what + ": no error frame");
        }
        String requestId = r.headers().firstValue("x-gproxy-request-id").orElseThrow();
        Map<String, AttributeValue> rec = rig.books.awaitRecord(requestId, what); // exactly one
        assertEquals("complete", rec.get("ended").s(), what);
        assertEquals("upstream", rec.get("usage_source").s(), what);
        assertEquals(Integer.toString(ScriptedUpstream.OUTPUT_TOKENS), rec.get("output_tokens").n(), what);
        assertBilled(before, rec, what);
    }

    /**
     * The stalled attempts ended at the gateway's upstream timeout (not the client's, nor the upstream's own 30 s),
     * and the gateway closed each stalled connection.
     */
    private static void assertStalledAndClosed(int stalls, long tookMillis, String what) throws InterruptedException {
        assertTrue(tookMillis >= FaultRig.UPSTREAM_TIMEOUT_MS * stalls - 500, what + ": waited the timeout (" + tookMillis + " ms)");
        assertTrue(tookMillis < FaultRig.UPSTREAM_TIMEOUT_MS * stalls + 5_000, what + ": bounded (" + tookMillis + " ms)");
        Books.await(() -> rig.upstream.stalledClosed() == stalls,
                () -> what + ": stalled connections closed by the gateway: " + rig.upstream.stalledClosed() + " of " + stalls);
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
