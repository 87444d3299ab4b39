package io.gproxy.transform.chat;

import com.fasterxml.jackson.databind.JsonNode;
import io.gproxy.transform.TransformContext;
import io.gproxy.transform.TransformException;
import io.gproxy.transform.ir.Content;
import io.gproxy.transform.ir.FinishReason;
import io.gproxy.transform.ir.IrResponse;

import java.util.List;

/** A {@code chat.completion} body to IR. Only the first choice is an IR answer. */
final class ChatResponseDecoder {
    private ChatResponseDecoder() {}

    static IrResponse decode(JsonNode body, TransformContext ctx) throws TransformException {
        if (body == null || !body.isObject()) {
            throw new TransformException("response body must be a JSON object");
        }
        JsonNode choices = body.get("choices");
        if (choices == null || !choices.isArray()) {
            throw new TransformException(body.has("error") ? "upstream answered with an error object"
                    : "choices must be an array");
        }
        if (choices.size() > 1) {
            ctx.loss().drop("choices[1..]");
        }
        List<Content> content = List.of();
        FinishReason finish = null;
        if (!choices.isEmpty()) {
            JsonNode choice = choices.get(0);
            JsonNode message = choice.get("message");
            if (message == null || !message.isObject()) {
                throw new TransformException("choices[0].message must be an object");
            }
            content = ChatAssistantMessages.decode(message, ctx, "choices[0].message");
            boolean hasToolCalls = content.stream().anyMatch(c -> c instanceof Content.ToolCall);
            finish = ChatFinishReasons.decode(ChatNodes.text(choice, "finish_reason"), hasToolCalls);
            if (ChatNodes.present(choice, "logprobs")) {
                ctx.loss().drop("logprobs");
            }
            JsonNode annotations = message.get("annotations");
            if (annotations != null && annotations.isArray() && !annotations.isEmpty()) {
                ctx.loss().drop("message.annotations");
            }
        }
        Long created = ChatNodes.count(body, "created");
        return new IrResponse(ChatNodes.text(body, "id"), ChatNodes.text(body, "model"), content, finish,
                ChatUsage.decode(body.get("usage")), created == null ? 0 : created);
    }
}
