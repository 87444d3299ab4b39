package io.gproxy.channel;

import io.gproxy.protocol.Operation;
import io.gproxy.protocol.OperationKind;
import io.gproxy.protocol.ProtocolFamily;

import java.util.Set;

import static io.gproxy.protocol.OperationKind.CLAUDE;
import static io.gproxy.protocol.OperationKind.GEMINI;
import static io.gproxy.protocol.OperationKind.OPEN_AI;

/**
 * A Bearer-key channel speaking the OpenAI API under its base URL ({@code /v1/...} appended as is): groq, nvidia,
 * xai and the like differ only in id, base URL and which operations they serve natively.
 */
public class OpenAiCompatibleChannel extends ApiKeyChannel {
    private final RoutingTable defaults;

    public OpenAiCompatibleChannel(String id, String displayName, String defaultBaseUrl, Set<String> forwardHeaders,
                                   RoutingTable defaults) {
        super(id, displayName, defaultBaseUrl, forwardHeaders, Set.of());
        this.defaults = defaults;
    }

    @Override
    public RoutingTable routingDefaults() {
        return defaults;
    }

    @Override
    protected AuthStyle authFor(ProtocolFamily family) {
        return AuthStyle.BEARER;
    }

    /** Models listed and read in the OpenAI dialect, whatever family asks; token counting served locally. */
    static RoutingTable.Builder openAiModelsAndLocalCount() {
        return RoutingTable.builder()
                .pass(Operation.LIST_MODELS, OPEN_AI).pass(Operation.GET_MODEL, OPEN_AI)
                .to(Operation.LIST_MODELS, CLAUDE, OPEN_AI).to(Operation.GET_MODEL, CLAUDE, OPEN_AI)
                .to(Operation.LIST_MODELS, GEMINI, OPEN_AI).to(Operation.GET_MODEL, GEMINI, OPEN_AI)
                .local(Operation.COUNT_TOKENS, OPEN_AI).local(Operation.COUNT_TOKENS, CLAUDE)
                .local(Operation.COUNT_TOKENS, GEMINI);
    }

    /** Every content kind not listed as native goes to {@code target}. */
    static RoutingTable.Builder content(RoutingTable.Builder b, OperationKind target, OperationKind... natives) {
        Set<OperationKind> nat = Set.of(natives);
        for (OperationKind k : new OperationKind[]{OperationKind.OPEN_AI_CHAT_COMPLETIONS, OperationKind.OPEN_AI_RESPONSES,
                OperationKind.CLAUDE_MESSAGES, OperationKind.GEMINI_GENERATE_CONTENT}) {
            if (nat.contains(k)) {
                b.passContent(k);
            } else {
                b.contentTo(k, target);
            }
        }
        return b;
    }

    public static OpenAiCompatibleChannel groq() {
        RoutingTable t = content(openAiModelsAndLocalCount(), OperationKind.OPEN_AI_CHAT_COMPLETIONS,
                OperationKind.OPEN_AI_CHAT_COMPLETIONS, OperationKind.OPEN_AI_RESPONSES).build();
        return new OpenAiCompatibleChannel("groq", "Groq", "https://api.groq.com/openai", Set.of(), t);
    }

    public static OpenAiCompatibleChannel nvidia() {
        RoutingTable t = content(openAiModelsAndLocalCount(), OperationKind.OPEN_AI_CHAT_COMPLETIONS,
                OperationKind.OPEN_AI_CHAT_COMPLETIONS)
                .pass(Operation.CREATE_EMBEDDING, OPEN_AI).to(Operation.CREATE_EMBEDDING, GEMINI, OPEN_AI)
                .build();
        return new OpenAiCompatibleChannel("nvidia", "NVIDIA", "https://integrate.api.nvidia.com", Set.of(), t);
    }

    public static OpenAiCompatibleChannel xai() {
        RoutingTable t = content(openAiModelsAndLocalCount(), OperationKind.OPEN_AI_CHAT_COMPLETIONS,
                OperationKind.OPEN_AI_CHAT_COMPLETIONS, OperationKind.OPEN_AI_RESPONSES)
                .pass(Operation.CREATE_IMAGE, OPEN_AI)
                .build();
        return new OpenAiCompatibleChannel("xai", "xAI", "https://api.x.ai", Set.of(), t);
    }
}
