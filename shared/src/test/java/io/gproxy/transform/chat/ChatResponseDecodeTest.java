package io.gproxy.transform.chat;

import io.gproxy.transform.TransformContext;
import io.gproxy.transform.TransformException;
import io.gproxy.transform.ir.OpaqueReasoning;
import io.gproxy.transform.ir.Content;
import io.gproxy.transform.ir.FinishReason;
import io.gproxy.transform.ir.IrResponse;
import io.gproxy.transform.ir.Usage;
import org.junit.jupiter.api.Test;

import java.util.List;
import java.util.Set;

import static io.gproxy.transform.chat.ChatTestSupport.CODEC;
import static io.gproxy.transform.chat.ChatTestSupport.ctx;
import static io.gproxy.transform.chat.ChatTestSupport.fixture;
import static io.gproxy.transform.chat.ChatTestSupport.json;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

class ChatResponseDecodeTest {

    @Test
    void text() throws Exception {
        TransformContext ctx = ctx();
        assertEquals(new IrResponse("chatcmpl-B9MHDbslfkBeAs8l4bebGdFOJ6PeG", "gpt-4o-2024-08-06",
                        List.of(new Content.Text("Hello! How can I help you today?")), FinishReason.STOP,
                        new Usage(1117L, 46L, 1024L, null, null, 0L), 1741570283L),
                CODEC.decodeResponse(fixture("response_text.json"), ctx));
        assertTrue(ctx.loss().isEmpty(), ctx.loss().headerValue());
    }

    @Test
    void parallelToolCalls() throws Exception {
        assertEquals(new IrResponse("chatcmpl-BPx8oL2Ttk3B7hCcTgvBvC9jjXmQb", "gpt-4.1-2025-04-14",
                        List.of(new Content.ToolCall("call_DdmO9pD3xa9XTPNJ32zg2hcA", "get_weather",
                                        "{\"location\":\"Paris, France\"}", false),
                                new Content.ToolCall("call_ABCDEFG1234567890abcdefg", "get_weather",
                                        "{\"location\":\"Bogotá, Colombia\"}", false)),
                        FinishReason.TOOL_CALLS, new Usage(82L, 51L, 0L, null, null, 0L), 1745440202L),
                CODEC.decodeResponse(fixture("response_tool_calls.json"), ctx()));
    }

    @Test
    void reasoningWithSignature() throws Exception {
        assertEquals(new IrResponse("gen-1752000000-AbCdEfGhIjKlMnOpQrSt", "anthropic/claude-sonnet-4.5",
                        List.of(new Content.Reasoning("Multiply 17 by 20, then add 17 × 3.", "ErUBCkYIBRgCIkDsig==", null, false,
                                OpaqueReasoning.ANTHROPIC),
                                new Content.Text("17 × 23 = 391.")),
                        FinishReason.STOP, new Usage(40L, 95L, 0L, null, null, 72L), 1752000000L),
                CODEC.decodeResponse(fixture("response_reasoning.json"), ctx()));
    }

    @Test
    void maxTokensStop() throws Exception {
        assertEquals(new IrResponse("chatcmpl-CaLLq8sZ1dVg3rRlAbCdEf0123456", "o4-mini-2025-04-16",
                        List.of(new Content.Text("The history of Rome begins with")), FinishReason.LENGTH,
                        new Usage(25L, 64L, 0L, null, null, 56L), 1760000123L),
                CODEC.decodeResponse(fixture("response_length.json"), ctx()));
    }

    @Test
    void refusal() throws Exception {
        assertEquals(new IrResponse("chatcmpl-9nYAG9LPNonX8DAyrkwYfemr3C8HC", "gpt-4o-2024-08-06",
                        List.of(new Content.Refusal("I'm sorry, I cannot assist with that request.")), FinishReason.STOP,
                        new Usage(81L, 11L, null, null, null, null), 1721596428L),
                CODEC.decodeResponse(fixture("response_refusal.json"), ctx()));
    }

    @Test
    void stopWithToolCallsMeansToolCallsAndExtraChoicesAreNoted() throws Exception {
        TransformContext ctx = ctx();
        IrResponse ir = CODEC.decodeResponse(json("{\"id\":\"x\",\"model\":\"m\",\"choices\":["
                + "{\"index\":0,\"message\":{\"role\":\"assistant\",\"content\":null,\"tool_calls\":[{\"id\":\"c\",\"type\":\"function\","
                + "\"function\":{\"name\":\"f\",\"arguments\":\"{}\"}}]},\"finish_reason\":\"stop\"},"
                + "{\"index\":1,\"message\":{\"role\":\"assistant\",\"content\":\"other\"},\"finish_reason\":\"stop\"}]}"), ctx);
        assertEquals(FinishReason.TOOL_CALLS, ir.finish());
        assertEquals(Usage.EMPTY, ir.usage());
        assertEquals(0L, ir.createdEpochSeconds());
        assertEquals(Set.of("choices[1..]"), ctx.loss().dropped());
    }

    @Test
    void errorBodyIsNotAResponse() {
        assertThrows(TransformException.class, () -> CODEC.decodeResponse(
                json("{\"error\":{\"message\":\"bad\",\"type\":\"invalid_request_error\"}}"), ctx()));
    }
}
