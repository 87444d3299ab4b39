package io.gproxy.transform.ir;

import java.util.List;

/**
 * A content-generation request in the gateway's intermediate representation: what any of the four protocols can
 * say, decoded once from the client's protocol and encoded once into the upstream's (DESIGN §4).
 *
 * @param system           the leading system/developer instruction (text blocks); empty when none
 * @param messages         the conversation, in order
 * @param tools            tools offered; empty when none
 * @param toolChoice       null when unset
 * @param parallelToolCalls null when unset
 * @param generation       never null ({@link Generation#NONE} when nothing is set)
 * @param responseFormat   null when unset
 * @param reasoning        null when unset
 * @param user             end-user id (Chat {@code user}, Claude {@code metadata.user_id}); null when unset
 */
public record IrRequest(String model, List<Content> system, List<Message> messages, List<Tool> tools,
                        ToolChoice toolChoice, Boolean parallelToolCalls, Generation generation,
                        ResponseFormat responseFormat, Reasoning reasoning, boolean stream, String user) {

    public IrRequest {
        system = system == null ? List.of() : List.copyOf(system);
        messages = messages == null ? List.of() : List.copyOf(messages);
        tools = tools == null ? List.of() : List.copyOf(tools);
        generation = generation == null ? Generation.NONE : generation;
    }

    public IrRequest withModel(String newModel) {
        return new IrRequest(newModel, system, messages, tools, toolChoice, parallelToolCalls, generation,
                responseFormat, reasoning, stream, user);
    }

    public IrRequest withStream(boolean newStream) {
        return new IrRequest(model, system, messages, tools, toolChoice, parallelToolCalls, generation,
                responseFormat, reasoning, newStream, user);
    }
}
