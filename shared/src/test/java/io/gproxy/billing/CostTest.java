package io.gproxy.billing;

import com.fasterxml.jackson.databind.JsonNode;
import io.gproxy.protocol.Json;
import io.gproxy.protocol.OperationKind;
import io.gproxy.protocol.ProtocolFamily;
import io.gproxy.transform.CodecRegistry;
import io.gproxy.transform.TransformContext;
import io.gproxy.transform.ir.Usage;
import org.junit.jupiter.api.Test;

import java.math.BigDecimal;
import java.nio.charset.StandardCharsets;
import java.util.List;

import static org.junit.jupiter.api.Assertions.assertEquals;

/**
 * The cost formula (spec/core.md §9.2) on each protocol's own usage shape, decoded by the real codecs into the IR and
 * converted to billed quantities (§9.4): every prompt token priced exactly once (cache reads and writes are not also
 * billed as input: BerriAI/litellm#9812, #11789), reasoning tokens billed as output. Prices are the providers'
 * published list prices per million tokens for the named models.
 */
class CostTest {
    private static final CodecRegistry CODECS = CodecRegistry.builtIn();

    @Test
    void anthropicCacheCreationAndReadAreNotDoubleCounted() throws Exception {
        // Claude Sonnet 4.5: input $3, output $15, cache read $0.30, 5-minute write $3.75, 1-hour write $6.
        Prices sonnet = prices("3", "15", "0.30", "3.75", null, "6");
        Usage ir = decode(OperationKind.CLAUDE_MESSAGES, """
                {"id":"msg_1","type":"message","role":"assistant","model":"claude-sonnet-4-5",
                 "content":[{"type":"text","text":"hi"}],"stop_reason":"end_turn","stop_sequence":null,
                 "usage":{"input_tokens":100,"cache_creation_input_tokens":2000,"cache_read_input_tokens":10000,
                          "cache_creation":{"ephemeral_5m_input_tokens":1500,"ephemeral_1h_input_tokens":500},
                          "output_tokens":300}}""");
        BilledUsage u = BilledUsage.from(ir, ProtocolFamily.CLAUDE);
        assertEquals(new BilledUsage(100, 300, 10000, 1500, 0, 500, 0, 0), u, "Claude's input_tokens excludes the cache");
        assertEquals(12_100, u.promptTokens());
        // 100×3 + 300×15 + 10000×0.30 + 1500×3.75 + 500×6 = 300 + 4500 + 3000 + 5625 + 3000 = 16425 µ$
        assertEquals(new BigDecimal("0.016425"), Cost.usd(sonnet, u));
        assertEquals(16_425, Cost.micros(Cost.usd(sonnet, u)));
    }

    @Test
    void anthropicLegacyCacheCreationCountsAsFiveMinutes() throws Exception {
        Usage ir = decode(OperationKind.CLAUDE_MESSAGES, """
                {"id":"msg_1","type":"message","role":"assistant","model":"claude-sonnet-4-5",
                 "content":[{"type":"text","text":"hi"}],"stop_reason":"end_turn","stop_sequence":null,
                 "usage":{"input_tokens":10,"cache_creation_input_tokens":1000,"cache_read_input_tokens":0,"output_tokens":5}}""");
        BilledUsage u = BilledUsage.from(ir, ProtocolFamily.CLAUDE);
        assertEquals(new BilledUsage(10, 5, 0, 1000, 0, 0, 0, 0), u);
        // 10×3 + 5×15 + 1000×3.75 = 30 + 75 + 3750 = 3855 µ$
        assertEquals(new BigDecimal("0.003855"), Cost.usd(prices("3", "15", "0.30", "3.75", null, "6"), u));
    }

    @Test
    void openAiCachedTokensAreBilledAtTheCachedPriceOnly() throws Exception {
        // gpt-4o: input $2.50, cached input $1.25, output $10.
        Usage ir = decode(OperationKind.OPEN_AI_CHAT_COMPLETIONS, """
                {"id":"c1","object":"chat.completion","created":1,"model":"gpt-4o",
                 "choices":[{"index":0,"message":{"role":"assistant","content":"hi"},"finish_reason":"stop"}],
                 "usage":{"prompt_tokens":2000,"completion_tokens":500,"total_tokens":2500,
                          "prompt_tokens_details":{"cached_tokens":1536}}}""");
        BilledUsage u = BilledUsage.from(ir, ProtocolFamily.OPENAI);
        assertEquals(new BilledUsage(464, 500, 1536, 0, 0, 0, 0, 0), u, "prompt_tokens includes the cached ones");
        // 464×2.50 + 1536×1.25 + 500×10 = 1160 + 1920 + 5000 = 8080 µ$
        assertEquals(new BigDecimal("0.00808"), Cost.usd(prices("2.50", "10", "1.25", null, null, null), u));
    }

    @Test
    void openAiReasoningTokensArePartOfOutput() throws Exception {
        // o4-mini: input $1.10, cached input $0.275, output $4.40.
        Usage ir = decode(OperationKind.OPEN_AI_RESPONSES, """
                {"id":"resp_1","object":"response","created_at":1,"status":"completed","model":"o4-mini",
                 "output":[{"type":"message","id":"m1","status":"completed","role":"assistant",
                            "content":[{"type":"output_text","text":"hi","annotations":[]}]}],
                 "usage":{"input_tokens":2000,"input_tokens_details":{"cached_tokens":1536},
                          "output_tokens":1200,"output_tokens_details":{"reasoning_tokens":1000},"total_tokens":3200}}""");
        BilledUsage u = BilledUsage.from(ir, ProtocolFamily.OPENAI);
        assertEquals(new BilledUsage(464, 1200, 1536, 0, 0, 0, 0, 1000), u, "reasoning is inside output_tokens");
        // 464×1.10 + 1536×0.275 + 1200×4.40 = 510.4 + 422.4 + 5280 = 6212.8 µ$
        BigDecimal cost = Cost.usd(prices("1.10", "4.40", "0.275", null, null, null), u);
        assertEquals(new BigDecimal("0.0062128"), cost);
        assertEquals(6213, Cost.micros(cost), "micro-dollars round half up");
    }

    @Test
    void openAiCacheWritesAreBilledAtTheThirtyMinutePrice() throws Exception {
        Usage ir = decode(OperationKind.OPEN_AI_RESPONSES, """
                {"id":"resp_1","object":"response","created_at":1,"status":"completed","model":"gpt-x",
                 "output":[],
                 "usage":{"input_tokens":3000,"input_tokens_details":{"cached_tokens":1000,"cache_write_tokens":1500},
                          "output_tokens":10,"output_tokens_details":{"reasoning_tokens":0},"total_tokens":3010}}""");
        BilledUsage u = BilledUsage.from(ir, ProtocolFamily.OPENAI);
        assertEquals(new BilledUsage(500, 10, 1000, 0, 1500, 0, 0, 0), u);
        // 500×1 + 10×4 + 1000×0.1 + 1500×1.25 = 500 + 40 + 100 + 1875 = 2515 µ$
        assertEquals(new BigDecimal("0.002515"), Cost.usd(prices("1", "4", "0.1", "9", "1.25", null), u));
    }

    @Test
    void geminiCachedContentAndThoughts() throws Exception {
        // Gemini 2.5 Flash: input $0.30, output (thinking included) $2.50, context cache $0.075.
        Usage ir = decode(OperationKind.GEMINI_GENERATE_CONTENT, """
                {"candidates":[{"content":{"role":"model","parts":[{"text":"hi"}]},"finishReason":"STOP","index":0}],
                 "usageMetadata":{"promptTokenCount":10000,"cachedContentTokenCount":8000,"candidatesTokenCount":400,
                                  "thoughtsTokenCount":600,"totalTokenCount":11000},
                 "modelVersion":"gemini-2.5-flash"}""");
        BilledUsage u = BilledUsage.from(ir, ProtocolFamily.GEMINI);
        assertEquals(new BilledUsage(2000, 1000, 8000, 0, 0, 0, 0, 600), u,
                "cached content is inside promptTokenCount; thoughts are billed as output");
        // 2000×0.30 + 8000×0.075 + 1000×2.50 = 600 + 600 + 2500 = 3700 µ$
        assertEquals(new BigDecimal("0.0037"), Cost.usd(prices("0.30", "2.50", "0.075", null, null, null), u));
    }

    @Test
    void promptThresholdTierAppliesAboveItsThreshold() {
        // Gemini 2.5 Pro: $1.25 in / $10 out up to 200k prompt tokens, $2.50 / $15 above.
        PriceRule pro = new PriceRule(1, null, true, "gemini-2.5-pro", prices("1.25", "10", "0.31", null, null, null),
                PriceBook.tiers(Json.MAPPER.valueToTree(List.of(java.util.Map.of("min_prompt_tokens", 200_001,
                        "input_price", "2.50", "output_price", "15", "cache_read_price", "0.625")))));
        BilledUsage small = new BilledUsage(100_000, 1000, 0, 0, 0, 0, 0, 0);
        BilledUsage large = new BilledUsage(250_000, 1000, 0, 0, 0, 0, 0, 0);
        assertEquals(new BigDecimal("0.135"), Cost.usd(pro.pricesFor(small.promptTokens(), null), small));
        assertEquals(new BigDecimal("0.64"), Cost.usd(pro.pricesFor(large.promptTokens(), null), large));
    }

    @Test
    void serviceTierMultiplierThenExplicitPrices() throws Exception {
        JsonNode tiers = Json.parse("""
                [{"service_tier":"priority","multiplier":"2"},
                 {"service_tier":"flex","multiplier":"0.5","output_price":"1"},
                 {"min_prompt_tokens":1000,"input_price":"4"}]""".getBytes(StandardCharsets.UTF_8));
        PriceRule r = new PriceRule(1, null, true, "m", prices("2", "8", null, null, null, null), PriceBook.tiers(tiers));
        assertEquals(prices("4", "16", null, null, null, null), r.pricesFor(10, ServiceTiers.normalize("fast")));
        assertEquals(prices("1", "1", null, null, null, null), r.pricesFor(10, "flex"));
        assertEquals(prices("8", "16", null, null, null, null), r.pricesFor(5000, "priority"),
                "threshold tier first, then the service tier's multiplier");
        assertEquals(prices("2", "8", null, null, null, null), r.pricesFor(10, ServiceTiers.normalize("default")));
    }

    @Test
    void priceRankingProviderExactThenGlobalExactThenContains() {
        PriceBook book = new PriceBook(List.of(
                new PriceRule(1, null, false, "gpt", prices("4", null, null, null, null, null), List.of()),
                new PriceRule(2, 7L, false, "gpt-4o", prices("3", null, null, null, null, null), List.of()),
                new PriceRule(3, null, true, "gpt-4o-mini", prices("2", null, null, null, null, null), List.of()),
                new PriceRule(4, 7L, true, "gpt-4o-mini", prices("1", null, null, null, null, null), List.of()),
                new PriceRule(5, 7L, false, "gpt-4o-mini", prices("5", null, null, null, null, null), List.of())));
        assertEquals(4, book.find(7, "gpt-4o-mini").orElseThrow().id(), "provider exact");
        assertEquals(3, book.find(8, "gpt-4o-mini").orElseThrow().id(), "global exact");
        assertEquals(5, book.find(7, "gpt-4o-mini-2024").orElseThrow().id(), "provider contains, longer match first");
        assertEquals(1, book.find(8, "gpt-4o-2024").orElseThrow().id(), "global contains");
        assertEquals(Prices.ZERO, book.prices(8, "claude", 10, null), "no rule: zero, the request still runs");
    }

    @Test
    void microDollarsAndFormatting() {
        assertEquals("0.000006", Cost.format(new BigDecimal("0.0000060")));
        assertEquals("0", Cost.format(BigDecimal.ZERO));
        assertEquals(1, Cost.microsCeil(new BigDecimal("0.0000001")));
        assertEquals(0, Cost.micros(new BigDecimal("0.0000004")));
    }

    private static Usage decode(OperationKind kind, String body) throws Exception {
        return CODECS.find(kind).orElseThrow()
                .decodeResponse(Json.parse(body.getBytes(StandardCharsets.UTF_8)), TransformContext.now()).usage();
    }

    static Prices prices(String in, String out, String read, String c5, String c30, String c1h) {
        return new Prices(d(in), d(out), d(read), d(c5), d(c30), d(c1h), null);
    }

    private static BigDecimal d(String s) {
        return s == null ? null : new BigDecimal(s);
    }
}
