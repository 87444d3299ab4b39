package io.gproxy.transform.chat;

import com.fasterxml.jackson.databind.node.ObjectNode;
import io.gproxy.transform.TransformContext;
import io.gproxy.transform.ir.Content;
import io.gproxy.transform.ir.IrResponse;

import java.util.UUID;

/** IR to a {@code chat.completion} body with one choice. */
final class ChatResponseEncoder {
    private ChatResponseEncoder() {}

    static ObjectNode encode(IrResponse ir, TransformContext ctx) {
        ObjectNode out = ChatNodes.object();
        out.put("id", ir.id() != null ? ir.id() : "chatcmpl-" + UUID.randomUUID());
        out.put("object", "chat.completion");
        out.put("created", ir.createdEpochSeconds() != 0 ? ir.createdEpochSeconds() : ctx.nowEpochSeconds());
        out.put("model", ir.model());
        ObjectNode choice = out.putArray("choices").addObject();
        choice.put("index", 0);
        ObjectNode message = choice.putObject("message").put("role", "assistant");
        ChatAssistantMessages.encode(ir.content(), message, ctx, "response", true);
        if (!message.has("refusal")) {
            message.putNull("refusal"); // the official API always sends the field
        }
        message.putArray("annotations");
        choice.putNull("logprobs");
        boolean hasToolCalls = ir.content().stream().anyMatch(c -> c instanceof Content.ToolCall);
        choice.put("finish_reason", ChatFinishReasons.encode(ir.finish(), hasToolCalls, ctx));
        out.set("usage", ChatUsage.encode(ir.usage(), ctx));
        return out;
    }
}
